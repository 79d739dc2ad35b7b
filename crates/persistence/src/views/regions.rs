//! Regions: reference data inserted by the migrations.

use salkku_domain::RegionCode;
use sea_orm::{ConnectionTrait, EntityTrait, QueryOrder};

use crate::entities::region;
use crate::{StoreError, StoreResult};

/// Every region, in code order.
pub async fn all<C: ConnectionTrait>(c: &C) -> StoreResult<Vec<RegionCode>> {
    region::Entity::find()
        .order_by_asc(region::Column::Code)
        .all(c)
        .await?
        .into_iter()
        .map(|r| RegionCode::parse(&r.code).map_err(|e| StoreError::corrupt(e.to_string())))
        .collect()
}
