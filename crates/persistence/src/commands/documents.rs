//! Documents (asiakirjat): files attached to an application, a commitment, a decision or a change
//! request. The media type is what the bytes are, the size is within the limit, and the SHA-256 is
//! kept so that a file read back is known to be the one stored.

use salkku_domain::document::{self, DocumentOwner};
use salkku_domain::ids::{ApplicationId, NodeKind};
use sea_orm::{ActiveModelTrait, Set};
use sha2::Digest;

use crate::commands::{audit, idempotency};
use crate::entities::document as row;
use crate::records::Document;
use crate::store::contents::ContentStore;
use crate::{Change, Concerning, Db, StoreError, StoreResult};

/// A file to keep, for an owner already checked (and its project, if it has one).
#[derive(Debug, Clone)]
pub struct NewDocument {
    pub owner: DocumentOwner,
    pub owner_key: i64,
    pub application: Option<ApplicationId>,
    /// As the client sent it; only its last part is kept.
    pub file_name: String,
    pub content: Vec<u8>,
    pub max_bytes: usize,
}

/// Keeps a file: refused if it is too large or not of a type salkku keeps.
pub async fn attach(
    db: &Db,
    store: &ContentStore,
    change: &Change<'_>,
    new: NewDocument,
    idempotency_key: Option<&str>,
) -> StoreResult<Document> {
    document::check_size(new.content.len(), new.max_bytes).map_err(|e| StoreError::rule(Concerning::File, e))?;
    let media_type = document::media_type(&new.content).map_err(|e| StoreError::rule(Concerning::File, e))?;
    let sha256 = format!("{:x}", sha2::Sha256::digest(&new.content));
    let size = i64::try_from(new.content.len()).map_err(|_| StoreError::corrupt("a file's size overflows"))?;
    idempotency::create(db, change, idempotency_key, async move |tx| {
        let saved = row::ActiveModel {
            owner_kind: Set(new.owner.as_str().to_owned()),
            owner_id: Set(new.owner_key),
            application_id: Set(new.application.map(|a| a.0)),
            file_name: Set(document::file_name(&new.file_name, media_type)),
            media_type: Set(media_type.to_owned()),
            size_bytes: Set(size),
            sha256: Set(sha256.clone()),
            storage: Set(store.code().to_owned()),
            created_by: Set(change.actor.subject.clone()),
            created_at: Set(change.at),
            ..Default::default()
        }
        .insert(tx)
        .await?;
        store.put(tx, saved.id, &sha256, &new.content).await?;
        let created = Document::try_from(saved)?;
        let owner = salkku_domain::ids::GlobalId::encode(owner_kind(new.owner), new.owner_key);
        audit::record(tx, change, &[created.id.global(), owner], None::<&()>, Some(&created)).await?;
        Ok(created)
    })
    .await
}

/// The kind of object that owns a document.
pub fn owner_kind(owner: DocumentOwner) -> NodeKind {
    match owner {
        DocumentOwner::Application => NodeKind::Application,
        DocumentOwner::Commitment => NodeKind::Commitment,
        DocumentOwner::Decision => NodeKind::Decision,
        DocumentOwner::ChangeRequest => NodeKind::ChangeRequest,
    }
}
