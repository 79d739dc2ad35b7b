//! Every change. Each mutation parses and checks all its input first, asks the policy, and then
//! writes in one transaction, its audit entry included; a mutation that fails changes nothing.

use std::sync::atomic::AtomicBool;

use async_graphql::{Context, ID, Object};
use chrono::{DateTime, Utc};
use salkku_domain::document::DocumentOwner;
use salkku_domain::ids::{ApplicationId, CalendarFeedId, DecisionId, GlobalId, NodeKind, OrganizationId};
use salkku_domain::text::MAX_REFERENCE;
use salkku_persistence::commands;
use salkku_persistence::commands::calendar_feeds::NewCalendarFeed;
use salkku_persistence::commands::documents::NewDocument;
use salkku_persistence::commands::transitions::Transition;
use salkku_persistence::{Actor, Change, Db};

use super::change_inputs::{ChangeRequestMoveInput, CreateChangeRequestInput, DecideChangeRequestInput};
use super::decision_inputs::{AttachDocumentInput, RecordDecisionInput};
use super::inputs::*;
use super::objects::IndicatorDefinition;
use super::objects::{
    Application, BudgetVersion, CalendarFeed, ChangeRequest, Commitment, Deadline, Decision, Document,
    FundingProgramme, GrantCall, Instalment, Organization, Payment, Repayment, ReportObligation, StateAidAllocation,
};
use super::plan_inputs::{DefineIndicatorInput, SetPlanInput};
use super::policy::{Action, authorize};
use super::report_inputs::{
    AcceptReportInput, AddReportObligationInput, InstalmentMoveInput, PlanInstalmentsInput, RecordRepaymentInput,
    ReturnReportInput, SubmitReportInput,
};
use super::{base_url, db, files, language, now, viewer};
use crate::error::{ApiError, ApiResult};
use salkku_persistence::commands::instalments::Plan;

pub struct Mutation;

/// A mutation the signed-in user may make: its database, and the change it records (who, which
/// mutation, when). Every mutation begins here once its input has parsed, so that none forgets
/// the policy or records its change under another name.
struct Allowed<'a> {
    db: &'a Db,
    actor: Actor,
    operation: &'static str,
    at: DateTime<Utc>,
    /// The organisation whose projects alone the change may touch (a coordinator's), checked by
    /// the command as it reads; and whether it did.
    involving: Option<OrganizationId>,
    checked: AtomicBool,
}

impl Allowed<'_> {
    fn change(&self) -> Change<'_> {
        Change::new(&self.actor, self.operation, self.at).limited_to(self.involving, &self.checked)
    }
}

/// Asks the policy whether the signed-in user may do `action` as `operation`.
async fn allowed<'a>(ctx: &Context<'a>, operation: &'static str, action: Action<'_>) -> ApiResult<Allowed<'a>> {
    let db = db(ctx)?;
    let viewer = viewer(ctx)?;
    let involving = authorize(viewer, action)?;
    Ok(Allowed { db, actor: viewer.actor(), operation, at: now(ctx), involving, checked: AtomicBool::new(false) })
}

/// What kind of owner a document's owner is: one of the four that keep documents.
fn document_owner(owner: GlobalId) -> ApiResult<DocumentOwner> {
    Ok(match owner.kind {
        NodeKind::Application => DocumentOwner::Application,
        NodeKind::Commitment => DocumentOwner::Commitment,
        NodeKind::ChangeRequest => DocumentOwner::ChangeRequest,
        NodeKind::Decision => DocumentOwner::Decision,
        _ => {
            return Err(ApiError::bad_input(
                "ownerId",
                salkku_domain::message!(
                    fi: "asiakirja liitetään hakemukseen, sitoumukseen, päätökseen tai muutoshakemukseen",
                    sv: "ett dokument bifogas till en ansökan, ett åtagande, ett beslut eller en ändringsansökan",
                    en: "a document belongs to an application, a commitment, a decision or a change request",
                ),
            ));
        }
    })
}

#[Object]
impl Mutation {
    async fn create_organization(&self, ctx: &Context<'_>, input: CreateOrganizationInput) -> ApiResult<Organization> {
        let (new, key) = input.parse()?;
        let m = allowed(ctx, "createOrganization", Action::ManageReferenceData).await?;
        Ok(Organization(commands::organizations::create(m.db, &m.change(), new, key.as_deref()).await?))
    }

    async fn create_programme(&self, ctx: &Context<'_>, input: CreateProgrammeInput) -> ApiResult<FundingProgramme> {
        let (new, key) = input.parse()?;
        let m = allowed(ctx, "createProgramme", Action::ManageReferenceData).await?;
        Ok(FundingProgramme(commands::programmes::create(m.db, &m.change(), new, key.as_deref()).await?))
    }

    /// Creates a call; its closing time appears as a CALL_CLOSES deadline.
    async fn create_grant_call(&self, ctx: &Context<'_>, input: CreateGrantCallInput) -> ApiResult<GrantCall> {
        let (new, key) = input.parse()?;
        let m = allowed(ctx, "createGrantCall", Action::ManageReferenceData).await?;
        Ok(GrantCall(commands::calls::create(m.db, &m.change(), new, key.as_deref()).await?))
    }

    /// Creates an application as an IDEA.
    async fn create_application(&self, ctx: &Context<'_>, input: CreateApplicationInput) -> ApiResult<Application> {
        let (new, key) = input.parse()?;
        let m = allowed(
            ctx,
            "createApplication",
            Action::CreateApplication { lead: new.lead, participants: &new.participants },
        )
        .await?;
        Ok(Application(commands::applications::create(m.db, &m.change(), new, key.as_deref()).await?))
    }

    async fn update_application(&self, ctx: &Context<'_>, input: UpdateApplicationInput) -> ApiResult<Application> {
        let (id, expected, changes) = input.parse()?;
        let m = allowed(ctx, "updateApplication", Action::ChangeProject).await?;
        Ok(Application(commands::applications::update(m.db, &m.change(), id, expected, changes).await?))
    }

    /// Move an application through its lifecycle; illegal moves fail with BAD_USER_INPUT.
    async fn transition_application(
        &self,
        ctx: &Context<'_>,
        input: TransitionApplicationInput,
    ) -> ApiResult<Application> {
        let id = key(&input.id, "id", ApplicationId::from_global)?;
        let decision_ref = salkku_domain::text::optional("decisionRef", input.decision_ref.as_deref(), MAX_REFERENCE)
            .map_err(|e| ApiError::invalid("decisionRef", e))?;
        let at = input.at.map(|t| t.get("at")).transpose()?;
        let granted = input.granted_budget.as_ref().map(|b| b.parse("grantedBudget")).transpose()?;
        // A grant decision (with the budget it approves, or the one applied for) is money: finance
        // staff's and admins' to record.
        let to: salkku_domain::ApplicationStatus = input.to.into();
        let grants = granted.is_some() || to == salkku_domain::ApplicationStatus::Granted;
        let action = if grants { Action::ManageMoney } else { Action::ChangeProject };
        let decision = opt_key(&input.decision_id, "decisionId", DecisionId::from_global)?;
        let transition = Transition { to: input.to.into(), at, decision_ref, decision, granted };
        let m = allowed(ctx, "transitionApplication", action).await?;
        Ok(Application(
            commands::transitions::transition(m.db, &m.change(), id, input.expected_version, transition).await?,
        ))
    }

    /// Replace the application's budget lines and requested state aid atomically: the draft,
    /// until the application is submitted. After that the budget changes only by a decision.
    async fn set_budget(&self, ctx: &Context<'_>, input: SetBudgetInput) -> ApiResult<Application> {
        let (id, expected, budget) = input.parse()?;
        let m = allowed(ctx, "setBudget", Action::ManageMoney).await?;
        Ok(Application(commands::budgets::set_budget(m.db, &m.change(), id, expected, budget).await?))
    }

    /// Replaces the application's plan (objectives, work packages, indicators) as a whole, parts
    /// kept by key: until the application is submitted, as its budget. After that the plan is
    /// the one applied for, and a granted project changes it by a content change request.
    async fn set_plan(&self, ctx: &Context<'_>, input: SetPlanInput) -> ApiResult<Application> {
        let (id, expected, plan) = input.parse()?;
        let m = allowed(ctx, "setPlan", Action::ChangeProject).await?;
        Ok(Application(commands::plans::set_plan(m.db, &m.change(), id, expected, plan).await?))
    }

    /// Defines an indicator code of a programme for its projects to share (admins): the roll-up
    /// sums the indicators that name it.
    async fn define_indicator(&self, ctx: &Context<'_>, input: DefineIndicatorInput) -> ApiResult<IndicatorDefinition> {
        let (programme, code, name, unit) = input.parse()?;
        let m = allowed(ctx, "defineIndicator", Action::ManageReferenceData).await?;
        let defined = commands::plans::define_indicator(m.db, &m.change(), programme, code, name, unit).await?;
        Ok(defined.into())
    }

    /// Records a revision of a granted or active project's budget without a change request,
    /// when its call's tolerance allows it: the total and the state aid stay, and what moves
    /// between cost categories is within the tolerance's share of the approved total. The new
    /// version is in force at once and flagged withinTolerance.
    async fn revise_budget(&self, ctx: &Context<'_>, input: ReviseBudgetInput) -> ApiResult<BudgetVersion> {
        let (id, expected, lines) = input.parse()?;
        let m = allowed(ctx, "reviseBudget", Action::ManageMoney).await?;
        Ok(BudgetVersion(
            commands::budget_versions::revise_within_tolerance(m.db, &m.change(), id, expected, lines).await?,
        ))
    }

    /// Drafts a change request for a granted or active project (or submits it at once).
    async fn create_change_request(
        &self,
        ctx: &Context<'_>,
        input: CreateChangeRequestInput,
    ) -> ApiResult<ChangeRequest> {
        let (new, key) = input.parse()?;
        let m = allowed(ctx, "createChangeRequest", Action::ChangeProject).await?;
        Ok(ChangeRequest(commands::change_requests::create(m.db, &m.change(), new, key.as_deref()).await?))
    }

    /// Submits a drafted change request: a budget that would raise the total of a reallocation or
    /// break the call's aid rate is refused, with the amount.
    async fn submit_change_request(
        &self,
        ctx: &Context<'_>,
        input: ChangeRequestMoveInput,
    ) -> ApiResult<ChangeRequest> {
        let (id, expected) = input.parse()?;
        let m = allowed(ctx, "submitChangeRequest", Action::ChangeProject).await?;
        Ok(ChangeRequest(commands::change_requests::submit(m.db, &m.change(), id, expected).await?))
    }

    /// Withdraws a change request before any part of it is decided.
    async fn withdraw_change_request(
        &self,
        ctx: &Context<'_>,
        input: ChangeRequestMoveInput,
    ) -> ApiResult<ChangeRequest> {
        let (id, expected) = input.parse()?;
        let m = allowed(ctx, "withdrawChangeRequest", Action::ChangeProject).await?;
        Ok(ChangeRequest(commands::change_requests::withdraw(m.db, &m.change(), id, expected).await?))
    }

    /// Records the funder's decision on parts of a submitted change request (finance staff and
    /// admins) and applies what it approves at once: the new end with the report deadline, a
    /// revised budget version, partners joining or leaving. The request closes when every part
    /// is decided.
    async fn decide_change_request(
        &self,
        ctx: &Context<'_>,
        input: DecideChangeRequestInput,
    ) -> ApiResult<ChangeRequest> {
        let (id, expected, decision) = input.parse()?;
        let m = allowed(ctx, "decideChangeRequest", Action::ManageMoney).await?;
        Ok(ChangeRequest(commands::change_decisions::decide(m.db, &m.change(), id, expected, decision).await?))
    }

    /// Puts a decision on record: who decided, when, its reference and summary. Coordinators
    /// record their own organisation's decisions; finance staff and admins any.
    async fn record_decision(&self, ctx: &Context<'_>, input: RecordDecisionInput) -> ApiResult<Decision> {
        let (new, key) = input.parse()?;
        let m = allowed(ctx, "recordDecision", Action::RecordDecision(new.organization)).await?;
        Ok(Decision(commands::decisions::record(m.db, &m.change(), new, key.as_deref()).await?))
    }

    /// Attaches a file (GraphQL multipart request) to an application, a commitment, a decision or
    /// a change request, for whoever may change it. PDF, Office documents, images and plain text
    /// are taken, by their content; the size limit is SALKKU_DOCUMENT_MAX_BYTES (20 MiB).
    async fn attach_document(&self, ctx: &Context<'_>, input: AttachDocumentInput) -> ApiResult<Document> {
        let owner = GlobalId::decode(input.owner_id.as_str()).map_err(|e| ApiError::invalid("ownerId", e))?;
        let upload = input.file.value(ctx).map_err(|_| {
            ApiError::bad_input(
                "file",
                salkku_domain::message!(
                    fi: "tiedosto puuttuu: lähetä se GraphQL:n multipart-pyynnön osana",
                    sv: "filen saknas: skicka den som en del av en GraphQL multipart-begäran",
                    en: "the file is missing: send it as a part of a GraphQL multipart request",
                ),
            )
        })?;
        // Who asks is known before anything about the owner is told.
        viewer(ctx)?;
        let kind = document_owner(owner)?;
        let m = allowed(ctx, "attachDocument", Action::AttachTo).await?;
        let settings = files(ctx)?;
        let new = NewDocument {
            owner: kind,
            owner_key: owner.key,
            file_name: upload.filename,
            content: upload.content.to_vec(),
            max_bytes: settings.max_bytes,
        };
        let store = settings.store();
        let key = input.idempotency_key.as_deref();
        Ok(Document(commands::documents::attach(m.db, &store, &m.change(), new, key).await?))
    }

    /// Adds a report the project owes by hand (an ad-hoc report the funder asks for, say); it
    /// appears as a REPORT_DUE deadline. Reports in the call's schedule are made at the grant.
    async fn add_report_obligation(
        &self,
        ctx: &Context<'_>,
        input: AddReportObligationInput,
    ) -> ApiResult<ReportObligation> {
        let (new, key) = input.parse()?;
        let m = allowed(ctx, "addReportObligation", Action::ChangeProject).await?;
        Ok(ReportObligation(commands::reports::add(m.db, &m.change(), new, key.as_deref()).await?))
    }

    /// Submits a report that is due or was returned, with its actual costs when it states them
    /// and the project's documents that go with it.
    async fn submit_report(&self, ctx: &Context<'_>, input: SubmitReportInput) -> ApiResult<ReportObligation> {
        let (id, expected, submission) = input.parse()?;
        let m = allowed(ctx, "submitReport", Action::ChangeProject).await?;
        Ok(ReportObligation(commands::reports::submit(m.db, &m.change(), id, expected, submission).await?))
    }

    /// The funder accepts a submitted report (finance staff and admins).
    async fn accept_report(&self, ctx: &Context<'_>, input: AcceptReportInput) -> ApiResult<ReportObligation> {
        let (id, expected, verdict) = input.parse()?;
        let m = allowed(ctx, "acceptReport", Action::ManageMoney).await?;
        Ok(ReportObligation(commands::reports::decide(m.db, &m.change(), id, expected, verdict).await?))
    }

    /// The funder returns a submitted report with its reasons and a new due date; the report is
    /// owed again, and its deadline moves (finance staff and admins).
    async fn return_report(&self, ctx: &Context<'_>, input: ReturnReportInput) -> ApiResult<ReportObligation> {
        let (id, expected, verdict) = input.parse()?;
        let m = allowed(ctx, "returnReport", Action::ManageMoney).await?;
        Ok(ReportObligation(commands::reports::decide(m.db, &m.change(), id, expected, verdict).await?))
    }

    /// Adds instalments to an allocation's plan (or, with none given, the default plan: 60 % at
    /// once, the rest held by the final report). The plan never sums above the allocation.
    async fn plan_instalments(&self, ctx: &Context<'_>, input: PlanInstalmentsInput) -> ApiResult<StateAidAllocation> {
        let (allocation, instalments, key) = input.parse()?;
        let plan = match instalments {
            Some(list) => Plan::These(list),
            None => Plan::Default { today: salkku_domain::deadline::local_date(now(ctx)) },
        };
        let m = allowed(ctx, "planInstalments", Action::ManageMoney).await?;
        let planned = commands::instalments::plan(m.db, &m.change(), allocation, plan, key.as_deref()).await?;
        // The answer's plan is the one the command wrote: no read after it. Fed only when the
        // answer asks for it, so that a later mutation of the same operation that does not finds
        // no plan cached by this one.
        let asked = ctx.look_ahead();
        if ["instalments", "plannedTotal", "unplanned"].iter().any(|f| asked.field(f).exists()) {
            let whole = crate::schema::loaders::InstalmentsOf(planned.allocation.id);
            crate::schema::loaders(ctx)?.feed_one(whole, planned.plan).await;
        }
        Ok(StateAidAllocation(planned.allocation))
    }

    /// The project requests an instalment's payment; one held by a report not yet accepted is
    /// refused.
    async fn request_instalment(&self, ctx: &Context<'_>, input: InstalmentMoveInput) -> ApiResult<Instalment> {
        let (id, expected) = input.parse()?;
        let m = allowed(ctx, "requestInstalment", Action::ChangeProject).await?;
        Ok(Instalment(commands::instalments::request(m.db, &m.change(), id, expected).await?))
    }

    /// Cancels an instalment not yet paid: it no longer counts in the plan.
    async fn cancel_instalment(&self, ctx: &Context<'_>, input: InstalmentMoveInput) -> ApiResult<Instalment> {
        let (id, expected) = input.parse()?;
        let m = allowed(ctx, "cancelInstalment", Action::ManageMoney).await?;
        Ok(Instalment(commands::instalments::cancel(m.db, &m.change(), id, expected).await?))
    }

    /// Records state aid the project returned: at most what its final account says is to be
    /// returned.
    async fn record_repayment(&self, ctx: &Context<'_>, input: RecordRepaymentInput) -> ApiResult<Repayment> {
        let (new, key) = input.parse()?;
        let m = allowed(ctx, "recordRepayment", Action::ManageMoney).await?;
        Ok(Repayment(commands::repayments::record(m.db, &m.change(), new, key.as_deref()).await?))
    }

    /// Adds a commitment; its due date appears as a COMMITMENT_DUE deadline.
    async fn add_commitment(&self, ctx: &Context<'_>, input: AddCommitmentInput) -> ApiResult<Commitment> {
        let (new, key) = input.parse()?;
        let m = allowed(ctx, "addCommitment", Action::ChangeProject).await?;
        Ok(Commitment(commands::commitments::add(m.db, &m.change(), new, key.as_deref()).await?))
    }

    async fn update_commitment(&self, ctx: &Context<'_>, input: UpdateCommitmentInput) -> ApiResult<Commitment> {
        let (id, expected, changes) = input.parse()?;
        let m = allowed(ctx, "updateCommitment", Action::ChangeProject).await?;
        Ok(Commitment(commands::commitments::update(m.db, &m.change(), id, expected, changes).await?))
    }

    async fn record_allocation(
        &self,
        ctx: &Context<'_>,
        input: RecordAllocationInput,
    ) -> ApiResult<StateAidAllocation> {
        let (new, key) = input.parse()?;
        let m = allowed(ctx, "recordAllocation", Action::ManageMoney).await?;
        Ok(StateAidAllocation(commands::allocations::record(m.db, &m.change(), new, key.as_deref()).await?))
    }

    /// Records a payment; one that would take the allocation's payments above its amount is refused.
    async fn record_payment(&self, ctx: &Context<'_>, input: RecordPaymentInput) -> ApiResult<Payment> {
        let (new, key) = input.parse()?;
        let m = allowed(ctx, "recordPayment", Action::ManageMoney).await?;
        Ok(Payment(commands::allocations::pay(m.db, &m.change(), new, key.as_deref()).await?))
    }

    async fn add_deadline(&self, ctx: &Context<'_>, input: AddDeadlineInput) -> ApiResult<Deadline> {
        let (new, key) = input.parse()?;
        let action = if new.application.is_some() { Action::ChangeProject } else { Action::AddFreeDeadline };
        let m = allowed(ctx, "addDeadline", action).await?;
        let view = commands::deadlines::add(m.db, &m.change(), new, key.as_deref()).await?;
        Ok(Deadline::new(view, now(ctx)))
    }

    /// Subscribes the signed-in user to deadlines in a calendar (Outlook, Google Calendar): the
    /// answer's url is a secret iCalendar address, shown this once.
    async fn create_calendar_feed(
        &self,
        ctx: &Context<'_>,
        input: Option<CreateCalendarFeedInput>,
    ) -> ApiResult<CalendarFeed> {
        let request = input.unwrap_or_default().parse()?;
        let m = allowed(ctx, "createCalendarFeed", Action::SubscribeCalendar).await?;
        let token = crate::calendar::new_token().map_err(|e| ApiError::internal(&e))?;
        let new = NewCalendarFeed {
            token_hash: crate::calendar::hash(&token),
            organization: request.organization,
            application: request.application,
            kinds: request.kinds,
            reminder_days: request.reminder_days,
            language: request.language.unwrap_or_else(|| language(ctx)),
        };
        let feed = commands::calendar_feeds::create(m.db, &m.change(), new).await?;
        Ok(CalendarFeed { feed, url: Some(format!("{}{}", base_url(ctx), crate::calendar::path(&token))) })
    }

    /// Sets how the signed-in user is reminded of deadlines by email (replacing what they had):
    /// the deadlines of the organisation they act for (every deadline without one).
    async fn set_reminder_settings(
        &self,
        ctx: &Context<'_>,
        input: super::reminder_inputs::SetReminderSettingsInput,
    ) -> ApiResult<super::objects::ReminderSettings> {
        let organization = viewer(ctx)?.organization;
        let new = input.parse(organization, language(ctx))?;
        let m = allowed(ctx, "setReminderSettings", Action::SubscribeCalendar).await?;
        Ok(super::objects::ReminderSettings(commands::reminders::set(m.db, &m.change(), new).await?))
    }

    /// Stops the signed-in user's reminders by email; what was queued for them is cancelled.
    /// Answers whether there were any.
    async fn remove_reminder_settings(&self, ctx: &Context<'_>) -> ApiResult<bool> {
        let m = allowed(ctx, "removeReminderSettings", Action::SubscribeCalendar).await?;
        Ok(commands::reminders::remove(m.db, &m.change()).await?)
    }

    /// Revokes one of the signed-in user's calendar feeds: its address stops working at once.
    async fn revoke_calendar_feed(&self, ctx: &Context<'_>, id: ID) -> ApiResult<CalendarFeed> {
        let id = key(&id, "id", CalendarFeedId::from_global)?;
        let m = allowed(ctx, "revokeCalendarFeed", Action::SubscribeCalendar).await?;
        let feed = commands::calendar_feeds::revoke(m.db, &m.change(), id).await?;
        Ok(CalendarFeed { feed, url: None })
    }
}
