//! The salkku GraphQL API: one endpoint for coordinators, finance staff and ministries.
//!
//! [`config`] holds the settings, [`auth`] tokens and viewers, [`error`] the mapping of every
//! failure to the contract's codes, [`schema`] the GraphQL types and resolvers (thin: they parse
//! input with the domain's types and call the storage layer), and [`server`] the actix-web
//! application.

pub mod auth;
pub mod calendar;
pub mod clock;
pub mod config;
pub mod error;
pub mod export;
pub mod graphiql;
pub mod observe;
mod remembered;
pub mod replicas;
pub mod schema;
pub mod server;

pub use config::Settings;
pub use server::{App, build_state};
