use async_graphql::{Context, ID, Object};
use salkku_persistence::views::calendar_feeds::CalendarFeed as Stored;

use super::{Application, Organization};
use crate::error::ApiResult;
use crate::schema::enums::{DeadlineKind, Language};
use crate::schema::loaders;
use crate::schema::scalars::DateTime;

/// A secret calendar subscription (iCalendar) to deadlines, for Outlook, Google Calendar and the
/// like. Only its owner sees it.
pub struct CalendarFeed {
    pub feed: Stored,
    /// The subscription address: known only when the feed is created.
    pub url: Option<String>,
}

#[Object]
impl CalendarFeed {
    async fn id(&self) -> ID {
        super::id(self.feed.id.global())
    }

    /// The address to subscribe to; it is the feed's only key, so it is shown once, in the
    /// answer to createCalendarFeed, and null afterwards. Lost it? Revoke the feed and create
    /// another.
    async fn url(&self) -> Option<&str> {
        self.url.as_deref()
    }

    async fn organization(&self, ctx: &Context<'_>) -> ApiResult<Option<Organization>> {
        let Some(id) = self.feed.organization else { return Ok(None) };
        Ok(loaders(ctx)?.load_one(id).await?.map(Organization))
    }

    async fn application(&self, ctx: &Context<'_>) -> ApiResult<Option<Application>> {
        let Some(id) = self.feed.application else { return Ok(None) };
        Ok(loaders(ctx)?.load_one(id).await?.map(Application))
    }

    /// The deadline kinds shown; every kind when empty.
    async fn kinds(&self) -> Vec<DeadlineKind> {
        self.feed.kinds.iter().map(|k| (*k).into()).collect()
    }

    async fn reminder_days(&self) -> i32 {
        i32::from(self.feed.reminder_days.days())
    }

    async fn language(&self) -> Language {
        self.feed.language.into()
    }

    async fn created_at(&self) -> DateTime {
        DateTime::from(self.feed.created_at)
    }
}
