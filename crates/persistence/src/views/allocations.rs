//! State-aid allocations (valtionavustuspäätökset) and their payments (maksatukset) as read:
//! by ID, by application, and in pages by year.

use salkku_domain::ids::{AllocationId, ApplicationId, OrganizationId, PaymentId};
use sea_orm::sea_query::{Alias, Condition, Expr};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityName, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use crate::StoreResult;
use crate::entities::{allocation, payment};
use crate::records::{Allocation, Payment};
use crate::store::convert::all;
use crate::store::paging::{Page, after, cut};
use crate::store::support::one_of;

pub async fn get<C: ConnectionTrait>(c: &C, id: AllocationId) -> StoreResult<Option<Allocation>> {
    allocation::Entity::find_by_id(id.0).one(c).await?.map(Allocation::try_from).transpose()
}

pub async fn by_ids<C: ConnectionTrait>(c: &C, ids: &[AllocationId]) -> StoreResult<Vec<Allocation>> {
    let keys: Vec<i64> = ids.iter().map(|i| i.0).collect();
    all(allocation::Entity::find().filter(one_of(c, allocation::Column::Id, keys)).all(c).await?)
}

/// The allocations of each application, by year.
pub async fn of_applications<C: ConnectionTrait>(c: &C, ids: &[ApplicationId]) -> StoreResult<Vec<Allocation>> {
    let keys: Vec<i64> = ids.iter().map(|i| i.0).collect();
    all(allocation::Entity::find()
        .filter(one_of(c, allocation::Column::ApplicationId, keys))
        .order_by_asc(allocation::Column::Year)
        .order_by_asc(allocation::Column::Id)
        .all(c)
        .await?)
}

/// Adds to `query`, which reads the held `applications` row, what the project's allocations add
/// up to, under `name`: as [`total_in`] reads it back.
pub(crate) fn with_total(query: &mut sea_orm::sea_query::SelectStatement, name: &str) {
    let allocations = allocation::Entity.table_name();
    // PostgreSQL sums BIGINT as NUMERIC: cast back, as the portfolio's sums do.
    query.expr_as(
        Expr::cust(format!(
            "(SELECT CAST(coalesce(sum(s.amount_cents), 0) AS BIGINT) FROM {allocations} s \
             WHERE s.application_id = applications.id)"
        )),
        Alias::new(name),
    );
}

/// What the project's allocations add up to, read with [`with_total`] under `name`.
pub(crate) fn total_in(row: &sea_orm::QueryResult, name: &str) -> StoreResult<salkku_domain::Money> {
    crate::store::convert::money(row.try_get("", name)?)
}

/// Every allocation, by year.
pub async fn all_by_year<C: ConnectionTrait>(c: &C) -> StoreResult<Vec<Allocation>> {
    all(allocation::Entity::find()
        .order_by_asc(allocation::Column::Year)
        .order_by_asc(allocation::Column::Id)
        .all(c)
        .await?)
}

pub(crate) async fn payment_by_id<C: ConnectionTrait>(c: &C, id: PaymentId) -> StoreResult<Option<Payment>> {
    payment::Entity::find_by_id(id.0).one(c).await?.map(Payment::try_from).transpose()
}

/// The payments of each allocation, by date.
pub async fn payments_of<C: ConnectionTrait>(c: &C, ids: &[AllocationId]) -> StoreResult<Vec<Payment>> {
    let keys: Vec<i64> = ids.iter().map(|i| i.0).collect();
    all(payment::Entity::find()
        .filter(one_of(c, payment::Column::AllocationId, keys))
        .order_by_asc(payment::Column::PaidOn)
        .order_by_asc(payment::Column::Id)
        .all(c)
        .await?)
}

/// Which allocations a list shows.
#[derive(Debug, Clone, Default)]
pub struct AllocationFilter {
    pub year: Option<i32>,
    pub recipient: Option<OrganizationId>,
    pub funder: Option<OrganizationId>,
}

/// Where a page of allocations (ordered by year, then id) starts.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct AllocationCursor {
    pub year: i32,
    pub id: i64,
}

impl AllocationCursor {
    pub fn of(a: &Allocation) -> Self {
        AllocationCursor { year: a.year, id: a.id.0 }
    }
}

fn condition(filter: &AllocationFilter) -> Condition {
    let mut cond = Condition::all();
    if let Some(year) = filter.year {
        cond = cond.add(allocation::Column::Year.eq(year));
    }
    if let Some(recipient) = filter.recipient {
        cond = cond.add(allocation::Column::RecipientId.eq(recipient.0));
    }
    if let Some(funder) = filter.funder {
        cond = cond.add(allocation::Column::FunderId.eq(funder.0));
    }
    cond
}

/// A page of allocations by year.
pub async fn list<C: ConnectionTrait>(
    c: &C,
    filter: &AllocationFilter,
    first: u64,
    after_cursor: Option<&AllocationCursor>,
    counted: bool,
) -> StoreResult<Page<Allocation>> {
    let total =
        crate::store::paging::count_if(c, counted, allocation::Entity::find().filter(condition(filter))).await?;
    let mut query = allocation::Entity::find().filter(condition(filter));
    if let Some(cursor) = after_cursor {
        query = query.filter(after(
            Expr::col((allocation::Entity, allocation::Column::Year)),
            Some(Expr::val(cursor.year)),
            Expr::col((allocation::Entity, allocation::Column::Id)),
            cursor.id,
            false,
            false,
        ));
    }
    let rows = query
        .order_by_asc(allocation::Column::Year)
        .order_by_asc(allocation::Column::Id)
        .limit(first + 1)
        .all(c)
        .await?;
    let (rows, has_next) = cut(rows, first);
    Ok(Page { items: all(rows)?, has_next, total })
}
