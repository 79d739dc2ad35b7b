//! Change requests, their parts and what each would do.

use async_graphql::{Context, ID, Object};
use salkku_persistence::records;
use salkku_persistence::views;

use super::{Application, BudgetDiff, BudgetVersionLine, Organization};
use crate::error::{ApiError, ApiResult};
use crate::schema::enums::{ChangeKind, ChangeRequestStatus, PartDecision, ParticipationRole};
use crate::schema::scalars::{Date, DateTime, Decimal};
use crate::schema::{db, loaders};

/// What a granted or active project asks its funder to change: any of a later end, new budget
/// lines, another state aid, its content, its partners. The funder decides each part on its own.
pub struct ChangeRequest(pub records::ChangeRequest);

#[Object]
impl ChangeRequest {
    async fn id(&self) -> ID {
        super::id(self.0.id.global())
    }

    /// Increases by one on every change; pass it back as expectedVersion.
    async fn version(&self) -> i32 {
        self.0.version
    }

    async fn application(&self, ctx: &Context<'_>) -> ApiResult<Application> {
        let found = loaders(ctx)?.load_one(self.0.application).await?;
        found.map(Application).ok_or_else(|| ApiError::internal(&"a change request's project is missing"))
    }

    async fn status(&self) -> ChangeRequestStatus {
        self.0.status.into()
    }

    /// What it asks for, one part each.
    async fn kinds(&self) -> Vec<ChangeKind> {
        self.0.parts.iter().map(|p| p.kind.into()).collect()
    }

    async fn justification(&self) -> Option<&str> {
        self.0.justification.as_deref()
    }

    /// The end an extension asks for.
    async fn new_end(&self) -> Option<Date> {
        self.0.new_end.map(Date::from)
    }

    /// The budget lines a reallocation proposes (empty when it proposes none).
    async fn lines(&self) -> Vec<BudgetVersionLine> {
        self.0.lines.iter().cloned().map(BudgetVersionLine).collect()
    }

    /// The state aid a state-aid change asks for.
    async fn state_aid(&self) -> Option<Decimal> {
        self.0.state_aid.map(Decimal::from)
    }

    /// What the content change would change in the plan in force, while the request is open;
    /// once decided, the revised version's planChanges say what it did.
    async fn plan_changes(&self, ctx: &Context<'_>) -> ApiResult<Option<Vec<super::plan::PlanChange>>> {
        use salkku_domain::change_request::ChangeRequestStatus as S;
        let Some(proposed) = &self.0.plan else { return Ok(None) };
        let decided = self
            .0
            .parts
            .iter()
            .any(|p| p.kind == salkku_domain::change_request::ChangeKind::ContentChange && p.decision.is_some());
        if decided || !matches!(self.0.status, S::Draft | S::Submitted) {
            return Ok(None);
        }
        let key = crate::schema::loaders::PlanOf(self.0.application);
        let in_force = crate::schema::loaders(ctx)?.load_one(key).await?.unwrap_or_default();
        Ok(Some(super::plan_changes(&in_force.plan.draft(), proposed)))
    }

    async fn content_change(&self) -> Option<&str> {
        self.0.content_change.as_deref()
    }

    async fn partners(&self) -> Vec<PartnerChange> {
        self.0.partners.iter().copied().map(PartnerChange).collect()
    }

    /// Each part and what was decided on it.
    async fn parts(&self) -> Vec<ChangeRequestPart> {
        self.0.parts.iter().cloned().map(ChangeRequestPart).collect()
    }

    /// What the request's budget would do, compared with the version in force now: per cost
    /// category and year, the totals, the state aid, and the funding split before and after with
    /// its violations. Null when it asks for no budget change.
    async fn preview(&self, ctx: &Context<'_>) -> ApiResult<Option<BudgetDiff>> {
        let previewed = views::change_requests::preview(db(ctx)?.conn(), &self.0).await?;
        Ok(previewed.map(|(from, comparison)| BudgetDiff { from: Some(from), to: None, comparison }))
    }

    /// The request's documents (the application form, the funder's letter), oldest first.
    #[graphql(
        complexity = "crate::schema::sizes::sized_cost(crate::schema::sizes::Listed::Documents, None, child_complexity)"
    )]
    async fn documents(&self, ctx: &Context<'_>) -> ApiResult<Vec<super::Document>> {
        super::documents_of(ctx, salkku_domain::document::DocumentOwner::ChangeRequest, self.0.id.0).await
    }

    async fn submitted_at(&self) -> Option<DateTime> {
        self.0.submitted_at.map(DateTime::from)
    }

    /// When the last part was decided, or the request withdrawn.
    async fn closed_at(&self) -> Option<DateTime> {
        self.0.closed_at.map(DateTime::from)
    }

    async fn created_at(&self) -> DateTime {
        DateTime::from(self.0.created_at)
    }

    /// The subject of the token that drafted it.
    async fn created_by(&self) -> &str {
        &self.0.created_by
    }
}

/// One part of a change request and the decision on it.
pub struct ChangeRequestPart(pub records::ChangeRequestPart);

#[Object]
impl ChangeRequestPart {
    async fn kind(&self) -> ChangeKind {
        self.0.kind.into()
    }

    /// Null until decided.
    async fn decision(&self) -> Option<PartDecision> {
        self.0.decision.map(Into::into)
    }

    /// The end approved, when an extension was approved with changes.
    async fn approved_end(&self) -> Option<Date> {
        self.0.approved_end.map(Date::from)
    }

    /// The budget version an approved budget part put in force.
    async fn revised_version_id(&self) -> Option<ID> {
        self.0.revised_version.map(|v| super::id(v.global()))
    }

    async fn decided_at(&self) -> Option<DateTime> {
        self.0.decided_at.map(DateTime::from)
    }

    /// The subject of the token that recorded the decision.
    async fn decided_by(&self) -> Option<&str> {
        self.0.decided_by.as_deref()
    }

    async fn decision_ref(&self) -> Option<&str> {
        self.0.decision_ref.as_deref()
    }

    async fn note(&self) -> Option<&str> {
        self.0.note.as_deref()
    }

    /// The decision on record behind it.
    async fn decision_on_record(&self, ctx: &Context<'_>) -> ApiResult<Option<super::Decision>> {
        super::decision_of(ctx, self.0.decision_on_record).await
    }
}

/// An organisation a change request would add or remove.
pub struct PartnerChange(pub records::PartnerChange);

#[Object]
impl PartnerChange {
    async fn organization(&self, ctx: &Context<'_>) -> ApiResult<Organization> {
        let org = loaders(ctx)?.load_one(self.0.organization).await?;
        org.map(Organization).ok_or_else(|| ApiError::internal(&"a partner is missing"))
    }

    async fn joins(&self) -> bool {
        self.0.joins
    }

    async fn role(&self) -> ParticipationRole {
        self.0.role.into()
    }

    /// The self-funding a joining organisation commits.
    async fn commitment(&self) -> Option<Decimal> {
        self.0.commitment.map(Decimal::from)
    }
}
