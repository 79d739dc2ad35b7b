//! The `deadline_parties` table: whom each deadline concerns, by organisation and due time.
//! Derived; never in a backup.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Deserialize)]
#[sea_orm(table_name = "deadline_parties")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub organization_id: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub due_at: DateTimeUtc,
    #[sea_orm(primary_key, auto_increment = false)]
    pub deadline_id: i64,
    /// Its application (if any) still runs and its commitment (if any) is still requested.
    pub calls_for_action: bool,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
