//! The `budget_lines` table.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
#[sea_orm(table_name = "budget_lines")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub application_id: i64,
    pub position: i32,
    pub category: String,
    pub year: i32,
    pub description: Option<String>,
    pub amount_cents: i64,
    /// The plan's work package the line belongs to, by key; absent from exports made before plans.
    #[serde(default)]
    pub work_package: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
