//! `POST /graphql` and `GET /graphql`, by GraphQL over HTTP: reading the request (or a batch)
//! within its limits, choosing the database (primary or replica), running it within the time
//! limit, and answering with the media type and status the client asked for.

use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpRequest, HttpResponse, web};
use async_graphql::parser::types::OperationType;
use async_graphql::{BatchRequest, BatchResponse, Request};
use salkku_domain::message;
use salkku_domain::messages::Message;

use super::reply::{GRAPHQL_RESPONSE, Reply};
use super::{authenticate, base_url};
use crate::config::Limits;
use crate::error::{ApiError, ErrorCode};
use crate::schema::{RequestData, RequestInfo};
use crate::state::AppState;

/// `GET /graphql`: the IDE for a browser, a query otherwise.
pub(super) async fn get(state: web::Data<AppState>, req: HttpRequest) -> HttpResponse {
    if super::graphiql::wants_ide(&req) {
        return super::graphiql::page();
    }
    run(state, req, web::Bytes::new()).await
}

/// `POST /graphql`: reads the body, refusing it as soon as it passes the size limit.
pub(super) async fn post(state: web::Data<AppState>, req: HttpRequest, mut payload: web::Payload) -> HttpResponse {
    use futures_util::StreamExt;
    let reply = Reply::of(&state, &req);
    // A multipart request (GraphQL multipart request specification) carries a file besides the
    // operation: it may be as much larger as a document may be, and the multipart reader holds
    // each file to that limit.
    let limit = if is_multipart(&req) {
        // Only a signed-in user may make the server read that much: a file is checked for its
        // sender before its bytes are.
        match authenticate(&state, &req) {
            Ok(Some(_)) => {}
            Ok(None) => return reply.error(StatusCode::UNAUTHORIZED, ApiError::sign_in()),
            Err(e) => return reply.error(StatusCode::UNAUTHORIZED, e),
        }
        state.limits.body_bytes.saturating_add(state.files.max_bytes).saturating_add(64 * 1024)
    } else {
        state.limits.body_bytes
    };
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
    let read = if is_multipart(&req) {
        read_multipart(&req, body.clone(), state.files.max_bytes).await
    } else {
        read_request(&req, &body, &state.limits)
    };
    let batch = match read {
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

fn is_multipart(req: &HttpRequest) -> bool {
    req.method() == actix_web::http::Method::POST
        && req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.trim_start().to_ascii_lowercase().starts_with("multipart/form-data"))
}

/// Reads a multipart request: the operations, the map and the files, none larger than a document
/// may be.
async fn read_multipart(
    req: &HttpRequest,
    body: web::Bytes,
    max_file: usize,
) -> Result<BatchRequest, (StatusCode, ApiError)> {
    use async_graphql::ParseRequestError;
    let content_type = req.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok());
    // Only the size of each part is limited here: async-graphql would count the operations and
    // the map against a limit on the number of files too. The body's limit bounds the whole.
    let options = async_graphql::http::MultipartOptions::default().max_file_size(max_file);
    let reader = futures_util::io::Cursor::new(body);
    async_graphql::http::receive_batch_body(content_type, reader, options).await.map_err(|e| match e {
        ParseRequestError::PayloadTooLarge => (
            StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::limit(message!(
                fi: "tiedosto on liian suuri: enintään {max_file} tavua",
                sv: "filen är för stor: högst {max_file} byte",
                en: "the file is too large: at most {max_file} bytes",
            )),
        ),
        other => (
            StatusCode::BAD_REQUEST,
            ApiError::bad_input(
                "request",
                message!(
                    fi: "moniosainen pyyntö ei noudata GraphQL:n multipart-määrittelyä: {other}",
                    sv: "den flerdelade begäran följer inte GraphQL:s multipart-specifikation: {other}",
                    en: "the multipart request does not follow the GraphQL multipart request specification: {other}",
                ),
            ),
        ),
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
        let batch = BatchRequest::Single(request);
        refuse_missing_query(&batch)?;
        return Ok(batch);
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
    let json: serde_json::Value = serde_json::from_slice(body).map_err(|e| {
        bad(message!(
            fi: "runko ei ole JSONia: {e}",
            sv: "innehållet är inte JSON: {e}",
            en: "the body is not JSON: {e}",
        ))
    })?;
    // An array is a batch, whatever serde would make of an empty one.
    if json.as_array().is_some_and(Vec::is_empty) {
        return Err(empty_batch());
    }
    // What serde would say names a Rust type; say what a body must be instead.
    let batch = serde_json::from_value::<BatchRequest>(json).map_err(|_| {
        bad(message!(
            fi: "pyynnön runko on JSON-olio, jossa on \"query\" (merkkijono) ja valinnaisesti \"variables\" (olio), \"operationName\" (merkkijono) ja \"extensions\" (olio), tai luettelo tällaisista",
            sv: "begärans innehåll är ett JSON-objekt med \"query\" (en sträng) och valfritt \"variables\" (ett objekt), \"operationName\" (en sträng) och \"extensions\" (ett objekt), eller en lista av sådana",
            en: "a request body is a JSON object with \"query\" (a string) and optionally \"variables\" (an object), \"operationName\" (a string) and \"extensions\" (an object), or a list of such objects",
        ))
    })?;
    refuse_missing_query(&batch)?;
    Ok(batch)
}

fn empty_batch() -> (StatusCode, ApiError) {
    let message = message!(
        fi: "erä on tyhjä: lähetä ainakin yksi operaatio",
        sv: "satsen är tom: skicka minst en operation",
        en: "the batch is empty: send at least one operation",
    );
    (StatusCode::BAD_REQUEST, ApiError::bad_input("query", message))
}

/// A request without a query (and without a persisted query's hash in its place), or a batch
/// without requests, says so rather than passing the parser's output on.
fn refuse_missing_query(batch: &BatchRequest) -> Result<(), (StatusCode, ApiError)> {
    let missing = |message: Message| (StatusCode::BAD_REQUEST, ApiError::bad_input("query", message));
    let requests: &[Request] = match batch {
        BatchRequest::Single(request) => std::slice::from_ref(request),
        BatchRequest::Batch(requests) if requests.is_empty() => return Err(empty_batch()),
        BatchRequest::Batch(requests) => requests,
    };
    let persisted = |r: &Request| r.extensions.contains_key("persistedQuery");
    if requests.iter().any(|r| r.query.trim().is_empty() && !persisted(r)) {
        return Err(missing(message!(
            fi: "kysely puuttuu: lähetä GraphQL-dokumentti kentässä query",
            sv: "frågan saknas: skicka ett GraphQL-dokument i fältet query",
            en: "the query is missing: send a GraphQL document as query",
        )));
    }
    Ok(())
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
    /// What the client accepts: the newer media type when it names it, `application/json` when
    /// it names that, anything (`*/*`, `application/*`) or nothing at all, as the specification
    /// says a server should for clients that predate it.
    fn accepted(req: &HttpRequest) -> MediaType {
        let accept = req.headers().get(header::ACCEPT).and_then(|v| v.to_str().ok()).unwrap_or("").trim();
        if accept.contains(GRAPHQL_RESPONSE) {
            MediaType::GraphqlResponse
        } else if accept.is_empty()
            || accept.contains("application/json")
            || accept.contains("*/*")
            || accept.contains("application/*")
        {
            MediaType::Json
        } else {
            MediaType::GraphqlResponse
        }
    }
}

/// A response to a request that never ran: its errors, no `data`.
#[derive(serde::Serialize)]
struct NeverRan<'a> {
    errors: &'a [async_graphql::ServerError],
    #[serde(skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    extensions: &'a std::collections::BTreeMap<String, async_graphql::Value>,
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
    // A request that could not run at all has no `data` entry in the newer media type (it did not
    // start executing): the specification tells it apart from one whose fields failed. Written
    // straight from the response, never through a JSON map, which would sort its keys.
    let body = match (&response, media == MediaType::GraphqlResponse && request_failed) {
        (BatchResponse::Single(single), true) => {
            serde_json::to_vec(&NeverRan { errors: &single.errors, extensions: &single.extensions })
        }
        _ => serde_json::to_vec(&response),
    };
    match body {
        Ok(body) => HttpResponse::build(status)
            .content_type(content_type)
            .insert_header((header::CACHE_CONTROL, HeaderValue::from_static("no-store")))
            .body(body),
        Err(e) => reply.error(StatusCode::INTERNAL_SERVER_ERROR, ApiError::internal(&e)),
    }
}
