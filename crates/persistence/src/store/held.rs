//! An application's row read and held until the transaction ends, with whatever else a command
//! needs beside it, in one statement: the read that a command sending its writes together
//! (`store::batch`) makes before it writes. An allocation's commands hold the allocation and its
//! project's row the same way ([`allocation_query`]); a command that holds nothing reads the rows
//! it names and the keys its new rows will get ([`read_values`]). setBudget, a project's move, a
//! pledge added or changed and an allocation on PostgreSQL read without a transaction and without
//! holding the row, taking the row's mark instead ([`read_unheld`]), and their writes check that
//! the row still bears it (`Writes::unless_moved`); a payment does the same with its allocation's
//! row and its project's ([`allocation_query_unheld`]).
//!
//! On PostgreSQL the row is locked (`FOR UPDATE OF applications`). A read that had to wait for
//! another transaction holding the row is handed the row as that transaction committed it, but
//! everything else the statement reads (other tables, what the portfolio counted) as it was when
//! the statement began: the two would disagree. Such a read is made again, once the row is held
//! and nothing that follows it can move. It knows it waited by the row's version: every command
//! that holds a project changes its row in its writes (`Writes::holding`), even one that changes
//! only other tables (a deadline, a pledge, a report), so that what it wrote is never missed by a
//! read that waited for it.

use salkku_domain::ids::{AllocationId, ApplicationId, NodeKind};
use sea_orm::sea_query::{Alias, Expr, ExprTrait, LockType, Query, SelectStatement};
use sea_orm::{
    ConnectionTrait, DbBackend, EntityName, EntityTrait, FromQueryResult, IdenStatic, Iterable, QueryResult,
};

use crate::entities::{allocation, application as app};
use crate::records::{Allocation, Application};
use crate::{Concerning, StoreError, StoreResult};

/// The prefix of the application's own columns in a held row.
const HELD: &str = "held_";

/// Adds the application's own columns to `query`, which reads `applications`, each under the
/// prefix [`application`] reads them by.
pub(crate) fn with_columns(query: &mut SelectStatement) {
    with_columns_of(query, app::Entity, HELD);
}

/// The application of a row read with [`with_columns`].
pub(crate) fn application(row: &QueryResult) -> StoreResult<Application> {
    model_of::<app::Entity>(row, HELD)?.try_into()
}

/// Adds the columns of `entity`, which `query` reads, each under `prefix`: [`model_of`] reads
/// the row back by it.
pub(crate) fn with_columns_of<E: EntityTrait>(query: &mut SelectStatement, entity: E, prefix: &str) {
    for column in E::Column::iter() {
        query.expr_as(Expr::col((entity, column)), Alias::new(column_name(prefix, column)));
    }
}

/// The name a column read with [`with_columns_of`] goes by.
pub(crate) fn column_name(prefix: &str, column: impl IdenStatic) -> String {
    format!("{prefix}{}", column.as_str())
}

/// The row of `E` read with [`with_columns_of`] under `prefix`.
pub(crate) fn model_of<E: EntityTrait>(row: &QueryResult, prefix: &str) -> StoreResult<E::Model> {
    Ok(E::Model::from_query_result(row, prefix)?)
}

/// Reads the one row of `query` (which reads `applications`, narrowed to one) and holds the
/// application's row until the transaction ends; `missing` when there is no such row.
pub(crate) async fn read<C: ConnectionTrait>(
    c: &C,
    query: SelectStatement,
    missing: impl Fn() -> StoreError,
) -> StoreResult<QueryResult> {
    read_holding(c, query, &[], missing).await
}

/// [`read`] of the project `id` a command's input names, narrowing `query` to it: an unknown
/// reference when there is no such project. The row and the project read from it.
pub(crate) async fn read_named_project<C: ConnectionTrait>(
    c: &C,
    mut query: SelectStatement,
    id: ApplicationId,
) -> StoreResult<(QueryResult, Application)> {
    query.and_where(Expr::col((app::Entity, app::Column::Id)).eq(id.0));
    let missing =
        || StoreError::UnknownReference { concerning: Concerning::Application, kind: NodeKind::Application, key: id.0 };
    let row = read(c, query, missing).await?;
    let project = application(&row)?;
    Ok((row, project))
}

/// [`read`], holding the rows of the tables `also` (joined in `query`) as well: a row the
/// command changes whose version it checks, so that a read that waited for it gets it as
/// committed since.
pub(crate) async fn read_holding<C: ConnectionTrait>(
    c: &C,
    mut query: SelectStatement,
    also: &[&'static str],
    missing: impl Fn() -> StoreError,
) -> StoreResult<QueryResult> {
    let held = std::iter::once(app::Entity.table_name()).chain(also.iter().copied()).map(Alias::new);
    query.lock_with_tables(LockType::Update, held);
    read_afresh_if_waited(c, query, app::Entity.table_name(), missing).await
}

/// Reads the one row of `query` (which reads `applications`, narrowed to one) without holding
/// it, outside a transaction; `missing` when there is no such row. On PostgreSQL the row answers
/// also the mark of the application's row as read ([`as_read`]): writes made with
/// `Writes::unless_moved` take effect only while the row still bears it. Every command that holds
/// a project changes its row (`Writes::holding`), so a row that bears the mark has had nothing
/// changed that such a command changes, whatever else this read took beside it.
async fn read_unheld<C: ConnectionTrait>(
    c: &C,
    mut query: SelectStatement,
    missing: impl Fn() -> StoreError,
) -> StoreResult<QueryResult> {
    let backend = c.get_database_backend();
    if backend == DbBackend::Postgres {
        let table = app::Entity.table_name();
        query.expr_as(Expr::cust(format!("{table}.xmin::text")), Alias::new(AS_READ));
    }
    c.query_one_raw(backend.build(&query)).await?.ok_or_else(missing)
}

/// The one row of `query` (which reads `applications`, narrowed to one), read as a command that
/// may write without a transaction reads it: `hold`, held until the transaction ends with the
/// rows of the tables `also` ([`read_holding`]); otherwise unheld, with the row's mark on
/// PostgreSQL ([`read_unheld`], [`as_read`]). The row, and the mark when one was read.
pub(crate) async fn read_held_or_marked<C: ConnectionTrait>(
    c: &C,
    query: SelectStatement,
    also: &[&'static str],
    hold: bool,
    missing: impl Fn() -> StoreError,
) -> StoreResult<(QueryResult, Option<String>)> {
    if hold {
        return Ok((read_holding(c, query, also, missing).await?, None));
    }
    let row = read_unheld(c, query, missing).await?;
    let mark = as_read(&row, c.get_database_backend())?;
    Ok((row, mark))
}

/// The mark of the application's row read with [`read_unheld`] on `backend`: the transaction that
/// wrote it. `None` on SQLite, which reads none.
fn as_read(row: &QueryResult, backend: DbBackend) -> StoreResult<Option<String>> {
    if backend != DbBackend::Postgres {
        return Ok(None);
    }
    Ok(Some(row.try_get::<String>("", AS_READ)?))
}

/// The name the mark of the row as read goes by.
const AS_READ: &str = "held_as_read";

/// Reads `query`, which holds the row of `table` it reads, once more if the row it got is not the
/// one the statement's snapshot sees: on PostgreSQL, a read that waited for another transaction
/// holding the row is handed the row as committed since, but the rest of what it reads as it was
/// when the statement began. Held now, the row cannot change again.
async fn read_afresh_if_waited<C: ConnectionTrait>(
    c: &C,
    mut query: SelectStatement,
    table: &str,
    missing: impl Fn() -> StoreError,
) -> StoreResult<QueryResult> {
    let backend = c.get_database_backend();
    if backend == DbBackend::Postgres {
        // Which version of the row the lock got, and which one the statement's snapshot sees:
        // they differ when the statement waited for another transaction that changed the row.
        query.expr_as(Expr::cust(format!("{table}.xmin::text")), Alias::new("locked_version"));
        query.expr_as(
            Expr::cust(format!("(SELECT seen.xmin::text FROM {table} seen WHERE seen.id = {table}.id)")),
            Alias::new("seen_version"),
        );
    }
    let statement = backend.build(&query);
    let row = c.query_one_raw(statement.clone()).await?.ok_or_else(&missing)?;
    if backend != DbBackend::Postgres {
        return Ok(row);
    }
    let moved = |prefix: &str| -> StoreResult<bool> {
        let locked: Option<String> = row.try_get("", &format!("{prefix}locked_version"))?;
        let seen: Option<String> = row.try_get("", &format!("{prefix}seen_version"))?;
        Ok(locked != seen)
    };
    // An allocation's read holds its project too ([`allocation_query`]): either row moved.
    let holds_project = table == allocation::Entity.table_name();
    let waited = moved("")? || (holds_project && moved(PROJECT)?);
    if !waited {
        return Ok(row);
    }
    c.query_one_raw(statement).await?.ok_or_else(missing)
}

/// The prefix of the versions of an allocation's project read with [`allocation_query`].
const PROJECT: &str = "project_";

/// Reads `query`, which reads no table (its values are subqueries and keys): always one row.
pub(crate) async fn read_values<C: ConnectionTrait>(c: &C, query: SelectStatement) -> StoreResult<QueryResult> {
    let row = c.query_one_raw(c.get_database_backend().build(&query)).await?;
    row.ok_or_else(|| StoreError::corrupt("a read of no table answered no row"))
}

/// An expression for the key the next row of `table` will get, read beside the command's row so that
/// a command knows the keys of what it adds before it writes (the audit entry names them, and
/// rows that refer to each other are written in one statement). On PostgreSQL the table's
/// sequence hands it out; SQLite writes one transaction at a time, so the key after the highest
/// ever given is free until this one commits (`sqlite_sequence` remembers keys of deleted rows).
/// `offset` counts keys of the same table taken by the same read: 0 for the first.
pub(crate) fn next_key(backend: DbBackend, table: &str, offset: i64) -> Expr {
    match backend {
        DbBackend::Postgres => Expr::cust(format!("nextval(pg_get_serial_sequence('{table}', 'id'))")),
        _ => Expr::cust(format!(
            "max(coalesce((SELECT seq FROM sqlite_sequence WHERE name = '{table}'), 0), \
             coalesce((SELECT max(id) FROM {table}), 0)) + {}",
            offset + 1
        )),
    }
}

/// An expression for the keys the next rows of `table` will get, as many as `count` (an SQL
/// expression over what the read reads; PostgreSQL's) says, as text that [`keys_in`] reads back:
/// on PostgreSQL the sequence's next values, comma-separated (those not used are gone, as every
/// sequence value taken is); on SQLite the first of them, the rest following it ([`next_key`]).
pub(crate) fn next_keys(backend: DbBackend, table: &str, count: &str) -> Expr {
    match backend {
        DbBackend::Postgres => Expr::cust(format!(
            "(SELECT string_agg(nextval(pg_get_serial_sequence('{table}', 'id'))::text, ',') \
             FROM generate_series(1, {count}))"
        )),
        _ => Expr::cust(format!(
            "CAST(max(coalesce((SELECT seq FROM sqlite_sequence WHERE name = '{table}'), 0), \
             coalesce((SELECT max(id) FROM {table}), 0)) + 1 AS TEXT)"
        )),
    }
}

/// The `wanted` keys read with [`next_keys`] under `name`.
pub(crate) fn keys_in(row: &QueryResult, name: &str, backend: DbBackend, wanted: usize) -> StoreResult<Vec<i64>> {
    let text: Option<String> = row.try_get("", name)?;
    let read = text.as_deref().unwrap_or_default().split(',').filter(|k| !k.is_empty());
    let keys: Vec<i64> = read
        .map(|k| k.parse::<i64>().map_err(|e| StoreError::corrupt(format!("a key read: {e}"))))
        .collect::<StoreResult<_>>()?;
    if backend != DbBackend::Postgres {
        // SQLite: the first key; the others follow it.
        let first = keys.first().copied().unwrap_or(1);
        return Ok((0..wanted).map(|i| first + i64::try_from(i).unwrap_or(i64::MAX)).collect());
    }
    if keys.len() < wanted {
        return Err(StoreError::corrupt(format!("{wanted} keys wanted, {} read", keys.len())));
    }
    Ok(keys.into_iter().take(wanted).collect())
}

/// A row a command's input names, checked beside the command's other reads: its table, and what
/// to report when it is not there.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Reference {
    pub table: &'static str,
    pub concerning: Concerning,
    pub kind: NodeKind,
    pub key: i64,
}

impl Reference {
    /// The row `key` of `entity`'s table, named for `concerning`.
    pub(crate) fn to(entity: impl EntityName, concerning: Concerning, kind: NodeKind, key: i64) -> Self {
        Reference { table: entity.table_name(), concerning, kind, key }
    }

    /// The organisation `key`, named for `concerning`.
    pub(crate) fn organization(concerning: Concerning, key: i64) -> Self {
        Reference::to(crate::entities::organization::Entity, concerning, NodeKind::Organization, key)
    }
}

/// Adds to `query` the key of each row `references` names, or null where there is none.
pub(crate) fn with_references(query: &mut SelectStatement, references: &[Reference]) {
    for (i, r) in references.iter().enumerate() {
        let found = Query::select()
            .column((Alias::new(r.table), Alias::new("id")))
            .from(Alias::new(r.table))
            .and_where(Expr::col((Alias::new(r.table), Alias::new("id"))).eq(r.key))
            .to_owned();
        query.expr_as(Expr::SubQuery(None, Box::new(found.into())), Alias::new(format!("reference_{i}")));
    }
}

/// Reports the first of `references` (read with [`with_references`]) that names nothing, in
/// their order: the contract's field order.
pub(crate) fn check_references(row: &QueryResult, references: &[Reference]) -> StoreResult<()> {
    (0..references.len()).try_for_each(|i| check_reference(row, references, i))
}

/// Reports whether the `i`th of `references` (read with [`with_references`]) names nothing.
pub(crate) fn check_reference(row: &QueryResult, references: &[Reference], i: usize) -> StoreResult<()> {
    let found: Option<i64> = row.try_get("", &format!("reference_{i}"))?;
    match (found, references.get(i)) {
        (None, Some(r)) => Err(StoreError::UnknownReference { concerning: r.concerning, kind: r.kind, key: r.key }),
        _ => Ok(()),
    }
}

/// A read of the allocation `id` with its own columns and its project's status (`project_status`),
/// both to be held: the project's row first, in the statement that reads it, as closing a
/// project holds it.
pub(crate) fn allocation_query(backend: DbBackend, id: AllocationId) -> SelectStatement {
    let lock = if backend == DbBackend::Postgres { " FOR UPDATE" } else { "" };
    let mut query = allocation_with_status(id, lock);
    if backend == DbBackend::Postgres {
        // The project's row as held and as the snapshot sees it: what else the read takes of the
        // project (its reports, say) is as it was before a wait for another holder of the
        // project, which changed its row ([`read_allocation`] reads again then).
        query.expr_as(project_mark(" FOR UPDATE"), Alias::new(format!("{PROJECT}locked_version")));
        query.expr_as(project_mark(""), Alias::new(format!("{PROJECT}seen_version")));
    }
    query
}

/// [`allocation_query`] holding nothing, on PostgreSQL, outside a transaction: with the marks of
/// the allocation's row and of its project's as read, which [`allocation_as_read`] reads back.
/// Every command that holds an allocation changes its row, and every one that holds a project
/// changes the project's (`Writes::holding`): rows that still bear the marks have had nothing
/// changed that such a command changes.
pub(crate) fn allocation_query_unheld(id: AllocationId) -> SelectStatement {
    let mut query = allocation_with_status(id, "");
    let table = allocation::Entity.table_name();
    query.expr_as(Expr::cust(format!("{table}.xmin::text")), Alias::new(ALLOCATION_AS_READ));
    query.expr_as(project_mark(""), Alias::new(PROJECT_AS_READ));
    query
}

/// The marks of the allocation's row and of its project's (none when it funds none) read with
/// [`allocation_query_unheld`].
pub(crate) fn allocation_as_read(row: &QueryResult) -> StoreResult<(String, Option<String>)> {
    Ok((row.try_get("", ALLOCATION_AS_READ)?, row.try_get("", PROJECT_AS_READ)?))
}

const ALLOCATION_AS_READ: &str = "allocation_as_read";
const PROJECT_AS_READ: &str = "project_as_read";

/// The allocation `id`'s columns and its project's status, the project's row read with `lock`.
fn allocation_with_status(id: AllocationId, lock: &str) -> SelectStatement {
    let mut query = Query::select();
    query.from(allocation::Entity);
    with_columns_of(&mut query, allocation::Entity, ALLOCATION);
    let table = allocation::Entity.table_name();
    query.expr_as(
        Expr::cust(format!("(SELECT p.status FROM applications p WHERE p.id = {table}.application_id{lock})")),
        Alias::new("project_status"),
    );
    query.and_where(Expr::col((allocation::Entity, allocation::Column::Id)).eq(id.0));
    query
}

/// The mark of the allocation's project's row, read with `lock`.
fn project_mark(lock: &str) -> Expr {
    let table = allocation::Entity.table_name();
    Expr::cust(format!("(SELECT p.xmin::text FROM applications p WHERE p.id = {table}.application_id{lock})"))
}

/// The condition that the allocation's row is as read, for an update of it.
pub(crate) fn allocation_is_as_read(mark: &str) -> sea_orm::sea_query::SimpleExpr {
    Expr::cust(format!("{}.xmin::text", allocation::Entity.table_name())).eq(mark)
}

/// Reads an [`allocation_query`] (with whatever was added to it), holding the allocation's row.
pub(crate) async fn read_allocation<C: ConnectionTrait>(
    c: &C,
    mut query: SelectStatement,
    id: AllocationId,
) -> StoreResult<QueryResult> {
    query.lock_with_tables(LockType::Update, [allocation::Entity]);
    // What a plan sums (its instalments, the payments outside it) grows only with a change to the
    // allocation's row (a plan, a payment), what it takes of the project (its final report) with a
    // change to the project's: read again when either moved while the read waited.
    let missing = || StoreError::UnknownReference {
        concerning: Concerning::Allocation,
        kind: NodeKind::StateAidAllocation,
        key: id.0,
    };
    read_afresh_if_waited(c, query, allocation::Entity.table_name(), missing).await
}

/// Reads an [`allocation_query_unheld`] (with whatever was added to it), holding nothing.
pub(crate) async fn read_allocation_unheld<C: ConnectionTrait>(
    c: &C,
    query: SelectStatement,
    id: AllocationId,
) -> StoreResult<QueryResult> {
    let row = c.query_one_raw(c.get_database_backend().build(&query)).await?;
    row.ok_or(StoreError::UnknownReference {
        concerning: Concerning::Allocation,
        kind: NodeKind::StateAidAllocation,
        key: id.0,
    })
}

/// The allocation of a row read with [`allocation_query`].
pub(crate) fn allocation(row: &QueryResult) -> StoreResult<Allocation> {
    model_of::<allocation::Entity>(row, ALLOCATION)?.try_into()
}

/// The prefix of the allocation's own columns in a held row.
const ALLOCATION: &str = "allocation_";
