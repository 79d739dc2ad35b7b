//! Calendar feeds: a user's secret subscription to deadlines, created and revoked. The token
//! itself is never stored, only its hash (the API hashes it), so the table cannot leak working
//! links.

use salkku_domain::calendar::ReminderDays;
use salkku_domain::ids::{ApplicationId, CalendarFeedId, NodeKind, OrganizationId};
use salkku_domain::labels::Language;
use salkku_domain::{DeadlineKind, Role};
use sea_orm::sea_query::{Alias, Expr, ExprTrait, Query};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityName, EntityTrait, QueryFilter, QuerySelect, QueryTrait};

use crate::Concerning;
use crate::commands::audit;
use crate::entities::{application, calendar_feed as feed};
use crate::store::batch::Writes;
use crate::store::held::{self as store_held, Reference};
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

/// Creates a feed owned by the actor, recorded in the audit log (without its token). How many
/// feeds the actor holds, whether the organisation and application named are there and the
/// feed's key are read in one statement; the feed and its audit entry are written as one more.
pub async fn create(db: &Db, change: &Change<'_>, new: NewCalendarFeed) -> StoreResult<CalendarFeed> {
    let tx = db.begin_write().await?;
    let backend = tx.get_database_backend();
    let mut references = Vec::new();
    if let Some(org) = new.organization {
        references.push(Reference::organization(Concerning::Organization, org.0));
    }
    if let Some(app) = new.application {
        references.push(Reference::to(application::Entity, Concerning::Application, NodeKind::Application, app.0));
    }
    let held = Query::select()
        .expr(Expr::col(feed::Column::Id).count())
        .from(feed::Entity)
        .and_where(Expr::col(feed::Column::OwnerSubject).eq(change.actor.subject.as_str()))
        .and_where(Expr::col(feed::Column::RevokedAt).is_null())
        .to_owned();
    let mut query = Query::select();
    query.expr_as(Expr::SubQuery(None, Box::new(held.into())), Alias::new("held"));
    store_held::with_references(&mut query, &references);
    query.expr_as(store_held::next_key(backend, feed::Entity.table_name(), 0), Alias::new("feed_key"));
    let row = store_held::read_values(&*tx, query).await?;
    let held: i64 = row.try_get("", "held")?;
    if u64::try_from(held).unwrap_or(0) >= MAX_FEEDS_PER_OWNER {
        return Err(StoreError::TooManyFeeds { limit: MAX_FEEDS_PER_OWNER });
    }
    store_held::check_references(&row, &references)?;
    let mut kinds = new.kinds;
    kinds.sort();
    kinds.dedup();
    let model = feed::Model {
        id: row.try_get("", "feed_key")?,
        token_hash: new.token_hash,
        owner_subject: change.actor.subject.clone(),
        organization_id: new.organization.map(|o| o.0),
        application_id: new.application.map(|a| a.0),
        kinds: kinds.iter().map(|k| k.as_str()).collect::<Vec<_>>().join(","),
        reminder_days: i32::from(new.reminder_days.days()),
        language: new.language.code().to_owned(),
        created_at: change.at,
        revoked_at: None,
    };
    let created = CalendarFeed::try_from(model.clone())?;
    let mut writes = Writes::new(backend);
    writes.insert(model);
    audit::add(&mut writes, change, &[created.id.global()], None::<&()>, Some(&created))?;
    writes.run(&*tx).await?;
    tx.commit().await?;
    Ok(created)
}

/// Revokes a feed: its link stops working at once. Only its owner may, or an admin; to anyone
/// else the feed does not exist, so that feed IDs reveal nothing. The feed is read held, then
/// revoked with its audit entry in one statement.
pub async fn revoke(db: &Db, change: &Change<'_>, id: CalendarFeedId) -> StoreResult<CalendarFeed> {
    let tx = db.begin_write().await?;
    let not_found = || StoreError::NotFound { kind: NodeKind::CalendarFeed, key: id.0 };
    let row = feed::Entity::find_by_id(id.0).lock_exclusive().one(&*tx).await?.ok_or_else(not_found)?;
    if row.revoked_at.is_some() || (row.owner_subject != change.actor.subject && change.actor.role != Role::Admin) {
        return Err(not_found());
    }
    let revoked = CalendarFeed::try_from(row)?;
    let update = feed::Entity::update_many()
        .col_expr(feed::Column::RevokedAt, Expr::value(change.at))
        .filter(feed::Column::Id.eq(id.0))
        .filter(feed::Column::RevokedAt.is_null());
    let mut writes = Writes::new(tx.get_database_backend());
    writes.push(&update.into_query());
    audit::add(&mut writes, change, &[revoked.id.global()], Some(&revoked), None::<&()>)?;
    writes.run(&*tx).await?;
    tx.commit().await?;
    Ok(revoked)
}
