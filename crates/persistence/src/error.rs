//! The one error type of the storage layer.
//!
//! Variants other than [`StoreError::Database`] describe the user's request and may be shown to
//! them; a database error is an internal failure whose text must only ever reach the server log.

use salkku_domain::DomainError;
use salkku_domain::ids::NodeKind;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The object a command works on does not exist.
    #[error("no {kind} with that ID exists")]
    NotFound { kind: NodeKind, key: i64 },

    /// An input field refers to an object that does not exist.
    #[error("{field} refers to a {kind} that does not exist")]
    UnknownReference { field: &'static str, kind: NodeKind, key: i64 },

    /// `expectedVersion` did not match: someone else changed the object first.
    #[error(
        "the {kind} was changed by someone else: you sent version {expected}, it is now at version {actual}; reload it and try again"
    )]
    Conflict { kind: NodeKind, expected: i32, actual: i32 },

    /// The request breaks a rule of the domain.
    #[error("{source}")]
    Rule {
        field: Option<&'static str>,
        #[source]
        source: DomainError,
    },

    /// A value that must be unique is taken.
    #[error("{message}")]
    Duplicate { field: &'static str, message: String },

    /// A payment would take an allocation's payments above its amount.
    #[error(
        "a payment of {amount} would take the payments of this allocation to {would_be}, above its amount {allocated}"
    )]
    Overpayment { amount: String, would_be: String, allocated: String },

    /// A request would read more rows than it may.
    #[error("{found} {what} match; a report holds at most {limit}: narrow the filter")]
    TooMany { what: &'static str, found: u64, limit: u64 },

    /// An export or import could not be read or written.
    #[error("{0}")]
    Backup(String),

    /// The database holds a value the domain does not accept: a bug or a hand edit.
    #[error("stored data is inconsistent")]
    Corrupt(String),

    /// The database failed; never shown to users.
    #[error("database error")]
    Database(#[from] sea_orm::DbErr),
}

impl StoreError {
    pub fn rule(field: &'static str, source: DomainError) -> Self {
        StoreError::Rule { field: Some(field), source }
    }

    pub fn corrupt(what: impl Into<String>) -> Self {
        StoreError::Corrupt(what.into())
    }
}

impl From<DomainError> for StoreError {
    fn from(source: DomainError) -> Self {
        StoreError::Rule { field: None, source }
    }
}

pub type StoreResult<T> = Result<T, StoreError>;
