//! Documents (asiakirjat): files attached to an application, a commitment, a decision or a change
//! request. The media type is what the bytes are, the size is within the limit, and the SHA-256 is
//! kept so that a file read back is known to be the one stored.

use salkku_domain::document::{self, DocumentOwner};
use salkku_domain::ids::NodeKind;
use sea_orm::sea_query::{Alias, Expr, ExprTrait, Func, Query};
use sea_orm::{ConnectionTrait, EntityName};
use sha2::Digest;

use crate::commands::{audit, idempotency, involvement};
use crate::entities::{application, change_request, commitment, decision, document as row};
use crate::records::Document;
use crate::store::batch::Writes;
use crate::store::contents::ContentStore;
use crate::store::held as store_held;
use crate::{Change, Concerning, Db, Outside, StoreError, StoreResult};

/// A file to keep for its owner (whose project, if it has one, the document belongs to as well).
#[derive(Debug, Clone)]
pub struct NewDocument {
    pub owner: DocumentOwner,
    pub owner_key: i64,
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
    // Its owner's project and its key read, then the document, its bytes (kept in the database)
    // and the audit entry written as one statement.
    idempotency::create(db, change, idempotency_key, async move |tx| {
        let backend = tx.get_database_backend();
        let mut query = Query::select();
        query.expr_as(owner_project(new.owner, new.owner_key), Alias::new("owner_project"));
        query.expr_as(store_held::next_key(backend, row::Entity.table_name(), 0), Alias::new("document_key"));
        // A coordinator's: the owner's project theirs, or the decision their organisation's.
        let outside = if new.owner == DocumentOwner::Decision {
            involvement::ask_of_decision(&mut query, change, Expr::val(new.owner_key));
            Outside::Decision
        } else {
            involvement::ask(&mut query, change, owner_project(new.owner, new.owner_key));
            Outside::Project
        };
        let read = store_held::read_values(tx, query).await?;
        // An owner of no project reads as 0, no owner as null.
        let project: Option<i64> = read.try_get("", "owner_project")?;
        let project = project.ok_or(StoreError::NotFound { kind: owner_kind(new.owner), key: new.owner_key })?;
        involvement::check_against(&read, change, outside)?;
        let key: i64 = read.try_get("", "document_key")?;
        let model = row::Model {
            id: key,
            owner_kind: new.owner.as_str().to_owned(),
            owner_id: new.owner_key,
            application_id: (project != 0).then_some(project),
            file_name: document::file_name(&new.file_name, media_type),
            media_type: media_type.to_owned(),
            size_bytes: size,
            sha256: sha256.clone(),
            storage: store.code().to_owned(),
            created_by: change.actor.subject.clone(),
            created_at: change.at,
        };
        let created = Document::try_from(model.clone())?;
        let mut writes = Writes::new(backend);
        writes.insert(model);
        // The audit entry before the bytes: a change it refuses keeps no file either.
        let owner = salkku_domain::ids::GlobalId::encode(owner_kind(new.owner), new.owner_key);
        audit::add(&mut writes, change, &[created.id.global(), owner], None::<&()>, Some(&created))?;
        store.put(&mut writes, key, &sha256, &new.content).await?;
        writes.run(tx).await?;
        Ok(created)
    })
    .await
}

/// The project of the owner `key` of kind `owner` (its own key for an application), 0 for an
/// owner of no project (a decision may be of none), null for no such owner.
fn owner_project(owner: DocumentOwner, key: i64) -> Expr {
    let (table, project) = match owner {
        DocumentOwner::Application => (application::Entity.table_name(), "id"),
        DocumentOwner::Commitment => (commitment::Entity.table_name(), "application_id"),
        DocumentOwner::Decision => (decision::Entity.table_name(), "application_id"),
        DocumentOwner::ChangeRequest => (change_request::Entity.table_name(), "application_id"),
    };
    let found = Query::select()
        .expr(Func::coalesce([Expr::col(Alias::new(project)), Expr::val(0)]))
        .from(Alias::new(table))
        .and_where(Expr::col(Alias::new("id")).eq(key))
        .to_owned();
    Expr::SubQuery(None, Box::new(found.into()))
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
