//! The inputs of the second half of a grant's life: a call's report schedule, reports owed and
//! the funder's verdict on them, an allocation's instalments, and repayments.

use async_graphql::{ID, InputObject};
use salkku_domain::PaymentAmount;
use salkku_domain::ids::{AllocationId, ApplicationId, DecisionId, DocumentId, InstalmentId, ReportId};
use salkku_domain::text::{MAX_DESCRIPTION, MAX_NAME, MAX_REFERENCE};
use salkku_persistence::commands::instalments::NewInstalment;
use salkku_persistence::commands::repayments::NewRepayment;
use salkku_persistence::commands::reports::{NewReport, Submission, Verdict};

use super::enums::ReportKind;
use super::inputs::{BudgetLineInput, budget_lines, key, list_size, opt_key, optional, required};
use super::scalars::{Date, Decimal};
use crate::error::{ApiError, ApiResult};

/// An amount above zero.
fn positive(amount: &Decimal, field: &str) -> ApiResult<PaymentAmount> {
    PaymentAmount::new(amount.amount(field)?).map_err(|e| ApiError::invalid(field, e))
}

/// A report added by hand (an ad-hoc report the funder asks for, say).
#[derive(InputObject)]
pub struct AddReportObligationInput {
    pub application_id: ID,
    pub kind: ReportKind,
    pub due_on: Date,
    /// What the report is about, when its kind does not say it all.
    pub title: Option<String>,
    /// Whether it states the actual costs; by default a financial or final report does.
    pub states_costs: Option<bool>,
    pub idempotency_key: Option<String>,
}

impl AddReportObligationInput {
    pub fn parse(self) -> ApiResult<(NewReport, Option<String>)> {
        let new = NewReport {
            application: key(&self.application_id, "applicationId", ApplicationId::from_global)?,
            kind: self.kind.into(),
            due_on: self.due_on.get("dueOn")?,
            title: optional("title", self.title.as_deref(), MAX_NAME)?,
            states_costs: self.states_costs,
        };
        Ok((new, self.idempotency_key))
    }
}

/// A report submitted by the project.
#[derive(InputObject)]
pub struct SubmitReportInput {
    pub id: ID,
    pub expected_version: i32,
    /// The actual costs by category and year: required when the report states them.
    #[graphql(default)]
    pub actual_costs: Vec<BudgetLineInput>,
    /// Documents already attached to the project (attachDocument) that go with the report.
    #[graphql(default)]
    pub document_ids: Vec<ID>,
    /// What the project's indicators reached, a year each: with an interim or final report.
    #[graphql(default)]
    pub actuals: Vec<super::plan_inputs::IndicatorActualInput>,
}

impl SubmitReportInput {
    pub fn parse(self) -> ApiResult<(ReportId, i32, Submission)> {
        list_size("documentIds", &self.document_ids)?;
        let documents = self
            .document_ids
            .iter()
            .enumerate()
            .map(|(i, d)| key(d, &format!("documentIds[{i}]"), DocumentId::from_global))
            .collect::<ApiResult<Vec<_>>>()?;
        // Actual costs are by category and year; a work package is the budget's.
        if let Some(i) = self.actual_costs.iter().position(|l| l.work_package.is_some()) {
            return Err(ApiError::bad_input(
                format!("actualCosts[{i}].workPackage"),
                salkku_domain::message!(
                    fi: "toteutuneet kustannukset ilmoitetaan kustannuslajeittain ja vuosittain, ei työpaketeittain",
                    sv: "faktiska kostnader anges per kostnadsslag och år, inte per arbetspaket",
                    en: "actual costs are stated by category and year, not by work package",
                ),
            ));
        }
        let submission = Submission {
            actual_costs: budget_lines("actualCosts", &self.actual_costs)?,
            documents,
            actuals: super::plan_inputs::actuals(&self.actuals)?,
        };
        Ok((key(&self.id, "id", ReportId::from_global)?, self.expected_version, submission))
    }
}

/// The funder accepts a submitted report.
#[derive(InputObject)]
pub struct AcceptReportInput {
    pub id: ID,
    pub expected_version: i32,
    pub decision_ref: Option<String>,
    /// The decision on record.
    pub decision_id: Option<ID>,
}

impl AcceptReportInput {
    pub fn parse(self) -> ApiResult<(ReportId, i32, Verdict)> {
        let verdict = Verdict::Accept {
            decision_ref: optional("decisionRef", self.decision_ref.as_deref(), MAX_REFERENCE)?,
            decision: opt_key(&self.decision_id, "decisionId", DecisionId::from_global)?,
        };
        Ok((key(&self.id, "id", ReportId::from_global)?, self.expected_version, verdict))
    }
}

/// The funder returns a submitted report for completion.
#[derive(InputObject)]
pub struct ReturnReportInput {
    pub id: ID,
    pub expected_version: i32,
    /// What is missing or wrong.
    pub reasons: String,
    /// When the completed report is due (after today).
    pub new_due_on: Date,
}

impl ReturnReportInput {
    pub fn parse(self) -> ApiResult<(ReportId, i32, Verdict)> {
        let verdict = Verdict::Return {
            reasons: required("reasons", &self.reasons, MAX_DESCRIPTION)?,
            new_due: self.new_due_on.get("newDueOn")?,
        };
        Ok((key(&self.id, "id", ReportId::from_global)?, self.expected_version, verdict))
    }
}

/// One planned instalment.
#[derive(InputObject)]
pub struct InstalmentInput {
    pub due_on: Date,
    pub amount: Decimal,
    /// The report whose acceptance the instalment waits for.
    pub condition_report_id: Option<ID>,
    pub label: Option<String>,
}

/// Instalments to add to an allocation's plan; without any, the default plan: 60 % of what is
/// unplanned due on the allocation's decision date, the rest held by the project's final report.
#[derive(InputObject)]
pub struct PlanInstalmentsInput {
    pub allocation_id: ID,
    pub instalments: Option<Vec<InstalmentInput>>,
    pub idempotency_key: Option<String>,
}

impl PlanInstalmentsInput {
    pub fn parse(self) -> ApiResult<(AllocationId, Option<Vec<NewInstalment>>, Option<String>)> {
        let allocation = key(&self.allocation_id, "allocationId", AllocationId::from_global)?;
        let instalments = match &self.instalments {
            None => None,
            Some(list) => {
                list_size("instalments", list)?;
                Some(
                    list.iter()
                        .enumerate()
                        .map(|(i, item)| {
                            let at = |f: &str| format!("instalments[{i}].{f}");
                            Ok(NewInstalment {
                                due_on: item.due_on.get(&at("dueOn"))?,
                                amount: positive(&item.amount, &at("amount"))?,
                                condition: opt_key(
                                    &item.condition_report_id,
                                    &at("conditionReportId"),
                                    ReportId::from_global,
                                )?,
                                label: optional(&at("label"), item.label.as_deref(), MAX_REFERENCE)?,
                            })
                        })
                        .collect::<ApiResult<Vec<_>>>()?,
                )
            }
        };
        Ok((allocation, instalments, self.idempotency_key))
    }
}

/// An instalment and the version the client last saw.
#[derive(InputObject)]
pub struct InstalmentMoveInput {
    pub id: ID,
    pub expected_version: i32,
}

impl InstalmentMoveInput {
    pub fn parse(&self) -> ApiResult<(InstalmentId, i32)> {
        Ok((key(&self.id, "id", InstalmentId::from_global)?, self.expected_version))
    }
}

/// State aid the project returns after its final account.
#[derive(InputObject)]
pub struct RecordRepaymentInput {
    pub application_id: ID,
    pub returned_on: Date,
    pub amount: Decimal,
    pub reference: Option<String>,
    pub decision_id: Option<ID>,
    pub idempotency_key: Option<String>,
}

impl RecordRepaymentInput {
    pub fn parse(self) -> ApiResult<(NewRepayment, Option<String>)> {
        let amount = positive(&self.amount, "amount")?;
        let new = NewRepayment {
            application: key(&self.application_id, "applicationId", ApplicationId::from_global)?,
            returned_on: self.returned_on.get("returnedOn")?,
            amount,
            reference: optional("reference", self.reference.as_deref(), MAX_REFERENCE)?,
            decision: opt_key(&self.decision_id, "decisionId", DecisionId::from_global)?,
        };
        Ok((new, self.idempotency_key))
    }
}

/// Which money a cash flow counts.
#[derive(InputObject, Default)]
pub struct CashFlowFilter {
    /// Allocations from this funder.
    pub funder_id: Option<ID>,
    /// Allocations to this organisation.
    pub organization_id: Option<ID>,
    /// Projects naming this region.
    pub region_code: Option<String>,
    /// Projects in any of these statuses.
    #[graphql(default)]
    pub status: Vec<super::enums::ApplicationStatus>,
}

impl CashFlowFilter {
    pub fn parse(self) -> ApiResult<salkku_persistence::views::cash_flow::CashFlowFilter> {
        use salkku_domain::ids::OrganizationId;
        list_size("filter.status", &self.status)?;
        Ok(salkku_persistence::views::cash_flow::CashFlowFilter {
            funder: opt_key(&self.funder_id, "filter.funderId", OrganizationId::from_global)?,
            organization: opt_key(&self.organization_id, "filter.organizationId", OrganizationId::from_global)?,
            region: self.region_code.as_deref().map(|c| super::inputs::region("filter.regionCode", c)).transpose()?,
            statuses: self.status.into_iter().map(Into::into).collect(),
        })
    }
}
