//! The roll-up of indicators across a portfolio: indicators that share a programme's code are
//! summed, targets and actuals apart, by year, region and programme, with progress as reached ÷
//! target. Only codes sum: a project's own indicators mean what that project says they mean.

use std::collections::BTreeMap;

use crate::DomainError;
use crate::indicator::{IndicatorCode, IndicatorUnit, progress};

/// One indicator's part in a roll-up: its target (in hundredths, with the year of its date) and
/// its actuals by year, and where it belongs.
#[derive(Debug, Clone)]
pub struct Contribution {
    pub code: IndicatorCode,
    pub unit: IndicatorUnit,
    pub target: Option<(i32, i64)>,
    pub actuals: Vec<(i32, i64)>,
    /// The project's regions (a project in two regions counts whole in each).
    pub regions: Vec<String>,
    pub programme: Option<String>,
}

/// Summed targets and actuals, in hundredths of the unit.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Figures {
    pub target: i128,
    pub reached: i128,
    /// What the indicators with a target reached: an indicator without one adds to `reached`
    /// but not to progress, which would otherwise grow past what any target promised.
    pub reached_of_targets: i128,
}

impl Figures {
    fn add(&mut self, target: i128, reached: i128, targeted: bool) {
        self.target += target;
        self.reached += reached;
        if targeted {
            self.reached_of_targets += reached;
        }
    }

    /// Reached ÷ target (of the indicators with one), in percent to the hundredth, never rounded
    /// up.
    pub fn progress(&self) -> Option<String> {
        progress(self.reached_of_targets, self.target)
    }
}

/// One code across the portfolio.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodeRollup {
    pub code: IndicatorCode,
    pub unit: IndicatorUnit,
    pub indicators: usize,
    pub total: Figures,
    /// Targets by the year of their date, actuals by their reporting year.
    pub by_year: BTreeMap<i32, Figures>,
    pub by_region: BTreeMap<String, Figures>,
    pub by_programme: BTreeMap<String, Figures>,
}

/// Sums the contributions by code. A code measured in two units (two programmes that define it
/// differently) is refused rather than summed: narrow the filter to one programme.
pub fn roll_up(contributions: impl IntoIterator<Item = Contribution>) -> Result<Vec<CodeRollup>, DomainError> {
    let mut by_code: BTreeMap<IndicatorCode, CodeRollup> = BTreeMap::new();
    for c in contributions {
        let entry = by_code.entry(c.code.clone()).or_insert_with(|| CodeRollup {
            code: c.code.clone(),
            unit: c.unit,
            indicators: 0,
            total: Figures::default(),
            by_year: BTreeMap::new(),
            by_region: BTreeMap::new(),
            by_programme: BTreeMap::new(),
        });
        if entry.unit != c.unit {
            let (code, first, other) = (&c.code, entry.unit, c.unit);
            return Err(DomainError::InvalidCode(crate::message!(
                fi: "mittaria {code} ei voi summata: se mitataan sekä yksikössä {first} että {other}; rajaa ohjelmalla",
                sv: "indikatorn {code} kan inte summeras: den mäts både i {first} och i {other}; avgränsa med program",
                en: "the indicator {code} cannot be summed: it is measured both in {first} and in {other}; filter by programme",
            )));
        }
        if !c.unit.additive() {
            let (code, unit) = (&c.code, c.unit);
            return Err(DomainError::InvalidCode(crate::message!(
                fi: "mittaria {code} ei voi summata: yksikkö {unit} ei laske yhteen",
                sv: "indikatorn {code} kan inte summeras: enheten {unit} går inte att addera",
                en: "the indicator {code} cannot be summed: {unit} does not add up",
            )));
        }
        entry.indicators += 1;
        let targeted = c.target.is_some();
        let target = c.target.map_or(0, |(_, t)| i128::from(t));
        let reached: i128 = c.actuals.iter().map(|(_, a)| i128::from(*a)).sum();
        entry.total.add(target, reached, targeted);
        for region in &c.regions {
            entry.by_region.entry(region.clone()).or_default().add(target, reached, targeted);
        }
        if let Some(programme) = &c.programme {
            entry.by_programme.entry(programme.clone()).or_default().add(target, reached, targeted);
        }
        if let Some((year, t)) = c.target {
            entry.by_year.entry(year).or_default().add(i128::from(t), 0, true);
        }
        for (year, a) in &c.actuals {
            entry.by_year.entry(*year).or_default().add(0, i128::from(*a), targeted);
        }
    }
    Ok(by_code.into_values().collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn trained(target: (i32, i64), actuals: &[(i32, i64)], regions: &[&str], programme: &str) -> Contribution {
        Contribution {
            code: IndicatorCode::parse("trained-professionals").unwrap(),
            unit: IndicatorUnit::Count,
            target: Some(target),
            actuals: actuals.to_vec(),
            regions: regions.iter().map(|r| (*r).to_owned()).collect(),
            programme: Some(programme.to_owned()),
        }
    }

    #[test]
    fn two_projects_of_one_programme_sum_their_targets_and_actuals_by_year_and_region() {
        let rolled = roll_up([
            trained((2022, 30_000), &[(2020, 4_000), (2021, 9_500)], &["05", "14"], "P1"),
            trained((2021, 20_000), &[(2020, 6_000)], &["15"], "P1"),
        ])
        .unwrap();
        assert_eq!(rolled.len(), 1);
        let r = &rolled[0];
        assert_eq!(
            (r.indicators, r.total),
            (2, Figures { target: 50_000, reached: 19_500, reached_of_targets: 19_500 })
        );
        assert_eq!(r.total.progress().as_deref(), Some("39.00"));
        assert_eq!(r.by_year[&2020], Figures { target: 0, reached: 10_000, reached_of_targets: 10_000 });
        assert_eq!(r.by_year[&2021], Figures { target: 20_000, reached: 9_500, reached_of_targets: 9_500 });
        assert_eq!(r.by_year[&2022], Figures { target: 30_000, reached: 0, reached_of_targets: 0 });
        // A project in two regions counts whole in each.
        assert_eq!(r.by_region["05"], r.by_region["14"]);
        assert_eq!(r.by_region["15"], Figures { target: 20_000, reached: 6_000, reached_of_targets: 6_000 });
        assert_eq!(r.by_programme["P1"], r.total);
    }

    #[test]
    fn an_indicator_without_a_target_adds_to_what_was_reached_but_not_to_progress() {
        let mut untargeted = trained((2022, 0), &[(2021, 50_000)], &[], "P1");
        untargeted.target = None;
        let rolled = roll_up([trained((2022, 10_000), &[(2021, 5_000)], &[], "P1"), untargeted]).unwrap();
        assert_eq!((rolled[0].total.reached, rolled[0].total.progress().as_deref()), (55_000, Some("50.00")));
    }

    #[test]
    fn a_code_in_two_units_is_refused_rather_than_summed() {
        let mut euros = trained((2022, 100), &[], &[], "P2");
        euros.unit = IndicatorUnit::Euros;
        let refused = roll_up([trained((2022, 100), &[], &[], "P1"), euros]).unwrap_err().to_string();
        assert!(refused.contains("both in COUNT and in EUROS"), "{refused}");
    }
}
