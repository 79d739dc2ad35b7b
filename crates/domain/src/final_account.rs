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
    /// `aid_earned − paid`: above zero still to pay, below zero to be returned.
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
    let balance = aid_earned.checked_sub(input.paid)?;
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
