use sea_orm::entity::prelude::*;

/// `name` comes before `id`: seaography applies `orderBy` in the order of the entity's columns,
/// not in the order the request gives, and the page is ordered by name, then id.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "applications")]
pub struct Model {
    pub name: String,
    #[sea_orm(primary_key)]
    pub id: i64,
    pub acronym: Option<String>,
    pub description: Option<String>,
    pub call_id: Option<i64>,
    pub status: String,
    pub lead_id: i64,
    pub period_start: Option<Date>,
    pub period_end: Option<Date>,
    pub report_due: Option<Date>,
    pub submitted_at: Option<DateTimeWithTimeZone>,
    pub state_aid_requested_cents: i64,
    pub total_cost_cents: i64,
    pub created_by: String,
    pub created_at: DateTimeWithTimeZone,
    pub updated_at: DateTimeWithTimeZone,
    pub version: i32,
    pub state_aid_granted_cents: i64,
    pub self_funding_committed_cents: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::organizations::Entity",
        from = "Column::LeadId",
        to = "super::organizations::Column::Id"
    )]
    Lead,
    #[sea_orm(
        belongs_to = "super::grant_calls::Entity",
        from = "Column::CallId",
        to = "super::grant_calls::Column::Id"
    )]
    Call,
    #[sea_orm(has_many = "super::commitments::Entity")]
    Commitments,
}

impl Related<super::organizations::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Lead.def()
    }
}

impl Related<super::grant_calls::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Call.def()
    }
}

impl Related<super::commitments::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Commitments.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelatedEntity)]
pub enum RelatedEntity {
    #[sea_orm(entity = "super::organizations::Entity", def = "Relation::Lead.def()")]
    Lead,
    #[sea_orm(entity = "super::grant_calls::Entity", def = "Relation::Call.def()")]
    Call,
    #[sea_orm(entity = "super::commitments::Entity", def = "Relation::Commitments.def()")]
    Commitments,
}
