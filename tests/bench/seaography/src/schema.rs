//! seaography's schema over the entities, with the custom operations.

use crate::entities::{applications, commitments, deadlines, grant_calls, organizations};
use crate::operations::{Bucket, Mutations, Queries};
use async_graphql::dynamic::{Schema, SchemaError};
use sea_orm::DatabaseConnection;
use seaography::{Builder, BuilderContext};
use std::sync::LazyLock;

static CONTEXT: LazyLock<BuilderContext> = LazyLock::new(BuilderContext::default);

pub fn schema(database: DatabaseConnection) -> Result<Schema, SchemaError> {
    let mut builder = Builder::new(&CONTEXT, database.clone());
    seaography::register_entities!(builder, [applications, organizations, grant_calls, commitments]);
    builder.register_custom_entity::<deadlines::Entity>();
    seaography::register_custom_outputs!(builder, [Bucket]);
    seaography::register_custom_queries!(builder, [Queries]);
    seaography::register_custom_mutations!(builder, [Mutations]);
    builder.schema_builder().data(database).finish()
}
