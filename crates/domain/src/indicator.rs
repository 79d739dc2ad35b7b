//! Indicators (mittarit): what a project plan promises to reach, measured in a unit, with a
//! baseline, a target by a date, and the actual values the project reports, one reporting period
//! (a calendar year) at a time, with its interim and final reports.
//!
//! Every numeric value is kept exactly, in hundredths of its unit: a count is whole, a percentage
//! and an amount of euros have at most two decimals. Nothing here is ever a float.

use std::collections::BTreeMap;
use std::fmt;

use rust_decimal::Decimal;

use crate::codes::code_list;
use crate::report::{ReportKind, ReportStatus};
use crate::{DomainError, Money};

code_list!(
    /// What an indicator is measured in.
    IndicatorUnit { Count, Percent, Euros, Text }
);

impl IndicatorUnit {
    /// Whether values in the unit add up: counts and euros do; a percentage is a level and text
    /// is not a number.
    pub fn additive(self) -> bool {
        matches!(self, IndicatorUnit::Count | IndicatorUnit::Euros)
    }
}

/// A value in an indicator's unit: a baseline, a target or an actual.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Measure {
    /// Hundredths of the unit (a count's are whole hundreds).
    Number {
        unit: IndicatorUnit,
        hundredths: i64,
    },
    Text(String),
}

/// The longest text a qualitative value may hold.
pub const MAX_TEXT: usize = 2_000;

impl Measure {
    /// Reads a value written in `unit`: a whole number for a count, a number with at most two
    /// decimals for a percentage or euros, free text for text. Numbers are never negative.
    pub fn parse(unit: IndicatorUnit, input: &str) -> Result<Measure, DomainError> {
        if unit == IndicatorUnit::Text {
            return crate::text::required("the value", input, MAX_TEXT).map(Measure::Text);
        }
        let input = input.trim();
        let bad = || {
            let example = match unit {
                IndicatorUnit::Count => "\"120\"",
                IndicatorUnit::Percent => "\"75.5\"",
                _ => "\"12000.00\"",
            };
            DomainError::InvalidCode(crate::message!(
                fi: "{input:?} ei ole yksikön {unit} arvo: kirjoita ei-negatiivinen luku, esim. {example}",
                sv: "{input:?} är inget värde i enheten {unit}: skriv ett icke-negativt tal, t.ex. {example}",
                en: "{input:?} is not a value in {unit}: write a number that is not negative, e.g. {example}",
            ))
        };
        let well_formed = !input.is_empty()
            && input.len() <= 24
            && input.chars().all(|c| c.is_ascii_digit() || c == '.')
            && input.starts_with(|c: char| c.is_ascii_digit())
            && !input.ends_with('.');
        if !well_formed {
            return Err(bad());
        }
        let value = Decimal::from_str_exact(input).map_err(|_| bad())?.normalize();
        let places = if unit == IndicatorUnit::Count { 0 } else { 2 };
        if value.scale() > places {
            return Err(bad());
        }
        let hundredths = value
            .checked_mul(Decimal::ONE_HUNDRED)
            .and_then(|h| i64::try_from(h).ok())
            .filter(|h| *h <= Money::MAX_CENTS)
            .ok_or_else(bad)?;
        Ok(Measure::Number { unit, hundredths })
    }

    /// The unit the value is in.
    pub fn unit(&self) -> IndicatorUnit {
        match self {
            Measure::Number { unit, .. } => *unit,
            Measure::Text(_) => IndicatorUnit::Text,
        }
    }

    /// The value in hundredths of its unit, unless it is text.
    pub fn hundredths(&self) -> Option<i64> {
        match self {
            Measure::Number { hundredths, .. } => Some(*hundredths),
            Measure::Text(_) => None,
        }
    }
}

/// Writes hundredths of a unit as the wire shows them: a count whole, a percentage and euros
/// with two decimals.
pub fn write_hundredths(unit: IndicatorUnit, hundredths: i128) -> String {
    let sign = if hundredths < 0 { "-" } else { "" };
    let magnitude = hundredths.unsigned_abs();
    match unit {
        IndicatorUnit::Count => format!("{sign}{}", magnitude / 100),
        _ => format!("{sign}{}.{:02}", magnitude / 100, magnitude % 100),
    }
}

impl fmt::Display for Measure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Measure::Number { unit, hundredths } => f.write_str(&write_hundredths(*unit, i128::from(*hundredths))),
            Measure::Text(text) => f.write_str(text),
        }
    }
}

/// A code a programme defines for indicators that mean the same thing across its projects
/// ("trained-professionals"): what the roll-up sums by.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
#[serde(transparent)]
pub struct IndicatorCode(String);

impl IndicatorCode {
    pub fn parse(input: &str) -> Result<IndicatorCode, DomainError> {
        let well_formed = (1..=40).contains(&input.len())
            && input.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
        if well_formed {
            return Ok(IndicatorCode(input.to_owned()));
        }
        let shown: String = input.chars().take(40).collect();
        Err(DomainError::InvalidCode(crate::message!(
            fi: "{shown:?} ei ole mittarin koodi: 1–40 merkkiä kirjaimia, numeroita, '-', '_' tai '.'",
            sv: "{shown:?} är ingen indikatorkod: 1–40 tecken bokstäver, siffror, '-', '_' eller '.'",
            en: "{shown:?} is not an indicator code: 1 to 40 letters, digits, '-', '_' or '.'",
        )))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for IndicatorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A programme's definition is there to be summed across its projects: its unit adds up.
pub fn check_definition_unit(code: &IndicatorCode, unit: IndicatorUnit) -> Result<(), DomainError> {
    if unit.additive() {
        return Ok(());
    }
    Err(DomainError::InvalidCode(crate::message!(
        fi: "ohjelman mittari {code} summataan hankkeiden yli, joten sen yksikkö on COUNT tai EUROS, ei {unit}",
        sv: "programmets indikator {code} summeras över projekten, så dess enhet är COUNT eller EUROS, inte {unit}",
        en: "the programme's indicator {code} is summed across projects, so its unit is COUNT or EUROS, not {unit}",
    )))
}

/// An indicator that names a programme's code is measured in the code's unit.
pub fn check_unit_matches(
    code: &IndicatorCode,
    defined: IndicatorUnit,
    given: IndicatorUnit,
) -> Result<(), DomainError> {
    if defined == given {
        return Ok(());
    }
    Err(DomainError::InvalidCode(crate::message!(
        fi: "mittari {code} mitataan yksikössä {defined}, ei {given}",
        sv: "indikatorn {code} mäts i enheten {defined}, inte {given}",
        en: "the indicator {code} is measured in {defined}, not in {given}",
    )))
}

/// Actual values come with the interim and final reports; a financial report states costs only.
pub fn check_report_takes_actuals(kind: ReportKind, actuals: usize) -> Result<(), DomainError> {
    if kind != ReportKind::Financial || actuals == 0 {
        return Ok(());
    }
    Err(DomainError::InvalidCode(crate::message!(
        fi: "taloudellinen selvitys ei raportoi mittareita: toteumat ilmoitetaan väli- ja loppuselvityksissä",
        sv: "en ekonomisk redovisning rapporterar inga indikatorer: utfallen anges i mellan- och slutredovisningar",
        en: "a financial report reports no indicators: actual values come with the interim and final reports",
    )))
}

/// A project states actuals while it runs: granted or active, once its plan is the funder's.
pub fn check_project_takes_actuals(status: crate::ApplicationStatus) -> Result<(), DomainError> {
    if matches!(status, crate::ApplicationStatus::Granted | crate::ApplicationStatus::Active) {
        return Ok(());
    }
    Err(DomainError::InvalidCode(crate::message!(
        fi: "toteumia raportoidaan myönnetystä tai käynnissä olevasta hankkeesta (tämä on {status})",
        sv: "utfall rapporteras för ett beviljat eller pågående projekt (detta är {status})",
        en: "actuals are reported for a granted or active project (this one is {status})",
    )))
}

/// An actual is locked once its report is accepted: what the funder accepted stays as it was.
pub fn locked(report: ReportStatus) -> bool {
    report == ReportStatus::Accepted
}

/// An actual counts towards what its indicator reached unless its report was returned: a returned
/// report's values wait to be corrected.
pub fn stands(report: ReportStatus) -> bool {
    report != ReportStatus::Returned
}

/// An actual's reporting period is a year the project runs in (by its period, where known).
pub fn check_actual_year(year: i32, first: Option<i32>, last: Option<i32>) -> Result<i32, DomainError> {
    crate::budget::check_year(year)?;
    let before = first.is_some_and(|f| year < f);
    let after = last.is_some_and(|l| year > l);
    if !before && !after {
        return Ok(year);
    }
    let (first, last) =
        (first.map_or_else(String::new, |y| y.to_string()), last.map_or_else(String::new, |y| y.to_string()));
    Err(DomainError::InvalidPeriod(crate::message!(
        fi: "toteuma vuodelle {year} on hankkeen kauden ({first}–{last}) ulkopuolella",
        sv: "utfallet för {year} ligger utanför projektets period ({first}–{last})",
        en: "an actual for {year} is outside the project's period ({first}–{last})",
    )))
}

/// One reporting period of an indicator is reported once: by one report, once in it.
pub fn check_period_free(indicator: &str, year: i32, taken: bool) -> Result<(), DomainError> {
    if !taken {
        return Ok(());
    }
    Err(DomainError::InvalidCode(crate::message!(
        fi: "mittarin {indicator} toteuma vuodelle {year} on jo raportoitu",
        sv: "utfallet för indikatorn {indicator} för {year} är redan rapporterat",
        en: "the indicator {indicator} already has an actual for {year}",
    )))
}

/// What an indicator has reached by its actuals, in hundredths of its unit: the sum of the
/// periods for a count or euros, the latest period's level for a percentage, nothing for text
/// or before the first actual.
pub fn reached(unit: IndicatorUnit, actuals: &BTreeMap<i32, Measure>) -> Option<i128> {
    match unit {
        IndicatorUnit::Text => None,
        IndicatorUnit::Percent => actuals.values().next_back().and_then(Measure::hundredths).map(i128::from),
        IndicatorUnit::Count | IndicatorUnit::Euros => {
            (!actuals.is_empty()).then(|| actuals.values().filter_map(Measure::hundredths).map(i128::from).sum())
        }
    }
}

/// Progress as reached ÷ target in percent, exact to the hundredth and never rounded up: a
/// project at 299 of 300 is at 99.66 %, not 100 %. None without a target above zero.
pub fn progress(reached: i128, target: i128) -> Option<String> {
    if target <= 0 {
        return None;
    }
    // Hundredths of a percent: reached × 100 (percent) × 100 (hundredths) ÷ target, floored.
    let hundredths = reached.checked_mul(10_000)?.div_euclid(target);
    Some(write_hundredths(IndicatorUnit::Percent, hundredths))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn count(s: &str) -> Measure {
        Measure::parse(IndicatorUnit::Count, s).unwrap()
    }

    #[test]
    fn a_value_is_read_in_its_unit_and_written_back_the_same() {
        assert_eq!(count("120").to_string(), "120");
        assert_eq!(Measure::parse(IndicatorUnit::Percent, "75.5").unwrap().to_string(), "75.50");
        assert_eq!(Measure::parse(IndicatorUnit::Euros, "12000").unwrap().to_string(), "12000.00");
        assert_eq!(Measure::parse(IndicatorUnit::Text, " a model in use ").unwrap().to_string(), "a model in use");
        for (unit, bad) in [
            (IndicatorUnit::Count, "12.5"),
            (IndicatorUnit::Count, "-1"),
            (IndicatorUnit::Percent, "1.005"),
            (IndicatorUnit::Euros, "1e3"),
            (IndicatorUnit::Euros, ""),
            (IndicatorUnit::Euros, "999999999999999999999"),
            (IndicatorUnit::Text, "  "),
        ] {
            assert!(Measure::parse(unit, bad).is_err(), "{unit} {bad:?}");
        }
        let refused = Measure::parse(IndicatorUnit::Count, "12.5").unwrap_err().to_string();
        assert!(refused.contains("not a value in COUNT"), "{refused}");
    }

    #[test]
    fn a_count_sums_its_periods_and_a_percentage_keeps_its_latest_level() {
        let by_year: BTreeMap<i32, Measure> = [(2020, count("40")), (2021, count("95"))].into();
        assert_eq!(reached(IndicatorUnit::Count, &by_year), Some(13_500));
        let levels: BTreeMap<i32, Measure> = [
            (2020, Measure::parse(IndicatorUnit::Percent, "40").unwrap()),
            (2021, Measure::parse(IndicatorUnit::Percent, "65.5").unwrap()),
        ]
        .into();
        assert_eq!(reached(IndicatorUnit::Percent, &levels), Some(6_550));
        assert_eq!(reached(IndicatorUnit::Count, &BTreeMap::new()), None);
        assert_eq!(reached(IndicatorUnit::Text, &[(2020, Measure::Text("x".into()))].into()), None);
    }

    #[test]
    fn progress_is_exact_and_never_rounded_up() {
        assert_eq!(progress(29_900, 30_000).as_deref(), Some("99.66"));
        assert_eq!(progress(30_000, 30_000).as_deref(), Some("100.00"));
        assert_eq!(progress(100, 300).as_deref(), Some("33.33"));
        assert_eq!(progress(45_000, 30_000).as_deref(), Some("150.00"));
        assert_eq!(progress(100, 0), None);
    }

    #[test]
    fn a_programme_definition_adds_up_and_its_indicators_share_its_unit() {
        let code = IndicatorCode::parse("trained-professionals").unwrap();
        assert!(check_definition_unit(&code, IndicatorUnit::Count).is_ok());
        assert!(check_definition_unit(&code, IndicatorUnit::Percent).is_err());
        let refused = check_unit_matches(&code, IndicatorUnit::Count, IndicatorUnit::Euros).unwrap_err().to_string();
        assert!(refused.contains("measured in COUNT, not in EUROS"), "{refused}");
        assert!(IndicatorCode::parse("with space").is_err() && IndicatorCode::parse("").is_err());
    }

    #[test]
    fn actuals_come_with_interim_and_final_reports_for_the_projects_years_and_lock_on_acceptance() {
        assert!(check_report_takes_actuals(ReportKind::Interim, 2).is_ok());
        assert!(check_report_takes_actuals(ReportKind::Final, 2).is_ok());
        assert!(check_report_takes_actuals(ReportKind::Financial, 0).is_ok());
        assert!(check_report_takes_actuals(ReportKind::Financial, 1).is_err());
        assert_eq!(check_actual_year(2021, Some(2020), Some(2022)), Ok(2021));
        assert!(check_actual_year(2023, Some(2020), Some(2022)).is_err());
        assert!(check_actual_year(2019, Some(2020), None).is_err());
        assert!(check_period_free("M1", 2020, true).is_err());
        assert!(check_project_takes_actuals(crate::ApplicationStatus::Active).is_ok());
        assert!(check_project_takes_actuals(crate::ApplicationStatus::InPreparation).is_err());
        assert!(locked(ReportStatus::Accepted));
        assert!(![ReportStatus::Due, ReportStatus::Submitted, ReportStatus::Returned].into_iter().any(locked));
        assert!(stands(ReportStatus::Submitted) && stands(ReportStatus::Accepted) && !stands(ReportStatus::Returned));
    }
}
