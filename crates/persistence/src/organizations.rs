//! Organisations: funders, applicants, municipalities and the rest.

use chrono::{DateTime, Utc};
use salkku_domain::ids::OrganizationId;
use salkku_domain::{BusinessId, OrganizationKind, RegionCode};
use sea_orm::sea_query::{Condition, Expr};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set};

use crate::convert::all;
use crate::entities::organization as org;
use crate::paging::{Page, after, contains, cut};
use crate::records::Organization;
use crate::rows;
use crate::support::one_of_few;
use crate::{Change, Db, StoreError, StoreResult, audit, idempotency};

#[derive(Debug, Clone)]
pub struct NewOrganization {
    pub name: String,
    pub kind: OrganizationKind,
    pub business_id: Option<BusinessId>,
    pub region: Option<RegionCode>,
    pub population: Option<i64>,
}

/// Creates an organisation; a replay of `idempotency_key` returns the first one.
pub async fn create(
    db: &Db,
    change: &Change<'_>,
    new: NewOrganization,
    idempotency_key: Option<&str>,
) -> StoreResult<Organization> {
    idempotency::once(
        db,
        idempotency::Request { actor: change.actor, operation: change.operation, key: idempotency_key, now: change.at },
        |o: &Organization| o.id.0,
        |tx| async move {
            let created = insert(&*tx, new, change.at).await?;
            audit::record(&*tx, change, &[created.id.global()], None::<&()>, Some(&created)).await?;
            Ok((created, tx))
        },
        |db, id| async move {
            get(db.conn(), OrganizationId(id))
                .await?
                .ok_or_else(|| StoreError::corrupt("replayed organisation is gone"))
        },
    )
    .await
}

pub(crate) async fn insert<C: ConnectionTrait>(
    c: &C,
    new: NewOrganization,
    now: DateTime<Utc>,
) -> StoreResult<Organization> {
    if let Some(bid) = &new.business_id {
        let taken = org::Entity::find().filter(org::Column::BusinessId.eq(bid.as_str())).one(c).await?;
        if let Some(holder) = taken {
            return Err(StoreError::Duplicate {
                field: "businessId",
                message: {
                    let holder = holder.name;
                    salkku_domain::message!(
                        fi: "Y-tunnus {bid} kuuluu jo organisaatiolle {holder}",
                        sv: "FO-numret {bid} hör redan till {holder}",
                        en: "business ID {bid} already belongs to {holder}",
                    )
                },
            });
        }
    }
    let row = org::ActiveModel {
        name: Set(new.name),
        kind: Set(new.kind.as_str().to_owned()),
        business_id: Set(new.business_id.map(|b| b.as_str().to_owned())),
        region_code: Set(new.region.map(|r| r.as_str().to_owned())),
        population: Set(new.population),
        created_at: Set(now),
        updated_at: Set(now),
        version: Set(1),
        ..Default::default()
    }
    .insert(c)
    .await?;
    row.try_into()
}

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
    let total = crate::paging::count_if(c, counted, org::Entity::find().filter(condition(filter))).await?;
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
