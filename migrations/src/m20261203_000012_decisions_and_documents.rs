//! Decisions on record and their documents. A decision says who decided (an organisation and its
//! body), when, its reference and a summary; status changes, commitments, allocations, budget
//! versions and change-request parts may point to one. A document is a file attached to an
//! application, a commitment, a decision or a change request, with its detected media type, size
//! and SHA-256; its bytes are kept in the database (`document_contents`) or, where the
//! installation says so, in a directory, named by their hash.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum Decisions {
    Table,
    Id,
    OrganizationId,
    Body,
    DecidedOn,
    Reference,
    Summary,
    ApplicationId,
    CreatedBy,
    CreatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum Documents {
    Table,
    Id,
    OwnerKind,
    OwnerId,
    ApplicationId,
    FileName,
    MediaType,
    SizeBytes,
    Sha256,
    Storage,
    CreatedBy,
    CreatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum DocumentContents {
    Table,
    DocumentId,
    Content,
}

#[derive(DeriveIden, Clone, Copy)]
enum Organizations {
    Table,
    Id,
}

#[derive(DeriveIden, Clone, Copy)]
enum Applications {
    Table,
    Id,
}

#[derive(DeriveIden, Clone, Copy)]
enum DecisionId {
    DecisionId,
}

const OWNERS: [&str; 4] = ["APPLICATION", "COMMITMENT", "DECISION", "CHANGE_REQUEST"];
const STORAGES: [&str; 2] = ["DATABASE", "DIRECTORY"];
/// The tables whose rows may point to the decision behind them.
const POINTING: [&str; 5] =
    ["status_changes", "commitments", "state_aid_allocations", "budget_versions", "change_request_parts"];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Decisions::Table)
                .col(ColumnDef::new(Decisions::Id).big_integer().not_null().auto_increment().primary_key())
                .col(ColumnDef::new(Decisions::OrganizationId).big_integer().not_null())
                .col(ColumnDef::new(Decisions::Body).text().null())
                .col(ColumnDef::new(Decisions::DecidedOn).date().not_null())
                .col(ColumnDef::new(Decisions::Reference).text().null())
                .col(ColumnDef::new(Decisions::Summary).text().null())
                .col(ColumnDef::new(Decisions::ApplicationId).big_integer().null())
                .col(ColumnDef::new(Decisions::CreatedBy).text().not_null())
                .col(ColumnDef::new(Decisions::CreatedAt).timestamp_with_time_zone().not_null())
                .foreign_key(
                    ForeignKey::create()
                        .from(Decisions::Table, Decisions::OrganizationId)
                        .to(Organizations::Table, Organizations::Id)
                        .on_delete(ForeignKeyAction::Restrict),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(Decisions::Table, Decisions::ApplicationId)
                        .to(Applications::Table, Applications::Id)
                        .on_delete(ForeignKeyAction::SetNull),
                )
                .to_owned(),
        )
        .await?;
        for (name, col) in [
            ("ix_decisions_organization", Decisions::OrganizationId),
            ("ix_decisions_application", Decisions::ApplicationId),
            ("ix_decisions_decided_on", Decisions::DecidedOn),
        ] {
            m.create_index(Index::create().name(name).table(Decisions::Table).col(col).col(Decisions::Id).to_owned())
                .await?;
        }
        m.create_table(
            Table::create()
                .table(Documents::Table)
                .col(ColumnDef::new(Documents::Id).big_integer().not_null().auto_increment().primary_key())
                .col(
                    ColumnDef::new(Documents::OwnerKind)
                        .string_len(40)
                        .not_null()
                        .check(Expr::col(Documents::OwnerKind).is_in(OWNERS)),
                )
                .col(ColumnDef::new(Documents::OwnerId).big_integer().not_null())
                .col(ColumnDef::new(Documents::ApplicationId).big_integer().null())
                .col(ColumnDef::new(Documents::FileName).text().not_null())
                .col(ColumnDef::new(Documents::MediaType).text().not_null())
                .col(
                    ColumnDef::new(Documents::SizeBytes)
                        .big_integer()
                        .not_null()
                        .check(Expr::col(Documents::SizeBytes).gt(0)),
                )
                .col(ColumnDef::new(Documents::Sha256).string_len(64).not_null())
                .col(
                    ColumnDef::new(Documents::Storage)
                        .string_len(20)
                        .not_null()
                        .check(Expr::col(Documents::Storage).is_in(STORAGES)),
                )
                .col(ColumnDef::new(Documents::CreatedBy).text().not_null())
                .col(ColumnDef::new(Documents::CreatedAt).timestamp_with_time_zone().not_null())
                .foreign_key(
                    ForeignKey::create()
                        .from(Documents::Table, Documents::ApplicationId)
                        .to(Applications::Table, Applications::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_documents_owner")
                .table(Documents::Table)
                .col(Documents::OwnerKind)
                .col(Documents::OwnerId)
                .col(Documents::Id)
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(DocumentContents::Table)
                .col(ColumnDef::new(DocumentContents::DocumentId).big_integer().not_null().primary_key())
                .col(ColumnDef::new(DocumentContents::Content).binary().not_null())
                .foreign_key(
                    ForeignKey::create()
                        .from(DocumentContents::Table, DocumentContents::DocumentId)
                        .to(Documents::Table, Documents::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        // One column per statement: SQLite alters a table one column at a time. SQLite cannot add
        // a foreign key to an existing table, so on both stores the commands check the reference.
        for table in POINTING {
            m.alter_table(
                Table::alter()
                    .table(Alias::new(table))
                    .add_column(ColumnDef::new(DecisionId::DecisionId).big_integer().null())
                    .to_owned(),
            )
            .await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for table in POINTING {
            m.alter_table(Table::alter().table(Alias::new(table)).drop_column(DecisionId::DecisionId).to_owned())
                .await?;
        }
        m.drop_table(Table::drop().table(DocumentContents::Table).to_owned()).await?;
        m.drop_table(Table::drop().table(Documents::Table).to_owned()).await?;
        m.drop_table(Table::drop().table(Decisions::Table).to_owned()).await?;
        Ok(())
    }
}
