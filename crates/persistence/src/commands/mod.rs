//! The writes, one module per aggregate. Each runs in one transaction that checks what it is
//! given, writes, records the change in the audit log and tells the derived tables what changed
//! (`crate::derived::after`).

pub mod actuals;
pub mod allocations;
pub mod applications;
pub mod audit;
pub mod backup;
pub mod budget_versions;
pub mod budgets;
pub mod bulk;
pub mod calendar_feeds;
pub mod calls;
pub mod change_requests;
pub mod commitments;
pub mod deadlines;
pub mod decisions;
pub mod documents;
mod grants;
pub(crate) mod idempotency;
pub mod instalments;
mod migrate;
pub mod organizations;
pub mod plans;
pub mod programmes;
pub mod reminders;
pub mod repayments;
pub mod reports;
