//! Percentages from 0 to 100 with two decimals, such as a call's maximum aid rate ("80.00").

use std::fmt;
use std::str::FromStr;

use rust_decimal::Decimal;

use crate::{DomainError, Money};

/// A rate in percent, 0.00–100.00, held as basis points (hundredths of a percent).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Rate(u16);

impl Rate {
    pub const ZERO: Rate = Rate(0);
    pub const FULL: Rate = Rate(10_000);

    pub fn from_basis_points(bp: i64) -> Result<Self, DomainError> {
        u16::try_from(bp).ok().filter(|&bp| bp <= 10_000).map(Rate).ok_or_else(|| {
            let rate = Decimal::new(bp, 2);
            DomainError::InvalidRate(crate::message!(
                fi: "{rate} ei ole osuus väliltä 0–100 prosenttia",
                sv: "{rate} är ingen andel mellan 0 och 100 procent",
                en: "{rate} is not a rate between 0 and 100 percent",
            ))
        })
    }

    /// Whole percent, for constants in code and tests.
    pub fn percent(p: u16) -> Result<Self, DomainError> {
        Self::from_basis_points(i64::from(p) * 100)
    }

    pub fn basis_points(self) -> u16 {
        self.0
    }

    /// Parses "80", "80.0" or "80.00"; refuses a third decimal, negatives and anything above 100.
    pub fn parse(input: &str) -> Result<Self, DomainError> {
        let money = Money::parse(input).map_err(|_| {
            DomainError::InvalidRate(crate::message!(
                fi: "{input:?} ei ole osuus: kirjoita prosentit 0–100 enintään kahdella desimaalilla, esim. \"80.00\"",
                sv: "{input:?} är ingen andel: skriv procent från 0 till 100 med högst två decimaler, t.ex. \"80.00\"",
                en: "{input:?} is not a rate: write percent from 0 to 100 with at most two decimals, e.g. \"80.00\"",
            ))
        })?;
        Self::from_basis_points(money.cents())
    }

    pub fn from_decimal(value: Decimal) -> Result<Self, DomainError> {
        Self::parse(&value.to_string())
    }

    pub fn to_decimal(self) -> Decimal {
        Decimal::new(i64::from(self.0), 2)
    }

    /// The largest amount within this rate of `base`, rounded down to the cent: the funder never
    /// pays above its rate.
    pub fn max_share_of(self, base: Money) -> Money {
        let cents = i128::from(base.cents()) * i128::from(self.0);
        let floor = cents.div_euclid(10_000);
        // |floor| ≤ |base| because the rate is at most 100 %, so the result is within range.
        Money::from_cents(i64::try_from(floor).unwrap_or(0)).unwrap_or(Money::ZERO)
    }
}

impl fmt::Display for Rate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{:02}", self.0 / 100, self.0 % 100)
    }
}

impl FromStr for Rate {
    type Err = DomainError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Rate::parse(s)
    }
}

/// On the wire and in logs: the string with two decimals.
impl serde::Serialize for Rate {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// `part / whole × 100`, rounded half-even to two decimals; zero when `whole` is zero. Unbounded
/// (a request above the total gives more than 100), so it is a plain decimal rather than a [`Rate`].
pub fn percentage_of(part: Money, whole: Money) -> Decimal {
    if whole.cents() <= 0 || part.cents() < 0 {
        return Decimal::new(0, 2);
    }
    let numerator = i128::from(part.cents()) * 10_000;
    let denominator = i128::from(whole.cents());
    let mut quotient = numerator / denominator;
    let twice_remainder = 2 * (numerator % denominator);
    if twice_remainder > denominator || (twice_remainder == denominator && quotient % 2 == 1) {
        quotient += 1;
    }
    // quotient ≤ 10^18 since part and whole are within the money range.
    Decimal::from_i128_with_scale(quotient, 2)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn money(s: &str) -> Money {
        Money::parse(s).unwrap()
    }

    #[test]
    fn rates_show_two_decimals() {
        assert_eq!(Rate::parse("80").map(|r| r.to_string()), Ok("80.00".into()));
        assert_eq!(Rate::parse("8.19").map(|r| r.to_string()), Ok("8.19".into()));
        assert_eq!(Rate::parse("100.00"), Ok(Rate::FULL));
    }

    #[test]
    fn a_rate_stays_between_zero_and_one_hundred() {
        assert!(Rate::parse("100.01").is_err());
        assert!(Rate::parse("-0.01").is_err());
        assert!(Rate::parse("80.001").is_err());
        assert!(Rate::parse("eighty").is_err());
        assert_eq!(Rate::parse("0"), Ok(Rate::ZERO));
    }

    #[test]
    fn the_maximum_share_rounds_down_to_the_cent() {
        let eighty = Rate::parse("80").unwrap();
        assert_eq!(eighty.max_share_of(money("875000.00")), money("700000.00"));
        // 80 % of 0.01 is 0.008: the funder pays 0.00, not 0.01.
        assert_eq!(eighty.max_share_of(money("0.01")), money("0.00"));
        assert_eq!(eighty.max_share_of(money("100.03")), money("80.02"));
        let share = Rate::parse("8.19").unwrap();
        assert_eq!(share.max_share_of(money("2750000.00")), money("225225.00"));
    }

    #[test]
    fn percentages_round_half_to_even() {
        assert_eq!(percentage_of(money("1"), money("3")).to_string(), "33.33");
        assert_eq!(percentage_of(money("2"), money("3")).to_string(), "66.67");
        // 1/800 = 0.125 %: a tie, rounded to the even 0.12.
        assert_eq!(percentage_of(money("1"), money("800")).to_string(), "0.12");
        // 3/800 = 0.375 %: a tie, rounded to the even 0.38.
        assert_eq!(percentage_of(money("3"), money("800")).to_string(), "0.38");
        assert_eq!(percentage_of(money("700000"), money("875000")).to_string(), "80.00");
        assert_eq!(percentage_of(money("5"), money("0")).to_string(), "0.00");
    }

    mod properties {
        use super::*;
        use proptest::prelude::*;

        proptest! {
            #[test]
            fn every_rate_survives_the_wire_exactly(bp in 0_i64..=10_000) {
                let rate = Rate::from_basis_points(bp).unwrap();
                prop_assert_eq!(Rate::parse(&rate.to_string()), Ok(rate));
            }

            #[test]
            fn a_percentage_is_within_half_a_basis_point(part in 0_i64..1_000_000_000, whole in 1_i64..1_000_000_000) {
                let shown = percentage_of(Money::from_cents(part).unwrap(), Money::from_cents(whole).unwrap());
                // |shown × whole − part × 100| ≤ whole / 200, in exact integers (hundredths of a percent).
                let shown_bp = shown.mantissa();
                let error = (shown_bp * i128::from(whole) - i128::from(part) * 10_000).abs();
                prop_assert!(2 * error <= i128::from(whole));
            }
        }
    }
}
