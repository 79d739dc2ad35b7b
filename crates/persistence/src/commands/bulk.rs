//! Loading a whole portfolio into an empty database, keys as given, in one transaction: what
//! the synthetic portfolio generator uses. Nothing is visible until it finishes, and the derived
//! tables are rebuilt before it does.

use sea_orm::{EntityTrait, IntoActiveModel};

use crate::commands::budget_versions;
use crate::derived;
use crate::store::bulk::{ensure_empty, insert_models, move_sequences};
use crate::{Backend, Db, StoreResult, WriteTx};

/// A load in progress: rows go in table by table (parents first); nothing is visible until
/// [`BulkLoad::finish`].
pub struct BulkLoad {
    tx: WriteTx,
    backend: Backend,
}

impl BulkLoad {
    /// Starts a load into `db`, which must hold no portfolio yet.
    pub async fn begin(db: &Db) -> StoreResult<BulkLoad> {
        ensure_empty(db).await?;
        Ok(BulkLoad { tx: db.begin_write().await?, backend: db.backend() })
    }

    /// Inserts rows of one table, keys as given.
    pub async fn insert<E>(&self, rows: Vec<E::Model>) -> StoreResult<u64>
    where
        E: EntityTrait,
        E::Model: IntoActiveModel<E::ActiveModel>,
    {
        insert_models::<_, E, _>(&*self.tx, rows, &|_| {}).await
    }

    /// Makes the load visible, with each application's budget versions as its status implies and
    /// sequences past its keys.
    pub async fn finish(self) -> StoreResult<()> {
        budget_versions::derive_for_loaded(&*self.tx).await?;
        move_sequences(&*self.tx, self.backend).await?;
        derived::rebuild(&*self.tx).await?;
        self.tx.commit().await
    }
}
