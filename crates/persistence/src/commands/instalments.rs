//! Payment instalments (maksuerät): an allocation's plan of payments, each due on a date, some
//! held until a report is accepted. Planned, then requested by the project, then paid by a
//! recorded payment (see `allocations::pay`), or cancelled.

use chrono::NaiveDate;
use salkku_domain::ids::{AllocationId, ApplicationId, InstalmentId, NodeKind, ReportId};
use salkku_domain::instalment::{self, InstalmentStatus};
use salkku_domain::report::{ReportKind, ReportStatus};
use salkku_domain::{Amount, ApplicationStatus, DomainError, Money, PaymentAmount};
use sea_orm::sea_query::{Alias, Expr, ExprTrait, Func, LockType, Query, SelectStatement};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbBackend, EntityName, EntityTrait, IntoActiveModel, QueryFilter, QueryResult,
    QueryTrait,
};

use crate::commands::{audit, idempotency, involvement};
use crate::entities::{allocation, instalment as row, payment, report_obligation};
use crate::records::{Allocation, Instalment, PlannedAllocation, Report};
use crate::store::batch::Writes;
use crate::store::convert::{all, money, parsed};
use crate::store::held as store_held;
use crate::store::nested::{Children, children, with_children, with_children_of};
use crate::store::support::{add_versioned, bound, expect_version, version_checked};
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
/// condition is a report of the allocation's own project. The allocation is read held in one
/// statement (its project's status held first, so that closing the project waits, or this for
/// it), with what its plan and its payments outside the plan took of it, the projects of the
/// reports named as conditions, the project's first final report, the plan as it stands and the
/// new instalments' keys; the instalments, the allocation's new version and the audit entry are
/// written as one more. Answers the allocation with its whole plan, new instalments among it.
pub async fn plan(
    db: &Db,
    change: &Change<'_>,
    allocation_id: AllocationId,
    plan: Plan,
    idempotency_key: Option<&str>,
) -> StoreResult<PlannedAllocation> {
    idempotency::create(db, change, idempotency_key, async move |tx| {
        let backend = tx.get_database_backend();
        let (wanted, conditions): (usize, Vec<Option<ReportId>>) = match &plan {
            Plan::These(list) => (list.len(), list.iter().map(|n| n.condition).collect()),
            // The default plan has two instalments at most.
            Plan::Default { .. } => (2, Vec::new()),
        };
        let mut query = store_held::allocation_query(backend, allocation_id);
        let (table, paid) = (row::Entity.table_name(), payment::Entity.table_name());
        let held_table = allocation::Entity.table_name();
        // What the plan and the payments outside it took, summed from their rows (PostgreSQL
        // sums BIGINT as NUMERIC: cast back).
        query.expr_as(
            Expr::cust(format!(
                "(SELECT CAST(coalesce(sum(i.amount_cents), 0) AS BIGINT) FROM {table} i \
                 WHERE i.allocation_id = {held_table}.id AND i.status <> '{}') + \
                 (SELECT CAST(coalesce(sum(p.amount_cents), 0) AS BIGINT) FROM {paid} p \
                 WHERE p.allocation_id = {held_table}.id AND p.instalment_id IS NULL)",
                InstalmentStatus::Cancelled.as_str()
            )),
            Alias::new("taken"),
        );
        for (i, condition) in conditions.iter().enumerate() {
            let Some(report) = condition else { continue };
            let of = Query::select()
                .column(report_obligation::Column::ApplicationId)
                .from(report_obligation::Entity)
                .and_where(Expr::col(report_obligation::Column::Id).eq(report.0))
                .to_owned();
            query.expr_as(Expr::SubQuery(None, Box::new(of.into())), Alias::new(format!("condition_{i}")));
        }
        let first_final = format!(
            "(SELECT min(f.id) FROM report_obligations f WHERE f.application_id = {held_table}.application_id \
             AND f.kind = '{}')",
            ReportKind::Final.as_str()
        );
        query.expr_as(
            Expr::cust(format!("(SELECT r.due_on FROM report_obligations r WHERE r.id = {first_final})")),
            Alias::new("final_due"),
        );
        query.expr_as(Expr::cust(first_final), Alias::new("final_id"));
        for i in 0..wanted {
            let key = store_held::next_key(backend, table, i64::try_from(i).unwrap_or(0));
            query.expr_as(key, Alias::new(format!("key_{i}")));
        }
        // The plan as it stands, for the answer: the new instalments join it.
        let parent = format!("{held_table}.id");
        let standing = Children::of(row::Entity, row::Column::AllocationId, &parent, Some(row::Column::Id));
        with_children(backend, &mut query, "plan_rows", standing);
        let held = store_held::read_allocation(tx, query, allocation_id).await?;
        check_still_paying_at(held.try_get::<Option<String>>("", "project_status")?.as_deref())?;
        let target_allocation = store_held::allocation(&held)?;
        let mut planned = money(held.try_get("", "taken")?)?;
        // The default plan's condition is the project's own final report, read here.
        let listed = matches!(plan, Plan::These(_));
        let instalments = match plan {
            Plan::These(list) => list,
            Plan::Default { today } => {
                let final_id: Option<i64> = held.try_get("", "final_id")?;
                let final_due: Option<NaiveDate> = held.try_get("", "final_due")?;
                let last_report = final_id.zip(final_due).map(|(id, due)| (ReportId(id), due));
                default_plan(&target_allocation, planned, today, last_report)?
            }
        };
        let mut created = Vec::with_capacity(instalments.len());
        for (i, new) in instalments.into_iter().enumerate() {
            instalment::check_plan(target_allocation.amount, planned, new.amount.money())
                .map_err(rule(Concerning::Amount))?;
            if let Some(report) = new.condition.filter(|_| listed) {
                let of: Option<i64> = held.try_get("", &format!("condition_{i}"))?;
                let of = of.ok_or(StoreError::UnknownReference {
                    concerning: Concerning::Condition,
                    kind: NodeKind::ReportObligation,
                    key: report.0,
                })?;
                if Some(ApplicationId(of)) != target_allocation.application {
                    return Err(StoreError::rule(Concerning::Condition, another_projects_report()));
                }
            }
            planned = planned.checked_add(new.amount.money())?;
            let model = row::Model {
                id: held.try_get("", &format!("key_{i}"))?,
                allocation_id: allocation_id.0,
                due_on: new.due_on,
                amount_cents: new.amount.cents(),
                condition_report_id: new.condition.map(|r| r.0),
                status: InstalmentStatus::Planned.as_str().to_owned(),
                label: new.label,
                requested_at: None,
                paid_on: None,
                created_at: change.at,
                updated_at: change.at,
                version: 1,
            };
            created.push(model);
        }
        let mut writes = Writes::new(backend);
        if let Some(project) = target_allocation.application {
            writes.holding(project);
        }
        if !created.is_empty() {
            writes.push(
                &row::Entity::insert_many(created.iter().cloned().map(IntoActiveModel::into_active_model)).into_query(),
            );
        }
        let mut plan: Vec<Instalment> = all(children::<row::Model>(&held, "plan_rows")?)?;
        let created: Vec<Instalment> = created.into_iter().map(Instalment::try_from).collect::<StoreResult<_>>()?;
        plan.extend(created.iter().cloned());
        // In due order, as every read lists a plan.
        plan.sort_by_key(|i| (i.due_on, i.id));
        // The allocation's plan changed: its version goes up, as on every change to it.
        let version = allocation::Entity::update_many()
            .col_expr(allocation::Column::Version, Expr::col(allocation::Column::Version).add(1))
            .col_expr(allocation::Column::UpdatedAt, Expr::value(change.at))
            .filter(allocation::Column::Id.eq(allocation_id.0));
        writes.push(&version.into_query());
        let mut objects: Vec<String> = created.iter().map(|i| i.id.global()).collect();
        objects.push(allocation_id.global());
        audit::add(&mut writes, change, &objects, None::<&()>, Some(&created))?;
        writes.run(tx).await?;
        let allocation = Allocation { version: target_allocation.version + 1, ..target_allocation };
        Ok(PlannedAllocation { allocation, plan })
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
/// The default plan for what is left of an allocation: 60 % on its decision date (or `today`)
/// and the rest with its project's first final report (`last_report`: its key and due date),
/// held until that report is accepted.
fn default_plan(
    target: &Allocation,
    planned: Money,
    today: NaiveDate,
    last_report: Option<(ReportId, NaiveDate)>,
) -> StoreResult<Vec<NewInstalment>> {
    let unplanned = target.amount.checked_sub(planned)?.at_least_zero();
    let (first, rest) = instalment::default_split(unplanned);
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
            due_on: last_report.1,
            amount: PaymentAmount::new(Amount::new(rest)?)?,
            condition: Some(last_report.0),
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

/// Moves an instalment on. The instalment is read held (`FOR UPDATE`) in one statement, with its
/// project's status held first (closing a project waits for a request, or a request for the
/// closing), then its allocation (a payment holds the allocation before the instalment too), and
/// the status of the report it waits for; the update, the allocation's new version and the audit
/// entry go out as one more.
async fn move_to(
    db: &Db,
    change: &Change<'_>,
    id: InstalmentId,
    expected_version: i32,
    to: InstalmentStatus,
) -> StoreResult<Instalment> {
    let tx = db.begin_write().await?;
    let c = &*tx;
    let backend = c.get_database_backend();
    let mut query = Query::select();
    query.from(row::Entity);
    store_held::with_columns_of(&mut query, row::Entity, "instalment_");
    // The project's row, then the allocation's (the move raises its version), then the
    // instalment's: the order a payment holds them in, so that the two never wait in a circle.
    let lock = if backend == DbBackend::Postgres { " FOR UPDATE OF p" } else { "" };
    let table = row::Entity.table_name();
    query.expr_as(
        Expr::cust(format!(
            "(SELECT p.status FROM applications p JOIN state_aid_allocations a ON a.application_id = p.id \
             WHERE a.id = {table}.allocation_id{lock})"
        )),
        Alias::new("project_status"),
    );
    let lock = if backend == DbBackend::Postgres { " FOR UPDATE" } else { "" };
    query.expr_as(
        Expr::cust(format!("(SELECT a.id FROM state_aid_allocations a WHERE a.id = {table}.allocation_id{lock})")),
        Alias::new("allocation_held"),
    );
    query.expr_as(
        Expr::cust(format!(
            "(SELECT a.application_id FROM state_aid_allocations a WHERE a.id = {table}.allocation_id)"
        )),
        Alias::new("project_id"),
    );
    // The report's status as last committed, not as the statement's snapshot saw it: a request
    // that waited for the project while the report was accepted sees it accepted.
    let share = if backend == DbBackend::Postgres { " FOR SHARE" } else { "" };
    query.expr_as(
        Expr::cust(format!(
            "(SELECT r.status FROM report_obligations r WHERE r.id = {table}.condition_report_id{share})"
        )),
        Alias::new("condition_status"),
    );
    // A coordinator's request: whether their organisation is involved in the allocation's project.
    let project = format!("(SELECT a.application_id FROM state_aid_allocations a WHERE a.id = {table}.allocation_id)");
    involvement::ask(&mut query, change, Expr::cust(project));
    query.and_where(Expr::col((row::Entity, row::Column::Id)).eq(id.0));
    query.lock_with_tables(LockType::Update, [row::Entity]);
    let held = c
        .query_one_raw(backend.build(&query))
        .await?
        .ok_or(StoreError::NotFound { kind: NodeKind::Instalment, key: id.0 })?;
    involvement::check(&held, change)?;
    let current: Instalment = store_held::model_of::<row::Entity>(&held, "instalment_")?.try_into()?;
    expect_version(NodeKind::Instalment, expected_version, current.version)?;
    current.status.move_to(to).map_err(rule(Concerning::Instalment))?;
    if to == InstalmentStatus::Requested {
        check_still_paying_at(held.try_get::<Option<String>>("", "project_status")?.as_deref())?;
        let condition: Option<String> = held.try_get("", "condition_status")?;
        let condition = condition.map(|s| parsed(ReportStatus::parse(&s))).transpose()?;
        instalment::check_condition(condition).map_err(rule(Concerning::Instalment))?;
    }
    let mut update = row::Entity::update_many()
        .col_expr(row::Column::Status, Expr::value(to.as_str()))
        .col_expr(row::Column::UpdatedAt, Expr::value(change.at));
    let mut moved = Instalment { status: to, version: current.version + 1, ..current.clone() };
    if to == InstalmentStatus::Requested {
        update = update.col_expr(row::Column::RequestedAt, Expr::value(Some(change.at)));
        moved.requested_at = Some(change.at);
    }
    let mut writes = Writes::new(backend);
    if let Some(project) = held.try_get::<Option<i64>>("", "project_id")? {
        writes.holding(ApplicationId(project));
    }
    writes.push(&version_checked(update, id.0, expected_version).into_query());
    // Its allocation's plan changed: the allocation's version goes up, which also tells a plan
    // of instalments that waited for this move to read the plan again (see `plan`).
    writes.push(&allocation_moved(current.allocation, change.at).into_query());
    audit::add(&mut writes, change, &[id.global(), current.allocation.global()], Some(&current), Some(&moved))?;
    writes.run(c).await?;
    tx.commit().await?;
    Ok(moved)
}

/// Adds to `query`, which reads the allocation a payment is made on, the instalment `id` it
/// settles (its row, as [`settled_in`] reads it back) and the status of the report it waits for.
pub(crate) fn with_settled(backend: DbBackend, query: &mut SelectStatement, id: InstalmentId) {
    let settled = Children { child: row::Entity, filter: "t.id = ?".to_owned(), order: None };
    with_children_of(backend, query, SETTLED, settled, vec![id.0.into()]);
    query.expr_as(
        bound(
            backend,
            "(SELECT r.status FROM report_obligations r JOIN instalments i ON i.condition_report_id = r.id \
             WHERE i.id = ?)",
            vec![id.0.into()],
        ),
        Alias::new(SETTLED_CONDITION),
    );
}

const SETTLED: &str = "settled_instalment";
const SETTLED_CONDITION: &str = "settled_condition_status";

/// The instalment read with [`with_settled`], or none, and the status of the report it waits for.
pub(crate) fn settled_in(row: &QueryResult) -> StoreResult<(Option<Instalment>, Option<ReportStatus>)> {
    let settled = all(children::<row::Model>(row, SETTLED)?)?.pop();
    let condition: Option<String> = row.try_get("", SETTLED_CONDITION)?;
    let condition = condition.map(|s: String| parsed(ReportStatus::parse(&s))).transpose()?;
    Ok((settled, condition))
}

/// The name a settled instalment's versioned move goes by among a payment's writes.
pub(crate) const SETTLE: &str = "settled";

/// Adds to `writes` marking a requested instalment (`held`, read beside its held allocation with
/// the status of the report it waits for, `condition`) paid by a payment of its amount on
/// `paid_on`, under [`SETTLE`] (the payment checks it was written); refused while the instalment
/// is held by its report or not yet requested.
pub(crate) fn add_settle(
    writes: &mut Writes,
    held: &Instalment,
    condition: Option<ReportStatus>,
    (amount, paid_on): (Money, NaiveDate),
    now: chrono::DateTime<chrono::Utc>,
) -> StoreResult<()> {
    instalment::check_condition(condition).map_err(rule(Concerning::Instalment))?;
    held.status.move_to(InstalmentStatus::Paid).map_err(rule(Concerning::Instalment))?;
    instalment::check_settles(held.amount, amount).map_err(rule(Concerning::Amount))?;
    let update = row::Entity::update_many()
        .col_expr(row::Column::Status, Expr::value(InstalmentStatus::Paid.as_str()))
        .col_expr(row::Column::PaidOn, Expr::value(Some(paid_on)))
        .col_expr(row::Column::UpdatedAt, Expr::value(now));
    add_versioned(writes, SETTLE, update, held.id.0, held.version);
    Ok(())
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
/// project's status (if the allocation funds one) is read held beside the command's other rows,
/// so that closing the project waits for the change, or the change for the closing.
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

/// Adds to a command's `writes` what a report's move to `new_due` does to its instalments: those
/// still planned that wait for it move by as many days as its due date did, so that the cash flow
/// shows them where they will fall.
pub(crate) fn add_follow_report(
    writes: &mut Writes,
    report: &Report,
    new_due: NaiveDate,
    now: chrono::DateTime<chrono::Utc>,
) {
    let days = (new_due - report.due_on).num_days();
    if days == 0 {
        return;
    }
    let moved = match writes.backend() {
        // date + integer: a day count fits an INTEGER by far (the dates are checked years).
        DbBackend::Postgres => Expr::col(row::Column::DueOn).add(i32::try_from(days).unwrap_or(0)),
        _ => Func::cust("date").arg(Expr::col(row::Column::DueOn)).arg(format!("{days:+} days")).into(),
    };
    let update = row::Entity::update_many()
        .col_expr(row::Column::DueOn, moved)
        .col_expr(row::Column::UpdatedAt, Expr::value(now))
        .col_expr(row::Column::Version, Expr::col(row::Column::Version).add(1))
        .filter(row::Column::ConditionReportId.eq(report.id.0))
        .filter(row::Column::Status.eq(InstalmentStatus::Planned.as_str()));
    writes.push(&update.into_query());
    writes.push(&plans_waiting_moved(report, now));
}

/// The allocation's version one up, as on every change to its plan.
fn allocation_moved(id: AllocationId, now: chrono::DateTime<chrono::Utc>) -> sea_orm::UpdateMany<allocation::Entity> {
    allocation::Entity::update_many()
        .col_expr(allocation::Column::Version, Expr::col(allocation::Column::Version).add(1))
        .col_expr(allocation::Column::UpdatedAt, Expr::value(now))
        .filter(allocation::Column::Id.eq(id.0))
}

/// The versions of the allocations whose planned instalments wait for `report` one up: their
/// plans move with it. These allocations are held after their instalments, the other way round
/// from a payment's order; safe only because every caller holds the report's project first, and
/// an instalment waits only for a report of its own allocation's project.
fn plans_waiting_moved(report: &Report, now: chrono::DateTime<chrono::Utc>) -> sea_orm::sea_query::UpdateStatement {
    let waiting = Query::select()
        .column(row::Column::AllocationId)
        .from(row::Entity)
        .and_where(Expr::col(row::Column::ConditionReportId).eq(report.id.0))
        .and_where(Expr::col(row::Column::Status).eq(InstalmentStatus::Planned.as_str()))
        .to_owned();
    Query::update()
        .table(allocation::Entity)
        .value(allocation::Column::Version, Expr::col(allocation::Column::Version).add(1))
        .value(allocation::Column::UpdatedAt, now)
        .and_where(Expr::col(allocation::Column::Id).in_subquery(waiting))
        .to_owned()
}
