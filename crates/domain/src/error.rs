//! The one error type of the domain. Its messages are written for the person who sent the input,
//! in Finnish, Swedish and English: they name the rule and the value, never anything about the
//! server. `Display` gives the English, for logs.

use crate::ApplicationStatus;
use crate::messages::Message;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DomainError {
    #[error("{0}")]
    InvalidMoney(Message),
    #[error("{0}")]
    InvalidRate(Message),
    #[error("{0}")]
    InvalidBusinessId(Message),
    #[error("unknown region code {0:?}: use a Statistics Finland region code such as \"14\"")]
    UnknownRegion(String),
    #[error("{0}")]
    InvalidId(Message),
    #[error("{0}")]
    InvalidText(Message),
    #[error("{0}")]
    InvalidCode(Message),
    #[error("{0}")]
    InvalidPeriod(Message),
    #[error("{0}")]
    InvalidTime(Message),
    #[error("{0}")]
    InvalidApportionment(Message),
    #[error("an application cannot move from {from} to {to}; from {from} it can move to {allowed}")]
    IllegalTransition { from: ApplicationStatus, to: ApplicationStatus, allowed: String },
    #[error("the application cannot be submitted: {0}")]
    SubmissionBlocked(Message),
    #[error("the sum does not fit the supported range of money")]
    Overflow,
}

impl DomainError {
    /// The message in every language.
    pub fn message(&self) -> Message {
        match self {
            DomainError::InvalidMoney(m)
            | DomainError::InvalidRate(m)
            | DomainError::InvalidBusinessId(m)
            | DomainError::InvalidId(m)
            | DomainError::InvalidText(m)
            | DomainError::InvalidCode(m)
            | DomainError::InvalidPeriod(m)
            | DomainError::InvalidTime(m)
            | DomainError::InvalidApportionment(m) => m.clone(),
            DomainError::UnknownRegion(code) => crate::message!(
                fi: "tuntematon maakuntakoodi {code:?}: käytä Tilastokeskuksen maakuntakoodia, esim. \"14\"",
                sv: "okänd landskapskod {code:?}: använd Statistikcentralens landskapskod, t.ex. \"14\"",
                en: "unknown region code {code:?}: use a Statistics Finland region code such as \"14\"",
            ),
            DomainError::IllegalTransition { from, to, allowed } => crate::message!(
                fi: "hakemus ei voi siirtyä tilasta {from} tilaan {to}; tilasta {from} se voi siirtyä tiloihin {allowed}",
                sv: "ansökan kan inte gå från {from} till {to}; från {from} kan den gå till {allowed}",
                en: "an application cannot move from {from} to {to}; from {from} it can move to {allowed}",
            ),
            DomainError::SubmissionBlocked(reasons) => reasons.clone().map(|language, text| match language {
                crate::labels::Language::Fi => format!("hakemusta ei voi jättää: {text}"),
                crate::labels::Language::Sv => format!("ansökan kan inte lämnas in: {text}"),
                crate::labels::Language::En => format!("the application cannot be submitted: {text}"),
            }),
            DomainError::Overflow => crate::message!(
                fi: "summa ei mahdu tuettuun rahamäärien vaihteluväliin",
                sv: "summan ryms inte inom det stödda beloppsintervallet",
                en: "the sum does not fit the supported range of money",
            ),
        }
    }
}
