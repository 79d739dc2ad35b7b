//! Report obligations (väliselvitykset, loppuselvitykset, taloudelliset selvitykset): made from
//! the call's schedule when a project is granted, or added by hand; submitted by the project with
//! documents and, for a financial report, the actual costs; accepted, or returned with reasons and
//! a new due date by the funder. Each report is a REPORT_DUE deadline, kept in step in the same
//! transaction; the first final report is also the application's `report_due`.

use chrono::{DateTime, NaiveDate, Utc};
use salkku_domain::budget::BudgetLine;
use salkku_domain::change_request::follow_the_end;
use salkku_domain::deadline::{end_of_day, local_date};
use salkku_domain::ids::{ApplicationId, DecisionId, DocumentId, NodeKind, OrganizationId, ReportId};
use salkku_domain::report::{self, ReportKind, ReportStatus, Schedule, months_after};
use salkku_domain::{ApplicationStatus, DomainError};
use sea_orm::sea_query::{Alias, Expr, ExprTrait, Func, Query};
use sea_orm::{ColumnTrait, ConnectionTrait, DbBackend, EntityName, EntityTrait, QueryFilter, QueryTrait, Set};

use crate::commands::actuals::{self, NewActual};
use crate::commands::deadlines::{self, Derived, Source};
use crate::commands::{audit, decisions, idempotency, instalments, involvement};
use crate::derived;
use crate::entities::{
    application as app, deadline, document, report_cost_line, report_document, report_obligation as row,
};
use crate::records::{Application, Report};
use crate::store::batch::Writes;
use crate::store::held as store_held;
use crate::store::support::{expect_version, version_checked};
use crate::{Change, Concerning, Db, StoreError, StoreResult};

/// A report added by hand.
#[derive(Debug, Clone)]
pub struct NewReport {
    pub application: ApplicationId,
    pub kind: ReportKind,
    pub due_on: NaiveDate,
    /// What the report is about, when the kind does not say it all.
    pub title: Option<String>,
    /// Whether it states the actual costs; by default a financial or final report does.
    pub states_costs: Option<bool>,
}

/// What a project submits.
#[derive(Debug, Clone, Default)]
pub struct Submission {
    /// The actual costs by category and year (the report's financial part).
    pub actual_costs: Vec<BudgetLine>,
    /// Documents already attached to the project, submitted with the report.
    pub documents: Vec<DocumentId>,
    /// The values the project's indicators reached, with an interim or final report.
    pub actuals: Vec<NewActual>,
}

/// The funder's verdict on a submitted report.
#[derive(Debug, Clone)]
pub enum Verdict {
    Accept { decision_ref: Option<String>, decision: Option<DecisionId> },
    Return { reasons: String, new_due: NaiveDate },
}

fn rule(concerning: Concerning) -> impl Fn(DomainError) -> StoreError {
    move |e| StoreError::rule(concerning, e)
}

/// Adds a report by hand to a project that still runs. The project is read held in one
/// statement, with its first final report's due date and the keys of the report and its
/// deadline; the report, its deadline with whom it concerns, the project's `report_due` when
/// the report is its first final one, and the audit entry are written as one more.
pub async fn add(db: &Db, change: &Change<'_>, new: NewReport, idempotency_key: Option<&str>) -> StoreResult<Report> {
    let states_costs = new.states_costs.unwrap_or(new.kind.states_costs_by_default());
    report::check_states_costs(new.kind, states_costs).map_err(rule(Concerning::Report))?;
    idempotency::create(db, change, idempotency_key, async move |tx| {
        let backend = tx.get_database_backend();
        let mut query = Query::select();
        query.from(app::Entity);
        store_held::with_columns(&mut query);
        involvement::ask_of_application(&mut query, change);
        let first_final = Query::select()
            .column(row::Column::DueOn)
            .from(row::Entity)
            .and_where(Expr::col((row::Entity, row::Column::ApplicationId)).equals((app::Entity, app::Column::Id)))
            .and_where(Expr::col((row::Entity, row::Column::Kind)).eq(ReportKind::Final.as_str()))
            .order_by((row::Entity, row::Column::Id), sea_orm::Order::Asc)
            .limit(1)
            .to_owned();
        query.expr_as(Expr::SubQuery(None, Box::new(first_final.into())), Alias::new("first_final_due"));
        query.expr_as(store_held::next_key(backend, row::Entity.table_name(), 0), Alias::new("report_key"));
        query.expr_as(store_held::next_key(backend, deadline::Entity.table_name(), 0), Alias::new("deadline_key"));
        let (held, project) = store_held::read_named_project(tx, query, new.application).await?;
        involvement::check(&held, change)?;
        if !project.status.is_open() {
            return Err(StoreError::rule(Concerning::Application, owes_nothing(project.status)));
        }
        let owed = Owed { kind: new.kind, title: new.title, due_on: new.due_on, states_costs };
        let model = owed.row(held.try_get("", "report_key")?, project.id, change.at);
        let created = Report::try_from(model.clone())?;
        let mut writes = Writes::new(backend);
        writes.holding(project.id);
        writes.insert(model);
        // A new report is owed, of a project that still runs: its deadline calls for action.
        let deadline_key: i64 = held.try_get("", "deadline_key")?;
        let derived = deadline_of(&project, &created);
        deadlines::add_new(&mut writes, deadline_key, Source::Report(created.id), derived, &[], true, change.at)?;
        // The first final report is the project's reportDue; an earlier one stays it.
        let first_final: Option<NaiveDate> = held.try_get("", "first_final_due")?;
        let due = first_final.or((created.kind == ReportKind::Final).then_some(created.due_on));
        if project.report_due != due {
            writes.push(&report_due_moved(project.id, due, change.at).into_query());
        }
        audit::add(&mut writes, change, &[created.id.global(), project.id.global()], None::<&()>, Some(&created))?;
        writes.run(tx).await?;
        Ok(created)
    })
    .await
}

/// A report owed from the start: added by hand, or the final one a new project's report date makes.
struct Owed {
    kind: ReportKind,
    title: Option<String>,
    due_on: NaiveDate,
    states_costs: bool,
}

impl Owed {
    /// Its row, keyed `id`, of `project`.
    fn row(self, id: i64, project: ApplicationId, now: DateTime<Utc>) -> row::Model {
        let planned = Planned {
            kind: self.kind,
            due_on: self.due_on,
            title: self.title,
            months_after_end: None,
            from_schedule: false,
            states_costs: self.states_costs,
        };
        planned.row(id, project, now)
    }
}

/// Adds to `writes` the final report a new application's `report_due` makes, keyed `key`, with
/// its deadline keyed `deadline_key`, which concerns `parties` (the application's lead and
/// participants, written in the same statement).
pub(crate) fn add_final_of_new(
    writes: &mut Writes,
    project: &Application,
    (key, deadline_key): (i64, i64),
    parties: &[OrganizationId],
    now: DateTime<Utc>,
) -> StoreResult<Option<Report>> {
    let Some(due_on) = project.report_due else { return Ok(None) };
    let model = Owed { kind: ReportKind::Final, title: None, due_on, states_costs: true }.row(key, project.id, now);
    let created = Report::try_from(model.clone())?;
    writes.insert(model);
    let derived = deadline_of(project, &created);
    deadlines::add_new_concerning(writes, deadline_key, Source::Report(created.id), derived, parties, now)?;
    Ok(Some(created))
}

fn owes_nothing(status: ApplicationStatus) -> DomainError {
    DomainError::InvalidCode(salkku_domain::message!(
        fi: "hanke on tilassa {status}: sillä ei ole enää selvitysvelvoitteita",
        sv: "projektet har status {status}: det har inga redovisningsskyldigheter längre",
        en: "the project is {status}: it owes no more reports",
    ))
}

/// Submits a report that is due or was returned: with its actual costs if it states them, and
/// the project's documents that go with it. The report and its project are read held in one
/// statement, with the documents named and those already linked (actuals, when stated, read
/// their indicators too); the report's update, its costs, actuals and documents, its deadline
/// no longer calling for action and the audit entry are written as one more.
pub async fn submit(
    db: &Db,
    change: &Change<'_>,
    id: ReportId,
    expected_version: i32,
    submission: Submission,
) -> StoreResult<Report> {
    let tx = db.begin_write().await?;
    let c = &*tx;
    let held = held_report(c, change, id, &submission.documents, &submission.actuals, None).await?;
    let current = held.report;
    expect_version(NodeKind::ReportObligation, expected_version, current.version)?;
    let to = current.status.move_to(ReportStatus::Submitted).map_err(rule(Concerning::Report))?;
    report::check_submission(current.states_costs, submission.actual_costs.len())
        .map_err(rule(Concerning::ActualCosts))?;
    for (document_id, owner) in submission.documents.iter().zip(&held.documents) {
        let owner = owner.ok_or(StoreError::UnknownReference {
            concerning: Concerning::Documents,
            kind: NodeKind::Document,
            key: document_id.0,
        })?;
        if owner != Some(current.application) {
            return Err(StoreError::rule(Concerning::Documents, another_projects_document()));
        }
    }
    let stated = actuals::check(&held.row, &current, &held.project, &submission.actuals)?;
    let mut linked = held.linked;
    let mut new_links: Vec<DocumentId> = Vec::new();
    for document_id in submission.documents {
        if !linked.contains(&document_id) && !new_links.contains(&document_id) {
            new_links.push(document_id);
        }
    }
    let submitted = Report {
        status: to,
        submitted_at: Some(change.at),
        submitted_by: Some(change.actor.subject.clone()),
        version: current.version + 1,
        ..current.clone()
    };
    let mut writes = Writes::new(c.get_database_backend());
    writes.holding(held.project.id);
    let update = row::Entity::update_many()
        .col_expr(row::Column::Status, Expr::value(to.as_str()))
        .col_expr(row::Column::SubmittedAt, Expr::value(Some(change.at)))
        .col_expr(row::Column::SubmittedBy, Expr::value(Some(change.actor.subject.clone())))
        .col_expr(row::Column::UpdatedAt, Expr::value(change.at));
    writes.push(&version_checked(update, id.0, expected_version).into_query());
    add_costs(&mut writes, id, &submission.actual_costs);
    actuals::add_writes(&mut writes, id, &stated, change.at);
    if !new_links.is_empty() {
        let links =
            new_links.iter().map(|d| report_document::ActiveModel { report_id: Set(id.0), document_id: Set(d.0) });
        writes.push(&report_document::Entity::insert_many(links).into_query());
    }
    linked.extend(new_links);
    // The deadline no longer calls for action: a submitted report is owed nothing more.
    derived::set_report_deadline_calling(&mut writes, id, false);
    let after = (&submitted, &submission.actual_costs, &linked, &stated);
    audit::add(&mut writes, change, &[id.global(), current.application.global()], Some(&current), Some(&after))?;
    writes.run(c).await?;
    tx.commit().await?;
    Ok(submitted)
}

/// What deciding on or submitting a report reads before it writes.
struct HeldReport {
    report: Report,
    project: Application,
    /// For each document named, in order: its project (`Some(None)` for a document of no
    /// project), or `None` when there is no such document.
    documents: Vec<Option<Option<ApplicationId>>>,
    /// The documents the report was submitted with before.
    linked: Vec<DocumentId>,
    /// The project's first final report.
    first_final: Option<ReportId>,
    /// The row itself, for the decision named (`decisions::check_read_fits`).
    row: sea_orm::QueryResult,
}

/// The report and its project, both held (on PostgreSQL) until the transaction ends, the
/// project's row first as every command on a project holds it; the projects of the documents
/// named, the documents linked before, the project's first final report and the decision named:
/// one statement.
async fn held_report<C: ConnectionTrait>(
    c: &C,
    change: &Change<'_>,
    id: ReportId,
    documents: &[DocumentId],
    actuals: &[NewActual],
    decision: Option<DecisionId>,
) -> StoreResult<HeldReport> {
    let backend = c.get_database_backend();
    let mut query = Query::select();
    query.from(app::Entity).inner_join(
        row::Entity,
        Expr::col((row::Entity, row::Column::ApplicationId)).equals((app::Entity, app::Column::Id)),
    );
    store_held::with_columns(&mut query);
    involvement::ask_of_application(&mut query, change);
    store_held::with_columns_of(&mut query, row::Entity, REPORT);
    for (i, d) in documents.iter().enumerate() {
        // A document of no project reads as 0, no document as null.
        let owner = Query::select()
            .expr(Func::coalesce([Expr::col((document::Entity, document::Column::ApplicationId)), Expr::val(0)]))
            .from(document::Entity)
            .and_where(Expr::col((document::Entity, document::Column::Id)).eq(d.0))
            .to_owned();
        query.expr_as(Expr::SubQuery(None, Box::new(owner.into())), Alias::new(format!("document_{i}")));
    }
    let linked = match backend {
        DbBackend::Postgres => {
            "(SELECT string_agg(l.document_id::text, ',' ORDER BY l.document_id) FROM report_documents l \
             WHERE l.report_id = report_obligations.id)"
        }
        _ => {
            "(SELECT group_concat(l.document_id, ',' ORDER BY l.document_id) FROM report_documents l \
             WHERE l.report_id = report_obligations.id)"
        }
    };
    query.expr_as(Expr::cust(linked), Alias::new("linked"));
    query.expr_as(
        Expr::cust(format!(
            "(SELECT min(f.id) FROM report_obligations f WHERE f.application_id = applications.id AND f.kind = '{}')",
            ReportKind::Final.as_str()
        )),
        Alias::new("first_final"),
    );
    decisions::with_decision(&mut query, decision);
    actuals::with_reads(backend, &mut query, actuals);
    query.and_where(Expr::col((row::Entity, row::Column::Id)).eq(id.0));
    let missing = || StoreError::NotFound { kind: NodeKind::ReportObligation, key: id.0 };
    let held = store_held::read_holding(c, query, &[row::Entity.table_name()], missing).await?;
    involvement::check(&held, change)?;
    let mut owners = Vec::with_capacity(documents.len());
    for i in 0..documents.len() {
        let owner: Option<i64> = held.try_get("", &format!("document_{i}"))?;
        owners.push(owner.map(|o| (o != 0).then_some(ApplicationId(o))));
    }
    let linked: Option<String> = held.try_get("", "linked")?;
    let linked = linked
        .unwrap_or_default()
        .split(',')
        .filter(|k| !k.is_empty())
        .map(|k| k.parse().map(DocumentId).map_err(|_| StoreError::corrupt(format!("document key {k}"))))
        .collect::<StoreResult<_>>()?;
    let first_final: Option<i64> = held.try_get("", "first_final")?;
    Ok(HeldReport {
        report: store_held::model_of::<row::Entity>(&held, REPORT)?.try_into()?,
        project: store_held::application(&held)?,
        documents: owners,
        linked,
        first_final: first_final.map(ReportId),
        row: held,
    })
}

/// The prefix of the report's own columns in a held row.
const REPORT: &str = "report_";

fn another_projects_document() -> DomainError {
    DomainError::InvalidCode(salkku_domain::message!(
        fi: "selvityksen liitteet ovat saman hankkeen asiakirjoja",
        sv: "redovisningens bilagor är dokument i samma projekt",
        en: "a report's documents are documents of its own project",
    ))
}

/// Adds to `writes` the report's actual costs in place of those it stated before.
fn add_costs(writes: &mut Writes, id: ReportId, lines: &[BudgetLine]) {
    writes.push(
        &report_cost_line::Entity::delete_many().filter(report_cost_line::Column::ReportId.eq(id.0)).into_query(),
    );
    if lines.is_empty() {
        return;
    }
    let rows = lines.iter().zip(0..).map(|(l, position)| report_cost_line::ActiveModel {
        report_id: Set(id.0),
        position: Set(position),
        category: Set(l.category().as_str().to_owned()),
        year: Set(l.year()),
        description: Set(l.description().map(str::to_owned)),
        amount_cents: Set(l.amount().cents()),
        ..Default::default()
    });
    writes.push(&report_cost_line::Entity::insert_many(rows).into_query());
}

/// Records the funder's verdict on a submitted report: accepted, or returned with its reasons and
/// a new due date (the report is owed again, and its deadline moves there). The report and its
/// project are read held in one statement, with the decision named and the project's first
/// final report; the report's update, the instalments waiting for it moved with its due date,
/// its deadline, the project's `report_due` when that moved and the audit entry are written as
/// one more.
pub async fn decide(
    db: &Db,
    change: &Change<'_>,
    id: ReportId,
    expected_version: i32,
    verdict: Verdict,
) -> StoreResult<Report> {
    let tx = db.begin_write().await?;
    let c = &*tx;
    let decision = match &verdict {
        Verdict::Accept { decision, .. } => *decision,
        Verdict::Return { .. } => None,
    };
    let held = held_report(c, change, id, &[], &[], decision).await?;
    let (current, project) = (held.report, held.project);
    expect_version(NodeKind::ReportObligation, expected_version, current.version)?;
    let mut update = row::Entity::update_many()
        .col_expr(row::Column::DecidedAt, Expr::value(Some(change.at)))
        .col_expr(row::Column::DecidedBy, Expr::value(Some(change.actor.subject.clone())))
        .col_expr(row::Column::UpdatedAt, Expr::value(change.at));
    let mut decided = Report {
        decided_at: Some(change.at),
        decided_by: Some(change.actor.subject.clone()),
        version: current.version + 1,
        ..current.clone()
    };
    match &verdict {
        Verdict::Accept { decision, .. } => {
            current.status.move_to(ReportStatus::Accepted).map_err(rule(Concerning::Report))?;
            decisions::check_read_fits(&held.row, *decision, Some(current.application), None)?;
            update = update
                .col_expr(row::Column::Status, Expr::value(ReportStatus::Accepted.as_str()))
                .col_expr(row::Column::DecisionId, Expr::value(decision.map(|d| d.0)));
            decided.status = ReportStatus::Accepted;
            decided.decision = *decision;
        }
        Verdict::Return { reasons, new_due } => {
            current.status.move_to(ReportStatus::Returned).map_err(rule(Concerning::Report))?;
            report::check_return(reasons, *new_due, local_date(change.at)).map_err(rule(Concerning::NewDueOn))?;
            update = update
                .col_expr(row::Column::Status, Expr::value(ReportStatus::Returned.as_str()))
                .col_expr(row::Column::ReturnReasons, Expr::value(Some(reasons.clone())))
                .col_expr(row::Column::DueOn, Expr::value(*new_due))
                .col_expr(row::Column::MonthsAfterEnd, Expr::value(None::<i32>))
                .col_expr(row::Column::TimesReturned, Expr::col(row::Column::TimesReturned).add(1));
            decided.status = ReportStatus::Returned;
            decided.return_reasons = Some(reasons.clone());
            decided.due_on = *new_due;
            decided.months_after_end = None;
            decided.times_returned = current.times_returned + 1;
        }
    }
    let mut writes = Writes::new(c.get_database_backend());
    writes.holding(project.id);
    writes.push(&version_checked(update, id.0, expected_version).into_query());
    instalments::add_follow_report(&mut writes, &current, decided.due_on, change.at);
    // Its deadline: due where the report now is, calling for action while the report is owed
    // by a project that still runs.
    let due_at = end_of_day(decided.due_on);
    if due_at != end_of_day(current.due_on) {
        let moved = deadline::Entity::update_many()
            .col_expr(deadline::Column::DueAt, Expr::value(due_at))
            .col_expr(deadline::Column::UpdatedAt, Expr::value(change.at))
            .col_expr(deadline::Column::Version, Expr::col(deadline::Column::Version).add(1))
            .filter(deadline::Column::ReportId.eq(id.0));
        writes.push(&moved.into_query());
    }
    let calls_for_action = decided.status.owed() && !project.status.is_final();
    derived::move_report_deadline(&mut writes, id, due_at, calls_for_action);
    // The first final report is the project's reportDue.
    if held.first_final == Some(id) && project.report_due != Some(decided.due_on) {
        writes.push(&report_due_moved(project.id, Some(decided.due_on), change.at).into_query());
    }
    let on_record = match &verdict {
        Verdict::Accept { decision_ref, .. } => decision_ref.clone(),
        Verdict::Return { .. } => None,
    };
    let objects = [id.global(), project.id.global()];
    audit::add(&mut writes, change, &objects, Some(&current), Some(&(&decided, on_record)))?;
    writes.run(c).await?;
    tx.commit().await?;
    Ok(decided)
}

/// A report about to be written.
#[derive(Debug, Clone)]
struct Planned {
    kind: ReportKind,
    due_on: NaiveDate,
    title: Option<String>,
    months_after_end: Option<u32>,
    from_schedule: bool,
    states_costs: bool,
}

impl Planned {
    /// Its row, keyed `id`, of `project`.
    fn row(self, id: i64, project: ApplicationId, now: DateTime<Utc>) -> row::Model {
        row::Model {
            id,
            application_id: project.0,
            kind: self.kind.as_str().to_owned(),
            title: self.title,
            due_on: self.due_on,
            months_after_end: self.months_after_end.map(|n| i32::try_from(n).unwrap_or(i32::MAX)),
            from_schedule: self.from_schedule,
            states_costs: self.states_costs,
            status: ReportStatus::Due.as_str().to_owned(),
            submitted_at: None,
            submitted_by: None,
            decided_at: None,
            decided_by: None,
            return_reasons: None,
            times_returned: 0,
            decision_id: None,
            created_at: now,
            updated_at: now,
            version: 1,
        }
    }
}

/// What the REPORT_DUE deadline of a report says: due at the end of its local day, about its
/// project (and its own title, when it has one).
pub(crate) fn deadline_of(project: &Application, report: &Report) -> Derived {
    let label = project.acronym.as_deref().unwrap_or(&project.name);
    let title = match &report.title {
        Some(own) => format!("{label}, {own}"),
        None => label.to_owned(),
    };
    Derived {
        title,
        due_at: end_of_day(report.due_on),
        application: Some(project.id),
        call: project.call,
        commitment: None,
        report: Some(report.id),
    }
}

/// The reports a project's call schedules, made when the project is granted: an interim report by
/// the schedule's day of each year the project runs through, and the final report some months
/// after its end, unless it already has a final report (its `report_due`, set by hand). Added to
/// the grant's `writes`: the reports `schedule` plans for `project` beside those it has
/// (`existing`, read beside the held project),
/// each with its deadline and whom that concerns, keyed from `keys` (reports', deadlines', as many
/// as may be needed, read beside it). Answers the reports made; the project's report date is the
/// caller's ([`first_final`] of them all).
pub(crate) fn add_from_schedule(
    writes: &mut Writes,
    project: &Application,
    schedule: Schedule,
    existing: &[Report],
    (report_keys, deadline_keys): (&[i64], &[i64]),
    now: DateTime<Utc>,
) -> StoreResult<Vec<Report>> {
    let (Some(start), Some(end)) = (project.period_start, project.period_end) else { return Ok(Vec::new()) };
    if existing.iter().any(|r| r.from_schedule) {
        return Ok(Vec::new());
    }
    let has_final = existing.iter().any(|r| r.kind == ReportKind::Final);
    let owed =
        report::plan(schedule, start, end).into_iter().filter(|(kind, _)| *kind != ReportKind::Final || !has_final);
    let mut made = Vec::new();
    for (i, (kind, due_on)) in owed.enumerate() {
        let key =
            |keys: &[i64]| keys.get(i).copied().ok_or_else(|| StoreError::corrupt("fewer keys than reports read"));
        let months_after_end = (kind == ReportKind::Final).then_some(schedule.final_after_months);
        let planned = Planned {
            kind,
            due_on,
            title: None,
            months_after_end,
            from_schedule: true,
            states_costs: kind.states_costs_by_default(),
        };
        let model = planned.row(key(report_keys)?, project.id, now);
        let report = Report::try_from(model.clone())?;
        writes.insert(model);
        let derived = deadline_of(project, &report);
        // A granted project's reports are owed: their deadlines call for action.
        deadlines::add_new(writes, key(deadline_keys)?, Source::Report(report.id), derived, &[], true, now)?;
        made.push(report);
    }
    Ok(made)
}

/// Adds to a command's `writes` what an approved extension from `before` to `extended` does to
/// the project's `reports` (read beside it): one due some months after the end follows the new
/// end, a final report set by hand keeps its distance from the end (each with the planned
/// instalments waiting for it), and the schedule's interim reports that now fall within the
/// project are added, keyed from `keys` (read beside the project, at least as many as the new
/// years). Reports already submitted, accepted or returned (with a due date of their own) stay
/// where they are. Answers the reports as they will be; their deadlines, and the project's report
/// date, are the caller's.
pub(crate) fn follow_extension_in(
    writes: &mut Writes,
    (before, extended): (&Application, &Application),
    mut reports: Vec<Report>,
    schedule: Option<Schedule>,
    keys: &[i64],
    now: DateTime<Utc>,
) -> StoreResult<Vec<Report>> {
    let (Some(old_end), Some(new_end)) = (before.period_end, extended.period_end) else { return Ok(reports) };
    for r in reports.iter_mut().filter(|r| r.status == ReportStatus::Due) {
        let moved = match (r.months_after_end, r.kind) {
            (Some(months), _) => months_after(new_end, months),
            (None, ReportKind::Final) => follow_the_end(old_end, new_end, r.due_on),
            (None, _) => None,
        };
        if let Some(due_on) = moved.filter(|d| *d != r.due_on) {
            writes.push(&due_moved(r.id, due_on, Anchor::Kept, now).into_query());
            instalments::add_follow_report(writes, r, due_on, now);
            r.due_on = due_on;
            r.version += 1;
        }
    }
    if reports.iter().any(|r| r.from_schedule)
        && let Some(schedule) = schedule
        && let Some(start) = extended.period_start
    {
        let interim: Vec<NaiveDate> =
            reports.iter().filter(|r| r.from_schedule && r.kind == ReportKind::Interim).map(|r| r.due_on).collect();
        let mut keys = keys.iter();
        for (kind, due_on) in report::plan(schedule, start, new_end) {
            if kind == ReportKind::Interim && due_on >= old_end && !interim.contains(&due_on) {
                let key = keys.next().ok_or_else(|| StoreError::corrupt("fewer keys than reports planned"))?;
                let planned = Planned {
                    kind,
                    due_on,
                    title: None,
                    months_after_end: None,
                    from_schedule: true,
                    states_costs: false,
                };
                let model = planned.row(*key, extended.id, now);
                reports.push(Report::try_from(model.clone())?);
                writes.insert(model);
            }
        }
    }
    Ok(reports)
}

/// The project's reports once they follow its `report_due`, for a command that sends its writes
/// together, from the reports read beside the held project (see [`follow_report_due_in`]).
pub(crate) struct FollowingReportDue {
    /// The project's reports as they will be (a moved one at its new date, a new one added).
    pub reports: Vec<Report>,
    /// A final report removed with the project's report date: its deadline goes first, then it
    /// (see [`remove_in`]).
    pub removed: Option<Report>,
}

/// Adds to `writes` the move, the addition or the removal of the project's first final report
/// that its `report_due` (as it will be) makes, and the planned instalments waiting for a moved
/// report with it; a final report is removed only while nothing depends on it (still due, never
/// submitted, no instalment waiting for it). `key` is the key a new final report
/// gets; `first_final_waited_for`, whether an instalment waits for the first final report. Its
/// deadline is the caller's.
pub(crate) fn follow_report_due_in(
    writes: &mut Writes,
    project: &Application,
    mut reports: Vec<Report>,
    (key, first_final_waited_for): (i64, bool),
    now: DateTime<Utc>,
) -> StoreResult<FollowingReportDue> {
    let mut removed = None;
    match (first_final(&reports).cloned(), project.report_due) {
        (Some(r), Some(due_on)) if r.due_on != due_on => {
            if r.status != ReportStatus::Due {
                return Err(StoreError::rule(Concerning::ReportDue, not_yours_to_move()));
            }
            writes.push(&due_moved(r.id, due_on, Anchor::Dropped, now).into_query());
            instalments::add_follow_report(writes, &r, due_on, now);
            if let Some(moved) = reports.iter_mut().find(|m| m.id == r.id) {
                moved.due_on = due_on;
                moved.months_after_end = None;
                moved.version += 1;
            }
        }
        (None, Some(due_on)) => {
            let model =
                Owed { kind: ReportKind::Final, title: None, due_on, states_costs: true }.row(key, project.id, now);
            reports.push(Report::try_from(model.clone())?);
            writes.insert(model);
        }
        (Some(r), None) => {
            check_removable(&r, first_final_waited_for)?;
            reports.retain(|m| m.id != r.id);
            removed = Some(r);
        }
        _ => {}
    }
    Ok(FollowingReportDue { reports, removed })
}

/// Adds to `writes` the removal of a report [`follow_report_due_in`] removed, once its deadline's
/// removal is in them.
pub(crate) fn remove_in(writes: &mut Writes, report: &Report) {
    writes.push(&row::Entity::delete_by_id(report.id.0).into_query());
}

fn not_yours_to_move() -> DomainError {
    DomainError::InvalidCode(salkku_domain::message!(
        fi: "loppuselvitys on jo jätetty tai palautettu uudella määräpäivällä: sen määräpäivää ei muuteta hankkeen tiedoista",
        sv: "slutredovisningen är redan inlämnad eller återsänd med en ny förfallodag: dess förfallodag ändras inte via projektets uppgifter",
        en: "the final report is already submitted, or returned with a new due date: its due date is not changed from the project's fields",
    ))
}

/// Whether a moved report keeps its distance from the project's end (an extension moved it) or
/// has a date of its own now (set by hand).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Anchor {
    Kept,
    Dropped,
}

/// The update that moves a report still due to `due_on`.
fn due_moved(id: ReportId, due_on: NaiveDate, anchor: Anchor, now: DateTime<Utc>) -> sea_orm::UpdateMany<row::Entity> {
    let mut update = row::Entity::update_many()
        .col_expr(row::Column::DueOn, Expr::value(due_on))
        .col_expr(row::Column::UpdatedAt, Expr::value(now))
        .col_expr(row::Column::Version, Expr::col(row::Column::Version).add(1));
    if anchor == Anchor::Dropped {
        update = update.col_expr(row::Column::MonthsAfterEnd, Expr::value(None::<i32>));
    }
    update.filter(row::Column::Id.eq(id.0))
}

/// The first final report among `reports`: its due date is the project's report date.
pub(crate) fn first_final(reports: &[Report]) -> Option<&Report> {
    reports.iter().filter(|r| r.kind == ReportKind::Final).min_by_key(|r| r.id)
}

/// A final report goes with the project's report date only while nothing depends on it: still
/// due, never submitted, and no instalment waiting for it (`waited_for`).
fn check_removable(report: &Report, waited_for: bool) -> StoreResult<()> {
    if report.status != ReportStatus::Due || report.submitted_at.is_some() || waited_for {
        return Err(StoreError::rule(
            Concerning::ReportDue,
            DomainError::InvalidCode(salkku_domain::message!(
                fi: "loppuselvityksen määräpäivää ei voi poistaa: selvitys on jo jätetty tai maksuerä odottaa sitä",
                sv: "slutredovisningens förfallodag kan inte tas bort: den är redan inlämnad eller en betalningspost väntar på den",
                en: "the final report's due date cannot be removed: the report was submitted or an instalment waits for it",
            )),
        ));
    }
    Ok(())
}

/// The application's `report_due` moved to `due`. Its version goes up, so an editor holding the
/// old reportDue gets a conflict instead of moving the report back.
fn report_due_moved(id: ApplicationId, due: Option<NaiveDate>, now: DateTime<Utc>) -> sea_orm::UpdateMany<app::Entity> {
    app::Entity::update_many()
        .col_expr(app::Column::ReportDue, Expr::value(due))
        .col_expr(app::Column::UpdatedAt, Expr::value(now))
        .col_expr(app::Column::Version, Expr::col(app::Column::Version).add(1))
        .filter(app::Column::Id.eq(id.0))
}
