//! What operators see: a request id on every request, a span per request and per GraphQL
//! operation, an access log line, and Prometheus metrics.

pub mod metrics;
pub mod request_id;

use std::time::Instant;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::middleware::Next;
use actix_web::{HttpMessage, web};
use tracing::Instrument;

pub use metrics::Metrics;
pub use request_id::RequestId;

/// Wraps every request: assigns its id, runs it inside a span, logs and counts it.
pub async fn middleware(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let started = Instant::now();
    let id = RequestId::from_headers(req.headers());
    req.extensions_mut().insert(id.clone());
    // The pattern, not the path: a calendar URL's path is its secret.
    let route = req.match_pattern().unwrap_or_else(|| "unmatched".to_owned());
    let method = req.method().as_str().to_owned();
    let metrics = req.app_data::<web::Data<Metrics>>().cloned();
    let span = tracing::info_span!("request", request_id = %id, method = %method, route = %route);
    let mut response = next.call(req).instrument(span.clone()).await?;
    let status = response.status().as_u16();
    let elapsed = started.elapsed();
    if let Ok(value) = HeaderValue::from_str(id.as_str()) {
        response.headers_mut().insert(HeaderName::from_static(request_id::HEADER), value);
    }
    let duration_ms = elapsed.as_millis() as u64;
    span.in_scope(|| {
        // Probes and scrapes come every few seconds; at info they would drown the requests.
        if matches!(route.as_str(), "/healthz" | "/readyz" | "/metrics") {
            tracing::debug!(status, duration_ms, "request finished");
        } else {
            tracing::info!(status, duration_ms, "request finished");
        }
    });
    if let Some(metrics) = metrics {
        metrics.http_request(&route, &method, status, elapsed);
    }
    Ok(response)
}
