//! The contract's inputs, and their parsing into the domain's types. Every value is checked here,
//! before any transaction starts; an error names the field at fault.

use async_graphql::{ID, InputObject, MaybeUndefined};
use salkku_domain::budget::{Budget, BudgetLine};
use salkku_domain::ids::{
    AllocationId, ApplicationId, CommitmentId, DecisionId, GrantCallId, OrganizationId, ProgrammeId,
};
use salkku_domain::report::Schedule;
use salkku_domain::text::{self, MAX_DESCRIPTION, MAX_NAME, MAX_REFERENCE};
use salkku_domain::{BusinessId, DomainError, PaymentAmount, RegionCode};
use salkku_persistence::commands::allocations::{NewAllocation, NewPayment};
use salkku_persistence::commands::applications::{ApplicationChanges, NewApplication, NewParticipant};
use salkku_persistence::commands::calls::NewGrantCall;
use salkku_persistence::commands::commitments::{CommitmentChanges, NewCommitment};
use salkku_persistence::commands::deadlines::NewDeadline;
use salkku_persistence::commands::organizations::NewOrganization;
use salkku_persistence::commands::programmes::NewProgramme;
use salkku_persistence::views::allocations::AllocationFilter as StoredAllocationFilter;
use salkku_persistence::views::application_list::{
    ApplicationFilter as StoredApplicationFilter, ApplicationOrder as StoredOrder,
};
use salkku_persistence::views::calls::GrantCallFilter as StoredCallFilter;
use salkku_persistence::views::deadlines::DeadlineFilter as StoredDeadlineFilter;
use salkku_persistence::views::organizations::OrganizationFilter as StoredOrgFilter;

use super::enums::*;
use super::scalars::{Date, DateTime, Decimal};
use crate::error::{ApiError, ApiResult};

/// Most items in one list input (participants, regions, budget lines, weights).
pub const MAX_LIST: usize = 1000;

/// Reads a global ID of one kind, or bad input in `field`.
pub fn key<T>(raw: &ID, field: &str, parse: fn(&str) -> Result<T, DomainError>) -> ApiResult<T> {
    parse(raw.as_str()).map_err(|e| ApiError::invalid(field, e))
}

pub(crate) fn opt_key<T>(
    raw: &Option<ID>,
    field: &str,
    parse: fn(&str) -> Result<T, DomainError>,
) -> ApiResult<Option<T>> {
    raw.as_ref().map(|r| key(r, field, parse)).transpose()
}

pub(crate) fn required(field: &str, value: &str, max: usize) -> ApiResult<String> {
    text::required(field, value, max).map_err(|e| ApiError::invalid(field, e))
}

pub(crate) fn optional(field: &str, value: Option<&str>, max: usize) -> ApiResult<Option<String>> {
    text::optional(field, value, max).map_err(|e| ApiError::invalid(field, e))
}

pub(crate) fn region(field: &str, code: &str) -> ApiResult<RegionCode> {
    RegionCode::parse(code).map_err(|e| ApiError::invalid(field, e))
}

pub(crate) fn list_size<T>(field: &str, items: &[T]) -> ApiResult<()> {
    if items.len() > MAX_LIST {
        let got = items.len();
        return Err(ApiError::limit(salkku_domain::message!(
            fi: "{field}-luettelossa saa olla enintään {MAX_LIST} kohtaa (annettu {got})",
            sv: "{field} får innehålla högst {MAX_LIST} poster (angivet {got})",
            en: "{field} may hold at most {MAX_LIST} items (got {got})",
        )));
    }
    Ok(())
}

fn regions(field: &str, codes: &[String]) -> ApiResult<Vec<RegionCode>> {
    list_size(field, codes)?;
    codes.iter().enumerate().map(|(i, c)| region(&format!("{field}[{i}]"), c)).collect()
}

/// A change to a nullable field: absent keeps it, null clears it.
fn change<T, U>(value: MaybeUndefined<T>, parse: impl FnOnce(T) -> ApiResult<U>) -> ApiResult<Option<Option<U>>> {
    match value {
        MaybeUndefined::Undefined => Ok(None),
        MaybeUndefined::Null => Ok(Some(None)),
        MaybeUndefined::Value(v) => parse(v).map(|u| Some(Some(u))),
    }
}

#[derive(InputObject)]
pub struct OrganizationFilter {
    pub kind: Option<Vec<OrganizationKind>>,
    pub region_code: Option<String>,
    pub search: Option<String>,
}

impl OrganizationFilter {
    pub fn parse(self) -> ApiResult<StoredOrgFilter> {
        Ok(StoredOrgFilter {
            kinds: self.kind.unwrap_or_default().into_iter().map(Into::into).collect(),
            region: self.region_code.as_deref().map(|c| region("filter.regionCode", c)).transpose()?,
            search: optional("filter.search", self.search.as_deref(), MAX_NAME)?,
        })
    }
}

#[derive(InputObject)]
pub struct GrantCallFilter {
    pub status: Option<Vec<GrantCallStatus>>,
    pub funder_id: Option<ID>,
    pub programme_id: Option<ID>,
}

impl GrantCallFilter {
    pub fn parse(self) -> ApiResult<StoredCallFilter> {
        Ok(StoredCallFilter {
            statuses: self.status.unwrap_or_default().into_iter().map(Into::into).collect(),
            funder: opt_key(&self.funder_id, "filter.funderId", OrganizationId::from_global)?,
            programme: opt_key(&self.programme_id, "filter.programmeId", ProgrammeId::from_global)?,
        })
    }
}

#[derive(InputObject, Default)]
pub struct ApplicationFilter {
    pub status: Option<Vec<ApplicationStatus>>,
    pub region_code: Option<String>,
    pub funder_id: Option<ID>,
    pub call_id: Option<ID>,
    pub lead_id: Option<ID>,
    /// Applications this organisation leads or takes part in, in any role.
    pub participant_id: Option<ID>,
    /// Applications whose period overlaps this calendar year.
    pub year: Option<i32>,
    pub search: Option<String>,
}

impl ApplicationFilter {
    pub fn parse(self) -> ApiResult<StoredApplicationFilter> {
        Ok(StoredApplicationFilter {
            statuses: self.status.unwrap_or_default().into_iter().map(Into::into).collect(),
            region: self.region_code.as_deref().map(|c| region("filter.regionCode", c)).transpose()?,
            funder: opt_key(&self.funder_id, "filter.funderId", OrganizationId::from_global)?,
            call: opt_key(&self.call_id, "filter.callId", GrantCallId::from_global)?,
            lead: opt_key(&self.lead_id, "filter.leadId", OrganizationId::from_global)?,
            participant: opt_key(&self.participant_id, "filter.participantId", OrganizationId::from_global)?,
            year: self
                .year
                .map(|y| salkku_domain::budget::check_year(y).map_err(|e| ApiError::invalid("filter.year", e)))
                .transpose()?,
            search: optional("filter.search", self.search.as_deref(), MAX_NAME)?,
        })
    }
}

#[derive(InputObject)]
pub struct AllocationFilter {
    pub year: Option<i32>,
    pub recipient_id: Option<ID>,
    pub funder_id: Option<ID>,
}

impl AllocationFilter {
    pub fn parse(self) -> ApiResult<StoredAllocationFilter> {
        Ok(StoredAllocationFilter {
            year: self.year,
            recipient: opt_key(&self.recipient_id, "filter.recipientId", OrganizationId::from_global)?,
            funder: opt_key(&self.funder_id, "filter.funderId", OrganizationId::from_global)?,
        })
    }
}

#[derive(InputObject)]
pub struct DeadlineFilter {
    pub kind: Option<Vec<DeadlineKind>>,
    pub region_code: Option<String>,
    pub organization_id: Option<ID>,
    pub application_id: Option<ID>,
}

impl DeadlineFilter {
    pub fn parse(self) -> ApiResult<StoredDeadlineFilter> {
        Ok(StoredDeadlineFilter {
            kinds: self.kind.unwrap_or_default().into_iter().map(Into::into).collect(),
            region: self.region_code.as_deref().map(|c| region("filter.regionCode", c)).transpose()?,
            organization: opt_key(&self.organization_id, "filter.organizationId", OrganizationId::from_global)?,
            application: opt_key(&self.application_id, "filter.applicationId", ApplicationId::from_global)?,
        })
    }
}

#[derive(InputObject)]
pub struct ApplicationOrder {
    pub field: ApplicationOrderField,
    #[graphql(default_with = "OrderDirection::Asc")]
    pub direction: OrderDirection,
}

impl ApplicationOrder {
    pub fn parse(order: Option<Self>) -> StoredOrder {
        order.map_or_else(StoredOrder::default, |o| StoredOrder {
            field: o.field.into(),
            descending: o.direction == OrderDirection::Desc,
        })
    }
}

#[derive(InputObject)]
pub struct WeightInput {
    pub organization_id: ID,
    pub weight: Decimal,
}

#[derive(InputObject)]
pub struct CreateOrganizationInput {
    pub name: String,
    pub kind: OrganizationKind,
    pub business_id: Option<String>,
    pub region_code: Option<String>,
    pub population: Option<i32>,
    /// Replays with the same key return the first result instead of creating a duplicate.
    pub idempotency_key: Option<String>,
}

impl CreateOrganizationInput {
    pub fn parse(self) -> ApiResult<(NewOrganization, Option<String>)> {
        if let Some(population) = self.population.filter(|p| *p < 0) {
            return Err(ApiError::bad_input("population", crate::error::at_least_zero("population", population)));
        }
        let new = NewOrganization {
            name: required("name", &self.name, MAX_NAME)?,
            kind: self.kind.into(),
            business_id: self
                .business_id
                .as_deref()
                .map(|b| BusinessId::parse(b.trim()).map_err(|e| ApiError::invalid("businessId", e)))
                .transpose()?,
            region: self.region_code.as_deref().map(|c| region("regionCode", c)).transpose()?,
            population: self.population.map(i64::from),
        };
        Ok((new, self.idempotency_key))
    }
}

#[derive(InputObject)]
pub struct CreateProgrammeInput {
    pub name: String,
    pub funder_id: ID,
    pub max_aid_rate: Option<Decimal>,
    /// Replays with the same key return the first result instead of creating a duplicate.
    pub idempotency_key: Option<String>,
}

impl CreateProgrammeInput {
    pub fn parse(self) -> ApiResult<(NewProgramme, Option<String>)> {
        let new = NewProgramme {
            name: required("name", &self.name, MAX_NAME)?,
            funder: key(&self.funder_id, "funderId", OrganizationId::from_global)?,
            max_aid_rate: self.max_aid_rate.map(|r| r.rate("maxAidRate")).transpose()?,
        };
        Ok((new, self.idempotency_key))
    }
}

/// The reports a call's projects owe: an interim report every year by a day (interimMonth and
/// interimDay), and the final report some months after the project's end.
#[derive(InputObject)]
pub struct ReportScheduleInput {
    pub interim_month: Option<u32>,
    pub interim_day: Option<u32>,
    pub final_after_months: u32,
}

impl ReportScheduleInput {
    pub fn parse(&self) -> ApiResult<Schedule> {
        let interim = match (self.interim_month, self.interim_day) {
            (Some(month), Some(day)) => Some((month, day)),
            (None, None) => None,
            _ => {
                return Err(ApiError::bad_input(
                    "reportSchedule",
                    salkku_domain::message!(
                        fi: "väliselvitysten päivä annetaan kuukautena ja päivänä (interimMonth, interimDay)",
                        sv: "mellanredovisningarnas dag anges som månad och dag (interimMonth, interimDay)",
                        en: "the interim reports' day is given as a month and a day (interimMonth, interimDay)",
                    ),
                ));
            }
        };
        Schedule::new(interim, self.final_after_months).map_err(|e| ApiError::invalid("reportSchedule", e))
    }
}

#[derive(InputObject)]
pub struct CreateGrantCallInput {
    pub title: String,
    pub funder_id: ID,
    pub programme_id: Option<ID>,
    pub opens_at: Option<DateTime>,
    pub closes_at: DateTime,
    pub max_aid_rate: Decimal,
    #[graphql(default)]
    pub in_kind_counts_as_self_funding: bool,
    pub envelope: Option<Decimal>,
    pub url: Option<String>,
    /// The share of a granted project's approved total (per cent) that may move between cost
    /// categories without a change request; 0 (the default) lets nothing through.
    pub reallocation_tolerance: Option<Decimal>,
    /// The reports a project granted under the call owes; they are made when it is granted.
    pub report_schedule: Option<ReportScheduleInput>,
    /// Replays with the same key return the first result instead of creating a duplicate.
    pub idempotency_key: Option<String>,
}

impl CreateGrantCallInput {
    pub fn parse(self) -> ApiResult<(NewGrantCall, Option<String>)> {
        let opens_at = self.opens_at.map(|t| t.get("opensAt")).transpose()?;
        let closes_at = self.closes_at.get("closesAt")?;
        salkku_domain::call::check_application_period(opens_at, closes_at)
            .map_err(|e| ApiError::invalid("closesAt", e))?;
        let new = NewGrantCall {
            title: required("title", &self.title, MAX_NAME)?,
            funder: key(&self.funder_id, "funderId", OrganizationId::from_global)?,
            programme: opt_key(&self.programme_id, "programmeId", ProgrammeId::from_global)?,
            opens_at,
            closes_at,
            max_aid_rate: self.max_aid_rate.rate("maxAidRate")?,
            in_kind_counts: self.in_kind_counts_as_self_funding,
            envelope: self.envelope.map(|e| e.amount("envelope")).transpose()?,
            url: optional("url", self.url.as_deref(), MAX_REFERENCE)?,
            reallocation_tolerance: match self.reallocation_tolerance {
                Some(t) => t.rate("reallocationTolerance")?,
                None => salkku_domain::Rate::ZERO,
            },
            report_schedule: self.report_schedule.map(|s| s.parse()).transpose()?,
        };
        Ok((new, self.idempotency_key))
    }
}

#[derive(InputObject)]
pub struct ParticipationInput {
    pub organization_id: ID,
    pub role: ParticipationRole,
}

fn participants(items: &[ParticipationInput]) -> ApiResult<Vec<NewParticipant>> {
    list_size("participants", items)?;
    items
        .iter()
        .enumerate()
        .map(|(i, p)| {
            Ok(NewParticipant {
                organization: key(
                    &p.organization_id,
                    &format!("participants[{i}].organizationId"),
                    OrganizationId::from_global,
                )?,
                role: p.role.into(),
            })
        })
        .collect()
}

#[derive(InputObject)]
pub struct CreateApplicationInput {
    pub name: String,
    pub acronym: Option<String>,
    pub description: Option<String>,
    pub call_id: Option<ID>,
    pub lead_id: ID,
    pub participants: Option<Vec<ParticipationInput>>,
    pub region_codes: Option<Vec<String>>,
    pub period_start: Option<Date>,
    pub period_end: Option<Date>,
    /// When the final report is due; appears as a REPORT_DUE deadline.
    pub report_due: Option<Date>,
    /// Replays with the same key return the first result instead of creating a duplicate.
    pub idempotency_key: Option<String>,
}

impl CreateApplicationInput {
    pub fn parse(self) -> ApiResult<(NewApplication, Option<String>)> {
        let period_start = self.period_start.map(|d| d.get("periodStart")).transpose()?;
        let period_end = self.period_end.map(|d| d.get("periodEnd")).transpose()?;
        salkku_domain::period::check_project_period(period_start, period_end)
            .map_err(|e| ApiError::invalid("periodEnd", e))?;
        let new = NewApplication {
            name: required("name", &self.name, MAX_NAME)?,
            acronym: optional("acronym", self.acronym.as_deref(), MAX_NAME)?,
            description: optional("description", self.description.as_deref(), MAX_DESCRIPTION)?,
            call: opt_key(&self.call_id, "callId", GrantCallId::from_global)?,
            lead: key(&self.lead_id, "leadId", OrganizationId::from_global)?,
            participants: participants(self.participants.as_deref().unwrap_or_default())?,
            regions: regions("regionCodes", self.region_codes.as_deref().unwrap_or_default())?,
            period_start,
            period_end,
            report_due: self.report_due.map(|d| d.get("reportDue")).transpose()?,
        };
        Ok((new, self.idempotency_key))
    }
}

#[derive(InputObject)]
pub struct UpdateApplicationInput {
    pub id: ID,
    pub expected_version: i32,
    pub name: Option<String>,
    pub acronym: MaybeUndefined<String>,
    pub description: MaybeUndefined<String>,
    pub call_id: MaybeUndefined<ID>,
    pub participants: Option<Vec<ParticipationInput>>,
    pub region_codes: Option<Vec<String>>,
    pub period_start: MaybeUndefined<Date>,
    pub period_end: MaybeUndefined<Date>,
    pub report_due: MaybeUndefined<Date>,
}

impl UpdateApplicationInput {
    pub fn parse(self) -> ApiResult<(ApplicationId, i32, ApplicationChanges)> {
        let id = key(&self.id, "id", ApplicationId::from_global)?;
        let changes = ApplicationChanges {
            name: self.name.as_deref().map(|n| required("name", n, MAX_NAME)).transpose()?,
            acronym: change(self.acronym, |a| optional("acronym", Some(&a), MAX_NAME))?.map(Option::flatten),
            description: change(self.description, |d| optional("description", Some(&d), MAX_DESCRIPTION))?
                .map(Option::flatten),
            call: change(self.call_id, |c| key(&c, "callId", GrantCallId::from_global))?,
            participants: self.participants.as_deref().map(participants).transpose()?,
            regions: self.region_codes.as_deref().map(|r| regions("regionCodes", r)).transpose()?,
            period_start: change(self.period_start, |d| d.get("periodStart"))?,
            period_end: change(self.period_end, |d| d.get("periodEnd"))?,
            report_due: change(self.report_due, |d| d.get("reportDue"))?,
        };
        Ok((id, self.expected_version, changes))
    }
}

#[derive(InputObject)]
pub struct TransitionApplicationInput {
    pub id: ID,
    pub expected_version: i32,
    pub to: ApplicationStatus,
    /// When the move happened, if not now (a decision recorded afterwards).
    pub at: Option<DateTime>,
    /// The decision behind the move, e.g. "johtoryhmä 15.5.2020 § 7".
    pub decision_ref: Option<String>,
    /// The decision on record behind the move.
    pub decision_id: Option<ID>,
    /// With GRANTED: the costs and state aid the decision approves, when it does not grant the
    /// budget as applied for unchanged (finance staff and admins only).
    pub granted_budget: Option<BudgetInput>,
}

#[derive(InputObject)]
pub struct BudgetLineInput {
    pub category: CostCategory,
    pub year: i32,
    pub description: Option<String>,
    pub amount: Decimal,
    /// The key of the plan's work package the cost belongs to ("TP1"); none leaves it
    /// unassigned.
    pub work_package: Option<String>,
}

#[derive(InputObject)]
pub struct SetBudgetInput {
    pub application_id: ID,
    pub expected_version: i32,
    pub lines: Vec<BudgetLineInput>,
    pub state_aid_requested: Decimal,
}

impl SetBudgetInput {
    pub fn parse(self) -> ApiResult<(ApplicationId, i32, Budget)> {
        let id = key(&self.application_id, "applicationId", ApplicationId::from_global)?;
        let lines = budget_lines("lines", &self.lines)?;
        let aid = self.state_aid_requested.amount("stateAidRequested")?;
        // The lines' total must fit the range of money too.
        let budget = Budget::new(lines, aid).map_err(|e| ApiError::invalid("lines", e))?;
        Ok((id, self.expected_version, budget))
    }
}

/// Budget lines as entered, each error naming the line and field at fault (`field[i].amount`).
pub(crate) fn budget_lines(field: &str, lines: &[BudgetLineInput]) -> ApiResult<Vec<BudgetLine>> {
    list_size(field, lines)?;
    lines
        .iter()
        .enumerate()
        .map(|(i, l)| {
            let at = |f: &str| format!("{field}[{i}].{f}");
            let amount = l.amount.amount(&at("amount"))?;
            let description = optional(&at("description"), l.description.as_deref(), MAX_REFERENCE)?;
            let work_package = l
                .work_package
                .as_deref()
                .map(salkku_domain::plan::PlanKey::parse)
                .transpose()
                .map_err(|e| ApiError::invalid(at("workPackage"), e))?;
            BudgetLine::new(l.category.into(), l.year, description, amount)
                .map(|line| line.with_work_package(work_package))
                .map_err(|e| ApiError::invalid(at("year"), e))
        })
        .collect()
}

/// A budget a decision approves: its lines and its state aid.
#[derive(InputObject)]
pub struct BudgetInput {
    pub lines: Vec<BudgetLineInput>,
    pub state_aid: Decimal,
}

impl BudgetInput {
    /// Reads the budget, errors naming `field`'s parts (e.g. `grantedBudget.lines[0].amount`).
    pub fn parse(&self, field: &str) -> ApiResult<Budget> {
        let lines = budget_lines(&format!("{field}.lines"), &self.lines)?;
        let aid = self.state_aid.amount(&format!("{field}.stateAid"))?;
        Budget::new(lines, aid).map_err(|e| ApiError::invalid(format!("{field}.lines"), e))
    }
}

/// A revision of a granted project's budget within its call's tolerance: new lines, the same
/// total and state aid.
#[derive(InputObject)]
pub struct ReviseBudgetInput {
    pub application_id: ID,
    pub expected_version: i32,
    pub lines: Vec<BudgetLineInput>,
}

impl ReviseBudgetInput {
    pub fn parse(self) -> ApiResult<(ApplicationId, i32, Vec<BudgetLine>)> {
        let id = key(&self.application_id, "applicationId", ApplicationId::from_global)?;
        Ok((id, self.expected_version, budget_lines("lines", &self.lines)?))
    }
}

#[derive(InputObject)]
pub struct AddCommitmentInput {
    pub application_id: ID,
    pub organization_id: ID,
    pub amount: Decimal,
    #[graphql(default_with = "CommitmentKind::Cash")]
    pub kind: CommitmentKind,
    #[graphql(default_with = "CommitmentLevel::Board")]
    pub level: CommitmentLevel,
    #[graphql(default_with = "CommitmentStatus::Requested")]
    pub status: CommitmentStatus,
    pub due_date: Option<Date>,
    pub decision_ref: Option<String>,
    /// The board's decision on record behind it.
    pub decision_id: Option<ID>,
    pub idempotency_key: Option<String>,
}

impl AddCommitmentInput {
    pub fn parse(self) -> ApiResult<(NewCommitment, Option<String>)> {
        let new = NewCommitment {
            application: key(&self.application_id, "applicationId", ApplicationId::from_global)?,
            organization: key(&self.organization_id, "organizationId", OrganizationId::from_global)?,
            amount: self.amount.amount("amount")?,
            kind: self.kind.into(),
            level: self.level.into(),
            status: self.status.into(),
            due_date: self.due_date.map(|d| d.get("dueDate")).transpose()?,
            decided_at: None,
            decision_ref: optional("decisionRef", self.decision_ref.as_deref(), MAX_REFERENCE)?,
            decision: opt_key(&self.decision_id, "decisionId", DecisionId::from_global)?,
        };
        Ok((new, self.idempotency_key))
    }
}

#[derive(InputObject)]
pub struct UpdateCommitmentInput {
    pub id: ID,
    pub expected_version: i32,
    pub amount: Option<Decimal>,
    pub status: Option<CommitmentStatus>,
    pub decided_at: MaybeUndefined<Date>,
    pub decision_ref: MaybeUndefined<String>,
    /// The board's decision on record behind the change (e.g. its approval); null clears it.
    pub decision_id: MaybeUndefined<ID>,
}

impl UpdateCommitmentInput {
    pub fn parse(self) -> ApiResult<(CommitmentId, i32, CommitmentChanges)> {
        let id = key(&self.id, "id", CommitmentId::from_global)?;
        let changes = CommitmentChanges {
            amount: self.amount.map(|a| a.amount("amount")).transpose()?,
            status: self.status.map(Into::into),
            decided_at: change(self.decided_at, |d| d.get("decidedAt"))?,
            decision_ref: change(self.decision_ref, |r| optional("decisionRef", Some(&r), MAX_REFERENCE))?
                .map(Option::flatten),
            decision: change(self.decision_id, |d| key(&d, "decisionId", DecisionId::from_global))?,
        };
        Ok((id, self.expected_version, changes))
    }
}

#[derive(InputObject)]
pub struct RecordAllocationInput {
    pub funder_id: ID,
    pub recipient_id: ID,
    pub application_id: Option<ID>,
    pub year: i32,
    pub amount: Decimal,
    pub decision_date: Option<Date>,
    pub decision_ref: Option<String>,
    /// The state-aid decision on record.
    pub decision_id: Option<ID>,
    pub idempotency_key: Option<String>,
}

impl RecordAllocationInput {
    pub fn parse(self) -> ApiResult<(NewAllocation, Option<String>)> {
        let new = NewAllocation {
            funder: key(&self.funder_id, "funderId", OrganizationId::from_global)?,
            recipient: key(&self.recipient_id, "recipientId", OrganizationId::from_global)?,
            application: opt_key(&self.application_id, "applicationId", ApplicationId::from_global)?,
            year: salkku_domain::budget::check_year(self.year).map_err(|e| ApiError::invalid("year", e))?,
            amount: self.amount.amount("amount")?,
            decision_date: self.decision_date.map(|d| d.get("decisionDate")).transpose()?,
            decision_ref: optional("decisionRef", self.decision_ref.as_deref(), MAX_REFERENCE)?,
            decision: opt_key(&self.decision_id, "decisionId", DecisionId::from_global)?,
        };
        Ok((new, self.idempotency_key))
    }
}

#[derive(InputObject)]
pub struct RecordPaymentInput {
    pub allocation_id: ID,
    pub paid_on: Date,
    pub amount: Decimal,
    pub reference: Option<String>,
    /// The instalment the payment settles: requested, no longer held by its report, and of
    /// this amount. It is then PAID.
    pub instalment_id: Option<ID>,
    pub idempotency_key: Option<String>,
}

impl RecordPaymentInput {
    pub fn parse(self) -> ApiResult<(NewPayment, Option<String>)> {
        let amount = PaymentAmount::new(self.amount.amount("amount")?).map_err(|e| ApiError::invalid("amount", e))?;
        let new = NewPayment {
            allocation: key(&self.allocation_id, "allocationId", AllocationId::from_global)?,
            paid_on: self.paid_on.get("paidOn")?,
            amount,
            reference: optional("reference", self.reference.as_deref(), MAX_REFERENCE)?,
            instalment: opt_key(&self.instalment_id, "instalmentId", salkku_domain::ids::InstalmentId::from_global)?,
        };
        Ok((new, self.idempotency_key))
    }
}

#[derive(InputObject)]
pub struct AddDeadlineInput {
    #[graphql(default_with = "DeadlineKind::Custom")]
    pub kind: DeadlineKind,
    pub title: String,
    pub due_at: DateTime,
    #[graphql(default)]
    pub tentative: bool,
    pub application_id: Option<ID>,
    pub call_id: Option<ID>,
    /// Replays with the same key return the first result instead of creating a duplicate.
    pub idempotency_key: Option<String>,
}

impl AddDeadlineInput {
    pub fn parse(self) -> ApiResult<(NewDeadline, Option<String>)> {
        let new = NewDeadline {
            kind: self.kind.into(),
            title: required("title", &self.title, MAX_NAME)?,
            due_at: self.due_at.get("dueAt")?,
            tentative: self.tentative,
            application: opt_key(&self.application_id, "applicationId", ApplicationId::from_global)?,
            call: opt_key(&self.call_id, "callId", GrantCallId::from_global)?,
        };
        Ok((new, self.idempotency_key))
    }
}

/// A calendar subscription; every field narrows it, none is needed.
#[derive(InputObject, Default)]
pub struct CreateCalendarFeedInput {
    /// Only deadlines that concern this organisation (its applications, commitments, calls).
    pub organization_id: Option<ID>,
    /// Only this application's deadlines.
    pub application_id: Option<ID>,
    /// Only these kinds; every kind when absent or empty.
    pub kinds: Option<Vec<DeadlineKind>>,
    /// Days before a deadline its reminder comes, 0–60 (default 7).
    pub reminder_days: Option<i32>,
    /// The language of the feed's texts; the request's language when absent.
    pub language: Option<Language>,
}

/// A calendar feed's settings, parsed; the token is the API's to make.
pub struct CalendarFeedRequest {
    pub organization: Option<OrganizationId>,
    pub application: Option<ApplicationId>,
    pub kinds: Vec<salkku_domain::DeadlineKind>,
    pub reminder_days: salkku_domain::calendar::ReminderDays,
    pub language: Option<salkku_domain::labels::Language>,
}

/// The deadline kinds a subscription (a calendar feed, reminders) asks for; every kind when none.
pub(crate) fn deadline_kinds(kinds: Option<Vec<DeadlineKind>>) -> ApiResult<Vec<salkku_domain::DeadlineKind>> {
    let kinds = kinds.unwrap_or_default();
    if kinds.len() > MAX_LIST {
        return Err(ApiError::limit(salkku_domain::message!(
            fi: "kinds-luettelossa saa olla enintään {MAX_LIST} kohtaa",
            sv: "kinds får innehålla högst {MAX_LIST} poster",
            en: "kinds may hold at most {MAX_LIST} items",
        )));
    }
    Ok(kinds.into_iter().map(Into::into).collect())
}

impl CreateCalendarFeedInput {
    pub fn parse(self) -> ApiResult<CalendarFeedRequest> {
        Ok(CalendarFeedRequest {
            organization: opt_key(&self.organization_id, "organizationId", OrganizationId::from_global)?,
            application: opt_key(&self.application_id, "applicationId", ApplicationId::from_global)?,
            kinds: deadline_kinds(self.kinds)?,
            reminder_days: match self.reminder_days {
                None => Default::default(),
                Some(days) => salkku_domain::calendar::ReminderDays::new(i64::from(days))
                    .map_err(|e| ApiError::invalid("reminderDays", e))?,
            },
            language: self.language.map(Into::into),
        })
    }
}
