//! Whom each deadline concerns, by organisation and due time: an organisation's upcoming
//! deadlines are then one ordered index range, read until the page is full, however many
//! applications it leads or takes part in.
//!
//! The table is derived: the storage layer fills it after this migration (and after every bulk
//! load) from the deadlines, with the rules it keeps it by (`derived_rebuilds` asks it to).

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum DeadlineParties {
    Table,
    OrganizationId,
    /// The deadline's due time, copied so that the index orders by it.
    DueAt,
    DeadlineId,
}

#[derive(DeriveIden)]
enum DerivedRebuilds {
    Table,
    Name,
}

#[derive(DeriveIden)]
enum Deadlines {
    Table,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(DeadlineParties::Table)
                .col(ColumnDef::new(DeadlineParties::OrganizationId).big_integer().not_null())
                .col(ColumnDef::new(DeadlineParties::DueAt).timestamp_with_time_zone().not_null())
                .col(ColumnDef::new(DeadlineParties::DeadlineId).big_integer().not_null())
                .primary_key(
                    Index::create()
                        .col(DeadlineParties::OrganizationId)
                        .col(DeadlineParties::DueAt)
                        .col(DeadlineParties::DeadlineId),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(DeadlineParties::Table, DeadlineParties::DeadlineId)
                        .to(Deadlines::Table, Deadlines::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("deadline_parties_deadline")
                .table(DeadlineParties::Table)
                .col(DeadlineParties::DeadlineId)
                .to_owned(),
        )
        .await?;
        let pending = Query::insert()
            .into_table(DerivedRebuilds::Table)
            .columns([DerivedRebuilds::Name])
            .values_panic(["deadline_parties".into()])
            .to_owned();
        m.exec_stmt(pending).await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let done = Query::delete()
            .from_table(DerivedRebuilds::Table)
            .and_where(Expr::col(DerivedRebuilds::Name).eq("deadline_parties"))
            .to_owned();
        m.exec_stmt(done).await?;
        m.drop_table(Table::drop().table(DeadlineParties::Table).to_owned()).await?;
        Ok(())
    }
}
