//! `Event`: a flag threads can set, clear and wait on (the recipes' `threading.Event`).

use crate::sync;
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
    flag: Mutex<bool>,
    changed: Condvar,
}

impl Event {
    /// A new event, not set.
    pub fn new() -> Event {
        Event::default()
    }

    /// Sets the flag and wakes every thread waiting for it.
    pub fn set(&self) {
        *sync::lock(&self.flag) = true;
        self.changed.notify_all();
    }

    /// Clears the flag; later calls to [`wait`](Event::wait) block until the next [`set`](Event::set).
    pub fn clear(&self) {
        *sync::lock(&self.flag) = false;
    }

    /// Whether the flag is set now.
    pub fn is_set(&self) -> bool {
        *sync::lock(&self.flag)
    }

    /// Blocks until the flag is set. Returns at once if it already is.
    pub fn wait(&self) {
        let mut flag = sync::lock(&self.flag);
        while !*flag {
            flag = sync::wait(&self.changed, flag);
        }
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
        let mut flag = sync::lock(&self.flag);
        while !*flag {
            let Some(left) = deadline.checked_duration_since(Instant::now()) else {
                return false;
            };
            flag = sync::wait_timeout(&self.changed, flag, left).0;
        }
        true
    }
}
