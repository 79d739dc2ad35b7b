//! The reads that answer queries, one module per thing read. They hand out records in the
//! domain's types and never write.

pub mod allocations;
pub mod application_list;
pub mod applications;
pub mod audit_log;
pub mod budget_versions;
pub mod budgets;
pub mod calendar_feeds;
pub mod calls;
pub mod cash_flow;
pub mod change_requests;
pub mod commitments;
pub mod deadlines;
pub mod decisions;
pub mod documents;
pub mod exposure;
pub mod final_accounts;
pub mod finance_report;
pub mod instalments;
pub mod list_sizes;
pub mod open_data;
pub mod organizations;
pub mod plans;
pub mod portfolio;
pub mod programmes;
pub mod regions;
pub mod reminders;
pub mod reports;
pub mod splits;
