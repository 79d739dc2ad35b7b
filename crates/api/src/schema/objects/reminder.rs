//! Reminders by email: a user's settings, and the outbox administrators watch.

use async_graphql::{Context, Enum, Object};
use salkku_persistence::views::reminders::{OutboxMessage as StoredMessage, ReminderSettings as Stored};

use super::Organization;
use crate::error::ApiResult;
use crate::schema::enums::{DeadlineKind, Language};
use crate::schema::loaders;
use crate::schema::scalars::{Date, DateTime};

/// How the signed-in user is reminded of deadlines by email.
pub struct ReminderSettings(pub Stored);

#[Object]
impl ReminderSettings {
    async fn email(&self) -> &str {
        self.0.email.as_str()
    }

    async fn language(&self) -> Language {
        self.0.language.into()
    }

    /// Whose deadlines: the organisation the user acted for when setting them (its applications,
    /// commitments and calls); every deadline when none.
    async fn organization(&self, ctx: &Context<'_>) -> ApiResult<Option<Organization>> {
        let Some(id) = self.0.organization else { return Ok(None) };
        Ok(loaders(ctx)?.load_one(id).await?.map(Organization))
    }

    /// The kinds of deadline reminded of; every kind when empty.
    async fn kinds(&self) -> Vec<DeadlineKind> {
        self.0.kinds.iter().map(|k| (*k).into()).collect()
    }

    /// Days before a deadline (its local due date) the reminders come, furthest first.
    async fn lead_days(&self) -> Vec<i32> {
        self.0.leads.days().iter().map(|d| i32::from(*d)).collect()
    }

    /// Whether one more reminder comes once a deadline is overdue and still calls for action.
    async fn overdue(&self) -> bool {
        self.0.leads.overdue()
    }

    /// The local time (Helsinki, "HH:MM") of the daily digest; null: each reminder at once.
    async fn digest_at(&self) -> Option<String> {
        self.0.delivery.code()
    }

    async fn version(&self) -> i32 {
        self.0.version
    }
}

/// Where a message of the outbox stands.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
#[graphql(remote = "salkku_domain::reminder::MessageStatus")]
pub enum MessageStatus {
    /// Waiting to be sent, or to be tried again.
    Queued,
    Sent,
    /// Given up after its last attempt.
    Failed,
    /// Nothing in it called for action any more when its time came.
    Cancelled,
}

/// A message of the reminders' outbox.
pub struct OutboxMessage(pub StoredMessage);

#[Object]
impl OutboxMessage {
    async fn id(&self) -> String {
        self.0.id.to_string()
    }

    /// Whose reminder (the token subject).
    async fn subject(&self) -> &str {
        &self.0.subject
    }

    async fn to(&self) -> &str {
        &self.0.to
    }

    /// The day of the digest it is; null for a single reminder.
    async fn digest_day(&self) -> Option<Date> {
        self.0.digest_day.map(Date::from)
    }

    async fn status(&self) -> MessageStatus {
        self.0.status.into()
    }

    async fn attempts(&self) -> i32 {
        self.0.attempts
    }

    async fn send_after(&self) -> DateTime {
        DateTime::from(self.0.send_after)
    }

    /// When it is tried next, while queued.
    async fn next_attempt_at(&self) -> DateTime {
        DateTime::from(self.0.next_attempt_at)
    }

    /// What the mail server answered last time it failed.
    async fn last_error(&self) -> Option<&str> {
        self.0.last_error.as_deref()
    }

    async fn sent_at(&self) -> Option<DateTime> {
        self.0.sent_at.map(DateTime::from)
    }

    async fn created_at(&self) -> DateTime {
        DateTime::from(self.0.created_at)
    }
}
