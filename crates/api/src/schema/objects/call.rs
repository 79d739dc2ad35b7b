use async_graphql::{Context, ID, Object};
use salkku_domain::call::GrantCallStatus as Status;
use salkku_persistence::records;
use salkku_persistence::views;
use salkku_persistence::views::application_list::{ApplicationCursor, ApplicationFilter, ApplicationOrder};

use super::{Application, Organization};
use crate::error::{ApiError, ApiResult};
use crate::schema::connection::{self, Page};
use crate::schema::enums::GrantCallStatus;
use crate::schema::scalars::{DateTime, Decimal};
use crate::schema::{db, loaders, now};

/// A funding programme (ohjelma, hankekori) under which calls open.
pub struct FundingProgramme(pub records::Programme);

#[Object]
impl FundingProgramme {
    pub async fn id(&self) -> ID {
        super::id(self.0.id.global())
    }

    async fn name(&self) -> &str {
        &self.0.name
    }

    async fn funder(&self, ctx: &Context<'_>) -> ApiResult<Organization> {
        let funder = loaders(ctx)?.load_one(self.0.funder).await?;
        funder.map(Organization).ok_or_else(|| ApiError::internal(&"a programme's funder is missing"))
    }

    /// The indicator codes the programme defines for its projects to share.
    async fn indicator_definitions(&self, ctx: &Context<'_>) -> ApiResult<Vec<super::IndicatorDefinition>> {
        let key = crate::schema::loaders::DefinitionsOf(self.0.id);
        let defined = loaders(ctx)?.load_one(key).await?.unwrap_or_default();
        Ok(defined.into_iter().map(Into::into).collect())
    }

    /// Default maximum aid rate in percent for its calls, e.g. "80.00".
    async fn max_aid_rate(&self) -> Option<Decimal> {
        self.0.max_aid_rate.map(Decimal::from)
    }
}

/// A call for applications (valtionavustushaku).
pub struct GrantCall(pub records::GrantCall);

#[Object]
impl GrantCall {
    pub async fn id(&self) -> ID {
        super::id(self.0.id.global())
    }

    async fn title(&self) -> &str {
        &self.0.title
    }

    async fn funder(&self, ctx: &Context<'_>) -> ApiResult<Organization> {
        let funder = loaders(ctx)?.load_one(self.0.funder).await?;
        funder.map(Organization).ok_or_else(|| ApiError::internal(&"a call's funder is missing"))
    }

    async fn programme(&self, ctx: &Context<'_>) -> ApiResult<Option<FundingProgramme>> {
        let Some(id) = self.0.programme else { return Ok(None) };
        Ok(loaders(ctx)?.load_one(id).await?.map(FundingProgramme))
    }

    async fn opens_at(&self) -> Option<DateTime> {
        self.0.opens_at.map(DateTime::from)
    }

    async fn closes_at(&self) -> DateTime {
        DateTime::from(self.0.closes_at)
    }

    /// Maximum state aid as percent of total eligible cost: "80.00" or "100.00".
    async fn max_aid_rate(&self) -> Decimal {
        self.0.max_aid_rate.into()
    }

    async fn in_kind_counts_as_self_funding(&self) -> bool {
        self.0.in_kind_counts
    }

    /// The share of a granted project's approved total (per cent) that may move between cost
    /// categories without a change request: "0.00" lets nothing through.
    async fn reallocation_tolerance(&self) -> Decimal {
        self.0.reallocation_tolerance.into()
    }

    async fn envelope(&self) -> Option<Decimal> {
        self.0.envelope.map(Decimal::from)
    }

    /// The reports a project granted under the call owes; null when the call sets none.
    async fn report_schedule(&self) -> Option<ReportSchedule> {
        self.0.report_schedule.map(|s| ReportSchedule {
            interim_month: s.interim_on.and_then(|(m, _)| i32::try_from(m).ok()),
            interim_day: s.interim_on.and_then(|(_, d)| i32::try_from(d).ok()),
            final_after_months: i32::try_from(s.final_after_months).unwrap_or(i32::MAX),
        })
    }

    async fn url(&self) -> Option<&str> {
        self.0.url.as_deref()
    }

    /// Upcoming before it opens, open until it closes, closed from its closing time on.
    async fn status(&self, ctx: &Context<'_>) -> GrantCallStatus {
        Status::at(self.0.opens_at, self.0.closes_at, now(ctx)).into()
    }

    /// The applications to this call, by name.
    #[graphql(complexity = "crate::schema::limits::page_cost(first, 20, 100, child_complexity)")]
    async fn applications(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
    ) -> ApiResult<Page<Application>> {
        let first = connection::page_size(first)?;
        let cursor: Option<ApplicationCursor> = connection::decode(after.as_deref())?;
        let filter = ApplicationFilter { call: Some(self.0.id), ..Default::default() };
        let page = views::application_list::list(
            db(ctx)?.conn(),
            &filter,
            ApplicationOrder::default(),
            first,
            cursor.as_ref(),
            connection::wants_total(ctx),
        )
        .await?;
        let apps: Vec<_> = page.items.iter().map(|(a, _)| a.clone()).collect();
        crate::schema::prefetch::connection_page(ctx, &apps).await?;
        Ok(connection::connection(page, cursor.is_some(), |(app, cursor)| {
            (connection::encode(&cursor), Application(app))
        }))
    }
}

/// The reports a call's projects owe: an interim report every year by interimDay.interimMonth.
/// of the years the project runs through, and the final report finalAfterMonths after its end.
#[derive(async_graphql::SimpleObject)]
pub struct ReportSchedule {
    interim_month: Option<i32>,
    interim_day: Option<i32>,
    final_after_months: i32,
}
