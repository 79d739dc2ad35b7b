//! The inputs of decisions on record and of documents.

use async_graphql::{ID, InputObject, Upload};
use salkku_domain::ids::{ApplicationId, OrganizationId};
use salkku_domain::text::{MAX_DESCRIPTION, MAX_NAME, MAX_REFERENCE};
use salkku_persistence::commands::decisions::NewDecision;
use salkku_persistence::views::decisions::DecisionFilter as StoredFilter;

use super::inputs::{key, opt_key, optional};
use super::scalars::Date;
use crate::error::ApiResult;

/// A decision to put on record.
#[derive(InputObject)]
pub struct RecordDecisionInput {
    /// The organisation that decided (coordinators record their own organisation's).
    pub organization_id: ID,
    /// Its body that decided, e.g. "kaupunginhallitus".
    pub body: Option<String>,
    pub decided_on: Date,
    /// E.g. "§ 7".
    pub reference: Option<String>,
    pub summary: Option<String>,
    /// The project it concerns, if one.
    pub application_id: Option<ID>,
    /// Replays with the same key return the first result instead of creating a duplicate.
    pub idempotency_key: Option<String>,
}

impl RecordDecisionInput {
    pub fn parse(self) -> ApiResult<(NewDecision, Option<String>)> {
        let new = NewDecision {
            organization: key(&self.organization_id, "organizationId", OrganizationId::from_global)?,
            body: optional("body", self.body.as_deref(), MAX_NAME)?,
            decided_on: self.decided_on.get("decidedOn")?,
            reference: optional("reference", self.reference.as_deref(), MAX_REFERENCE)?,
            summary: optional("summary", self.summary.as_deref(), MAX_DESCRIPTION)?,
            application: opt_key(&self.application_id, "applicationId", ApplicationId::from_global)?,
        };
        Ok((new, self.idempotency_key))
    }
}

/// Which decisions to list.
#[derive(InputObject, Default)]
pub struct DecisionFilter {
    pub organization_id: Option<ID>,
    pub application_id: Option<ID>,
    /// Decided on this day or later.
    pub from: Option<Date>,
    /// Decided on this day or earlier.
    pub to: Option<Date>,
}

impl DecisionFilter {
    pub fn parse(self) -> ApiResult<StoredFilter> {
        Ok(StoredFilter {
            organization: opt_key(&self.organization_id, "organizationId", OrganizationId::from_global)?,
            application: opt_key(&self.application_id, "applicationId", ApplicationId::from_global)?,
            from: self.from.map(|d| d.get("from")).transpose()?,
            to: self.to.map(|d| d.get("to")).transpose()?,
        })
    }
}

/// A file for an application, a commitment, a decision or a change request, sent by the GraphQL
/// multipart request specification.
#[derive(InputObject)]
pub struct AttachDocumentInput {
    /// The application, commitment, decision or change request the file belongs to.
    pub owner_id: ID,
    pub file: Upload,
    pub idempotency_key: Option<String>,
}
