//! Many rows at once into an empty database, keys as given: what `import`, bulk loads and the
//! portfolio cells' rebuild share. Rows go in multi-row INSERTs sized to stay under both
//! databases' limits on bound parameters.

use sea_orm::{ConnectionTrait, EntityTrait, IntoActiveModel, Iterable, PaginatorTrait};

use crate::entities::{application, organization};
use crate::{Backend, Db, StoreError, StoreResult};

/// Bound parameters per statement: SQLite allows 32 766, PostgreSQL 65 535.
const PARAMETERS: usize = 30_000;

/// Tables whose `id` comes from a sequence, which PostgreSQL must be told about after rows were
/// inserted with their keys.
pub(crate) const SERIAL_TABLES: [&str; 29] = [
    "plan_objectives",
    "plan_work_packages",
    "plan_indicators",
    "indicator_definitions",
    "indicator_actuals",
    "reminder_messages",
    "reminder_items",
    "report_obligations",
    "report_cost_lines",
    "instalments",
    "repayments",
    "organizations",
    "funding_programmes",
    "grant_calls",
    "applications",
    "budget_lines",
    "budget_versions",
    "budget_version_lines",
    "decisions",
    "change_requests",
    "change_request_lines",
    "documents",
    "commitments",
    "state_aid_allocations",
    "payments",
    "deadlines",
    "status_changes",
    "calendar_feeds",
    "audit_log",
];

/// Refuses a database that already holds a portfolio.
pub(crate) async fn ensure_empty(db: &Db) -> StoreResult<()> {
    if organization::Entity::find().count(db.conn()).await? > 0
        || application::Entity::find().count(db.conn()).await? > 0
    {
        return Err(StoreError::Backup("the database already holds data: load into an empty database".into()));
    }
    Ok(())
}

/// Inserts `rows` as they are, keys included.
pub(crate) async fn insert_models<C, E, F>(c: &C, rows: Vec<E::Model>, done: &F) -> StoreResult<u64>
where
    F: Fn(u64) + ?Sized,
    C: ConnectionTrait,
    E: EntityTrait,
    E::Model: IntoActiveModel<E::ActiveModel>,
{
    let count = rows.len() as u64;
    let per_statement = (PARAMETERS / E::Column::iter().count().max(1)).max(1);
    let mut models = rows.into_iter().map(IntoActiveModel::into_active_model).peekable();
    let mut inserted = 0_u64;
    while models.peek().is_some() {
        let chunk: Vec<E::ActiveModel> = models.by_ref().take(per_statement).collect();
        inserted += chunk.len() as u64;
        E::insert_many(chunk).exec_without_returning(c).await?;
        done(inserted);
    }
    Ok(count)
}

/// Moves PostgreSQL's sequences past the keys inserted.
pub(crate) async fn move_sequences<C: ConnectionTrait>(c: &C, backend: Backend) -> StoreResult<()> {
    if backend == Backend::Postgres {
        for table in SERIAL_TABLES {
            c.execute_unprepared(&format!(
                "SELECT setval(pg_get_serial_sequence('{table}', 'id'), COALESCE((SELECT MAX(id) FROM {table}), 0) + 1, false)"
            ))
            .await?;
        }
    }
    Ok(())
}
