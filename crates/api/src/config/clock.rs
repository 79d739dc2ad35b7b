//! The service's notion of now: the system clock, or a fixed instant for tests and demos.

use chrono::{DateTime, Utc};

#[derive(Debug, Clone, Copy, Default)]
pub enum Clock {
    #[default]
    System,
    Fixed(DateTime<Utc>),
}

impl Clock {
    /// Now, to the whole second: what is stored and compared.
    pub fn now(self) -> DateTime<Utc> {
        let now = match self {
            Clock::System => Utc::now(),
            Clock::Fixed(at) => at,
        };
        salkku_domain::deadline::to_seconds(now)
    }
}
