//! Rows to records. The database's checks make a bad value impossible; if one appears anyway
//! (a hand edit), it is reported as corrupt data rather than passed on.

use salkku_domain::budget::BudgetLine;
use salkku_domain::budget_version::BudgetVersionKind;
use salkku_domain::ids::{
    AllocationId, ApplicationId, BudgetLineId, BudgetVersionId, CommitmentId, DeadlineId, DecisionId, DocumentId,
    GrantCallId, InstalmentId, OrganizationId, PaymentId, ProgrammeId, RepaymentId, ReportId,
};
use salkku_domain::instalment::InstalmentStatus;
use salkku_domain::plan::{PlanDraft, PlanKey};
use salkku_domain::report::{ReportKind, ReportStatus, Schedule};
use salkku_domain::{
    Amount, ApplicationStatus, BusinessId, CommitmentKind, CommitmentLevel, CommitmentStatus, CostCategory,
    DeadlineKind, Money, OrganizationKind, ParticipationRole, Rate, RegionCode,
};

use crate::entities as e;
use crate::records::*;
use crate::{StoreError, StoreResult};

pub(crate) fn money(cents: i64) -> StoreResult<Money> {
    Money::from_cents(cents).map_err(|_| StoreError::corrupt(format!("amount {cents} cents is out of range")))
}

pub(crate) fn rate(bp: i32) -> StoreResult<Rate> {
    Rate::from_basis_points(i64::from(bp)).map_err(|_| StoreError::corrupt(format!("rate {bp} bp is out of range")))
}

pub(crate) fn parsed<T>(value: Result<T, salkku_domain::DomainError>) -> StoreResult<T> {
    value.map_err(|e| StoreError::corrupt(e.to_string()))
}

impl TryFrom<e::organization::Model> for Organization {
    type Error = StoreError;
    fn try_from(m: e::organization::Model) -> StoreResult<Self> {
        Ok(Organization {
            id: OrganizationId(m.id),
            name: m.name,
            kind: parsed(OrganizationKind::parse(&m.kind))?,
            business_id: m
                .business_id
                .as_deref()
                .map(BusinessId::parse)
                .transpose()
                .map_err(|e| StoreError::corrupt(e.to_string()))?,
            region: m
                .region_code
                .as_deref()
                .map(RegionCode::parse)
                .transpose()
                .map_err(|e| StoreError::corrupt(e.to_string()))?,
            population: m.population,
            version: m.version,
        })
    }
}

impl TryFrom<e::programme::Model> for Programme {
    type Error = StoreError;
    fn try_from(m: e::programme::Model) -> StoreResult<Self> {
        Ok(Programme {
            id: ProgrammeId(m.id),
            name: m.name,
            funder: OrganizationId(m.funder_id),
            max_aid_rate: m.max_aid_rate_bp.map(rate).transpose()?,
        })
    }
}

impl TryFrom<e::grant_call::Model> for GrantCall {
    type Error = StoreError;
    fn try_from(m: e::grant_call::Model) -> StoreResult<Self> {
        Ok(GrantCall {
            id: GrantCallId(m.id),
            title: m.title,
            funder: OrganizationId(m.funder_id),
            programme: m.programme_id.map(ProgrammeId),
            opens_at: m.opens_at,
            closes_at: m.closes_at,
            max_aid_rate: rate(m.max_aid_rate_bp)?,
            in_kind_counts: m.in_kind_counts,
            envelope: m.envelope_cents.map(money).transpose()?,
            url: m.url,
            reallocation_tolerance: rate(m.reallocation_tolerance_bp)?,
            report_schedule: schedule(m.interim_report_month, m.interim_report_day, m.final_report_months)?,
        })
    }
}

impl TryFrom<e::application::Model> for Application {
    type Error = StoreError;
    fn try_from(m: e::application::Model) -> StoreResult<Self> {
        Ok(Application {
            id: ApplicationId(m.id),
            name: m.name,
            acronym: m.acronym,
            description: m.description,
            call: m.call_id.map(GrantCallId),
            status: parsed(ApplicationStatus::parse(&m.status))?,
            version: m.version,
            lead: OrganizationId(m.lead_id),
            period_start: m.period_start,
            period_end: m.period_end,
            report_due: m.report_due,
            submitted_at: m.submitted_at,
            state_aid_requested: money(m.state_aid_requested_cents)?,
            total_cost: money(m.total_cost_cents)?,
            created_by: m.created_by,
            created_at: m.created_at,
        })
    }
}

impl TryFrom<e::participant::Model> for Participation {
    type Error = StoreError;
    fn try_from(m: e::participant::Model) -> StoreResult<Self> {
        Ok(Participation {
            application: ApplicationId(m.application_id),
            organization: OrganizationId(m.organization_id),
            role: parsed(ParticipationRole::parse(&m.role))?,
        })
    }
}

impl TryFrom<e::budget_line::Model> for StoredBudgetLine {
    type Error = StoreError;
    fn try_from(m: e::budget_line::Model) -> StoreResult<Self> {
        Ok(StoredBudgetLine {
            id: BudgetLineId(m.id),
            application: ApplicationId(m.application_id),
            line: line(&m.category, m.year, m.description, m.amount_cents, m.work_package.as_deref())?,
        })
    }
}

impl TryFrom<e::commitment::Model> for Commitment {
    type Error = StoreError;
    fn try_from(m: e::commitment::Model) -> StoreResult<Self> {
        Ok(Commitment {
            id: CommitmentId(m.id),
            application: ApplicationId(m.application_id),
            organization: OrganizationId(m.organization_id),
            amount: money(m.amount_cents)?,
            kind: parsed(CommitmentKind::parse(&m.kind))?,
            level: parsed(CommitmentLevel::parse(&m.level))?,
            status: parsed(CommitmentStatus::parse(&m.status))?,
            due_date: m.due_date,
            decided_at: m.decided_at,
            decision_ref: m.decision_ref,
            decision: m.decision_id.map(DecisionId),
            version: m.version,
        })
    }
}

impl TryFrom<e::allocation::Model> for Allocation {
    type Error = StoreError;
    fn try_from(m: e::allocation::Model) -> StoreResult<Self> {
        Ok(Allocation {
            id: AllocationId(m.id),
            funder: OrganizationId(m.funder_id),
            recipient: OrganizationId(m.recipient_id),
            application: m.application_id.map(ApplicationId),
            year: m.year,
            amount: money(m.amount_cents)?,
            paid_total: money(m.paid_total_cents)?,
            decision_date: m.decision_date,
            decision_ref: m.decision_ref,
            decision: m.decision_id.map(DecisionId),
            version: m.version,
        })
    }
}

impl TryFrom<e::budget_version::Model> for BudgetVersion {
    type Error = StoreError;
    fn try_from(m: e::budget_version::Model) -> StoreResult<Self> {
        Ok(BudgetVersion {
            id: BudgetVersionId(m.id),
            application: ApplicationId(m.application_id),
            number: m.number,
            kind: parsed(BudgetVersionKind::parse(&m.kind))?,
            in_force: m.in_force,
            total_cost: money(m.total_cost_cents)?,
            state_aid: money(m.state_aid_cents)?,
            within_tolerance: m.within_tolerance,
            decision_ref: m.decision_ref,
            decision: m.decision_id.map(DecisionId),
            created_at: m.created_at,
            created_by: m.created_by,
            plan: m.plan.as_deref().map(plan_draft).transpose()?,
            plan_only: m.plan_only,
        })
    }
}

/// A plan as a budget version or a change request keeps it: the written plan, as JSON.
pub(crate) fn plan_draft(json: &str) -> StoreResult<PlanDraft> {
    serde_json::from_str(json).map_err(|e| StoreError::corrupt(format!("a stored plan does not read: {e}")))
}

/// A budget line as every table of lines stores it (the lines in force, a version's, a change
/// request's).
pub(crate) fn line(
    category: &str,
    year: i32,
    description: Option<String>,
    cents: i64,
    work_package: Option<&str>,
) -> StoreResult<BudgetLine> {
    let amount = parsed(Amount::new(money(cents)?))?;
    let work_package = work_package.map(PlanKey::parse).transpose();
    Ok(parsed(BudgetLine::new(parsed(CostCategory::parse(category))?, year, description, amount))?
        .with_work_package(parsed(work_package)?))
}

impl TryFrom<e::budget_version_line::Model> for BudgetLine {
    type Error = StoreError;
    fn try_from(m: e::budget_version_line::Model) -> StoreResult<Self> {
        line(&m.category, m.year, m.description, m.amount_cents, m.work_package.as_deref())
    }
}

impl TryFrom<e::payment::Model> for Payment {
    type Error = StoreError;
    fn try_from(m: e::payment::Model) -> StoreResult<Self> {
        Ok(Payment {
            id: PaymentId(m.id),
            allocation: AllocationId(m.allocation_id),
            paid_on: m.paid_on,
            amount: money(m.amount_cents)?,
            reference: m.reference,
            instalment: m.instalment_id.map(InstalmentId),
        })
    }
}

/// A call's report schedule from its three columns: none without the final report's months.
pub(crate) fn schedule(
    month: Option<i32>,
    day: Option<i32>,
    final_months: Option<i32>,
) -> StoreResult<Option<Schedule>> {
    let Some(months) = final_months else { return Ok(None) };
    let unsigned = |v: i32| u32::try_from(v).map_err(|_| StoreError::corrupt(format!("{v} in a report schedule")));
    let interim = match (month, day) {
        (Some(m), Some(d)) => Some((unsigned(m)?, unsigned(d)?)),
        _ => None,
    };
    Ok(Some(parsed(Schedule::new(interim, unsigned(months)?))?))
}

impl TryFrom<e::report_obligation::Model> for Report {
    type Error = StoreError;
    fn try_from(m: e::report_obligation::Model) -> StoreResult<Self> {
        Ok(Report {
            id: ReportId(m.id),
            application: ApplicationId(m.application_id),
            kind: parsed(ReportKind::parse(&m.kind))?,
            title: m.title,
            due_on: m.due_on,
            months_after_end: m
                .months_after_end
                .map(|n| u32::try_from(n).map_err(|_| StoreError::corrupt("negative months after the end")))
                .transpose()?,
            from_schedule: m.from_schedule,
            states_costs: m.states_costs,
            status: parsed(ReportStatus::parse(&m.status))?,
            submitted_at: m.submitted_at,
            submitted_by: m.submitted_by,
            decided_at: m.decided_at,
            decided_by: m.decided_by,
            return_reasons: m.return_reasons,
            times_returned: m.times_returned,
            decision: m.decision_id.map(DecisionId),
            version: m.version,
        })
    }
}

impl TryFrom<e::report_cost_line::Model> for BudgetLine {
    type Error = StoreError;
    fn try_from(m: e::report_cost_line::Model) -> StoreResult<Self> {
        line(&m.category, m.year, m.description, m.amount_cents, None)
    }
}

impl TryFrom<e::instalment::Model> for Instalment {
    type Error = StoreError;
    fn try_from(m: e::instalment::Model) -> StoreResult<Self> {
        Ok(Instalment {
            id: InstalmentId(m.id),
            allocation: AllocationId(m.allocation_id),
            due_on: m.due_on,
            amount: money(m.amount_cents)?,
            condition: m.condition_report_id.map(ReportId),
            status: parsed(InstalmentStatus::parse(&m.status))?,
            label: m.label,
            requested_at: m.requested_at,
            paid_on: m.paid_on,
            version: m.version,
        })
    }
}

impl TryFrom<e::repayment::Model> for Repayment {
    type Error = StoreError;
    fn try_from(m: e::repayment::Model) -> StoreResult<Self> {
        Ok(Repayment {
            id: RepaymentId(m.id),
            application: ApplicationId(m.application_id),
            returned_on: m.returned_on,
            amount: money(m.amount_cents)?,
            reference: m.reference,
            decision: m.decision_id.map(DecisionId),
            created_by: m.created_by,
            created_at: m.created_at,
        })
    }
}

impl TryFrom<e::deadline::Model> for Deadline {
    type Error = StoreError;
    fn try_from(m: e::deadline::Model) -> StoreResult<Self> {
        Ok(Deadline {
            id: DeadlineId(m.id),
            kind: parsed(DeadlineKind::parse(&m.kind))?,
            title: m.title,
            due_at: m.due_at,
            tentative: m.tentative,
            application: m.application_id.map(ApplicationId),
            call: m.call_id.map(GrantCallId),
            commitment: m.commitment_id.map(CommitmentId),
            report: m.report_id.map(ReportId),
            derived: m.source_key.is_some(),
        })
    }
}

impl TryFrom<e::status_change::Model> for StatusChange {
    type Error = StoreError;
    fn try_from(m: e::status_change::Model) -> StoreResult<Self> {
        Ok(StatusChange {
            application: ApplicationId(m.application_id),
            from: m
                .from_status
                .as_deref()
                .map(ApplicationStatus::parse)
                .transpose()
                .map_err(|e| StoreError::corrupt(e.to_string()))?,
            to: parsed(ApplicationStatus::parse(&m.to_status))?,
            at: m.at,
            by: m.by_subject,
            decision_ref: m.decision_ref,
            decision: m.decision_id.map(DecisionId),
        })
    }
}

impl TryFrom<e::decision::Model> for Decision {
    type Error = StoreError;
    fn try_from(m: e::decision::Model) -> StoreResult<Self> {
        Ok(Decision {
            id: DecisionId(m.id),
            organization: OrganizationId(m.organization_id),
            body: m.body,
            decided_on: m.decided_on,
            reference: m.reference,
            summary: m.summary,
            application: m.application_id.map(ApplicationId),
            created_by: m.created_by,
            created_at: m.created_at,
        })
    }
}

impl TryFrom<e::document::Model> for Document {
    type Error = StoreError;
    fn try_from(m: e::document::Model) -> StoreResult<Self> {
        Ok(Document {
            id: DocumentId(m.id),
            owner: parsed(salkku_domain::document::DocumentOwner::parse(&m.owner_kind))?,
            owner_key: m.owner_id,
            application: m.application_id.map(ApplicationId),
            file_name: m.file_name,
            media_type: m.media_type,
            size_bytes: m.size_bytes,
            sha256: m.sha256,
            created_by: m.created_by,
            created_at: m.created_at,
        })
    }
}

/// Converts a list of rows.
pub(crate) fn all<M, R: TryFrom<M, Error = StoreError>>(rows: Vec<M>) -> StoreResult<Vec<R>> {
    rows.into_iter().map(R::try_from).collect()
}
