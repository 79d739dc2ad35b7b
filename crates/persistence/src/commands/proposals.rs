//! What a change request proposes, checked against the project as it is: read beside the held
//! project in the statement that reads it ([`with_reads`]), then checked without another read
//! ([`Against`]). Drafting a request reads what its proposal wants; submitting one, whose
//! proposal is read in the same statement, reads all of it.

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;
use salkku_domain::budget::{Budget, BudgetLine};
use salkku_domain::budget_diff::BudgetDiff;
use salkku_domain::change_request::check_changed_split;
use salkku_domain::ids::OrganizationId;
use salkku_domain::indicator::{IndicatorCode, IndicatorUnit};
use salkku_domain::plan::{Plan, PlanKey, check_change, check_lines as plan_lines};
use sea_orm::sea_query::SelectStatement;
use sea_orm::{DbBackend, QueryResult};

use crate::commands::budget_versions::{budget_in_force, with_budget_in_force};
use crate::commands::plans;
use crate::entities::participant;
use crate::records::{Application, ChangeRequest, Commitment, GrantCall};
use crate::store::nested::{Children, children, with_children};
use crate::views::{change_requests as views, plans as plan_views, splits};
use crate::{Concerning, StoreError, StoreResult};

/// What a proposal is checked against, as far as it wants it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Wants {
    /// The plan in force: a plan proposed keeps its reported indicators, a partner leaving leads
    /// none of its work packages, lines proposed name its work packages.
    pub plan: bool,
    /// The programme's codes and the indicators with actuals: a plan proposed.
    pub codes: bool,
    /// The budget in force: a budget proposed changes it, a plan proposed keeps its lines' work
    /// packages.
    pub budget: bool,
    /// The call and the pledges: the split a budget proposed would give.
    pub split: bool,
}

impl Wants {
    /// Everything: for a request read in the same statement as what it is checked against (then
    /// read back as far as it proposes).
    pub(crate) const ALL: Wants = Wants { plan: true, codes: true, budget: true, split: true };

    /// What a request proposing `plan`, `lines`, `state_aid` and `partners` (joining: true) wants.
    pub(crate) fn of(plan: bool, lines: bool, state_aid: bool, partners: &[(OrganizationId, bool)]) -> Wants {
        let leaves = partners.iter().any(|(_, joins)| !joins);
        Wants {
            plan: plan || leaves || lines,
            codes: plan,
            budget: lines || state_aid || plan,
            split: lines || state_aid,
        }
    }
}

const TAKING_PART: &str = "proposal_taking_part";
/// The prefix of what the split is made of.
const SPLIT: &str = "proposal_";

/// Adds to `query`, which reads `applications`, who takes part and, as `wants` says, the plan in
/// force with its programme's codes and the indicators with actuals, the budget in force, the
/// call and the pledges.
pub(crate) fn with_reads(backend: DbBackend, query: &mut SelectStatement, wants: Wants) {
    let project = "applications.id";
    let taking_part = Children::of(participant::Entity, participant::Column::ApplicationId, project, None);
    with_children(backend, query, TAKING_PART, taking_part);
    if wants.plan {
        plan_views::with_plan(backend, query);
    }
    if wants.codes {
        plan_views::with_codes_and_actuals(backend, query);
    }
    if wants.budget {
        with_budget_in_force(backend, query);
    }
    if wants.split {
        splits::with_makings(backend, query, SPLIT);
    }
}

/// What a proposal is checked against, read back from a row read [`with_reads`].
pub(crate) struct Against {
    /// The project's participants, its lead not among them.
    pub participants: BTreeSet<OrganizationId>,
    lead: OrganizationId,
    plan: Option<(Plan, BTreeMap<PlanKey, i64>)>,
    codes: Option<BTreeMap<IndicatorCode, IndicatorUnit>>,
    reported: Option<BTreeMap<PlanKey, IndicatorUnit>>,
    in_force: Option<Budget>,
    calls: Vec<GrantCall>,
    pledges: Vec<Commitment>,
}

/// A proposal the checks of [`Against`] need and [`with_reads`] was not asked to read for.
fn not_read() -> StoreError {
    StoreError::corrupt("a change request's proposal was checked against what was not read")
}

impl Against {
    pub(crate) fn read(row: &QueryResult, project: &Application, wants: Wants) -> StoreResult<Against> {
        let participants = children::<participant::Model>(row, TAKING_PART)?
            .into_iter()
            .map(|p| OrganizationId(p.organization_id))
            .collect();
        let plan = if wants.plan { Some(plan_views::plan_in(row)?) } else { None };
        let (codes, reported) = match (&plan, wants.codes) {
            (Some((stored, ids)), true) => {
                (Some(plan_views::codes_in(row)?), Some(plan_views::reported_in_row(row, stored, ids)?))
            }
            _ => (None, None),
        };
        let in_force = if wants.budget { Some(budget_in_force(row)?.1) } else { None };
        let (calls, pledges) = if wants.split { splits::makings_in(row, SPLIT)? } else { (Vec::new(), Vec::new()) };
        Ok(Against { participants, lead: project.lead, plan, codes, reported, in_force, calls, pledges })
    }

    /// Who takes part once `partners` have joined (true) or left (false): the lead among them.
    fn taking_part_after(&self, partners: &[(OrganizationId, bool)]) -> BTreeSet<OrganizationId> {
        let mut taking_part = self.participants.clone();
        taking_part.insert(self.lead);
        for (organization, joins) in partners {
            if *joins {
                taking_part.insert(*organization);
            } else {
                taking_part.remove(organization);
            }
        }
        taking_part
    }

    fn plan_in_force(&self) -> StoreResult<&Plan> {
        self.plan.as_ref().map(|(plan, _)| plan).ok_or_else(not_read)
    }

    /// Checks what `p` proposes for `project` as far as it can be before the decision.
    pub(crate) fn check(&self, project: &Application, p: &Proposal<'_>) -> StoreResult<()> {
        let leaves = p.partners.iter().any(|(_, joins)| !joins);
        if p.plan.is_some() || leaves {
            let participants = self.taking_part_after(&p.partners);
            let end = p.new_end.or(project.period_end);
            match p.plan {
                Some(plan) => {
                    plan.check_fits(project.period_start, end, &participants).map_err(plans::at("plan"))?;
                    plan.check_codes(self.codes.as_ref().ok_or_else(not_read)?).map_err(plans::at("plan"))?;
                    check_change(plan, self.reported.as_ref().ok_or_else(not_read)?).map_err(plans::at("plan"))?;
                }
                // A partner leading a work package of the plan that stays does not leave alone.
                None => self
                    .plan_in_force()?
                    .check_fits(project.period_start, end, &participants)
                    .map_err(|e| StoreError::RuleAt { field: "partners".to_owned(), source: e.error })?,
            }
        }
        match (p.lines, p.plan) {
            (Some(lines), Some(plan)) => plan_lines(lines, plan).map_err(plans::at("")),
            (Some(lines), None) if lines.iter().any(|l| l.work_package().is_some()) => {
                plan_lines(lines, self.plan_in_force()?).map_err(plans::at(""))
            }
            // A work package the lines in force name stays, unless a reallocation moves them.
            (None, Some(plan)) => plan_lines(self.in_force.as_ref().ok_or_else(not_read)?.lines(), plan)
                .map_err(|e| StoreError::RuleAt { field: "plan.workPackages".to_owned(), source: e.error }),
            _ => Ok(()),
        }
    }

    /// The budget `r` proposes and its diff with the version in force, if it asks for one.
    pub(crate) fn proposed(&self, r: &ChangeRequest) -> StoreResult<Option<(Budget, BudgetDiff)>> {
        if r.lines.is_empty() && r.state_aid.is_none() {
            return Ok(None);
        }
        let in_force = self.in_force.as_ref().ok_or_else(not_read)?;
        let Some(budget) = views::proposed_budget(r, in_force)? else { return Ok(None) };
        let diff = BudgetDiff::between(in_force, &budget).map_err(|e| StoreError::rule(Concerning::Lines, e))?;
        Ok(Some((budget, diff)))
    }

    /// Checks the split `budget` would give `project` with its pledges now.
    pub(crate) fn check_split(&self, project: &Application, budget: &Budget) -> StoreResult<()> {
        let figures = (budget.total(), budget.state_aid_requested());
        let split = splits::supposing(project, figures, &self.calls, &self.pledges)?;
        check_changed_split(&split).map_err(|e| StoreError::rule(Concerning::Lines, e))
    }
}

/// What a request proposes, checked as far as it can be before the decision: the plan it
/// proposes fits the project as the request would leave it (its new end, its partners joining and
/// leaving), keeps every indicator with reported actuals in its unit, and keeps the work packages
/// the budget's lines name; the lines it proposes name work packages of the plan (proposed or in
/// force).
pub(crate) struct Proposal<'a> {
    pub plan: Option<&'a Plan>,
    pub lines: Option<&'a [BudgetLine]>,
    pub new_end: Option<NaiveDate>,
    /// Partners joining (true) or leaving (false).
    pub partners: Vec<(OrganizationId, bool)>,
}

impl Proposal<'_> {
    /// What checking this proposal, and the budget `state_aid` (or its lines) would make, wants.
    pub(crate) fn wants(&self, state_aid: bool) -> Wants {
        Wants::of(self.plan.is_some(), self.lines.is_some(), state_aid, &self.partners)
    }
}
