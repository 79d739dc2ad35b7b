//! The portfolio kept summed: `portfolio_cells` holds the figures of the applications by year,
//! status, funder and region, so that a ministry's portfolio of a year sums a few hundred cells
//! however many applications there are; `portfolio_counted` remembers what each application
//! last added to the cells, so that a change moves exactly that.
//!
//! Both tables are derived: the storage layer fills them after this migration (and after every
//! bulk load) from the applications, with the rules it keeps them by. `derived_rebuilds` tells it
//! which derived tables still need filling.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum PortfolioCells {
    Table,
    /// How the cell's year reads: `A` every application (year 0), `Y` in that year, `F` from
    /// that year on, `T` up to that year.
    Span,
    Year,
    Status,
    /// 0 for applications without a call.
    FunderId,
    /// Empty for the cell that counts each application once; else a region it names.
    RegionCode,
    ApplicationCount,
    TotalCostCents,
    StateAidRequestedCents,
    StateAidGrantedCents,
    SelfFundingCommittedCents,
}

#[derive(DeriveIden)]
enum PortfolioCounted {
    Table,
    ApplicationId,
    Status,
    FunderId,
    PeriodStart,
    PeriodEnd,
    /// Region codes, comma-separated, in order.
    Regions,
    TotalCostCents,
    StateAidRequestedCents,
    StateAidGrantedCents,
    SelfFundingCommittedCents,
}

/// Derived tables a migration brought and the storage has yet to fill: a row stays until the
/// transaction that filled its table commits, so a fill that failed is retried at the next start.
#[derive(DeriveIden)]
enum DerivedRebuilds {
    Table,
    Name,
}

#[derive(DeriveIden)]
enum Applications {
    Table,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let cents = |c: PortfolioCells| ColumnDef::new(c).big_integer().not_null().default(0).to_owned();
        m.create_table(
            Table::create()
                .table(PortfolioCells::Table)
                .col(
                    ColumnDef::new(PortfolioCells::Span)
                        .string_len(1)
                        .not_null()
                        .check(Expr::col(PortfolioCells::Span).is_in(["A", "Y", "F", "T"])),
                )
                .col(ColumnDef::new(PortfolioCells::Year).integer().not_null())
                .col(ColumnDef::new(PortfolioCells::Status).string_len(32).not_null())
                .col(ColumnDef::new(PortfolioCells::FunderId).big_integer().not_null())
                .col(ColumnDef::new(PortfolioCells::RegionCode).string_len(8).not_null())
                .col(cents(PortfolioCells::ApplicationCount))
                .col(cents(PortfolioCells::TotalCostCents))
                .col(cents(PortfolioCells::StateAidRequestedCents))
                .col(cents(PortfolioCells::StateAidGrantedCents))
                .col(cents(PortfolioCells::SelfFundingCommittedCents))
                .primary_key(
                    Index::create()
                        .col(PortfolioCells::Span)
                        .col(PortfolioCells::Year)
                        .col(PortfolioCells::Status)
                        .col(PortfolioCells::FunderId)
                        .col(PortfolioCells::RegionCode),
                )
                .to_owned(),
        )
        .await?;
        let cents = |c: PortfolioCounted| ColumnDef::new(c).big_integer().not_null().to_owned();
        m.create_table(
            Table::create()
                .table(PortfolioCounted::Table)
                .col(ColumnDef::new(PortfolioCounted::ApplicationId).big_integer().not_null().primary_key())
                .col(ColumnDef::new(PortfolioCounted::Status).string_len(32).not_null())
                .col(ColumnDef::new(PortfolioCounted::FunderId).big_integer().not_null())
                .col(ColumnDef::new(PortfolioCounted::PeriodStart).date().null())
                .col(ColumnDef::new(PortfolioCounted::PeriodEnd).date().null())
                .col(ColumnDef::new(PortfolioCounted::Regions).text().not_null())
                .col(cents(PortfolioCounted::TotalCostCents))
                .col(cents(PortfolioCounted::StateAidRequestedCents))
                .col(cents(PortfolioCounted::StateAidGrantedCents))
                .col(cents(PortfolioCounted::SelfFundingCommittedCents))
                .foreign_key(
                    ForeignKey::create()
                        .from(PortfolioCounted::Table, PortfolioCounted::ApplicationId)
                        .to(Applications::Table, Applications::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(DerivedRebuilds::Table)
                .col(ColumnDef::new(DerivedRebuilds::Name).string_len(64).not_null().primary_key())
                .to_owned(),
        )
        .await?;
        let pending = Query::insert()
            .into_table(DerivedRebuilds::Table)
            .columns([DerivedRebuilds::Name])
            .values_panic(["portfolio_cells".into()])
            .to_owned();
        m.exec_stmt(pending).await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(DerivedRebuilds::Table).to_owned()).await?;
        m.drop_table(Table::drop().table(PortfolioCounted::Table).to_owned()).await?;
        m.drop_table(Table::drop().table(PortfolioCells::Table).to_owned()).await?;
        Ok(())
    }
}
