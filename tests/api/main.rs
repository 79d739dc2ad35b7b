//! End-to-end: salkku on a random port with a fresh database, driven over HTTP, on SQLite and on
//! PostgreSQL.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests: a failed step should stop the test loudly

mod access;
mod audit;
mod backup;
mod budget_versions;
mod calendar;
mod change_requests;
mod closing;
mod deadlines;
mod decisions;
mod demo;
mod errors;
mod export;
mod exposure;
mod fixtures;
mod fuzz;
mod grant_life;
mod graphiql;
mod graphql_http;
mod languages;
mod lifecycle;
mod limits;
mod lists;
mod money;
mod monni;
mod observability;
mod open_data;
mod plans;
mod protocol;
mod reminders;
mod replicas;
mod serving;
mod synthetic;
mod tokens;
mod writes;
