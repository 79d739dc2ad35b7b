//! The audit log: who changed what, when, and the values before and after. Append-only: the
//! database itself refuses to update or delete an entry.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum AuditLog {
    Table,
    Id,
    At,
    Subject,
    Role,
    OrganizationId,
    Operation,
    Before,
    After,
}

#[derive(DeriveIden, Clone, Copy)]
enum AuditLogObjects {
    Table,
    EntryId,
    ObjectId,
}

const ROLES: [&str; 4] = ["COORDINATOR", "FINANCE", "MINISTRY", "ADMIN"];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(AuditLog::Table)
                .col(ColumnDef::new(AuditLog::Id).big_integer().not_null().auto_increment().primary_key())
                .col(ColumnDef::new(AuditLog::At).timestamp_with_time_zone().not_null())
                .col(ColumnDef::new(AuditLog::Subject).text().not_null())
                .col(
                    ColumnDef::new(AuditLog::Role)
                        .string_len(40)
                        .not_null()
                        .check(Expr::col(AuditLog::Role).is_in(ROLES)),
                )
                // The organisation the actor acted for: a plain key, not a foreign key, so the log
                // outlives what it tells about.
                .col(ColumnDef::new(AuditLog::OrganizationId).big_integer().null())
                .col(ColumnDef::new(AuditLog::Operation).string_len(60).not_null())
                .col(ColumnDef::new(AuditLog::Before).text().null())
                .col(ColumnDef::new(AuditLog::After).text().null())
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(AuditLogObjects::Table)
                .col(ColumnDef::new(AuditLogObjects::EntryId).big_integer().not_null())
                .col(ColumnDef::new(AuditLogObjects::ObjectId).string_len(100).not_null())
                .primary_key(Index::create().col(AuditLogObjects::EntryId).col(AuditLogObjects::ObjectId))
                .foreign_key(
                    ForeignKey::create()
                        .from(AuditLogObjects::Table, AuditLogObjects::EntryId)
                        .to(AuditLog::Table, AuditLog::Id)
                        .on_delete(ForeignKeyAction::Restrict),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("audit_log_objects_object")
                .table(AuditLogObjects::Table)
                .col(AuditLogObjects::ObjectId)
                .col(AuditLogObjects::EntryId)
                .to_owned(),
        )
        .await?;

        // Triggers are beyond SeaQuery: plain SQL, one dialect each.
        let db = m.get_connection();
        match db.get_database_backend() {
            DbBackend::Sqlite => {
                for table in ["audit_log", "audit_log_objects"] {
                    for event in ["UPDATE", "DELETE"] {
                        db.execute_unprepared(&format!(
                            "CREATE TRIGGER {table}_no_{op} BEFORE {event} ON {table} \
                             BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END",
                            op = event.to_lowercase()
                        ))
                        .await?;
                    }
                }
            }
            DbBackend::Postgres => {
                db.execute_unprepared(
                    "CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ \
                     BEGIN RAISE EXCEPTION 'the audit log is append-only'; END $$",
                )
                .await?;
                for table in ["audit_log", "audit_log_objects"] {
                    db.execute_unprepared(&format!(
                        "CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON {table} \
                         FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only()"
                    ))
                    .await?;
                }
            }
            _ => {}
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let db = m.get_connection();
        if db.get_database_backend() == DbBackend::Postgres {
            db.execute_unprepared("DROP TABLE IF EXISTS audit_log_objects, audit_log CASCADE").await?;
            db.execute_unprepared("DROP FUNCTION IF EXISTS audit_log_append_only()").await?;
            return Ok(());
        }
        m.drop_table(Table::drop().table(AuditLogObjects::Table).to_owned()).await?;
        m.drop_table(Table::drop().table(AuditLog::Table).to_owned()).await
    }
}
