//! The project plan: objectives, work packages, indicators and their reported actuals.
//!
//! - `plan_objectives`, `plan_work_packages`, `plan_indicators`: an application's plan in force,
//!   each part under a key unique within the application, kept as the part's name across versions.
//!   A work package lists the keys of the objectives it serves; an indicator names the objective
//!   or the work package it measures by key.
//! - `indicator_definitions`: the codes a programme defines for indicators its projects share,
//!   with the unit they are summed in.
//! - `indicator_actuals`: the value an indicator reached in a year, entered with a report.
//! - the lines of a budget (in force, of a version, of a change request) name their work package
//!   by key; a budget version keeps the plan in force with it (`plan`, the written plan as JSON;
//!   `plan_only` when the version was made by a content change alone); a change request keeps
//!   the plan it proposes, and its part the plan a funder approved with changes.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum PlanObjectives {
    Table,
    Id,
    ApplicationId,
    Key,
    Position,
    Text,
    Language,
}

#[derive(DeriveIden, Clone, Copy)]
enum PlanWorkPackages {
    Table,
    Id,
    ApplicationId,
    Key,
    Position,
    Title,
    StartsOn,
    EndsOn,
    LeadOrganizationId,
    Objectives,
}

#[derive(DeriveIden, Clone, Copy)]
enum PlanIndicators {
    Table,
    Id,
    ApplicationId,
    Key,
    Position,
    ObjectiveKey,
    WorkPackageKey,
    Code,
    Name,
    Unit,
    Baseline,
    Target,
    TargetOn,
    Illustrative,
}

#[derive(DeriveIden, Clone, Copy)]
enum IndicatorDefinitions {
    Table,
    Id,
    ProgrammeId,
    Code,
    Name,
    Unit,
    CreatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum IndicatorActuals {
    Table,
    Id,
    IndicatorId,
    ReportId,
    Year,
    Value,
    Note,
    CreatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum Applications {
    Table,
    Id,
}

#[derive(DeriveIden, Clone, Copy)]
enum Organizations {
    Table,
    Id,
}

#[derive(DeriveIden, Clone, Copy)]
enum FundingProgrammes {
    Table,
    Id,
}

#[derive(DeriveIden, Clone, Copy)]
enum ReportObligations {
    Table,
    Id,
}

#[derive(DeriveIden, Clone, Copy)]
enum BudgetLines {
    Table,
}

#[derive(DeriveIden, Clone, Copy)]
enum BudgetVersionLines {
    Table,
}

#[derive(DeriveIden, Clone, Copy)]
enum ChangeRequestLines {
    Table,
}

#[derive(DeriveIden, Clone, Copy)]
enum BudgetVersions {
    Table,
    Plan,
    PlanOnly,
}

#[derive(DeriveIden, Clone, Copy)]
enum ChangeRequests {
    Table,
    Plan,
}

#[derive(DeriveIden, Clone, Copy)]
enum ChangeRequestParts {
    Table,
    ApprovedPlan,
}

#[derive(DeriveIden, Clone, Copy)]
enum Lines {
    WorkPackage,
}

const LANGUAGES: [&str; 3] = ["fi", "sv", "en"];
const UNITS: [&str; 4] = ["COUNT", "PERCENT", "EUROS", "TEXT"];

fn application_part(
    table: impl IntoIden + Copy,
    id: impl IntoIden,
    application: impl IntoIden + Copy,
) -> TableCreateStatement {
    Table::create()
        .table(table)
        .col(ColumnDef::new(id).big_integer().not_null().auto_increment().primary_key())
        .col(ColumnDef::new(application).big_integer().not_null())
        .foreign_key(
            ForeignKey::create()
                .from(table, application)
                .to(Applications::Table, Applications::Id)
                .on_delete(ForeignKeyAction::Cascade),
        )
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            application_part(PlanObjectives::Table, PlanObjectives::Id, PlanObjectives::ApplicationId)
                .col(ColumnDef::new(PlanObjectives::Key).string_len(20).not_null())
                .col(ColumnDef::new(PlanObjectives::Position).integer().not_null())
                .col(ColumnDef::new(PlanObjectives::Text).text().not_null())
                .col(
                    ColumnDef::new(PlanObjectives::Language)
                        .string_len(2)
                        .not_null()
                        .check(Expr::col(PlanObjectives::Language).is_in(LANGUAGES)),
                )
                .to_owned(),
        )
        .await?;
        m.create_table(
            application_part(PlanWorkPackages::Table, PlanWorkPackages::Id, PlanWorkPackages::ApplicationId)
                .col(ColumnDef::new(PlanWorkPackages::Key).string_len(20).not_null())
                .col(ColumnDef::new(PlanWorkPackages::Position).integer().not_null())
                .col(ColumnDef::new(PlanWorkPackages::Title).text().not_null())
                .col(ColumnDef::new(PlanWorkPackages::StartsOn).date().null())
                .col(ColumnDef::new(PlanWorkPackages::EndsOn).date().null())
                .col(ColumnDef::new(PlanWorkPackages::LeadOrganizationId).big_integer().null())
                .col(ColumnDef::new(PlanWorkPackages::Objectives).text().not_null().default(""))
                .foreign_key(
                    ForeignKey::create()
                        .from(PlanWorkPackages::Table, PlanWorkPackages::LeadOrganizationId)
                        .to(Organizations::Table, Organizations::Id),
                )
                .to_owned(),
        )
        .await?;
        m.create_table(
            application_part(PlanIndicators::Table, PlanIndicators::Id, PlanIndicators::ApplicationId)
                .col(ColumnDef::new(PlanIndicators::Key).string_len(20).not_null())
                .col(ColumnDef::new(PlanIndicators::Position).integer().not_null())
                .col(ColumnDef::new(PlanIndicators::ObjectiveKey).string_len(20).null())
                .col(ColumnDef::new(PlanIndicators::WorkPackageKey).string_len(20).null())
                .col(ColumnDef::new(PlanIndicators::Code).string_len(40).null())
                .col(ColumnDef::new(PlanIndicators::Name).text().not_null())
                .col(
                    ColumnDef::new(PlanIndicators::Unit)
                        .string_len(20)
                        .not_null()
                        .check(Expr::col(PlanIndicators::Unit).is_in(UNITS)),
                )
                .col(ColumnDef::new(PlanIndicators::Baseline).text().null())
                .col(ColumnDef::new(PlanIndicators::Target).text().null())
                .col(ColumnDef::new(PlanIndicators::TargetOn).date().null())
                .col(ColumnDef::new(PlanIndicators::Illustrative).boolean().not_null().default(false))
                .to_owned(),
        )
        .await?;
        for (name, table, application, key) in [
            (
                "ux_plan_objectives_key",
                PlanObjectives::Table.into_iden(),
                PlanObjectives::ApplicationId.into_iden(),
                PlanObjectives::Key.into_iden(),
            ),
            (
                "ux_plan_work_packages_key",
                PlanWorkPackages::Table.into_iden(),
                PlanWorkPackages::ApplicationId.into_iden(),
                PlanWorkPackages::Key.into_iden(),
            ),
            (
                "ux_plan_indicators_key",
                PlanIndicators::Table.into_iden(),
                PlanIndicators::ApplicationId.into_iden(),
                PlanIndicators::Key.into_iden(),
            ),
        ] {
            m.create_index(Index::create().name(name).table(table).col(application).col(key).unique().to_owned())
                .await?;
        }
        m.create_index(
            Index::create()
                .name("ix_plan_indicators_code")
                .table(PlanIndicators::Table)
                .col(PlanIndicators::Code)
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(IndicatorDefinitions::Table)
                .col(ColumnDef::new(IndicatorDefinitions::Id).big_integer().not_null().auto_increment().primary_key())
                .col(ColumnDef::new(IndicatorDefinitions::ProgrammeId).big_integer().not_null())
                .col(ColumnDef::new(IndicatorDefinitions::Code).string_len(40).not_null())
                .col(ColumnDef::new(IndicatorDefinitions::Name).text().not_null())
                .col(
                    ColumnDef::new(IndicatorDefinitions::Unit)
                        .string_len(20)
                        .not_null()
                        .check(Expr::col(IndicatorDefinitions::Unit).is_in(UNITS)),
                )
                .col(ColumnDef::new(IndicatorDefinitions::CreatedAt).timestamp_with_time_zone().not_null())
                .foreign_key(
                    ForeignKey::create()
                        .from(IndicatorDefinitions::Table, IndicatorDefinitions::ProgrammeId)
                        .to(FundingProgrammes::Table, FundingProgrammes::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ux_indicator_definitions_code")
                .table(IndicatorDefinitions::Table)
                .col(IndicatorDefinitions::ProgrammeId)
                .col(IndicatorDefinitions::Code)
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(IndicatorActuals::Table)
                .col(ColumnDef::new(IndicatorActuals::Id).big_integer().not_null().auto_increment().primary_key())
                .col(ColumnDef::new(IndicatorActuals::IndicatorId).big_integer().not_null())
                .col(ColumnDef::new(IndicatorActuals::ReportId).big_integer().not_null())
                .col(ColumnDef::new(IndicatorActuals::Year).integer().not_null())
                .col(ColumnDef::new(IndicatorActuals::Value).text().not_null())
                .col(ColumnDef::new(IndicatorActuals::Note).text().null())
                .col(ColumnDef::new(IndicatorActuals::CreatedAt).timestamp_with_time_zone().not_null())
                .foreign_key(
                    ForeignKey::create()
                        .from(IndicatorActuals::Table, IndicatorActuals::IndicatorId)
                        .to(PlanIndicators::Table, PlanIndicators::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(IndicatorActuals::Table, IndicatorActuals::ReportId)
                        .to(ReportObligations::Table, ReportObligations::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        // One reporting period of an indicator is reported once.
        m.create_index(
            Index::create()
                .name("ux_indicator_actuals_period")
                .table(IndicatorActuals::Table)
                .col(IndicatorActuals::IndicatorId)
                .col(IndicatorActuals::Year)
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_indicator_actuals_report")
                .table(IndicatorActuals::Table)
                .col(IndicatorActuals::ReportId)
                .to_owned(),
        )
        .await?;
        for table in [
            BudgetLines::Table.into_iden(),
            BudgetVersionLines::Table.into_iden(),
            ChangeRequestLines::Table.into_iden(),
        ] {
            m.alter_table(
                Table::alter()
                    .table(table)
                    .add_column(ColumnDef::new(Lines::WorkPackage).string_len(20).null())
                    .to_owned(),
            )
            .await?;
        }
        m.alter_table(
            Table::alter()
                .table(BudgetVersions::Table)
                .add_column(ColumnDef::new(BudgetVersions::Plan).text().null())
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(BudgetVersions::Table)
                .add_column(ColumnDef::new(BudgetVersions::PlanOnly).boolean().not_null().default(false))
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(ChangeRequests::Table)
                .add_column(ColumnDef::new(ChangeRequests::Plan).text().null())
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(ChangeRequestParts::Table)
                .add_column(ColumnDef::new(ChangeRequestParts::ApprovedPlan).text().null())
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter().table(ChangeRequestParts::Table).drop_column(ChangeRequestParts::ApprovedPlan).to_owned(),
        )
        .await?;
        m.alter_table(Table::alter().table(ChangeRequests::Table).drop_column(ChangeRequests::Plan).to_owned()).await?;
        m.alter_table(Table::alter().table(BudgetVersions::Table).drop_column(BudgetVersions::PlanOnly).to_owned())
            .await?;
        m.alter_table(Table::alter().table(BudgetVersions::Table).drop_column(BudgetVersions::Plan).to_owned()).await?;
        for table in [
            BudgetLines::Table.into_iden(),
            BudgetVersionLines::Table.into_iden(),
            ChangeRequestLines::Table.into_iden(),
        ] {
            m.alter_table(Table::alter().table(table).drop_column(Lines::WorkPackage).to_owned()).await?;
        }
        for table in [
            IndicatorActuals::Table.into_iden(),
            IndicatorDefinitions::Table.into_iden(),
            PlanIndicators::Table.into_iden(),
            PlanWorkPackages::Table.into_iden(),
            PlanObjectives::Table.into_iden(),
        ] {
            m.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}
