//! The rules of the salkku portfolio, free of I/O.
//!
//! Everything that decides a figure or a move lives here so that the API and the storage layers
//! only parse, load and present: money and rates ([`Money`], amounts that are never negative
//! ([`Amount`]), [`Rate`]), Finnish business IDs ([`BusinessId`]), regions ([`RegionCode`]), typed
//! IDs ([`ids`]), the application lifecycle ([`ApplicationStatus`]), budgets ([`budget`]), their
//! versions ([`budget_version`]) and what changes between two of them ([`budget_diff`]), change
//! requests ([`change_request`]), the funding-split rule ([`funding`]), largest-remainder
//! apportionment ([`apportion`]), grant-call status ([`call`]) and deadlines in Europe/Helsinki
//! ([`deadline`]).

pub mod amount;
pub mod apportion;
pub mod budget;
pub mod budget_diff;
pub mod budget_version;
pub mod business_id;
pub mod calendar;
pub mod call;
pub mod change_request;
pub mod codes;
pub mod deadline;
pub mod document;
pub mod error;
pub mod exposure;
pub mod final_account;
pub mod funding;
pub mod ids;
pub mod indicator;
pub mod instalment;
pub mod labels;
pub mod lifecycle;
pub mod messages;
pub mod money;
pub mod open_data;
pub mod period;
pub mod plan;
pub mod plan_key;
pub mod rate;
pub mod region;
pub mod reminder;
pub mod report;
pub mod rollup;
pub mod text;

pub use amount::{Amount, PaymentAmount};
pub use business_id::BusinessId;
pub use codes::{
    CommitmentKind, CommitmentLevel, CommitmentStatus, CostCategory, DeadlineKind, OrganizationKind, ParticipationRole,
    Role,
};
pub use error::DomainError;
pub use lifecycle::ApplicationStatus;
pub use money::Money;
pub use rate::Rate;
pub use region::RegionCode;

/// The crate's result type.
pub type Result<T, E = DomainError> = std::result::Result<T, E>;
