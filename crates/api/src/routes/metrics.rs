//! `GET /metrics`: Prometheus' text exposition, behind a bearer token when one is configured.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};

use crate::state::AppState;

/// Prometheus' text exposition; behind a bearer token when one is configured.
pub(super) async fn metrics(state: web::Data<AppState>, req: HttpRequest) -> HttpResponse {
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
