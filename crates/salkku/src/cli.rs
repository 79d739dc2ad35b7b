//! The command line: `serve`, `migrate`, `seed --demo`, `schema`, `token`, `export`, `import`.
//!
//! Every option can also come from the environment (`SALKKU_…`), so the same binary serves a
//! laptop, a container and a Kubernetes pod.

use std::net::SocketAddr;
use std::process::ExitCode;

use chrono::{DateTime, Duration, Utc};
use clap::{Args, Parser, Subcommand, ValueEnum};
use salkku_api::auth::Tokens;
use salkku_api::config::Clock;
use salkku_api::config::Shutdown;
use salkku_api::config::{
    DEMO_SECRET, FileSettings, JwtAlgorithm, JwtSettings, Limits, MailSettings, OpenDataSettings, Secret, Settings,
    SmtpTls,
};
use salkku_api::export::open_data;
use salkku_api::{App, build_state};
use salkku_domain::Role;
use salkku_domain::ids::OrganizationId;
use salkku_domain::reminder::EmailAddress;
use salkku_domain::{BusinessId, OrganizationKind};
use salkku_persistence::{Db, DbSettings};

use crate::progress::Reporter;
use crate::telemetry;
use salkku_demo::{demo, synthetic};

/// salkku: the funding-and-projects portfolio of a social-welfare competence centre, as a
/// GraphQL API.
#[derive(Debug, Parser)]
#[command(name = "salkku", version, about)]
pub struct Cli {
    /// Database: sqlite://PATH?mode=rwc (embedded) or postgres://USER@HOST/DB.
    #[arg(long, global = true, env = "SALKKU_DATABASE_URL", default_value = "sqlite://salkku.db?mode=rwc")]
    pub database_url: String,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the API (applies pending migrations first).
    Serve(Box<ServeArgs>),
    /// Apply pending database migrations.
    Migrate,
    /// Fill an empty database.
    Seed(SeedArgs),
    /// Print the GraphQL schema (SDL).
    Schema,
    /// Print a signed token for local use and scripts.
    Token(TokenArgs),
    /// Write the whole portfolio as one JSON document (a backup, or a move to another database).
    Export(ExportArgs),
    /// Read an export into an empty database.
    Import(ImportArgs),
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    /// Where to write; standard output when not given.
    #[arg(long, short)]
    pub output: Option<std::path::PathBuf>,
    /// What to write: the whole portfolio as salkku's own document (a backup), or the granted
    /// projects as open data.
    #[arg(long, value_enum, default_value = "salkku")]
    pub format: ExportFormat,
    #[command(flatten)]
    pub open_data: OpenDataArgs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExportFormat {
    /// Every table, for `salkku import`.
    Salkku,
    /// A 360Giving data package (JSON) of the granted projects.
    #[value(name = "360giving")]
    Giving360,
    /// An IATI 2.03 activities file (XML) of the granted projects.
    Iati,
}

/// Who publishes the open-data exports.
#[derive(Debug, Args)]
pub struct OpenDataArgs {
    /// The prefix of the open-data identifiers (360Giving assigns publishers one: "360G-…").
    #[arg(long, env = "SALKKU_OPEN_DATA_PREFIX", default_value = "360G-salkku")]
    pub open_data_prefix: String,
    /// The publisher's name in the open-data exports.
    #[arg(long, env = "SALKKU_OPEN_DATA_PUBLISHER", default_value = "salkku")]
    pub open_data_publisher: String,
    /// The publisher's business ID (Y-tunnus): its identifier in the open-data exports.
    #[arg(long, env = "SALKKU_OPEN_DATA_PUBLISHER_ID")]
    pub open_data_publisher_id: Option<String>,
    /// What kind of body the publisher is, as an organisation kind (MINISTRY, COMPETENCE_CENTRE, …).
    #[arg(long, env = "SALKKU_OPEN_DATA_PUBLISHER_KIND", default_value = "COMPETENCE_CENTRE")]
    pub open_data_publisher_kind: String,
}

impl OpenDataArgs {
    fn settings(&self) -> Result<OpenDataSettings, Failure> {
        let prefix = &self.open_data_prefix;
        let publisher_id = self
            .open_data_publisher_id
            .as_deref()
            .filter(|id| !id.trim().is_empty())
            .map(|id| BusinessId::parse(id.trim()).map_err(|e| Failure(format!("SALKKU_OPEN_DATA_PUBLISHER_ID: {e}"))))
            .transpose()?;
        let publisher_kind = OrganizationKind::parse(self.open_data_publisher_kind.trim())
            .map_err(|e| Failure(format!("SALKKU_OPEN_DATA_PUBLISHER_KIND: {e}")))?;
        OpenDataSettings::new(prefix, &self.open_data_publisher, publisher_id, publisher_kind).map_err(Failure)
    }
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// The export to read.
    pub file: std::path::PathBuf,
}

#[derive(Debug, Args)]
pub struct JwtArgs {
    /// The one algorithm tokens may be signed with: HS256, RS256 or ES256.
    #[arg(long, env = "SALKKU_JWT_ALGORITHM", default_value = "HS256", value_parser = parse_algorithm)]
    pub jwt_algorithm: JwtAlgorithm,
    /// HS256 secret for tokens, at least 32 bytes.
    #[arg(long, env = "SALKKU_JWT_SECRET", hide_env_values = true)]
    pub jwt_secret: Option<String>,
    /// RS256/ES256: the identity provider's public key, PEM.
    #[arg(long, env = "SALKKU_JWT_PUBLIC_KEY_FILE")]
    pub jwt_public_key_file: Option<std::path::PathBuf>,
    /// RS256/ES256: the identity provider's keys as a JSON Web Key Set, chosen by the token's kid.
    #[arg(long, env = "SALKKU_JWT_JWKS_FILE")]
    pub jwt_jwks_file: Option<std::path::PathBuf>,
    /// Expected (and minted) token issuer.
    #[arg(long, env = "SALKKU_JWT_ISSUER", default_value = "salkku")]
    pub jwt_issuer: String,
    /// Expected (and minted) token audience.
    #[arg(long, env = "SALKKU_JWT_AUDIENCE", default_value = "salkku")]
    pub jwt_audience: String,
}

fn parse_algorithm(name: &str) -> Result<JwtAlgorithm, String> {
    JwtAlgorithm::parse(name).ok_or_else(|| format!("{name:?} is not HS256, RS256 or ES256"))
}

fn read_key_file(path: &std::path::Path, what: &str) -> Result<String, Failure> {
    std::fs::read_to_string(path).map_err(|e| Failure(format!("cannot read {what} {}: {e}", path.display())))
}

impl JwtArgs {
    /// The token settings; `fallback_secret` stands in for a missing HS256 secret (the demo).
    fn settings(&self, fallback_secret: Option<&str>) -> Result<JwtSettings, Failure> {
        let secret = self.jwt_secret.as_deref().or(fallback_secret).map(Secret::new);
        let public_key_pem =
            self.jwt_public_key_file.as_deref().map(|p| read_key_file(p, "SALKKU_JWT_PUBLIC_KEY_FILE")).transpose()?;
        let jwks_json = self.jwt_jwks_file.as_deref().map(|p| read_key_file(p, "SALKKU_JWT_JWKS_FILE")).transpose()?;
        Ok(JwtSettings {
            algorithm: self.jwt_algorithm,
            secret,
            public_key_pem,
            jwks_json,
            issuer: self.jwt_issuer.clone(),
            audience: self.jwt_audience.clone(),
        })
    }
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, env = "SALKKU_ADDR", default_value = "127.0.0.1:8080")]
    pub addr: SocketAddr,
    /// Try the service: a development secret, the demo portfolio in an empty database, and
    /// ready-made tokens printed at start.
    #[arg(long)]
    pub demo: bool,
    #[command(flatten)]
    pub jwt: JwtArgs,
    /// Browser origins allowed to call the API, comma-separated; none by default.
    #[arg(long, env = "SALKKU_CORS_ORIGINS", value_delimiter = ',')]
    pub cors_origins: Vec<String>,
    /// Answer introspection queries (turn off in production if the schema should not be read).
    #[arg(long, env = "SALKKU_INTROSPECTION", default_value_t = true, action = clap::ArgAction::Set)]
    pub introspection: bool,
    /// Fix the service's clock (RFC 3339), or "system". `--demo` runs as of 19 May 2020.
    #[arg(long, env = "SALKKU_NOW")]
    pub now: Option<String>,
    #[command(flatten)]
    pub limits: LimitArgs,
    /// The largest document (a decision's PDF, minutes) one may upload, in bytes.
    #[arg(long, env = "SALKKU_DOCUMENT_MAX_BYTES", default_value_t = salkku_domain::document::DEFAULT_MAX_BYTES)]
    pub document_max_bytes: usize,
    /// Keep documents' bytes in this directory (named by their SHA-256) instead of the database.
    #[arg(long, env = "SALKKU_DOCUMENTS_DIR")]
    pub documents_dir: Option<std::path::PathBuf>,
    /// On SIGTERM: how long /readyz reports unready before the listener closes, in milliseconds.
    #[arg(long, env = "SALKKU_SHUTDOWN_DRAIN_MS", default_value_t = 2_000)]
    pub shutdown_drain_ms: u64,
    /// On SIGTERM: how long in-flight requests may still run, in milliseconds.
    #[arg(long, env = "SALKKU_SHUTDOWN_GRACE_MS", default_value_t = 15_000)]
    pub shutdown_grace_ms: u64,
    /// Most database connections in the pool.
    #[arg(long, env = "SALKKU_DB_MAX_CONNECTIONS", default_value_t = 10)]
    pub db_max_connections: u32,
    /// Database connections kept open, opened in the background at start-up so that no request
    /// waits for a new one; all of them (the maximum) when unset.
    #[arg(long, env = "SALKKU_DB_MIN_CONNECTIONS")]
    pub db_min_connections: Option<u32>,
    /// How long a request waits for a database connection, in milliseconds.
    #[arg(long, env = "SALKKU_DB_ACQUIRE_TIMEOUT_MS", default_value_t = 3_000)]
    pub db_acquire_timeout_ms: u64,
    /// A bearer token Prometheus must send to read /metrics; /metrics is open when unset.
    #[arg(long, env = "SALKKU_METRICS_TOKEN", hide_env_values = true)]
    pub metrics_token: Option<String>,
    /// The service's public address (e.g. https://salkku.example.fi), for calendar feed links.
    #[arg(long, env = "SALKKU_PUBLIC_URL")]
    pub public_url: Option<String>,
    /// A PostgreSQL read replica for queries (postgres://…); mutations use --database-url.
    #[arg(long, env = "SALKKU_DATABASE_READ_URL", hide_env_values = true)]
    pub database_read_url: Option<String>,
    #[command(flatten)]
    pub open_data: OpenDataArgs,
    #[command(flatten)]
    pub mail: MailArgs,
}

/// The mail server reminders go through; reminders are off without a host.
#[derive(Debug, Args)]
pub struct MailArgs {
    /// The mail server (SMTP) reminders are sent through; reminders are off when unset.
    #[arg(long, env = "SALKKU_SMTP_HOST")]
    pub smtp_host: Option<String>,
    /// Its port; by default 587 for starttls, 465 for tls, 25 for none.
    #[arg(long, env = "SALKKU_SMTP_PORT")]
    pub smtp_port: Option<u16>,
    /// starttls (required), tls, or none (a relay on a trusted network only).
    #[arg(long, env = "SALKKU_SMTP_TLS", default_value = "starttls", value_parser = parse_tls)]
    pub smtp_tls: SmtpTls,
    /// The user to sign in to the mail server as.
    #[arg(long, env = "SALKKU_SMTP_USER")]
    pub smtp_user: Option<String>,
    /// Its password (or SALKKU_SMTP_PASSWORD_FILE); never logged.
    #[arg(long, env = "SALKKU_SMTP_PASSWORD", hide_env_values = true)]
    pub smtp_password: Option<String>,
    /// A file holding the password (a Kubernetes Secret mounted as a file).
    #[arg(long, env = "SALKKU_SMTP_PASSWORD_FILE")]
    pub smtp_password_file: Option<std::path::PathBuf>,
    /// Certificates (PEM) to trust for the mail server beside the public roots (a relay with a
    /// certificate of the organisation's own authority).
    #[arg(long, env = "SALKKU_SMTP_CA_FILE")]
    pub smtp_ca_file: Option<std::path::PathBuf>,
    /// The sender of reminders, e.g. salkku@example.fi.
    #[arg(long, env = "SALKKU_SMTP_FROM")]
    pub smtp_from: Option<String>,
    /// How long one exchange with the mail server may take, in milliseconds.
    #[arg(long, env = "SALKKU_SMTP_TIMEOUT_MS", default_value_t = 10_000)]
    pub smtp_timeout_ms: u64,
    /// How often the reminder worker looks for reminders due and messages to send, in milliseconds.
    #[arg(long, env = "SALKKU_REMINDER_INTERVAL_MS", default_value_t = 60_000)]
    pub reminder_interval_ms: u64,
    /// How long a message the mail server did not take waits before its next try, in
    /// milliseconds (doubling with each try, up to sixty times this).
    #[arg(long, env = "SALKKU_REMINDER_RETRY_MS", default_value_t = 60_000)]
    pub reminder_retry_ms: u64,
}

fn parse_tls(name: &str) -> Result<SmtpTls, String> {
    SmtpTls::parse(name).ok_or_else(|| format!("{name:?} is not starttls, tls or none"))
}

impl MailArgs {
    fn settings(&self) -> Result<Option<MailSettings>, Failure> {
        let Some(host) = self.smtp_host.as_deref().map(str::trim).filter(|h| !h.is_empty()) else { return Ok(None) };
        let from = self.smtp_from.as_deref().ok_or_else(|| {
            Failure("SALKKU_SMTP_FROM is not set: reminders need a sender address, e.g. salkku@example.fi".into())
        })?;
        let from = EmailAddress::parse(from).map_err(|e| Failure(format!("SALKKU_SMTP_FROM: {e}")))?;
        let password = match (&self.smtp_password, &self.smtp_password_file) {
            (Some(p), _) => Some(Secret::new(p.clone())),
            (None, Some(file)) => {
                Some(Secret::new(read_key_file(file, "SALKKU_SMTP_PASSWORD_FILE")?.trim_end().to_owned()))
            }
            (None, None) => None,
        };
        if self.reminder_interval_ms < 100 {
            return Err(Failure("SALKKU_REMINDER_INTERVAL_MS: at least 100".into()));
        }
        Ok(Some(MailSettings {
            host: host.to_owned(),
            port: self.smtp_port.unwrap_or_else(|| self.smtp_tls.default_port()),
            tls: self.smtp_tls,
            user: self.smtp_user.clone().filter(|u| !u.is_empty()),
            password,
            from,
            interval: std::time::Duration::from_millis(self.reminder_interval_ms),
            timeout: std::time::Duration::from_millis(self.smtp_timeout_ms.max(100)),
            retry: std::time::Duration::from_millis(self.reminder_retry_ms.max(100)),
            ca_pem: self.smtp_ca_file.as_deref().map(|f| read_key_file(f, "SALKKU_SMTP_CA_FILE")).transpose()?,
        }))
    }
}

/// The request limits (defaults as in the README).
#[derive(Debug, Args)]
pub struct LimitArgs {
    /// Deepest field nesting of a query.
    #[arg(long, env = "SALKKU_MAX_DEPTH", default_value_t = 12)]
    pub max_depth: usize,
    /// Highest query cost (a list costs its `first` times what each item selects).
    #[arg(long, env = "SALKKU_MAX_COMPLEXITY", default_value_t = 10_000)]
    pub max_complexity: usize,
    /// Most aliases in a request.
    #[arg(long, env = "SALKKU_MAX_ALIASES", default_value_t = 30)]
    pub max_aliases: usize,
    /// Most root fields in an operation.
    #[arg(long, env = "SALKKU_MAX_ROOT_FIELDS", default_value_t = 30)]
    pub max_root_fields: usize,
    /// Most operations in a batch.
    #[arg(long, env = "SALKKU_MAX_BATCH", default_value_t = 10)]
    pub max_batch: usize,
    /// Largest request body in bytes.
    #[arg(long, env = "SALKKU_MAX_BODY_BYTES", default_value_t = 1024 * 1024)]
    pub max_body_bytes: usize,
    /// Longest a request may run, in milliseconds.
    #[arg(long, env = "SALKKU_REQUEST_TIMEOUT_MS", default_value_t = 10_000)]
    pub request_timeout_ms: u64,
}

impl LimitArgs {
    fn limits(&self) -> Limits {
        Limits {
            depth: self.max_depth,
            complexity: self.max_complexity,
            aliases: self.max_aliases,
            root_fields: self.max_root_fields,
            batch: self.max_batch,
            body_bytes: self.max_body_bytes,
            timeout: std::time::Duration::from_millis(self.request_timeout_ms),
            ..Limits::default()
        }
    }
}

#[derive(Debug, Args)]
pub struct SeedArgs {
    /// The demo portfolio from the centre's documents.
    #[arg(long, conflicts_with = "synthetic", required_unless_present = "synthetic")]
    pub demo: bool,
    /// A synthetic portfolio of N applications, for load tests and benchmarks.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..=10_000_000))]
    pub synthetic: Option<u64>,
    /// The random seed of --synthetic: the same seed gives the same portfolio.
    #[arg(long, default_value_t = 1, requires = "synthetic")]
    pub seed: u64,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum RoleArg {
    Coordinator,
    Finance,
    Ministry,
    Admin,
}

impl From<RoleArg> for Role {
    fn from(r: RoleArg) -> Role {
        match r {
            RoleArg::Coordinator => Role::Coordinator,
            RoleArg::Finance => Role::Finance,
            RoleArg::Ministry => Role::Ministry,
            RoleArg::Admin => Role::Admin,
        }
    }
}

#[derive(Debug, Args)]
pub struct TokenArgs {
    #[arg(long, value_enum)]
    pub role: RoleArg,
    /// The organisation the token acts for (its ID, as the API shows it).
    #[arg(long)]
    pub org: Option<String>,
    /// Who the token names.
    #[arg(long, default_value = "developer")]
    pub subject: String,
    /// Lifetime in seconds.
    #[arg(long, default_value_t = 8 * 3600)]
    pub ttl: i64,
    #[command(flatten)]
    pub jwt: JwtArgs,
}

/// A failure that ends the command, with what to do about it.
#[derive(Debug)]
pub struct Failure(String);

impl<E: std::fmt::Display> From<E> for Failure {
    fn from(e: E) -> Self {
        Failure(e.to_string())
    }
}

pub fn main() -> ExitCode {
    let cli = Cli::parse();
    telemetry::init();
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("salkku: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let outcome = runtime.block_on(run(cli));
    drop(runtime);
    telemetry::shutdown();
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure(message)) => {
            eprintln!("salkku: {message}");
            ExitCode::FAILURE
        }
    }
}

/// The password in a database URL, if it has one.
fn url_password(url: &str) -> Option<&str> {
    let rest = url.split_once("://")?.1;
    let credentials = rest.split_once('@')?.0;
    credentials.split_once(':').map(|(_, password)| password).filter(|p| !p.is_empty())
}

/// A failure message without the database password, whatever the driver put into it.
fn redacted(failure: Failure, url: &str) -> Failure {
    match url_password(url) {
        Some(password) => Failure(failure.0.replace(password, "***")),
        None => failure,
    }
}

pub async fn run(cli: Cli) -> Result<(), Failure> {
    let url = cli.database_url.clone();
    run_command(cli).await.map_err(|f| redacted(f, &url))
}

async fn run_command(cli: Cli) -> Result<(), Failure> {
    match cli.command {
        Command::Serve(args) => serve(&cli.database_url, *args).await,
        Command::Migrate => {
            let db =
                Db::connect(&DbSettings::new(cli.database_url.clone())).await.map_err(|e| Failure(format!("{e:?}")))?;
            let applied = db.migrate().await.map_err(|e| Failure(format!("{e:?}")))?;
            println!("applied {applied} migration(s)");
            Ok(())
        }
        Command::Seed(args) => {
            let db = open_database(&cli.database_url).await?;
            if let Some(n) = args.synthetic {
                let started = std::time::Instant::now();
                let reporter = Reporter::new();
                let written = synthetic::seed(&db, n, args.seed, &|what, done, of| reporter.update(what, done, of))
                    .await
                    .map_err(store_failure);
                reporter.finish();
                let s = written?;
                println!(
                    "seeded a synthetic portfolio (seed {}) in {:.1} s: {} applications, {} budget lines, {} commitments, {} allocations, {} payments, {} deadlines, {} calls, {} organisations",
                    args.seed,
                    started.elapsed().as_secs_f32(),
                    s.applications,
                    s.budget_lines,
                    s.commitments,
                    s.allocations,
                    s.payments,
                    s.deadlines,
                    s.calls,
                    s.organizations
                );
                return Ok(());
            }
            let seeded = demo::seed(&db).await?;
            println!("seeded the demo portfolio: {} applications", seeded.applications);
            Ok(())
        }
        Command::Schema => {
            print!("{}", salkku_api::schema::sdl());
            Ok(())
        }
        Command::Token(args) => token(args),
        Command::Export(args) if args.format != ExportFormat::Salkku => {
            let db = open_database(&cli.database_url).await?;
            let standard = if args.format == ExportFormat::Iati {
                open_data::Standard::Iati
            } else {
                open_data::Standard::Giving360
            };
            let publication = open_data::Publication {
                standard,
                filter: Default::default(),
                settings: args.open_data.settings()?,
                now: Utc::now(),
            };
            let written = publish(&db, &publication, args.output.as_deref()).await?;
            eprintln!("published {written} granted projects");
            Ok(())
        }
        Command::Export(args) => {
            let db = open_database(&cli.database_url).await?;
            let reporter = Reporter::new();
            let progress = |what, done, of| reporter.update(what, done, of);
            let written = match &args.output {
                Some(path) => {
                    let file = std::fs::File::create(path)
                        .map_err(|e| Failure(format!("cannot write {}: {e}", path.display())))?;
                    let out = std::io::BufWriter::new(file);
                    salkku_persistence::commands::backup::export_with_progress(&db, out, Utc::now(), &progress).await
                }
                None => {
                    let out = std::io::stdout().lock();
                    salkku_persistence::commands::backup::export_with_progress(&db, out, Utc::now(), &progress).await
                }
            };
            reporter.finish();
            let summary = written.map_err(store_failure)?;
            eprintln!("exported {} rows", summary.rows());
            Ok(())
        }
        Command::Import(args) => {
            let db = open_database(&cli.database_url).await?;
            let file = std::fs::File::open(&args.file)
                .map_err(|e| Failure(format!("cannot read {}: {e}", args.file.display())))?;
            let reporter = Reporter::new();
            let read = salkku_persistence::commands::backup::import_with_progress(&db, file, &|what, done, of| {
                reporter.update(what, done, of)
            })
            .await;
            reporter.finish();
            let summary = read.map_err(store_failure)?;
            for (table, rows) in &summary.tables {
                println!("{table}: {rows}");
            }
            println!("imported {} rows", summary.rows());
            Ok(())
        }
    }
}

/// A storage failure as an operator needs it: the backup's own message, or the full detail.
fn store_failure(e: salkku_persistence::StoreError) -> Failure {
    match e {
        salkku_persistence::StoreError::Backup(message) => Failure(message),
        other => Failure(format!("{other:?}")),
    }
}

/// Connects and applies pending migrations.
async fn open_database(url: &str) -> Result<Db, Failure> {
    let db = Db::connect(&DbSettings::new(url.to_owned())).await.map_err(|e| Failure(format!("{e:?}")))?;
    db.migrate().await.map_err(|e| Failure(format!("{e:?}")))?;
    Ok(db)
}

fn parse_now(now: Option<&str>, demo: bool) -> Result<Clock, Failure> {
    match now {
        Some("system") => Ok(Clock::System),
        Some(at) => DateTime::parse_from_rfc3339(at).map(|t| Clock::Fixed(t.with_timezone(&Utc))).map_err(|_| {
            Failure(format!(
                "SALKKU_NOW={at:?} is not an RFC 3339 instant such as 2020-05-19T09:00:00+03:00, or \"system\""
            ))
        }),
        None if demo => Ok(Clock::Fixed(demo::demo_now())),
        None => Ok(Clock::System),
    }
}

async fn serve(database_url: &str, args: ServeArgs) -> Result<(), Failure> {
    let hs256 = args.jwt.jwt_algorithm == JwtAlgorithm::Hs256;
    if args.demo && !hs256 {
        return Err(Failure(
            "--demo signs its own tokens with HS256: leave SALKKU_JWT_ALGORITHM unset to try it".into(),
        ));
    }
    if hs256 && args.jwt.jwt_secret.is_none() && !args.demo {
        return Err(Failure(
            "SALKKU_JWT_SECRET is not set: set it to a random string of 32 bytes or more, or try the service with `salkku serve --demo`".into(),
        ));
    }
    let settings = Settings {
        database_url: database_url.to_owned(),
        addr: args.addr,
        jwt: args.jwt.settings(args.demo.then_some(DEMO_SECRET))?,
        cors_origins: args.cors_origins,
        introspection: args.introspection,
        clock: parse_now(args.now.as_deref(), args.demo)?,
        workers: 0,
        limits: args.limits.limits(),
        shutdown: Shutdown {
            drain: std::time::Duration::from_millis(args.shutdown_drain_ms),
            grace: std::time::Duration::from_millis(args.shutdown_grace_ms),
        },
        db_max_connections: args.db_max_connections,
        db_min_connections: args.db_min_connections,
        db_acquire_timeout: std::time::Duration::from_millis(args.db_acquire_timeout_ms),
        metrics_token: args.metrics_token.filter(|t| !t.is_empty()).map(Secret::new),
        public_url: args.public_url.filter(|u| !u.is_empty()),
        database_read_url: args.database_read_url.filter(|u| !u.is_empty()),
        files: FileSettings { max_bytes: args.document_max_bytes, directory: args.documents_dir },
        open_data: args.open_data.settings()?,
        mail: args.mail.settings()?,
    };
    let state = build_state(&settings).await?;
    let demo_org = if args.demo { Some(seed_if_empty(&state.db).await?) } else { None };
    if demo_org.is_some() {
        // The lists' sizes were measured on the database before the demo filled it.
        state.schema.measure_lists(&state.db).await.map_err(|e| Failure(format!("{e:?}")))?;
    }
    let app = App::bind(state.clone(), settings.addr, settings.workers, settings.shutdown)?;
    let url = format!("http://{}", app.addr());
    tracing::info!(%url, "salkku is listening");
    if let Some(demo) = demo_org {
        print_demo_tokens(&state.tokens, &demo, &url)?;
    }
    app.serve_until_signalled(settings.shutdown.drain).await?;
    Ok(())
}

/// Writes an open-data file of every granted project, a page at a time, to `output` (standard
/// output when `None`). A file is written under a temporary name and renamed when whole, so a
/// failure never leaves a file that looks complete.
async fn publish(
    db: &Db,
    publication: &open_data::Publication,
    output: Option<&std::path::Path>,
) -> Result<u64, Failure> {
    use std::io::Write;
    let snapshot = db.begin_snapshot().await.map_err(store_failure)?;
    let first = open_data::first_page(&snapshot, publication).await.map_err(store_failure)?;
    let Some(first) = first else {
        return Err(Failure("nothing to publish: no granted project (360Giving: none naming its funder)".into()));
    };
    let mut pieces = open_data::Pieces::new(&snapshot, publication, first);
    let failed = |e: std::io::Error| Failure(format!("cannot write the export: {e}"));
    match output {
        None => {
            let mut out = std::io::stdout().lock();
            while let Some(piece) = pieces.next().await.map_err(store_failure)? {
                out.write_all(&piece).map_err(failed)?;
            }
            out.flush().map_err(failed)?;
        }
        Some(path) => {
            let mut partial = path.as_os_str().to_owned();
            partial.push(".partial");
            let partial = std::path::PathBuf::from(partial);
            let written = async {
                let file = std::fs::File::create(&partial)
                    .map_err(|e| Failure(format!("cannot write {}: {e}", partial.display())))?;
                let mut out = std::io::BufWriter::new(file);
                while let Some(piece) = pieces.next().await.map_err(store_failure)? {
                    out.write_all(&piece).map_err(failed)?;
                }
                out.into_inner().map_err(|e| failed(e.into_error()))?.sync_all().map_err(failed)?;
                std::fs::rename(&partial, path).map_err(|e| Failure(format!("cannot write {}: {e}", path.display())))
            }
            .await;
            if written.is_err() {
                // What was written is no file to publish.
                let _ = std::fs::remove_file(&partial);
            }
            written?;
        }
    }
    let written = pieces.written();
    snapshot.rollback().await.map_err(store_failure)?;
    Ok(written)
}

async fn seed_if_empty(db: &Db) -> Result<(OrganizationId, OrganizationId), Failure> {
    if demo::is_empty(db).await.map_err(|e| Failure(format!("{e:?}")))? {
        let seeded = demo::seed(db).await?;
        tracing::info!(applications = seeded.applications, "seeded the demo portfolio");
    }
    let find = |name: &'static str| async move {
        salkku_persistence::views::organizations::find_by_name(db.conn(), name)
            .await
            .map_err(|e| Failure(format!("{e:?}")))?
            .map(|o| o.id)
            .ok_or_else(|| {
                Failure(format!("the database holds no organisation named {name}: is it the demo database?"))
            })
    };
    Ok((find("SONet BOTNIA").await?, find("Sosiaali- ja terveysministeriö").await?))
}

fn print_demo_tokens(
    tokens: &Tokens,
    (centre, ministry): &(OrganizationId, OrganizationId),
    url: &str,
) -> Result<(), Failure> {
    let now = Utc::now();
    let ttl = Duration::days(7);
    let coordinator = tokens.mint("coordinator@sonetbotnia", Role::Coordinator, Some(*centre), ttl, now)?;
    let finance = tokens.mint("finance@sonetbotnia", Role::Finance, Some(*centre), ttl, now)?;
    let ministry = tokens.mint("ministry@stm", Role::Ministry, Some(*ministry), ttl, now)?;
    let admin = tokens.mint("admin", Role::Admin, None, ttl, now)?;
    let example = format!(
        "curl -s {url}/graphql -H \"Authorization: Bearer $MINISTRY\" -H 'Content-Type: application/json' -d '{{\"query\":\"{{ me {{ subject role }} regions {{ code name }} }}\"}}'"
    );
    let text = format!(
        "salkku demo at {url}/graphql (clock fixed at 2020-05-19 09:00 Helsinki; tokens valid 7 days)\n\n\
         COORDINATOR={coordinator}\nFINANCE={finance}\nMINISTRY={ministry}\nADMIN={admin}\n\n{example}\n"
    );
    // A closed stdout (`serve --demo | head`) must not stop the server.
    let _ = std::io::Write::write_all(&mut std::io::stdout().lock(), text.as_bytes());
    Ok(())
}

fn token(args: TokenArgs) -> Result<(), Failure> {
    if args.jwt.jwt_secret.is_none() && args.jwt.jwt_algorithm == JwtAlgorithm::Hs256 {
        eprintln!("note: SALKKU_JWT_SECRET is not set; signing with the demo secret (good for `serve --demo` only)");
    }
    let tokens = Tokens::new(&args.jwt.settings(Some(DEMO_SECRET))?)?;
    let org = args.org.as_deref().map(OrganizationId::from_global).transpose()?;
    if args.ttl <= 0 {
        return Err(Failure("--ttl must be a positive number of seconds".into()));
    }
    let token = tokens.mint(&args.subject, args.role.into(), org, Duration::seconds(args.ttl), Utc::now())?;
    println!("{token}");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_database_password_never_reaches_a_message() {
        let url = "postgres://salkku:s3cret-pass@db.example:5432/salkku";
        let failure = Failure(format!("The connection string '{url}' cannot be parsed."));
        let shown = redacted(failure, url).0;
        assert!(!shown.contains("s3cret-pass"), "{shown}");
        assert!(shown.contains("postgres://salkku:***@db.example"));
        assert_eq!(url_password("sqlite://salkku.db?mode=rwc"), None);
    }
}
