//! Each application keeps its granted state aid and pledged self-funding on its row, in step with
//! its allocations and commitments, so that the portfolio sums one table. Existing rows are filled
//! from their allocations and commitments.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Applications {
    Table,
    StateAidGrantedCents,
    SelfFundingCommittedCents,
}

/// The same SQL runs on SQLite and PostgreSQL. Pledged self-funding: promised or approved
/// commitments, cash always, in kind where the application's call lets it count.
const BACKFILL: &str = "UPDATE applications SET \
     state_aid_granted_cents = (SELECT COALESCE(SUM(a.amount_cents), 0) FROM state_aid_allocations a \
       WHERE a.application_id = applications.id), \
     self_funding_committed_cents = (SELECT COALESCE(SUM(c.amount_cents), 0) FROM commitments c \
       WHERE c.application_id = applications.id AND c.status IN ('PROMISED', 'APPROVED') \
       AND (c.kind = 'CASH' OR EXISTS (SELECT 1 FROM grant_calls g \
         WHERE g.id = applications.call_id AND g.in_kind_counts = TRUE)))";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite alters a table one column at a time.
        for column in [Applications::StateAidGrantedCents, Applications::SelfFundingCommittedCents] {
            m.alter_table(
                Table::alter()
                    .table(Applications::Table)
                    .add_column(ColumnDef::new(column).big_integer().not_null().default(0))
                    .to_owned(),
            )
            .await?;
        }
        m.get_connection().execute_unprepared(BACKFILL).await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for column in [Applications::SelfFundingCommittedCents, Applications::StateAidGrantedCents] {
            m.alter_table(Table::alter().table(Applications::Table).drop_column(column).to_owned()).await?;
        }
        Ok(())
    }
}
