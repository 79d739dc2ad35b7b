//! The `applications` table.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
#[sea_orm(table_name = "applications")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub name: String,
    pub acronym: Option<String>,
    pub description: Option<String>,
    pub call_id: Option<i64>,
    pub status: String,
    pub lead_id: i64,
    pub period_start: Option<Date>,
    pub period_end: Option<Date>,
    pub report_due: Option<Date>,
    pub submitted_at: Option<DateTimeUtc>,
    pub state_aid_requested_cents: i64,
    pub total_cost_cents: i64,
    /// The allocations recorded for it, kept in step (see `application_sums`); absent from
    /// backups written before they were kept, and recomputed on import anyway.
    #[serde(default)]
    pub state_aid_granted_cents: i64,
    /// Its commitments that count towards self-funding, kept in step likewise.
    #[serde(default)]
    pub self_funding_committed_cents: i64,
    pub created_by: String,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub version: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
