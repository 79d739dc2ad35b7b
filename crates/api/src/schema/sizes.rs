//! The stored sizes of the lists the schema answers without paging, which the cost model counts
//! them by (see the limits): per parent, what the largest page of parents holds (see
//! `salkku_persistence::views::list_sizes`). They are measured at start-up and again every
//! `Limits::sizes_every` by a worker beside the server; admission reads the latest measure, so a
//! query's cost follows the data without a statement of its own.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{PoisonError, RwLock};
use std::time::Duration;

pub use salkku_persistence::views::list_sizes::{ListSizes, Listed};
use salkku_persistence::{Db, StoreResult};

use super::Schemas;

/// Items a list without pagination is assumed to hold where it has neither a bound nor a stored
/// size (lists reached once per query, such as the portfolio's groups).
pub const NESTED_LIST_ITEMS: usize = 10;

/// The cost of a list of at most `items`.
pub fn bounded_list_cost(items: usize, child: usize) -> usize {
    items.saturating_mul(child).saturating_add(1)
}

tokio::task_local! {
    /// The sizes a query's cost is measured against, for the validation that measures it.
    static SIZES: ListSizes;
}

/// The latest measure, shared by admission and the worker, and how many times it changed.
#[derive(Debug, Default)]
pub struct KnownSizes {
    sizes: RwLock<Option<ListSizes>>,
    changes: AtomicU64,
}

impl KnownSizes {
    /// The latest measure; every list at [`NESTED_LIST_ITEMS`] before the first.
    pub fn now(&self) -> ListSizes {
        let known = *self.sizes.read().unwrap_or_else(PoisonError::into_inner);
        known.unwrap_or_else(|| ListSizes::all(NESTED_LIST_ITEMS as u32))
    }

    /// How many times the measure changed: an admission judged while it changed is not kept.
    pub fn changes(&self) -> u64 {
        self.changes.load(Ordering::SeqCst)
    }

    /// Keeps `sizes`; whether they differ from what was known.
    fn set(&self, sizes: ListSizes) -> bool {
        let mut known = self.sizes.write().unwrap_or_else(PoisonError::into_inner);
        let changed = known.replace(sizes) != Some(sizes);
        if changed {
            self.changes.fetch_add(1, Ordering::SeqCst);
        }
        changed
    }
}

/// Runs `validation` with `sizes` as the lists' sizes.
pub async fn measured_with<F: Future>(sizes: ListSizes, validation: F) -> F::Output {
    SIZES.scope(sizes, validation).await
}

/// The cost of a list the schema answers without paging: its stored size, or `bound` items when
/// the schema bounds it lower.
pub fn sized_cost(list: Listed, bound: Option<usize>, child: usize) -> usize {
    let stored = SIZES.try_with(|s| s.of(list) as usize).unwrap_or(NESTED_LIST_ITEMS);
    bounded_list_cost(bound.map_or(stored, |b| stored.min(b)), child)
}

impl Schemas {
    /// Measures the lists again; when they changed, the admissions kept with their cost are
    /// forgotten.
    pub async fn measure_lists(&self, db: &Db) -> StoreResult<()> {
        let page = u32::try_from(super::connection::MAX_PAGE).unwrap_or(u32::MAX);
        let sizes = salkku_persistence::views::list_sizes::measure(db.conn(), page).await?;
        if self.sizes.set(sizes) {
            self.verdicts.forget();
        }
        Ok(())
    }
}

/// The worker that measures the lists every `every`, until aborted.
pub fn start(schemas: Schemas, db: Db, every: Duration) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut ticks = tokio::time::interval_at(tokio::time::Instant::now() + every, every);
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            ticks.tick().await;
            if let Err(e) = schemas.measure_lists(&db).await {
                tracing::warn!(error = ?e, "measuring the lists' sizes failed; the last measure stands");
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_list_counts_its_stored_size_or_its_bound_whichever_is_fewer() {
        let cost = |sizes, list, bound| measured_with(sizes, async move { sized_cost(list, bound, 2) });
        assert_eq!(cost(ListSizes::all(40), Listed::Regions, Some(19)).await, 19 * 2 + 1);
        assert_eq!(cost(ListSizes::all(3), Listed::Regions, Some(19)).await, 3 * 2 + 1);
        assert_eq!(cost(ListSizes::all(40), Listed::Commitments, None).await, 40 * 2 + 1);
        assert_eq!(cost(ListSizes::all(0), Listed::Commitments, None).await, 1);
    }

    #[test]
    fn outside_admission_a_list_counts_the_assumed_items() {
        assert_eq!(sized_cost(Listed::Commitments, None, 2), NESTED_LIST_ITEMS * 2 + 1);
    }

    #[test]
    fn a_new_measure_is_told_apart_from_the_same_one() {
        let known = KnownSizes::default();
        assert_eq!(known.now(), ListSizes::all(NESTED_LIST_ITEMS as u32));
        assert!(known.set(ListSizes::all(2)));
        assert!(!known.set(ListSizes::all(2)));
        assert_eq!(known.now(), ListSizes::all(2));
    }
}
