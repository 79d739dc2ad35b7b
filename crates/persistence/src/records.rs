//! What the storage layer hands out: plain values in the domain's types, built from rows.

use chrono::{DateTime, NaiveDate, Utc};
use salkku_domain::budget::BudgetLine;
use salkku_domain::budget_version::BudgetVersionKind;
use salkku_domain::change_request::{ChangeKind, ChangeRequestStatus, PartDecision};
use salkku_domain::deadline::Standing;
use salkku_domain::ids::{
    AllocationId, ApplicationId, BudgetLineId, BudgetVersionId, ChangeRequestId, CommitmentId, DeadlineId, DecisionId,
    DocumentId, GrantCallId, InstalmentId, OrganizationId, PaymentId, ProgrammeId, RepaymentId, ReportId,
};
use salkku_domain::instalment::InstalmentStatus;
use salkku_domain::plan::PlanDraft;
use salkku_domain::report::{ReportKind, ReportStatus, Schedule};
use salkku_domain::{
    ApplicationStatus, BusinessId, CommitmentKind, CommitmentLevel, CommitmentStatus, DeadlineKind, Money,
    OrganizationKind, ParticipationRole, Rate, RegionCode,
};

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Organization {
    pub id: OrganizationId,
    pub name: String,
    pub kind: OrganizationKind,
    pub business_id: Option<BusinessId>,
    pub region: Option<RegionCode>,
    pub population: Option<i64>,
    pub version: i32,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Programme {
    pub id: ProgrammeId,
    pub name: String,
    pub funder: OrganizationId,
    pub max_aid_rate: Option<Rate>,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct GrantCall {
    pub id: GrantCallId,
    pub title: String,
    pub funder: OrganizationId,
    pub programme: Option<ProgrammeId>,
    pub opens_at: Option<DateTime<Utc>>,
    pub closes_at: DateTime<Utc>,
    pub max_aid_rate: Rate,
    pub in_kind_counts: bool,
    pub envelope: Option<Money>,
    pub url: Option<String>,
    /// How much of the approved total may move between cost categories without a change request.
    pub reallocation_tolerance: Rate,
    /// The reports a project granted under the call owes, if the call sets them.
    pub report_schedule: Option<Schedule>,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Application {
    pub id: ApplicationId,
    pub name: String,
    pub acronym: Option<String>,
    pub description: Option<String>,
    pub call: Option<GrantCallId>,
    pub status: ApplicationStatus,
    pub version: i32,
    pub lead: OrganizationId,
    pub period_start: Option<NaiveDate>,
    pub period_end: Option<NaiveDate>,
    pub report_due: Option<NaiveDate>,
    pub submitted_at: Option<DateTime<Utc>>,
    pub state_aid_requested: Money,
    pub total_cost: Money,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
}

/// An organisation's part in an application other than leading it (the lead is
/// [`Application::lead`]).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Participation {
    pub application: ApplicationId,
    pub organization: OrganizationId,
    pub role: ParticipationRole,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct StoredBudgetLine {
    pub id: BudgetLineId,
    pub application: ApplicationId,
    pub line: BudgetLine,
}

/// One version of an application's budget: its figures; its lines are read on their own.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct BudgetVersion {
    pub id: BudgetVersionId,
    pub application: ApplicationId,
    /// 1 for the draft (which becomes the applied version at submission), then one up for each.
    pub number: i32,
    pub kind: BudgetVersionKind,
    pub in_force: bool,
    pub total_cost: Money,
    pub state_aid: Money,
    /// A revision recorded directly, within the call's tolerance, without a change request.
    pub within_tolerance: bool,
    pub decision_ref: Option<String>,
    /// The decision on record that put it in force.
    pub decision: Option<DecisionId>,
    pub created_at: DateTime<Utc>,
    pub created_by: String,
    /// The plan in force with this version, as written; none for versions older than plans.
    pub plan: Option<PlanDraft>,
    /// Made by a content change alone: its budget is the one before.
    pub plan_only: bool,
}

/// A change request with what it proposes and what was decided on each part.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ChangeRequest {
    pub id: ChangeRequestId,
    pub application: ApplicationId,
    pub status: ChangeRequestStatus,
    pub justification: Option<String>,
    /// The end an extension asks for.
    pub new_end: Option<NaiveDate>,
    /// The budget lines a reallocation proposes (empty when it asks for none).
    pub lines: Vec<BudgetLine>,
    /// The state aid a state-aid change asks for.
    pub state_aid: Option<Money>,
    pub content_change: Option<String>,
    /// The plan a content change proposes, as written.
    pub plan: Option<PlanDraft>,
    pub partners: Vec<PartnerChange>,
    pub parts: Vec<ChangeRequestPart>,
    pub submitted_at: Option<DateTime<Utc>>,
    pub closed_at: Option<DateTime<Utc>>,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
    pub version: i32,
}

/// One part of a change request and its decision.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ChangeRequestPart {
    pub kind: ChangeKind,
    pub decision: Option<PartDecision>,
    /// The end the funder approved, when it approved an extension with changes.
    pub approved_end: Option<NaiveDate>,
    /// The budget version an approved budget part put in force.
    pub revised_version: Option<BudgetVersionId>,
    pub decided_at: Option<DateTime<Utc>>,
    pub decided_by: Option<String>,
    pub decision_ref: Option<String>,
    /// The decision on record behind it.
    pub decision_on_record: Option<DecisionId>,
    pub note: Option<String>,
    /// The plan the funder approved, when it approved a content change with changes.
    pub approved_plan: Option<PlanDraft>,
}

impl ChangeRequestPart {
    /// A part as a new request has it: asked for, not decided.
    pub(crate) fn undecided(kind: ChangeKind) -> Self {
        ChangeRequestPart {
            kind,
            decision: None,
            approved_end: None,
            revised_version: None,
            decided_at: None,
            decided_by: None,
            decision_ref: None,
            decision_on_record: None,
            note: None,
            approved_plan: None,
        }
    }
}

/// An organisation a change request would add to the project (with its commitment) or remove.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct PartnerChange {
    pub organization: OrganizationId,
    pub joins: bool,
    pub role: ParticipationRole,
    pub commitment: Option<Money>,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Commitment {
    pub id: CommitmentId,
    pub application: ApplicationId,
    pub organization: OrganizationId,
    pub amount: Money,
    pub kind: CommitmentKind,
    pub level: CommitmentLevel,
    pub status: CommitmentStatus,
    pub due_date: Option<NaiveDate>,
    pub decided_at: Option<NaiveDate>,
    pub decision_ref: Option<String>,
    /// The decision on record behind its approval (or refusal).
    pub decision: Option<DecisionId>,
    pub version: i32,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Allocation {
    pub id: AllocationId,
    pub funder: OrganizationId,
    pub recipient: OrganizationId,
    pub application: Option<ApplicationId>,
    pub year: i32,
    pub amount: Money,
    pub paid_total: Money,
    pub decision_date: Option<NaiveDate>,
    pub decision_ref: Option<String>,
    pub decision: Option<DecisionId>,
    pub version: i32,
}

/// An allocation with its plan of instalments as a plan's change left them: in due order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedAllocation {
    pub allocation: Allocation,
    pub plan: Vec<Instalment>,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Payment {
    pub id: PaymentId,
    pub allocation: AllocationId,
    pub paid_on: NaiveDate,
    pub amount: Money,
    pub reference: Option<String>,
    /// The instalment the payment settles.
    pub instalment: Option<InstalmentId>,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Deadline {
    pub id: DeadlineId,
    pub kind: DeadlineKind,
    pub title: String,
    pub due_at: DateTime<Utc>,
    pub tentative: bool,
    pub application: Option<ApplicationId>,
    pub call: Option<GrantCallId>,
    pub commitment: Option<CommitmentId>,
    /// The report it asks for.
    pub report: Option<ReportId>,
    /// Kept in step with its source (a call, a commitment, an application's dates); its title
    /// is then only the subject, which the kind completes in the reader's language.
    pub derived: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct StatusChange {
    pub application: ApplicationId,
    pub from: Option<ApplicationStatus>,
    pub to: ApplicationStatus,
    pub at: DateTime<Utc>,
    pub by: String,
    pub decision_ref: Option<String>,
    pub decision: Option<DecisionId>,
}

/// A deadline with what decides whether it still calls for action.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct DeadlineView {
    pub deadline: Deadline,
    /// The status of the deadline's application, if it has one.
    pub application_status: Option<ApplicationStatus>,
    /// The status of the deadline's commitment, if it has one.
    pub commitment_status: Option<CommitmentStatus>,
    /// The kind and status of the report it asks for, if it asks for one.
    pub report: Option<(ReportKind, ReportStatus)>,
}

impl DeadlineView {
    /// What decides whether the deadline still calls for action.
    pub fn standing(&self) -> Standing {
        Standing {
            application: self.application_status,
            commitment: self.commitment_status,
            report: self.report.map(|(_, status)| status),
        }
    }
}

/// A report a granted project owes its funder (väliselvitys, loppuselvitys, taloudellinen
/// selvitys).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Report {
    pub id: ReportId,
    pub application: ApplicationId,
    pub kind: ReportKind,
    pub title: Option<String>,
    pub due_on: NaiveDate,
    /// Made from the call's schedule this many months after the project's end: it moves with
    /// an extension.
    pub months_after_end: Option<u32>,
    pub from_schedule: bool,
    /// Whether the report states the actual costs (a financial report, or a final one with a
    /// financial part).
    pub states_costs: bool,
    pub status: ReportStatus,
    pub submitted_at: Option<DateTime<Utc>>,
    pub submitted_by: Option<String>,
    pub decided_at: Option<DateTime<Utc>>,
    pub decided_by: Option<String>,
    pub return_reasons: Option<String>,
    pub times_returned: i32,
    pub decision: Option<DecisionId>,
    pub version: i32,
}

/// A planned payment of an allocation (maksuerä).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Instalment {
    pub id: InstalmentId,
    pub allocation: AllocationId,
    pub due_on: NaiveDate,
    pub amount: Money,
    /// The report whose acceptance the instalment waits for.
    pub condition: Option<ReportId>,
    pub status: InstalmentStatus,
    pub label: Option<String>,
    pub requested_at: Option<DateTime<Utc>>,
    pub paid_on: Option<NaiveDate>,
    pub version: i32,
}

/// State aid a project returned after its final account (palautus).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Repayment {
    pub id: RepaymentId,
    pub application: ApplicationId,
    pub returned_on: NaiveDate,
    pub amount: Money,
    pub reference: Option<String>,
    pub decision: Option<DecisionId>,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
}

/// A decision on record: who decided, when, under what reference, and what.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Decision {
    pub id: DecisionId,
    /// The organisation that decided.
    pub organization: OrganizationId,
    /// Its body that decided, e.g. "kaupunginhallitus".
    pub body: Option<String>,
    pub decided_on: NaiveDate,
    /// E.g. "§ 7" or "VN/1234/2020".
    pub reference: Option<String>,
    pub summary: Option<String>,
    /// The project it concerns, if one.
    pub application: Option<ApplicationId>,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
}

/// A file on record: its facts; its bytes are read on their own.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Document {
    pub id: DocumentId,
    pub owner: salkku_domain::document::DocumentOwner,
    pub owner_key: i64,
    /// The project the owner belongs to, if one: whose rules govern the file.
    pub application: Option<ApplicationId>,
    pub file_name: String,
    pub media_type: String,
    pub size_bytes: i64,
    pub sha256: String,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
}

/// An application's plan in force, the rows of its parts and the actuals reported on it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StoredPlan {
    pub plan: salkku_domain::plan::Plan,
    /// Each part's row by its key (a key names one part in the whole plan).
    pub ids: std::collections::BTreeMap<salkku_domain::plan::PlanKey, i64>,
    pub actuals: Vec<IndicatorActual>,
}

/// What an indicator reached in a year, as a report stated it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndicatorActual {
    pub id: i64,
    pub indicator: salkku_domain::ids::IndicatorId,
    pub report: ReportId,
    pub year: i32,
    pub value: salkku_domain::indicator::Measure,
    pub note: Option<String>,
    /// Where its report stands: what decides whether the value is locked
    /// ([`salkku_domain::indicator::locked`]) and whether it counts ([`salkku_domain::indicator::stands`]).
    pub report_status: ReportStatus,
}

/// An indicator code a programme defines, with the unit its projects' indicators sum in.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct IndicatorDefinition {
    pub id: i64,
    pub programme: ProgrammeId,
    pub code: salkku_domain::indicator::IndicatorCode,
    pub name: String,
    pub unit: salkku_domain::indicator::IndicatorUnit,
}
