//! A funder's decision on a submitted change request, applied in its own transaction: the
//! request's project held, one read (the request whole with its project, and what the parts it
//! approves change or are checked against), then one write (the project's new end with its reports and deadlines, a
//! revised budget version with the plan it keeps, partners joining or leaving with their pledges,
//! whom the project's deadlines concern, the portfolio's cells, the parts decided, the audit
//! entry). The request closes once every part is decided.

use std::collections::BTreeSet;

use chrono::{Datelike, NaiveDate};
use salkku_domain::budget::Budget;
use salkku_domain::budget_diff::{BudgetDiff, check_reallocation};
use salkku_domain::budget_version::{BudgetVersionKind, check_within_granted_aid};
use salkku_domain::change_request::{
    ChangeKind, ChangeRequestStatus, check_changed_split, check_extension, check_may_request_changes,
};
use salkku_domain::ids::{ChangeRequestId, NodeKind, OrganizationId};
use salkku_domain::plan::{PlanError, check_change, check_lines};
use salkku_domain::{Amount, CommitmentKind, CommitmentLevel, CommitmentStatus, Money};
use sea_orm::sea_query::{Alias, Expr, ExprTrait, SelectStatement};
use sea_orm::{ColumnTrait, ConnectionTrait, DbBackend, EntityName, EntityTrait, QueryFilter, QueryTrait};

use crate::commands::budget_versions::{InForce, NewVersion, with_in_force};
use crate::commands::change_requests::{
    Decision, capitalised, check_decision_values, check_partners, invalid, partner_changes, parts_of, proposed_plan,
    rule,
};
use crate::commands::deadlines::{self, Source};
use crate::commands::project_deadlines::{self, ProjectDeadlines};
use crate::commands::{applications, audit, decisions, plans, reports};
use crate::derived::{self, Standing};
use crate::entities::{
    application as app, change_request as request, change_request_part, commitment, participant, report_obligation,
};
use crate::records::{Application, ChangeRequest, Commitment, Report};
use crate::store::batch::Writes;
use crate::store::convert::{all, plan_draft};
use crate::store::held as store_held;
use crate::store::nested::{Children, children, with_children};
use crate::store::support::{add_versioned, check_written, expect_version};
use crate::views::{allocations as allocation_views, change_requests as views, plans as plan_views, splits};
use crate::{Change, Concerning, Db, StoreError, StoreResult};

/// Records the funder's decision on one or more parts of a submitted request and applies what it
/// approves, all in one transaction: one read, which holds the project, and one write. Every
/// command that holds a project changes its row (`Writes::holding`), so a read that waited for
/// one reads again and sees what it wrote (a pledge or a report added, a report's moves).
pub async fn decide(
    db: &Db,
    change: &Change<'_>,
    id: ChangeRequestId,
    expected_version: i32,
    decision: Decision,
) -> StoreResult<ChangeRequest> {
    let approves = |kind: ChangeKind| decision.parts.iter().any(|p| p.kind == kind && p.decision.approves());
    let wants = Wants {
        extension: approves(ChangeKind::Extension),
        partners: approves(ChangeKind::PartnerChange),
        content: approves(ChangeKind::ContentChange),
        budget: approves(ChangeKind::BudgetReallocation)
            || approves(ChangeKind::StateAidChange)
            || approves(ChangeKind::ContentChange),
        approved_end: decision.parts.iter().find(|p| p.kind == ChangeKind::Extension).and_then(|p| p.approved_end),
    };
    let tx = db.begin_write().await?;
    let c = &*tx;
    let backend = c.get_database_backend();
    let missing = || StoreError::NotFound { kind: NodeKind::ChangeRequest, key: id.0 };
    let mut query = views::whole_under(backend, REQUEST);
    query.inner_join(
        app::Entity,
        Expr::col((app::Entity, app::Column::Id)).equals((request::Entity, request::Column::ApplicationId)),
    );
    store_held::with_columns(&mut query);
    derived::select_standing(&mut query, true);
    decisions::with_decision(&mut query, decision.decision);
    with_reads(backend, &mut query, &wants);
    query.and_where(Expr::col((request::Entity, request::Column::Id)).eq(id.0));
    let row = store_held::read(c, query, missing).await?;
    let current = views::record_under(&row, REQUEST)?;
    let project = store_held::application(&row)?;

    expect_version(NodeKind::ChangeRequest, expected_version, current.version)?;
    if current.status != ChangeRequestStatus::Submitted {
        let status = current.status;
        return Err(invalid(
            Concerning::ChangeRequest,
            salkku_domain::message!(
                fi: "vain jätetystä muutoshakemuksesta päätetään (tämä on {status})",
                sv: "bara en inlämnad ändringsansökan kan beslutas (denna är {status})",
                en: "only a submitted change request is decided (this one is {status})",
            ),
        ));
    }
    decisions::check_read_fits(&row, decision.decision, Some(current.application), None)?;
    let mut parts = parts_of(&current)?;
    for p in &decision.parts {
        parts.decide(p.kind, p.decision).map_err(rule(Concerning::Parts))?;
        check_decision_values(p)?;
    }
    check_may_request_changes(project.status).map_err(rule(Concerning::Application))?;
    let approved = |kind: ChangeKind| decision.parts.iter().find(|p| p.kind == kind && p.decision.approves());
    // A refusal names the part it comes from (and the approved value in it, where given).
    let part_field = |kind: ChangeKind, approved: &str| {
        let index = decision.parts.iter().position(|p| p.kind == kind).unwrap_or_default();
        if approved.is_empty() { format!("parts[{index}]") } else { format!("parts[{index}].{approved}") }
    };

    // The extension: the project's end moves later.
    let mut extended = project.clone();
    if let Some(part) = approved(ChangeKind::Extension) {
        let end =
            part.approved_end.or(current.new_end).ok_or_else(|| StoreError::corrupt("an extension without an end"))?;
        check_extension(project.period_end, end).map_err(rule(Concerning::Parts))?;
        extended.period_end = Some(end);
    }
    // Who takes part once partners have joined or left.
    let participants: Vec<participant::Model> = children(&row, PARTICIPANTS)?;
    let mut taking_part: BTreeSet<OrganizationId> =
        participants.iter().map(|p| OrganizationId(p.organization_id)).collect();
    taking_part.insert(project.lead);
    let taking_part_now = taking_part.clone();
    if approved(ChangeKind::PartnerChange).is_some() {
        for p in &current.partners {
            if p.joins {
                taking_part.insert(p.organization);
            } else {
                taking_part.remove(&p.organization);
            }
        }
    }

    // The plan a content change approves, checked against the project as the decision leaves
    // it: its end, and who takes part once partners have joined or left.
    let new_plan = match approved(ChangeKind::ContentChange) {
        Some(part) => part.approved_plan.clone().map_or_else(|| proposed_plan(&current), |p| Ok(Some(p)))?,
        None => None,
    };
    // Inside an approved plan the refusal names its field; a plan approved as asked is the
    // request's, and the part itself is named.
    let approved_plan_given = approved(ChangeKind::ContentChange).is_some_and(|p| p.approved_plan.is_some());
    let content_part = part_field(ChangeKind::ContentChange, "");
    let in_plan = |e: PlanError| StoreError::RuleAt {
        field: if approved_plan_given { format!("{content_part}.approvedPlan.{}", e.at) } else { content_part.clone() },
        source: e.error,
    };
    let plan_in_force = if wants.plan() { Some(plan_views::plan_in(&row)?) } else { None };
    let plan_in_force_or_none = || plan_in_force.as_ref().map(|(plan, _)| plan).ok_or_else(not_read);
    match &new_plan {
        Some(plan) => {
            plan.check_fits(extended.period_start, extended.period_end, &taking_part).map_err(&in_plan)?;
            plan.check_codes(&plan_views::codes_in(&row)?).map_err(&in_plan)?;
            let (stored, ids) = plan_in_force.as_ref().ok_or_else(not_read)?;
            check_change(plan, &plan_views::reported_in_row(&row, stored, ids)?).map_err(&in_plan)?;
        }
        // A partner that leaves does not lead a work package of the plan that stays.
        None if approved(ChangeKind::PartnerChange).is_some() => plan_in_force_or_none()?
            .check_fits(extended.period_start, extended.period_end, &taking_part)
            .map_err(|e| StoreError::RuleAt { field: part_field(ChangeKind::PartnerChange, ""), source: e.error })?,
        None => {}
    }

    // The budget parts and the plan decided now: one revised version with what they approve.
    let calls = splits::call_in(&row, CALL)?;
    let mut due = ProjectDeadlines::read(&row)?;
    let reallocation = approved(ChangeKind::BudgetReallocation);
    let aid_change = approved(ChangeKind::StateAidChange);
    let budget_changes = reallocation.is_some() || aid_change.is_some();
    let mut revision: Option<(InForce, Budget)> = None;
    if budget_changes || new_plan.is_some() {
        let in_force = InForce::read(&row)?;
        // The lines come from the reallocation part alone, the aid from the state-aid part alone:
        // as asked, or as the funder changed them; what a part does not approve stays as it is.
        let lines = match reallocation {
            Some(part) => part.approved_lines.clone().unwrap_or_else(|| current.lines.clone()),
            None => in_force.budget.lines().to_vec(),
        };
        let aid_in_force = in_force.budget.state_aid_requested();
        let aid = match (aid_change, current.state_aid) {
            (Some(part), asked) => part.approved_state_aid.map(|a| a.money()).or(asked).unwrap_or(aid_in_force),
            (None, _) => aid_in_force,
        };
        let aid = Amount::new(aid).map_err(|e| StoreError::corrupt(e.to_string()))?;
        let budget = Budget::new(lines, aid).map_err(rule(Concerning::Parts))?;
        // A line the plan lacks: in the approved lines it is named by its place there; in the
        // request's own lines by the part; in the lines in force by the plan that drops its
        // work package.
        if budget.lines().iter().any(|l| l.work_package().is_some()) {
            let plan = match &new_plan {
                Some(plan) => plan,
                None => plan_in_force_or_none()?,
            };
            let approved_lines_given = reallocation.is_some_and(|p| p.approved_lines.is_some());
            let realloc_part = part_field(ChangeKind::BudgetReallocation, "");
            check_lines(budget.lines(), plan).map_err(|e| {
                let field = match (reallocation.is_some(), approved_lines_given) {
                    (true, true) => format!("{realloc_part}.approved{}", capitalised(&e.at)),
                    (true, false) => realloc_part.clone(),
                    (false, _) if approved_plan_given => format!("{content_part}.approvedPlan.workPackages"),
                    (false, _) => content_part.clone(),
                };
                StoreError::RuleAt { field, source: e.error }
            })?;
        }
        if reallocation.is_some() {
            let diff = BudgetDiff::between(&in_force.budget, &budget).map_err(rule(Concerning::Parts))?;
            check_reallocation(&diff).map_err(rule(Concerning::Parts))?;
        }
        if budget_changes {
            let pledges: Vec<Commitment> = all(due.commitments.clone())?;
            let figures = (budget.total(), budget.state_aid_requested());
            let split = splits::supposing(&extended, figures, &calls, &pledges)?;
            check_changed_split(&split).map_err(rule(Concerning::Parts))?;
            // A smaller aid must still hold the allocations already recorded.
            let allocated = allocation_views::total_in(&row, ALLOCATED)?;
            check_within_granted_aid(budget.state_aid_requested(), allocated, Money::ZERO)
                .map_err(rule(Concerning::Parts))?;
        }
        revision = Some((in_force, budget));
    }
    // Partners join with their commitment, or leave and their commitments are declined.
    if approved(ChangeKind::PartnerChange).is_some() {
        check_partners(&project, &partner_changes(&current), &taking_part_now, |_| Ok(())).map_err(|e| match e {
            StoreError::Rule { source, .. } => StoreError::rule(Concerning::Parts, source),
            other => other,
        })?;
    }

    // Every check has passed: the writes, as one statement.
    let now = change.at;
    let mut writes = Writes::new(backend);
    writes.holding(project.id);
    let mut standing = Standing::of(&row, true)?;
    let mut after = Application { version: project.version + 1, ..extended.clone() };
    let mut update = app::Entity::update_many()
        .col_expr(app::Column::UpdatedAt, Expr::value(now))
        .col_expr(app::Column::Version, Expr::col(app::Column::Version).add(1));

    // The project's reports move with its end, and their deadlines and its end's with them.
    let reports: Vec<Report> =
        if wants.reports() { all(children::<report_obligation::Model>(&row, REPORTS)?)? } else { Vec::new() };
    let mut synced = Vec::new();
    let reports = if wants.extension && extended.period_end != project.period_end {
        let schedule = calls.first().and_then(|call| call.report_schedule);
        let report_keys = store_held::keys_in(&row, REPORT_KEYS, backend, keys_wanted(&extended))?;
        let moved =
            reports::follow_extension_in(&mut writes, (&project, &extended), reports, schedule, &report_keys, now)?;
        after.report_due = reports::first_final(&moved).map(|r| r.due_on);
        update = update
            .col_expr(app::Column::PeriodEnd, Expr::value(after.period_end))
            .col_expr(app::Column::ReportDue, Expr::value(after.report_due));
        standing = standing.with_period(after.period_start, after.period_end);
        // A new deadline (a new report's; the end's, were it missing) takes a key read for it.
        let mut deadline_keys =
            store_held::keys_in(&row, DEADLINE_KEYS, backend, keys_wanted(&extended) + 1)?.into_iter();
        let source = Source::ProjectEnds(project.id);
        let end = applications::project_end(&after);
        let key = if due.of(source).is_none() { deadline_keys.next() } else { None };
        synced.push(deadlines::sync_in(&mut writes, source, due.of(source), end, key, now)?);
        for r in &moved {
            let source = Source::Report(r.id);
            let key = if due.of(source).is_none() { deadline_keys.next() } else { None };
            let derived = reports::deadline_of(&after, r);
            synced.push(deadlines::sync_in(&mut writes, source, due.of(source), Some(derived), key, now)?);
        }
        moved
    } else {
        reports
    };

    // Partners: the joining ones take part after those there, with their pledges; the leaving
    // ones' pledges are declined.
    if approved(ChangeKind::PartnerChange).is_some() {
        let mut position = participants.iter().map(|p| p.position).max().map_or(0, |p| p + 1);
        let joining_pledges = current.partners.iter().filter(|p| p.joins && p.commitment.is_some()).count();
        let mut pledge_keys = store_held::keys_in(&row, COMMITMENT_KEYS, backend, joining_pledges)?.into_iter();
        for p in &current.partners {
            if p.joins {
                writes.insert(participant::Model {
                    application_id: project.id.0,
                    organization_id: p.organization.0,
                    role: p.role.as_str().to_owned(),
                    position,
                });
                position += 1;
                if let Some(amount) = p.commitment {
                    let amount = Amount::new(amount).map_err(|e| StoreError::corrupt(e.to_string()))?;
                    let key = pledge_keys.next().ok_or_else(|| StoreError::corrupt("fewer keys than pledges"))?;
                    let pledge = commitment::Model {
                        id: key,
                        application_id: project.id.0,
                        organization_id: p.organization.0,
                        amount_cents: amount.cents(),
                        kind: CommitmentKind::Cash.as_str().to_owned(),
                        level: CommitmentLevel::Board.as_str().to_owned(),
                        status: CommitmentStatus::Promised.as_str().to_owned(),
                        due_date: None,
                        decided_at: None,
                        decision_ref: decision.decision_ref.clone(),
                        created_at: now,
                        updated_at: now,
                        version: 1,
                        // A pledge's decision on record is its own organisation's: the funder's,
                        // behind the change, stays on the parts decided.
                        decision_id: None,
                    };
                    writes.insert(pledge.clone());
                    due.commitments.push(pledge);
                }
            } else {
                let leaving = participant::Entity::delete_many()
                    .filter(participant::Column::ApplicationId.eq(project.id.0))
                    .filter(participant::Column::OrganizationId.eq(p.organization.0));
                writes.push(&leaving.into_query());
                let declined = CommitmentStatus::Declined.as_str();
                let decline = commitment::Entity::update_many()
                    .col_expr(commitment::Column::Status, Expr::value(declined))
                    .col_expr(commitment::Column::UpdatedAt, Expr::value(now))
                    .col_expr(commitment::Column::Version, Expr::col(commitment::Column::Version).add(1))
                    .filter(commitment::Column::ApplicationId.eq(project.id.0))
                    .filter(commitment::Column::OrganizationId.eq(p.organization.0))
                    .filter(commitment::Column::Status.ne(declined));
                writes.push(&decline.into_query());
                for m in due.commitments.iter_mut().filter(|m| m.organization_id == p.organization.0) {
                    if m.status != declined {
                        declined.clone_into(&mut m.status);
                        m.updated_at = now;
                        m.version += 1;
                    }
                }
            }
        }
        let in_kind_counts = calls.first().is_some_and(|call| call.in_kind_counts);
        let committed = derived::committed_of(&due.commitments, in_kind_counts)?;
        update = update.col_expr(app::Column::SelfFundingCommittedCents, Expr::value(committed));
        standing = standing.with_committed(committed);
    }
    // Whom its deadlines concern, once its end, reports and partners are what the decision
    // leaves them.
    if wants.extension || wants.partners {
        due.set_parties(&mut writes, project.status, synced, &taking_part, &reports)?;
    }

    // The revised version in force, keeping the plan (the approved one, written as the plan too).
    let mut revised = None;
    if let Some((in_force, budget)) = &revision {
        let new = NewVersion {
            kind: BudgetVersionKind::Revised,
            budget,
            decision_ref: decision.decision_ref.clone(),
            decision: decision.decision,
            within_tolerance: false,
            plan: new_plan.as_ref(),
            plan_only: !budget_changes,
        };
        let plan = match &new_plan {
            Some(plan) => plan,
            None => plan_in_force_or_none()?,
        };
        revised = Some(in_force.add_successor(&mut writes, project.id, new, plan, change)?.id);
        after.total_cost = budget.total();
        after.state_aid_requested = budget.state_aid_requested();
        update = update
            .col_expr(app::Column::TotalCostCents, Expr::value(budget.total().cents()))
            .col_expr(app::Column::StateAidRequestedCents, Expr::value(budget.state_aid_requested().cents()));
        standing = standing.with_budget(budget.total().cents(), budget.state_aid_requested().cents());
    }
    writes.push(&update.filter(app::Column::Id.eq(project.id.0)).into_query());
    standing.sync(&mut writes)?;

    // The parts decided, and the request closed once every part is.
    let mut decided = ChangeRequest { version: current.version + 1, ..current.clone() };
    for p in &decision.parts {
        let is_budget = matches!(p.kind, ChangeKind::BudgetReallocation | ChangeKind::StateAidChange)
            || (p.kind == ChangeKind::ContentChange && new_plan.is_some());
        let revised_version = if is_budget && p.decision.approves() { revised } else { None };
        let approved_plan = p.approved_plan.as_ref().map(plans::snapshot).transpose()?;
        let part = change_request_part::Entity::update_many()
            .col_expr(change_request_part::Column::Decision, Expr::value(p.decision.as_str()))
            .col_expr(change_request_part::Column::ApprovedEnd, Expr::value(p.approved_end))
            .col_expr(change_request_part::Column::RevisedVersionId, Expr::value(revised_version.map(|v| v.0)))
            .col_expr(change_request_part::Column::DecidedAt, Expr::value(Some(now)))
            .col_expr(change_request_part::Column::DecidedBy, Expr::value(Some(change.actor.subject.clone())))
            .col_expr(change_request_part::Column::DecisionRef, Expr::value(decision.decision_ref.clone()))
            .col_expr(change_request_part::Column::DecisionId, Expr::value(decision.decision.map(|d| d.0)))
            .col_expr(change_request_part::Column::Note, Expr::value(p.note.clone()))
            .col_expr(change_request_part::Column::ApprovedPlan, Expr::value(approved_plan.clone()))
            .filter(change_request_part::Column::RequestId.eq(id.0))
            .filter(change_request_part::Column::Kind.eq(p.kind.as_str()));
        writes.push(&part.into_query());
        if let Some(written) = decided.parts.iter_mut().find(|d| d.kind == p.kind) {
            written.decision = Some(p.decision);
            written.approved_end = p.approved_end;
            written.revised_version = revised_version;
            written.decided_at = Some(now);
            written.decided_by = Some(change.actor.subject.clone());
            written.decision_ref = decision.decision_ref.clone();
            written.decision_on_record = decision.decision;
            written.note = p.note.clone();
            written.approved_plan = approved_plan.as_deref().map(plan_draft).transpose()?;
        }
    }
    let mut moved = request::Entity::update_many().col_expr(request::Column::UpdatedAt, Expr::value(now));
    if parts.all_decided() {
        moved = moved
            .col_expr(request::Column::Status, Expr::value(ChangeRequestStatus::Closed.as_str()))
            .col_expr(request::Column::ClosedAt, Expr::value(Some(now)));
        decided.status = ChangeRequestStatus::Closed;
        decided.closed_at = Some(now);
    }
    add_versioned(&mut writes, MOVED, moved, id.0, expected_version);
    // The log shows what the decision did to the project too: its end, report, budget, version.
    let objects = [id.global(), project.id.global()];
    audit::add(&mut writes, change, &objects, Some(&(&current, &project)), Some(&(&decided, &after)))?;
    let written = writes.run_returning(c, Some(MOVED)).await?;
    check_written::<request::Entity, _>(c, &written, id.0, expected_version).await?;
    tx.commit().await?;
    Ok(decided)
}

/// The name the request's versioned move goes by among the writes.
const MOVED: &str = "decided";

/// What the parts a decision approves need read beside the request and its project.
struct Wants {
    extension: bool,
    partners: bool,
    content: bool,
    /// A revised version: a budget part or a content change approved.
    budget: bool,
    /// The end an extension approved with changes names (else the request's).
    approved_end: Option<NaiveDate>,
}

impl Wants {
    /// The plan in force: checked against who takes part, kept by a revised version.
    fn plan(&self) -> bool {
        self.partners || self.budget || self.content
    }

    /// The project's reports: moved by an extension, and what their deadlines' standing is.
    fn reports(&self) -> bool {
        self.extension || self.partners
    }
}

const REQUEST: &str = "request_";
const PARTICIPANTS: &str = "decision_participants";
/// The prefix of the project's call.
const CALL: &str = "decision_";
const REPORTS: &str = "decision_reports";
const ALLOCATED: &str = "decision_allocated";
const REPORT_KEYS: &str = "decision_report_keys";
const DEADLINE_KEYS: &str = "decision_deadline_keys";
const COMMITMENT_KEYS: &str = "decision_commitment_keys";

/// Adds to `query` (the request joined with its held project) what the approved parts need: who
/// takes part, the call, the project's deadlines and pledges, and as the parts want them its
/// reports, plan (with its programme's codes and the indicators reported on), budget in force,
/// aid allocated, and the keys of what may be new: reports and deadlines for the years an
/// extension adds, pledges of joining partners.
fn with_reads(backend: DbBackend, query: &mut SelectStatement, wants: &Wants) {
    let project = "applications.id";
    let order = Some(participant::Column::Position);
    with_children(
        backend,
        query,
        PARTICIPANTS,
        Children::of(participant::Entity, participant::Column::ApplicationId, project, order),
    );
    splits::with_call(backend, query, CALL);
    project_deadlines::with_reads(backend, query);
    if wants.reports() {
        let order = Some(report_obligation::Column::Id);
        let owed = Children::of(report_obligation::Entity, report_obligation::Column::ApplicationId, project, order);
        with_children(backend, query, REPORTS, owed);
    }
    if wants.plan() {
        plan_views::with_plan(backend, query);
    }
    if wants.content {
        plan_views::with_codes_and_actuals(backend, query);
    }
    if wants.budget {
        with_in_force(backend, query);
        allocation_views::with_total(query, ALLOCATED);
    }
    if wants.extension {
        // An interim report a year at most, as a grant plans them: as many keys as the years to
        // the new end, the end's deadline one more.
        let end = match wants.approved_end {
            Some(end) => format!("DATE '{}'", end.format("%Y-%m-%d")),
            None => "change_requests.new_end".to_owned(),
        };
        let years = format!(
            "CASE WHEN applications.period_start IS NULL OR {end} IS NULL THEN 0 \
             ELSE CAST(EXTRACT(YEAR FROM {end}) - EXTRACT(YEAR FROM applications.period_start) AS INTEGER) + 1 END"
        );
        let reports = report_obligation::Entity.table_name();
        query.expr_as(store_held::next_keys(backend, reports, &years), Alias::new(REPORT_KEYS));
        query
            .expr_as(store_held::next_keys(backend, "deadlines", &format!("({years}) + 1")), Alias::new(DEADLINE_KEYS));
    }
    if wants.partners {
        let joining = "(SELECT count(*) FROM change_request_partners p WHERE p.request_id = change_requests.id \
                       AND p.joins AND p.commitment_cents IS NOT NULL)";
        query.expr_as(
            store_held::next_keys(backend, commitment::Entity.table_name(), joining),
            Alias::new(COMMITMENT_KEYS),
        );
    }
}

/// As many report keys as [`with_reads`] took for an extension of `extended`.
fn keys_wanted(extended: &Application) -> usize {
    match (extended.period_start, extended.period_end) {
        (Some(start), Some(end)) => usize::try_from(end.year() - start.year() + 1).unwrap_or(0),
        _ => 0,
    }
}

fn not_read() -> StoreError {
    StoreError::corrupt("a decision's read lacks the plan in force")
}

#[cfg(test)]
mod tests {
    use super::*;
    use salkku_domain::ids::ApplicationId;

    #[test]
    fn an_extension_reads_a_report_key_for_every_year_to_its_new_end() {
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day);
        let project = |start, end| Application {
            id: ApplicationId(1),
            name: "MONNI".into(),
            acronym: None,
            description: None,
            call: None,
            status: salkku_domain::ApplicationStatus::Granted,
            version: 1,
            lead: OrganizationId(1),
            period_start: start,
            period_end: end,
            report_due: None,
            submitted_at: None,
            state_aid_requested: Money::ZERO,
            total_cost: Money::ZERO,
            created_by: "t".into(),
            created_at: chrono::DateTime::UNIX_EPOCH,
        };
        assert_eq!(keys_wanted(&project(d(2020, 9, 1), d(2023, 6, 30))), 4);
        assert_eq!(keys_wanted(&project(None, d(2023, 6, 30))), 0);
    }
}
