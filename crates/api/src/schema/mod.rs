//! The GraphQL schema: the contract's types and resolvers.
//!
//! Resolvers are thin: they parse input with the domain's value types, call the storage layer,
//! and convert records into GraphQL objects. Per-request data — the viewer, the request's
//! "now" — lives in the request's context.

pub use admission::{RequestData, Schemas};
use async_graphql::extensions::apollo_persisted_queries::{ApolloPersistedQueries, LruCacheStorage};
use async_graphql::{Context, EmptySubscription, Schema, ValidationMode};
use chrono::{DateTime, Utc};
use salkku_domain::labels::Language;
use salkku_persistence::Db;

use crate::auth::Viewer;
use crate::config::FileSettings;
use crate::error::{ApiError, ApiResult};

pub mod admission;
pub mod change_inputs;
pub mod connection;
pub mod decision_inputs;
mod documents;
pub mod enums;
mod gate;
pub mod inputs;
pub mod limits;
pub mod loaders;
pub mod mutation;
mod nulls;
pub mod objects;
mod observe;
mod order;
pub mod plan_inputs;
pub mod policy;
pub(crate) mod prefetch;
pub mod query;
pub mod reminder_inputs;
pub mod report_inputs;
pub mod scalars;
pub mod sizes;
mod verdicts;

/// How many persisted queries each server process remembers.
const PERSISTED_QUERIES: usize = 1_000;

pub type SalkkuSchema = Schema<query::Query, mutation::Mutation, EmptySubscription>;

/// What one request knows about itself.
#[derive(Debug, Clone)]
pub struct RequestInfo {
    /// The instant the request arrived: every "now" in the request means this.
    pub now: DateTime<Utc>,
    /// The language of labels and messages, from `Accept-Language`.
    pub language: Language,
    /// Sent with `GET`: it may only read (GraphQL over HTTP), a persisted mutation included.
    pub read_only: bool,
    /// Where the service is reached, without a trailing slash: `SALKKU_PUBLIC_URL`, or the
    /// scheme and host of the request itself.
    pub base_url: String,
}

/// Builds the admission and the execution schema (see [`admission`]); `db` is `None` only for
/// exporting the SDL.
pub fn build(db: Option<Db>, introspection: bool, limits: limits::Limits, files: &FileSettings) -> Schemas {
    let sizes = std::sync::Arc::new(sizes::KnownSizes::default());
    let admission = Schema::build(query::Query, mutation::Mutation, EmptySubscription)
        // Automatic persisted queries: a client sends a query's SHA-256 instead of its text once
        // the server has seen it (Apollo's protocol); the cache is per process and bounded.
        .extension(ApolloPersistedQueries::new(LruCacheStorage::new(PERSISTED_QUERIES)))
        .extension(limits::Guard { limits, sizes: sizes.clone() })
        .extension(admission::Admit { introspection });
    let execution =
        Schema::build(query::Query, mutation::Mutation, EmptySubscription).validation_mode(ValidationMode::Fast);
    let [admission, execution] = [admission, execution].map(|mut builder| {
        if let Some(db) = &db {
            builder = builder.data(db.clone()).data(files.clone());
        }
        if !introspection {
            builder = builder.disable_introspection();
        }
        builder.finish()
    });
    let field_types = std::sync::Arc::new(nulls::FieldTypes::from_sdl(&execution.sdl()));
    Schemas {
        admission,
        execution,
        limits,
        documents: std::sync::Arc::default(),
        verdicts: std::sync::Arc::default(),
        sizes,
        introspection,
        field_types,
    }
}

/// The schema in SDL, as committed in `schema.graphql`.
pub fn sdl() -> String {
    build(None, true, limits::Limits::default(), &FileSettings::default()).execution.sdl()
}

pub(crate) fn db<'a>(ctx: &Context<'a>) -> ApiResult<&'a Db> {
    ctx.data::<Db>().map_err(|_| ApiError::internal(&"the schema was built without a database"))
}

pub(crate) fn files<'a>(ctx: &Context<'a>) -> ApiResult<&'a FileSettings> {
    ctx.data::<FileSettings>().map_err(|_| ApiError::internal(&"the schema was built without file settings"))
}

pub(crate) fn viewer<'a>(ctx: &Context<'a>) -> ApiResult<&'a Viewer> {
    ctx.data_opt::<Viewer>().ok_or_else(ApiError::sign_in)
}

pub(crate) fn now(ctx: &Context<'_>) -> DateTime<Utc> {
    ctx.data_opt::<RequestInfo>().map_or_else(|| salkku_domain::deadline::to_seconds(Utc::now()), |r| r.now)
}

pub(crate) fn base_url(ctx: &Context<'_>) -> String {
    ctx.data_opt::<RequestInfo>().map_or_else(String::new, |r| r.base_url.clone())
}

pub(crate) fn language(ctx: &Context<'_>) -> Language {
    ctx.data_opt::<RequestInfo>().map_or_else(Language::default, |r| r.language)
}

pub(crate) fn loaders<'a>(ctx: &Context<'a>) -> ApiResult<&'a loaders::Loaders> {
    ctx.data::<loaders::Loaders>().map_err(|_| ApiError::internal(&"the request was started without loaders"))
}
