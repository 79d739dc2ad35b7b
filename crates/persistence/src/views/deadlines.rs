//! Deadlines as read: an organisation's upcoming ones, a window of them for calendars, and those
//! of applications and calls. Every question is one indexed range query: the automatic deadlines
//! are rows too (see `commands::deadlines`).

use chrono::{DateTime, Utc};
use salkku_domain::ids::{ApplicationId, CommitmentId, DeadlineId, GrantCallId, OrganizationId, ReportId};
use salkku_domain::report::{ReportKind, ReportStatus};
use salkku_domain::{ApplicationStatus, CommitmentStatus, DeadlineKind, RegionCode};
use sea_orm::sea_query::{Alias, Condition, Expr, ExprTrait, Order, Query, SelectStatement, SimpleExpr};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};

use crate::StoreResult;
use crate::entities::{application, commitment, deadline, deadline_party, report_obligation as report};
use crate::records::{Deadline, DeadlineView};
use crate::store::convert::all;
use crate::store::rows::{self, by_position};
use crate::store::support::{constant, key_in, one_of};

/// One deadline.
pub async fn get<C: ConnectionTrait>(c: &C, id: DeadlineId) -> StoreResult<Option<Deadline>> {
    deadline::Entity::find_by_id(id.0).one(c).await?.map(Deadline::try_from).transpose()
}

/// A deadline row with the statuses of its application and commitment, its fields in the order
/// [`views`] selects them: read by position, since most deadlines lack some of the optional
/// columns, and sea-orm formats an error message for every NULL it reads by name, which was a
/// large part of salkku's work on a list of upcoming deadlines (see docs/benchmarks.md). Whether
/// a deadline is derived is all that its source key tells here, so the statement says just that.
#[derive(Debug)]
struct ViewRow {
    id: i64,
    kind: DeadlineKind,
    title: String,
    due_at: DateTime<Utc>,
    tentative: bool,
    application_id: Option<i64>,
    call_id: Option<i64>,
    commitment_id: Option<i64>,
    report_id: Option<i64>,
    derived: bool,
    application_status: Option<ApplicationStatus>,
    commitment_status: Option<CommitmentStatus>,
    report_kind: Option<ReportKind>,
    report_status: Option<ReportStatus>,
}

by_position!(type ViewRow: id, kind, title, due_at, tentative, application_id, call_id, commitment_id, report_id,
    derived, application_status, commitment_status, report_kind, report_status);

impl From<ViewRow> for DeadlineView {
    fn from(r: ViewRow) -> Self {
        DeadlineView {
            deadline: Deadline {
                id: DeadlineId(r.id),
                kind: r.kind,
                title: r.title,
                due_at: r.due_at,
                tentative: r.tentative,
                application: r.application_id.map(ApplicationId),
                call: r.call_id.map(GrantCallId),
                commitment: r.commitment_id.map(CommitmentId),
                report: r.report_id.map(ReportId),
                derived: r.derived,
            },
            application_status: r.application_status,
            commitment_status: r.commitment_status,
            report: r.report_kind.zip(r.report_status),
        }
    }
}

fn d(c: deadline::Column) -> SimpleExpr {
    Expr::col((deadline::Entity, c))
}

/// Deadlines joined with their application's and commitment's status.
fn views() -> SelectStatement {
    Query::select()
        .columns([
            (deadline::Entity, deadline::Column::Id),
            (deadline::Entity, deadline::Column::Kind),
            (deadline::Entity, deadline::Column::Title),
            (deadline::Entity, deadline::Column::DueAt),
            (deadline::Entity, deadline::Column::Tentative),
            (deadline::Entity, deadline::Column::ApplicationId),
            (deadline::Entity, deadline::Column::CallId),
            (deadline::Entity, deadline::Column::CommitmentId),
            (deadline::Entity, deadline::Column::ReportId),
        ])
        .expr_as(d(deadline::Column::SourceKey).is_not_null(), Alias::new("derived"))
        .expr_as(Expr::col((application::Entity, application::Column::Status)), Alias::new("application_status"))
        .expr_as(Expr::col((commitment::Entity, commitment::Column::Status)), Alias::new("commitment_status"))
        .expr_as(Expr::col((report::Entity, report::Column::Kind)), Alias::new("report_kind"))
        .expr_as(Expr::col((report::Entity, report::Column::Status)), Alias::new("report_status"))
        .from(deadline::Entity)
        .left_join(
            application::Entity,
            Expr::col((application::Entity, application::Column::Id))
                .equals((deadline::Entity, deadline::Column::ApplicationId)),
        )
        .left_join(
            commitment::Entity,
            Expr::col((commitment::Entity, commitment::Column::Id))
                .equals((deadline::Entity, deadline::Column::CommitmentId)),
        )
        .left_join(
            report::Entity,
            Expr::col((report::Entity, report::Column::Id)).equals((deadline::Entity, deadline::Column::ReportId)),
        )
        .order_by((deadline::Entity, deadline::Column::DueAt), Order::Asc)
        .order_by((deadline::Entity, deadline::Column::Id), Order::Asc)
        .to_owned()
}

async fn fetch<C: ConnectionTrait>(c: &C, query: &SelectStatement) -> StoreResult<Vec<DeadlineView>> {
    Ok(rows::read::<ViewRow, C>(c.get_database_backend().build(query), c)
        .await?
        .into_iter()
        .map(DeadlineView::from)
        .collect())
}

/// The deadlines of these applications with their statuses, soonest first.
pub async fn views_for_applications<C: ConnectionTrait>(
    c: &C,
    ids: &[ApplicationId],
) -> StoreResult<Vec<DeadlineView>> {
    let keys: Vec<i64> = ids.iter().map(|i| i.0).collect();
    fetch(c, views().and_where(key_in(c.get_database_backend(), d(deadline::Column::ApplicationId), keys))).await
}

/// One deadline with its statuses.
pub async fn view<C: ConnectionTrait>(c: &C, id: DeadlineId) -> StoreResult<Option<DeadlineView>> {
    Ok(fetch(c, views().and_where(d(deadline::Column::Id).eq(id.0))).await?.into_iter().next())
}

/// Which deadlines `upcoming` lists.
#[derive(Debug, Clone, Default)]
pub struct DeadlineFilter {
    /// Any of these kinds; all when empty.
    pub kinds: Vec<DeadlineKind>,
    /// Deadlines of applications naming this region.
    pub region: Option<RegionCode>,
    /// Deadlines that concern this organisation: of applications it leads or takes part in, of
    /// its commitments, and of the calls it funds.
    pub organization: Option<OrganizationId>,
    pub application: Option<ApplicationId>,
}

/// Deadlines due from `now` to `until` that still call for action, and with `include_overdue` the
/// overdue ones too (see [`salkku_domain::deadline::is_overdue`], whose rule this is in SQL),
/// soonest first, at most `limit`.
pub async fn upcoming<C: ConnectionTrait>(
    c: &C,
    now: DateTime<Utc>,
    until: DateTime<Utc>,
    include_overdue: bool,
    filter: &DeadlineFilter,
    limit: u64,
) -> StoreResult<Vec<DeadlineView>> {
    let mut query = views();
    let due = || d(deadline::Column::DueAt);
    let mut when = Condition::any().add(Condition::all().add(due().gte(now)).add(due().lte(until)));
    if include_overdue {
        when = when.add(Condition::all().add(due().lt(now)).add(d(deadline::Column::ApplicationId).is_not_null()));
    }
    let finals = ApplicationStatus::all().filter(|s| s.is_final()).map(ApplicationStatus::as_str);
    let app_status = || Expr::col((application::Entity, application::Column::Status));
    let commitment_status = || Expr::col((commitment::Entity, commitment::Column::Status));
    let report_status = || Expr::col((report::Entity, report::Column::Status));
    let owed = ReportStatus::all().filter(|s| s.owed()).map(|s| constant(s.as_str()));
    query
        .cond_where(when)
        .cond_where(Condition::any().add(app_status().is_null()).add(app_status().is_not_in(finals.map(constant))))
        .cond_where(
            Condition::any()
                .add(commitment_status().is_null())
                .add(commitment_status().eq(constant(CommitmentStatus::Requested.as_str()))),
        )
        .cond_where(Condition::any().add(report_status().is_null()).add(report_status().is_in(owed)));
    narrow(&mut query, filter, Window { from: (!include_overdue).then_some(now), until, order: Order::Asc });
    if filter.organization.is_some() {
        // The parties say which still call for action (the statuses above, kept on each party):
        // the organisation's range of their index holds only those, read until the page is full.
        query.and_where(Expr::col((deadline_party::Entity, deadline_party::Column::CallsForAction)).eq(true));
    }
    fetch(c, query.limit(limit)).await
}

/// Every deadline due in `[from, until]` that `filter` selects, whatever its application's and
/// commitment's status (a calendar shows cancelled events as cancelled), at most `limit`: the
/// earliest first, or with `latest_first` the latest first.
pub async fn in_window<C: ConnectionTrait>(
    c: &C,
    from: DateTime<Utc>,
    until: DateTime<Utc>,
    filter: &DeadlineFilter,
    limit: u64,
    latest_first: bool,
) -> StoreResult<Vec<DeadlineView>> {
    let mut query = views();
    let order = if latest_first { Order::Desc } else { Order::Asc };
    if latest_first {
        query
            .clear_order_by()
            .order_by((deadline::Entity, deadline::Column::DueAt), Order::Desc)
            .order_by((deadline::Entity, deadline::Column::Id), Order::Desc);
    }
    query.and_where(d(deadline::Column::DueAt).gte(from)).and_where(d(deadline::Column::DueAt).lte(until));
    narrow(&mut query, filter, Window { from: Some(from), until, order });
    fetch(c, query.limit(limit)).await
}

/// Due times a query reads, in the order it lists them.
#[derive(Debug, Clone)]
struct Window {
    from: Option<DateTime<Utc>>,
    until: DateTime<Utc>,
    order: Order,
}

/// Narrows `query` to what `filter` selects. An organisation's deadlines are read through
/// `deadline_parties`, whose due times bound and order the query: PostgreSQL then reads the
/// organisation's range of that index in order and stops when the page is full (bounded on the
/// deadlines' own due time, it hashed every deadline of the window instead, which was much
/// slower).
fn narrow(query: &mut SelectStatement, filter: &DeadlineFilter, window: Window) {
    if !filter.kinds.is_empty() {
        query.and_where(d(deadline::Column::Kind).is_in(filter.kinds.iter().map(|k| k.as_str())));
    }
    if let Some(app) = filter.application {
        query.and_where(d(deadline::Column::ApplicationId).eq(app.0));
    }
    if let Some(region) = filter.region {
        query.and_where(d(deadline::Column::ApplicationId).in_subquery(crate::views::application_list::naming(region)));
    }
    if let Some(org) = filter.organization {
        let p = |c: deadline_party::Column| Expr::col((deadline_party::Entity, c));
        query
            .inner_join(
                deadline_party::Entity,
                p(deadline_party::Column::DeadlineId).equals((deadline::Entity, deadline::Column::Id)),
            )
            .and_where(p(deadline_party::Column::OrganizationId).eq(org.0))
            .and_where(p(deadline_party::Column::DueAt).lte(window.until));
        if let Some(from) = window.from {
            query.and_where(p(deadline_party::Column::DueAt).gte(from));
        }
        query
            .clear_order_by()
            .order_by((deadline_party::Entity, deadline_party::Column::DueAt), window.order.clone())
            .order_by((deadline_party::Entity, deadline_party::Column::DeadlineId), window.order);
    }
}

/// The deadlines of these applications, soonest first.
pub async fn for_applications<C: ConnectionTrait>(c: &C, ids: &[ApplicationId]) -> StoreResult<Vec<Deadline>> {
    let keys: Vec<i64> = ids.iter().map(|i| i.0).collect();
    all(deadline::Entity::find()
        .filter(one_of(c, deadline::Column::ApplicationId, keys))
        .order_by_asc(deadline::Column::DueAt)
        .order_by_asc(deadline::Column::Id)
        .all(c)
        .await?)
}

/// The deadlines of these calls that concern no particular application, soonest first.
pub async fn for_calls<C: ConnectionTrait>(c: &C, ids: &[GrantCallId]) -> StoreResult<Vec<Deadline>> {
    let keys: Vec<i64> = ids.iter().map(|i| i.0).collect();
    all(deadline::Entity::find()
        .filter(one_of(c, deadline::Column::CallId, keys))
        .filter(deadline::Column::ApplicationId.is_null())
        .order_by_asc(deadline::Column::DueAt)
        .order_by_asc(deadline::Column::Id)
        .all(c)
        .await?)
}

/// Every deadline due in `[from, to]`, soonest first.
pub async fn due_between<C: ConnectionTrait>(
    c: &C,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> StoreResult<Vec<Deadline>> {
    all(deadline::Entity::find()
        .filter(deadline::Column::DueAt.gte(from))
        .filter(deadline::Column::DueAt.lte(to))
        .order_by_asc(deadline::Column::DueAt)
        .order_by_asc(deadline::Column::Id)
        .all(c)
        .await?)
}

#[cfg(test)]
mod tests {
    use sea_orm::DbBackend;

    use super::{ViewRow, views};
    use crate::store::rows::ByPosition;

    #[test]
    fn a_deadline_view_selects_its_columns_in_the_order_its_row_reads_them() {
        let sql = DbBackend::Postgres.build(&views()).to_string();
        let list = sql.strip_prefix("SELECT ").and_then(|s| s.split(" FROM ").next()).unwrap_or_default();
        // Each column is named by its last quoted identifier: the column itself, or its alias.
        let names: Vec<&str> = list.split(", ").filter_map(|c| c.rsplit('"').nth(1)).collect();
        assert_eq!(names, ViewRow::FIELDS);
    }
}
