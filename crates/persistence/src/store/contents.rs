//! Where documents' bytes are kept: in the database (the default: one backup holds everything)
//! or, for large installations, in a directory, each file named by its SHA-256 under a folder of
//! its first two hex digits. No name a client sends ever becomes a path. Object storage would be
//! one more variant.

use std::path::{Path, PathBuf};

use sea_orm::{ConnectionTrait, EntityTrait, QueryTrait, Set};

use crate::entities::document_content;
use crate::store::batch::Writes;
use crate::{StoreError, StoreResult};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ContentStore {
    Database,
    Directory(PathBuf),
}

impl ContentStore {
    /// How the `documents` table names this store.
    pub fn code(&self) -> &'static str {
        match self {
            ContentStore::Database => "DATABASE",
            ContentStore::Directory(_) => "DIRECTORY",
        }
    }

    /// Keeps a document's bytes: in the database as one more of the command's `writes`; in a
    /// directory at once, written to a temporary name and renamed into place, so a reader never
    /// sees half a file (a file already there holds the same bytes; one kept for a command that
    /// then fails is named by its content and harms nothing).
    pub(crate) async fn put(&self, writes: &mut Writes, document: i64, sha256: &str, bytes: &[u8]) -> StoreResult<()> {
        match self {
            ContentStore::Database => {
                let row = document_content::ActiveModel { document_id: Set(document), content: Set(bytes.to_vec()) };
                writes.push(&document_content::Entity::insert(row).into_query());
                Ok(())
            }
            ContentStore::Directory(root) => {
                let path = file_of(root, sha256)?;
                if tokio::fs::try_exists(&path).await.map_err(files)? {
                    return Ok(());
                }
                let folder = path.parent().ok_or_else(|| StoreError::Files("a document has no folder".into()))?;
                tokio::fs::create_dir_all(folder).await.map_err(files)?;
                let partial = folder.join(format!("{sha256}.{document}.partial"));
                tokio::fs::write(&partial, bytes).await.map_err(files)?;
                tokio::fs::rename(&partial, &path).await.map_err(files)
            }
        }
    }

    /// Reads a document's bytes from where `storage` (its row's code) says they are.
    pub(crate) async fn get<C: ConnectionTrait>(
        &self,
        c: &C,
        storage: &str,
        document: i64,
        sha256: &str,
    ) -> StoreResult<Vec<u8>> {
        match (storage, self) {
            ("DATABASE", _) => document_content::Entity::find_by_id(document)
                .one(c)
                .await?
                .map(|row| row.content)
                .ok_or_else(|| StoreError::Files(format!("the bytes of document {document} are missing"))),
            ("DIRECTORY", ContentStore::Directory(root)) => {
                tokio::fs::read(file_of(root, sha256)?).await.map_err(files)
            }
            _ => Err(StoreError::Files(format!(
                "document {document} is kept in a directory, and this server is configured without one"
            ))),
        }
    }
}

fn files(e: std::io::Error) -> StoreError {
    StoreError::Files(e.to_string())
}

/// The file of a hash: only 64 lowercase hex digits ever make a path.
fn file_of(root: &Path, sha256: &str) -> StoreResult<PathBuf> {
    if sha256.len() != 64 || !sha256.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)) {
        return Err(StoreError::Files("a document's hash is not 64 hex digits".into()));
    }
    Ok(root.join(&sha256[..2]).join(sha256))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_hash_becomes_a_path() {
        let root = Path::new("/srv/salkku");
        let sha = "ab".repeat(32);
        assert_eq!(file_of(root, &sha).unwrap(), root.join("ab").join(&sha));
        for bad in ["../../etc/passwd", &"AB".repeat(32), &"ab".repeat(31), &format!("{}/x", "a".repeat(62))] {
            assert!(file_of(root, bad).is_err(), "{bad}");
        }
    }
}
