use async_graphql::{Context, ID, Json, Object};
use salkku_domain::ids::OrganizationId;
use salkku_persistence::views;

use super::Organization;
use crate::error::ApiResult;
use crate::schema::enums::Role;
use crate::schema::loaders;
use crate::schema::scalars::DateTime;

/// One change, as the audit log keeps it.
pub struct AuditEntry(pub views::audit_log::Entry);

fn parsed(text: Option<&str>) -> Option<Json<serde_json::Value>> {
    text.and_then(|t| serde_json::from_str(t).ok()).map(Json)
}

#[Object]
impl AuditEntry {
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }

    async fn at(&self) -> DateTime {
        DateTime::from(self.0.at)
    }

    /// The subject of the token that made the change.
    async fn subject(&self) -> &str {
        &self.0.subject
    }

    async fn role(&self) -> Option<Role> {
        salkku_domain::Role::parse(&self.0.role).ok().map(Into::into)
    }

    /// The organisation the token acted for.
    async fn organization(&self, ctx: &Context<'_>) -> ApiResult<Option<Organization>> {
        let Some(key) = self.0.organization else { return Ok(None) };
        Ok(loaders(ctx)?.load_one(OrganizationId(key)).await?.map(Organization))
    }

    /// The mutation, e.g. "setBudget".
    async fn operation(&self) -> &str {
        &self.0.operation
    }

    /// The IDs of the objects the change touched.
    async fn object_ids(&self) -> Vec<ID> {
        self.0.objects.iter().cloned().map(ID).collect()
    }

    /// The values before the change (null for a create).
    async fn before(&self) -> Option<Json<serde_json::Value>> {
        parsed(self.0.before.as_deref())
    }

    /// The values after the change.
    async fn after(&self) -> Option<Json<serde_json::Value>> {
        parsed(self.0.after.as_deref())
    }
}
