use async_graphql::{Context, Object};

use super::Organization;
use crate::auth::Viewer as AuthViewer;
use crate::error::ApiResult;
use crate::schema::enums::Role;
use crate::schema::loaders;

/// The signed-in user.
pub struct Viewer(pub AuthViewer);

#[Object]
impl Viewer {
    async fn subject(&self) -> &str {
        &self.0.subject
    }

    async fn role(&self) -> Role {
        self.0.role.into()
    }

    async fn organization(&self, ctx: &Context<'_>) -> ApiResult<Option<Organization>> {
        let Some(id) = self.0.organization else { return Ok(None) };
        Ok(loaders(ctx)?.load_one(id).await?.map(Organization))
    }
}
