//! Budget versions (haettu, myönnetty, muutettu kustannusarvio): an application's budget as it was
//! drafted, applied for, granted and revised. Exactly one version is in force at a time; it is the
//! one every sum reads. The others are history, never added to anything (IATI keeps Original and
//! Revised budgets apart for the same reason).
//!
//! ```text
//! DRAFT ──submission──▶ APPLIED ──grant decision──▶ GRANTED ──approved change──▶ REVISED …
//! ```

use crate::codes::code_list;
use crate::{ApplicationStatus, DomainError, Money};

code_list!(
    /// What a budget version is.
    BudgetVersionKind { Draft, Applied, Granted, Revised }
);

/// `setBudget` edits the draft, which exists only until the application is submitted; after that
/// the budget changes only by a grant decision or an approved change request.
pub fn check_budget_editable(status: ApplicationStatus) -> Result<(), DomainError> {
    if matches!(status, ApplicationStatus::Idea | ApplicationStatus::InPreparation) {
        return Ok(());
    }
    Err(DomainError::InvalidCode(crate::message!(
        fi: "hakemus on jätetty ({status}), joten haettu kustannusarvio on lukittu: hae muutosta muutoshakemuksella",
        sv: "ansökan är inlämnad ({status}), så den sökta budgeten är låst: ansök om ändring med en ändringsansökan",
        en: "the application has been submitted ({status}), so its budget as applied for is frozen: use a change request to change it",
    )))
}

/// Whether an application's status means its funder has decided to fund it: the granted budget is
/// (or was) in force.
pub fn is_granted(status: ApplicationStatus) -> bool {
    matches!(status, ApplicationStatus::Granted | ApplicationStatus::Active | ApplicationStatus::Closed)
}

/// A granted project's allocations by year share out its granted state aid, and may not add up to
/// more: `allocated` is what the earlier allocations already hold.
pub fn check_within_granted_aid(granted_aid: Money, allocated: Money, new: Money) -> Result<(), DomainError> {
    let would_be = allocated.checked_add(new)?;
    if would_be <= granted_aid {
        return Ok(());
    }
    let over = would_be.checked_sub(granted_aid)?;
    Err(DomainError::InvalidMoney(crate::message!(
        fi: "myöntö {new} nostaisi hankkeen myöntöjen summan {would_be} euroon, {over} yli myönnetyn valtionavustuksen ({granted_aid})",
        sv: "tilldelningen {new} skulle höja projektets tilldelningar till {would_be} euro, {over} över det beviljade statsunderstödet ({granted_aid})",
        en: "an allocation of {new} would take the project's allocations to {would_be}, {over} above its granted state aid ({granted_aid})",
    )))
}

/// A call that allows no tolerance takes every reallocation as a change request.
pub fn check_revision_within_tolerance(within: bool, tolerance: crate::Rate) -> Result<(), DomainError> {
    if within {
        return Ok(());
    }
    Err(DomainError::InvalidMoney(crate::message!(
        fi: "muutos ei mahdu haun sallimaan siirtojen rajaan ({tolerance} % hyväksytystä kokonaisuudesta, kokonaisuus ja valtionavustus ennallaan): tee muutoshakemus",
        sv: "ändringen ryms inte inom utlysningens tolerans för omfördelningar ({tolerance} % av den godkända totalen, totalen och statsunderstödet oförändrade): gör en ändringsansökan",
        en: "the change is not within the call's tolerance for reallocations ({tolerance} % of the approved total moved, with the total and the state aid unchanged): make a change request",
    )))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Rate;
    use ApplicationStatus::*;

    fn m(s: &str) -> Money {
        Money::parse(s).unwrap()
    }

    #[test]
    fn the_draft_is_editable_until_submission_and_frozen_after() {
        for status in [Idea, InPreparation] {
            assert_eq!(check_budget_editable(status), Ok(()));
        }
        for status in [Submitted, Granted, Rejected, Withdrawn, Active, Closed] {
            let refused = check_budget_editable(status).unwrap_err().to_string();
            assert!(refused.contains("use a change request"), "{refused}");
        }
    }

    #[test]
    fn allocations_may_reach_the_granted_aid_but_not_a_cent_beyond() {
        // MONNI granted 656 000 €: 2020 and 2021 allocated, 2022 takes the rest exactly.
        let granted = m("656000.00");
        assert_eq!(check_within_granted_aid(granted, m("400000.00"), m("256000.00")), Ok(()));
        let refused = check_within_granted_aid(granted, m("400000.00"), m("256000.01")).unwrap_err().to_string();
        assert!(refused.contains("to 656000.01, 0.01 above its granted state aid (656000.00)"), "{refused}");
    }

    #[test]
    fn only_decided_funding_counts_as_granted() {
        assert!([Granted, Active, Closed].into_iter().all(is_granted));
        assert!(![Idea, InPreparation, Submitted, Rejected, Withdrawn].into_iter().any(is_granted));
    }

    #[test]
    fn a_revision_outside_the_tolerance_says_to_make_a_change_request() {
        assert_eq!(check_revision_within_tolerance(true, Rate::ZERO), Ok(()));
        let refused = check_revision_within_tolerance(false, Rate::parse("5").unwrap()).unwrap_err().to_string();
        assert!(refused.contains("5.00 %") && refused.contains("make a change request"), "{refused}");
    }
}
