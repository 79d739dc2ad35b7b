//! Change requests (muutoshakemukset): drafted and submitted by a granted project, decided part by
//! part by its funder. A decision applies what it approves in its own transaction: the project's
//! new end with its report deadline, a revised budget version, partners joining or leaving
//! (`change_decisions`, which shares the checks here).

use std::collections::BTreeSet;

use chrono::NaiveDate;
use salkku_domain::budget::{Budget, BudgetLine};
use salkku_domain::budget_diff::{BudgetDiff, check_reallocation};
use salkku_domain::change_request::{
    ChangeKind, ChangeRequestStatus, PartDecision, Parts, check_extension, check_may_request_changes,
};
use salkku_domain::ids::{ApplicationId, ChangeRequestId, DecisionId, NodeKind, OrganizationId};
use salkku_domain::plan::Plan;
use salkku_domain::{Amount, DomainError, ParticipationRole};
use sea_orm::sea_query::{Alias, Expr, ExprTrait, Query};
use sea_orm::{ConnectionTrait, EntityName, EntityTrait, QueryTrait, Set};

use crate::commands::proposals::{self, Against, Proposal};
use crate::commands::{audit, idempotency, involvement, plans};
use crate::entities::{
    application as app, change_request as request, change_request_line, change_request_part, change_request_partner,
};
use crate::records::{Application, ChangeRequest, ChangeRequestPart, PartnerChange};
use crate::store::batch::Writes;
use crate::store::convert::plan_draft;
use crate::store::held::{self as store_held, Reference};
use crate::store::support::{add_versioned, check_written, expect_version};
use crate::views::change_requests;
use crate::{Change, Concerning, Db, StoreError, StoreResult};

/// An organisation a request would add (with its commitment, pledged at board level in cash) or
/// remove.
#[derive(Debug, Clone, Copy)]
pub struct NewPartnerChange {
    pub organization: OrganizationId,
    pub joins: bool,
    pub role: ParticipationRole,
    pub commitment: Option<Amount>,
}

/// What a request asks for; each thing given is one part.
#[derive(Debug, Clone)]
pub struct NewChangeRequest {
    pub application: ApplicationId,
    pub justification: Option<String>,
    pub new_end: Option<NaiveDate>,
    /// Budget lines for a reallocation; `None` asks for none.
    pub lines: Option<Vec<BudgetLine>>,
    pub state_aid: Option<Amount>,
    pub content_change: Option<String>,
    /// The plan a content change proposes, whole.
    pub plan: Option<Plan>,
    pub partners: Vec<NewPartnerChange>,
    /// Submit at once instead of keeping a draft.
    pub submit: bool,
}

impl NewChangeRequest {
    fn kinds(&self) -> Vec<ChangeKind> {
        let mut kinds = Vec::new();
        if self.new_end.is_some() {
            kinds.push(ChangeKind::Extension);
        }
        if self.lines.is_some() {
            kinds.push(ChangeKind::BudgetReallocation);
        }
        if self.state_aid.is_some() {
            kinds.push(ChangeKind::StateAidChange);
        }
        if self.content_change.is_some() || self.plan.is_some() {
            kinds.push(ChangeKind::ContentChange);
        }
        if !self.partners.is_empty() {
            kinds.push(ChangeKind::PartnerChange);
        }
        kinds
    }
}

/// The decision on one part.
#[derive(Debug, Clone)]
pub struct PartDecisionInput {
    pub kind: ChangeKind,
    pub decision: PartDecision,
    /// With an extension approved with changes: the end the funder approved.
    pub approved_end: Option<NaiveDate>,
    /// With a reallocation approved with changes: the lines the funder approved.
    pub approved_lines: Option<Vec<BudgetLine>>,
    /// With a state-aid change approved with changes: the state aid the funder approved.
    pub approved_state_aid: Option<Amount>,
    /// With a content change approved with changes: the plan the funder approved.
    pub approved_plan: Option<Plan>,
    pub note: Option<String>,
}

/// A funder's decision on one or more parts of a request (applied by `change_decisions::decide`).
#[derive(Debug, Clone)]
pub struct Decision {
    pub decision_ref: Option<String>,
    /// The decision on record.
    pub decision: Option<DecisionId>,
    pub parts: Vec<PartDecisionInput>,
}

pub(crate) fn rule(concerning: Concerning) -> impl Fn(DomainError) -> StoreError {
    move |e| StoreError::rule(concerning, e)
}

pub(crate) fn invalid(concerning: Concerning, message: salkku_domain::messages::Message) -> StoreError {
    StoreError::rule(concerning, DomainError::InvalidCode(message))
}

/// Drafts a request (or submits it at once) for a granted or active project: one read (the
/// project held, who takes part in it, the partners named and the request's key), then one write
/// (the request, its lines, parts and partners, a submission's move, the audit entry). A request
/// that proposes a plan, a partner leaving or a budget reads what those are checked against too.
pub async fn create(
    db: &Db,
    change: &Change<'_>,
    new: NewChangeRequest,
    idempotency_key: Option<&str>,
) -> StoreResult<ChangeRequest> {
    let application = new.application;
    let parts = Parts::new(new.kinds()).map_err(rule(Concerning::RequestedChanges))?;
    idempotency::create(db, change, idempotency_key, async move |tx| {
        let backend = tx.get_database_backend();
        let references: Vec<Reference> =
            new.partners.iter().map(|p| Reference::organization(Concerning::Partners, p.organization.0)).collect();
        let mut query = Query::select();
        query.from(app::Entity);
        store_held::with_columns(&mut query);
        involvement::ask_of_application(&mut query, change);
        store_held::with_references(&mut query, &references);
        let proposal = Proposal {
            plan: new.plan.as_ref(),
            lines: new.lines.as_deref(),
            new_end: new.new_end,
            partners: new.partners.iter().map(|p| (p.organization, p.joins)).collect(),
        };
        // The split is checked when the request is submitted.
        let wants = proposal.wants(new.state_aid.is_some());
        let wants = proposals::Wants { split: wants.split && new.submit, ..wants };
        proposals::with_reads(backend, &mut query, wants);
        query.expr_as(store_held::next_key(backend, request::Entity.table_name(), 0), Alias::new("request_key"));
        let (held, current) = store_held::read_named_project(tx, query, application).await?;
        involvement::check(&held, change)?;
        check_may_request_changes(current.status).map_err(rule(Concerning::Application))?;
        if let Some(end) = new.new_end {
            check_extension(current.period_end, end).map_err(rule(Concerning::NewEnd))?;
        }
        let against = Against::read(&held, &current, wants)?;
        check_partners(&current, &new.partners, &against.participants, |i| {
            store_held::check_reference(&held, &references, i)
        })?;
        against.check(&current, &proposal)?;
        let row = request::Model {
            id: held.try_get("", "request_key")?,
            application_id: application.0,
            status: ChangeRequestStatus::Draft.as_str().to_owned(),
            justification: new.justification.clone(),
            new_end: new.new_end,
            state_aid_cents: new.state_aid.map(Amount::cents),
            content_change: new.content_change.clone(),
            plan: new.plan.as_ref().map(plans::snapshot).transpose()?,
            submitted_at: None,
            closed_at: None,
            created_by: change.actor.subject.clone(),
            created_at: change.at,
            updated_at: change.at,
            version: 1,
        };
        let id = ChangeRequestId(row.id);
        let lines = new.lines.clone().unwrap_or_default();
        // The draft as written, not read back: its partners in the order a read gives them.
        let mut partners: Vec<PartnerChange> = new
            .partners
            .iter()
            .map(|p| PartnerChange {
                organization: p.organization,
                joins: p.joins,
                role: p.role,
                commitment: p.commitment.map(Amount::money),
            })
            .collect();
        partners.sort_by_key(|p| p.organization);
        let drafted = ChangeRequest {
            id,
            application,
            status: ChangeRequestStatus::Draft,
            justification: row.justification.clone(),
            new_end: row.new_end,
            lines,
            state_aid: new.state_aid.map(Amount::money),
            content_change: row.content_change.clone(),
            plan: row.plan.as_deref().map(plan_draft).transpose()?,
            partners,
            parts: parts.kinds().map(ChangeRequestPart::undecided).collect(),
            submitted_at: None,
            closed_at: None,
            created_by: row.created_by.clone(),
            created_at: row.created_at,
            version: row.version,
        };
        // A reallocation that raises the total is refused even in a draft: it cannot be mended
        // by submitting later.
        let budget = against.proposed(&drafted)?;
        if let (Some((_, diff)), true) = (&budget, new.lines.is_some()) {
            check_reallocation(diff).map_err(rule(Concerning::Lines))?;
        }
        // Submitted at once, the request is written as submitted (a part of the same statement
        // could not update the row another part inserts).
        let created = if new.submit { submitted(change, &current, &against, drafted, budget)? } else { drafted };
        let mut writes = Writes::new(backend);
        writes.holding(application);
        writes.insert(request::Model {
            status: created.status.as_str().to_owned(),
            submitted_at: created.submitted_at,
            version: created.version,
            ..row
        });
        add_children(&mut writes, id, &created.lines, &parts, &new.partners);
        audit::add(&mut writes, change, &[id.global(), application.global()], None::<&()>, Some(&created))?;
        writes.run(tx).await?;
        Ok(created)
    })
    .await
}

/// Adds to `writes` the lines, parts and partners of the new request `id`.
fn add_children(
    writes: &mut Writes,
    id: ChangeRequestId,
    lines: &[BudgetLine],
    parts: &Parts,
    partners: &[NewPartnerChange],
) {
    if !lines.is_empty() {
        let rows = lines.iter().zip(0..).map(|(line, position)| change_request_line::ActiveModel {
            request_id: Set(id.0),
            position: Set(position),
            category: Set(line.category().as_str().to_owned()),
            year: Set(line.year()),
            description: Set(line.description().map(str::to_owned)),
            amount_cents: Set(line.amount().cents()),
            work_package: Set(line.work_package().map(|k| k.as_str().to_owned())),
            ..Default::default()
        });
        writes.push(&change_request_line::Entity::insert_many(rows).into_query());
    }
    for kind in parts.kinds() {
        writes.insert(change_request_part::Model {
            request_id: id.0,
            kind: kind.as_str().to_owned(),
            decision: None,
            approved_end: None,
            revised_version_id: None,
            decided_at: None,
            decided_by: None,
            decision_ref: None,
            note: None,
            decision_id: None,
            approved_plan: None,
        });
    }
    for p in partners {
        writes.insert(change_request_partner::Model {
            request_id: id.0,
            organization_id: p.organization.0,
            joins: p.joins,
            role: p.role.as_str().to_owned(),
            commitment_cents: p.commitment.map(Amount::cents),
        });
    }
}

/// Checks the partners a request names: each an organisation (`exists(i)` reports whether the
/// `i`th is), named once, not the lead, joining only if it does not take part yet and leaving
/// only if it does.
pub(crate) fn check_partners(
    current: &Application,
    partners: &[NewPartnerChange],
    taking_part: &BTreeSet<OrganizationId>,
    exists: impl Fn(usize) -> StoreResult<()>,
) -> StoreResult<()> {
    let mut seen = BTreeSet::new();
    for (i, p) in partners.iter().enumerate() {
        exists(i)?;
        let named = p.organization;
        if !seen.insert(named) {
            return Err(invalid(
                Concerning::Partners,
                salkku_domain::message!(
                    fi: "sama organisaatio on muutoksessa kahdesti",
                    sv: "samma organisation finns två gånger i ändringen",
                    en: "the same organisation is named twice in the change",
                ),
            ));
        }
        if p.role == ParticipationRole::Lead || named == current.lead {
            return Err(invalid(
                Concerning::Partners,
                salkku_domain::message!(
                    fi: "päähakijaa ei vaihdeta kumppanimuutoksella",
                    sv: "den huvudsökande byts inte med en partnerändring",
                    en: "the lead applicant is not changed by a partner change",
                ),
            ));
        }
        if p.joins == taking_part.contains(&named) {
            return Err(invalid(
                Concerning::Partners,
                if p.joins {
                    salkku_domain::message!(
                        fi: "organisaatio on jo mukana hankkeessa",
                        sv: "organisationen deltar redan i projektet",
                        en: "the organisation already takes part in the project",
                    )
                } else {
                    salkku_domain::message!(
                        fi: "organisaatio ei ole mukana hankkeessa, joten se ei voi lähteä",
                        sv: "organisationen deltar inte i projektet och kan därför inte lämna det",
                        en: "the organisation does not take part in the project, so it cannot leave",
                    )
                },
            ));
        }
    }
    Ok(())
}

/// `lines[2].workPackage` as `Lines[2].workPackage`, to follow `approved`.
pub(crate) fn capitalised(path: &str) -> String {
    let mut chars = path.chars();
    chars.next().map(|first| first.to_ascii_uppercase().to_string() + chars.as_str()).unwrap_or_default()
}

/// The plan a request proposes, as written when it was made.
pub(crate) fn proposed_plan(r: &ChangeRequest) -> StoreResult<Option<Plan>> {
    r.plan.clone().map(Plan::new).transpose().map_err(|e| StoreError::corrupt(e.to_string()))
}

pub(crate) fn parts_of(request: &ChangeRequest) -> StoreResult<Parts> {
    Parts::restore(request.parts.iter().map(|p| (p.kind, p.decision))).map_err(|e| StoreError::corrupt(e.to_string()))
}

/// Submits a draft, checking it again against the project as it is now: one read (the request
/// whole with its project held), then one write (the move and its audit entry). A request that
/// proposes a budget, a plan or a partner leaving reads what those are checked against too.
pub async fn submit(
    db: &Db,
    change: &Change<'_>,
    id: ChangeRequestId,
    expected_version: i32,
) -> StoreResult<ChangeRequest> {
    let tx = db.begin_write().await?;
    let backend = tx.get_database_backend();
    let mut query = change_requests::whole_under(backend, REQUEST);
    query.inner_join(
        app::Entity,
        Expr::col((app::Entity, app::Column::Id)).equals((request::Entity, request::Column::ApplicationId)),
    );
    store_held::with_columns(&mut query);
    involvement::ask_of_application(&mut query, change);
    proposals::with_reads(backend, &mut query, proposals::Wants::ALL);
    query.and_where(Expr::col((request::Entity, request::Column::Id)).eq(id.0));
    let missing = || StoreError::NotFound { kind: NodeKind::ChangeRequest, key: id.0 };
    let held = store_held::read(&*tx, query, missing).await?;
    involvement::check(&held, change)?;
    let current = change_requests::record_under(&held, REQUEST)?;
    let project = store_held::application(&held)?;
    expect_version(NodeKind::ChangeRequest, expected_version, current.version)?;
    // Read whole, checked against as far as the request proposes (what else the row holds is
    // not taken apart).
    let partners: Vec<_> = current.partners.iter().map(|p| (p.organization, p.joins)).collect();
    let wants =
        proposals::Wants::of(current.plan.is_some(), !current.lines.is_empty(), current.state_aid.is_some(), &partners);
    let against = Against::read(&held, &project, wants)?;
    let budget = against.proposed(&current)?;
    let submitted = submitted(change, &project, &against, current.clone(), budget)?;
    let update = request::Entity::update_many()
        .col_expr(request::Column::Status, Expr::value(ChangeRequestStatus::Submitted.as_str()))
        .col_expr(request::Column::SubmittedAt, Expr::value(Some(change.at)))
        .col_expr(request::Column::UpdatedAt, Expr::value(change.at));
    let mut writes = Writes::new(backend);
    writes.holding(project.id);
    add_versioned(&mut writes, MOVED, update, id.0, expected_version);
    audit::add(&mut writes, change, &[id.global()], Some(&current), Some(&submitted))?;
    let moved = writes.run_returning(&*tx, Some(MOVED)).await?;
    check_written::<request::Entity, _>(&*tx, &moved, id.0, expected_version).await?;
    tx.commit().await?;
    Ok(submitted)
}

/// Checks that the request may be submitted to `project` (held, read with what the request is
/// checked `against`) with the budget it proposes (and that budget's diff with the version in
/// force): the request as submitted.
fn submitted(
    change: &Change<'_>,
    project: &Application,
    against: &Against,
    r: ChangeRequest,
    budget: Option<(Budget, BudgetDiff)>,
) -> StoreResult<ChangeRequest> {
    r.status.move_to(ChangeRequestStatus::Submitted, &parts_of(&r)?).map_err(rule(Concerning::ChangeRequest))?;
    check_may_request_changes(project.status).map_err(rule(Concerning::Application))?;
    if let Some(end) = r.new_end {
        check_extension(project.period_end, end).map_err(rule(Concerning::NewEnd))?;
    }
    let plan = proposed_plan(&r)?;
    let proposal = Proposal {
        plan: plan.as_ref(),
        lines: (!r.lines.is_empty()).then_some(r.lines.as_slice()),
        new_end: r.new_end,
        partners: r.partners.iter().map(|p| (p.organization, p.joins)).collect(),
    };
    against.check(project, &proposal)?;
    if let Some((budget, diff)) = budget {
        if !r.lines.is_empty() {
            check_reallocation(&diff).map_err(rule(Concerning::Lines))?;
        }
        against.check_split(project, &budget)?;
    }
    Ok(ChangeRequest {
        status: ChangeRequestStatus::Submitted,
        submitted_at: Some(change.at),
        version: r.version + 1,
        ..r
    })
}

/// The name a request's versioned move goes by among a command's writes.
const MOVED: &str = "moved";

/// The prefix of a submitted request's columns and children, beside what it is checked against
/// (a budget's lines among them).
const REQUEST: &str = "request_";

/// Withdraws a request before any part of it is decided.
pub async fn withdraw(
    db: &Db,
    change: &Change<'_>,
    id: ChangeRequestId,
    expected_version: i32,
) -> StoreResult<ChangeRequest> {
    let tx = db.begin_write().await?;
    let backend = tx.get_database_backend();
    // The request whole, and whether a coordinator's organisation is involved in its project.
    let mut query = change_requests::whole_under(backend, REQUEST);
    involvement::ask(&mut query, change, Expr::col((request::Entity, request::Column::ApplicationId)));
    query.and_where(Expr::col((request::Entity, request::Column::Id)).eq(id.0));
    let row = tx
        .query_one_raw(backend.build(&query))
        .await?
        .ok_or(StoreError::NotFound { kind: NodeKind::ChangeRequest, key: id.0 })?;
    involvement::check(&row, change)?;
    let current = change_requests::record_under(&row, REQUEST)?;
    expect_version(NodeKind::ChangeRequest, expected_version, current.version)?;
    current
        .status
        .move_to(ChangeRequestStatus::Withdrawn, &parts_of(&current)?)
        .map_err(rule(Concerning::ChangeRequest))?;
    let update = request::Entity::update_many()
        .col_expr(request::Column::Status, Expr::value(ChangeRequestStatus::Withdrawn.as_str()))
        .col_expr(request::Column::ClosedAt, Expr::value(Some(change.at)))
        .col_expr(request::Column::UpdatedAt, Expr::value(change.at));
    // The move and its audit entry as one statement; the version check stays in the update.
    let withdrawn = ChangeRequest {
        status: ChangeRequestStatus::Withdrawn,
        closed_at: Some(change.at),
        version: current.version + 1,
        ..current.clone()
    };
    let mut writes = Writes::new(tx.get_database_backend());
    add_versioned(&mut writes, MOVED, update, id.0, expected_version);
    audit::add(&mut writes, change, &[id.global()], Some(&current), Some(&withdrawn))?;
    let moved = writes.run_returning(&*tx, Some(MOVED)).await?;
    check_written::<request::Entity, _>(&*tx, &moved, id.0, expected_version).await?;
    tx.commit().await?;
    Ok(withdrawn)
}

pub(crate) fn partner_changes(r: &ChangeRequest) -> Vec<NewPartnerChange> {
    r.partners
        .iter()
        .map(|p| NewPartnerChange {
            organization: p.organization,
            joins: p.joins,
            role: p.role,
            commitment: p.commitment.and_then(|m| Amount::new(m).ok()),
        })
        .collect()
}

/// A changed value goes only with "approved with changes", and only for the part it belongs to.
pub(crate) fn check_decision_values(p: &PartDecisionInput) -> StoreResult<()> {
    let with_changes = p.decision == PartDecision::ApprovedWithChanges;
    let kind = p.kind;
    let end_fits = p.approved_end.is_none() || (with_changes && kind == ChangeKind::Extension);
    let lines_fit = p.approved_lines.is_none() || (with_changes && kind == ChangeKind::BudgetReallocation);
    let aid_fits = p.approved_state_aid.is_none() || (with_changes && kind == ChangeKind::StateAidChange);
    let plan_fits = p.approved_plan.is_none() || (with_changes && kind == ChangeKind::ContentChange);
    if !end_fits || !lines_fit || !aid_fits || !plan_fits {
        return Err(invalid(
            Concerning::Parts,
            salkku_domain::message!(
                fi: "muutettu arvo annetaan vain, kun osa {kind} hyväksytään muutettuna, ja vain sen omalle osalle",
                sv: "ett ändrat värde ges bara när delen {kind} godkänns med ändringar, och bara för den egna delen",
                en: "a changed value is given only when {kind} is approved with changes, and only for its own part",
            ),
        ));
    }
    let needs_value = with_changes
        && match kind {
            ChangeKind::Extension => p.approved_end.is_none(),
            ChangeKind::BudgetReallocation => p.approved_lines.is_none(),
            ChangeKind::StateAidChange => p.approved_state_aid.is_none(),
            ChangeKind::ContentChange | ChangeKind::PartnerChange => false,
        };
    if needs_value {
        return Err(invalid(
            Concerning::Parts,
            salkku_domain::message!(
                fi: "osan {kind} hyväksyminen muutettuna vaatii hyväksytyn arvon (approvedEnd, approvedLines tai approvedStateAid)",
                sv: "att godkänna delen {kind} med ändringar kräver det godkända värdet (approvedEnd, approvedLines eller approvedStateAid)",
                en: "approving {kind} with changes needs the approved value (approvedEnd, approvedLines or approvedStateAid)",
            ),
        ));
    }
    Ok(())
}
