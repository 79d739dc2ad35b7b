//! The audit log's writing side: every change records who made it (subject, role,
//! organisation), when, which mutation on which objects, and the values before and after, in the
//! transaction of the change itself, so that a change and its record stand or fall together.

use std::sync::atomic::{AtomicBool, Ordering};

use chrono::{DateTime, Utc};
use salkku_domain::ids::OrganizationId;
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
    /// The organisation whose projects (or, for a document of a decision, whose decisions) alone
    /// the change may touch: a coordinator's. The command's own read checks that it leads or
    /// co-implements the project, or made the decision (`commands::involvement`), so the policy
    /// reads nothing before the change. Set only with [`Change::limited_to`], which also gives the
    /// flag `checked`.
    involving: Option<OrganizationId>,
    /// Set once the command has checked `involving`: a change limited so and not checked is not
    /// written ([`add`] refuses its audit entry), so a command that forgot the check fails closed.
    checked: Option<&'a AtomicBool>,
}

impl<'a> Change<'a> {
    pub fn new(actor: &'a Actor, operation: &'static str, at: DateTime<Utc>) -> Self {
        Change { actor, operation, at, involving: None, checked: None }
    }

    /// The same change, allowed only on projects `organization` leads or co-implements and on its
    /// own decisions (none: not limited); `checked` records that the command checked it.
    pub fn limited_to(self, organization: Option<OrganizationId>, checked: &'a AtomicBool) -> Self {
        Change { involving: organization, checked: Some(checked), ..self }
    }

    /// The organisation the change is limited to, if any.
    pub(crate) fn involving(&self) -> Option<OrganizationId> {
        self.involving
    }

    /// Records that the command found the organisation involved in the project.
    pub(crate) fn involvement_checked(&self) {
        if let Some(checked) = self.checked {
            checked.store(true, Ordering::Relaxed);
        }
    }

    /// Whether the change may be written as far as `involving` goes: not limited, or checked.
    fn may_be_written(&self) -> bool {
        self.involving.is_none() || self.checked.is_some_and(|c| c.load(Ordering::Relaxed))
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
    if !change.may_be_written() {
        return Err(StoreError::corrupt(format!(
            "{}: a change limited to an organisation's projects was not checked against them",
            change.operation
        )));
    }
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

#[cfg(test)]
mod tests {
    use std::sync::atomic::AtomicBool;

    use chrono::Utc;
    use salkku_domain::Role;
    use salkku_domain::ids::OrganizationId;
    use sea_orm::DbBackend;

    use super::{Change, add};
    use crate::store::batch::Writes;
    use crate::{Actor, StoreError};

    #[test]
    fn a_coordinators_change_is_logged_only_once_the_command_checked_their_organisations_part() {
        let actor =
            Actor { subject: "auli.romppainen".into(), role: Role::Coordinator, organization: Some(OrganizationId(1)) };
        let checked = AtomicBool::new(false);
        let change = Change::new(&actor, "addCommitment", Utc::now()).limited_to(Some(OrganizationId(1)), &checked);
        let log =
            |change: &Change<'_>| add(&mut Writes::new(DbBackend::Postgres), change, &[], None::<&()>, None::<&()>);
        assert!(matches!(log(&change), Err(StoreError::Corrupt(_))), "unchecked, refused");
        change.involvement_checked();
        assert!(log(&change).is_ok(), "checked, logged");
        let unlimited = Change::new(&actor, "addCommitment", Utc::now());
        assert!(log(&unlimited).is_ok(), "a change not limited to an organisation needs no check");
    }
}
