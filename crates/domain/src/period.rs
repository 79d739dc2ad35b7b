//! A project's period: when it starts and ends.

use chrono::{Datelike, NaiveDate};

use crate::DomainError;

/// A project ends on or after the day it starts.
pub fn check_project_period(start: Option<NaiveDate>, end: Option<NaiveDate>) -> Result<(), DomainError> {
    match (start, end) {
        (Some(s), Some(e)) if e < s => Err(DomainError::InvalidPeriod(crate::message!(
            fi: "hanke päättyisi ({e}) ennen kuin se alkaa ({s}): periodEnd ei saa olla ennen periodStartia",
            sv: "projektet skulle sluta ({e}) innan det börjar ({s}): periodEnd får inte vara före periodStart",
            en: "the project would end ({e}) before it starts ({s}): periodEnd must not be before periodStart",
        ))),
        _ => Ok(()),
    }
}

/// Whether a period overlaps a calendar year. An open end reaches forever; a period with neither
/// start nor end is not known, and overlaps no year.
pub fn overlaps_year(start: Option<NaiveDate>, end: Option<NaiveDate>, year: i32) -> bool {
    (start.is_some() || end.is_some()) && start.is_none_or(|s| s.year() <= year) && end.is_none_or(|e| e.year() >= year)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> Option<NaiveDate> {
        NaiveDate::from_ymd_opt(y, m, day)
    }

    #[test]
    fn a_project_ends_after_it_starts() {
        assert!(check_project_period(d(2020, 1, 1), d(2022, 12, 31)).is_ok());
        assert!(check_project_period(d(2020, 1, 1), d(2020, 1, 1)).is_ok());
        assert!(check_project_period(d(2022, 12, 31), d(2020, 1, 1)).is_err());
        assert!(check_project_period(None, d(2020, 1, 1)).is_ok());
    }

    #[test]
    fn monni_overlaps_2020_to_2022_only() {
        let (s, e) = (d(2020, 9, 1), d(2022, 12, 31));
        assert!(!overlaps_year(s, e, 2019));
        assert!(overlaps_year(s, e, 2020));
        assert!(overlaps_year(s, e, 2022));
        assert!(!overlaps_year(s, e, 2023));
        assert!(!overlaps_year(None, None, 2020));
        assert!(overlaps_year(d(2021, 1, 1), None, 2030));
        assert!(!overlaps_year(None, d(2013, 10, 31), 2014));
    }
}
