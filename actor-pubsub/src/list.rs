//! The copy-on-write subscriber list and its send clock: senders take a snapshot, writers swap in
//! a new list.
//!
//! The lock guards only the `Arc` of the current list and the clock. A sender holds it just long
//! enough to clone that `Arc` and tick the clock, then delivers from its snapshot with no lock
//! held, so a subscriber may block, or attach, detach and send on the same exchange, without
//! deadlocking anyone. `attach` and `detach` build a new list under the lock and swap it in; the
//! old one (and with it any removed subscriber, whose destructor is user code) is dropped after
//! the lock is released.
//!
//! The clock counts the sends that have taken a snapshot. Because a send reads the list and ticks
//! the clock in one critical section, and attach and detach note the clock in theirs, the sends
//! that saw a subscriber are exactly those numbered from its attach to its detach. That is what
//! lets [`Stats`] count deliveries without touching a shared counter on every delivery.
//!
//! Why a lock: uncontended, it measured cheaper than a lock-free snapshot (a per-thread weak
//! cache of the last version and a compare-and-swap on the clock). Without `unsafe` a send must
//! own its snapshot while it delivers, so an atomic acquire and release stay in any scheme;
//! `BENCHMARKS.md` has the figures.

use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use crate::Subscriber;
use crate::subscription::Stats;

/// One attached subscriber.
pub(crate) struct Entry<M> {
    pub(crate) id: u64,
    pub(crate) subscriber: Box<dyn Subscriber<M>>,
    pub(crate) stats: Arc<Stats>,
}

/// The subscribers as one `send` sees them: those attached when it took the snapshot.
pub(crate) type Snapshot<M> = Arc<Vec<Arc<Entry<M>>>>;

/// The current subscriber list of one exchange.
pub(crate) struct List<M> {
    current: Mutex<Snapshot<M>>,
    /// Sends that have taken a snapshot so far. Written only under `current`'s lock, which
    /// orders every tick against every attach and detach: a `Relaxed` load and store suffice,
    /// and need no read-modify-write. Read without the lock by the counters (see `Stats` for why
    /// `Relaxed` is enough there too).
    clock: Arc<AtomicU64>,
}

/// Removing a subscriber by id, without knowing the message type: what a `Subscription` needs.
pub(crate) trait Detach: Send + Sync {
    /// Removes the subscriber with this id; `false` if it was not attached.
    fn detach(&self, id: u64) -> bool;
}

/// A process-unique subscriber id, so a subscription can never name another exchange's entry.
pub(crate) fn next_id() -> u64 {
    static NEXT: AtomicU64 = AtomicU64::new(1);
    // Only uniqueness is needed, which a read-modify-write gives under any ordering.
    NEXT.fetch_add(1, Relaxed)
}

impl<M> List<M> {
    pub(crate) fn new() -> List<M> {
        List {
            current: Mutex::new(Arc::new(Vec::new())),
            clock: Arc::new(AtomicU64::new(0)),
        }
    }

    fn lock(&self) -> MutexGuard<'_, Snapshot<M>> {
        // No user code runs under this lock, so it is never poisoned in practice.
        self.current.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The current subscribers, for one send; ticks the clock. The lock is held only to clone
    /// one `Arc`.
    #[inline]
    pub(crate) fn begin_send(&self) -> Snapshot<M> {
        let current = self.lock();
        // Under the lock (see `clock`).
        self.clock.store(self.clock.load(Relaxed) + 1, Relaxed);
        Arc::clone(&current)
    }

    /// How many subscribers are attached now.
    pub(crate) fn len(&self) -> usize {
        self.lock().len()
    }

    /// Appends a subscriber; every send that takes its snapshot from now on includes it.
    pub(crate) fn push(&self, id: u64, subscriber: Box<dyn Subscriber<M>>) -> Arc<Stats> {
        let mut current = self.lock();
        // Under the lock (see `clock`): no send ticks between this read and the swap below.
        let stats = Arc::new(Stats::new(
            Arc::clone(&self.clock),
            self.clock.load(Relaxed),
        ));
        let mut next = Vec::with_capacity(current.len() + 1);
        next.extend(current.iter().cloned());
        next.push(Arc::new(Entry {
            id,
            subscriber,
            stats: Arc::clone(&stats),
        }));
        let old = std::mem::replace(&mut *current, Arc::new(next));
        drop(current);
        drop(old); // holds no removed entry, but drop it outside the lock all the same
        stats
    }

    /// Removes the subscribers with these ids and marks them detached. Returns how many were
    /// attached.
    pub(crate) fn remove(&self, ids: &[u64]) -> usize {
        let mut current = self.lock();
        if !current.iter().any(|entry| ids.contains(&entry.id)) {
            return 0;
        }
        // Under the lock (see `clock`): no send ticks between this read and the swap below.
        let now = self.clock.load(Relaxed);
        let mut removed = 0;
        let mut next = Vec::with_capacity(current.len());
        for entry in current.iter() {
            if ids.contains(&entry.id) {
                entry.stats.set_detached(now);
                removed += 1;
            } else {
                next.push(Arc::clone(entry));
            }
        }
        let old = std::mem::replace(&mut *current, Arc::new(next));
        drop(current);
        // The removed entries may die with `old`; their destructors are user code, which may come
        // back to this list, so they run only now that the lock is released.
        drop(old);
        removed
    }
}

impl<M> Drop for List<M> {
    /// The exchange is gone: its subscribers count as detached from now on.
    fn drop(&mut self) {
        // `&mut self`: every other holder of the list is gone, and `Arc`'s drop ordered all
        // their ticks before this one.
        let now = self.clock.load(Relaxed);
        let current = self
            .current
            .get_mut()
            .unwrap_or_else(PoisonError::into_inner);
        for entry in current.iter() {
            entry.stats.set_detached(now);
        }
    }
}

impl<M: 'static> Detach for List<M> {
    fn detach(&self, id: u64) -> bool {
        self.remove(&[id]) > 0
    }
}
