//! The inputs of change requests: what a project asks for, and the funder's decision on it.

use async_graphql::{ID, InputObject};
use salkku_domain::ids::{ChangeRequestId, DecisionId, OrganizationId};
use salkku_domain::text::{MAX_DESCRIPTION, MAX_REFERENCE};
use salkku_persistence::commands::change_requests::{
    Decision, NewChangeRequest, NewPartnerChange, PartDecisionInput as StoredPart,
};

use super::enums::{ChangeKind, PartDecision, ParticipationRole};
use super::inputs::{BudgetLineInput, budget_lines, key, list_size, opt_key, optional};
use super::scalars::{Date, Decimal};
use crate::error::ApiResult;

/// An organisation joining the project (with the self-funding it commits, pledged at board
/// level in cash) or leaving it (its commitments are declined).
#[derive(InputObject)]
pub struct PartnerChangeInput {
    pub organization_id: ID,
    pub joins: bool,
    #[graphql(default_with = "ParticipationRole::Partner")]
    pub role: ParticipationRole,
    pub commitment: Option<Decimal>,
}

/// What a granted or active project asks its funder to change; each field given is one part,
/// decided on its own.
#[derive(InputObject)]
pub struct CreateChangeRequestInput {
    pub application_id: ID,
    /// Why the change is needed.
    pub justification: Option<String>,
    /// An extension: the new end of the project (later than the current one).
    pub new_end: Option<Date>,
    /// A budget reallocation: the new lines (the total may not rise).
    pub lines: Option<Vec<BudgetLineInput>>,
    /// A state-aid change: the state aid asked for.
    pub state_aid: Option<Decimal>,
    /// A content change: what changes in the project's content.
    pub content_change: Option<String>,
    /// A content change of the plan: the whole plan as it would be (parts kept by their keys).
    pub plan: Option<super::plan_inputs::PlanInput>,
    /// A partner change: municipalities joining or leaving.
    #[graphql(default)]
    pub partners: Vec<PartnerChangeInput>,
    /// Submit at once (checked as submission checks it) instead of keeping a draft.
    #[graphql(default)]
    pub submit: bool,
    /// Replays with the same key return the first result instead of creating a duplicate.
    pub idempotency_key: Option<String>,
}

impl CreateChangeRequestInput {
    pub fn parse(self) -> ApiResult<(NewChangeRequest, Option<String>)> {
        list_size("partners", &self.partners)?;
        let partners = self
            .partners
            .iter()
            .enumerate()
            .map(|(i, p)| {
                Ok(NewPartnerChange {
                    organization: key(
                        &p.organization_id,
                        &format!("partners[{i}].organizationId"),
                        OrganizationId::from_global,
                    )?,
                    joins: p.joins,
                    role: p.role.into(),
                    commitment: p
                        .commitment
                        .as_ref()
                        .map(|c| c.amount(&format!("partners[{i}].commitment")))
                        .transpose()?,
                })
            })
            .collect::<ApiResult<Vec<_>>>()?;
        let new = NewChangeRequest {
            application: key(&self.application_id, "applicationId", salkku_domain::ids::ApplicationId::from_global)?,
            justification: optional("justification", self.justification.as_deref(), MAX_DESCRIPTION)?,
            new_end: self.new_end.map(|d| d.get("newEnd")).transpose()?,
            lines: self.lines.as_deref().map(|l| budget_lines("lines", l)).transpose()?,
            state_aid: self.state_aid.map(|a| a.amount("stateAid")).transpose()?,
            content_change: optional("contentChange", self.content_change.as_deref(), MAX_DESCRIPTION)?,
            plan: self.plan.as_ref().map(|p| p.parse("plan")).transpose()?,
            partners,
            submit: self.submit,
        };
        Ok((new, self.idempotency_key))
    }
}

/// A change request and the version the client last saw.
#[derive(InputObject)]
pub struct ChangeRequestMoveInput {
    pub id: ID,
    pub expected_version: i32,
}

impl ChangeRequestMoveInput {
    pub fn parse(&self) -> ApiResult<(ChangeRequestId, i32)> {
        Ok((key(&self.id, "id", ChangeRequestId::from_global)?, self.expected_version))
    }
}

/// The decision on one part.
#[derive(InputObject)]
pub struct PartDecisionInput {
    pub kind: ChangeKind,
    pub decision: PartDecision,
    /// With EXTENSION approved with changes: the end the funder approved.
    pub approved_end: Option<Date>,
    /// With BUDGET_REALLOCATION approved with changes: the lines the funder approved.
    pub approved_lines: Option<Vec<BudgetLineInput>>,
    /// With STATE_AID_CHANGE approved with changes: the state aid the funder approved.
    pub approved_state_aid: Option<Decimal>,
    /// With CONTENT_CHANGE approved with changes: the plan the funder approved, whole.
    pub approved_plan: Option<super::plan_inputs::PlanInput>,
    pub note: Option<String>,
}

/// The funder's decision on one or more parts of a submitted request.
#[derive(InputObject)]
pub struct DecideChangeRequestInput {
    pub id: ID,
    pub expected_version: i32,
    /// The decision's reference, e.g. "STM 15.11.2022 VN/5678/2022".
    pub decision_ref: Option<String>,
    /// The decision on record.
    pub decision_id: Option<ID>,
    pub parts: Vec<PartDecisionInput>,
}

impl DecideChangeRequestInput {
    pub fn parse(self) -> ApiResult<(ChangeRequestId, i32, Decision)> {
        let id = key(&self.id, "id", ChangeRequestId::from_global)?;
        list_size("parts", &self.parts)?;
        let parts = self
            .parts
            .iter()
            .enumerate()
            .map(|(i, p)| {
                let at = |f: &str| format!("parts[{i}].{f}");
                Ok(StoredPart {
                    kind: p.kind.into(),
                    decision: p.decision.into(),
                    approved_end: p.approved_end.as_ref().map(|d| d.get(&at("approvedEnd"))).transpose()?,
                    approved_lines: p
                        .approved_lines
                        .as_deref()
                        .map(|l| budget_lines(&at("approvedLines"), l))
                        .transpose()?,
                    approved_state_aid: p
                        .approved_state_aid
                        .as_ref()
                        .map(|a| a.amount(&at("approvedStateAid")))
                        .transpose()?,
                    approved_plan: p.approved_plan.as_ref().map(|plan| plan.parse(&at("approvedPlan"))).transpose()?,
                    note: optional(&at("note"), p.note.as_deref(), MAX_DESCRIPTION)?,
                })
            })
            .collect::<ApiResult<Vec<_>>>()?;
        let decision_ref = optional("decisionRef", self.decision_ref.as_deref(), MAX_REFERENCE)?;
        let decision = opt_key(&self.decision_id, "decisionId", DecisionId::from_global)?;
        Ok((id, self.expected_version, Decision { decision_ref, decision, parts }))
    }
}
