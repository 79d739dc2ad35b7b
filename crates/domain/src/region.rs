//! Finland's regions (maakunnat) by their Statistics Finland codes, with names in Finnish, Swedish
//! and English.

use std::fmt;

use crate::DomainError;

/// One region of the current (2021–) Statistics Finland classification.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RegionInfo {
    pub code: &'static str,
    pub name_fi: &'static str,
    pub name_sv: &'static str,
    pub name_en: &'static str,
}

const fn region(code: &'static str, name_fi: &'static str, name_sv: &'static str, name_en: &'static str) -> RegionInfo {
    RegionInfo { code, name_fi, name_sv, name_en }
}

/// Every current region, in code order. Code 03 (Itä-Uusimaa) was merged into Uusimaa in 2011 and
/// is no longer in use.
pub const REGIONS: [RegionInfo; 19] = [
    region("01", "Uusimaa", "Nyland", "Uusimaa"),
    region("02", "Varsinais-Suomi", "Egentliga Finland", "Southwest Finland"),
    region("04", "Satakunta", "Satakunta", "Satakunta"),
    region("05", "Kanta-Häme", "Egentliga Tavastland", "Kanta-Häme"),
    region("06", "Pirkanmaa", "Birkaland", "Pirkanmaa"),
    region("07", "Päijät-Häme", "Päijänne-Tavastland", "Päijät-Häme"),
    region("08", "Kymenlaakso", "Kymmenedalen", "Kymenlaakso"),
    region("09", "Etelä-Karjala", "Södra Karelen", "South Karelia"),
    region("10", "Etelä-Savo", "Södra Savolax", "South Savo"),
    region("11", "Pohjois-Savo", "Norra Savolax", "North Savo"),
    region("12", "Pohjois-Karjala", "Norra Karelen", "North Karelia"),
    region("13", "Keski-Suomi", "Mellersta Finland", "Central Finland"),
    region("14", "Etelä-Pohjanmaa", "Södra Österbotten", "South Ostrobothnia"),
    region("15", "Pohjanmaa", "Österbotten", "Ostrobothnia"),
    region("16", "Keski-Pohjanmaa", "Mellersta Österbotten", "Central Ostrobothnia"),
    region("17", "Pohjois-Pohjanmaa", "Norra Österbotten", "North Ostrobothnia"),
    region("18", "Kainuu", "Kajanaland", "Kainuu"),
    region("19", "Lappi", "Lappland", "Lapland"),
    region("21", "Ahvenanmaa", "Åland", "Åland"),
];

/// A region code known to exist.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RegionCode(&'static str);

impl RegionCode {
    pub fn parse(code: &str) -> Result<Self, DomainError> {
        REGIONS
            .iter()
            .find(|r| r.code == code)
            .map(|r| RegionCode(r.code))
            .ok_or_else(|| DomainError::UnknownRegion(code.chars().take(16).collect()))
    }

    pub fn as_str(self) -> &'static str {
        self.0
    }

    pub fn info(self) -> RegionInfo {
        // Every RegionCode was made from an entry of REGIONS.
        REGIONS.iter().copied().find(|r| r.code == self.0).unwrap_or(REGIONS[0])
    }

    pub fn all() -> impl Iterator<Item = RegionCode> {
        REGIONS.iter().map(|r| RegionCode(r.code))
    }
}

impl fmt::Display for RegionCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }
}

impl serde::Serialize for RegionCode {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_three_ostrobothnias_and_the_monni_regions_are_known() {
        let name = |c| RegionCode::parse(c).map(|r| r.info().name_fi);
        assert_eq!(name("14"), Ok("Etelä-Pohjanmaa"));
        assert_eq!(name("15"), Ok("Pohjanmaa"));
        assert_eq!(name("16"), Ok("Keski-Pohjanmaa"));
        assert_eq!(name("05"), Ok("Kanta-Häme"));
        assert_eq!(name("06"), Ok("Pirkanmaa"));
        assert_eq!(RegionCode::parse("15").map(|r| r.info().name_sv), Ok("Österbotten"));
    }

    #[test]
    fn unknown_and_retired_codes_are_refused() {
        for bad in ["03", "20", "00", "22", "14 ", "5", "", "Pohjanmaa"] {
            assert!(RegionCode::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn all_nineteen_current_regions_are_listed_once() {
        let codes: Vec<_> = RegionCode::all().map(RegionCode::as_str).collect();
        assert_eq!(codes.len(), 19);
        let mut sorted = codes.clone();
        sorted.dedup();
        assert_eq!(sorted, codes);
    }
}
