//! The machinery under every command and view: connections and transactions on either store,
//! the pool's lanes, reading rows by position, the statement cache, paging, bulk inserts and the
//! conversions from rows to records.

pub(crate) mod batch;
pub(crate) mod bulk;
pub mod contents;
pub(crate) mod convert;
pub mod db;
pub(crate) mod held;
pub(crate) mod nested;
pub mod paging;
pub mod pool;
pub(crate) mod rows;
pub(crate) mod statements;
pub(crate) mod support;
