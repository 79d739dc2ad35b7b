//! Whether an organisation leads or co-implements the project something belongs to, found with
//! the thing itself in one statement: the policy's one read before a coordinator changes a
//! project's change request, report, instalment or commitment.

use salkku_domain::ids::{ChangeRequestId, CommitmentId, InstalmentId, NodeKind, OrganizationId, ReportId};
use sea_orm::sea_query::{Alias, Expr, ExprTrait, Query, SelectStatement};
use sea_orm::{ConnectionTrait, EntityTrait};

use crate::StoreResult;
use crate::entities::{allocation, change_request, commitment, instalment, report_obligation};
use crate::views::applications::involved;

/// Something of a project's that a mutation changes.
#[derive(Debug, Clone, Copy)]
pub enum Belonging {
    ChangeRequest(ChangeRequestId),
    Report(ReportId),
    /// An instalment belongs to its allocation's project, if the allocation funds one.
    Instalment(InstalmentId),
    Commitment(CommitmentId),
}

impl Belonging {
    /// What it is, for a NOT_FOUND.
    pub fn kind_and_key(self) -> (NodeKind, i64) {
        match self {
            Belonging::ChangeRequest(id) => (NodeKind::ChangeRequest, id.0),
            Belonging::Report(id) => (NodeKind::ReportObligation, id.0),
            Belonging::Instalment(id) => (NodeKind::Instalment, id.0),
            Belonging::Commitment(id) => (NodeKind::Commitment, id.0),
        }
    }

    /// One row, its project's key as `project` (null for none), when it exists.
    fn project(self) -> SelectStatement {
        match self {
            Belonging::ChangeRequest(id) => row_project(
                change_request::Entity,
                change_request::Column::ApplicationId,
                change_request::Column::Id,
                id.0,
            ),
            Belonging::Report(id) => row_project(
                report_obligation::Entity,
                report_obligation::Column::ApplicationId,
                report_obligation::Column::Id,
                id.0,
            ),
            Belonging::Commitment(id) => {
                row_project(commitment::Entity, commitment::Column::ApplicationId, commitment::Column::Id, id.0)
            }
            Belonging::Instalment(id) => Query::select()
                .expr_as(Expr::col((allocation::Entity, allocation::Column::ApplicationId)), Alias::new("project"))
                .from(instalment::Entity)
                .inner_join(
                    allocation::Entity,
                    Expr::col((allocation::Entity, allocation::Column::Id))
                        .equals((instalment::Entity, instalment::Column::AllocationId)),
                )
                .and_where(Expr::col((instalment::Entity, instalment::Column::Id)).eq(id.0))
                .to_owned(),
        }
    }
}

/// The row `key` of `entity` (by its `id` column) with its `project` column as `project`.
fn row_project<E: EntityTrait>(entity: E, project: E::Column, id: E::Column, key: i64) -> SelectStatement {
    Query::select()
        .expr_as(Expr::col((entity, project)), Alias::new("project"))
        .from(entity)
        .and_where(Expr::col((entity, id)).eq(key))
        .to_owned()
}

/// How an organisation stands to the project of something.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Involvement {
    /// There is no such thing.
    Missing,
    /// It belongs to no project (an instalment of an allocation that funds none).
    NoProject,
    /// Whether the organisation leads or co-implements its project.
    Project { involved: bool },
}

/// How `organization` stands to the project `belonging` belongs to: one statement.
pub async fn of<C: ConnectionTrait>(
    c: &C,
    belonging: Belonging,
    organization: OrganizationId,
) -> StoreResult<Involvement> {
    let x = Alias::new("x");
    let project = Expr::col((x.clone(), Alias::new("project")));
    let query = Query::select()
        .expr_as(project.clone(), Alias::new("project"))
        .expr_as(involved(project, organization), Alias::new("involved"))
        .from_subquery(belonging.project(), x)
        .to_owned();
    let Some(row) = c.query_one(&query).await? else { return Ok(Involvement::Missing) };
    let project: Option<i64> = row.try_get("", "project")?;
    Ok(match project {
        None => Involvement::NoProject,
        Some(_) => Involvement::Project { involved: row.try_get("", "involved")? },
    })
}
