//! A budget: eligible costs by category and year, and its totals.

use std::collections::BTreeMap;

use crate::{Amount, CostCategory, DomainError, Money};

/// The years a budget line may name. Wide enough for the Kaste projects of 2010 and for plans
/// decades ahead; narrow enough to catch a typo such as 20221.
pub const YEARS: std::ops::RangeInclusive<i32> = 1990..=2100;

/// One line of a budget: a cost in one category and year. Built only by [`BudgetLine::new`], so
/// every line holds a plausible year and an amount that is not negative.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct BudgetLine {
    category: CostCategory,
    year: i32,
    description: Option<String>,
    amount: Amount,
    /// The plan's work package the cost belongs to, if it is assigned to one.
    work_package: Option<crate::plan_key::PlanKey>,
}

impl BudgetLine {
    /// A line as a user enters it: a year within [`YEARS`].
    pub fn new(
        category: CostCategory,
        year: i32,
        description: Option<String>,
        amount: Amount,
    ) -> Result<Self, DomainError> {
        check_year(year)?;
        Ok(BudgetLine { category, year, description, amount, work_package: None })
    }

    pub fn category(&self) -> CostCategory {
        self.category
    }

    pub fn year(&self) -> i32 {
        self.year
    }

    pub fn description(&self) -> Option<&str> {
        self.description.as_deref()
    }

    pub fn amount(&self) -> Money {
        self.amount.money()
    }

    /// The line assigned to a work package of the plan (or to none).
    pub fn with_work_package(mut self, key: Option<crate::plan_key::PlanKey>) -> Self {
        self.work_package = key;
        self
    }

    pub fn work_package(&self) -> Option<&crate::plan_key::PlanKey> {
        self.work_package.as_ref()
    }
}

/// An application's budget: its lines and the state aid it requests. Built only by
/// [`Budget::new`], so its total is always within the range of money.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Budget {
    lines: Vec<BudgetLine>,
    state_aid_requested: Amount,
    total: Amount,
}

impl Budget {
    /// The lines and the requested state aid, if the lines' total fits the range of money.
    pub fn new(lines: Vec<BudgetLine>, state_aid_requested: Amount) -> Result<Budget, DomainError> {
        let total = Amount::sum(lines.iter().map(|l| l.amount))?;
        Ok(Budget { lines, state_aid_requested, total })
    }

    pub fn lines(&self) -> &[BudgetLine] {
        &self.lines
    }

    pub fn state_aid_requested(&self) -> Money {
        self.state_aid_requested.money()
    }

    /// The total cost: the sum of the lines.
    pub fn total(&self) -> Money {
        self.total.money()
    }
}

pub fn check_year(year: i32) -> Result<i32, DomainError> {
    if YEARS.contains(&year) {
        Ok(year)
    } else {
        let (first, last) = (YEARS.start(), YEARS.end());
        Err(DomainError::InvalidPeriod(crate::message!(
            fi: "{year} ei ole uskottava vuosi: käytä vuotta väliltä {first}–{last}",
            sv: "{year} är inget rimligt år: använd ett år mellan {first} och {last}",
            en: "{year} is not a plausible year: use a year from {first} to {last}",
        )))
    }
}

/// The total cost of the lines.
pub fn total<'a>(lines: impl IntoIterator<Item = &'a BudgetLine>) -> Result<Money, DomainError> {
    Money::sum(lines.into_iter().map(BudgetLine::amount))
}

/// Sums by year, in year order; only years that have lines.
pub fn by_year<'a>(lines: impl IntoIterator<Item = &'a BudgetLine>) -> Result<Vec<(i32, Money)>, DomainError> {
    group(lines, |l| l.year)
}

/// Sums by category, in the order of [`CostCategory`]; only categories that have lines.
pub fn by_category<'a>(
    lines: impl IntoIterator<Item = &'a BudgetLine>,
) -> Result<Vec<(CostCategory, Money)>, DomainError> {
    group(lines, |l| l.category)
}

fn group<'a, K: Ord>(
    lines: impl IntoIterator<Item = &'a BudgetLine>,
    key: impl Fn(&BudgetLine) -> K,
) -> Result<Vec<(K, Money)>, DomainError> {
    let mut sums: BTreeMap<K, Money> = BTreeMap::new();
    for line in lines {
        let sum = sums.entry(key(line)).or_insert(Money::ZERO);
        *sum = sum.checked_add(line.amount())?;
    }
    Ok(sums.into_iter().collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use CostCategory::*;

    fn line(category: CostCategory, year: i32, amount: &str) -> BudgetLine {
        BudgetLine::new(category, year, None, Amount::parse(amount).unwrap()).unwrap()
    }

    #[test]
    fn monni_over_three_years_adds_up_by_year_and_by_category() {
        let lines = [
            line(Personnel, 2020, "60000.00"),
            line(Personnel, 2021, "120000.00"),
            line(Personnel, 2022, "120000.00"),
            line(PurchasedServices, 2021, "30000.10"),
            line(Travel, 2020, "4999.95"),
        ];
        assert_eq!(total(&lines).unwrap().to_string(), "335000.05");
        let years: Vec<_> = by_year(&lines).unwrap().into_iter().map(|(y, m)| (y, m.to_string())).collect();
        assert_eq!(years, [(2020, "64999.95".into()), (2021, "150000.10".into()), (2022, "120000.00".into())]);
        let cats: Vec<_> = by_category(&lines).unwrap().into_iter().map(|(c, m)| (c, m.to_string())).collect();
        assert_eq!(
            cats,
            [(Personnel, "300000.00".into()), (Travel, "4999.95".into()), (PurchasedServices, "30000.10".into())]
        );
    }

    #[test]
    fn an_empty_budget_totals_zero() {
        assert_eq!(total(&[]), Ok(Money::ZERO));
        assert_eq!(by_year(&[]), Ok(vec![]));
    }

    #[test]
    fn a_line_refuses_an_implausible_year() {
        assert!(BudgetLine::new(Other, 20221, None, Amount::ZERO).is_err());
        assert!(BudgetLine::new(Other, 1989, None, Amount::ZERO).is_err());
        assert!(BudgetLine::new(Other, 2100, None, Amount::ZERO).is_ok());
    }

    #[test]
    fn kansa_koulu_iii_asks_the_whole_700_000_of_its_budget() {
        let lines = vec![line(Personnel, 2021, "500000.00"), line(PurchasedServices, 2022, "200000.00")];
        let budget = Budget::new(lines, Amount::parse("700000.00").unwrap()).unwrap();
        assert_eq!(budget.total().to_string(), "700000.00");
        assert_eq!(budget.state_aid_requested(), budget.total());
        assert_eq!(budget.lines().len(), 2);
    }

    #[test]
    fn a_budget_whose_total_leaves_the_range_of_money_cannot_be_built() {
        let max = Amount::new(Money::from_cents(Money::MAX_CENTS).unwrap()).unwrap();
        let lines = vec![
            BudgetLine::new(Personnel, 2021, None, max).unwrap(),
            BudgetLine::new(Travel, 2021, None, Amount::parse("0.01").unwrap()).unwrap(),
        ];
        assert!(Budget::new(lines, Amount::ZERO).is_err());
    }
}
