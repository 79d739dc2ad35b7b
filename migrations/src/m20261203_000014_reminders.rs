//! Reminders by email, through an outbox.
//!
//! - `reminder_settings`: per signed-in user (the token's subject): the address, the language,
//!   the organisation whose deadlines concern them, the kinds of deadline, the lead times, the
//!   overdue reminder, and a daily digest's local time (none: each reminder at once).
//! - `reminder_items`: one row per (user, deadline, lead time, due time), the unique key that
//!   makes a reminder come once, whichever instance finds it first; a moved deadline has a new
//!   due time, so a new key.
//! - `reminder_messages`: the outbox. A message carries one reminder, or a day's digest (unique
//!   per user and day); the sender claims due messages for a while (`locked_until`), sends them,
//!   marks them sent, or tries again later and at last marks them failed.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum ReminderSettings {
    Table,
    Subject,
    Email,
    Language,
    OrganizationId,
    Kinds,
    LeadDays,
    Overdue,
    DigestAt,
    Since,
    CreatedAt,
    UpdatedAt,
    Version,
}

#[derive(DeriveIden, Clone, Copy)]
enum ReminderMessages {
    Table,
    Id,
    Subject,
    ToAddress,
    Language,
    DigestDay,
    SendAfter,
    Status,
    Attempts,
    NextAttemptAt,
    LockedUntil,
    LastError,
    SentAt,
    CreatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum ReminderItems {
    Table,
    Id,
    MessageId,
    Subject,
    DeadlineId,
    Lead,
    DueAt,
    CreatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum Organizations {
    Table,
    Id,
}

#[derive(DeriveIden, Clone, Copy)]
enum Deadlines {
    Table,
    Id,
}

const LANGUAGES: [&str; 3] = ["fi", "sv", "en"];
const STATUSES: [&str; 4] = ["QUEUED", "SENT", "FAILED", "CANCELLED"];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(ReminderSettings::Table)
                .col(ColumnDef::new(ReminderSettings::Subject).text().not_null().primary_key())
                .col(ColumnDef::new(ReminderSettings::Email).text().not_null())
                .col(
                    ColumnDef::new(ReminderSettings::Language)
                        .string_len(2)
                        .not_null()
                        .check(Expr::col(ReminderSettings::Language).is_in(LANGUAGES)),
                )
                .col(ColumnDef::new(ReminderSettings::OrganizationId).big_integer().null())
                .col(ColumnDef::new(ReminderSettings::Kinds).text().not_null().default(""))
                .col(ColumnDef::new(ReminderSettings::LeadDays).text().not_null())
                .col(ColumnDef::new(ReminderSettings::Overdue).boolean().not_null())
                .col(ColumnDef::new(ReminderSettings::DigestAt).string_len(5).null())
                .col(ColumnDef::new(ReminderSettings::Since).timestamp_with_time_zone().not_null())
                .col(ColumnDef::new(ReminderSettings::CreatedAt).timestamp_with_time_zone().not_null())
                .col(ColumnDef::new(ReminderSettings::UpdatedAt).timestamp_with_time_zone().not_null())
                .col(ColumnDef::new(ReminderSettings::Version).integer().not_null().default(1))
                .foreign_key(
                    ForeignKey::create()
                        .from(ReminderSettings::Table, ReminderSettings::OrganizationId)
                        .to(Organizations::Table, Organizations::Id)
                        // Without its organisation the settings would mean every deadline.
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(ReminderMessages::Table)
                .col(ColumnDef::new(ReminderMessages::Id).big_integer().not_null().auto_increment().primary_key())
                .col(ColumnDef::new(ReminderMessages::Subject).text().not_null())
                .col(ColumnDef::new(ReminderMessages::ToAddress).text().not_null())
                .col(
                    ColumnDef::new(ReminderMessages::Language)
                        .string_len(2)
                        .not_null()
                        .check(Expr::col(ReminderMessages::Language).is_in(LANGUAGES)),
                )
                .col(ColumnDef::new(ReminderMessages::DigestDay).date().null())
                .col(ColumnDef::new(ReminderMessages::SendAfter).timestamp_with_time_zone().not_null())
                .col(
                    ColumnDef::new(ReminderMessages::Status)
                        .string_len(20)
                        .not_null()
                        .check(Expr::col(ReminderMessages::Status).is_in(STATUSES)),
                )
                .col(ColumnDef::new(ReminderMessages::Attempts).integer().not_null().default(0))
                .col(ColumnDef::new(ReminderMessages::NextAttemptAt).timestamp_with_time_zone().not_null())
                .col(ColumnDef::new(ReminderMessages::LockedUntil).timestamp_with_time_zone().null())
                .col(ColumnDef::new(ReminderMessages::LastError).text().null())
                .col(ColumnDef::new(ReminderMessages::SentAt).timestamp_with_time_zone().null())
                .col(ColumnDef::new(ReminderMessages::CreatedAt).timestamp_with_time_zone().not_null())
                .to_owned(),
        )
        .await?;
        // A user's digest of a day is one message (NULL days, single reminders, never collide).
        m.create_index(
            Index::create()
                .name("ux_reminder_messages_digest")
                .table(ReminderMessages::Table)
                .col(ReminderMessages::Subject)
                .col(ReminderMessages::DigestDay)
                .unique()
                .to_owned(),
        )
        .await?;
        // The sender's question: what is queued and due, oldest first.
        m.create_index(
            Index::create()
                .name("ix_reminder_messages_due")
                .table(ReminderMessages::Table)
                .col(ReminderMessages::Status)
                .col(ReminderMessages::NextAttemptAt)
                .col(ReminderMessages::Id)
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(ReminderItems::Table)
                .col(ColumnDef::new(ReminderItems::Id).big_integer().not_null().auto_increment().primary_key())
                .col(ColumnDef::new(ReminderItems::MessageId).big_integer().null())
                .col(ColumnDef::new(ReminderItems::Subject).text().not_null())
                .col(ColumnDef::new(ReminderItems::DeadlineId).big_integer().not_null())
                .col(
                    ColumnDef::new(ReminderItems::Lead)
                        .integer()
                        .not_null()
                        .check(Expr::col(ReminderItems::Lead).between(-1, 365)),
                )
                .col(ColumnDef::new(ReminderItems::DueAt).timestamp_with_time_zone().not_null())
                .col(ColumnDef::new(ReminderItems::CreatedAt).timestamp_with_time_zone().not_null())
                .foreign_key(
                    ForeignKey::create()
                        .from(ReminderItems::Table, ReminderItems::MessageId)
                        .to(ReminderMessages::Table, ReminderMessages::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(ReminderItems::Table, ReminderItems::DeadlineId)
                        .to(Deadlines::Table, Deadlines::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        // The key that makes a reminder come once.
        m.create_index(
            Index::create()
                .name("ux_reminder_items_once")
                .table(ReminderItems::Table)
                .col(ReminderItems::Subject)
                .col(ReminderItems::DeadlineId)
                .col(ReminderItems::Lead)
                .col(ReminderItems::DueAt)
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_reminder_items_message")
                .table(ReminderItems::Table)
                .col(ReminderItems::MessageId)
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(ReminderItems::Table).to_owned()).await?;
        m.drop_table(Table::drop().table(ReminderMessages::Table).to_owned()).await?;
        m.drop_table(Table::drop().table(ReminderSettings::Table).to_owned()).await?;
        Ok(())
    }
}
