//! Tables derived from others, kept in step with them in the transaction that changes them:
//! each application's sums (`application_sums`), whom each deadline concerns (`deadline_parties`)
//! and the portfolio summed in cells (`portfolio_cells`).
//!
//! Every command sends its writes together (`store::batch`) and so cannot read what its own
//! writes did: it reads the application's row held (or with its mark, its writes kept only while
//! the row bears it: `Writes::unless_moved`), with where the portfolio counts it
//! ([`select_standing`]) and what else the derived tables follow, and adds the derived tables'
//! writes from what it knows, through [`Standing`] and the adders here. Their storage tests check
//! the derived tables against a rebuild from the rows ([`rebuild`], which a bulk load and a
//! restored backup run).

mod application_sums;
mod deadline_parties;
mod pending;
pub(crate) mod portfolio_cells;

use salkku_domain::ids::ApplicationId;
use sea_orm::ConnectionTrait;

use crate::StoreResult;

pub(crate) use application_sums::{Sum, committed_of, with_figures};
// A command that sends its writes together (`store::batch`) reads where its application stands
// with its own row and adds the cells' writes to its own: setBudget.
pub(crate) use pending::fill_pending;
pub(crate) use portfolio_cells::{Standing, select_standing};

/// Adds to a command's `writes` whether the deadline of a commitment whose status it changes
/// calls for action.
pub(crate) fn set_commitment_deadline_calling(
    writes: &mut crate::store::batch::Writes,
    commitment: salkku_domain::ids::CommitmentId,
    calls_for_action: bool,
) {
    deadline_parties::set_calling(
        writes,
        (crate::entities::deadline::Column::CommitmentId, commitment.0),
        calls_for_action,
    );
}

/// Adds to a command's `writes` whether the deadline of a report whose status it changes calls
/// for action.
pub(crate) fn set_report_deadline_calling(
    writes: &mut crate::store::batch::Writes,
    report: salkku_domain::ids::ReportId,
    calls_for_action: bool,
) {
    deadline_parties::set_calling(writes, (crate::entities::deadline::Column::ReportId, report.0), calls_for_action);
}

/// Adds to a command's `writes` that the deadline of a report moved to `due_at`, and whether it
/// calls for action.
pub(crate) fn move_report_deadline(
    writes: &mut crate::store::batch::Writes,
    report: salkku_domain::ids::ReportId,
    due_at: chrono::DateTime<chrono::Utc>,
    calls_for_action: bool,
) {
    deadline_parties::set_due_and_calling(
        writes,
        (crate::entities::deadline::Column::ReportId, report.0),
        due_at,
        calls_for_action,
    );
}

/// Adds to a command's `writes` whom a deadline it adds in them concerns: the lead and the
/// participants of `application`, and `also`.
pub(crate) fn add_parties(
    writes: &mut crate::store::batch::Writes,
    deadline: i64,
    due_at: chrono::DateTime<chrono::Utc>,
    application: Option<ApplicationId>,
    also: &[salkku_domain::ids::OrganizationId],
    calls_for_action: bool,
) -> StoreResult<()> {
    deadline_parties::add_for_new(writes, deadline, due_at, application, also, calls_for_action)
}

/// Adds to a command's `writes` whom a deadline concerns, from whom it concerned as read (see
/// `deadline_parties::set_for`).
pub(crate) fn set_parties(
    writes: &mut crate::store::batch::Writes,
    deadline: i64,
    due_at: chrono::DateTime<chrono::Utc>,
    was: Option<(chrono::DateTime<chrono::Utc>, &std::collections::BTreeSet<i64>, bool)>,
    orgs: &std::collections::BTreeSet<i64>,
    calls_for_action: bool,
) -> StoreResult<()> {
    deadline_parties::set_for(writes, deadline, due_at, was, orgs, calls_for_action)
}

/// Adds to a command's `writes` that a deadline it removes concerns no one.
pub(crate) fn remove_parties(writes: &mut crate::store::batch::Writes, deadline: i64) {
    deadline_parties::remove_of(writes, deadline);
}

/// Adds to a command's `writes` that the application's deadlines no longer call for action: it
/// has reached a final status.
pub(crate) fn end_deadlines_of(writes: &mut crate::store::batch::Writes, application: ApplicationId) {
    deadline_parties::set_calling(writes, (crate::entities::deadline::Column::ApplicationId, application.0), false);
}

/// Adds to a command's `writes` one of the application's sums, moved by the command from what
/// its row said as read, held or with its mark (see `application_sums`).
pub(crate) fn set_sum(writes: &mut crate::store::batch::Writes, application: ApplicationId, sum: Sum, cents: i64) {
    application_sums::set(writes, application, sum, cents);
}

/// Brings every derived table in step with everything, in the caller's transaction: after a
/// bulk load or a restored backup, whose rows may carry any figures at all. The sums come first:
/// the portfolio's cells sum them.
pub(crate) async fn rebuild<C: ConnectionTrait>(c: &C) -> StoreResult<()> {
    application_sums::refresh_all(c).await?;
    portfolio_cells::rebuild(c).await?;
    deadline_parties::rebuild(c).await
}
