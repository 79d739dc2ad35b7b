//! The salkku GraphQL API: one endpoint for coordinators, finance staff and ministries.
//!
//! - [`config`]: the settings, depending on nothing else in the crate;
//! - [`auth`]: tokens and viewers; [`error`]: the one mapping of every failure to the contract's
//!   codes;
//! - [`schema`]: the GraphQL types and resolvers (thin: they parse input with the domain's types
//!   and call the storage layer), the limits, the DataLoaders;
//! - [`state`]: what every request shares; [`startup`]: binding, running and stopping the server;
//! - [`routes`]: the HTTP routes, one module each (GraphQL, health, metrics, exports, calendar);
//! - [`calendar`] and [`export`]: the iCalendar and spreadsheet formats those routes serve;
//!   [`observe`]: request ids, spans, logs and metrics; [`replicas`]: which database a request
//!   reads;
//! - [`reminders`]: the worker that queues reminders in the outbox and sends them by email.

pub mod auth;
pub mod calendar;
pub mod config;
pub mod error;
pub mod export;
pub mod observe;
mod remembered;
pub mod reminders;
pub mod replicas;
pub mod routes;
pub mod schema;
pub mod startup;
pub mod state;

pub use config::Settings;
pub use startup::App;
pub use state::{AppState, build_state, state_from};
