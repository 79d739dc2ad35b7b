//! Change requests (muutoshakemukset): a granted project asks its funder for more time, to move
//! money between cost categories, for a different state aid, to change its content or its
//! partners, any of these in one request. The funder decides each part on its own.
//!
//! ```text
//! DRAFT → SUBMITTED → CLOSED (once every part is decided)
//!   ↓         ↓
//! WITHDRAWN WITHDRAWN
//! ```

use std::collections::BTreeMap;

use chrono::NaiveDate;

use crate::codes::code_list;
use crate::funding::{FundingSplit, ViolationCode};
use crate::{ApplicationStatus, DomainError};

code_list!(
    /// What a change request asks for; one request may ask for several.
    ChangeKind { Extension, BudgetReallocation, StateAidChange, ContentChange, PartnerChange }
);

code_list!(
    /// Where a change request stands.
    ChangeRequestStatus { Draft, Submitted, Closed, Withdrawn }
);

code_list!(
    /// The funder's decision on one part of a request.
    PartDecision { Approved, ApprovedWithChanges, Rejected }
);

impl PartDecision {
    /// Whether the part takes effect (as asked, or as the funder changed it).
    pub fn approves(self) -> bool {
        !matches!(self, PartDecision::Rejected)
    }
}

/// Only a project whose funding was decided has anything to change: a granted or active one.
pub fn check_may_request_changes(status: ApplicationStatus) -> Result<(), DomainError> {
    if matches!(status, ApplicationStatus::Granted | ApplicationStatus::Active) {
        return Ok(());
    }
    Err(DomainError::InvalidCode(crate::message!(
        fi: "muutosta voi hakea vain myönnetylle tai käynnissä olevalle hankkeelle (tämä on {status})",
        sv: "ändring kan sökas bara för ett beviljat eller pågående projekt (detta är {status})",
        en: "changes can be requested only for a granted or active project (this one is {status})",
    )))
}

/// An extension moves the project's end later, never earlier nor to the same day.
pub fn check_extension(current_end: Option<NaiveDate>, new_end: NaiveDate) -> Result<NaiveDate, DomainError> {
    match current_end {
        Some(end) if new_end <= end => Err(DomainError::InvalidPeriod(crate::message!(
            fi: "jatkoaika siirtää päättymisen myöhemmäksi: {new_end} ei ole nykyisen päättymisen ({end}) jälkeen",
            sv: "en förlängning flyttar slutet senare: {new_end} är inte efter det nuvarande slutet ({end})",
            en: "an extension moves the end later: {new_end} is not after the current end ({end})",
        ))),
        _ => Ok(new_end),
    }
}

/// Where an extension leaves a date tied to the project's end, such as the final report's due
/// date: as far after the new end as it was after the old one. "Four months after the end" stays
/// four months, to the end of the month where both fell on a month's last day; otherwise the
/// days between them are kept.
pub fn follow_the_end(old_end: NaiveDate, new_end: NaiveDate, date: NaiveDate) -> Option<NaiveDate> {
    use chrono::{Datelike, Months};
    let last_of_month = |d: NaiveDate| d.succ_opt().is_some_and(|next| next.month() != d.month());
    if last_of_month(old_end) && last_of_month(date) && date > old_end {
        let months = (date.year() - old_end.year()) * 12 + date.month() as i32 - old_end.month() as i32;
        let first_after = new_end.with_day(1)?.checked_add_months(Months::new(u32::try_from(months).ok()? + 1))?;
        return first_after.pred_opt();
    }
    new_end.checked_add_signed(date.signed_duration_since(old_end))
}

/// A change may not leave the state aid above the call's rate: refused at submission, with the
/// euros by which it would be exceeded.
pub fn check_changed_split(split: &FundingSplit) -> Result<(), DomainError> {
    let Some(over) = split.violations.iter().find(|v| v.code == ViolationCode::AidRateExceeded) else {
        return Ok(());
    };
    let (amount, rate) = (over.amount, split.max_aid_rate);
    Err(DomainError::InvalidMoney(crate::message!(
        fi: "muutoksen jälkeen valtionavustus ylittäisi haun enimmäisosuuden ({rate} %) {amount} eurolla",
        sv: "efter ändringen skulle statsunderstödet överskrida utlysningens högsta andel ({rate} %) med {amount} euro",
        en: "after the change the state aid would exceed the call's maximum rate ({rate} %) by {amount}",
    )))
}

/// A request's parts and what has been decided on each.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Parts(BTreeMap<ChangeKind, Option<PartDecision>>);

impl Parts {
    /// The parts a request asks for: at least one, each once.
    pub fn new(kinds: impl IntoIterator<Item = ChangeKind>) -> Result<Parts, DomainError> {
        let parts: BTreeMap<_, _> = kinds.into_iter().map(|k| (k, None)).collect();
        if parts.is_empty() {
            return Err(DomainError::InvalidCode(crate::message!(
                fi: "muutoshakemus hakee ainakin yhtä muutosta",
                sv: "en ändringsansökan gäller minst en ändring",
                en: "a change request asks for at least one change",
            )));
        }
        Ok(Parts(parts))
    }

    pub fn kinds(&self) -> impl Iterator<Item = ChangeKind> + '_ {
        self.0.keys().copied()
    }

    pub fn decision(&self, kind: ChangeKind) -> Option<PartDecision> {
        self.0.get(&kind).copied().flatten()
    }

    /// The parts as stored, with what was decided on each.
    pub fn restore(parts: impl IntoIterator<Item = (ChangeKind, Option<PartDecision>)>) -> Result<Parts, DomainError> {
        let parts = Parts(parts.into_iter().collect());
        if parts.0.is_empty() {
            return Parts::new([]);
        }
        Ok(parts)
    }

    /// Records the decision on one part: a part the request asks for, decided once.
    pub fn decide(&mut self, kind: ChangeKind, decision: PartDecision) -> Result<(), DomainError> {
        match self.0.get_mut(&kind) {
            None => Err(DomainError::InvalidCode(crate::message!(
                fi: "hakemus ei hae muutosta {kind}",
                sv: "ansökan gäller inte ändringen {kind}",
                en: "the request does not ask for {kind}",
            ))),
            Some(Some(earlier)) => {
                let earlier = *earlier;
                Err(DomainError::InvalidCode(crate::message!(
                    fi: "osasta {kind} on jo päätetty ({earlier})",
                    sv: "delen {kind} är redan beslutad ({earlier})",
                    en: "{kind} was already decided ({earlier})",
                )))
            }
            Some(slot) => {
                *slot = Some(decision);
                Ok(())
            }
        }
    }

    /// Every part decided: the request closes.
    pub fn all_decided(&self) -> bool {
        self.0.values().all(Option::is_some)
    }

    /// The parts that take effect.
    pub fn approved(&self) -> impl Iterator<Item = ChangeKind> + '_ {
        self.0.iter().filter(|(_, d)| d.is_some_and(PartDecision::approves)).map(|(k, _)| *k)
    }
}

impl ChangeRequestStatus {
    /// The statuses this one may move to.
    pub fn next(self) -> &'static [ChangeRequestStatus] {
        use ChangeRequestStatus::*;
        match self {
            Draft => &[Submitted, Withdrawn],
            Submitted => &[Closed, Withdrawn],
            Closed | Withdrawn => &[],
        }
    }

    /// The move, or why it is illegal. Closing needs every part decided, and a request is
    /// withdrawn only before its decision: once a part is decided, the rest are decided too.
    pub fn move_to(self, to: ChangeRequestStatus, parts: &Parts) -> Result<ChangeRequestStatus, DomainError> {
        let decided_any = parts.0.values().any(Option::is_some);
        let legal = self.next().contains(&to)
            && (to != ChangeRequestStatus::Closed || parts.all_decided())
            && (to != ChangeRequestStatus::Withdrawn || !decided_any);
        if legal {
            return Ok(to);
        }
        Err(DomainError::InvalidCode(crate::message!(
            fi: "muutoshakemus ei voi siirtyä tilasta {self} tilaan {to}",
            sv: "ändringsansökan kan inte gå från {self} till {to}",
            en: "a change request cannot move from {self} to {to}",
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ChangeKind::*;
    use ChangeRequestStatus::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn only_a_granted_or_active_project_takes_change_requests() {
        for status in ApplicationStatus::all() {
            let allowed = matches!(status, ApplicationStatus::Granted | ApplicationStatus::Active);
            assert_eq!(check_may_request_changes(status).is_ok(), allowed, "{status}");
        }
    }

    #[test]
    fn an_extension_moves_the_end_later_and_never_earlier() {
        assert_eq!(check_extension(Some(d(2022, 12, 31)), d(2023, 6, 30)), Ok(d(2023, 6, 30)));
        assert!(check_extension(Some(d(2022, 12, 31)), d(2022, 12, 31)).is_err());
        assert!(check_extension(Some(d(2022, 12, 31)), d(2022, 6, 30)).is_err());
        assert_eq!(check_extension(None, d(2023, 6, 30)), Ok(d(2023, 6, 30)), "a project without an end may get one");
    }

    #[test]
    fn an_extension_and_a_reallocation_are_decided_part_by_part_and_the_request_closes_after_the_last() {
        let mut parts = Parts::new([BudgetReallocation, Extension]).unwrap();
        let submitted = Draft.move_to(Submitted, &parts).unwrap();
        parts.decide(Extension, PartDecision::Approved).unwrap();
        assert!(submitted.move_to(Closed, &parts).is_err(), "one part is still open");
        assert!(submitted.move_to(Withdrawn, &parts).is_err(), "a part is decided");
        parts.decide(BudgetReallocation, PartDecision::Rejected).unwrap();
        assert_eq!(submitted.move_to(Closed, &parts), Ok(Closed));
        assert_eq!(parts.approved().collect::<Vec<_>>(), [Extension]);
        assert!(Closed.move_to(Submitted, &parts).is_err());
    }

    #[test]
    fn a_part_is_decided_once_and_only_a_part_asked_for() {
        let mut parts = Parts::new([Extension, Extension]).unwrap();
        assert_eq!(parts.kinds().count(), 1, "each kind once");
        assert!(parts.decide(StateAidChange, PartDecision::Approved).is_err());
        parts.decide(Extension, PartDecision::ApprovedWithChanges).unwrap();
        let again = parts.decide(Extension, PartDecision::Rejected).unwrap_err();
        assert!(again.to_string().contains("EXTENSION was already decided (APPROVED_WITH_CHANGES)"), "{again}");
        assert_eq!(parts.decision(Extension), Some(PartDecision::ApprovedWithChanges));
        assert!(parts.approved().eq([Extension]), "approved with changes takes effect");
    }

    #[test]
    fn a_request_asks_for_something_and_is_withdrawn_only_before_its_decision() {
        assert!(Parts::new([]).is_err());
        let parts = Parts::new([ContentChange]).unwrap();
        assert_eq!(Draft.move_to(Withdrawn, &parts), Ok(Withdrawn));
        assert_eq!(Submitted.move_to(Withdrawn, &parts), Ok(Withdrawn));
        assert!(Draft.move_to(Closed, &parts).is_err(), "a draft is submitted first");
        assert!(Withdrawn.move_to(Submitted, &parts).is_err());
    }

    #[test]
    fn the_final_report_follows_an_extended_end() {
        // Four months after the end of December is the end of April; after the end of June, the
        // end of October.
        assert_eq!(follow_the_end(d(2022, 12, 31), d(2023, 6, 30), d(2023, 4, 30)), Some(d(2023, 10, 31)));
        assert_eq!(follow_the_end(d(2022, 12, 31), d(2023, 2, 28), d(2023, 4, 30)), Some(d(2023, 6, 30)));
        // Otherwise the days between them stay.
        assert_eq!(follow_the_end(d(2022, 12, 15), d(2023, 1, 15), d(2023, 3, 1)), Some(d(2023, 4, 1)));
    }

    #[test]
    fn a_changed_budget_above_the_calls_rate_is_refused_with_the_amount() {
        use crate::funding::CallTerms;
        use crate::{Money, Rate};
        let m = |s: &str| Money::parse(s).unwrap();
        let terms = Some(CallTerms { max_aid_rate: Rate::percent(80).unwrap(), in_kind_counts: false });
        let within = FundingSplit::compute(terms, m("820000.00"), m("656000.00"), &[]).unwrap();
        assert_eq!(check_changed_split(&within), Ok(()));
        let above = FundingSplit::compute(terms, m("800000.00"), m("656000.00"), &[]).unwrap();
        let refused = check_changed_split(&above).unwrap_err().to_string();
        assert!(refused.contains("maximum rate (80.00 %) by 16000.00"), "{refused}");
    }
}
