//! Two budgets side by side: what a change request would do to the budget in force, or what a
//! grant decision did to the one applied for. Finland's state-grant systems show the applied, the
//! changed and the decided budget per cost category next to each other; finance staff read the
//! consequences here before anyone decides.
//!
//! A diff compares sums per cost category and year (a budget may hold several lines in one), so a
//! line that only changed its description changes nothing. The budgets are never added together:
//! a diff says what moved, the budget in force says what counts.

use std::collections::BTreeMap;

use crate::budget::Budget;
use crate::{CostCategory, DomainError, Money, Rate};

/// One cost category in one year, before and after.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LineChange {
    pub category: CostCategory,
    pub year: i32,
    pub before: Money,
    pub after: Money,
    /// `after − before`: negative where money leaves.
    pub change: Money,
}

/// Before and after, with the figures that follow from them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BudgetDiff {
    /// Every category and year either budget names, in category order, then by year.
    pub lines: Vec<LineChange>,
    pub total_before: Money,
    pub total_after: Money,
    pub total_change: Money,
    pub state_aid_before: Money,
    pub state_aid_after: Money,
    pub state_aid_change: Money,
}

impl BudgetDiff {
    pub fn between(before: &Budget, after: &Budget) -> Result<BudgetDiff, DomainError> {
        let mut cells: BTreeMap<(CostCategory, i32), (Money, Money)> = BTreeMap::new();
        for line in before.lines() {
            let cell = cells.entry((line.category(), line.year())).or_default();
            cell.0 = cell.0.checked_add(line.amount())?;
        }
        for line in after.lines() {
            let cell = cells.entry((line.category(), line.year())).or_default();
            cell.1 = cell.1.checked_add(line.amount())?;
        }
        let lines = cells
            .into_iter()
            .map(|((category, year), (before, after))| {
                Ok(LineChange { category, year, before, after, change: after.checked_sub(before)? })
            })
            .collect::<Result<Vec<_>, DomainError>>()?;
        Ok(BudgetDiff {
            lines,
            total_before: before.total(),
            total_after: after.total(),
            total_change: after.total().checked_sub(before.total())?,
            state_aid_before: before.state_aid_requested(),
            state_aid_after: after.state_aid_requested(),
            state_aid_change: after.state_aid_requested().checked_sub(before.state_aid_requested())?,
        })
    }

    /// The money moved into categories and years that grow: what a reallocation shifts from the
    /// others. A budget that only shrinks moves nothing.
    pub fn moved(&self) -> Result<Money, DomainError> {
        Money::sum(self.lines.iter().map(|l| l.change).filter(|c| !c.is_negative()))
    }

    /// Whether the lines changed at all (descriptions aside).
    pub fn changes_lines(&self) -> bool {
        self.lines.iter().any(|l| !l.change.is_zero())
    }
}

/// A reallocation moves money between cost categories and years; it may not raise the total,
/// which takes a state-aid change and a new decision.
pub fn check_reallocation(diff: &BudgetDiff) -> Result<(), DomainError> {
    if diff.total_change.is_negative() || diff.total_change.is_zero() {
        return Ok(());
    }
    let (rise, before, after) = (diff.total_change, diff.total_before, diff.total_after);
    Err(DomainError::InvalidMoney(crate::message!(
        fi: "siirto nostaisi kokonaiskustannuksia {rise} eurolla ({before} → {after}): siirto jakaa rahaa kustannuslajien välillä, kokonaisuus ei saa kasvaa",
        sv: "omfördelningen skulle höja de totala kostnaderna med {rise} euro ({before} → {after}): en omfördelning flyttar pengar mellan kostnadsslag, totalen får inte växa",
        en: "the reallocation would raise the total cost by {rise} ({before} → {after}): a reallocation moves money between cost categories, the total may not rise",
    )))
}

/// Whether a reallocation is small enough for a call's tolerance to let it through without a
/// change request: the total and the state aid stay as they are, and what moves is at most
/// `tolerance` of the total (rounded down to the cent, as every share is). A tolerance of zero lets
/// nothing through; a budget that shrinks or grows is no reallocation, and needs a request.
pub fn within_tolerance(diff: &BudgetDiff, tolerance: Rate) -> Result<bool, DomainError> {
    if !diff.total_change.is_zero() || !diff.state_aid_change.is_zero() {
        return Ok(false);
    }
    let moved = diff.moved()?;
    Ok(moved.is_zero() || (tolerance.basis_points() > 0 && moved <= tolerance.max_share_of(diff.total_before)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Amount;
    use crate::budget::BudgetLine;
    use CostCategory::*;

    fn budget(lines: &[(CostCategory, i32, &str)], aid: &str) -> Budget {
        let lines =
            lines.iter().map(|(c, y, a)| BudgetLine::new(*c, *y, None, Amount::parse(a).unwrap()).unwrap()).collect();
        Budget::new(lines, Amount::parse(aid).unwrap()).unwrap()
    }

    fn m(s: &str) -> Money {
        Money::parse(s).unwrap()
    }

    /// MONNI as applied: 900 000 € over three years, 80 % state aid.
    const MONNI: [(CostCategory, i32, &str); 5] = [
        (Personnel, 2020, "150000.00"),
        (Personnel, 2021, "300000.00"),
        (Personnel, 2022, "300000.00"),
        (PurchasedServices, 2021, "100000.00"),
        (Travel, 2021, "50000.00"),
    ];

    fn monni_applied() -> Budget {
        budget(&MONNI, "720000.00")
    }

    /// MONNI with some of its category-years set to other amounts.
    fn monni_with(changes: &[(CostCategory, i32, &str)], aid: &str) -> Budget {
        let lines: Vec<_> = MONNI
            .iter()
            .map(|&(c, y, a)| changes.iter().find(|(cc, cy, _)| (*cc, *cy) == (c, y)).map_or((c, y, a), |&x| x))
            .collect();
        budget(&lines, aid)
    }

    #[test]
    fn a_grant_below_the_application_shows_per_category_and_year_what_was_cut() {
        let granted = monni_with(&[(Personnel, 2022, "250000.00"), (Travel, 2021, "20000.00")], "656000.00");
        let diff = BudgetDiff::between(&monni_applied(), &granted).unwrap();
        assert_eq!((diff.total_before, diff.total_after, diff.total_change), (m("900000"), m("820000"), m("-80000")));
        assert_eq!(diff.state_aid_change, m("-64000.00"));
        let cut: Vec<_> =
            diff.lines.iter().filter(|l| !l.change.is_zero()).map(|l| (l.category, l.year, l.change)).collect();
        assert_eq!(cut, [(Personnel, 2022, m("-50000")), (Travel, 2021, m("-30000"))]);
        assert_eq!(diff.moved(), Ok(Money::ZERO));
        assert_eq!(within_tolerance(&diff, Rate::FULL), Ok(false), "a cut is no reallocation");
    }

    #[test]
    fn lines_of_one_category_and_year_are_compared_as_their_sum() {
        let one = budget(&[(Travel, 2021, "300.00"), (Travel, 2021, "200.00")], "0");
        let other = budget(&[(Travel, 2021, "500.00")], "0");
        let diff = BudgetDiff::between(&one, &other).unwrap();
        assert!(!diff.changes_lines());
        assert_eq!(
            diff.lines,
            [LineChange { category: Travel, year: 2021, before: m("500"), after: m("500"), change: Money::ZERO }]
        );
    }

    #[test]
    fn a_category_only_one_budget_names_is_compared_with_nothing() {
        let before = budget(&[(Personnel, 2021, "1000.00")], "800.00");
        let after = budget(&[(Personnel, 2021, "600.00"), (Materials, 2022, "400.00")], "800.00");
        let diff = BudgetDiff::between(&before, &after).unwrap();
        assert_eq!(diff.lines.len(), 2);
        assert_eq!(
            diff.lines[1],
            LineChange { category: Materials, year: 2022, before: Money::ZERO, after: m("400"), change: m("400") }
        );
        assert_eq!(diff.moved(), Ok(m("400.00")));
    }

    #[test]
    fn a_reallocation_may_move_money_but_not_raise_the_total_by_a_cent() {
        let moved = monni_with(&[(Personnel, 2021, "330000.00"), (PurchasedServices, 2021, "70000.00")], "720000.00");
        assert_eq!(check_reallocation(&BudgetDiff::between(&monni_applied(), &moved).unwrap()), Ok(()));
        let a_cent_more =
            monni_with(&[(Personnel, 2021, "330000.01"), (PurchasedServices, 2021, "70000.00")], "720000.00");
        let refused = check_reallocation(&BudgetDiff::between(&monni_applied(), &a_cent_more).unwrap()).unwrap_err();
        assert!(refused.to_string().contains("raise the total cost by 0.01 (900000.00 → 900000.01)"), "{refused}");
    }

    #[test]
    fn a_calls_tolerance_lets_small_reallocations_through_and_no_more() {
        // 5 % of 900 000 € is 45 000 €.
        let five = Rate::parse("5.00").unwrap();
        let moving = |amount: &str, from_personnel: &str| {
            monni_with(&[(PurchasedServices, 2021, amount), (Personnel, 2021, from_personnel)], "720000.00")
        };
        let within = BudgetDiff::between(&monni_applied(), &moving("145000.00", "255000.00")).unwrap();
        assert_eq!(within.moved(), Ok(m("45000.00")));
        assert_eq!(within_tolerance(&within, five), Ok(true));
        let beyond = BudgetDiff::between(&monni_applied(), &moving("145000.01", "254999.99")).unwrap();
        assert_eq!(within_tolerance(&beyond, five), Ok(false));
        assert_eq!(within_tolerance(&within, Rate::ZERO), Ok(false), "a tolerance of zero lets nothing through");
    }

    #[test]
    fn a_change_of_state_aid_is_never_within_a_tolerance() {
        let more_aid = monni_with(&[], "720000.01");
        let diff = BudgetDiff::between(&monni_applied(), &more_aid).unwrap();
        assert_eq!(diff.state_aid_change, m("0.01"));
        assert_eq!(within_tolerance(&diff, Rate::parse("100").unwrap()), Ok(false));
    }
}
