//! Migrating the schema, then filling the derived tables a migration brought (a migration must
//! not know the rules they are kept by).

use salkku_migrations::{Migrator, MigratorTrait};

use crate::{Db, StoreResult};

impl Db {
    /// Applies the migrations not yet applied; returns how many there were. Derived tables that a
    /// migration brought are then filled.
    pub async fn migrate(&self) -> StoreResult<usize> {
        let pending = {
            let (conn, _lane) = self.conn().hold().await?;
            let pending = Migrator::get_pending_migrations(conn).await?.len();
            Migrator::up(conn, None).await?;
            pending
        };
        crate::derived::fill_pending(self).await?;
        Ok(pending)
    }
}
