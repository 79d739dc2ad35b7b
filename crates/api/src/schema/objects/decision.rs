//! Decisions on record and the documents behind them.

use async_graphql::{Context, ID, Object};
use salkku_domain::document::DocumentOwner;
use salkku_persistence::records;

use super::{Application, Organization};
use crate::error::{ApiError, ApiResult};
use crate::schema::loaders::DocumentsOf;
use crate::schema::scalars::{Date, DateTime};
use crate::schema::{base_url, loaders};

/// A decision: who decided (an organisation and its body), when, under what reference, and what.
/// Grant decisions, status changes, commitments' approvals, change-request decisions and
/// allocations point to one.
pub struct Decision(pub records::Decision);

#[Object]
impl Decision {
    async fn id(&self) -> ID {
        super::id(self.0.id.global())
    }

    /// The organisation that decided, e.g. Seinäjoen kaupunki or STM.
    async fn organization(&self, ctx: &Context<'_>) -> ApiResult<Organization> {
        let org = loaders(ctx)?.load_one(self.0.organization).await?;
        org.map(Organization).ok_or_else(|| ApiError::internal(&"a decision's organisation is missing"))
    }

    /// Its body that decided, e.g. "kaupunginhallitus" or "alueellinen ohjausryhmä".
    async fn body(&self) -> Option<&str> {
        self.0.body.as_deref()
    }

    async fn decided_on(&self) -> Date {
        Date::from(self.0.decided_on)
    }

    /// E.g. "§ 7" or "VN/1234/2020".
    async fn reference(&self) -> Option<&str> {
        self.0.reference.as_deref()
    }

    async fn summary(&self) -> Option<&str> {
        self.0.summary.as_deref()
    }

    /// The project the decision concerns, if one.
    async fn application(&self, ctx: &Context<'_>) -> ApiResult<Option<Application>> {
        let Some(id) = self.0.application else { return Ok(None) };
        Ok(loaders(ctx)?.load_one(id).await?.map(Application))
    }

    /// The documents behind it (the minutes' extract, the decision letter), oldest first.
    #[graphql(
        complexity = "crate::schema::sizes::sized_cost(crate::schema::sizes::Listed::Documents, None, child_complexity)"
    )]
    async fn documents(&self, ctx: &Context<'_>) -> ApiResult<Vec<Document>> {
        documents_of(ctx, DocumentOwner::Decision, self.0.id.0).await
    }

    async fn created_at(&self) -> DateTime {
        DateTime::from(self.0.created_at)
    }

    /// The subject of the token that recorded it.
    async fn created_by(&self) -> &str {
        &self.0.created_by
    }
}

/// The documents of one owner.
pub(crate) async fn documents_of(ctx: &Context<'_>, owner: DocumentOwner, key: i64) -> ApiResult<Vec<Document>> {
    let documents = loaders(ctx)?.load_one(DocumentsOf(owner, key)).await?.unwrap_or_default();
    Ok(documents.into_iter().map(Document).collect())
}

/// A file on record: a PDF, an Office document, an image or plain text.
pub struct Document(pub records::Document);

#[Object]
impl Document {
    async fn id(&self) -> ID {
        super::id(self.0.id.global())
    }

    /// The name it was uploaded with (its last part only).
    async fn file_name(&self) -> &str {
        &self.0.file_name
    }

    /// Detected from the content, never taken from the client.
    async fn media_type(&self) -> &str {
        &self.0.media_type
    }

    async fn size_bytes(&self) -> i64 {
        self.0.size_bytes
    }

    /// The SHA-256 of the content, in hex.
    async fn sha256(&self) -> &str {
        &self.0.sha256
    }

    /// Where to download it, with the same bearer token: `GET` answers the file as an attachment.
    async fn url(&self, ctx: &Context<'_>) -> String {
        format!("{}/documents/{}", base_url(ctx), self.0.id.global())
    }

    async fn created_at(&self) -> DateTime {
        DateTime::from(self.0.created_at)
    }

    /// The subject of the token that uploaded it.
    async fn created_by(&self) -> &str {
        &self.0.created_by
    }
}

/// The decision on record a row points to.
pub(crate) async fn decision_of(
    ctx: &Context<'_>,
    id: Option<salkku_domain::ids::DecisionId>,
) -> ApiResult<Option<Decision>> {
    let Some(id) = id else { return Ok(None) };
    Ok(loaders(ctx)?.load_one(id).await?.map(Decision))
}
