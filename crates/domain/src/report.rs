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
impl ReportKind {
    /// Whether a report of this kind states the actual costs unless told otherwise: a financial
    /// report always does, a final report by default has a financial part, an interim one not.
    pub fn states_costs_by_default(self) -> bool {
        !matches!(self, ReportKind::Interim)
    }
}

/// A financial report always states the actual costs; the others may.
pub fn check_states_costs(kind: ReportKind, states_costs: bool) -> Result<(), DomainError> {
    if kind == ReportKind::Financial && !states_costs {
        return Err(DomainError::InvalidCode(crate::message!(
            fi: "taloudellinen selvitys sisältää aina toteutuneet kustannukset",
            sv: "en ekonomisk redovisning anger alltid de faktiska kostnaderna",
            en: "a financial report always states the actual costs",
        )));
    }
    Ok(())
}

/// A report with a financial part is submitted with its actual costs, one without it with none.
pub fn check_submission(states_costs: bool, cost_lines: usize) -> Result<(), DomainError> {
    match (states_costs, cost_lines) {
        (true, 0) => Err(DomainError::InvalidMoney(crate::message!(
            fi: "selvityksen taloudellinen osa ilmoittaa toteutuneet kustannukset kustannuslajeittain ja vuosittain",
            sv: "redovisningens ekonomiska del anger de faktiska kostnaderna per kostnadsslag och år",
            en: "the report's financial part states the actual costs by category and year",
        ))),
        (false, n) if n > 0 => Err(DomainError::InvalidMoney(crate::message!(
            fi: "tällä selvityksellä ei ole taloudellista osaa: toteutuneita kustannuksia ei ilmoiteta",
            sv: "den här redovisningen har ingen ekonomisk del: inga faktiska kostnader anges",
            en: "this report has no financial part: it states no actual costs",
        ))),
        _ => Ok(()),
    }
}

/// The longest a call may set between a project's end and its final report.
pub const MAX_MONTHS_AFTER_END: u32 = 36;

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Schedule {
    /// (month, day) of each year's interim report; none when the call asks for none.
    pub interim_on: Option<(u32, u32)>,
    /// Months from the project's end to the final report.
    pub final_after_months: u32,
}

/// The reports a project owes by `schedule`: an interim report on the day each year strictly
/// between its start and its end, and the final report `final_after_months` after the end (to
/// the end of the month when the project ends on a month's last day).
impl Schedule {
    /// A call's schedule: an interim report every year by a day of the year (one that every year
    /// has, so not 29 February), and the final report a number of months after the project's end.
    pub fn new(interim_on: Option<(u32, u32)>, final_after_months: u32) -> Result<Schedule, DomainError> {
        if let Some((month, day)) = interim_on
            && NaiveDate::from_ymd_opt(2021, month, day).is_none()
        {
            return Err(DomainError::InvalidPeriod(crate::message!(
                fi: "väliselvitysten päivä {day}.{month}. ei ole joka vuoden päivä",
                sv: "dagen {day}.{month}. för mellanredovisningar finns inte varje år",
                en: "the interim reports' day {day}.{month}. is not a day of every year",
            )));
        }
        if final_after_months > MAX_MONTHS_AFTER_END {
            return Err(DomainError::InvalidPeriod(crate::message!(
                fi: "loppuselvitys on jätettävä viimeistään {MAX_MONTHS_AFTER_END} kuukautta hankkeen päättymisestä",
                sv: "slutredovisningen lämnas senast {MAX_MONTHS_AFTER_END} månader efter projektets slut",
                en: "the final report falls due at most {MAX_MONTHS_AFTER_END} months after the project's end",
            )));
        }
        Ok(Schedule { interim_on, final_after_months })
    }
}

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
    fn a_schedule_keeps_to_days_of_every_year_and_a_final_report_within_three_years() {
        assert!(Schedule::new(Some((2, 28)), 4).is_ok());
        assert!(Schedule::new(Some((2, 29)), 4).is_err(), "not every year has 29 February");
        assert!(Schedule::new(Some((13, 1)), 4).is_err());
        assert!(Schedule::new(None, 37).is_err());
    }

    #[test]
    fn a_financial_report_states_actual_costs_and_an_interim_one_need_not() {
        assert!(check_states_costs(ReportKind::Financial, false).is_err());
        assert!(check_states_costs(ReportKind::Final, false).is_ok());
        assert!(ReportKind::Final.states_costs_by_default() && !ReportKind::Interim.states_costs_by_default());
        assert!(check_submission(true, 0).is_err(), "a financial part without costs");
        assert!(check_submission(false, 2).is_err(), "costs without a financial part");
        assert!(check_submission(true, 4).is_ok() && check_submission(false, 0).is_ok());
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
