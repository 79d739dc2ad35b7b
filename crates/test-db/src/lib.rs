//! A fresh, empty database for each test — a SQLite file in a temporary directory or a uniquely
//! named PostgreSQL database — removed when the test ends, however it ends.
//!
//! PostgreSQL is found at `SALKKU_TEST_POSTGRES_URL` (default
//! `postgres://postgres@127.0.0.1:5432/postgres`, the server of these machines). When it does not
//! answer, PostgreSQL tests are skipped with a note — except under CI (`CI=true`), where that is a
//! failure: CI must prove every storage test on both stores.
//!
//! Tests written with [`on_both!`] run once per store.

#![allow(clippy::expect_used)] // test support: a broken test database should stop the test loudly

use std::time::Duration;

use sea_orm::{ConnectionTrait, Database};

/// Which store a test runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Store {
    Sqlite,
    Postgres,
}

/// A database that exists for the life of this value.
pub struct TestDatabase {
    pub url: String,
    pub store: Store,
    cleanup: Cleanup,
}

enum Cleanup {
    Sqlite(#[allow(dead_code)] tempfile::TempDir),
    Postgres { admin_url: String, name: String },
}

fn admin_url() -> String {
    std::env::var("SALKKU_TEST_POSTGRES_URL").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into())
}

fn under_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "false" && v != "0")
}

/// Replaces the database name at the end of a PostgreSQL URL.
fn with_database(url: &str, name: &str) -> String {
    let (base, query) = url.split_once('?').map_or((url, None), |(b, q)| (b, Some(q)));
    let prefix = base.rsplit_once('/').map_or(base, |(p, _)| p);
    match query {
        Some(q) => format!("{prefix}/{name}?{q}"),
        None => format!("{prefix}/{name}"),
    }
}

impl TestDatabase {
    /// A fresh database, or `None` when PostgreSQL is out of reach outside CI.
    pub async fn new(store: Store) -> Option<TestDatabase> {
        match store {
            Store::Sqlite => {
                let dir = tempfile::tempdir().expect("a temporary directory for the test database");
                let url = format!("sqlite://{}?mode=rwc", dir.path().join("salkku.db").display());
                Some(TestDatabase { url, store, cleanup: Cleanup::Sqlite(dir) })
            }
            Store::Postgres => {
                let admin_url = admin_url();
                let admin =
                    match tokio::time::timeout(Duration::from_secs(5), Database::connect(admin_url.as_str())).await {
                        Ok(Ok(conn)) => conn,
                        failure => {
                            let why = match failure {
                                Ok(Err(e)) => e.to_string(),
                                _ => "timed out".into(),
                            };
                            if under_ci() {
                                panic!("PostgreSQL at {admin_url} is required under CI and does not answer: {why}");
                            }
                            eprintln!(
                                "note: PostgreSQL at {admin_url} does not answer ({why}); skipping this PostgreSQL test"
                            );
                            return None;
                        }
                    };
                let name = format!("salkku_test_{}", uuid::Uuid::new_v4().simple());
                admin
                    .execute_unprepared(&format!("CREATE DATABASE {name}"))
                    .await
                    .expect("CREATE DATABASE for the test");
                let _ = admin.close().await;
                let url = with_database(&admin_url, &name);
                Some(TestDatabase { url, store, cleanup: Cleanup::Postgres { admin_url, name } })
            }
        }
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        if let Cleanup::Postgres { admin_url, name } = &self.cleanup {
            let (admin_url, name) = (admin_url.clone(), name.clone());
            // Drop may run inside the test's runtime, which cannot be blocked on: drop the database
            // from a thread of its own, and wait for it.
            let dropped = std::thread::spawn(move || {
                let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().ok()?;
                runtime.block_on(async {
                    let admin = Database::connect(admin_url.as_str()).await.ok()?;
                    let done =
                        admin.execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).await.ok();
                    let _ = admin.close().await;
                    done
                })
            })
            .join();
            if !matches!(dropped, Ok(Some(_))) {
                eprintln!("warning: could not drop the test database {}", self.url);
            }
        }
    }
}

/// Writes each test once per store: `async fn name(db: TestDatabase) { … }` becomes the tests
/// `name::sqlite` and `name::postgres`.
#[macro_export]
macro_rules! on_both {
    ($($(#[$meta:meta])* async fn $name:ident($db:ident : TestDatabase) $body:block)*) => {$(
        $(#[$meta])*
        mod $name {
            #[allow(unused_imports)]
            use super::*;

            async fn run($db: $crate::TestDatabase) $body

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                if let Some(db) = $crate::TestDatabase::new($crate::Store::Sqlite).await {
                    run(db).await;
                }
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                if let Some(db) = $crate::TestDatabase::new($crate::Store::Postgres).await {
                    run(db).await;
                }
            }
        }
    )*};
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_database_name_is_replaced_in_the_url() {
        assert_eq!(
            with_database("postgres://postgres@127.0.0.1:5432/postgres", "x"),
            "postgres://postgres@127.0.0.1:5432/x"
        );
        assert_eq!(with_database("postgres://u:p@h/db?sslmode=disable", "x"), "postgres://u:p@h/x?sslmode=disable");
    }
}
