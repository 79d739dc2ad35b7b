//! Storage of the salkku portfolio on SQLite (the embedded default) and PostgreSQL (production).
//!
//! The same code serves both. Commands (`create`, `update`, `transition`, `set_budget`, …) each
//! run in one transaction: they check the references they are given, apply optimistic
//! concurrency (`version`) atomically in the `UPDATE`, and keep derived data — automatic
//! deadlines, an application's total cost, an allocation's paid total — in step with the rows it
//! derives from. Reads hand out [`records`] in the domain's types, never entities.

pub mod actor;
pub mod allocations;
pub mod application_list;
mod application_sums;
pub mod applications;
pub mod audit;
pub mod backup;
pub mod budgets;
pub mod bulk;
pub mod calendar_feeds;
pub mod calls;
pub mod commitments;
mod convert;
pub mod db;
mod deadline_parties;
pub mod deadlines;
mod derived;
pub mod entities;
pub mod error;
pub mod finance_report;
pub mod idempotency;
pub mod organizations;
pub mod paging;
pub mod pool;
pub mod portfolio;
mod portfolio_cells;
pub mod programmes;
pub mod records;
pub mod regions;
mod rows;
pub mod splits;
mod statements;
mod support;

/// Tells a long command how far it got: (what, done, of how many when known).
pub type Progress<'a> = &'a dyn Fn(&'static str, u64, Option<u64>);

pub use actor::Actor;
pub use audit::Change;
pub use db::{Backend, Db, DbSettings, PoolUse, Snapshot, WriteTx};
pub use error::{StoreError, StoreResult};
pub use pool::Conn;
