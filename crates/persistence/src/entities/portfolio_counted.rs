//! The `portfolio_counted` table: what each application last added to the portfolio's cells.
//! Derived; never in a backup.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "portfolio_counted")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub application_id: i64,
    pub status: String,
    pub funder_id: i64,
    pub period_start: Option<Date>,
    pub period_end: Option<Date>,
    pub regions: String,
    pub total_cost_cents: i64,
    pub state_aid_requested_cents: i64,
    pub state_aid_granted_cents: i64,
    pub self_funding_committed_cents: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
