//! An application's row read and held until the transaction ends, with whatever else a command
//! needs beside it, in one statement: the read that a command sending its writes together
//! (`store::batch`) makes before it writes.
//!
//! On PostgreSQL the row is locked (`FOR UPDATE OF applications`). A read that had to wait for
//! another transaction holding the row is handed the row as that transaction committed it, but
//! everything else the statement reads (other tables, what the portfolio counted) as it was when
//! the statement began: the two would disagree. Such a read is made again, once the row is held
//! and nothing that follows it can move.

use sea_orm::sea_query::{Alias, Expr, LockType, SelectStatement};
use sea_orm::{ConnectionTrait, DbBackend, EntityName, FromQueryResult, IdenStatic, Iterable, QueryResult};

use crate::entities::application as app;
use crate::records::Application;
use crate::{StoreError, StoreResult};

/// The prefix of the application's own columns in a held row.
const HELD: &str = "held_";

/// Adds the application's own columns to `query`, which reads `applications`, each under the
/// prefix [`application`] reads them by.
pub(crate) fn with_columns(query: &mut SelectStatement) {
    for column in app::Column::iter() {
        query.expr_as(Expr::col((app::Entity, column)), Alias::new(format!("{HELD}{}", column.as_str())));
    }
}

/// The application of a row read with [`with_columns`].
pub(crate) fn application(row: &QueryResult) -> StoreResult<Application> {
    app::Model::from_query_result(row, HELD)?.try_into()
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

/// [`read`], holding the rows of the tables `also` (joined in `query`) as well: a row the
/// command changes whose version it checks, so that a read that waited for it gets it as
/// committed since.
pub(crate) async fn read_holding<C: ConnectionTrait>(
    c: &C,
    mut query: SelectStatement,
    also: &[&'static str],
    missing: impl Fn() -> StoreError,
) -> StoreResult<QueryResult> {
    let backend = c.get_database_backend();
    if backend == DbBackend::Postgres {
        // Which version of the row the lock got, and which one the statement's snapshot sees:
        // they differ when the statement waited for another transaction that changed the row.
        query.expr_as(Expr::cust("applications.xmin::text"), Alias::new("locked_version"));
        query.expr_as(
            Expr::cust("(SELECT seen.xmin::text FROM applications seen WHERE seen.id = applications.id)"),
            Alias::new("seen_version"),
        );
    }
    let held = std::iter::once(app::Entity.table_name()).chain(also.iter().copied()).map(Alias::new);
    query.lock_with_tables(LockType::Update, held);
    let statement = backend.build(&query);
    let row = c.query_one_raw(statement.clone()).await?.ok_or_else(&missing)?;
    if backend != DbBackend::Postgres {
        return Ok(row);
    }
    let locked: Option<String> = row.try_get("", "locked_version")?;
    let seen: Option<String> = row.try_get("", "seen_version")?;
    if locked == seen {
        return Ok(row);
    }
    // Held now, the row cannot change again: read it all afresh.
    c.query_one_raw(statement).await?.ok_or_else(missing)
}

/// Reads `query`, which reads no table (its values are subqueries and keys): always one row.
pub(crate) async fn read_values<C: ConnectionTrait>(c: &C, query: SelectStatement) -> StoreResult<QueryResult> {
    let row = c.query_one_raw(c.get_database_backend().build(&query)).await?;
    row.ok_or_else(|| StoreError::corrupt("a read of no table answered no row"))
}

/// An expression for the key the next row of `table` will get, read beside the held row so that
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
