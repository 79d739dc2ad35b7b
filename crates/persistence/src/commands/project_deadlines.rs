//! A project's deadlines as a command that sends its writes together reads them beside the held
//! project (their rows, whom each concerned, the pledges some of them are of), and whom they
//! concern once the command has changed the project: its participants, its reports, its end, its
//! pledges. updateApplication and a decided change request share it.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Utc};
use salkku_domain::deadline::Standing as DeadlineStanding;
use salkku_domain::ids::OrganizationId;
use salkku_domain::{ApplicationStatus, CommitmentStatus};
use sea_orm::DbBackend;
use sea_orm::QueryResult;
use sea_orm::sea_query::SelectStatement;

use crate::commands::deadlines::{Source, Synced};
use crate::derived;
use crate::entities::{commitment, deadline, deadline_party};
use crate::records::Report;
use crate::store::batch::Writes;
use crate::store::nested::{Children, children, with_children};
use crate::{StoreError, StoreResult};

/// Adds to `query`, which reads the held `applications` row, the project's deadlines, whom each
/// concerns and its pledges, as [`ProjectDeadlines::read`] reads them back.
pub(crate) fn with_reads(backend: DbBackend, query: &mut SelectStatement) {
    let project = "applications.id";
    let due = Children::of(deadline::Entity, deadline::Column::ApplicationId, project, Some(deadline::Column::Id));
    with_children(backend, query, DEADLINES, due);
    let concerned = Children {
        child: deadline_party::Entity,
        filter: format!("t.\"deadline_id\" IN (SELECT d.id FROM deadlines d WHERE d.application_id = {project})"),
        order: Some(deadline_party::Column::DeadlineId),
    };
    with_children(backend, query, PARTIES, concerned);
    let order = Some(commitment::Column::Id);
    let pledged = Children::of(commitment::Entity, commitment::Column::ApplicationId, project, order);
    with_children(backend, query, PLEDGES, pledged);
}

const DEADLINES: &str = "project_deadline_rows";
const PARTIES: &str = "project_party_rows";
const PLEDGES: &str = "project_commitment_rows";

/// A project's deadlines as read beside its held row.
pub(crate) struct ProjectDeadlines {
    pub deadlines: Vec<deadline::Model>,
    /// Whom each deadline concerned, by deadline: the time it was due by then, the organisations,
    /// whether it called for action.
    parties: BTreeMap<i64, (DateTime<Utc>, BTreeSet<i64>, bool)>,
    /// The project's pledges: as read, until a command that changes one says how it leaves it.
    pub commitments: Vec<commitment::Model>,
}

impl ProjectDeadlines {
    /// Reads back what [`with_reads`] added.
    pub(crate) fn read(row: &QueryResult) -> StoreResult<ProjectDeadlines> {
        let mut parties: BTreeMap<i64, (DateTime<Utc>, BTreeSet<i64>, bool)> = BTreeMap::new();
        for p in children::<deadline_party::Model>(row, PARTIES)? {
            let was = parties.entry(p.deadline_id).or_insert_with(|| (p.due_at, BTreeSet::new(), p.calls_for_action));
            was.1.insert(p.organization_id);
        }
        Ok(ProjectDeadlines { deadlines: children(row, DEADLINES)?, parties, commitments: children(row, PLEDGES)? })
    }

    /// The automatic deadline of `source`, as read.
    pub(crate) fn of(&self, source: Source) -> Option<&deadline::Model> {
        let key = source.key();
        self.deadlines.iter().find(|d| d.source_key.as_deref() == Some(key.as_str()))
    }

    /// Adds to `writes` whom each of the project's deadlines concerns once the command is done:
    /// those it `synced` as they will be (a removed one is the sync's own), the others as read.
    /// Each concerns the lead and the participants (`taking_part`), a pledge's deadline its
    /// organisation too; whether it calls for action, as the project's `status`, its pledges and
    /// its `reports` (as they will be) say.
    pub(crate) fn set_parties(
        &self,
        writes: &mut Writes,
        status: ApplicationStatus,
        synced: Vec<Synced>,
        taking_part: &BTreeSet<OrganizationId>,
        reports: &[Report],
    ) -> StoreResult<()> {
        let mut now = Vec::new();
        let mut seen = BTreeSet::new();
        for s in synced {
            match s {
                Synced::Is(d) => {
                    seen.insert(d.id);
                    now.push(d);
                }
                Synced::Removed(gone) => {
                    seen.insert(gone);
                }
                Synced::None => {}
            }
        }
        // The others (by hand, a pledge's) stay as they are.
        now.extend(self.deadlines.iter().filter(|d| !seen.contains(&d.id)).cloned());
        for d in &now {
            self.set_parties_of(writes, status, d, taking_part, reports)?;
        }
        Ok(())
    }

    fn set_parties_of(
        &self,
        writes: &mut Writes,
        status: ApplicationStatus,
        d: &deadline::Model,
        taking_part: &BTreeSet<OrganizationId>,
        reports: &[Report],
    ) -> StoreResult<()> {
        let mut orgs: BTreeSet<i64> = taking_part.iter().map(|o| o.0).collect();
        let pledge = d.commitment_id.and_then(|k| self.commitments.iter().find(|m| m.id == k));
        orgs.extend(pledge.map(|m| m.organization_id));
        let pledge_status = pledge
            .map(|m| CommitmentStatus::parse(&m.status))
            .transpose()
            .map_err(|e| StoreError::corrupt(format!("a commitment: {e}")))?;
        let standing = DeadlineStanding {
            application: Some(status),
            commitment: pledge_status,
            report: d.report_id.and_then(|k| reports.iter().find(|r| r.id.0 == k)).map(|r| r.status),
        };
        let none = BTreeSet::new();
        let was = match self.parties.get(&d.id) {
            Some((due, orgs, calling)) => Some((*due, orgs, *calling)),
            // A deadline read with no party yet: every party is new to it.
            None => self.deadlines.iter().find(|o| o.id == d.id).map(|o| (o.due_at, &none, true)),
        };
        derived::set_parties(writes, d.id, d.due_at, was, &orgs, standing.is_relevant())
    }
}
