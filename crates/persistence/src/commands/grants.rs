//! A grant decision (an application moved to GRANTED), read beside the project and written
//! with the move in one statement: the budget it grants put in force (the old version stepping
//! down, the new one with its lines, the project's own lines and figures following), the reports
//! its call's schedule plans with their deadlines, and the project's report date after them.

use chrono::{Datelike, NaiveDate};
use salkku_domain::budget::Budget;
use salkku_domain::budget_version::{BudgetVersionKind, check_within_granted_aid};
use salkku_domain::change_request::check_changed_split;
use salkku_domain::ids::DecisionId;
use salkku_domain::{Money, plan};
use sea_orm::sea_query::{Alias, SelectStatement};
use sea_orm::{DbBackend, EntityName, QueryResult};

use crate::commands::budget_versions::{self, InForce, NewVersion};
use crate::commands::{plans, reports};
use crate::entities::report_obligation;
use crate::records::{Application, BudgetVersion, Report};
use crate::store::batch::Writes;
use crate::store::convert::all;
use crate::store::held as store_held;
use crate::store::nested::{Children, children, with_children};
use crate::views::{allocations as allocation_views, plans as views_plans, splits};
use crate::{Change, Concerning, StoreError, StoreResult};

/// Adds to `query`, which reads the project (held, or with its mark), what a grant depends on: the budget version in
/// force with its lines (a draft's are the project's own), the call, the pledges, the reports and
/// the plan in force, the aid allocated, the last version's number, and the keys of the new
/// version and of as many reports (and their deadlines) as the call's schedule could plan: an
/// interim report a year and the final one.
pub(crate) fn with_reads(backend: DbBackend, query: &mut SelectStatement) {
    let project = "applications.id";
    budget_versions::with_in_force(backend, query);
    splits::with_makings(backend, query, SPLIT);
    let order = Some(report_obligation::Column::Id);
    let owed = Children::of(report_obligation::Entity, report_obligation::Column::ApplicationId, project, order);
    with_children(backend, query, REPORTS, owed);
    views_plans::with_plan(backend, query);
    allocation_views::with_total(query, ALLOCATED);
    let count = "CASE WHEN applications.period_start IS NULL OR applications.period_end IS NULL \
                 OR NOT EXISTS (SELECT 1 FROM grant_calls g WHERE g.id = applications.call_id \
                 AND g.final_report_months IS NOT NULL) THEN 0 \
                 ELSE CAST(EXTRACT(YEAR FROM applications.period_end) - EXTRACT(YEAR FROM applications.period_start) \
                 AS INTEGER) + 2 END";
    let (reports_table, deadlines_table) = (report_obligation::Entity.table_name(), "deadlines");
    query.expr_as(store_held::next_keys(backend, reports_table, count), Alias::new(REPORT_KEYS));
    query.expr_as(store_held::next_keys(backend, deadlines_table, count), Alias::new(DEADLINE_KEYS));
}

/// The prefix of what the split is made of.
const SPLIT: &str = "grant_";
const REPORTS: &str = "grant_reports";
const ALLOCATED: &str = "grant_allocated";
const REPORT_KEYS: &str = "grant_report_keys";
const DEADLINE_KEYS: &str = "grant_deadline_keys";

/// What a grant puts in force and leaves the project with.
pub(crate) struct Granted {
    pub version: BudgetVersion,
    pub budget: Budget,
    /// The project's report date once its reports are planned: its first final report's.
    pub report_due: Option<NaiveDate>,
}

/// Checks a grant of `project` (read with [`with_reads`] into `row`) and adds its writes but the
/// project's own row, history and audit entry, which are the caller's: the budget `granted` (the
/// one in force, as applied for, when the decision names none) in force, the call's reports.
/// The funder grants within its call's rate, the budget's work packages are the plan's, and the
/// aid already allocated fits the aid granted.
pub(crate) fn add_grant(
    writes: &mut Writes,
    row: &QueryResult,
    project: &Application,
    granted: Option<Budget>,
    (decision_ref, decision): (Option<String>, Option<DecisionId>),
    change: &Change<'_>,
) -> StoreResult<Granted> {
    let in_force = InForce::read(row)?;
    let budget = granted.unwrap_or_else(|| in_force.budget.clone());
    let (calls, pledges) = splits::makings_in(row, SPLIT)?;
    let split = splits::supposing(project, (budget.total(), budget.state_aid_requested()), &calls, &pledges)?;
    check_changed_split(&split).map_err(|e| StoreError::rule(Concerning::GrantedBudget, e))?;
    let (plan, _) = views_plans::plan_in(row)?;
    if budget.lines().iter().any(|l| l.work_package().is_some()) {
        plan::check_lines(budget.lines(), &plan).map_err(plans::at("grantedBudget"))?;
    }
    let allocated = allocation_views::total_in(row, ALLOCATED)?;
    check_within_granted_aid(budget.state_aid_requested(), allocated, Money::ZERO)
        .map_err(|e| StoreError::rule(Concerning::GrantedBudget, e))?;

    // The version keeps the plan in force with it.
    let granted = NewVersion {
        kind: BudgetVersionKind::Granted,
        budget: &budget,
        decision_ref,
        decision,
        within_tolerance: false,
        plan: None,
        plan_only: false,
    };
    let version = in_force.add_successor(writes, project.id, granted, &plan, change)?;

    // The reports its call's schedule plans, each with its deadline.
    let existing: Vec<Report> = all(children::<report_obligation::Model>(row, REPORTS)?)?;
    let schedule = calls.first().and_then(|call| call.report_schedule);
    let made = match schedule {
        Some(schedule) if project.call.is_some() => {
            let backend = writes.backend();
            // As many as were read: none without a period.
            let wanted = project
                .period_start
                .zip(project.period_end)
                .map_or(0, |(start, end)| usize::try_from(end.year() - start.year() + 2).unwrap_or(0));
            let report_keys = store_held::keys_in(row, REPORT_KEYS, backend, wanted)?;
            let deadline_keys = store_held::keys_in(row, DEADLINE_KEYS, backend, wanted)?;
            let keys = (report_keys.as_slice(), deadline_keys.as_slice());
            reports::add_from_schedule(writes, project, schedule, &existing, keys, change.at)?
        }
        _ => Vec::new(),
    };
    let all_reports: Vec<Report> = existing.into_iter().chain(made).collect();
    let report_due = reports::first_final(&all_reports).map(|r| r.due_on);
    Ok(Granted { version, budget, report_due })
}
