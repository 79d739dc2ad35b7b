//! `GET /calendar/<token>.ics`: the feed a secret subscription link names, for Outlook and Google
//! Calendar (see `crate::calendar` for the tokens and the iCalendar text).

use actix_web::http::header;
use actix_web::{HttpResponse, web};
use chrono::{DateTime, Duration, Utc};
use salkku_persistence::views;

use crate::calendar::{hash, ics};
use crate::state::AppState;

/// A feed shows deadlines from this long ago…
const PAST_DAYS: i64 = 366;
/// …to this far ahead.
const FUTURE_DAYS: i64 = 3660;
/// Most events in one feed.
const MAX_EVENTS: u64 = 2_000;

fn not_found() -> HttpResponse {
    HttpResponse::NotFound()
        .content_type("text/plain; charset=utf-8")
        .body("no calendar feed at this address: it may have been revoked\n")
}

/// `GET /calendar/{file}`: the feed whose token is `file` without `.ics`.
pub(super) async fn feed(state: web::Data<AppState>, file: web::Path<String>) -> HttpResponse {
    let Some(token) = file.strip_suffix(".ics") else { return not_found() };
    if token.len() > 100 {
        return not_found();
    }
    let now = state.clock.now();
    let found = match views::calendar_feeds::by_token_hash(state.db.conn(), &hash(token)).await {
        Ok(Some(feed)) => feed,
        Ok(None) => return not_found(),
        Err(e) => return unavailable(&e),
    };
    // The token is checked on the primary, so that a revocation holds at once; the deadlines may
    // come from a replica.
    let events = window(state.read_db.as_ref().unwrap_or(&state.db), &found, now).await;
    match events {
        Ok(events) => HttpResponse::Ok()
            .content_type("text/calendar; charset=utf-8")
            .insert_header((header::CACHE_CONTROL, "private, max-age=300"))
            .insert_header((header::CONTENT_DISPOSITION, "inline; filename=\"salkku.ics\""))
            .insert_header((header::REFERRER_POLICY, "no-referrer"))
            .insert_header(("X-Robots-Tag", "noindex"))
            .body(ics::render(&found, &events, now)),
        Err(e) => unavailable(&e),
    }
}

/// What lies ahead comes first: a feed full to its limit drops the oldest past deadlines, never
/// the coming ones. Earliest first.
async fn window(
    db: &salkku_persistence::Db,
    feed: &views::calendar_feeds::CalendarFeed,
    now: DateTime<Utc>,
) -> Result<Vec<salkku_persistence::records::DeadlineView>, salkku_persistence::StoreError> {
    let filter = feed.filter();
    let ahead =
        views::deadlines::in_window(db.conn(), now, now + Duration::days(FUTURE_DAYS), &filter, MAX_EVENTS, false)
            .await?;
    let room = MAX_EVENTS.saturating_sub(ahead.len() as u64);
    let mut events = if room == 0 {
        Vec::new()
    } else {
        let just_before = now - Duration::seconds(1);
        views::deadlines::in_window(db.conn(), now - Duration::days(PAST_DAYS), just_before, &filter, room, true)
            .await?
    };
    events.reverse();
    events.extend(ahead);
    Ok(events)
}

fn unavailable(e: &salkku_persistence::StoreError) -> HttpResponse {
    tracing::error!(error = ?e, "reading a calendar feed failed");
    HttpResponse::ServiceUnavailable()
        .insert_header((header::RETRY_AFTER, "60"))
        .content_type("text/plain; charset=utf-8")
        .body("the calendar cannot be read just now; try again shortly\n")
}
