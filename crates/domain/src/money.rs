//! Exact euros and cents.
//!
//! Held as integer cents so that no arithmetic can round. The wire form is a decimal string with
//! exactly two decimals ("700000.00"); input may carry fewer decimals ("700000", "0.5") but never a
//! non-zero third one.

use std::fmt;
use std::iter::Sum;
use std::str::FromStr;

use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;

use crate::DomainError;

/// An amount of euros, exact to the cent, within ±999 999 999 999.99 €.
///
/// Signed because derived figures may be negative (a state-aid request above the total cost leaves
/// a negative self-funding share); amounts entered by users are [`crate::amount::Amount`]s.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Money(i64);

impl Money {
    pub const ZERO: Money = Money(0);
    /// The largest amount held, in cents: just under one trillion euros. Large enough for any
    /// portfolio, small enough that a sum of millions of amounts cannot overflow 64 bits.
    pub const MAX_CENTS: i64 = 99_999_999_999_999;

    pub fn from_cents(cents: i64) -> Result<Self, DomainError> {
        if cents.unsigned_abs() > Self::MAX_CENTS.unsigned_abs() {
            return Err(DomainError::InvalidMoney(crate::message!(
                fi: "summa on tuetun vaihteluvälin ulkopuolella (enintään 999999999999.99)",
                sv: "beloppet ligger utanför det stödda intervallet (högst 999999999999.99)",
                en: "the amount is outside the supported range (at most 999999999999.99)",
            )));
        }
        Ok(Money(cents))
    }

    /// Whole euros, for constants in code and tests.
    pub fn euros(euros: i64) -> Result<Self, DomainError> {
        euros.checked_mul(100).ok_or(DomainError::Overflow).and_then(Self::from_cents)
    }

    pub fn cents(self) -> i64 {
        self.0
    }

    /// Parses the wire form: optional minus sign, digits, optionally a point and up to two decimals.
    pub fn parse(input: &str) -> Result<Self, DomainError> {
        let bad = || {
            DomainError::InvalidMoney(crate::message!(
                fi: "{input:?} ei ole rahamäärä: kirjoita eurot enintään kahdella desimaalilla, esim. \"700000.00\"",
                sv: "{input:?} är inget belopp: skriv euro med högst två decimaler, t.ex. \"700000.00\"",
                en: "{input:?} is not an amount of money: write euros with at most two decimals, e.g. \"700000.00\"",
            ))
        };
        let digits = input.strip_prefix('-').unwrap_or(input);
        let well_formed = !digits.is_empty()
            && digits.chars().all(|c| c.is_ascii_digit() || c == '.')
            && digits.chars().filter(|&c| c == '.').count() <= 1
            && digits.chars().next().is_some_and(|c| c.is_ascii_digit())
            && !digits.ends_with('.');
        if !well_formed || digits.len() > 40 {
            return Err(bad());
        }
        let value = Decimal::from_str_exact(input).map_err(|_| bad())?;
        Self::from_decimal(value)
    }

    /// Converts an exact decimal; more than two decimals (other than trailing zeros) is refused,
    /// never rounded.
    pub fn from_decimal(value: Decimal) -> Result<Self, DomainError> {
        let value = value.normalize();
        if value.scale() > 2 {
            return Err(DomainError::InvalidMoney(crate::message!(
                fi: "{value}: yli kaksi desimaalia; raha on tarkka senttiin",
                sv: "{value} har fler än två decimaler: belopp anges exakt på centen",
                en: "{value} has more than two decimals: money is exact to the cent",
            )));
        }
        let cents = value.checked_mul(Decimal::ONE_HUNDRED).and_then(|c| c.to_i64()).ok_or_else(|| {
            DomainError::InvalidMoney(crate::message!(
                fi: "summa on tuetun vaihteluvälin ulkopuolella (enintään 999999999999.99)",
                sv: "beloppet ligger utanför det stödda intervallet (högst 999999999999.99)",
                en: "the amount is outside the supported range (at most 999999999999.99)",
            ))
        })?;
        Self::from_cents(cents)
    }

    pub fn to_decimal(self) -> Decimal {
        Decimal::new(self.0, 2)
    }

    pub fn is_negative(self) -> bool {
        self.0 < 0
    }

    pub fn is_zero(self) -> bool {
        self.0 == 0
    }

    pub fn checked_add(self, other: Money) -> Result<Money, DomainError> {
        self.0
            .checked_add(other.0)
            .ok_or(DomainError::Overflow)
            .and_then(|c| Money::from_cents(c).map_err(|_| DomainError::Overflow))
    }

    pub fn checked_sub(self, other: Money) -> Result<Money, DomainError> {
        self.0
            .checked_sub(other.0)
            .ok_or(DomainError::Overflow)
            .and_then(|c| Money::from_cents(c).map_err(|_| DomainError::Overflow))
    }

    /// `max(0, self)`.
    pub fn at_least_zero(self) -> Money {
        Money(self.0.max(0))
    }

    /// Sums exactly; fails rather than wraps if the sum leaves the supported range.
    pub fn sum<I: IntoIterator<Item = Money>>(amounts: I) -> Result<Money, DomainError> {
        amounts.into_iter().try_fold(Money::ZERO, Money::checked_add)
    }
}

impl fmt::Display for Money {
    /// The wire form. Written digit by digit: a page of applications writes hundreds of amounts,
    /// and the formatting machinery cost more than the rest of each field.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The widest i64 written this way, "-92233720368547758.08", is 21 bytes.
        let mut text = [0u8; 21];
        let mut at = text.len();
        let mut rest = self.0.unsigned_abs();
        let mut push = |digit: u8| {
            at -= 1;
            text[at] = digit;
        };
        push(b'0' + (rest % 10) as u8);
        push(b'0' + (rest / 10 % 10) as u8);
        push(b'.');
        rest /= 100;
        loop {
            push(b'0' + (rest % 10) as u8);
            rest /= 10;
            if rest == 0 {
                break;
            }
        }
        if self.0 < 0 {
            push(b'-');
        }
        f.write_str(std::str::from_utf8(&text[at..]).map_err(|_| fmt::Error)?)
    }
}

impl FromStr for Money {
    type Err = DomainError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Money::parse(s)
    }
}

/// Summing whole collections of stored amounts (each within range) — saturates at the range
/// limits, which a portfolio never reaches; use [`Money::sum`] where overflow must be reported.
impl Sum for Money {
    fn sum<I: Iterator<Item = Money>>(iter: I) -> Money {
        let cents = iter.fold(0_i64, |acc, m| acc.saturating_add(m.0));
        Money(cents.clamp(-Money::MAX_CENTS, Money::MAX_CENTS))
    }
}

/// On the wire and in logs: the string with two decimals.
impl serde::Serialize for Money {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(s: &str) -> Money {
        Money::parse(s).expect(s)
    }

    #[test]
    fn the_wire_form_always_has_two_decimals() {
        assert_eq!(m("700000").to_string(), "700000.00");
        assert_eq!(m("0.5").to_string(), "0.50");
        assert_eq!(m("225225.00").to_string(), "225225.00");
        assert_eq!(m("-0.01").to_string(), "-0.01");
        assert_eq!(m("0").to_string(), "0.00");
    }

    #[test]
    fn trailing_zeros_beyond_the_cent_are_harmless() {
        assert_eq!(m("1.500").cents(), 150);
    }

    #[test]
    fn a_third_decimal_is_refused_not_rounded() {
        assert!(Money::parse("0.005").is_err());
        assert!(Money::parse("700000.001").is_err());
    }

    #[test]
    fn anything_but_plain_decimal_digits_is_refused() {
        for bad in ["", "-", ".5", "5.", "1e5", "1_000", " 1", "1 ", "+1", "1,50", "NaN", "Infinity", "0x10", "1..2"] {
            assert!(Money::parse(bad).is_err(), "{bad:?} should be refused");
        }
    }

    #[test]
    fn amounts_beyond_the_range_are_refused() {
        assert_eq!(m("999999999999.99").cents(), Money::MAX_CENTS);
        assert!(Money::parse("1000000000000.00").is_err());
        assert!(Money::parse("-1000000000000").is_err());
        assert!(Money::parse("99999999999999999999999999999999").is_err());
    }

    #[test]
    fn sums_are_exact_and_overflow_is_reported() {
        let parts = [m("0.10"), m("0.20"), m("0.70")];
        assert_eq!(Money::sum(parts), Ok(m("1.00")));
        let max = Money::from_cents(Money::MAX_CENTS).unwrap();
        assert_eq!(Money::sum([max, m("0.01")]), Err(DomainError::Overflow));
    }

    #[test]
    fn decimal_round_trip_keeps_the_cents() {
        assert_eq!(m("1234.56").to_decimal().to_string(), "1234.56");
        assert_eq!(Money::from_decimal(Decimal::new(123456, 2)), Ok(m("1234.56")));
    }

    mod properties {
        use super::*;
        use proptest::prelude::*;

        proptest! {
            #[test]
            fn the_wire_form_is_euros_a_point_and_two_cent_digits(cents in any::<i64>()) {
                let sign = if cents < 0 { "-" } else { "" };
                let abs = cents.unsigned_abs();
                prop_assert_eq!(Money(cents).to_string(), format!("{sign}{}.{:02}", abs / 100, abs % 100));
            }
        }

        proptest! {
            #[test]
            fn every_amount_survives_the_wire_exactly(cents in -Money::MAX_CENTS..=Money::MAX_CENTS) {
                let money = Money::from_cents(cents).unwrap();
                let wire = money.to_string();
                prop_assert_eq!(Money::parse(&wire), Ok(money));
                prop_assert_eq!(Money::from_decimal(money.to_decimal()), Ok(money));
                // Always exactly two decimals on the wire.
                prop_assert_eq!(wire.split_once('.').map(|(_, d)| d.len()), Some(2));
            }

            #[test]
            fn parsing_arbitrary_text_never_panics(text in ".{0,60}") {
                let _ = Money::parse(&text);
            }

            #[test]
            fn sums_are_exact(parts in proptest::collection::vec(0_i64..1_000_000_000, 0..50)) {
                let expected: i64 = parts.iter().sum();
                let sum = Money::sum(parts.into_iter().map(|c| Money::from_cents(c).unwrap())).unwrap();
                prop_assert_eq!(sum.cents(), expected);
            }
        }
    }
}
