//! Change requests (muutoshakemukset): what a granted project asks its funder to change (a later
//! end, budget lines, the state aid, its content), the lines it proposes, and the decision on each
//! part, with the budget version an approved budget part put in force; and the partners a request
//! would add (with their commitment) or remove.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum ChangeRequests {
    Table,
    Id,
    ApplicationId,
    Status,
    Justification,
    NewEnd,
    StateAidCents,
    ContentChange,
    SubmittedAt,
    ClosedAt,
    CreatedBy,
    CreatedAt,
    UpdatedAt,
    Version,
}

#[derive(DeriveIden, Clone, Copy)]
enum ChangeRequestLines {
    Table,
    Id,
    RequestId,
    Position,
    Category,
    Year,
    Description,
    AmountCents,
}

#[derive(DeriveIden, Clone, Copy)]
enum ChangeRequestParts {
    Table,
    RequestId,
    Kind,
    Decision,
    ApprovedEnd,
    RevisedVersionId,
    DecidedAt,
    DecidedBy,
    DecisionRef,
    Note,
}

#[derive(DeriveIden, Clone, Copy)]
enum ChangeRequestPartners {
    Table,
    RequestId,
    OrganizationId,
    Joins,
    Role,
    CommitmentCents,
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
enum BudgetVersions {
    Table,
    Id,
}

const STATUSES: [&str; 4] = ["DRAFT", "SUBMITTED", "CLOSED", "WITHDRAWN"];
const KINDS: [&str; 5] = ["EXTENSION", "BUDGET_REALLOCATION", "STATE_AID_CHANGE", "CONTENT_CHANGE", "PARTNER_CHANGE"];
const DECISIONS: [&str; 3] = ["APPROVED", "APPROVED_WITH_CHANGES", "REJECTED"];
const ROLES: [&str; 3] = ["CO_IMPLEMENTER", "FUNDER", "PARTNER"];
const CATEGORIES: [&str; 7] =
    ["PERSONNEL", "TRAVEL", "PURCHASED_SERVICES", "MATERIALS", "PREMISES", "OVERHEAD", "OTHER"];

fn code<T: IntoIden + Copy + 'static>(col: T, values: &'static [&'static str], nullable: bool) -> ColumnDef {
    let mut def = ColumnDef::new(col);
    def.string_len(40).check(Expr::col(col).is_in(values.iter().copied()));
    if nullable {
        def.null()
    } else {
        def.not_null()
    };
    def.to_owned()
}

fn cents<T: IntoIden + Copy + 'static>(col: T, nullable: bool) -> ColumnDef {
    let mut def = ColumnDef::new(col);
    def.big_integer().check(Expr::col(col).gte(0));
    if nullable {
        def.null()
    } else {
        def.not_null()
    };
    def.to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(ChangeRequests::Table)
                .col(ColumnDef::new(ChangeRequests::Id).big_integer().not_null().auto_increment().primary_key())
                .col(ColumnDef::new(ChangeRequests::ApplicationId).big_integer().not_null())
                .col(code(ChangeRequests::Status, &STATUSES, false))
                .col(ColumnDef::new(ChangeRequests::Justification).text().null())
                .col(ColumnDef::new(ChangeRequests::NewEnd).date().null())
                .col(cents(ChangeRequests::StateAidCents, true))
                .col(ColumnDef::new(ChangeRequests::ContentChange).text().null())
                .col(ColumnDef::new(ChangeRequests::SubmittedAt).timestamp_with_time_zone().null())
                .col(ColumnDef::new(ChangeRequests::ClosedAt).timestamp_with_time_zone().null())
                .col(ColumnDef::new(ChangeRequests::CreatedBy).text().not_null())
                .col(ColumnDef::new(ChangeRequests::CreatedAt).timestamp_with_time_zone().not_null())
                .col(ColumnDef::new(ChangeRequests::UpdatedAt).timestamp_with_time_zone().not_null())
                .col(
                    ColumnDef::new(ChangeRequests::Version)
                        .integer()
                        .not_null()
                        .default(1)
                        .check(Expr::col(ChangeRequests::Version).gte(1)),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(ChangeRequests::Table, ChangeRequests::ApplicationId)
                        .to(Applications::Table, Applications::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_change_requests_application")
                .table(ChangeRequests::Table)
                .col(ChangeRequests::ApplicationId)
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(ChangeRequestLines::Table)
                .col(ColumnDef::new(ChangeRequestLines::Id).big_integer().not_null().auto_increment().primary_key())
                .col(ColumnDef::new(ChangeRequestLines::RequestId).big_integer().not_null())
                .col(ColumnDef::new(ChangeRequestLines::Position).integer().not_null())
                .col(code(ChangeRequestLines::Category, &CATEGORIES, false))
                .col(
                    ColumnDef::new(ChangeRequestLines::Year)
                        .integer()
                        .not_null()
                        .check(Expr::col(ChangeRequestLines::Year).between(1990, 2100)),
                )
                .col(ColumnDef::new(ChangeRequestLines::Description).text().null())
                .col(cents(ChangeRequestLines::AmountCents, false))
                .foreign_key(
                    ForeignKey::create()
                        .from(ChangeRequestLines::Table, ChangeRequestLines::RequestId)
                        .to(ChangeRequests::Table, ChangeRequests::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_change_request_lines_request")
                .table(ChangeRequestLines::Table)
                .col(ChangeRequestLines::RequestId)
                .col(ChangeRequestLines::Position)
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(ChangeRequestParts::Table)
                .col(ColumnDef::new(ChangeRequestParts::RequestId).big_integer().not_null())
                .col(code(ChangeRequestParts::Kind, &KINDS, false))
                .col(code(ChangeRequestParts::Decision, &DECISIONS, true))
                .col(ColumnDef::new(ChangeRequestParts::ApprovedEnd).date().null())
                .col(ColumnDef::new(ChangeRequestParts::RevisedVersionId).big_integer().null())
                .col(ColumnDef::new(ChangeRequestParts::DecidedAt).timestamp_with_time_zone().null())
                .col(ColumnDef::new(ChangeRequestParts::DecidedBy).text().null())
                .col(ColumnDef::new(ChangeRequestParts::DecisionRef).text().null())
                .col(ColumnDef::new(ChangeRequestParts::Note).text().null())
                .primary_key(Index::create().col(ChangeRequestParts::RequestId).col(ChangeRequestParts::Kind))
                .foreign_key(
                    ForeignKey::create()
                        .from(ChangeRequestParts::Table, ChangeRequestParts::RequestId)
                        .to(ChangeRequests::Table, ChangeRequests::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(ChangeRequestParts::Table, ChangeRequestParts::RevisedVersionId)
                        .to(BudgetVersions::Table, BudgetVersions::Id)
                        .on_delete(ForeignKeyAction::Restrict),
                )
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(ChangeRequestPartners::Table)
                .col(ColumnDef::new(ChangeRequestPartners::RequestId).big_integer().not_null())
                .col(ColumnDef::new(ChangeRequestPartners::OrganizationId).big_integer().not_null())
                .col(ColumnDef::new(ChangeRequestPartners::Joins).boolean().not_null())
                .col(code(ChangeRequestPartners::Role, &ROLES, false))
                .col(cents(ChangeRequestPartners::CommitmentCents, true))
                .primary_key(
                    Index::create().col(ChangeRequestPartners::RequestId).col(ChangeRequestPartners::OrganizationId),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(ChangeRequestPartners::Table, ChangeRequestPartners::RequestId)
                        .to(ChangeRequests::Table, ChangeRequests::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(ChangeRequestPartners::Table, ChangeRequestPartners::OrganizationId)
                        .to(Organizations::Table, Organizations::Id)
                        .on_delete(ForeignKeyAction::Restrict),
                )
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(ChangeRequestPartners::Table).to_owned()).await?;
        m.drop_table(Table::drop().table(ChangeRequestParts::Table).to_owned()).await?;
        m.drop_table(Table::drop().table(ChangeRequestLines::Table).to_owned()).await?;
        m.drop_table(Table::drop().table(ChangeRequests::Table).to_owned()).await?;
        Ok(())
    }
}
