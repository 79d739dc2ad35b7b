//! Storage of the salkku portfolio on SQLite (the embedded default) and PostgreSQL (production).
//!
//! The same code serves both, laid out by role:
//! - [`store`]: connections, the pool's lanes, transactions and snapshots, reading rows by
//!   position, the statement cache, paging: the machinery every other module runs on;
//! - [`commands`]: the writes, one module per aggregate. Each runs in one transaction: it checks
//!   the references it is given, applies optimistic concurrency (`version`) atomically in the
//!   `UPDATE`, records the change in the audit log, and tells the derived tables what changed;
//! - [`views`]: the reads that answer queries, handing out [`records`] in the domain's types,
//!   never entities;
//! - `derived`: tables kept in step with the rows they derive from (an application's sums, whom
//!   each deadline concerns, the portfolio's cells), behind the one entry point commands call.
//!
//! Imports run one way: commands use views, derived tables and the store; views use derived
//! tables' layout and the store; the store uses nothing above it.

pub mod actor;
pub mod commands;
mod derived;
pub mod entities;
pub mod error;
pub mod records;
pub mod store;
pub mod views;

/// Tells a long command how far it got: (what, done, of how many when known).
pub type Progress<'a> = &'a dyn Fn(&'static str, u64, Option<u64>);

pub use actor::Actor;
pub use commands::audit::Change;
pub use error::{Concerning, Outside, StoreError, StoreResult};
pub use store::contents::ContentStore;
pub use store::db::{Backend, Db, DbSettings, PoolUse, Snapshot, WriteTx};
pub use store::paging::Page;
pub use store::pool::Conn;
