//! Amounts of money that cannot be negative: what users enter as a cost, a request for state aid,
//! a commitment, an allocation or a payment. [`Money`] itself is signed, because derived figures
//! may be negative (a state-aid request above the total cost leaves a negative self-funding
//! share); an [`Amount`] is checked once, where it is made, and trusted everywhere after.

use std::fmt;

use crate::{DomainError, Money};

/// Money that is zero or more.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, serde::Serialize)]
#[serde(transparent)]
pub struct Amount(Money);

impl Amount {
    pub const ZERO: Amount = Amount(Money::ZERO);

    /// `money`, unless it is negative.
    pub fn new(money: Money) -> Result<Amount, DomainError> {
        if money.is_negative() {
            return Err(DomainError::InvalidMoney(crate::message!(
                fi: "{money} on negatiivinen: rahamäärät ovat nolla tai enemmän",
                sv: "{money} är negativt: belopp är noll eller mer",
                en: "{money} is negative: amounts of money are zero or more",
            )));
        }
        Ok(Amount(money))
    }

    /// Parses an amount a user enters: the wire form of [`Money::parse`], never negative.
    pub fn parse(input: &str) -> Result<Amount, DomainError> {
        let money = Money::parse(input)?;
        if money.is_negative() {
            return Err(DomainError::InvalidMoney(crate::message!(
                fi: "{input:?} on negatiivinen: rahamäärät ovat nolla tai enemmän",
                sv: "{input:?} är negativt: belopp är noll eller mer",
                en: "{input:?} is negative: amounts of money are zero or more",
            )));
        }
        Ok(Amount(money))
    }

    pub fn money(self) -> Money {
        self.0
    }

    pub fn cents(self) -> i64 {
        self.0.cents()
    }

    pub fn is_zero(self) -> bool {
        self.0.is_zero()
    }

    /// Sums exactly; fails rather than wraps if the sum leaves the range of money.
    pub fn sum<I: IntoIterator<Item = Amount>>(amounts: I) -> Result<Amount, DomainError> {
        Money::sum(amounts.into_iter().map(Amount::money)).map(Amount)
    }
}

impl From<Amount> for Money {
    fn from(amount: Amount) -> Money {
        amount.0
    }
}

impl fmt::Display for Amount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// What a payment pays: more than zero, for a payment of nothing records nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(transparent)]
pub struct PaymentAmount(Amount);

impl PaymentAmount {
    pub fn new(amount: Amount) -> Result<PaymentAmount, DomainError> {
        if amount.is_zero() {
            return Err(DomainError::InvalidMoney(crate::message!(
                fi: "maksun on oltava yli 0.00",
                sv: "en betalning måste vara större än 0.00",
                en: "a payment is more than 0.00",
            )));
        }
        Ok(PaymentAmount(amount))
    }

    pub fn amount(self) -> Amount {
        self.0
    }

    pub fn money(self) -> Money {
        self.0.money()
    }

    pub fn cents(self) -> i64 {
        self.0.cents()
    }
}

impl fmt::Display for PaymentAmount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_amount_is_zero_or_more() {
        assert_eq!(Amount::parse("0.00").map(Amount::money), Ok(Money::ZERO));
        assert_eq!(Amount::parse("700000").map(|a| a.to_string()), Ok("700000.00".into()));
        assert!(Amount::parse("-0.01").is_err());
        assert!(Amount::new(Money::from_cents(-1).unwrap()).is_err());
        assert_eq!(Amount::new(Money::from_cents(1).unwrap()).map(Amount::cents), Ok(1));
    }

    #[test]
    fn a_negative_amount_is_refused_in_the_words_it_was_written() {
        let e = Amount::parse("-1.00").unwrap_err();
        assert!(e.message().get(crate::labels::Language::En).contains("\"-1.00\" is negative"), "{e}");
    }

    #[test]
    fn amounts_sum_exactly_and_refuse_to_overflow() {
        let amounts = ["0.10", "0.20", "699999.70"].map(|a| Amount::parse(a).unwrap());
        assert_eq!(Amount::sum(amounts).map(|a| a.to_string()), Ok("700000.00".into()));
        let max = Amount::new(Money::from_cents(Money::MAX_CENTS).unwrap()).unwrap();
        assert!(Amount::sum([max, Amount::parse("0.01").unwrap()]).is_err());
    }

    #[test]
    fn a_payment_pays_more_than_zero() {
        assert!(PaymentAmount::new(Amount::ZERO).is_err());
        assert_eq!(PaymentAmount::new(Amount::parse("0.01").unwrap()).map(PaymentAmount::cents), Ok(1));
    }
}
