//! Applications (hankkeet): creation and changes; their moves through the lifecycle are in
//! `transitions`.

use std::collections::BTreeSet;

use chrono::{DateTime, NaiveDate, Utc};
use salkku_domain::deadline::end_of_day;
use salkku_domain::ids::{ApplicationId, DecisionId, GrantCallId, NodeKind, OrganizationId};
use salkku_domain::period::check_project_period;
use salkku_domain::report::ReportKind;
use salkku_domain::{ApplicationStatus, ParticipationRole, RegionCode};
use sea_orm::sea_query::{Alias, Condition, Expr, ExprTrait, OnConflict, Query};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityName, EntityTrait, FromQueryResult, QueryFilter, QueryResult, QueryTrait, Set,
};

use crate::Concerning;
use crate::commands::audit;
use crate::commands::budget_versions;
use crate::commands::deadlines::{self, Derived, Source};
use crate::commands::project_deadlines::{self, ProjectDeadlines};
use crate::commands::{idempotency, involvement, plans, reports};
use crate::derived::{self, Standing};
use crate::entities::{
    application as app, application_region, deadline, grant_call, participant, report_obligation, status_change,
};
use crate::records::{Application, Participation, Report};
use crate::store::batch::Writes;
use crate::store::convert::all;
use crate::store::held::{self as store_held, Reference};
use crate::store::nested::{Children, children, with_children};
use crate::store::support::{expect_version, version_checked};
use crate::views::plans as views_plans;
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

/// Applies changes if the application is still at `expected_version`: its row, participants and
/// regions; the deadline of its end and its reports' deadlines (their titles, their dates), whom
/// its deadlines concern; its first final report as its report date says; its sums and cells.
///
/// One statement reads the project, held, with all that its changes touch ([`Held`]), and one
/// more writes them all. Every command that holds a project changes its row (`Writes::holding`),
/// so a read that waited for one reads again and sees what it wrote (a report's moves, a
/// deadline or a commitment added).
pub async fn update(
    db: &Db,
    change: &Change<'_>,
    id: ApplicationId,
    expected_version: i32,
    changes: ApplicationChanges,
) -> StoreResult<Application> {
    let now = change.at;
    let tx = db.begin_write().await?;
    let c = &*tx;
    let held = Held::read(c, change, id, &changes).await?;
    let current = held.current.clone();
    expect_version(NodeKind::Application, expected_version, current.version)?;
    let period_start = changes.period_start.unwrap_or(current.period_start);
    let period_end = changes.period_end.unwrap_or(current.period_end);
    check_project_period(period_start, period_end).map_err(|e| StoreError::rule(Concerning::ProjectPeriod, e))?;
    let named = usize::from(matches!(changes.call, Some(Some(_))));
    store_held::check_references(&held.row, &held.references[..named])?;
    if let Some(participants) = &changes.participants {
        check_participants(current.lead, participants, |i| {
            store_held::check_reference(&held.row, &held.references, named + i)
        })?;
    }
    let before = Snapshot {
        application: current.clone(),
        participants: held.participants.clone(),
        regions: held.regions.clone(),
    };
    let participants = match &changes.participants {
        Some(named) => participations(id, named),
        None => before.participants.clone(),
    };
    let regions: Vec<RegionCode> = match &changes.regions {
        Some(named) => named.iter().copied().collect::<BTreeSet<_>>().into_iter().collect(),
        None => before.regions.clone(),
    };
    let mut updated = Application {
        name: changes.name.clone().unwrap_or_else(|| current.name.clone()),
        acronym: changes.acronym.clone().unwrap_or_else(|| current.acronym.clone()),
        description: changes.description.clone().unwrap_or_else(|| current.description.clone()),
        call: changes.call.unwrap_or(current.call),
        period_start,
        period_end,
        report_due: changes.report_due.unwrap_or(current.report_due),
        version: current.version + 1,
        ..current.clone()
    };
    let mut taking_part: BTreeSet<OrganizationId> = participants.iter().map(|p| p.organization).collect();
    taking_part.insert(current.lead);
    if changes.participants.is_some() || changes.period_start.is_some() || changes.period_end.is_some() {
        held.check_plan_fits(&updated, &taking_part)?;
    }

    let mut writes = Writes::new(c.get_database_backend());
    writes.holding(id);
    // Its first final report follows its report date, which is then that report's.
    let keys = (held.report_key.unwrap_or(0), held.first_final_waited_for);
    let following = reports::follow_report_due_in(&mut writes, &updated, held.reports.clone(), keys, now)?;
    updated.report_due = reports::first_final(&following.reports).map(|r| r.due_on);
    let mut update = app::Entity::update_many()
        .col_expr(app::Column::Name, Expr::value(updated.name.clone()))
        .col_expr(app::Column::Acronym, Expr::value(updated.acronym.clone()))
        .col_expr(app::Column::Description, Expr::value(updated.description.clone()))
        .col_expr(app::Column::CallId, Expr::value(updated.call.map(|c| c.0)))
        .col_expr(app::Column::PeriodStart, Expr::value(updated.period_start))
        .col_expr(app::Column::PeriodEnd, Expr::value(updated.period_end))
        .col_expr(app::Column::ReportDue, Expr::value(updated.report_due))
        .col_expr(app::Column::UpdatedAt, Expr::value(now));
    let mut standing = Standing::of(&held.row, true)?
        .with_period(updated.period_start, updated.period_end)
        .with_regions(regions.iter().map(|r| r.as_str().to_owned()).collect());
    if changes.call.is_some() {
        // Whether in-kind pledges count is the call's.
        let committed = derived::committed_of(&held.due.commitments, held.new_call_in_kind_counts)?;
        update = update.col_expr(app::Column::SelfFundingCommittedCents, Expr::value(committed));
        standing = standing.with_funder(held.new_funder).with_committed(committed);
    }
    writes.push_named(UPDATED, version_checked(update, id.0, expected_version).into_query().returning_all());
    if let Some(named) = &changes.participants {
        replace_participants(&mut writes, id, named);
    }
    if changes.regions.is_some() {
        replace_regions(&mut writes, id, &regions);
    }
    // Its deadlines: its end's and its reports' say what the project and its reports now do (a
    // new final report's deadline takes the key read for it).
    let mut synced = Vec::new();
    let source = Source::ProjectEnds(id);
    let end = project_end(&updated);
    synced.push(deadlines::sync_in(&mut writes, source, held.due.of(source), end, held.end_key, now)?);
    for r in &following.reports {
        let (source, derived) = (Source::Report(r.id), reports::deadline_of(&updated, r));
        let key = held.report_key.filter(|k| *k == r.id.0).and(held.report_deadline_key);
        synced.push(deadlines::sync_in(&mut writes, source, held.due.of(source), Some(derived), key, now)?);
    }
    if let Some(removed) = &following.removed {
        let source = Source::Report(removed.id);
        synced.push(deadlines::sync_in(&mut writes, source, held.due.of(source), None, None, now)?);
        reports::remove_in(&mut writes, removed);
    }
    // Each concerns the lead and the participants, and a pledge's deadline its organisation.
    held.due.set_parties(&mut writes, current.status, synced, &taking_part, &following.reports)?;
    standing.sync(&mut writes)?;
    let after = Snapshot { application: updated.clone(), participants, regions };
    audit::add(&mut writes, change, &[id.global()], Some(&before), Some(&after))?;
    let rows = writes.run_returning(c, Some(UPDATED)).await?;
    // The row is held and at `expected_version`: the update cannot miss it.
    let row = rows.first().ok_or_else(|| StoreError::corrupt("the held application was not updated"))?;
    let written: Application = app::Model::from_query_result(row, "")?.try_into()?;
    debug_assert_eq!(written, updated, "the audit entry says what was written");
    tx.commit().await?;
    Ok(written)
}

/// Adds to `writes` the project's participants replaced by `named`, in their order: those no
/// longer named removed, the others written with their place (a participant kept keeps its row:
/// one statement cannot both remove a row and write it again).
fn replace_participants(writes: &mut Writes, id: ApplicationId, named: &[NewParticipant]) {
    let mut still = Condition::any();
    for p in named {
        still = still.add(
            Condition::all()
                .add(Expr::col(participant::Column::OrganizationId).eq(p.organization.0))
                .add(Expr::col(participant::Column::Role).eq(p.role.as_str())),
        );
    }
    let mut gone = participant::Entity::delete_many().filter(participant::Column::ApplicationId.eq(id.0));
    if !named.is_empty() {
        gone = gone.filter(still.not());
    }
    writes.push(&gone.into_query());
    if named.is_empty() {
        return;
    }
    let rows = participant_rows(id, named);
    let keys = [participant::Column::ApplicationId, participant::Column::OrganizationId, participant::Column::Role];
    let placed = OnConflict::columns(keys).update_column(participant::Column::Position).to_owned();
    writes.push(&participant::Entity::insert_many(rows).on_conflict(placed).into_query());
}

/// Adds to `writes` the project's regions replaced by `regions`: those no longer named removed,
/// the new ones added.
fn replace_regions(writes: &mut Writes, id: ApplicationId, regions: &[RegionCode]) {
    let codes: Vec<&str> = regions.iter().map(|r| r.as_str()).collect();
    let mut gone = application_region::Entity::delete_many().filter(application_region::Column::ApplicationId.eq(id.0));
    if !codes.is_empty() {
        gone = gone.filter(application_region::Column::RegionCode.is_not_in(codes));
    }
    writes.push(&gone.into_query());
    if regions.is_empty() {
        return;
    }
    let rows = regions.iter().map(|r| application_region::ActiveModel {
        application_id: Set(id.0),
        region_code: Set(r.as_str().to_owned()),
    });
    let keys = [application_region::Column::ApplicationId, application_region::Column::RegionCode];
    let kept = OnConflict::columns(keys).do_nothing().to_owned();
    writes.push(&application_region::Entity::insert_many(rows).on_conflict(kept).into_query());
}

/// What an update of a project reads beside its held row, in one statement: its participants,
/// regions, reports, deadlines and whom they concern, its pledges, its plan (when its period or
/// participants change), the call and organisations named, and the keys new rows would get.
struct Held {
    row: QueryResult,
    current: Application,
    participants: Vec<Participation>,
    regions: Vec<RegionCode>,
    reports: Vec<Report>,
    /// Its deadlines, whom they concern and its pledges.
    due: ProjectDeadlines,
    first_final_waited_for: bool,
    /// The call named (if any), then the participants named.
    references: Vec<Reference>,
    new_funder: Option<i64>,
    new_call_in_kind_counts: bool,
    end_key: Option<i64>,
    report_key: Option<i64>,
    report_deadline_key: Option<i64>,
}

impl Held {
    async fn read<C: ConnectionTrait>(
        c: &C,
        change: &Change<'_>,
        id: ApplicationId,
        changes: &ApplicationChanges,
    ) -> StoreResult<Held> {
        let backend = c.get_database_backend();
        let mut query = Query::select();
        query.from(app::Entity);
        store_held::with_columns(&mut query);
        involvement::ask_of_application(&mut query, change);
        derived::select_standing(&mut query, true);
        let project = "applications.id";
        let order = Some(participant::Column::Position);
        let taking_part = Children::of(participant::Entity, participant::Column::ApplicationId, project, order);
        with_children(backend, &mut query, "participant_rows", taking_part);
        let order = Some(application_region::Column::RegionCode);
        let named = Children::of(application_region::Entity, application_region::Column::ApplicationId, project, order);
        with_children(backend, &mut query, "region_rows", named);
        let order = Some(report_obligation::Column::Id);
        let owed = Children::of(report_obligation::Entity, report_obligation::Column::ApplicationId, project, order);
        with_children(backend, &mut query, "report_rows", owed);
        project_deadlines::with_reads(backend, &mut query);
        let first_final = format!(
            "(SELECT min(r.id) FROM report_obligations r WHERE r.application_id = {project} AND r.kind = '{}')",
            ReportKind::Final.as_str()
        );
        query.expr_as(
            Expr::cust(format!("(SELECT count(*) FROM instalments i WHERE i.condition_report_id = {first_final})")),
            Alias::new("first_final_waited_for"),
        );
        if changes.participants.is_some() || changes.period_start.is_some() || changes.period_end.is_some() {
            views_plans::with_plan(backend, &mut query);
            for (alias, of) in [("first_actual_year", "min"), ("last_actual_year", "max")] {
                let years = format!(
                    "(SELECT {of}(a.year) FROM indicator_actuals a JOIN plan_indicators p ON p.id = a.indicator_id \
                     WHERE p.application_id = {project})"
                );
                query.expr_as(Expr::cust(years), Alias::new(alias));
            }
        }
        let mut references = Vec::new();
        if let Some(Some(call)) = changes.call {
            references.push(Reference::to(grant_call::Entity, Concerning::Call, NodeKind::GrantCall, call.0));
            let of_call = |column: grant_call::Column| {
                let q = Query::select()
                    .column(column)
                    .from(grant_call::Entity)
                    .and_where(Expr::col(grant_call::Column::Id).eq(call.0))
                    .to_owned();
                Expr::SubQuery(None, Box::new(q.into()))
            };
            query.expr_as(of_call(grant_call::Column::FunderId), Alias::new("new_funder"));
            query.expr_as(of_call(grant_call::Column::InKindCounts), Alias::new("new_in_kind_counts"));
        }
        if let Some(participants) = &changes.participants {
            references.extend(participant_references(participants));
        }
        store_held::with_references(&mut query, &references);
        // The keys of what may be new: its end's deadline, a final report and its deadline, taken
        // only where the project will have the date and has no such row yet (a sequence's value
        // taken is gone).
        // Whether the project will have a date for it: as the change sets it, or as it has one.
        let dated = |change: Option<Option<NaiveDate>>, column: &str| match change {
            Some(Some(_)) => "TRUE".to_owned(),
            Some(None) => "FALSE".to_owned(),
            None => format!("applications.{column} IS NOT NULL"),
        };
        let end_wanted = format!(
            "{} AND NOT EXISTS (SELECT 1 FROM deadlines d WHERE d.source_key = '{}')",
            dated(changes.period_end, "period_end"),
            Source::ProjectEnds(id).key()
        );
        let report_wanted = format!("{} AND {first_final} IS NULL", dated(changes.report_due, "report_due"));
        let (deadlines_table, reports_table) = (deadline::Entity.table_name(), report_obligation::Entity.table_name());
        for (alias, wanted, table, offset) in [
            ("end_key", &end_wanted, deadlines_table, 0),
            ("report_key", &report_wanted, reports_table, 0),
            ("report_deadline_key", &report_wanted, deadlines_table, 1),
        ] {
            let next = store_held::next_key(backend, table, offset);
            let key = Expr::case(Expr::cust(wanted.clone()), next).finally(Expr::val(None::<i64>));
            query.expr_as(key, Alias::new(alias));
        }
        query.and_where(Expr::col((app::Entity, app::Column::Id)).eq(id.0));
        let row =
            store_held::read(c, query, || StoreError::NotFound { kind: NodeKind::Application, key: id.0 }).await?;
        involvement::check(&row, change)?;
        let current = store_held::application(&row)?;
        let participants = all(children::<participant::Model>(&row, "participant_rows")?)?;
        let regions = children::<application_region::Model>(&row, "region_rows")?
            .into_iter()
            .map(|r| RegionCode::parse(&r.region_code).map_err(|e| StoreError::corrupt(format!("a region: {e}"))))
            .collect::<StoreResult<_>>()?;
        let reports = all(children::<report_obligation::Model>(&row, "report_rows")?)?;
        let waited: i64 = row.try_get("", "first_final_waited_for")?;
        let (new_funder, new_in_kind): (Option<i64>, Option<bool>) = if matches!(changes.call, Some(Some(_))) {
            (row.try_get("", "new_funder")?, row.try_get("", "new_in_kind_counts")?)
        } else {
            (None, None)
        };
        Ok(Held {
            current,
            participants,
            regions,
            reports,
            due: ProjectDeadlines::read(&row)?,
            first_final_waited_for: waited > 0,
            references,
            new_funder,
            new_call_in_kind_counts: new_in_kind.unwrap_or(false),
            end_key: row.try_get("", "end_key")?,
            report_key: row.try_get("", "report_key")?,
            report_deadline_key: row.try_get("", "report_deadline_key")?,
            row,
        })
    }

    /// After its participants or period change, the project's plan still fits it (see
    /// `plans::check_still_fits`), and its period still holds every year actuals were reported for.
    fn check_plan_fits(&self, project: &Application, taking_part: &BTreeSet<OrganizationId>) -> StoreResult<()> {
        let (plan, _) = views_plans::plan_in(&self.row)?;
        if plan.is_empty() {
            return Ok(());
        }
        plans::check_plan_fits(&plan, project, taking_part)?;
        let first_actual: Option<i32> = self.row.try_get("", "first_actual_year")?;
        let last_actual: Option<i32> = self.row.try_get("", "last_actual_year")?;
        plans::check_actual_years(project, first_actual.into_iter().chain(last_actual))
    }
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

/// The rows of the participants named, each with its place in their order.
fn participant_rows(id: ApplicationId, named: &[NewParticipant]) -> Vec<participant::ActiveModel> {
    let rows = named.iter().zip(0..).map(|(p, position)| participant::ActiveModel {
        application_id: Set(id.0),
        organization_id: Set(p.organization.0),
        role: Set(p.role.as_str().to_owned()),
        position: Set(position),
    });
    rows.collect()
}

fn add_participants(writes: &mut Writes, id: ApplicationId, participants: &[NewParticipant]) {
    if participants.is_empty() {
        return;
    }
    writes.push(&participant::Entity::insert_many(participant_rows(id, participants)).into_query());
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

/// The name the application's update goes by among updateApplication's writes.
const UPDATED: &str = "updated";

/// Adds to `writes` the move to the application's history.
pub(crate) fn add_status_change(
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
pub(crate) fn project_end(a: &Application) -> Option<Derived> {
    a.period_end.map(|d| Derived {
        title: a.acronym.clone().unwrap_or_else(|| a.name.clone()),
        due_at: end_of_day(d),
        application: Some(a.id),
        call: a.call,
        commitment: None,
        report: None,
    })
}
