//! Whom each deadline concerns, kept in `deadline_parties` by organisation and due time, so that
//! an organisation's upcoming deadlines are one ordered index range read until the page is full:
//! their cost does not grow with how many applications the organisation is involved in.
//!
//! A deadline concerns the lead and the participants of its application, the organisation of its
//! commitment, and, for a call's own deadline (no application), the call's funder. Each row also
//! says whether the deadline still calls for action, so that upcoming deadlines read only those.
//! The rows are recomputed from those relations in the transaction of every change to a deadline,
//! to an application's parties or status, to a commitment's or a report's status, and rebuilt after bulk
//! loads and on migration.

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};
use salkku_domain::ids::{ApplicationId, OrganizationId};
use salkku_domain::report::ReportStatus;
use salkku_domain::{ApplicationStatus, CommitmentStatus};
use sea_orm::ConnectionTrait;
use sea_orm::sea_query::{Alias, Expr, ExprTrait, Iden, InsertStatement, Query, SelectStatement, UnionType};

use crate::StoreResult;
use crate::entities::{
    application, commitment, deadline, deadline_party as party, grant_call, participant, report_obligation as report,
};
use crate::store::batch::Writes;

/// Recomputes the parties of every deadline: after a bulk load, and when a migration asks.
pub(crate) async fn rebuild<C: ConnectionTrait>(c: &C) -> StoreResult<()> {
    let mut delete = Query::delete();
    delete.from_table(party::Entity);
    c.execute(&delete).await?;
    let mut parties = involving(Expr::col((application::Entity, application::Column::LeadId)), |q| {
        q.inner_join(
            application::Entity,
            Expr::col((application::Entity, application::Column::Id))
                .equals((deadline::Entity, deadline::Column::ApplicationId)),
        );
    });
    let taking_part = involving(Expr::col((participant::Entity, participant::Column::OrganizationId)), |q| {
        q.inner_join(
            participant::Entity,
            Expr::col((participant::Entity, participant::Column::ApplicationId))
                .equals((deadline::Entity, deadline::Column::ApplicationId)),
        );
    });
    let owing = involving(Expr::col((commitment::Entity, commitment::Column::OrganizationId)), |q| {
        q.inner_join(
            commitment::Entity,
            Expr::col((commitment::Entity, commitment::Column::Id))
                .equals((deadline::Entity, deadline::Column::CommitmentId)),
        );
    });
    let funding = involving(Expr::col((grant_call::Entity, grant_call::Column::FunderId)), |q| {
        q.inner_join(
            grant_call::Entity,
            Expr::col((grant_call::Entity, grant_call::Column::Id))
                .equals((deadline::Entity, deadline::Column::CallId)),
        )
        .and_where(Expr::col((deadline::Entity, deadline::Column::ApplicationId)).is_null());
    });
    // UNION, not UNION ALL: an organisation involved twice is one party.
    parties
        .union(UnionType::Distinct, taking_part)
        .union(UnionType::Distinct, owing)
        .union(UnionType::Distinct, funding);
    c.execute(&inserting(parties)?).await?;
    Ok(())
}

/// Adds to `writes` whether the deadlines whose `column` is `key` call for action (as their
/// sources now say, [`salkku_domain::deadline::Standing::is_relevant`]): an application's that
/// reached a final status call for nothing, a commitment's follows its new status.
pub(crate) fn set_calling(writes: &mut Writes, whose: (deadline::Column, i64), calls_for_action: bool) {
    let its = deadlines_whose(whose);
    let update = Query::update()
        .table(party::Entity)
        .value(party::Column::CallsForAction, calls_for_action)
        .and_where(Expr::col(party::Column::DeadlineId).in_subquery(its))
        .and_where(Expr::col(party::Column::CallsForAction).ne(calls_for_action))
        .to_owned();
    writes.push(&update);
}

/// Adds to `writes` that the deadlines whose `column` is `key` are due at `due_at` now, and
/// whether they call for action: a report returned with a new due date.
pub(crate) fn set_due_and_calling(
    writes: &mut Writes,
    whose: (deadline::Column, i64),
    due_at: DateTime<Utc>,
    calls_for_action: bool,
) {
    let its = deadlines_whose(whose);
    let update = Query::update()
        .table(party::Entity)
        .value(party::Column::DueAt, due_at)
        .value(party::Column::CallsForAction, calls_for_action)
        .and_where(Expr::col(party::Column::DeadlineId).in_subquery(its))
        .to_owned();
    writes.push(&update);
}

/// The keys of the deadlines whose `column` is `key`.
fn deadlines_whose((column, key): (deadline::Column, i64)) -> SelectStatement {
    Query::select().column(deadline::Column::Id).from(deadline::Entity).and_where(Expr::col(column).eq(key)).to_owned()
}

/// Adds to `writes` whom a new deadline concerns: the lead and the participants of
/// `application`, and `also`, each once. What [`rebuild`] would find, for a deadline written in the
/// same statement, which [`rebuild`] could not read yet.
pub(crate) fn add_for_new(
    writes: &mut Writes,
    deadline: i64,
    due_at: DateTime<Utc>,
    application: Option<ApplicationId>,
    also: &[OrganizationId],
    calls_for_action: bool,
) -> StoreResult<()> {
    let row = |who: Expr| {
        let mut q = Query::select();
        q.expr_as(who, Alias::new("organization_id"))
            .expr(Expr::val(due_at))
            .expr(Expr::val(deadline))
            .expr(Expr::val(calls_for_action));
        q
    };
    let mut parties = match application {
        Some(application) => {
            let mut lead = row(Expr::col((application::Entity, application::Column::LeadId)));
            lead.from(application::Entity)
                .and_where(Expr::col((application::Entity, application::Column::Id)).eq(application.0));
            let mut taking_part = row(Expr::col((participant::Entity, participant::Column::OrganizationId)));
            taking_part
                .from(participant::Entity)
                .and_where(Expr::col((participant::Entity, participant::Column::ApplicationId)).eq(application.0));
            lead.union(UnionType::Distinct, taking_part);
            lead
        }
        None if also.is_empty() => return Ok(()),
        None => row(Expr::val(also[0].0)),
    };
    for who in also {
        parties.union(UnionType::Distinct, row(Expr::val(who.0)));
    }
    writes.push(&inserting(parties)?);
    Ok(())
}

/// Adds to `writes` what makes the parties of `deadline`, due at `due_at`, the organisations
/// `orgs`, calling for action as `calls_for_action` says, from its parties `was` as read beside
/// the command's held row (with the time it was due then and whether they called for action;
/// none for a new deadline). A deadline due when it was keeps the parties it keeps (told when
/// it no longer calls for action, or does again); a moved one is written anew (its rows' key
/// holds its due time).
pub(crate) fn set_for(
    writes: &mut Writes,
    deadline: i64,
    due_at: DateTime<Utc>,
    was: Option<(DateTime<Utc>, &BTreeSet<i64>, bool)>,
    orgs: &BTreeSet<i64>,
    calls_for_action: bool,
) -> StoreResult<()> {
    let empty = BTreeSet::new();
    let (kept, dropped): (&BTreeSet<i64>, Vec<i64>) = match was {
        Some((was_due, was_orgs, _)) if was_due == due_at => (was_orgs, was_orgs.difference(orgs).copied().collect()),
        Some((_, was_orgs, _)) => (&empty, was_orgs.iter().copied().collect()),
        None => (&empty, Vec::new()),
    };
    // The rows kept, where whether they call for action changed: only those, so that no row is
    // both removed and updated by one statement.
    let staying: Vec<i64> = kept.intersection(orgs).copied().collect();
    if !staying.is_empty() && was.is_some_and(|(_, _, calling)| calling != calls_for_action) {
        let update = Query::update()
            .table(party::Entity)
            .value(party::Column::CallsForAction, calls_for_action)
            .and_where(Expr::col(party::Column::DeadlineId).eq(deadline))
            .and_where(Expr::col(party::Column::OrganizationId).is_in(staying))
            .to_owned();
        writes.push(&update);
    }
    if !dropped.is_empty() {
        let delete = Query::delete()
            .from_table(party::Entity)
            .and_where(Expr::col(party::Column::DeadlineId).eq(deadline))
            .and_where(Expr::col(party::Column::OrganizationId).is_in(dropped))
            .to_owned();
        writes.push(&delete);
    }
    let added: Vec<i64> = orgs.difference(kept).copied().collect();
    if added.is_empty() {
        return Ok(());
    }
    let mut insert = Query::insert();
    insert.into_table(party::Entity).columns([
        party::Column::OrganizationId,
        party::Column::DueAt,
        party::Column::DeadlineId,
        party::Column::CallsForAction,
    ]);
    for org in added {
        insert
            .values([org.into(), due_at.into(), deadline.into(), calls_for_action.into()])
            .map_err(|e| crate::StoreError::corrupt(format!("the parties of a deadline cannot be written: {e}")))?;
    }
    writes.push(&insert);
    Ok(())
}

/// Adds to `writes` the removal of every party of `deadline`, before the deadline's own.
pub(crate) fn remove_of(writes: &mut Writes, deadline: i64) {
    let delete = Query::delete()
        .from_table(party::Entity)
        .and_where(Expr::col(party::Column::DeadlineId).eq(deadline))
        .to_owned();
    writes.push(&delete);
}

/// Inserts the rows of `parties`: organisation, due time, deadline, whether it calls for action.
fn inserting(parties: SelectStatement) -> StoreResult<InsertStatement> {
    Ok(Query::insert()
        .into_table(party::Entity)
        .columns([
            party::Column::OrganizationId,
            party::Column::DueAt,
            party::Column::DeadlineId,
            party::Column::CallsForAction,
        ])
        .select_from(parties)
        .map_err(|e| crate::StoreError::corrupt(format!("the parties of deadlines cannot be selected: {e}")))?
        .to_owned())
}

/// Every deadline with the organisation `who` of it, once `join` reached it.
fn involving(who: Expr, join: impl FnOnce(&mut SelectStatement)) -> SelectStatement {
    let mut q = Query::select();
    q.expr_as(who, Alias::new("organization_id"))
        .column((deadline::Entity, deadline::Column::DueAt))
        .column((deadline::Entity, deadline::Column::Id))
        .expr_as(calls_for_action(), Alias::new("calls_for_action"))
        .from(deadline::Entity);
    join(&mut q);
    q
}

/// Whether a deadline still calls for action: no application of it rejected, withdrawn or closed,
/// no commitment of it other than requested, no report of it submitted or accepted (the rule
/// `deadlines::upcoming` reads the statuses by).
fn calls_for_action() -> Expr {
    let finals = ApplicationStatus::all().filter(|s| s.is_final()).map(ApplicationStatus::as_str);
    let ended = of_the_deadline(
        application::Entity,
        (application::Column::Id, application::Column::Status),
        deadline::Column::ApplicationId,
        |status| status.is_in(finals),
    );
    let settled = of_the_deadline(
        commitment::Entity,
        (commitment::Column::Id, commitment::Column::Status),
        deadline::Column::CommitmentId,
        |status| status.ne(CommitmentStatus::Requested.as_str()),
    );
    let owed = ReportStatus::all().filter(|s| s.owed()).map(ReportStatus::as_str);
    let reported = of_the_deadline(
        report::Entity,
        (report::Column::Id, report::Column::Status),
        deadline::Column::ReportId,
        |status| status.is_not_in(owed),
    );
    Expr::exists(ended).not().and(Expr::exists(settled).not()).and(Expr::exists(reported).not())
}

/// The row of `table` that the deadline's `reference` names, if its status `is` so.
fn of_the_deadline<T: Iden + Copy + 'static, C: Iden + Copy + 'static>(
    table: T,
    (id, status): (C, C),
    reference: deadline::Column,
    is: impl FnOnce(Expr) -> Expr,
) -> SelectStatement {
    let named = Alias::new(format!("calling_{}", table.to_string()));
    Query::select()
        .expr(Expr::val(1))
        .from_as(table, named.clone())
        .and_where(Expr::col((named.clone(), id)).equals((deadline::Entity, reference)))
        .and_where(is(Expr::col((named, status))))
        .to_owned()
}
