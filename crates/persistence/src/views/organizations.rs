//! Organisations as read: by ID, by name, and in filtered pages.

use salkku_domain::ids::OrganizationId;
use salkku_domain::{OrganizationKind, RegionCode};
use sea_orm::sea_query::{Condition, Expr};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use crate::StoreResult;
use crate::entities::organization as org;
use crate::records::Organization;
use crate::store::convert::all;
use crate::store::paging::{Page, after, contains, cut};
use crate::store::rows;
use crate::store::support::one_of_few;

pub async fn get<C: ConnectionTrait>(c: &C, id: OrganizationId) -> StoreResult<Option<Organization>> {
    org::Entity::find_by_id(id.0).one(c).await?.map(Organization::try_from).transpose()
}

pub async fn by_ids<C: ConnectionTrait>(c: &C, ids: &[OrganizationId]) -> StoreResult<Vec<Organization>> {
    let keys: Vec<i64> = ids.iter().map(|i| i.0).collect();
    rows::records(org::Entity::find().filter(one_of_few(c, org::Column::Id, keys)), c).await
}

/// Every organisation, by name (for the demo and small lists).
pub async fn all_by_name<C: ConnectionTrait>(c: &C) -> StoreResult<Vec<Organization>> {
    all(org::Entity::find().order_by_asc(org::Column::Name).order_by_asc(org::Column::Id).all(c).await?)
}

pub async fn find_by_name<C: ConnectionTrait>(c: &C, name: &str) -> StoreResult<Option<Organization>> {
    org::Entity::find().filter(org::Column::Name.eq(name)).one(c).await?.map(Organization::try_from).transpose()
}

/// Which organisations a list shows.
#[derive(Debug, Clone, Default)]
pub struct OrganizationFilter {
    /// Any of these kinds; all kinds when empty.
    pub kinds: Vec<OrganizationKind>,
    pub region: Option<RegionCode>,
    /// Part of the name, any case.
    pub search: Option<String>,
}

/// Where a page of organisations (ordered by name, then id) starts.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct OrganizationCursor {
    pub name: String,
    pub id: i64,
}

impl OrganizationCursor {
    pub fn of(o: &Organization) -> Self {
        OrganizationCursor { name: o.name.clone(), id: o.id.0 }
    }
}

fn condition(filter: &OrganizationFilter) -> Condition {
    let mut cond = Condition::all();
    if !filter.kinds.is_empty() {
        cond = cond.add(org::Column::Kind.is_in(filter.kinds.iter().map(|k| k.as_str())));
    }
    if let Some(region) = filter.region {
        cond = cond.add(org::Column::RegionCode.eq(region.as_str()));
    }
    if let Some(term) = filter.search.as_deref().filter(|t| !t.trim().is_empty()) {
        cond = cond.add(contains(Expr::col((org::Entity, org::Column::Name)), term.trim()));
    }
    cond
}

/// A page of organisations by name.
pub async fn list<C: ConnectionTrait>(
    c: &C,
    filter: &OrganizationFilter,
    first: u64,
    after_cursor: Option<&OrganizationCursor>,
    counted: bool,
) -> StoreResult<Page<Organization>> {
    let total = crate::store::paging::count_if(c, counted, org::Entity::find().filter(condition(filter))).await?;
    let mut query = org::Entity::find().filter(condition(filter));
    if let Some(cursor) = after_cursor {
        query = query.filter(after(
            Expr::col((org::Entity, org::Column::Name)),
            Some(Expr::val(cursor.name.clone())),
            Expr::col((org::Entity, org::Column::Id)),
            cursor.id,
            false,
            false,
        ));
    }
    let rows = query.order_by_asc(org::Column::Name).order_by_asc(org::Column::Id).limit(first + 1).all(c).await?;
    let (rows, has_next) = cut(rows, first);
    Ok(Page { items: all(rows)?, has_next, total })
}

/// Which of these organisations exist.
pub async fn existing<C: ConnectionTrait>(c: &C, ids: &[OrganizationId]) -> StoreResult<Vec<OrganizationId>> {
    let keys: Vec<i64> = ids.iter().map(|i| i.0).collect();
    let found: Vec<i64> = org::Entity::find()
        .select_only()
        .column(org::Column::Id)
        .filter(one_of_few(c, org::Column::Id, keys))
        .into_tuple()
        .all(c)
        .await?;
    Ok(found.into_iter().map(OrganizationId).collect())
}
