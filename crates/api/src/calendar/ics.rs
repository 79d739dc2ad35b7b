//! A feed as RFC 5545 iCalendar text, written with the `icalendar` crate. Instants are in UTC
//! (`…Z`), which every client shows in its own zone, so a deadline at 16.15 Helsinki time is
//! right on both sides of a daylight-saving change without a VTIMEZONE block.

use chrono::{DateTime, Duration, Utc};
use icalendar::{Alarm, Calendar, Component, Event, EventLike, EventStatus, Trigger};
use salkku_domain::calendar::{self, EventStatus as Status, ReminderDays};
use salkku_domain::deadline::{self, ZONE, local_due};
use salkku_domain::labels::{self, Language};
use salkku_persistence::records::DeadlineView;
use salkku_persistence::views::calendar_feeds::CalendarFeed;

use super::REFRESH;

fn calendar_name(language: Language) -> &'static str {
    match language {
        Language::Fi => "salkku: määräajat",
        Language::Sv => "salkku: tidsfrister",
        Language::En => "salkku: deadlines",
    }
}

fn due_text(language: Language) -> &'static str {
    match language {
        Language::Fi => "Määräaika (Helsingin aikaa)",
        Language::Sv => "Tidsfrist (Helsingforstid)",
        Language::En => "Due (Helsinki time)",
    }
}

fn reminder_text(language: Language) -> &'static str {
    match language {
        Language::Fi => "Määräaika lähestyy",
        Language::Sv => "Tidsfristen närmar sig",
        Language::En => "Deadline approaching",
    }
}

/// The stable identity of a deadline's event: the same across fetches, so that a client updates
/// an event instead of duplicating it.
pub fn uid(view: &DeadlineView) -> String {
    format!("deadline-{}@salkku", view.deadline.id.0)
}

pub fn render(feed: &CalendarFeed, events: &[DeadlineView], now: DateTime<Utc>) -> String {
    let language = feed.language;
    let mut cal = Calendar::new();
    cal.name(calendar_name(language)).timezone(ZONE.name()).ttl(&REFRESH);
    for view in events {
        cal.push(event(view, language, Some(feed.reminder_days), now));
    }
    ours(cal.done().to_string())
}

/// The deadlines of a reminder by email, as an attachment a calendar imports (`METHOD:PUBLISH`;
/// the same UIDs as the feeds, so importing updates an event already there).
pub fn attachment(events: &[DeadlineView], language: Language, now: DateTime<Utc>) -> String {
    let mut cal = Calendar::new();
    cal.name(calendar_name(language)).timezone(ZONE.name()).append_property(("METHOD", "PUBLISH"));
    for view in events {
        cal.push(event(view, language, None, now));
    }
    ours(cal.done().to_string())
}

/// The calendar with salkku as its producer.
fn ours(mut text: String) -> String {
    // The crate names itself as the producer; the calendar is ours.
    if let Some(start) = text.find("PRODID:") {
        let end = text[start..].find("\r\n").map_or(text.len(), |n| start + n);
        text.replace_range(start..end, "PRODID:-//salkku//deadlines//FI");
    }
    text
}

fn event(view: &DeadlineView, language: Language, alarm: Option<ReminderDays>, now: DateTime<Utc>) -> Event {
    let d = &view.deadline;
    let shown = calendar::event(d.tentative, view.standing());
    let kind = labels::deadline_kind(d.kind, language);
    let title = deadline::title(d.kind, &d.title, d.derived, view.report.map(|(kind, _)| kind), language);
    let mut e = Event::new();
    e.uid(&uid(view))
        .timestamp(now)
        .summary(&title)
        .description(&format!("{kind}\n{}: {}", due_text(language), local_due(d.due_at)))
        .categories([kind])
        .starts(d.due_at)
        // A deadline is a moment, not a meeting: it does not make anyone busy.
        .add_property("TRANSP", "TRANSPARENT")
        .status(match shown.status {
            Status::Tentative => EventStatus::Tentative,
            Status::Confirmed => EventStatus::Confirmed,
            Status::Cancelled => EventStatus::Cancelled,
        });
    if let Some(days) = alarm.filter(|_| shown.reminds) {
        let before = Duration::days(i64::from(days.days()));
        e.alarm(Alarm::display(&format!("{}: {title}", reminder_text(language)), Trigger::before_start(before)));
    }
    e.done()
}
