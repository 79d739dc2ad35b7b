//! Each application's granted state aid and pledged self-funding, kept on its row in step with
//! its allocations and commitments, as its total cost is with its budget: the portfolio then sums
//! one table, where it joined every allocation and commitment of the portfolio, a cost that grew
//! with the portfolio and dominated the request on a large one (see docs/benchmarks.md).
//!
//! The sums are recomputed from the rows in the transaction that changes what they are made of;
//! the commands that send their writes together move the sum read from the application's row by
//! their own row (addCommitment, updateCommitment), or sum the rows in that read and add their own
//! (recordAllocation). The row is held since that read, or (on PostgreSQL, without a transaction)
//! read with its mark, and the writes are kept only while the row still bears it
//! (`Writes::unless_moved`). Every change to a sum holds the row first, in an earlier statement
//! than the one that sums, or checks the mark in the statement that writes it, so that a sum never
//! misses a change committed before it.

use salkku_domain::ids::ApplicationId;
use salkku_domain::{CommitmentKind, CommitmentStatus};
use sea_orm::ConnectionTrait;
use sea_orm::sea_query::{Alias, Condition, Expr, ExprTrait, Func, Query, SelectStatement, SimpleExpr};

use crate::StoreResult;
use crate::entities::{allocation, application as app, commitment, grant_call};
use crate::store::batch::Writes;

/// The allocations recorded for the application being updated.
fn granted() -> SimpleExpr {
    Query::select()
        .expr(Func::coalesce([Expr::col((allocation::Entity, allocation::Column::AmountCents)).sum(), Expr::val(0)]))
        .from(allocation::Entity)
        .and_where(
            Expr::col((allocation::Entity, allocation::Column::ApplicationId)).equals((app::Entity, app::Column::Id)),
        )
        .to_owned()
        .into()
}

/// Its commitments that count towards self-funding: the rule of
/// [`salkku_domain::funding::FundingSplit`] in SQL — pledged (promised or approved), cash
/// always, in kind only where its call allows it.
fn committed() -> SimpleExpr {
    let pledged = [CommitmentStatus::Promised, CommitmentStatus::Approved].map(CommitmentStatus::as_str);
    let in_kind_counts = Query::select()
        .expr(Expr::val(1))
        .from(grant_call::Entity)
        .and_where(Expr::col((grant_call::Entity, grant_call::Column::Id)).equals((app::Entity, app::Column::CallId)))
        .and_where(Expr::col((grant_call::Entity, grant_call::Column::InKindCounts)).eq(true))
        .to_owned();
    Query::select()
        .expr(Func::coalesce([Expr::col((commitment::Entity, commitment::Column::AmountCents)).sum(), Expr::val(0)]))
        .from(commitment::Entity)
        .and_where(
            Expr::col((commitment::Entity, commitment::Column::ApplicationId)).equals((app::Entity, app::Column::Id)),
        )
        .and_where(Expr::col((commitment::Entity, commitment::Column::Status)).is_in(pledged))
        .cond_where(
            Condition::any()
                .add(Expr::col((commitment::Entity, commitment::Column::Kind)).eq(CommitmentKind::Cash.as_str()))
                .add(Expr::exists(in_kind_counts)),
        )
        .to_owned()
        .into()
}

/// The self-funding pledged that counts among `commitments` (an application's, as read), in
/// cents, when in-kind pledges count as `in_kind_counts` says: the rule of
/// [`salkku_domain::funding::CommitmentFigure::counts`], as the sum above keeps it.
pub(crate) fn committed_of(commitments: &[commitment::Model], in_kind_counts: bool) -> crate::StoreResult<i64> {
    use salkku_domain::funding::CommitmentFigure;
    let corrupt = |e: salkku_domain::DomainError| crate::StoreError::corrupt(format!("a commitment: {e}"));
    let mut sum: i64 = 0;
    for m in commitments {
        let kind = CommitmentKind::parse(&m.kind).map_err(corrupt)?;
        let status = CommitmentStatus::parse(&m.status).map_err(corrupt)?;
        let figure = CommitmentFigure { amount: salkku_domain::Money::ZERO, kind, status };
        if figure.counts(in_kind_counts) {
            sum =
                sum.checked_add(m.amount_cents).ok_or_else(|| crate::StoreError::corrupt("pledges beyond any sum"))?;
        }
    }
    Ok(sum)
}

/// One of the sums kept on an application's row.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Sum {
    /// The state aid allocated to it.
    Granted,
    /// The self-funding pledged to it that counts.
    Committed,
}

/// Adds to `writes` the application's `sum` set to `cents`.
pub(crate) fn set(writes: &mut Writes, id: ApplicationId, sum: Sum, cents: i64) {
    let column = match sum {
        Sum::Granted => app::Column::StateAidGrantedCents,
        Sum::Committed => app::Column::SelfFundingCommittedCents,
    };
    let mut update = Query::update()
        .table(app::Entity)
        .value(column, cents)
        .and_where(Expr::col(app::Column::Id).eq(id.0))
        .to_owned();
    // Made without a transaction, the update of the project's row is what checks it is as read.
    writes.statement_as_read(id, &mut update);
    writes.push(&update);
}

/// Recomputes the sums of every application: after a bulk load, whose rows may come from an
/// older backup or carry any figures at all.
pub(crate) async fn refresh_all<C: ConnectionTrait>(c: &C) -> StoreResult<()> {
    c.execute(&statement()).await?;
    Ok(())
}

fn statement() -> sea_orm::sea_query::UpdateStatement {
    Query::update()
        .table(app::Entity)
        .value(app::Column::StateAidGrantedCents, granted())
        .value(app::Column::SelfFundingCommittedCents, committed())
        .to_owned()
}

/// An application's four figures, kept on its row, as `total`, `aid`, `granted` and `committed`:
/// what the portfolio and its cells sum.
pub(crate) fn with_figures(query: &mut SelectStatement) {
    let a = |c: app::Column| Expr::col((app::Entity, c));
    query
        .expr_as(a(app::Column::TotalCostCents), Alias::new("total"))
        .expr_as(a(app::Column::StateAidRequestedCents), Alias::new("aid"))
        .expr_as(a(app::Column::StateAidGrantedCents), Alias::new("granted"))
        .expr_as(a(app::Column::SelfFundingCommittedCents), Alias::new("committed"));
}
