//! An application's moves through the lifecycle (transitionApplication), with what each move
//! checks and puts in place: a submission's split and applied budget, a grant's budget in force and
//! planned reports, a closing's reports and final account.

use chrono::{DateTime, Utc};
use salkku_domain::ApplicationStatus;
use salkku_domain::budget::Budget;
use salkku_domain::ids::{ApplicationId, DecisionId, NodeKind};
use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, FromQueryResult, QueryFilter, QueryResult, QueryTrait};

use crate::commands::applications::add_status_change;
use crate::commands::{audit, budget_versions, decisions, grants, instalments, involvement};
use crate::derived::{self, Standing};
use crate::entities::application as app;
use crate::records::Application;
use crate::store::batch::Writes;
use crate::store::held as store_held;
use crate::store::support::expect_version;
use crate::views::{final_accounts, splits};
use crate::{Backend, Change, Concerning, Db, StoreError, StoreResult};

/// A move through the lifecycle.
#[derive(Debug, Clone)]
pub struct Transition {
    pub to: ApplicationStatus,
    /// When it happened (a decision may be recorded after the fact); defaults to now.
    pub at: Option<DateTime<Utc>>,
    pub decision_ref: Option<String>,
    /// The decision on record behind the move.
    pub decision: Option<DecisionId>,
    /// With a grant decision: the budget and state aid it approves, when it does not grant the
    /// budget as applied for unchanged.
    pub granted: Option<Budget>,
}

/// Moves the application, if the lifecycle allows it and (for submission) its funding split has
/// nothing that blocks submitting; records the move in the history. Submission freezes the draft
/// budget as applied; the grant decision puts the granted budget in force (the applied one, if the
/// decision names none), which must hold the allocations already recorded for the project.
///
/// On PostgreSQL it reads and then writes without a transaction, two round trips instead of four,
/// as setBudget does: the writes are one statement kept only while the project's row is as read
/// (`Writes::unless_moved`). Everything the move is checked against (its reports, payments,
/// allocations, budget versions, pledges) is changed only by commands that hold the project and
/// change its row, so a row as read means none of it moved. When the row moved, it reads again in
/// a transaction that holds the row, as SQLite always does.
pub async fn transition(
    db: &Db,
    change: &Change<'_>,
    id: ApplicationId,
    expected_version: i32,
    transition: Transition,
) -> StoreResult<Application> {
    if db.backend() == Backend::Postgres {
        let c = db.conn();
        let held = held(c, change, id, &transition, false).await?;
        match write(c, change, id, expected_version, &transition, held).await {
            Err(StoreError::InTransaction) => {}
            done => return done,
        }
    }
    let tx = db.begin_write().await?;
    let held = held(&*tx, change, id, &transition, true).await?;
    let moved = write(&*tx, change, id, expected_version, &transition, held).await?;
    tx.commit().await?;
    Ok(moved)
}

/// What a transition reads before it writes: the project with what the move is checked against,
/// and the mark of its row when read without holding it (on PostgreSQL).
struct Held {
    row: QueryResult,
    as_read: Option<String>,
}

/// The project, where the portfolio counts it, the decision named, and what the move is checked
/// against (a submission's split, a closing's reports and final account, what a grant puts in
/// force): one statement. `hold`, it holds the row (on PostgreSQL) until the transaction ends, so
/// that no payment or report slips in between the check and the move; otherwise it reads the
/// row's mark, which any such payment or report moves.
async fn held<C: ConnectionTrait>(
    c: &C,
    change: &Change<'_>,
    id: ApplicationId,
    transition: &Transition,
    hold: bool,
) -> StoreResult<Held> {
    let backend = c.get_database_backend();
    let mut query = Query::select();
    query.from(app::Entity);
    store_held::with_columns(&mut query);
    involvement::ask_of_application(&mut query, change);
    derived::select_standing(&mut query, true);
    decisions::with_decision(&mut query, transition.decision);
    match transition.to {
        ApplicationStatus::Submitted => {
            budget_versions::with_draft(&mut query);
            splits::with_makings(backend, &mut query, SUBMITTED);
        }
        ApplicationStatus::Closed => final_accounts::with_account(backend, &mut query),
        ApplicationStatus::Granted => grants::with_reads(backend, &mut query),
        _ => {}
    }
    query.and_where(Expr::col((app::Entity, app::Column::Id)).eq(id.0));
    let missing = || StoreError::NotFound { kind: NodeKind::Application, key: id.0 };
    let (row, as_read) = store_held::read_held_or_marked(c, query, &[], hold, missing).await?;
    Ok(Held { row, as_read })
}

/// A transition's checks and writes, on what [`held`] read.
async fn write<C: ConnectionTrait>(
    c: &C,
    change: &Change<'_>,
    id: ApplicationId,
    expected_version: i32,
    transition: &Transition,
    held: Held,
) -> StoreResult<Application> {
    let (actor, now) = (change.actor, change.at);
    let Held { row, as_read } = held;
    involvement::check(&row, change)?;
    let current = store_held::application(&row)?;
    expect_version(NodeKind::Application, expected_version, current.version)?;
    let to = current.status.move_to(transition.to).map_err(|e| StoreError::rule(Concerning::Transition, e))?;
    decisions::check_read_fits(&row, transition.decision, Some(id), None)?;
    if transition.granted.is_some() && to != ApplicationStatus::Granted {
        return Err(StoreError::rule(Concerning::GrantedBudget, only_with_a_grant(to)));
    }
    let at = transition.at.unwrap_or(now);
    if to == ApplicationStatus::Submitted {
        let (calls, pledges) = splits::makings_in(&row, SUBMITTED)?;
        let figures = (current.total_cost, current.state_aid_requested);
        let split = splits::supposing(&current, figures, &calls, &pledges)?;
        split.check_submittable().map_err(|e| StoreError::rule(Concerning::Transition, e))?;
    }
    if to == ApplicationStatus::Closed {
        check_closing(&row, &current)?;
    }
    let mut update = app::Entity::update_many()
        .col_expr(app::Column::Status, Expr::value(to.as_str()))
        .col_expr(app::Column::UpdatedAt, Expr::value(now));
    if to == ApplicationStatus::Submitted {
        update = update.col_expr(app::Column::SubmittedAt, Expr::value(Some(at)));
    }
    let on_record = (transition.decision_ref.clone(), transition.decision);
    // Every write at once, on PostgreSQL in one statement: the row is held since the read, or
    // the statement checks that it is as read (the project's update is narrowed to it).
    let mut writes = Writes::new(c.get_database_backend());
    writes.held_or_marked(id, as_read);
    let mut moved = Application {
        status: to,
        version: current.version + 1,
        submitted_at: if to == ApplicationStatus::Submitted { Some(at) } else { current.submitted_at },
        ..current.clone()
    };
    let mut standing = Standing::of(&row, true)?.with_status(to);
    let mut granted = None;
    match to {
        ApplicationStatus::Submitted => budget_versions::add_applied(&mut writes, &row, id, at)?,
        ApplicationStatus::Closed => instalments::add_cancel_unpaid(&mut writes, id, now),
        // A grant puts a budget in force and plans the project's reports from its call's schedule;
        // the project's figures and report date follow (its version goes one more up when the
        // report date moves, as an editor holding the old one must not move it back).
        ApplicationStatus::Granted => {
            let budget = transition.granted.clone();
            let grant = grants::add_grant(&mut writes, &row, &current, budget, on_record.clone(), change)?;
            moved.total_cost = grant.budget.total();
            moved.state_aid_requested = grant.budget.state_aid_requested();
            if grant.report_due != current.report_due {
                moved.report_due = grant.report_due;
                moved.version += 1;
            }
            update = update
                .col_expr(app::Column::TotalCostCents, Expr::value(moved.total_cost.cents()))
                .col_expr(app::Column::StateAidRequestedCents, Expr::value(moved.state_aid_requested.cents()))
                .col_expr(app::Column::ReportDue, Expr::value(moved.report_due));
            standing = standing.with_budget(moved.total_cost.cents(), moved.state_aid_requested.cents());
            granted = Some(grant.version);
        }
        _ => {}
    }
    let update = update
        .col_expr(app::Column::Version, Expr::value(moved.version))
        .filter(app::Column::Id.eq(id.0))
        .filter(app::Column::Version.eq(expected_version));
    writes.push_named(MOVED, writes.as_read(id, update).into_query().returning_all());
    add_status_change(&mut writes, id, Some(current.status), to, at, &actor.subject, on_record);
    if to.is_final() {
        // Its deadlines no longer call for action.
        derived::end_deadlines_of(&mut writes, id);
    }
    standing.sync(&mut writes)?;
    audit::add(&mut writes, change, &[id.global()], Some(&current), Some(&(&moved, granted)))?;
    let rows = writes.run_returning(c, Some(MOVED)).await?;
    // The row is held, or as read, and at `expected_version`: the update cannot miss it.
    let row = rows.first().ok_or_else(|| StoreError::corrupt("the held application was not updated"))?;
    let written: Application = app::Model::from_query_result(row, "")?.try_into()?;
    debug_assert_eq!(written, moved, "the audit entry says what was written");
    Ok(written)
}

/// The name the application's update goes by among a transition's writes.
const MOVED: &str = "moved";

/// The prefix of what a submission's split is made of.
const SUBMITTED: &str = "submitted_";

/// A project closes once every report it owes is accepted, the final one among them, and its
/// final account is settled: both read beside the project (`final_accounts::with_account`).
fn check_closing(row: &QueryResult, project: &Application) -> StoreResult<()> {
    let owed: Vec<_> = final_accounts::reports_in(row)?.iter().map(|r| (r.kind, r.status)).collect();
    let account = final_accounts::account_in(row, project)?.filter(|a| !a.provisional);
    salkku_domain::final_account::check_closing(&owed, account.as_ref().map(|a| &a.account))
        .map_err(|e| StoreError::rule(Concerning::Transition, e))
}

fn only_with_a_grant(to: ApplicationStatus) -> salkku_domain::DomainError {
    salkku_domain::DomainError::InvalidCode(salkku_domain::message!(
        fi: "myönnetty talousarvio annetaan vain myöntöpäätöksen (GRANTED) kanssa, ei siirrossa tilaan {to}",
        sv: "en beviljad budget ges bara med beviljandebeslutet (GRANTED), inte vid övergången till {to}",
        en: "a granted budget goes only with the grant decision (GRANTED), not with a move to {to}",
    ))
}
