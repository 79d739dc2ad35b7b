//! Derived tables a migration brings are filled after it, by the rules the storage keeps them by
//! (a migration must not know them). The migration leaves a row in `derived_rebuilds`; the row
//! is deleted in the transaction that fills its table, so a fill that failed, or a process that
//! stopped before it, is retried at the next start. On PostgreSQL the rows are locked first: a
//! second instance starting at the same time waits, then finds nothing left to fill.

use sea_orm::sea_query::{Alias, Expr, ExprTrait, LockType, Query};
use sea_orm::{ConnectionTrait, FromQueryResult};

use super::{deadline_parties, portfolio_cells};
use crate::{Backend, Db, StoreResult};

const TABLE: &str = "derived_rebuilds";

#[derive(Debug, FromQueryResult)]
struct Pending {
    name: String,
}

/// Fills every derived table a migration asked for, each in the transaction that clears its ask.
pub(crate) async fn fill_pending(db: &Db) -> StoreResult<()> {
    let tx = db.begin_write().await?;
    if db.backend() == Backend::Postgres {
        // A fill runs once, after a migration, and may take long: on a large portfolio, filling
        // the deadline parties takes far longer than any request should. The server's limit per
        // statement is for requests.
        tx.execute_unprepared("SET LOCAL statement_timeout = 0").await?;
    }
    let asked = Query::select()
        .column(Alias::new("name"))
        .from(Alias::new(TABLE))
        .order_by(Alias::new("name"), sea_orm::sea_query::Order::Asc)
        .lock(LockType::Update)
        .to_owned();
    let pending = Pending::find_by_statement(tx.get_database_backend().build(&asked)).all(&*tx).await?;
    for Pending { name } in pending {
        match name.as_str() {
            "portfolio_cells" => portfolio_cells::rebuild(&*tx).await?,
            "deadline_parties" => deadline_parties::rebuild(&*tx).await?,
            // Asked by a newer version's migration: that version fills it.
            _ => continue,
        }
        tx.execute(
            &Query::delete().from_table(Alias::new(TABLE)).and_where(Expr::col(Alias::new("name")).eq(name)).to_owned(),
        )
        .await?;
    }
    tx.commit().await?;
    Ok(())
}
