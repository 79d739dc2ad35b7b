//! Bearer tokens: who the viewer is.
//!
//! Tokens are JWTs carrying `sub`, `role` (`coordinator`, `finance`, `ministry`, `admin`),
//! optionally `org` (an organisation's ID), and `iss`, `aud`, `iat`, `exp`. They are signed with
//! HS256 under `SALKKU_JWT_SECRET`, or by an identity provider with RS256 or ES256 and checked
//! with its public key (a PEM file, or a JWKS file chosen by `kid`). Following RFC 8725 the
//! algorithm is pinned by configuration — a token naming another, or `none`, is refused — `exp`
//! is required, `nbf` and `iat` are respected with a small leeway, and issuer and audience must
//! match.

use chrono::{DateTime, Duration, Utc};
use jsonwebtoken::errors::ErrorKind;
use std::collections::HashMap;
use std::num::NonZeroUsize;
use std::sync::Arc;

use jsonwebtoken::jwk::JwkSet;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use salkku_domain::ids::OrganizationId;
use salkku_domain::{Role, message};
use serde::{Deserialize, Serialize};

use crate::config::{JwtAlgorithm, JwtSettings, MIN_SECRET_BYTES};
use crate::error::ApiError;
use crate::remembered::Remembered;

/// Clock skew tolerated between the token's issuer and this service.
pub const LEEWAY_SECONDS: u64 = 30;

/// The claims of a salkku token, as minted.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Claims {
    pub sub: String,
    pub role: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub org: Option<String>,
    pub iss: String,
    pub aud: String,
    pub iat: i64,
    pub exp: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nbf: Option<i64>,
}

/// The claims of a token as received: everything optional, so that a missing claim is reported
/// by name rather than as a malformed token.
#[derive(Debug, Clone, Deserialize)]
struct Received {
    sub: Option<String>,
    role: Option<String>,
    org: Option<String>,
    iat: Option<i64>,
    /// Read only to know how long a verified token may be recalled (the library checks it).
    exp: Option<serde_json::Number>,
}

/// Who is asking: the verified content of a token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Viewer {
    pub subject: String,
    pub role: Role,
    pub organization: Option<OrganizationId>,
}

impl Viewer {
    pub fn actor(&self) -> salkku_persistence::Actor {
        salkku_persistence::Actor { subject: self.subject.clone(), role: self.role, organization: self.organization }
    }
}

/// The role names used in tokens.
pub fn role_claim(role: Role) -> &'static str {
    match role {
        Role::Coordinator => "coordinator",
        Role::Finance => "finance",
        Role::Ministry => "ministry",
        Role::Admin => "admin",
    }
}

pub fn parse_role(claim: &str) -> Option<Role> {
    [Role::Coordinator, Role::Finance, Role::Ministry, Role::Admin].into_iter().find(|r| role_claim(*r) == claim)
}

/// Why the settings cannot make a token service.
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error("SALKKU_JWT_SECRET must be at least {MIN_SECRET_BYTES} bytes long (it is {0})")]
    SecretTooShort(usize),
    #[error("SALKKU_JWT_SECRET is needed for HS256")]
    NoSecret,
    #[error("{0} needs a public key: set SALKKU_JWT_PUBLIC_KEY_FILE or SALKKU_JWT_JWKS_FILE")]
    NoPublicKey(&'static str),
    #[error("the public key is not a PEM {0} key")]
    BadPublicKey(&'static str),
    #[error("the JWKS file is not a JSON Web Key Set of {0} keys: {1}")]
    BadJwks(&'static str, String),
}

/// The keys that check signatures.
#[derive(Clone)]
enum Keys {
    Secret(DecodingKey),
    Public { default: Option<DecodingKey>, by_kid: HashMap<String, DecodingKey> },
}

/// Makes and checks tokens.
#[derive(Clone)]
pub struct Tokens {
    algorithm: JwtAlgorithm,
    encoding: Option<EncodingKey>,
    keys: Keys,
    validation: Validation,
    issuer: String,
    audience: String,
    verified: Arc<Verified>,
}

/// Tokens verified before, by their text, until they expire. Checking a signature and reading
/// the claims was a sixteenth of salkku's work on a portfolio with HS256, and much more with
/// RS256 or ES256; a front end sends the same token with every request. Only successes are kept,
/// only until the token's `exp` (its leeway is granted by verifying afresh), and only for
/// tokens short enough that a thousand of them stay small. A token is a pure function of its
/// text, so this cache holds nothing replicas would need to share.
struct Verified(Remembered<String, Known>);

impl Default for Verified {
    fn default() -> Self {
        Verified(Remembered::new(VERIFIED))
    }
}

/// Tokens recalled.
const VERIFIED: NonZeroUsize = NonZeroUsize::MIN.saturating_add(1023);
/// Longer tokens are verified every time.
const LONGEST_KEPT: usize = 2048;

/// What a verified token said.
#[derive(Clone)]
struct Known {
    viewer: Viewer,
    iat: Option<i64>,
    exp: i64,
}

impl Verified {
    fn recall(&self, token: &str) -> Option<Known> {
        self.0.get(token)
    }

    fn keep(&self, token: &str, known: Known) {
        if token.len() <= LONGEST_KEPT {
            self.0.put(token.to_owned(), known);
        }
    }
}

fn jwt_algorithm(algorithm: JwtAlgorithm) -> Algorithm {
    match algorithm {
        JwtAlgorithm::Hs256 => Algorithm::HS256,
        JwtAlgorithm::Rs256 => Algorithm::RS256,
        JwtAlgorithm::Es256 => Algorithm::ES256,
    }
}

impl Tokens {
    pub fn new(settings: &JwtSettings) -> Result<Tokens, KeyError> {
        let name = settings.algorithm.name();
        let (encoding, keys) = match settings.algorithm {
            JwtAlgorithm::Hs256 => {
                let secret = settings.secret.as_ref().ok_or(KeyError::NoSecret)?.expose().as_bytes();
                if secret.len() < MIN_SECRET_BYTES {
                    return Err(KeyError::SecretTooShort(secret.len()));
                }
                (Some(EncodingKey::from_secret(secret)), Keys::Secret(DecodingKey::from_secret(secret)))
            }
            JwtAlgorithm::Rs256 | JwtAlgorithm::Es256 => {
                let default = settings
                    .public_key_pem
                    .as_deref()
                    .map(|pem| match settings.algorithm {
                        JwtAlgorithm::Rs256 => DecodingKey::from_rsa_pem(pem.as_bytes()),
                        _ => DecodingKey::from_ec_pem(pem.as_bytes()),
                    })
                    .transpose()
                    .map_err(|_| KeyError::BadPublicKey(name))?;
                let mut by_kid = HashMap::new();
                if let Some(json) = &settings.jwks_json {
                    let set: JwkSet = serde_json::from_str(json).map_err(|e| KeyError::BadJwks(name, e.to_string()))?;
                    for jwk in &set.keys {
                        let kid = jwk
                            .common
                            .key_id
                            .clone()
                            .ok_or_else(|| KeyError::BadJwks(name, "a key has no kid".into()))?;
                        let key = DecodingKey::from_jwk(jwk).map_err(|e| KeyError::BadJwks(name, e.to_string()))?;
                        by_kid.insert(kid, key);
                    }
                }
                if default.is_none() && by_kid.is_empty() {
                    return Err(KeyError::NoPublicKey(name));
                }
                (None, Keys::Public { default, by_kid })
            }
        };
        let mut validation = Validation::new(jwt_algorithm(settings.algorithm));
        validation.set_issuer(&[&settings.issuer]);
        validation.set_audience(&[&settings.audience]);
        validation.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
        validation.leeway = LEEWAY_SECONDS;
        validation.validate_nbf = true;
        Ok(Tokens {
            algorithm: settings.algorithm,
            encoding,
            keys,
            validation,
            issuer: settings.issuer.clone(),
            audience: settings.audience.clone(),
            verified: Arc::default(),
        })
    }

    /// Whether this service can sign tokens itself (HS256 only: with public keys, tokens come
    /// from the identity provider).
    pub fn can_mint(&self) -> bool {
        self.encoding.is_some()
    }

    /// Signs a token for `subject`, valid from `now` for `ttl`.
    pub fn mint(
        &self,
        subject: &str,
        role: Role,
        organization: Option<OrganizationId>,
        ttl: Duration,
        now: DateTime<Utc>,
    ) -> Result<String, MintError> {
        let key = self.encoding.as_ref().ok_or(MintError::NoSigningKey(self.algorithm.name()))?;
        let claims = Claims {
            sub: subject.to_owned(),
            role: role_claim(role).to_owned(),
            org: organization.map(OrganizationId::global),
            iss: self.issuer.clone(),
            aud: self.audience.clone(),
            iat: now.timestamp(),
            exp: (now + ttl).timestamp(),
            nbf: None,
        };
        Ok(jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, key)?)
    }

    fn key_for(&self, token: &str) -> Result<&DecodingKey, ApiError> {
        let refused = || ApiError::unauthenticated(algorithm_refused(self.algorithm.name()));
        let header = jsonwebtoken::decode_header(token).map_err(|_| {
            // A header the library cannot read may still name an algorithm ("none", say): that
            // is worth saying.
            if named_algorithm(token).is_some_and(|alg| alg != self.algorithm.name()) {
                refused()
            } else {
                ApiError::unauthenticated(message!(
                    fi: "pääsytunniste on virheellinen: lähetä JWT otsakkeessa Authorization: Bearer <token>",
                    sv: "tokenet är felaktigt: skicka en JWT som Authorization: Bearer <token>",
                    en: "token is malformed: send a JWT as Authorization: Bearer <token>",
                ))
            }
        })?;
        if header.alg != jwt_algorithm(self.algorithm) {
            return Err(refused());
        }
        // RFC 7515 §4.1.11: a critical extension the recipient does not understand fails the
        // token, and salkku understands none.
        if segment(token, 0).is_some_and(|h| h.get("crit").is_some()) {
            return Err(ApiError::unauthenticated(message!(
                fi: "pääsytunnisteen otsake vaatii laajennuksia (crit), joita tämä palvelu ei tunne",
                sv: "tokenets huvud kräver tillägg (crit) som den här tjänsten inte känner till",
                en: "token header lists critical extensions (crit) this service does not understand",
            )));
        }
        match &self.keys {
            Keys::Secret(key) => Ok(key),
            Keys::Public { default, by_kid } => {
                let chosen = match header.kid.as_deref() {
                    Some(kid) => by_kid.get(kid).or(default.as_ref()),
                    None if by_kid.len() == 1 && default.is_none() => by_kid.values().next(),
                    None => default.as_ref(),
                };
                chosen.ok_or_else(|| {
                    ApiError::unauthenticated(message!(
                        fi: "pääsytunniste on allekirjoitettu avaimella (kid), jota tämä palvelu ei tunne",
                        sv: "tokenet är signerat med en nyckel (kid) som den här tjänsten inte känner till",
                        en: "token is signed with a key (kid) this service does not know",
                    ))
                })
            }
        }
    }

    /// Checks a token; the error says what to fix and nothing about the server.
    pub fn verify(&self, token: &str, now: DateTime<Utc>) -> Result<Viewer, ApiError> {
        let leeway = i64::try_from(LEEWAY_SECONDS).unwrap_or(0);
        if let Some(known) = self.verified.recall(token) {
            // `exp` by the clock the library reads it with; `iat` by the caller's, as below.
            let clock = i64::try_from(jsonwebtoken::get_current_timestamp()).unwrap_or(i64::MAX);
            if clock < known.exp && known.iat.is_none_or(|iat| iat <= now.timestamp() + leeway) {
                return Ok(known.viewer);
            }
        }
        let (viewer, claims) = self.verify_afresh(token, now)?;
        if let Some(exp) = claims.exp.as_ref().and_then(serde_json::Number::as_i64) {
            self.verified.keep(token, Known { viewer: viewer.clone(), iat: claims.iat, exp });
        }
        Ok(viewer)
    }

    fn verify_afresh(&self, token: &str, now: DateTime<Utc>) -> Result<(Viewer, Received), ApiError> {
        let key = self.key_for(token)?;
        let data = jsonwebtoken::decode::<Received>(token, key, &self.validation).map_err(|e| {
            ApiError::unauthenticated(match e.kind() {
                ErrorKind::ExpiredSignature => message!(
                    fi: "pääsytunniste on vanhentunut: hanki uusi",
                    sv: "tokenet har gått ut: skaffa ett nytt",
                    en: "token expired: get a new one",
                ),
                ErrorKind::ImmatureSignature => message!(
                    fi: "pääsytunniste ei ole vielä voimassa: sen nbf on tulevaisuudessa",
                    sv: "tokenet är inte giltigt ännu: dess nbf ligger i framtiden",
                    en: "token not yet valid: its nbf is in the future",
                ),
                ErrorKind::InvalidSignature => message!(
                    fi: "pääsytunnisteen allekirjoitus on virheellinen",
                    sv: "tokenets signatur är ogiltig",
                    en: "token signature is invalid",
                ),
                ErrorKind::InvalidIssuer => message!(
                    fi: "pääsytunnisteen myöntäjää ei hyväksytä täällä",
                    sv: "tokenets utfärdare godtas inte här",
                    en: "token issuer is not accepted here",
                ),
                ErrorKind::InvalidAudience => message!(
                    fi: "pääsytunnistetta ei ole tarkoitettu tälle palvelulle",
                    sv: "tokenet är inte avsett för den här tjänsten",
                    en: "token audience is not this service",
                ),
                ErrorKind::InvalidAlgorithm | ErrorKind::MissingAlgorithm | ErrorKind::InvalidAlgorithmName => {
                    algorithm_refused(self.algorithm.name())
                }
                // A claim that is there but cannot be read as seconds is out of range, not missing.
                ErrorKind::MissingRequiredClaim(claim)
                    if segment(token, 1).is_some_and(|c| c.get(claim.as_str()).is_some()) =>
                {
                    message!(
                        fi: "pääsytunnisteen väite {claim:?} on sallitun alueen ulkopuolella: kokonaisia sekunteja vuodesta 1970",
                        sv: "tokenets anspråk {claim:?} ligger utanför det tillåtna intervallet: hela sekunder sedan 1970",
                        en: "token claim {claim:?} is out of range: whole seconds since 1970",
                    )
                }
                ErrorKind::MissingRequiredClaim(claim) => message!(
                    fi: "pääsytunnisteesta puuttuu pakollinen väite {claim:?}",
                    sv: "tokenet saknar det obligatoriska anspråket {claim:?}",
                    en: "token lacks the required claim {claim:?}",
                ),
                ErrorKind::InvalidClaimFormat(claim) => message!(
                    fi: "pääsytunnisteen väite {claim:?} on virheellinen",
                    sv: "tokenets anspråk {claim:?} är felaktigt",
                    en: "token claim {claim:?} is malformed",
                ),
                _ => message!(
                    fi: "pääsytunniste on virheellinen: lähetä JWT otsakkeessa Authorization: Bearer <token>",
                    sv: "tokenet är felaktigt: skicka en JWT som Authorization: Bearer <token>",
                    en: "token is malformed: send a JWT as Authorization: Bearer <token>",
                ),
            })
        })?;
        let mut claims = data.claims;
        if claims.iat.is_some_and(|iat| iat > now.timestamp() + i64::try_from(LEEWAY_SECONDS).unwrap_or(0)) {
            return Err(ApiError::unauthenticated(message!(
                fi: "pääsytunniste on myönnetty tulevaisuudessa (iat): tarkista myöntäjän kello",
                sv: "tokenet utfärdades i framtiden (iat): kontrollera utfärdarens klocka",
                en: "token was issued in the future (iat): check the issuer's clock",
            )));
        }
        let claimed_role = claims.role.take().ok_or_else(|| {
            ApiError::unauthenticated(message!(
                fi: "pääsytunnisteesta puuttuu pakollinen väite \"role\"",
                sv: "tokenet saknar det obligatoriska anspråket \"role\"",
                en: "token lacks the required claim \"role\"",
            ))
        })?;
        let role = parse_role(&claimed_role).ok_or_else(|| {
            let shown: String = claimed_role.chars().take(40).collect();
            ApiError::unauthenticated(message!(
                fi: "pääsytunnisteen rooli {shown:?} on tuntematon: käytä roolia coordinator, finance, ministry tai admin",
                sv: "tokenets roll {shown:?} är okänd: använd coordinator, finance, ministry eller admin",
                en: "token role {shown:?} is unknown: use coordinator, finance, ministry or admin",
            ))
        })?;
        let organization = claims.org.take().as_deref().map(OrganizationId::from_global).transpose().map_err(|_| {
            ApiError::unauthenticated(message!(
                fi: "pääsytunnisteen org ei ole organisaation tunniste",
                sv: "tokenets org är inget organisations-ID",
                en: "token org is not an organisation ID",
            ))
        })?;
        let subject = claims.sub.take().filter(|s| !s.trim().is_empty()).ok_or_else(|| {
            ApiError::unauthenticated(message!(
                fi: "pääsytunnisteen käyttäjä (sub) on tyhjä",
                sv: "tokenets subjekt (sub) är tomt",
                en: "token subject (sub) is empty",
            ))
        })?;
        Ok((Viewer { subject, role, organization }, claims))
    }
}

/// The `alg` a token's header names, read without trusting anything else in it.
fn named_algorithm(token: &str) -> Option<String> {
    segment(token, 0)?.get("alg")?.as_str().map(str::to_owned)
}

/// One of a token's first two parts (header, claims) as JSON, if it is JSON.
fn segment(token: &str, index: usize) -> Option<serde_json::Value> {
    use base64::Engine;
    let part = token.split('.').nth(index)?;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(part.trim_end_matches('=')).ok()?;
    serde_json::from_slice(&bytes).ok()
}

/// Why a token could not be made.
#[derive(Debug, thiserror::Error)]
pub enum MintError {
    #[error("tokens for {0} come from your identity provider: salkku signs only HS256 tokens")]
    NoSigningKey(&'static str),
    #[error("signing failed: {0}")]
    Signing(#[from] jsonwebtoken::errors::Error),
}

/// Reads `Authorization: Bearer <token>`; `None` when there is no such header.
pub fn bearer(header: Option<&str>) -> Option<Result<&str, ApiError>> {
    let value = header?;
    let token = value
        .strip_prefix("Bearer ")
        .or_else(|| value.strip_prefix("bearer "))
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .ok_or_else(|| {
            ApiError::unauthenticated(message!(
                fi: "Authorization-otsakkeen on oltava \"Bearer <token>\"",
                sv: "Authorization-huvudet måste vara \"Bearer <token>\"",
                en: "the Authorization header must be \"Bearer <token>\"",
            ))
        });
    Some(token)
}

fn algorithm_refused(accepted: &str) -> salkku_domain::messages::Message {
    message!(
        fi: "pääsytunnisteen algoritmia ei hyväksytä: tämä palvelu hyväksyy vain {accepted}",
        sv: "tokenets algoritm godtas inte: den här tjänsten godtar {accepted}",
        en: "token algorithm is not accepted: this service accepts {accepted}",
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::DEMO_SECRET;

    fn tokens() -> Tokens {
        Tokens::new(&JwtSettings::hs256(DEMO_SECRET)).unwrap()
    }

    fn now() -> DateTime<Utc> {
        Utc::now()
    }

    #[test]
    fn a_minted_token_verifies_to_its_viewer() {
        let t = tokens();
        let token = t.mint("arto", Role::Finance, Some(OrganizationId(7)), Duration::hours(1), now()).unwrap();
        assert_eq!(
            t.verify(&token, now()).unwrap(),
            Viewer { subject: "arto".into(), role: Role::Finance, organization: Some(OrganizationId(7)) }
        );
    }

    #[test]
    fn an_expired_token_says_so() {
        let t = tokens();
        let token = t.mint("arto", Role::Ministry, None, Duration::seconds(-120), now()).unwrap();
        assert_eq!(t.verify(&token, now()).unwrap_err().message.to_string(), "token expired: get a new one");
    }

    #[test]
    fn a_token_verified_once_is_recalled_only_until_it_expires() {
        let t = tokens();
        let token = t.mint("arto", Role::Finance, None, Duration::hours(1), now()).unwrap();
        let viewer = t.verify(&token, now()).unwrap();
        assert_eq!(t.verified.recall(&token).map(|k| k.viewer), Some(viewer.clone()));
        assert_eq!(t.verify(&token, now()).unwrap(), viewer);
        // A token that has expired is verified afresh, whatever was kept for it.
        let old = t.mint("arto", Role::Admin, None, Duration::seconds(-120), now()).unwrap();
        let clock = i64::try_from(jsonwebtoken::get_current_timestamp()).unwrap();
        t.verified.keep(&old, Known { viewer, iat: None, exp: clock - 60 });
        assert_eq!(t.verify(&old, now()).unwrap_err().message.to_string(), "token expired: get a new one");
    }

    #[test]
    fn a_recalled_token_is_still_refused_before_it_was_issued() {
        let t = tokens();
        let token = t.mint("arto", Role::Finance, None, Duration::hours(1), now()).unwrap();
        t.verify(&token, now()).unwrap();
        let error = t.verify(&token, now() - Duration::minutes(10)).unwrap_err();
        assert!(error.message.to_string().contains("issued in the future"), "{}", error.message);
    }

    #[test]
    fn refused_tokens_are_not_kept() {
        let t = tokens();
        let other = Tokens::new(&JwtSettings::hs256("another-secret-another-secret-another-secret")).unwrap();
        let forged = other.mint("x", Role::Admin, None, Duration::hours(1), now()).unwrap();
        for _ in 0..2 {
            assert!(t.verify(&forged, now()).is_err());
        }
        assert!(t.verified.recall(&forged).is_none());
    }

    #[test]
    fn a_short_secret_is_refused() {
        assert!(Tokens::new(&JwtSettings::hs256("short")).is_err());
        let no_key = JwtSettings { algorithm: JwtAlgorithm::Rs256, ..JwtSettings::hs256(DEMO_SECRET) };
        assert!(matches!(Tokens::new(&no_key), Err(KeyError::NoPublicKey("RS256"))));
    }

    #[test]
    fn a_token_signed_with_another_secret_is_refused() {
        let other = Tokens::new(&JwtSettings::hs256("another-secret-another-secret-another-secret")).unwrap();
        let token = other.mint("x", Role::Admin, None, Duration::hours(1), now()).unwrap();
        assert_eq!(tokens().verify(&token, now()).unwrap_err().message.to_string(), "token signature is invalid");
    }

    #[test]
    fn the_bearer_scheme_is_required() {
        assert!(bearer(None).is_none());
        assert!(matches!(bearer(Some("Bearer abc")), Some(Ok("abc"))));
        assert!(matches!(bearer(Some("Basic abc")), Some(Err(_))));
        assert!(matches!(bearer(Some("Bearer ")), Some(Err(_))));
    }
}
