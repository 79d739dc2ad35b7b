//! Small pieces shared by the repositories: existence checks and version-checked updates.

use salkku_domain::ids::NodeKind;
use sea_orm::sea_query::extension::postgres::PgFunc;
use sea_orm::sea_query::{Expr, ExprTrait, Func, Query};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, PrimaryKeyTrait, QueryFilter, QuerySelect, QueryTrait,
    UpdateMany,
};

use crate::entities::{application, change_request, commitment, instalment, report_obligation};
use crate::store::batch::Writes;
use crate::{StoreError, StoreResult};

/// Loads the row a command works on, or reports that it does not exist.
pub(crate) async fn target<E, C>(c: &C, kind: NodeKind, key: i64) -> StoreResult<E::Model>
where
    E: EntityTrait,
    C: ConnectionTrait,
    i64: Into<<E::PrimaryKey as PrimaryKeyTrait>::ValueType>,
{
    E::find_by_id(key).one(c).await?.ok_or(StoreError::NotFound { kind, key })
}

/// A table whose rows carry a version for optimistic concurrency: what it is called in errors,
/// and its key and version columns.
pub(crate) trait Versioned: EntityTrait {
    const KIND: NodeKind;
    const ID: Self::Column;
    const VERSION: Self::Column;
}

impl Versioned for application::Entity {
    const KIND: NodeKind = NodeKind::Application;
    const ID: application::Column = application::Column::Id;
    const VERSION: application::Column = application::Column::Version;
}

impl Versioned for change_request::Entity {
    const KIND: NodeKind = NodeKind::ChangeRequest;
    const ID: change_request::Column = change_request::Column::Id;
    const VERSION: change_request::Column = change_request::Column::Version;
}

impl Versioned for report_obligation::Entity {
    const KIND: NodeKind = NodeKind::ReportObligation;
    const ID: report_obligation::Column = report_obligation::Column::Id;
    const VERSION: report_obligation::Column = report_obligation::Column::Version;
}

impl Versioned for instalment::Entity {
    const KIND: NodeKind = NodeKind::Instalment;
    const ID: instalment::Column = instalment::Column::Id;
    const VERSION: instalment::Column = instalment::Column::Version;
}

impl Versioned for commitment::Entity {
    const KIND: NodeKind = NodeKind::Commitment;
    const ID: commitment::Column = commitment::Column::Id;
    const VERSION: commitment::Column = commitment::Column::Version;
}

/// `update`, on the row `key` only while it is at `expected`, raising its version.
pub(crate) fn version_checked<E: Versioned>(update: UpdateMany<E>, key: i64, expected: i32) -> UpdateMany<E> {
    let (id, version) = (E::ID, E::VERSION);
    update.col_expr(version, Expr::col(version).add(1)).filter(id.eq(key)).filter(version.eq(expected))
}

/// Adds to `writes`, under `name`, `update` on the row `key` only while it is at `expected`,
/// answering the row's key: a command whose read did not hold the row checks with
/// [`check_written`] after its writes ran that the update found it (else the transaction, its
/// other writes with it, is not committed).
pub(crate) fn add_versioned<E: Versioned>(
    writes: &mut Writes,
    name: &str,
    update: UpdateMany<E>,
    key: i64,
    expected: i32,
) {
    writes.push_named(name, version_checked(update, key, expected).into_query().returning_col(E::ID));
}

/// Whether the update [`add_versioned`] added found its row: `rows` are what its part returned.
pub(crate) async fn check_written<E: Versioned, C: ConnectionTrait>(
    c: &C,
    rows: &[sea_orm::QueryResult],
    key: i64,
    expected: i32,
) -> StoreResult<()> {
    if rows.is_empty() { Err(not_updated::<E, C>(c, key, expected).await) } else { Ok(()) }
}

/// Why a version-checked update changed no row: the row is gone, or at another version.
async fn not_updated<E: Versioned, C: ConnectionTrait>(c: &C, key: i64, expected: i32) -> StoreError {
    let (id, version) = (E::ID, E::VERSION);
    let kind = E::KIND;
    match E::find().select_only().column(version).filter(id.eq(key)).into_tuple::<i32>().one(c).await {
        Ok(None) => StoreError::NotFound { kind, key },
        Ok(Some(actual)) => StoreError::Conflict { kind, expected, actual },
        Err(e) => e.into(),
    }
}

/// Fails early with `Conflict` when the caller's version is stale, before any work is done.
pub(crate) fn expect_version(kind: NodeKind, expected: i32, actual: i32) -> StoreResult<()> {
    if expected == actual { Ok(()) } else { Err(StoreError::Conflict { kind, expected, actual }) }
}

/// `column` is one of `keys`. PostgreSQL gets `= ANY($1)` with the keys as one array, so a
/// loader's batch is one prepared statement whatever its size, planned once and then run from
/// its generic plan. `IN ($1, …, $n)` would be a new statement for every n and planned again on
/// every run, and that planning was a large part of PostgreSQL's time for a page.
pub(crate) fn one_of<C: ConnectionTrait>(c: &C, column: impl ColumnTrait, keys: Vec<i64>) -> Expr {
    key_in(c.get_database_backend(), Expr::col(column.as_column_ref()), keys)
}

/// [`one_of`] for a column expression (a qualified or aliased column).
pub(crate) fn key_in(backend: DbBackend, column: Expr, keys: Vec<i64>) -> Expr {
    if backend == DbBackend::Postgres && !keys.is_empty() {
        column.eq(PgFunc::any(Expr::val(keys)))
    } else {
        column.is_in(keys)
    }
}

/// [`one_of`] for a table small enough that PostgreSQL's generic plan reads all of it (the
/// organisations, the programmes): `IN (SELECT unnest($1))`, so that the keys are hashed once.
/// With `= ANY($1)` the plan compared every row with every key, which made loading a page's
/// organisations several times slower; on tables read through an index `= ANY` is the faster.
pub(crate) fn one_of_few<C: ConnectionTrait>(c: &C, column: impl ColumnTrait, keys: Vec<i64>) -> Expr {
    key_among(c.get_database_backend(), Expr::col(column.as_column_ref()), keys)
}

/// [`one_of_few`] for a column expression.
fn key_among(backend: DbBackend, column: Expr, keys: Vec<i64>) -> Expr {
    if backend == DbBackend::Postgres && !keys.is_empty() {
        column.in_subquery(Query::select().expr(Func::cust("unnest").arg(Expr::val(keys))).to_owned())
    } else {
        column.is_in(keys)
    }
}

/// `sql` with each `?` bound to the next of `values` as a parameter (PostgreSQL's `$1`, `$2`, …,
/// SQLite's `?`): for the keys a request names in a statement's custom SQL. Written into the text
/// instead, each key made the statement another to sqlx's cache of prepared statements (a round
/// trip to prepare it, and another to close the oldest once a connection holds a hundred) and to
/// PostgreSQL, which planned it afresh every time. `sql` is written in the code, never taken from
/// input, and holds no other `?`.
pub(crate) fn bound(backend: DbBackend, sql: &str, values: Vec<sea_orm::Value>) -> Expr {
    let sql = match backend {
        DbBackend::Postgres => {
            let mut numbered = String::with_capacity(sql.len() + 4 * values.len());
            for (i, part) in sql.split('?').enumerate() {
                if i > 0 {
                    numbered.push_str(&format!("${i}"));
                }
                numbered.push_str(part);
            }
            numbered
        }
        _ => sql.to_owned(),
    };
    Expr::cust_with_values(sql, values)
}

/// For [`bound`]: SQL saying that `column` is one of `keys`, and the values it binds. PostgreSQL
/// takes the keys as one array (`= ANY(?)`: one text for any number of keys, as [`one_of`]);
/// SQLite, a list of as many parameters.
pub(crate) fn any_of(backend: DbBackend, column: &str, keys: &[i64]) -> (String, Vec<sea_orm::Value>) {
    if backend == DbBackend::Postgres {
        (format!("{column} = ANY(?)"), vec![keys.to_vec().into()])
    } else {
        let marks = vec!["?"; keys.len()].join(", ");
        (format!("{column} IN ({marks})"), keys.iter().map(|k| (*k).into()).collect())
    }
}

/// A value written into the SQL text rather than bound: for the constants of a statement (codes,
/// zeros, labels), never for input. PostgreSQL plans a prepared statement for its parameters, and
/// with the constants among them kept planning it afresh on every run (custom plans) instead of
/// once (a generic plan), and that planning was a large part of the portfolio's time.
pub(crate) fn constant(value: impl Into<sea_orm::Value>) -> Expr {
    Expr::Constant(value.into())
}

#[cfg(test)]
mod tests {
    use sea_orm::{DbBackend, EntityTrait, QueryFilter, QueryTrait};

    use super::{any_of, bound, key_among, key_in};
    use crate::entities::organization as org;

    /// A query reading organisations with `filter`, bound by [`bound`].
    fn named(backend: DbBackend, filter: &str, values: Vec<sea_orm::Value>) -> sea_orm::Statement {
        org::Entity::find().filter(bound(backend, filter, values)).build(backend)
    }

    #[test]
    fn keys_named_in_custom_sql_are_parameters_and_the_text_stays_the_same() {
        for backend in [DbBackend::Postgres, DbBackend::Sqlite] {
            let (one, other) = (
                named(
                    backend,
                    "(SELECT count(*) FROM grant_calls g WHERE g.id = ? AND g.funder_id = ?) > 0",
                    vec![7.into(), 8.into()],
                ),
                named(
                    backend,
                    "(SELECT count(*) FROM grant_calls g WHERE g.id = ? AND g.funder_id = ?) > 0",
                    vec![90.into(), 91.into()],
                ),
            );
            assert_eq!(one.sql, other.sql);
            assert!(!one.sql.contains("= 7") && !other.sql.contains("= 90"), "{}", one.sql);
            assert_eq!(other.values.map(|v| v.0), Some(vec![90.into(), 91.into()]));
        }
        let numbered =
            named(DbBackend::Postgres, "organizations.id = ? OR organizations.id = ?", vec![1.into(), 2.into()]);
        assert!(numbered.sql.ends_with("organizations.id = $1 OR organizations.id = $2"), "{}", numbered.sql);
    }

    #[test]
    fn any_number_of_keys_is_one_text_on_postgresql_and_a_list_on_sqlite() {
        let pg = |keys: &[i64]| {
            let (sql, values) = any_of(DbBackend::Postgres, "organizations.id", keys);
            named(DbBackend::Postgres, &sql, values)
        };
        assert_eq!(pg(&[1, 2]).sql, pg(&[3, 4, 5]).sql);
        assert!(pg(&[1, 2]).sql.ends_with("organizations.id = ANY($1)"), "{}", pg(&[1, 2]).sql);
        let (sql, values) = any_of(DbBackend::Sqlite, "organizations.id", &[4, 5]);
        assert_eq!((sql.as_str(), values.len()), ("organizations.id IN (?, ?)", 2));
    }

    fn loader(backend: DbBackend, keys: Vec<i64>) -> sea_orm::Statement {
        org::Entity::find().filter(key_in(backend, sea_orm::sea_query::Expr::col(org::Column::Id), keys)).build(backend)
    }

    #[test]
    fn a_batch_of_any_size_is_one_statement_on_postgresql() {
        let (two, fifty) = (loader(DbBackend::Postgres, vec![1, 2]), loader(DbBackend::Postgres, (1..=50).collect()));
        assert_eq!(two.sql, fifty.sql);
        assert!(two.sql.ends_with("= ANY($1)"), "{}", two.sql);
        assert_eq!(fifty.values.map(|v| v.0.len()), Some(1));
    }

    #[test]
    fn sqlite_gets_the_keys_as_a_list() {
        assert!(loader(DbBackend::Sqlite, vec![1, 2]).sql.ends_with("IN (?, ?)"));
    }

    #[test]
    fn no_keys_are_no_empty_array_on_postgresql() {
        // sea-query writes an empty list as a condition that is never true.
        let none = loader(DbBackend::Postgres, vec![]);
        assert!(!none.sql.contains("ANY"), "{}", none.sql);
    }

    #[test]
    fn a_small_tables_keys_are_hashed_from_one_array_on_postgresql() {
        let id = sea_orm::sea_query::Expr::col((org::Entity, org::Column::Id));
        let statement = org::Entity::find()
            .filter(key_among(DbBackend::Postgres, id, (1..=100).collect()))
            .build(DbBackend::Postgres);
        assert!(statement.sql.ends_with(r#""organizations"."id" IN (SELECT unnest($1))"#), "{}", statement.sql);
        assert_eq!(statement.values.map(|v| v.0.len()), Some(1));
    }
}
