//! Typed settings. Secrets are wrapped so that no log or debug print can show them.

use std::fmt;
use std::net::SocketAddr;
use std::time::Duration;

mod clock;
mod limits;

pub use clock::Clock;
pub use limits::Limits;

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

/// The one signature algorithm tokens may use (RFC 8725: pinned by configuration, never taken
/// from the token).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum JwtAlgorithm {
    /// HMAC with SHA-256 and a shared secret (`SALKKU_JWT_SECRET`).
    #[default]
    Hs256,
    /// RSA with SHA-256; public key from `SALKKU_JWT_PUBLIC_KEY_FILE` or a JWKS file.
    Rs256,
    /// ECDSA P-256 with SHA-256; public key from `SALKKU_JWT_PUBLIC_KEY_FILE` or a JWKS file.
    Es256,
}

impl JwtAlgorithm {
    pub fn parse(name: &str) -> Option<JwtAlgorithm> {
        match name.to_ascii_uppercase().as_str() {
            "HS256" => Some(JwtAlgorithm::Hs256),
            "RS256" => Some(JwtAlgorithm::Rs256),
            "ES256" => Some(JwtAlgorithm::Es256),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            JwtAlgorithm::Hs256 => "HS256",
            JwtAlgorithm::Rs256 => "RS256",
            JwtAlgorithm::Es256 => "ES256",
        }
    }
}

/// How tokens are checked and (for HS256) made.
#[derive(Debug, Clone)]
pub struct JwtSettings {
    pub algorithm: JwtAlgorithm,
    /// The HS256 secret shared with whoever mints tokens.
    pub secret: Option<Secret>,
    /// A PEM public key (RS256, ES256): the key for tokens that name no `kid`.
    pub public_key_pem: Option<String>,
    /// A JSON Web Key Set (RS256, ES256): keys chosen by the token's `kid`.
    pub jwks_json: Option<String>,
    pub issuer: String,
    pub audience: String,
}

impl JwtSettings {
    /// HS256 with `secret`, issuer and audience "salkku".
    pub fn hs256(secret: &str) -> JwtSettings {
        JwtSettings {
            algorithm: JwtAlgorithm::Hs256,
            secret: Some(Secret::new(secret)),
            public_key_pem: None,
            jwks_json: None,
            issuer: "salkku".into(),
            audience: "salkku".into(),
        }
    }
}

/// The shortest HS256 secret accepted (RFC 7518 §3.2: a key at least as long as the hash).
pub const MIN_SECRET_BYTES: usize = 32;

/// A development secret for `serve --demo` and local tokens; never for production.
pub const DEMO_SECRET: &str = "salkku-demo-secret-not-for-production-use-0123456789";

#[derive(Debug, Clone)]
pub struct Settings {
    pub database_url: String,
    /// A PostgreSQL read replica for queries; the primary serves everything when unset.
    pub database_read_url: Option<String>,
    pub addr: SocketAddr,
    pub jwt: JwtSettings,
    /// Origins allowed to call the API from a browser; none by default.
    pub cors_origins: Vec<String>,
    pub introspection: bool,
    pub clock: Clock,
    /// HTTP worker threads; 0 means one per CPU core.
    pub workers: usize,
    pub limits: Limits,
    pub shutdown: Shutdown,
    /// Most database connections in the pool.
    pub db_max_connections: u32,
    /// Connections kept open (opened in the background at start); all of them when `None`.
    pub db_min_connections: Option<u32>,
    /// How long a request waits for a database connection before failing: short, so that an
    /// outage answers at once rather than hanging.
    pub db_acquire_timeout: std::time::Duration,
    /// When set, `GET /metrics` wants `Authorization: Bearer <this>`; open otherwise (keep it
    /// inside the cluster).
    pub metrics_token: Option<Secret>,
    /// The address users reach the service at (`https://salkku.example.fi`), for the links it
    /// hands out (calendar feeds); taken from the request when unset.
    pub public_url: Option<String>,
    /// Uploaded documents: how large one may be and where they are kept.
    pub files: FileSettings,
    /// Who publishes the open-data exports, and the prefix of their identifiers.
    pub open_data: OpenDataSettings,
    /// The mail server reminders go through; reminders are off without one.
    pub mail: Option<MailSettings>,
}

/// How the connection to the mail server is secured.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SmtpTls {
    /// Plain, upgraded with STARTTLS, which is required (port 587).
    StartTls,
    /// TLS from the first byte (port 465).
    Tls,
    /// Plain throughout: a relay on the same host or network only.
    None,
}

impl SmtpTls {
    pub fn parse(name: &str) -> Option<SmtpTls> {
        match name.to_ascii_lowercase().as_str() {
            "starttls" => Some(SmtpTls::StartTls),
            "tls" => Some(SmtpTls::Tls),
            "none" => Some(SmtpTls::None),
            _ => None,
        }
    }

    /// The port this security usually has.
    pub fn default_port(self) -> u16 {
        match self {
            SmtpTls::StartTls => 587,
            SmtpTls::Tls => 465,
            SmtpTls::None => 25,
        }
    }
}

/// The mail server reminders are sent through, and how often the reminder worker looks.
#[derive(Debug, Clone)]
pub struct MailSettings {
    pub host: String,
    pub port: u16,
    pub tls: SmtpTls,
    pub user: Option<String>,
    pub password: Option<Secret>,
    /// The sender, e.g. `salkku@example.fi`.
    pub from: salkku_domain::reminder::EmailAddress,
    /// How often the worker looks for reminders due and messages to send.
    pub interval: Duration,
    /// How long one exchange with the server may take.
    pub timeout: Duration,
    /// How long a message the server did not take waits before its next try (doubling with each
    /// try, up to sixty times this).
    pub retry: Duration,
    /// Certificates (PEM) to trust for the mail server beside the public roots: a relay with a
    /// certificate of the organisation's own authority.
    pub ca_pem: Option<String>,
}

/// The publisher of the open-data exports (360Giving, IATI).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenDataSettings {
    /// The prefix of grant identifiers (360Giving assigns one: `360G-…`); also the publisher's
    /// own identifier for organisations without a business ID.
    pub prefix: String,
    /// The publisher's name, as the packages and the IATI reporting organisation give it.
    pub publisher: String,
    /// The publisher's business ID: its identifier in the Finnish trade register, and the IATI
    /// reporting organisation's reference (the prefix stands in when unset).
    pub publisher_id: Option<salkku_domain::BusinessId>,
    /// What kind of body the publisher is (for IATI's organisation type).
    pub publisher_kind: salkku_domain::OrganizationKind,
}

impl Default for OpenDataSettings {
    fn default() -> Self {
        OpenDataSettings {
            prefix: "360G-salkku".into(),
            publisher: "salkku".into(),
            publisher_id: None,
            publisher_kind: salkku_domain::OrganizationKind::CompetenceCentre,
        }
    }
}

impl OpenDataSettings {
    /// Checked settings: a prefix of letters, digits and `-._` (it begins every identifier), and
    /// a publisher's name.
    pub fn new(
        prefix: &str,
        publisher: &str,
        publisher_id: Option<salkku_domain::BusinessId>,
        publisher_kind: salkku_domain::OrganizationKind,
    ) -> Result<OpenDataSettings, String> {
        let prefix = prefix.trim();
        if prefix.is_empty() || !prefix.chars().all(|c| c.is_ascii_alphanumeric() || "-._".contains(c)) {
            return Err(format!(
                "SALKKU_OPEN_DATA_PREFIX: {prefix:?} is not an identifier prefix such as 360G-salkku (letters, digits, - . _)"
            ));
        }
        let publisher = publisher.trim();
        if publisher.is_empty() {
            return Err("SALKKU_OPEN_DATA_PUBLISHER: the publisher needs a name".into());
        }
        Ok(OpenDataSettings {
            prefix: prefix.to_owned(),
            publisher: publisher.to_owned(),
            publisher_id,
            publisher_kind,
        })
    }

    /// The publisher's organisation identifier.
    pub fn publisher_ref(&self) -> String {
        match &self.publisher_id {
            Some(id) => salkku_domain::open_data::organisation_identifier(Some(id), &self.prefix, 0),
            None => self.prefix.clone(),
        }
    }
}

/// Where uploaded documents are kept, and the largest one taken.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileSettings {
    pub max_bytes: usize,
    /// A directory for the files' bytes (large installations); in the database when `None`.
    pub directory: Option<std::path::PathBuf>,
}

impl Default for FileSettings {
    fn default() -> Self {
        FileSettings { max_bytes: salkku_domain::document::DEFAULT_MAX_BYTES, directory: None }
    }
}

impl FileSettings {
    /// The store new documents go to.
    pub fn store(&self) -> salkku_persistence::ContentStore {
        match &self.directory {
            Some(dir) => salkku_persistence::ContentStore::Directory(dir.clone()),
            None => salkku_persistence::ContentStore::Database,
        }
    }
}

impl Settings {
    /// Settings for a local run against `database_url` with the demo secret.
    pub fn local(database_url: impl Into<String>) -> Settings {
        Settings {
            database_url: database_url.into(),
            database_read_url: None,
            addr: SocketAddr::from(([127, 0, 0, 1], 8080)),
            jwt: JwtSettings::hs256(DEMO_SECRET),
            cors_origins: Vec::new(),
            introspection: true,
            clock: Clock::System,
            workers: 0,
            limits: Limits::default(),
            shutdown: Shutdown::default(),
            db_max_connections: 10,
            db_min_connections: Some(1),
            db_acquire_timeout: std::time::Duration::from_secs(3),
            metrics_token: None,
            public_url: None,
            files: FileSettings::default(),
            open_data: OpenDataSettings::default(),
            mail: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_secret_never_shows_in_debug_output() {
        let jwt = JwtSettings::hs256("hunter2hunter2");
        assert!(!format!("{jwt:?}").contains("hunter2"));
    }
}

/// How the server stops.
#[derive(Debug, Clone, Copy)]
pub struct Shutdown {
    /// How long `/readyz` reports unready before the server stops accepting connections.
    pub drain: Duration,
    /// How long in-flight requests may still run after that.
    pub grace: Duration,
}

impl Default for Shutdown {
    fn default() -> Self {
        Shutdown { drain: Duration::from_secs(2), grace: Duration::from_secs(15) }
    }
}
