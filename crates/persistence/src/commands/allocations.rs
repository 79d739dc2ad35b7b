//! State-aid allocations (valtionavustuspäätökset) and their payments (maksatukset).

use chrono::NaiveDate;
use salkku_domain::budget::check_year;
use salkku_domain::budget_version::{check_within_granted_aid, is_granted};
use salkku_domain::ids::{AllocationId, ApplicationId, DecisionId, InstalmentId, NodeKind, OrganizationId};
use salkku_domain::{Amount, PaymentAmount};
use sea_orm::sea_query::{Alias, Expr, ExprTrait, Query};
use sea_orm::{ColumnTrait, ConnectionTrait, DbBackend, EntityName, EntityTrait, QueryFilter, QueryResult, QueryTrait};

use crate::Concerning;
use crate::commands::audit;
use crate::commands::{decisions, idempotency, instalments};
use crate::derived::{self, Standing, Sum};
use crate::entities::{allocation, application, budget_version, payment};
use crate::records::{Allocation, Payment};
use crate::store::batch::Writes;
use crate::store::convert::money;
use crate::store::held::{self as store_held, Reference};
use crate::store::support::check_written;
use crate::{Backend, Change, Db, StoreError, StoreResult};

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

/// Records a state-aid allocation. What it depends on is read in one statement: its project
/// held (or read with its mark, below), with its allocations so far summed (its granted sum and cells move with it, and a
/// granted project's allocations stay within the aid in force), the funder and recipient, the
/// decision named and the allocation's key; the allocation, the project's granted sum and cells
/// and the audit entry are written as one more.
///
/// A granted project's allocations share out its granted state aid and may not exceed it. The
/// application's row is locked first (on PostgreSQL), or read with its mark and the writes kept
/// only while it bears it, so two allocations at once cannot both fit into the same remainder.
/// Before the grant decision there is no granted aid to hold them to; the decision itself checks
/// the allocations recorded by then.
///
/// On PostgreSQL without an idempotency key it reads and then writes without a transaction, as
/// addCommitment does: the project is read with its row's mark instead of held, and the writes are
/// one statement kept only while the row bears it (an allocation of no project depends on no row
/// that may move: its one statement stands alone). With a key, or when the row moved, it reads
/// again in a transaction that holds the row, as SQLite always does.
pub async fn record(
    db: &Db,
    change: &Change<'_>,
    new: NewAllocation,
    idempotency_key: Option<&str>,
) -> StoreResult<Allocation> {
    check_year(new.year).map_err(|e| StoreError::rule(Concerning::Year, e))?;
    if db.backend() == Backend::Postgres && idempotency_key.is_none() {
        match write_allocation(db.conn(), change, new.clone(), false).await {
            Err(StoreError::InTransaction) => {}
            done => return done,
        }
    }
    idempotency::create(db, change, idempotency_key, async move |tx| write_allocation(tx, change, new, true).await)
        .await
}

/// recordAllocation's read, checks and writes; `hold`, the read holds the project's row (see
/// [`record`]).
async fn write_allocation<C: ConnectionTrait>(
    c: &C,
    change: &Change<'_>,
    new: NewAllocation,
    hold: bool,
) -> StoreResult<Allocation> {
    let now = change.at;
    let backend = c.get_database_backend();
    let named = [
        Reference::organization(Concerning::Funder, new.funder.0),
        Reference::organization(Concerning::Recipient, new.recipient.0),
    ];
    let mut query = Query::select();
    store_held::with_references(&mut query, &named);
    decisions::with_decision(&mut query, new.decision);
    query.expr_as(store_held::next_key(backend, allocation::Entity.table_name(), 0), Alias::new("allocation_key"));
    let unknown = |concerning, kind, key| StoreError::UnknownReference { concerning, kind, key };
    let found = |row: &QueryResult| store_held::check_references(row, &named);
    // The references alone, read again only when the project is not there: a funder or a
    // recipient not there is reported first, as the contract's field order has it.
    let references = query.clone();
    let (row, mark) = match new.application {
        Some(app) => {
            query.from(application::Entity);
            store_held::with_columns(&mut query);
            derived::select_standing(&mut query, true);
            let in_force = Query::select()
                .column(budget_version::Column::StateAidCents)
                .from(budget_version::Entity)
                .and_where(
                    Expr::col((budget_version::Entity, budget_version::Column::ApplicationId))
                        .equals((application::Entity, application::Column::Id)),
                )
                .and_where(Expr::col((budget_version::Entity, budget_version::Column::InForce)).eq(true))
                .to_owned();
            query.expr_as(Expr::SubQuery(None, Box::new(in_force.into())), Alias::new("aid_in_force"));
            // Its allocations so far, summed from their rows (PostgreSQL sums BIGINT as
            // NUMERIC: cast back).
            query.expr_as(
                Expr::cust(
                    "(SELECT CAST(coalesce(sum(s.amount_cents), 0) AS BIGINT) FROM state_aid_allocations s \
                     WHERE s.application_id = applications.id)",
                ),
                Alias::new("allocated"),
            );
            query.and_where(Expr::col((application::Entity, application::Column::Id)).eq(app.0));
            let missing = || unknown(Concerning::Application, NodeKind::Application, app.0);
            match store_held::read_held_or_marked(c, query, &[], hold, missing).await {
                Err(StoreError::UnknownReference { concerning: Concerning::Application, .. }) => {
                    found(&store_held::read_values(c, references).await?)?;
                    return Err(missing());
                }
                read => read?,
            }
        }
        None => (store_held::read_values(c, query).await?, None),
    };
    found(&row)?;
    let model = allocation::Model {
        id: row.try_get("", "allocation_key")?,
        funder_id: new.funder.0,
        recipient_id: new.recipient.0,
        application_id: new.application.map(|a| a.0),
        year: new.year,
        amount_cents: new.amount.cents(),
        paid_total_cents: 0,
        decision_date: new.decision_date,
        decision_ref: new.decision_ref,
        created_at: now,
        updated_at: now,
        version: 1,
        decision_id: new.decision.map(|d| d.0),
    };
    let created = Allocation::try_from(model.clone())?;
    let mut writes = Writes::new(backend);
    writes.insert(model);
    if let Some(app) = new.application {
        // Without a transaction, the writes are kept only while the project's row is as read.
        writes.held_or_marked(app, mark);
        let project = store_held::application(&row)?;
        let standing = Standing::of(&row, true)?;
        let allocated = money(row.try_get("", "allocated")?)?;
        if is_granted(project.status) {
            let aid: Option<i64> = row.try_get("", "aid_in_force")?;
            let aid = aid
                .ok_or_else(|| StoreError::corrupt(format!("application {} has no budget version in force", app.0)))?;
            check_within_granted_aid(money(aid)?, allocated, new.amount.money())
                .map_err(|e| StoreError::rule(Concerning::AllocationAmount, e))?;
        }
        let granted = allocated
            .checked_add(new.amount.money())
            .map_err(|e| StoreError::rule(Concerning::AllocationAmount, e))?
            .cents();
        derived::set_sum(&mut writes, app, Sum::Granted, granted);
        standing.with_granted(granted).sync(&mut writes)?;
    }
    decisions::check_read_fits(&row, new.decision, new.application, None)?;
    let mut objects = vec![created.id.global(), created.funder.global(), created.recipient.global()];
    objects.extend(created.application.map(|a| a.global()));
    audit::add(&mut writes, change, &objects, None::<&()>, Some(&created))?;
    writes.run(c).await?;
    Ok(created)
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
///
/// On PostgreSQL a payment without an idempotency key reads and then writes without a
/// transaction, two round trips instead of four, as setBudget does: the read holds nothing and
/// takes the marks of the allocation's row and its project's, and the writes are one statement
/// kept only while both rows bear them (and the instalment it settles is at the version read).
/// When another command changed either in between, it reads again in a transaction that holds
/// them, and so always comes to an answer. A payment with a key keeps its transaction, where the
/// key is stored with it.
pub async fn pay(db: &Db, change: &Change<'_>, new: NewPayment, idempotency_key: Option<&str>) -> StoreResult<Payment> {
    if db.backend() == Backend::Postgres && idempotency_key.is_none() {
        let held = held_for_payment(db.conn(), new.allocation, new.instalment, false).await?;
        match record_payment(db.conn(), change, &new, held).await {
            Err(StoreError::InTransaction) => {}
            done => return done,
        }
    }
    idempotency::create(db, change, idempotency_key, async move |tx| {
        let held = held_for_payment(tx, new.allocation, new.instalment, true).await?;
        record_payment(tx, change, &new, held).await
    })
    .await
}

/// recordPayment's checks and writes, on what [`held_for_payment`] read.
async fn record_payment<C: ConnectionTrait>(
    c: &C,
    change: &Change<'_>,
    new: &NewPayment,
    held: HeldForPayment,
) -> StoreResult<Payment> {
    let now = change.at;
    let target = held.allocation;
    instalments::check_still_paying_at(held.project_status.as_deref())?;
    let mut writes = Writes::new(c.get_database_backend());
    match (&held.as_read, target.application) {
        (Some((_, Some(mark))), Some(project)) => writes.unless_moved(project, mark.clone()),
        // A project without a mark (none read): the transaction decides.
        (Some(_), Some(_)) => return Err(StoreError::InTransaction),
        (Some(_), None) => writes.unheld(),
        (None, Some(project)) => writes.holding(project),
        (None, None) => {}
    }
    // The instalment settled, at the version read: its move is checked once written.
    let mut settled_at = None;
    if let Some(id) = new.instalment {
        let (settled, condition) = instalments::settled_in(&held.row)?;
        let settled = settled.ok_or(StoreError::UnknownReference {
            concerning: Concerning::Instalment,
            kind: NodeKind::Instalment,
            key: id.0,
        })?;
        if settled.allocation != new.allocation {
            return Err(StoreError::rule(Concerning::Instalment, another_allocations_instalment()));
        }
        instalments::add_settle(&mut writes, &settled, condition, (new.amount.money(), new.paid_on), now)?;
        settled_at = Some((settled.id.0, settled.version));
    }
    let overpaid = || StoreError::Overpayment {
        amount: new.amount.to_string(),
        would_be: target.paid_total.checked_add(new.amount.money()).map_or_else(|_| "more".into(), |m| m.to_string()),
        allocated: target.amount.to_string(),
    };
    let paid = target.paid_total.checked_add(new.amount.money()).map_err(|_| overpaid())?;
    if paid > target.amount {
        return Err(overpaid());
    }
    let mut update = allocation::Entity::update_many()
        .col_expr(allocation::Column::PaidTotalCents, Expr::value(paid.cents()))
        .col_expr(allocation::Column::Version, Expr::col(allocation::Column::Version).add(1))
        .col_expr(allocation::Column::UpdatedAt, Expr::value(now))
        .filter(allocation::Column::Id.eq(new.allocation.0));
    match &held.as_read {
        Some((mark, _)) => {
            // The new paid total is the one read plus this payment: kept only on the row as read.
            update = update.filter(store_held::allocation_is_as_read(mark));
            writes.push_named(PAID, update.into_query().returning_col(allocation::Column::Id));
            // Checked in the order every command takes the rows: the project (its sign), the
            // allocation, then the instalment.
            writes.must_find(PAID);
            if settled_at.is_some() {
                writes.must_find(instalments::SETTLE);
            }
        }
        None => writes.push(&update.into_query()),
    }
    let row = payment::Model {
        id: held.payment_key,
        allocation_id: new.allocation.0,
        paid_on: new.paid_on,
        amount_cents: new.amount.cents(),
        reference: new.reference.clone(),
        created_at: now,
        instalment_id: new.instalment.map(|i| i.0),
    };
    let created = Payment::try_from(row.clone())?;
    writes.insert(row);
    let after_allocation = Allocation { paid_total: paid, version: target.version + 1, ..target.clone() };
    audit::add(
        &mut writes,
        change,
        &[created.id.global(), new.allocation.global()],
        Some(&target),
        Some(&(&created, Some(after_allocation))),
    )?;
    let settled = writes.run_returning(c, settled_at.map(|_| instalments::SETTLE)).await?;
    if let Some((id, version)) = settled_at {
        check_written::<crate::entities::instalment::Entity, _>(c, &settled, id, version).await?;
    }
    Ok(created)
}

/// The name a payment's update of its allocation goes by among its writes.
const PAID: &str = "paid";

/// What recording a payment reads before it writes.
struct HeldForPayment {
    allocation: Allocation,
    /// Its project's status, if it funds one.
    project_status: Option<String>,
    payment_key: i64,
    /// The instalment the payment settles, read with the rest (`instalments::settled_in`).
    row: QueryResult,
    /// The marks of the allocation's row and its project's, when read without holding them (on
    /// PostgreSQL).
    as_read: Option<(String, Option<String>)>,
}

/// The allocation and its project's status, both held (on PostgreSQL) until the transaction
/// ends, the project's first, as closing a project holds it; the key of the payment to add; and
/// the instalment it settles, if it names one, with the status of the report that instalment waits
/// for. A move of the instalment holds the allocation too (it raises its version), so one that
/// committed while this read waited is read again with the allocation. Not `hold`, on
/// PostgreSQL, it holds nothing and reads the marks of both rows as read instead.
async fn held_for_payment<C: ConnectionTrait>(
    c: &C,
    id: AllocationId,
    settles: Option<InstalmentId>,
    hold: bool,
) -> StoreResult<HeldForPayment> {
    let backend = c.get_database_backend();
    let unheld = !hold && backend == DbBackend::Postgres;
    let mut query =
        if unheld { store_held::allocation_query_unheld(id) } else { store_held::allocation_query(backend, id) };
    query.expr_as(store_held::next_key(backend, payment::Entity.table_name(), 0), Alias::new("payment_key"));
    if let Some(instalment) = settles {
        instalments::with_settled(backend, &mut query, instalment);
    }
    let row = if unheld {
        store_held::read_allocation_unheld(c, query, id).await?
    } else {
        store_held::read_allocation(c, query, id).await?
    };
    Ok(HeldForPayment {
        allocation: store_held::allocation(&row)?,
        project_status: row.try_get("", "project_status")?,
        payment_key: row.try_get("", "payment_key")?,
        as_read: if unheld { Some(store_held::allocation_as_read(&row)?) } else { None },
        row,
    })
}
