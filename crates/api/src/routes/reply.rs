//! What every GraphQL-shaped reply of one request carries: its id, its language, and where its
//! errors are counted.

use std::sync::Arc;

use actix_web::http::StatusCode;
use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse};
use serde_json::json;

use crate::error::{ApiError, ErrorCode};
use crate::observe::{Metrics, RequestId};
use crate::state::AppState;

/// The media type of GraphQL responses (GraphQL over HTTP).
pub const GRAPHQL_RESPONSE: &str = "application/graphql-response+json";

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
    pub(super) fn stamp(&self, error: &mut async_graphql::ServerError) {
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

/// The argument path in an async-graphql validation message ("Invalid value for argument
/// \"filter.status.0\", …").
fn argument_path(message: &str) -> Option<&str> {
    let rest = message.strip_prefix("Invalid value for argument \"")?;
    rest.split('"').next().filter(|p| !p.is_empty())
}
