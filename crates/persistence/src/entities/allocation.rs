//! The `state_aid_allocations` table.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
#[sea_orm(table_name = "state_aid_allocations")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub funder_id: i64,
    pub recipient_id: i64,
    pub application_id: Option<i64>,
    pub year: i32,
    pub amount_cents: i64,
    pub paid_total_cents: i64,
    pub decision_date: Option<Date>,
    pub decision_ref: Option<String>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub version: i32,
    /// The decision on record behind this row; absent from exports made before decisions.
    #[serde(default)]
    pub decision_id: Option<i64>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
