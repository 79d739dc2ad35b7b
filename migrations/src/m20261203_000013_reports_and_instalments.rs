//! After the decision: the reports a granted project owes, the instalments its state aid is paid
//! in, and what it returns.
//!
//! - `report_obligations`: interim, final and financial reports, each with its due date, its
//!   status (due, submitted, accepted, returned), and whether it states the actual costs; one made
//!   from the call's schedule keeps how many months after the project's end it falls due, so that
//!   it moves with an extension. The actual costs of a submitted report are
//!   `report_cost_lines`; the documents it was submitted with, `report_documents`.
//! - `instalments`: an allocation's planned payments, each with its due date, amount, the report
//!   whose acceptance it waits for, and its status; a payment may settle one (`instalment_id`).
//! - `repayments`: what a project returned after its final account.
//! - The call's report schedule (an interim report every year by a day, the final report some
//!   months after the end), and on each deadline the report it asks for.
//!
//! Every application's old `report_due` becomes its final report, still due: its deadline is kept,
//! now the report's (and an accepted one without costs on record for a closed application, whose
//! duties are over).

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum ReportObligations {
    Table,
    Id,
    ApplicationId,
    Kind,
    Title,
    DueOn,
    MonthsAfterEnd,
    FromSchedule,
    StatesCosts,
    Status,
    SubmittedAt,
    SubmittedBy,
    DecidedAt,
    DecidedBy,
    ReturnReasons,
    TimesReturned,
    DecisionId,
    CreatedAt,
    UpdatedAt,
    Version,
}

#[derive(DeriveIden, Clone, Copy)]
enum ReportCostLines {
    Table,
    Id,
    ReportId,
    Position,
    Category,
    Year,
    Description,
    AmountCents,
}

#[derive(DeriveIden, Clone, Copy)]
enum ReportDocuments {
    Table,
    ReportId,
    DocumentId,
}

#[derive(DeriveIden, Clone, Copy)]
enum Instalments {
    Table,
    Id,
    AllocationId,
    DueOn,
    AmountCents,
    ConditionReportId,
    Status,
    Label,
    RequestedAt,
    PaidOn,
    CreatedAt,
    UpdatedAt,
    Version,
}

#[derive(DeriveIden, Clone, Copy)]
enum Repayments {
    Table,
    Id,
    ApplicationId,
    ReturnedOn,
    AmountCents,
    Reference,
    DecisionId,
    CreatedBy,
    CreatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum GrantCalls {
    Table,
    InterimReportMonth,
    InterimReportDay,
    FinalReportMonths,
}

#[derive(DeriveIden, Clone, Copy)]
enum Deadlines {
    Table,
    ReportId,
}

#[derive(DeriveIden, Clone, Copy)]
enum Payments {
    Table,
    InstalmentId,
}

#[derive(DeriveIden, Clone, Copy)]
enum Applications {
    Table,
    Id,
}

#[derive(DeriveIden, Clone, Copy)]
enum StateAidAllocations {
    Table,
    Id,
}

#[derive(DeriveIden, Clone, Copy)]
enum Documents {
    Table,
    Id,
}

const KINDS: [&str; 3] = ["INTERIM", "FINAL", "FINANCIAL"];
const REPORT_STATUSES: [&str; 4] = ["DUE", "SUBMITTED", "ACCEPTED", "RETURNED"];
const INSTALMENT_STATUSES: [&str; 4] = ["PLANNED", "REQUESTED", "PAID", "CANCELLED"];
const CATEGORIES: [&str; 7] =
    ["PERSONNEL", "TRAVEL", "PURCHASED_SERVICES", "MATERIALS", "PREMISES", "OVERHEAD", "OTHER"];

/// The same SQL runs on SQLite and PostgreSQL; an import of an export made before this migration
/// runs it too. A closed project's final report was accepted without its costs on record: it
/// states none, so no final account is made up from nothing.
pub const BACKFILL: [&str; 2] = [
    "INSERT INTO report_obligations (application_id, kind, title, due_on, months_after_end, from_schedule, \
       states_costs, status, times_returned, created_at, updated_at, version) \
     SELECT id, 'FINAL', NULL, report_due, NULL, FALSE, status <> 'CLOSED', \
       CASE WHEN status = 'CLOSED' THEN 'ACCEPTED' ELSE 'DUE' END, 0, updated_at, updated_at, 1 \
     FROM applications WHERE report_due IS NOT NULL",
    "UPDATE deadlines SET \
       report_id = (SELECT r.id FROM report_obligations r WHERE r.application_id = deadlines.application_id), \
       source_key = 'report:' || CAST((SELECT r.id FROM report_obligations r \
         WHERE r.application_id = deadlines.application_id) AS TEXT) \
     WHERE source_key LIKE 'application-report:%'",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(ReportObligations::Table)
                .col(ColumnDef::new(ReportObligations::Id).big_integer().not_null().auto_increment().primary_key())
                .col(ColumnDef::new(ReportObligations::ApplicationId).big_integer().not_null())
                .col(
                    ColumnDef::new(ReportObligations::Kind)
                        .string_len(20)
                        .not_null()
                        .check(Expr::col(ReportObligations::Kind).is_in(KINDS)),
                )
                .col(ColumnDef::new(ReportObligations::Title).text().null())
                .col(ColumnDef::new(ReportObligations::DueOn).date().not_null())
                .col(
                    ColumnDef::new(ReportObligations::MonthsAfterEnd)
                        .integer()
                        .null()
                        .check(Expr::col(ReportObligations::MonthsAfterEnd).between(0, 36)),
                )
                .col(ColumnDef::new(ReportObligations::FromSchedule).boolean().not_null())
                .col(ColumnDef::new(ReportObligations::StatesCosts).boolean().not_null())
                .col(
                    ColumnDef::new(ReportObligations::Status)
                        .string_len(20)
                        .not_null()
                        .check(Expr::col(ReportObligations::Status).is_in(REPORT_STATUSES)),
                )
                .col(ColumnDef::new(ReportObligations::SubmittedAt).timestamp_with_time_zone().null())
                .col(ColumnDef::new(ReportObligations::SubmittedBy).text().null())
                .col(ColumnDef::new(ReportObligations::DecidedAt).timestamp_with_time_zone().null())
                .col(ColumnDef::new(ReportObligations::DecidedBy).text().null())
                .col(ColumnDef::new(ReportObligations::ReturnReasons).text().null())
                .col(ColumnDef::new(ReportObligations::TimesReturned).integer().not_null().default(0))
                .col(ColumnDef::new(ReportObligations::DecisionId).big_integer().null())
                .col(ColumnDef::new(ReportObligations::CreatedAt).timestamp_with_time_zone().not_null())
                .col(ColumnDef::new(ReportObligations::UpdatedAt).timestamp_with_time_zone().not_null())
                .col(ColumnDef::new(ReportObligations::Version).integer().not_null().default(1))
                .foreign_key(
                    ForeignKey::create()
                        .from(ReportObligations::Table, ReportObligations::ApplicationId)
                        .to(Applications::Table, Applications::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_report_obligations_application")
                .table(ReportObligations::Table)
                .col(ReportObligations::ApplicationId)
                .col(ReportObligations::DueOn)
                .col(ReportObligations::Id)
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(ReportCostLines::Table)
                .col(ColumnDef::new(ReportCostLines::Id).big_integer().not_null().auto_increment().primary_key())
                .col(ColumnDef::new(ReportCostLines::ReportId).big_integer().not_null())
                .col(ColumnDef::new(ReportCostLines::Position).integer().not_null())
                .col(
                    ColumnDef::new(ReportCostLines::Category)
                        .string_len(40)
                        .not_null()
                        .check(Expr::col(ReportCostLines::Category).is_in(CATEGORIES)),
                )
                .col(
                    ColumnDef::new(ReportCostLines::Year)
                        .integer()
                        .not_null()
                        .check(Expr::col(ReportCostLines::Year).between(1990, 2100)),
                )
                .col(ColumnDef::new(ReportCostLines::Description).text().null())
                .col(
                    ColumnDef::new(ReportCostLines::AmountCents)
                        .big_integer()
                        .not_null()
                        .check(Expr::col(ReportCostLines::AmountCents).gte(0)),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(ReportCostLines::Table, ReportCostLines::ReportId)
                        .to(ReportObligations::Table, ReportObligations::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_report_cost_lines_report")
                .table(ReportCostLines::Table)
                .col(ReportCostLines::ReportId)
                .col(ReportCostLines::Position)
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(ReportDocuments::Table)
                .col(ColumnDef::new(ReportDocuments::ReportId).big_integer().not_null())
                .col(ColumnDef::new(ReportDocuments::DocumentId).big_integer().not_null())
                .primary_key(Index::create().col(ReportDocuments::ReportId).col(ReportDocuments::DocumentId))
                .foreign_key(
                    ForeignKey::create()
                        .from(ReportDocuments::Table, ReportDocuments::ReportId)
                        .to(ReportObligations::Table, ReportObligations::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(ReportDocuments::Table, ReportDocuments::DocumentId)
                        .to(Documents::Table, Documents::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(Instalments::Table)
                .col(ColumnDef::new(Instalments::Id).big_integer().not_null().auto_increment().primary_key())
                .col(ColumnDef::new(Instalments::AllocationId).big_integer().not_null())
                .col(ColumnDef::new(Instalments::DueOn).date().not_null())
                .col(
                    ColumnDef::new(Instalments::AmountCents)
                        .big_integer()
                        .not_null()
                        .check(Expr::col(Instalments::AmountCents).gt(0)),
                )
                .col(ColumnDef::new(Instalments::ConditionReportId).big_integer().null())
                .col(
                    ColumnDef::new(Instalments::Status)
                        .string_len(20)
                        .not_null()
                        .check(Expr::col(Instalments::Status).is_in(INSTALMENT_STATUSES)),
                )
                .col(ColumnDef::new(Instalments::Label).text().null())
                .col(ColumnDef::new(Instalments::RequestedAt).timestamp_with_time_zone().null())
                .col(ColumnDef::new(Instalments::PaidOn).date().null())
                .col(ColumnDef::new(Instalments::CreatedAt).timestamp_with_time_zone().not_null())
                .col(ColumnDef::new(Instalments::UpdatedAt).timestamp_with_time_zone().not_null())
                .col(ColumnDef::new(Instalments::Version).integer().not_null().default(1))
                .foreign_key(
                    ForeignKey::create()
                        .from(Instalments::Table, Instalments::AllocationId)
                        .to(StateAidAllocations::Table, StateAidAllocations::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(Instalments::Table, Instalments::ConditionReportId)
                        .to(ReportObligations::Table, ReportObligations::Id)
                        .on_delete(ForeignKeyAction::Restrict),
                )
                .to_owned(),
        )
        .await?;
        for (name, col) in
            [("ix_instalments_allocation", Instalments::AllocationId), ("ix_instalments_due", Instalments::DueOn)]
        {
            m.create_index(
                Index::create().name(name).table(Instalments::Table).col(col).col(Instalments::Id).to_owned(),
            )
            .await?;
        }
        m.create_table(
            Table::create()
                .table(Repayments::Table)
                .col(ColumnDef::new(Repayments::Id).big_integer().not_null().auto_increment().primary_key())
                .col(ColumnDef::new(Repayments::ApplicationId).big_integer().not_null())
                .col(ColumnDef::new(Repayments::ReturnedOn).date().not_null())
                .col(
                    ColumnDef::new(Repayments::AmountCents)
                        .big_integer()
                        .not_null()
                        .check(Expr::col(Repayments::AmountCents).gt(0)),
                )
                .col(ColumnDef::new(Repayments::Reference).text().null())
                .col(ColumnDef::new(Repayments::DecisionId).big_integer().null())
                .col(ColumnDef::new(Repayments::CreatedBy).text().not_null())
                .col(ColumnDef::new(Repayments::CreatedAt).timestamp_with_time_zone().not_null())
                .foreign_key(
                    ForeignKey::create()
                        .from(Repayments::Table, Repayments::ApplicationId)
                        .to(Applications::Table, Applications::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        for (name, col) in [
            ("ix_repayments_application", Repayments::ApplicationId),
            ("ix_repayments_returned", Repayments::ReturnedOn),
        ] {
            m.create_index(Index::create().name(name).table(Repayments::Table).col(col).col(Repayments::Id).to_owned())
                .await?;
        }
        // One column per statement: SQLite alters a table one column at a time, and cannot add a
        // foreign key to an existing table (the commands check these references on both stores).
        let added = [
            (
                Alias::new("grant_calls"),
                ColumnDef::new(GrantCalls::InterimReportMonth)
                    .integer()
                    .null()
                    .check(Expr::col(GrantCalls::InterimReportMonth).between(1, 12))
                    .to_owned(),
            ),
            (
                Alias::new("grant_calls"),
                ColumnDef::new(GrantCalls::InterimReportDay)
                    .integer()
                    .null()
                    .check(Expr::col(GrantCalls::InterimReportDay).between(1, 31))
                    .to_owned(),
            ),
            (
                Alias::new("grant_calls"),
                ColumnDef::new(GrantCalls::FinalReportMonths)
                    .integer()
                    .null()
                    .check(Expr::col(GrantCalls::FinalReportMonths).between(0, 36))
                    .to_owned(),
            ),
            (Alias::new("deadlines"), ColumnDef::new(Deadlines::ReportId).big_integer().null().to_owned()),
            (Alias::new("payments"), ColumnDef::new(Payments::InstalmentId).big_integer().null().to_owned()),
        ];
        for (table, mut column) in added {
            m.alter_table(Table::alter().table(table).add_column(&mut column).to_owned()).await?;
        }
        m.create_index(
            Index::create()
                .name("ix_payments_instalment")
                .table(Payments::Table)
                .col(Payments::InstalmentId)
                .unique()
                .to_owned(),
        )
        .await?;
        for statement in BACKFILL {
            m.get_connection().execute_unprepared(statement).await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(Index::drop().name("ix_payments_instalment").table(Payments::Table).to_owned()).await?;
        m.alter_table(Table::alter().table(Payments::Table).drop_column(Payments::InstalmentId).to_owned()).await?;
        m.alter_table(Table::alter().table(Deadlines::Table).drop_column(Deadlines::ReportId).to_owned()).await?;
        for column in [GrantCalls::InterimReportMonth, GrantCalls::InterimReportDay, GrantCalls::FinalReportMonths] {
            m.alter_table(Table::alter().table(GrantCalls::Table).drop_column(column).to_owned()).await?;
        }
        // Each application's first final report goes back to being its report_due deadline.
        for statement in [
            "UPDATE deadlines SET source_key = 'application-report:' || CAST(application_id AS TEXT) \
             WHERE source_key = 'report:' || CAST((SELECT MIN(r.id) FROM report_obligations r \
               WHERE r.application_id = deadlines.application_id AND r.kind = 'FINAL') AS TEXT)",
            "DELETE FROM deadlines WHERE source_key LIKE 'report:%'",
        ] {
            m.get_connection().execute_unprepared(statement).await?;
        }
        m.drop_table(Table::drop().table(Repayments::Table).to_owned()).await?;
        m.drop_table(Table::drop().table(Instalments::Table).to_owned()).await?;
        m.drop_table(Table::drop().table(ReportDocuments::Table).to_owned()).await?;
        m.drop_table(Table::drop().table(ReportCostLines::Table).to_owned()).await?;
        m.drop_table(Table::drop().table(ReportObligations::Table).to_owned()).await?;
        Ok(())
    }
}
