//! Deadlines are only answered by the custom query `upcoming_deadlines` (the rows of
//! `bench.upcoming_deadlines`), so they are registered as a custom entity: an output type, no
//! generated query.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "deadlines")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub kind: String,
    pub title: String,
    pub due_at: DateTimeWithTimeZone,
    pub tentative: bool,
    pub application_id: Option<i64>,
    pub call_id: Option<i64>,
    pub commitment_id: Option<i64>,
    pub source_key: Option<String>,
    pub created_at: DateTimeWithTimeZone,
    pub updated_at: DateTimeWithTimeZone,
    pub version: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
