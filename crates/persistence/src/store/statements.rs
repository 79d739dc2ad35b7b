//! Statements kept by what they are built from. The portfolio's statement is the same text and
//! values for the same filter, and building it (sea-query assembling and writing a union of
//! three or four grouped selects) was a large share of salkku's work on a portfolio request (see
//! docs/benchmarks.md). Only statements are kept, never rows: nothing here can go stale, and
//! replicas need not share it.

use std::hash::Hash;
use std::num::NonZeroUsize;
use std::sync::{Mutex, PoisonError};

use lru::LruCache;
use sea_orm::{DbBackend, Statement};

use crate::store::db::Backend;

/// Statements (or what holds them, `V`) built from keys `K`, the most recently used kept.
/// Keyed by the store too: a process may hold databases of both.
pub(crate) struct Built<K: Hash + Eq, V: Clone = Statement> {
    kept: Mutex<LruCache<(Option<Backend>, K), V>>,
}

impl<K: Hash + Eq, V: Clone> Built<K, V> {
    pub(crate) fn new(entries: NonZeroUsize) -> Self {
        Built { kept: Mutex::new(LruCache::new(entries)) }
    }

    /// The statement built for `key` on `backend`: kept from before, or built now and kept. The
    /// lock is not held while building.
    pub(crate) fn get(&self, backend: DbBackend, key: K, build: impl FnOnce() -> V) -> V {
        let key = (Backend::of(backend), key);
        if let Some(kept) = self.kept.lock().unwrap_or_else(PoisonError::into_inner).get(&key) {
            return kept.clone();
        }
        let built = build();
        self.kept.lock().unwrap_or_else(PoisonError::into_inner).put(key, built.clone());
        built
    }
}

#[cfg(test)]
mod tests {
    use std::cell::Cell;

    use super::*;

    fn statement(sql: &str) -> Statement {
        Statement::from_string(DbBackend::Postgres, sql)
    }

    #[test]
    fn a_statement_is_built_once_per_key_and_backend() {
        let built: Built<i32> = Built::new(NonZeroUsize::MIN.saturating_add(1));
        let builds = Cell::new(0);
        let build = |sql: &'static str| {
            builds.set(builds.get() + 1);
            statement(sql)
        };
        assert_eq!(built.get(DbBackend::Postgres, 1, || build("a")).sql, "a");
        assert_eq!(built.get(DbBackend::Postgres, 1, || build("b")).sql, "a");
        assert_eq!(built.get(DbBackend::Sqlite, 1, || build("c")).sql, "c");
        assert_eq!(builds.get(), 2);
    }

    #[test]
    fn the_least_recently_used_statement_gives_way() {
        let built: Built<i32> = Built::new(NonZeroUsize::MIN.saturating_add(1));
        built.get(DbBackend::Postgres, 1, || statement("one"));
        built.get(DbBackend::Postgres, 2, || statement("two"));
        built.get(DbBackend::Postgres, 1, || statement("not built"));
        built.get(DbBackend::Postgres, 3, || statement("three"));
        assert_eq!(built.get(DbBackend::Postgres, 1, || statement("again")).sql, "one");
        assert_eq!(built.get(DbBackend::Postgres, 2, || statement("two, again")).sql, "two, again");
    }
}
