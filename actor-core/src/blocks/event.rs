//! `Event`: a flag threads can set, clear and wait on (the recipes' `threading.Event`).

use crate::sync;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering::SeqCst};
use std::sync::{Condvar, Mutex};
use std::time::{Duration, Instant};

/// A boolean flag that threads can wait on until another thread sets it.
///
/// This is the recipes' `threading.Event`: one thread calls [`set`](Event::set), any number of
/// threads blocked in [`wait`](Event::wait) wake up. The flag stays set until
/// [`clear`](Event::clear), so a `wait` that starts after `set` returns at once.
///
/// `Event` is `Send + Sync`; share it with `Arc` (or by reference in a scoped thread).
///
/// # Examples
///
/// ```
/// use actor_core::Event;
/// use std::sync::Arc;
///
/// let started = Arc::new(Event::new());
/// let signal = Arc::clone(&started);
/// let worker = std::thread::spawn(move || {
///     // ... start up ...
///     signal.set();
/// });
/// started.wait();
/// assert!(started.is_set());
/// worker.join().unwrap();
/// ```
#[derive(Debug, Default)]
pub struct Event {
    /// The flag itself, read and written without the lock.
    set: AtomicBool,
    /// Threads waiting in `changed`, counted under `lock`: `set` takes the lock and wakes only
    /// when somebody waits (every actor sets two events in its life, mostly with nobody waiting,
    /// and a wake-up is a system call).
    waiters: AtomicU32,
    lock: Mutex<()>,
    changed: Condvar,
}

impl Event {
    /// A new event, not set.
    pub fn new() -> Event {
        Event::default()
    }

    /// Sets the flag and wakes every thread waiting for it.
    pub fn set(&self) {
        // A waiter counts itself before it looks at the flag, and the flag is stored before the
        // count is read (both `SeqCst`): either the waiter sees the flag or this sees the waiter.
        // Taking the lock before waking means a counted waiter is already inside `wait`.
        self.set.store(true, SeqCst);
        if self.waiters.load(SeqCst) > 0 {
            let _held = sync::lock(&self.lock);
            self.changed.notify_all();
        }
    }

    /// Clears the flag; later calls to [`wait`](Event::wait) block until the next [`set`](Event::set).
    pub fn clear(&self) {
        self.set.store(false, SeqCst);
    }

    /// Whether the flag is set now.
    pub fn is_set(&self) -> bool {
        self.set.load(SeqCst)
    }

    /// Blocks until the flag is set. Returns at once if it already is.
    pub fn wait(&self) {
        if self.is_set() {
            return;
        }
        let mut held = sync::lock(&self.lock);
        self.waiters.fetch_add(1, SeqCst);
        while !self.is_set() {
            held = sync::wait(&self.changed, held);
        }
        self.waiters.fetch_sub(1, SeqCst);
    }

    /// Blocks until the flag is set or `timeout` has passed; returns whether the flag is set.
    ///
    /// ```
    /// use actor_core::Event;
    /// use std::time::Duration;
    ///
    /// let event = Event::new();
    /// assert!(!event.wait_timeout(Duration::from_millis(1)));
    /// event.set();
    /// assert!(event.wait_timeout(Duration::from_millis(1)));
    /// ```
    pub fn wait_timeout(&self, timeout: Duration) -> bool {
        match Instant::now().checked_add(timeout) {
            Some(deadline) => self.wait_deadline(deadline),
            None => {
                self.wait();
                true
            }
        }
    }

    /// Blocks until the flag is set or `deadline` has come; returns whether the flag is set.
    pub fn wait_deadline(&self, deadline: Instant) -> bool {
        if self.is_set() {
            return true;
        }
        let mut held = sync::lock(&self.lock);
        self.waiters.fetch_add(1, SeqCst);
        while !self.is_set() {
            let Some(left) = deadline.checked_duration_since(Instant::now()) else {
                break;
            };
            held = sync::wait_timeout(&self.changed, held, left).0;
        }
        self.waiters.fetch_sub(1, SeqCst);
        self.is_set()
    }
}
