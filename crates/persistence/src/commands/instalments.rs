//! Payment instalments (maksuerät): an allocation's plan of payments, each due on a date, some
//! held until a report is accepted. Planned, then requested by the project, then paid by a
//! recorded payment (see `allocations::pay`), or cancelled.

use chrono::NaiveDate;
use salkku_domain::ids::{AllocationId, ApplicationId, InstalmentId, NodeKind, ReportId};
use salkku_domain::instalment::{self, InstalmentStatus};
use salkku_domain::report::ReportKind;
use salkku_domain::{Amount, ApplicationStatus, DomainError, Money, PaymentAmount};
use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect, QueryTrait, Set};

use crate::commands::{audit, idempotency};
use crate::entities::{allocation, application, instalment as row};
use crate::records::{Allocation, Instalment, Report};
use crate::store::batch::Writes;
use crate::store::support::{expect_version, referenced, target, versioned_update};
use crate::views::{allocations, instalments as views, reports};
use crate::{Change, Concerning, Db, StoreError, StoreResult};

/// One instalment of a plan.
#[derive(Debug, Clone)]
pub struct NewInstalment {
    pub due_on: NaiveDate,
    pub amount: PaymentAmount,
    /// The report whose acceptance the instalment waits for.
    pub condition: Option<ReportId>,
    pub label: Option<String>,
}

/// What to add to an allocation's plan.
#[derive(Debug, Clone)]
pub enum Plan {
    /// These instalments.
    These(Vec<NewInstalment>),
    /// The default plan: 60 % on the allocation's decision date (or `today`) and the rest when
    /// the project's final report is accepted, due with it.
    Default { today: NaiveDate },
}

fn rule(concerning: Concerning) -> impl Fn(DomainError) -> StoreError {
    move |e| StoreError::rule(concerning, e)
}

/// Adds instalments to an allocation's plan; the plan never sums above the allocation, and a
/// condition is a report of the allocation's own project. The allocation's row is held while
/// the plan is summed, so that two plans at once cannot both fit into the same remainder.
pub async fn plan(
    db: &Db,
    change: &Change<'_>,
    allocation_id: AllocationId,
    plan: Plan,
    idempotency_key: Option<&str>,
) -> StoreResult<Allocation> {
    idempotency::create(db, change, idempotency_key, async move |tx| {
        let unknown = || StoreError::UnknownReference {
            concerning: Concerning::Allocation,
            kind: NodeKind::StateAidAllocation,
            key: allocation_id.0,
        };
        // The project first, then the allocation: the order every command holds them in.
        let funding = allocations::get(tx, allocation_id).await?.ok_or_else(unknown)?.application;
        check_still_paying(tx, funding).await?;
        let held =
            allocation::Entity::find_by_id(allocation_id.0).lock_exclusive().one(tx).await?.ok_or_else(unknown)?;
        let target_allocation = Allocation::try_from(held)?;
        let existing = views::of_allocations(tx, &[allocation_id]).await?;
        // Payments made without an instalment took their share of the allocation already.
        let paid = allocations::payments_of(tx, &[allocation_id]).await?;
        let mut planned = views::taken(&existing, &paid)?;
        let instalments = match plan {
            Plan::These(list) => list,
            Plan::Default { today } => default_plan(tx, &target_allocation, planned, today).await?,
        };
        let mut created = Vec::with_capacity(instalments.len());
        for new in instalments {
            instalment::check_plan(target_allocation.amount, planned, new.amount.money())
                .map_err(rule(Concerning::Amount))?;
            if let Some(report) = new.condition {
                let found: Report = referenced::<crate::entities::report_obligation::Entity, _>(
                    tx,
                    Concerning::Condition,
                    NodeKind::ReportObligation,
                    report.0,
                )
                .await?
                .try_into()?;
                if Some(found.application) != target_allocation.application {
                    return Err(StoreError::rule(Concerning::Condition, another_projects_report()));
                }
            }
            planned = planned.checked_add(new.amount.money())?;
            let saved = row::ActiveModel {
                allocation_id: Set(allocation_id.0),
                due_on: Set(new.due_on),
                amount_cents: Set(new.amount.cents()),
                condition_report_id: Set(new.condition.map(|r| r.0)),
                status: Set(InstalmentStatus::Planned.as_str().to_owned()),
                label: Set(new.label),
                created_at: Set(change.at),
                updated_at: Set(change.at),
                version: Set(1),
                ..Default::default()
            }
            .insert(tx)
            .await?;
            created.push(Instalment::try_from(saved)?);
        }
        // The allocation's plan changed: its version goes up, as on every change to it.
        allocation::Entity::update_many()
            .col_expr(allocation::Column::Version, Expr::col(allocation::Column::Version).add(1))
            .col_expr(allocation::Column::UpdatedAt, Expr::value(change.at))
            .filter(allocation::Column::Id.eq(allocation_id.0))
            .exec(tx)
            .await?;
        let mut objects: Vec<String> = created.iter().map(|i| i.id.global()).collect();
        objects.push(allocation_id.global());
        audit::record(tx, change, &objects, None::<&()>, Some(&created)).await?;
        allocations::get(tx, allocation_id).await?.ok_or_else(|| StoreError::corrupt("a planned allocation vanished"))
    })
    .await
}

fn another_projects_report() -> DomainError {
    DomainError::InvalidCode(salkku_domain::message!(
        fi: "maksuerän ehtona on saman hankkeen selvitys",
        sv: "villkoret för en betalningspost är en redovisning i samma projekt",
        en: "an instalment waits for a report of the allocation's own project",
    ))
}

/// 60 % of what is still unplanned at once, the rest after the final report.
async fn default_plan<C: ConnectionTrait>(
    c: &C,
    target: &Allocation,
    planned: Money,
    today: NaiveDate,
) -> StoreResult<Vec<NewInstalment>> {
    let unplanned = target.amount.checked_sub(planned)?.at_least_zero();
    let (first, rest) = instalment::default_split(unplanned);
    let last_report = match target.application {
        Some(project) => {
            let owed = reports::of_applications(c, &[project]).await?;
            owed.into_iter().filter(|r| r.kind == ReportKind::Final).min_by_key(|r| r.id)
        }
        None => None,
    };
    let Some(last_report) = last_report else {
        return Err(StoreError::rule(
            Concerning::Allocation,
            DomainError::InvalidCode(salkku_domain::message!(
                fi: "oletusmaksusuunnitelma pidättää viimeisen erän loppuselvitykseen: hankkeella ei ole loppuselvitystä",
                sv: "standardplanen håller inne den sista posten till slutredovisningen: projektet har ingen slutredovisning",
                en: "the default plan holds its last instalment for the final report: the project has no final report",
            )),
        ));
    };
    let mut out = Vec::new();
    if first > Money::ZERO {
        out.push(NewInstalment {
            due_on: target.decision_date.unwrap_or(today),
            amount: PaymentAmount::new(Amount::new(first)?)?,
            condition: None,
            label: Some("1".into()),
        });
    }
    if rest > Money::ZERO {
        out.push(NewInstalment {
            due_on: last_report.due_on,
            amount: PaymentAmount::new(Amount::new(rest)?)?,
            condition: Some(last_report.id),
            label: Some("2".into()),
        });
    }
    Ok(out)
}

/// Requests an instalment's payment: only once the report it waits for is accepted.
pub async fn request(db: &Db, change: &Change<'_>, id: InstalmentId, expected_version: i32) -> StoreResult<Instalment> {
    move_to(db, change, id, expected_version, InstalmentStatus::Requested).await
}

/// Cancels an instalment that is not paid; it no longer counts in the plan.
pub async fn cancel(db: &Db, change: &Change<'_>, id: InstalmentId, expected_version: i32) -> StoreResult<Instalment> {
    move_to(db, change, id, expected_version, InstalmentStatus::Cancelled).await
}

async fn move_to(
    db: &Db,
    change: &Change<'_>,
    id: InstalmentId,
    expected_version: i32,
    to: InstalmentStatus,
) -> StoreResult<Instalment> {
    let tx = db.begin_write().await?;
    let c = &*tx;
    let current = load(c, id).await?;
    expect_version(NodeKind::Instalment, expected_version, current.version)?;
    current.status.move_to(to).map_err(rule(Concerning::Instalment))?;
    if to == InstalmentStatus::Requested {
        let funding = allocations::get(c, current.allocation).await?.and_then(|a| a.application);
        check_still_paying(c, funding).await?;
        check_condition(c, &current).await?;
    }
    let mut update = row::Entity::update_many()
        .col_expr(row::Column::Status, Expr::value(to.as_str()))
        .col_expr(row::Column::UpdatedAt, Expr::value(change.at));
    if to == InstalmentStatus::Requested {
        update = update.col_expr(row::Column::RequestedAt, Expr::value(Some(change.at)));
    }
    versioned_update(c, id.0, expected_version, update).await?;
    let moved = load(c, id).await?;
    audit::record(c, change, &[id.global(), current.allocation.global()], Some(&current), Some(&moved)).await?;
    tx.commit().await?;
    Ok(moved)
}

/// An instalment held by a report waits until the report is accepted.
pub(crate) async fn check_condition<C: ConnectionTrait>(c: &C, held: &Instalment) -> StoreResult<()> {
    let status = match held.condition {
        Some(report) => reports::get(c, report).await?.map(|r| r.status),
        None => None,
    };
    instalment::check_condition(status).map_err(rule(Concerning::Instalment))
}

pub(crate) async fn load<C: ConnectionTrait>(c: &C, id: InstalmentId) -> StoreResult<Instalment> {
    target::<row::Entity, _>(c, NodeKind::Instalment, id.0).await?.try_into()
}

/// Marks a requested instalment paid by a payment of its amount on `paid_on`; refused while the
/// instalment is held by its report or not yet requested.
pub(crate) async fn settle<C: ConnectionTrait>(
    c: &C,
    held: &Instalment,
    amount: Money,
    paid_on: NaiveDate,
    now: chrono::DateTime<chrono::Utc>,
) -> StoreResult<()> {
    check_condition(c, held).await?;
    held.status.move_to(InstalmentStatus::Paid).map_err(rule(Concerning::Instalment))?;
    instalment::check_settles(held.amount, amount).map_err(rule(Concerning::Amount))?;
    let update = row::Entity::update_many()
        .col_expr(row::Column::Status, Expr::value(InstalmentStatus::Paid.as_str()))
        .col_expr(row::Column::PaidOn, Expr::value(Some(paid_on)))
        .col_expr(row::Column::UpdatedAt, Expr::value(now));
    versioned_update(c, held.id.0, held.version, update).await
}

/// Adds to `writes` the cancelling of every instalment of the project's allocations that is not
/// paid (as closing a project does: nothing more is paid).
pub(crate) fn add_cancel_unpaid(writes: &mut Writes, project: ApplicationId, now: chrono::DateTime<chrono::Utc>) {
    let open = [InstalmentStatus::Planned.as_str(), InstalmentStatus::Requested.as_str()];
    let funded = Query::select()
        .column(allocation::Column::Id)
        .from(allocation::Entity)
        .and_where(allocation::Column::ApplicationId.eq(project.0))
        .to_owned();
    let cancel = row::Entity::update_many()
        .col_expr(row::Column::Status, Expr::value(InstalmentStatus::Cancelled.as_str()))
        .col_expr(row::Column::UpdatedAt, Expr::value(now))
        .col_expr(row::Column::Version, Expr::col(row::Column::Version).add(1))
        .filter(row::Column::AllocationId.in_subquery(funded))
        .filter(row::Column::Status.is_in(open));
    writes.push(&cancel.into_query());
}

/// Nothing more is planned, requested or paid for a closed project: its account is settled. The
/// project's row is held (on PostgreSQL) so that closing it waits for this change, or this for it.
pub(crate) async fn check_still_paying<C: ConnectionTrait>(c: &C, project: Option<ApplicationId>) -> StoreResult<()> {
    let Some(project) = project else { return Ok(()) };
    let row = application::Entity::find_by_id(project.0).lock_exclusive().one(c).await?;
    check_still_paying_at(row.map(|r| r.status).as_deref())
}

/// [`check_still_paying`] for a project whose status (if it has one) was read, held, beside
/// the command's other rows.
pub(crate) fn check_still_paying_at(status: Option<&str>) -> StoreResult<()> {
    if status == Some(ApplicationStatus::Closed.as_str()) {
        return Err(StoreError::rule(
            Concerning::Allocation,
            DomainError::InvalidCode(salkku_domain::message!(
                fi: "hanke on suljettu ja sen loppulaskelma tasattu: sille ei enää suunnitella, haeta eikä makseta mitään",
                sv: "projektet är stängt och dess slutredovisning reglerad: inget mer planeras, begärs eller betalas",
                en: "the project is closed and its account settled: nothing more is planned, requested or paid",
            )),
        ));
    }
    Ok(())
}

/// When a report's due date moves, the instalments still planned that wait for it move by as
/// many days, so that the cash flow shows them where they will fall.
pub(crate) async fn follow_report<C: ConnectionTrait>(
    c: &C,
    report: &Report,
    new_due: NaiveDate,
    now: chrono::DateTime<chrono::Utc>,
) -> StoreResult<()> {
    let moved_by = new_due - report.due_on;
    if moved_by.is_zero() {
        return Ok(());
    }
    let waiting = row::Entity::find()
        .filter(row::Column::ConditionReportId.eq(report.id.0))
        .filter(row::Column::Status.eq(InstalmentStatus::Planned.as_str()))
        .all(c)
        .await?;
    for held in waiting {
        let due_on = held.due_on.checked_add_signed(moved_by).unwrap_or(held.due_on);
        row::Entity::update_many()
            .col_expr(row::Column::DueOn, Expr::value(due_on))
            .col_expr(row::Column::UpdatedAt, Expr::value(now))
            .col_expr(row::Column::Version, Expr::col(row::Column::Version).add(1))
            .filter(row::Column::Id.eq(held.id))
            .exec(c)
            .await?;
    }
    Ok(())
}
