//! Calendar feeds: a user's secret subscription to deadlines, created and revoked. The token
//! itself is never stored, only its hash (the API hashes it), so the table cannot leak working
//! links.

use salkku_domain::calendar::ReminderDays;
use salkku_domain::ids::{ApplicationId, CalendarFeedId, NodeKind, OrganizationId};
use salkku_domain::labels::Language;
use salkku_domain::{DeadlineKind, Role};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, Set};

use crate::Concerning;
use crate::commands::audit;
use crate::entities::{application, calendar_feed as feed, organization};
use crate::store::support::referenced;
use crate::views::calendar_feeds::CalendarFeed;
use crate::{Change, Db, StoreError, StoreResult};

/// A feed about to be created, for `change.actor`.
#[derive(Debug, Clone)]
pub struct NewCalendarFeed {
    /// Hex SHA-256 of the secret token.
    pub token_hash: String,
    pub organization: Option<OrganizationId>,
    pub application: Option<ApplicationId>,
    pub kinds: Vec<DeadlineKind>,
    pub reminder_days: ReminderDays,
    pub language: Language,
}

/// Most feeds one user holds at a time: enough for every organisation and application they
/// follow, few enough that forgotten links do not pile up.
pub const MAX_FEEDS_PER_OWNER: u64 = 20;

/// Creates a feed owned by the actor, recorded in the audit log (without its token).
pub async fn create(db: &Db, change: &Change<'_>, new: NewCalendarFeed) -> StoreResult<CalendarFeed> {
    let tx = db.begin_write().await?;
    let held = feed::Entity::find()
        .filter(feed::Column::OwnerSubject.eq(change.actor.subject.as_str()))
        .filter(feed::Column::RevokedAt.is_null())
        .count(&*tx)
        .await?;
    if held >= MAX_FEEDS_PER_OWNER {
        return Err(StoreError::TooManyFeeds { limit: MAX_FEEDS_PER_OWNER });
    }
    if let Some(org) = new.organization {
        referenced::<organization::Entity, _>(&*tx, Concerning::Organization, NodeKind::Organization, org.0).await?;
    }
    if let Some(app) = new.application {
        referenced::<application::Entity, _>(&*tx, Concerning::Application, NodeKind::Application, app.0).await?;
    }
    let mut kinds = new.kinds;
    kinds.sort();
    kinds.dedup();
    let row = feed::ActiveModel {
        token_hash: Set(new.token_hash),
        owner_subject: Set(change.actor.subject.clone()),
        organization_id: Set(new.organization.map(|o| o.0)),
        application_id: Set(new.application.map(|a| a.0)),
        kinds: Set(kinds.iter().map(|k| k.as_str()).collect::<Vec<_>>().join(",")),
        reminder_days: Set(i32::from(new.reminder_days.days())),
        language: Set(new.language.code().to_owned()),
        created_at: Set(change.at),
        revoked_at: Set(None),
        ..Default::default()
    }
    .insert(&*tx)
    .await?;
    let created = CalendarFeed::try_from(row)?;
    audit::record(&*tx, change, &[created.id.global()], None::<&()>, Some(&created)).await?;
    tx.commit().await?;
    Ok(created)
}

/// Revokes a feed: its link stops working at once. Only its owner may, or an admin; to anyone
/// else the feed does not exist, so that feed IDs reveal nothing.
pub async fn revoke(db: &Db, change: &Change<'_>, id: CalendarFeedId) -> StoreResult<CalendarFeed> {
    let tx = db.begin_write().await?;
    let not_found = || StoreError::NotFound { kind: NodeKind::CalendarFeed, key: id.0 };
    let row = feed::Entity::find_by_id(id.0).one(&*tx).await?.ok_or_else(not_found)?;
    if row.revoked_at.is_some() || (row.owner_subject != change.actor.subject && change.actor.role != Role::Admin) {
        return Err(not_found());
    }
    let revoked = CalendarFeed::try_from(row)?;
    let updated = feed::Entity::update_many()
        .col_expr(feed::Column::RevokedAt, Expr::value(change.at))
        .filter(feed::Column::Id.eq(id.0))
        .filter(feed::Column::RevokedAt.is_null())
        .exec(&*tx)
        .await?;
    if updated.rows_affected != 1 {
        return Err(not_found());
    }
    audit::record(&*tx, change, &[revoked.id.global()], Some(&revoked), None::<&()>).await?;
    tx.commit().await?;
    Ok(revoked)
}
