//! Splitting an amount between partners in proportion to weights (population, say) so that the
//! parts add up exactly to the whole: the largest-remainder (Hamilton) method.
//!
//! Each part first gets its exact quota rounded down to the cent; the cents left over go, one
//! each, to the parts with the largest remainders (ties: the larger weight, then the earlier
//! position). All arithmetic is on integers.

use rust_decimal::Decimal;

use crate::{DomainError, Money};

/// Most weights one apportionment takes.
pub const MAX_WEIGHTS: usize = 10_000;
/// Decimals a weight may carry.
pub const WEIGHT_DECIMALS: u32 = 6;
/// Largest weight accepted: 10¹².
const MAX_WEIGHT_UNITS: i128 = 1_000_000_000_000 * 1_000_000;

/// A weight, scaled to an integer number of millionths.
fn weight_units(weight: Decimal, position: usize) -> Result<i128, DomainError> {
    let w = weight.normalize();
    if w.is_sign_negative() && !w.is_zero() {
        let n = position + 1;
        return Err(DomainError::InvalidApportionment(crate::message!(
            fi: "paino {n} ({w}) on negatiivinen: painot ovat nolla tai enemmän",
            sv: "vikt {n} ({w}) är negativ: vikter är noll eller mer",
            en: "weight {n} ({w}) is negative: weights are zero or more",
        )));
    }
    if w.scale() > WEIGHT_DECIMALS {
        let n = position + 1;
        return Err(DomainError::InvalidApportionment(crate::message!(
            fi: "painossa {n} ({w}) on yli {WEIGHT_DECIMALS} desimaalia",
            sv: "vikt {n} ({w}) har fler än {WEIGHT_DECIMALS} decimaler",
            en: "weight {n} ({w}) has more than {WEIGHT_DECIMALS} decimals",
        )));
    }
    let units = w.mantissa().abs() * 10_i128.pow(WEIGHT_DECIMALS - w.scale());
    if units > MAX_WEIGHT_UNITS {
        let n = position + 1;
        return Err(DomainError::InvalidApportionment(crate::message!(
            fi: "paino {n} ({w}) on yli 10^12",
            sv: "vikt {n} ({w}) är över 10^12",
            en: "weight {n} ({w}) is above 10^12",
        )));
    }
    Ok(units)
}

/// Splits `amount` over `weights`; the result has one part per weight, in the same order, and the
/// parts sum exactly to `amount`.
pub fn apportion(amount: Money, weights: &[Decimal]) -> Result<Vec<Money>, DomainError> {
    if amount.is_negative() {
        return Err(DomainError::InvalidApportionment(crate::message!(
            fi: "{amount} on negatiivinen: vain nollan tai suuremman summan voi jakaa",
            sv: "{amount} är negativt: bara ett belopp på noll eller mer kan fördelas",
            en: "{amount} is negative: only an amount of zero or more can be split",
        )));
    }
    if weights.is_empty() {
        return Err(DomainError::InvalidApportionment(crate::message!(
            fi: "anna vähintään yksi paino",
            sv: "ange minst en vikt",
            en: "give at least one weight",
        )));
    }
    if weights.len() > MAX_WEIGHTS {
        return Err(DomainError::InvalidApportionment(crate::message!(
            fi: "painoja voi antaa enintään {MAX_WEIGHTS}",
            sv: "högst {MAX_WEIGHTS} vikter kan anges",
            en: "at most {MAX_WEIGHTS} weights can be given",
        )));
    }
    let units = weights.iter().enumerate().map(|(i, w)| weight_units(*w, i)).collect::<Result<Vec<_>, _>>()?;
    let total_units: i128 = units.iter().sum();
    if total_units == 0 {
        return Err(DomainError::InvalidApportionment(crate::message!(
            fi: "vähintään yhden painon on oltava yli nollan",
            sv: "minst en vikt måste vara över noll",
            en: "at least one weight must be above zero",
        )));
    }

    // amount ≤ 10¹⁴ cents and each weight ≤ 10¹⁸ units: the products stay far inside i128.
    let cents = i128::from(amount.cents());
    let mut parts: Vec<i128> = Vec::with_capacity(units.len());
    let mut remainders: Vec<(i128, i128, usize)> = Vec::with_capacity(units.len());
    for (i, &w) in units.iter().enumerate() {
        let exact = cents * w;
        parts.push(exact / total_units);
        remainders.push((exact % total_units, w, i));
    }
    let leftover = cents - parts.iter().sum::<i128>();
    // Largest remainder first; then the larger weight; then the earlier position.
    remainders.sort_by(|a, b| b.0.cmp(&a.0).then(b.1.cmp(&a.1)).then(a.2.cmp(&b.2)));
    for &(_, _, i) in remainders.iter().take(usize::try_from(leftover).unwrap_or(0)) {
        parts[i] += 1;
    }
    parts.into_iter().map(|p| i64::try_from(p).map_err(|_| DomainError::Overflow).and_then(Money::from_cents)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn m(s: &str) -> Money {
        Money::parse(s).unwrap()
    }

    fn w(values: &[i64]) -> Vec<Decimal> {
        values.iter().map(|&v| Decimal::from(v)).collect()
    }

    fn shown(parts: Vec<Money>) -> Vec<String> {
        parts.into_iter().map(|p| p.to_string()).collect()
    }

    #[test]
    fn one_euro_over_three_equal_partners_gives_the_odd_cent_to_the_first() {
        assert_eq!(shown(apportion(m("1.00"), &w(&[1, 1, 1])).unwrap()), ["0.34", "0.33", "0.33"]);
    }

    #[test]
    fn the_odd_cents_go_to_the_largest_remainders() {
        // Quotas 3.3333…, 3.3333…, 3.3333… of 10.00 € over 1:1:1 → 3.34, 3.33, 3.33;
        // 100.00 € over 2:3:4 → quotas 22.222…, 33.333…, 44.444…: remainders .2, .3, .4 cents.
        assert_eq!(shown(apportion(m("100.00"), &w(&[2, 3, 4])).unwrap()), ["22.22", "33.33", "44.45"]);
    }

    #[test]
    fn a_twenty_percent_share_over_municipalities_by_population() {
        // An illustrative self-funding share of 60 000 € over three municipalities.
        let parts = apportion(m("60000.00"), &w(&[64_736, 22_863, 12_130])).unwrap();
        assert_eq!(Money::sum(parts.clone()), Ok(m("60000.00")));
        assert_eq!(shown(parts), ["38947.15", "13755.07", "7297.78"]);
    }

    #[test]
    fn zero_weights_get_nothing_and_decimal_weights_work() {
        let weights = [Decimal::new(15, 1), Decimal::ZERO, Decimal::new(5, 1)];
        assert_eq!(shown(apportion(m("10.01"), &weights).unwrap()), ["7.51", "0.00", "2.50"]);
    }

    #[test]
    fn nonsense_is_refused() {
        assert!(apportion(m("1"), &[]).is_err());
        assert!(apportion(m("1"), &w(&[0, 0])).is_err());
        assert!(apportion(m("1"), &w(&[1, -1])).is_err());
        assert!(apportion(m("-1"), &w(&[1])).is_err());
        assert!(apportion(m("1"), &[Decimal::new(1, 7)]).is_err());
        assert!(apportion(m("1"), &[Decimal::from(1_000_000_000_001_i64)]).is_err());
    }

    proptest! {
        #[test]
        fn the_parts_always_add_up_to_the_whole(
            cents in 0..=Money::MAX_CENTS,
            weights in proptest::collection::vec((0_i64..1_000_000_000_000, 0_u32..=6), 1..40),
        ) {
            let weights: Vec<Decimal> = weights.into_iter().map(|(m, s)| Decimal::new(m, s)).collect();
            prop_assume!(weights.iter().any(|w| !w.is_zero()));
            let amount = Money::from_cents(cents).unwrap();
            let parts = apportion(amount, &weights).unwrap();
            prop_assert_eq!(parts.len(), weights.len());
            prop_assert_eq!(Money::sum(parts.iter().copied()).unwrap(), amount);
            prop_assert!(parts.iter().all(|p| !p.is_negative()));
            for (part, weight) in parts.iter().zip(&weights) {
                if weight.is_zero() { prop_assert!(part.is_zero()); }
            }
        }

        #[test]
        fn each_part_is_within_one_cent_of_its_exact_quota(
            cents in 0_i64..1_000_000_000,
            weights in proptest::collection::vec(0_i64..1_000_000, 1..20),
        ) {
            let total: i64 = weights.iter().sum();
            prop_assume!(total > 0);
            let parts = apportion(Money::from_cents(cents).unwrap(), &w(&weights)).unwrap();
            for (part, weight) in parts.iter().zip(&weights) {
                let exact_times_total = i128::from(cents) * i128::from(*weight);
                let part_times_total = i128::from(part.cents()) * i128::from(total);
                prop_assert!((part_times_total - exact_times_total).abs() < i128::from(total));
            }
        }
    }
}
