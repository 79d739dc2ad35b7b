use async_graphql::{Context, ID, Object};
use salkku_domain::RegionCode;
use salkku_domain::labels;
use salkku_persistence::records;

use crate::schema::enums::OrganizationKind;
use crate::schema::language;

/// A region (maakunta).
pub struct Region(pub RegionCode);

#[Object(serial)]
impl Region {
    /// Statistics Finland region code, two digits: "14" is Etelä-Pohjanmaa.
    async fn code(&self) -> &str {
        self.0.as_str()
    }

    /// The region's name in the request's language (Finnish unless `Accept-Language` asks for
    /// Swedish or English).
    async fn name(&self, ctx: &Context<'_>) -> &'static str {
        labels::region(self.0, language(ctx))
    }
}

/// An organisation: a funder, an applicant, a municipality or another body.
pub struct Organization(pub records::Organization);

// `serial`: its fields are plain values, resolved one after another without a task set per
// object (hundreds of these on a page; see docs/benchmarks.md).
#[Object(serial)]
impl Organization {
    pub async fn id(&self) -> ID {
        super::id(self.0.id.global())
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

    async fn population(&self) -> Option<i32> {
        self.0.population.map(|p| i32::try_from(p).unwrap_or(i32::MAX))
    }
}
