//! Budget versions and the comparison of two of them.

use async_graphql::{Context, ID, Object, SimpleObject};
use salkku_domain::budget::BudgetLine;
use salkku_persistence::records;
use salkku_persistence::views::budget_versions::Comparison;

use super::FundingSplit;
use crate::error::ApiResult;
use crate::schema::enums::{BudgetVersionKind, CostCategory};
use crate::schema::loaders;
use crate::schema::loaders::{BudgetVersionsOf, VersionLinesOf};
use crate::schema::scalars::{DateTime, Decimal};

/// One version of an application's budget. Exactly one is in force: the one `Application.budget`
/// and `fundingSplit` read; the others are history and count towards nothing.
pub struct BudgetVersion(pub records::BudgetVersion);

#[Object]
impl BudgetVersion {
    async fn id(&self) -> ID {
        super::id(self.0.id.global())
    }

    /// 1 for the draft, which becomes the applied version at submission; one up for each after.
    async fn number(&self) -> i32 {
        self.0.number
    }

    async fn kind(&self) -> BudgetVersionKind {
        self.0.kind.into()
    }

    async fn in_force(&self) -> bool {
        self.0.in_force
    }

    async fn total(&self) -> Decimal {
        self.0.total_cost.into()
    }

    /// The state aid: requested (draft, applied), granted, or as revised.
    async fn state_aid(&self) -> Decimal {
        self.0.state_aid.into()
    }

    /// A revision recorded directly, within the call's tolerance, without a change request.
    async fn within_tolerance(&self) -> bool {
        self.0.within_tolerance
    }

    /// The decision that put this version in force, e.g. "STM 12.6.2020 VN/1234/2020".
    async fn decision_ref(&self) -> Option<&str> {
        self.0.decision_ref.as_deref()
    }

    /// The decision on record that put it in force.
    async fn decision(&self, ctx: &Context<'_>) -> ApiResult<Option<super::Decision>> {
        super::decision_of(ctx, self.0.decision).await
    }

    /// When the version was made: the draft's creation, the submission, the decision.
    async fn created_at(&self) -> DateTime {
        DateTime::from(self.0.created_at)
    }

    /// The subject of the token that made it.
    async fn created_by(&self) -> &str {
        &self.0.created_by
    }

    /// Made by a content change alone: the budget is the one before, the plan changed.
    async fn plan_only(&self) -> bool {
        self.0.plan_only
    }

    /// What changed in the plan from the version before this one (nothing for the first, or
    /// for versions older than plans): the plan is versioned with the budget.
    async fn plan_changes(&self, ctx: &Context<'_>) -> ApiResult<Vec<super::plan::PlanChange>> {
        let versions = loaders(ctx)?.load_one(BudgetVersionsOf(self.0.application)).await?.unwrap_or_default();
        let before = versions.iter().filter(|v| v.number < self.0.number).max_by_key(|v| v.number);
        let empty = salkku_domain::plan::PlanDraft::default();
        let (Some(before), Some(after)) = (before.map(|b| b.plan.as_ref().unwrap_or(&empty)), self.0.plan.as_ref())
        else {
            return Ok(Vec::new());
        };
        Ok(super::plan_changes(before, after))
    }

    #[graphql(
        complexity = "crate::schema::sizes::sized_cost(crate::schema::sizes::Listed::VersionLines, None, child_complexity)"
    )]
    async fn lines(&self, ctx: &Context<'_>) -> ApiResult<Vec<BudgetVersionLine>> {
        let key = VersionLinesOf::of(&self.0);
        let lines = loaders(ctx)?.load_one(key).await?.unwrap_or_default();
        Ok(lines.into_iter().map(BudgetVersionLine).collect())
    }
}

/// One line of a budget version.
pub struct BudgetVersionLine(pub BudgetLine);

#[Object]
impl BudgetVersionLine {
    async fn category(&self) -> CostCategory {
        self.0.category().into()
    }

    async fn year(&self) -> i32 {
        self.0.year()
    }

    async fn description(&self) -> Option<&str> {
        self.0.description()
    }

    async fn amount(&self) -> Decimal {
        self.0.amount().into()
    }

    /// The key of the plan's work package the cost belongs to; null when unassigned.
    async fn work_package(&self) -> Option<&str> {
        self.0.work_package().map(|k| k.as_str())
    }
}

/// One cost category in one year, in two budgets.
#[derive(SimpleObject)]
pub struct BudgetDiffLine {
    category: CostCategory,
    year: i32,
    before: Decimal,
    after: Decimal,
    /// `after − before`: negative where money leaves.
    change: Decimal,
}

/// Two budgets of one application side by side (two versions, or the version in force and a
/// change request's proposal): per cost category and year, the totals,
/// the state aid, and the funding split each gives with the commitments the application has now.
pub struct BudgetDiff {
    pub(crate) from: Option<records::BudgetVersion>,
    /// None for a change request's proposal, which is no version yet.
    pub(crate) to: Option<records::BudgetVersion>,
    pub(crate) comparison: Comparison,
}

#[Object]
impl BudgetDiff {
    /// The version compared from.
    async fn from(&self) -> Option<BudgetVersion> {
        self.from.clone().map(BudgetVersion)
    }

    /// The version compared to; null in a change request's preview, whose budget is proposed.
    async fn to(&self) -> Option<BudgetVersion> {
        self.to.clone().map(BudgetVersion)
    }

    /// Every category and year either version names, in category order, then by year.
    async fn lines(&self) -> Vec<BudgetDiffLine> {
        self.comparison
            .diff
            .lines
            .iter()
            .map(|l| BudgetDiffLine {
                category: l.category.into(),
                year: l.year,
                before: l.before.into(),
                after: l.after.into(),
                change: l.change.into(),
            })
            .collect()
    }

    async fn total_before(&self) -> Decimal {
        self.comparison.diff.total_before.into()
    }

    async fn total_after(&self) -> Decimal {
        self.comparison.diff.total_after.into()
    }

    async fn total_change(&self) -> Decimal {
        self.comparison.diff.total_change.into()
    }

    async fn state_aid_before(&self) -> Decimal {
        self.comparison.diff.state_aid_before.into()
    }

    async fn state_aid_after(&self) -> Decimal {
        self.comparison.diff.state_aid_after.into()
    }

    async fn state_aid_change(&self) -> Decimal {
        self.comparison.diff.state_aid_change.into()
    }

    /// The money moved into the categories and years that grow.
    async fn moved(&self) -> ApiResult<Decimal> {
        Ok(self.comparison.diff.moved().map_err(|e| crate::error::ApiError::internal(&e))?.into())
    }

    async fn split_before(&self) -> FundingSplit {
        FundingSplit(self.comparison.split_before.clone())
    }

    async fn split_after(&self) -> FundingSplit {
        FundingSplit(self.comparison.split_after.clone())
    }
}
