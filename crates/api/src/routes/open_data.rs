//! `GET /export/360giving.json` and `GET /export/iati-activities.xml`: the granted portfolio as
//! open data, for any signed-in user, filtered as the spreadsheets are (without an order: by key).
//!
//! The file streams: the first page is read before the answer starts, so that bad input, an
//! empty selection or a database failure still get a proper error; then a task writes page after
//! page from one snapshot into a small channel the response reads, so memory stays bounded
//! whatever the portfolio's size. A few run at once, and one whose reader stalls is ended. A
//! failure after the start breaks the connection rather than end a file that looks whole.

use actix_web::http::StatusCode;
use actix_web::http::header;
use actix_web::web::Bytes;
use actix_web::{HttpRequest, HttpResponse, web};
use salkku_domain::{message, open_data};

use super::export_params::{Export, failed, parse, refused};
use super::reply::Reply;
use crate::error::ApiError;
use crate::export::open_data::{Pieces, Publication, Standard, first_page};
use crate::state::AppState;

/// Pages in flight between the writer and the connection.
const BUFFERED_PAGES: usize = 2;

pub(super) async fn publish(state: web::Data<AppState>, req: HttpRequest, standard: Standard) -> HttpResponse {
    let reply = Reply::of(&state, &req);
    if let Some(response) = refused(&state, &req, &reply) {
        return response;
    }
    let request = match parse(req.query_string(), Export::OpenData) {
        Ok(request) => request,
        Err(e) => return reply.error(StatusCode::BAD_REQUEST, e),
    };
    if let Some(status) = request.filter.statuses.iter().find(|s| !open_data::is_published(**s)) {
        return reply.error(
            StatusCode::BAD_REQUEST,
            ApiError::bad_input(
                "status",
                message!(
                    fi: "{status} ei ole myönnetty hanke: avoin data julkaisee tilat GRANTED, ACTIVE ja CLOSED",
                    sv: "{status} är inget beviljat projekt: öppna data publicerar GRANTED, ACTIVE och CLOSED",
                    en: "{status} is not a granted project: open data publishes GRANTED, ACTIVE and CLOSED",
                ),
            ),
        );
    }
    // Each export holds a connection while it streams: only a few at once.
    let Ok(permit) = state.open_data_exports.clone().try_acquire_owned() else {
        return reply.error(
            StatusCode::SERVICE_UNAVAILABLE,
            ApiError::limit(message!(
                fi: "liian monta avoimen datan vientiä on jo käynnissä; yritä hetken päästä uudelleen",
                sv: "för många exporter av öppna data pågår redan; försök igen om en stund",
                en: "too many open-data exports are running; try again shortly",
            )),
        );
    };
    let publication =
        Publication { standard, filter: request.filter, settings: state.open_data.clone(), now: state.clock.now() };
    // An export is a read: from the replica when there is one (see crate::replicas).
    let db = crate::replicas::choose(&state, &req, false).await;
    let opened = tokio::time::timeout(state.limits.timeout, async {
        let snapshot = db.begin_snapshot().await?;
        let first = first_page(&snapshot, &publication).await?;
        Ok::<_, salkku_persistence::StoreError>((snapshot, first))
    })
    .await;
    let (snapshot, first) = match opened {
        Ok(Ok((snapshot, Some(first)))) => (snapshot, first),
        Ok(Ok((snapshot, None))) => {
            // Nothing to release but the snapshot; a failure to end it changes nothing read.
            let _ = snapshot.rollback().await;
            return reply.error(
                StatusCode::NOT_FOUND,
                ApiError::not_found(message!(
                    fi: "ei julkaistavaa: yksikään myönnetty hanke ei vastaa hakua (360Giving-avustukselle on myös tiedettävä rahoittaja); tyhjää tiedostoa ei julkaista",
                    sv: "inget att publicera: inget beviljat projekt motsvarar filtret (ett 360Giving-bidrag behöver också sin finansiär); en tom fil publiceras inte",
                    en: "nothing to publish: no granted project matches the filter (a 360Giving grant must also name its funder); an empty file is not published",
                )),
            );
        }
        Ok(Err(e)) => return failed(&reply, e),
        Err(_) => {
            let ms = state.limits.timeout.as_millis();
            return reply.error(
                StatusCode::SERVICE_UNAVAILABLE,
                ApiError::limit(message!(
                    fi: "aikaraja ylittyi: viennin alku saa kestää {ms} ms; rajaa hakua",
                    sv: "tidsgränsen överskreds: exportens början får pågå {ms} ms; avgränsa filtret",
                    en: "time limit exceeded: an export may take {ms} ms to begin; narrow the filter",
                )),
            );
        }
    };

    let (tx, rx) = tokio::sync::mpsc::channel::<Result<Bytes, std::io::Error>>(BUFFERED_PAGES);
    // A reader that takes nothing for as long as a request may run has gone: its snapshot and
    // connection are released rather than held for it.
    let patience = state.limits.timeout;
    tokio::spawn(async move {
        let _permit = permit;
        let mut pieces = Pieces::new(&snapshot, &publication, first);
        let outcome = loop {
            match pieces.next().await {
                Ok(Some(piece)) => {
                    let sent = tokio::time::timeout(patience, tx.send(Ok(Bytes::from(piece)))).await;
                    if !matches!(sent, Ok(Ok(()))) {
                        break Ok(false);
                    }
                }
                Ok(None) => break Ok(true),
                Err(e) => break Err(e),
            }
        };
        let written = pieces.written();
        match outcome {
            Ok(true) => tracing::info!(written, file = standard.file_name(), "open-data export written"),
            Ok(false) => {
                tracing::info!(written, file = standard.file_name(), "open-data export left or stalled by its reader")
            }
            Err(e) => {
                tracing::error!(error = ?e, file = standard.file_name(), "open-data export stopped");
                // The reader sees a broken transfer, never a file that looks complete.
                let _ = tx.send(Err(std::io::Error::other("the export stopped"))).await;
            }
        }
        let _ = snapshot.rollback().await;
    });
    let body = futures_util::stream::unfold(rx, |mut rx| async move { rx.recv().await.map(|chunk| (chunk, rx)) });
    let today = salkku_domain::deadline::local_date(state.clock.now());
    let (stem, extension) = standard.file_name().rsplit_once('.').unwrap_or((standard.file_name(), ""));
    HttpResponse::Ok()
        .content_type(standard.media_type())
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"salkku-{stem}-{today}.{extension}\""),
        ))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .streaming(body)
}
