//! Budgets: the draft's lines and its requested state aid, replaced together until the application
//! is submitted.

use salkku_domain::Money;
use salkku_domain::budget::{Budget, BudgetLine};
use salkku_domain::budget_version::check_budget_editable;
use salkku_domain::ids::{ApplicationId, NodeKind};
use salkku_domain::plan::{self, Plan};
use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{ConnectionTrait, FromQueryResult};

use crate::commands::{audit, budget_versions, plans};
use crate::derived::{self, Standing};
use crate::entities::application as app;
use crate::records::Application;
use crate::store::batch::Writes;
use crate::store::held as store_held;
use crate::store::support::expect_version;
use crate::views::{budgets, plans as plan_views};
use crate::{Backend, Change, Concerning, Db, StoreError, StoreResult};

/// A budget as the audit log shows it.
#[derive(Debug, serde::Serialize)]
struct Recorded {
    state_aid_requested: Money,
    lines: Vec<BudgetLine>,
}

/// Replaces the application's budget lines and requested state aid, if the application is still
/// at `expected_version` and not yet submitted (after that the budget as applied for is frozen).
/// Any well-formed budget is stored, even one whose split breaks the call's rule: the split
/// reports that.
///
/// On PostgreSQL it reads and then writes without a transaction, two round trips instead of four:
/// the writes are one statement kept only while the application's row is as read
/// (`Writes::unless_moved`). When another command changed the project in between (or the writes
/// are too many for one statement: a budget of thousands of lines), it reads again
/// in a transaction that holds the row, as SQLite always does, and so always comes to an answer.
pub async fn set_budget(
    db: &Db,
    change: &Change<'_>,
    id: ApplicationId,
    expected_version: i32,
    budget: Budget,
) -> StoreResult<Application> {
    if db.backend() == Backend::Postgres {
        let c = db.conn();
        let held = held(c, id, &budget, false).await?;
        match write(c, change, id, expected_version, &budget, held).await {
            Err(StoreError::InTransaction) => {}
            done => return done,
        }
    }
    let tx = db.begin_write().await?;
    let held = held(&*tx, id, &budget, true).await?;
    let updated = write(&*tx, change, id, expected_version, &budget, held).await?;
    tx.commit().await?;
    Ok(updated)
}

/// setBudget's checks and writes, on what [`held`] read.
async fn write<C: ConnectionTrait>(
    c: &C,
    change: &Change<'_>,
    id: ApplicationId,
    expected_version: i32,
    budget: &Budget,
    held: Held,
) -> StoreResult<Application> {
    let Held { current, as_read, lines, standing, plan } = held;
    expect_version(NodeKind::Application, expected_version, current.version)?;
    check_budget_editable(current.status).map_err(|e| StoreError::rule(Concerning::Application, e))?;
    if let Some(plan) = plan {
        plan::check_lines(budget.lines(), &plan).map_err(plans::at(""))?;
    }
    let before = Recorded { state_aid_requested: current.state_aid_requested, lines };
    let after = Recorded { state_aid_requested: budget.state_aid_requested(), lines: budget.lines().to_vec() };
    let (total, aid) = (budget.total().cents(), budget.state_aid_requested().cents());
    // Every write at once, on PostgreSQL in one statement: the row is held since the read, or
    // the statement checks that it is as read, so nothing they depend on moves in between.
    let mut writes = Writes::new(c.get_database_backend());
    writes.held_or_marked(id, as_read);
    budget_versions::add_budget(&mut writes, id, expected_version, budget, change.at);
    budget_versions::add_draft_figures(&mut writes, id, budget);
    standing.with_budget(total, aid).sync(&mut writes)?;
    audit::add(&mut writes, change, &[id.global()], Some(&before), Some(&after))?;
    let rows = writes.run_returning(c, Some(budget_versions::BUDGETED)).await?;
    // The row is held, or as read, and at `expected_version`: the update cannot miss it.
    let row = rows.first().ok_or_else(|| StoreError::corrupt("the held application was not updated"))?;
    let updated: Application = app::Model::from_query_result(row, "")?.try_into()?;
    Ok(updated)
}

/// What setBudget reads before it writes.
struct Held {
    current: Application,
    /// The mark of the application's row, when read without holding it (on PostgreSQL).
    as_read: Option<String>,
    lines: Vec<BudgetLine>,
    standing: Standing,
    /// The plan in force, when asked for.
    plan: Option<Plan>,
}

/// The application, with its budget lines, what the portfolio counts it as and, when the budget
/// names work packages, its plan in force: one statement. `hold`, it holds the row (on
/// PostgreSQL) until the transaction ends; otherwise it reads the row's mark as read.
async fn held<C: ConnectionTrait>(c: &C, id: ApplicationId, budget: &Budget, hold: bool) -> StoreResult<Held> {
    let backend = c.get_database_backend();
    // Lines that name work packages are checked against the plan, read with the rest.
    let plan = budget.lines().iter().any(|l| l.work_package().is_some());
    let mut query = Query::select();
    query.from(app::Entity);
    store_held::with_columns(&mut query);
    derived::select_standing(&mut query, true);
    budgets::with_lines(backend, &mut query);
    if plan {
        plan_views::with_plan(backend, &mut query);
    }
    query.and_where(Expr::col((app::Entity, app::Column::Id)).eq(id.0));
    let missing = || StoreError::NotFound { kind: NodeKind::Application, key: id.0 };
    let (row, as_read) = store_held::read_held_or_marked(c, query, &[], hold, missing).await?;
    let current = store_held::application(&row)?;
    let lines = budgets::lines_in(&row)?;
    let plan = if plan { Some(plan_views::plan_in(&row)?.0) } else { None };
    Ok(Held { current, as_read, lines, standing: Standing::of(&row, true)?, plan })
}
