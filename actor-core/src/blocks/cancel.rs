//! `CancelToken`: cooperative termination that a thread can poll and sleep on (the recipe's
//! `CountdownTask.terminate()`).

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant};

use thiserror::Error;

use crate::Event;

/// A shared "please stop" flag for cooperative termination.
///
/// A thread cannot be killed from outside; it has to be written to check for a request to stop
/// at selected points, as the recipe's `CountdownTask` checks `self._running`. A `CancelToken` is
/// that flag, and more: the thread can **sleep on it**. [`sleep`](CancelToken::sleep) returns
/// early, with [`Cancelled`], as soon as another thread calls [`cancel`](CancelToken::cancel), so
/// a countdown that sleeps a second per tick stops at once instead of a tick later.
///
/// Clones share one flag: hand one to the worker, keep one to cancel it. Cancelling is permanent.
/// `CancelToken` is `Clone + Send + Sync`; nothing polls or spins, the waiting threads are parked.
///
/// # Examples
///
/// The recipe's `CountdownTask`: ten ticks of a minute each, terminated during the first one.
///
/// ```
/// use actor_core::{CancelToken, Cancelled};
/// use std::sync::mpsc;
/// use std::time::Duration;
///
/// fn countdown(mut n: u32, token: &CancelToken, said: &mpsc::Sender<u32>) -> Result<(), Cancelled> {
///     while n > 0 {
///         token.check()?;
///         said.send(n).unwrap(); // stands for `print('T-minus', n)`
///         n -= 1;
///         token.sleep(Duration::from_secs(60))?; // returns at once on cancel
///     }
///     Ok(())
/// }
///
/// let token = CancelToken::new();
/// let (said_tx, said) = mpsc::channel();
/// let task = {
///     let token = token.clone();
///     std::thread::spawn(move || countdown(10, &token, &said_tx))
/// };
/// assert_eq!(said.recv().unwrap(), 10);
/// token.cancel(); // the recipe's `c.terminate()`
/// assert_eq!(task.join().unwrap(), Err(Cancelled)); // `t.join()`: no minute-long wait
/// assert_eq!(said.try_iter().count(), 0); // nothing after `T-minus 10`
/// ```
///
/// The recipe's `IOTask`: a blocking receive with a timeout, in a loop that ends once the token is
/// cancelled. The timeout bounds how late the task notices the cancellation.
///
/// ```
/// use actor_core::CancelToken;
/// use std::sync::mpsc::{self, RecvTimeoutError};
/// use std::time::Duration;
///
/// let token = CancelToken::new();
/// let (data_tx, data_rx) = mpsc::channel::<Vec<u8>>();
/// let io_task = {
///     let token = token.clone();
///     std::thread::spawn(move || {
///         while !token.is_cancelled() {
///             match data_rx.recv_timeout(Duration::from_millis(10)) {
///                 Ok(data) => return Some(data),
///                 Err(RecvTimeoutError::Timeout) => continue,
///                 Err(RecvTimeoutError::Disconnected) => break,
///             }
///         }
///         None
///     })
/// };
/// token.cancel();
/// assert_eq!(io_task.join().unwrap(), None);
/// drop(data_tx);
/// ```
#[derive(Clone, Default)]
pub struct CancelToken {
    flag: Arc<Event>,
}

/// The error of the [`CancelToken`] operations that end early because the token was cancelled.
///
/// Return it with `?` from a task's loop to stop it at once.
///
/// ```
/// use actor_core::{CancelToken, Cancelled};
///
/// let token = CancelToken::new();
/// token.cancel();
/// assert_eq!(token.check(), Err(Cancelled));
/// assert_eq!(Cancelled.to_string(), "cancelled");
/// ```
#[derive(Error, Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[error("cancelled")]
pub struct Cancelled;

impl CancelToken {
    /// A new token, not cancelled.
    ///
    /// ```
    /// assert!(!actor_core::CancelToken::new().is_cancelled());
    /// ```
    pub fn new() -> CancelToken {
        CancelToken::default()
    }

    /// Cancels the token and every clone of it, and wakes every thread sleeping or waiting on it.
    /// Cancelling again does nothing.
    ///
    /// ```
    /// let token = actor_core::CancelToken::new();
    /// let clone = token.clone();
    /// token.cancel();
    /// token.cancel();
    /// assert!(clone.is_cancelled());
    /// ```
    pub fn cancel(&self) {
        self.flag.set();
    }

    /// Whether the token has been cancelled.
    ///
    /// ```
    /// let token = actor_core::CancelToken::new();
    /// assert!(!token.is_cancelled());
    /// token.cancel();
    /// assert!(token.is_cancelled());
    /// ```
    pub fn is_cancelled(&self) -> bool {
        self.flag.is_set()
    }

    /// [`is_cancelled`](CancelToken::is_cancelled) as a `Result`, to stop a loop with `?`.
    ///
    /// # Errors
    ///
    /// [`Cancelled`] if the token has been cancelled.
    ///
    /// ```
    /// let token = actor_core::CancelToken::new();
    /// assert_eq!(token.check(), Ok(()));
    /// token.cancel();
    /// assert!(token.check().is_err());
    /// ```
    pub fn check(&self) -> Result<(), Cancelled> {
        if self.is_cancelled() {
            Err(Cancelled)
        } else {
            Ok(())
        }
    }

    /// Sleeps for `duration`, unless the token is cancelled first.
    ///
    /// Returns `Ok(())` after sleeping the full time, or `Err(Cancelled)` as soon as the token is
    /// cancelled (at once if it already is). A duration too long to represent sleeps until
    /// cancelled.
    ///
    /// # Errors
    ///
    /// [`Cancelled`] if the token was cancelled before or during the sleep.
    ///
    /// ```
    /// use actor_core::{CancelToken, Cancelled};
    /// use std::time::{Duration, Instant};
    ///
    /// let token = CancelToken::new();
    /// let start = Instant::now();
    /// assert_eq!(token.sleep(Duration::from_millis(5)), Ok(()));
    /// assert!(start.elapsed() >= Duration::from_millis(5));
    ///
    /// token.cancel();
    /// assert_eq!(token.sleep(Duration::from_secs(3600)), Err(Cancelled)); // returns at once
    /// ```
    pub fn sleep(&self, duration: Duration) -> Result<(), Cancelled> {
        match Instant::now().checked_add(duration) {
            Some(deadline) => self.sleep_until(deadline),
            None => {
                self.wait();
                Err(Cancelled)
            }
        }
    }

    /// Sleeps until `deadline`, unless the token is cancelled first; see
    /// [`sleep`](CancelToken::sleep).
    ///
    /// # Errors
    ///
    /// [`Cancelled`] if the token was cancelled before or during the sleep.
    ///
    /// ```
    /// use actor_core::CancelToken;
    /// use std::time::{Duration, Instant};
    ///
    /// let token = CancelToken::new();
    /// let deadline = Instant::now() + Duration::from_millis(2);
    /// assert!(token.sleep_until(deadline).is_ok());
    /// assert!(Instant::now() >= deadline);
    /// ```
    pub fn sleep_until(&self, deadline: Instant) -> Result<(), Cancelled> {
        if self.flag.wait_deadline(deadline) {
            Err(Cancelled)
        } else {
            Ok(())
        }
    }

    /// Blocks until the token is cancelled. Returns at once if it already is.
    ///
    /// ```
    /// let token = actor_core::CancelToken::new();
    /// let waiter = {
    ///     let token = token.clone();
    ///     std::thread::spawn(move || token.wait())
    /// };
    /// token.cancel();
    /// waiter.join().unwrap();
    /// ```
    pub fn wait(&self) {
        self.flag.wait();
    }

    /// Blocks until the token is cancelled or `timeout` has passed; returns whether it is
    /// cancelled.
    ///
    /// ```
    /// use std::time::Duration;
    ///
    /// let token = actor_core::CancelToken::new();
    /// assert!(!token.wait_timeout(Duration::from_millis(1)));
    /// token.cancel();
    /// assert!(token.wait_timeout(Duration::from_millis(1)));
    /// ```
    pub fn wait_timeout(&self, timeout: Duration) -> bool {
        self.flag.wait_timeout(timeout)
    }
}

impl fmt::Debug for CancelToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CancelToken")
            .field("cancelled", &self.is_cancelled())
            .finish()
    }
}
