//! The HTTP routes, one module each: GraphQL, health and readiness, metrics, the spreadsheet
//! and open-data exports, the calendar feeds, documents' downloads and GraphiQL's assets, with what they share (who is signed in,
//! the address clients reach us at, and GraphQL-shaped error replies).

mod calendar;
mod documents;
mod export_params;
mod exports;
pub mod graphiql;
mod graphql;
mod health;
mod metrics;
mod open_data;
pub(crate) mod reply;

use actix_web::http::header;
use actix_web::{HttpRequest, web};

pub use graphql::MAX_PERSISTED_BYTES;
pub use reply::GRAPHQL_RESPONSE;

use crate::auth;
use crate::error::ApiError;
use crate::state::AppState;

/// The routes, for the server and for tests that call the app in process.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/graphql", web::post().to(graphql::post))
        .route("/graphql", web::get().to(graphql::get))
        .route("/graphiql/{file}", web::get().to(graphiql::asset))
        .route("/healthz", web::get().to(health::healthz))
        .route("/readyz", web::get().to(health::readyz))
        .route("/metrics", web::get().to(metrics::metrics))
        .route("/calendar/{file}", web::get().to(calendar::feed))
        .route("/export/{file}", web::get().to(export))
        .route("/documents/{id}", web::get().to(documents::download));
}

/// `GET /export/{file}`: a spreadsheet (`applications.xlsx`, `applications.csv`) or an open-data
/// file (`360giving.json`, `iati-activities.xml`).
async fn export(state: web::Data<AppState>, req: HttpRequest, file: web::Path<String>) -> actix_web::HttpResponse {
    if let Some(format) = exports::Format::by_file_name(&file) {
        return exports::spreadsheet(state, req, format).await;
    }
    if let Some(standard) = crate::export::open_data::Standard::by_file_name(&file) {
        return open_data::publish(state, req, standard).await;
    }
    reply::Reply::of(&state, &req).error(
        actix_web::http::StatusCode::NOT_FOUND,
        ApiError::not_found(salkku_domain::message!(
            fi: "viennit ovat /export/applications.xlsx, /export/applications.csv, /export/360giving.json ja /export/iati-activities.xml",
            sv: "exporterna är /export/applications.xlsx, /export/applications.csv, /export/360giving.json och /export/iati-activities.xml",
            en: "exports are /export/applications.xlsx, /export/applications.csv, /export/360giving.json and /export/iati-activities.xml",
        )),
    )
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
