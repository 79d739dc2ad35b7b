//! Finding applications: the filter every list and aggregate shares, the orders, and keyset pages.

use chrono::{DateTime, NaiveDate, Utc};
use salkku_domain::ids::{GrantCallId, OrganizationId};
use salkku_domain::{ApplicationStatus, RegionCode};
use sea_orm::sea_query::{Condition, Expr, ExprTrait, Query, SimpleExpr};
use sea_orm::{ConnectionTrait, EntityTrait, Order, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect};

use crate::StoreResult;
use crate::entities::{application as app, application_region, grant_call, participant};
use crate::records::Application;
use crate::store::paging::{Page, after, contains, cut};
use crate::store::rows;
use crate::views::calls;

/// Which applications a list or an aggregate covers.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct ApplicationFilter {
    /// Any of these statuses; all when empty.
    pub statuses: Vec<ApplicationStatus>,
    /// Applications naming this region.
    pub region: Option<RegionCode>,
    /// Applications to calls of this funder.
    pub funder: Option<OrganizationId>,
    pub call: Option<GrantCallId>,
    pub lead: Option<OrganizationId>,
    /// Applications this organisation leads or takes part in, in any role.
    pub participant: Option<OrganizationId>,
    /// Applications whose period overlaps this calendar year (see
    /// [`salkku_domain::period::overlaps_year`]).
    pub year: Option<i32>,
    /// Part of the name or acronym, any case.
    pub search: Option<String>,
}

fn col(c: app::Column) -> SimpleExpr {
    Expr::col((app::Entity, c))
}

/// The ids of the applications that name `region`.
pub(crate) fn naming(region: RegionCode) -> sea_orm::sea_query::SelectStatement {
    Query::select()
        .column(application_region::Column::ApplicationId)
        .from(application_region::Entity)
        .and_where(Expr::col(application_region::Column::RegionCode).eq(region.as_str()))
        .to_owned()
}

/// The filter as SQL over `applications`.
pub(crate) fn condition(filter: &ApplicationFilter) -> Condition {
    let mut cond = Condition::all();
    if !filter.statuses.is_empty() {
        cond = cond.add(col(app::Column::Status).is_in(filter.statuses.iter().map(|s| s.as_str())));
    }
    if let Some(region) = filter.region {
        cond = cond.add(col(app::Column::Id).in_subquery(naming(region)));
    }
    if let Some(funder) = filter.funder {
        let funded = Query::select()
            .column(grant_call::Column::Id)
            .from(grant_call::Entity)
            .and_where(Expr::col(grant_call::Column::FunderId).eq(funder.0))
            .to_owned();
        cond = cond.add(col(app::Column::CallId).in_subquery(funded));
    }
    if let Some(call) = filter.call {
        cond = cond.add(col(app::Column::CallId).eq(call.0));
    }
    if let Some(lead) = filter.lead {
        cond = cond.add(col(app::Column::LeadId).eq(lead.0));
    }
    if let Some(organization) = filter.participant {
        let taking_part = Query::select()
            .column(participant::Column::ApplicationId)
            .from(participant::Entity)
            .and_where(Expr::col(participant::Column::OrganizationId).eq(organization.0))
            .to_owned();
        cond = cond.add(
            Condition::any()
                .add(col(app::Column::LeadId).eq(organization.0))
                .add(col(app::Column::Id).in_subquery(taking_part)),
        );
    }
    if let Some(year) = filter.year {
        // The SQL form of overlaps_year: some end is known, and neither end excludes the year.
        let first_day = NaiveDate::from_ymd_opt(year, 1, 1);
        let last_day = NaiveDate::from_ymd_opt(year, 12, 31);
        cond = cond
            .add(
                Condition::any()
                    .add(col(app::Column::PeriodStart).is_not_null())
                    .add(col(app::Column::PeriodEnd).is_not_null()),
            )
            .add(
                Condition::any()
                    .add(col(app::Column::PeriodStart).is_null())
                    .add(col(app::Column::PeriodStart).lte(last_day)),
            )
            .add(
                Condition::any()
                    .add(col(app::Column::PeriodEnd).is_null())
                    .add(col(app::Column::PeriodEnd).gte(first_day)),
            );
    }
    if let Some(term) = filter.search.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        cond = cond.add(
            Condition::any().add(contains(col(app::Column::Name), term)).add(contains(col(app::Column::Acronym), term)),
        );
    }
    cond
}

/// What a list of applications is ordered by; ties are broken by id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum OrderField {
    #[default]
    Name,
    CreatedAt,
    /// The closing time of the application's call; applications without a call come last.
    ClosesAt,
    TotalCost,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ApplicationOrder {
    pub field: OrderField,
    pub descending: bool,
}

/// The sort key of one application under an order.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum SortKey {
    Name(String),
    CreatedAt(DateTime<Utc>),
    ClosesAt(Option<DateTime<Utc>>),
    TotalCost(i64),
}

/// Where a page of applications starts: the last row's key and id.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ApplicationCursor {
    pub key: SortKey,
    pub id: i64,
}

/// The call's closing time, as an expression over `applications`.
fn closes_at() -> SimpleExpr {
    Query::select()
        .column(grant_call::Column::ClosesAt)
        .from(grant_call::Entity)
        .and_where(Expr::col((grant_call::Entity, grant_call::Column::Id)).equals((app::Entity, app::Column::CallId)))
        .to_owned()
        .into()
}

fn sort_expr(field: OrderField) -> SimpleExpr {
    match field {
        OrderField::Name => col(app::Column::Name),
        OrderField::CreatedAt => col(app::Column::CreatedAt),
        OrderField::ClosesAt => closes_at(),
        OrderField::TotalCost => col(app::Column::TotalCostCents),
    }
}

/// A page of applications in `order`, each with its cursor, and, when `counted`, how many the
/// filter selects.
pub async fn list<C: ConnectionTrait>(
    c: &C,
    filter: &ApplicationFilter,
    order: ApplicationOrder,
    first: u64,
    after_cursor: Option<&ApplicationCursor>,
    counted: bool,
) -> StoreResult<Page<(Application, ApplicationCursor)>> {
    let total = if counted { Some(count(c, filter).await?) } else { None };
    let (items, has_next) = page(c, filter, order, first, after_cursor).await?;
    Ok(Page { items, has_next, total })
}

/// How many applications the filter selects.
pub async fn count<C: ConnectionTrait>(c: &C, filter: &ApplicationFilter) -> StoreResult<u64> {
    Ok(app::Entity::find().filter(condition(filter)).count(c).await?)
}

/// A page of applications in `order`, each with its cursor, and whether more follow.
pub async fn page<C: ConnectionTrait>(
    c: &C,
    filter: &ApplicationFilter,
    order: ApplicationOrder,
    first: u64,
    after_cursor: Option<&ApplicationCursor>,
) -> StoreResult<(Vec<(Application, ApplicationCursor)>, bool)> {
    let mut query = app::Entity::find().filter(condition(filter));
    let nullable = order.field == OrderField::ClosesAt;
    if let Some(cursor) = after_cursor {
        let value: Option<SimpleExpr> = match &cursor.key {
            SortKey::Name(name) => Some(Expr::val(name.clone())),
            SortKey::CreatedAt(at) => Some(Expr::val(*at)),
            SortKey::ClosesAt(at) => at.map(Expr::val),
            SortKey::TotalCost(cents) => Some(Expr::val(*cents)),
        };
        query = query.filter(after(
            sort_expr(order.field),
            value,
            col(app::Column::Id),
            cursor.id,
            order.descending,
            nullable,
        ));
    }
    let direction = if order.descending { Order::Desc } else { Order::Asc };
    if nullable {
        query = query.order_by(sort_expr(order.field).is_null(), Order::Asc);
    }
    let query = query.order_by(sort_expr(order.field), direction.clone()).order_by(col(app::Column::Id), direction);
    let apps: Vec<Application> = rows::first_records(query, first + 1, c).await?;
    let (apps, has_next) = cut(apps, first);

    let mut closing = std::collections::HashMap::new();
    if order.field == OrderField::ClosesAt {
        let ids: Vec<GrantCallId> = apps.iter().filter_map(|a| a.call).collect();
        closing = calls::by_ids(c, &ids).await?.into_iter().map(|call| (call.id, call.closes_at)).collect();
    }
    let items = apps
        .into_iter()
        .map(|a| {
            let key = match order.field {
                OrderField::Name => SortKey::Name(a.name.clone()),
                OrderField::CreatedAt => SortKey::CreatedAt(a.created_at),
                OrderField::ClosesAt => SortKey::ClosesAt(a.call.and_then(|id| closing.get(&id).copied())),
                OrderField::TotalCost => SortKey::TotalCost(a.total_cost.cents()),
            };
            let cursor = ApplicationCursor { key, id: a.id.0 };
            (a, cursor)
        })
        .collect();
    Ok((items, has_next))
}

/// The ids of the applications a filter covers, for tests and checks (unbounded: not for lists).
pub async fn ids<C: ConnectionTrait>(c: &C, filter: &ApplicationFilter) -> StoreResult<Vec<i64>> {
    Ok(app::Entity::find()
        .select_only()
        .column(app::Column::Id)
        .filter(condition(filter))
        .order_by_asc(app::Column::Id)
        .into_tuple()
        .all(c)
        .await?)
}
