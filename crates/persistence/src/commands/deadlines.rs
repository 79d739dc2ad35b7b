//! Deadlines: those users add, and those that follow from other facts — a call's closing time, a
//! commitment's due date, a project's end and its reports. The automatic ones are rows too, kept in
//! step by the transaction that changes their source (keyed by `source_key`), so that every
//! deadline question is one indexed range query.

use chrono::{DateTime, Utc};
use salkku_domain::DeadlineKind;
use salkku_domain::deadline::Standing as DeadlineStanding;
use salkku_domain::ids::{ApplicationId, CommitmentId, GrantCallId, NodeKind, OrganizationId, ReportId};
use sea_orm::sea_query::{Alias, Expr, ExprTrait, Query};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityName, EntityTrait, QueryFilter, QueryTrait};

use crate::Concerning;
use crate::commands::audit;
use crate::commands::{idempotency, involvement};
use crate::derived::{self};
use crate::entities::{application, deadline, grant_call};
use crate::records::{Deadline, DeadlineView};
use crate::store::batch::Writes;
use crate::store::held as store_held;
use crate::{Change, Db, StoreError, StoreResult};

#[derive(Debug, Clone)]
pub struct NewDeadline {
    pub kind: DeadlineKind,
    pub title: String,
    pub due_at: DateTime<Utc>,
    pub tentative: bool,
    pub application: Option<ApplicationId>,
    pub call: Option<GrantCallId>,
}

/// Adds a deadline by hand.
pub async fn add(
    db: &Db,
    change: &Change<'_>,
    new: NewDeadline,
    idempotency_key: Option<&str>,
) -> StoreResult<DeadlineView> {
    idempotency::create(db, change, idempotency_key, async move |tx| insert(tx, change, new).await).await
}

/// Reads what the deadline depends on in one statement (its application held, as every change to
/// whom its deadlines concern holds it; its call's funder; the deadline's key), then writes the
/// deadline, whom it concerns and the audit entry as one. The answer is the deadline as a read
/// shows it (with its project's status), built from what the read held.
async fn insert<C: ConnectionTrait>(tx: &C, change: &Change<'_>, new: NewDeadline) -> StoreResult<DeadlineView> {
    let now = change.at;
    let backend = tx.get_database_backend();
    let mut query = Query::select();
    if new.call.is_some() {
        let funder = Query::select()
            .column(grant_call::Column::FunderId)
            .from(grant_call::Entity)
            .and_where(Expr::col((grant_call::Entity, grant_call::Column::Id)).eq(new.call.map(|c| c.0)))
            .to_owned();
        query.expr_as(Expr::SubQuery(None, Box::new(funder.into())), Alias::new("funder_id"));
    }
    query.expr_as(store_held::next_key(backend, deadline::Entity.table_name(), 0), Alias::new("deadline_key"));
    let unknown = |concerning, kind, key| StoreError::UnknownReference { concerning, kind, key };
    let (row, status) = match new.application {
        Some(app) => {
            query.from(application::Entity);
            store_held::with_columns(&mut query);
            involvement::ask_of_application(&mut query, change);
            query.and_where(Expr::col((application::Entity, application::Column::Id)).eq(app.0));
            let row =
                store_held::read(tx, query, || unknown(Concerning::Application, NodeKind::Application, app.0)).await?;
            involvement::check(&row, change)?;
            let status = store_held::application(&row)?.status;
            (row, Some(status))
        }
        None => (store_held::read_values(tx, query).await?, None),
    };
    let funder: Option<i64> = match new.call {
        Some(call) => {
            let funder: Option<i64> = row.try_get("", "funder_id")?;
            Some(funder.ok_or_else(|| unknown(Concerning::Call, NodeKind::GrantCall, call.0))?)
        }
        None => None,
    };
    let model = deadline::Model {
        id: row.try_get("", "deadline_key")?,
        kind: new.kind.as_str().to_owned(),
        title: new.title,
        due_at: new.due_at,
        tentative: new.tentative,
        application_id: new.application.map(|a| a.0),
        call_id: new.call.map(|c| c.0),
        commitment_id: None,
        source_key: None,
        created_at: now,
        updated_at: now,
        version: 1,
        report_id: None,
    };
    let added = Deadline::try_from(model.clone())?;
    let mut writes = Writes::new(backend);
    if let Some(project) = new.application {
        writes.holding(project);
    }
    writes.insert(model);
    // Its application's lead and participants; a call's own deadline, the call's funder.
    let also: Vec<OrganizationId> = match (new.application, funder) {
        (None, Some(funder)) => vec![OrganizationId(funder)],
        _ => Vec::new(),
    };
    let calls_for_action = DeadlineStanding { application: status, commitment: None, report: None }.is_relevant();
    derived::add_parties(&mut writes, added.id.0, added.due_at, new.application, &also, calls_for_action)?;
    let mut objects = vec![added.id.global()];
    objects.extend(added.application.map(|a| a.global()));
    objects.extend(added.call.map(|c| c.global()));
    audit::add(&mut writes, change, &objects, None::<&()>, Some(&added))?;
    writes.run(tx).await?;
    Ok(DeadlineView { deadline: added, application_status: status, commitment_status: None, report: None })
}

/// Where an automatic deadline comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Source {
    CallCloses(GrantCallId),
    CommitmentDue(CommitmentId),
    ProjectEnds(ApplicationId),
    /// A report obligation of a project.
    Report(ReportId),
}

impl Source {
    /// Its key, as its deadline's `source_key` says.
    pub(crate) fn key(self) -> String {
        match self {
            Source::CallCloses(id) => format!("call:{}", id.0),
            Source::CommitmentDue(id) => format!("commitment:{}", id.0),
            Source::ProjectEnds(id) => format!("application-end:{}", id.0),
            Source::Report(id) => format!("report:{}", id.0),
        }
    }

    fn kind(self) -> DeadlineKind {
        match self {
            Source::CallCloses(_) => DeadlineKind::CallCloses,
            Source::CommitmentDue(_) => DeadlineKind::CommitmentDue,
            Source::ProjectEnds(_) => DeadlineKind::ProjectEnds,
            Source::Report(_) => DeadlineKind::ReportDue,
        }
    }
}

/// What an automatic deadline says and whom it concerns.
#[derive(Debug, Clone)]
pub(crate) struct Derived {
    /// What the deadline is about ("MONNI", "MONNI, Seinäjoen kaupunki"); the kind says the rest.
    pub title: String,
    pub due_at: DateTime<Utc>,
    pub application: Option<ApplicationId>,
    pub call: Option<GrantCallId>,
    pub commitment: Option<CommitmentId>,
    pub report: Option<ReportId>,
}

/// For a command that sends its writes together: adds to `writes` what makes the
/// automatic deadline of `source` say `derived`, from its row `existing` as read beside the held
/// row (a new one keyed `key`, read beside it), and answers what became of it. Whom it concerns is
/// the caller's (`derived::set_parties`); a removed deadline's parties go first, in these writes.
pub(crate) fn sync_in(
    writes: &mut Writes,
    source: Source,
    existing: Option<&deadline::Model>,
    derived: Option<Derived>,
    key: Option<i64>,
    now: DateTime<Utc>,
) -> StoreResult<Synced> {
    Ok(match (existing, derived) {
        (None, None) => Synced::None,
        (Some(row), None) => {
            derived::remove_parties(writes, row.id);
            writes.push(&deadline::Entity::delete_by_id(row.id).into_query());
            Synced::Removed(row.id)
        }
        (Some(row), Some(d)) => {
            if row.title == d.title && row.due_at == d.due_at && row.application_id == d.application.map(|a| a.0) {
                return Ok(Synced::Is(row.clone()));
            }
            let moved = deadline::Model {
                title: d.title,
                due_at: d.due_at,
                application_id: d.application.map(|a| a.0),
                updated_at: now,
                version: row.version + 1,
                ..row.clone()
            };
            let update = deadline::Entity::update_many()
                .col_expr(deadline::Column::Title, Expr::value(moved.title.clone()))
                .col_expr(deadline::Column::DueAt, Expr::value(moved.due_at))
                .col_expr(deadline::Column::ApplicationId, Expr::value(moved.application_id))
                .col_expr(deadline::Column::UpdatedAt, Expr::value(now))
                .col_expr(deadline::Column::Version, Expr::col(deadline::Column::Version).add(1))
                .filter(deadline::Column::Id.eq(row.id));
            writes.push(&update.into_query());
            Synced::Is(moved)
        }
        (None, Some(d)) => {
            // Every source that has a deadline got it when it was made: only a new source lacks one.
            let id = key.ok_or_else(|| StoreError::corrupt(format!("{} has no deadline", source.key())))?;
            let row = deadline::Model { id, ..model(source, d, now) };
            writes.insert(row.clone());
            Synced::Is(row)
        }
    })
}

/// What [`sync_in`] made of an automatic deadline.
#[derive(Debug, Clone)]
pub(crate) enum Synced {
    /// There is none, nor was there.
    None,
    /// It is this row now (kept, changed or added).
    Is(deadline::Model),
    /// The deadline with this key is removed.
    Removed(i64),
}

/// The row of the automatic deadline of `source` that says `derived`, keyed `id` (0 until
/// stored).
fn model(source: Source, derived: Derived, now: DateTime<Utc>) -> deadline::Model {
    deadline::Model {
        id: 0,
        kind: source.kind().as_str().to_owned(),
        title: derived.title,
        due_at: derived.due_at,
        tentative: false,
        application_id: derived.application.map(|a| a.0),
        call_id: derived.call.map(|c| c.0),
        commitment_id: derived.commitment.map(|c| c.0),
        report_id: derived.report.map(|r| r.0),
        source_key: Some(source.key()),
        created_at: now,
        updated_at: now,
        version: 1,
    }
}

/// Adds to `writes` the automatic deadline of a new `source` (none can be there yet), keyed `id`
/// (read beside the command's row, held or with its mark, see `store::held::next_key`), with whom it concerns: the
/// lead and the participants of its application, and `also` (a commitment's organisation).
/// `calls_for_action` is what its sources say now ([`salkku_domain::deadline::Standing`]).
pub(crate) fn add_new(
    writes: &mut Writes,
    id: i64,
    source: Source,
    derived: Derived,
    also: &[OrganizationId],
    calls_for_action: bool,
    now: DateTime<Utc>,
) -> StoreResult<()> {
    let row = deadline::Model { id, ..model(source, derived, now) };
    let (due_at, application) = (row.due_at, row.application_id);
    writes.insert(row);
    derived::add_parties(writes, id, due_at, application.map(ApplicationId), also, calls_for_action)
}

/// [`add_new`] for a deadline of an application written in the same statement, whose lead and
/// participants the statement cannot read yet: whom it concerns is `parties`.
pub(crate) fn add_new_concerning(
    writes: &mut Writes,
    id: i64,
    source: Source,
    derived: Derived,
    parties: &[OrganizationId],
    now: DateTime<Utc>,
) -> StoreResult<()> {
    let row = deadline::Model { id, ..model(source, derived, now) };
    let due_at = row.due_at;
    writes.insert(row);
    // A new application's deadline calls for action: an idea is no final status.
    derived::add_parties(writes, id, due_at, None, parties, true)
}
