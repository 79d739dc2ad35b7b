//! The contract's scalars: `Decimal` (an exact number as a JSON string), `DateTime` (an RFC 3339
//! instant with offset) and `Date` (an ISO 8601 calendar date).
//!
//! `Decimal` input is kept as text and parsed by the resolver into money or a rate, so that a bad
//! value is reported with the field it was sent in and the rule it broke.

use async_graphql::{InputValueError, InputValueResult, Scalar, ScalarType, Value};
use chrono::{DateTime as ChronoDateTime, NaiveDate, Utc};
use salkku_domain::deadline::{ZONE, to_seconds};
use salkku_domain::{Amount, Money, Rate};

use crate::error::ApiError;

/// An exact decimal number on the wire, always a JSON string: "700000.00", "80.00".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decimal(Exact);

/// Input stays text until a resolver parses it; output stays a number until it is written, which
/// happens only for the fields a query selects (a bucket of the portfolio holds five amounts).
#[derive(Debug, Clone, PartialEq, Eq)]
enum Exact {
    Text(String),
    Money(Money),
    Rate(Rate),
    Number(rust_decimal::Decimal),
}

#[Scalar(name = "Decimal")]
impl ScalarType for Decimal {
    fn parse(value: Value) -> InputValueResult<Self> {
        match value {
            Value::String(s) => Ok(Decimal(Exact::Text(s))),
            Value::Number(_) => Err(InputValueError::custom(
                "send decimals as JSON strings, e.g. \"700000.00\": numbers could lose cents",
            )),
            other => Err(InputValueError::expected_type(other)),
        }
    }

    fn to_value(&self) -> Value {
        Value::String(self.text().into_owned())
    }
}

impl From<Money> for Decimal {
    fn from(m: Money) -> Self {
        Decimal(Exact::Money(m))
    }
}

impl From<Rate> for Decimal {
    fn from(r: Rate) -> Self {
        Decimal(Exact::Rate(r))
    }
}

impl From<rust_decimal::Decimal> for Decimal {
    fn from(d: rust_decimal::Decimal) -> Self {
        Decimal(Exact::Number(d))
    }
}

impl Decimal {
    /// The number as the wire writes it (input as it came).
    fn text(&self) -> std::borrow::Cow<'_, str> {
        match &self.0 {
            Exact::Text(text) => std::borrow::Cow::Borrowed(text),
            Exact::Money(m) => std::borrow::Cow::Owned(m.to_string()),
            Exact::Rate(r) => std::borrow::Cow::Owned(r.to_string()),
            Exact::Number(d) => std::borrow::Cow::Owned(d.to_string()),
        }
    }

    /// An amount of money a user enters (never negative), or bad input in `field`.
    pub fn amount(&self, field: &str) -> Result<Amount, ApiError> {
        Amount::parse(&self.text()).map_err(|e| ApiError::invalid(field, e))
    }

    /// A rate in percent, 0–100, or bad input in `field`.
    pub fn rate(&self, field: &str) -> Result<Rate, ApiError> {
        Rate::parse(&self.text()).map_err(|e| ApiError::invalid(field, e))
    }

    /// Any exact decimal, or bad input in `field`.
    pub fn exact(&self, field: &str) -> Result<rust_decimal::Decimal, ApiError> {
        let raw = self.text();
        let well_formed = !raw.is_empty()
            && raw.len() <= 40
            && raw.trim_start_matches('-').chars().all(|c| c.is_ascii_digit() || c == '.');
        well_formed.then(|| rust_decimal::Decimal::from_str_exact(&raw).ok()).flatten().ok_or_else(|| {
            ApiError::bad_input(
                field,
                salkku_domain::message!(
                    fi: "{raw:?} ei ole desimaaliluku, kuten \"25000\" tai \"1.5\"",
                    sv: "{raw:?} är inget decimaltal som \"25000\" eller \"1.5\"",
                    en: "{raw:?} is not a decimal number such as \"25000\" or \"1.5\"",
                ),
            )
        })
    }
}

/// An instant. Shown in Europe/Helsinki with its offset ("2020-04-30T16:15:00+03:00"); accepted
/// in any offset, held to the whole second. A malformed input string is kept as it came and
/// refused by the resolver, which knows which field it was sent in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DateTime(Result<ChronoDateTime<Utc>, String>);

impl From<ChronoDateTime<Utc>> for DateTime {
    fn from(at: ChronoDateTime<Utc>) -> Self {
        DateTime(Ok(at))
    }
}

impl DateTime {
    /// The instant, or bad input in `field`.
    pub fn get(&self, field: &str) -> Result<ChronoDateTime<Utc>, ApiError> {
        self.0.clone().map_err(|raw| {
            ApiError::bad_input(
                field,
                salkku_domain::message!(
                    fi: "{raw:?} ei ole RFC 3339 -aikaleima aikavyöhykkeineen, esim. \"2020-04-30T16:15:00+03:00\"",
                    sv: "{raw:?} är ingen RFC 3339-tidpunkt med tidszon, t.ex. \"2020-04-30T16:15:00+03:00\"",
                    en: "{raw:?} is not an RFC 3339 instant with an offset, e.g. \"2020-04-30T16:15:00+03:00\"",
                ),
            )
        })
    }
}

#[Scalar(name = "DateTime")]
impl ScalarType for DateTime {
    fn parse(value: Value) -> InputValueResult<Self> {
        match value {
            Value::String(s) => Ok(DateTime(
                ChronoDateTime::parse_from_rfc3339(&s)
                    .map(|t| to_seconds(t.with_timezone(&Utc)))
                    .map_err(|_| truncate(&s)),
            )),
            other => Err(InputValueError::expected_type(other)),
        }
    }

    fn to_value(&self) -> Value {
        match &self.0 {
            Ok(at) => Value::String(at.with_timezone(&ZONE).to_rfc3339_opts(chrono::SecondsFormat::Secs, false)),
            Err(raw) => Value::String(raw.clone()),
        }
    }
}

/// A calendar date, "2020-06-18"; a malformed input is refused by the resolver, as for
/// [`DateTime`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Date(Result<NaiveDate, String>);

impl From<NaiveDate> for Date {
    fn from(day: NaiveDate) -> Self {
        Date(Ok(day))
    }
}

impl Date {
    /// The date, or bad input in `field`.
    pub fn get(&self, field: &str) -> Result<NaiveDate, ApiError> {
        self.0.clone().map_err(|raw| {
            ApiError::bad_input(
                field,
                salkku_domain::message!(
                    fi: "{raw:?} ei ole päivämäärä muodossa \"2020-06-18\"",
                    sv: "{raw:?} är inget datum av formen \"2020-06-18\"",
                    en: "{raw:?} is not a date of the form \"2020-06-18\"",
                ),
            )
        })
    }
}

#[Scalar(name = "Date")]
impl ScalarType for Date {
    fn parse(value: Value) -> InputValueResult<Self> {
        match value {
            Value::String(s) => Ok(Date(
                NaiveDate::parse_from_str(&s, "%Y-%m-%d").ok().filter(|_| s.len() == 10).ok_or_else(|| truncate(&s)),
            )),
            other => Err(InputValueError::expected_type(other)),
        }
    }

    fn to_value(&self) -> Value {
        match &self.0 {
            Ok(day) => Value::String(day.format("%Y-%m-%d").to_string()),
            Err(raw) => Value::String(raw.clone()),
        }
    }
}

fn truncate(s: &str) -> String {
    s.chars().take(64).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn instants_are_shown_in_helsinki_time() {
        let summer = DateTime::parse(Value::String("2020-04-30T13:15:00Z".into())).unwrap();
        assert!(summer.get("at").is_ok());
        assert_eq!(summer.to_value(), Value::String("2020-04-30T16:15:00+03:00".into()));
        let winter = DateTime::parse(Value::String("2019-03-29T16:15:00+02:00".into())).unwrap();
        assert_eq!(winter.to_value(), Value::String("2019-03-29T16:15:00+02:00".into()));
    }

    #[test]
    fn an_instant_without_offset_is_refused_naming_the_field() {
        let naive = DateTime::parse(Value::String("2020-04-30T16:15:00".into())).unwrap();
        assert_eq!(naive.get("closesAt").unwrap_err().field.as_deref(), Some("closesAt"));
        assert!(DateTime::parse(Value::Number(5.into())).is_err());
    }

    #[test]
    fn dates_are_iso_8601() {
        assert_eq!(
            Date::parse(Value::String("2020-06-18".into())).unwrap().to_value(),
            Value::String("2020-06-18".into())
        );
        for bad in ["18.6.2020", "2020-6-18", "2020-02-30"] {
            let parsed = Date::parse(Value::String(bad.into())).unwrap();
            assert_eq!(parsed.get("dueDate").unwrap_err().field.as_deref(), Some("dueDate"), "{bad}");
        }
        assert!(Date::parse(Value::Number(20200618.into())).is_err());
    }

    #[test]
    fn decimals_travel_as_strings_only() {
        assert!(Decimal::parse(Value::Number(1.into())).is_err());
        let d = Decimal::parse(Value::String("700000.001".into())).unwrap();
        let err = d.amount("amount").unwrap_err();
        assert_eq!(err.field.as_deref(), Some("amount"));
    }

    #[test]
    fn amounts_and_rates_are_written_with_their_cents() {
        let written = |d: Decimal| d.to_value();
        assert_eq!(written(Money::from_cents(70_000_000).unwrap().into()), Value::String("700000.00".into()));
        assert_eq!(written(Money::from_cents(-5).unwrap().into()), Value::String("-0.05".into()));
        assert_eq!(written(Rate::parse("80").unwrap().into()), Value::String("80.00".into()));
        let parsed = Decimal::parse(Value::String("12.5".into())).unwrap();
        assert_eq!(parsed.to_value(), Value::String("12.5".into()));
        assert_eq!(parsed.exact("weight").unwrap(), rust_decimal::Decimal::new(125, 1));
    }
}
