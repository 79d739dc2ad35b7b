//! Small pieces shared by the repositories: existence checks and version-checked updates.

use salkku_domain::ids::NodeKind;
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, PrimaryKeyTrait, QueryFilter, QuerySelect, UpdateMany};

use crate::{StoreError, StoreResult};

/// Loads a row that an input field refers to, or reports the field.
pub(crate) async fn referenced<E, C>(c: &C, field: &'static str, kind: NodeKind, key: i64) -> StoreResult<E::Model>
where
    E: EntityTrait,
    C: ConnectionTrait,
    i64: Into<<E::PrimaryKey as PrimaryKeyTrait>::ValueType>,
{
    E::find_by_id(key).one(c).await?.ok_or(StoreError::UnknownReference { field, kind, key })
}

/// Loads the row a command works on, or reports that it does not exist.
pub(crate) async fn target<E, C>(c: &C, kind: NodeKind, key: i64) -> StoreResult<E::Model>
where
    E: EntityTrait,
    C: ConnectionTrait,
    i64: Into<<E::PrimaryKey as PrimaryKeyTrait>::ValueType>,
{
    E::find_by_id(key).one(c).await?.ok_or(StoreError::NotFound { kind, key })
}

/// Runs `update` on the row only if it is still at `expected`, raising its version by one. The
/// check and the write are one statement, so the rule holds across processes and replicas.
pub(crate) async fn versioned_update<E, C>(
    c: &C,
    kind: NodeKind,
    key: i64,
    expected: i32,
    id: E::Column,
    version: E::Column,
    update: UpdateMany<E>,
) -> StoreResult<()>
where
    E: EntityTrait,
    C: ConnectionTrait,
{
    let done = update
        .col_expr(version, Expr::col(version).add(1))
        .filter(id.eq(key))
        .filter(version.eq(expected))
        .exec(c)
        .await?;
    if done.rows_affected == 1 {
        return Ok(());
    }
    let actual: Option<i32> = E::find().select_only().column(version).filter(id.eq(key)).into_tuple().one(c).await?;
    Err(match actual {
        None => StoreError::NotFound { kind, key },
        Some(actual) => StoreError::Conflict { kind, expected, actual },
    })
}

/// Fails early with `Conflict` when the caller's version is stale, before any work is done.
pub(crate) fn expect_version(kind: NodeKind, expected: i32, actual: i32) -> StoreResult<()> {
    if expected == actual { Ok(()) } else { Err(StoreError::Conflict { kind, expected, actual }) }
}
