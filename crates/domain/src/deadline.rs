//! Deadlines: stored as instants, shown in Europe/Helsinki with daylight-saving time right.
//!
//! Finnish calls close at a local wall-clock time (often 16.15). A deadline given only as a date
//! (a commitment due "by 18.6.2020", a project ending in October 2013) falls due at the end of that
//! local day.

use chrono::{DateTime, Datelike, Duration, LocalResult, NaiveDate, TimeZone, Utc};
use chrono_tz::Europe::Helsinki;
use chrono_tz::Tz;

use crate::{ApplicationStatus, CommitmentStatus, DomainError};

/// The time zone every deadline is shown in.
pub const ZONE: Tz = Helsinki;

/// The instant of a wall-clock time in Helsinki. A time that does not exist (the spring-forward
/// hour, 03:00–03:59 on the last Sunday of March) is refused; a time that occurs twice (the
/// autumn hour) means its first occurrence, in summer time.
pub fn helsinki(year: i32, month: u32, day: u32, hour: u32, minute: u32) -> Result<DateTime<Utc>, DomainError> {
    let date = NaiveDate::from_ymd_opt(year, month, day).ok_or_else(|| {
        DomainError::InvalidTime(crate::message!(
            fi: "{year}-{month:02}-{day:02} ei ole päivämäärä",
            sv: "{year}-{month:02}-{day:02} är inget datum",
            en: "{year}-{month:02}-{day:02} is not a date",
        ))
    })?;
    let naive = date.and_hms_opt(hour, minute, 0).ok_or_else(|| {
        DomainError::InvalidTime(crate::message!(
            fi: "{hour:02}:{minute:02} ei ole kellonaika",
            sv: "{hour:02}:{minute:02} är ingen tid på dygnet",
            en: "{hour:02}:{minute:02} is not a time of day",
        ))
    })?;
    match ZONE.from_local_datetime(&naive) {
        LocalResult::Single(t) => Ok(t.with_timezone(&Utc)),
        LocalResult::Ambiguous(first, _) => Ok(first.with_timezone(&Utc)),
        LocalResult::None => Err(DomainError::InvalidTime(crate::message!(
            fi: "{naive} ei ole olemassa Helsingissä: kellot hyppäävät sen tunnin yli kesäaikaan siirryttäessä",
            sv: "{naive} finns inte i Helsingfors: klockorna hoppar över den timmen vid övergången till sommartid",
            en: "{naive} does not exist in Helsinki: the clocks skip that hour for summer time",
        ))),
    }
}

/// The last minute of a local day: when a deadline given as a date falls due.
pub fn end_of_day(date: NaiveDate) -> DateTime<Utc> {
    // 23:59 exists on every day in Helsinki: the clocks change at 03:00/04:00.
    helsinki(date.year(), date.month(), date.day(), 23, 59)
        .unwrap_or_else(|_| date.and_hms_opt(21, 59, 0).unwrap_or_default().and_utc())
}

/// The local calendar date of an instant.
pub fn local_date(at: DateTime<Utc>) -> NaiveDate {
    at.with_timezone(&ZONE).date_naive()
}

/// "YYYY-MM-DD HH:MM" in Helsinki.
pub fn local_due(due: DateTime<Utc>) -> String {
    due.with_timezone(&ZONE).format("%Y-%m-%d %H:%M").to_string()
}

/// Whole local calendar days from today to the due date; negative when it has passed. A deadline
/// later today is 0 days away, tomorrow's is 1 — however many hours that is, across DST changes.
pub fn days_left(due: DateTime<Utc>, now: DateTime<Utc>) -> i64 {
    (local_date(due) - local_date(now)).num_days()
}

pub fn overdue(due: DateTime<Utc>, now: DateTime<Utc>) -> bool {
    due < now
}

/// The window of `upcomingDeadlines`: from now to `within_days` local days ahead, to the end of
/// that day (a deadline due at 16.15 on day 30 is "within 30 days" in the morning of day 0).
pub fn window_end(now: DateTime<Utc>, within_days: u32) -> DateTime<Utc> {
    end_of_day(local_date(now) + Duration::days(i64::from(within_days)))
}

/// What a deadline's sources say now: its application's status, its commitment's, and the status
/// of the report it asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Standing {
    pub application: Option<ApplicationStatus>,
    pub commitment: Option<CommitmentStatus>,
    pub report: Option<crate::report::ReportStatus>,
}

impl Standing {
    /// Whether the deadline still calls for action: not when its application has reached a final
    /// status, nor when its commitment has been decided (promised, approved or declined), nor when
    /// its report has been submitted or accepted (a returned one is owed again).
    pub fn is_relevant(self) -> bool {
        self.application.is_none_or(ApplicationStatus::is_open)
            && self.commitment.is_none_or(|c| c == CommitmentStatus::Requested)
            && self.report.is_none_or(crate::report::ReportStatus::owed)
    }
}

/// Whether a deadline has passed without what it asked for. Only deadlines of an application can
/// be overdue: a call simply closes, and a deadline tied to nothing has no one to chase.
pub fn is_overdue(due: DateTime<Utc>, now: DateTime<Utc>, standing: Standing) -> bool {
    overdue(due, now) && standing.application.is_some() && standing.is_relevant()
}

/// A deadline's title in `language`: as written for one added by hand; for one kept in step
/// with its source, its subject ("MONNI") and what falls due ("MONNI – Hanke päättyy", "MONNI –
/// Väliselvitys"). A call's closing is its title alone.
pub fn title(
    kind: crate::DeadlineKind,
    stored: &str,
    derived: bool,
    report: Option<crate::report::ReportKind>,
    language: crate::labels::Language,
) -> String {
    if !derived || kind == crate::DeadlineKind::CallCloses {
        return stored.to_owned();
    }
    let label = match report {
        Some(report) => crate::labels::report_kind(report, language),
        None => crate::labels::deadline_kind(kind, language),
    };
    // Joined by hand: `format!` was a large part of the cost of a deadline's title.
    let mut title = String::with_capacity(stored.len() + " – ".len() + label.len());
    title.push_str(stored);
    title.push_str(" – ");
    title.push_str(label);
    title
}

/// Truncates an instant to whole seconds: what is stored and compared.
pub fn to_seconds(at: DateTime<Utc>) -> DateTime<Utc> {
    DateTime::from_timestamp(at.timestamp(), 0).unwrap_or(at)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_automatic_deadline_says_what_falls_due_in_each_language() {
        use crate::DeadlineKind::*;
        use crate::labels::Language::*;
        use crate::report::ReportKind;
        assert_eq!(title(ProjectEnds, "MONNI", true, None, Fi), "MONNI – Hanke päättyy");
        assert_eq!(
            title(CommitmentDue, "MONNI, Vaasan kaupunki", true, None, Sv),
            "MONNI, Vaasan kaupunki – Sista dag för åtagande"
        );
        assert_eq!(title(ReportDue, "MONNI", true, None, En), "MONNI – Report due");
        assert_eq!(title(ReportDue, "MONNI", true, Some(ReportKind::Interim), Fi), "MONNI – Väliselvitys");
        assert_eq!(title(ReportDue, "MONNI", true, Some(ReportKind::Final), En), "MONNI – Final report");
        assert_eq!(title(CallCloses, "Kansa-koulu III", true, None, Fi), "Kansa-koulu III");
        assert_eq!(
            title(ReportDue, "Väliraportti", false, None, En),
            "Väliraportti",
            "one added by hand stays as written"
        );
    }

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn a_summer_deadline_is_three_hours_ahead_of_utc() {
        let t = helsinki(2020, 4, 30, 16, 15).unwrap();
        assert_eq!(t, utc("2020-04-30T13:15:00Z"));
        assert_eq!(local_due(t), "2020-04-30 16:15");
    }

    #[test]
    fn a_winter_deadline_is_two_hours_ahead_of_utc() {
        let t = helsinki(2019, 3, 29, 16, 15).unwrap();
        assert_eq!(t, utc("2019-03-29T14:15:00Z"));
        assert_eq!(local_due(utc("2020-01-15T14:15:00Z")), "2020-01-15 16:15");
    }

    #[test]
    fn spring_forward_skips_an_hour_that_cannot_be_a_deadline() {
        // 29 March 2020: 03:00 EET became 04:00 EEST.
        assert!(helsinki(2020, 3, 29, 3, 30).is_err());
        assert_eq!(helsinki(2020, 3, 29, 2, 59).unwrap(), utc("2020-03-29T00:59:00Z"));
        assert_eq!(helsinki(2020, 3, 29, 4, 0).unwrap(), utc("2020-03-29T01:00:00Z"));
    }

    #[test]
    fn autumn_back_repeats_an_hour_and_the_first_is_meant() {
        // 25 October 2020: 04:00 EEST became 03:00 EET; 03:30 happened twice.
        assert_eq!(helsinki(2020, 10, 25, 3, 30).unwrap(), utc("2020-10-25T00:30:00Z"));
        assert_eq!(local_due(utc("2020-10-25T01:30:00Z")), "2020-10-25 03:30");
    }

    #[test]
    fn days_left_counts_local_calendar_days_across_the_spring_change() {
        // From Saturday evening before the change to Monday morning: 2 days, though only 35 hours.
        let now = helsinki(2020, 3, 28, 22, 0).unwrap();
        let due = helsinki(2020, 3, 30, 9, 0).unwrap();
        assert_eq!(due - now, Duration::hours(34));
        assert_eq!(days_left(due, now), 2);
    }

    #[test]
    fn days_left_counts_local_calendar_days_across_the_autumn_change() {
        let now = helsinki(2020, 10, 24, 23, 30).unwrap();
        let due = helsinki(2020, 10, 25, 0, 30).unwrap();
        assert_eq!(days_left(due, now), 1);
        // 00:30 local on the 25th is still the 24th in UTC: the local day is what counts.
        assert_eq!(due, utc("2020-10-24T21:30:00Z"));
    }

    #[test]
    fn a_deadline_later_today_is_zero_days_away_and_not_overdue_until_it_passes() {
        let due = helsinki(2020, 6, 18, 16, 15).unwrap();
        let morning = helsinki(2020, 6, 18, 8, 0).unwrap();
        let evening = helsinki(2020, 6, 18, 17, 0).unwrap();
        assert_eq!((days_left(due, morning), overdue(due, morning)), (0, false));
        assert_eq!((days_left(due, evening), overdue(due, evening)), (0, true));
        assert_eq!(days_left(due, helsinki(2020, 6, 20, 12, 0).unwrap()), -2);
    }

    #[test]
    fn near_midnight_the_local_day_differs_from_the_utc_day() {
        // 23:30 UTC on 17 June is already 18 June in Helsinki.
        let now = utc("2020-06-17T23:30:00Z");
        let due = end_of_day(NaiveDate::from_ymd_opt(2020, 6, 18).unwrap());
        assert_eq!(days_left(due, now), 0);
    }

    #[test]
    fn a_date_deadline_falls_due_at_the_end_of_the_local_day() {
        let due = end_of_day(NaiveDate::from_ymd_opt(2020, 6, 18).unwrap());
        assert_eq!(local_due(due), "2020-06-18 23:59");
        assert_eq!(due, utc("2020-06-18T20:59:00Z"));
        let winter = end_of_day(NaiveDate::from_ymd_opt(2013, 10, 31).unwrap());
        assert_eq!(winter, utc("2013-10-31T21:59:00Z"));
    }

    #[test]
    fn only_open_business_can_be_overdue() {
        let due = helsinki(2020, 6, 18, 23, 59).unwrap();
        let later = helsinki(2020, 6, 20, 9, 0).unwrap();
        let prep = Standing { application: Some(ApplicationStatus::InPreparation), ..Standing::default() };
        let owing = |c| Standing { commitment: Some(c), ..prep };
        assert!(is_overdue(due, later, owing(CommitmentStatus::Requested)));
        assert!(!is_overdue(due, later, owing(CommitmentStatus::Approved)), "a decided commitment is done");
        let withdrawn = Standing { application: Some(ApplicationStatus::Withdrawn), ..Standing::default() };
        assert!(!is_overdue(due, later, withdrawn), "a withdrawn application has no duties");
        assert!(!is_overdue(due, later, Standing::default()), "a call simply closes");
        assert!(!is_overdue(due, helsinki(2020, 6, 18, 12, 0).unwrap(), prep), "not yet due");
    }

    #[test]
    fn a_report_deadline_is_overdue_until_the_report_is_submitted_and_again_when_returned() {
        use crate::report::ReportStatus;
        let due = helsinki(2021, 2, 28, 23, 59).unwrap();
        let later = helsinki(2021, 3, 2, 9, 0).unwrap();
        let active = Some(ApplicationStatus::Active);
        let report = |r| Standing { application: active, commitment: None, report: Some(r) };
        assert!(is_overdue(due, later, report(ReportStatus::Due)));
        assert!(!is_overdue(due, later, report(ReportStatus::Submitted)), "the funder has it now");
        assert!(is_overdue(due, later, report(ReportStatus::Returned)));
        assert!(!is_overdue(due, later, report(ReportStatus::Accepted)));
    }

    #[test]
    fn the_window_ends_with_the_last_local_day() {
        let now = helsinki(2020, 5, 19, 9, 0).unwrap();
        assert_eq!(local_due(window_end(now, 30)), "2020-06-18 23:59");
    }
}
