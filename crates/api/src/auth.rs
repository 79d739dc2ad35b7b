//! Bearer tokens: who the viewer is.
//!
//! Tokens are JWTs signed with HS256 under `SALKKU_JWT_SECRET`, carrying `sub`, `role`
//! (`coordinator`, `finance`, `ministry`, `admin`), optionally `org` (an organisation's ID), and
//! `iss`, `aud`, `iat`, `exp`. The algorithm is pinned, `exp` is required, `nbf` and `iat` are
//! respected with a small leeway, and issuer and audience must match.

use chrono::{DateTime, Duration, Utc};
use jsonwebtoken::errors::ErrorKind;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use salkku_domain::Role;
use salkku_domain::ids::OrganizationId;
use serde::{Deserialize, Serialize};

use crate::config::{JwtSettings, MIN_SECRET_BYTES};
use crate::error::ApiError;

/// Clock skew tolerated between the token's issuer and this service.
pub const LEEWAY_SECONDS: u64 = 30;

/// The claims of a salkku token.
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
}

/// Makes and checks tokens.
#[derive(Clone)]
pub struct Tokens {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
    issuer: String,
    audience: String,
}

impl Tokens {
    pub fn new(settings: &JwtSettings) -> Result<Tokens, KeyError> {
        let secret = settings.secret.expose().as_bytes();
        if secret.len() < MIN_SECRET_BYTES {
            return Err(KeyError::SecretTooShort(secret.len()));
        }
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_issuer(&[&settings.issuer]);
        validation.set_audience(&[&settings.audience]);
        validation.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
        validation.leeway = LEEWAY_SECONDS;
        validation.validate_nbf = true;
        Ok(Tokens {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
            validation,
            issuer: settings.issuer.clone(),
            audience: settings.audience.clone(),
        })
    }

    /// Signs a token for `subject`, valid from `now` for `ttl`.
    pub fn mint(
        &self,
        subject: &str,
        role: Role,
        organization: Option<OrganizationId>,
        ttl: Duration,
        now: DateTime<Utc>,
    ) -> Result<String, jsonwebtoken::errors::Error> {
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
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
    }

    /// Checks a token; the error says what to fix and nothing about the server.
    pub fn verify(&self, token: &str, now: DateTime<Utc>) -> Result<Viewer, ApiError> {
        let data = jsonwebtoken::decode::<Claims>(token, &self.decoding, &self.validation).map_err(|e| {
            ApiError::unauthenticated(match e.kind() {
                ErrorKind::ExpiredSignature => "token expired: get a new one".to_owned(),
                ErrorKind::ImmatureSignature => "token not yet valid: its nbf is in the future".to_owned(),
                ErrorKind::InvalidSignature => "token signature is invalid".to_owned(),
                ErrorKind::InvalidIssuer => "token issuer is not accepted here".to_owned(),
                ErrorKind::InvalidAudience => "token audience is not this service".to_owned(),
                ErrorKind::InvalidAlgorithm | ErrorKind::MissingAlgorithm => {
                    "token algorithm is not accepted: use HS256".to_owned()
                }
                ErrorKind::MissingRequiredClaim(claim) => format!("token lacks the required claim {claim:?}"),
                ErrorKind::InvalidClaimFormat(claim) => format!("token claim {claim:?} is malformed"),
                _ => "token is malformed: send a JWT as Authorization: Bearer <token>".to_owned(),
            })
        })?;
        let claims = data.claims;
        if claims.iat > now.timestamp() + i64::try_from(LEEWAY_SECONDS).unwrap_or(0) {
            return Err(ApiError::unauthenticated("token was issued in the future (iat): check the issuer's clock"));
        }
        let role = parse_role(&claims.role).ok_or_else(|| {
            ApiError::unauthenticated(format!(
                "token role {:?} is unknown: use coordinator, finance, ministry or admin",
                claims.role.chars().take(40).collect::<String>()
            ))
        })?;
        let organization = claims
            .org
            .as_deref()
            .map(OrganizationId::from_global)
            .transpose()
            .map_err(|_| ApiError::unauthenticated("token org is not an organisation ID"))?;
        if claims.sub.trim().is_empty() {
            return Err(ApiError::unauthenticated("token subject (sub) is empty"));
        }
        Ok(Viewer { subject: claims.sub, role, organization })
    }
}

/// Reads `Authorization: Bearer <token>`; `None` when there is no such header.
pub fn bearer(header: Option<&str>) -> Option<Result<&str, ApiError>> {
    let value = header?;
    let token = value
        .strip_prefix("Bearer ")
        .or_else(|| value.strip_prefix("bearer "))
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .ok_or_else(|| ApiError::unauthenticated("the Authorization header must be \"Bearer <token>\""));
    Some(token)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{DEMO_SECRET, Secret};

    fn tokens() -> Tokens {
        Tokens::new(&JwtSettings {
            secret: Secret::new(DEMO_SECRET),
            issuer: "salkku".into(),
            audience: "salkku".into(),
        })
        .unwrap()
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
        assert_eq!(t.verify(&token, now()).unwrap_err().message, "token expired: get a new one");
    }

    #[test]
    fn a_short_secret_is_refused() {
        let short = JwtSettings { secret: Secret::new("short"), issuer: "i".into(), audience: "a".into() };
        assert!(Tokens::new(&short).is_err());
    }

    #[test]
    fn a_token_signed_with_another_secret_is_refused() {
        let other = Tokens::new(&JwtSettings {
            secret: Secret::new("another-secret-another-secret-another-secret"),
            issuer: "salkku".into(),
            audience: "salkku".into(),
        })
        .unwrap();
        let token = other.mint("x", Role::Admin, None, Duration::hours(1), now()).unwrap();
        assert_eq!(tokens().verify(&token, now()).unwrap_err().message, "token signature is invalid");
    }

    #[test]
    fn the_bearer_scheme_is_required() {
        assert!(bearer(None).is_none());
        assert!(matches!(bearer(Some("Bearer abc")), Some(Ok("abc"))));
        assert!(matches!(bearer(Some("Basic abc")), Some(Err(_))));
        assert!(matches!(bearer(Some("Bearer ")), Some(Err(_))));
    }
}
