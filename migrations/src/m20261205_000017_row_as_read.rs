//! A write that checks, in the statement that makes it, that a row it depends on is still as a
//! read without a transaction saw it (`store::batch`, `Writes::unless_moved`): the check fails the
//! whole statement, so that none of its parts is kept, with PostgreSQL's own code for a write that
//! lost to a concurrent one (serialization_failure), which the command answers by reading again
//! in a transaction. A function, because SQL alone raises no error of one's choosing. SQLite writes
//! in a transaction that holds the database from its first read: it never needs the check.

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
        // A function is beyond SeaQuery: PostgreSQL's own SQL.
        db.execute_unprepared(
            "CREATE FUNCTION row_as_read(rows bigint) RETURNS boolean LANGUAGE plpgsql VOLATILE AS $$ \
             BEGIN \
               IF rows = 0 THEN \
                 RAISE EXCEPTION 'the row changed after it was read' USING ERRCODE = 'serialization_failure'; \
               END IF; \
               RETURN true; \
             END $$",
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let db = m.get_connection();
        if db.get_database_backend() != DbBackend::Postgres {
            return Ok(());
        }
        db.execute_unprepared("DROP FUNCTION row_as_read(bigint)").await?;
        Ok(())
    }
}
