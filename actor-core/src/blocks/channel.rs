//! A plain thread-safe queue: the recipes' `queue.Queue`, with senders and receivers on any thread.
//!
//! [`unbounded`] and [`bounded`] return a `(Sender<T>, Receiver<T>)` pair. Both ends are
//! `Clone + Send + Sync` (for `T: Send`): any number of threads may send and any number may
//! receive (multi-producer, multi-consumer); each message goes to exactly one receiver. Messages
//! from one sender arrive in the order it sent them.
//!
//! Every blocking operation comes in three forms: `send` / `try_send` / `send_timeout` and
//! `recv` / `try_recv` / `recv_timeout`. Send errors hand the value back.
//!
//! The channel is *closed* for receivers once every [`Sender`] is dropped and the queue is empty,
//! and closed for senders once every [`Receiver`] is dropped. There is no sentinel built in: the
//! recipe's sentinel is an ordinary value of `T` (an enum variant, say), or the drop of the last
//! sender, which ends [`Receiver::iter`].
//!
//! To wait on several receivers at once, see [`Select`](crate::Select) and
//! [`recv_any`](crate::recv_any).
//!
//! # Examples
//!
//! ```
//! use actor_core::channel;
//!
//! let (tx, rx) = channel::unbounded();
//! let producer = std::thread::spawn(move || {
//!     for data in 1..=5 {
//!         tx.send(data).unwrap();
//!     }
//!     // `tx` is dropped here: the consumer's loop ends once the queue is empty.
//! });
//! let received: Vec<i32> = rx.iter().collect();
//! producer.join().unwrap();
//! assert_eq!(received, [1, 2, 3, 4, 5]);
//! ```

use std::fmt;
use std::time::{Duration, Instant};

use thiserror::Error;

use crate::chan::{self, cb};
pub use crate::runtime::error::{SendError, SendTimeoutError, TrySendError};

/// A channel that holds any number of messages: [`Sender::send`] never blocks.
///
/// ```
/// let (tx, rx) = actor_core::channel::unbounded();
/// tx.send("hello").unwrap();
/// assert_eq!(rx.recv(), Ok("hello"));
/// assert_eq!(tx.capacity(), None);
/// ```
#[inline]
pub fn unbounded<T>() -> (Sender<T>, Receiver<T>) {
    let (tx, rx) = chan::unbounded();
    (Sender { inner: tx }, Receiver { inner: rx })
}

/// A channel that holds at most `capacity` messages: [`Sender::send`] blocks while it is full
/// (back-pressure). With `capacity` 0 every send waits until a receiver takes the message (a
/// rendezvous).
///
/// ```
/// use actor_core::channel::{self, TrySendError};
///
/// let (tx, rx) = channel::bounded(1);
/// tx.try_send(1).unwrap();
/// assert_eq!(tx.try_send(2), Err(TrySendError::Full(2)));
/// assert_eq!(rx.recv(), Ok(1));
/// assert_eq!(tx.capacity(), Some(1));
/// ```
#[inline]
pub fn bounded<T>(capacity: usize) -> (Sender<T>, Receiver<T>) {
    let (tx, rx) = chan::bounded(capacity);
    (Sender { inner: tx }, Receiver { inner: rx })
}

/// The sending end of a channel. Clone it to send from several threads; dropping the last clone
/// closes the channel for receivers once they have taken what is queued.
///
/// ```
/// let (tx, rx) = actor_core::channel::unbounded();
/// let workers: Vec<_> = (0..3)
///     .map(|n| {
///         let tx = tx.clone();
///         std::thread::spawn(move || tx.send(n).unwrap())
///     })
///     .collect();
/// drop(tx); // the clones in the threads are the last senders
/// let mut got: Vec<i32> = rx.iter().collect();
/// got.sort();
/// assert_eq!(got, [0, 1, 2]);
/// # for w in workers { w.join().unwrap(); }
/// ```
pub struct Sender<T> {
    pub(crate) inner: chan::Sender<T>,
}

impl<T> Sender<T> {
    /// Sends a message, blocking while a bounded channel is full.
    ///
    /// # Errors
    ///
    /// [`SendError`] with the message if every [`Receiver`] is gone.
    ///
    /// ```
    /// let (tx, rx) = actor_core::channel::unbounded();
    /// drop(rx);
    /// assert_eq!(tx.send(7).unwrap_err().into_inner(), 7);
    /// ```
    #[inline]
    pub fn send(&self, msg: T) -> Result<(), SendError<T>> {
        self.inner.send(msg).map_err(|e| SendError(e.0))
    }

    /// Sends a message if there is room now, without blocking.
    ///
    /// # Errors
    ///
    /// [`TrySendError::Full`] if a bounded channel is full, [`TrySendError::Closed`] if every
    /// [`Receiver`] is gone; both hand the message back.
    ///
    /// ```
    /// use actor_core::channel::{self, TrySendError};
    ///
    /// let (tx, rx) = channel::bounded(0);
    /// assert_eq!(tx.try_send(1), Err(TrySendError::Full(1))); // nobody is waiting to take it
    /// drop(rx);
    /// assert_eq!(tx.try_send(1), Err(TrySendError::Closed(1)));
    /// ```
    #[inline]
    pub fn try_send(&self, msg: T) -> Result<(), TrySendError<T>> {
        self.inner.try_send(msg).map_err(|e| match e {
            cb::TrySendError::Full(msg) => TrySendError::Full(msg),
            cb::TrySendError::Disconnected(msg) => TrySendError::Closed(msg),
        })
    }

    /// Sends a message, waiting at most `timeout` for room in a bounded channel.
    ///
    /// # Errors
    ///
    /// [`SendTimeoutError::Timeout`] if the channel stayed full, [`SendTimeoutError::Closed`] if
    /// every [`Receiver`] is gone; both hand the message back.
    ///
    /// ```
    /// use actor_core::channel::{self, SendTimeoutError};
    /// use std::time::Duration;
    ///
    /// let (tx, _rx) = channel::bounded(1);
    /// tx.send(1).unwrap();
    /// let err = tx.send_timeout(2, Duration::from_millis(1)).unwrap_err();
    /// assert_eq!(err, SendTimeoutError::Timeout(2));
    /// ```
    #[inline]
    pub fn send_timeout(&self, msg: T, timeout: Duration) -> Result<(), SendTimeoutError<T>> {
        self.inner
            .send_timeout(msg, timeout)
            .map_err(send_timeout_error)
    }

    /// Sends a message, waiting until `deadline` at most for room in a bounded channel.
    ///
    /// # Errors
    ///
    /// As [`send_timeout`](Sender::send_timeout).
    ///
    /// ```
    /// use std::time::{Duration, Instant};
    ///
    /// let (tx, rx) = actor_core::channel::bounded(1);
    /// tx.send_deadline(1, Instant::now() + Duration::from_millis(1)).unwrap();
    /// assert_eq!(rx.recv(), Ok(1));
    /// ```
    #[inline]
    pub fn send_deadline(&self, msg: T, deadline: Instant) -> Result<(), SendTimeoutError<T>> {
        self.inner
            .send_deadline(msg, deadline)
            .map_err(send_timeout_error)
    }

    /// How many messages are queued now.
    ///
    /// ```
    /// let (tx, _rx) = actor_core::channel::unbounded();
    /// tx.send(()).unwrap();
    /// assert_eq!(tx.len(), 1);
    /// ```
    #[inline]
    pub fn len(&self) -> usize {
        self.inner.len()
    }

    /// Whether no message is queued now.
    ///
    /// ```
    /// let (tx, _rx) = actor_core::channel::unbounded::<u8>();
    /// assert!(tx.is_empty());
    /// ```
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.inner.is_empty()
    }

    /// The capacity: `None` if unbounded.
    ///
    /// ```
    /// let (tx, _rx) = actor_core::channel::bounded::<u8>(3);
    /// assert_eq!(tx.capacity(), Some(3));
    /// ```
    #[inline]
    pub fn capacity(&self) -> Option<usize> {
        self.inner.capacity()
    }

    /// Whether two senders belong to the same channel.
    ///
    /// ```
    /// let (tx, _rx) = actor_core::channel::unbounded::<u8>();
    /// assert!(tx.same_channel(&tx.clone()));
    /// ```
    #[inline]
    pub fn same_channel(&self, other: &Sender<T>) -> bool {
        self.inner.same_channel(&other.inner)
    }
}

#[inline]
fn send_timeout_error<T>(e: cb::SendTimeoutError<T>) -> SendTimeoutError<T> {
    match e {
        cb::SendTimeoutError::Timeout(msg) => SendTimeoutError::Timeout(msg),
        cb::SendTimeoutError::Disconnected(msg) => SendTimeoutError::Closed(msg),
    }
}

impl<T> Clone for Sender<T> {
    #[inline]
    fn clone(&self) -> Sender<T> {
        Sender {
            inner: self.inner.clone(),
        }
    }
}

impl<T> fmt::Debug for Sender<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Sender")
            .field("len", &self.len())
            .field("capacity", &self.capacity())
            .finish_non_exhaustive()
    }
}

/// The receiving end of a channel. Clone it to share the work among several consumers: each
/// message is taken by exactly one of them.
///
/// ```
/// let (tx, rx) = actor_core::channel::unbounded();
/// for n in 0..100 {
///     tx.send(n).unwrap();
/// }
/// drop(tx);
/// let consumers: Vec<_> = (0..2)
///     .map(|_| {
///         let rx = rx.clone();
///         std::thread::spawn(move || rx.iter().count())
///     })
///     .collect();
/// let taken: usize = consumers.into_iter().map(|c| c.join().unwrap()).sum();
/// assert_eq!(taken, 100); // each message went to exactly one consumer
/// ```
pub struct Receiver<T> {
    pub(crate) inner: chan::Receiver<T>,
}

impl<T> Receiver<T> {
    /// Waits for the next message.
    ///
    /// # Errors
    ///
    /// [`RecvError`] once every [`Sender`] is gone and the queue is empty.
    ///
    /// ```
    /// use actor_core::channel::{self, RecvError};
    ///
    /// let (tx, rx) = channel::unbounded();
    /// tx.send(1).unwrap();
    /// drop(tx);
    /// assert_eq!(rx.recv(), Ok(1)); // what was queued is still delivered
    /// assert_eq!(rx.recv(), Err(RecvError));
    /// ```
    #[inline]
    pub fn recv(&self) -> Result<T, RecvError> {
        self.inner.recv().map_err(|_| RecvError)
    }

    /// The next message if one is queued now.
    ///
    /// # Errors
    ///
    /// [`TryRecvError::Empty`] if nothing is queued, [`TryRecvError::Closed`] if moreover every
    /// [`Sender`] is gone.
    ///
    /// ```
    /// use actor_core::channel::{self, TryRecvError};
    ///
    /// let (tx, rx) = channel::unbounded::<u8>();
    /// assert_eq!(rx.try_recv(), Err(TryRecvError::Empty));
    /// drop(tx);
    /// assert_eq!(rx.try_recv(), Err(TryRecvError::Closed));
    /// ```
    #[inline]
    pub fn try_recv(&self) -> Result<T, TryRecvError> {
        self.inner.try_recv().map_err(|e| match e {
            chan::TryRecvError::Empty => TryRecvError::Empty,
            chan::TryRecvError::Disconnected => TryRecvError::Closed,
        })
    }

    /// Waits at most `timeout` for the next message.
    ///
    /// # Errors
    ///
    /// [`RecvTimeoutError::Timeout`] if no message came in time, [`RecvTimeoutError::Closed`] once
    /// every [`Sender`] is gone and the queue is empty.
    ///
    /// ```
    /// use actor_core::channel::{self, RecvTimeoutError};
    /// use std::time::Duration;
    ///
    /// let (_tx, rx) = channel::unbounded::<u8>();
    /// assert_eq!(rx.recv_timeout(Duration::from_millis(1)), Err(RecvTimeoutError::Timeout));
    /// ```
    #[inline]
    pub fn recv_timeout(&self, timeout: Duration) -> Result<T, RecvTimeoutError> {
        self.inner.recv_timeout(timeout).map_err(recv_timeout_error)
    }

    /// Waits until `deadline` at most for the next message.
    ///
    /// # Errors
    ///
    /// As [`recv_timeout`](Receiver::recv_timeout).
    ///
    /// ```
    /// use actor_core::channel::{self, RecvTimeoutError};
    /// use std::time::Instant;
    ///
    /// let (tx, rx) = channel::unbounded::<u8>();
    /// drop(tx);
    /// assert_eq!(rx.recv_deadline(Instant::now()), Err(RecvTimeoutError::Closed));
    /// ```
    #[inline]
    pub fn recv_deadline(&self, deadline: Instant) -> Result<T, RecvTimeoutError> {
        self.inner
            .recv_deadline(deadline)
            .map_err(recv_timeout_error)
    }

    /// A blocking iterator over the messages; it ends once every [`Sender`] is gone and the queue
    /// is empty.
    ///
    /// ```
    /// let (tx, rx) = actor_core::channel::unbounded();
    /// tx.send(1).unwrap();
    /// tx.send(2).unwrap();
    /// drop(tx);
    /// assert_eq!(rx.iter().collect::<Vec<_>>(), [1, 2]);
    /// ```
    #[inline]
    pub fn iter(&self) -> Iter<'_, T> {
        Iter {
            inner: self.inner.iter(),
        }
    }

    /// An iterator over the messages queued now; it never blocks.
    ///
    /// ```
    /// let (tx, rx) = actor_core::channel::unbounded();
    /// tx.send(1).unwrap();
    /// tx.send(2).unwrap();
    /// assert_eq!(rx.try_iter().collect::<Vec<_>>(), [1, 2]);
    /// assert_eq!(rx.try_iter().next(), None); // `tx` is still alive, but nothing is queued
    /// ```
    #[inline]
    pub fn try_iter(&self) -> TryIter<'_, T> {
        TryIter {
            inner: self.inner.try_iter(),
        }
    }

    /// How many messages are queued now.
    ///
    /// ```
    /// let (tx, rx) = actor_core::channel::unbounded();
    /// tx.send(()).unwrap();
    /// assert_eq!(rx.len(), 1);
    /// ```
    #[inline]
    pub fn len(&self) -> usize {
        self.inner.len()
    }

    /// Whether no message is queued now.
    ///
    /// ```
    /// let (_tx, rx) = actor_core::channel::unbounded::<u8>();
    /// assert!(rx.is_empty());
    /// ```
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.inner.is_empty()
    }

    /// The capacity: `None` if unbounded.
    ///
    /// ```
    /// let (_tx, rx) = actor_core::channel::unbounded::<u8>();
    /// assert_eq!(rx.capacity(), None);
    /// ```
    #[inline]
    pub fn capacity(&self) -> Option<usize> {
        self.inner.capacity()
    }

    /// Whether two receivers belong to the same channel.
    ///
    /// ```
    /// let (_tx, rx) = actor_core::channel::unbounded::<u8>();
    /// let (_other_tx, other_rx) = actor_core::channel::unbounded::<u8>();
    /// assert!(rx.same_channel(&rx.clone()));
    /// assert!(!rx.same_channel(&other_rx));
    /// ```
    #[inline]
    pub fn same_channel(&self, other: &Receiver<T>) -> bool {
        self.inner.same_channel(&other.inner)
    }
}

#[inline]
fn recv_timeout_error(e: chan::RecvTimeoutError) -> RecvTimeoutError {
    match e {
        chan::RecvTimeoutError::Timeout => RecvTimeoutError::Timeout,
        chan::RecvTimeoutError::Disconnected => RecvTimeoutError::Closed,
    }
}

impl<T> Clone for Receiver<T> {
    #[inline]
    fn clone(&self) -> Receiver<T> {
        Receiver {
            inner: self.inner.clone(),
        }
    }
}

impl<T> fmt::Debug for Receiver<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Receiver")
            .field("len", &self.len())
            .field("capacity", &self.capacity())
            .finish_non_exhaustive()
    }
}

impl<'a, T> IntoIterator for &'a Receiver<T> {
    type Item = T;
    type IntoIter = Iter<'a, T>;

    #[inline]
    fn into_iter(self) -> Iter<'a, T> {
        self.iter()
    }
}

/// The blocking iterator of [`Receiver::iter`] (also what `for msg in &rx` uses).
///
/// ```
/// let (tx, rx) = actor_core::channel::unbounded();
/// tx.send('a').unwrap();
/// drop(tx);
/// let mut seen = Vec::new();
/// for msg in &rx {
///     seen.push(msg);
/// }
/// assert_eq!(seen, ['a']);
/// ```
pub struct Iter<'a, T> {
    inner: cb::Iter<'a, T>,
}

impl<T> Iterator for Iter<'_, T> {
    type Item = T;

    #[inline]
    fn next(&mut self) -> Option<T> {
        self.inner.next()
    }
}

impl<T> fmt::Debug for Iter<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Iter").finish_non_exhaustive()
    }
}

/// The non-blocking iterator of [`Receiver::try_iter`].
///
/// ```
/// let (tx, rx) = actor_core::channel::unbounded();
/// tx.send(1).unwrap();
/// assert_eq!(rx.try_iter().sum::<i32>(), 1);
/// ```
pub struct TryIter<'a, T> {
    inner: cb::TryIter<'a, T>,
}

impl<T> Iterator for TryIter<'_, T> {
    type Item = T;

    #[inline]
    fn next(&mut self) -> Option<T> {
        self.inner.next()
    }
}

impl<T> fmt::Debug for TryIter<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TryIter").finish_non_exhaustive()
    }
}

/// [`Receiver::recv`] failed: every [`Sender`] is gone and the queue is empty, so no message
/// will ever come.
///
/// Also returned by [`SelectedOperation::recv`](crate::SelectedOperation::recv) and, when every
/// receiver is closed, by [`recv_any`](crate::recv_any).
///
/// ```
/// let (tx, rx) = actor_core::channel::unbounded::<u8>();
/// drop(tx);
/// assert_eq!(rx.recv().unwrap_err().to_string(), "receiving from an empty and closed channel");
/// ```
#[derive(Error, Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[error("receiving from an empty and closed channel")]
pub struct RecvError;

/// [`Receiver::try_recv`] found no message.
///
/// ```
/// use actor_core::channel::{self, TryRecvError};
///
/// let (_tx, rx) = channel::unbounded::<u8>();
/// let err = rx.try_recv().unwrap_err();
/// assert!(err.is_empty() && !err.is_closed());
/// ```
#[derive(Error, Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TryRecvError {
    /// Nothing is queued now; a message may still come.
    #[error("receiving from an empty channel")]
    Empty,
    /// Nothing is queued and every [`Sender`] is gone: no message will ever come.
    #[error("receiving from an empty and closed channel")]
    Closed,
}

impl TryRecvError {
    /// Whether nothing was queued but a message may still come.
    pub fn is_empty(&self) -> bool {
        matches!(self, TryRecvError::Empty)
    }

    /// Whether no message will ever come.
    pub fn is_closed(&self) -> bool {
        matches!(self, TryRecvError::Closed)
    }
}

impl From<RecvError> for TryRecvError {
    fn from(_: RecvError) -> TryRecvError {
        TryRecvError::Closed
    }
}

/// [`Receiver::recv_timeout`] or [`Receiver::recv_deadline`] got no message.
///
/// ```
/// use actor_core::channel::{self, RecvTimeoutError};
/// use std::time::Duration;
///
/// let (_tx, rx) = channel::unbounded::<u8>();
/// let err = rx.recv_timeout(Duration::ZERO).unwrap_err();
/// assert!(err.is_timeout() && !err.is_closed());
/// ```
#[derive(Error, Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RecvTimeoutError {
    /// No message came before the timeout; one may still come.
    #[error("timed out receiving from an empty channel")]
    Timeout,
    /// Nothing is queued and every [`Sender`] is gone: no message will ever come.
    #[error("receiving from an empty and closed channel")]
    Closed,
}

impl RecvTimeoutError {
    /// Whether the timeout passed.
    pub fn is_timeout(&self) -> bool {
        matches!(self, RecvTimeoutError::Timeout)
    }

    /// Whether no message will ever come.
    pub fn is_closed(&self) -> bool {
        matches!(self, RecvTimeoutError::Closed)
    }
}

impl From<RecvError> for RecvTimeoutError {
    fn from(_: RecvError) -> RecvTimeoutError {
        RecvTimeoutError::Closed
    }
}
