//! Reminders by email: how a user asks to be reminded, which reminder of a deadline is due when,
//! when a daily digest goes, and what a reminder says, in the user's language and in Helsinki
//! time.

use chrono::{DateTime, Duration, NaiveDate, NaiveTime, Utc};

use crate::deadline::{Standing, ZONE, days_left, local_date, local_due};
use crate::labels::Language;
use crate::{DomainError, message};

crate::codes::code_list!(
    /// Where a message of the outbox stands: waiting (or waiting to be tried again), sent, given
    /// up after its last attempt, or cancelled because nothing in it called for action any more.
    MessageStatus { Queued, Sent, Failed, Cancelled }
);

/// Most lead times one may ask for.
pub const MAX_LEAD_TIMES: usize = 5;
/// The furthest ahead a reminder may come.
pub const MAX_LEAD_DAYS: u16 = 365;
/// What a user is reminded by when they say nothing: 30 and 14 days before, as state-grant
/// systems do, and the day before.
pub const DEFAULT_LEAD_DAYS: [u16; 3] = [30, 14, 1];

/// An email address as a mail server takes it (RFC 5322's addr-spec), checked by `email_address`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize)]
pub struct EmailAddress(String);

impl EmailAddress {
    pub fn parse(input: &str) -> Result<EmailAddress, DomainError> {
        let trimmed = input.trim();
        // A display name ("Auli <auli@…>") is no address: the mail carries the bare one.
        let valid = email_address::EmailAddress::parse_with_options(
            trimmed,
            email_address::Options::default().without_display_text().without_domain_literal(),
        );
        match valid {
            Ok(address) if trimmed.len() <= 254 => Ok(EmailAddress(address.as_str().to_owned())),
            _ => Err(DomainError::InvalidText(message!(
                fi: "{input:?} ei ole sähköpostiosoite: kirjoita esim. auli.romppainen@example.fi",
                sv: "{input:?} är ingen e-postadress: skriv t.ex. auli.romppainen@example.fi",
                en: "{input:?} is not an email address: write e.g. auli.romppainen@example.fi",
            ))),
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The part after the `@`: the domain a message's identity is made in.
    pub fn domain(&self) -> &str {
        self.0.rsplit_once('@').map_or("", |(_, d)| d)
    }
}

/// When before a deadline a reminder comes: so many days before its local due date, or once
/// when it is overdue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Lead {
    Before(u16),
    Overdue,
}

impl Lead {
    /// As stored: the days, or -1 for overdue.
    pub fn code(self) -> i32 {
        match self {
            Lead::Before(days) => i32::from(days),
            Lead::Overdue => -1,
        }
    }

    pub fn from_code(code: i32) -> Option<Lead> {
        if code == -1 {
            return Some(Lead::Overdue);
        }
        u16::try_from(code).ok().filter(|d| *d <= MAX_LEAD_DAYS).map(Lead::Before)
    }
}

/// A user's lead times: one to five distinct days before (0 is the due day itself), furthest
/// first, and whether to be reminded once more when a deadline is overdue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LeadTimes {
    days: Vec<u16>,
    overdue: bool,
}

impl LeadTimes {
    pub fn new(days: &[i64], overdue: bool) -> Result<LeadTimes, DomainError> {
        let mut checked = Vec::with_capacity(days.len());
        for day in days {
            let Some(day) = u16::try_from(*day).ok().filter(|d| *d <= MAX_LEAD_DAYS) else {
                return Err(DomainError::InvalidCode(message!(
                    fi: "muistutus tulee 0–{MAX_LEAD_DAYS} päivää ennen määräaikaa (annettu {day})",
                    sv: "en påminnelse kommer 0–{MAX_LEAD_DAYS} dagar före tidsfristen (angivet {day})",
                    en: "a reminder comes 0 to {MAX_LEAD_DAYS} days before a deadline (got {day})",
                )));
            };
            checked.push(day);
        }
        checked.sort_unstable_by(|a, b| b.cmp(a));
        checked.dedup();
        if checked.is_empty() && !overdue || checked.len() > MAX_LEAD_TIMES {
            let n = checked.len();
            return Err(DomainError::InvalidCode(message!(
                fi: "anna 1–{MAX_LEAD_TIMES} eri muistutuspäivää tai muistutus myöhästyneestä (annettu {n})",
                sv: "ange 1–{MAX_LEAD_TIMES} olika påminnelsedagar eller en påminnelse om försenade (angivet {n})",
                en: "give 1 to {MAX_LEAD_TIMES} different lead times, or the overdue reminder (got {n})",
            )));
        }
        Ok(LeadTimes { days: checked, overdue })
    }

    /// Furthest first.
    pub fn days(&self) -> &[u16] {
        &self.days
    }

    pub fn overdue(&self) -> bool {
        self.overdue
    }

    /// How far ahead deadlines must be looked at.
    pub fn horizon_days(&self) -> u16 {
        self.days.first().copied().unwrap_or(0)
    }
}

/// The instant a reminder `days` before a deadline falls due: the start of the local day that
/// many days before its local due date.
pub fn falls_due(due_at: DateTime<Utc>, days: u16) -> DateTime<Utc> {
    start_of_day(local_date(due_at) - Duration::days(i64::from(days)))
}

/// Midnight in Helsinki at the start of `day`, whatever summer time does.
fn start_of_day(day: NaiveDate) -> DateTime<Utc> {
    // Helsinki changes its clocks at 03:00/04:00, never at midnight: 00:00 always exists once.
    day.and_time(NaiveTime::MIN)
        .and_local_timezone(ZONE)
        .earliest()
        .map_or_else(|| day.and_time(NaiveTime::MIN).and_utc(), |local| local.with_timezone(&Utc))
}

/// The reminder of a deadline due at `now`, if any. Only the current one: of the lead times whose
/// day has come, the nearest to the deadline, so a deadline first seen ten days ahead gets the
/// 14-day reminder and not the 30-day one as well. Once the deadline has passed, the overdue
/// reminder, but only for deadlines that fell due after the user asked (`since`): asking brings
/// no flood of old ones.
pub fn current(leads: &LeadTimes, due_at: DateTime<Utc>, now: DateTime<Utc>, since: DateTime<Utc>) -> Option<Lead> {
    if now >= due_at {
        return (leads.overdue && due_at >= since).then_some(Lead::Overdue);
    }
    leads.days.iter().rev().find(|days| falls_due(due_at, **days) <= now).map(|days| Lead::Before(*days))
}

/// Whether a reminder found for a deadline due at `found_due` still stands when its message goes
/// at `now`: the deadline is still due then (a moved one has reminders of its own), and still
/// calls for action; the overdue reminder, that it is still overdue.
pub fn stands(
    lead: Lead,
    found_due: DateTime<Utc>,
    due_now: DateTime<Utc>,
    standing: Standing,
    now: DateTime<Utc>,
) -> bool {
    let calls = match lead {
        Lead::Overdue => crate::deadline::is_overdue(due_now, now, standing),
        Lead::Before(_) => standing.is_relevant(),
    };
    found_due == due_now && calls
}

/// How reminders are sent: each at once, or all of a day's in one digest at a local time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Delivery {
    Immediate,
    Digest(NaiveTime),
}

impl Delivery {
    /// Reads `"HH:MM"` (a digest at that local time) or nothing (each at once).
    pub fn parse(digest_at: Option<&str>) -> Result<Delivery, DomainError> {
        let Some(text) = digest_at.map(str::trim) else { return Ok(Delivery::Immediate) };
        NaiveTime::parse_from_str(text, "%H:%M").map(Delivery::Digest).map_err(|_| {
            DomainError::InvalidTime(message!(
                fi: "{text:?} ei ole kellonaika: kirjoita esim. \"08:00\" (Helsingin aikaa)",
                sv: "{text:?} är ingen tid: skriv t.ex. \"08:00\" (Helsingforstid)",
                en: "{text:?} is not a time of day: write e.g. \"08:00\" (Helsinki time)",
            ))
        })
    }

    /// As stored: `"HH:MM"`, or nothing for each at once.
    pub fn code(self) -> Option<String> {
        match self {
            Delivery::Immediate => None,
            Delivery::Digest(at) => Some(at.format("%H:%M").to_string()),
        }
    }
}

/// The digest a reminder found at `now` goes in: today's when today's time has not come, else
/// tomorrow's; and when that digest goes.
pub fn digest(now: DateTime<Utc>, at: NaiveTime) -> (NaiveDate, DateTime<Utc>) {
    let today = local_date(now);
    let send = |day: NaiveDate| {
        // A time skipped by summer time (03:30 on the last Sunday of March) goes an hour later.
        let local = day.and_time(at);
        let zoned = |t: chrono::NaiveDateTime| t.and_local_timezone(ZONE).earliest().map(|z| z.with_timezone(&Utc));
        zoned(local).or_else(|| zoned(local + Duration::hours(1))).unwrap_or_else(|| local.and_utc())
    };
    let today_at = send(today);
    if now <= today_at {
        (today, today_at)
    } else {
        let tomorrow = today + Duration::days(1);
        (tomorrow, send(tomorrow))
    }
}

/// One deadline in a reminder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    pub title: String,
    /// The application's acronym or name, when the deadline has one.
    pub application: Option<String>,
    pub due_at: DateTime<Utc>,
    pub lead: Lead,
}

/// A reminder as written: its subject line and its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mail {
    pub subject: String,
    pub body: String,
}

/// Writes the reminder of `items` (one, or a day's digest, soonest due first) in `language`.
pub fn compose(items: &[Item], language: Language, now: DateTime<Utc>) -> Mail {
    let mut sorted: Vec<&Item> = items.iter().collect();
    sorted.sort_by_key(|i| i.due_at);
    let subject = match (sorted.as_slice(), language) {
        ([one], Language::Fi) => format!("Muistutus: {} {} (Helsingin aikaa)", one.title, local_due(one.due_at)),
        ([one], Language::Sv) => format!("Påminnelse: {} {} (Helsingforstid)", one.title, local_due(one.due_at)),
        ([one], Language::En) => format!("Reminder: {} {} (Helsinki time)", one.title, local_due(one.due_at)),
        (many, Language::Fi) => format!("salkku: {} määräaikaa", many.len()),
        (many, Language::Sv) => format!("salkku: {} tidsfrister", many.len()),
        (many, Language::En) => format!("salkku: {} deadlines", many.len()),
    };
    let mut body = String::new();
    body.push_str(match language {
        Language::Fi => "Hei,\n\nsalkku muistuttaa näistä määräajoista (Helsingin aikaa):\n\n",
        Language::Sv => "Hej,\n\nsalkku påminner om de här tidsfristerna (Helsingforstid):\n\n",
        Language::En => "Hello,\n\nsalkku reminds you of these deadlines (Helsinki time):\n\n",
    });
    for item in sorted {
        body.push_str("- ");
        body.push_str(&item.title);
        // A title kept in step with its project already begins with it ("MONNI – Väliraportti").
        if let Some(application) = item.application.as_ref().filter(|a| !item.title.starts_with(a.as_str())) {
            body.push_str(" – ");
            body.push_str(application);
        }
        body.push('\n');
        body.push_str("  ");
        body.push_str(&local_due(item.due_at));
        body.push_str(", ");
        body.push_str(&when(days_left(item.due_at, now), language));
        body.push('\n');
    }
    body.push_str(match language {
        Language::Fi => {
            "\nMääräajat ovat liitteenä kalenteriin tuotavina. Muistutukset muutetaan salkussa (setReminderSettings).\n"
        }
        Language::Sv => {
            "\nTidsfristerna finns bifogade för kalendern. Påminnelserna ändras i salkku (setReminderSettings).\n"
        }
        Language::En => {
            "\nThe deadlines are attached for your calendar. Change your reminders in salkku (setReminderSettings).\n"
        }
    });
    Mail { subject, body }
}

/// "in 14 days", "today", "3 days overdue", in `language`.
fn when(days: i64, language: Language) -> String {
    match (days, language) {
        (0, Language::Fi) => "tänään".into(),
        (0, Language::Sv) => "i dag".into(),
        (0, Language::En) => "today".into(),
        (1, Language::Fi) => "huomenna".into(),
        (1, Language::Sv) => "i morgon".into(),
        (1, Language::En) => "tomorrow".into(),
        (d, Language::Fi) if d > 0 => format!("{d} päivää jäljellä"),
        (d, Language::Sv) if d > 0 => format!("{d} dagar kvar"),
        (d, Language::En) if d > 0 => format!("in {d} days"),
        (d, Language::Fi) => format!("myöhässä {} päivää", -d),
        (d, Language::Sv) => format!("försenad {} dagar", -d),
        (d, Language::En) => format!("{} days overdue", -d),
    }
}

/// How long a failed message waits before it is tried again: `base` (a minute by default),
/// doubling with each attempt, at most sixty times `base` (an hour).
pub fn backoff(attempts: u32, base: Duration) -> Duration {
    let times = (1i32 << attempts.saturating_sub(1).min(6)).min(60);
    base * times
}

/// How many times a message is tried before it is marked failed: with the default backoff, a mail
/// server away for about six hours loses nothing.
pub const MAX_ATTEMPTS: u32 = 12;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::deadline::{end_of_day, helsinki};

    fn at(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
        helsinki(y, m, d, h, min).unwrap_or_default()
    }

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
    }

    fn leads() -> LeadTimes {
        LeadTimes::new(&[1, 30, 14, 14], true).unwrap_or(LeadTimes { days: vec![], overdue: false })
    }

    #[test]
    fn lead_times_are_distinct_furthest_first_and_bounded() {
        assert_eq!(leads().days(), [30, 14, 1]);
        assert!(LeadTimes::new(&[366], false).is_err());
        assert!(LeadTimes::new(&[-1], false).is_err());
        assert!(LeadTimes::new(&[], false).is_err());
        assert!(LeadTimes::new(&[], true).is_ok());
        assert!(LeadTimes::new(&[1, 2, 3, 4, 5, 6], false).is_err());
    }

    #[test]
    fn a_report_due_18_june_is_reminded_30_and_14_days_before_from_local_midnight() {
        let due = end_of_day(day(2020, 6, 18));
        let since = at(2020, 1, 1, 0, 0);
        assert_eq!(falls_due(due, 30), at(2020, 5, 19, 0, 0));
        assert_eq!(current(&leads(), due, at(2020, 5, 18, 23, 59), since), None);
        assert_eq!(current(&leads(), due, at(2020, 5, 19, 0, 0), since), Some(Lead::Before(30)));
        assert_eq!(current(&leads(), due, at(2020, 6, 4, 9, 0), since), Some(Lead::Before(14)));
        assert_eq!(current(&leads(), due, at(2020, 6, 17, 9, 0), since), Some(Lead::Before(1)));
        assert_eq!(current(&leads(), due, at(2020, 6, 19, 9, 0), since), Some(Lead::Overdue));
        // An overdue reminder only for deadlines that fell due after the user asked.
        assert_eq!(current(&leads(), due, at(2020, 6, 19, 9, 0), at(2020, 6, 19, 0, 0)), None);
    }

    #[test]
    fn a_deadline_first_seen_ten_days_ahead_gets_only_the_current_reminder() {
        let due = end_of_day(day(2020, 6, 18));
        assert_eq!(current(&leads(), due, at(2020, 6, 8, 12, 0), at(2020, 6, 8, 0, 0)), Some(Lead::Before(14)));
    }

    #[test]
    fn a_reminder_stands_while_its_deadline_is_due_then_and_calls_for_action() {
        use crate::{ApplicationStatus, CommitmentStatus};
        let due = end_of_day(day(2020, 6, 18));
        let now = at(2020, 6, 4, 8, 0);
        let open = Standing { application: Some(ApplicationStatus::Submitted), ..Standing::default() };
        assert!(stands(Lead::Before(14), due, due, open, now));
        assert!(!stands(Lead::Before(14), due, end_of_day(day(2020, 6, 30)), open, now), "moved");
        let decided = Standing { commitment: Some(CommitmentStatus::Approved), ..open };
        assert!(!stands(Lead::Before(14), due, due, decided, now), "resolved");
        assert!(!stands(Lead::Overdue, due, due, open, now), "not overdue yet");
        assert!(stands(Lead::Overdue, due, due, open, at(2020, 6, 20, 8, 0)));
    }

    #[test]
    fn local_midnight_is_right_across_summer_time() {
        // Summer time began on 29 March 2020: midnight on the 29th is 22:00 UTC the day before,
        // midnight on the 30th 21:00 UTC.
        let due = end_of_day(day(2020, 4, 28));
        assert_eq!(falls_due(due, 30).to_rfc3339(), "2020-03-28T22:00:00+00:00");
        assert_eq!(falls_due(due, 29).to_rfc3339(), "2020-03-29T21:00:00+00:00");
    }

    #[test]
    fn a_digest_goes_today_at_its_time_or_else_tomorrow() {
        let eight = NaiveTime::from_hms_opt(8, 0, 0).unwrap_or_default();
        assert_eq!(digest(at(2020, 6, 4, 0, 0), eight), (day(2020, 6, 4), at(2020, 6, 4, 8, 0)));
        assert_eq!(digest(at(2020, 6, 4, 9, 0), eight), (day(2020, 6, 5), at(2020, 6, 5, 8, 0)));
        assert_eq!(Delivery::parse(Some("08:00")), Ok(Delivery::Digest(eight)));
        assert_eq!(Delivery::parse(None), Ok(Delivery::Immediate));
        assert!(Delivery::parse(Some("8 am")).is_err());
    }

    #[test]
    fn a_reminder_names_the_deadline_its_project_the_local_time_and_the_days_left() {
        let item = Item {
            title: "MONNI – Väliraportti".into(),
            application: Some("MONNI".into()),
            due_at: end_of_day(day(2021, 2, 28)),
            lead: Lead::Before(14),
        };
        let mail = compose(std::slice::from_ref(&item), Language::Fi, at(2021, 2, 14, 8, 0));
        assert_eq!(mail.subject, "Muistutus: MONNI – Väliraportti 2021-02-28 23:59 (Helsingin aikaa)");
        assert!(mail.body.contains("- MONNI – Väliraportti\n  2021-02-28 23:59, 14 päivää jäljellä"), "{}", mail.body);
        let custom = Item { title: "Ohjausryhmä".into(), ..item.clone() };
        let mail = compose(&[custom], Language::Fi, at(2021, 2, 14, 8, 0));
        assert!(mail.body.contains("- Ohjausryhmä – MONNI\n"), "{}", mail.body);
        let later = Item { due_at: end_of_day(day(2021, 3, 1)), ..item.clone() };
        let digest = compose(&[later, item], Language::En, at(2021, 2, 14, 8, 0));
        assert_eq!(digest.subject, "salkku: 2 deadlines");
        let first = digest.body.find("2021-02-28").unwrap_or(usize::MAX);
        assert!(first < digest.body.find("2021-03-01").unwrap_or(0), "soonest first");
    }

    #[test]
    fn addresses_are_checked_and_a_display_name_is_refused() {
        assert_eq!(EmailAddress::parse(" auli@example.fi ").map(|a| a.domain().to_owned()), Ok("example.fi".into()));
        assert!(EmailAddress::parse("Auli <auli@example.fi>").is_err());
        assert!(EmailAddress::parse("auli").is_err());
        assert!(EmailAddress::parse("auli@example.fi\r\nBcc: x@y.z").is_err());
    }

    #[test]
    fn failures_wait_longer_each_time_up_to_an_hour() {
        let minute = Duration::minutes(1);
        assert_eq!(backoff(1, minute), Duration::minutes(1));
        assert_eq!(backoff(3, minute), Duration::minutes(4));
        assert_eq!(backoff(20, minute), Duration::minutes(60));
    }
}
