//! Payment schedules (maksatussuunnitelma): an allocation's planned instalments, each with a due
//! date, an amount and, perhaps, a condition (paid only after a given report is accepted).
//!
//! ```text
//! PLANNED → REQUESTED → PAID
//!    ↓          ↓
//! CANCELLED  CANCELLED
//! ```

use crate::codes::code_list;
use crate::report::ReportStatus;
use crate::{DomainError, Money, Rate};

code_list!(
    /// Where an instalment stands.
    InstalmentStatus { Planned, Requested, Paid, Cancelled }
);

impl InstalmentStatus {
    pub fn move_to(self, to: InstalmentStatus) -> Result<InstalmentStatus, DomainError> {
        use InstalmentStatus::*;
        let legal = matches!((self, to), (Planned, Requested | Cancelled) | (Requested, Paid | Cancelled));
        if legal {
            return Ok(to);
        }
        Err(DomainError::InvalidCode(crate::message!(
            fi: "maksuerä ei voi siirtyä tilasta {self} tilaan {to}",
            sv: "en betalningspost kan inte gå från {self} till {to}",
            en: "an instalment cannot move from {self} to {to}",
        )))
    }

    /// Whether it counts in the plan: everything but a cancelled instalment.
    pub fn counts(self) -> bool {
        self != InstalmentStatus::Cancelled
    }
}

/// The plan never sums above the allocation: `planned` is what the counting instalments already
/// hold.
pub fn check_plan(allocation: Money, planned: Money, new: Money) -> Result<(), DomainError> {
    let would_be = planned.checked_add(new)?;
    if would_be <= allocation {
        return Ok(());
    }
    let over = would_be.checked_sub(allocation)?;
    Err(DomainError::InvalidMoney(crate::message!(
        fi: "maksuerä {new} nostaisi suunnitelman {would_be} euroon, {over} yli myönnön ({allocation})",
        sv: "betalningsposten {new} skulle höja planen till {would_be} euro, {over} över tilldelningen ({allocation})",
        en: "an instalment of {new} would take the plan to {would_be}, {over} above the allocation ({allocation})",
    )))
}

/// An instalment held by a report is requested only once the report is accepted.
pub fn check_condition(report: Option<ReportStatus>) -> Result<(), DomainError> {
    match report {
        None | Some(ReportStatus::Accepted) => Ok(()),
        Some(status) => Err(DomainError::InvalidCode(crate::message!(
            fi: "maksuerää ei voi hakea ennen kuin sen ehtona oleva selvitys on hyväksytty (nyt {status})",
            sv: "betalningsposten kan inte begäras förrän redovisningen som är dess villkor är godkänd (nu {status})",
            en: "the instalment cannot be requested before the report it waits for is accepted (it is {status})",
        ))),
    }
}

/// A payment that settles an instalment pays exactly its amount.
pub fn check_settles(instalment: Money, payment: Money) -> Result<(), DomainError> {
    if instalment == payment {
        return Ok(());
    }
    Err(DomainError::InvalidMoney(crate::message!(
        fi: "maksuerän {instalment} maksu on sen suuruinen, ei {payment}",
        sv: "betalningen av posten {instalment} är på samma belopp, inte {payment}",
        en: "a payment settling an instalment of {instalment} pays that amount, not {payment}",
    )))
}

/// The default plan of one Finnish state-grant system: a first instalment of 60 % (rounded down
/// to the cent) and the rest after the final report.
pub fn default_split(amount: Money) -> (Money, Money) {
    let first = Rate::percent(60).map_or(Money::ZERO, |r| r.max_share_of(amount));
    (first, amount.checked_sub(first).unwrap_or(Money::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;
    use InstalmentStatus::*;

    fn m(s: &str) -> Money {
        Money::parse(s).unwrap()
    }

    #[test]
    fn a_plan_may_reach_the_allocation_and_not_a_cent_beyond() {
        assert_eq!(check_plan(m("656000.00"), m("393600.00"), m("262400.00")), Ok(()));
        let refused = check_plan(m("656000.00"), m("393600.00"), m("262400.01")).unwrap_err().to_string();
        assert!(refused.contains("0.01 above the allocation (656000.00)"), "{refused}");
    }

    #[test]
    fn an_instalment_held_by_a_report_waits_for_its_acceptance() {
        assert_eq!(check_condition(None), Ok(()));
        assert_eq!(check_condition(Some(ReportStatus::Accepted)), Ok(()));
        for status in [ReportStatus::Due, ReportStatus::Submitted, ReportStatus::Returned] {
            assert!(check_condition(Some(status)).is_err(), "{status}");
        }
    }

    #[test]
    fn an_instalment_is_requested_then_paid_or_cancelled_and_a_paid_one_stays_paid() {
        assert_eq!(Planned.move_to(Requested).and_then(|s| s.move_to(Paid)), Ok(Paid));
        assert_eq!(Requested.move_to(Cancelled), Ok(Cancelled));
        assert!(Planned.move_to(Paid).is_err(), "paid only once requested");
        assert!(Paid.move_to(Cancelled).is_err());
        assert!(!Cancelled.counts() && Paid.counts());
    }

    #[test]
    fn a_payment_settles_an_instalment_to_the_cent() {
        assert_eq!(check_settles(m("393600.00"), m("393600.00")), Ok(()));
        assert!(check_settles(m("393600.00"), m("393599.99")).is_err());
    }

    #[test]
    fn the_default_plan_pays_sixty_per_cent_first_and_the_rest_after_the_final_report() {
        assert_eq!(default_split(m("656000.00")), (m("393600.00"), m("262400.00")));
        assert_eq!(default_split(m("0.05")), (m("0.03"), m("0.02")));
    }
}
