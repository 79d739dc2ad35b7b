//! What every request shares, and how it is prepared from the settings: the database (and its
//! read replica), the schema, the token verifier, the clock, the limits and the metrics.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;

use salkku_persistence::{Db, DbSettings, StoreError};

use crate::auth::{KeyError, Tokens};
use crate::config::{Clock, FileSettings, Limits, Secret, Settings};
use crate::observe::metrics::{Metrics, MetricsError};
use crate::schema::{self, Schemas};

/// Everything a request needs, shared by all workers.
#[derive(Clone)]
pub struct AppState {
    /// The primary: every write, and every read without a replica.
    pub db: Db,
    /// A read replica, when configured (see [`crate::replicas`]).
    pub read_db: Option<Db>,
    pub schema: Schemas,
    pub tokens: Tokens,
    pub clock: Clock,
    /// Browser origins allowed by CORS; none by default.
    pub cors_origins: Vec<String>,
    pub limits: Limits,
    /// Whether the server takes new work: false from the moment it is told to stop, so that
    /// `/readyz` sends the load balancer elsewhere while in-flight requests finish.
    pub ready: Arc<AtomicBool>,
    pub metrics: Arc<Metrics>,
    pub metrics_token: Option<Secret>,
    /// The configured public address, without a trailing slash.
    pub public_url: Option<String>,
    pub files: FileSettings,
    pub open_data: crate::config::OpenDataSettings,
    /// Open-data exports running now: each holds a snapshot (a database connection) while it
    /// streams, so only a few at a time.
    pub open_data_exports: Arc<tokio::sync::Semaphore>,
    /// The mail server reminders go through; none, and reminders are off.
    pub mail: Option<crate::config::MailSettings>,
}

#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("the database cannot be used: {0:?}")]
    Database(StoreError),
    #[error(transparent)]
    Key(#[from] KeyError),
    #[error("{0}")]
    Config(String),
    #[error(transparent)]
    Metrics(#[from] MetricsError),
    #[error("cannot listen on {addr}: {source}")]
    Bind { addr: SocketAddr, source: std::io::Error },
}

/// Connects to the database, applies pending migrations and prepares the schema.
pub async fn build_state(settings: &Settings) -> Result<AppState, StartError> {
    let db = Db::connect(&pool_settings(settings, &settings.database_url)).await.map_err(StartError::Database)?;
    state_from(db, settings).await
}

/// The pool for `url` (the primary or the read replica), sized and timed alike.
fn pool_settings(settings: &Settings, url: &str) -> DbSettings {
    DbSettings {
        statement_timeout: Some(settings.limits.timeout),
        max_connections: settings.db_max_connections,
        min_connections: settings.db_min_connections.unwrap_or(settings.db_max_connections),
        acquire_timeout: settings.db_acquire_timeout,
        ..DbSettings::new(url.to_owned())
    }
}

/// Prepares the state around a database already connected (tests observe it).
pub async fn state_from(db: Db, settings: &Settings) -> Result<AppState, StartError> {
    let tokens = Tokens::new(&settings.jwt)?;
    for origin in &settings.cors_origins {
        check_origin(origin)?;
    }
    let public_url = settings.public_url.as_deref().map(check_public_url).transpose()?;
    let applied = db.migrate().await.map_err(StartError::Database)?;
    if applied > 0 {
        tracing::info!(applied, "applied database migrations");
    }
    let schema = schema::build(Some(db.clone()), settings.introspection, settings.limits, &settings.files);
    let read_db = match &settings.database_read_url {
        Some(url) => Some(Db::connect(&pool_settings(settings, url)).await.map_err(StartError::Database)?),
        None => None,
    };
    // The cost model counts lists by what the database holds: measured before the first request.
    // Should that fail, the lists count as assumed until the worker's next measure.
    if let Err(e) = schema.measure_lists(read_db.as_ref().unwrap_or(&db)).await {
        tracing::warn!(error = ?e, "measuring the lists' sizes failed; they count as assumed until the next measure");
    }
    Ok(AppState {
        db,
        read_db,
        schema,
        tokens,
        clock: settings.clock,
        cors_origins: settings.cors_origins.clone(),
        limits: settings.limits,
        ready: Arc::new(AtomicBool::new(true)),
        metrics: Arc::new(Metrics::new()?),
        metrics_token: settings.metrics_token.clone(),
        public_url,
        files: settings.files.clone(),
        open_data: settings.open_data.clone(),
        open_data_exports: Arc::new(tokio::sync::Semaphore::new(crate::export::open_data::AT_ONCE)),
        mail: settings.mail.clone(),
    })
}

/// An origin is `scheme://host[:port]`, nothing more.
fn check_origin(origin: &str) -> Result<(), StartError> {
    let bad = || {
        StartError::Config(format!(
            "SALKKU_CORS_ORIGINS: {origin:?} is not an origin such as https://salkku.example.fi"
        ))
    };
    let rest = origin.strip_prefix("https://").or_else(|| origin.strip_prefix("http://")).ok_or_else(bad)?;
    let valid = !rest.is_empty()
        && rest.chars().all(|c| c.is_ascii_alphanumeric() || ".-:[]".contains(c))
        && origin.parse::<actix_web::http::Uri>().is_ok();
    if valid { Ok(()) } else { Err(bad()) }
}

/// The public address: `http(s)://host[:port][/prefix]`, kept without a trailing slash.
fn check_public_url(url: &str) -> Result<String, StartError> {
    let bad = || {
        StartError::Config(format!("SALKKU_PUBLIC_URL: {url:?} is not an address such as https://salkku.example.fi"))
    };
    let trimmed = url.trim_end_matches('/');
    let rest = trimmed.strip_prefix("https://").or_else(|| trimmed.strip_prefix("http://")).ok_or_else(bad)?;
    let valid = !rest.is_empty()
        && !rest.starts_with('/')
        && rest.chars().all(|c| c.is_ascii_alphanumeric() || ".-:[]/_~".contains(c))
        && trimmed.parse::<actix_web::http::Uri>().is_ok();
    if valid { Ok(trimmed.to_owned()) } else { Err(bad()) }
}
