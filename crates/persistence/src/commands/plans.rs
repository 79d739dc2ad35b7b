//! Project plans: written as a whole by `setPlan` until the application is submitted, and after
//! that only by an approved content change (through `budget_versions::put_in_force`). The parts
//! are kept by key, so a part that stays keeps its row, its ID and its actuals.

use std::collections::{BTreeSet, HashMap};

use chrono::Datelike;

use salkku_domain::budget_version::BudgetVersionKind;
use salkku_domain::ids::{ApplicationId, NodeKind, OrganizationId, ProgrammeId};
use salkku_domain::indicator::{IndicatorCode, IndicatorUnit, check_definition_unit};
use salkku_domain::plan::{self, Measures, Plan, PlanError};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelBehavior, ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, QueryFilter,
    QuerySelect, Set,
};

use crate::commands::audit;
use crate::entities::{
    application as app, budget_version, indicator_definition, plan_indicator, plan_objective, plan_work_package,
    programme,
};
use crate::records::{Application, IndicatorDefinition};
use crate::store::support::{expect_version, referenced, target, versioned_update_returning};
use crate::views::{applications, budgets, plans};
use crate::{Change, Concerning, Db, StoreError, StoreResult};

/// A plan's broken rule at its field, under `prefix` (`plan`, say) when the plan is part of a
/// larger input.
pub(crate) fn at(prefix: impl Into<String>) -> impl Fn(PlanError) -> StoreError {
    let prefix = prefix.into();
    move |e| StoreError::RuleAt {
        field: if prefix.is_empty() { e.at } else { format!("{prefix}.{}", e.at) },
        source: e.error,
    }
}

/// Who takes part in a project: its lead and its participants.
pub(crate) async fn taking_part<C: ConnectionTrait>(
    c: &C,
    project: &Application,
) -> StoreResult<BTreeSet<OrganizationId>> {
    let mut orgs: BTreeSet<OrganizationId> =
        applications::participants_of(c, &[project.id]).await?.into_iter().map(|p| p.organization).collect();
    orgs.insert(project.lead);
    Ok(orgs)
}

/// Checks a plan against its project: its work packages' leads among `participants` and their
/// periods within the project's, and its codes those of the project's programme.
pub(crate) async fn check<C: ConnectionTrait>(
    c: &C,
    project: &Application,
    plan: &Plan,
    participants: &BTreeSet<OrganizationId>,
    prefix: &str,
) -> StoreResult<()> {
    plan.check_fits(project.period_start, project.period_end, participants).map_err(at(prefix))?;
    let codes = plans::codes_for(c, project.call).await?;
    plan.check_codes(&codes).map_err(at(prefix))
}

/// After a project's participants or period change, its plan still fits it: a work package's lead
/// still takes part, and its period lies within the project's. The refusal names the project's
/// field that broke it. (A project moved to another call keeps its indicators' codes as written:
/// the codes are checked when the plan is, and the roll-up refuses a code in two units.)
pub(crate) async fn check_still_fits<C: ConnectionTrait>(c: &C, project: &Application) -> StoreResult<()> {
    let stored = plans::of(c, project.id).await?;
    if stored.plan.is_empty() {
        return Ok(());
    }
    let participants = taking_part(c, project).await?;
    let field = |e: PlanError| {
        let field = if e.at.ends_with("leadOrganizationId") {
            "participants"
        } else if e.at.ends_with("startsOn") {
            "periodStart"
        } else {
            "periodEnd"
        };
        StoreError::RuleAt { field: field.to_owned(), source: e.error }
    };
    stored.plan.check_fits(project.period_start, project.period_end, &participants).map_err(field)?;
    // Nor does the period leave out a year whose actuals were reported.
    let (first, last) = (project.period_start.map(|d| d.year()), project.period_end.map(|d| d.year()));
    for actual in &stored.actuals {
        salkku_domain::indicator::check_actual_year(actual.year, first, last).map_err(|source| {
            let early = first.is_some_and(|f| actual.year < f);
            StoreError::RuleAt { field: if early { "periodStart" } else { "periodEnd" }.to_owned(), source }
        })?;
    }
    Ok(())
}

/// Checks that budget lines name only work packages of `plan` (by default the plan in force).
pub(crate) async fn check_lines_fit<C: ConnectionTrait>(
    c: &C,
    id: ApplicationId,
    lines: &[salkku_domain::budget::BudgetLine],
    plan: Option<&Plan>,
    prefix: &str,
) -> StoreResult<()> {
    if lines.iter().all(|l| l.work_package().is_none()) {
        return Ok(());
    }
    match plan {
        Some(plan) => plan::check_lines(lines, plan).map_err(at(prefix)),
        None => plan::check_lines(lines, &plans::of(c, id).await?.plan).map_err(at(prefix)),
    }
}

/// The plan as a budget version keeps it.
pub(crate) fn snapshot(plan: &Plan) -> StoreResult<String> {
    serde_json::to_string(&plan.draft()).map_err(|e| StoreError::corrupt(e.to_string()))
}

/// Replaces the application's draft plan: until the application is submitted, as its budget.
/// The lines of the budget that name a work package keep naming one of the plan's.
pub async fn set_plan(
    db: &Db,
    change: &Change<'_>,
    id: ApplicationId,
    expected_version: i32,
    plan: Plan,
) -> StoreResult<Application> {
    let tx = db.begin_write().await?;
    let c = &*tx;
    let current: Application = target::<app::Entity, _>(c, NodeKind::Application, id.0).await?.try_into()?;
    expect_version(NodeKind::Application, expected_version, current.version)?;
    plan::check_plan_editable(current.status).map_err(|e| StoreError::rule(Concerning::Application, e))?;
    check(c, &current, &plan, &taking_part(c, &current).await?, "plan").await?;
    let lines: Vec<_> = budgets::lines_of(c, &[id]).await?.into_iter().map(|l| l.line).collect();
    // A work package with budget lines stays until its lines move.
    plan::check_lines(&lines, &plan)
        .map_err(|e| StoreError::RuleAt { field: "plan.workPackages".to_owned(), source: e.error })?;
    // Whatever was reported keeps meaning what it meant (none is, before a grant, as a rule).
    let stored = plans::of(c, id).await?;
    plan::check_change(&plan, &plans::reported_in(&stored)).map_err(at("plan"))?;
    let before = stored.plan.draft();
    let update = app::Entity::update_many().col_expr(app::Column::UpdatedAt, Expr::value(change.at));
    let updated: Application = versioned_update_returning(c, id.0, expected_version, update).await?.try_into()?;
    write(c, id, &plan).await?;
    budget_version::Entity::update_many()
        .col_expr(budget_version::Column::Plan, Expr::value(Some(snapshot(&plan)?)))
        .filter(budget_version::Column::ApplicationId.eq(id.0))
        .filter(budget_version::Column::Kind.eq(BudgetVersionKind::Draft.as_str()))
        .exec(c)
        .await?;
    audit::record(c, change, &[id.global()], Some(&before), Some(&plan.draft())).await?;
    tx.commit().await?;
    Ok(updated)
}

/// Writes the plan in force by key: parts whose key is gone are removed (with any actuals, which
/// the caller has ruled out for a granted plan), the others updated in place or added.
pub(crate) async fn write<C: ConnectionTrait>(c: &C, id: ApplicationId, plan: &Plan) -> StoreResult<()> {
    use plan_indicator as ind;
    use plan_objective as obj;
    use plan_work_package as wp;
    let key_of = |k: &plan::PlanKey| k.as_str().to_owned();

    let keys = plan.objectives().iter().map(|o| key_of(&o.key)).collect();
    let rows =
        keep::<obj::Entity, _>(c, id, (obj::Column::ApplicationId, obj::Column::Key, obj::Column::Id), keys).await?;
    for (position, o) in (0..).zip(plan.objectives()) {
        let row = obj::ActiveModel {
            application_id: Set(id.0),
            key: Set(key_of(&o.key)),
            position: Set(position),
            text: Set(o.text.clone()),
            language: Set(o.language.code().to_owned()),
            ..Default::default()
        };
        save(c, row, obj::Column::Id, rows.get(o.key.as_str())).await?;
    }

    let keys = plan.work_packages().iter().map(|w| key_of(&w.key)).collect();
    let rows = keep::<wp::Entity, _>(c, id, (wp::Column::ApplicationId, wp::Column::Key, wp::Column::Id), keys).await?;
    for (position, w) in (0..).zip(plan.work_packages()) {
        let row = wp::ActiveModel {
            application_id: Set(id.0),
            key: Set(key_of(&w.key)),
            position: Set(position),
            title: Set(w.title.clone()),
            starts_on: Set(w.starts_on),
            ends_on: Set(w.ends_on),
            lead_organization_id: Set(w.lead.map(|o| o.0)),
            objectives: Set(w.objectives.iter().map(key_of).collect::<Vec<_>>().join(",")),
            ..Default::default()
        };
        save(c, row, wp::Column::Id, rows.get(w.key.as_str())).await?;
    }

    let keys = plan.indicators().iter().map(|i| key_of(&i.key)).collect();
    let rows =
        keep::<ind::Entity, _>(c, id, (ind::Column::ApplicationId, ind::Column::Key, ind::Column::Id), keys).await?;
    for (position, i) in (0..).zip(plan.indicators()) {
        let (objective, work_package) = match &i.measures {
            Measures::Objective(k) => (Some(key_of(k)), None),
            Measures::WorkPackage(k) => (None, Some(key_of(k))),
        };
        let row = ind::ActiveModel {
            application_id: Set(id.0),
            key: Set(key_of(&i.key)),
            position: Set(position),
            objective_key: Set(objective),
            work_package_key: Set(work_package),
            code: Set(i.code.as_ref().map(|c| c.as_str().to_owned())),
            name: Set(i.name.clone()),
            unit: Set(i.unit.as_str().to_owned()),
            baseline: Set(i.baseline.as_ref().map(ToString::to_string)),
            target: Set(i.target.as_ref().map(ToString::to_string)),
            target_on: Set(i.target_on),
            illustrative: Set(i.illustrative),
            ..Default::default()
        };
        save(c, row, ind::Column::Id, rows.get(i.key.as_str())).await?;
    }
    Ok(())
}

/// Removes an application's parts of one kind whose key is not in `keep`, and answers the rows of
/// the others by key. `columns` are the table's application, key and row ID.
async fn keep<E, C>(
    c: &C,
    id: ApplicationId,
    columns: (E::Column, E::Column, E::Column),
    keep: Vec<String>,
) -> StoreResult<HashMap<String, i64>>
where
    E: EntityTrait,
    C: ConnectionTrait,
{
    let (application, key, row) = columns;
    let rows = E::find()
        .select_only()
        .column(key)
        .column(row)
        .filter(application.eq(id.0))
        .into_tuple::<(String, i64)>()
        .all(c)
        .await?;
    E::delete_many().filter(application.eq(id.0)).filter(key.is_not_in(keep)).exec(c).await?;
    Ok(rows.into_iter().collect())
}

/// Updates the part's row where it has one, or adds it.
async fn save<A, C>(
    c: &C,
    mut row: A,
    id_column: <A::Entity as EntityTrait>::Column,
    existing: Option<&i64>,
) -> StoreResult<()>
where
    A: ActiveModelTrait + ActiveModelBehavior + Send,
    <A::Entity as EntityTrait>::Model: IntoActiveModel<A>,
    C: ConnectionTrait,
{
    match existing {
        Some(key) => {
            row.set(id_column, (*key).into());
            row.update(c).await?;
        }
        None => {
            row.insert(c).await?;
        }
    }
    Ok(())
}

/// A programme defines an indicator code its projects share, in a unit that adds up.
pub async fn define_indicator(
    db: &Db,
    change: &Change<'_>,
    programme: ProgrammeId,
    code: IndicatorCode,
    name: String,
    unit: IndicatorUnit,
) -> StoreResult<IndicatorDefinition> {
    check_definition_unit(&code, unit).map_err(|e| StoreError::rule(Concerning::Code, e))?;
    let tx = db.begin_write().await?;
    let c = &*tx;
    referenced::<programme::Entity, _>(c, Concerning::Programme, NodeKind::FundingProgramme, programme.0).await?;
    let taken = indicator_definition::Entity::find()
        .filter(indicator_definition::Column::ProgrammeId.eq(programme.0))
        .filter(indicator_definition::Column::Code.eq(code.as_str()))
        .one(c)
        .await?
        .is_some();
    if taken {
        return Err(StoreError::Duplicate {
            concerning: Concerning::Code,
            message: salkku_domain::message!(
                fi: "ohjelma määrittelee jo mittarin {code}",
                sv: "programmet definierar redan indikatorn {code}",
                en: "the programme already defines the indicator {code}",
            ),
        });
    }
    let row = indicator_definition::ActiveModel {
        programme_id: Set(programme.0),
        code: Set(code.as_str().to_owned()),
        name: Set(name.clone()),
        unit: Set(unit.as_str().to_owned()),
        created_at: Set(change.at),
        ..Default::default()
    }
    .insert(c)
    .await?;
    let defined = IndicatorDefinition { id: row.id, programme, code, name, unit };
    audit::record(c, change, &[programme.global()], None::<&()>, Some(&defined)).await?;
    tx.commit().await?;
    Ok(defined)
}
