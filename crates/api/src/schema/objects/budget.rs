use async_graphql::{Context, ID, Object, SimpleObject};
use salkku_domain::Money;
use salkku_domain::budget;
use salkku_domain::ids::ApplicationId;
use salkku_persistence::records::StoredBudgetLine;

use crate::error::{ApiError, ApiResult};
use crate::schema::enums::CostCategory;
use crate::schema::loaders::LinesOf;
use crate::schema::scalars::Decimal;

/// An application's eligible costs.
pub struct Budget {
    pub(crate) application: ApplicationId,
    /// Kept equal to the sum of the lines by the transaction that writes them.
    pub(crate) total: Money,
}

impl Budget {
    async fn stored_lines(&self, ctx: &Context<'_>) -> ApiResult<Vec<StoredBudgetLine>> {
        Ok(crate::schema::loaders(ctx)?.load_one(LinesOf(self.application)).await?.unwrap_or_default())
    }
}

#[derive(SimpleObject)]
pub struct YearAmount {
    year: i32,
    amount: Decimal,
}

/// The budget lines of one work package of the plan, or of none.
#[derive(SimpleObject)]
pub struct WorkPackageAmount {
    /// The work package's key; null for the lines assigned to none.
    work_package: Option<String>,
    /// Its title; null for the unassigned lines.
    title: Option<String>,
    amount: Decimal,
}

#[derive(SimpleObject)]
pub struct CategoryAmount {
    category: CostCategory,
    amount: Decimal,
}

// `serial`: resolved without a task set per object; its lists all wait on one loader key.
#[Object(serial)]
impl Budget {
    #[graphql(
        complexity = "crate::schema::sizes::sized_cost(crate::schema::sizes::Listed::BudgetLines, None, child_complexity)"
    )]
    async fn lines(&self, ctx: &Context<'_>) -> ApiResult<Vec<BudgetLine>> {
        Ok(self.stored_lines(ctx).await?.into_iter().map(BudgetLine).collect())
    }

    async fn total(&self) -> Decimal {
        self.total.into()
    }

    /// Sums by year, in year order.
    #[graphql(
        complexity = "crate::schema::sizes::sized_cost(crate::schema::sizes::Listed::BudgetYears, None, child_complexity)"
    )]
    async fn by_year(&self, ctx: &Context<'_>) -> ApiResult<Vec<YearAmount>> {
        let lines = self.stored_lines(ctx).await?;
        let sums = budget::by_year(lines.iter().map(|l| &l.line)).map_err(|e| ApiError::internal(&e))?;
        Ok(sums.into_iter().map(|(year, amount)| YearAmount { year, amount: amount.into() }).collect())
    }

    /// Sums by the plan's work packages, in the plan's order (each of them, with or without
    /// lines), then the lines assigned to none: they add up to the total.
    #[graphql(
        complexity = "crate::schema::sizes::sized_cost(crate::schema::sizes::Listed::WorkPackages, None, child_complexity)"
    )]
    async fn by_work_package(&self, ctx: &Context<'_>) -> ApiResult<Vec<WorkPackageAmount>> {
        let loaders = crate::schema::loaders(ctx)?;
        let plan = loaders.load_one(crate::schema::loaders::PlanOf(self.application)).await?.unwrap_or_default();
        let lines: Vec<_> = self.stored_lines(ctx).await?.into_iter().map(|l| l.line).collect();
        let sums =
            salkku_domain::plan::budget_by_work_package(&plan.plan, &lines).map_err(|e| ApiError::internal(&e))?;
        Ok(sums
            .into_iter()
            .map(|(key, amount)| WorkPackageAmount {
                title: key.as_ref().and_then(|k| plan.plan.work_package(k)).map(|w| w.title.clone()),
                work_package: key.map(|k| k.as_str().to_owned()),
                amount: amount.into(),
            })
            .collect())
    }

    /// Sums by cost category.
    #[graphql(complexity = "crate::schema::limits::bounded_list_cost(7, child_complexity)")]
    async fn by_category(&self, ctx: &Context<'_>) -> ApiResult<Vec<CategoryAmount>> {
        let lines = self.stored_lines(ctx).await?;
        let sums = budget::by_category(lines.iter().map(|l| &l.line)).map_err(|e| ApiError::internal(&e))?;
        Ok(sums
            .into_iter()
            .map(|(category, amount)| CategoryAmount { category: category.into(), amount: amount.into() })
            .collect())
    }
}

/// One line of a budget.
pub struct BudgetLine(pub StoredBudgetLine);

#[Object(serial)]
impl BudgetLine {
    async fn id(&self) -> ID {
        super::id(self.0.id.global())
    }

    async fn category(&self) -> CostCategory {
        self.0.line.category().into()
    }

    async fn year(&self) -> i32 {
        self.0.line.year()
    }

    async fn description(&self) -> Option<&str> {
        self.0.line.description()
    }

    async fn amount(&self) -> Decimal {
        self.0.line.amount().into()
    }

    /// The key of the plan's work package the cost belongs to; null when unassigned.
    async fn work_package(&self) -> Option<&str> {
        self.0.line.work_package().map(|k| k.as_str())
    }
}
