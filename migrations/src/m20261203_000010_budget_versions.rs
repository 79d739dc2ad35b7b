//! Budget versions: the draft, the budget as applied for, as granted, and as each approved change
//! revised it, one of them in force. The lines in force stay where every sum reads them
//! (`budget_lines` and the application's totals); a version keeps its own copy of its lines once
//! it is frozen, so a draft (the only version still edited) has none of its own.
//!
//! A call may let small reallocations through without a change request: its tolerance, a rate of
//! the approved total (0 by default: none).
//!
//! Existing applications get their versions from what they hold: a draft until submission, the
//! budget as applied for after it, and for a granted project a granted version equal to it (the
//! decision granted what was applied for, which is what salkku assumed until now).

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum BudgetVersions {
    Table,
    Id,
    ApplicationId,
    Number,
    Kind,
    InForce,
    TotalCostCents,
    StateAidCents,
    WithinTolerance,
    DecisionRef,
    CreatedAt,
    CreatedBy,
}

#[derive(DeriveIden, Clone, Copy)]
enum BudgetVersionLines {
    Table,
    Id,
    VersionId,
    Position,
    Category,
    Year,
    Description,
    AmountCents,
}

#[derive(DeriveIden, Clone, Copy)]
enum Applications {
    Table,
    Id,
}

#[derive(DeriveIden, Clone, Copy)]
enum GrantCalls {
    Table,
    ReallocationToleranceBp,
}

const KINDS: [&str; 4] = ["DRAFT", "APPLIED", "GRANTED", "REVISED"];
const CATEGORIES: [&str; 7] =
    ["PERSONNEL", "TRAVEL", "PURCHASED_SERVICES", "MATERIALS", "PREMISES", "OVERHEAD", "OTHER"];

/// The same SQL runs on SQLite and PostgreSQL.
const BACKFILL: [&str; 3] = [
    "INSERT INTO budget_versions (application_id, number, kind, in_force, total_cost_cents, state_aid_cents, \
       within_tolerance, decision_ref, created_at, created_by) \
     SELECT id, 1, \
       CASE WHEN status IN ('IDEA', 'IN_PREPARATION') OR (status = 'WITHDRAWN' AND submitted_at IS NULL) \
         THEN 'DRAFT' ELSE 'APPLIED' END, \
       status NOT IN ('GRANTED', 'ACTIVE', 'CLOSED'), \
       total_cost_cents, state_aid_requested_cents, FALSE, NULL, COALESCE(submitted_at, created_at), created_by \
     FROM applications",
    "INSERT INTO budget_versions (application_id, number, kind, in_force, total_cost_cents, state_aid_cents, \
       within_tolerance, decision_ref, created_at, created_by) \
     SELECT a.id, 2, 'GRANTED', TRUE, a.total_cost_cents, a.state_aid_requested_cents, FALSE, \
       (SELECT s.decision_ref FROM status_changes s WHERE s.application_id = a.id AND s.to_status = 'GRANTED' \
          ORDER BY s.at DESC LIMIT 1), \
       COALESCE((SELECT MAX(s.at) FROM status_changes s WHERE s.application_id = a.id AND s.to_status = 'GRANTED'), \
          a.updated_at), \
       a.created_by \
     FROM applications a WHERE a.status IN ('GRANTED', 'ACTIVE', 'CLOSED')",
    "INSERT INTO budget_version_lines (version_id, position, category, year, description, amount_cents) \
     SELECT v.id, l.position, l.category, l.year, l.description, l.amount_cents \
     FROM budget_versions v JOIN budget_lines l ON l.application_id = v.application_id \
     WHERE v.kind <> 'DRAFT'",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let cents =
            |col: BudgetVersions| ColumnDef::new(col).big_integer().not_null().check(Expr::col(col).gte(0)).to_owned();
        m.create_table(
            Table::create()
                .table(BudgetVersions::Table)
                .col(ColumnDef::new(BudgetVersions::Id).big_integer().not_null().auto_increment().primary_key())
                .col(ColumnDef::new(BudgetVersions::ApplicationId).big_integer().not_null())
                .col(
                    ColumnDef::new(BudgetVersions::Number)
                        .integer()
                        .not_null()
                        .check(Expr::col(BudgetVersions::Number).gte(1)),
                )
                .col(
                    ColumnDef::new(BudgetVersions::Kind)
                        .string_len(40)
                        .not_null()
                        .check(Expr::col(BudgetVersions::Kind).is_in(KINDS)),
                )
                .col(ColumnDef::new(BudgetVersions::InForce).boolean().not_null())
                .col(cents(BudgetVersions::TotalCostCents))
                .col(cents(BudgetVersions::StateAidCents))
                .col(ColumnDef::new(BudgetVersions::WithinTolerance).boolean().not_null().default(false))
                .col(ColumnDef::new(BudgetVersions::DecisionRef).text().null())
                .col(ColumnDef::new(BudgetVersions::CreatedAt).timestamp_with_time_zone().not_null())
                .col(ColumnDef::new(BudgetVersions::CreatedBy).text().not_null())
                .foreign_key(
                    ForeignKey::create()
                        .from(BudgetVersions::Table, BudgetVersions::ApplicationId)
                        .to(Applications::Table, Applications::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ux_budget_versions_number")
                .table(BudgetVersions::Table)
                .col(BudgetVersions::ApplicationId)
                .col(BudgetVersions::Number)
                .unique()
                .to_owned(),
        )
        .await?;
        // Exactly one version in force: the database refuses a second.
        m.create_index(
            Index::create()
                .name("ux_budget_versions_in_force")
                .table(BudgetVersions::Table)
                .col(BudgetVersions::ApplicationId)
                .unique()
                .and_where(Expr::col(BudgetVersions::InForce).eq(true))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(BudgetVersionLines::Table)
                .col(ColumnDef::new(BudgetVersionLines::Id).big_integer().not_null().auto_increment().primary_key())
                .col(ColumnDef::new(BudgetVersionLines::VersionId).big_integer().not_null())
                .col(ColumnDef::new(BudgetVersionLines::Position).integer().not_null())
                .col(
                    ColumnDef::new(BudgetVersionLines::Category)
                        .string_len(40)
                        .not_null()
                        .check(Expr::col(BudgetVersionLines::Category).is_in(CATEGORIES)),
                )
                .col(
                    ColumnDef::new(BudgetVersionLines::Year)
                        .integer()
                        .not_null()
                        .check(Expr::col(BudgetVersionLines::Year).between(1990, 2100)),
                )
                .col(ColumnDef::new(BudgetVersionLines::Description).text().null())
                .col(
                    ColumnDef::new(BudgetVersionLines::AmountCents)
                        .big_integer()
                        .not_null()
                        .check(Expr::col(BudgetVersionLines::AmountCents).gte(0)),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(BudgetVersionLines::Table, BudgetVersionLines::VersionId)
                        .to(BudgetVersions::Table, BudgetVersions::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_budget_version_lines_version")
                .table(BudgetVersionLines::Table)
                .col(BudgetVersionLines::VersionId)
                .col(BudgetVersionLines::Position)
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(GrantCalls::Table)
                .add_column(
                    ColumnDef::new(GrantCalls::ReallocationToleranceBp)
                        .integer()
                        .not_null()
                        .default(0)
                        .check(Expr::col(GrantCalls::ReallocationToleranceBp).between(0, 10_000)),
                )
                .to_owned(),
        )
        .await?;
        for statement in BACKFILL {
            m.get_connection().execute_unprepared(statement).await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter().table(GrantCalls::Table).drop_column(GrantCalls::ReallocationToleranceBp).to_owned(),
        )
        .await?;
        m.drop_table(Table::drop().table(BudgetVersionLines::Table).to_owned()).await?;
        m.drop_table(Table::drop().table(BudgetVersions::Table).to_owned()).await?;
        Ok(())
    }
}
