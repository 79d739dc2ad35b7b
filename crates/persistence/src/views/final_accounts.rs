//! A project's final account (loppulaskelma), from the report that states its actual costs: what
//! the budget in force approved, what was spent, what is eligible, the state aid earned against
//! what was paid and returned, and each committing organisation's realised share. The domain
//! computes it (`salkku_domain::final_account`); this gathers what it needs.

use std::collections::BTreeMap;

use salkku_domain::budget::BudgetLine;
use salkku_domain::budget_version::BudgetVersionKind;
use salkku_domain::final_account::{AccountInput, FinalAccount, compute};
use salkku_domain::funding::CommitmentFigure;
use salkku_domain::ids::NodeKind;
use salkku_domain::ids::{ApplicationId, OrganizationId};
use salkku_domain::report::ReportStatus;
use salkku_domain::{Money, Rate};
use sea_orm::sea_query::{Expr, ExprTrait, Query, SelectStatement};
use sea_orm::{ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, QueryFilter, QueryOrder, QueryResult};

use crate::entities::{
    allocation, application as app, budget_version, budget_version_line, repayment, report_cost_line,
    report_obligation as report,
};
use crate::records::{Allocation, Application, BudgetVersion, GrantCall, Repayment, Report};
use crate::store::convert::all;
use crate::store::nested::{Children, children, with_children};
use crate::views::{budgets, splits};
use crate::{StoreError, StoreResult};

/// A final account and what it stands on.
#[derive(Debug, Clone, serde::Serialize)]
pub struct AccountView {
    /// The report whose actual costs it is computed from.
    pub basis: Report,
    /// Computed from a report still awaiting the funder's verdict: what accepting it would mean.
    pub provisional: bool,
    pub rate: Rate,
    pub granted_aid: Money,
    #[serde(skip)]
    pub account: FinalAccount,
    /// The committing organisations with what each pledged, in the order of `account.shares`.
    pub committed: Vec<(OrganizationId, Money)>,
}

/// The final account of a project: from its last accepted report that states actual costs, or,
/// with none accepted yet, its last submitted one (provisional). None before either exists.
pub async fn of_application<C: ConnectionTrait>(c: &C, project: &Application) -> StoreResult<Option<AccountView>> {
    let mut query = Query::select();
    query.from(app::Entity);
    with_account(c.get_database_backend(), &mut query);
    query.and_where(Expr::col((app::Entity, app::Column::Id)).eq(project.id.0));
    let row =
        c.query_one(&query).await?.ok_or(StoreError::NotFound { kind: NodeKind::Application, key: project.id.0 })?;
    account_in(&row, project)
}

/// Adds to `query`, which reads `applications`, everything a project's final account is computed
/// from, as [`account_in`] reads it back: its reports with their actual costs, the budget in force
/// with its lines, its call, allocations, repayments and commitments. One statement.
pub(crate) fn with_account(backend: DbBackend, query: &mut SelectStatement) {
    let project = "applications.id";
    let reports = Children::of(report::Entity, report::Column::ApplicationId, project, None);
    with_children(backend, query, "account_reports", reports);
    let costs = Children {
        child: report_cost_line::Entity,
        filter: format!("t.report_id IN (SELECT r.id FROM report_obligations r WHERE r.application_id = {project})"),
        order: Some(report_cost_line::Column::Position),
    };
    with_children(backend, query, "account_costs", costs);
    let in_force = Children {
        child: budget_version::Entity,
        filter: format!("t.application_id = {project} AND t.in_force = TRUE"),
        order: None,
    };
    with_children(backend, query, "account_in_force", in_force);
    let approved = Children {
        child: budget_version_line::Entity,
        filter: format!(
            "t.version_id IN (SELECT v.id FROM budget_versions v WHERE v.application_id = {project} AND v.in_force = TRUE)"
        ),
        order: Some(budget_version_line::Column::Position),
    };
    with_children(backend, query, "account_approved", approved);
    budgets::with_lines(backend, query);
    splits::with_makings(backend, query, ACCOUNT);
    let allocations = Children::of(allocation::Entity, allocation::Column::ApplicationId, project, None);
    with_children(backend, query, "account_allocations", allocations);
    let repayments = Children::of(repayment::Entity, repayment::Column::ApplicationId, project, None);
    with_children(backend, query, "account_repayments", repayments);
}

/// The prefix of the call and the pledges a final account reads ([`splits::with_makings`]).
const ACCOUNT: &str = "account_";

/// The project's reports read with [`with_account`], in the order they fall due.
pub(crate) fn reports_in(row: &QueryResult) -> StoreResult<Vec<Report>> {
    let mut owed: Vec<Report> = all(children::<report::Model>(row, "account_reports")?)?;
    owed.sort_by_key(|r| (r.due_on, r.id.0));
    Ok(owed)
}

/// The final account of `project` from a row read with [`with_account`]: from its last accepted
/// report that states actual costs, or, with none accepted yet, its last submitted one
/// (provisional). None before either exists.
pub(crate) fn account_in(row: &QueryResult, project: &Application) -> StoreResult<Option<AccountView>> {
    let owed = reports_in(row)?;
    let last = |status: ReportStatus| owed.iter().rfind(|r| r.states_costs && r.status == status).cloned();
    let (basis, provisional) = match (last(ReportStatus::Accepted), last(ReportStatus::Submitted)) {
        (Some(accepted), _) => (accepted, false),
        (None, Some(submitted)) => (submitted, true),
        (None, None) => return Ok(None),
    };
    let actual: Vec<BudgetLine> = children::<report_cost_line::Model>(row, "account_costs")?
        .into_iter()
        .filter(|l| l.report_id == basis.id.0)
        .map(BudgetLine::try_from)
        .collect::<StoreResult<_>>()?;
    let in_force: BudgetVersion = all(children::<budget_version::Model>(row, "account_in_force")?)?
        .pop()
        .ok_or_else(|| StoreError::corrupt(format!("application {} has no budget version in force", project.id.0)))?;
    // A draft's lines are the application's own; a frozen version keeps a copy.
    let approved: Vec<BudgetLine> = if in_force.kind == BudgetVersionKind::Draft {
        budgets::lines_in(row)?
    } else {
        all(children::<budget_version_line::Model>(row, "account_approved")?)?
    };
    let (calls, commitments) = splits::makings_in(row, ACCOUNT)?;
    let call: Option<GrantCall> = calls.into_iter().next();
    // Without a call there is no rate to earn by: the granted aid alone caps what is earned.
    let rate = call.as_ref().map_or(Rate::percent(100)?, |call| call.max_aid_rate);
    let in_kind_counts = call.as_ref().is_some_and(|call| call.in_kind_counts);
    let allocations: Vec<Allocation> = all(children::<allocation::Model>(row, "account_allocations")?)?;
    let paid = Money::sum(allocations.iter().map(|a| a.paid_total))?;
    let repayments: Vec<Repayment> = all(children::<repayment::Model>(row, "account_repayments")?)?;
    let returned = Money::sum(repayments.iter().map(|r| r.amount))?;
    let mut pledged: BTreeMap<OrganizationId, (usize, Money)> = BTreeMap::new();
    for (order, commitment) in commitments.into_iter().enumerate() {
        let figure = CommitmentFigure { amount: commitment.amount, kind: commitment.kind, status: commitment.status };
        if figure.counts(in_kind_counts) {
            let entry = pledged.entry(commitment.organization).or_insert((order, Money::ZERO));
            entry.1 = entry.1.checked_add(commitment.amount)?;
        }
    }
    let mut committed: Vec<(OrganizationId, (usize, Money))> = pledged.into_iter().collect();
    committed.sort_by_key(|(_, (order, _))| *order);
    let committed: Vec<(OrganizationId, Money)> = committed.into_iter().map(|(org, (_, m))| (org, m)).collect();
    let amounts: Vec<Money> = committed.iter().map(|(_, m)| *m).collect();
    let account = compute(&AccountInput {
        approved: &approved,
        actual: &actual,
        rate,
        granted_aid: in_force.state_aid,
        paid,
        returned,
        commitments: &amounts,
    })?;
    Ok(Some(AccountView { basis, provisional, rate, granted_aid: in_force.state_aid, account, committed }))
}

/// What a project returned, oldest first.
pub async fn repayments_of<C: ConnectionTrait>(c: &C, id: ApplicationId) -> StoreResult<Vec<Repayment>> {
    all(repayment::Entity::find()
        .filter(repayment::Column::ApplicationId.eq(id.0))
        .order_by_asc(repayment::Column::ReturnedOn)
        .order_by_asc(repayment::Column::Id)
        .all(c)
        .await?)
}

pub async fn repayment<C: ConnectionTrait>(
    c: &C,
    id: salkku_domain::ids::RepaymentId,
) -> StoreResult<Option<Repayment>> {
    repayment::Entity::find_by_id(id.0).one(c).await?.map(Repayment::try_from).transpose()
}
