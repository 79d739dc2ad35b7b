//! A bounded map that a process's requests share: the documents, admissions and tokens a server
//! has already checked, the least recently used dropped first. It holds what follows from a
//! request's own text, never data or a session, so replicas need not share it.

use std::borrow::Borrow;
use std::hash::Hash;
use std::num::NonZeroUsize;
use std::sync::{Mutex, MutexGuard, PoisonError};

use lru::LruCache;

pub(crate) struct Remembered<K: Hash + Eq, V>(Mutex<LruCache<K, V>>);

impl<K: Hash + Eq, V: Clone> Remembered<K, V> {
    pub(crate) fn new(entries: NonZeroUsize) -> Self {
        Remembered(Mutex::new(LruCache::new(entries)))
    }

    /// A copy of what is kept under `key` (values are small or shared: an `Arc`).
    pub(crate) fn get<Q: Hash + Eq + ?Sized>(&self, key: &Q) -> Option<V>
    where
        K: Borrow<Q>,
    {
        self.lock().get(key).cloned()
    }

    pub(crate) fn put(&self, key: K, value: V) {
        self.lock().put(key, value);
    }

    /// Forgets everything kept.
    pub(crate) fn clear(&self) {
        self.lock().clear();
    }

    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.lock().len()
    }

    fn lock(&self) -> MutexGuard<'_, LruCache<K, V>> {
        // A panic elsewhere cannot leave the map half-written: every operation is one call.
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_least_recently_used_goes_first() {
        let kept: Remembered<String, u8> = Remembered::new(NonZeroUsize::MIN.saturating_add(1));
        kept.put("a".into(), 1);
        kept.put("b".into(), 2);
        assert_eq!(kept.get("a"), Some(1));
        kept.put("c".into(), 3);
        assert_eq!((kept.get("a"), kept.get("b"), kept.get("c")), (Some(1), None, Some(3)));
        assert_eq!(kept.len(), 2);
    }
}
