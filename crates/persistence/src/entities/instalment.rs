//! The `instalments` table.

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
#[sea_orm(table_name = "instalments")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub allocation_id: i64,
    pub due_on: NaiveDate,
    pub amount_cents: i64,
    pub condition_report_id: Option<i64>,
    pub status: String,
    pub label: Option<String>,
    pub requested_at: Option<DateTime<Utc>>,
    pub paid_on: Option<NaiveDate>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
