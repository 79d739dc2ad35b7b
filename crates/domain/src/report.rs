//! Report obligations (väli- ja loppuselvitykset): what a granted project owes its funder and
//! when. A report is due, then submitted by the coordinator, then accepted, or returned with
//! reasons and a new due date and submitted again.
//!
//! ```text
//! DUE → SUBMITTED → ACCEPTED
//!          ↓   ↑
//!        RETURNED
//! ```

use chrono::{Datelike, Months, NaiveDate};

use crate::DomainError;
use crate::codes::code_list;

code_list!(
    /// What a report is.
    ReportKind { Interim, Final, Financial }
);

code_list!(
    /// Where a report stands.
    ReportStatus { Due, Submitted, Accepted, Returned }
);

impl ReportStatus {
    pub fn next(self) -> &'static [ReportStatus] {
        use ReportStatus::*;
        match self {
            Due | Returned => &[Submitted],
            Submitted => &[Accepted, Returned],
            Accepted => &[],
        }
    }

    pub fn move_to(self, to: ReportStatus) -> Result<ReportStatus, DomainError> {
        if self.next().contains(&to) {
            return Ok(to);
        }
        Err(DomainError::InvalidCode(crate::message!(
            fi: "selvitys ei voi siirtyä tilasta {self} tilaan {to}",
            sv: "redovisningen kan inte gå från {self} till {to}",
            en: "a report cannot move from {self} to {to}",
        )))
    }

    /// Whether the project still owes it: until it is submitted, and again once returned.
    pub fn owed(self) -> bool {
        matches!(self, ReportStatus::Due | ReportStatus::Returned)
    }
}

/// Whether a report is overdue on `today`: still owed after its due date.
pub fn is_overdue(status: ReportStatus, due: NaiveDate, today: NaiveDate) -> bool {
    status.owed() && today > due
}

/// A report is returned with reasons and a new due date after the return.
pub fn check_return(reasons: &str, new_due: NaiveDate, returned_on: NaiveDate) -> Result<(), DomainError> {
    if reasons.trim().is_empty() {
        return Err(DomainError::InvalidText(crate::message!(
            fi: "palautetulla selvityksellä on perustelut",
            sv: "en återsänd redovisning har en motivering",
            en: "a returned report needs its reasons",
        )));
    }
    if new_due <= returned_on {
        return Err(DomainError::InvalidPeriod(crate::message!(
            fi: "uusi määräpäivä ({new_due}) on palautuksen ({returned_on}) jälkeen",
            sv: "den nya förfallodagen ({new_due}) är efter återsändandet ({returned_on})",
            en: "the new due date ({new_due}) comes after the return ({returned_on})",
        )));
    }
    Ok(())
}

/// A call's reporting schedule: an interim report every year by a day of the year, and the
/// final report a number of months after the project's end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Schedule {
    /// (month, day) of each year's interim report; none when the call asks for none.
    pub interim_on: Option<(u32, u32)>,
    /// Months from the project's end to the final report.
    pub final_after_months: u32,
}

/// The reports a project owes by `schedule`: an interim report on the day each year strictly
/// between its start and its end, and the final report `final_after_months` after the end (to
/// the end of the month when the project ends on a month's last day).
pub fn plan(schedule: Schedule, start: NaiveDate, end: NaiveDate) -> Vec<(ReportKind, NaiveDate)> {
    let mut owed = Vec::new();
    if let Some((month, day)) = schedule.interim_on {
        for year in start.year()..=end.year() {
            if let Some(on) = NaiveDate::from_ymd_opt(year, month, day)
                && on > start
                && on < end
            {
                owed.push((ReportKind::Interim, on));
            }
        }
    }
    if let Some(on) = months_after(end, schedule.final_after_months) {
        owed.push((ReportKind::Final, on));
    }
    owed
}

/// `months` after `date`, keeping a month's last day the last.
pub fn months_after(date: NaiveDate, months: u32) -> Option<NaiveDate> {
    let last_of_month = date.succ_opt().is_some_and(|next| next.month() != date.month());
    if last_of_month {
        return date.with_day(1)?.checked_add_months(Months::new(months + 1))?.pred_opt();
    }
    date.checked_add_months(Months::new(months))
}

#[cfg(test)]
mod tests {
    use super::*;
    use ReportStatus::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn a_report_is_returned_and_resubmitted_until_accepted() {
        let submitted = Due.move_to(Submitted).unwrap();
        let returned = submitted.move_to(Returned).unwrap();
        assert!(returned.owed());
        assert_eq!(returned.move_to(Submitted).unwrap().move_to(Accepted), Ok(Accepted));
        assert!(Due.move_to(Accepted).is_err(), "nothing is accepted before it is submitted");
        assert!(Accepted.move_to(Returned).is_err(), "an accepted report stays accepted");
    }

    #[test]
    fn a_report_is_overdue_only_while_owed_after_its_due_day() {
        let due = d(2021, 2, 28);
        assert!(!is_overdue(Due, due, due));
        assert!(is_overdue(Due, due, d(2021, 3, 1)));
        assert!(is_overdue(Returned, due, d(2021, 3, 1)));
        assert!(!is_overdue(Submitted, due, d(2021, 3, 1)));
    }

    #[test]
    fn a_return_has_reasons_and_a_later_due_date() {
        assert_eq!(check_return("Kululiitteet puuttuvat", d(2021, 4, 15), d(2021, 3, 15)), Ok(()));
        assert!(check_return("  ", d(2021, 4, 15), d(2021, 3, 15)).is_err());
        assert!(check_return("Kululiitteet puuttuvat", d(2021, 3, 15), d(2021, 3, 15)).is_err());
    }

    #[test]
    fn monnis_schedule_owes_two_interim_reports_and_the_final_four_months_after_its_end() {
        let schedule = Schedule { interim_on: Some((2, 28)), final_after_months: 4 };
        let owed = plan(schedule, d(2020, 9, 1), d(2022, 12, 31));
        assert_eq!(
            owed,
            [
                (ReportKind::Interim, d(2021, 2, 28)),
                (ReportKind::Interim, d(2022, 2, 28)),
                (ReportKind::Final, d(2023, 4, 30))
            ]
        );
        // Extended to the end of June 2023: the final report moves to the end of October.
        let extended = plan(schedule, d(2020, 9, 1), d(2023, 6, 30));
        assert_eq!(extended.last(), Some(&(ReportKind::Final, d(2023, 10, 31))));
        assert_eq!(extended.len(), 4, "and one more interim report, 28.2.2023");
        assert_eq!(months_after(d(2022, 12, 15), 4), Some(d(2023, 4, 15)));
    }
}
