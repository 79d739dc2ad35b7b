use async_graphql::{Context, ID, Object};
use salkku_persistence::records;

use super::{Application, Organization};
use crate::error::{ApiError, ApiResult};
use crate::schema::enums::{CommitmentKind, CommitmentLevel, CommitmentStatus};
use crate::schema::loaders;
use crate::schema::scalars::{Date, Decimal};

/// An organisation's pledge towards an application's self-funding.
pub struct Commitment(pub records::Commitment);

// `serial`: a page of applications holds hundreds of commitments, and resolving an object's fields
// side by side costs a task set per object, a noticeable part of the page (see
// docs/benchmarks.md). Under a page the organisations are already loaded; elsewhere, asking for
// both `application` and `organization` loads them in two batches one after the other instead of
// side by side.
#[Object(serial)]
impl Commitment {
    pub async fn id(&self) -> ID {
        super::id(self.0.id.global())
    }

    async fn application(&self, ctx: &Context<'_>) -> ApiResult<Application> {
        let app = loaders(ctx)?.load_one(self.0.application).await?;
        app.map(Application).ok_or_else(|| ApiError::internal(&"a commitment's application is missing"))
    }

    async fn organization(&self, ctx: &Context<'_>) -> ApiResult<Organization> {
        let org = loaders(ctx)?.load_one(self.0.organization).await?;
        org.map(Organization).ok_or_else(|| ApiError::internal(&"a commitment's organisation is missing"))
    }

    async fn amount(&self) -> Decimal {
        self.0.amount.into()
    }

    async fn kind(&self) -> CommitmentKind {
        self.0.kind.into()
    }

    async fn level(&self) -> CommitmentLevel {
        self.0.level.into()
    }

    async fn status(&self) -> CommitmentStatus {
        self.0.status.into()
    }

    async fn due_date(&self) -> Option<Date> {
        self.0.due_date.map(Date::from)
    }

    async fn decided_at(&self) -> Option<Date> {
        self.0.decided_at.map(Date::from)
    }

    async fn decision_ref(&self) -> Option<&str> {
        self.0.decision_ref.as_deref()
    }

    /// The board's decision on record behind it.
    async fn decision(&self, ctx: &Context<'_>) -> ApiResult<Option<super::Decision>> {
        super::decision_of(ctx, self.0.decision).await
    }

    /// The commitment's documents (the minutes' extract), oldest first.
    #[graphql(
        complexity = "crate::schema::sizes::sized_cost(crate::schema::sizes::Listed::Documents, None, child_complexity)"
    )]
    async fn documents(&self, ctx: &Context<'_>) -> ApiResult<Vec<super::Document>> {
        super::documents_of(ctx, salkku_domain::document::DocumentOwner::Commitment, self.0.id.0).await
    }

    async fn version(&self) -> i32 {
        self.0.version
    }
}
