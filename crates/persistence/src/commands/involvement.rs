//! A coordinator's change reaches only the projects their organisation leads or co-implements
//! (`Change::limited_to`). The command's own read of what it changes asks whether the
//! organisation is involved in its project ([`ask`]), and the command checks the answer
//! ([`check`]) before anything else it read: one statement, not a read of its own before the
//! change. Who takes part changes only with a command that holds the project and changes its row,
//! so where the read holds the project (and reads again after waiting for it) or the write is kept
//! only while the row is as read, the answer stands until the change is written; withdrawing a
//! change request and attaching a document read it without holding the project, and requesting an
//! instalment as its statement began, as the policy's own read did before. A coordinator's
//! document of a decision goes to their own organisation's decisions only ([`ask_of_decision`]).

use salkku_domain::ParticipationRole;
use salkku_domain::ids::OrganizationId;
use sea_orm::QueryResult;
use sea_orm::sea_query::{Alias, Expr, ExprTrait, Query, SelectStatement};

use crate::commands::audit::Change;
use crate::entities::{application as app, decision, participant};
use crate::{Outside, StoreError, StoreResult};

/// The name the answer goes by in the read.
const INVOLVED: &str = "change_involves";

/// Adds to `query` whether the organisation `change` is limited to leads or co-implements the
/// project `project` (an expression over what `query` reads giving the project's key; null when
/// it belongs to none, which [`check`] refuses as such; a key of no project reads as not
/// involved). Nothing when the change is not limited.
pub(crate) fn ask(query: &mut SelectStatement, change: &Change<'_>, project: Expr) {
    if let Some(organization) = change.involving() {
        let answer = Expr::case(project.clone().is_null(), Expr::cust("NULL")).finally(involved(project, organization));
        query.expr_as(answer, Alias::new(INVOLVED));
    }
}

/// [`ask`] of the application `query` reads (narrowed to one): its own project.
pub(crate) fn ask_of_application(query: &mut SelectStatement, change: &Change<'_>) {
    ask(query, change, Expr::col((app::Entity, app::Column::Id)));
}

/// Adds to `query` whether the decision `decision` (an expression giving its key) is of the
/// organisation `change` is limited to: a coordinator attaches documents to their own
/// organisation's decisions only. Nothing when the change is not limited.
pub(crate) fn ask_of_decision(query: &mut SelectStatement, change: &Change<'_>, decision: Expr) {
    if let Some(organization) = change.involving() {
        // Under a name of its own, as in [`involved`]: `decision` may name the outer statement's.
        let made = Alias::new("involved_decision");
        let own = Query::select()
            .expr(Expr::col((made.clone(), decision::Column::OrganizationId)).eq(organization.0))
            .from_as(decision::Entity, made.clone())
            .and_where(Expr::col((made, decision::Column::Id)).eq(decision))
            .to_owned();
        query.expr_as(Expr::SubQuery(None, Box::new(own.into())), Alias::new(INVOLVED));
    }
}

/// Refuses the change unless the organisation it is limited to is involved in the project, as
/// read with [`ask`]: the first thing a command checks of its read.
pub(crate) fn check(row: &QueryResult, change: &Change<'_>) -> StoreResult<()> {
    check_against(row, change, Outside::Project)
}

/// Refuses the change unless the answer read under [`INVOLVED`] (by [`ask`] or
/// [`ask_of_decision`]) is true: false is `outside`, and null is something of no project.
pub(crate) fn check_against(row: &QueryResult, change: &Change<'_>, outside: Outside) -> StoreResult<()> {
    if change.involving().is_none() {
        return Ok(());
    }
    match row.try_get::<Option<bool>>("", INVOLVED)? {
        Some(true) => {
            change.involvement_checked();
            Ok(())
        }
        Some(false) => Err(StoreError::NotInvolved { outside }),
        None => Err(StoreError::NotInvolved { outside: Outside::NoProject }),
    }
}

/// Whether `organization` leads the application `project` (an expression giving its key) or
/// co-implements it. The tables are read under names of their own, so that `project` may name
/// the same tables in the statement around it.
fn involved(project: Expr, organization: OrganizationId) -> Expr {
    let (lead, partner) = (Alias::new("involved_lead"), Alias::new("involved_partner"));
    let leads = Query::select()
        .expr(Expr::val(1))
        .from_as(app::Entity, lead.clone())
        .and_where(Expr::col((lead.clone(), app::Column::Id)).eq(project.clone()))
        .and_where(Expr::col((lead, app::Column::LeadId)).eq(organization.0))
        .to_owned();
    let co_implements = Query::select()
        .expr(Expr::val(1))
        .from_as(participant::Entity, partner.clone())
        .and_where(Expr::col((partner.clone(), participant::Column::ApplicationId)).eq(project))
        .and_where(Expr::col((partner.clone(), participant::Column::OrganizationId)).eq(organization.0))
        .and_where(Expr::col((partner, participant::Column::Role)).eq(ParticipationRole::CoImplementer.as_str()))
        .to_owned();
    Expr::exists(leads).or(Expr::exists(co_implements))
}
