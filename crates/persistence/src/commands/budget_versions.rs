//! Budget versions: the draft opened with the application, frozen as applied at submission, the
//! granted version the decision puts in force, and revisions. Putting a version in force copies
//! its lines and figures to where every sum reads them (`budget_lines` and the application's
//! totals), so the portfolio, the exports and the splits never see a superseded version.

use chrono::{DateTime, Utc};
use salkku_domain::budget::Budget;
use salkku_domain::budget::BudgetLine;
use salkku_domain::budget_diff::{BudgetDiff, within_tolerance};
use salkku_domain::budget_version::{BudgetVersionKind, check_revision_within_tolerance};
use salkku_domain::change_request::check_may_request_changes;
use salkku_domain::ids::{ApplicationId, DecisionId, NodeKind};
use salkku_domain::plan::{Plan, packages_within_tolerance};
use salkku_domain::{Amount, Rate};
use sea_orm::sea_query::{Alias, Expr, ExprTrait, Query, SelectStatement};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryResult, QuerySelect, QueryTrait, Set,
};

use crate::commands::{audit, plans};
use crate::derived::{self, Changed};
use crate::entities::{application as app, budget_line, budget_version, budget_version_line};
use crate::records::{Application, BudgetVersion};
use crate::store::batch::Writes;
use crate::store::support::{expect_version, target, versioned_update};
use crate::views::{budget_versions, calls, plans as plan_views};
use crate::{Change, Concerning, Db, StoreError, StoreResult};

/// Adds to `writes` the draft version of a new application, in force until it is submitted.
pub(crate) fn add_draft(writes: &mut Writes, app: &Application, by: &str) -> StoreResult<()> {
    let draft = budget_version::ActiveModel {
        application_id: Set(app.id.0),
        number: Set(1),
        kind: Set(BudgetVersionKind::Draft.as_str().to_owned()),
        in_force: Set(true),
        total_cost_cents: Set(app.total_cost.cents()),
        state_aid_cents: Set(app.state_aid_requested.cents()),
        within_tolerance: Set(false),
        decision_ref: Set(None),
        decision_id: Set(None),
        created_at: Set(app.created_at),
        created_by: Set(by.to_owned()),
        plan: Set(Some(plans::snapshot(&Plan::default())?)),
        plan_only: Set(false),
        ..Default::default()
    };
    writes.push(&budget_version::Entity::insert(draft).into_query());
    Ok(())
}

/// Adds to `writes` the draft version's figures, as `budget` has them.
pub(crate) fn add_draft_figures(writes: &mut Writes, id: ApplicationId, budget: &Budget) {
    let update = budget_version::Entity::update_many()
        .col_expr(budget_version::Column::TotalCostCents, Expr::value(budget.total().cents()))
        .col_expr(budget_version::Column::StateAidCents, Expr::value(budget.state_aid_requested().cents()))
        .filter(budget_version::Column::ApplicationId.eq(id.0))
        .filter(budget_version::Column::Kind.eq(BudgetVersionKind::Draft.as_str()));
    writes.push(&update.into_query());
}

/// Adds to `query`, read beside the held application, its draft budget version's key (which
/// [`add_applied`] freezes).
pub(crate) fn with_draft(query: &mut SelectStatement) {
    let draft = Query::select()
        .column(budget_version::Column::Id)
        .from(budget_version::Entity)
        .and_where(
            Expr::col((budget_version::Entity, budget_version::Column::ApplicationId))
                .equals((app::Entity, app::Column::Id)),
        )
        .and_where(
            Expr::col((budget_version::Entity, budget_version::Column::Kind)).eq(BudgetVersionKind::Draft.as_str()),
        )
        .to_owned();
    query.expr_as(Expr::SubQuery(None, Box::new(draft.into())), Alias::new(DRAFT));
}

const DRAFT: &str = "draft_version_id";

/// Adds to `writes` the draft (read with [`with_draft`] into `row`) frozen as the budget applied
/// for: it keeps its number and gets its own copy of the lines, which from now on only a decision
/// changes.
pub(crate) fn add_applied(
    writes: &mut Writes,
    row: &QueryResult,
    id: ApplicationId,
    at: DateTime<Utc>,
) -> StoreResult<()> {
    let draft: Option<i64> = row.try_get("", DRAFT)?;
    let draft =
        draft.ok_or_else(|| StoreError::corrupt(format!("application {} has no draft budget to submit", id.0)))?;
    let copy = Query::insert()
        .into_table(budget_version_line::Entity)
        .columns([
            budget_version_line::Column::VersionId,
            budget_version_line::Column::Position,
            budget_version_line::Column::Category,
            budget_version_line::Column::Year,
            budget_version_line::Column::Description,
            budget_version_line::Column::AmountCents,
            budget_version_line::Column::WorkPackage,
        ])
        .select_from(
            Query::select()
                .expr(Expr::val(draft))
                .columns([
                    budget_line::Column::Position,
                    budget_line::Column::Category,
                    budget_line::Column::Year,
                    budget_line::Column::Description,
                    budget_line::Column::AmountCents,
                    budget_line::Column::WorkPackage,
                ])
                .from(budget_line::Entity)
                .and_where(budget_line::Column::ApplicationId.eq(id.0))
                .to_owned(),
        )
        .map_err(|e| StoreError::corrupt(e.to_string()))?
        .to_owned();
    writes.push(&copy);
    let frozen = budget_version::Entity::update_many()
        .col_expr(budget_version::Column::Kind, Expr::value(BudgetVersionKind::Applied.as_str()))
        .col_expr(budget_version::Column::CreatedAt, Expr::value(at))
        .filter(budget_version::Column::Id.eq(draft));
    writes.push(&frozen.into_query());
    Ok(())
}

/// What a new version in force is.
pub(crate) struct NewVersion<'a> {
    pub kind: BudgetVersionKind,
    pub budget: &'a Budget,
    pub decision_ref: Option<String>,
    pub decision: Option<DecisionId>,
    pub within_tolerance: bool,
    /// The plan an approved content change puts in force with the version; `None` keeps the
    /// plan in force.
    pub plan: Option<&'a Plan>,
    /// Made by a content change alone: the budget stays as it was.
    pub plan_only: bool,
}

/// Puts a new version in force: the one before stays as history. The caller has checked the
/// application's version (and so holds its row).
pub(crate) async fn put_in_force<C: ConnectionTrait>(
    c: &C,
    change: &Change<'_>,
    id: ApplicationId,
    new: NewVersion<'_>,
) -> StoreResult<BudgetVersion> {
    let last: Option<i32> = budget_version::Entity::find()
        .select_only()
        .column_as(budget_version::Column::Number.max(), "last")
        .filter(budget_version::Column::ApplicationId.eq(id.0))
        .into_tuple::<Option<i32>>()
        .one(c)
        .await?
        .flatten();
    // The version keeps the plan in force with it: the one a content change brings, or the one
    // it finds.
    let plan = match new.plan {
        Some(plan) => {
            plans::write(c, id, plan).await?;
            plans::snapshot(plan)?
        }
        None => plans::snapshot(&plan_views::of(c, id).await?.plan)?,
    };
    budget_version::Entity::update_many()
        .col_expr(budget_version::Column::InForce, Expr::value(false))
        .filter(budget_version::Column::ApplicationId.eq(id.0))
        .filter(budget_version::Column::InForce.eq(true))
        .exec(c)
        .await?;
    let row = budget_version::ActiveModel {
        application_id: Set(id.0),
        number: Set(last.unwrap_or(0) + 1),
        kind: Set(new.kind.as_str().to_owned()),
        in_force: Set(true),
        total_cost_cents: Set(new.budget.total().cents()),
        state_aid_cents: Set(new.budget.state_aid_requested().cents()),
        within_tolerance: Set(new.within_tolerance),
        decision_ref: Set(new.decision_ref),
        decision_id: Set(new.decision.map(|d| d.0)),
        created_at: Set(change.at),
        created_by: Set(change.actor.subject.clone()),
        plan: Set(Some(plan)),
        plan_only: Set(new.plan_only),
        ..Default::default()
    }
    .insert(c)
    .await?;
    let version = BudgetVersion::try_from(row)?;
    if !new.budget.lines().is_empty() {
        let rows =
            new.budget.lines().iter().zip(0..).map(|(line, position)| version_line(version.id.0, position, line));
        budget_version_line::Entity::insert_many(rows).exec_without_returning(c).await?;
    }
    replace_lines(c, id, new.budget).await?;
    app::Entity::update_many()
        .col_expr(app::Column::TotalCostCents, Expr::value(new.budget.total().cents()))
        .col_expr(app::Column::StateAidRequestedCents, Expr::value(new.budget.state_aid_requested().cents()))
        .filter(app::Column::Id.eq(id.0))
        .exec(c)
        .await?;
    Ok(version)
}

fn version_line(version: i64, position: i32, line: &BudgetLine) -> budget_version_line::ActiveModel {
    budget_version_line::ActiveModel {
        version_id: Set(version),
        position: Set(position),
        category: Set(line.category().as_str().to_owned()),
        year: Set(line.year()),
        description: Set(line.description().map(str::to_owned)),
        amount_cents: Set(line.amount().cents()),
        work_package: Set(line.work_package().map(|k| k.as_str().to_owned())),
        ..Default::default()
    }
}

/// Replaces the lines in force, the ones every sum reads.
pub(crate) async fn replace_lines<C: ConnectionTrait>(c: &C, id: ApplicationId, budget: &Budget) -> StoreResult<()> {
    let mut writes = Writes::new(c.get_database_backend());
    add_lines(&mut writes, id, budget);
    writes.run(c).await
}

/// Adds to `writes` the removal of the application's lines and the writing of `budget`'s. On
/// PostgreSQL the two are parts of one statement: the lines have no key but their own, so the new
/// rows never meet the old.
pub(crate) fn add_lines(writes: &mut Writes, id: ApplicationId, budget: &Budget) {
    writes.push(&budget_line::Entity::delete_many().filter(budget_line::Column::ApplicationId.eq(id.0)).into_query());
    if !budget.lines().is_empty() {
        let rows = budget.lines().iter().zip(0..).map(|(line, position)| budget_line::ActiveModel {
            application_id: Set(id.0),
            position: Set(position),
            category: Set(line.category().as_str().to_owned()),
            year: Set(line.year()),
            description: Set(line.description().map(str::to_owned)),
            amount_cents: Set(line.amount().cents()),
            work_package: Set(line.work_package().map(|k| k.as_str().to_owned())),
            ..Default::default()
        });
        writes.push(&budget_line::Entity::insert_many(rows).into_query());
    }
}

/// Records a revision of a granted project's budget without a change request, if it is within
/// its call's tolerance: the total and the state aid stay, and what moves between cost categories
/// is at most the tolerance's share of the approved total. The revision is flagged as such.
pub async fn revise_within_tolerance(
    db: &Db,
    change: &Change<'_>,
    id: ApplicationId,
    expected_version: i32,
    lines: Vec<BudgetLine>,
) -> StoreResult<BudgetVersion> {
    let tx = db.begin_write().await?;
    let current: Application = target::<app::Entity, _>(&*tx, NodeKind::Application, id.0).await?.try_into()?;
    expect_version(NodeKind::Application, expected_version, current.version)?;
    check_may_request_changes(current.status).map_err(|e| StoreError::rule(Concerning::Revision, e))?;
    let tolerance = match current.call {
        Some(call) => calls::by_ids(&*tx, &[call]).await?.first().map_or(Rate::ZERO, |c| c.reallocation_tolerance),
        None => Rate::ZERO,
    };
    let before = budget_versions::in_force(&*tx, id).await?;
    // A revision keeps the state aid; only the lines move.
    let aid = Amount::new(before.state_aid).map_err(|e| StoreError::corrupt(e.to_string()))?;
    let budget = Budget::new(lines, aid).map_err(|e| StoreError::rule(Concerning::Revision, e))?;
    plans::check_lines_fit(&*tx, id, budget.lines(), None, "").await?;
    // The tolerance holds for all the revisions made under it together: what moved is measured
    // from the last version a decision approved (the granted one, or one a change request
    // revised), so that ten small revisions cannot move ten times the tolerance.
    let approved = budget_versions::of_applications(&*tx, &[id])
        .await?
        .into_iter()
        .rev()
        .find(|v| !v.within_tolerance && !v.plan_only)
        .unwrap_or_else(|| before.clone());
    let approved_budget = budget_versions::budget(&*tx, &approved).await?;
    let diff = BudgetDiff::between(&approved_budget, &budget).map_err(|e| StoreError::rule(Concerning::Revision, e))?;
    // Money moved between work packages counts as money moved, as between cost categories.
    let within = within_tolerance(&diff, tolerance).map_err(|e| StoreError::rule(Concerning::Revision, e))?
        && packages_within_tolerance(approved_budget.lines(), budget.lines(), tolerance)
            .map_err(|e| StoreError::rule(Concerning::Revision, e))?;
    check_revision_within_tolerance(within, tolerance).map_err(|e| StoreError::rule(Concerning::Revision, e))?;
    let update = app::Entity::update_many().col_expr(app::Column::UpdatedAt, Expr::value(change.at));
    versioned_update(&*tx, id.0, expected_version, update).await?;
    let new = NewVersion {
        kind: BudgetVersionKind::Revised,
        budget: &budget,
        decision_ref: None,
        decision: None,
        within_tolerance: true,
        plan: None,
        plan_only: false,
    };
    let revised = put_in_force(&*tx, change, id, new).await?;
    derived::after(&*tx, Changed::applications(&[id])).await?;
    audit::record(&*tx, change, &[id.global(), revised.id.global()], Some(&before), Some(&revised)).await?;
    tx.commit().await?;
    Ok(revised)
}

/// Gives every application loaded in bulk (the synthetic portfolio) the versions its status
/// implies, as the migration that introduced versions did for the rows it found: a draft before
/// submission, the budget as applied for after it, and for a granted project a granted version
/// equal to it.
pub async fn derive_for_loaded<C: ConnectionTrait>(c: &C) -> StoreResult<()> {
    // A load that brought versions of its own (an export made since versions exist) keeps them
    // as they are: a frozen version may rightly have no lines.
    if budget_version::Entity::find().one(c).await?.is_some() {
        return Ok(());
    }
    const STATEMENTS: [&str; 3] = [
        "INSERT INTO budget_versions (application_id, number, kind, in_force, total_cost_cents, state_aid_cents, \
           within_tolerance, decision_ref, created_at, created_by) \
         SELECT a.id, 1, \
           CASE WHEN a.status IN ('IDEA', 'IN_PREPARATION') OR (a.status = 'WITHDRAWN' AND a.submitted_at IS NULL) \
             THEN 'DRAFT' ELSE 'APPLIED' END, \
           a.status NOT IN ('GRANTED', 'ACTIVE', 'CLOSED'), \
           a.total_cost_cents, a.state_aid_requested_cents, FALSE, NULL, COALESCE(a.submitted_at, a.created_at), \
           a.created_by \
         FROM applications a WHERE NOT EXISTS (SELECT 1 FROM budget_versions v WHERE v.application_id = a.id)",
        "INSERT INTO budget_versions (application_id, number, kind, in_force, total_cost_cents, state_aid_cents, \
           within_tolerance, decision_ref, created_at, created_by) \
         SELECT v.application_id, 2, 'GRANTED', TRUE, v.total_cost_cents, v.state_aid_cents, FALSE, NULL, \
           v.created_at, v.created_by \
         FROM budget_versions v WHERE v.number = 1 AND v.kind = 'APPLIED' AND v.in_force = FALSE \
           AND NOT EXISTS (SELECT 1 FROM budget_versions w WHERE w.application_id = v.application_id AND w.number = 2)",
        "INSERT INTO budget_version_lines (version_id, position, category, year, description, amount_cents, \
           work_package) \
         SELECT v.id, l.position, l.category, l.year, l.description, l.amount_cents, l.work_package \
         FROM budget_versions v JOIN budget_lines l ON l.application_id = v.application_id \
         WHERE v.kind <> 'DRAFT' AND NOT EXISTS (SELECT 1 FROM budget_version_lines x WHERE x.version_id = v.id)",
    ];
    for statement in STATEMENTS {
        c.execute_unprepared(statement).await?;
    }
    Ok(())
}
