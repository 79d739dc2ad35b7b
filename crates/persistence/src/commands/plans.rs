//! Project plans: written as a whole by `setPlan` until the application is submitted, and after
//! that only by an approved content change (through `budget_versions::InForce::add_successor`). The parts
//! are kept by key, so a part that stays keeps its row, its ID and its actuals.

use std::collections::{BTreeMap, BTreeSet};

use chrono::Datelike;

use salkku_domain::budget::BudgetLine;
use salkku_domain::budget_version::BudgetVersionKind;
use salkku_domain::ids::{ApplicationId, NodeKind, OrganizationId, ProgrammeId};
use salkku_domain::indicator::{IndicatorCode, IndicatorUnit, check_definition_unit};
use salkku_domain::plan::{self, Measures, Plan, PlanError, PlanKey};
use sea_orm::sea_query::{Alias, Expr, ExprTrait, OnConflict, Query};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityName, EntityTrait, FromQueryResult, QueryFilter, QueryTrait,
    Set,
};

use crate::commands::{audit, involvement};
use crate::entities::{
    application as app, budget_version, indicator_definition, participant, plan_indicator, plan_objective,
    plan_work_package, programme,
};
use crate::records::{Application, IndicatorDefinition};
use crate::store::batch::Writes;
use crate::store::held::{self as store_held, Reference};
use crate::store::nested::{Children, children, with_children};
use crate::store::support::{expect_version, version_checked};
use crate::views::{budgets, plans};
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

/// After a project's participants or period change, its plan (read beforehand) still fits it: a
/// work package's lead still takes part (`participants`, as they will be), and its period lies
/// within the project's. The refusal names the project's field that broke it. (A project moved to
/// another call keeps its indicators' codes as written: the codes are checked when the plan is,
/// and the roll-up refuses a code in two units.)
pub(crate) fn check_plan_fits(
    plan: &Plan,
    project: &Application,
    participants: &BTreeSet<OrganizationId>,
) -> StoreResult<()> {
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
    plan.check_fits(project.period_start, project.period_end, participants).map_err(field)
}

/// Nor does the project's period leave out a year whose actuals were reported (`years`).
pub(crate) fn check_actual_years(project: &Application, years: impl IntoIterator<Item = i32>) -> StoreResult<()> {
    let (first, last) = (project.period_start.map(|d| d.year()), project.period_end.map(|d| d.year()));
    for year in years {
        salkku_domain::indicator::check_actual_year(year, first, last).map_err(|source| {
            let early = first.is_some_and(|f| year < f);
            StoreError::RuleAt { field: if early { "periodStart" } else { "periodEnd" }.to_owned(), source }
        })?;
    }
    Ok(())
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
    let held = HeldPlan::read(c, change, id).await?;
    let current = held.project;
    expect_version(NodeKind::Application, expected_version, current.version)?;
    plan::check_plan_editable(current.status).map_err(|e| StoreError::rule(Concerning::Application, e))?;
    plan.check_fits(current.period_start, current.period_end, &held.taking_part).map_err(at("plan"))?;
    plan.check_codes(&held.codes).map_err(at("plan"))?;
    // A work package with budget lines stays until its lines move.
    plan::check_lines(&held.lines, &plan)
        .map_err(|e| StoreError::RuleAt { field: "plan.workPackages".to_owned(), source: e.error })?;
    // Whatever was reported keeps meaning what it meant (none is, before a grant, as a rule).
    plan::check_change(&plan, &held.reported).map_err(at("plan"))?;
    let before = held.stored.draft();
    // Every write at once, on PostgreSQL in one statement.
    let mut writes = Writes::new(c.get_database_backend());
    writes.holding(id);
    let update = app::Entity::update_many().col_expr(app::Column::UpdatedAt, Expr::value(change.at));
    writes.push_named(UPDATED, version_checked(update, id.0, expected_version).into_query().returning_all());
    add_writes(&mut writes, id, &plan);
    let draft = budget_version::Entity::update_many()
        .col_expr(budget_version::Column::Plan, Expr::value(Some(snapshot(&plan)?)))
        .filter(budget_version::Column::ApplicationId.eq(id.0))
        .filter(budget_version::Column::Kind.eq(BudgetVersionKind::Draft.as_str()));
    writes.push(&draft.into_query());
    audit::add(&mut writes, change, &[id.global()], Some(&before), Some(&plan.draft()))?;
    let rows = writes.run_returning(c, Some(UPDATED)).await?;
    // The row is held and at `expected_version`: the update cannot miss it.
    let row = rows.first().ok_or_else(|| StoreError::corrupt("the held application was not updated"))?;
    let updated: Application = app::Model::from_query_result(row, "")?.try_into()?;
    tx.commit().await?;
    Ok(updated)
}

/// What setPlan checks a plan against, read in one statement with the project held: who takes
/// part, the codes of its programme, its budget's lines, the plan in force and which of its
/// indicators have actuals.
struct HeldPlan {
    project: Application,
    taking_part: BTreeSet<OrganizationId>,
    codes: BTreeMap<IndicatorCode, IndicatorUnit>,
    lines: Vec<BudgetLine>,
    stored: Plan,
    reported: BTreeMap<PlanKey, IndicatorUnit>,
}

impl HeldPlan {
    async fn read<C: ConnectionTrait>(c: &C, change: &Change<'_>, id: ApplicationId) -> StoreResult<Self> {
        let backend = c.get_database_backend();
        let mut query = Query::select();
        query.from(app::Entity);
        store_held::with_columns(&mut query);
        involvement::ask_of_application(&mut query, change);
        let project = "applications.id";
        let participants = Children::of(participant::Entity, participant::Column::ApplicationId, project, None);
        with_children(backend, &mut query, "participants", participants);
        budgets::with_lines(backend, &mut query);
        plans::with_plan(backend, &mut query);
        plans::with_codes_and_actuals(backend, &mut query);
        query.and_where(Expr::col((app::Entity, app::Column::Id)).eq(id.0));
        let missing = || StoreError::NotFound { kind: NodeKind::Application, key: id.0 };
        let row = store_held::read(c, query, missing).await?;
        involvement::check(&row, change)?;
        let project = store_held::application(&row)?;
        let mut taking_part: BTreeSet<OrganizationId> = children::<participant::Model>(&row, "participants")?
            .into_iter()
            .map(|p| OrganizationId(p.organization_id))
            .collect();
        taking_part.insert(project.lead);
        let lines = budgets::lines_in(&row)?;
        let (stored, ids) = plans::plan_in(&row)?;
        let reported = plans::reported_in_row(&row, &stored, &ids)?;
        Ok(HeldPlan { codes: plans::codes_in(&row)?, project, taking_part, lines, stored, reported })
    }
}

/// The name the application's update goes by among setPlan's writes.
const UPDATED: &str = "updated";

/// Adds to a command's writes the plan in force written by key: for each kind of part, the removal of those whose key
/// is gone and an upsert of the others by key (a part that stays keeps its row and its ID). The
/// two touch different rows, so they may run in one statement.
pub(crate) fn add_writes(writes: &mut Writes, id: ApplicationId, plan: &Plan) {
    use plan_indicator as ind;
    use plan_objective as obj;
    use plan_work_package as wp;
    let key_of = |k: &plan::PlanKey| k.as_str().to_owned();

    let objectives = (0..).zip(plan.objectives()).map(|(position, o)| obj::ActiveModel {
        application_id: Set(id.0),
        key: Set(key_of(&o.key)),
        position: Set(position),
        text: Set(o.text.clone()),
        language: Set(o.language.code().to_owned()),
        ..Default::default()
    });
    let keys = plan.objectives().iter().map(|o| key_of(&o.key)).collect();
    let kept = [obj::Column::Position, obj::Column::Text, obj::Column::Language];
    by_key::<obj::Entity, _>(writes, id, (obj::Column::ApplicationId, obj::Column::Key), keys, objectives, &kept);

    let work_packages = (0..).zip(plan.work_packages()).map(|(position, w)| wp::ActiveModel {
        application_id: Set(id.0),
        key: Set(key_of(&w.key)),
        position: Set(position),
        title: Set(w.title.clone()),
        starts_on: Set(w.starts_on),
        ends_on: Set(w.ends_on),
        lead_organization_id: Set(w.lead.map(|o| o.0)),
        objectives: Set(w.objectives.iter().map(key_of).collect::<Vec<_>>().join(",")),
        ..Default::default()
    });
    let keys = plan.work_packages().iter().map(|w| key_of(&w.key)).collect();
    let kept = [
        wp::Column::Position,
        wp::Column::Title,
        wp::Column::StartsOn,
        wp::Column::EndsOn,
        wp::Column::LeadOrganizationId,
        wp::Column::Objectives,
    ];
    by_key::<wp::Entity, _>(writes, id, (wp::Column::ApplicationId, wp::Column::Key), keys, work_packages, &kept);

    let indicators = (0..).zip(plan.indicators()).map(|(position, i)| {
        let (objective, work_package) = match &i.measures {
            Measures::Objective(k) => (Some(key_of(k)), None),
            Measures::WorkPackage(k) => (None, Some(key_of(k))),
        };
        ind::ActiveModel {
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
        }
    });
    let keys = plan.indicators().iter().map(|i| key_of(&i.key)).collect();
    let kept = [
        ind::Column::Position,
        ind::Column::ObjectiveKey,
        ind::Column::WorkPackageKey,
        ind::Column::Code,
        ind::Column::Name,
        ind::Column::Unit,
        ind::Column::Baseline,
        ind::Column::Target,
        ind::Column::TargetOn,
        ind::Column::Illustrative,
    ];
    by_key::<ind::Entity, _>(writes, id, (ind::Column::ApplicationId, ind::Column::Key), keys, indicators, &kept);
}

/// Adds the writes that leave an application's parts of one kind as `rows`: those whose key is
/// not in `keys` removed, the others inserted or, where their key is there, updated in `columns`.
/// `key_columns` are the table's application and key.
fn by_key<E, A>(
    writes: &mut Writes,
    id: ApplicationId,
    key_columns: (E::Column, E::Column),
    keys: Vec<String>,
    rows: impl Iterator<Item = A>,
    columns: &[E::Column],
) where
    E: EntityTrait,
    A: ActiveModelTrait<Entity = E>,
{
    let (application, key) = key_columns;
    writes.push(&E::delete_many().filter(application.eq(id.0)).filter(key.is_not_in(keys)).into_query());
    let rows: Vec<A> = rows.collect();
    if rows.is_empty() {
        return;
    }
    let upsert = E::insert_many(rows)
        .on_conflict(OnConflict::columns([application, key]).update_columns(columns.iter().copied()).to_owned())
        .into_query();
    writes.push(&upsert);
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
    let backend = c.get_database_backend();
    let of = [Reference::to(programme::Entity, Concerning::Programme, NodeKind::FundingProgramme, programme.0)];
    let taken = Query::select()
        .column(indicator_definition::Column::Id)
        .from(indicator_definition::Entity)
        .and_where(Expr::col(indicator_definition::Column::ProgrammeId).eq(programme.0))
        .and_where(Expr::col(indicator_definition::Column::Code).eq(code.as_str()))
        .to_owned();
    let mut query = Query::select();
    store_held::with_references(&mut query, &of);
    query.expr_as(Expr::exists(taken), Alias::new("taken"));
    query.expr_as(
        store_held::next_key(backend, indicator_definition::Entity.table_name(), 0),
        Alias::new("definition_key"),
    );
    let row = store_held::read_values(c, query).await?;
    store_held::check_references(&row, &of)?;
    if row.try_get::<bool>("", "taken")? {
        return Err(StoreError::Duplicate {
            concerning: Concerning::Code,
            message: salkku_domain::message!(
                fi: "ohjelma määrittelee jo mittarin {code}",
                sv: "programmet definierar redan indikatorn {code}",
                en: "the programme already defines the indicator {code}",
            ),
        });
    }
    let model = indicator_definition::Model {
        id: row.try_get("", "definition_key")?,
        programme_id: programme.0,
        code: code.as_str().to_owned(),
        name: name.clone(),
        unit: unit.as_str().to_owned(),
        created_at: change.at,
    };
    let defined = IndicatorDefinition { id: model.id, programme, code, name, unit };
    let mut writes = Writes::new(backend);
    writes.insert(model);
    audit::add(&mut writes, change, &[programme.global()], None::<&()>, Some(&defined))?;
    writes.run(c).await?;
    tx.commit().await?;
    Ok(defined)
}
