//! Report obligations: what a granted project owes its funder, and when.

use async_graphql::{Context, ID, Object};
use salkku_persistence::records;

use super::{Application, BudgetVersionLine, Document};
use crate::error::{ApiError, ApiResult};
use crate::schema::enums::{ReportKind, ReportStatus};
use crate::schema::loaders::{self as keys, CostsOf, ReportDocumentsOf};
use crate::schema::scalars::{Date, DateTime};
use crate::schema::{loaders, now};

/// A report a granted project owes (väliselvitys, loppuselvitys, taloudellinen selvitys). Each
/// is a REPORT_DUE deadline too.
pub struct ReportObligation(pub records::Report);

#[Object]
impl ReportObligation {
    async fn id(&self) -> ID {
        super::id(self.0.id.global())
    }

    async fn application(&self, ctx: &Context<'_>) -> ApiResult<Application> {
        let found = loaders(ctx)?.load_one(self.0.application).await?;
        found.map(Application).ok_or_else(|| ApiError::internal(&"a report's project is missing"))
    }

    /// The indicator values the report states, a year each; locked once it is accepted.
    #[graphql(
        complexity = "crate::schema::sizes::sized_cost(crate::schema::sizes::Listed::ReportActuals, None, child_complexity)"
    )]
    async fn actuals(&self, ctx: &Context<'_>) -> ApiResult<Vec<super::IndicatorActual>> {
        let stated = loaders(ctx)?.load_one(keys::ActualsOf(self.0.id)).await?.unwrap_or_default();
        Ok(stated.into_iter().map(|(key, actual)| super::IndicatorActual { key, actual }).collect())
    }

    async fn kind(&self) -> ReportKind {
        self.0.kind.into()
    }

    /// What the report is about, when its kind does not say it all.
    async fn title(&self) -> Option<&str> {
        self.0.title.as_deref()
    }

    async fn due_on(&self) -> Date {
        Date::from(self.0.due_on)
    }

    async fn status(&self) -> ReportStatus {
        self.0.status.into()
    }

    /// Past its due date (Helsinki) and not submitted; a returned report is owed again.
    async fn overdue(&self, ctx: &Context<'_>) -> ApiResult<bool> {
        let today = salkku_domain::deadline::local_date(now(ctx));
        Ok(salkku_domain::report::is_overdue(self.0.status, self.0.due_on, today))
    }

    /// Made from the call's schedule when the project was granted (not added by hand).
    async fn from_schedule(&self) -> bool {
        self.0.from_schedule
    }

    /// Due this many months after the project's end: it moves with an approved extension.
    async fn months_after_end(&self) -> Option<i32> {
        self.0.months_after_end.and_then(|n| i32::try_from(n).ok())
    }

    /// Whether the report states the actual costs (a financial part).
    async fn states_costs(&self) -> bool {
        self.0.states_costs
    }

    /// The actual costs it was submitted with, by category and year.
    #[graphql(
        complexity = "crate::schema::sizes::sized_cost(crate::schema::sizes::Listed::ReportCostLines, None, child_complexity)"
    )]
    async fn actual_costs(&self, ctx: &Context<'_>) -> ApiResult<Vec<BudgetVersionLine>> {
        let lines = loaders(ctx)?.load_one(CostsOf(self.0.id)).await?.unwrap_or_default();
        Ok(lines.into_iter().map(BudgetVersionLine).collect())
    }

    /// The documents it was submitted with.
    #[graphql(
        complexity = "crate::schema::sizes::sized_cost(crate::schema::sizes::Listed::ReportDocuments, None, child_complexity)"
    )]
    async fn documents(&self, ctx: &Context<'_>) -> ApiResult<Vec<Document>> {
        let documents = loaders(ctx)?.load_one(ReportDocumentsOf(self.0.id)).await?.unwrap_or_default();
        Ok(documents.into_iter().map(Document).collect())
    }

    async fn submitted_at(&self) -> Option<DateTime> {
        self.0.submitted_at.map(DateTime::from)
    }

    /// When the funder last accepted or returned it.
    async fn decided_at(&self) -> Option<DateTime> {
        self.0.decided_at.map(DateTime::from)
    }

    /// Why the funder last returned it.
    async fn return_reasons(&self) -> Option<&str> {
        self.0.return_reasons.as_deref()
    }

    async fn times_returned(&self) -> i32 {
        self.0.times_returned
    }

    /// The decision on record that accepted it.
    async fn decision(&self, ctx: &Context<'_>) -> ApiResult<Option<super::Decision>> {
        super::decision_of(ctx, self.0.decision).await
    }

    async fn version(&self) -> i32 {
        self.0.version
    }
}

/// The reports of a project, soonest due first.
pub(crate) async fn reports_of(
    ctx: &Context<'_>,
    project: salkku_domain::ids::ApplicationId,
) -> ApiResult<Vec<ReportObligation>> {
    let reports = loaders(ctx)?.load_one(keys::ReportsOf(project)).await?.unwrap_or_default();
    Ok(reports.into_iter().map(ReportObligation).collect())
}
