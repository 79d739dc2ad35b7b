//! State-aid allocations (valtionavustuspäätökset) and their payments (maksatukset).

use chrono::NaiveDate;
use salkku_domain::budget::check_year;
use salkku_domain::budget_version::{check_within_granted_aid, is_granted};
use salkku_domain::ids::{AllocationId, ApplicationId, DecisionId, InstalmentId, NodeKind, OrganizationId};
use salkku_domain::{Amount, ApplicationStatus, PaymentAmount};
use sea_orm::sea_query::{Alias, Expr, ExprTrait, LockType, Query};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbBackend, EntityName, EntityTrait, FromQueryResult, IdenStatic,
    IntoActiveModel, Iterable, QueryFilter, QuerySelect, QueryTrait, Set,
};

use crate::Concerning;
use crate::commands::audit;
use crate::commands::{decisions, idempotency, instalments};
use crate::derived::{self, Changed};
use crate::entities::{allocation, application, organization, payment};
use crate::records::{Allocation, Payment};
use crate::store::batch::Writes;
use crate::store::held as store_held;
use crate::store::support::referenced;
use crate::views::allocations;
use crate::views::budget_versions;
use crate::{Change, Db, StoreError, StoreResult};

#[derive(Debug, Clone)]
pub struct NewAllocation {
    pub funder: OrganizationId,
    pub recipient: OrganizationId,
    pub application: Option<ApplicationId>,
    pub year: i32,
    pub amount: Amount,
    pub decision_date: Option<NaiveDate>,
    pub decision_ref: Option<String>,
    /// The state-aid decision on record.
    pub decision: Option<DecisionId>,
}

#[derive(Debug, Clone)]
pub struct NewPayment {
    pub allocation: AllocationId,
    pub paid_on: NaiveDate,
    pub amount: PaymentAmount,
    pub reference: Option<String>,
    /// The instalment the payment settles: requested, not held by its report, of this amount.
    pub instalment: Option<InstalmentId>,
}

/// A granted project's allocations share out its granted state aid and may not exceed it. The
/// application's row is locked first (on PostgreSQL), so two allocations at once cannot both fit
/// into the same remainder. Before the grant decision there is no granted aid to hold them to;
/// the decision itself checks the allocations recorded by then.
async fn check_within_granted_aid_of<C: ConnectionTrait>(c: &C, id: ApplicationId, amount: Amount) -> StoreResult<()> {
    let row =
        application::Entity::find_by_id(id.0).lock_exclusive().one(c).await?.ok_or(StoreError::UnknownReference {
            concerning: Concerning::Application,
            kind: NodeKind::Application,
            key: id.0,
        })?;
    let status = ApplicationStatus::parse(&row.status).map_err(|e| StoreError::corrupt(e.to_string()))?;
    if !is_granted(status) {
        return Ok(());
    }
    let granted = budget_versions::in_force(c, id).await?.state_aid;
    let allocated = allocations::total_of(c, id).await?;
    check_within_granted_aid(granted, allocated, amount.money())
        .map_err(|e| StoreError::rule(Concerning::AllocationAmount, e))
}

/// Records a state-aid decision.
pub async fn record(
    db: &Db,
    change: &Change<'_>,
    new: NewAllocation,
    idempotency_key: Option<&str>,
) -> StoreResult<Allocation> {
    let now = change.at;
    check_year(new.year).map_err(|e| StoreError::rule(Concerning::Year, e))?;
    idempotency::create(db, change, idempotency_key, async move |tx| {
        referenced::<organization::Entity, _>(tx, Concerning::Funder, NodeKind::Organization, new.funder.0).await?;
        referenced::<organization::Entity, _>(tx, Concerning::Recipient, NodeKind::Organization, new.recipient.0)
            .await?;
        if let Some(app) = new.application {
            check_within_granted_aid_of(tx, app, new.amount).await?;
        }
        decisions::check_fits(tx, new.decision, new.application, None).await?;
        let row = allocation::ActiveModel {
            funder_id: Set(new.funder.0),
            recipient_id: Set(new.recipient.0),
            application_id: Set(new.application.map(|a| a.0)),
            year: Set(new.year),
            amount_cents: Set(new.amount.cents()),
            paid_total_cents: Set(0),
            decision_date: Set(new.decision_date),
            decision_ref: Set(new.decision_ref),
            decision_id: Set(new.decision.map(|d| d.0)),
            created_at: Set(now),
            updated_at: Set(now),
            version: Set(1),
            ..Default::default()
        }
        .insert(tx)
        .await?;
        let created = Allocation::try_from(row)?;
        if let Some(app) = created.application {
            derived::after(tx, Changed::applications(&[app]).with_sums(true)).await?;
        }
        let mut objects = vec![created.id.global(), created.funder.global(), created.recipient.global()];
        objects.extend(created.application.map(|a| a.global()));
        audit::record(tx, change, &objects, None::<&()>, Some(&created)).await?;
        Ok(created)
    })
    .await
}

fn another_allocations_instalment() -> salkku_domain::DomainError {
    salkku_domain::DomainError::InvalidCode(salkku_domain::message!(
        fi: "maksuerä kuuluu toiseen myöntöön",
        sv: "betalningsposten hör till en annan tilldelning",
        en: "the instalment belongs to another allocation",
    ))
}

/// Records a payment, unless it would take the allocation's payments above its amount. The
/// allocation is read held (`FOR UPDATE`), with its project's status held too (closing a project
/// waits for a payment, or a payment for the closing) and the payment's key: one statement; the
/// new paid total is the held one plus this payment, and the update, the payment and the audit
/// entry go out as one more. A `CHECK (paid_total <= amount)` backs the rule in the database.
pub async fn pay(db: &Db, change: &Change<'_>, new: NewPayment, idempotency_key: Option<&str>) -> StoreResult<Payment> {
    let now = change.at;
    idempotency::create(db, change, idempotency_key, async move |tx| {
        let backend = tx.get_database_backend();
        let held = held_for_payment(tx, new.allocation).await?;
        let target = held.allocation;
        instalments::check_still_paying_at(held.project_status.as_deref())?;
        if let Some(id) = new.instalment {
            let settled: crate::records::Instalment = referenced::<crate::entities::instalment::Entity, _>(
                tx,
                Concerning::Instalment,
                NodeKind::Instalment,
                id.0,
            )
            .await?
            .try_into()?;
            if settled.allocation != new.allocation {
                return Err(StoreError::rule(Concerning::Instalment, another_allocations_instalment()));
            }
            instalments::settle(tx, &settled, new.amount.money(), new.paid_on, now).await?;
        }
        let overpaid = || StoreError::Overpayment {
            amount: new.amount.to_string(),
            would_be: target
                .paid_total
                .checked_add(new.amount.money())
                .map_or_else(|_| "more".into(), |m| m.to_string()),
            allocated: target.amount.to_string(),
        };
        let paid = target.paid_total.checked_add(new.amount.money()).map_err(|_| overpaid())?;
        if paid > target.amount {
            return Err(overpaid());
        }
        let mut writes = Writes::new(backend);
        let update = allocation::Entity::update_many()
            .col_expr(allocation::Column::PaidTotalCents, Expr::value(paid.cents()))
            .col_expr(allocation::Column::Version, Expr::col(allocation::Column::Version).add(1))
            .col_expr(allocation::Column::UpdatedAt, Expr::value(now))
            .filter(allocation::Column::Id.eq(new.allocation.0));
        writes.push(&update.into_query());
        let row = payment::Model {
            id: held.payment_key,
            allocation_id: new.allocation.0,
            paid_on: new.paid_on,
            amount_cents: new.amount.cents(),
            reference: new.reference,
            created_at: now,
            instalment_id: new.instalment.map(|i| i.0),
        };
        let created = Payment::try_from(row.clone())?;
        writes.push(&payment::Entity::insert(row.into_active_model()).into_query());
        let after_allocation = Allocation { paid_total: paid, version: target.version + 1, ..target.clone() };
        audit::add(
            &mut writes,
            change,
            &[created.id.global(), new.allocation.global()],
            Some(&target),
            Some(&(&created, Some(after_allocation))),
        )?;
        writes.run(tx).await?;
        Ok(created)
    })
    .await
}

/// What recording a payment reads before it writes.
struct HeldForPayment {
    allocation: Allocation,
    /// Its project's status, if it funds one.
    project_status: Option<String>,
    payment_key: i64,
}

/// The allocation and its project's status, both held (on PostgreSQL) until the transaction
/// ends, the project's first, as closing a project holds it; and the key of the payment to add.
async fn held_for_payment<C: ConnectionTrait>(c: &C, id: AllocationId) -> StoreResult<HeldForPayment> {
    let backend = c.get_database_backend();
    let mut query = Query::select();
    query.from(allocation::Entity);
    for column in allocation::Column::iter() {
        query.expr_as(Expr::col((allocation::Entity, column)), Alias::new(format!("{HELD}{}", column.as_str())));
    }
    // Held in the statement that reads it: a project being closed is waited for.
    let lock = if backend == DbBackend::Postgres { " FOR UPDATE" } else { "" };
    let table = allocation::Entity.table_name();
    query.expr_as(
        Expr::cust(format!("(SELECT p.status FROM applications p WHERE p.id = {table}.application_id{lock})")),
        Alias::new("project_status"),
    );
    query.expr_as(store_held::next_key(backend, payment::Entity.table_name(), 0), Alias::new("payment_key"));
    query.and_where(Expr::col((allocation::Entity, allocation::Column::Id)).eq(id.0));
    query.lock_with_tables(LockType::Update, [allocation::Entity]);
    let row = c.query_one_raw(backend.build(&query)).await?.ok_or(StoreError::UnknownReference {
        concerning: Concerning::Allocation,
        kind: NodeKind::StateAidAllocation,
        key: id.0,
    })?;
    Ok(HeldForPayment {
        allocation: allocation::Model::from_query_result(&row, HELD)?.try_into()?,
        project_status: row.try_get("", "project_status")?,
        payment_key: row.try_get("", "payment_key")?,
    })
}

/// The prefix of the allocation's own columns in [`held_for_payment`]'s row.
const HELD: &str = "held_";
