//! Budget versions: the draft opened with the application, frozen as applied at submission, the
//! granted version the decision puts in force, and revisions. Putting a version in force copies
//! its lines and figures to where every sum reads them (`budget_lines` and the application's
//! totals), so the portfolio, the exports and the splits never see a superseded version.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use salkku_domain::budget::Budget;
use salkku_domain::budget::BudgetLine;
use salkku_domain::budget_diff::{BudgetDiff, within_tolerance};
use salkku_domain::budget_version::{BudgetVersionKind, check_revision_within_tolerance};
use salkku_domain::change_request::check_may_request_changes;
use salkku_domain::ids::{ApplicationId, DecisionId, NodeKind};
use salkku_domain::plan::{self as plan, Plan, packages_within_tolerance};
use salkku_domain::{Amount, Rate};
use sea_orm::sea_query::{Alias, Expr, ExprTrait, Query, SelectStatement};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbBackend, EntityName, EntityTrait, QueryFilter, QueryResult, QueryTrait, Set,
};

use crate::commands::{audit, plans};
use crate::derived::{self, Standing};
use crate::entities::{application as app, budget_line, budget_version, budget_version_line};
use crate::records::{Application, BudgetVersion};
use crate::store::batch::Writes;
use crate::store::convert::{all, rate};
use crate::store::held as store_held;
use crate::store::nested::{Children, children, with_children};
use crate::store::support::{expect_version, version_checked};
use crate::views::{budgets as budget_views, plans as plan_views};
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

/// Adds to `query`, read beside the application (held, or with its mark), its draft budget version's key (which
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

/// Adds to `query`, which reads the held `applications` row, the version in force with its lines
/// (a draft's are the project's own), the last version's number and a new version's key, as
/// [`InForce::read`] reads them back: for a command that puts a new version in force in its one
/// write (a grant, a decided change request).
pub(crate) fn with_in_force(backend: DbBackend, query: &mut SelectStatement) {
    with_budget_in_force(backend, query);
    let project = "applications.id";
    query.expr_as(
        Expr::cust(format!("(SELECT max(v.number) FROM budget_versions v WHERE v.application_id = {project})")),
        Alias::new(LAST_NUMBER),
    );
    query.expr_as(store_held::next_key(backend, budget_version::Entity.table_name(), 0), Alias::new(VERSION_KEY));
}

/// Adds to `query`, which reads `applications`, the version in force with its lines (a draft's
/// are the project's own), as [`budget_in_force`] reads them back: for a command that checks
/// against the budget in force without replacing it (a change request's proposal).
pub(crate) fn with_budget_in_force(backend: DbBackend, query: &mut SelectStatement) {
    let project = "applications.id";
    let in_force = Children {
        child: budget_version::Entity,
        filter: format!("t.\"application_id\" = {project} AND t.\"in_force\""),
        order: None,
    };
    with_children(backend, query, IN_FORCE, in_force);
    let lines = Children {
        child: budget_version_line::Entity,
        filter: format!(
            "t.\"version_id\" IN (SELECT v.id FROM budget_versions v WHERE v.application_id = {project} AND v.in_force)"
        ),
        order: Some(budget_version_line::Column::Position),
    };
    with_children(backend, query, IN_FORCE_LINES, lines);
    budget_views::with_lines(backend, query);
}

/// The version in force and its budget, read with [`with_budget_in_force`].
pub(crate) fn budget_in_force(row: &QueryResult) -> StoreResult<(BudgetVersion, Budget)> {
    let version: BudgetVersion = children::<budget_version::Model>(row, IN_FORCE)?
        .into_iter()
        .next()
        .ok_or_else(|| StoreError::corrupt("a project has no budget version in force"))?
        .try_into()?;
    // A draft's lines are the project's own, a frozen version's its copy.
    let lines: Vec<BudgetLine> = if version.kind == BudgetVersionKind::Draft {
        budget_views::lines_in(row)?
    } else {
        all(children::<budget_version_line::Model>(row, IN_FORCE_LINES)?)?
    };
    let aid = Amount::new(version.state_aid).map_err(|e| StoreError::corrupt(e.to_string()))?;
    let budget = Budget::new(lines, aid).map_err(|e| StoreError::corrupt(e.to_string()))?;
    Ok((version, budget))
}

const IN_FORCE: &str = "in_force_version";
const IN_FORCE_LINES: &str = "in_force_version_lines";
const LAST_NUMBER: &str = "last_version_number";
const VERSION_KEY: &str = "next_version_key";

/// The version in force as read with [`with_in_force`], and what a successor needs.
pub(crate) struct InForce {
    pub version: BudgetVersion,
    pub budget: Budget,
    last_number: i32,
    next_key: i64,
}

impl InForce {
    pub(crate) fn read(row: &QueryResult) -> StoreResult<InForce> {
        let (version, budget) = budget_in_force(row)?;
        let last: Option<i32> = row.try_get("", LAST_NUMBER)?;
        Ok(InForce { version, budget, last_number: last.unwrap_or(0), next_key: row.try_get("", VERSION_KEY)? })
    }

    /// Adds to `writes` `new` put in force after this version, which steps down in the same
    /// statement (PostgreSQL checks one version in force at the commit, SQLite runs the step-down
    /// first): its row keeping the plan (`new.plan`, written as the plan in force too, or
    /// `in_force`, the plan as it is), its copy of the lines, the project's own lines. The
    /// figures on the project's row are the caller's, in its own update of the row.
    pub(crate) fn add_successor(
        &self,
        writes: &mut Writes,
        project: ApplicationId,
        new: NewVersion<'_>,
        in_force: &Plan,
        change: &Change<'_>,
    ) -> StoreResult<BudgetVersion> {
        let stepped_down = budget_version::Entity::update_many()
            .col_expr(budget_version::Column::InForce, Expr::value(false))
            .filter(budget_version::Column::Id.eq(self.version.id.0));
        writes.push(&stepped_down.into_query());
        if let Some(plan) = new.plan {
            plans::add_writes(writes, project, plan);
        }
        let model = budget_version::Model {
            id: self.next_key,
            application_id: project.0,
            number: self.last_number + 1,
            kind: new.kind.as_str().to_owned(),
            in_force: true,
            total_cost_cents: new.budget.total().cents(),
            state_aid_cents: new.budget.state_aid_requested().cents(),
            within_tolerance: new.within_tolerance,
            decision_ref: new.decision_ref,
            decision_id: new.decision.map(|d| d.0),
            created_at: change.at,
            created_by: change.actor.subject.clone(),
            plan: Some(plans::snapshot(new.plan.unwrap_or(in_force))?),
            plan_only: new.plan_only,
        };
        let version = BudgetVersion::try_from(model.clone())?;
        writes.insert(model);
        add_version_lines(writes, version.id.0, new.budget.lines());
        add_lines(writes, project, new.budget);
        Ok(version)
    }
}

/// Adds to `writes` the copy of `lines` a version keeps, in their order.
pub(crate) fn add_version_lines(writes: &mut Writes, version: i64, lines: &[BudgetLine]) {
    if lines.is_empty() {
        return;
    }
    let rows = lines.iter().zip(0..).map(|(line, position)| version_line(version, position, line));
    writes.push(&budget_version_line::Entity::insert_many(rows).into_query());
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

/// Adds to `writes` an application's move to `budget`: its figures on its row (held, or as read,
/// at `expected`; its version goes one up), answered under [`BUDGETED`], and its lines.
pub(crate) fn add_budget(writes: &mut Writes, id: ApplicationId, expected: i32, budget: &Budget, at: DateTime<Utc>) {
    let update = app::Entity::update_many()
        .col_expr(app::Column::TotalCostCents, Expr::value(budget.total().cents()))
        .col_expr(app::Column::StateAidRequestedCents, Expr::value(budget.state_aid_requested().cents()))
        .col_expr(app::Column::UpdatedAt, Expr::value(at));
    let update = writes.as_read(id, version_checked(update, id.0, expected));
    writes.push_named(BUDGETED, update.into_query().returning_all());
    add_lines(writes, id, budget);
}

/// The name the application's update goes by among the writes [`add_budget`] adds.
pub(crate) const BUDGETED: &str = "budgeted";

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
    let c = &*tx;
    let held = HeldVersions::read(c, id).await?;
    let current = &held.project;
    expect_version(NodeKind::Application, expected_version, current.version)?;
    check_may_request_changes(current.status).map_err(|e| StoreError::rule(Concerning::Revision, e))?;
    let before = held.in_force()?.clone();
    // A revision keeps the state aid; only the lines move.
    let aid = Amount::new(before.state_aid).map_err(|e| StoreError::corrupt(e.to_string()))?;
    let budget = Budget::new(lines, aid).map_err(|e| StoreError::rule(Concerning::Revision, e))?;
    if budget.lines().iter().any(|l| l.work_package().is_some()) {
        plan::check_lines(budget.lines(), &held.plan).map_err(plans::at(""))?;
    }
    // The tolerance holds for all the revisions made under it together: what moved is measured
    // from the last version a decision approved (the granted one, or one a change request
    // revised), so that ten small revisions cannot move ten times the tolerance.
    let approved =
        held.versions.iter().rev().find(|v| !v.within_tolerance && !v.plan_only).cloned().unwrap_or(before.clone());
    let approved_budget = held.budget_of(&approved)?;
    let diff = BudgetDiff::between(&approved_budget, &budget).map_err(|e| StoreError::rule(Concerning::Revision, e))?;
    // Money moved between work packages counts as money moved, as between cost categories.
    let tolerance = held.tolerance;
    let within = within_tolerance(&diff, tolerance).map_err(|e| StoreError::rule(Concerning::Revision, e))?
        && packages_within_tolerance(approved_budget.lines(), budget.lines(), tolerance)
            .map_err(|e| StoreError::rule(Concerning::Revision, e))?;
    check_revision_within_tolerance(within, tolerance).map_err(|e| StoreError::rule(Concerning::Revision, e))?;
    let row = budget_version::Model {
        id: held.next_key,
        application_id: id.0,
        number: held.versions.iter().map(|v| v.number).max().unwrap_or(0) + 1,
        kind: BudgetVersionKind::Revised.as_str().to_owned(),
        in_force: true,
        total_cost_cents: budget.total().cents(),
        state_aid_cents: budget.state_aid_requested().cents(),
        within_tolerance: true,
        decision_ref: None,
        decision_id: None,
        created_at: change.at,
        created_by: change.actor.subject.clone(),
        plan: Some(plans::snapshot(&held.plan)?),
        plan_only: false,
    };
    let revised = BudgetVersion::try_from(row.clone())?;
    // Every write at once, on PostgreSQL in one statement: the project is held since the read, so
    // nothing they depend on moves in between. The version in force steps down in the same
    // statement: one version is in force at a time, a rule PostgreSQL checks at the commit
    // (migration 016), and SQLite runs the step-down first.
    let (total, aid) = (budget.total().cents(), budget.state_aid_requested().cents());
    let mut writes = Writes::new(c.get_database_backend());
    writes.holding(id);
    let stepped_down = budget_version::Entity::update_many()
        .col_expr(budget_version::Column::InForce, Expr::value(false))
        .filter(budget_version::Column::Id.eq(before.id.0));
    writes.push(&stepped_down.into_query());
    add_budget(&mut writes, id, expected_version, &budget, change.at);
    writes.insert(row);
    add_version_lines(&mut writes, revised.id.0, budget.lines());
    held.standing.with_budget(total, aid).sync(&mut writes)?;
    audit::add(&mut writes, change, &[id.global(), revised.id.global()], Some(&before), Some(&revised))?;
    writes.run(c).await?;
    tx.commit().await?;
    Ok(revised)
}

/// What a revision reads before it writes, in one statement with the project held: the project
/// with what the portfolio counts it as, its call's tolerance, its versions with their lines,
/// its own budget lines (a draft's), the plan in force and the new version's key.
struct HeldVersions {
    project: Application,
    standing: Standing,
    tolerance: Rate,
    versions: Vec<BudgetVersion>,
    version_lines: HashMap<i64, Vec<BudgetLine>>,
    draft_lines: Vec<BudgetLine>,
    plan: Plan,
    next_key: i64,
}

impl HeldVersions {
    async fn read<C: ConnectionTrait>(c: &C, id: ApplicationId) -> StoreResult<Self> {
        let backend = c.get_database_backend();
        let mut query = Query::select();
        query.from(app::Entity);
        store_held::with_columns(&mut query);
        derived::select_standing(&mut query, true);
        query.expr_as(
            Expr::cust("(SELECT g.reallocation_tolerance_bp FROM grant_calls g WHERE g.id = applications.call_id)"),
            Alias::new("tolerance_bp"),
        );
        let project = "applications.id";
        let versions = Children::of(
            budget_version::Entity,
            budget_version::Column::ApplicationId,
            project,
            Some(budget_version::Column::Number),
        );
        with_children(backend, &mut query, "versions", versions);
        let version_lines = Children {
            child: budget_version_line::Entity,
            filter: format!("t.version_id IN (SELECT v.id FROM budget_versions v WHERE v.application_id = {project})"),
            order: Some(budget_version_line::Column::Position),
        };
        with_children(backend, &mut query, "version_lines", version_lines);
        budget_views::with_lines(backend, &mut query);
        plan_views::with_plan(backend, &mut query);
        query.expr_as(store_held::next_key(backend, budget_version::Entity.table_name(), 0), Alias::new("version_key"));
        query.and_where(Expr::col((app::Entity, app::Column::Id)).eq(id.0));
        let missing = || StoreError::NotFound { kind: NodeKind::Application, key: id.0 };
        let row = store_held::read(c, query, missing).await?;
        let tolerance: Option<i32> = row.try_get("", "tolerance_bp")?;
        let mut version_lines: HashMap<i64, Vec<BudgetLine>> = HashMap::new();
        for l in children::<budget_version_line::Model>(&row, "version_lines")? {
            version_lines.entry(l.version_id).or_default().push(BudgetLine::try_from(l)?);
        }
        Ok(HeldVersions {
            project: store_held::application(&row)?,
            standing: Standing::of(&row, true)?,
            tolerance: tolerance.map_or(Ok(Rate::ZERO), rate)?,
            versions: all(children::<budget_version::Model>(&row, "versions")?)?,
            version_lines,
            draft_lines: budget_views::lines_in(&row)?,
            plan: plan_views::plan_in(&row)?.0,
            next_key: row.try_get("", "version_key")?,
        })
    }

    fn in_force(&self) -> StoreResult<&BudgetVersion> {
        self.versions.iter().find(|v| v.in_force).ok_or_else(|| {
            StoreError::corrupt(format!("application {} has no budget version in force", self.project.id.0))
        })
    }

    /// A version's budget: a draft's lines are the application's own; a frozen version keeps a
    /// copy.
    fn budget_of(&self, version: &BudgetVersion) -> StoreResult<Budget> {
        let lines = if version.kind == BudgetVersionKind::Draft {
            self.draft_lines.clone()
        } else {
            self.version_lines.get(&version.id.0).cloned().unwrap_or_default()
        };
        let aid = Amount::new(version.state_aid).map_err(|e| StoreError::corrupt(e.to_string()))?;
        Budget::new(lines, aid).map_err(|e| StoreError::corrupt(e.to_string()))
    }
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
