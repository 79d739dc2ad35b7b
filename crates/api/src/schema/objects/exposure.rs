//! An organisation's exposure: what a municipality has committed to across every project.

use async_graphql::{Context, Object, SimpleObject};
use salkku_persistence::views::exposure::OrganizationExposure;

use super::{Application, Commitment, Organization};
use crate::error::{ApiError, ApiResult};
use crate::schema::enums::{CommitmentKind, CommitmentLevel, CommitmentStatus};
use crate::schema::loaders;
use crate::schema::scalars::Decimal;

/// What an organisation has at stake across every project (of a period, when asked for one).
pub struct Exposure {
    pub organization: salkku_persistence::records::Organization,
    pub view: OrganizationExposure,
}

/// The committed amounts of one status and kind.
#[derive(SimpleObject)]
pub struct ExposureBucket {
    status: CommitmentStatus,
    kind: CommitmentKind,
    amount: Decimal,
    count: i32,
}

/// Requested commitments a body of one level must still decide.
pub struct AgendaItem {
    level: salkku_domain::CommitmentLevel,
    commitments: Vec<salkku_persistence::records::Commitment>,
}

#[Object]
impl AgendaItem {
    /// Who decides: an office holder, the board, the council.
    async fn level(&self) -> CommitmentLevel {
        self.level.into()
    }

    /// Soonest due first.
    #[graphql(complexity = "crate::schema::limits::list_cost(child_complexity)")]
    async fn commitments(&self) -> Vec<Commitment> {
        self.commitments.iter().cloned().map(Commitment).collect()
    }
}

/// The organisation's realised share in one closed project's final account.
pub struct RealisedShareOf {
    application: salkku_domain::ids::ApplicationId,
    amount: salkku_domain::Money,
}

#[Object]
impl RealisedShareOf {
    async fn application(&self, ctx: &Context<'_>) -> ApiResult<Application> {
        let found = loaders(ctx)?.load_one(self.application).await?;
        found.map(Application).ok_or_else(|| ApiError::internal(&"a closed project is missing"))
    }

    async fn amount(&self) -> Decimal {
        self.amount.into()
    }
}

impl Exposure {
    async fn realised_shares(
        &self,
        ctx: &Context<'_>,
    ) -> ApiResult<Vec<(salkku_domain::ids::ApplicationId, salkku_domain::Money)>> {
        let db = crate::schema::db(ctx)?;
        Ok(salkku_persistence::views::exposure::realised(db.conn(), self.organization.id, &self.view.projects).await?)
    }
}

#[Object]
impl Exposure {
    async fn organization(&self) -> Organization {
        Organization(self.organization.clone())
    }

    /// Its commitments across every project, soonest due first.
    #[graphql(complexity = "crate::schema::limits::list_cost(child_complexity)")]
    async fn commitments(&self) -> Vec<Commitment> {
        self.view.commitments.iter().cloned().map(Commitment).collect()
    }

    /// By status, then kind.
    #[graphql(complexity = "crate::schema::limits::list_cost(child_complexity)")]
    async fn by_status(&self) -> Vec<ExposureBucket> {
        self.view
            .exposure
            .buckets
            .iter()
            .map(|b| ExposureBucket {
                status: b.status.into(),
                kind: b.kind.into(),
                amount: b.amount.into(),
                count: i32::try_from(b.count).unwrap_or(i32::MAX),
            })
            .collect()
    }

    /// Promised and approved, cash and in kind.
    async fn pledged(&self) -> Decimal {
        self.view.exposure.pledged.into()
    }

    /// Asked for and not decided yet.
    async fn requested(&self) -> Decimal {
        self.view.exposure.requested.into()
    }

    /// pledged per inhabitant, to the cent; null without a population.
    async fn pledged_per_inhabitant(&self) -> Option<Decimal> {
        self.view.exposure.pledged_per_inhabitant.map(Decimal::from)
    }

    async fn requested_per_inhabitant(&self) -> Option<Decimal> {
        self.view.exposure.requested_per_inhabitant.map(Decimal::from)
    }

    /// What its bodies must decide next: the requested commitments by the level that decides them.
    #[graphql(complexity = "crate::schema::limits::list_cost(child_complexity)")]
    async fn agenda(&self) -> Vec<AgendaItem> {
        self.view
            .agenda
            .iter()
            .map(|(level, commitments)| AgendaItem { level: *level, commitments: commitments.clone() })
            .collect()
    }

    /// Its realised shares of the self-funding in the final accounts of closed projects.
    #[graphql(complexity = "crate::schema::limits::list_cost(child_complexity)")]
    async fn realised(&self, ctx: &Context<'_>) -> ApiResult<Vec<RealisedShareOf>> {
        let found = self.realised_shares(ctx).await?;
        Ok(found.into_iter().map(|(application, amount)| RealisedShareOf { application, amount }).collect())
    }

    async fn realised_total(&self, ctx: &Context<'_>) -> ApiResult<Decimal> {
        let found = self.realised_shares(ctx).await?;
        let total =
            salkku_domain::Money::sum(found.iter().map(|(_, m)| *m)).map_err(salkku_persistence::StoreError::from)?;
        Ok(total.into())
    }
}
