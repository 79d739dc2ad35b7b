//! The Finnish business ID (Y-tunnus): seven digits, a hyphen and a mod-11 check digit.

use std::fmt;
use std::str::FromStr;

use crate::DomainError;

/// A business ID whose check digit has been verified, in its canonical form `NNNNNNN-C`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct BusinessId(String);

const WEIGHTS: [u32; 7] = [7, 9, 10, 5, 8, 4, 2];

impl BusinessId {
    pub fn parse(input: &str) -> Result<Self, DomainError> {
        let bad_form = || {
            DomainError::InvalidBusinessId(crate::message!(
                fi: "{input:?} ei ole Y-tunnus: kirjoita seitsemän numeroa, yhdysmerkki ja tarkistusnumero, esim. \"0116297-6\"",
                sv: "{input:?} är inget FO-nummer: skriv sju siffror, bindestreck och kontrollsiffran, t.ex. \"0116297-6\"",
                en: "{input:?} is not a business ID: write seven digits, a hyphen and the check digit, e.g. \"0116297-6\"",
            ))
        };
        let (body, check) = input.split_once('-').ok_or_else(bad_form)?;
        if body.len() != 7 || check.len() != 1 || !body.bytes().chain(check.bytes()).all(|b| b.is_ascii_digit()) {
            return Err(bad_form());
        }
        let expected = check_digit(body).ok_or_else(|| {
            DomainError::InvalidBusinessId(crate::message!(
                fi: "{input:?} ei ole kelvollinen Y-tunnus: sen seitsemälle ensimmäiselle numerolle ei ole tarkistusnumeroa",
                sv: "{input:?} är inget giltigt FO-nummer: ingen kontrollsiffra passar dess sju första siffror",
                en: "{input:?} is not a valid business ID: no check digit fits its first seven digits",
            ))
        })?;
        let given = check.bytes().next().map(|b| u32::from(b - b'0'));
        if given != Some(expected) {
            return Err(DomainError::InvalidBusinessId(crate::message!(
                fi: "{input:?} ei ole kelvollinen Y-tunnus: tarkistusnumeron pitäisi olla {expected}",
                sv: "{input:?} är inget giltigt FO-nummer: kontrollsiffran borde vara {expected}",
                en: "{input:?} is not a valid business ID: the check digit should be {expected}",
            )));
        }
        Ok(BusinessId(input.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The business ID of seven digits (`body` below 10 000 000) with their check digit; `None`
    /// for a number never issued (no check digit fits it). For synthetic organisations.
    pub fn with_check_digit(body: u32) -> Option<BusinessId> {
        let digits = format!("{body:07}");
        if digits.len() != 7 {
            return None;
        }
        let check = check_digit(&digits)?;
        Some(BusinessId(format!("{digits}-{check}")))
    }
}

/// The check digit for seven digits, or `None` when the weighted sum leaves remainder 1 (such
/// numbers are never issued).
fn check_digit(body: &str) -> Option<u32> {
    let sum: u32 = body.bytes().zip(WEIGHTS).map(|(b, w)| u32::from(b - b'0') * w).sum();
    match sum % 11 {
        0 => Some(0),
        1 => None,
        r => Some(11 - r),
    }
}

impl fmt::Display for BusinessId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl FromStr for BusinessId {
    type Err = DomainError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        BusinessId::parse(s)
    }
}

impl serde::Serialize for BusinessId {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_number_with_its_check_digit_parses_back() {
        let made = BusinessId::with_check_digit(116_297);
        assert_eq!(made.as_ref().map(BusinessId::as_str), Some("0116297-6"));
        for body in 9_000_000..9_000_050 {
            if let Some(id) = BusinessId::with_check_digit(body) {
                assert_eq!(BusinessId::parse(id.as_str()).as_ref(), Ok(&id));
            }
        }
        assert_eq!(BusinessId::with_check_digit(10_000_000), None);
    }
    use proptest::prelude::*;

    #[test]
    fn a_valid_business_id_is_accepted() {
        // Check digits worked out by hand: 0+9+10+10+0+12+16 = 57, 57 mod 11 = 2, 11 − 2 = 9, …
        for id in ["0112038-9", "0116297-6", "1572860-0", "0737546-2"] {
            assert_eq!(BusinessId::parse(id).map(|b| b.to_string()), Ok(id.to_owned()));
        }
    }

    #[test]
    fn a_wrong_check_digit_is_refused_with_the_right_one() {
        let err = BusinessId::parse("0112038-8").unwrap_err();
        assert!(err.to_string().contains("should be 9"), "{err}");
    }

    #[test]
    fn a_number_with_remainder_one_is_never_valid() {
        // 6 · 2 = 12, and 12 mod 11 = 1.
        assert!(check_digit("0000006").is_none());
        for c in 0..=9 {
            assert!(BusinessId::parse(&format!("0000006-{c}")).is_err());
        }
    }

    #[test]
    fn malformed_business_ids_are_refused() {
        for bad in [
            "",
            "0112038",
            "01120389",
            "112038-9",
            "0112038-",
            "0112038-99",
            "O112038-9",
            "0112038 9",
            " 0112038-9",
            "0112038–9",
        ] {
            assert!(BusinessId::parse(bad).is_err(), "{bad:?} should be refused");
        }
    }

    proptest! {
        #[test]
        fn every_body_has_exactly_one_valid_check_digit_or_none(body in "[0-9]{7}") {
            let valid: Vec<u32> = (0..=9).filter(|c| BusinessId::parse(&format!("{body}-{c}")).is_ok()).collect();
            prop_assert!(valid.len() <= 1);
            prop_assert_eq!(valid.first().copied(), check_digit(&body));
        }
    }
}
