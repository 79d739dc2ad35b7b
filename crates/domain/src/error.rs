//! The one error type of the domain. Its messages are written for the person who sent the input:
//! they name the rule and the value, never anything about the server.

use crate::ApplicationStatus;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DomainError {
    #[error("{0}")]
    InvalidMoney(String),
    #[error("{0}")]
    InvalidRate(String),
    #[error("{0}")]
    InvalidBusinessId(String),
    #[error("unknown region code {0:?}: use a Statistics Finland region code such as \"14\"")]
    UnknownRegion(String),
    #[error("{0}")]
    InvalidId(String),
    #[error("{0}")]
    InvalidText(String),
    #[error("{0}")]
    InvalidCode(String),
    #[error("{0}")]
    InvalidPeriod(String),
    #[error("{0}")]
    InvalidTime(String),
    #[error("{0}")]
    InvalidApportionment(String),
    #[error("an application cannot move from {from} to {to}; from {from} it can move to {allowed}")]
    IllegalTransition { from: ApplicationStatus, to: ApplicationStatus, allowed: String },
    #[error("the application cannot be submitted: {0}")]
    SubmissionBlocked(String),
    #[error("the sum does not fit the supported range of money")]
    Overflow,
}
