//! How a user asks to be reminded by email.

use async_graphql::InputObject;
use salkku_domain::reminder::{DEFAULT_LEAD_DAYS, Delivery, EmailAddress, LeadTimes};
use salkku_persistence::commands::reminders::NewSettings;

use super::enums::{DeadlineKind, Language};
use super::inputs::deadline_kinds;
use crate::error::{ApiError, ApiResult};

/// The signed-in user's reminders by email; they replace what the user had.
#[derive(InputObject)]
pub struct SetReminderSettingsInput {
    /// Where reminders go.
    pub email: String,
    /// Their language; the request's when absent.
    pub language: Option<Language>,
    /// Only these kinds of deadline; every kind when absent or empty.
    pub kinds: Option<Vec<DeadlineKind>>,
    /// Days before a deadline's local due date: one to five of 0–365 (default 30, 14 and 1).
    pub lead_days: Option<Vec<i32>>,
    /// One more reminder once a deadline is overdue and still calls for action (default true).
    pub overdue: Option<bool>,
    /// A daily digest at this local time (Helsinki, "HH:MM") of the day's reminders; absent:
    /// each reminder at once, as it falls due (at local midnight).
    pub digest_at: Option<String>,
}

impl SetReminderSettingsInput {
    /// The settings asked for; the organisation is the viewer's, the language the request's when
    /// the input names none.
    pub fn parse(
        self,
        organization: Option<salkku_domain::ids::OrganizationId>,
        language: salkku_domain::labels::Language,
    ) -> ApiResult<NewSettings> {
        let days: Vec<i64> = match self.lead_days {
            Some(days) => days.into_iter().map(i64::from).collect(),
            None => DEFAULT_LEAD_DAYS.iter().map(|d| i64::from(*d)).collect(),
        };
        Ok(NewSettings {
            email: EmailAddress::parse(&self.email).map_err(|e| ApiError::invalid("email", e))?,
            language: self.language.map_or(language, Into::into),
            organization,
            kinds: deadline_kinds(self.kinds)?,
            leads: LeadTimes::new(&days, self.overdue.unwrap_or(true)).map_err(|e| ApiError::invalid("leadDays", e))?,
            delivery: Delivery::parse(self.digest_at.as_deref()).map_err(|e| ApiError::invalid("digestAt", e))?,
        })
    }
}
