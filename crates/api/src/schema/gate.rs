//! Authentication in one place: every field of `Query` and `Mutation` needs a signed-in viewer.
//! Introspection (`__schema`, `__type`, `__typename`) stays open so tools can read the schema,
//! which is public anyway (`schema.graphql`).

use std::sync::Arc;

use async_graphql::extensions::{Extension, ExtensionContext, ExtensionFactory, NextResolve, ResolveInfo};
use async_graphql::{PathSegment, ServerResult, Value};

use crate::auth::Viewer;
use crate::error::ApiError;

pub struct RequireViewer;

impl ExtensionFactory for RequireViewer {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(RequireViewerExtension)
    }
}

struct RequireViewerExtension;

#[async_graphql::async_trait::async_trait]
impl Extension for RequireViewerExtension {
    async fn resolve(
        &self,
        ctx: &ExtensionContext<'_>,
        info: ResolveInfo<'_>,
        next: NextResolve<'_>,
    ) -> ServerResult<Option<Value>> {
        let is_root = info.path_node.parent.is_none();
        if is_root && !info.is_for_introspection && !info.name.starts_with("__") && ctx.data_opt::<Viewer>().is_none() {
            let error: async_graphql::Error = ApiError::sign_in().into();
            let mut error = error.into_server_error(info.field.name.pos);
            error.path = info.path_node.to_string_vec().into_iter().map(PathSegment::Field).collect();
            return Err(error);
        }
        next.run(ctx, info).await
    }
}
