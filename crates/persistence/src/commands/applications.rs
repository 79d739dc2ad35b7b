//! Applications (hankkeet): creation, changes, the lifecycle and its history.

use std::collections::BTreeSet;

use chrono::{DateTime, NaiveDate, Utc};
use salkku_domain::budget::Budget;
use salkku_domain::budget_version::{BudgetVersionKind, check_within_granted_aid};
use salkku_domain::change_request::check_changed_split;
use salkku_domain::deadline::end_of_day;
use salkku_domain::ids::{ApplicationId, DecisionId, GrantCallId, NodeKind, OrganizationId};
use salkku_domain::period::check_project_period;
use salkku_domain::{ApplicationStatus, Money, ParticipationRole, RegionCode};
use sea_orm::sea_query::{Alias, Expr, ExprTrait, Query};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityName, EntityTrait, FromQueryResult, QueryFilter, QueryTrait,
    Set,
};

use crate::Concerning;
use crate::commands::audit;
use crate::commands::budget_versions::{self, NewVersion};
use crate::commands::deadlines::{self, Derived, Source};
use crate::commands::{decisions, idempotency, instalments, plans, reports};
use crate::derived::{self, Changed, Standing};
use crate::entities::{
    application as app, application_region, deadline, grant_call, participant, report_obligation, status_change,
};
use crate::records::{Application, Participation};
use crate::store::batch::Writes;
use crate::store::held::{self as store_held, Reference};
use crate::store::support::{expect_version, referenced, target, version_checked, versioned_update_returning};
use crate::views::applications::{participants_of, regions_of};
use crate::views::budget_versions as views_versions;
use crate::views::{allocations, final_accounts, splits};
use crate::{Change, Db, StoreError, StoreResult};

/// A participant other than the lead.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct NewParticipant {
    pub organization: OrganizationId,
    pub role: ParticipationRole,
}

#[derive(Debug, Clone)]
pub struct NewApplication {
    pub name: String,
    pub acronym: Option<String>,
    pub description: Option<String>,
    pub call: Option<GrantCallId>,
    pub lead: OrganizationId,
    pub participants: Vec<NewParticipant>,
    pub regions: Vec<RegionCode>,
    pub period_start: Option<NaiveDate>,
    pub period_end: Option<NaiveDate>,
    pub report_due: Option<NaiveDate>,
}

/// Changes to an application; `None` leaves a field as it is, `Some(None)` clears it.
#[derive(Debug, Clone, Default)]
pub struct ApplicationChanges {
    pub name: Option<String>,
    pub acronym: Option<Option<String>>,
    pub description: Option<Option<String>>,
    pub call: Option<Option<GrantCallId>>,
    pub participants: Option<Vec<NewParticipant>>,
    pub regions: Option<Vec<RegionCode>>,
    pub period_start: Option<Option<NaiveDate>>,
    pub period_end: Option<Option<NaiveDate>>,
    pub report_due: Option<Option<NaiveDate>>,
}

/// Creates an application as an idea, with its participants, regions, history and deadlines; a
/// replay of `idempotency_key` returns the application first created with it. The organisations
/// and call it names, its call's funder and the keys of its row, deadlines and final report are
/// read in one statement; the application, its participants, regions, history, draft budget,
/// deadlines with whom they concern (its lead and participants), final report, portfolio cells
/// and audit entry are written as one more.
pub async fn create(
    db: &Db,
    change: &Change<'_>,
    new: NewApplication,
    idempotency_key: Option<&str>,
) -> StoreResult<Application> {
    let (actor, now) = (change.actor, change.at);
    idempotency::create(db, change, idempotency_key, async move |tx| {
        check_project_period(new.period_start, new.period_end)
            .map_err(|e| StoreError::rule(Concerning::ProjectPeriod, e))?;
        let backend = tx.get_database_backend();
        let lead = Reference::organization(Concerning::Lead, new.lead.0);
        let mut references = vec![lead];
        if let Some(call) = new.call {
            references.push(Reference::to(grant_call::Entity, Concerning::Call, NodeKind::GrantCall, call.0));
        }
        let named = references.len();
        references.extend(participant_references(&new.participants));
        let mut query = Query::select();
        store_held::with_references(&mut query, &references);
        if let Some(call) = new.call {
            let funder = Query::select()
                .column(grant_call::Column::FunderId)
                .from(grant_call::Entity)
                .and_where(Expr::col(grant_call::Column::Id).eq(call.0))
                .to_owned();
            query.expr_as(Expr::SubQuery(None, Box::new(funder.into())), Alias::new("funder"));
        }
        let (deadlines, reports) = (deadline::Entity.table_name(), report_obligation::Entity.table_name());
        for (alias, table, offset) in [
            ("application_key", app::Entity.table_name(), 0),
            ("end_key", deadlines, 0),
            ("report_deadline_key", deadlines, 1),
            ("report_key", reports, 0),
        ] {
            query.expr_as(store_held::next_key(backend, table, offset), Alias::new(alias));
        }
        let row = store_held::read_values(tx, query).await?;
        store_held::check_references(&row, &references[..named])?;
        check_participants(new.lead, &new.participants, |i| store_held::check_reference(&row, &references, named + i))?;
        let status = ApplicationStatus::Idea;
        let model = app::Model {
            id: row.try_get("", "application_key")?,
            name: new.name,
            acronym: new.acronym,
            description: new.description,
            call_id: new.call.map(|c| c.0),
            status: status.as_str().to_owned(),
            lead_id: new.lead.0,
            period_start: new.period_start,
            period_end: new.period_end,
            report_due: new.report_due,
            submitted_at: None,
            state_aid_requested_cents: 0,
            total_cost_cents: 0,
            state_aid_granted_cents: 0,
            self_funding_committed_cents: 0,
            created_by: actor.subject.clone(),
            created_at: now,
            updated_at: now,
            version: 1,
        };
        let created = Application::try_from(model.clone())?;
        let id = created.id;
        let regions: BTreeSet<RegionCode> = new.regions.iter().copied().collect();
        let mut writes = Writes::new(backend);
        writes.insert(model);
        add_participants(&mut writes, id, &new.participants);
        add_regions(&mut writes, id, &regions);
        add_status_change(&mut writes, id, None, status, now, &actor.subject, (None, None));
        budget_versions::add_draft(&mut writes, &created, &actor.subject)?;
        // Its deadlines concern its lead and participants, written in the same statement.
        let mut parties = vec![created.lead];
        parties.extend(new.participants.iter().map(|p| p.organization));
        if let Some(ends) = project_end(&created) {
            let key = row.try_get("", "end_key")?;
            deadlines::add_new_concerning(&mut writes, key, Source::ProjectEnds(id), ends, &parties, now)?;
        }
        let keys = (row.try_get("", "report_key")?, row.try_get("", "report_deadline_key")?);
        reports::add_final_of_new(&mut writes, &created, keys, &parties, now)?;
        let funder: Option<i64> = if new.call.is_some() { row.try_get("", "funder")? } else { None };
        let codes: Vec<String> = regions.iter().map(|r| r.as_str().to_owned()).collect();
        let period = (created.period_start, created.period_end);
        Standing::new_application(id.0, status, funder, period, &codes).sync(&mut writes)?;
        let participants = participations(id, &new.participants);
        let after = Snapshot { application: created.clone(), participants, regions: regions.into_iter().collect() };
        audit::add(&mut writes, change, &[id.global()], None::<&()>, Some(&after))?;
        writes.run(tx).await?;
        Ok(created)
    })
    .await
}

/// The participants named, as the application's participations (in the order named, as they
/// are stored).
fn participations(id: ApplicationId, named: &[NewParticipant]) -> Vec<Participation> {
    named.iter().map(|p| Participation { application: id, organization: p.organization, role: p.role }).collect()
}

/// An application as the audit log shows it: with its participants and regions.
#[derive(Debug, serde::Serialize)]
struct Snapshot {
    application: Application,
    participants: Vec<Participation>,
    regions: Vec<RegionCode>,
}

async fn snapshot<C: ConnectionTrait>(c: &C, id: ApplicationId) -> StoreResult<Snapshot> {
    let application: Application = target::<app::Entity, _>(c, NodeKind::Application, id.0).await?.try_into()?;
    let participants = participants_of(c, &[id]).await?;
    let regions = regions_of(c, &[id]).await?.into_iter().map(|(_, r)| r).collect();
    Ok(Snapshot { application, participants, regions })
}

/// Applies changes if the application is still at `expected_version`.
pub async fn update(
    db: &Db,
    change: &Change<'_>,
    id: ApplicationId,
    expected_version: i32,
    changes: ApplicationChanges,
) -> StoreResult<Application> {
    let now = change.at;
    let tx = db.begin_write().await?;
    let before = snapshot(&*tx, id).await?;
    let current = before.application.clone();
    expect_version(NodeKind::Application, expected_version, current.version)?;

    let touches_plan = changes.participants.is_some() || changes.period_start.is_some() || changes.period_end.is_some();
    let period_start = changes.period_start.unwrap_or(current.period_start);
    let period_end = changes.period_end.unwrap_or(current.period_end);
    check_project_period(period_start, period_end).map_err(|e| StoreError::rule(Concerning::ProjectPeriod, e))?;
    if let Some(Some(call)) = changes.call {
        referenced::<grant_call::Entity, _>(&*tx, Concerning::Call, NodeKind::GrantCall, call.0).await?;
    }
    if let Some(participants) = &changes.participants {
        let references = participant_references(participants);
        let mut query = Query::select();
        store_held::with_references(&mut query, &references);
        // A read of no table needs a column even when no participant is named.
        query.expr_as(Expr::val(1), Alias::new("one"));
        let row = store_held::read_values(&*tx, query).await?;
        check_participants(current.lead, participants, |i| store_held::check_reference(&row, &references, i))?;
    }

    let mut update = app::Entity::update_many().col_expr(app::Column::UpdatedAt, Expr::value(now));
    if let Some(name) = changes.name {
        update = update.col_expr(app::Column::Name, Expr::value(name));
    }
    if let Some(acronym) = changes.acronym {
        update = update.col_expr(app::Column::Acronym, Expr::value(acronym));
    }
    if let Some(description) = changes.description {
        update = update.col_expr(app::Column::Description, Expr::value(description));
    }
    if let Some(call) = changes.call {
        update = update.col_expr(app::Column::CallId, Expr::value(call.map(|c| c.0)));
    }
    if let Some(start) = changes.period_start {
        update = update.col_expr(app::Column::PeriodStart, Expr::value(start));
    }
    if let Some(end) = changes.period_end {
        update = update.col_expr(app::Column::PeriodEnd, Expr::value(end));
    }
    if let Some(report) = changes.report_due {
        update = update.col_expr(app::Column::ReportDue, Expr::value(report));
    }
    let updated: Application = versioned_update_returning(&*tx, id.0, expected_version, update).await?.try_into()?;
    // Replaced whole: the old rows deleted in one statement, the new ones written in the next
    // (a row kept has the same key: one statement could not both delete and write it).
    let backend = tx.get_database_backend();
    let (mut gone, mut written) = (Writes::new(backend), Writes::new(backend));
    if let Some(participants) = &changes.participants {
        gone.push(&participant::Entity::delete_many().filter(participant::Column::ApplicationId.eq(id.0)).into_query());
        add_participants(&mut written, id, participants);
    }
    if let Some(regions) = &changes.regions {
        let old = application_region::Entity::delete_many().filter(application_region::Column::ApplicationId.eq(id.0));
        gone.push(&old.into_query());
        add_regions(&mut written, id, &regions.iter().copied().collect());
    }
    gone.run(&*tx).await?;
    written.run(&*tx).await?;
    if touches_plan {
        plans::check_still_fits(&*tx, &updated).await?;
    }
    sync_deadlines(&*tx, &updated, now).await?;
    // Its reports may have moved its reportDue (and version) on.
    let updated: Application = target::<app::Entity, _>(&*tx, NodeKind::Application, id.0).await?.try_into()?;
    // Whether in-kind commitments count depends on the call; whom every deadline of the
    // application concerns, on its participants.
    let ids = [id];
    let changed = Changed::applications(&ids).with_sums(changes.call.is_some());
    derived::after(&*tx, changed.with_parties(changes.participants.is_some())).await?;
    // As the log shows it: the row read again (the derived sums may have moved it), the
    // participants and regions as written.
    let application: Application = target::<app::Entity, _>(&*tx, NodeKind::Application, id.0).await?.try_into()?;
    let participants = match &changes.participants {
        Some(named) => participations(id, named),
        None => before.participants.clone(),
    };
    let regions = match &changes.regions {
        Some(named) => named.iter().copied().collect::<BTreeSet<_>>().into_iter().collect(),
        None => before.regions.clone(),
    };
    let after = Snapshot { application, participants, regions };
    audit::record(&*tx, change, &[id.global()], Some(&before), Some(&after)).await?;
    tx.commit().await?;
    Ok(updated)
}

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
pub async fn transition(
    db: &Db,
    change: &Change<'_>,
    id: ApplicationId,
    expected_version: i32,
    transition: Transition,
) -> StoreResult<Application> {
    let (actor, now) = (change.actor, change.at);
    let tx = db.begin_write().await?;
    let c = &*tx;
    // Held (on PostgreSQL) from the start: closing checks the project's reports and money, and no
    // payment or report may slip in between the check and the move. Read with it: where the
    // portfolio counts it, and the decision named.
    let mut query = Query::select();
    query.from(app::Entity);
    store_held::with_columns(&mut query);
    derived::select_standing(&mut query, true);
    decisions::with_decision(&mut query, transition.decision);
    if transition.to == ApplicationStatus::Submitted {
        budget_versions::with_draft(&mut query);
    }
    query.and_where(Expr::col((app::Entity, app::Column::Id)).eq(id.0));
    let row = store_held::read(c, query, || StoreError::NotFound { kind: NodeKind::Application, key: id.0 }).await?;
    let current = store_held::application(&row)?;
    expect_version(NodeKind::Application, expected_version, current.version)?;
    let to = current.status.move_to(transition.to).map_err(|e| StoreError::rule(Concerning::Transition, e))?;
    decisions::check_read_fits(&row, transition.decision, Some(id), None)?;
    if transition.granted.is_some() && to != ApplicationStatus::Granted {
        return Err(StoreError::rule(Concerning::GrantedBudget, only_with_a_grant(to)));
    }
    let at = transition.at.unwrap_or(now);
    if to == ApplicationStatus::Submitted {
        let split = splits::for_application(c, &current).await?;
        split.check_submittable().map_err(|e| StoreError::rule(Concerning::Transition, e))?;
    }
    if to == ApplicationStatus::Closed {
        check_closing(c, &current).await?;
    }
    let mut update = app::Entity::update_many()
        .col_expr(app::Column::Status, Expr::value(to.as_str()))
        .col_expr(app::Column::UpdatedAt, Expr::value(now));
    if to == ApplicationStatus::Submitted {
        update = update.col_expr(app::Column::SubmittedAt, Expr::value(Some(at)));
    }
    let on_record = (transition.decision_ref.clone(), transition.decision);
    if to != ApplicationStatus::Granted {
        // Every write at once, on PostgreSQL in one statement: the row is held since the read.
        let mut writes = Writes::new(c.get_database_backend());
        writes.push_named(MOVED, version_checked(update, id.0, expected_version).into_query().returning_all());
        match to {
            ApplicationStatus::Submitted => budget_versions::add_applied(&mut writes, &row, id, at)?,
            ApplicationStatus::Closed => instalments::add_cancel_unpaid(&mut writes, id, now),
            _ => {}
        }
        add_status_change(&mut writes, id, Some(current.status), to, at, &actor.subject, on_record);
        if to.is_final() {
            // Its deadlines no longer call for action.
            derived::end_deadlines_of(&mut writes, id);
        }
        Standing::of(&row, true)?.with_status(to).sync(&mut writes)?;
        let moved = Application {
            status: to,
            version: current.version + 1,
            submitted_at: if to == ApplicationStatus::Submitted { Some(at) } else { current.submitted_at },
            ..current.clone()
        };
        audit::add(&mut writes, change, &[id.global()], Some(&current), Some(&(&moved, None::<()>)))?;
        let rows = writes.run_returning(c, Some(MOVED)).await?;
        // The row is held and at `expected_version`: the update cannot miss it.
        let row = rows.first().ok_or_else(|| StoreError::corrupt("the held application was not updated"))?;
        let written: Application = app::Model::from_query_result(row, "")?.try_into()?;
        debug_assert_eq!(written, moved, "the audit entry says what was written");
        tx.commit().await?;
        return Ok(written);
    }
    // A grant puts a budget in force and plans the project's reports from its schedule, each
    // reading what the one before wrote: one after another.
    versioned_update_returning(c, id.0, expected_version, update).await?;
    let budget = match transition.granted {
        Some(budget) => budget,
        None => views_versions::budget(c, &views_versions::in_force(c, id).await?).await?,
    };
    // The funder grants within its call's rate, as every budget must keep.
    let split = splits::with_budget(c, &current, budget.total(), budget.state_aid_requested()).await?;
    check_changed_split(&split).map_err(|e| StoreError::rule(Concerning::GrantedBudget, e))?;
    plans::check_lines_fit(c, id, budget.lines(), None, "grantedBudget").await?;
    let allocated = allocations::total_of(c, id).await?;
    check_within_granted_aid(budget.state_aid_requested(), allocated, Money::ZERO)
        .map_err(|e| StoreError::rule(Concerning::GrantedBudget, e))?;
    let new = NewVersion {
        kind: BudgetVersionKind::Granted,
        budget: &budget,
        decision_ref: transition.decision_ref,
        decision: transition.decision,
        within_tolerance: false,
        plan: None,
        plan_only: false,
    };
    let granted = budget_versions::put_in_force(c, change, id, new).await?;
    reports::plan_from_schedule(c, &current, now).await?;
    // Its reports may have moved its reportDue (and version) on.
    let moved: Application = target::<app::Entity, _>(c, NodeKind::Application, id.0).await?.try_into()?;
    let mut writes = Writes::new(c.get_database_backend());
    add_status_change(&mut writes, id, Some(current.status), to, at, &actor.subject, on_record);
    audit::add(&mut writes, change, &[id.global()], Some(&current), Some(&(&moved, Some(granted))))?;
    writes.run(c).await?;
    derived::after(c, Changed::applications(&[id])).await?;
    tx.commit().await?;
    Ok(moved)
}

/// The name the application's update goes by among a transition's writes.
const MOVED: &str = "moved";

/// A project closes once every report it owes is accepted, the final one among them, and its
/// final account is settled.
async fn check_closing<C: ConnectionTrait>(c: &C, project: &Application) -> StoreResult<()> {
    let owed: Vec<_> =
        crate::views::reports::of_applications(c, &[project.id]).await?.iter().map(|r| (r.kind, r.status)).collect();
    let account = final_accounts::of_application(c, project).await?.filter(|a| !a.provisional);
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

/// Checks the participants named beside the lead: no second lead, the lead not also a
/// co-implementer, none twice in one role, each an organisation (`found(i)` says whether the
/// `i`th was found, read beforehand in one statement). In their order, each wholly before the next.
fn check_participants(
    lead: OrganizationId,
    participants: &[NewParticipant],
    found: impl Fn(usize) -> StoreResult<()>,
) -> StoreResult<()> {
    let mut seen = BTreeSet::new();
    for (i, p) in participants.iter().enumerate() {
        if p.role == ParticipationRole::Lead {
            return Err(StoreError::rule(
                Concerning::Participants,
                salkku_domain::DomainError::InvalidCode(
                    "the lead applicant is given by leadId; list only co-implementers, funders and partners here"
                        .into(),
                ),
            ));
        }
        if p.organization == lead && p.role == ParticipationRole::CoImplementer {
            return Err(StoreError::rule(
                Concerning::Participants,
                salkku_domain::DomainError::InvalidCode("the lead applicant cannot also be a co-implementer".into()),
            ));
        }
        if !seen.insert(*p) {
            return Err(StoreError::rule(
                Concerning::Participants,
                salkku_domain::DomainError::InvalidCode(
                    "the same organisation is listed twice in the same role".into(),
                ),
            ));
        }
        found(i)?;
    }
    Ok(())
}

/// The organisations `participants` name, as references to check.
fn participant_references(participants: &[NewParticipant]) -> Vec<Reference> {
    participants.iter().map(|p| Reference::organization(Concerning::Participants, p.organization.0)).collect()
}

fn add_participants(writes: &mut Writes, id: ApplicationId, participants: &[NewParticipant]) {
    if participants.is_empty() {
        return;
    }
    let rows = participants.iter().zip(0..).map(|(p, position)| participant::ActiveModel {
        application_id: Set(id.0),
        organization_id: Set(p.organization.0),
        role: Set(p.role.as_str().to_owned()),
        position: Set(position),
    });
    writes.push(&participant::Entity::insert_many(rows).into_query());
}

fn add_regions(writes: &mut Writes, id: ApplicationId, regions: &BTreeSet<RegionCode>) {
    if regions.is_empty() {
        return;
    }
    let rows = regions.iter().map(|r| application_region::ActiveModel {
        application_id: Set(id.0),
        region_code: Set(r.as_str().to_owned()),
    });
    writes.push(&application_region::Entity::insert_many(rows).into_query());
}

/// Adds to `writes` the move to the application's history.
fn add_status_change(
    writes: &mut Writes,
    id: ApplicationId,
    from: Option<ApplicationStatus>,
    to: ApplicationStatus,
    at: DateTime<Utc>,
    by: &str,
    (decision_ref, decision): (Option<String>, Option<DecisionId>),
) {
    let row = status_change::ActiveModel {
        application_id: Set(id.0),
        from_status: Set(from.map(|s| s.as_str().to_owned())),
        to_status: Set(to.as_str().to_owned()),
        at: Set(at),
        by_subject: Set(by.to_owned()),
        decision_ref: Set(decision_ref),
        decision_id: Set(decision.map(|d| d.0)),
        ..Default::default()
    };
    writes.push(&status_change::Entity::insert(row).into_query());
}

/// What the deadline of a project's end says, if it has an end: due at the end of its local day.
fn project_end(a: &Application) -> Option<Derived> {
    a.period_end.map(|d| Derived {
        title: a.acronym.clone().unwrap_or_else(|| a.name.clone()),
        due_at: end_of_day(d),
        application: Some(a.id),
        call: a.call,
        commitment: None,
        report: None,
    })
}

/// The project's end falls due at the end of its local day; its reports follow its `report_due`
/// and its name (see `reports::follow_report_due`).
async fn sync_deadlines<C: ConnectionTrait>(c: &C, a: &Application, now: DateTime<Utc>) -> StoreResult<()> {
    deadlines::sync(c, Source::ProjectEnds(a.id), project_end(a), now).await?;
    reports::follow_report_due(c, a, now).await
}

/// Moves a granted project's end later, as an approved extension does: the final report's due
/// date follows the end, and both deadlines move with them in this transaction. The application's
/// version goes up, so an editor holding the old one gets a conflict.
pub(crate) async fn extend<C: ConnectionTrait>(
    c: &C,
    current: &Application,
    new_end: NaiveDate,
    now: DateTime<Utc>,
) -> StoreResult<Application> {
    app::Entity::update_many()
        .col_expr(app::Column::PeriodEnd, Expr::value(Some(new_end)))
        .col_expr(app::Column::UpdatedAt, Expr::value(now))
        .col_expr(app::Column::Version, Expr::col(app::Column::Version).add(1))
        .filter(app::Column::Id.eq(current.id.0))
        .exec(c)
        .await?;
    let extended: Application = target::<app::Entity, _>(c, NodeKind::Application, current.id.0).await?.try_into()?;
    reports::follow_extension(c, current, &extended, now).await?;
    let extended: Application = target::<app::Entity, _>(c, NodeKind::Application, current.id.0).await?.try_into()?;
    sync_deadlines(c, &extended, now).await?;
    Ok(extended)
}

/// Adds an organisation to a project as an approved partner change does.
pub(crate) async fn join<C: ConnectionTrait>(c: &C, id: ApplicationId, joining: NewParticipant) -> StoreResult<()> {
    let position = participants_of(c, &[id]).await?.len();
    participant::ActiveModel {
        application_id: Set(id.0),
        organization_id: Set(joining.organization.0),
        role: Set(joining.role.as_str().to_owned()),
        position: Set(i32::try_from(position).unwrap_or(i32::MAX)),
    }
    .insert(c)
    .await?;
    Ok(())
}

/// Removes an organisation (never the lead) from a project, as an approved partner change does.
pub(crate) async fn leave<C: ConnectionTrait>(c: &C, id: ApplicationId, leaving: OrganizationId) -> StoreResult<()> {
    participant::Entity::delete_many()
        .filter(participant::Column::ApplicationId.eq(id.0))
        .filter(participant::Column::OrganizationId.eq(leaving.0))
        .exec(c)
        .await?;
    Ok(())
}
