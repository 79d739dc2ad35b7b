//! Tables derived from others, kept in step with them in the transaction that changes them:
//! each application's sums (`application_sums`), whom each deadline concerns (`deadline_parties`)
//! and the portfolio summed in cells (`portfolio_cells`).
//!
//! Every command whose change a derived table follows calls [`after`] once its own rows are
//! written, saying what it changed; this is
//! the one place that knows which derived table follows which change, so a new command cannot
//! forget one, and moving their upkeep elsewhere (into the database, say) is a change here alone.
//!
//! The commands that send their writes together (`store::batch`: setBudget, the commitments',
//! reports' and instalments' moves, the creates among them) cannot read what their own writes
//! did: they read the application's row held, with where the portfolio counts it
//! ([`select_standing`]), and add the derived tables' writes from what they know, through
//! [`Standing`] and the adders here. Their storage tests check the derived tables against a
//! rebuild from the rows.

mod application_sums;
mod deadline_parties;
mod pending;
pub(crate) mod portfolio_cells;

use salkku_domain::ids::ApplicationId;
use sea_orm::ConnectionTrait;

use crate::StoreResult;
use deadline_parties::Which;

pub(crate) use application_sums::{Sum, with_figures};
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
    was: Option<(chrono::DateTime<chrono::Utc>, &std::collections::BTreeSet<i64>)>,
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
/// its held row said (see `application_sums`).
pub(crate) fn set_sum(writes: &mut crate::store::batch::Writes, application: ApplicationId, sum: Sum, cents: i64) {
    application_sums::set(writes, application, sum, cents);
}

/// What a command changed.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Changed<'a> {
    what: What<'a>,
    sums: bool,
    parties: bool,
}

#[derive(Debug, Clone, Copy)]
enum What<'a> {
    Applications(&'a [ApplicationId]),
    Deadlines(&'a [i64]),
    Everything,
}

impl<'a> Changed<'a> {
    /// These applications' own rows (their names, periods, status, budget): their portfolio
    /// cells follow. Their rows must be written first: the row's lock orders two changes to one
    /// application.
    pub(crate) fn applications(ids: &'a [ApplicationId]) -> Self {
        Changed { what: What::Applications(ids), sums: false, parties: false }
    }

    /// These deadlines, added or moved: whom they concern follows.
    pub(crate) fn deadlines(ids: &'a [i64]) -> Self {
        Changed { what: What::Deadlines(ids), sums: false, parties: true }
    }

    /// Everything at once, as after a bulk load, whose rows may carry any figures at all.
    pub(crate) fn everything() -> Self {
        Changed { what: What::Everything, sums: true, parties: true }
    }

    /// And, when `changed`, what the applications' sums are made of: their allocations, their
    /// commitments, or their call (whether in-kind commitments count).
    pub(crate) fn with_sums(self, changed: bool) -> Self {
        Changed { sums: self.sums || changed, ..self }
    }

    /// And, when `changed`, whom their deadlines concern or whether those still call for action:
    /// their participants, their status, a commitment's status.
    pub(crate) fn with_parties(self, changed: bool) -> Self {
        Changed { parties: self.parties || changed, ..self }
    }
}

/// Brings every derived table that follows `changed` in step, in the caller's transaction. The
/// sums come first: the portfolio's cells sum them.
pub(crate) async fn after<C: ConnectionTrait>(c: &C, changed: Changed<'_>) -> StoreResult<()> {
    match changed.what {
        What::Applications(ids) => {
            if changed.sums {
                application_sums::refresh(c, ids).await?;
            }
            if changed.parties {
                deadline_parties::sync(c, Which::Applications(ids)).await?;
            }
            portfolio_cells::sync(c, ids).await
        }
        What::Deadlines(ids) => deadline_parties::sync(c, Which::Deadlines(ids)).await,
        What::Everything => {
            application_sums::refresh_all(c).await?;
            portfolio_cells::rebuild(c).await?;
            deadline_parties::sync(c, Which::All).await
        }
    }
}
