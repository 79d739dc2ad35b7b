//! Every failure, mapped once to the contract's codes.
//!
//! Resolvers return [`ApiError`]. It deliberately does not implement `Display`, so it can never
//! slip through async-graphql's blanket conversion of displayable errors; its only way out is
//! [`From<ApiError> for async_graphql::Error`], which sets `extensions.code` (and `field` for bad
//! input). An internal failure is logged with a correlation id and shown only as that id.

use async_graphql::ErrorExtensions;
use salkku_domain::labels::{self, Language};
use salkku_domain::messages::Message;
use salkku_domain::{DomainError, message};
use salkku_persistence::{Concerning, StoreError};

/// The contract's error codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorCode {
    Unauthenticated,
    Forbidden,
    BadUserInput,
    NotFound,
    Conflict,
    LimitExceeded,
    Internal,
}

impl ErrorCode {
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::Unauthenticated => "UNAUTHENTICATED",
            ErrorCode::Forbidden => "FORBIDDEN",
            ErrorCode::BadUserInput => "BAD_USER_INPUT",
            ErrorCode::NotFound => "NOT_FOUND",
            ErrorCode::Conflict => "CONFLICT",
            ErrorCode::LimitExceeded => "LIMIT_EXCEEDED",
            ErrorCode::Internal => "INTERNAL",
        }
    }
}

#[derive(Debug, Clone)]
pub struct ApiError {
    pub code: ErrorCode,
    /// In every language; the request's is chosen where the response is written.
    pub message: Message,
    pub field: Option<String>,
    pub correlation_id: Option<String>,
}

pub type ApiResult<T> = Result<T, ApiError>;

/// "`field` must be 0 or more", for counts.
pub fn at_least_zero(field: &str, got: impl std::fmt::Display) -> Message {
    message!(
        fi: "{field} on oltava 0 tai enemmän (annettu {got})",
        sv: "{field} måste vara 0 eller mer (angivet {got})",
        en: "{field} must be 0 or more (got {got})",
    )
}

impl ApiError {
    pub fn new(code: ErrorCode, message: impl Into<Message>) -> Self {
        ApiError { code, message: message.into(), field: None, correlation_id: None }
    }

    pub fn unauthenticated(message: impl Into<Message>) -> Self {
        Self::new(ErrorCode::Unauthenticated, message)
    }

    /// No token, where one is needed.
    pub fn sign_in() -> Self {
        Self::unauthenticated(message!(
            fi: "kirjaudu sisään: lähetä Authorization: Bearer <token>",
            sv: "logga in: skicka Authorization: Bearer <token>",
            en: "sign in: send Authorization: Bearer <token>",
        ))
    }

    /// A mutation sent with GET, which may only read.
    pub fn post_only() -> Self {
        Self::bad_input(
            "request",
            message!(
                fi: "muutokset (mutation) on lähetettävä POST-pyyntönä",
                sv: "mutationer måste skickas med POST",
                en: "mutations must be sent with POST",
            ),
        )
    }

    pub fn forbidden(message: impl Into<Message>) -> Self {
        Self::new(ErrorCode::Forbidden, message)
    }

    pub fn not_found(message: impl Into<Message>) -> Self {
        Self::new(ErrorCode::NotFound, message)
    }

    pub fn limit(message: impl Into<Message>) -> Self {
        Self::new(ErrorCode::LimitExceeded, message)
    }

    /// Bad input in `field` (a path within the argument, e.g. `lines[2].amount`).
    pub fn bad_input(field: impl Into<String>, message: impl Into<Message>) -> Self {
        ApiError { field: Some(field.into()), ..Self::new(ErrorCode::BadUserInput, message) }
    }

    /// A rule of the domain broken by the value of `field`.
    pub fn invalid(field: impl Into<String>, error: DomainError) -> Self {
        Self::bad_input(field, error.message())
    }

    /// Logs the detail under a fresh correlation id; the client sees only the id.
    pub fn internal(detail: &dyn std::fmt::Debug) -> Self {
        let id = uuid::Uuid::new_v4().simple().to_string();
        tracing::error!(correlation_id = %id, detail = ?detail, "internal error");
        ApiError {
            correlation_id: Some(id.clone()),
            ..Self::new(
                ErrorCode::Internal,
                message!(
                    fi: "palvelussa tapahtui virhe; mainitse tunniste {id}, kun ilmoitat siitä",
                    sv: "något gick fel hos oss; ange {id} när du rapporterar felet",
                    en: "something went wrong on our side; quote {id} when you report it",
                ),
            )
        }
    }

    /// Names the field at fault.
    pub fn within_field(mut self, field: impl Into<String>) -> Self {
        self.field = Some(field.into());
        self
    }

    /// Prefixes the field path, for errors raised inside a nested input.
    pub fn within(mut self, prefix: &str) -> Self {
        if let Some(field) = &self.field {
            self.field = Some(format!("{prefix}{field}"));
        }
        self
    }
}

impl From<ApiError> for async_graphql::Error {
    fn from(e: ApiError) -> Self {
        // The error itself travels as the source, so that the response can speak the request's
        // language; the message set here is the English.
        let mut error = async_graphql::Error::new(e.message.to_string());
        error.source = Some(std::sync::Arc::new(e.clone()));
        error.extend_with(|_, ext| {
            ext.set("code", e.code.as_str());
            if let Some(field) = &e.field {
                ext.set("field", field.as_str());
            }
            if let Some(id) = &e.correlation_id {
                ext.set("correlationId", id.as_str());
            }
        })
    }
}

/// The input field a storage error concerns: storage speaks of the domain's things, the
/// contract of its input fields.
fn field(concerning: Concerning) -> &'static str {
    match concerning {
        Concerning::Lead => "leadId",
        Concerning::Participants => "participants",
        Concerning::Call => "callId",
        Concerning::Funder => "funderId",
        Concerning::Programme => "programmeId",
        Concerning::Recipient => "recipientId",
        Concerning::Application => "applicationId",
        Concerning::Organization => "organizationId",
        Concerning::Allocation => "allocationId",
        Concerning::ProjectPeriod => "periodEnd",
        Concerning::ApplicationPeriod => "closesAt",
        Concerning::Year => "year",
        Concerning::Transition => "to",
        Concerning::IdempotencyKey => "idempotencyKey",
        Concerning::BusinessId => "businessId",
        Concerning::BudgetVersion => "toVersionId",
        Concerning::GrantedBudget => "grantedBudget",
        Concerning::Revision => "lines",
        Concerning::AllocationAmount => "amount",
        Concerning::RequestedChanges => "input",
        Concerning::NewEnd => "newEnd",
        Concerning::Lines => "lines",
        Concerning::Partners => "partners",
        Concerning::ChangeRequest => "id",
        Concerning::Parts => "parts",
        Concerning::Decision => "decisionId",
        Concerning::File => "file",
        Concerning::Report => "id",
        Concerning::ActualCosts => "actualCosts",
        Concerning::Documents => "documentIds",
        Concerning::NewDueOn => "newDueOn",
        Concerning::ReportDue => "reportDue",
        Concerning::Instalment => "instalmentId",
        Concerning::Amount => "amount",
        Concerning::Condition => "conditionReportId",
        Concerning::ReportSchedule => "reportSchedule",
        Concerning::Plan => "plan",
        Concerning::Actuals => "actuals",
        Concerning::Code => "code",
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        let Some(message) = e.message() else { return ApiError::internal(&e) };
        match e {
            StoreError::NotFound { .. } => ApiError::not_found(message),
            StoreError::UnknownReference { concerning, kind, .. } => {
                let field = field(concerning);
                let [fi, sv, en] = Language::ALL.map(|l| labels::node_kind(kind, l));
                ApiError::bad_input(
                    field,
                    message!(
                        fi: "{field} viittaa kohteeseen, jota ei ole ({fi})",
                        sv: "{field} hänvisar till ett objekt av typen {sv} som inte finns",
                        en: "{field} refers to a {en} that does not exist",
                    ),
                )
            }
            StoreError::Conflict { .. } => ApiError::new(ErrorCode::Conflict, message),
            StoreError::NotInvolved { .. } => ApiError::forbidden(message),
            StoreError::Rule { concerning, .. } => ApiError {
                field: concerning.map(|c| field(c).to_owned()),
                ..ApiError::new(ErrorCode::BadUserInput, message)
            },
            StoreError::RuleAt { field, .. } => {
                ApiError { field: Some(field), ..ApiError::new(ErrorCode::BadUserInput, message) }
            }
            StoreError::Duplicate { concerning, .. } => ApiError::bad_input(field(concerning), message),
            StoreError::Overpayment { .. } => ApiError::bad_input("amount", message),
            StoreError::TooMany { .. } | StoreError::TooManyFeeds { .. } => ApiError::limit(message),
            StoreError::Corrupt(_)
            | StoreError::Backup(_)
            | StoreError::Files(_)
            | StoreError::Database(_)
            | StoreError::InTransaction => ApiError::internal(&e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use salkku_domain::ids::NodeKind;

    fn graphql(e: ApiError) -> async_graphql::Error {
        e.into()
    }

    fn extension(e: &async_graphql::Error, key: &str) -> Option<String> {
        e.extensions.as_ref().and_then(|x| x.get(key)).map(|v| v.to_string())
    }

    #[test]
    fn a_database_error_shows_only_a_correlation_id() {
        let db = StoreError::Database(sea_orm::DbErr::Custom("relation \"secret_table\" does not exist".into()));
        let e = graphql(ApiError::from(db));
        assert!(!e.message.contains("secret_table"), "{}", e.message);
        assert_eq!(extension(&e, "code").as_deref(), Some("\"INTERNAL\""));
        let id = extension(&e, "correlationId").unwrap_or_default();
        assert!(e.message.contains(id.trim_matches('"')));
    }

    #[test]
    fn a_stale_version_is_a_conflict() {
        let e = graphql(StoreError::Conflict { kind: NodeKind::Application, expected: 1, actual: 2 }.into());
        assert_eq!(extension(&e, "code").as_deref(), Some("\"CONFLICT\""));
    }

    #[test]
    fn a_reference_to_nothing_names_the_input_field_it_came_from() {
        let e = graphql(
            StoreError::UnknownReference { concerning: Concerning::Funder, kind: NodeKind::Organization, key: 9 }
                .into(),
        );
        assert_eq!(extension(&e, "field").as_deref(), Some("\"funderId\""));
        assert_eq!(extension(&e, "code").as_deref(), Some("\"BAD_USER_INPUT\""));
        assert!(e.message.starts_with("funderId "), "{}", e.message);
    }

    #[test]
    fn bad_input_names_the_field() {
        let e = graphql(ApiError::bad_input("amount", "no").within("lines[2]."));
        assert_eq!(extension(&e, "field").as_deref(), Some("\"lines[2].amount\""));
        assert_eq!(extension(&e, "code").as_deref(), Some("\"BAD_USER_INPUT\""));
    }
}
