//! What the open-data exports publish, a page of granted projects at a time: each project with
//! its call and programme, its organisations, regions and status history, its decided budgets by
//! year, its allocations with their payments and planned instalments, its repayments and the
//! commitments pledged to it. A page is a dozen queries whatever its size, so a portfolio of any
//! size is written page by page without holding it.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Utc};
use salkku_domain::budget_version::BudgetVersionKind;
use salkku_domain::ids::{AllocationId, ApplicationId, GrantCallId, OrganizationId, ProgrammeId};
use salkku_domain::instalment::InstalmentStatus;
use salkku_domain::{Money, ParticipationRole, RegionCode, open_data};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use crate::entities::{application as app, repayment};
use crate::records::{
    Allocation, Application, BudgetVersion, Commitment, GrantCall, Instalment, Organization, Participation, Payment,
    Programme, Repayment, StatusChange,
};
use crate::store::convert::all;
use crate::store::support::one_of;
use crate::views::application_list::{ApplicationFilter, condition};
use crate::views::{
    allocations, applications, budget_versions, calls, commitments, instalments, organizations, programmes,
};
use crate::{StoreError, StoreResult};

/// A decided budget: the version and its amounts by year.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecidedBudget {
    pub version: BudgetVersion,
    pub by_year: Vec<(i32, Money)>,
}

/// One granted project as published.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grant {
    pub project: Application,
    /// When its row last changed.
    pub updated_at: DateTime<Utc>,
    pub call: Option<GrantCallId>,
    /// Who else takes part, in the order given (the lead is `project.lead`).
    pub participants: Vec<Participation>,
    pub regions: Vec<RegionCode>,
    pub history: Vec<StatusChange>,
    /// The state aid applied for: of the budget frozen at submission.
    pub applied_aid: Option<Money>,
    /// The granted budget and its revisions, oldest first.
    pub budgets: Vec<DecidedBudget>,
    pub allocations: Vec<Allocation>,
    pub payments: Vec<Payment>,
    /// Instalments not yet paid nor cancelled: the payments still planned.
    pub planned: Vec<Instalment>,
    pub repayments: Vec<Repayment>,
    /// Commitments promised or approved.
    pub commitments: Vec<Commitment>,
    /// The plan in force, with the actuals reported: the activity's results.
    pub plan: crate::records::StoredPlan,
}

impl Grant {
    /// The state aid awarded (see [`open_data::awarded`]): of the latest decided budget.
    pub fn awarded(&self) -> StoreResult<Money> {
        let decided = self.budgets.last().map(|b| b.version.state_aid);
        Ok(open_data::awarded(decided, sum(self.allocations.iter().map(|a| a.amount))?))
    }

    /// The state aid paid, less what was returned.
    pub fn disbursed(&self) -> StoreResult<Money> {
        let paid = sum(self.payments.iter().map(|p| p.amount))?;
        let returned = sum(self.repayments.iter().map(|r| r.amount))?;
        open_data::disbursed(paid, returned).map_err(|e| StoreError::corrupt(e.to_string()))
    }

    /// The day it was awarded (see [`open_data::award_date`]), in Helsinki.
    pub fn award_date(&self) -> chrono::NaiveDate {
        let local = salkku_domain::deadline::local_date;
        let decided = self.allocations.iter().filter_map(|a| a.decision_date).min();
        let marked = self.entered(salkku_domain::ApplicationStatus::Granted).map(local);
        open_data::award_date(decided, marked, local(self.updated_at))
    }

    /// The allocation a payment or an instalment was made under.
    pub fn allocation(&self, id: AllocationId) -> Option<&Allocation> {
        self.allocations.iter().find(|a| a.id == id)
    }

    /// When the project first entered `status`.
    pub fn entered(&self, status: salkku_domain::ApplicationStatus) -> Option<DateTime<Utc>> {
        self.history.iter().find(|c| c.to == status).map(|c| c.at)
    }

    /// The funder: of its call, else of its first allocation, else the organisation taking part
    /// as its funder.
    pub fn funder(&self, calls: &HashMap<GrantCallId, GrantCall>) -> Option<OrganizationId> {
        let taking_part =
            || self.participants.iter().find(|p| p.role == ParticipationRole::Funder).map(|p| p.organization);
        self.call
            .and_then(|id| calls.get(&id))
            .map(|c| c.funder)
            .or_else(|| self.allocations.first().map(|a| a.funder))
            .or_else(taking_part)
    }
}

fn sum(mut amounts: impl Iterator<Item = Money>) -> StoreResult<Money> {
    amounts.try_fold(Money::ZERO, |total, m| total.checked_add(m)).map_err(|e| StoreError::corrupt(e.to_string()))
}

/// A page of granted projects and everything they name.
#[derive(Debug, Clone, Default)]
pub struct Page {
    pub grants: Vec<Grant>,
    pub organizations: HashMap<OrganizationId, Organization>,
    pub calls: HashMap<GrantCallId, GrantCall>,
    pub programmes: HashMap<ProgrammeId, Programme>,
}

impl Page {
    /// Where the next page starts.
    pub fn last(&self) -> Option<ApplicationId> {
        self.grants.last().map(|g| g.project.id)
    }
}

/// Up to `limit` granted projects among those `filter` covers, after `after`, by key.
pub async fn page<C: ConnectionTrait>(
    c: &C,
    filter: &ApplicationFilter,
    after: Option<ApplicationId>,
    limit: u64,
) -> StoreResult<Page> {
    let mut published = filter.clone();
    published.statuses = if filter.statuses.is_empty() {
        open_data::published_statuses()
    } else {
        filter.statuses.iter().copied().filter(|s| open_data::is_published(*s)).collect()
    };
    if published.statuses.is_empty() {
        return Ok(Page::default());
    }
    let mut query = app::Entity::find().filter(condition(&published));
    if let Some(after) = after {
        query = query.filter(Expr::col((app::Entity, app::Column::Id)).gt(after.0));
    }
    let rows = query.order_by_asc(app::Column::Id).limit(limit).all(c).await?;
    if rows.is_empty() {
        return Ok(Page::default());
    }
    let ids: Vec<ApplicationId> = rows.iter().map(|r| ApplicationId(r.id)).collect();
    let keys: Vec<i64> = rows.iter().map(|r| r.id).collect();

    let mut participants = group(applications::participants_of(c, &ids).await?, |p| p.application);
    let mut regions = group(applications::regions_of(c, &ids).await?, |r| r.0);
    let mut history = group(applications::history_of(c, &ids).await?, |h| h.application);
    let mut commitments = group(
        commitments::of_applications(c, &ids).await?.into_iter().filter(|c| c.status.is_pledged()).collect(),
        |c| c.application,
    );
    let repaid: Vec<Repayment> = all(repayment::Entity::find()
        .filter(one_of(c, repayment::Column::ApplicationId, keys))
        .order_by_asc(repayment::Column::ReturnedOn)
        .order_by_asc(repayment::Column::Id)
        .all(c)
        .await?)?;
    let mut repayments = group(repaid, |r| r.application);

    let all_allocations = allocations::of_applications(c, &ids).await?;
    let allocation_ids: Vec<AllocationId> = all_allocations.iter().map(|a| a.id).collect();
    let of_allocation: HashMap<AllocationId, ApplicationId> =
        all_allocations.iter().filter_map(|a| a.application.map(|app| (a.id, app))).collect();
    let mut payments = group(
        allocations::payments_of(c, &allocation_ids)
            .await?
            .into_iter()
            .filter(|p| of_allocation.contains_key(&p.allocation))
            .collect(),
        |p| of_allocation[&p.allocation],
    );
    let mut planned = group(
        instalments::of_allocations(c, &allocation_ids)
            .await?
            .into_iter()
            .filter(|i| matches!(i.status, InstalmentStatus::Planned | InstalmentStatus::Requested))
            .filter(|i| of_allocation.contains_key(&i.allocation))
            .collect(),
        |i| of_allocation[&i.allocation],
    );
    let mut allocations_of: HashMap<ApplicationId, Vec<Allocation>> = HashMap::new();
    for allocation in all_allocations {
        if let Some(project) = allocation.application {
            allocations_of.entry(project).or_default().push(allocation);
        }
    }

    let versions = budget_versions::of_applications(c, &ids).await?;
    let mut applied_aid: HashMap<ApplicationId, Money> = versions
        .iter()
        .filter(|v| v.kind == BudgetVersionKind::Applied)
        .map(|v| (v.application, v.state_aid))
        .collect();
    let decided: Vec<BudgetVersion> =
        // A version made by a content change alone decides nothing about the budget.
        versions.into_iter().filter(|v| open_data::iati_budget_type(v.kind).is_some() && !v.plan_only).collect();
    // Decided versions are frozen: their lines are their own.
    let frozen: Vec<_> = decided.iter().map(|v| (v.id, v.application, false)).collect();
    let mut lines = budget_versions::lines_of_versions(c, &frozen).await?;
    let mut budgets: HashMap<ApplicationId, Vec<DecidedBudget>> = HashMap::new();
    for version in decided {
        let version_lines = lines.remove(&version.id).unwrap_or_default();
        let by_year = salkku_domain::budget::by_year(&version_lines).map_err(|e| StoreError::corrupt(e.to_string()))?;
        budgets.entry(version.application).or_default().push(DecidedBudget { version, by_year });
    }

    let mut plans: HashMap<ApplicationId, crate::records::StoredPlan> =
        ids.iter().copied().zip(super::plans::of_applications(c, &ids).await?).collect();

    let mut grants = Vec::with_capacity(rows.len());
    for row in rows {
        let updated_at = row.updated_at;
        let project = Application::try_from(row)?;
        let id = project.id;
        grants.push(Grant {
            updated_at,
            call: project.call,
            participants: participants.remove(&id).unwrap_or_default(),
            regions: regions.remove(&id).unwrap_or_default().into_iter().map(|r| r.1).collect(),
            history: history.remove(&id).unwrap_or_default(),
            applied_aid: applied_aid.remove(&id),
            budgets: budgets.remove(&id).unwrap_or_default(),
            allocations: allocations_of.remove(&id).unwrap_or_default(),
            payments: payments.remove(&id).unwrap_or_default(),
            planned: planned.remove(&id).unwrap_or_default(),
            repayments: repayments.remove(&id).unwrap_or_default(),
            commitments: commitments.remove(&id).unwrap_or_default(),
            plan: plans.remove(&id).unwrap_or_default(),
            project,
        });
    }

    let call_ids: Vec<GrantCallId> = unique(grants.iter().filter_map(|g| g.call));
    let calls: HashMap<GrantCallId, GrantCall> =
        calls::by_ids(c, &call_ids).await?.into_iter().map(|call| (call.id, call)).collect();
    let programme_ids: Vec<ProgrammeId> = unique(calls.values().filter_map(|call| call.programme));
    let programmes: HashMap<ProgrammeId, Programme> =
        programmes::by_ids(c, &programme_ids).await?.into_iter().map(|p| (p.id, p)).collect();
    let organization_ids = unique(grants.iter().flat_map(|g| {
        let named = [g.project.lead].into_iter().chain(g.participants.iter().map(|p| p.organization));
        named
            .chain(g.commitments.iter().map(|c| c.organization))
            .chain(g.allocations.iter().flat_map(|a| [a.funder, a.recipient]))
            .chain(g.funder(&calls))
            .collect::<Vec<_>>()
    }));
    let organizations: HashMap<OrganizationId, Organization> =
        organizations::by_ids(c, &organization_ids).await?.into_iter().map(|o| (o.id, o)).collect();
    Ok(Page { grants, organizations, calls, programmes })
}

fn group<T, K: Ord + std::hash::Hash + Copy>(items: Vec<T>, key: impl Fn(&T) -> K) -> HashMap<K, Vec<T>> {
    let mut out: HashMap<K, Vec<T>> = HashMap::new();
    for item in items {
        out.entry(key(&item)).or_default().push(item);
    }
    out
}

fn unique<K: Ord + Copy>(keys: impl Iterator<Item = K>) -> Vec<K> {
    keys.map(|k| (k, ())).collect::<BTreeMap<K, ()>>().into_keys().collect()
}
