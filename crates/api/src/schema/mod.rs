//! The GraphQL schema: the contract's types and resolvers.
//!
//! Resolvers are thin: they parse input with the domain's value types, call the storage layer,
//! and convert records into GraphQL objects. Per-request data — the viewer, the request's
//! "now" — lives in the request's context.

use async_graphql::{Context, EmptyMutation, EmptySubscription, Schema};
use chrono::{DateTime, Utc};
use salkku_persistence::Db;

use crate::auth::Viewer;
use crate::error::{ApiError, ApiResult};

pub mod enums;
mod gate;
pub mod objects;
pub mod query;
pub mod scalars;

pub type SalkkuSchema = Schema<query::Query, EmptyMutation, EmptySubscription>;

/// What one request knows about itself.
#[derive(Debug, Clone)]
pub struct RequestInfo {
    /// The instant the request arrived: every "now" in the request means this.
    pub now: DateTime<Utc>,
}

/// Builds the schema; `db` is `None` only for exporting the SDL.
pub fn build(db: Option<Db>, introspection: bool) -> SalkkuSchema {
    let mut builder = Schema::build(query::Query, EmptyMutation, EmptySubscription).extension(gate::RequireViewer);
    if let Some(db) = db {
        builder = builder.data(db);
    }
    if !introspection {
        builder = builder.disable_introspection();
    }
    builder.finish()
}

/// The schema in SDL, as committed in `schema.graphql`.
pub fn sdl() -> String {
    build(None, true).sdl()
}

pub(crate) fn db<'a>(ctx: &Context<'a>) -> ApiResult<&'a Db> {
    ctx.data::<Db>().map_err(|_| ApiError::internal(&"the schema was built without a database"))
}

pub(crate) fn viewer<'a>(ctx: &Context<'a>) -> ApiResult<&'a Viewer> {
    ctx.data_opt::<Viewer>().ok_or_else(|| ApiError::unauthenticated("sign in: send Authorization: Bearer <token>"))
}
