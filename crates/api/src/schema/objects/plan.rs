//! The project plan: objectives, work packages, indicators and their actuals, and what changed
//! from one version of a plan to the next.

use std::collections::BTreeMap;
use std::sync::Arc;

use async_graphql::{Context, ID, Object, SimpleObject};
use salkku_domain::Money;
use salkku_domain::ids::{ApplicationId, IndicatorId, ObjectiveId, WorkPackageId};
use salkku_domain::indicator::{self, Measure, write_hundredths};
use salkku_domain::plan::{self as domain, Measures, PlanKey};
use salkku_persistence::records::{IndicatorActual as StoredActual, StoredPlan};

use super::{Organization, ReportObligation};
use crate::error::{ApiError, ApiResult};
use crate::schema::enums::{IndicatorUnit, PlanChangeKind, PlanPart};
use crate::schema::loaders;
use crate::schema::loaders::LinesOf;
use crate::schema::scalars::{Date, Decimal};

/// An application's plan in force: what the project promised, by objective and work package,
/// and how its indicators measure it.
#[derive(Clone)]
pub struct Plan {
    pub(crate) application: ApplicationId,
    pub(crate) stored: Arc<StoredPlan>,
}

impl Plan {
    pub fn new(application: ApplicationId, stored: StoredPlan) -> Self {
        Plan { application, stored: Arc::new(stored) }
    }

    fn row(&self, key: &PlanKey) -> i64 {
        self.stored.ids.get(key).copied().unwrap_or_default()
    }

    fn objective(&self, key: &PlanKey) -> Option<Objective> {
        let index = self.stored.plan.objectives().iter().position(|o| &o.key == key)?;
        Some(Objective { plan: self.clone(), index })
    }

    fn work_package(&self, key: &PlanKey) -> Option<WorkPackage> {
        let index = self.stored.plan.work_packages().iter().position(|w| &w.key == key)?;
        Some(WorkPackage { plan: self.clone(), index })
    }

    fn indicators_of(&self, measures: impl Fn(&Measures) -> bool) -> Vec<Indicator> {
        let all = self.stored.plan.indicators().iter().enumerate();
        all.filter(|(_, i)| measures(&i.measures)).map(|(index, _)| Indicator { plan: self.clone(), index }).collect()
    }

    /// The budget lines in force, summed by work package (the unassigned under none).
    async fn budget(&self, ctx: &Context<'_>) -> ApiResult<Vec<(Option<PlanKey>, Money)>> {
        let lines = loaders(ctx)?.load_one(LinesOf(self.application)).await?.unwrap_or_default();
        let lines: Vec<_> = lines.into_iter().map(|l| l.line).collect();
        domain::budget_by_work_package(&self.stored.plan, &lines).map_err(|e| ApiError::internal(&e))
    }
}

#[Object]
impl Plan {
    /// In the order the plan gives them.
    #[graphql(
        complexity = "crate::schema::sizes::sized_cost(crate::schema::sizes::Listed::Objectives, None, child_complexity)"
    )]
    async fn objectives(&self) -> Vec<Objective> {
        (0..self.stored.plan.objectives().len()).map(|index| Objective { plan: self.clone(), index }).collect()
    }

    #[graphql(
        complexity = "crate::schema::sizes::sized_cost(crate::schema::sizes::Listed::PlanWorkPackages, None, child_complexity)"
    )]
    async fn work_packages(&self) -> Vec<WorkPackage> {
        (0..self.stored.plan.work_packages().len()).map(|index| WorkPackage { plan: self.clone(), index }).collect()
    }

    #[graphql(
        complexity = "crate::schema::sizes::sized_cost(crate::schema::sizes::Listed::Indicators, None, child_complexity)"
    )]
    async fn indicators(&self) -> Vec<Indicator> {
        self.indicators_of(|_| true)
    }

    /// The budget lines in force that belong to no work package: the budget by work package
    /// adds up to the total with them.
    async fn unassigned_budget(&self, ctx: &Context<'_>) -> ApiResult<Decimal> {
        let sums = self.budget(ctx).await?;
        Ok(sums.into_iter().find(|(k, _)| k.is_none()).map_or(Money::ZERO, |(_, m)| m).into())
    }
}

/// One of the plan's objectives (tavoite), in the language it was written in.
pub struct Objective {
    plan: Plan,
    index: usize,
}

impl Objective {
    fn it(&self) -> &domain::Objective {
        &self.plan.stored.plan.objectives()[self.index]
    }
}

#[Object]
impl Objective {
    async fn id(&self) -> ID {
        super::id(ObjectiveId(self.plan.row(&self.it().key)).global())
    }

    /// Its name in the plan ("T1"): kept across versions, used by the work packages and
    /// indicators that refer to it.
    async fn key(&self) -> &str {
        self.it().key.as_str()
    }

    async fn text(&self) -> &str {
        &self.it().text
    }

    /// The language the text is written in: "fi", "sv" or "en".
    async fn language(&self) -> &str {
        self.it().language.code()
    }

    /// The work packages that serve it.
    #[graphql(
        complexity = "crate::schema::sizes::sized_cost(crate::schema::sizes::Listed::PlanWorkPackages, None, child_complexity)"
    )]
    async fn work_packages(&self) -> Vec<WorkPackage> {
        let key = &self.it().key;
        let packages = self.plan.stored.plan.work_packages().iter().enumerate();
        packages
            .filter(|(_, w)| w.objectives.contains(key))
            .map(|(index, _)| WorkPackage { plan: self.plan.clone(), index })
            .collect()
    }

    #[graphql(
        complexity = "crate::schema::sizes::sized_cost(crate::schema::sizes::Listed::Indicators, None, child_complexity)"
    )]
    async fn indicators(&self) -> Vec<Indicator> {
        let key = &self.it().key;
        self.plan.indicators_of(|m| matches!(m, Measures::Objective(k) if k == key))
    }
}

/// One of the plan's work packages (työpaketti).
pub struct WorkPackage {
    plan: Plan,
    index: usize,
}

impl WorkPackage {
    fn it(&self) -> &domain::WorkPackage {
        &self.plan.stored.plan.work_packages()[self.index]
    }
}

#[Object]
impl WorkPackage {
    async fn id(&self) -> ID {
        super::id(WorkPackageId(self.plan.row(&self.it().key)).global())
    }

    /// Its name in the plan ("TP1"), which budget lines name it by.
    async fn key(&self) -> &str {
        self.it().key.as_str()
    }

    async fn title(&self) -> &str {
        &self.it().title
    }

    async fn starts_on(&self) -> Option<Date> {
        self.it().starts_on.map(Date::from)
    }

    async fn ends_on(&self) -> Option<Date> {
        self.it().ends_on.map(Date::from)
    }

    /// The participant that leads it.
    async fn lead(&self, ctx: &Context<'_>) -> ApiResult<Option<Organization>> {
        let Some(id) = self.it().lead else { return Ok(None) };
        Ok(loaders(ctx)?.load_one(id).await?.map(Organization))
    }

    /// The objectives it serves.
    #[graphql(
        complexity = "crate::schema::sizes::sized_cost(crate::schema::sizes::Listed::Objectives, None, child_complexity)"
    )]
    async fn objectives(&self) -> Vec<Objective> {
        self.it().objectives.iter().filter_map(|k| self.plan.objective(k)).collect()
    }

    #[graphql(
        complexity = "crate::schema::sizes::sized_cost(crate::schema::sizes::Listed::Indicators, None, child_complexity)"
    )]
    async fn indicators(&self) -> Vec<Indicator> {
        let key = &self.it().key;
        self.plan.indicators_of(|m| matches!(m, Measures::WorkPackage(k) if k == key))
    }

    /// The budget lines in force that belong to it, summed.
    async fn budget(&self, ctx: &Context<'_>) -> ApiResult<Decimal> {
        let key = Some(self.it().key.clone());
        let sums = self.plan.budget(ctx).await?;
        Ok(sums.into_iter().find(|(k, _)| *k == key).map_or(Money::ZERO, |(_, m)| m).into())
    }
}

/// An indicator (mittari): what the plan promises to reach, in a unit, by a date, and what the
/// project has reported reaching.
pub struct Indicator {
    plan: Plan,
    index: usize,
}

impl Indicator {
    fn it(&self) -> &domain::Indicator {
        &self.plan.stored.plan.indicators()[self.index]
    }

    fn stated(&self) -> Vec<&StoredActual> {
        let row = self.plan.row(&self.it().key);
        self.plan.stored.actuals.iter().filter(|a| a.indicator.0 == row).collect()
    }

    fn reached_so_far(&self) -> Option<i128> {
        let standing = self.stated().into_iter().filter(|a| indicator::stands(a.report_status));
        let by_year: BTreeMap<i32, Measure> = standing.map(|a| (a.year, a.value.clone())).collect();
        indicator::reached(self.it().unit, &by_year)
    }
}

#[Object]
impl Indicator {
    async fn id(&self) -> ID {
        super::id(IndicatorId(self.plan.row(&self.it().key)).global())
    }

    async fn key(&self) -> &str {
        self.it().key.as_str()
    }

    /// The programme's code it shares with other projects' indicators, which the roll-up sums by.
    async fn code(&self) -> Option<&str> {
        self.it().code.as_ref().map(|c| c.as_str())
    }

    async fn name(&self) -> &str {
        &self.it().name
    }

    async fn unit(&self) -> IndicatorUnit {
        self.it().unit.into()
    }

    /// Where it starts from, in its unit.
    async fn baseline(&self) -> Option<String> {
        self.it().baseline.as_ref().map(ToString::to_string)
    }

    async fn target(&self) -> Option<String> {
        self.it().target.as_ref().map(ToString::to_string)
    }

    /// The date the target is due by.
    async fn target_on(&self) -> Option<Date> {
        self.it().target_on.map(Date::from)
    }

    /// The figures are an illustration, not from the project's documents.
    async fn illustrative(&self) -> bool {
        self.it().illustrative
    }

    /// The objective it measures, if it measures one.
    async fn objective(&self) -> Option<Objective> {
        match &self.it().measures {
            Measures::Objective(k) => self.plan.objective(k),
            Measures::WorkPackage(_) => None,
        }
    }

    /// The work package it measures, if it measures one.
    async fn work_package(&self) -> Option<WorkPackage> {
        match &self.it().measures {
            Measures::WorkPackage(k) => self.plan.work_package(k),
            Measures::Objective(_) => None,
        }
    }

    /// The values reported, a year at a time.
    #[graphql(
        complexity = "crate::schema::sizes::sized_cost(crate::schema::sizes::Listed::IndicatorActuals, None, child_complexity)"
    )]
    async fn actuals(&self) -> Vec<IndicatorActual> {
        let key = self.it().key.clone();
        self.stated().into_iter().map(|a| IndicatorActual { key: key.clone(), actual: a.clone() }).collect()
    }

    /// What it has reached by the actuals stated and not returned: the sum of the years for a
    /// count or euros, the latest year's level for a percentage; null for text or before the
    /// first actual. The roll-up and the IATI file count only accepted actuals.
    async fn reached(&self) -> Option<String> {
        self.reached_so_far().map(|r| write_hundredths(self.it().unit, r))
    }

    /// Reached ÷ target, in percent to the hundredth, never rounded up; null without both.
    async fn progress(&self) -> Option<String> {
        let target = self.it().target.as_ref().and_then(Measure::hundredths)?;
        indicator::progress(self.reached_so_far()?, i128::from(target))
    }
}

/// What an indicator reached in a year, as a report stated it.
pub struct IndicatorActual {
    pub(crate) key: PlanKey,
    pub(crate) actual: StoredActual,
}

#[Object]
impl IndicatorActual {
    async fn indicator_id(&self) -> ID {
        super::id(self.actual.indicator.global())
    }

    /// The indicator's key in its plan.
    async fn indicator_key(&self) -> &str {
        self.key.as_str()
    }

    /// The reporting period: a calendar year.
    async fn year(&self) -> i32 {
        self.actual.year
    }

    async fn value(&self) -> String {
        self.actual.value.to_string()
    }

    async fn note(&self) -> Option<&str> {
        self.actual.note.as_deref()
    }

    /// Its report is accepted: the value stays as the funder accepted it.
    async fn locked(&self) -> bool {
        indicator::locked(self.actual.report_status)
    }

    async fn report(&self, ctx: &Context<'_>) -> ApiResult<ReportObligation> {
        let found = loaders(ctx)?.load_one(self.actual.report).await?;
        found.map(ReportObligation).ok_or_else(|| ApiError::internal(&"an actual's report is missing"))
    }
}

/// One field of a part that changed, as the wire shows it before and after.
#[derive(SimpleObject)]
pub struct FieldChange {
    field: String,
    before: Option<String>,
    after: Option<String>,
}

/// One part of a plan that changed between two versions.
#[derive(SimpleObject)]
pub struct PlanChange {
    part: PlanPart,
    key: String,
    change: PlanChangeKind,
    /// What the part is called: its text, title or name.
    name: String,
    /// The fields that changed (none for a part added or removed).
    fields: Vec<FieldChange>,
}

/// What changed from one written plan to another.
pub(crate) fn plan_changes(before: &domain::PlanDraft, after: &domain::PlanDraft) -> Vec<PlanChange> {
    domain::changes(before, after)
        .into_iter()
        .map(|c| PlanChange {
            part: c.part.into(),
            key: c.key,
            change: c.change.into(),
            name: c.name,
            fields: c
                .fields
                .into_iter()
                .map(|f| FieldChange { field: f.field.to_owned(), before: f.before, after: f.after })
                .collect(),
        })
        .collect()
}

/// An indicator code a programme defines for its projects to share.
#[derive(SimpleObject)]
pub struct IndicatorDefinition {
    programme_id: ID,
    code: String,
    name: String,
    unit: IndicatorUnit,
}

impl From<salkku_persistence::records::IndicatorDefinition> for IndicatorDefinition {
    fn from(d: salkku_persistence::records::IndicatorDefinition) -> Self {
        IndicatorDefinition {
            programme_id: super::id(d.programme.global()),
            code: d.code.to_string(),
            name: d.name,
            unit: d.unit.into(),
        }
    }
}
