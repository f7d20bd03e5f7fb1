//! The scheduler as an executor of `actor_core::Actor`s: the one place actor-core's executor seam
//! (`actor_core::exec`) is used.
//!
//! An `actor_core` actor spawned on the scheduler is a pooled actor whose turns the scheduler runs.
//! Its mailbox may be sent to from any thread, so the way in is [`Doorway`], the scheduler's only
//! shared state: turns handed over by `schedule` and the timers of the virtual clock, each behind a
//! lock (and a flag that spares the scheduler the lock when nothing was handed over). The scheduler
//! empties the doorway's turns into its own run queue after every step (and
//! before the first), so a turn scheduled by a handler runs after the entries queued before it:
//! the order stays deterministic. The locks are never contended by the scheduler itself (it is
//! one thread); they exist for senders on other threads.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::sync::atomic::{AtomicBool, Ordering::Acquire, Ordering::Release};
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use actor_core::exec::{Executor, Turn};

/// What the scheduler shares with actor-core's mailboxes and timers.
pub(crate) struct Doorway {
    turns: Mutex<VecDeque<Turn>>,
    /// Whether `turns` may hold something: set and cleared under `turns`' lock, read without it,
    /// so that the scheduler looks at the lock only when a turn was handed over (its own closure
    /// actors and tasks never pay for it).
    handed_over: AtomicBool,
    clock: Mutex<Clock>,
}

/// The virtual clock and its timers.
struct Clock {
    now: Duration,
    next_id: u64,
    /// Deadline and id, in firing order; equal deadlines fire in the order they were set.
    due: BTreeMap<(Duration, u64), Timer>,
    /// Where each pending timer is in `due`.
    pending: HashMap<u64, Duration>,
}

struct Timer {
    every: Option<Duration>,
    fire: Box<dyn FnMut() -> bool + Send>,
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    // Nothing runs user code while holding these locks, so poisoning cannot leave them broken.
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Doorway {
    pub(crate) fn new() -> Doorway {
        Doorway {
            turns: Mutex::new(VecDeque::new()),
            handed_over: AtomicBool::new(false),
            clock: Mutex::new(Clock {
                now: Duration::ZERO,
                next_id: 1,
                due: BTreeMap::new(),
                pending: HashMap::new(),
            }),
        }
    }

    /// Whether a turn may have been handed over since the last take.
    #[inline]
    pub(crate) fn has_turns(&self) -> bool {
        self.handed_over.load(Acquire)
    }

    /// Takes every turn handed over since the last call, in order.
    #[cold]
    pub(crate) fn take_turns(&self, into: &mut Vec<Turn>) {
        // A turn handed over by this thread is seen here for sure (program order); one handed
        // over by another thread at the same moment is seen at the next look: the order of sends
        // from other threads is not deterministic anyway.
        if !self.handed_over.load(Acquire) {
            return;
        }
        let mut turns = lock(&self.turns);
        into.extend(turns.drain(..));
        self.handed_over.store(false, Release);
    }

    /// The virtual time.
    pub(crate) fn now(&self) -> Duration {
        lock(&self.clock).now
    }

    /// Moves the clock to `to` (never backwards).
    pub(crate) fn advance_to(&self, to: Duration) {
        let mut clock = lock(&self.clock);
        clock.now = clock.now.max(to);
    }

    /// Fires the earliest timer if it is due by `limit`: moves the clock to its deadline and calls
    /// it (outside the lock; it sends to a mailbox, which may schedule a turn). Returns whether one
    /// fired.
    pub(crate) fn fire_next(&self, limit: Option<Duration>) -> bool {
        let (key, mut timer) = {
            let mut clock = lock(&self.clock);
            let Some((&key, _)) = clock.due.iter().next() else {
                return false;
            };
            if limit.is_some_and(|limit| key.0 > limit) {
                return false;
            }
            let timer = clock.due.remove(&key).expect("found above");
            clock.pending.remove(&key.1);
            clock.now = clock.now.max(key.0);
            (key, timer)
        };
        let again = (timer.fire)();
        if let (true, Some(period)) = (again, timer.every) {
            let mut clock = lock(&self.clock);
            let at = key.0 + period;
            clock.pending.insert(key.1, at);
            clock.due.insert((at, key.1), timer);
        }
        true
    }
}

impl Executor for Doorway {
    fn schedule(&self, turn: Turn) {
        let mut turns = lock(&self.turns);
        turns.push_back(turn);
        self.handed_over.store(true, Release);
    }

    fn set_timer(
        &self,
        after: Duration,
        every: Option<Duration>,
        fire: Box<dyn FnMut() -> bool + Send>,
    ) -> u64 {
        let mut clock = lock(&self.clock);
        let id = clock.next_id;
        clock.next_id += 1;
        let at = clock.now.saturating_add(after);
        clock.pending.insert(id, at);
        clock.due.insert((at, id), Timer { every, fire });
        id
    }

    fn cancel_timer(&self, id: u64) -> bool {
        let removed = {
            let mut clock = lock(&self.clock);
            match clock.pending.remove(&id) {
                Some(at) => clock.due.remove(&(at, id)),
                None => None,
            }
        };
        // The closure holds a mailbox link: dropped outside the lock.
        removed.is_some()
    }

    fn timer_pending(&self, id: u64) -> bool {
        lock(&self.clock).pending.contains_key(&id)
    }

    fn name(&self) -> &str {
        "actor-sched"
    }
}

/// Turns waiting in the run queue, by index; freed indices are reused, so a program that keeps
/// sending does not grow this table.
#[derive(Default)]
pub(crate) struct Parked {
    turns: Vec<Option<Turn>>,
    free: Vec<usize>,
}

impl Parked {
    pub(crate) fn park(&mut self, turn: Turn) -> usize {
        match self.free.pop() {
            Some(at) => {
                self.turns[at] = Some(turn);
                at
            }
            None => {
                self.turns.push(Some(turn));
                self.turns.len() - 1
            }
        }
    }

    /// Slots held, used or free.
    pub(crate) fn capacity(&self) -> usize {
        self.turns.len()
    }

    pub(crate) fn take(&mut self, at: usize) -> Option<Turn> {
        let turn = self.turns.get_mut(at)?.take()?;
        self.free.push(at);
        Some(turn)
    }
}
