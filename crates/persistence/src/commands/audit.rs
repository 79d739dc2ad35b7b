//! The audit log's writing side: every change records who made it (subject, role,
//! organisation), when, which mutation on which objects, and the values before and after, in the
//! transaction of the change itself, so that a change and its record stand or fall together.

use chrono::{DateTime, Utc};
use sea_orm::DbBackend;
use sea_orm::sea_query::Query;
use serde::Serialize;

use crate::entities::audit::entry;
use crate::store::batch::Writes;
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

/// Adds the entry to a command's `writes`: the entry, then its objects, which read its key.
pub(crate) fn add<B: Serialize, A: Serialize>(
    writes: &mut Writes,
    change: &Change<'_>,
    objects: &[String],
    before: Option<&B>,
    after: Option<&A>,
) -> StoreResult<()> {
    let mut unique: Vec<String> = objects.to_vec();
    unique.sort();
    unique.dedup();
    let mut entry = Query::insert();
    entry
        .into_table(entry::Entity)
        .columns([
            entry::Column::At,
            entry::Column::Subject,
            entry::Column::Role,
            entry::Column::OrganizationId,
            entry::Column::Operation,
            entry::Column::Before,
            entry::Column::After,
        ])
        .values([
            change.at.into(),
            change.actor.subject.clone().into(),
            change.actor.role.as_str().into(),
            change.actor.organization.map(|o| o.0).into(),
            change.operation.into(),
            before.map(json).transpose()?.into(),
            after.map(json).transpose()?.into(),
        ])
        .map_err(|e| StoreError::corrupt(e.to_string()))?;
    if writes.backend() == DbBackend::Postgres {
        writes.push_named(ENTRY, entry.returning_col(entry::Column::Id));
        let objects = format!(
            "INSERT INTO audit_log_objects (entry_id, object_id) \
             SELECT {ENTRY}.id, object FROM {ENTRY} CROSS JOIN unnest($1::text[]) AS object"
        );
        writes.push_sql("audit_objects", objects, vec![unique.into()]);
        return Ok(());
    }
    writes.push_named(ENTRY, &entry);
    if !unique.is_empty() {
        // SQLite writes one transaction at a time: the newest entry is the one just written.
        let rows = vec!["(?)"; unique.len()].join(", ");
        let objects = format!(
            "INSERT INTO audit_log_objects (entry_id, object_id) \
             SELECT (SELECT max(id) FROM audit_log), column1 FROM (VALUES {rows})"
        );
        writes.push_sql("audit_objects", objects, unique.into_iter().map(sea_orm::Value::from).collect());
    }
    Ok(())
}

/// The name the entry's part goes by in a command's writes.
const ENTRY: &str = "audit_entry";
