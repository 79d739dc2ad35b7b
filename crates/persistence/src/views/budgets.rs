//! Budgets as read: each application's lines in the order they were given.

use salkku_domain::budget::BudgetLine;
use salkku_domain::ids::ApplicationId;
use sea_orm::sea_query::SelectStatement;
use sea_orm::{ConnectionTrait, DbBackend, EntityTrait, IdenStatic, QueryFilter, QueryOrder, QueryResult, Value};

use crate::StoreResult;
use crate::entities::budget_line;
use crate::records::StoredBudgetLine;
use crate::store::convert::{all, line};
use crate::store::nested::{Children, children, with_children, with_children_of};
use crate::store::support::one_of;

/// The budget lines of each application, in the order they were given.
pub async fn lines_of<C: ConnectionTrait>(c: &C, ids: &[ApplicationId]) -> StoreResult<Vec<StoredBudgetLine>> {
    let keys: Vec<i64> = ids.iter().map(|i| i.0).collect();
    all(budget_line::Entity::find()
        .filter(one_of(c, budget_line::Column::ApplicationId, keys))
        .order_by_asc(budget_line::Column::ApplicationId)
        .order_by_asc(budget_line::Column::Position)
        .all(c)
        .await?)
}

/// Adds to `query`, which reads `applications`, each application's budget lines in order, as
/// [`lines_in`] reads them back: in the same statement.
pub(crate) fn with_lines(backend: DbBackend, query: &mut SelectStatement) {
    let lines = Children::of(
        budget_line::Entity,
        budget_line::Column::ApplicationId,
        "applications.id",
        Some(budget_line::Column::Position),
    );
    with_children(backend, query, "budget_lines", lines);
}

/// [`with_lines`], only where `condition` holds (SQL written in the code, never taken from input,
/// with `?` for each of `values`, bound as parameters): none otherwise.
pub(crate) fn with_lines_where(backend: DbBackend, query: &mut SelectStatement, condition: &str, values: Vec<Value>) {
    let lines = Children {
        child: budget_line::Entity,
        filter: format!("t.\"{}\" = applications.id AND {condition}", budget_line::Column::ApplicationId.as_str()),
        order: Some(budget_line::Column::Position),
    };
    with_children_of(backend, query, "budget_lines", lines, values);
}

/// The budget lines read with [`with_lines`] or [`with_lines_where`].
pub(crate) fn lines_in(row: &QueryResult) -> StoreResult<Vec<BudgetLine>> {
    children::<budget_line::Model>(row, "budget_lines")?
        .into_iter()
        .map(|l| line(&l.category, l.year, l.description, l.amount_cents, l.work_package.as_deref()))
        .collect()
}
