//! Commitments (sitoumukset) as read: by ID and by application.

use salkku_domain::ids::{ApplicationId, CommitmentId};
use sea_orm::{ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};

use crate::StoreResult;
use crate::entities::commitment;
use crate::records::Commitment;
use crate::store::rows;
use crate::store::support::one_of;

pub async fn get<C: ConnectionTrait>(c: &C, id: CommitmentId) -> StoreResult<Option<Commitment>> {
    commitment::Entity::find_by_id(id.0).one(c).await?.map(Commitment::try_from).transpose()
}

pub async fn by_ids<C: ConnectionTrait>(c: &C, ids: &[CommitmentId]) -> StoreResult<Vec<Commitment>> {
    let keys: Vec<i64> = ids.iter().map(|i| i.0).collect();
    rows::records(commitment::Entity::find().filter(one_of(c, commitment::Column::Id, keys)), c).await
}

/// The commitments of each application, in the order they were made.
pub async fn of_applications<C: ConnectionTrait>(c: &C, ids: &[ApplicationId]) -> StoreResult<Vec<Commitment>> {
    let keys: Vec<i64> = ids.iter().map(|i| i.0).collect();
    let select = commitment::Entity::find()
        .filter(one_of(c, commitment::Column::ApplicationId, keys))
        .order_by_asc(commitment::Column::ApplicationId)
        .order_by_asc(commitment::Column::Id);
    rows::records(select, c).await
}
