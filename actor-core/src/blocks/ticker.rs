//! `Ticker`: a periodic tick that any number of threads wait for (the recipe's `PeriodicTimer`).

use crate::sync;
use std::fmt;
use std::sync::{Arc, Condvar, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use thiserror::Error;

/// A clock that ticks every interval and wakes every thread waiting for the next tick.
///
/// This is the recipe's `PeriodicTimer`, built on a mutex and condition variables as the recipe
/// builds it on `threading.Condition`. Ticks are numbered from 1; [`wait_for_tick`] blocks until
/// the next tick and returns its number, so "once per tick" can be checked. Like the recipe's
/// flag, a thread that was not waiting when a tick happened does not see that tick: its next
/// `wait_for_tick` waits for the tick after.
///
/// [`Ticker::new`] starts one thread that ticks; [`Ticker::manual`] starts none and ticks only on
/// [`tick`](Ticker::tick), for deterministic tests. [`stop`](Ticker::stop) ends the ticking and
/// wakes every waiter with [`TickerStopped`]; **dropping the `Ticker` stops it** and ends its
/// thread. Share a ticker between threads by reference (scoped threads) or with `Arc`.
///
/// If the ticking thread falls behind (the machine is busy), it does not make up the lost ticks
/// in a burst: the next tick comes one interval after the late one.
///
/// [`wait_for_tick`]: Ticker::wait_for_tick
///
/// # Examples
///
/// The recipe's countdown and countup, synchronised on one ticker:
///
/// ```
/// use actor_core::Ticker;
/// use std::time::Duration;
///
/// let ticker = Ticker::new(Duration::from_millis(5));
/// std::thread::scope(|s| {
///     let countdown = s.spawn(|| {
///         let mut said = Vec::new();
///         for n in (1..=3).rev() {
///             ticker.wait_for_tick().unwrap();
///             said.push(format!("T-minus {n}"));
///         }
///         said
///     });
///     let countup = s.spawn(|| {
///         let mut ticks = Vec::new();
///         for _ in 0..2 {
///             ticks.push(ticker.wait_for_tick().unwrap());
///         }
///         ticks
///     });
///     assert_eq!(countdown.join().unwrap(), ["T-minus 3", "T-minus 2", "T-minus 1"]);
///     let ticks = countup.join().unwrap();
///     assert!(ticks[0] < ticks[1]); // one wake per tick, never the same tick twice
/// });
/// ```
pub struct Ticker {
    shared: Arc<Shared>,
    interval: Option<Duration>,
    thread: Option<JoinHandle<()>>,
}

/// [`Ticker::wait_for_tick`] (or [`Ticker::tick`]) found the ticker stopped: no tick will come.
///
/// ```
/// let ticker = actor_core::Ticker::manual();
/// ticker.stop();
/// assert_eq!(ticker.wait_for_tick(), Err(actor_core::TickerStopped));
/// ```
#[derive(Error, Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[error("the ticker has stopped")]
pub struct TickerStopped;

/// [`Ticker::wait_for_tick_timeout`] returned without a tick.
///
/// ```
/// use actor_core::{TickTimeoutError, Ticker};
/// use std::time::Duration;
///
/// let ticker = Ticker::manual();
/// let err = ticker.wait_for_tick_timeout(Duration::from_millis(1)).unwrap_err();
/// assert_eq!(err, TickTimeoutError::Timeout);
/// assert!(err.is_timeout());
/// ```
#[derive(Error, Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TickTimeoutError {
    /// No tick came before the timeout.
    #[error("timed out waiting for a tick")]
    Timeout,
    /// The ticker stopped; no tick will come.
    #[error("the ticker has stopped")]
    Stopped,
}

impl TickTimeoutError {
    /// Whether the timeout passed.
    ///
    /// ```
    /// assert!(actor_core::TickTimeoutError::Timeout.is_timeout());
    /// ```
    pub fn is_timeout(&self) -> bool {
        matches!(self, TickTimeoutError::Timeout)
    }

    /// Whether the ticker has stopped.
    ///
    /// ```
    /// assert!(actor_core::TickTimeoutError::Stopped.is_stopped());
    /// ```
    pub fn is_stopped(&self) -> bool {
        matches!(self, TickTimeoutError::Stopped)
    }
}

struct Shared {
    state: Mutex<State>,
    /// Waiters for a tick wait here.
    ticked: Condvar,
    /// Notified when a thread starts waiting for a tick.
    entered: Condvar,
    /// The ticking thread sleeps here, so `stop` can wake it.
    control: Condvar,
}

#[derive(Default)]
struct State {
    tick: u64,
    /// Threads waiting for tick `tick + 1`.
    waiting: usize,
    stopped: bool,
}

impl State {
    /// A tick: every thread waiting now is released and no longer counts as waiting.
    fn release(&mut self) {
        self.tick += 1;
        self.waiting = 0;
    }
}

impl Shared {}

impl Ticker {
    /// Starts a ticker whose own thread ticks every `interval`, the first tick one interval from
    /// now.
    ///
    /// # Panics
    ///
    /// If `interval` is zero (a ticker that never sleeps would spin a core), or if the operating
    /// system refuses to start a thread, as [`std::thread::spawn`] does.
    ///
    /// ```
    /// use std::time::Duration;
    ///
    /// let ticker = actor_core::Ticker::new(Duration::from_millis(1));
    /// assert_eq!(ticker.interval(), Some(Duration::from_millis(1)));
    /// assert!(ticker.wait_for_tick().unwrap() >= 1);
    /// ```
    pub fn new(interval: Duration) -> Ticker {
        assert!(!interval.is_zero(), "a Ticker needs a non-zero interval");
        let shared = Arc::new(Shared {
            state: Mutex::new(State::default()),
            ticked: Condvar::new(),
            entered: Condvar::new(),
            control: Condvar::new(),
        });
        let ticking = Arc::clone(&shared);
        let thread = std::thread::Builder::new()
            .name("ticker".into())
            .spawn(move || run(&ticking, interval))
            .expect("failed to spawn the ticker thread");
        Ticker {
            shared,
            interval: Some(interval),
            thread: Some(thread),
        }
    }

    /// A ticker without a thread: it ticks only when [`tick`](Ticker::tick) is called.
    ///
    /// ```
    /// let ticker = actor_core::Ticker::manual();
    /// assert_eq!(ticker.interval(), None);
    /// assert_eq!(ticker.tick(), Ok(1));
    /// assert_eq!(ticker.last_tick(), 1);
    /// ```
    pub fn manual() -> Ticker {
        Ticker {
            shared: Arc::new(Shared {
                state: Mutex::new(State::default()),
                ticked: Condvar::new(),
                entered: Condvar::new(),
                control: Condvar::new(),
            }),
            interval: None,
            thread: None,
        }
    }

    /// Blocks until the next tick and returns its number.
    ///
    /// If several ticks pass before the woken thread runs again (a very short interval on a busy
    /// machine), it returns the newest one: the numbers a thread sees always increase, but may
    /// skip.
    ///
    /// # Errors
    ///
    /// [`TickerStopped`] if the ticker is stopped, or stops while this thread waits.
    ///
    /// ```
    /// use actor_core::Ticker;
    ///
    /// let ticker = Ticker::manual();
    /// std::thread::scope(|s| {
    ///     let waiter = s.spawn(|| ticker.wait_for_tick());
    ///     assert!(ticker.wait_for_waiters(1, std::time::Duration::from_secs(5)));
    ///     ticker.tick().unwrap();
    ///     assert_eq!(waiter.join().unwrap(), Ok(1));
    /// });
    /// ```
    pub fn wait_for_tick(&self) -> Result<u64, TickerStopped> {
        self.wait(None).map_err(|_| TickerStopped)
    }

    /// Like [`wait_for_tick`](Ticker::wait_for_tick), waiting at most `timeout`.
    ///
    /// # Errors
    ///
    /// [`TickTimeoutError::Timeout`] if no tick came in time, [`TickTimeoutError::Stopped`] if
    /// the ticker is stopped.
    ///
    /// ```
    /// use actor_core::Ticker;
    /// use std::time::Duration;
    ///
    /// let ticker = Ticker::new(Duration::from_millis(1));
    /// assert!(ticker.wait_for_tick_timeout(Duration::from_secs(5)).is_ok());
    /// ticker.stop();
    /// assert!(ticker.wait_for_tick_timeout(Duration::from_secs(5)).unwrap_err().is_stopped());
    /// ```
    pub fn wait_for_tick_timeout(&self, timeout: Duration) -> Result<u64, TickTimeoutError> {
        self.wait(Instant::now().checked_add(timeout))
    }

    /// Ticks now, waking every waiting thread, and returns the new tick's number. Works on any
    /// ticker; on one with a thread it is an extra tick.
    ///
    /// # Errors
    ///
    /// [`TickerStopped`] if the ticker is stopped; nothing happens then.
    ///
    /// ```
    /// let ticker = actor_core::Ticker::manual();
    /// assert_eq!(ticker.tick(), Ok(1));
    /// assert_eq!(ticker.tick(), Ok(2));
    /// ticker.stop();
    /// assert!(ticker.tick().is_err());
    /// ```
    pub fn tick(&self) -> Result<u64, TickerStopped> {
        let mut state = sync::lock(&self.shared.state);
        if state.stopped {
            return Err(TickerStopped);
        }
        state.release();
        self.shared.ticked.notify_all();
        Ok(state.tick)
    }

    /// The number of the latest tick; 0 before the first.
    ///
    /// ```
    /// let ticker = actor_core::Ticker::manual();
    /// assert_eq!(ticker.last_tick(), 0);
    /// ```
    pub fn last_tick(&self) -> u64 {
        sync::lock(&self.shared.state).tick
    }

    /// How many threads wait for the next tick now. A tick releases them all: right after it,
    /// the count is 0 until threads wait again.
    ///
    /// ```
    /// assert_eq!(actor_core::Ticker::manual().waiting(), 0);
    /// ```
    pub fn waiting(&self) -> usize {
        sync::lock(&self.shared.state).waiting
    }

    /// Blocks until at least `n` threads wait for the next tick, or `timeout` has passed; returns
    /// whether they do. A gate for tests: tick only once every waiter is known to be waiting.
    ///
    /// ```
    /// use std::time::Duration;
    ///
    /// let ticker = actor_core::Ticker::manual();
    /// assert!(!ticker.wait_for_waiters(1, Duration::from_millis(1)));
    /// assert!(ticker.wait_for_waiters(0, Duration::from_millis(1)));
    /// ```
    pub fn wait_for_waiters(&self, n: usize, timeout: Duration) -> bool {
        let deadline = Instant::now().checked_add(timeout);
        let mut state = sync::lock(&self.shared.state);
        while state.waiting < n {
            state = match deadline {
                None => sync::wait(&self.shared.entered, state),
                Some(deadline) => {
                    let Some(left) = deadline.checked_duration_since(Instant::now()) else {
                        return false;
                    };
                    sync::wait_timeout(&self.shared.entered, state, left).0
                }
            };
        }
        true
    }

    /// Stops the ticker: no more ticks, and every thread waiting in
    /// [`wait_for_tick`](Ticker::wait_for_tick) returns [`TickerStopped`]. Stopping again does
    /// nothing. Dropping the ticker stops it too.
    ///
    /// ```
    /// let ticker = actor_core::Ticker::manual();
    /// assert!(!ticker.is_stopped());
    /// ticker.stop();
    /// assert!(ticker.is_stopped());
    /// ```
    pub fn stop(&self) {
        let mut state = sync::lock(&self.shared.state);
        state.stopped = true;
        self.shared.ticked.notify_all();
        self.shared.control.notify_all();
    }

    /// Whether the ticker has stopped.
    ///
    /// ```
    /// let ticker = actor_core::Ticker::manual();
    /// assert!(!ticker.is_stopped());
    /// ticker.stop();
    /// assert!(ticker.is_stopped());
    /// ```
    pub fn is_stopped(&self) -> bool {
        sync::lock(&self.shared.state).stopped
    }

    /// The interval of a ticker made by [`Ticker::new`]; `None` for a [`manual`](Ticker::manual)
    /// one.
    ///
    /// ```
    /// use std::time::Duration;
    ///
    /// let ticker = actor_core::Ticker::new(Duration::from_secs(1));
    /// assert_eq!(ticker.interval(), Some(Duration::from_secs(1)));
    /// assert_eq!(actor_core::Ticker::manual().interval(), None);
    /// ```
    pub fn interval(&self) -> Option<Duration> {
        self.interval
    }

    fn wait(&self, deadline: Option<Instant>) -> Result<u64, TickTimeoutError> {
        let mut state = sync::lock(&self.shared.state);
        if state.stopped {
            return Err(TickTimeoutError::Stopped);
        }
        let seen = state.tick;
        state.waiting += 1;
        self.shared.entered.notify_all();
        let mut timed_out = false;
        while state.tick == seen && !state.stopped && !timed_out {
            state = match deadline {
                None => sync::wait(&self.shared.ticked, state),
                Some(deadline) => match deadline.checked_duration_since(Instant::now()) {
                    None => {
                        timed_out = true;
                        state
                    }
                    Some(left) => sync::wait_timeout(&self.shared.ticked, state, left).0,
                },
            };
        }
        if state.tick == seen {
            // No tick released this thread (a tick resets the count): it stops waiting itself.
            state.waiting -= 1;
        }
        if state.tick != seen {
            Ok(state.tick)
        } else if state.stopped {
            Err(TickTimeoutError::Stopped)
        } else {
            Err(TickTimeoutError::Timeout)
        }
    }
}

/// The ticking thread: ticks at `start + k * interval`, skipping ticks it is too late for.
fn run(shared: &Shared, interval: Duration) {
    let mut next = Instant::now().checked_add(interval);
    let mut state = sync::lock(&shared.state);
    while !state.stopped {
        let Some(due) = next else {
            // An interval too long to represent: never tick, wait to be stopped.
            state = sync::wait(&shared.control, state);
            continue;
        };
        let now = Instant::now();
        match due.checked_duration_since(now) {
            Some(left) if !left.is_zero() => {
                state = sync::wait_timeout(&shared.control, state, left).0;
            }
            _ => {
                state.release();
                shared.ticked.notify_all();
                next = due.checked_add(interval).and_then(|after| {
                    if after <= now {
                        now.checked_add(interval)
                    } else {
                        Some(after)
                    }
                });
            }
        }
    }
}

impl Drop for Ticker {
    fn drop(&mut self) {
        self.stop();
        if let Some(thread) = self.thread.take() {
            // The ticking thread runs no user code, so it cannot have panicked.
            let _ = thread.join();
        }
    }
}

impl fmt::Debug for Ticker {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = sync::lock(&self.shared.state);
        f.debug_struct("Ticker")
            .field("interval", &self.interval)
            .field("last_tick", &state.tick)
            .field("waiting", &state.waiting)
            .field("stopped", &state.stopped)
            .finish()
    }
}
