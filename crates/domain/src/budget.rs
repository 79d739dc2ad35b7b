//! A budget: eligible costs by category and year, and its totals.

use std::collections::BTreeMap;

use crate::{CostCategory, DomainError, Money};

/// The years a budget line may name. Wide enough for the Kaste projects of 2010 and for plans
/// decades ahead; narrow enough to catch a typo such as 20221.
pub const YEARS: std::ops::RangeInclusive<i32> = 1990..=2100;

/// One line of a budget.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct BudgetLine {
    pub category: CostCategory,
    pub year: i32,
    pub description: Option<String>,
    pub amount: Money,
}

impl BudgetLine {
    /// A line as a user enters it: a year within [`YEARS`] and an amount that is not negative.
    pub fn new(
        category: CostCategory,
        year: i32,
        description: Option<String>,
        amount: Money,
    ) -> Result<Self, DomainError> {
        check_year(year)?;
        if amount.is_negative() {
            return Err(DomainError::InvalidMoney(crate::message!(
                fi: "{amount} on negatiivinen: kustannus on nolla tai enemmän",
                sv: "{amount} är negativt: en kostnad är noll eller mer",
                en: "{amount} is negative: a cost is zero or more",
            )));
        }
        Ok(BudgetLine { category, year, description, amount })
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
    Money::sum(lines.into_iter().map(|l| l.amount))
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
        *sum = sum.checked_add(line.amount)?;
    }
    Ok(sums.into_iter().collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use CostCategory::*;

    fn line(category: CostCategory, year: i32, amount: &str) -> BudgetLine {
        BudgetLine::new(category, year, None, Money::parse(amount).unwrap()).unwrap()
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
    fn a_line_refuses_a_negative_cost_and_an_implausible_year() {
        assert!(BudgetLine::new(Other, 2020, None, Money::parse("-1").unwrap()).is_err());
        assert!(BudgetLine::new(Other, 20221, None, Money::ZERO).is_err());
        assert!(BudgetLine::new(Other, 1989, None, Money::ZERO).is_err());
    }
}
