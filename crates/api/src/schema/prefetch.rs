//! Loading what a page of applications will be asked for, before it is asked.
//!
//! DataLoaders batch what the operation asks until it stops asking (see `Loaders`). That keeps
//! nested fields N+1-free but leaves the number of queries to the query's shape. For pages of
//! applications the selection is read ahead instead, and everything it reaches — participants,
//! regions, calls, budgets, commitments, allocations, payments, splits, deadlines, history and
//! every organisation named on the way — is loaded with one query per kind and fed to the
//! request's loader, whose cache then answers the resolvers. The cost of a page is the same for 10
//! applications or 100.

use salkku_persistence::views;
use std::collections::BTreeSet;

use async_graphql::Context;
use async_graphql::Lookahead;
use salkku_domain::ids::{AllocationId, ApplicationId, GrantCallId, OrganizationId, ProgrammeId};
use salkku_persistence::records::Application;

use super::loaders::{
    AllocationsOf, CommitmentsOf, DeadlinesOf, HistoryOf, LinesOf, ParticipantsOf, PaymentsOf, RegionsOf, SplitOf,
};
use super::{db, loaders};
use crate::error::ApiResult;

/// Spare pooled connections (idle, or still to open) a page needs to load its commitments and its
/// calls side by side, with one left over; with fewer, it loads them in turn. Loading three kinds
/// at once (the organisations too, through the commitments' table) cost PostgreSQL more work and
/// made pages slower under heavy concurrency (see docs/benchmarks.md).
const SIDE_BY_SIDE: u32 = 3;

/// Several places in a query that select the same type.
struct Wants<'a>(Vec<Lookahead<'a>>);

impl<'a> Wants<'a> {
    fn field(&self, name: &str) -> Wants<'a> {
        Wants(self.0.iter().map(|l| l.field(name)).collect())
    }

    fn any(&self, names: &[&str]) -> bool {
        names.iter().any(|n| self.0.iter().any(|l| l.field(n).exists()))
    }

    fn join(mut self, other: Wants<'a>) -> Wants<'a> {
        self.0.extend(other.0);
        self
    }
}

/// The applications selected under a connection field (`nodes` and `edges { node }`).
pub async fn connection_page(ctx: &Context<'_>, apps: &[Application]) -> ApiResult<()> {
    let here = Wants(vec![ctx.look_ahead()]);
    let nodes = here.field("nodes").join(here.field("edges").field("node"));
    applications_selected(ctx, nodes, apps).await
}

/// The applications of a plain list field.
pub async fn list(ctx: &Context<'_>, apps: &[Application]) -> ApiResult<()> {
    applications_selected(ctx, Wants(vec![ctx.look_ahead()]), apps).await
}

async fn applications_selected(ctx: &Context<'_>, app: Wants<'_>, apps: &[Application]) -> ApiResult<()> {
    if apps.is_empty() {
        return Ok(());
    }
    let c = db(ctx)?.conn();
    let l = loaders(ctx)?;
    let ids: Vec<ApplicationId> = apps.iter().map(|a| a.id).collect();
    let mut orgs: BTreeSet<OrganizationId> = BTreeSet::new();
    let mut call_ids: BTreeSet<GrantCallId> = BTreeSet::new();
    l.feed_many(apps.iter().map(|a| (a.id, a.clone()))).await;

    if app.any(&["lead"]) {
        orgs.extend(apps.iter().map(|a| a.lead));
    }
    if app.any(&["participants"]) {
        let rows = views::applications::participants_of(c, &ids).await?;
        orgs.extend(apps.iter().map(|a| a.lead));
        orgs.extend(rows.iter().map(|p| p.organization));
        l.feed_many(group(&ids, rows, |p| p.application).map(|(id, v)| (ParticipantsOf(id), v))).await;
    }
    if app.any(&["regions"]) {
        let rows = views::applications::regions_of(c, &ids).await?;
        l.feed_many(group(&ids, rows, |r| r.0).map(|(id, v)| (RegionsOf(id), v))).await;
    }
    let call = app.field("call");
    let deadline = app.field("deadlines");
    let need_calls = app.any(&["call", "fundingSplit"]) || deadline.any(&["call"]);
    if need_calls {
        call_ids.extend(apps.iter().filter_map(|a| a.call));
    }
    if app.field("budget").any(&["lines", "byYear", "byCategory"]) {
        let rows = views::budgets::lines_of(c, &ids).await?;
        l.feed_many(group(&ids, rows, |r| r.application).map(|(id, v)| (LinesOf(id), v))).await;
    }
    // The applications' own calls load side by side with their commitments, each on a pooled
    // connection of its own: one round trip less for a page to wait for. Calls that deadlines name
    // are known only once the deadlines are. Under load every pooled connection is busy with some
    // request anyway, so with few to spare the two load in turn.
    let own_calls: Vec<GrantCallId> =
        if need_calls && !deadline.any(&["call"]) { call_ids.iter().copied().collect() } else { Vec::new() };
    let wants_commitments = app.any(&["commitments", "fundingSplit"]);
    let commitment_rows = async {
        if wants_commitments { views::commitments::of_applications(c, &ids).await.map(Some) } else { Ok(None) }
    };
    let early_calls =
        async { if own_calls.is_empty() { Ok(None) } else { views::calls::by_ids(c, &own_calls).await.map(Some) } };
    let (commitment_rows, early_calls) = if db(ctx)?.pool_use().spare() >= SIDE_BY_SIDE {
        futures_util::future::try_join(commitment_rows, early_calls).await?
    } else {
        (commitment_rows.await?, early_calls.await?)
    };
    let commitment = app.field("commitments");
    let mut loaded_commitments = None;
    if let Some(rows) = commitment_rows {
        if commitment.any(&["organization"]) {
            orgs.extend(rows.iter().map(|m| m.organization));
        }
        l.feed_many(rows.iter().map(|m| (m.id, m.clone()))).await;
        l.feed_many(group(&ids, rows.clone(), |m| m.application).map(|(id, v)| (CommitmentsOf(id), v))).await;
        loaded_commitments = Some(rows);
    }
    let allocation = app.field("allocations");
    if app.any(&["allocations", "stateAidGranted"]) {
        let rows = views::allocations::of_applications(c, &ids).await?;
        if allocation.any(&["funder", "recipient"]) {
            orgs.extend(rows.iter().flat_map(|a| [a.funder, a.recipient]));
        }
        if allocation.any(&["payments"]) {
            let allocation_ids: Vec<AllocationId> = rows.iter().map(|a| a.id).collect();
            let payments = views::allocations::payments_of(c, &allocation_ids).await?;
            l.feed_many(group(&allocation_ids, payments, |p| p.allocation).map(|(id, v)| (PaymentsOf(id), v))).await;
        }
        l.feed_many(rows.iter().map(|a| (a.id, a.clone()))).await;
        let owned = rows.into_iter().filter(|a| a.application.is_some());
        l.feed_many(
            group(&ids, owned.collect(), |a| a.application.unwrap_or(ApplicationId(0)))
                .map(|(id, v)| (AllocationsOf(id), v)),
        )
        .await;
    }
    if app.any(&["deadlines"]) {
        let rows = views::deadlines::views_for_applications(c, &ids).await?;
        if deadline.any(&["call"]) {
            call_ids.extend(rows.iter().filter_map(|d| d.deadline.call));
        }
        l.feed_many(
            group(&ids, rows, |d| d.deadline.application.unwrap_or(ApplicationId(0)))
                .map(|(id, v)| (DeadlinesOf(id), v)),
        )
        .await;
    }
    if app.any(&["history"]) {
        let rows = views::applications::history_of(c, &ids).await?;
        l.feed_many(group(&ids, rows, |h| h.application).map(|(id, v)| (HistoryOf(id), v))).await;
    }

    let call_list: Vec<GrantCallId> = call_ids.into_iter().collect();
    let loaded_calls = match early_calls {
        Some(calls) => calls,
        None if call_list.is_empty() => Vec::new(),
        None => views::calls::by_ids(c, &call_list).await?,
    };
    let any_call = call.join(deadline.field("call"));
    if any_call.any(&["funder"]) {
        orgs.extend(loaded_calls.iter().map(|g| g.funder));
    }
    if any_call.any(&["programme"]) {
        let programme_ids: Vec<ProgrammeId> = loaded_calls.iter().filter_map(|g| g.programme).collect();
        let rows = views::programmes::by_ids(c, &programme_ids).await?;
        l.feed_many(rows.into_iter().map(|p| (p.id, p))).await;
    }
    if app.any(&["fundingSplit"]) {
        let rows = loaded_commitments.as_deref().unwrap_or_default();
        let computed = views::splits::from_parts(apps, &loaded_calls, rows)?;
        l.feed_many(computed.into_iter().map(|(id, split)| (SplitOf(id), split))).await;
    }
    l.feed_many(loaded_calls.into_iter().map(|g| (g.id, g))).await;

    if !orgs.is_empty() {
        let list: Vec<OrganizationId> = orgs.into_iter().collect();
        let rows = views::organizations::by_ids(c, &list).await?;
        l.feed_many(rows.into_iter().map(|o| (o.id, o))).await;
    }
    Ok(())
}

/// Groups `rows` by owner, with an empty group for every id that has none.
fn group<K: Copy + Ord, V>(ids: &[K], rows: Vec<V>, owner: impl Fn(&V) -> K) -> impl Iterator<Item = (K, Vec<V>)> {
    let mut groups: std::collections::BTreeMap<K, Vec<V>> = ids.iter().map(|id| (*id, Vec::new())).collect();
    for row in rows {
        if let Some(group) = groups.get_mut(&owner(&row)) {
            group.push(row);
        }
    }
    groups.into_iter()
}
