//! The `change_request_parts` table: what a request asks for, and the decision on each.

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
#[sea_orm(table_name = "change_request_parts")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub request_id: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub kind: String,
    pub decision: Option<String>,
    pub approved_end: Option<NaiveDate>,
    pub revised_version_id: Option<i64>,
    pub decided_at: Option<DateTime<Utc>>,
    pub decided_by: Option<String>,
    pub decision_ref: Option<String>,
    pub note: Option<String>,
    /// The decision on record behind this row; absent from exports made before decisions.
    #[serde(default)]
    pub decision_id: Option<i64>,
    /// The plan a funder approved with changes (JSON); absent before plans.
    #[serde(default)]
    pub approved_plan: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
