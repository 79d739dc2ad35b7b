use async_graphql::{Context, ID, Object, SimpleObject};
use chrono::NaiveDate;
use salkku_domain::ids::OrganizationId;
use salkku_domain::labels;
use salkku_persistence::views;
use salkku_persistence::views::application_list::ApplicationFilter;
use salkku_persistence::views::portfolio::{Figures, Portfolio};

use super::Application;
use crate::error::{ApiError, ApiResult};
use crate::schema::scalars::Decimal;
use crate::schema::{db, language, loaders};

/// Most applications `atRisk` lists.
const MAX_AT_RISK: i32 = 500;

/// The portfolio in figures, summed by the database.
pub struct PortfolioSummary {
    pub(crate) figures: Portfolio,
    pub(crate) filter: ApplicationFilter,
    pub(crate) today: NaiveDate,
}

/// The figures of one group of applications.
#[derive(SimpleObject)]
#[graphql(serial)]
pub struct PortfolioBucket {
    key: String,
    label: String,
    application_count: i32,
    total_cost: Decimal,
    state_aid_requested: Decimal,
    state_aid_granted: Decimal,
    /// Total cost less requested state aid.
    self_funding_required: Decimal,
    /// Commitments that count towards self-funding.
    self_funding_committed: Decimal,
}

fn count(n: i64) -> i32 {
    i32::try_from(n).unwrap_or(i32::MAX)
}

fn bucket(key: String, label: String, f: &Figures) -> ApiResult<PortfolioBucket> {
    Ok(PortfolioBucket {
        key,
        label,
        application_count: count(f.application_count),
        total_cost: f.total_cost.into(),
        state_aid_requested: f.state_aid_requested.into(),
        state_aid_granted: f.state_aid_granted.into(),
        self_funding_required: f.self_funding_required().map_err(|e| ApiError::internal(&e))?.into(),
        self_funding_committed: f.self_funding_committed.into(),
    })
}

#[Object]
impl PortfolioSummary {
    async fn application_count(&self) -> i32 {
        count(self.figures.totals.application_count)
    }

    async fn total_cost(&self) -> Decimal {
        self.figures.totals.total_cost.into()
    }

    async fn state_aid_requested(&self) -> Decimal {
        self.figures.totals.state_aid_requested.into()
    }

    async fn state_aid_granted(&self) -> Decimal {
        self.figures.totals.state_aid_granted.into()
    }

    async fn self_funding_required(&self) -> ApiResult<Decimal> {
        Ok(self.figures.totals.self_funding_required().map_err(|e| ApiError::internal(&e))?.into())
    }

    async fn self_funding_committed(&self) -> Decimal {
        self.figures.totals.self_funding_committed.into()
    }

    #[graphql(complexity = "crate::schema::limits::bounded_list_cost(8, child_complexity)")]
    async fn by_status(&self, ctx: &Context<'_>) -> ApiResult<Vec<PortfolioBucket>> {
        let lang = language(ctx);
        self.figures
            .by_status
            .iter()
            .map(|(status, f)| {
                bucket(status.as_str().to_owned(), labels::application_status(*status, lang).to_owned(), f)
            })
            .collect()
    }

    /// An application counts in every region it names.
    #[graphql(complexity = "crate::schema::limits::bounded_list_cost(19, child_complexity)")]
    async fn by_region(&self, ctx: &Context<'_>) -> ApiResult<Vec<PortfolioBucket>> {
        let lang = language(ctx);
        self.figures
            .by_region
            .iter()
            .map(|(code, f)| bucket(code.as_str().to_owned(), labels::region(*code, lang).to_owned(), f))
            .collect()
    }

    /// By the funder of each application's call; applications without a call under the key "NONE".
    #[graphql(complexity = "crate::schema::limits::list_cost(child_complexity)")]
    async fn by_funder(&self, ctx: &Context<'_>) -> ApiResult<Vec<PortfolioBucket>> {
        let ids: Vec<OrganizationId> = self.figures.by_funder.iter().filter_map(|(id, _)| *id).collect();
        let names = loaders(ctx)?.load_many(ids).await?;
        self.figures
            .by_funder
            .iter()
            .map(|(funder, f)| match funder {
                Some(id) => {
                    let label = names.get(id).map_or_else(String::new, |o| o.name.clone());
                    bucket(id.global(), label, f)
                }
                None => bucket("NONE".into(), no_call_label(language(ctx)).into(), f),
            })
            .collect()
    }

    /// The indicators of the filtered projects that share a programme's code, summed by code:
    /// targets and actuals, by year, region and programme, with progress. `codes` narrows to
    /// those codes, `programmeId` to one programme's projects; a code measured in two units
    /// across programmes is refused (BAD_USER_INPUT) rather than summed.
    #[graphql(complexity = "crate::schema::limits::list_cost(child_complexity)")]
    async fn indicators(
        &self,
        ctx: &Context<'_>,
        programme_id: Option<ID>,
        #[graphql(default)] codes: Vec<String>,
    ) -> ApiResult<Vec<super::IndicatorRollup>> {
        let programme = programme_id
            .map(|id| {
                salkku_domain::ids::ProgrammeId::from_global(&id).map_err(|e| ApiError::invalid("programmeId", e))
            })
            .transpose()?;
        crate::schema::inputs::list_size("codes", &codes)?;
        let codes = codes
            .iter()
            .enumerate()
            .map(|(i, c)| {
                salkku_domain::indicator::IndicatorCode::parse(c)
                    .map_err(|e| ApiError::invalid(format!("codes[{i}]"), e))
            })
            .collect::<ApiResult<Vec<_>>>()?;
        super::rollup::roll_up(ctx, &self.filter, &codes, programme).await
    }

    /// By the organisations that lead or take part in the applications, in any role, by name: an
    /// application counts under each of them once, with its whole figures (an organisation's own
    /// commitments are in `exposure`).
    #[graphql(complexity = "crate::schema::limits::list_cost(child_complexity)")]
    async fn by_organization(&self, ctx: &Context<'_>) -> ApiResult<Vec<PortfolioBucket>> {
        let ids: Vec<OrganizationId> = self.figures.by_organization.iter().map(|(id, _)| *id).collect();
        let names = loaders(ctx)?.load_many(ids).await?;
        let mut buckets = self
            .figures
            .by_organization
            .iter()
            .map(|(id, f)| {
                let label = names.get(id).map_or_else(String::new, |o| o.name.clone());
                bucket(id.global(), label, f)
            })
            .collect::<ApiResult<Vec<_>>>()?;
        buckets.sort_by(|a, b| a.label.cmp(&b.label).then_with(|| a.key.cmp(&b.key)));
        Ok(buckets)
    }

    /// Applications still under way whose split is not compliant or that have an overdue
    /// commitment, by name.
    #[graphql(complexity = "crate::schema::limits::page_cost(Some(first), 100, 500, child_complexity)")]
    async fn at_risk(&self, ctx: &Context<'_>, #[graphql(default = 100)] first: i32) -> ApiResult<Vec<Application>> {
        // One rule for every list: a negative count is bad input, too many a limit.
        if first < 0 {
            return Err(ApiError::bad_input("first", crate::error::at_least_zero("first", first)));
        }
        if first > MAX_AT_RISK {
            return Err(ApiError::limit(salkku_domain::message!(
                fi: "atRisk luettelee enintään {MAX_AT_RISK} hakemusta (pyydetty {first})",
                sv: "atRisk listar högst {MAX_AT_RISK} ansökningar (begärt {first})",
                en: "atRisk lists at most {MAX_AT_RISK} applications (asked for {first})",
            )));
        }
        let limit = u64::try_from(first).unwrap_or(0);
        let ids = views::portfolio::at_risk(db(ctx)?.conn(), &self.filter, self.today, limit).await?;
        let mut found = loaders(ctx)?.load_many(ids.clone()).await?;
        let apps: Vec<_> = ids.into_iter().filter_map(|id| found.remove(&id)).collect();
        crate::schema::prefetch::list(ctx, &apps).await?;
        Ok(apps.into_iter().map(Application).collect())
    }
}

/// What the selection under `portfolio` asks for, so that the database sums only that.
pub(crate) fn portfolio_wanted(selection: &async_graphql::Lookahead<'_>) -> views::portfolio::Wanted {
    const TOTALS: [&str; 6] = [
        "applicationCount",
        "totalCost",
        "stateAidRequested",
        "stateAidGranted",
        "selfFundingRequired",
        "selfFundingCommitted",
    ];
    views::portfolio::Wanted {
        totals: TOTALS.iter().any(|name| selection.field(name).exists()),
        by_status: selection.field("byStatus").exists(),
        by_region: selection.field("byRegion").exists(),
        by_funder: selection.field("byFunder").exists(),
        by_organization: selection.field("byOrganization").exists(),
    }
}

fn no_call_label(language: labels::Language) -> &'static str {
    match language {
        labels::Language::Fi => "Ei hakua",
        labels::Language::Sv => "Ingen utlysning",
        labels::Language::En => "No call",
    }
}

/// One organisation's part of an apportioned amount.
#[derive(SimpleObject)]
pub struct Share {
    pub organization_id: ID,
    pub amount: Decimal,
}
