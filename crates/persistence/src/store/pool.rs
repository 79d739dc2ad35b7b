//! The connections a process keeps to PostgreSQL, the most recently used handed out first.
//!
//! sqlx's pool hands out its idle connections oldest first. Once a burst has opened many, even one
//! request at a time then goes to a different PostgreSQL backend each time, one whose caches have
//! gone cold since its last turn: the same request cost PostgreSQL clearly more CPU that way than
//! on one warm connection, and one request at a time was slower for it (see docs/benchmarks.md).
//! PgBouncer (`server_round_robin = 0`, its default) and node-postgres's pool reuse the most
//! recently returned connection for the same reason.
//!
//! Each connection here is a sqlx pool of one, which opens it when first needed, pings it after
//! an idle spell, reopens it when it broke and closes it when idle for long; a statement or a
//! transaction takes the lane most recently given back whose connection is ready. Under light
//! load the same few backends answer and the rest wait idle (closed after a while unless kept
//! open by `min_connections`); under heavy load every lane is busy, as every connection of one
//! pool would be.

use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use sea_orm::{
    ConnAcquireErr, ConnectionTrait, DatabaseConnection, DbBackend, DbErr, ExecResult, QueryResult, Statement,
};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use crate::PoolUse;

/// Connections to the database: a sqlx pool as it is (SQLite: one file, no backends to keep
/// warm), or lanes of one PostgreSQL connection each, the most recently used first.
#[derive(Clone)]
pub struct Conn(Inner);

#[derive(Clone)]
enum Inner {
    Pool(DatabaseConnection),
    Lanes(Lanes),
}

#[derive(Clone)]
struct Lanes {
    lanes: Arc<[DatabaseConnection]>,
    free: Arc<Free>,
    acquire_timeout: Duration,
}

/// The lanes no one holds: a stack, the lane given back last on top.
struct Free {
    stack: Mutex<Vec<usize>>,
    permits: Arc<Semaphore>,
}

/// One lane, held until dropped; then it goes back on top of the stack. The lane taken is the
/// topmost whose connection is ready.
pub(crate) struct Lease {
    free: Arc<Free>,
    lane: usize,
    _permit: OwnedSemaphorePermit,
}

impl Drop for Lease {
    fn drop(&mut self) {
        // Back on the stack before the permit (dropped after this) lets a waiter look for it.
        self.free.stack.lock().unwrap_or_else(PoisonError::into_inner).push(self.lane);
    }
}

impl Conn {
    pub(crate) fn pool(conn: DatabaseConnection) -> Conn {
        Conn(Inner::Pool(conn))
    }

    /// `lanes` of one connection each; a caller waits at most `acquire_timeout` for one.
    pub(crate) fn lanes(lanes: Vec<DatabaseConnection>, acquire_timeout: Duration) -> Conn {
        // Lane 0 on top: the lane connected first is the one used first.
        let stack: Vec<usize> = (0..lanes.len()).rev().collect();
        let free = Free { permits: Arc::new(Semaphore::new(stack.len())), stack: Mutex::new(stack) };
        Conn(Inner::Lanes(Lanes { lanes: lanes.into(), free: Arc::new(free), acquire_timeout }))
    }

    /// A connection of its own for a while (a transaction, migrations): a lane taken as a
    /// statement takes one, held until the lease is dropped; without lanes, the pool itself.
    pub(crate) async fn hold(&self) -> Result<(&DatabaseConnection, Option<Lease>), DbErr> {
        match &self.0 {
            Inner::Pool(conn) => Ok((conn, None)),
            Inner::Lanes(lanes) => {
                let lease = lanes.lease().await?;
                Ok((lanes.lane(&lease), Some(lease)))
            }
        }
    }

    /// Every pool underneath, to configure or to read.
    pub(crate) fn each(&self) -> &[DatabaseConnection] {
        match &self.0 {
            Inner::Pool(conn) => std::slice::from_ref(conn),
            Inner::Lanes(lanes) => &lanes.lanes,
        }
    }

    /// The same connections, each pool underneath changed by `f` (a metric callback).
    pub(crate) fn map_each(&self, mut f: impl FnMut(&mut DatabaseConnection)) -> Conn {
        match &self.0 {
            Inner::Pool(conn) => {
                let mut conn = conn.clone();
                f(&mut conn);
                Conn(Inner::Pool(conn))
            }
            Inner::Lanes(lanes) => {
                let changed: Vec<DatabaseConnection> = lanes
                    .lanes
                    .iter()
                    .map(|lane| {
                        let mut lane = lane.clone();
                        f(&mut lane);
                        lane
                    })
                    .collect();
                Conn(Inner::Lanes(Lanes { lanes: changed.into(), ..lanes.clone() }))
            }
        }
    }

    /// How the connections are used at this moment, every lane summed.
    pub(crate) fn pool_use(&self) -> PoolUse {
        self.each().iter().map(use_of).fold(PoolUse { open: 0, idle: 0, max: 0 }, |all, one| PoolUse {
            open: all.open.saturating_add(one.open),
            idle: all.idle.saturating_add(one.idle),
            max: all.max.saturating_add(one.max),
        })
    }

    /// The first pool underneath (`Db::connect` makes at least one lane).
    fn first(&self) -> Option<&DatabaseConnection> {
        self.each().first()
    }
}

impl Lanes {
    async fn lease(&self) -> Result<Lease, DbErr> {
        let permit = match self.free.permits.clone().try_acquire_owned() {
            Ok(permit) => permit,
            Err(_) => match tokio::time::timeout(self.acquire_timeout, self.free.permits.clone().acquire_owned()).await
            {
                Ok(Ok(permit)) => permit,
                Ok(Err(_)) => return Err(DbErr::ConnectionAcquire(ConnAcquireErr::ConnectionClosed)),
                Err(_) => return Err(DbErr::ConnectionAcquire(ConnAcquireErr::Timeout)),
            },
        };
        // A permit is a lane on the stack: one permit per lane, and a lane goes back on the stack
        // before its permit is released.
        let lane = {
            let mut stack = self.free.stack.lock().unwrap_or_else(PoisonError::into_inner);
            match stack.iter().rposition(|&lane| self.ready(lane)) {
                Some(at) => Some(stack.remove(at)),
                None => stack.pop(),
            }
        };
        let lane = lane.ok_or(DbErr::ConnectionAcquire(ConnAcquireErr::ConnectionClosed))?;
        Ok(Lease { free: self.free.clone(), lane, _permit: permit })
    }

    /// Whether a lane's connection is in its pool, or not yet opened. sqlx pings a connection
    /// as it goes back to its pool, after the statement's caller has its rows: the lane given back
    /// last may still be on its way, and the next statement would wait for that round trip (a
    /// page of applications, four statements in a row, waited for it each time and was
    /// noticeably slower under concurrent load).
    fn ready(&self, lane: usize) -> bool {
        let lane = use_of(&self.lanes[lane]);
        lane.open == 0 || lane.idle > 0
    }

    fn lane(&self, lease: &Lease) -> &DatabaseConnection {
        &self.lanes[lease.lane]
    }
}

/// How one pool underneath is used at this moment.
fn use_of(conn: &DatabaseConnection) -> PoolUse {
    let (open, idle, max) = match conn.get_database_backend() {
        DbBackend::Postgres => {
            let pool = conn.get_postgres_connection_pool();
            (pool.size(), pool.num_idle(), pool.options().get_max_connections())
        }
        DbBackend::Sqlite => {
            let pool = conn.get_sqlite_connection_pool();
            (pool.size(), pool.num_idle(), pool.options().get_max_connections())
        }
        // Neither store salkku runs on: never made by `Db::connect`.
        _ => (0, 0, 0),
    };
    PoolUse { open, idle: u32::try_from(idle).unwrap_or(u32::MAX), max }
}

/// Runs one call on the lane on top of the stack, or on the pool.
macro_rules! on_a_connection {
    ($self:ident, $conn:ident => $call:expr) => {
        match &$self.0 {
            Inner::Pool($conn) => $call,
            Inner::Lanes(lanes) => {
                let lease = lanes.lease().await?;
                let $conn = lanes.lane(&lease);
                $call
            }
        }
    };
}

#[async_trait::async_trait]
impl ConnectionTrait for Conn {
    fn get_database_backend(&self) -> DbBackend {
        self.first().map_or(DbBackend::Postgres, DatabaseConnection::get_database_backend)
    }

    async fn execute_raw(&self, stmt: Statement) -> Result<ExecResult, DbErr> {
        on_a_connection!(self, conn => conn.execute_raw(stmt).await)
    }

    async fn execute_unprepared(&self, sql: &str) -> Result<ExecResult, DbErr> {
        on_a_connection!(self, conn => conn.execute_unprepared(sql).await)
    }

    async fn query_one_raw(&self, stmt: Statement) -> Result<Option<QueryResult>, DbErr> {
        on_a_connection!(self, conn => conn.query_one_raw(stmt).await)
    }

    async fn query_all_raw(&self, stmt: Statement) -> Result<Vec<QueryResult>, DbErr> {
        on_a_connection!(self, conn => conn.query_all_raw(stmt).await)
    }

    fn support_returning(&self) -> bool {
        self.first().is_some_and(DatabaseConnection::support_returning)
    }

    fn is_mock_connection(&self) -> bool {
        false
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use sea_orm::{ConnectOptions, ConnectionTrait, DatabaseConnection, DbBackend, DbErr, Statement};

    use super::Conn;

    /// `n` lanes, each an in-memory database marked with its number.
    async fn lanes(n: usize) -> Conn {
        let mut lanes: Vec<DatabaseConnection> = Vec::new();
        for i in 0..n {
            let mut options = ConnectOptions::new("sqlite::memory:");
            options.max_connections(1).min_connections(1);
            let lane = sea_orm::Database::connect(options).await.unwrap();
            lane.execute_unprepared(&format!("CREATE TABLE mark (n INTEGER); INSERT INTO mark VALUES ({i})"))
                .await
                .unwrap();
            lanes.push(lane);
        }
        Conn::lanes(lanes, Duration::from_millis(50))
    }

    /// Which lane answered: each in-memory database holds its own mark. Returns once the lane's
    /// connection is back in its pool, as between two requests.
    async fn mark(conn: &Conn) -> i64 {
        let row = conn.query_one_raw(Statement::from_string(DbBackend::Sqlite, "SELECT n FROM mark")).await.unwrap();
        let n = row.unwrap().try_get_by_index::<i64>(0).unwrap();
        let lane = conn.each()[usize::try_from(n).unwrap()].get_sqlite_connection_pool();
        for _ in 0..5_000 {
            if lane.num_idle() == 1 {
                break;
            }
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
        n
    }

    #[tokio::test]
    async fn the_lane_given_back_last_is_the_next_one_used() {
        let conn = lanes(3).await;
        // One at a time, always the same lane: the first.
        for _ in 0..3 {
            assert_eq!(mark(&conn).await, 0);
        }
        // Two held: the next is the third; given back in the order 1, 0, lane 0 is on top again.
        let (_, first) = conn.hold().await.unwrap();
        let (_, second) = conn.hold().await.unwrap();
        assert_eq!(mark(&conn).await, 2);
        drop(second);
        drop(first);
        assert_eq!(mark(&conn).await, 0);
    }

    #[tokio::test]
    async fn a_lane_whose_connection_is_not_back_yet_is_passed_over() {
        let conn = lanes(2).await;
        assert_eq!(mark(&conn).await, 0);
        // Lane 0 is on top, but its one connection is out (as while sqlx pings it on its way back).
        let out = conn.each()[0].get_sqlite_connection_pool().acquire().await.unwrap();
        assert_eq!(mark(&conn).await, 1);
        drop(out);
        assert_eq!(mark(&conn).await, 1, "the lane given back last, ready again");
    }

    #[tokio::test]
    async fn with_every_lane_held_a_statement_waits_then_times_out() {
        let conn = lanes(1).await;
        let held = conn.hold().await.unwrap();
        let waited = conn.query_one_raw(Statement::from_string(DbBackend::Sqlite, "SELECT 1")).await;
        assert!(matches!(waited, Err(DbErr::ConnectionAcquire(_))), "{waited:?}");
        drop(held);
        assert!(conn.query_one_raw(Statement::from_string(DbBackend::Sqlite, "SELECT 1")).await.is_ok());
    }
}
