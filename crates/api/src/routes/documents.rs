//! `GET /documents/{id}`: a document's bytes, for whoever may read the object it belongs to (every
//! signed-in user reads the portfolio), as an attachment the browser does not try to interpret.
//! The ID is looked up in the database; no part of the request ever reaches the file system.

use actix_web::http::StatusCode;
use actix_web::http::header::{self, ContentDisposition, DispositionParam, DispositionType, HeaderValue};
use actix_web::{HttpRequest, HttpResponse, web};
use salkku_domain::ids::DocumentId;
use salkku_domain::message;
use salkku_persistence::{StoreError, views};

use super::authenticate;
use super::reply::Reply;
use crate::error::ApiError;
use crate::state::AppState;

fn not_found() -> ApiError {
    ApiError::not_found(message!(
        fi: "asiakirjaa ei löydy",
        sv: "dokumentet finns inte",
        en: "no such document",
    ))
}

pub(super) async fn download(state: web::Data<AppState>, req: HttpRequest, id: web::Path<String>) -> HttpResponse {
    let reply = Reply::of(&state, &req);
    match authenticate(&state, &req) {
        Ok(Some(_viewer)) => {}
        Ok(None) => {
            let mut response = reply.error(StatusCode::UNAUTHORIZED, ApiError::sign_in());
            response.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
            return response;
        }
        Err(e) => return reply.error(StatusCode::UNAUTHORIZED, e),
    }
    let Ok(id) = DocumentId::from_global(&id) else {
        return reply.error(StatusCode::NOT_FOUND, not_found());
    };
    let conn = state.db.conn();
    let document = match views::documents::get(conn, id).await {
        Ok(Some(document)) => document,
        Ok(None) => return reply.error(StatusCode::NOT_FOUND, not_found()),
        Err(e) => return reply.error(StatusCode::INTERNAL_SERVER_ERROR, ApiError::from(e)),
    };
    let bytes = match views::documents::content(conn, &state.files.store(), id).await {
        Ok(bytes) => bytes,
        Err(StoreError::NotFound { .. }) => return reply.error(StatusCode::NOT_FOUND, not_found()),
        Err(e) => return reply.error(StatusCode::INTERNAL_SERVER_ERROR, ApiError::from(e)),
    };
    let disposition = ContentDisposition {
        disposition: DispositionType::Attachment,
        parameters: vec![
            DispositionParam::Filename(ascii_fallback(&document.file_name)),
            DispositionParam::FilenameExt(header::ExtendedValue {
                charset: header::Charset::Ext("UTF-8".into()),
                language_tag: None,
                value: document.file_name.clone().into_bytes(),
            }),
        ],
    };
    HttpResponse::Ok()
        .content_type(document.media_type.as_str())
        .insert_header(disposition)
        .insert_header((header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff")))
        .insert_header((header::CACHE_CONTROL, HeaderValue::from_static("private, no-store")))
        .insert_header((header::CONTENT_SECURITY_POLICY, HeaderValue::from_static("default-src 'none'; sandbox")))
        .insert_header((header::ETAG, format!("\"{}\"", document.sha256)))
        .body(bytes)
}

/// The name for clients that read only `filename=`: ASCII, without quotes or backslashes.
fn ascii_fallback(name: &str) -> String {
    name.chars().map(|c| if c.is_ascii_graphic() && c != '"' && c != '\\' || c == ' ' { c } else { '_' }).collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_file_name_falls_back_to_plain_ascii() {
        assert_eq!(super::ascii_fallback("pöytäkirja \"§ 7\".pdf"), "p_yt_kirja __ 7_.pdf");
    }
}
