//! `GET /healthz` (the database answers) and `GET /readyz` (and the server is not stopping, and
//! the read replica answers): for load balancers and Kubernetes' probes.

use std::sync::atomic::Ordering;

use actix_web::{HttpResponse, web};
use serde_json::json;

use crate::state::AppState;

/// Ready for traffic: not stopping, and the database answers.
pub(super) async fn readyz(state: web::Data<AppState>) -> HttpResponse {
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

pub(super) async fn healthz(state: web::Data<AppState>) -> HttpResponse {
    match state.db.ping().await {
        Ok(()) => HttpResponse::Ok().json(json!({ "status": "ok" })),
        Err(e) => {
            tracing::warn!(error = ?e, "health check: the database does not answer");
            HttpResponse::ServiceUnavailable().json(json!({ "status": "database unavailable" }))
        }
    }
}
