//! Change requests as read: with the lines, partners and parts of each, in four queries however
//! many requests.

use std::collections::HashMap;

use salkku_domain::budget::{Budget, BudgetLine};
use salkku_domain::change_request::{ChangeKind, ChangeRequestStatus, PartDecision};
use salkku_domain::ids::{ApplicationId, BudgetVersionId, ChangeRequestId, OrganizationId};
use salkku_domain::{Amount, ParticipationRole};
use sea_orm::{ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use crate::entities::{change_request, change_request_line, change_request_part, change_request_partner};
use crate::records::{BudgetVersion, ChangeRequest, ChangeRequestPart, PartnerChange};
use crate::store::convert::{line, money, plan_draft};
use crate::store::support::one_of;
use crate::views::budget_versions::{self, Comparison};
use crate::{StoreError, StoreResult};

pub async fn get<C: ConnectionTrait>(c: &C, id: ChangeRequestId) -> StoreResult<Option<ChangeRequest>> {
    Ok(by_ids(c, &[id]).await?.pop())
}

/// The project a change request is about: one statement (the policy asks it before every move
/// of a request).
pub async fn project_of<C: ConnectionTrait>(c: &C, id: ChangeRequestId) -> StoreResult<Option<ApplicationId>> {
    let project = change_request::Entity::find_by_id(id.0)
        .select_only()
        .column(change_request::Column::ApplicationId)
        .into_tuple::<i64>()
        .one(c)
        .await?;
    Ok(project.map(ApplicationId))
}

pub async fn by_ids<C: ConnectionTrait>(c: &C, ids: &[ChangeRequestId]) -> StoreResult<Vec<ChangeRequest>> {
    let keys: Vec<i64> = ids.iter().map(|i| i.0).collect();
    let rows = change_request::Entity::find()
        .filter(one_of(c, change_request::Column::Id, keys))
        .order_by_asc(change_request::Column::Id)
        .all(c)
        .await?;
    assemble(c, rows).await
}

/// The change requests of each application, oldest first.
pub async fn of_applications<C: ConnectionTrait>(c: &C, ids: &[ApplicationId]) -> StoreResult<Vec<ChangeRequest>> {
    let keys: Vec<i64> = ids.iter().map(|i| i.0).collect();
    let rows = change_request::Entity::find()
        .filter(one_of(c, change_request::Column::ApplicationId, keys))
        .order_by_asc(change_request::Column::ApplicationId)
        .order_by_asc(change_request::Column::Id)
        .all(c)
        .await?;
    assemble(c, rows).await
}

fn corrupt(e: impl std::fmt::Display) -> StoreError {
    StoreError::corrupt(e.to_string())
}

async fn assemble<C: ConnectionTrait>(c: &C, rows: Vec<change_request::Model>) -> StoreResult<Vec<ChangeRequest>> {
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let keys: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let mut lines: HashMap<i64, Vec<BudgetLine>> = HashMap::new();
    for l in change_request_line::Entity::find()
        .filter(one_of(c, change_request_line::Column::RequestId, keys.clone()))
        .order_by_asc(change_request_line::Column::RequestId)
        .order_by_asc(change_request_line::Column::Position)
        .all(c)
        .await?
    {
        let parsed = line(&l.category, l.year, l.description, l.amount_cents, l.work_package.as_deref())?;
        lines.entry(l.request_id).or_default().push(parsed);
    }
    let mut parts: HashMap<i64, Vec<ChangeRequestPart>> = HashMap::new();
    for p in change_request_part::Entity::find()
        .filter(one_of(c, change_request_part::Column::RequestId, keys.clone()))
        .all(c)
        .await?
    {
        let part = ChangeRequestPart {
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
        };
        parts.entry(p.request_id).or_default().push(part);
    }
    let mut partners: HashMap<i64, Vec<PartnerChange>> = HashMap::new();
    for p in change_request_partner::Entity::find()
        .filter(one_of(c, change_request_partner::Column::RequestId, keys))
        .all(c)
        .await?
    {
        let partner = PartnerChange {
            organization: OrganizationId(p.organization_id),
            joins: p.joins,
            role: ParticipationRole::parse(&p.role).map_err(corrupt)?,
            commitment: p.commitment_cents.map(money).transpose()?,
        };
        partners.entry(p.request_id).or_default().push(partner);
    }
    rows.into_iter()
        .map(|r| {
            let mut request_parts = parts.remove(&r.id).unwrap_or_default();
            request_parts.sort_by_key(|p| p.kind);
            Ok(ChangeRequest {
                id: ChangeRequestId(r.id),
                application: ApplicationId(r.application_id),
                status: ChangeRequestStatus::parse(&r.status).map_err(corrupt)?,
                justification: r.justification,
                new_end: r.new_end,
                lines: lines.remove(&r.id).unwrap_or_default(),
                state_aid: r.state_aid_cents.map(money).transpose()?,
                content_change: r.content_change,
                plan: r.plan.as_deref().map(plan_draft).transpose()?,
                partners: partners.remove(&r.id).unwrap_or_default(),
                parts: request_parts,
                submitted_at: r.submitted_at,
                closed_at: r.closed_at,
                created_by: r.created_by,
                created_at: r.created_at,
                version: r.version,
            })
        })
        .collect()
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
