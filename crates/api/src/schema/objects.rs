//! GraphQL objects built from storage records. They are views, never database entities.

use async_graphql::{Context, ID, Object};
use salkku_domain::RegionCode;
use salkku_persistence::{organizations, records};

use super::db;
use super::enums::{OrganizationKind, Role};
use crate::auth::Viewer as AuthViewer;
use crate::error::ApiResult;

/// The signed-in user.
pub struct Viewer(pub AuthViewer);

#[Object]
impl Viewer {
    async fn subject(&self) -> &str {
        &self.0.subject
    }

    async fn role(&self) -> Role {
        self.0.role.into()
    }

    async fn organization(&self, ctx: &Context<'_>) -> ApiResult<Option<Organization>> {
        let Some(id) = self.0.organization else { return Ok(None) };
        Ok(organizations::get(db(ctx)?.conn(), id).await?.map(Organization))
    }
}

/// A region (maakunta).
pub struct Region(pub RegionCode);

#[Object]
impl Region {
    /// Statistics Finland region code, two digits: "14" is Etelä-Pohjanmaa.
    async fn code(&self) -> &str {
        self.0.as_str()
    }

    async fn name(&self) -> &str {
        self.0.info().name_fi
    }
}

pub struct Organization(pub records::Organization);

#[Object]
impl Organization {
    async fn id(&self) -> ID {
        ID(self.0.id.global())
    }

    async fn name(&self) -> &str {
        &self.0.name
    }

    async fn kind(&self) -> OrganizationKind {
        self.0.kind.into()
    }

    /// Finnish business ID (Y-tunnus), NNNNNNN-C, check digit verified on input.
    async fn business_id(&self) -> Option<&str> {
        self.0.business_id.as_ref().map(|b| b.as_str())
    }

    async fn region(&self) -> Option<Region> {
        self.0.region.map(Region)
    }

    async fn population(&self) -> Option<i64> {
        self.0.population
    }
}
