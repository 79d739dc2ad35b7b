//! Commitments (sitoumukset): organisations' pledges towards an application's self-funding.

use chrono::NaiveDate;
use salkku_domain::deadline::{Standing as DeadlineStanding, end_of_day};
use salkku_domain::funding::CommitmentFigure;
use salkku_domain::ids::{ApplicationId, CommitmentId, DecisionId, NodeKind, OrganizationId};
use salkku_domain::{Amount, CommitmentKind, CommitmentLevel, CommitmentStatus};
use sea_orm::sea_query::{Alias, Expr, ExprTrait, Query};
use sea_orm::{
    ConnectionTrait, EntityName, EntityTrait, FromQueryResult, IdenStatic, Iterable, QueryResult, QueryTrait,
};

use crate::Concerning;
use crate::commands::audit;
use crate::commands::deadlines::{self, Derived, Source};
use crate::commands::{decisions, idempotency, involvement};
use crate::derived::{self, Standing, Sum};
use crate::entities::{application, commitment, deadline, grant_call, organization};
use crate::records::Commitment;
use crate::store::batch::Writes;
use crate::store::held as store_held;
use crate::store::support::{expect_version, version_checked};
use crate::{Backend, Change, Db, StoreError, StoreResult};

#[derive(Debug, Clone)]
pub struct NewCommitment {
    pub application: ApplicationId,
    pub organization: OrganizationId,
    pub amount: Amount,
    pub kind: CommitmentKind,
    pub level: CommitmentLevel,
    pub status: CommitmentStatus,
    pub due_date: Option<NaiveDate>,
    pub decided_at: Option<NaiveDate>,
    pub decision_ref: Option<String>,
    /// The decision on record behind it (a board's approval).
    pub decision: Option<DecisionId>,
}

/// Changes to a commitment; `None` leaves a field as it is.
#[derive(Debug, Clone, Default)]
pub struct CommitmentChanges {
    pub amount: Option<Amount>,
    pub status: Option<CommitmentStatus>,
    pub decided_at: Option<Option<NaiveDate>>,
    pub decision_ref: Option<Option<String>>,
    pub decision: Option<Option<DecisionId>>,
}

/// Adds a commitment, and its due date as a deadline.
///
/// On PostgreSQL without an idempotency key it reads and then writes without a transaction, as
/// updateCommitment does: the writes are kept only while the application's row is as read (its
/// pledged sum is the one read plus the new pledge). With a key, or when the row moved, it reads
/// again in a transaction that holds the row (and stores the key), as SQLite always does.
pub async fn add(
    db: &Db,
    change: &Change<'_>,
    new: NewCommitment,
    idempotency_key: Option<&str>,
) -> StoreResult<Commitment> {
    if db.backend() == Backend::Postgres && idempotency_key.is_none() {
        match write_new(db.conn(), change, new.clone(), false).await {
            Err(StoreError::InTransaction) => {}
            done => return done,
        }
    }
    idempotency::create(db, change, idempotency_key, async move |tx| write_new(tx, change, new, true).await).await
}

/// addCommitment's read, checks and writes; `hold`, its read holds the application's row (see
/// [`prepare`]).
async fn write_new<C: ConnectionTrait>(
    c: &C,
    change: &Change<'_>,
    new: NewCommitment,
    hold: bool,
) -> StoreResult<Commitment> {
    let (created, mut writes) = prepare(c, change, new, hold).await?;
    let objects = [created.id.global(), created.application.global(), created.organization.global()];
    audit::add(&mut writes, change, &objects, None::<&()>, Some(&created))?;
    writes.run(c).await?;
    Ok(created)
}

/// Reads what adding `new` depends on in one statement, and answers the commitment with the
/// writes that add it: the row, the application's pledged sum and cells, and the due date as a
/// deadline with whom it concerns. Its keys are read with the rest, so that every write can name
/// them. `hold`, the read holds the application's row (whose sums and cells the commitment moves)
/// until the transaction ends; otherwise it reads the row's mark, and the writes are kept only
/// while the row bears it (on PostgreSQL).
async fn prepare<C: ConnectionTrait>(
    c: &C,
    change: &Change<'_>,
    new: NewCommitment,
    hold: bool,
) -> StoreResult<(Commitment, Writes)> {
    let now = change.at;
    let backend = c.get_database_backend();
    let mut query = Query::select();
    query.from(application::Entity);
    store_held::with_columns(&mut query);
    involvement::ask_of_application(&mut query, change);
    derived::select_standing(&mut query, true);
    decisions::with_decision(&mut query, new.decision);
    // The standing reads the call: whether in-kind commitments count under it.
    query.expr_as(Expr::col((grant_call::Entity, grant_call::Column::InKindCounts)), Alias::new("in_kind_counts"));
    let named = Query::select()
        .column(organization::Column::Name)
        .from(organization::Entity)
        .and_where(Expr::col(organization::Column::Id).eq(new.organization.0))
        .to_owned();
    query.expr_as(Expr::SubQuery(None, Box::new(named.into())), Alias::new("organization_name"));
    query.expr_as(store_held::next_key(backend, commitment::Entity.table_name(), 0), Alias::new("commitment_key"));
    if new.due_date.is_some() {
        query.expr_as(store_held::next_key(backend, deadline::Entity.table_name(), 0), Alias::new("deadline_key"));
    }
    query.and_where(Expr::col((application::Entity, application::Column::Id)).eq(new.application.0));
    let unknown = |concerning, kind, key| StoreError::UnknownReference { concerning, kind, key };
    let missing = || unknown(Concerning::Application, NodeKind::Application, new.application.0);
    let (row, as_read) = store_held::read_held_or_marked(c, query, &[], hold, missing).await?;
    involvement::check(&row, change)?;
    let app = store_held::application(&row)?;
    let organization: Option<String> = row.try_get("", "organization_name")?;
    let organization =
        organization.ok_or_else(|| unknown(Concerning::Organization, NodeKind::Organization, new.organization.0))?;
    decisions::check_read_fits(&row, new.decision, Some(new.application), Some(new.organization))?;
    let model = commitment::Model {
        id: row.try_get("", "commitment_key")?,
        application_id: new.application.0,
        organization_id: new.organization.0,
        amount_cents: new.amount.cents(),
        kind: new.kind.as_str().to_owned(),
        level: new.level.as_str().to_owned(),
        status: new.status.as_str().to_owned(),
        due_date: new.due_date,
        decided_at: new.decided_at,
        decision_ref: new.decision_ref,
        created_at: now,
        updated_at: now,
        version: 1,
        decision_id: new.decision.map(|d| d.0),
    };
    let created = Commitment::try_from(model.clone())?;
    let mut writes = Writes::new(backend);
    writes.held_or_marked(new.application, as_read);
    writes.insert(model);
    // The application's pledged sum, and its cells: the row is held, or the writes are kept only
    // while it is as read, so what it says is what its commitments sum to until this one is added.
    let mut standing = Standing::of(&row, true)?;
    let in_kind_counts: Option<bool> = row.try_get("", "in_kind_counts")?;
    let figure = CommitmentFigure { amount: created.amount, kind: created.kind, status: created.status };
    if figure.counts(in_kind_counts.unwrap_or(false)) {
        let committed = standing
            .committed()
            .checked_add(created.amount.cents())
            .ok_or_else(|| StoreError::corrupt("an application's pledged sum overflows"))?;
        derived::set_sum(&mut writes, new.application, Sum::Committed, committed);
        standing = standing.with_committed(committed);
    }
    standing.sync(&mut writes)?;
    if let Some(due) = created.due_date {
        let derived = Derived {
            title: format!("{}, {organization}", app.acronym.as_deref().unwrap_or(&app.name)),
            due_at: end_of_day(due),
            application: Some(created.application),
            call: app.call,
            commitment: Some(created.id),
            report: None,
        };
        let standing =
            DeadlineStanding { application: Some(app.status), commitment: Some(created.status), report: None };
        let key = row.try_get("", "deadline_key")?;
        let source = Source::CommitmentDue(created.id);
        deadlines::add_new(&mut writes, key, source, derived, &[created.organization], standing.is_relevant(), now)?;
    }
    Ok((created, writes))
}

/// Applies changes if the commitment is still at `expected_version`: one read of the commitment
/// with its application, then every write at once.
///
/// On PostgreSQL it reads and then writes without a transaction, two round trips instead of four,
/// as setBudget does: the writes are one statement kept only while the application's row is as
/// read and the commitment at the version read (`Writes::unless_moved`, `Writes::must_find`).
/// When another command changed either in between, it reads again in a transaction that holds the
/// application's row, as SQLite always does.
pub async fn update(
    db: &Db,
    change: &Change<'_>,
    id: CommitmentId,
    expected_version: i32,
    changes: CommitmentChanges,
) -> StoreResult<Commitment> {
    let decision = changes.decision.flatten();
    if db.backend() == Backend::Postgres {
        let c = db.conn();
        let held = held(c, change, id, decision, false).await?;
        match write(c, change, id, expected_version, &changes, held).await {
            Err(StoreError::InTransaction) => {}
            done => return done,
        }
    }
    let tx = db.begin_write().await?;
    let held = held(&*tx, change, id, decision, true).await?;
    let written = write(&*tx, change, id, expected_version, &changes, held).await?;
    tx.commit().await?;
    Ok(written)
}

/// What updateCommitment reads before it writes: the commitment with its application, and the
/// mark of the application's row when read without holding it (on PostgreSQL).
struct Held {
    row: QueryResult,
    as_read: Option<String>,
}

/// The commitment with its application, the application's sums and cells and the decision
/// named: one statement. `hold`, it holds both rows (on PostgreSQL) until the transaction ends
/// (every change to a commitment holds the application's row first and changes it); otherwise it
/// reads the application's mark as read.
async fn held<C: ConnectionTrait>(
    c: &C,
    change: &Change<'_>,
    id: CommitmentId,
    decision: Option<DecisionId>,
    hold: bool,
) -> StoreResult<Held> {
    let mut query = Query::select();
    query.from(application::Entity);
    store_held::with_columns(&mut query);
    involvement::ask_of_application(&mut query, change);
    derived::select_standing(&mut query, true);
    query.expr_as(Expr::col((grant_call::Entity, grant_call::Column::InKindCounts)), Alias::new("in_kind_counts"));
    for column in commitment::Column::iter() {
        query.expr_as(Expr::col((commitment::Entity, column)), Alias::new(format!("{OWN}{}", column.as_str())));
    }
    query.inner_join(
        commitment::Entity,
        Expr::col((commitment::Entity, commitment::Column::ApplicationId))
            .equals((application::Entity, application::Column::Id)),
    );
    decisions::with_decision(&mut query, decision);
    query.and_where(Expr::col((commitment::Entity, commitment::Column::Id)).eq(id.0));
    let missing = || StoreError::NotFound { kind: NodeKind::Commitment, key: id.0 };
    let also = [commitment::Entity.table_name()];
    let (row, as_read) = store_held::read_held_or_marked(c, query, &also, hold, missing).await?;
    Ok(Held { row, as_read })
}

/// updateCommitment's checks and writes, on what [`held`] read.
async fn write<C: ConnectionTrait>(
    c: &C,
    change: &Change<'_>,
    id: CommitmentId,
    expected_version: i32,
    changes: &CommitmentChanges,
    held: Held,
) -> StoreResult<Commitment> {
    let now = change.at;
    let Held { row, as_read } = held;
    involvement::check(&row, change)?;
    let app = store_held::application(&row)?;
    let current: Commitment = commitment::Model::from_query_result(&row, OWN)?.try_into()?;
    expect_version(NodeKind::Commitment, expected_version, current.version)?;
    if changes.decision.is_some() {
        decisions::check_read_fits(
            &row,
            changes.decision.flatten(),
            Some(current.application),
            Some(current.organization),
        )?;
    }
    let mut update = commitment::Entity::update_many().col_expr(commitment::Column::UpdatedAt, Expr::value(now));
    let mut updated = Commitment { version: current.version + 1, ..current.clone() };
    if let Some(amount) = changes.amount {
        update = update.col_expr(commitment::Column::AmountCents, Expr::value(amount.cents()));
        updated.amount = amount.money();
    }
    if let Some(status) = changes.status {
        update = update.col_expr(commitment::Column::Status, Expr::value(status.as_str()));
        updated.status = status;
    }
    if let Some(decided_at) = changes.decided_at {
        update = update.col_expr(commitment::Column::DecidedAt, Expr::value(decided_at));
        updated.decided_at = decided_at;
    }
    if let Some(decision) = changes.decision {
        update = update.col_expr(commitment::Column::DecisionId, Expr::value(decision.map(|d| d.0)));
        updated.decision = decision;
    }
    if let Some(decision_ref) = &changes.decision_ref {
        update = update.col_expr(commitment::Column::DecisionRef, Expr::value(decision_ref.clone()));
        updated.decision_ref = decision_ref.clone();
    }
    // Every write at once, on PostgreSQL in one statement: the application's row is held since
    // the read, or the statement checks that it is as read; the commitment's update, narrowed to
    // the version read, must find its row too (it does whenever the application's row is as read:
    // every change to a commitment changes its application's row).
    let mut writes = Writes::new(c.get_database_backend());
    writes.held_or_marked(current.application, as_read);
    writes.push_named(UPDATED, version_checked(update, id.0, expected_version).into_query().returning_all());
    writes.must_find(UPDATED);
    // The application's pledged sum without the commitment as it was, with it as it is.
    let in_kind_counts = row.try_get::<Option<bool>>("", "in_kind_counts")?.unwrap_or(false);
    let counted = |c: &Commitment| {
        let figure = CommitmentFigure { amount: c.amount, kind: c.kind, status: c.status };
        if figure.counts(in_kind_counts) { c.amount.cents() } else { 0 }
    };
    let standing = Standing::of(&row, true)?;
    let committed = standing
        .committed()
        .checked_sub(counted(&current))
        .and_then(|sum| sum.checked_add(counted(&updated)))
        .ok_or_else(|| StoreError::corrupt("an application's pledged sum overflows"))?;
    if committed != standing.committed() {
        derived::set_sum(&mut writes, current.application, Sum::Committed, committed);
    }
    standing.with_committed(committed).sync(&mut writes)?;
    if updated.status != current.status {
        // Whether its deadline still calls for action follows its status.
        let now_standing =
            DeadlineStanding { application: Some(app.status), commitment: Some(updated.status), report: None };
        derived::set_commitment_deadline_calling(&mut writes, id, now_standing.is_relevant());
    }
    let objects = [id.global(), updated.application.global(), updated.organization.global()];
    audit::add(&mut writes, change, &objects, Some(&current), Some(&updated))?;
    let rows = writes.run_returning(c, Some(UPDATED)).await?;
    // The commitment is held, or as read, and at `expected_version`: the update cannot miss it.
    let row = rows.first().ok_or_else(|| StoreError::corrupt("the held commitment was not updated"))?;
    let written: Commitment = commitment::Model::from_query_result(row, "")?.try_into()?;
    debug_assert_eq!(written, updated, "the audit entry says what was written");
    Ok(written)
}

/// The prefix of the commitment's own columns in [`update`]'s read.
const OWN: &str = "own_";

/// The name the commitment's update goes by among its writes.
const UPDATED: &str = "updated";
