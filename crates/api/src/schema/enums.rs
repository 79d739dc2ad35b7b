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

#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
#[graphql(remote = "salkku_domain::ApplicationStatus")]
pub enum ApplicationStatus {
    Idea,
    InPreparation,
    Submitted,
    Granted,
    Rejected,
    Withdrawn,
    Active,
    Closed,
}

#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
#[graphql(remote = "salkku_domain::ParticipationRole")]
pub enum ParticipationRole {
    Lead,
    CoImplementer,
    Funder,
    Partner,
}

#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
#[graphql(remote = "salkku_domain::CostCategory")]
pub enum CostCategory {
    Personnel,
    Travel,
    PurchasedServices,
    Materials,
    Premises,
    Overhead,
    Other,
}

#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
#[graphql(remote = "salkku_domain::funding::ViolationCode")]
pub enum SplitViolationCode {
    NoCall,
    NoBudget,
    AidRateExceeded,
    SelfFundingUncovered,
}

#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
#[graphql(remote = "salkku_domain::CommitmentKind")]
pub enum CommitmentKind {
    Cash,
    InKind,
}

#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
#[graphql(remote = "salkku_domain::CommitmentLevel")]
pub enum CommitmentLevel {
    OfficeHolder,
    Board,
    Council,
}

#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
#[graphql(remote = "salkku_domain::CommitmentStatus")]
pub enum CommitmentStatus {
    Requested,
    Promised,
    Approved,
    Declined,
}

#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
#[graphql(remote = "salkku_domain::DeadlineKind")]
pub enum DeadlineKind {
    CallCloses,
    CommitmentDue,
    DecisionExpected,
    ReportDue,
    ProjectEnds,
    Custom,
}

#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
#[graphql(remote = "salkku_domain::call::GrantCallStatus")]
pub enum GrantCallStatus {
    Upcoming,
    Open,
    Closed,
}

#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
pub enum ApplicationOrderField {
    Name,
    CreatedAt,
    ClosesAt,
    TotalCost,
}

impl From<ApplicationOrderField> for salkku_persistence::views::application_list::OrderField {
    fn from(f: ApplicationOrderField) -> Self {
        use salkku_persistence::views::application_list::OrderField;
        match f {
            ApplicationOrderField::Name => OrderField::Name,
            ApplicationOrderField::CreatedAt => OrderField::CreatedAt,
            ApplicationOrderField::ClosesAt => OrderField::ClosesAt,
            ApplicationOrderField::TotalCost => OrderField::TotalCost,
        }
    }
}

#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug, Default)]
pub enum OrderDirection {
    #[default]
    Asc,
    Desc,
}

/// A language of labels, messages and calendar feeds.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
#[graphql(remote = "salkku_domain::labels::Language")]
pub enum Language {
    /// Finnish (suomi), the default.
    Fi,
    /// Swedish (svenska).
    Sv,
    /// English.
    En,
}

/// What a budget version is: the draft edited before submission, the budget as applied for, as
/// the grant decision approved it, or as an approved change revised it.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
#[graphql(remote = "salkku_domain::budget_version::BudgetVersionKind")]
pub enum BudgetVersionKind {
    Draft,
    Applied,
    Granted,
    Revised,
}

/// What a change request asks for; one request may ask for several.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
#[graphql(remote = "salkku_domain::change_request::ChangeKind")]
pub enum ChangeKind {
    Extension,
    BudgetReallocation,
    StateAidChange,
    ContentChange,
    PartnerChange,
}

/// Where a change request stands: drafted, submitted, closed once every part is decided, or
/// withdrawn before any was.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
#[graphql(remote = "salkku_domain::change_request::ChangeRequestStatus")]
pub enum ChangeRequestStatus {
    Draft,
    Submitted,
    Closed,
    Withdrawn,
}

/// The funder's decision on one part of a change request.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
#[graphql(remote = "salkku_domain::change_request::PartDecision")]
pub enum PartDecision {
    Approved,
    ApprovedWithChanges,
    Rejected,
}

/// Interim (väliselvitys), final (loppuselvitys) or financial (taloudellinen selvitys).
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
#[graphql(remote = "salkku_domain::report::ReportKind")]
pub enum ReportKind {
    Interim,
    Final,
    Financial,
}

/// DUE → SUBMITTED → ACCEPTED, or RETURNED (owed again by a new due date) → SUBMITTED.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
#[graphql(remote = "salkku_domain::report::ReportStatus")]
pub enum ReportStatus {
    Due,
    Submitted,
    Accepted,
    Returned,
}

/// PLANNED → REQUESTED → PAID, or CANCELLED before it is paid.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
#[graphql(remote = "salkku_domain::instalment::InstalmentStatus")]
pub enum InstalmentStatus {
    Planned,
    Requested,
    Paid,
    Cancelled,
}

/// The periods a cash flow is summed by.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
pub enum CashFlowInterval {
    Month,
    Quarter,
    Year,
}

#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
#[graphql(remote = "salkku_domain::indicator::IndicatorUnit")]
pub enum IndicatorUnit {
    Count,
    Percent,
    Euros,
    Text,
}

#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
#[graphql(remote = "salkku_domain::plan::PlanPart")]
pub enum PlanPart {
    Objective,
    WorkPackage,
    Indicator,
}

#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
#[graphql(remote = "salkku_domain::plan::PlanChangeKind")]
pub enum PlanChangeKind {
    Added,
    Removed,
    Changed,
}
