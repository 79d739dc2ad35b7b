//! Project plans: each application's plan in force with its actuals, the indicators a project has
//! reported on, the programmes' indicator codes, and what the roll-up sums.

use std::collections::{BTreeMap, HashMap};

use chrono::Datelike;
use salkku_domain::ids::OrganizationId;
use salkku_domain::ids::{ApplicationId, GrantCallId, IndicatorId, ProgrammeId, ReportId};
use salkku_domain::indicator::{IndicatorCode, IndicatorUnit, Measure};
use salkku_domain::plan::{IndicatorDraft, ObjectiveDraft, Plan, PlanDraft, PlanKey, WorkPackageDraft};
use salkku_domain::report::ReportStatus;
use salkku_domain::rollup::Contribution;
use sea_orm::sea_query::{Expr, ExprTrait, Query, SelectStatement};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DbBackend, EntityTrait, QueryFilter, QueryOrder, QueryResult, QuerySelect,
};

use crate::entities::{
    application as app, application_region, grant_call, indicator_actual, indicator_definition, plan_indicator,
    plan_objective, plan_work_package, report_obligation,
};
use crate::records::{IndicatorActual, IndicatorDefinition, StoredPlan};
use crate::store::nested::{Children, children, with_children};
use crate::store::support::one_of;
use crate::views::application_list::{ApplicationFilter, condition};
use crate::views::calls;
use crate::{StoreError, StoreResult};

fn corrupt(e: impl std::fmt::Display) -> StoreError {
    StoreError::corrupt(format!("a stored plan does not hold: {e}"))
}

/// The plan in force of each application asked for, in the order asked (an empty plan where
/// none is written), with the actuals reported on its indicators.
pub async fn of_applications<C: ConnectionTrait>(c: &C, ids: &[ApplicationId]) -> StoreResult<Vec<StoredPlan>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let keys: Vec<i64> = ids.iter().map(|i| i.0).collect();
    let objectives = plan_objective::Entity::find()
        .filter(one_of(c, plan_objective::Column::ApplicationId, keys.clone()))
        .order_by_asc(plan_objective::Column::Position)
        .all(c)
        .await?;
    let packages = plan_work_package::Entity::find()
        .filter(one_of(c, plan_work_package::Column::ApplicationId, keys.clone()))
        .order_by_asc(plan_work_package::Column::Position)
        .all(c)
        .await?;
    let indicators = plan_indicator::Entity::find()
        .filter(one_of(c, plan_indicator::Column::ApplicationId, keys))
        .order_by_asc(plan_indicator::Column::Position)
        .all(c)
        .await?;
    let actuals = actuals_of(c, &indicators).await?;
    let owner: HashMap<i64, i64> = indicators.iter().map(|i| (i.id, i.application_id)).collect();
    let mut rows: HashMap<i64, PlanRows> = HashMap::new();
    for o in objectives {
        rows.entry(o.application_id).or_default().0.push(o);
    }
    for w in packages {
        rows.entry(w.application_id).or_default().1.push(w);
    }
    for i in indicators {
        rows.entry(i.application_id).or_default().2.push(i);
    }
    let mut by_application: HashMap<i64, Vec<IndicatorActual>> = HashMap::new();
    for a in actuals {
        let application =
            owner.get(&a.indicator.0).copied().ok_or_else(|| corrupt("an actual without its indicator"))?;
        by_application.entry(application).or_default().push(a);
    }
    ids.iter()
        .map(|id| {
            let Some((objectives, packages, indicators)) = rows.remove(&id.0) else {
                return Ok(StoredPlan::default());
            };
            let (plan, ids) = plan_from(objectives, packages, indicators)?;
            Ok(StoredPlan { plan, ids, actuals: by_application.remove(&id.0).unwrap_or_default() })
        })
        .collect()
}

/// Adds to `query`, which reads `applications`, the rows of each application's plan in force, as
/// [`plan_in`] reads them back: in the same statement.
pub(crate) fn with_plan(backend: DbBackend, query: &mut SelectStatement) {
    let project = "applications.id";
    let objectives = Children::of(
        plan_objective::Entity,
        plan_objective::Column::ApplicationId,
        project,
        Some(plan_objective::Column::Position),
    );
    with_children(backend, query, "plan_objectives", objectives);
    let packages = Children::of(
        plan_work_package::Entity,
        plan_work_package::Column::ApplicationId,
        project,
        Some(plan_work_package::Column::Position),
    );
    with_children(backend, query, "plan_packages", packages);
    let indicators = Children::of(
        plan_indicator::Entity,
        plan_indicator::Column::ApplicationId,
        project,
        Some(plan_indicator::Column::Position),
    );
    with_children(backend, query, "plan_indicators", indicators);
}

/// The plan read with [`with_plan`], with each part's row by key.
pub(crate) fn plan_in(row: &QueryResult) -> StoreResult<(Plan, BTreeMap<PlanKey, i64>)> {
    plan_from(children(row, "plan_objectives")?, children(row, "plan_packages")?, children(row, "plan_indicators")?)
}

/// Adds to `query`, which reads `applications`, what a plan is checked against beside the plan in
/// force: the codes the project's programme defines and the plan's indicators that have actuals,
/// as [`codes_in`] and [`reported_in_row`] read them back.
pub(crate) fn with_codes_and_actuals(backend: DbBackend, query: &mut SelectStatement) {
    let programme = "(SELECT g.programme_id FROM grant_calls g WHERE g.id = applications.call_id)";
    let codes = Children::of(indicator_definition::Entity, indicator_definition::Column::ProgrammeId, programme, None);
    with_children(backend, query, CODES, codes);
    let actuals = Children {
        child: indicator_actual::Entity,
        filter: "t.indicator_id IN (SELECT i.id FROM plan_indicators i WHERE i.application_id = applications.id)"
            .to_owned(),
        order: None,
    };
    with_children(backend, query, ACTUALS, actuals);
}

const CODES: &str = "programme_codes";
const ACTUALS: &str = "plan_actuals";

/// The codes of the project's programme, read with [`with_codes_and_actuals`].
pub(crate) fn codes_in(row: &QueryResult) -> StoreResult<BTreeMap<IndicatorCode, IndicatorUnit>> {
    codes_of(children(row, CODES)?)
}

/// Which indicators of `plan` (read with [`plan_in`], its rows' keys `ids`) have actuals, in
/// their units, read with [`with_codes_and_actuals`].
pub(crate) fn reported_in_row(
    row: &QueryResult,
    plan: &Plan,
    ids: &BTreeMap<PlanKey, i64>,
) -> StoreResult<BTreeMap<PlanKey, IndicatorUnit>> {
    let with_actuals: std::collections::BTreeSet<i64> =
        children::<indicator_actual::Model>(row, ACTUALS)?.into_iter().map(|a| a.indicator_id).collect();
    Ok(reported_among(plan, ids, |row| with_actuals.contains(&row)))
}

/// One application's rows of its plan: objectives, work packages and indicators.
type PlanRows = (Vec<plan_objective::Model>, Vec<plan_work_package::Model>, Vec<plan_indicator::Model>);

/// One application's plan from its rows (each kind in its order), with each part's row by key.
pub(crate) fn plan_from(
    objectives: Vec<plan_objective::Model>,
    packages: Vec<plan_work_package::Model>,
    indicators: Vec<plan_indicator::Model>,
) -> StoreResult<(Plan, BTreeMap<PlanKey, i64>)> {
    let mut draft = PlanDraft::default();
    let mut keys: BTreeMap<String, i64> = BTreeMap::new();
    for o in objectives {
        keys.insert(o.key.clone(), o.id);
        draft.objectives.push(ObjectiveDraft { key: o.key, text: o.text, language: o.language });
    }
    for w in packages {
        keys.insert(w.key.clone(), w.id);
        draft.work_packages.push(WorkPackageDraft {
            key: w.key,
            title: w.title,
            starts_on: w.starts_on,
            ends_on: w.ends_on,
            lead: w.lead_organization_id.map(OrganizationId),
            objectives: w.objectives.split(',').filter(|k| !k.is_empty()).map(str::to_owned).collect(),
        });
    }
    for i in indicators {
        keys.insert(i.key.clone(), i.id);
        draft.indicators.push(indicator_draft(i)?);
    }
    let plan = Plan::new(draft).map_err(corrupt)?;
    let ids =
        keys.into_iter().map(|(k, v)| Ok((PlanKey::parse(&k).map_err(corrupt)?, v))).collect::<StoreResult<_>>()?;
    Ok((plan, ids))
}

/// One application's plan in force.
pub async fn of<C: ConnectionTrait>(c: &C, id: ApplicationId) -> StoreResult<StoredPlan> {
    Ok(of_applications(c, &[id]).await?.pop().unwrap_or_default())
}

fn indicator_draft(i: plan_indicator::Model) -> StoreResult<IndicatorDraft> {
    Ok(IndicatorDraft {
        key: i.key,
        objective: i.objective_key,
        work_package: i.work_package_key,
        code: i.code,
        name: i.name,
        unit: IndicatorUnit::parse(&i.unit).map_err(corrupt)?,
        baseline: i.baseline,
        target: i.target,
        target_on: i.target_on,
        illustrative: i.illustrative,
    })
}

/// The actuals of these indicators, by year, each locked once its report is accepted.
async fn actuals_of<C: ConnectionTrait>(
    c: &C,
    indicators: &[plan_indicator::Model],
) -> StoreResult<Vec<IndicatorActual>> {
    if indicators.is_empty() {
        return Ok(Vec::new());
    }
    let units: HashMap<i64, IndicatorUnit> = indicators
        .iter()
        .map(|i| Ok((i.id, IndicatorUnit::parse(&i.unit).map_err(corrupt)?)))
        .collect::<StoreResult<_>>()?;
    let rows = indicator_actual::Entity::find()
        .filter(one_of(c, indicator_actual::Column::IndicatorId, units.keys().copied().collect()))
        .order_by_asc(indicator_actual::Column::IndicatorId)
        .order_by_asc(indicator_actual::Column::Year)
        .all(c)
        .await?;
    actuals(c, rows, |indicator| units.get(&indicator).copied()).await
}

/// The actuals a report states, with the key of each one's indicator.
pub async fn of_reports<C: ConnectionTrait>(
    c: &C,
    reports: &[ReportId],
) -> StoreResult<Vec<(PlanKey, IndicatorActual)>> {
    let rows = indicator_actual::Entity::find()
        .filter(one_of(c, indicator_actual::Column::ReportId, reports.iter().map(|r| r.0).collect()))
        // By indicator and year: a report submitted again keeps the rows of the periods it states
        // again, so their keys no longer say the order they were stated in.
        .order_by_asc(indicator_actual::Column::ReportId)
        .order_by_asc(indicator_actual::Column::IndicatorId)
        .order_by_asc(indicator_actual::Column::Year)
        .all(c)
        .await?;
    let indicators: HashMap<i64, plan_indicator::Model> = plan_indicator::Entity::find()
        .filter(one_of(c, plan_indicator::Column::Id, rows.iter().map(|r| r.indicator_id).collect()))
        .all(c)
        .await?
        .into_iter()
        .map(|i| (i.id, i))
        .collect();
    let unit = |id: i64| indicators.get(&id).and_then(|i| IndicatorUnit::parse(&i.unit).ok());
    let read = actuals(c, rows, unit).await?;
    read.into_iter()
        .map(|a| {
            let key = indicators.get(&a.indicator.0).ok_or_else(|| corrupt("an actual without its indicator"))?;
            Ok((PlanKey::parse(&key.key).map_err(corrupt)?, a))
        })
        .collect()
}

async fn actuals<C: ConnectionTrait>(
    c: &C,
    rows: Vec<indicator_actual::Model>,
    unit: impl Fn(i64) -> Option<IndicatorUnit>,
) -> StoreResult<Vec<IndicatorActual>> {
    let mut report_ids: Vec<i64> = rows.iter().map(|r| r.report_id).collect();
    report_ids.sort_unstable();
    report_ids.dedup();
    let statuses: HashMap<i64, ReportStatus> = report_obligation::Entity::find()
        .select_only()
        .column(report_obligation::Column::Id)
        .column(report_obligation::Column::Status)
        .filter(one_of(c, report_obligation::Column::Id, report_ids))
        .into_tuple::<(i64, String)>()
        .all(c)
        .await?
        .into_iter()
        .map(|(id, status)| Ok((id, ReportStatus::parse(&status).map_err(corrupt)?)))
        .collect::<StoreResult<_>>()?;
    rows.into_iter()
        .map(|r| {
            let unit = unit(r.indicator_id).ok_or_else(|| corrupt("an actual without its indicator"))?;
            let status = statuses.get(&r.report_id).ok_or_else(|| corrupt("an actual without its report"))?;
            Ok(IndicatorActual {
                id: r.id,
                indicator: IndicatorId(r.indicator_id),
                report: ReportId(r.report_id),
                year: r.year,
                value: Measure::parse(unit, &r.value).map_err(corrupt)?,
                note: r.note,
                report_status: *status,
            })
        })
        .collect()
}

/// The indicators of `plan` (their rows by key in `ids`) that `has_actuals`, with their units.
pub(crate) fn reported_among(
    plan: &Plan,
    ids: &BTreeMap<PlanKey, i64>,
    has_actuals: impl Fn(i64) -> bool,
) -> BTreeMap<PlanKey, IndicatorUnit> {
    plan.indicators()
        .iter()
        .filter(|i| ids.get(&i.key).is_some_and(|row| has_actuals(*row)))
        .map(|i| (i.key.clone(), i.unit))
        .collect()
}

/// The indicator codes these programmes define, by programme and code.
pub async fn definitions<C: ConnectionTrait>(
    c: &C,
    programmes: &[ProgrammeId],
) -> StoreResult<Vec<IndicatorDefinition>> {
    indicator_definition::Entity::find()
        .filter(one_of(c, indicator_definition::Column::ProgrammeId, programmes.iter().map(|p| p.0).collect()))
        .order_by_asc(indicator_definition::Column::ProgrammeId)
        .order_by_asc(indicator_definition::Column::Code)
        .all(c)
        .await?
        .into_iter()
        .map(|d| {
            Ok(IndicatorDefinition {
                id: d.id,
                programme: ProgrammeId(d.programme_id),
                code: IndicatorCode::parse(&d.code).map_err(corrupt)?,
                name: d.name,
                unit: IndicatorUnit::parse(&d.unit).map_err(corrupt)?,
            })
        })
        .collect()
}

/// The codes an application's programme defines, with their units (none without a call).
pub async fn codes_for<C: ConnectionTrait>(
    c: &C,
    call: Option<salkku_domain::ids::GrantCallId>,
) -> StoreResult<BTreeMap<IndicatorCode, IndicatorUnit>> {
    let Some(call) = call else { return Ok(BTreeMap::new()) };
    let Some(programme) = calls::by_ids(c, &[call]).await?.pop().and_then(|c| c.programme) else {
        return Ok(BTreeMap::new());
    };
    Ok(definitions(c, &[programme]).await?.into_iter().map(|d| (d.code, d.unit)).collect())
}

/// The codes of these definitions (a programme's, as read), with their units.
pub(crate) fn codes_of(
    definitions: Vec<indicator_definition::Model>,
) -> StoreResult<BTreeMap<IndicatorCode, IndicatorUnit>> {
    definitions
        .into_iter()
        .map(|d| Ok((IndicatorCode::parse(&d.code).map_err(corrupt)?, IndicatorUnit::parse(&d.unit).map_err(corrupt)?)))
        .collect()
}

/// What the roll-up sums for a portfolio filter: every indicator of the filtered applications
/// that names a code (one of `codes`, when given; of `programme`'s projects, when given), with
/// its target, the actuals the funder accepted and where its project belongs. The applications
/// stay inside the database as a subquery, so no list of keys grows with the portfolio.
pub async fn contributions<C: ConnectionTrait>(
    c: &C,
    filter: &ApplicationFilter,
    codes: &[IndicatorCode],
    programme: Option<ProgrammeId>,
) -> StoreResult<Vec<Contribution>> {
    let mut filtered =
        Query::select().column(app::Column::Id).from(app::Entity).cond_where(condition(filter)).to_owned();
    if let Some(programme) = programme {
        let calls = Query::select()
            .column(grant_call::Column::Id)
            .from(grant_call::Entity)
            .and_where(grant_call::Column::ProgrammeId.eq(programme.0))
            .to_owned();
        filtered.and_where(Expr::col((app::Entity, app::Column::CallId)).in_subquery(calls));
    }
    let mut coded = Condition::all()
        .add(plan_indicator::Column::Code.is_not_null())
        .add(plan_indicator::Column::ApplicationId.in_subquery(filtered.clone()));
    if !codes.is_empty() {
        coded = coded.add(plan_indicator::Column::Code.is_in(codes.iter().map(IndicatorCode::as_str)));
    }
    let of_coded = |column: plan_indicator::Column| {
        Query::select().column(column).from(plan_indicator::Entity).cond_where(coded.clone()).to_owned()
    };
    let indicators =
        plan_indicator::Entity::find().filter(coded.clone()).order_by_asc(plan_indicator::Column::Id).all(c).await?;
    let projects: Vec<(i64, Option<i64>)> = app::Entity::find()
        .select_only()
        .column(app::Column::Id)
        .column(app::Column::CallId)
        .filter(app::Column::Id.in_subquery(of_coded(plan_indicator::Column::ApplicationId)))
        .into_tuple()
        .all(c)
        .await?;
    let mut call_ids: Vec<GrantCallId> = projects.iter().filter_map(|(_, call)| call.map(GrantCallId)).collect();
    call_ids.sort_unstable();
    call_ids.dedup();
    let programme_of_call: HashMap<GrantCallId, Option<ProgrammeId>> =
        calls::by_ids(c, &call_ids).await?.into_iter().map(|call| (call.id, call.programme)).collect();
    let programme_of: HashMap<i64, Option<ProgrammeId>> = projects
        .iter()
        .map(|(id, call)| (*id, call.and_then(|call| programme_of_call.get(&GrantCallId(call)).copied().flatten())))
        .collect();
    let mut regions: HashMap<i64, Vec<String>> = HashMap::new();
    for r in application_region::Entity::find()
        .filter(application_region::Column::ApplicationId.in_subquery(of_coded(plan_indicator::Column::ApplicationId)))
        .order_by_asc(application_region::Column::RegionCode)
        .all(c)
        .await?
    {
        regions.entry(r.application_id).or_default().push(r.region_code);
    }
    // Only what the funder accepted is summed: a submitted value may still come back.
    let accepted = Query::select()
        .column(report_obligation::Column::Id)
        .from(report_obligation::Entity)
        .and_where(report_obligation::Column::Status.eq(ReportStatus::Accepted.as_str()))
        .and_where(report_obligation::Column::ApplicationId.in_subquery(filtered))
        .to_owned();
    let units: HashMap<i64, IndicatorUnit> = indicators
        .iter()
        .map(|i| Ok((i.id, IndicatorUnit::parse(&i.unit).map_err(corrupt)?)))
        .collect::<StoreResult<_>>()?;
    let mut reached: HashMap<i64, Vec<(i32, i64)>> = HashMap::new();
    for a in indicator_actual::Entity::find()
        .filter(indicator_actual::Column::IndicatorId.in_subquery(of_coded(plan_indicator::Column::Id)))
        .filter(indicator_actual::Column::ReportId.in_subquery(accepted))
        .all(c)
        .await?
    {
        let unit = units.get(&a.indicator_id).copied().ok_or_else(|| corrupt("an actual without its indicator"))?;
        if let Some(h) = Measure::parse(unit, &a.value).map_err(corrupt)?.hundredths() {
            reached.entry(a.indicator_id).or_default().push((a.year, h));
        }
    }
    let mut out = Vec::with_capacity(indicators.len());
    for i in indicators {
        let project_programme = programme_of.get(&i.application_id).copied().flatten();
        if programme.is_some() && project_programme != programme {
            continue;
        }
        let unit = units.get(&i.id).copied().ok_or_else(|| corrupt("an indicator without its unit"))?;
        let target = match (&i.target, i.target_on) {
            (Some(t), Some(on)) => Measure::parse(unit, t).map_err(corrupt)?.hundredths().map(|h| (on.year(), h)),
            _ => None,
        };
        let Some(code) = i.code.as_deref().map(IndicatorCode::parse).transpose().map_err(corrupt)? else { continue };
        out.push(Contribution {
            code,
            unit,
            target,
            actuals: reached.remove(&i.id).unwrap_or_default(),
            regions: regions.get(&i.application_id).cloned().unwrap_or_default(),
            programme: project_programme.map(|p| p.global()),
        });
    }
    Ok(out)
}
