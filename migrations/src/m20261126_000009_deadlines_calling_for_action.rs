//! Whether each deadline party's deadline still calls for action: its application (if any) not
//! rejected, withdrawn or closed, and its commitment (if any) still requested. An organisation's
//! upcoming deadlines then read only those from their own index range. Without the mark, an
//! organisation's window held several times as many parties as deadlines that still call for
//! action, and every one of those parties was looked up with its application and commitment,
//! most only to be dropped.
//!
//! Derived like the parties themselves: the storage layer refills the table after this migration
//! (`derived_rebuilds`) and keeps the mark in step with every change of status.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum DeadlineParties {
    Table,
    OrganizationId,
    DueAt,
    DeadlineId,
    CallsForAction,
}

#[derive(DeriveIden)]
enum DerivedRebuilds {
    Table,
    Name,
}

const INDEX: &str = "deadline_parties_calling";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(DeadlineParties::Table)
                .add_column(ColumnDef::new(DeadlineParties::CallsForAction).boolean().not_null().default(true))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name(INDEX)
                .table(DeadlineParties::Table)
                .col(DeadlineParties::OrganizationId)
                .col(DeadlineParties::CallsForAction)
                .col(DeadlineParties::DueAt)
                .col(DeadlineParties::DeadlineId)
                .to_owned(),
        )
        .await?;
        // On a new database the parties' own migration has asked for the same refill.
        let pending = Query::insert()
            .into_table(DerivedRebuilds::Table)
            .columns([DerivedRebuilds::Name])
            .values_panic(["deadline_parties".into()])
            .on_conflict(OnConflict::column(DerivedRebuilds::Name).do_nothing().to_owned())
            .to_owned();
        m.exec_stmt(pending).await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(Index::drop().name(INDEX).table(DeadlineParties::Table).to_owned()).await?;
        m.alter_table(
            Table::alter().table(DeadlineParties::Table).drop_column(DeadlineParties::CallsForAction).to_owned(),
        )
        .await?;
        Ok(())
    }
}
