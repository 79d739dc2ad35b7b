//! Instalments as read: an allocation's plan by due date.

use salkku_domain::Money;
use salkku_domain::ids::{AllocationId, ApplicationId, InstalmentId};
use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};

use crate::StoreResult;
use crate::entities::{allocation, instalment};
use crate::records::Instalment;
use crate::store::convert::all;
use crate::store::support::one_of;

/// The project an instalment's allocation funds: `None` when there is no such instalment,
/// `Some(None)` when its allocation funds no project. One statement.
pub async fn project_of<C: ConnectionTrait>(c: &C, id: InstalmentId) -> StoreResult<Option<Option<ApplicationId>>> {
    let query = Query::select()
        .column((allocation::Entity, allocation::Column::ApplicationId))
        .from(instalment::Entity)
        .inner_join(
            allocation::Entity,
            Expr::col((allocation::Entity, allocation::Column::Id))
                .equals((instalment::Entity, instalment::Column::AllocationId)),
        )
        .and_where(Expr::col((instalment::Entity, instalment::Column::Id)).eq(id.0))
        .to_owned();
    let Some(row) = c.query_one(&query).await? else { return Ok(None) };
    let project: Option<i64> = row.try_get_by_index(0)?;
    Ok(Some(project.map(ApplicationId)))
}

/// The instalments of each allocation, soonest due first.
pub async fn of_allocations<C: ConnectionTrait>(c: &C, ids: &[AllocationId]) -> StoreResult<Vec<Instalment>> {
    all(instalment::Entity::find()
        .filter(one_of(c, instalment::Column::AllocationId, ids.iter().map(|a| a.0).collect()))
        .order_by_asc(instalment::Column::AllocationId)
        .order_by_asc(instalment::Column::DueOn)
        .order_by_asc(instalment::Column::Id)
        .all(c)
        .await?)
}

/// What an allocation's plan holds: its instalments that count (all but the cancelled).
pub fn planned(instalments: &[Instalment]) -> StoreResult<Money> {
    Ok(Money::sum(instalments.iter().filter(|i| i.status.counts()).map(|i| i.amount))?)
}

/// What payments made without an instalment took of an allocation.
pub fn paid_outside(payments: &[crate::records::Payment]) -> StoreResult<Money> {
    Ok(Money::sum(payments.iter().filter(|p| p.instalment.is_none()).map(|p| p.amount))?)
}

/// What an allocation's plan and the payments made without an instalment have taken of it.
pub fn taken(instalments: &[Instalment], payments: &[crate::records::Payment]) -> StoreResult<Money> {
    Ok(planned(instalments)?.checked_add(paid_outside(payments)?)?)
}

/// What neither an instalment nor a payment made without one has taken of an allocation yet.
pub fn unplanned(
    allocation: Money,
    instalments: &[Instalment],
    payments: &[crate::records::Payment],
) -> StoreResult<Money> {
    Ok(allocation.checked_sub(taken(instalments, payments)?)?)
}
