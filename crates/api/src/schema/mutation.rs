//! Every change. Each mutation parses and checks all its input first, asks the policy, and then
//! writes in one transaction; a mutation that fails changes nothing.

use async_graphql::{Context, Object};
use salkku_domain::ids::ApplicationId;
use salkku_domain::text::MAX_REFERENCE;
use salkku_persistence::applications::Transition;
use salkku_persistence::{
    allocations, applications, budgets, calls, commitments, deadlines, organizations, programmes,
};

use super::inputs::*;
use super::objects::{
    Application, Commitment, Deadline, FundingProgramme, GrantCall, Organization, Payment, StateAidAllocation,
};
use super::policy::{Action, authorize};
use super::{db, now, viewer};
use crate::error::{ApiError, ApiResult};

pub struct Mutation;

#[Object]
impl Mutation {
    async fn create_organization(&self, ctx: &Context<'_>, input: CreateOrganizationInput) -> ApiResult<Organization> {
        let new = input.parse()?;
        let db = db(ctx)?;
        authorize(db, viewer(ctx)?, Action::ManageReferenceData).await?;
        Ok(Organization(organizations::create(db, new, now(ctx)).await?))
    }

    async fn create_programme(&self, ctx: &Context<'_>, input: CreateProgrammeInput) -> ApiResult<FundingProgramme> {
        let new = input.parse()?;
        let db = db(ctx)?;
        authorize(db, viewer(ctx)?, Action::ManageReferenceData).await?;
        Ok(FundingProgramme(programmes::create(db, new, now(ctx)).await?))
    }

    /// Creates a call; its closing time appears as a CALL_CLOSES deadline.
    async fn create_grant_call(&self, ctx: &Context<'_>, input: CreateGrantCallInput) -> ApiResult<GrantCall> {
        let new = input.parse()?;
        let db = db(ctx)?;
        authorize(db, viewer(ctx)?, Action::ManageReferenceData).await?;
        Ok(GrantCall(calls::create(db, new, now(ctx)).await?))
    }

    /// Creates an application as an IDEA.
    async fn create_application(&self, ctx: &Context<'_>, input: CreateApplicationInput) -> ApiResult<Application> {
        let (new, key) = input.parse()?;
        let (db, viewer) = (db(ctx)?, viewer(ctx)?);
        authorize(db, viewer, Action::CreateApplication { lead: new.lead, participants: &new.participants }).await?;
        Ok(Application(applications::create(db, &viewer.actor(), new, key.as_deref(), now(ctx)).await?))
    }

    async fn update_application(&self, ctx: &Context<'_>, input: UpdateApplicationInput) -> ApiResult<Application> {
        let (id, expected, changes) = input.parse()?;
        let db = db(ctx)?;
        authorize(db, viewer(ctx)?, Action::ChangeApplication(id)).await?;
        Ok(Application(applications::update(db, id, expected, changes, now(ctx)).await?))
    }

    /// Move an application through its lifecycle; illegal moves fail with BAD_USER_INPUT.
    async fn transition_application(
        &self,
        ctx: &Context<'_>,
        input: TransitionApplicationInput,
    ) -> ApiResult<Application> {
        let id = key(&input.id, "id", ApplicationId::from_global)?;
        let decision_ref = salkku_domain::text::optional("decisionRef", input.decision_ref.as_deref(), MAX_REFERENCE)
            .map_err(|e| ApiError::invalid("decisionRef", e))?;
        let at = input.at.map(|t| t.get("at")).transpose()?;
        let transition = Transition { to: input.to.into(), at, decision_ref };
        let (db, viewer) = (db(ctx)?, viewer(ctx)?);
        authorize(db, viewer, Action::ChangeApplication(id)).await?;
        Ok(Application(
            applications::transition(db, &viewer.actor(), id, input.expected_version, transition, now(ctx)).await?,
        ))
    }

    /// Replace the application's budget lines and requested state aid atomically.
    async fn set_budget(&self, ctx: &Context<'_>, input: SetBudgetInput) -> ApiResult<Application> {
        let (id, expected, lines, aid) = input.parse()?;
        let db = db(ctx)?;
        authorize(db, viewer(ctx)?, Action::ManageMoney).await?;
        Ok(Application(budgets::set_budget(db, id, expected, lines, aid, now(ctx)).await?))
    }

    /// Adds a commitment; its due date appears as a COMMITMENT_DUE deadline.
    async fn add_commitment(&self, ctx: &Context<'_>, input: AddCommitmentInput) -> ApiResult<Commitment> {
        let (new, key) = input.parse()?;
        let (db, viewer) = (db(ctx)?, viewer(ctx)?);
        authorize(db, viewer, Action::ChangeApplication(new.application)).await?;
        Ok(Commitment(commitments::add(db, &viewer.actor(), new, key.as_deref(), now(ctx)).await?))
    }

    async fn update_commitment(&self, ctx: &Context<'_>, input: UpdateCommitmentInput) -> ApiResult<Commitment> {
        let (id, expected, changes) = input.parse()?;
        let db = db(ctx)?;
        let current = commitments::get(db.conn(), id)
            .await?
            .ok_or_else(|| ApiError::not_found("no Commitment with that ID exists"))?;
        authorize(db, viewer(ctx)?, Action::ChangeApplication(current.application)).await?;
        Ok(Commitment(commitments::update(db, id, expected, changes, now(ctx)).await?))
    }

    async fn record_allocation(
        &self,
        ctx: &Context<'_>,
        input: RecordAllocationInput,
    ) -> ApiResult<StateAidAllocation> {
        let (new, key) = input.parse()?;
        let (db, viewer) = (db(ctx)?, viewer(ctx)?);
        authorize(db, viewer, Action::ManageMoney).await?;
        Ok(StateAidAllocation(allocations::record(db, &viewer.actor(), new, key.as_deref(), now(ctx)).await?))
    }

    /// Records a payment; one that would take the allocation's payments above its amount is refused.
    async fn record_payment(&self, ctx: &Context<'_>, input: RecordPaymentInput) -> ApiResult<Payment> {
        let (new, key) = input.parse()?;
        let (db, viewer) = (db(ctx)?, viewer(ctx)?);
        authorize(db, viewer, Action::ManageMoney).await?;
        Ok(Payment(allocations::pay(db, &viewer.actor(), new, key.as_deref(), now(ctx)).await?))
    }

    async fn add_deadline(&self, ctx: &Context<'_>, input: AddDeadlineInput) -> ApiResult<Deadline> {
        let new = input.parse()?;
        let db = db(ctx)?;
        let action = new.application.map_or(Action::AddFreeDeadline, Action::ChangeApplication);
        authorize(db, viewer(ctx)?, action).await?;
        let created = deadlines::add(db, new, now(ctx)).await?;
        let view = deadlines::view(db.conn(), created.id)
            .await?
            .ok_or_else(|| ApiError::internal(&"a new deadline vanished"))?;
        Ok(Deadline::new(view, now(ctx)))
    }
}
