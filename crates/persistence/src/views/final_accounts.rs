//! A project's final account (loppulaskelma), from the report that states its actual costs: what
//! the budget in force approved, what was spent, what is eligible, the state aid earned against
//! what was paid and returned, and each committing organisation's realised share. The domain
//! computes it (`salkku_domain::final_account`); this gathers what it needs.

use std::collections::BTreeMap;

use salkku_domain::final_account::{AccountInput, FinalAccount, compute};
use salkku_domain::funding::CommitmentFigure;
use salkku_domain::ids::{ApplicationId, OrganizationId};
use salkku_domain::report::ReportStatus;
use salkku_domain::{Money, Rate};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};

use crate::StoreResult;
use crate::entities::repayment;
use crate::records::{Application, Repayment, Report};
use crate::store::convert::all;
use crate::views::{allocations, budget_versions, calls, commitments, reports};

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
    let owed = reports::of_applications(c, &[project.id]).await?;
    let last = |status: ReportStatus| owed.iter().rfind(|r| r.states_costs && r.status == status).cloned();
    let (basis, provisional) = match (last(ReportStatus::Accepted), last(ReportStatus::Submitted)) {
        (Some(accepted), _) => (accepted, false),
        (None, Some(submitted)) => (submitted, true),
        (None, None) => return Ok(None),
    };
    let actual: Vec<_> = reports::cost_lines_of(c, &[basis.id]).await?.into_iter().map(|(_, line)| line).collect();
    let in_force = budget_versions::in_force(c, project.id).await?;
    let approved = budget_versions::lines(c, &in_force).await?;
    let call = match project.call {
        Some(id) => calls::get(c, id).await?,
        None => None,
    };
    // Without a call there is no rate to earn by: the granted aid alone caps what is earned.
    let rate = call.as_ref().map_or(Rate::percent(100)?, |call| call.max_aid_rate);
    let in_kind_counts = call.as_ref().is_some_and(|call| call.in_kind_counts);
    let paid = Money::sum(allocations::of_applications(c, &[project.id]).await?.iter().map(|a| a.paid_total))?;
    let returned = Money::sum(repayments_of(c, project.id).await?.iter().map(|r| r.amount))?;
    let mut pledged: BTreeMap<OrganizationId, (usize, Money)> = BTreeMap::new();
    for (order, commitment) in commitments::of_applications(c, &[project.id]).await?.into_iter().enumerate() {
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
