//! The root of every read.

use async_graphql::{Context, ID, Object};
use salkku_domain::apportion::apportion;
use salkku_domain::deadline::{local_date, window_end};
use salkku_domain::ids::{
    AllocationId, ApplicationId, BudgetVersionId, ChangeRequestId, CommitmentId, DecisionId, GlobalId, GrantCallId,
    NodeKind, OrganizationId, ProgrammeId,
};
use salkku_domain::message;
use salkku_persistence::StoreError;
use salkku_persistence::views;
use salkku_persistence::views::allocations::AllocationCursor;
use salkku_persistence::views::application_list::{ApplicationCursor, OrderField, SortKey};
use salkku_persistence::views::calls::GrantCallCursor;
use salkku_persistence::views::decisions::DecisionCursor;
use salkku_persistence::views::organizations::OrganizationCursor;

use super::connection::{self, Page};
use super::decision_inputs::DecisionFilter;
use super::enums::CashFlowInterval;
use super::inputs::{
    AllocationFilter, ApplicationFilter, ApplicationOrder, DeadlineFilter, GrantCallFilter, MAX_LIST,
    OrganizationFilter, WeightInput, key,
};
use super::objects::Exposure;
use super::objects::{
    Application, AuditEntry, BudgetDiff, CalendarFeed, ChangeRequest, CodeLabel, Commitment, Deadline, Decision,
    FundingProgramme, GrantCall, Node, Organization, PortfolioSummary, Region, Share, StateAidAllocation, Viewer,
};
use super::report_inputs::CashFlowFilter;
use super::scalars::{Date, Decimal};
use super::{db, loaders, now, viewer};
use crate::error::{ApiError, ApiResult, at_least_zero};
use salkku_persistence::views::cash_flow::Interval;

/// Most days `upcomingDeadlines` looks ahead.
pub const MAX_WITHIN_DAYS: i32 = 3660;
/// Most deadlines `upcomingDeadlines` returns.
pub const MAX_DEADLINES: i32 = 1000;

pub struct Query;

#[Object]
impl Query {
    /// Any object by its ID; null when there is none.
    async fn node(&self, ctx: &Context<'_>, id: ID) -> ApiResult<Option<Node>> {
        let global = GlobalId::decode(&id).map_err(|e| ApiError::invalid("id", e))?;
        let l = loaders(ctx)?;
        Ok(match global.kind {
            NodeKind::Organization => {
                l.load_one(OrganizationId(global.key)).await?.map(|o| Node::Organization(Organization(o)))
            }
            NodeKind::FundingProgramme => {
                l.load_one(ProgrammeId(global.key)).await?.map(|p| Node::FundingProgramme(FundingProgramme(p)))
            }
            NodeKind::GrantCall => l.load_one(GrantCallId(global.key)).await?.map(|c| Node::GrantCall(GrantCall(c))),
            NodeKind::Application => {
                l.load_one(ApplicationId(global.key)).await?.map(|a| Node::Application(Application(a)))
            }
            NodeKind::Commitment => {
                l.load_one(CommitmentId(global.key)).await?.map(|c| Node::Commitment(Commitment(c)))
            }
            NodeKind::StateAidAllocation => {
                l.load_one(AllocationId(global.key)).await?.map(|a| Node::StateAidAllocation(StateAidAllocation(a)))
            }
            NodeKind::BudgetLine
            | NodeKind::Payment
            | NodeKind::Deadline
            | NodeKind::CalendarFeed
            | NodeKind::BudgetVersion
            | NodeKind::ChangeRequest
            | NodeKind::Decision
            | NodeKind::Document
            | NodeKind::ReportObligation
            | NodeKind::Instalment
            | NodeKind::Repayment
            | NodeKind::Objective
            | NodeKind::WorkPackage
            | NodeKind::Indicator => None,
        })
    }

    /// The signed-in user.
    async fn me(&self, ctx: &Context<'_>) -> ApiResult<Viewer> {
        Ok(Viewer(viewer(ctx)?.clone()))
    }

    /// Every region, in code order.
    #[graphql(complexity = "crate::schema::limits::bounded_list_cost(19, child_complexity)")]
    async fn regions(&self, ctx: &Context<'_>) -> ApiResult<Vec<Region>> {
        Ok(views::regions::all(db(ctx)?.conn()).await?.into_iter().map(Region).collect())
    }

    /// Organisations by name.
    #[graphql(complexity = "crate::schema::limits::page_cost(first, 20, 100, child_complexity)")]
    async fn organizations(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        filter: Option<OrganizationFilter>,
    ) -> ApiResult<Page<Organization>> {
        let first = connection::page_size(first)?;
        let cursor: Option<OrganizationCursor> = connection::decode(after.as_deref())?;
        let filter = filter.map(OrganizationFilter::parse).transpose()?.unwrap_or_default();
        let page =
            views::organizations::list(db(ctx)?.conn(), &filter, first, cursor.as_ref(), connection::wants_total(ctx))
                .await?;
        Ok(connection::connection(page, cursor.is_some(), |o| {
            (connection::encode(&OrganizationCursor::of(&o)), Organization(o))
        }))
    }

    /// Every funding programme, by name.
    #[graphql(complexity = "crate::schema::limits::list_cost(child_complexity)")]
    async fn programmes(&self, ctx: &Context<'_>) -> ApiResult<Vec<FundingProgramme>> {
        Ok(views::programmes::all_by_name(db(ctx)?.conn()).await?.into_iter().map(FundingProgramme).collect())
    }

    /// Grant calls by closing time.
    #[graphql(complexity = "crate::schema::limits::page_cost(first, 20, 100, child_complexity)")]
    async fn grant_calls(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        filter: Option<GrantCallFilter>,
    ) -> ApiResult<Page<GrantCall>> {
        let first = connection::page_size(first)?;
        let cursor: Option<GrantCallCursor> = connection::decode(after.as_deref())?;
        let filter = filter.map(GrantCallFilter::parse).transpose()?.unwrap_or_default();
        let page = views::calls::list(
            db(ctx)?.conn(),
            &filter,
            now(ctx),
            first,
            cursor.as_ref(),
            connection::wants_total(ctx),
        )
        .await?;
        Ok(connection::connection(page, cursor.is_some(), |c| {
            (connection::encode(&GrantCallCursor::of(&c)), GrantCall(c))
        }))
    }

    async fn grant_call(&self, ctx: &Context<'_>, id: ID) -> ApiResult<Option<GrantCall>> {
        let id = key(&id, "id", GrantCallId::from_global)?;
        Ok(loaders(ctx)?.load_one(id).await?.map(GrantCall))
    }

    /// Applications, by name unless `orderBy` says otherwise.
    #[graphql(complexity = "crate::schema::limits::page_cost(first, 20, 100, child_complexity)")]
    async fn applications(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        filter: Option<ApplicationFilter>,
        order_by: Option<ApplicationOrder>,
    ) -> ApiResult<Page<Application>> {
        let first = connection::page_size(first)?;
        let cursor: Option<ApplicationCursor> = connection::decode(after.as_deref())?;
        let filter = filter.map(ApplicationFilter::parse).transpose()?.unwrap_or_default();
        let order = ApplicationOrder::parse(order_by);
        if let Some(c) = &cursor {
            let fits = matches!(
                (order.field, &c.key),
                (OrderField::Name, SortKey::Name(_))
                    | (OrderField::CreatedAt, SortKey::CreatedAt(_))
                    | (OrderField::ClosesAt, SortKey::ClosesAt(_))
                    | (OrderField::TotalCost, SortKey::TotalCost(_))
            );
            if !fits {
                return Err(ApiError::bad_input(
                    "after",
                    message!(
                        fi: "after on toisen järjestyksen kohdistin: pidä orderBy samana kaikilla sivuilla",
                        sv: "after är en markör för en annan ordning: behåll samma orderBy på alla sidor",
                        en: "after is a cursor of another order: keep orderBy the same across pages",
                    ),
                ));
            }
        }
        let page = views::application_list::list(
            db(ctx)?.conn(),
            &filter,
            order,
            first,
            cursor.as_ref(),
            connection::wants_total(ctx),
        )
        .await?;
        let apps: Vec<_> = page.items.iter().map(|(a, _)| a.clone()).collect();
        super::prefetch::connection_page(ctx, &apps).await?;
        Ok(connection::connection(page, cursor.is_some(), |(app, cursor)| {
            (connection::encode(&cursor), Application(app))
        }))
    }

    async fn application(&self, ctx: &Context<'_>, id: ID) -> ApiResult<Option<Application>> {
        let id = key(&id, "id", ApplicationId::from_global)?;
        Ok(loaders(ctx)?.load_one(id).await?.map(Application))
    }

    /// Two budget versions of one application side by side (e.g. the applied and the granted one):
    /// per cost category and year before, after and change, the totals, the state aid and the
    /// funding split each gives. Null if either version does not exist.
    async fn budget_diff(
        &self,
        ctx: &Context<'_>,
        from_version_id: ID,
        to_version_id: ID,
    ) -> ApiResult<Option<BudgetDiff>> {
        let from = key(&from_version_id, "fromVersionId", BudgetVersionId::from_global)?;
        let to = key(&to_version_id, "toVersionId", BudgetVersionId::from_global)?;
        let compared = views::budget_versions::compare_versions(db(ctx)?.conn(), from, to).await?;
        Ok(compared.map(|(from, to, comparison)| BudgetDiff { from: Some(from), to: Some(to), comparison }))
    }

    /// Decisions on record, newest first: by organisation, project and date.
    #[graphql(complexity = "crate::schema::limits::page_cost(first, 20, 100, child_complexity)")]
    async fn decisions(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        filter: Option<DecisionFilter>,
    ) -> ApiResult<Page<Decision>> {
        let first = connection::page_size(first)?;
        let cursor: Option<DecisionCursor> = connection::decode(after.as_deref())?;
        let filter = filter.unwrap_or_default().parse()?;
        let page =
            views::decisions::list(db(ctx)?.conn(), &filter, first, cursor.as_ref(), connection::wants_total(ctx))
                .await?;
        Ok(connection::connection(page, cursor.is_some(), |d| {
            (connection::encode(&DecisionCursor::of(&d)), Decision(d))
        }))
    }

    /// A decision on record by its ID.
    async fn decision(&self, ctx: &Context<'_>, id: ID) -> ApiResult<Option<Decision>> {
        let id = key(&id, "id", DecisionId::from_global)?;
        Ok(loaders(ctx)?.load_one(id).await?.map(Decision))
    }

    /// A change request by its ID.
    async fn change_request(&self, ctx: &Context<'_>, id: ID) -> ApiResult<Option<ChangeRequest>> {
        let id = key(&id, "id", ChangeRequestId::from_global)?;
        Ok(views::change_requests::get(db(ctx)?.conn(), id).await?.map(ChangeRequest))
    }

    /// State-aid allocations by year.
    #[graphql(complexity = "crate::schema::limits::page_cost(first, 20, 100, child_complexity)")]
    async fn allocations(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        filter: Option<AllocationFilter>,
    ) -> ApiResult<Page<StateAidAllocation>> {
        let first = connection::page_size(first)?;
        let cursor: Option<AllocationCursor> = connection::decode(after.as_deref())?;
        let filter = filter.map(AllocationFilter::parse).transpose()?.unwrap_or_default();
        let page =
            views::allocations::list(db(ctx)?.conn(), &filter, first, cursor.as_ref(), connection::wants_total(ctx))
                .await?;
        Ok(connection::connection(page, cursor.is_some(), |a| {
            (connection::encode(&AllocationCursor::of(&a)), StateAidAllocation(a))
        }))
    }

    /// What an organisation (a municipality, typically) has committed to across every project
    /// whose period meets [from, to] (all, without them): by status and kind, per inhabitant,
    /// what its bodies must decide next, and its realised shares in closed projects' final
    /// accounts. Coordinators see their own organisation's; everyone else any.
    async fn exposure(
        &self,
        ctx: &Context<'_>,
        organization_id: ID,
        from: Option<Date>,
        to: Option<Date>,
    ) -> ApiResult<Exposure> {
        let id = key(&organization_id, "organizationId", OrganizationId::from_global)?;
        let (from, to) = (from.map(|d| d.get("from")).transpose()?, to.map(|d| d.get("to")).transpose()?);
        if let (Some(from), Some(to)) = (from, to)
            && to < from
        {
            return Err(ApiError::bad_input(
                "to",
                message!(
                    fi: "jakson loppu ({to}) on ennen sen alkua ({from})",
                    sv: "periodens slut ({to}) är före dess början ({from})",
                    en: "the period's end ({to}) comes before its start ({from})",
                ),
            ));
        }
        let db = db(ctx)?;
        super::policy::authorize(viewer(ctx)?, super::policy::Action::ReadExposure(id))?;
        let organization = views::organizations::get(db.conn(), id)
            .await?
            .ok_or(StoreError::NotFound { kind: salkku_domain::ids::NodeKind::Organization, key: id.0 })?;
        let view = views::exposure::of_organization(db.conn(), &organization, from, to).await?;
        Ok(Exposure { organization, view })
    }

    /// State aid planned (instalments not cancelled, by due date), requested (instalments
    /// requested and not yet paid), paid (payments, by payment date) and returned (repayments)
    /// per month, quarter or year from the period holding `from` to the one holding `to`, empty
    /// periods included, summed by the database to the cent.
    #[graphql(complexity = "crate::schema::limits::list_cost(child_complexity)")]
    async fn cash_flow(
        &self,
        ctx: &Context<'_>,
        from: Date,
        to: Date,
        #[graphql(default_with = "CashFlowInterval::Quarter")] interval: CashFlowInterval,
        filter: Option<CashFlowFilter>,
    ) -> ApiResult<Vec<CashFlowPeriod>> {
        let (from, to) = (from.get("from")?, to.get("to")?);
        let filter = filter.map(CashFlowFilter::parse).transpose()?.unwrap_or_default();
        let interval = match interval {
            CashFlowInterval::Month => Interval::Month,
            CashFlowInterval::Quarter => Interval::Quarter,
            CashFlowInterval::Year => Interval::Year,
        };
        salkku_persistence::views::cash_flow::periods(from, to, interval).map_err(|e| ApiError::invalid("to", e))?;
        let periods = views::cash_flow::cash_flow(db(ctx)?.conn(), from, to, interval, &filter).await?;
        Ok(periods.into_iter().map(CashFlowPeriod::from).collect())
    }

    /// Deadlines due from now until now + withinDays (overdue open ones too when includeOverdue), soonest first.
    #[graphql(complexity = "crate::schema::limits::page_cost(Some(first), 100, 1000, child_complexity)")]
    async fn upcoming_deadlines(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = 30)] within_days: i32,
        #[graphql(default = true)] include_overdue: bool,
        filter: Option<DeadlineFilter>,
        #[graphql(default = 100, desc = "Most deadlines returned, up to 1000.")] first: i32,
    ) -> ApiResult<Vec<Deadline>> {
        if !(0..=MAX_WITHIN_DAYS).contains(&within_days) {
            return Err(ApiError::bad_input(
                "withinDays",
                message!(
                    fi: "withinDays on 0–{MAX_WITHIN_DAYS} (annettu {within_days})",
                    sv: "withinDays är 0–{MAX_WITHIN_DAYS} (angivet {within_days})",
                    en: "withinDays is from 0 to {MAX_WITHIN_DAYS} (got {within_days})",
                ),
            ));
        }
        if first < 0 {
            return Err(ApiError::bad_input("first", at_least_zero("first", first)));
        }
        if first > MAX_DEADLINES {
            return Err(ApiError::limit(message!(
                fi: "määräaikojen raja ylittyi: first on enintään {MAX_DEADLINES} (annettu {first})",
                sv: "gränsen för tidsfrister överskreds: first är högst {MAX_DEADLINES} (angivet {first})",
                en: "deadline limit exceeded: first may be at most {MAX_DEADLINES} (got {first})",
            )));
        }
        let filter = filter.map(DeadlineFilter::parse).transpose()?.unwrap_or_default();
        let now = now(ctx);
        let until = window_end(now, u32::try_from(within_days).unwrap_or(0));
        let limit = u64::try_from(first).unwrap_or(0);
        let found = views::deadlines::upcoming(db(ctx)?.conn(), now, until, include_overdue, &filter, limit).await?;
        Ok(found.into_iter().map(|d| Deadline::new(d, now)).collect())
    }

    /// The portfolio in figures: totals and buckets by status, region and funder.
    async fn portfolio(&self, ctx: &Context<'_>, filter: Option<ApplicationFilter>) -> ApiResult<PortfolioSummary> {
        let filter = filter.map(ApplicationFilter::parse).transpose()?.unwrap_or_default();
        let wanted = super::objects::portfolio_wanted(&ctx.look_ahead());
        let figures = views::portfolio::summary(db(ctx)?.conn(), &filter, wanted).await?;
        Ok(PortfolioSummary { figures, filter, today: local_date(now(ctx)) })
    }

    /// Every code the schema uses (statuses, kinds, categories, regions) with its label in the
    /// request's language (Accept-Language: Finnish by default, Swedish, English); `list` narrows
    /// to one enum, e.g. "CommitmentStatus".
    async fn code_labels(&self, ctx: &Context<'_>, list: Option<String>) -> Vec<CodeLabel> {
        salkku_domain::labels::every(super::language(ctx))
            .into_iter()
            .filter(|(l, _, _)| list.as_deref().is_none_or(|wanted| wanted == *l))
            .map(|(l, code, label)| CodeLabel { list: l.to_owned(), code: code.to_owned(), label: label.to_owned() })
            .collect()
    }

    /// The signed-in user's calendar feeds that still work, oldest first (their urls are not
    /// shown again).
    async fn calendar_feeds(&self, ctx: &Context<'_>) -> ApiResult<Vec<CalendarFeed>> {
        let feeds = views::calendar_feeds::of_owner(db(ctx)?.conn(), &viewer(ctx)?.subject).await?;
        Ok(feeds.into_iter().map(|feed| CalendarFeed { feed, url: None }).collect())
    }

    /// How the signed-in user is reminded of deadlines by email; null until they set it.
    async fn reminder_settings(&self, ctx: &Context<'_>) -> ApiResult<Option<super::objects::ReminderSettings>> {
        let settings = views::reminders::settings(db(ctx)?.conn(), &viewer(ctx)?.subject).await?;
        Ok(settings.map(super::objects::ReminderSettings))
    }

    /// The reminders' outbox, newest first: what is queued, sent, failed (with the mail server's
    /// last answer) or cancelled. For admins.
    #[graphql(complexity = "crate::schema::limits::page_cost(first, 20, 100, child_complexity)")]
    async fn reminder_outbox(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        status: Option<super::objects::MessageStatus>,
    ) -> ApiResult<Vec<super::objects::OutboxMessage>> {
        let db = db(ctx)?;
        super::policy::authorize(viewer(ctx)?, super::policy::Action::ReadOutbox)?;
        let first = connection::page_size(first)?;
        let messages = views::reminders::outbox(db.conn(), status.map(Into::into), first).await?;
        Ok(messages.into_iter().map(super::objects::OutboxMessage).collect())
    }

    /// Every change, newest first: who, when, which mutation on which objects, the values
    /// before and after. For admins and finance staff; nothing in the API changes it.
    #[graphql(complexity = "crate::schema::limits::page_cost(first, 20, 100, child_complexity)")]
    async fn audit_log(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        #[graphql(desc = "Only the changes that touched this object.")] object_id: Option<ID>,
    ) -> ApiResult<Page<AuditEntry>> {
        let db = db(ctx)?;
        super::policy::authorize(viewer(ctx)?, super::policy::Action::ReadAuditLog)?;
        let first = connection::page_size(first)?;
        let cursor: Option<i64> = connection::decode(after.as_deref())?;
        if let Some(id) = &object_id {
            GlobalId::decode(id).map_err(|e| ApiError::invalid("objectId", e))?;
        }
        let page = salkku_persistence::views::audit_log::list(
            db.conn(),
            object_id.as_ref().map(|i| i.as_str()),
            first,
            cursor,
            connection::wants_total(ctx),
        )
        .await?;
        Ok(connection::connection(page, cursor.is_some(), |e| (connection::encode(&e.id), AuditEntry(e))))
    }

    /// Split an amount between organisations in proportion to weights (e.g. population); the shares add up exactly to the amount.
    #[graphql(complexity = "crate::schema::limits::list_cost(child_complexity)")]
    async fn apportion(&self, ctx: &Context<'_>, amount: Decimal, weights: Vec<WeightInput>) -> ApiResult<Vec<Share>> {
        let amount = amount.amount("amount")?;
        if weights.len() > MAX_LIST {
            let got = weights.len();
            return Err(ApiError::limit(message!(
                fi: "weights-luettelossa saa olla enintään {MAX_LIST} kohtaa (annettu {got})",
                sv: "weights får innehålla högst {MAX_LIST} poster (angivet {got})",
                en: "weights may hold at most {MAX_LIST} items (got {got})",
            )));
        }
        let mut orgs = Vec::with_capacity(weights.len());
        let mut values = Vec::with_capacity(weights.len());
        for (i, w) in weights.iter().enumerate() {
            orgs.push(key(&w.organization_id, &format!("weights[{i}].organizationId"), OrganizationId::from_global)?);
            values.push(w.weight.exact(&format!("weights[{i}].weight"))?);
        }
        let existing = views::organizations::existing(db(ctx)?.conn(), &orgs).await?;
        if let Some(i) = orgs.iter().position(|o| !existing.contains(o)) {
            let missing = StoreError::NotFound { kind: NodeKind::Organization, key: orgs[i].0 };
            return Err(ApiError::from(missing).within_field(format!("weights[{i}].organizationId")));
        }
        let parts = apportion(amount.money(), &values).map_err(|e| ApiError::invalid("weights", e))?;
        Ok(orgs
            .into_iter()
            .zip(parts)
            .map(|(org, part)| Share { organization_id: ID(org.global()), amount: part.into() })
            .collect())
    }
}

/// One period of a cash flow.
#[derive(async_graphql::SimpleObject)]
pub struct CashFlowPeriod {
    /// "2021-03", "2021-Q1" or "2021".
    period: String,
    starts: Date,
    ends: Date,
    planned: crate::schema::scalars::Decimal,
    requested: crate::schema::scalars::Decimal,
    paid: crate::schema::scalars::Decimal,
    returned: crate::schema::scalars::Decimal,
}

impl From<views::cash_flow::Period> for CashFlowPeriod {
    fn from(p: views::cash_flow::Period) -> Self {
        CashFlowPeriod {
            period: p.key,
            starts: Date::from(p.starts),
            ends: Date::from(p.ends),
            planned: p.planned.into(),
            requested: p.requested.into(),
            paid: p.paid.into(),
            returned: p.returned.into(),
        }
    }
}
