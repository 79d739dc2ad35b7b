use async_graphql::{Context, ID, Object};
use salkku_domain::{Money, ParticipationRole as Role};
use salkku_persistence::records;

use super::{
    Budget, BudgetVersion, ChangeRequest, Commitment, Deadline, FundingSplit, GrantCall, Organization, Region,
    StateAidAllocation,
};
use crate::error::{ApiError, ApiResult};
use crate::schema::enums::{ApplicationStatus, ParticipationRole};
use crate::schema::loaders::{
    AllocationsOf, BudgetVersionsOf, ChangeRequestsOf, CommitmentsOf, DeadlinesOf, HistoryOf, ParticipantsOf,
    RegionsOf, SplitOf,
};
use crate::schema::scalars::{Date, DateTime, Decimal};
use crate::schema::{loaders, now};

/// A project from its first idea through application, decision and running to its close.
pub struct Application(pub records::Application);

#[Object]
impl Application {
    pub async fn id(&self) -> ID {
        super::id(self.0.id.global())
    }

    async fn name(&self) -> &str {
        &self.0.name
    }

    async fn acronym(&self) -> Option<&str> {
        self.0.acronym.as_deref()
    }

    async fn description(&self) -> Option<&str> {
        self.0.description.as_deref()
    }

    async fn call(&self, ctx: &Context<'_>) -> ApiResult<Option<GrantCall>> {
        let Some(id) = self.0.call else { return Ok(None) };
        Ok(loaders(ctx)?.load_one(id).await?.map(GrantCall))
    }

    async fn status(&self) -> ApplicationStatus {
        self.0.status.into()
    }

    /// Increases by one on every change; pass it back as expectedVersion.
    async fn version(&self) -> i32 {
        self.0.version
    }

    async fn lead(&self, ctx: &Context<'_>) -> ApiResult<Organization> {
        let lead = loaders(ctx)?.load_one(self.0.lead).await?;
        lead.map(Organization).ok_or_else(|| ApiError::internal(&"an application's lead is missing"))
    }

    /// The lead first, then the other participants in the order given.
    #[graphql(
        complexity = "crate::schema::sizes::sized_cost(crate::schema::sizes::Listed::Participants, None, child_complexity)"
    )]
    async fn participants(&self, ctx: &Context<'_>) -> ApiResult<Vec<Participation>> {
        let others = loaders(ctx)?.load_one(ParticipantsOf(self.0.id)).await?.unwrap_or_default();
        Ok(std::iter::once(Participation { organization: self.0.lead, role: Role::Lead })
            .chain(others.into_iter().map(|p| Participation { organization: p.organization, role: p.role }))
            .collect())
    }

    #[graphql(
        complexity = "crate::schema::sizes::sized_cost(crate::schema::sizes::Listed::Regions, Some(salkku_domain::RegionCode::all().count()), child_complexity)"
    )]
    async fn regions(&self, ctx: &Context<'_>) -> ApiResult<Vec<Region>> {
        let regions = loaders(ctx)?.load_one(RegionsOf(self.0.id)).await?.unwrap_or_default();
        Ok(regions.into_iter().map(|(_, code)| Region(code)).collect())
    }

    async fn period_start(&self) -> Option<Date> {
        self.0.period_start.map(Date::from)
    }

    async fn period_end(&self) -> Option<Date> {
        self.0.period_end.map(Date::from)
    }

    /// When the final report is due, if known.
    async fn report_due(&self) -> Option<Date> {
        self.0.report_due.map(Date::from)
    }

    async fn submitted_at(&self) -> Option<DateTime> {
        self.0.submitted_at.map(DateTime::from)
    }

    async fn created_at(&self) -> DateTime {
        DateTime::from(self.0.created_at)
    }

    async fn budget(&self) -> Budget {
        Budget { application: self.0.id, total: self.0.total_cost }
    }

    /// The plan in force: objectives, work packages and their indicators with the actuals
    /// reported. Edited by setPlan until submission; changed by a content change once granted.
    async fn plan(&self, ctx: &Context<'_>) -> ApiResult<super::Plan> {
        let stored = loaders(ctx)?.load_one(crate::schema::loaders::PlanOf(self.0.id)).await?.unwrap_or_default();
        Ok(super::Plan::new(self.0.id, stored))
    }

    /// Every version of the budget, oldest first: the draft or the applied one, the granted one
    /// and each revision. `budget` is the one in force.
    #[graphql(
        complexity = "crate::schema::sizes::sized_cost(crate::schema::sizes::Listed::BudgetVersions, None, child_complexity)"
    )]
    async fn budget_versions(&self, ctx: &Context<'_>) -> ApiResult<Vec<BudgetVersion>> {
        let versions = loaders(ctx)?.load_one(BudgetVersionsOf(self.0.id)).await?.unwrap_or_default();
        Ok(versions.into_iter().map(BudgetVersion).collect())
    }

    /// The project's documents (the application, its plan, letters), oldest first.
    #[graphql(
        complexity = "crate::schema::sizes::sized_cost(crate::schema::sizes::Listed::Documents, None, child_complexity)"
    )]
    async fn documents(&self, ctx: &Context<'_>) -> ApiResult<Vec<super::Document>> {
        super::documents_of(ctx, salkku_domain::document::DocumentOwner::Application, self.0.id.0).await
    }

    /// The reports the project owes, soonest due first: made from the call's schedule when it
    /// was granted, or added by hand.
    #[graphql(
        complexity = "crate::schema::sizes::sized_cost(crate::schema::sizes::Listed::Reports, None, child_complexity)"
    )]
    async fn reports(&self, ctx: &Context<'_>) -> ApiResult<Vec<super::ReportObligation>> {
        super::reports_of(ctx, self.0.id).await
    }

    /// The final account, from the last accepted report that states the actual costs (or,
    /// provisional, the last submitted one); null before there is one. Computed per project (a
    /// handful of queries), so it costs more than a plain field in a list.
    #[graphql(complexity = "10 + child_complexity")]
    async fn final_account(&self, ctx: &Context<'_>) -> ApiResult<Option<super::FinalAccount>> {
        let db = crate::schema::db(ctx)?;
        let account = salkku_persistence::views::final_accounts::of_application(db.conn(), &self.0).await?;
        Ok(account.map(super::FinalAccount))
    }

    /// What the project returned after its final account, oldest first.
    #[graphql(
        complexity = "crate::schema::sizes::sized_cost(crate::schema::sizes::Listed::Repayments, None, child_complexity)"
    )]
    async fn repayments(&self, ctx: &Context<'_>) -> ApiResult<Vec<super::Repayment>> {
        let db = crate::schema::db(ctx)?;
        let found = salkku_persistence::views::final_accounts::repayments_of(db.conn(), self.0.id).await?;
        Ok(found.into_iter().map(super::Repayment).collect())
    }

    /// The change requests made for the project, oldest first.
    #[graphql(
        complexity = "crate::schema::sizes::sized_cost(crate::schema::sizes::Listed::ChangeRequests, None, child_complexity)"
    )]
    async fn change_requests(&self, ctx: &Context<'_>) -> ApiResult<Vec<ChangeRequest>> {
        let requests = loaders(ctx)?.load_one(ChangeRequestsOf(self.0.id)).await?.unwrap_or_default();
        Ok(requests.into_iter().map(ChangeRequest).collect())
    }

    async fn state_aid_requested(&self) -> Decimal {
        self.0.state_aid_requested.into()
    }

    /// Sum of the state-aid allocations recorded for this application.
    async fn state_aid_granted(&self, ctx: &Context<'_>) -> ApiResult<Decimal> {
        let allocations = loaders(ctx)?.load_one(AllocationsOf(self.0.id)).await?.unwrap_or_default();
        Money::sum(allocations.iter().map(|a| a.amount)).map(Decimal::from).map_err(|e| ApiError::internal(&e))
    }

    #[graphql(
        complexity = "crate::schema::sizes::sized_cost(crate::schema::sizes::Listed::Commitments, None, child_complexity)"
    )]
    async fn commitments(&self, ctx: &Context<'_>) -> ApiResult<Vec<Commitment>> {
        let commitments = loaders(ctx)?.load_one(CommitmentsOf(self.0.id)).await?.unwrap_or_default();
        Ok(commitments.into_iter().map(Commitment).collect())
    }

    #[graphql(
        complexity = "crate::schema::sizes::sized_cost(crate::schema::sizes::Listed::Allocations, None, child_complexity)"
    )]
    async fn allocations(&self, ctx: &Context<'_>) -> ApiResult<Vec<StateAidAllocation>> {
        let allocations = loaders(ctx)?.load_one(AllocationsOf(self.0.id)).await?.unwrap_or_default();
        Ok(allocations.into_iter().map(StateAidAllocation).collect())
    }

    async fn funding_split(&self, ctx: &Context<'_>) -> ApiResult<FundingSplit> {
        let split = loaders(ctx)?.load_one(SplitOf(self.0.id)).await?;
        split.map(FundingSplit).ok_or_else(|| ApiError::internal(&"the split of an application was not computed"))
    }

    /// Every deadline of the application, soonest first.
    #[graphql(
        complexity = "crate::schema::sizes::sized_cost(crate::schema::sizes::Listed::Deadlines, None, child_complexity)"
    )]
    async fn deadlines(&self, ctx: &Context<'_>) -> ApiResult<Vec<Deadline>> {
        let deadlines = loaders(ctx)?.load_one(DeadlinesOf(self.0.id)).await?.unwrap_or_default();
        let now = now(ctx);
        Ok(deadlines.into_iter().map(|d| Deadline::new(d, now)).collect())
    }

    /// Every status change, oldest first.
    #[graphql(
        complexity = "crate::schema::sizes::sized_cost(crate::schema::sizes::Listed::History, None, child_complexity)"
    )]
    async fn history(&self, ctx: &Context<'_>) -> ApiResult<Vec<StatusChange>> {
        let history = loaders(ctx)?.load_one(HistoryOf(self.0.id)).await?.unwrap_or_default();
        Ok(history.into_iter().map(StatusChange).collect())
    }
}

/// An organisation's part in an application.
pub struct Participation {
    organization: salkku_domain::ids::OrganizationId,
    role: Role,
}

#[Object]
impl Participation {
    async fn organization(&self, ctx: &Context<'_>) -> ApiResult<Organization> {
        let org = loaders(ctx)?.load_one(self.organization).await?;
        org.map(Organization).ok_or_else(|| ApiError::internal(&"a participant is missing"))
    }

    async fn role(&self) -> ParticipationRole {
        self.role.into()
    }
}

/// One move in an application's lifecycle.
pub struct StatusChange(pub records::StatusChange);

#[Object]
impl StatusChange {
    async fn from(&self) -> Option<ApplicationStatus> {
        self.0.from.map(Into::into)
    }

    async fn to(&self) -> ApplicationStatus {
        self.0.to.into()
    }

    async fn at(&self) -> DateTime {
        DateTime::from(self.0.at)
    }

    /// The subject of the token that made the move.
    async fn by(&self) -> &str {
        &self.0.by
    }

    async fn decision_ref(&self) -> Option<&str> {
        self.0.decision_ref.as_deref()
    }

    /// The decision on record behind the move.
    async fn decision(&self, ctx: &Context<'_>) -> ApiResult<Option<super::Decision>> {
        super::decision_of(ctx, self.0.decision).await
    }
}
