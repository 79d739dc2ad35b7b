//! Calendar feeds as read: a feed as its owner sees it, the owner's working feeds, and the feed a
//! subscription link's token hash names.

use chrono::{DateTime, Utc};
use salkku_domain::DeadlineKind;
use salkku_domain::calendar::ReminderDays;
use salkku_domain::ids::{ApplicationId, CalendarFeedId, OrganizationId};
use salkku_domain::labels::Language;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};

use crate::entities::calendar_feed as feed;
use crate::views::deadlines::DeadlineFilter;
use crate::{StoreError, StoreResult};

/// A feed as its owner sees it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct CalendarFeed {
    pub id: CalendarFeedId,
    pub owner: String,
    pub organization: Option<OrganizationId>,
    pub application: Option<ApplicationId>,
    /// Deadline kinds shown; every kind when empty.
    pub kinds: Vec<DeadlineKind>,
    #[serde(serialize_with = "reminder_days")]
    pub reminder_days: ReminderDays,
    #[serde(serialize_with = "language")]
    pub language: Language,
    pub created_at: DateTime<Utc>,
}

fn reminder_days<S: serde::Serializer>(d: &ReminderDays, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_u8(d.days())
}

fn language<S: serde::Serializer>(l: &Language, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(l.code())
}

impl CalendarFeed {
    /// Which deadlines the feed shows.
    pub fn filter(&self) -> DeadlineFilter {
        DeadlineFilter {
            kinds: self.kinds.clone(),
            region: None,
            organization: self.organization,
            application: self.application,
        }
    }
}

impl TryFrom<feed::Model> for CalendarFeed {
    type Error = StoreError;
    fn try_from(m: feed::Model) -> StoreResult<Self> {
        let corrupt = |e: salkku_domain::DomainError| StoreError::corrupt(e.to_string());
        Ok(CalendarFeed {
            id: CalendarFeedId(m.id),
            owner: m.owner_subject,
            organization: m.organization_id.map(OrganizationId),
            application: m.application_id.map(ApplicationId),
            kinds: m
                .kinds
                .split(',')
                .filter(|k| !k.is_empty())
                .map(DeadlineKind::parse)
                .collect::<Result<_, _>>()
                .map_err(corrupt)?,
            reminder_days: ReminderDays::new(i64::from(m.reminder_days)).map_err(corrupt)?,
            language: Language::parse(&m.language).map_err(corrupt)?,
            created_at: m.created_at,
        })
    }
}

/// The owner's feeds that still work, oldest first.
pub async fn of_owner<C: ConnectionTrait>(c: &C, owner: &str) -> StoreResult<Vec<CalendarFeed>> {
    feed::Entity::find()
        .filter(feed::Column::OwnerSubject.eq(owner))
        .filter(feed::Column::RevokedAt.is_null())
        .order_by_asc(feed::Column::Id)
        .all(c)
        .await?
        .into_iter()
        .map(CalendarFeed::try_from)
        .collect()
}

/// The working feed with this token hash.
pub async fn by_token_hash<C: ConnectionTrait>(c: &C, token_hash: &str) -> StoreResult<Option<CalendarFeed>> {
    feed::Entity::find()
        .filter(feed::Column::TokenHash.eq(token_hash))
        .filter(feed::Column::RevokedAt.is_null())
        .one(c)
        .await?
        .map(CalendarFeed::try_from)
        .transpose()
}
