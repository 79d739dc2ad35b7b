//! The `reminder_items` table: each reminder once.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
#[sea_orm(table_name = "reminder_items")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub message_id: Option<i64>,
    pub subject: String,
    pub deadline_id: i64,
    pub lead: i32,
    pub due_at: DateTimeUtc,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
