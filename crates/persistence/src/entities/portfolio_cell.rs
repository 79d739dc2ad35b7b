//! The `portfolio_cells` table: the portfolio's figures summed by year, status, funder and region
//! (see `portfolio_cells`). Derived; never in a backup.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "portfolio_cells")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub span: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub year: i32,
    #[sea_orm(primary_key, auto_increment = false)]
    pub status: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub funder_id: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub region_code: String,
    pub application_count: i64,
    pub total_cost_cents: i64,
    pub state_aid_requested_cents: i64,
    pub state_aid_granted_cents: i64,
    pub self_funding_committed_cents: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
