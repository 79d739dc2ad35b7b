//! The final account (loppuselvitys) of a granted project: what the state aid turned out to be
//! once the actual costs are known, against what was paid, and what each committing
//! municipality's self-funding turned out to be, to the cent.
//!
//! - eligible cost: the actual cost per cost category and year, capped at the approved budget's
//!   amount there (an overrun in one category does not make up for savings in another);
//! - state aid earned: the call's rate × eligible cost, rounded down to the cent, never above the
//!   granted aid;
//! - balance: earned − paid; positive is still to pay, negative is to be returned;
//! - realised self-funding: eligible cost − aid earned, apportioned over the committing
//!   organisations in proportion to their commitments (largest remainder: the shares add up).

use std::collections::BTreeMap;

use rust_decimal::Decimal;

use crate::apportion::apportion;
use crate::budget::BudgetLine;
use crate::report::{ReportKind, ReportStatus};
use crate::{CostCategory, DomainError, Money, Rate};

/// What the account is computed from.
#[derive(Debug, Clone)]
pub struct AccountInput<'a> {
    /// The lines of the budget in force.
    pub approved: &'a [BudgetLine],
    /// The actual costs, as the accepted financial report gives them.
    pub actual: &'a [BudgetLine],
    pub rate: Rate,
    /// The state aid granted (the budget in force's).
    pub granted_aid: Money,
    /// What has been paid so far.
    pub paid: Money,
    /// What the project has already returned (recorded repayments).
    pub returned: Money,
    /// Each committing organisation's pledged amount, in a fixed order (the shares follow it).
    pub commitments: &'a [Money],
}

/// The final account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FinalAccount {
    pub approved_cost: Money,
    pub actual_cost: Money,
    pub eligible_cost: Money,
    /// Per category and year: (approved, actual, eligible).
    pub lines: Vec<(CostCategory, i32, Money, Money, Money)>,
    pub aid_earned: Money,
    pub paid: Money,
    pub returned: Money,
    /// `aid_earned − (paid − returned)`: above zero still to pay, below zero to be returned,
    /// zero when settled.
    pub balance: Money,
    pub self_funding: Money,
    /// Each committing organisation's realised share, in the order given.
    pub shares: Vec<Money>,
}

impl FinalAccount {
    /// What is still to pay (zero when nothing is).
    pub fn to_pay(&self) -> Money {
        self.balance.at_least_zero()
    }

    /// What is to be returned (zero when nothing is).
    pub fn to_return(&self) -> Money {
        Money::ZERO.checked_sub(self.balance).map_or(Money::ZERO, Money::at_least_zero)
    }

    pub fn settled(&self) -> bool {
        self.balance == Money::ZERO
    }

    /// A repayment returns at most what is still to be returned.
    pub fn check_repayment(&self, amount: Money) -> Result<(), DomainError> {
        let owed = self.to_return();
        if amount <= owed {
            return Ok(());
        }
        Err(DomainError::InvalidMoney(crate::message!(
            fi: "palautus {amount} on enemmän kuin palautettavaa on ({owed})",
            sv: "återbetalningen {amount} är mer än det som ska återbetalas ({owed})",
            en: "a repayment of {amount} is more than is to be returned ({owed})",
        )))
    }
}

/// A project closes when every report it owes is accepted, the final one among them, and its
/// final account is settled: the last payment made, or what was paid above the aid earned
/// returned. `reports` are the project's reports by kind and status; `account` is the final
/// account of its accepted financial report, if there is one.
pub fn check_closing(
    reports: &[(ReportKind, ReportStatus)],
    account: Option<&FinalAccount>,
) -> Result<(), DomainError> {
    if !reports.iter().any(|(kind, _)| *kind == ReportKind::Final) {
        return Err(DomainError::InvalidCode(crate::message!(
            fi: "hanke suljetaan vasta, kun sen loppuselvitys on hyväksytty: loppuselvitystä ei ole",
            sv: "projektet stängs först när dess slutredovisning är godkänd: det finns ingen slutredovisning",
            en: "a project closes only once its final report is accepted: it has no final report",
        )));
    }
    let open = reports.iter().filter(|(_, status)| *status != ReportStatus::Accepted).count();
    if open > 0 {
        return Err(DomainError::InvalidCode(crate::message!(
            fi: "hanke suljetaan vasta, kun sen selvitykset on hyväksytty: {open} on hyväksymättä",
            sv: "projektet stängs först när dess redovisningar är godkända: {open} är inte godkända",
            en: "a project closes only once its reports are accepted: {open} not accepted yet",
        )));
    }
    let Some(account) = account else {
        return Err(DomainError::InvalidMoney(crate::message!(
            fi: "hanke suljetaan vasta loppulaskelman jälkeen: hyväksytyssä selvityksessä ei ole toteutuneita kustannuksia",
            sv: "projektet stängs först efter slutredovisningen av kostnaderna: ingen godkänd redovisning anger faktiska kostnader",
            en: "a project closes only after its final account: no accepted report states the actual costs",
        )));
    };
    if !account.settled() {
        let (to_pay, to_return) = (account.to_pay(), account.to_return());
        return Err(DomainError::InvalidMoney(crate::message!(
            fi: "loppulaskelma ei ole tasan: maksettavaa {to_pay}, palautettavaa {to_return}",
            sv: "slutredovisningen är inte reglerad: {to_pay} återstår att betala, {to_return} att återbetala",
            en: "the final account is not settled: {to_pay} still to pay, {to_return} to be returned",
        )));
    }
    Ok(())
}

fn sums(lines: &[BudgetLine]) -> Result<BTreeMap<(CostCategory, i32), Money>, DomainError> {
    let mut out: BTreeMap<(CostCategory, i32), Money> = BTreeMap::new();
    for line in lines {
        let cell = out.entry((line.category(), line.year())).or_default();
        *cell = cell.checked_add(line.amount())?;
    }
    Ok(out)
}

pub fn compute(input: &AccountInput<'_>) -> Result<FinalAccount, DomainError> {
    let approved = sums(input.approved)?;
    let actual = sums(input.actual)?;
    let mut keys: Vec<(CostCategory, i32)> = approved.keys().chain(actual.keys()).copied().collect();
    keys.sort_unstable();
    keys.dedup();
    let mut lines = Vec::with_capacity(keys.len());
    for key in keys {
        let a = approved.get(&key).copied().unwrap_or_default();
        let b = actual.get(&key).copied().unwrap_or_default();
        lines.push((key.0, key.1, a, b, a.min(b)));
    }
    let approved_cost = Money::sum(lines.iter().map(|l| l.2))?;
    let actual_cost = Money::sum(lines.iter().map(|l| l.3))?;
    let eligible_cost = Money::sum(lines.iter().map(|l| l.4))?;
    let aid_earned = input.rate.max_share_of(eligible_cost).min(input.granted_aid);
    let balance = aid_earned.checked_sub(input.paid.checked_sub(input.returned)?)?;
    let self_funding = eligible_cost.checked_sub(aid_earned)?.at_least_zero();
    let weights: Vec<Decimal> = input.commitments.iter().map(|m| m.to_decimal()).collect();
    let shares = if weights.iter().any(|w| !w.is_zero()) {
        apportion(self_funding, &weights)?
    } else {
        vec![Money::ZERO; weights.len()]
    };
    Ok(FinalAccount {
        approved_cost,
        actual_cost,
        eligible_cost,
        lines,
        aid_earned,
        paid: input.paid,
        returned: input.returned,
        balance,
        self_funding,
        shares,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Amount;
    use CostCategory::*;

    fn m(s: &str) -> Money {
        Money::parse(s).unwrap()
    }

    fn lines(items: &[(CostCategory, i32, &str)]) -> Vec<BudgetLine> {
        items.iter().map(|(c, y, a)| BudgetLine::new(*c, *y, None, Amount::parse(a).unwrap()).unwrap()).collect()
    }

    /// MONNI as granted: 820 000 € at 80 %, 656 000 € of aid.
    fn monni() -> Vec<BudgetLine> {
        lines(&[
            (Personnel, 2021, "300000.00"),
            (Personnel, 2022, "250000.00"),
            (PurchasedServices, 2021, "200000.00"),
            (Travel, 2021, "70000.00"),
        ])
    }

    #[test]
    fn actual_costs_below_plan_earn_less_aid_and_the_overpaid_aid_is_returned() {
        let actual = lines(&[
            (Personnel, 2021, "290000.00"),
            (Personnel, 2022, "250000.00"),
            (PurchasedServices, 2021, "180000.00"),
            (Travel, 2021, "45000.01"),
        ]);
        let commitments = [m("80000.00"), m("50000.00"), m("34000.00")];
        let input = AccountInput {
            approved: &monni(),
            actual: &actual,
            rate: Rate::percent(80).unwrap(),
            granted_aid: m("656000.00"),
            paid: m("656000.00"),
            returned: Money::ZERO,
            commitments: &commitments,
        };
        let account = compute(&input).unwrap();
        assert_eq!(
            (account.approved_cost, account.actual_cost, account.eligible_cost),
            (m("820000.00"), m("765000.01"), m("765000.01"))
        );
        // 80 % of 765 000.01 is 612 000.008: rounded down to the cent.
        assert_eq!(account.aid_earned, m("612000.00"));
        assert_eq!(
            (account.balance, account.to_pay(), account.to_return()),
            (m("-44000.00"), Money::ZERO, m("44000.00"))
        );
        assert_eq!(account.self_funding, m("153000.01"));
        // In proportion to 80 000 : 50 000 : 34 000, and adding up to the cent.
        assert_eq!(account.shares, [m("74634.15"), m("46646.35"), m("31719.51")]);
        assert_eq!(Money::sum(account.shares.iter().copied()).unwrap(), account.self_funding);
        assert!(account.check_repayment(m("44000.01")).is_err(), "not a cent more than was overpaid");
        assert_eq!(account.check_repayment(m("44000.00")), Ok(()));
        let repaid = compute(&AccountInput { returned: m("44000.00"), ..input }).unwrap();
        assert!(repaid.settled() && repaid.to_return() == Money::ZERO);
    }

    #[test]
    fn a_project_closes_with_its_reports_accepted_and_its_account_settled() {
        use ReportKind::*;
        use ReportStatus::*;
        let approved = lines(&[(Personnel, 2021, "100000.00")]);
        let input = AccountInput {
            approved: &approved,
            actual: &approved,
            rate: Rate::percent(80).unwrap(),
            granted_aid: m("80000.00"),
            paid: m("48000.00"),
            returned: Money::ZERO,
            commitments: &[],
        };
        let unpaid = compute(&input).unwrap();
        let paid = compute(&AccountInput { paid: m("80000.00"), ..input }).unwrap();
        let reports = [(Interim, Accepted), (Final, Accepted)];
        assert_eq!(check_closing(&reports, Some(&paid)), Ok(()));
        let missing = check_closing(&[(Interim, Accepted)], Some(&paid)).unwrap_err().to_string();
        assert!(missing.contains("no final report"), "{missing}");
        let open = check_closing(&[(Interim, Returned), (Final, Accepted)], Some(&paid)).unwrap_err().to_string();
        assert!(open.contains("1 not accepted"), "{open}");
        assert!(check_closing(&reports, None).is_err(), "no final account");
        let owed = check_closing(&reports, Some(&unpaid)).unwrap_err().to_string();
        assert!(owed.contains("32000.00 still to pay"), "{owed}");
    }

    #[test]
    fn an_overrun_in_one_category_does_not_make_up_for_savings_in_another() {
        let actual = lines(&[
            (Personnel, 2021, "350000.00"),
            (Personnel, 2022, "250000.00"),
            (PurchasedServices, 2021, "150000.00"),
            (Travel, 2021, "70000.00"),
        ]);
        let input = AccountInput {
            approved: &monni(),
            actual: &actual,
            rate: Rate::percent(80).unwrap(),
            granted_aid: m("656000.00"),
            paid: m("400000.00"),
            returned: Money::ZERO,
            commitments: &[],
        };
        let account = compute(&input).unwrap();
        assert_eq!(account.actual_cost, m("820000.00"));
        assert_eq!(account.eligible_cost, m("770000.00"), "the 50 000 € overrun of 2021 personnel is not eligible");
        assert_eq!(account.lines[0], (Personnel, 2021, m("300000.00"), m("350000.00"), m("300000.00")));
        assert_eq!((account.aid_earned, account.to_pay()), (m("616000.00"), m("216000.00")));
        assert!(account.shares.is_empty());
    }

    #[test]
    fn the_aid_earned_is_never_above_the_granted_aid() {
        // A grant below the rate: 100 000 € of costs at 80 % would earn 80 000 €, 70 000 € was granted.
        let approved = lines(&[(Personnel, 2021, "100000.00")]);
        let input = AccountInput {
            approved: &approved,
            actual: &approved,
            rate: Rate::percent(80).unwrap(),
            granted_aid: m("70000.00"),
            paid: m("70000.00"),
            returned: Money::ZERO,
            commitments: &[m("0.00")],
        };
        let account = compute(&input).unwrap();
        assert_eq!(
            (account.aid_earned, account.balance, account.self_funding),
            (m("70000.00"), Money::ZERO, m("30000.00"))
        );
        assert_eq!(account.shares, [Money::ZERO], "no commitment to share it by");
    }
}
