//! The one error type of the storage layer.
//!
//! Variants other than [`StoreError::Database`] describe the user's request and may be shown to
//! them; a database error is an internal failure whose text must only ever reach the server log.

use salkku_domain::ids::NodeKind;
use salkku_domain::labels::{self, Language};
use salkku_domain::messages::Message;
use salkku_domain::{DomainError, message};

/// What part of a command's input an error is about, in the domain's words: the API names the
/// input field each stands for, so that storage never knows the schema.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Concerning {
    /// An application's lead organisation.
    Lead,
    /// An application's participants other than the lead.
    Participants,
    Call,
    Funder,
    Programme,
    /// An allocation's recipient.
    Recipient,
    Application,
    Organization,
    Allocation,
    /// A project's period, judged at its end.
    ProjectPeriod,
    /// A call's application period, judged at its closing.
    ApplicationPeriod,
    Year,
    /// The status an application is moved to.
    Transition,
    IdempotencyKey,
    BusinessId,
    /// A budget version named by its ID.
    BudgetVersion,
    /// The budget a grant decision approves.
    GrantedBudget,
    /// A budget revised without a change request.
    Revision,
    /// An allocation's amount, judged against the project's granted aid.
    AllocationAmount,
    /// What a change request asks for, as a whole.
    RequestedChanges,
    /// The end an extension asks for.
    NewEnd,
    /// The budget lines a change request proposes.
    Lines,
    /// The partners a change request would add or remove.
    Partners,
    /// A change request's move through its lifecycle.
    ChangeRequest,
    /// The decisions on a change request's parts.
    Parts,
    /// A decision on record a command points to.
    Decision,
    /// An uploaded file.
    File,
    /// A report obligation's move through its lifecycle, or the report as a whole.
    Report,
    /// The actual costs a report states.
    ActualCosts,
    /// The documents a report is submitted with.
    Documents,
    /// The new due date of a returned report.
    NewDueOn,
    /// An application's final report date.
    ReportDue,
    /// An instalment's move, or the instalment as a whole.
    Instalment,
    /// The amount of an instalment, a repayment or a payment settling an instalment.
    Amount,
    /// The report an instalment waits for.
    Condition,
    /// The call's report schedule.
    ReportSchedule,
    /// An application's plan as a whole.
    Plan,
    /// The indicator values a report states.
    Actuals,
    /// A programme's indicator code.
    Code,
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The object a command works on does not exist.
    #[error("no {kind} with that ID exists")]
    NotFound { kind: NodeKind, key: i64 },

    /// A command's input refers to an object that does not exist.
    #[error("the {concerning:?} given refers to a {kind} that does not exist")]
    UnknownReference { concerning: Concerning, kind: NodeKind, key: i64 },

    /// `expectedVersion` did not match: someone else changed the object first.
    #[error(
        "the {kind} was changed by someone else: you sent version {expected}, it is now at version {actual}; reload it and try again"
    )]
    Conflict { kind: NodeKind, expected: i32, actual: i32 },

    /// The request breaks a rule of the domain.
    #[error("{source}")]
    Rule {
        concerning: Option<Concerning>,
        #[source]
        source: DomainError,
    },

    /// The request breaks a rule of the domain at a field only storage can name (a part of a
    /// plan: `workPackages[1].leadOrganizationId`).
    #[error("{field}: {source}")]
    RuleAt {
        field: String,
        #[source]
        source: DomainError,
    },

    /// A coordinator's change reached outside what their organisation may change
    /// (`Change::limited_to`).
    #[error("the change is outside what the organisation may change")]
    NotInvolved { outside: Outside },

    /// A value that must be unique is taken.
    #[error("{message}")]
    Duplicate { concerning: Concerning, message: Message },

    /// A payment would take an allocation's payments above its amount.
    #[error(
        "a payment of {amount} would take the payments of this allocation to {would_be}, above its amount {allocated}"
    )]
    Overpayment { amount: String, would_be: String, allocated: String },

    /// A request would read more rows than it may.
    #[error("{found} {what} match; a report holds at most {limit}: narrow the filter")]
    TooMany { what: &'static str, found: u64, limit: u64 },

    /// A user would hold more calendar feeds than one may.
    #[error("one may hold at most {limit} calendar feeds: revoke one first")]
    TooManyFeeds { limit: u64 },

    /// An export or import could not be read or written.
    #[error("{0}")]
    Backup(String),

    /// A document's bytes could not be written or read where they are kept; never shown to users.
    #[error("document storage failed: {0}")]
    Files(String),

    /// The database holds a value the domain does not accept: a bug or a hand edit.
    #[error("stored data is inconsistent")]
    Corrupt(String),

    /// The database failed; never shown to users.
    #[error("database error")]
    Database(#[from] sea_orm::DbErr),

    /// Writes sent without a transaction took no effect: the project's row moved after it was
    /// read, or they are too many for one statement (`store::batch`, `Writes::unless_moved`). The
    /// command makes them again in a transaction; never shown to users.
    #[error("the write is to be made in a transaction")]
    InTransaction,
}

/// What a change limited to an organisation reached outside it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outside {
    /// A project the organisation neither leads nor co-implements.
    Project,
    /// Something of no project: an instalment of an allocation that funds none.
    NoProject,
    /// Another organisation's decision (attaching its documents).
    Decision,
}

impl StoreError {
    /// The message in every language; internal failures have none (they are never shown).
    pub fn message(&self) -> Option<Message> {
        Some(match self {
            StoreError::NotFound { kind, .. } => {
                let [fi, sv, en] = Language::ALL.map(|l| labels::node_kind(*kind, l));
                message!(
                    fi: "tunnisteella ei löydy kohdetta ({fi})",
                    sv: "det finns inget objekt av typen {sv} med det ID:t",
                    en: "no {en} with that ID exists",
                )
            }
            StoreError::UnknownReference { kind, .. } => {
                let [fi, sv, en] = Language::ALL.map(|l| labels::node_kind(*kind, l));
                message!(
                    fi: "viittaus kohteeseen, jota ei ole ({fi})",
                    sv: "hänvisning till ett objekt av typen {sv} som inte finns",
                    en: "refers to a {en} that does not exist",
                )
            }
            StoreError::Conflict { kind, expected, actual } => {
                let [fi, sv, en] = Language::ALL.map(|l| labels::node_kind(*kind, l));
                message!(
                    fi: "joku muu muutti kohdetta ({fi}) ensin: lähetit version {expected}, nyt se on versiossa {actual}; lataa se uudelleen ja yritä uudestaan",
                    sv: "någon annan ändrade objektet ({sv}) först: du skickade version {expected}, nu är den version {actual}; läs in den på nytt och försök igen",
                    en: "the {en} was changed by someone else: you sent version {expected}, it is now at version {actual}; reload it and try again",
                )
            }
            StoreError::Rule { source, .. } | StoreError::RuleAt { source, .. } => source.message(),
            StoreError::NotInvolved { outside: Outside::Project } => message!(
                fi: "koordinaattorit muuttavat vain hakemuksia, joiden päähakija tai osatoteuttaja on heidän organisaationsa",
                sv: "koordinatorer ändrar bara ansökningar som deras organisation leder eller genomför tillsammans med andra",
                en: "coordinators change only applications their organisation leads or co-implements",
            ),
            StoreError::NotInvolved { outside: Outside::NoProject } => message!(
                fi: "tämä ei kuulu mihinkään hankkeeseen: talousarviot, myönnöt ja maksut kuuluvat taloushallinnolle",
                sv: "detta hör inte till något projekt: budgetar, tilldelningar och betalningar sköts av ekonomipersonalen",
                en: "this belongs to no project: budgets, allocations and payments are for finance staff",
            ),
            StoreError::NotInvolved { outside: Outside::Decision } => message!(
                fi: "koordinaattorit kirjaavat vain oman organisaationsa päätöksiä",
                sv: "koordinatorer registrerar bara sin egen organisations beslut",
                en: "coordinators record only their own organisation's decisions",
            ),
            StoreError::Duplicate { message, .. } => message.clone(),
            StoreError::Overpayment { amount, would_be, allocated } => message!(
                fi: "{amount} euron maksu nostaisi tämän myönnön maksut {would_be} euroon, yli sen määrän {allocated}",
                sv: "en betalning på {amount} skulle höja betalningarna för denna tilldelning till {would_be}, över dess belopp {allocated}",
                en: "a payment of {amount} would take the payments of this allocation to {would_be}, above its amount {allocated}",
            ),
            StoreError::TooMany { found, limit, .. } => message!(
                fi: "ehtoja vastaa {found} hakemusta; raporttiin mahtuu enintään {limit}: rajaa hakua",
                sv: "{found} ansökningar matchar; en rapport rymmer högst {limit}: avgränsa filtret",
                en: "{found} applications match; a report holds at most {limit}: narrow the filter",
            ),
            StoreError::TooManyFeeds { limit } => message!(
                fi: "kalenterisyötteitä voi olla enintään {limit}: peru ensin jokin",
                sv: "man kan ha högst {limit} kalenderflöden: återkalla ett först",
                en: "one may hold at most {limit} calendar feeds: revoke one first",
            ),
            StoreError::Backup(_)
            | StoreError::Corrupt(_)
            | StoreError::Files(_)
            | StoreError::Database(_)
            | StoreError::InTransaction => {
                return None;
            }
        })
    }

    pub fn rule(concerning: Concerning, source: DomainError) -> Self {
        StoreError::Rule { concerning: Some(concerning), source }
    }

    pub fn corrupt(what: impl Into<String>) -> Self {
        StoreError::Corrupt(what.into())
    }
}

impl From<DomainError> for StoreError {
    fn from(source: DomainError) -> Self {
        StoreError::Rule { concerning: None, source }
    }
}

pub type StoreResult<T> = Result<T, StoreError>;
