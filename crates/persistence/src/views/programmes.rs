//! Funding programmes (ohjelmat, hankekorit) as read.

use salkku_domain::ids::ProgrammeId;
use sea_orm::{ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};

use crate::StoreResult;
use crate::entities::programme;
use crate::records::Programme;
use crate::store::convert::all;
use crate::store::support::one_of_few;

pub async fn get<C: ConnectionTrait>(c: &C, id: ProgrammeId) -> StoreResult<Option<Programme>> {
    programme::Entity::find_by_id(id.0).one(c).await?.map(Programme::try_from).transpose()
}

pub async fn by_ids<C: ConnectionTrait>(c: &C, ids: &[ProgrammeId]) -> StoreResult<Vec<Programme>> {
    let keys: Vec<i64> = ids.iter().map(|i| i.0).collect();
    all(programme::Entity::find().filter(one_of_few(c, programme::Column::Id, keys)).all(c).await?)
}

/// Every programme, by name.
pub async fn all_by_name<C: ConnectionTrait>(c: &C) -> StoreResult<Vec<Programme>> {
    all(programme::Entity::find()
        .order_by_asc(programme::Column::Name)
        .order_by_asc(programme::Column::Id)
        .all(c)
        .await?)
}
