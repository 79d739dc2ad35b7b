//! Finding the reminders due: for each user who asked, the deadlines that concern them (of the
//! organisation they act for, of the kinds they chose) due within their furthest lead time, and
//! those that fell due lately and still call for action; each reminder due is queued once.

use std::collections::HashSet;

use chrono::{DateTime, Duration, Utc};
use salkku_domain::deadline::{is_overdue, window_end};
use salkku_domain::reminder::{self, Lead};
use salkku_persistence::commands::reminders::{Found, queue};
use salkku_persistence::views::deadlines::DeadlineFilter;
use salkku_persistence::views::{self, reminders::ReminderSettings};
use salkku_persistence::{Db, StoreResult};

/// Deadlines read at a time; a user's window is read page after page, by due time. A page of
/// deadlines all due at the same instant ends the reading (see `window`).
const PAGE: u64 = 2_000;
/// Most deadlines looked at for one user in one round.
const PER_USER: usize = 20_000;

/// How far back an overdue deadline is still reminded of, when the worker was away.
const OVERDUE_LOOKBACK_DAYS: i64 = 7;

/// Queues every reminder due at `now` not queued before; gives how many were new. One user's
/// failure is logged and holds up nobody else's reminders.
pub async fn run(db: &Db, now: DateTime<Utc>) -> StoreResult<u64> {
    let mut queued = 0;
    for settings in views::reminders::all_settings(db.conn()).await? {
        match for_user(db, &settings, now).await {
            Ok(n) => queued += n,
            Err(e) => {
                tracing::warn!(subject = %settings.subject, error = ?e, "reminders of a user could not be queued")
            }
        }
    }
    Ok(queued)
}

/// The deadlines of `filter` due from `now` to `until` that still call for action, page after page
/// by due time (a page's last due time begins the next; the same deadline read twice is harmless).
async fn window(
    db: &Db,
    now: DateTime<Utc>,
    until: DateTime<Utc>,
    filter: &DeadlineFilter,
) -> StoreResult<Vec<salkku_persistence::records::DeadlineView>> {
    let mut all: Vec<salkku_persistence::records::DeadlineView> = Vec::new();
    let mut from = now;
    loop {
        let page = views::deadlines::upcoming(db.conn(), from, until, false, filter, PAGE).await?;
        let full = page.len() as u64 == PAGE;
        let last = page.last().map(|v| v.deadline.due_at);
        all.extend(page);
        match last {
            Some(at) if full && all.len() < PER_USER && at > from => from = at,
            Some(at) if full && at == from => {
                // Paging by due time alone cannot pass a page of one instant: say so.
                tracing::warn!(due_at = %at, "more deadlines at one instant than a page holds; some are not reminded of");
                break;
            }
            _ => break,
        }
    }
    all.sort_by_key(|v| v.deadline.id);
    all.dedup_by_key(|v| v.deadline.id);
    Ok(all)
}

async fn for_user(db: &Db, settings: &ReminderSettings, now: DateTime<Utc>) -> StoreResult<u64> {
    let filter =
        DeadlineFilter { kinds: settings.kinds.clone(), organization: settings.organization, ..Default::default() };
    let until = window_end(now, u32::from(settings.leads.horizon_days()));
    let mut due = window(db, now, until, &filter).await?;
    if settings.leads.overdue() {
        let from = settings.since.max(now - Duration::days(OVERDUE_LOOKBACK_DAYS));
        let lately = views::deadlines::in_window(db.conn(), from, now, &filter, PAGE, true).await?;
        due.extend(lately.into_iter().filter(|v| is_overdue(v.deadline.due_at, now, v.standing())));
    }
    let found: Vec<(Lead, &salkku_persistence::records::DeadlineView)> = due
        .iter()
        .filter_map(|v| {
            reminder::current(&settings.leads, v.deadline.due_at, now, settings.since).map(|lead| (lead, v))
        })
        .collect();
    if found.is_empty() {
        return Ok(0);
    }
    // Most rounds find what earlier rounds queued: read those keys once rather than try each.
    let ids: Vec<_> = found.iter().map(|(_, v)| v.deadline.id).collect();
    let known: HashSet<(i64, i32, DateTime<Utc>)> =
        views::reminders::queued_keys(db.conn(), &settings.subject, &ids).await?.into_iter().collect();
    let mut queued = 0;
    for (lead, view) in found {
        let key = (view.deadline.id.0, lead.code(), view.deadline.due_at);
        if known.contains(&key) {
            continue;
        }
        let reminder = Found { settings, deadline: view.deadline.id, lead, due_at: view.deadline.due_at };
        if queue(db, &reminder, now).await? {
            queued += 1;
        }
    }
    Ok(queued)
}
