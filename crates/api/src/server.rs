//! The actix-web application: `POST`/`GET /graphql`, `GET /healthz`, `GET /readyz`,
//! `GET /metrics`.

use std::net::{SocketAddr, TcpListener};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpRequest, HttpResponse, web};
use async_graphql::parser::types::OperationType;
use async_graphql::{BatchRequest, BatchResponse, Request};
use salkku_persistence::{Db, DbSettings, StoreError};
use serde_json::json;

use crate::auth::{self, KeyError, Tokens};
use crate::clock::Clock;
use crate::config::{Limits, Secret, Settings};
use crate::error::{ApiError, ErrorCode};
use crate::observe::{Metrics, RequestId};
use crate::schema::{self, RequestData, RequestInfo, Schemas};
use salkku_domain::message;
use salkku_domain::messages::Message;

/// The media type of GraphQL responses (GraphQL over HTTP).
pub const GRAPHQL_RESPONSE: &str = "application/graphql-response+json";

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
    Metrics(#[from] crate::observe::metrics::MetricsError),
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
    let schema = schema::build(Some(db.clone()), settings.introspection, settings.limits);
    let read_db = match &settings.database_read_url {
        Some(url) => Some(Db::connect(&pool_settings(settings, url)).await.map_err(StartError::Database)?),
        None => None,
    };
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
    })
}

/// A bound, ready-to-run server.
pub struct App {
    server: actix_web::dev::Server,
    addr: SocketAddr,
    state: AppState,
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

impl App {
    /// Binds `addr` (port 0 picks a free port) and prepares the server.
    pub fn bind(state: AppState, addr: SocketAddr, workers: usize, shutdown: Shutdown) -> Result<App, StartError> {
        let listener = TcpListener::bind(addr).map_err(|source| StartError::Bind { addr, source })?;
        let addr = listener.local_addr().map_err(|source| StartError::Bind { addr, source })?;
        let origins = state.cors_origins.clone();
        let data = web::Data::new(state.clone());
        let mut server = actix_web::HttpServer::new(move || {
            actix_web::App::new()
                .wrap(cors(&origins))
                .wrap(actix_web::middleware::Compress::default())
                .wrap(actix_web::middleware::from_fn(crate::observe::middleware))
                .app_data(data.clone())
                .configure(routes)
        });
        if workers > 0 {
            server = server.workers(workers);
        }
        // Signals are ours to handle (see `serve_until_signalled`): the readiness probe must turn
        // before the listener closes.
        let grace = shutdown.grace.as_secs().max(1);
        // Nagle's algorithm holds the tail of a response written in two parts until the client
        // acknowledges the first, and clients delay that acknowledgement up to 40 ms: pages of
        // applications showed it as a p99 of 75 ms against a p50 of 6 ms. actix-web leaves the
        // OS default (on) unless told.
        let server = server
            .tcp_nodelay(true)
            .disable_signals()
            .shutdown_timeout(grace)
            .listen(listener)
            .map_err(|source| StartError::Bind { addr, source })?
            .run();
        Ok(App { server, addr, state })
    }

    /// Runs until SIGTERM or Ctrl-C: then reports unready for `drain`, stops accepting, lets
    /// in-flight requests finish within the grace period, and closes the database pool.
    pub async fn serve_until_signalled(self, drain: Duration) -> std::io::Result<()> {
        let handle = self.server.handle();
        let ready = self.state.ready.clone();
        tokio::spawn(async move {
            stop_signal().await;
            ready.store(false, Ordering::SeqCst);
            tracing::info!(drain_ms = drain.as_millis() as u64, "stopping: unready, draining");
            tokio::time::sleep(drain).await;
            handle.stop(true).await;
        });
        self.server.await?;
        tracing::info!("stopped: in-flight requests finished");
        if let Err(e) = self.state.db.close().await {
            tracing::warn!(error = ?e, "closing the database pool failed");
        }
        Ok(())
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        self.server.await
    }
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

/// CORS: closed unless origins are configured; then those origins may call the API.
fn cors(origins: &[String]) -> actix_cors::Cors {
    let mut cors = actix_cors::Cors::default()
        .allowed_methods(["GET", "POST"])
        .allowed_headers([header::AUTHORIZATION, header::CONTENT_TYPE, header::ACCEPT, header::ACCEPT_LANGUAGE])
        .max_age(3600);
    for origin in origins {
        cors = cors.allowed_origin(origin);
    }
    cors
}

/// The routes, for the server and for tests that call the app in process.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/graphql", web::post().to(graphql_post))
        .route("/graphql", web::get().to(graphql_get))
        .route("/graphiql/{file}", web::get().to(crate::graphiql::asset))
        .route("/healthz", web::get().to(healthz))
        .route("/readyz", web::get().to(readyz))
        .route("/metrics", web::get().to(metrics))
        .route("/calendar/{file}", web::get().to(crate::calendar::feed))
        .route("/export/{file}", web::get().to(crate::export::applications));
}

/// SIGTERM (Kubernetes, systemd) or Ctrl-C.
async fn stop_signal() {
    #[cfg(unix)]
    {
        if let Ok(mut term) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            tokio::select! {
                _ = term.recv() => {}
                _ = tokio::signal::ctrl_c() => {}
            }
            return;
        }
    }
    let _ = tokio::signal::ctrl_c().await;
}

/// Ready for traffic: not stopping, and the database answers.
async fn readyz(state: web::Data<AppState>) -> HttpResponse {
    if !state.ready.load(Ordering::SeqCst) {
        return HttpResponse::ServiceUnavailable().json(json!({ "status": "shutting down" }));
    }
    if let Some(replica) = &state.read_db
        && let Err(e) = replica.ping().await
    {
        tracing::warn!(error = ?e, "readiness: the read replica does not answer");
        return HttpResponse::ServiceUnavailable().json(json!({ "status": "read replica unavailable" }));
    }
    healthz(state).await
}

/// Prometheus' text exposition; behind a bearer token when one is configured.
async fn metrics(state: web::Data<AppState>, req: HttpRequest) -> HttpResponse {
    if let Some(expected) = &state.metrics_token {
        use subtle::ConstantTimeEq;
        let given = req
            .headers()
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .unwrap_or("");
        if !bool::from(given.as_bytes().ct_eq(expected.expose().as_bytes())) {
            return HttpResponse::Unauthorized()
                .insert_header((header::WWW_AUTHENTICATE, "Bearer"))
                .body("send the metrics token as Authorization: Bearer <token>\n");
        }
    }
    match state.metrics.render(state.db.pool_use()) {
        Ok(text) => HttpResponse::Ok().content_type("text/plain; version=0.0.4; charset=utf-8").body(text),
        Err(e) => {
            tracing::error!(error = %e, "rendering metrics failed");
            HttpResponse::InternalServerError().finish()
        }
    }
}

async fn healthz(state: web::Data<AppState>) -> HttpResponse {
    match state.db.ping().await {
        Ok(()) => HttpResponse::Ok().json(json!({ "status": "ok" })),
        Err(e) => {
            tracing::warn!(error = ?e, "health check: the database does not answer");
            HttpResponse::ServiceUnavailable().json(json!({ "status": "database unavailable" }))
        }
    }
}

/// What every GraphQL reply of one request carries: its id, and where its errors are counted.
pub(crate) struct Reply {
    request_id: RequestId,
    metrics: Arc<Metrics>,
    /// The language error messages are written in, from `Accept-Language`.
    pub(crate) language: salkku_domain::labels::Language,
}

impl Reply {
    pub(crate) fn of(state: &AppState, req: &HttpRequest) -> Reply {
        use actix_web::HttpMessage;
        let request_id = req.extensions().get::<RequestId>().cloned().unwrap_or_else(RequestId::generate);
        let accept_language = req.headers().get(header::ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok());
        let language = salkku_domain::labels::Language::from_accept_language(accept_language);
        Reply { request_id, metrics: state.metrics.clone(), language }
    }

    /// Counts the error's code and tells the client the request id it can quote.
    fn stamp(&self, error: &mut async_graphql::ServerError) {
        if let Some(ours) = error.source.as_ref().and_then(|s| s.downcast_ref::<ApiError>()) {
            error.message = ours.message.get(self.language).to_owned();
        }
        let ext = error.extensions.get_or_insert_with(Default::default);
        if ext.get("code").is_none() {
            ext.set("code", ErrorCode::BadUserInput.as_str());
            if let Some(path) = argument_path(&error.message) {
                ext.set("field", path);
            }
        }
        if let Some(async_graphql::Value::String(code)) = ext.get("code") {
            self.metrics.error(code);
        }
        ext.set("requestId", self.request_id.as_str());
    }

    /// A response that carries only errors, in the GraphQL response format.
    pub(crate) fn error(&self, status: StatusCode, error: ApiError) -> HttpResponse {
        let graphql_error: async_graphql::Error = error.into();
        let mut server_error = graphql_error.into_server_error(async_graphql::Pos::default());
        server_error.locations.clear();
        self.stamp(&mut server_error);
        HttpResponse::build(status).content_type(GRAPHQL_RESPONSE).json(json!({ "errors": [server_error] }))
    }
}

/// `GET /graphql`: the IDE for a browser, a query otherwise.
async fn graphql_get(state: web::Data<AppState>, req: HttpRequest) -> HttpResponse {
    if crate::graphiql::wants_ide(&req) {
        return crate::graphiql::page();
    }
    run(state, req, web::Bytes::new()).await
}

/// `POST /graphql`: reads the body, refusing it as soon as it passes the size limit.
async fn graphql_post(state: web::Data<AppState>, req: HttpRequest, mut payload: web::Payload) -> HttpResponse {
    use futures_util::StreamExt;
    let reply = Reply::of(&state, &req);
    let limit = state.limits.body_bytes;
    let mut body = web::BytesMut::new();
    while let Some(chunk) = payload.next().await {
        let Ok(chunk) = chunk else {
            return reply.error(
                StatusCode::BAD_REQUEST,
                ApiError::bad_input(
                    "request",
                    message!(
                        fi: "pyynnön runkoa ei voitu lukea",
                        sv: "begärans innehåll kunde inte läsas",
                        en: "the request body could not be read",
                    ),
                ),
            );
        };
        if body.len() + chunk.len() > limit {
            return reply.error(
                StatusCode::PAYLOAD_TOO_LARGE,
                ApiError::limit(message!(
                    fi: "pyynnön kokoraja ylittyi: pyynnön runko saa olla enintään {limit} tavua",
                    sv: "gränsen för begärans storlek överskreds: en begäran får vara högst {limit} byte",
                    en: "request size limit exceeded: a request body may hold {limit} bytes",
                )),
            );
        }
        body.extend_from_slice(&chunk);
    }
    run(state, req, body.freeze()).await
}

async fn run(state: web::Data<AppState>, req: HttpRequest, body: web::Bytes) -> HttpResponse {
    let reply = Reply::of(&state, &req);
    let now = state.clock.now();
    let viewer = match authenticate(&state, &req) {
        Ok(viewer) => viewer,
        Err(e) => return reply.error(StatusCode::UNAUTHORIZED, e),
    };
    let batch = match read_request(&req, &body, &state.limits) {
        Ok(batch) => batch,
        Err((status, e)) => return reply.error(status, e),
    };
    if let BatchRequest::Batch(requests) = &batch
        && requests.len() > state.limits.batch
    {
        let (limit, got) = (state.limits.batch, requests.len());
        let message = message!(
            fi: "eräraja ylittyi: erässä saa olla enintään {limit} operaatiota (annettu {got})",
            sv: "gränsen för satser överskreds: högst {limit} operationer i en sats (angivet {got})",
            en: "batch limit exceeded: at most {limit} operations in a batch (got {got})",
        );
        return reply.error(StatusCode::BAD_REQUEST, ApiError::limit(message));
    }
    if let Err((status, e)) = check_persisting(&batch, viewer.is_some()) {
        return reply.error(status, e);
    }
    let language = reply.language;
    // Without a replica every request uses the primary: no need to read the documents here.
    let writes = state.read_db.is_some() && crate::replicas::writes(&batch, &state.limits);
    let db = crate::replicas::choose(&state, &req, writes).await;
    let data = RequestData {
        info: RequestInfo {
            now,
            language,
            read_only: req.method() == actix_web::http::Method::GET,
            base_url: base_url(&state, &req),
        },
        viewer,
        db,
        metrics: state.metrics.clone(),
    };
    let limit = state.limits.timeout;
    match tokio::time::timeout(limit, state.schema.execute_batch(batch, &data)).await {
        Ok(response) => {
            let mut http = respond(response, MediaType::accepted(&req), &reply);
            if writes && state.read_db.is_some() {
                written_at(&state, &mut http).await;
            }
            http
        }
        // Dropping the execution drops its queries; PostgreSQL's statement timeout, set to the same
        // limit, stops what the server had already started.
        Err(_) => reply.error(StatusCode::SERVICE_UNAVAILABLE, {
            let ms = limit.as_millis();
            ApiError::limit(message!(
                fi: "aikaraja ylittyi: pyyntö saa kestää {ms} ms",
                sv: "tidsgränsen överskreds: en begäran får pågå {ms} ms",
                en: "time limit exceeded: a request may run {ms} ms",
            ))
        }),
    }
}

/// Largest document a client may register as a persisted query: front ends' queries are a few
/// kilobytes; the cache must not become a store of megabyte documents.
pub const MAX_PERSISTED_BYTES: usize = 64 * 1024;

/// Registering a persisted query (a document sent with its hash) is for signed-in clients and
/// for documents of a sensible size: the cache outlives the request.
fn check_persisting(batch: &BatchRequest, signed_in: bool) -> Result<(), (StatusCode, ApiError)> {
    let requests: Vec<&Request> = match batch {
        BatchRequest::Single(r) => vec![r],
        BatchRequest::Batch(rs) => rs.iter().collect(),
    };
    for r in requests.iter().filter(|r| r.extensions.contains_key("persistedQuery") && !r.query.is_empty()) {
        if !signed_in {
            return Err((StatusCode::UNAUTHORIZED, ApiError::sign_in()));
        }
        if r.query.len() > MAX_PERSISTED_BYTES {
            let (limit, got) = (MAX_PERSISTED_BYTES, r.query.len());
            return Err((
                StatusCode::BAD_REQUEST,
                ApiError::limit(message!(
                    fi: "pysyvän kyselyn kokoraja ylittyi: enintään {limit} tavua (annettu {got})",
                    sv: "storleksgränsen för en sparad fråga överskreds: högst {limit} byte (angivet {got})",
                    en: "persisted query size limit exceeded: at most {limit} bytes (got {got})",
                )),
            ));
        }
    }
    Ok(())
}

/// Names the primary's log position, for a client's next read (see [`crate::replicas`]).
async fn written_at(state: &AppState, response: &mut HttpResponse) {
    match state.db.wal_position().await {
        Ok(Some(lsn)) => {
            if let Ok(value) = HeaderValue::from_str(&lsn) {
                response.headers_mut().insert(header::HeaderName::from_static(crate::replicas::WRITTEN_AT), value);
            }
        }
        Ok(None) => {}
        Err(e) => tracing::warn!(error = ?e, "reading the primary's log position failed"),
    }
}

/// The signed-in user of a request: none without a bearer token, an error for a bad one.
pub(crate) fn authenticate(state: &AppState, req: &HttpRequest) -> Result<Option<auth::Viewer>, ApiError> {
    let authorization = req.headers().get(header::AUTHORIZATION).map(|v| v.to_str().unwrap_or("\u{0}"));
    match auth::bearer(authorization) {
        None => Ok(None),
        Some(Err(e)) => Err(e),
        // Tokens live in real time, whatever the service's clock says.
        Some(Ok(token)) => state.tokens.verify(token, chrono::Utc::now()).map(Some),
    }
}

/// The address clients reach the service at: the configured public URL, or the request's own
/// scheme and host (behind a proxy, set `SALKKU_PUBLIC_URL`).
pub fn base_url(state: &AppState, req: &HttpRequest) -> String {
    state.public_url.clone().unwrap_or_else(|| {
        let info = req.connection_info();
        format!("{}://{}", info.scheme(), info.host())
    })
}

/// Reads a GraphQL request: `GET` with the query string (queries only), or `POST` with a JSON
/// body (one request or a batch).
fn read_request(req: &HttpRequest, body: &[u8], limits: &Limits) -> Result<BatchRequest, (StatusCode, ApiError)> {
    let bad = |message: Message| (StatusCode::BAD_REQUEST, ApiError::bad_input("request", message));
    if req.method() == actix_web::http::Method::GET {
        let request = async_graphql::http::parse_query_string(req.query_string()).map_err(|e| {
            bad(message!(
                fi: "kyselymerkkijono ei ole GraphQL-pyyntö: {e}",
                sv: "frågesträngen är ingen GraphQL-begäran: {e}",
                en: "the query string is not a GraphQL request: {e}",
            ))
        })?;
        refuse_mutation_over_get(&request, limits)?;
        return Ok(BatchRequest::Single(request));
    }
    let content_type = req.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
    let media_type = content_type.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    if media_type != "application/json" && media_type != GRAPHQL_RESPONSE {
        return Err((
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ApiError::bad_input(
                "request",
                message!(
                    fi: "lähetä pyyntö muodossa Content-Type: application/json",
                    sv: "skicka begäran som Content-Type: application/json",
                    en: "send the request as Content-Type: application/json",
                ),
            ),
        ));
    }
    serde_json::from_slice::<BatchRequest>(body).map_err(|e| {
        bad(message!(
            fi: "runko ei ole JSON-muotoinen GraphQL-pyyntö: {e}",
            sv: "innehållet är ingen GraphQL-begäran i JSON: {e}",
            en: "the body is not a GraphQL request in JSON: {e}",
        ))
    })
}

/// GraphQL over HTTP: `GET` may only read.
fn refuse_mutation_over_get(request: &Request, limits: &Limits) -> Result<(), (StatusCode, ApiError)> {
    // A document that does not parse is the executor's to report.
    if crate::replicas::operation_type(request, limits) == Some(OperationType::Mutation) {
        return Err((StatusCode::METHOD_NOT_ALLOWED, ApiError::post_only()));
    }
    Ok(())
}

fn has_code(error: &async_graphql::ServerError, code: ErrorCode) -> bool {
    error.extensions.as_ref().and_then(|e| e.get("code")) == Some(&async_graphql::Value::from(code.as_str()))
}

/// The response media types of GraphQL over HTTP.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum MediaType {
    /// `application/graphql-response+json`: HTTP statuses tell request errors apart.
    GraphqlResponse,
    /// `application/json`, for clients that accept only that: always 200 once the request parsed.
    Json,
}

impl MediaType {
    fn accepted(req: &HttpRequest) -> MediaType {
        let accept = req.headers().get(header::ACCEPT).and_then(|v| v.to_str().ok()).unwrap_or("");
        if accept.contains("application/json") && !accept.contains(GRAPHQL_RESPONSE) {
            MediaType::Json
        } else {
            MediaType::GraphqlResponse
        }
    }
}

/// The argument path in an async-graphql validation message ("Invalid value for argument
/// \"filter.status.0\", …").
fn argument_path(message: &str) -> Option<&str> {
    let rest = message.strip_prefix("Invalid value for argument \"")?;
    rest.split('"').next().filter(|p| !p.is_empty())
}

/// Serialises the response; every error gets a contract code, and a request that could not run
/// at all (a syntax or validation error) is a 400.
fn respond(mut response: BatchResponse, media: MediaType, reply: &Reply) -> HttpResponse {
    let mut request_failed = false;
    let mut unauthenticated = false;
    let responses: Vec<&mut async_graphql::Response> = match &mut response {
        BatchResponse::Single(r) => vec![r],
        BatchResponse::Batch(rs) => rs.iter_mut().collect(),
    };
    let single = responses.len() == 1;
    for r in responses {
        for error in &mut r.errors {
            reply.stamp(error);
        }
        let nothing_ran = single && r.data == async_graphql::Value::Null && !r.errors.is_empty();
        if nothing_ran && r.errors.iter().all(|e| e.path.is_empty()) {
            request_failed = true;
        }
        if nothing_ran && r.errors.iter().all(|e| has_code(e, ErrorCode::Unauthenticated)) {
            unauthenticated = true;
        }
    }
    let status = if media == MediaType::Json {
        StatusCode::OK
    } else if unauthenticated {
        StatusCode::UNAUTHORIZED
    } else if request_failed {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    let content_type = match media {
        MediaType::GraphqlResponse => GRAPHQL_RESPONSE,
        MediaType::Json => "application/json",
    };
    match serde_json::to_vec(&response) {
        Ok(body) => HttpResponse::build(status)
            .content_type(content_type)
            .insert_header((header::CACHE_CONTROL, HeaderValue::from_static("no-store")))
            .body(body),
        Err(e) => reply.error(StatusCode::INTERNAL_SERVER_ERROR, ApiError::internal(&e)),
    }
}
