//! Calendar feeds: secret subscription URLs for a user's deadlines. Only a SHA-256 of each
//! token is kept, so a copy of the database does not hand out working links.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum CalendarFeeds {
    Table,
    Id,
    TokenHash,
    OwnerSubject,
    OrganizationId,
    ApplicationId,
    Kinds,
    ReminderDays,
    Language,
    CreatedAt,
    RevokedAt,
}

#[derive(DeriveIden)]
enum Organizations {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Applications {
    Table,
    Id,
}

const LANGUAGES: [&str; 3] = ["fi", "sv", "en"];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(CalendarFeeds::Table)
                .col(ColumnDef::new(CalendarFeeds::Id).big_integer().not_null().auto_increment().primary_key())
                // Hex SHA-256 of the token.
                .col(ColumnDef::new(CalendarFeeds::TokenHash).string_len(64).not_null().unique_key())
                .col(ColumnDef::new(CalendarFeeds::OwnerSubject).text().not_null())
                .col(ColumnDef::new(CalendarFeeds::OrganizationId).big_integer().null())
                .col(ColumnDef::new(CalendarFeeds::ApplicationId).big_integer().null())
                // Deadline kind codes, comma-separated; empty for every kind.
                .col(ColumnDef::new(CalendarFeeds::Kinds).text().not_null())
                .col(
                    ColumnDef::new(CalendarFeeds::ReminderDays)
                        .integer()
                        .not_null()
                        .check(Expr::col(CalendarFeeds::ReminderDays).between(0, 60)),
                )
                .col(
                    ColumnDef::new(CalendarFeeds::Language)
                        .string_len(2)
                        .not_null()
                        .check(Expr::col(CalendarFeeds::Language).is_in(LANGUAGES)),
                )
                .col(ColumnDef::new(CalendarFeeds::CreatedAt).timestamp_with_time_zone().not_null())
                .col(ColumnDef::new(CalendarFeeds::RevokedAt).timestamp_with_time_zone().null())
                .foreign_key(
                    ForeignKey::create()
                        .from(CalendarFeeds::Table, CalendarFeeds::OrganizationId)
                        .to(Organizations::Table, Organizations::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(CalendarFeeds::Table, CalendarFeeds::ApplicationId)
                        .to(Applications::Table, Applications::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("calendar_feeds_owner")
                .table(CalendarFeeds::Table)
                .col(CalendarFeeds::OwnerSubject)
                .col(CalendarFeeds::Id)
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(CalendarFeeds::Table).to_owned()).await
    }
}
