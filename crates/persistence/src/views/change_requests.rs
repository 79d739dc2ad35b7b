//! Change requests as read: with the lines, partners and parts of each, in one statement however
//! many requests.

use salkku_domain::budget::{Budget, BudgetLine};
use salkku_domain::change_request::{ChangeKind, ChangeRequestStatus, PartDecision};
use salkku_domain::ids::{ApplicationId, BudgetVersionId, ChangeRequestId, OrganizationId};
use salkku_domain::{Amount, ParticipationRole};
use sea_orm::sea_query::{Order, Query, SelectStatement};
use sea_orm::{ConnectionTrait, DbBackend, QueryResult};

use crate::entities::{change_request, change_request_line, change_request_part, change_request_partner};
use crate::records::{BudgetVersion, ChangeRequest, ChangeRequestPart, PartnerChange};
use crate::store::convert::{line, money, plan_draft};
use crate::store::held::{model_of, with_columns_of};
use crate::store::nested::{Children, children, with_children};
use crate::store::support::one_of;
use crate::views::budget_versions::{self, Comparison};
use crate::{StoreError, StoreResult};

pub async fn get<C: ConnectionTrait>(c: &C, id: ChangeRequestId) -> StoreResult<Option<ChangeRequest>> {
    Ok(by_ids(c, &[id]).await?.pop())
}

pub async fn by_ids<C: ConnectionTrait>(c: &C, ids: &[ChangeRequestId]) -> StoreResult<Vec<ChangeRequest>> {
    let keys: Vec<i64> = ids.iter().map(|i| i.0).collect();
    let mut query = whole(c.get_database_backend());
    query.and_where(one_of(c, change_request::Column::Id, keys));
    query.order_by((change_request::Entity, change_request::Column::Id), Order::Asc);
    c.query_all(&query).await?.iter().map(record).collect()
}

/// The change requests of each application, oldest first.
pub async fn of_applications<C: ConnectionTrait>(c: &C, ids: &[ApplicationId]) -> StoreResult<Vec<ChangeRequest>> {
    let keys: Vec<i64> = ids.iter().map(|i| i.0).collect();
    let mut query = whole(c.get_database_backend());
    query.and_where(one_of(c, change_request::Column::ApplicationId, keys));
    query.order_by((change_request::Entity, change_request::Column::ApplicationId), Order::Asc);
    query.order_by((change_request::Entity, change_request::Column::Id), Order::Asc);
    c.query_all(&query).await?.iter().map(record).collect()
}

fn corrupt(e: impl std::fmt::Display) -> StoreError {
    StoreError::corrupt(e.to_string())
}

/// A read of change requests, each whole: its own columns with its lines (in their order), its
/// parts and its partners beside it, in one statement however many it reads.
pub(crate) fn whole(backend: DbBackend) -> SelectStatement {
    whole_under(backend, "")
}

/// [`whole`] with each column and child list named under `prefix`, for a read that has other
/// columns of those names (a command's held project, what the portfolio counts it as); read back
/// with [`record_under`].
pub(crate) fn whole_under(backend: DbBackend, prefix: &str) -> SelectStatement {
    let mut query = Query::select();
    query.from(change_request::Entity);
    with_columns_of(&mut query, change_request::Entity, prefix);
    let parent = "change_requests.id";
    let lines = Children::of(
        change_request_line::Entity,
        change_request_line::Column::RequestId,
        parent,
        Some(change_request_line::Column::Position),
    );
    with_children(backend, &mut query, &format!("{prefix}lines"), lines);
    let parts = Children::of(change_request_part::Entity, change_request_part::Column::RequestId, parent, None);
    with_children(backend, &mut query, &format!("{prefix}parts"), parts);
    let partners = Children::of(
        change_request_partner::Entity,
        change_request_partner::Column::RequestId,
        parent,
        Some(change_request_partner::Column::OrganizationId),
    );
    with_children(backend, &mut query, &format!("{prefix}partners"), partners);
    query
}

/// The change request of a row read by [`whole`].
pub(crate) fn record(row: &QueryResult) -> StoreResult<ChangeRequest> {
    record_under(row, "")
}

/// The change request of a row read by [`whole_under`] with `prefix`.
pub(crate) fn record_under(row: &QueryResult, prefix: &str) -> StoreResult<ChangeRequest> {
    let r = model_of::<change_request::Entity>(row, prefix)?;
    let lines = children::<change_request_line::Model>(row, &format!("{prefix}lines"))?
        .into_iter()
        .map(|l| line(&l.category, l.year, l.description, l.amount_cents, l.work_package.as_deref()))
        .collect::<StoreResult<Vec<BudgetLine>>>()?;
    let mut parts = children::<change_request_part::Model>(row, &format!("{prefix}parts"))?
        .into_iter()
        .map(|p| {
            Ok(ChangeRequestPart {
                kind: ChangeKind::parse(&p.kind).map_err(corrupt)?,
                decision: p.decision.as_deref().map(PartDecision::parse).transpose().map_err(corrupt)?,
                approved_end: p.approved_end,
                revised_version: p.revised_version_id.map(BudgetVersionId),
                decided_at: p.decided_at,
                decided_by: p.decided_by,
                decision_ref: p.decision_ref,
                decision_on_record: p.decision_id.map(salkku_domain::ids::DecisionId),
                note: p.note,
                approved_plan: p.approved_plan.as_deref().map(plan_draft).transpose()?,
            })
        })
        .collect::<StoreResult<Vec<ChangeRequestPart>>>()?;
    parts.sort_by_key(|p| p.kind);
    let partners = children::<change_request_partner::Model>(row, &format!("{prefix}partners"))?
        .into_iter()
        .map(|p| {
            Ok(PartnerChange {
                organization: OrganizationId(p.organization_id),
                joins: p.joins,
                role: ParticipationRole::parse(&p.role).map_err(corrupt)?,
                commitment: p.commitment_cents.map(money).transpose()?,
            })
        })
        .collect::<StoreResult<Vec<PartnerChange>>>()?;
    Ok(ChangeRequest {
        id: ChangeRequestId(r.id),
        application: ApplicationId(r.application_id),
        status: ChangeRequestStatus::parse(&r.status).map_err(corrupt)?,
        justification: r.justification,
        new_end: r.new_end,
        lines,
        state_aid: r.state_aid_cents.map(money).transpose()?,
        content_change: r.content_change,
        plan: r.plan.as_deref().map(plan_draft).transpose()?,
        partners,
        parts,
        submitted_at: r.submitted_at,
        closed_at: r.closed_at,
        created_by: r.created_by,
        created_at: r.created_at,
        version: r.version,
    })
}

/// The budget a request would put in force: the lines it proposes (or those in force) with the
/// state aid it asks for (or the aid in force); `None` when it asks for no budget change.
pub fn proposed_budget(request: &ChangeRequest, in_force: &Budget) -> StoreResult<Option<Budget>> {
    if request.lines.is_empty() && request.state_aid.is_none() {
        return Ok(None);
    }
    let lines = if request.lines.is_empty() { in_force.lines().to_vec() } else { request.lines.clone() };
    let aid = Amount::new(request.state_aid.unwrap_or(in_force.state_aid_requested())).map_err(corrupt)?;
    Ok(Some(Budget::new(lines, aid).map_err(corrupt)?))
}

/// What a request's budget part would do, compared with the version in force now: the diff and
/// the funding split before and after, its violations included. Only while the request is open
/// (a draft or submitted): once decided, the versions it made say what it did.
pub async fn preview<C: ConnectionTrait>(
    c: &C,
    request: &ChangeRequest,
) -> StoreResult<Option<(BudgetVersion, Comparison)>> {
    if !matches!(request.status, ChangeRequestStatus::Draft | ChangeRequestStatus::Submitted) {
        return Ok(None);
    }
    let current = budget_versions::in_force(c, request.application).await?;
    let in_force = budget_versions::budget(c, &current).await?;
    let Some(proposed) = proposed_budget(request, &in_force)? else {
        return Ok(None);
    };
    let comparison = budget_versions::compare(c, request.application, &in_force, &proposed).await?;
    Ok(Some((current, comparison)))
}
