//! Budgets as read: each application's lines in the order they were given.

use salkku_domain::ids::ApplicationId;
use sea_orm::{ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};

use crate::StoreResult;
use crate::entities::budget_line;
use crate::records::StoredBudgetLine;
use crate::store::convert::all;
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
