//! `GET /export/applications.xlsx` and `.csv`: the spreadsheets for finance staff, filtered and
//! ordered exactly as the `applications` query (see `export_params`).

use actix_web::http::StatusCode;
use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use salkku_domain::message;
use salkku_persistence::views;

use super::export_params::{Export, failed, parse, refused};
use super::reply::Reply;
use crate::error::ApiError;
use crate::export::{MAX_BUDGET_SHEETS, MAX_ROWS, csv, xlsx};
use crate::state::AppState;

/// The two formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Format {
    Xlsx,
    Csv,
}

impl Format {
    pub(super) fn by_file_name(name: &str) -> Option<Format> {
        match name {
            "applications.xlsx" => Some(Format::Xlsx),
            "applications.csv" => Some(Format::Csv),
            _ => None,
        }
    }
}

/// `GET /export/applications.xlsx` or `.csv`.
pub(super) async fn spreadsheet(state: web::Data<AppState>, req: HttpRequest, format: Format) -> HttpResponse {
    let reply = Reply::of(&state, &req);
    if let Some(response) = refused(&state, &req, &reply) {
        return response;
    }
    let request = match parse(req.query_string(), Export::Spreadsheet) {
        Ok(request) => request,
        Err(e) => return reply.error(StatusCode::BAD_REQUEST, e),
    };
    let language = reply.language;
    let budgets = request.budgets && format == Format::Xlsx;
    let limit = if budgets { MAX_BUDGET_SHEETS } else { MAX_ROWS };
    // A report is a read: from the replica when there is one (see crate::replicas).
    let db = crate::replicas::choose(&state, &req, false).await;
    // One snapshot for every chunk: a budget saved meanwhile cannot move a row across pages.
    let read = tokio::time::timeout(state.limits.timeout, async {
        let snapshot = db.begin_snapshot().await?;
        let rows = views::finance_report::rows(&*snapshot, &request.filter, request.order, budgets, limit).await;
        snapshot.rollback().await?;
        rows
    })
    .await;
    let rows = match read {
        Ok(Ok(rows)) => rows,
        Ok(Err(e)) => return failed(&reply, e),
        Err(_) => {
            return reply.error(StatusCode::SERVICE_UNAVAILABLE, {
                let ms = state.limits.timeout.as_millis();
                ApiError::limit(message!(
                    fi: "aikaraja ylittyi: vienti saa kestää {ms} ms; rajaa hakua",
                    sv: "tidsgränsen överskreds: en export får pågå {ms} ms; avgränsa filtret",
                    en: "time limit exceeded: an export may run {ms} ms; narrow the filter",
                ))
            });
        }
    };
    let today = salkku_domain::deadline::local_date(state.clock.now());
    // Writing a large workbook is seconds of CPU: off the server's own threads.
    let written = web::block(move || match format {
        Format::Xlsx => xlsx::write(&rows, language, budgets)
            .map(|bytes| (bytes, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"))
            .map_err(|e| e.to_string()),
        Format::Csv => {
            csv::write(&rows).map(|bytes| (bytes, "text/csv; charset=utf-8", "csv")).map_err(|e| e.to_string())
        }
    })
    .await;
    let (body, media, extension) = match written {
        Ok(Ok(file)) => file,
        Ok(Err(e)) => return reply.error(StatusCode::INTERNAL_SERVER_ERROR, ApiError::internal(&e)),
        Err(e) => return reply.error(StatusCode::INTERNAL_SERVER_ERROR, ApiError::internal(&e)),
    };
    HttpResponse::Ok()
        .content_type(media)
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"salkku-applications-{today}.{extension}\""),
        ))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(body)
}
