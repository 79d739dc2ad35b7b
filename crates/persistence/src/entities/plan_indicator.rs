//! The `plan_indicators` table: the indicators of an application's plan in force.

use chrono::NaiveDate;
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
#[sea_orm(table_name = "plan_indicators")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub application_id: i64,
    pub key: String,
    pub position: i32,
    pub objective_key: Option<String>,
    pub work_package_key: Option<String>,
    pub code: Option<String>,
    pub name: String,
    pub unit: String,
    pub baseline: Option<String>,
    pub target: Option<String>,
    pub target_on: Option<NaiveDate>,
    pub illustrative: bool,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
