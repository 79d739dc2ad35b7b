//! The contract's enums, bound to the domain's code lists (`remote`), so a value can only be one
//! the domain knows.

use async_graphql::Enum;

#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
#[graphql(remote = "salkku_domain::Role")]
pub enum Role {
    Coordinator,
    Finance,
    Ministry,
    Admin,
}

#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
#[graphql(remote = "salkku_domain::OrganizationKind")]
pub enum OrganizationKind {
    Ministry,
    Agency,
    EuFund,
    RegionalCouncil,
    Municipality,
    JointMunicipalAuthority,
    HospitalDistrict,
    WellbeingServicesCounty,
    University,
    CompetenceCentre,
    Company,
    Ngo,
    Other,
}
