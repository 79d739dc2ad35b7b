//! State-aid allocations (valtionavustuspäätökset) and their payments (maksatukset).

use chrono::NaiveDate;
use salkku_domain::budget::check_year;
use salkku_domain::ids::{AllocationId, ApplicationId, NodeKind, OrganizationId, PaymentId};
use salkku_domain::{DomainError, Money};
use sea_orm::sea_query::{Condition, Expr, ExprTrait};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set};

use crate::convert::all;
use crate::entities::{allocation, application, organization, payment};
use crate::paging::{Page, after, cut};
use crate::records::{Allocation, Payment};
use crate::support::{one_of, referenced};
use crate::{Change, Db, StoreError, StoreResult, audit, idempotency};

#[derive(Debug, Clone)]
pub struct NewAllocation {
    pub funder: OrganizationId,
    pub recipient: OrganizationId,
    pub application: Option<ApplicationId>,
    pub year: i32,
    pub amount: Money,
    pub decision_date: Option<NaiveDate>,
    pub decision_ref: Option<String>,
}

#[derive(Debug, Clone)]
pub struct NewPayment {
    pub allocation: AllocationId,
    pub paid_on: NaiveDate,
    pub amount: Money,
    pub reference: Option<String>,
}

/// Records a state-aid decision.
pub async fn record(
    db: &Db,
    change: &Change<'_>,
    new: NewAllocation,
    idempotency_key: Option<&str>,
) -> StoreResult<Allocation> {
    let (actor, now) = (change.actor, change.at);
    check_year(new.year).map_err(|e| StoreError::rule("year", e))?;
    if new.amount.is_negative() {
        return Err(StoreError::rule("amount", DomainError::InvalidMoney("an allocation is zero or more".into())));
    }
    idempotency::once(
        db,
        idempotency::Request { actor, operation: change.operation, key: idempotency_key, now },
        |a: &Allocation| a.id.0,
        |tx| async move {
            referenced::<organization::Entity, _>(&*tx, "funderId", NodeKind::Organization, new.funder.0).await?;
            referenced::<organization::Entity, _>(&*tx, "recipientId", NodeKind::Organization, new.recipient.0).await?;
            if let Some(app) = new.application {
                referenced::<application::Entity, _>(&*tx, "applicationId", NodeKind::Application, app.0).await?;
            }
            let row = allocation::ActiveModel {
                funder_id: Set(new.funder.0),
                recipient_id: Set(new.recipient.0),
                application_id: Set(new.application.map(|a| a.0)),
                year: Set(new.year),
                amount_cents: Set(new.amount.cents()),
                paid_total_cents: Set(0),
                decision_date: Set(new.decision_date),
                decision_ref: Set(new.decision_ref),
                created_at: Set(now),
                updated_at: Set(now),
                version: Set(1),
                ..Default::default()
            }
            .insert(&*tx)
            .await?;
            let created = Allocation::try_from(row)?;
            if let Some(app) = created.application {
                crate::application_sums::refresh(&*tx, &[app]).await?;
                crate::portfolio_cells::sync(&*tx, &[app]).await?;
            }
            let mut objects = vec![created.id.global(), created.funder.global(), created.recipient.global()];
            objects.extend(created.application.map(|a| a.global()));
            audit::record(&*tx, change, &objects, None::<&()>, Some(&created)).await?;
            Ok((created, tx))
        },
        |db, id| async move {
            get(db.conn(), AllocationId(id)).await?.ok_or_else(|| StoreError::corrupt("replayed allocation is gone"))
        },
    )
    .await
}

/// Records a payment, unless it would take the allocation's payments above its amount. The check
/// and the new paid total are one conditional `UPDATE`, so concurrent payments cannot overpay.
pub async fn pay(db: &Db, change: &Change<'_>, new: NewPayment, idempotency_key: Option<&str>) -> StoreResult<Payment> {
    let (actor, now) = (change.actor, change.at);
    if new.amount.is_negative() || new.amount.is_zero() {
        return Err(StoreError::rule("amount", DomainError::InvalidMoney("a payment is more than zero".into())));
    }
    idempotency::once(
        db,
        idempotency::Request { actor, operation: change.operation, key: idempotency_key, now },
        |p: &Payment| p.id.0,
        |tx| async move {
            let target: Allocation = referenced::<allocation::Entity, _>(
                &*tx,
                "allocationId",
                NodeKind::StateAidAllocation,
                new.allocation.0,
            )
            .await?
            .try_into()?;
            let cents = new.amount.cents();
            let done = allocation::Entity::update_many()
                .col_expr(allocation::Column::PaidTotalCents, Expr::col(allocation::Column::PaidTotalCents).add(cents))
                .col_expr(allocation::Column::Version, Expr::col(allocation::Column::Version).add(1))
                .col_expr(allocation::Column::UpdatedAt, Expr::value(now))
                .filter(allocation::Column::Id.eq(new.allocation.0))
                .filter(
                    Expr::col(allocation::Column::PaidTotalCents)
                        .add(cents)
                        .lte(Expr::col(allocation::Column::AmountCents)),
                )
                .exec(&*tx)
                .await?;
            if done.rows_affected != 1 {
                let now_paid = get(&*tx, new.allocation).await?.map_or(target.paid_total, |a| a.paid_total);
                return Err(StoreError::Overpayment {
                    amount: new.amount.to_string(),
                    would_be: now_paid.checked_add(new.amount).map_or_else(|_| "more".into(), |m| m.to_string()),
                    allocated: target.amount.to_string(),
                });
            }
            let row = payment::ActiveModel {
                allocation_id: Set(new.allocation.0),
                paid_on: Set(new.paid_on),
                amount_cents: Set(cents),
                reference: Set(new.reference),
                created_at: Set(now),
                ..Default::default()
            }
            .insert(&*tx)
            .await?;
            let created = Payment::try_from(row)?;
            let after_allocation = get(&*tx, new.allocation).await?;
            audit::record(
                &*tx,
                change,
                &[created.id.global(), new.allocation.global()],
                Some(&target),
                Some(&(&created, after_allocation)),
            )
            .await?;
            Ok((created, tx))
        },
        |db, id| async move {
            payment_by_id(db.conn(), PaymentId(id))
                .await?
                .ok_or_else(|| StoreError::corrupt("replayed payment is gone"))
        },
    )
    .await
}

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

/// Every allocation, by year.
pub async fn all_by_year<C: ConnectionTrait>(c: &C) -> StoreResult<Vec<Allocation>> {
    all(allocation::Entity::find()
        .order_by_asc(allocation::Column::Year)
        .order_by_asc(allocation::Column::Id)
        .all(c)
        .await?)
}

async fn payment_by_id<C: ConnectionTrait>(c: &C, id: PaymentId) -> StoreResult<Option<Payment>> {
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
    let total = crate::paging::count_if(c, counted, allocation::Entity::find().filter(condition(filter))).await?;
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
