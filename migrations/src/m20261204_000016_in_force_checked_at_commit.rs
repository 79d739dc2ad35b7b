//! One budget version in force per application, checked when the transaction commits on
//! PostgreSQL instead of at each row: a command that puts a new version in force can then step the
//! old one down and write the new one in the same statement, whose parts run in no set order. The
//! rule stays the database's: an exclusion constraint (a unique index cannot wait for the commit),
//! deferred. SQLite runs a command's writes one after another, the old version's step-down first,
//! and keeps its partial unique index.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let db = m.get_connection();
        if db.get_database_backend() != DbBackend::Postgres {
            return Ok(());
        }
        // An exclusion constraint is beyond SeaQuery: PostgreSQL's own SQL.
        db.execute_unprepared("DROP INDEX ux_budget_versions_in_force").await?;
        db.execute_unprepared(
            "ALTER TABLE budget_versions ADD CONSTRAINT ux_budget_versions_in_force \
             EXCLUDE USING btree (application_id WITH =) WHERE (in_force) DEFERRABLE INITIALLY DEFERRED",
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let db = m.get_connection();
        if db.get_database_backend() != DbBackend::Postgres {
            return Ok(());
        }
        db.execute_unprepared("ALTER TABLE budget_versions DROP CONSTRAINT ux_budget_versions_in_force").await?;
        db.execute_unprepared(
            "CREATE UNIQUE INDEX ux_budget_versions_in_force ON budget_versions (application_id) WHERE in_force",
        )
        .await?;
        Ok(())
    }
}
