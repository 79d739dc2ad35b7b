//! Typed settings. Secrets are wrapped so that no log or debug print can show them.

use std::fmt;
use std::net::SocketAddr;

use crate::clock::Clock;
pub use crate::schema::limits::Limits;

/// A secret value: printed as `[redacted]`.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

/// How tokens are checked and made.
#[derive(Debug, Clone)]
pub struct JwtSettings {
    /// The HS256 secret shared with whoever mints tokens.
    pub secret: Secret,
    pub issuer: String,
    pub audience: String,
}

/// The shortest HS256 secret accepted (RFC 7518 §3.2: a key at least as long as the hash).
pub const MIN_SECRET_BYTES: usize = 32;

/// A development secret for `serve --demo` and local tokens; never for production.
pub const DEMO_SECRET: &str = "salkku-demo-secret-not-for-production-use-0123456789";

#[derive(Debug, Clone)]
pub struct Settings {
    pub database_url: String,
    pub addr: SocketAddr,
    pub jwt: JwtSettings,
    /// Origins allowed to call the API from a browser; none by default.
    pub cors_origins: Vec<String>,
    pub introspection: bool,
    pub clock: Clock,
    /// HTTP worker threads; 0 means one per CPU core.
    pub workers: usize,
    pub limits: Limits,
}

impl Settings {
    /// Settings for a local run against `database_url` with the demo secret.
    pub fn local(database_url: impl Into<String>) -> Settings {
        Settings {
            database_url: database_url.into(),
            addr: SocketAddr::from(([127, 0, 0, 1], 8080)),
            jwt: JwtSettings { secret: Secret::new(DEMO_SECRET), issuer: "salkku".into(), audience: "salkku".into() },
            cors_origins: Vec::new(),
            introspection: true,
            clock: Clock::System,
            workers: 0,
            limits: Limits::default(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_secret_never_shows_in_debug_output() {
        let jwt = JwtSettings { secret: Secret::new("hunter2hunter2"), issuer: "i".into(), audience: "a".into() };
        assert!(!format!("{jwt:?}").contains("hunter2"));
    }
}
