//! The writes, one module per aggregate. Each reads what it depends on, checks what it is given
//! and writes, with the audit entry and the derived tables' moves among its writes
//! (`crate::derived`): in one transaction, or on PostgreSQL for the writes a rush repeats
//! (setBudget, a project's move, a pledge added or changed, an allocation, a payment) as one statement kept only while
//! what it read is as read (`store::batch`).

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
pub mod change_decisions;
pub mod change_requests;
pub mod commitments;
pub mod deadlines;
pub mod decisions;
pub mod documents;
mod grants;
pub(crate) mod idempotency;
pub mod instalments;
mod involvement;
mod migrate;
pub mod organizations;
pub mod plans;
pub mod programmes;
mod project_deadlines;
mod proposals;
pub mod reminders;
pub mod repayments;
pub mod reports;
pub mod transitions;
