//! Whether a grant call is upcoming, open or closed at a given moment.

use chrono::{DateTime, Utc};

use crate::DomainError;
use crate::codes::code_list;

code_list!(
    /// A call's status: before its opening, during its application period, after its closing.
    GrantCallStatus { Upcoming, Open, Closed }
);

impl GrantCallStatus {
    /// A call without an opening time is open until it closes; it is closed from the closing
    /// instant on.
    pub fn at(opens_at: Option<DateTime<Utc>>, closes_at: DateTime<Utc>, now: DateTime<Utc>) -> GrantCallStatus {
        if now >= closes_at {
            GrantCallStatus::Closed
        } else if opens_at.is_some_and(|o| now < o) {
            GrantCallStatus::Upcoming
        } else {
            GrantCallStatus::Open
        }
    }
}

/// A call must close after it opens.
pub fn check_application_period(opens_at: Option<DateTime<Utc>>, closes_at: DateTime<Utc>) -> Result<(), DomainError> {
    match opens_at {
        Some(opens) if opens >= closes_at => Err(DomainError::InvalidPeriod(crate::message!(
            fi: "haku päättyisi ({closes_at}) ennen kuin se alkaa ({opens}): closesAt on oltava opensAtin jälkeen",
            sv: "utlysningen skulle stänga ({closes_at}) innan den öppnar ({opens}): closesAt måste vara efter opensAt",
            en: "the call would close ({closes_at}) before it opens ({opens}): closesAt must be after opensAt",
        ))),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::deadline::helsinki;

    #[test]
    fn the_esr_call_of_2019_was_upcoming_open_then_closed() {
        let opens = helsinki(2019, 1, 14, 0, 0).unwrap();
        let closes = helsinki(2019, 3, 29, 16, 15).unwrap();
        let at = |y, m, d, h, min| GrantCallStatus::at(Some(opens), closes, helsinki(y, m, d, h, min).unwrap());
        assert_eq!(at(2019, 1, 13, 23, 59), GrantCallStatus::Upcoming);
        assert_eq!(at(2019, 1, 14, 0, 0), GrantCallStatus::Open);
        assert_eq!(at(2019, 3, 29, 16, 14), GrantCallStatus::Open);
        assert_eq!(at(2019, 3, 29, 16, 15), GrantCallStatus::Closed);
    }

    #[test]
    fn a_call_without_an_opening_time_is_open_until_it_closes() {
        let closes = helsinki(2020, 4, 30, 16, 15).unwrap();
        assert_eq!(GrantCallStatus::at(None, closes, helsinki(2000, 1, 1, 0, 0).unwrap()), GrantCallStatus::Open);
    }

    #[test]
    fn a_call_closes_after_it_opens() {
        let t = helsinki(2020, 4, 30, 16, 15).unwrap();
        assert!(check_application_period(Some(t), t).is_err());
        assert!(check_application_period(None, t).is_ok());
    }
}
