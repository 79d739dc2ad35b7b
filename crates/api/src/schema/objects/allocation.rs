use async_graphql::{Context, ID, Object};
use salkku_persistence::records;

use super::{Application, Organization};
use crate::error::{ApiError, ApiResult};
use crate::schema::loaders::PaymentsOf;
use crate::schema::scalars::{Date, Decimal};

/// A state-aid decision (valtionavustuspäätös): who pays whom how much, for which year.
pub struct StateAidAllocation(pub records::Allocation);

impl StateAidAllocation {
    async fn plan(&self, ctx: &Context<'_>) -> ApiResult<Vec<records::Instalment>> {
        let key = crate::schema::loaders::InstalmentsOf(self.0.id);
        Ok(crate::schema::loaders(ctx)?.load_one(key).await?.unwrap_or_default())
    }
}

#[Object]
impl StateAidAllocation {
    pub async fn id(&self) -> ID {
        super::id(self.0.id.global())
    }

    async fn funder(&self, ctx: &Context<'_>) -> ApiResult<Organization> {
        let org = crate::schema::loaders(ctx)?.load_one(self.0.funder).await?;
        org.map(Organization).ok_or_else(|| ApiError::internal(&"an allocation's funder is missing"))
    }

    async fn recipient(&self, ctx: &Context<'_>) -> ApiResult<Organization> {
        let org = crate::schema::loaders(ctx)?.load_one(self.0.recipient).await?;
        org.map(Organization).ok_or_else(|| ApiError::internal(&"an allocation's recipient is missing"))
    }

    async fn application(&self, ctx: &Context<'_>) -> ApiResult<Option<Application>> {
        let Some(id) = self.0.application else { return Ok(None) };
        Ok(crate::schema::loaders(ctx)?.load_one(id).await?.map(Application))
    }

    async fn year(&self) -> i32 {
        self.0.year
    }

    async fn amount(&self) -> Decimal {
        self.0.amount.into()
    }

    async fn decision_date(&self) -> Option<Date> {
        self.0.decision_date.map(Date::from)
    }

    async fn decision_ref(&self) -> Option<&str> {
        self.0.decision_ref.as_deref()
    }

    /// The state-aid decision on record.
    async fn decision(&self, ctx: &Context<'_>) -> ApiResult<Option<super::Decision>> {
        super::decision_of(ctx, self.0.decision).await
    }

    /// Payments, by date.
    #[graphql(
        complexity = "crate::schema::sizes::sized_cost(crate::schema::sizes::Listed::Payments, None, child_complexity)"
    )]
    async fn payments(&self, ctx: &Context<'_>) -> ApiResult<Vec<Payment>> {
        let payments = crate::schema::loaders(ctx)?.load_one(PaymentsOf(self.0.id)).await?.unwrap_or_default();
        Ok(payments.into_iter().map(Payment).collect())
    }

    /// The sum of the payments; never above the amount.
    async fn paid_total(&self) -> Decimal {
        self.0.paid_total.into()
    }

    /// The planned instalments, soonest due first (cancelled ones included).
    #[graphql(
        complexity = "crate::schema::sizes::sized_cost(crate::schema::sizes::Listed::Instalments, None, child_complexity)"
    )]
    async fn instalments(&self, ctx: &Context<'_>) -> ApiResult<Vec<super::Instalment>> {
        Ok(self.plan(ctx).await?.into_iter().map(super::Instalment).collect())
    }

    /// What the plan holds: every instalment but the cancelled ones.
    async fn planned_total(&self, ctx: &Context<'_>) -> ApiResult<Decimal> {
        Ok(salkku_persistence::views::instalments::planned(&self.plan(ctx).await?)?.into())
    }

    /// What neither an instalment nor a payment made without one has taken yet: the amount less
    /// the planned total and those payments.
    async fn unplanned(&self, ctx: &Context<'_>) -> ApiResult<Decimal> {
        let payments = crate::schema::loaders(ctx)?.load_one(PaymentsOf(self.0.id)).await?.unwrap_or_default();
        let plan = self.plan(ctx).await?;
        Ok(salkku_persistence::views::instalments::unplanned(self.0.amount, &plan, &payments)?.into())
    }

    /// Increases by one on every change, payments included.
    async fn version(&self) -> i32 {
        self.0.version
    }
}

/// A payment (maksatus) of an allocation.
pub struct Payment(pub records::Payment);

#[Object]
impl Payment {
    pub async fn id(&self) -> ID {
        super::id(self.0.id.global())
    }

    async fn paid_on(&self) -> Date {
        Date::from(self.0.paid_on)
    }

    async fn amount(&self) -> Decimal {
        self.0.amount.into()
    }

    async fn reference(&self) -> Option<&str> {
        self.0.reference.as_deref()
    }

    /// The instalment it settled.
    async fn instalment(&self, ctx: &Context<'_>) -> ApiResult<Option<super::Instalment>> {
        let Some(id) = self.0.instalment else { return Ok(None) };
        let plan =
            crate::schema::loaders(ctx)?.load_one(crate::schema::loaders::InstalmentsOf(self.0.allocation)).await?;
        Ok(plan.unwrap_or_default().into_iter().find(|i| i.id == id).map(super::Instalment))
    }
}
