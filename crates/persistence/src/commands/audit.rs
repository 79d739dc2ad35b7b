//! The audit log's writing side: every change records who made it (subject, role,
//! organisation), when, which mutation on which objects, and the values before and after, in the
//! transaction of the change itself, so that a change and its record stand or fall together.

use chrono::{DateTime, Utc};
use sea_orm::{ActiveModelTrait, ConnectionTrait, EntityTrait, Set};
use serde::Serialize;

use crate::entities::audit::{entry, object};
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
