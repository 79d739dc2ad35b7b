//! GraphQL objects, built from storage records. They are views, never database entities; what
//! they compute, the domain computes.

mod allocation;
mod application;
mod audit;
mod budget;
mod budget_version;
mod calendar_feed;
mod call;
mod change_request;
mod commitment;
mod deadline;
mod decision;
mod exposure;
mod final_account;
mod instalment;
mod labels;
mod node;
mod organization;
mod plan;
mod portfolio;
mod reminder;
mod report;
mod rollup;
mod split;
mod viewer;

pub use allocation::{Payment, StateAidAllocation};
pub use application::{Application, Participation, StatusChange};
pub use audit::AuditEntry;
pub use budget::{Budget, BudgetLine};
pub use budget_version::{BudgetDiff, BudgetVersion, BudgetVersionLine};
pub use calendar_feed::CalendarFeed;
pub use call::{FundingProgramme, GrantCall};
pub use change_request::ChangeRequest;
pub use commitment::Commitment;
pub use deadline::Deadline;
pub use decision::{Decision, Document};
pub(crate) use decision::{decision_of, documents_of};
pub use exposure::Exposure;
pub use final_account::{FinalAccount, Repayment};
pub use instalment::Instalment;
pub use labels::CodeLabel;
pub use node::Node;
pub use organization::{Organization, Region};
pub(crate) use plan::plan_changes;
pub use plan::{IndicatorActual, IndicatorDefinition, Plan};
pub(crate) use portfolio::portfolio_wanted;
pub use portfolio::{PortfolioSummary, Share};
pub use reminder::{MessageStatus, OutboxMessage, ReminderSettings};
pub use report::ReportObligation;
pub(crate) use report::reports_of;
pub use rollup::IndicatorRollup;
pub use split::FundingSplit;
pub use viewer::Viewer;

use async_graphql::ID;

pub(crate) fn id(global: String) -> ID {
    ID(global)
}
