//! Report obligations (väliselvitykset, loppuselvitykset, taloudelliset selvitykset): made from
//! the call's schedule when a project is granted, or added by hand; submitted by the project with
//! documents and, for a financial report, the actual costs; accepted, or returned with reasons and
//! a new due date by the funder. Each report is a REPORT_DUE deadline, kept in step in the same
//! transaction; the first final report is also the application's `report_due`.

use chrono::{DateTime, NaiveDate, Utc};
use salkku_domain::budget::BudgetLine;
use salkku_domain::change_request::follow_the_end;
use salkku_domain::deadline::{end_of_day, local_date};
use salkku_domain::ids::{ApplicationId, DecisionId, DocumentId, NodeKind, ReportId};
use salkku_domain::report::{self, ReportKind, ReportStatus, Schedule, months_after};
use salkku_domain::{ApplicationStatus, DomainError};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, Set};

use crate::commands::actuals::{self, NewActual};
use crate::commands::deadlines::{self, Derived, Source};
use crate::commands::{audit, decisions, idempotency, instalments};
use crate::derived::{self, Changed};
use crate::entities::{
    application as app, document, instalment, report_cost_line, report_document, report_obligation as row,
};
use crate::records::{Application, Report};
use crate::store::support::{expect_version, referenced, target, versioned_update};
use crate::views::{calls, reports as views};
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

/// Adds a report by hand to a project that still runs.
pub async fn add(db: &Db, change: &Change<'_>, new: NewReport, idempotency_key: Option<&str>) -> StoreResult<Report> {
    let states_costs = new.states_costs.unwrap_or(new.kind.states_costs_by_default());
    report::check_states_costs(new.kind, states_costs).map_err(rule(Concerning::Report))?;
    idempotency::create(db, change, idempotency_key, async move |tx| {
        let project: Application =
            referenced::<app::Entity, _>(tx, Concerning::Application, NodeKind::Application, new.application.0)
                .await?
                .try_into()?;
        if !project.status.is_open() {
            return Err(StoreError::rule(Concerning::Application, owes_nothing(project.status)));
        }
        let planned = Planned {
            kind: new.kind,
            due_on: new.due_on,
            title: new.title,
            months_after_end: None,
            from_schedule: false,
            states_costs,
        };
        let created = insert(tx, &project, planned, change.at).await?;
        mirror_report_due(tx, project.id, change.at).await?;
        audit::record(tx, change, &[created.id.global(), project.id.global()], None::<&()>, Some(&created)).await?;
        Ok(created)
    })
    .await
}

fn owes_nothing(status: ApplicationStatus) -> DomainError {
    DomainError::InvalidCode(salkku_domain::message!(
        fi: "hanke on tilassa {status}: sillä ei ole enää selvitysvelvoitteita",
        sv: "projektet har status {status}: det har inga redovisningsskyldigheter längre",
        en: "the project is {status}: it owes no more reports",
    ))
}

/// Submits a report that is due or was returned: with its actual costs if it states them, and
/// the project's documents that go with it.
pub async fn submit(
    db: &Db,
    change: &Change<'_>,
    id: ReportId,
    expected_version: i32,
    submission: Submission,
) -> StoreResult<Report> {
    let tx = db.begin_write().await?;
    let c = &*tx;
    let current = load(c, id).await?;
    if !submission.actuals.is_empty() {
        // Actuals hold the project's row before the report's, in the order a decision on a
        // change request takes them: no indicator is removed while its actuals are stated.
        actuals::hold(c, current.application).await?;
    }
    expect_version(NodeKind::ReportObligation, expected_version, current.version)?;
    let to = current.status.move_to(ReportStatus::Submitted).map_err(rule(Concerning::Report))?;
    report::check_submission(current.states_costs, submission.actual_costs.len())
        .map_err(rule(Concerning::ActualCosts))?;
    for document_id in &submission.documents {
        let found =
            referenced::<document::Entity, _>(c, Concerning::Documents, NodeKind::Document, document_id.0).await?;
        if found.application_id != Some(current.application.0) {
            return Err(StoreError::rule(Concerning::Documents, another_projects_document()));
        }
    }
    let update = row::Entity::update_many()
        .col_expr(row::Column::Status, Expr::value(to.as_str()))
        .col_expr(row::Column::SubmittedAt, Expr::value(Some(change.at)))
        .col_expr(row::Column::SubmittedBy, Expr::value(Some(change.actor.subject.clone())))
        .col_expr(row::Column::UpdatedAt, Expr::value(change.at));
    versioned_update(c, id.0, expected_version, update).await?;
    replace_costs(c, id, &submission.actual_costs).await?;
    let project: Application =
        target::<app::Entity, _>(c, NodeKind::Application, current.application.0).await?.try_into()?;
    let stated = actuals::state(c, &current, &project, &submission.actuals, change.at).await?;
    let mut linked = views::document_ids(c, id).await?;
    let mut new_links: Vec<DocumentId> = Vec::new();
    for document_id in submission.documents {
        if !linked.contains(&document_id) && !new_links.contains(&document_id) {
            new_links.push(document_id);
        }
    }
    for document_id in &new_links {
        report_document::ActiveModel { report_id: Set(id.0), document_id: Set(document_id.0) }.insert(c).await?;
    }
    linked.extend(new_links);
    // The deadline no longer calls for action.
    derived::after(c, Changed::applications(&[current.application]).with_parties(true)).await?;
    let submitted = load(c, id).await?;
    let after = (&submitted, &submission.actual_costs, &linked, &stated);
    audit::record(c, change, &[id.global(), current.application.global()], Some(&current), Some(&after)).await?;
    tx.commit().await?;
    Ok(submitted)
}

fn another_projects_document() -> DomainError {
    DomainError::InvalidCode(salkku_domain::message!(
        fi: "selvityksen liitteet ovat saman hankkeen asiakirjoja",
        sv: "redovisningens bilagor är dokument i samma projekt",
        en: "a report's documents are documents of its own project",
    ))
}

async fn replace_costs<C: ConnectionTrait>(c: &C, id: ReportId, lines: &[BudgetLine]) -> StoreResult<()> {
    report_cost_line::Entity::delete_many().filter(report_cost_line::Column::ReportId.eq(id.0)).exec(c).await?;
    if lines.is_empty() {
        return Ok(());
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
    report_cost_line::Entity::insert_many(rows).exec_without_returning(c).await?;
    Ok(())
}

/// Records the funder's verdict on a submitted report: accepted, or returned with its reasons and
/// a new due date (the report is owed again, and its deadline moves there).
pub async fn decide(
    db: &Db,
    change: &Change<'_>,
    id: ReportId,
    expected_version: i32,
    verdict: Verdict,
) -> StoreResult<Report> {
    let tx = db.begin_write().await?;
    let c = &*tx;
    let current = load(c, id).await?;
    expect_version(NodeKind::ReportObligation, expected_version, current.version)?;
    let mut update = row::Entity::update_many()
        .col_expr(row::Column::DecidedAt, Expr::value(Some(change.at)))
        .col_expr(row::Column::DecidedBy, Expr::value(Some(change.actor.subject.clone())))
        .col_expr(row::Column::UpdatedAt, Expr::value(change.at));
    match &verdict {
        Verdict::Accept { decision, .. } => {
            current.status.move_to(ReportStatus::Accepted).map_err(rule(Concerning::Report))?;
            decisions::check_fits(c, *decision, Some(current.application), None).await?;
            update = update
                .col_expr(row::Column::Status, Expr::value(ReportStatus::Accepted.as_str()))
                .col_expr(row::Column::DecisionId, Expr::value(decision.map(|d| d.0)));
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
        }
    }
    versioned_update(c, id.0, expected_version, update).await?;
    let decided = load(c, id).await?;
    instalments::follow_report(c, &current, decided.due_on, change.at).await?;
    let project: Application =
        target::<app::Entity, _>(c, NodeKind::Application, current.application.0).await?.try_into()?;
    sync_deadline(c, &project, &decided, change.at).await?;
    mirror_report_due(c, project.id, change.at).await?;
    derived::after(c, Changed::applications(&[project.id]).with_parties(true)).await?;
    let on_record = match &verdict {
        Verdict::Accept { decision_ref, .. } => decision_ref.clone(),
        Verdict::Return { .. } => None,
    };
    audit::record(c, change, &[id.global(), project.id.global()], Some(&current), Some(&(&decided, on_record))).await?;
    tx.commit().await?;
    Ok(decided)
}

async fn load<C: ConnectionTrait>(c: &C, id: ReportId) -> StoreResult<Report> {
    target::<row::Entity, _>(c, NodeKind::ReportObligation, id.0).await?.try_into()
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

async fn insert<C: ConnectionTrait>(
    c: &C,
    project: &Application,
    planned: Planned,
    now: DateTime<Utc>,
) -> StoreResult<Report> {
    let saved = row::ActiveModel {
        application_id: Set(project.id.0),
        kind: Set(planned.kind.as_str().to_owned()),
        title: Set(planned.title),
        due_on: Set(planned.due_on),
        months_after_end: Set(planned.months_after_end.map(|n| i32::try_from(n).unwrap_or(i32::MAX))),
        from_schedule: Set(planned.from_schedule),
        states_costs: Set(planned.states_costs),
        status: Set(ReportStatus::Due.as_str().to_owned()),
        times_returned: Set(0),
        created_at: Set(now),
        updated_at: Set(now),
        version: Set(1),
        ..Default::default()
    }
    .insert(c)
    .await?;
    let created = Report::try_from(saved)?;
    sync_deadline(c, project, &created, now).await?;
    Ok(created)
}

/// Keeps the REPORT_DUE deadline of a report in step with it: due at the end of its local day,
/// about its project (and its own title, when it has one).
async fn sync_deadline<C: ConnectionTrait>(
    c: &C,
    project: &Application,
    report: &Report,
    now: DateTime<Utc>,
) -> StoreResult<()> {
    let label = project.acronym.as_deref().unwrap_or(&project.name);
    let title = match &report.title {
        Some(own) => format!("{label}, {own}"),
        None => label.to_owned(),
    };
    let derived = Derived {
        title,
        due_at: end_of_day(report.due_on),
        application: Some(project.id),
        call: project.call,
        commitment: None,
        report: Some(report.id),
    };
    deadlines::sync(c, Source::Report(report.id), Some(derived), now).await
}

/// The reports a project's call schedules, made when the project is granted: an interim report by
/// the schedule's day of each year the project runs through, and the final report some months
/// after its end, unless it already has a final report (its `report_due`, set by hand).
pub(crate) async fn plan_from_schedule<C: ConnectionTrait>(
    c: &C,
    project: &Application,
    now: DateTime<Utc>,
) -> StoreResult<Vec<Report>> {
    let (Some(call), Some(start), Some(end)) = (project.call, project.period_start, project.period_end) else {
        return Ok(Vec::new());
    };
    let Some(schedule) = calls::get(c, call).await?.and_then(|call| call.report_schedule) else {
        return Ok(Vec::new());
    };
    let existing = views::of_applications(c, &[project.id]).await?;
    if existing.iter().any(|r| r.from_schedule) {
        return Ok(Vec::new());
    }
    let has_final = existing.iter().any(|r| r.kind == ReportKind::Final);
    let mut made = Vec::new();
    for (kind, due_on) in report::plan(schedule, start, end) {
        if kind == ReportKind::Final && has_final {
            continue;
        }
        let months_after_end = (kind == ReportKind::Final).then_some(schedule.final_after_months);
        let planned = Planned {
            kind,
            due_on,
            title: None,
            months_after_end,
            from_schedule: true,
            states_costs: kind.states_costs_by_default(),
        };
        made.push(insert(c, project, planned, now).await?);
    }
    mirror_report_due(c, project.id, now).await?;
    Ok(made)
}

/// Moves a project's reports with an approved extension: one due some months after the end
/// follows the new end, a final report set by hand keeps its distance from the end, and the
/// schedule's interim reports that now fall within the project are added. Reports already
/// submitted, accepted or returned (with a due date of their own) stay where they are.
pub(crate) async fn follow_extension<C: ConnectionTrait>(
    c: &C,
    before: &Application,
    extended: &Application,
    now: DateTime<Utc>,
) -> StoreResult<()> {
    let (Some(old_end), Some(new_end)) = (before.period_end, extended.period_end) else { return Ok(()) };
    let reports = views::of_applications(c, &[extended.id]).await?;
    for r in reports.iter().filter(|r| r.status == ReportStatus::Due) {
        let moved = match (r.months_after_end, r.kind) {
            (Some(months), _) => months_after(new_end, months),
            (None, ReportKind::Final) => follow_the_end(old_end, new_end, r.due_on),
            (None, _) => None,
        };
        if let Some(due_on) = moved.filter(|d| *d != r.due_on) {
            move_due(c, r, due_on, Anchor::Kept, now).await?;
            sync_deadline(c, extended, &Report { due_on, ..r.clone() }, now).await?;
        }
    }
    if reports.iter().any(|r| r.from_schedule)
        && let Some(schedule) = schedule_of(c, extended).await?
        && let Some(start) = extended.period_start
    {
        let interim: Vec<NaiveDate> =
            reports.iter().filter(|r| r.from_schedule && r.kind == ReportKind::Interim).map(|r| r.due_on).collect();
        for (kind, due_on) in report::plan(schedule, start, new_end) {
            if kind == ReportKind::Interim && due_on >= old_end && !interim.contains(&due_on) {
                let planned = Planned {
                    kind,
                    due_on,
                    title: None,
                    months_after_end: None,
                    from_schedule: true,
                    states_costs: false,
                };
                insert(c, extended, planned, now).await?;
            }
        }
    }
    mirror_report_due(c, extended.id, now).await
}

async fn schedule_of<C: ConnectionTrait>(c: &C, project: &Application) -> StoreResult<Option<Schedule>> {
    let Some(call) = project.call else { return Ok(None) };
    Ok(calls::get(c, call).await?.and_then(|call| call.report_schedule))
}

/// Brings the project's first final report in line with its `report_due` as the project's own
/// fields set it (the date reports had before they were obligations of their own): moves it,
/// makes it, or removes it while nothing depends on it. Every report's deadline follows the
/// project's name and call.
pub(crate) async fn follow_report_due<C: ConnectionTrait>(
    c: &C,
    project: &Application,
    now: DateTime<Utc>,
) -> StoreResult<()> {
    let reports = views::of_applications(c, &[project.id]).await?;
    let first_final = first_final(&reports);
    match (first_final, project.report_due) {
        (Some(r), Some(due_on)) if r.due_on != due_on => {
            // A report with the funder, or returned with a date the funder set, is not moved here.
            if r.status != ReportStatus::Due {
                return Err(StoreError::rule(Concerning::ReportDue, not_yours_to_move()));
            }
            move_due(c, r, due_on, Anchor::Dropped, now).await?;
        }
        (None, Some(due_on)) => {
            let planned = Planned {
                kind: ReportKind::Final,
                due_on,
                title: None,
                months_after_end: None,
                from_schedule: false,
                states_costs: true,
            };
            insert(c, project, planned, now).await?;
        }
        (Some(r), None) => remove(c, r, now).await?,
        _ => {}
    }
    for r in views::of_applications(c, &[project.id]).await? {
        sync_deadline(c, project, &r, now).await?;
    }
    mirror_report_due(c, project.id, now).await
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

/// Moves a report still due to `due_on`, and the planned instalments waiting for it with it.
async fn move_due<C: ConnectionTrait>(
    c: &C,
    report: &Report,
    due_on: NaiveDate,
    anchor: Anchor,
    now: DateTime<Utc>,
) -> StoreResult<()> {
    let mut update = row::Entity::update_many()
        .col_expr(row::Column::DueOn, Expr::value(due_on))
        .col_expr(row::Column::UpdatedAt, Expr::value(now))
        .col_expr(row::Column::Version, Expr::col(row::Column::Version).add(1));
    if anchor == Anchor::Dropped {
        update = update.col_expr(row::Column::MonthsAfterEnd, Expr::value(None::<i32>));
    }
    update.filter(row::Column::Id.eq(report.id.0)).exec(c).await?;
    instalments::follow_report(c, report, due_on, now).await
}

fn first_final(reports: &[Report]) -> Option<&Report> {
    reports.iter().filter(|r| r.kind == ReportKind::Final).min_by_key(|r| r.id)
}

/// Removes a final report that nothing depends on yet: still due, never submitted, and no
/// instalment waiting for it.
async fn remove<C: ConnectionTrait>(c: &C, report: &Report, now: DateTime<Utc>) -> StoreResult<()> {
    let waiting =
        instalment::Entity::find().filter(instalment::Column::ConditionReportId.eq(report.id.0)).count(c).await?;
    if report.status != ReportStatus::Due || report.submitted_at.is_some() || waiting > 0 {
        return Err(StoreError::rule(
            Concerning::ReportDue,
            DomainError::InvalidCode(salkku_domain::message!(
                fi: "loppuselvityksen määräpäivää ei voi poistaa: selvitys on jo jätetty tai maksuerä odottaa sitä",
                sv: "slutredovisningens förfallodag kan inte tas bort: den är redan inlämnad eller en betalningspost väntar på den",
                en: "the final report's due date cannot be removed: the report was submitted or an instalment waits for it",
            )),
        ));
    }
    deadlines::sync(c, Source::Report(report.id), None, now).await?;
    row::Entity::delete_by_id(report.id.0).exec(c).await?;
    Ok(())
}

/// The application's `report_due` is its first final report's due date.
async fn mirror_report_due<C: ConnectionTrait>(c: &C, id: ApplicationId, now: DateTime<Utc>) -> StoreResult<()> {
    let reports = views::of_applications(c, &[id]).await?;
    let due = first_final(&reports).map(|r| r.due_on);
    let project = target::<app::Entity, _>(c, NodeKind::Application, id.0).await?;
    if project.report_due != due {
        // The application's version goes up, so an editor holding the old reportDue gets a
        // conflict instead of moving the report back.
        app::Entity::update_many()
            .col_expr(app::Column::ReportDue, Expr::value(due))
            .col_expr(app::Column::UpdatedAt, Expr::value(now))
            .col_expr(app::Column::Version, Expr::col(app::Column::Version).add(1))
            .filter(app::Column::Id.eq(id.0))
            .exec(c)
            .await?;
    }
    Ok(())
}
