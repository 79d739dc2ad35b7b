//! The audit log: every change records who made it (subject, role, organisation), when, which
//! mutation on which objects, and the values before and after — in the transaction of the change
//! itself, so that a change and its record stand or fall together.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set};
use serde::Serialize;

use crate::entities::audit::{entry, object};
use crate::paging::{Page, cut};
use crate::support::one_of;
use crate::{Actor, StoreError, StoreResult};

/// A change about to be made: by whom, which mutation, at what time.
#[derive(Debug, Clone, Copy)]
pub struct Change<'a> {
    pub actor: &'a Actor,
    /// The mutation's name, e.g. "setBudget".
    pub operation: &'static str,
    pub at: DateTime<Utc>,
}

impl<'a> Change<'a> {
    pub fn new(actor: &'a Actor, operation: &'static str, at: DateTime<Utc>) -> Self {
        Change { actor, operation, at }
    }
}

/// Values as the log keeps them: JSON.
fn json<T: Serialize>(value: &T) -> StoreResult<String> {
    serde_json::to_string(value).map_err(|e| StoreError::corrupt(format!("a value cannot be logged: {e}")))
}

/// Writes one entry for `objects` (global IDs) with the values `before` and `after`.
pub(crate) async fn record<C: ConnectionTrait, B: Serialize, A: Serialize>(
    c: &C,
    change: &Change<'_>,
    objects: &[String],
    before: Option<&B>,
    after: Option<&A>,
) -> StoreResult<()> {
    let saved = entry::ActiveModel {
        at: Set(change.at),
        subject: Set(change.actor.subject.clone()),
        role: Set(change.actor.role.as_str().to_owned()),
        organization_id: Set(change.actor.organization.map(|o| o.0)),
        operation: Set(change.operation.to_owned()),
        before: Set(before.map(json).transpose()?),
        after: Set(after.map(json).transpose()?),
        ..Default::default()
    }
    .insert(c)
    .await?;
    let mut unique: Vec<&String> = objects.iter().collect();
    unique.sort();
    unique.dedup();
    if !unique.is_empty() {
        let rows =
            unique.into_iter().map(|o| object::ActiveModel { entry_id: Set(saved.id), object_id: Set(o.clone()) });
        object::Entity::insert_many(rows).exec_without_returning(c).await?;
    }
    Ok(())
}

/// One entry as read back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub id: i64,
    pub at: DateTime<Utc>,
    pub subject: String,
    pub role: String,
    pub organization: Option<i64>,
    pub operation: String,
    pub objects: Vec<String>,
    pub before: Option<String>,
    pub after: Option<String>,
}

/// Entries newest first, optionally only those about `object`; `after` is the id of the last entry
/// of the previous page.
pub async fn list<C: ConnectionTrait>(
    c: &C,
    object: Option<&str>,
    first: u64,
    after: Option<i64>,
    counted: bool,
) -> StoreResult<Page<Entry>> {
    let mut query = entry::Entity::find();
    let mut count = entry::Entity::find();
    if let Some(object_id) = object {
        let ids: Vec<i64> = object::Entity::find()
            .select_only()
            .column(object::Column::EntryId)
            .filter(object::Column::ObjectId.eq(object_id))
            .into_tuple()
            .all(c)
            .await?;
        query = query.filter(one_of(c, entry::Column::Id, ids.clone()));
        count = count.filter(one_of(c, entry::Column::Id, ids));
    }
    let total = crate::paging::count_if(c, counted, count).await?;
    if let Some(last) = after {
        query = query.filter(entry::Column::Id.lt(last));
    }
    let rows = query.order_by_desc(entry::Column::Id).limit(first + 1).all(c).await?;
    let (rows, has_next) = cut(rows, first);
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let mut objects: BTreeMap<i64, Vec<String>> = BTreeMap::new();
    for o in object::Entity::find().filter(one_of(c, object::Column::EntryId, ids)).all(c).await? {
        objects.entry(o.entry_id).or_default().push(o.object_id);
    }
    let items = rows
        .into_iter()
        .map(|r| Entry {
            objects: objects.remove(&r.id).unwrap_or_default(),
            id: r.id,
            at: r.at,
            subject: r.subject,
            role: r.role,
            organization: r.organization_id,
            operation: r.operation,
            before: r.before,
            after: r.after,
        })
        .collect();
    Ok(Page { items, has_next, total })
}
