//! The `grant_calls` table.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
#[sea_orm(table_name = "grant_calls")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub title: String,
    pub funder_id: i64,
    pub programme_id: Option<i64>,
    pub opens_at: Option<DateTimeUtc>,
    pub closes_at: DateTimeUtc,
    pub max_aid_rate_bp: i32,
    pub in_kind_counts: bool,
    pub envelope_cents: Option<i64>,
    pub url: Option<String>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub version: i32,
    /// Absent from exports made before calls had a tolerance: none.
    #[serde(default)]
    pub reallocation_tolerance_bp: i32,
    /// The report schedule: the interim reports' day of the year and how many months after the
    /// project's end the final report falls due. Absent from older exports: no schedule.
    #[serde(default)]
    pub interim_report_month: Option<i32>,
    #[serde(default)]
    pub interim_report_day: Option<i32>,
    #[serde(default)]
    pub final_report_months: Option<i32>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
