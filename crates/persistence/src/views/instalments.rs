//! Instalments as read: an allocation's plan by due date.

use salkku_domain::Money;
use salkku_domain::ids::AllocationId;
use sea_orm::{ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};

use crate::StoreResult;
use crate::entities::instalment;
use crate::records::Instalment;
use crate::store::convert::all;
use crate::store::support::one_of;

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
