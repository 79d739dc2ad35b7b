//! Documents as read: their facts by owner, and one document's bytes from where they are kept.

use salkku_domain::document::DocumentOwner;
use salkku_domain::ids::DocumentId;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};

use crate::entities::document;
use crate::records::Document;
use crate::store::contents::ContentStore;
use crate::store::convert::all;
use crate::store::support::one_of;
use crate::{StoreError, StoreResult};

pub async fn get<C: ConnectionTrait>(c: &C, id: DocumentId) -> StoreResult<Option<Document>> {
    document::Entity::find_by_id(id.0).one(c).await?.map(Document::try_from).transpose()
}

/// The documents of each owner of one kind, oldest first.
pub async fn of_owners<C: ConnectionTrait>(c: &C, owner: DocumentOwner, keys: &[i64]) -> StoreResult<Vec<Document>> {
    all(document::Entity::find()
        .filter(document::Column::OwnerKind.eq(owner.as_str()))
        .filter(one_of(c, document::Column::OwnerId, keys.to_vec()))
        .order_by_asc(document::Column::OwnerId)
        .order_by_asc(document::Column::Id)
        .all(c)
        .await?)
}

/// A document's bytes, checked against the hash taken when it was stored.
pub async fn content<C: ConnectionTrait>(c: &C, store: &ContentStore, id: DocumentId) -> StoreResult<Vec<u8>> {
    use sha2::Digest;
    let row = document::Entity::find_by_id(id.0)
        .one(c)
        .await?
        .ok_or(StoreError::NotFound { kind: salkku_domain::ids::NodeKind::Document, key: id.0 })?;
    let bytes = store.get(c, &row.storage, row.id, &row.sha256).await?;
    if format!("{:x}", sha2::Sha256::digest(&bytes)) != row.sha256 {
        return Err(StoreError::Files(format!("the bytes of document {} do not match their hash", row.id)));
    }
    Ok(bytes)
}
