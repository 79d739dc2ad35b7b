//! The `budget_versions` table.

use chrono::{DateTime, Utc};
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
#[sea_orm(table_name = "budget_versions")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub application_id: i64,
    pub number: i32,
    pub kind: String,
    pub in_force: bool,
    pub total_cost_cents: i64,
    pub state_aid_cents: i64,
    pub within_tolerance: bool,
    pub decision_ref: Option<String>,
    pub created_at: DateTime<Utc>,
    pub created_by: String,
    /// The decision on record behind this row; absent from exports made before decisions.
    #[serde(default)]
    pub decision_id: Option<i64>,
    /// The plan in force with this version, as written (JSON); absent before plans.
    #[serde(default)]
    pub plan: Option<String>,
    /// Made by a content change alone: the budget is the one before.
    #[serde(default)]
    pub plan_only: bool,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
