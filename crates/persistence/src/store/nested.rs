//! A row's child rows read beside it, in the same statement, as one JSON array per row: a record
//! made of several tables (a change request with its lines, parts and partners) is then one round
//! trip however many children it has, and every part of it is read from the same snapshot.
//!
//! Each child comes back as its entity's model, by the names of its columns: PostgreSQL builds
//! the array with `json_agg`, SQLite with `json_group_array`. SQLite keeps a boolean as 0 or 1,
//! so a boolean column is turned into JSON's `true` or `false` there. What JSON carries well is
//! what the entities read this way hold: integers, text, booleans, dates and timestamps with their
//! zone. A decimal (read through a float), a JSON column (an object, not text) or a timestamp
//! without zone (SQLite's text has no `T`) would each need care first, and PostgreSQL's
//! `json_build_object` takes at most 50 columns.

use sea_orm::sea_query::{Alias, Expr, SelectStatement};
use sea_orm::{ColumnTrait, ColumnType, DbBackend, EntityTrait, IdenStatic, Iterable, QueryResult};
use serde::de::DeserializeOwned;

use crate::store::support::bound;
use crate::{StoreError, StoreResult};

/// The children of one parent row: the rows of `child` that `filter` keeps, in the order of
/// `order`. The filter is SQL in which `t` names the child's table, written in the code, never
/// taken from input.
pub(crate) struct Children<E: EntityTrait> {
    pub child: E,
    pub filter: String,
    pub order: Option<E::Column>,
}

impl<E: EntityTrait> Children<E> {
    /// The rows of `child` whose `foreign` column holds `parent` (a `table.column` of the query
    /// they are added to, or a subquery giving one key).
    pub(crate) fn of(child: E, foreign: E::Column, parent: &str, order: Option<E::Column>) -> Self {
        Children { child, filter: format!("t.\"{}\" = {parent}", foreign.as_str()), order }
    }
}

/// Adds the children to `query` as the column `name`: a JSON array, empty when there are none.
pub(crate) fn with_children<E: EntityTrait>(
    backend: DbBackend,
    query: &mut SelectStatement,
    name: &str,
    children: Children<E>,
) {
    query.expr_as(Expr::cust(children_sql(backend, children)), Alias::new(name));
}

/// [`with_children`] for children chosen by keys the request names: the filter writes `?` for
/// each of `values`, which go to the database as parameters ([`bound`]), so that the statement
/// reads the same whatever the keys.
pub(crate) fn with_children_of<E: EntityTrait>(
    backend: DbBackend,
    query: &mut SelectStatement,
    name: &str,
    children: Children<E>,
    values: Vec<sea_orm::Value>,
) {
    query.expr_as(bound(backend, &children_sql(backend, children), values), Alias::new(name));
}

fn children_sql<E: EntityTrait>(backend: DbBackend, children: Children<E>) -> String {
    let table = children.child.table_name();
    let filter = children.filter;
    let order = children.order.map(|o| format!(" ORDER BY t.\"{}\"", o.as_str())).unwrap_or_default();
    let fields = fields::<E>(backend);
    match backend {
        DbBackend::Postgres => format!(
            "(SELECT coalesce(json_agg(json_build_object({fields}){order}), '[]')::text \
             FROM \"{table}\" t WHERE {filter})"
        ),
        // ORDER BY inside an aggregate: SQLite 3.44 and later (the bundled library is newer).
        _ => format!("(SELECT json_group_array(json_object({fields}){order}) FROM \"{table}\" t WHERE {filter})"),
    }
}

/// `'name', t."name", …` for every column of `E`; on SQLite a boolean as JSON's `true` or
/// `false` (`json` marks the text as JSON for `json_object`).
fn fields<E: EntityTrait>(backend: DbBackend) -> String {
    E::Column::iter()
        .map(|c| {
            let name = c.as_str();
            let boolean = matches!(c.def().get_column_type(), ColumnType::Boolean);
            let value = if boolean && backend != DbBackend::Postgres {
                format!(
                    "json(CASE WHEN t.\"{name}\" IS NULL THEN 'null' WHEN t.\"{name}\" THEN 'true' ELSE 'false' END)"
                )
            } else {
                format!("t.\"{name}\"")
            };
            format!("'{name}', {value}")
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// The children read with [`with_children`] under `name`.
pub(crate) fn children<M: DeserializeOwned>(row: &QueryResult, name: &str) -> StoreResult<Vec<M>> {
    let text: String = row.try_get("", name)?;
    serde_json::from_str(&text).map_err(|e| StoreError::corrupt(format!("{name}: {e}")))
}
