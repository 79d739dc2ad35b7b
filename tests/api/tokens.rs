//! Authentication as RFC 8725 asks: the algorithm pinned by configuration, `exp` required, `nbf`
//! and `iat` respected, issuer and audience checked, unknown roles refused — with HS256, RS256
//! (a PEM key, or a JWKS by `kid`) and ES256.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::Utc;
use hmac::{Hmac, Mac};
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use salkku_api::config::{DEMO_SECRET, JwtAlgorithm, JwtSettings};
use salkku_demo::demo::demo_now;
use salkku_e2e::{TestApp, on_both};
use serde_json::{Value, json};

const KEYS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/keys/");

fn key_file(name: &str) -> String {
    std::fs::read_to_string(format!("{KEYS}{name}")).unwrap()
}

fn claims(role: &str) -> Value {
    let now = Utc::now().timestamp();
    json!({ "sub": "auli.romppainen", "role": role, "iss": "salkku", "aud": "salkku", "iat": now, "exp": now + 3600 })
}

fn with(mut claims: Value, key: &str, value: Value) -> Value {
    claims[key] = value;
    claims
}

fn sign(alg: Algorithm, key: &EncodingKey, claims: &Value, kid: Option<&str>) -> String {
    let mut header = Header::new(alg);
    header.kid = kid.map(str::to_owned);
    jsonwebtoken::encode(&header, claims, key).unwrap()
}

fn hs256(claims: &Value) -> String {
    sign(Algorithm::HS256, &EncodingKey::from_secret(DEMO_SECRET.as_bytes()), claims, None)
}

fn rs256(private: &str, claims: &Value, kid: Option<&str>) -> String {
    sign(Algorithm::RS256, &EncodingKey::from_rsa_pem(key_file(private).as_bytes()).unwrap(), claims, kid)
}

fn es256(claims: &Value) -> String {
    sign(Algorithm::ES256, &EncodingKey::from_ec_pem(key_file("ec-private.pem").as_bytes()).unwrap(), claims, None)
}

/// A JWS made without the jsonwebtoken crate: HMAC-SHA256 over base64url(header).base64url(claims),
/// as RFC 7515 describes and other JWT libraries do.
fn hand_made(header: &Value, claims: &Value, secret: &[u8]) -> String {
    let signing_input =
        format!("{}.{}", URL_SAFE_NO_PAD.encode(header.to_string()), URL_SAFE_NO_PAD.encode(claims.to_string()));
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(secret).unwrap();
    mac.update(signing_input.as_bytes());
    format!("{signing_input}.{}", URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes()))
}

/// The message of the refusal of `token`.
async fn refusal(app: &TestApp, token: &str) -> String {
    let answer = app.graphql(Some(token), "{ me { subject } }", json!({})).await;
    assert_eq!(answer.status, 401, "{:#}", answer.body);
    answer.error("UNAUTHENTICATED")["message"].as_str().unwrap().to_owned()
}

async fn accepted(app: &TestApp, token: &str) -> Value {
    app.ok(token, "{ me { subject role } }", json!({})).await["me"].clone()
}

async fn public_key_app(t: salkku_e2e::TestDatabase, algorithm: JwtAlgorithm, pem: &str, jwks: bool) -> TestApp {
    let settings = JwtSettings {
        algorithm,
        secret: None,
        public_key_pem: Some(key_file(pem)),
        jwks_json: jwks.then(|| key_file("jwks.json")),
        issuer: "salkku".into(),
        audience: "salkku".into(),
    };
    TestApp::start_configured(t, demo_now(), |s| s.jwt = settings).await
}

on_both! {
    async fn hs256_tokens_are_refused_for_every_flaw_and_each_says_what_to_fix(t: TestDatabase) {
        let app = TestApp::start(t).await;
        let now = Utc::now().timestamp();
        let good = claims("finance");
        assert_eq!(accepted(&app, &hs256(&good)).await, json!({ "subject": "auli.romppainen", "role": "FINANCE" }));

        let cases = [
            (hs256(&with(good.clone(), "exp", json!(now - 3600))), "token expired: get a new one"),
            (hs256(&with(good.clone(), "nbf", json!(now + 3600))), "token not yet valid: its nbf is in the future"),
            (hs256(&with(good.clone(), "iat", json!(now + 3600))), "token was issued in the future (iat): check the issuer's clock"),
            (sign(Algorithm::HS256, &EncodingKey::from_secret(b"someone-else-s-secret-that-is-long-enough"), &good, None), "token signature is invalid"),
            (hs256(&with(good.clone(), "iss", json!("evil"))), "token issuer is not accepted here"),
            (hs256(&with(good.clone(), "aud", json!("elsewhere"))), "token audience is not this service"),
            (hs256(&with(good.clone(), "role", json!("superuser"))), "token role \"superuser\" is unknown: use coordinator, finance, ministry or admin"),
            (rs256("rsa-private.pem", &good, None), "token algorithm is not accepted: this service accepts HS256"),
            (hand_made(&json!({ "alg": "none", "typ": "JWT" }), &good, b""), "token algorithm is not accepted: this service accepts HS256"),
            ("eyJhbGciOiJub25lIn0.e30.".to_owned(), "token algorithm is not accepted: this service accepts HS256"),
            (hs256(&{ let mut c = good.clone(); c.as_object_mut().unwrap().remove("exp"); c }), "token lacks the required claim \"exp\""),
            ("a.b.c".to_owned(), "token is malformed: send a JWT as Authorization: Bearer <token>"),
            // RFC 7515 §4.1.11: a critical extension the recipient does not understand fails it.
            (hand_made(&json!({ "alg": "HS256", "typ": "JWT", "crit": ["exp"] }), &good, DEMO_SECRET.as_bytes()), "token header lists critical extensions (crit) this service does not understand"),
            (hs256(&with(good.clone(), "exp", json!(1e30))), "token claim \"exp\" is out of range: whole seconds since 1970"),
        ];
        for (token, expected) in cases {
            assert_eq!(refusal(&app, &token).await, expected);
        }
        // Thirty seconds of clock skew are forgiven.
        assert_eq!(accepted(&app, &hs256(&with(good.clone(), "nbf", json!(now + 10)))).await["role"], "FINANCE");
    }

    async fn a_token_made_by_another_jwt_implementation_is_accepted(t: TestDatabase) {
        let app = TestApp::start(t).await;
        let token = hand_made(&json!({ "alg": "HS256", "typ": "JWT" }), &claims("ministry"), DEMO_SECRET.as_bytes());
        assert_eq!(accepted(&app, &token).await, json!({ "subject": "auli.romppainen", "role": "MINISTRY" }));
    }

    async fn rs256_checks_the_identity_providers_keys_and_refuses_hs256(t: TestDatabase) {
        let app = public_key_app(t, JwtAlgorithm::Rs256, "rsa-public.pem", true).await;
        let good = claims("admin");
        assert_eq!(accepted(&app, &rs256("rsa-private.pem", &good, None)).await["role"], "ADMIN");
        assert_eq!(accepted(&app, &rs256("rsa-private.pem", &good, Some("salkku-test-1"))).await["role"], "ADMIN");
        assert_eq!(accepted(&app, &rs256("rsa-other-private.pem", &good, Some("salkku-test-2"))).await["role"], "ADMIN");
        assert_eq!(refusal(&app, &rs256("rsa-other-private.pem", &good, None)).await, "token signature is invalid");
        assert_eq!(refusal(&app, &rs256("rsa-other-private.pem", &good, Some("salkku-test-1"))).await, "token signature is invalid");
        // The algorithm switch: an HS256 token "signed" with the public key as its secret.
        let confused = sign(Algorithm::HS256, &EncodingKey::from_secret(key_file("rsa-public.pem").as_bytes()), &good, None);
        assert_eq!(refusal(&app, &confused).await, "token algorithm is not accepted: this service accepts RS256");
        assert_eq!(refusal(&app, &hs256(&good)).await, "token algorithm is not accepted: this service accepts RS256");
        assert_eq!(refusal(&app, &es256(&good)).await, "token algorithm is not accepted: this service accepts RS256");
        assert_eq!(refusal(&app, &rs256("rsa-private.pem", &with(good, "exp", json!(0)), None)).await, "token expired: get a new one");
    }

    async fn es256_tokens_verify_with_their_public_key(t: TestDatabase) {
        let app = public_key_app(t, JwtAlgorithm::Es256, "ec-public.pem", false).await;
        assert_eq!(accepted(&app, &es256(&claims("coordinator"))).await["role"], "COORDINATOR");
        assert_eq!(refusal(&app, &rs256("rsa-private.pem", &claims("coordinator"), None)).await, "token algorithm is not accepted: this service accepts ES256");
    }
}

#[test]
fn a_short_hs256_secret_is_refused_at_start() {
    let short = JwtSettings::hs256("0123456789abcdef0123456789abcde");
    assert!(salkku_api::auth::Tokens::new(&short).is_err(), "31 bytes");
    assert!(salkku_api::auth::Tokens::new(&JwtSettings::hs256("0123456789abcdef0123456789abcdef")).is_ok(), "32 bytes");
}
