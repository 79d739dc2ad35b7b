//! Instalments (maksuerät): an allocation's plan of payments.

use async_graphql::{Context, ID, Object};
use salkku_domain::instalment::InstalmentStatus as Status;
use salkku_persistence::records;

use super::{ReportObligation, StateAidAllocation};
use crate::error::{ApiError, ApiResult};
use crate::schema::enums::InstalmentStatus;
use crate::schema::loaders;
use crate::schema::scalars::{Date, DateTime, Decimal};

/// One planned payment of an allocation.
pub struct Instalment(pub records::Instalment);

#[Object]
impl Instalment {
    async fn id(&self) -> ID {
        super::id(self.0.id.global())
    }

    async fn allocation(&self, ctx: &Context<'_>) -> ApiResult<StateAidAllocation> {
        let found = loaders(ctx)?.load_one(self.0.allocation).await?;
        found.map(StateAidAllocation).ok_or_else(|| ApiError::internal(&"an instalment's allocation is missing"))
    }

    async fn due_on(&self) -> Date {
        Date::from(self.0.due_on)
    }

    async fn amount(&self) -> Decimal {
        self.0.amount.into()
    }

    async fn label(&self) -> Option<&str> {
        self.0.label.as_deref()
    }

    async fn status(&self) -> InstalmentStatus {
        self.0.status.into()
    }

    /// The report whose acceptance the instalment waits for.
    async fn condition(&self, ctx: &Context<'_>) -> ApiResult<Option<ReportObligation>> {
        let Some(id) = self.0.condition else { return Ok(None) };
        Ok(loaders(ctx)?.load_one(id).await?.map(ReportObligation))
    }

    /// Not yet paid and waiting for its report to be accepted: it cannot be requested or paid.
    async fn held(&self, ctx: &Context<'_>) -> ApiResult<bool> {
        if matches!(self.0.status, Status::Paid | Status::Cancelled) {
            return Ok(false);
        }
        let Some(id) = self.0.condition else { return Ok(false) };
        let report = loaders(ctx)?.load_one(id).await?;
        Ok(salkku_domain::instalment::check_condition(report.map(|r| r.status)).is_err())
    }

    async fn requested_at(&self) -> Option<DateTime> {
        self.0.requested_at.map(DateTime::from)
    }

    async fn paid_on(&self) -> Option<Date> {
        self.0.paid_on.map(Date::from)
    }

    async fn version(&self) -> i32 {
        self.0.version
    }
}
