//! Organisations: funders, applicants, municipalities and the rest.

use chrono::{DateTime, Utc};
use salkku_domain::ids::OrganizationId;
use salkku_domain::{BusinessId, OrganizationKind, RegionCode};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set};

use crate::convert::all;
use crate::entities::organization as org;
use crate::records::Organization;
use crate::{Db, StoreError, StoreResult};

#[derive(Debug, Clone)]
pub struct NewOrganization {
    pub name: String,
    pub kind: OrganizationKind,
    pub business_id: Option<BusinessId>,
    pub region: Option<RegionCode>,
    pub population: Option<i64>,
}

pub async fn create(db: &Db, new: NewOrganization, now: DateTime<Utc>) -> StoreResult<Organization> {
    let tx = db.begin_write().await?;
    let created = insert(&*tx, new, now).await?;
    tx.commit().await?;
    Ok(created)
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
                message: format!("business ID {bid} already belongs to {}", holder.name),
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
    all(org::Entity::find().filter(org::Column::Id.is_in(keys)).all(c).await?)
}

/// Every organisation, by name (for the demo and small lists).
pub async fn all_by_name<C: ConnectionTrait>(c: &C) -> StoreResult<Vec<Organization>> {
    all(org::Entity::find().order_by_asc(org::Column::Name).order_by_asc(org::Column::Id).all(c).await?)
}

pub async fn find_by_name<C: ConnectionTrait>(c: &C, name: &str) -> StoreResult<Option<Organization>> {
    org::Entity::find().filter(org::Column::Name.eq(name)).one(c).await?.map(Organization::try_from).transpose()
}
