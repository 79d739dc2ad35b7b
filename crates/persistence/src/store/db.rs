//! Connecting to SQLite or PostgreSQL, migrating, and transactions.
//!
//! SQLite is the embedded default: one file, WAL so readers never wait for the writer, a busy
//! timeout, foreign keys enforced, and writers queued inside the process so that two requests
//! never race for the write lock ("database is locked" never reaches a user). PostgreSQL is the
//! production store; its own locking serves concurrent writers and replicas.

use std::sync::Arc;
use std::time::Duration;

use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
use sea_orm::{
    ConnectOptions, ConnectionTrait, DatabaseTransaction, DbBackend, SqliteTransactionMode, TransactionOptions,
    TransactionTrait,
};
use tokio::sync::{Mutex, OwnedMutexGuard};

use crate::StoreResult;
use crate::store::pool::{Conn, Lease};

const PARALLEL_WORKERS: &str = "max_parallel_workers_per_gather";

/// How to reach the database.
#[derive(Debug, Clone)]
pub struct DbSettings {
    /// `sqlite://PATH?mode=rwc` or `postgres://…`.
    pub url: String,
    pub max_connections: u32,
    /// Connections the pool keeps open. Beyond the first, they are opened in the background
    /// after connecting, so that no request waits for one: a new PostgreSQL connection costs a
    /// TLS handshake that takes many times as long as a usual request, which showed in the tail
    /// latency while the pool grew under load (see docs/benchmarks.md).
    pub min_connections: u32,
    pub acquire_timeout: Duration,
    /// PostgreSQL cancels a statement that runs longer (none when `None`).
    pub statement_timeout: Option<Duration>,
}

impl DbSettings {
    pub fn new(url: impl Into<String>) -> Self {
        DbSettings {
            url: url.into(),
            max_connections: 10,
            min_connections: 1,
            acquire_timeout: Duration::from_secs(5),
            statement_timeout: None,
        }
    }
}

/// The two stores salkku runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    /// The store a connection's SQL is written for; `None` for one salkku does not run on.
    pub(crate) fn of(backend: DbBackend) -> Option<Backend> {
        match backend {
            DbBackend::Sqlite => Some(Backend::Sqlite),
            DbBackend::Postgres => Some(Backend::Postgres),
            _ => None,
        }
    }
}

/// The connection pool's use, for metrics.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PoolUse {
    /// Connections open, idle or in use.
    pub open: u32,
    pub idle: u32,
    pub max: u32,
}

impl PoolUse {
    /// Connections a statement could have now without waiting: the idle ones, and those the
    /// pool may still open.
    pub fn spare(self) -> u32 {
        self.idle.saturating_add(self.max.saturating_sub(self.open))
    }
}

/// The connections (see [`crate::store::pool`]) and, on SQLite, the queue of writers.
#[derive(Clone)]
pub struct Db {
    conn: Conn,
    backend: Backend,
    writer: Option<Arc<Mutex<()>>>,
    observer: Option<Observer>,
}

/// What is told the text of every statement ([`Db::set_statement_observer`]).
type Observer = Arc<dyn Fn(&str) + Send + Sync>;

/// A transaction for writes. Dropped without [`WriteTx::commit`], it rolls back.
pub struct WriteTx {
    tx: DatabaseTransaction,
    observer: Option<Observer>,
    _turn: Option<OwnedMutexGuard<()>>,
    // Dropped after the transaction, which gives its connection back first.
    _lane: Option<Lease>,
}

impl WriteTx {
    pub async fn commit(self) -> StoreResult<()> {
        if let Some(observer) = &self.observer {
            observer("COMMIT");
        }
        self.tx.commit().await?;
        Ok(())
    }
}

impl std::ops::Deref for WriteTx {
    type Target = DatabaseTransaction;
    fn deref(&self) -> &DatabaseTransaction {
        &self.tx
    }
}

/// A read-only transaction over one snapshot (see [`Db::begin_snapshot`]).
pub struct Snapshot {
    tx: DatabaseTransaction,
    _lane: Option<Lease>,
}

impl Snapshot {
    pub async fn commit(self) -> StoreResult<()> {
        self.tx.commit().await?;
        Ok(())
    }

    pub async fn rollback(self) -> StoreResult<()> {
        self.tx.rollback().await?;
        Ok(())
    }
}

impl std::ops::Deref for Snapshot {
    type Target = DatabaseTransaction;
    fn deref(&self) -> &DatabaseTransaction {
        &self.tx
    }
}

/// A pooled connection idle this long is pinged before a request gets it. sqlx already pings
/// every connection as it goes back to the pool and closes it when that fails; pinging again on
/// every acquire put a second round trip before every statement, which cost a noticeable part of
/// the throughput of one request at a time (see docs/benchmarks.md). A connection idle this long
/// may have been broken by an outage that the pool did not see; one used more recently that a
/// very short outage broke fails one request and is closed as it goes back.
const PING_IF_IDLE_FOR: Duration = Duration::from_secs(5);

impl Db {
    pub async fn connect(settings: &DbSettings) -> StoreResult<Db> {
        let backend = if settings.url.starts_with("sqlite:") {
            Backend::Sqlite
        } else if settings.url.starts_with("postgres:") || settings.url.starts_with("postgresql:") {
            Backend::Postgres
        } else {
            return Err(sea_orm::DbErr::Custom("the database URL must start with sqlite: or postgres:".into()).into());
        };
        let conn = match backend {
            Backend::Sqlite => {
                let min = settings.min_connections.clamp(1, settings.max_connections.max(1));
                let options = options(settings, backend, settings.max_connections, min, min > 1);
                Conn::pool(sea_orm::Database::connect(options).await?)
            }
            Backend::Postgres => {
                let mut lanes = Vec::new();
                for lane in 0..settings.max_connections.max(1) {
                    // The first `min_connections` lanes keep their connection open; the first
                    // connects now, the others in the background.
                    let min = u32::from(lane < settings.min_connections.max(1));
                    lanes.push(sea_orm::Database::connect(options(settings, backend, 1, min, lane > 0)).await?);
                }
                Conn::lanes(lanes, settings.acquire_timeout)
            }
        };
        let writer = (backend == Backend::Sqlite).then(|| Arc::new(Mutex::new(())));
        let db = Db { conn, backend, writer, observer: None };
        // A lazy pool has not connected yet: fail here, not at the first request, when the
        // database cannot be reached.
        db.ping().await?;
        Ok(db)
    }

    /// A read-only transaction that sees one consistent snapshot for all its statements (REPEATABLE
    /// READ on PostgreSQL; a read transaction in WAL mode on SQLite): for reports and exports that
    /// read in several statements.
    pub async fn begin_snapshot(&self) -> StoreResult<Snapshot> {
        let (conn, lane) = self.conn.hold().await?;
        let tx = match self.backend {
            Backend::Postgres => {
                conn.begin_with_config(
                    Some(sea_orm::IsolationLevel::RepeatableRead),
                    Some(sea_orm::AccessMode::ReadOnly),
                )
                .await?
            }
            Backend::Sqlite => conn.begin().await?,
        };
        Ok(Snapshot { tx, _lane: lane })
    }

    /// Where the primary's write-ahead log stands now (PostgreSQL's LSN, e.g. "0/3000148"): a
    /// replica that has replayed this far has every change committed so far. SQLite has none.
    pub async fn wal_position(&self) -> StoreResult<Option<String>> {
        if self.backend != Backend::Postgres {
            return Ok(None);
        }
        let sql = "SELECT pg_current_wal_lsn()::text AS lsn";
        let row =
            self.conn.query_one_raw(sea_orm::Statement::from_string(self.conn.get_database_backend(), sql)).await?;
        Ok(row.map(|r| r.try_get::<String>("", "lsn")).transpose()?)
    }

    /// Whether this database (a replica) has replayed the primary's log up to `lsn`. A database
    /// that is not replaying a log (no standby), or SQLite, cannot say so: false.
    pub async fn caught_up(&self, lsn: &str) -> StoreResult<bool> {
        if self.backend != Backend::Postgres {
            return Ok(false);
        }
        let sql = "SELECT COALESCE(pg_last_wal_replay_lsn() >= $1::pg_lsn, false) AS caught_up";
        let statement = sea_orm::Statement::from_sql_and_values(self.conn.get_database_backend(), sql, [lsn.into()]);
        let row = self.conn.query_one_raw(statement).await?;
        Ok(row.map(|r| r.try_get::<bool>("", "caught_up")).transpose()?.unwrap_or(false))
    }

    /// Whether the database answers.
    pub async fn ping(&self) -> StoreResult<()> {
        let (conn, _lane) = self.conn.hold().await?;
        conn.ping().await?;
        Ok(())
    }

    pub fn conn(&self) -> &Conn {
        &self.conn
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    pub fn db_backend(&self) -> DbBackend {
        self.conn.get_database_backend()
    }

    /// Starts a write transaction; on SQLite, waits for the writers ahead of it first.
    pub async fn begin_write(&self) -> StoreResult<WriteTx> {
        let turn = match &self.writer {
            Some(lock) => Some(lock.clone().lock_owned().await),
            None => None,
        };
        // On SQLite a write transaction takes the write lock at BEGIN (IMMEDIATE): a transaction
        // that read first and upgraded later would fail at once with "database is locked" when
        // another process writes, where BEGIN IMMEDIATE waits its turn under the busy timeout.
        let (conn, lane) = self.conn.hold().await?;
        let tx = match self.backend {
            Backend::Sqlite => {
                let options = TransactionOptions {
                    sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
                    ..Default::default()
                };
                conn.begin_with_options(options).await?
            }
            Backend::Postgres => conn.begin().await?,
        };
        if let Some(observer) = &self.observer {
            observer("BEGIN");
        }
        Ok(WriteTx { tx, observer: self.observer.clone(), _turn: turn, _lane: lane })
    }

    /// Tells `observer` the text of every statement run through this pool from now on (for tests
    /// and metrics), the BEGIN and COMMIT of a write transaction included (the pool does not see
    /// them).
    pub fn set_statement_observer(&mut self, observer: impl Fn(&str) + Send + Sync + 'static) {
        let observer: Observer = Arc::new(observer);
        self.observer = Some(observer.clone());
        self.conn = self.conn.map_each(|pool| {
            let observer = observer.clone();
            pool.set_metric_callback(move |info| observer(&info.statement.sql));
        });
    }

    /// How the connection pool is used at this moment.
    pub fn pool_use(&self) -> PoolUse {
        self.conn.pool_use()
    }

    pub async fn close(self) -> StoreResult<()> {
        for conn in self.conn.each() {
            conn.clone().close().await?;
        }
        Ok(())
    }
}

/// How to open one pool: of `max` connections, `min` of them kept open; `lazy`, it connects in
/// the background instead of before it is returned.
fn options(settings: &DbSettings, backend: Backend, max: u32, min: u32, lazy: bool) -> ConnectOptions {
    let mut options = ConnectOptions::new(settings.url.clone());
    options
        .max_connections(max)
        .min_connections(min.min(max))
        .connect_lazy(lazy)
        .acquire_timeout(settings.acquire_timeout)
        .connect_timeout(settings.acquire_timeout)
        .sqlx_logging(false)
        .test_before_acquire_if_idle_for(PING_IF_IDLE_FOR);
    if let (Backend::Postgres, Some(limit)) = (backend, settings.statement_timeout) {
        options.statement_timeout(limit);
    }
    if backend == Backend::Postgres && !settings.url.contains(PARALLEL_WORKERS) {
        // Parallel workers help one big query on an idle server; an API runs many small ones
        // at once on shared cores, and lost by them: under concurrent requests an organisation's
        // deadlines answered far fewer a second with them than without (see docs/benchmarks.md).
        // A URL that sets it (`options=-c max_parallel_workers_per_gather=2`) wins.
        options.map_sqlx_postgres_opts(|o| o.options([(PARALLEL_WORKERS, "0")]));
    }
    if backend == Backend::Sqlite {
        options.map_sqlx_sqlite_opts(|o| {
            o.journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal)
                .busy_timeout(Duration::from_secs(10))
                .foreign_keys(true)
        });
    }
    options
}

#[cfg(test)]
mod tests {
    use super::PoolUse;

    #[test]
    fn spare_connections_are_the_idle_ones_and_those_not_yet_opened() {
        assert_eq!(PoolUse { open: 1, idle: 1, max: 10 }.spare(), 10);
        assert_eq!(PoolUse { open: 20, idle: 2, max: 20 }.spare(), 2);
        assert_eq!(PoolUse { open: 20, idle: 0, max: 20 }.spare(), 0);
    }
}
