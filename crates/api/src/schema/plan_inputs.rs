//! The inputs of a project plan: a whole plan as written (for `setPlan`, a content change, and a
//! funder's approval with changes), a programme's indicator code, and a report's actuals.

use async_graphql::{ID, InputObject};
use salkku_domain::ids::{ApplicationId, IndicatorId, OrganizationId, ProgrammeId};
use salkku_domain::indicator::IndicatorCode;
use salkku_domain::plan::{IndicatorDraft, ObjectiveDraft, Plan, PlanDraft, WorkPackageDraft};
use salkku_domain::text::{MAX_NAME, MAX_REFERENCE};
use salkku_persistence::commands::actuals::NewActual;

use super::enums::IndicatorUnit;
use super::inputs::{key, list_size, opt_key, optional, required};
use super::scalars::Date;
use crate::error::{ApiError, ApiResult};

/// An objective of a plan.
#[derive(InputObject)]
pub struct ObjectiveInput {
    /// Its name in the plan ("T1"), unique in the plan and kept across versions.
    pub key: String,
    pub text: String,
    /// The language it is written in: "fi" (the default), "sv" or "en".
    #[graphql(default_with = "String::from(\"fi\")")]
    pub language: String,
}

/// A work package of a plan.
#[derive(InputObject)]
pub struct WorkPackageInput {
    pub key: String,
    pub title: String,
    pub starts_on: Option<Date>,
    pub ends_on: Option<Date>,
    /// The participant that leads it.
    pub lead_organization_id: Option<ID>,
    /// The keys of the objectives it serves.
    #[graphql(default)]
    pub objectives: Vec<String>,
}

/// An indicator of a plan, on an objective or on a work package (one of them).
#[derive(InputObject)]
pub struct IndicatorInput {
    pub key: String,
    /// The key of the objective it measures.
    pub objective: Option<String>,
    /// The key of the work package it measures.
    pub work_package: Option<String>,
    /// A code the project's programme defines, for the roll-up across projects.
    pub code: Option<String>,
    pub name: String,
    pub unit: IndicatorUnit,
    /// In the unit: a whole number for COUNT, up to two decimals for PERCENT and EUROS, text
    /// for TEXT.
    pub baseline: Option<String>,
    pub target: Option<String>,
    /// The date the target is due by; given with a target.
    pub target_on: Option<Date>,
    /// The figures are an illustration, not from the project's documents.
    #[graphql(default)]
    pub illustrative: bool,
}

/// A whole plan: what is not in it is not in the plan.
#[derive(InputObject)]
pub struct PlanInput {
    #[graphql(default)]
    pub objectives: Vec<ObjectiveInput>,
    #[graphql(default)]
    pub work_packages: Vec<WorkPackageInput>,
    #[graphql(default)]
    pub indicators: Vec<IndicatorInput>,
}

impl PlanInput {
    /// Reads the plan; an error names its field under `field` (`plan.indicators[2].target`).
    pub fn parse(&self, field: &str) -> ApiResult<Plan> {
        let at = |rest: &str| format!("{field}.{rest}");
        list_size(&at("objectives"), &self.objectives)?;
        list_size(&at("workPackages"), &self.work_packages)?;
        list_size(&at("indicators"), &self.indicators)?;
        let mut draft = PlanDraft::default();
        for o in &self.objectives {
            draft.objectives.push(ObjectiveDraft {
                key: o.key.clone(),
                text: o.text.clone(),
                language: o.language.clone(),
            });
        }
        for (i, w) in self.work_packages.iter().enumerate() {
            let path = |f: &str| at(&format!("workPackages[{i}].{f}"));
            draft.work_packages.push(WorkPackageDraft {
                key: w.key.clone(),
                title: w.title.clone(),
                starts_on: w.starts_on.as_ref().map(|d| d.get(&path("startsOn"))).transpose()?,
                ends_on: w.ends_on.as_ref().map(|d| d.get(&path("endsOn"))).transpose()?,
                lead: opt_key(&w.lead_organization_id, &path("leadOrganizationId"), OrganizationId::from_global)?,
                objectives: w.objectives.clone(),
            });
        }
        for (i, d) in self.indicators.iter().enumerate() {
            let path = |f: &str| at(&format!("indicators[{i}].{f}"));
            draft.indicators.push(IndicatorDraft {
                key: d.key.clone(),
                objective: d.objective.clone(),
                work_package: d.work_package.clone(),
                code: d.code.clone(),
                name: d.name.clone(),
                unit: d.unit.into(),
                baseline: d.baseline.clone(),
                target: d.target.clone(),
                target_on: d.target_on.as_ref().map(|t| t.get(&path("targetOn"))).transpose()?,
                illustrative: d.illustrative,
            });
        }
        Plan::new(draft).map_err(|e| ApiError::invalid(at(&e.at), e.error))
    }
}

/// Replaces an application's plan while it is in preparation.
#[derive(InputObject)]
pub struct SetPlanInput {
    pub application_id: ID,
    pub expected_version: i32,
    pub plan: PlanInput,
}

impl SetPlanInput {
    pub fn parse(self) -> ApiResult<(ApplicationId, i32, Plan)> {
        let id = key(&self.application_id, "applicationId", ApplicationId::from_global)?;
        Ok((id, self.expected_version, self.plan.parse("plan")?))
    }
}

/// An indicator code a programme defines for its projects to share.
#[derive(InputObject)]
pub struct DefineIndicatorInput {
    pub programme_id: ID,
    /// E.g. "trained-professionals": 1–40 letters, digits, '-', '_' or '.'.
    pub code: String,
    pub name: String,
    /// COUNT or EUROS: a shared code is summed across projects.
    pub unit: IndicatorUnit,
}

impl DefineIndicatorInput {
    pub fn parse(self) -> ApiResult<(ProgrammeId, IndicatorCode, String, salkku_domain::indicator::IndicatorUnit)> {
        let programme = key(&self.programme_id, "programmeId", ProgrammeId::from_global)?;
        let code = IndicatorCode::parse(&self.code).map_err(|e| ApiError::invalid("code", e))?;
        Ok((programme, code, required("name", &self.name, MAX_NAME)?, self.unit.into()))
    }
}

/// What an indicator reached in a year, stated with an interim or final report.
#[derive(InputObject)]
pub struct IndicatorActualInput {
    pub indicator_id: ID,
    /// The reporting period: a calendar year the project runs in.
    pub year: i32,
    /// In the indicator's unit.
    pub value: String,
    pub note: Option<String>,
}

/// Reads a report's actuals, each error naming its place (`actuals[1].value`).
pub(crate) fn actuals(inputs: &[IndicatorActualInput]) -> ApiResult<Vec<NewActual>> {
    list_size("actuals", inputs)?;
    inputs
        .iter()
        .enumerate()
        .map(|(i, a)| {
            Ok(NewActual {
                indicator: key(&a.indicator_id, &format!("actuals[{i}].indicatorId"), IndicatorId::from_global)?,
                year: a.year,
                value: a.value.clone(),
                note: optional(&format!("actuals[{i}].note"), a.note.as_deref(), MAX_REFERENCE)?,
            })
        })
        .collect()
}
