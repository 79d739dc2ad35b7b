//! The `commitments` table.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
#[sea_orm(table_name = "commitments")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub application_id: i64,
    pub organization_id: i64,
    pub amount_cents: i64,
    pub kind: String,
    pub level: String,
    pub status: String,
    pub due_date: Option<Date>,
    pub decided_at: Option<Date>,
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
