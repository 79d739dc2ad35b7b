//! Reliability: real `salkku serve` processes — several at once on one database — under
//! concurrent writers, SIGKILL, SIGTERM and a database that goes away. Each test is bounded in
//! time and runs on SQLite and PostgreSQL (the database outage on PostgreSQL).

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests: a failed step should stop the test loudly

mod concurrency;
mod crashes;
mod outage;
mod reminders;

use salkku_e2e::TestDatabase;
use salkku_e2e::process::Launch;

pub const BINARY: &str = env!("CARGO_BIN_EXE_salkku-under-test");

/// A launch of the server on `database`, logging into `dir`.
pub fn launch(database: &TestDatabase, dir: &std::path::Path) -> Launch {
    Launch::new(BINARY, &database.url, dir)
}
