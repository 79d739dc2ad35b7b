//! Calendar feeds: `GET /calendar/<token>.ics`, a secret URL that Outlook and Google Calendar
//! subscribe to without headers. The token is the only credential, so it is long, random, shown
//! once, and stored only as its SHA-256.

mod ics;

use actix_web::http::header;
use actix_web::{HttpResponse, web};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Duration, Utc};
use salkku_persistence::views;

use sha2::{Digest, Sha256};

use crate::server::AppState;

/// Random bytes in a token: 256 bits, beyond guessing.
const TOKEN_BYTES: usize = 32;
/// A feed shows deadlines from this long ago…
const PAST_DAYS: i64 = 366;
/// …to this far ahead.
const FUTURE_DAYS: i64 = 3660;
/// Most events in one feed.
const MAX_EVENTS: u64 = 2_000;
/// How often calendar clients are asked to fetch the feed again.
pub const REFRESH: Duration = Duration::hours(1);

/// A new secret token, from the operating system's random source.
pub fn new_token() -> Result<String, getrandom::Error> {
    let mut bytes = [0_u8; TOKEN_BYTES];
    getrandom::fill(&mut bytes)?;
    Ok(URL_SAFE_NO_PAD.encode(bytes))
}

/// What the database keeps of a token: its SHA-256 in hex.
pub fn hash(token: &str) -> String {
    Sha256::digest(token.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}

/// The path a token is served at.
pub fn path(token: &str) -> String {
    format!("/calendar/{token}.ics")
}

fn not_found() -> HttpResponse {
    HttpResponse::NotFound()
        .content_type("text/plain; charset=utf-8")
        .body("no calendar feed at this address: it may have been revoked\n")
}

/// `GET /calendar/{file}`: the feed whose token is `file` without `.ics`.
pub async fn feed(state: web::Data<AppState>, file: web::Path<String>) -> HttpResponse {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_long_random_and_url_safe() {
        let (a, b) = (new_token().unwrap(), new_token().unwrap());
        assert_ne!(a, b);
        assert_eq!(a.len(), 43);
        assert!(a.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'), "{a}");
    }

    #[test]
    fn only_the_hash_of_a_token_is_kept() {
        assert_eq!(hash("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }
}
