//! Waiting on several channels at once: `Select` and the typed shortcut `recv_any`.
//!
//! The recipe "Polling Multiple Thread Queues" wants a consumer that serves several queues and
//! handles whichever has a message first. Polling each queue in turn either spins or adds latency;
//! here the waiting thread parks once, on all the queues together, and wakes when any of them is
//! ready (or the timeout passes). Underneath is crossbeam-channel's dynamic select.
//!
//! - [`recv_any`], [`try_recv_any`] and [`recv_any_timeout`] take receivers of one message type
//!   and return `(index, message)`. A receiver that is closed is skipped; they fail only when all
//!   are closed (or on timeout). This is the form to reach for first.
//! - [`Select`] mixes receivers (and senders) of different types: register operations, wait for
//!   one, then complete it with [`SelectedOperation::recv`] or [`SelectedOperation::send`].
//!
//! # Actor inboxes
//!
//! A pull-style actor's [`Inbox`](crate::Inbox) cannot be registered here. Its queue also carries
//! the exit sentinel and wake-ups, and whether the actor must end depends on state next to the
//! queue (the stop flag, the count of admitted messages), so "the queue is ready" does not mean
//! "a message is ready". An actor that must wait on its mailbox and on other sources should have
//! those sources send into its mailbox (an enum of message kinds), or serve
//! [`channel::Receiver`](crate::channel::Receiver)s with this module on a thread of its own.

use std::fmt;
use std::time::{Duration, Instant};

use thiserror::Error;

use crate::chan::cb;
use crate::channel::{Receiver, RecvError, RecvTimeoutError, Sender, TryRecvError};
use crate::runtime::error::SendError;
use crate::runtime::unwind::drop_caught;

/// Waits for the first message from any of `receivers` and returns its position in the slice
/// with the message.
///
/// If several have a message, one of them is picked at random, so no receiver starves. A receiver
/// whose senders are all gone is skipped from then on.
///
/// # Errors
///
/// [`RecvError`] once every receiver is closed and empty (at once for an empty slice).
///
/// # Examples
///
/// ```
/// use actor_core::channel;
///
/// let (tx_a, rx_a) = channel::unbounded();
/// let (tx_b, rx_b) = channel::unbounded();
/// tx_b.send("from b").unwrap();
/// assert_eq!(actor_core::recv_any(&[&rx_a, &rx_b]), Ok((1, "from b")));
///
/// drop((tx_a, tx_b));
/// assert!(actor_core::recv_any(&[&rx_a, &rx_b]).is_err());
/// ```
pub fn recv_any<T>(receivers: &[&Receiver<T>]) -> Result<(usize, T), RecvError> {
    recv_first(receivers, Wait::Block).map_err(|_| RecvError)
}

/// Takes a message queued now in any of `receivers`, without blocking; returns its position in
/// the slice with the message.
///
/// # Errors
///
/// [`TryRecvError::Empty`] if none has a message now, [`TryRecvError::Closed`] if every receiver
/// is closed and empty.
///
/// ```
/// use actor_core::channel::{self, TryRecvError};
///
/// let (tx_a, rx_a) = channel::unbounded::<u8>();
/// let (tx_b, rx_b) = channel::unbounded::<u8>();
/// assert_eq!(actor_core::try_recv_any(&[&rx_a, &rx_b]), Err(TryRecvError::Empty));
/// tx_a.send(1).unwrap();
/// assert_eq!(actor_core::try_recv_any(&[&rx_a, &rx_b]), Ok((0, 1)));
/// drop((tx_a, tx_b));
/// assert_eq!(actor_core::try_recv_any(&[&rx_a, &rx_b]), Err(TryRecvError::Closed));
/// ```
pub fn try_recv_any<T>(receivers: &[&Receiver<T>]) -> Result<(usize, T), TryRecvError> {
    recv_first(receivers, Wait::Poll).map_err(|e| match e {
        Failure::Closed => TryRecvError::Closed,
        Failure::Timeout => TryRecvError::Empty,
    })
}

/// Waits at most `timeout` for the first message from any of `receivers`; returns its position
/// in the slice with the message.
///
/// # Errors
///
/// [`RecvTimeoutError::Timeout`] if no message came in time, [`RecvTimeoutError::Closed`] once
/// every receiver is closed and empty.
///
/// ```
/// use actor_core::channel::{self, RecvTimeoutError};
/// use std::time::Duration;
///
/// let (_tx_a, rx_a) = channel::unbounded::<u8>();
/// let (_tx_b, rx_b) = channel::unbounded::<u8>();
/// let got = actor_core::recv_any_timeout(&[&rx_a, &rx_b], Duration::from_millis(5));
/// assert_eq!(got, Err(RecvTimeoutError::Timeout));
/// ```
pub fn recv_any_timeout<T>(
    receivers: &[&Receiver<T>],
    timeout: Duration,
) -> Result<(usize, T), RecvTimeoutError> {
    let wait = match Instant::now().checked_add(timeout) {
        Some(deadline) => Wait::Until(deadline),
        None => Wait::Block,
    };
    recv_first(receivers, wait).map_err(|e| match e {
        Failure::Closed => RecvTimeoutError::Closed,
        Failure::Timeout => RecvTimeoutError::Timeout,
    })
}

#[derive(Clone, Copy)]
enum Wait {
    Block,
    Poll,
    Until(Instant),
}

enum Failure {
    Closed,
    /// Also "nothing ready now" for [`Wait::Poll`].
    Timeout,
}

fn recv_first<T>(receivers: &[&Receiver<T>], wait: Wait) -> Result<(usize, T), Failure> {
    let mut sel = cb::Select::new();
    for rx in receivers {
        // Operations are numbered from 0 in the order added: the index is the slice position.
        sel.recv(&rx.inner);
    }
    let mut open = receivers.len();
    loop {
        if open == 0 {
            return Err(Failure::Closed);
        }
        let op = match wait {
            Wait::Block => sel.select(),
            Wait::Poll => sel.try_select().map_err(|_| Failure::Timeout)?,
            Wait::Until(deadline) => sel
                .select_deadline(deadline)
                .map_err(|_| Failure::Timeout)?,
        };
        let index = op.index();
        match op.recv(&receivers[index].inner) {
            Ok(msg) => return Ok((index, msg)),
            // A closed receiver is always "ready"; drop it so it cannot hide the others.
            Err(_) => {
                sel.remove(index);
                open -= 1;
            }
        }
    }
}

/// A set of channel operations to wait on together; the first that can proceed is selected.
///
/// Register operations with [`recv`](Select::recv) and [`send`](Select::send); each returns the
/// index of its operation. [`select`](Select::select), [`try_select`](Select::try_select) or
/// [`select_timeout`](Select::select_timeout) picks a ready one (at random among several) and
/// returns it as a [`SelectedOperation`], which must then be completed with the same receiver or
/// sender. An operation is ready when it would not block, which includes a receiver whose
/// channel is closed (its `recv` then fails): [`remove`](Select::remove) it to keep waiting on
/// the others.
///
/// A `Select` can be reused for many rounds. For receivers of one type, [`recv_any`] is simpler.
///
/// # Examples
///
/// ```
/// use actor_core::{Select, channel};
/// use std::time::Duration;
///
/// let (tx_num, rx_num) = channel::unbounded::<u32>();
/// let (tx_text, rx_text) = channel::unbounded::<String>();
/// tx_text.send("hello".to_string()).unwrap();
///
/// let mut sel = Select::new();
/// let num = sel.recv(&rx_num);
/// let text = sel.recv(&rx_text);
/// match sel.select_timeout(Duration::from_secs(1)) {
///     Ok(op) if op.index() == num => panic!("no number was sent, got {:?}", op.recv(&rx_num)),
///     Ok(op) if op.index() == text => assert_eq!(op.recv(&rx_text).unwrap(), "hello"),
///     Ok(_) => unreachable!(),
///     Err(timeout) => panic!("{timeout}"),
/// }
/// # drop(tx_num);
/// ```
pub struct Select<'a> {
    inner: cb::Select<'a>,
    /// What each operation was registered with, by index: a selected operation checks the handle
    /// it is completed with against it, and releases the channel with it if it is not completed.
    ops: Vec<Option<Registered<'a>>>,
}

/// An operation's registration: the address of the registered handle, and for a receive the
/// receiver itself (type-erased), so an operation that is not completed can still be released.
#[derive(Clone, Copy)]
struct Registered<'a> {
    handle: usize,
    release: Release<'a>,
}

#[derive(Clone, Copy)]
enum Release<'a> {
    Recv(&'a (dyn Drain + 'a)),
    Send,
}

/// Completes a selected receive whatever its message type: takes the message the channel set
/// aside for the operation and drops it (a panic in its `Drop` is caught).
trait Drain {
    fn drain(&self, op: cb::SelectedOperation<'_>);
}

impl<T> Drain for Receiver<T> {
    fn drain(&self, op: cb::SelectedOperation<'_>) {
        let _ = drop_caught(op.recv(&self.inner));
    }
}

/// The address crossbeam identifies a registered handle by.
fn address_of<H>(handle: &H) -> usize {
    std::ptr::from_ref(handle).addr()
}

impl<'a> Select<'a> {
    /// An empty set of operations.
    ///
    /// ```
    /// let mut sel = actor_core::Select::new();
    /// assert!(sel.try_select().is_err()); // nothing can be selected from an empty set
    /// ```
    pub fn new() -> Select<'a> {
        Select {
            inner: cb::Select::new(),
            ops: Vec::new(),
        }
    }

    /// Adds a receive from `rx`; returns the operation's index.
    ///
    /// ```
    /// let (_tx, rx) = actor_core::channel::unbounded::<u8>();
    /// let mut sel = actor_core::Select::new();
    /// assert_eq!(sel.recv(&rx), 0);
    /// assert_eq!(sel.recv(&rx), 1);
    /// ```
    #[inline]
    pub fn recv<T>(&mut self, rx: &'a Receiver<T>) -> usize {
        let index = self.inner.recv(&rx.inner);
        self.register(index, address_of(&rx.inner), Release::Recv(rx));
        index
    }

    /// Adds a send on `tx`; returns the operation's index. The operation is ready when the
    /// channel has room (or is closed).
    ///
    /// ```
    /// let (tx, rx) = actor_core::channel::bounded(1);
    /// let mut sel = actor_core::Select::new();
    /// let send = sel.send(&tx);
    /// let op = sel.try_select().unwrap();
    /// assert_eq!(op.index(), send);
    /// op.send(&tx, 'x').unwrap();
    /// assert_eq!(rx.recv(), Ok('x'));
    /// ```
    #[inline]
    pub fn send<T>(&mut self, tx: &'a Sender<T>) -> usize {
        let index = self.inner.send(&tx.inner);
        self.register(index, address_of(&tx.inner), Release::Send);
        index
    }

    fn register(&mut self, index: usize, handle: usize, release: Release<'a>) {
        if self.ops.len() <= index {
            self.ops.resize(index + 1, None);
        }
        self.ops[index] = Some(Registered { handle, release });
    }

    fn selected(&self, inner: cb::SelectedOperation<'a>) -> SelectedOperation<'a> {
        let index = inner.index();
        SelectedOperation {
            inner: Some(inner),
            index,
            registered: self.ops.get(index).copied().flatten(),
        }
    }

    /// Removes the operation with this index; the other indices stay valid.
    ///
    /// # Panics
    ///
    /// If no operation has this index (never added, or already removed).
    ///
    /// ```
    /// use actor_core::{Select, channel};
    ///
    /// let (tx_a, rx_a) = channel::unbounded::<u8>();
    /// let (tx_b, rx_b) = channel::unbounded::<u8>();
    /// drop(tx_a);
    /// tx_b.send(2).unwrap();
    ///
    /// let mut sel = Select::new();
    /// let a = sel.recv(&rx_a);
    /// let b = sel.recv(&rx_b);
    /// sel.remove(a); // closed: it would always be ready
    /// let op = sel.select();
    /// assert_eq!(op.index(), b);
    /// assert_eq!(op.recv(&rx_b), Ok(2));
    /// ```
    #[inline]
    pub fn remove(&mut self, index: usize) {
        self.inner.remove(index);
        if let Some(op) = self.ops.get_mut(index) {
            *op = None;
        }
    }

    /// Waits until one of the operations is ready and selects it.
    ///
    /// # Panics
    ///
    /// If no operation was added: the wait could never end.
    ///
    /// ```
    /// let (tx, rx) = actor_core::channel::unbounded();
    /// std::thread::spawn(move || tx.send(5).unwrap());
    /// let mut sel = actor_core::Select::new();
    /// sel.recv(&rx);
    /// assert_eq!(sel.select().recv(&rx), Ok(5));
    /// ```
    #[inline]
    pub fn select(&mut self) -> SelectedOperation<'a> {
        let inner = self.inner.select();
        self.selected(inner)
    }

    /// Selects an operation that is ready now, without blocking.
    ///
    /// # Errors
    ///
    /// [`TrySelectError`] if none is ready (or none was added).
    ///
    /// ```
    /// let (_tx, rx) = actor_core::channel::unbounded::<u8>();
    /// let mut sel = actor_core::Select::new();
    /// sel.recv(&rx);
    /// assert!(sel.try_select().is_err());
    /// ```
    #[inline]
    pub fn try_select(&mut self) -> Result<SelectedOperation<'a>, TrySelectError> {
        match self.inner.try_select() {
            Ok(inner) => Ok(self.selected(inner)),
            Err(_) => Err(TrySelectError),
        }
    }

    /// Waits at most `timeout` for one of the operations to be ready and selects it.
    ///
    /// # Errors
    ///
    /// [`SelectTimeoutError`] if none became ready in time (with no operation added, this waits
    /// out the whole timeout).
    ///
    /// ```
    /// use std::time::Duration;
    ///
    /// let (_tx, rx) = actor_core::channel::unbounded::<u8>();
    /// let mut sel = actor_core::Select::new();
    /// sel.recv(&rx);
    /// assert!(sel.select_timeout(Duration::from_millis(5)).is_err());
    /// ```
    #[inline]
    pub fn select_timeout(
        &mut self,
        timeout: Duration,
    ) -> Result<SelectedOperation<'a>, SelectTimeoutError> {
        match self.inner.select_timeout(timeout) {
            Ok(inner) => Ok(self.selected(inner)),
            Err(_) => Err(SelectTimeoutError),
        }
    }

    /// Waits until `deadline` at most for one of the operations to be ready and selects it.
    ///
    /// # Errors
    ///
    /// [`SelectTimeoutError`] if none became ready in time.
    ///
    /// ```
    /// use std::time::Instant;
    ///
    /// let (tx, rx) = actor_core::channel::unbounded();
    /// tx.send(1).unwrap();
    /// let mut sel = actor_core::Select::new();
    /// sel.recv(&rx);
    /// let op = sel.select_deadline(Instant::now()).unwrap(); // ready now: no wait needed
    /// assert_eq!(op.recv(&rx), Ok(1));
    /// ```
    #[inline]
    pub fn select_deadline(
        &mut self,
        deadline: Instant,
    ) -> Result<SelectedOperation<'a>, SelectTimeoutError> {
        match self.inner.select_deadline(deadline) {
            Ok(inner) => Ok(self.selected(inner)),
            Err(_) => Err(SelectTimeoutError),
        }
    }
}

impl Default for Select<'_> {
    fn default() -> Self {
        Select::new()
    }
}

impl fmt::Debug for Select<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Select").finish_non_exhaustive()
    }
}

/// The operation a [`Select`] picked; complete it with [`recv`](SelectedOperation::recv) or
/// [`send`](SelectedOperation::send), passing the same receiver or sender that was registered
/// under its [`index`](SelectedOperation::index).
///
/// # Panics
///
/// The channel has set a message (or, for a send, a slot) aside for this operation, so it must be
/// completed, with the handle it was registered with. Misuse is a panic you can catch, never an
/// abort, and the channel stays usable where it can:
///
/// - Completing it with another handle (even a clone of the registered one) panics.
/// - Dropping it without completing it panics, unless the thread is already unwinding from
///   another panic (then the drop only releases the operation, quietly).
///
/// Either way a selected *receive* is first completed with the registered receiver and its
/// message dropped, so the channel goes on as if it had been received. A selected *send* cannot be
/// completed without a message: its slot stays set aside for good, and the channel's receiving
/// side waits for it (a receive that reaches the slot, and dropping the last receiver, block).
/// Compute what you send before you select, and complete a send with its registered sender.
///
/// ```
/// use actor_core::{Select, channel};
///
/// let (tx, rx) = channel::unbounded::<u8>();
/// let (_other_tx, other_rx) = channel::unbounded::<u8>();
/// tx.send(1).unwrap();
/// tx.send(2).unwrap();
/// let misused = std::panic::catch_unwind(|| {
///     let mut sel = Select::new();
///     sel.recv(&rx);
///     let op = sel.select();
///     let _ = op.recv(&other_rx); // not the registered receiver: panics
/// });
/// assert!(misused.is_err());
/// assert_eq!(rx.recv(), Ok(2)); // message 1 went with the misused operation
/// ```
#[must_use = "a selected operation must be completed with `recv` or `send`"]
pub struct SelectedOperation<'a> {
    /// `None` once completed or released.
    inner: Option<cb::SelectedOperation<'a>>,
    index: usize,
    registered: Option<Registered<'a>>,
}

impl SelectedOperation<'_> {
    /// The index that [`Select::recv`] or [`Select::send`] returned for this operation.
    ///
    /// ```
    /// let (tx, rx) = actor_core::channel::unbounded();
    /// tx.send(()).unwrap();
    /// let mut sel = actor_core::Select::new();
    /// let index = sel.recv(&rx);
    /// let op = sel.select();
    /// assert_eq!(op.index(), index);
    /// op.recv(&rx).unwrap();
    /// ```
    #[inline]
    pub fn index(&self) -> usize {
        self.index
    }

    /// Completes a selected receive.
    ///
    /// # Errors
    ///
    /// [`RecvError`] if the channel is closed and empty.
    ///
    /// # Panics
    ///
    /// If `rx` is not the receiver registered for this operation (a clone of it is another
    /// receiver), or the operation is a send. The operation is released first (see
    /// [`SelectedOperation`]).
    ///
    /// ```
    /// let (tx, rx) = actor_core::channel::unbounded::<u8>();
    /// drop(tx);
    /// let mut sel = actor_core::Select::new();
    /// sel.recv(&rx);
    /// assert_eq!(sel.select().recv(&rx), Err(actor_core::channel::RecvError));
    /// ```
    #[inline]
    pub fn recv<T>(mut self, rx: &Receiver<T>) -> Result<T, RecvError> {
        match (self.inner.take(), self.registered) {
            (Some(op), Some(registered))
                if registered.handle == address_of(&rx.inner)
                    && matches!(registered.release, Release::Recv(_)) =>
            {
                op.recv(&rx.inner).map_err(|_| RecvError)
            }
            (op, _) => {
                self.release(op);
                panic!(
                    "SelectedOperation::recv: the receiver passed is not the one registered for \
                     operation {}",
                    self.index
                )
            }
        }
    }

    /// Completes a selected send.
    ///
    /// # Errors
    ///
    /// [`SendError`] with the message if every receiver of the channel is gone.
    ///
    /// # Panics
    ///
    /// If `tx` is not the sender registered for this operation (a clone of it is another sender),
    /// or the operation is a receive. The operation is released first (see
    /// [`SelectedOperation`]); the message is dropped with the panic.
    ///
    /// ```
    /// let (tx, rx) = actor_core::channel::unbounded();
    /// drop(rx);
    /// let mut sel = actor_core::Select::new();
    /// sel.send(&tx);
    /// assert_eq!(sel.select().send(&tx, 9).unwrap_err().into_inner(), 9);
    /// ```
    #[inline]
    pub fn send<T>(mut self, tx: &Sender<T>, msg: T) -> Result<(), SendError<T>> {
        match (self.inner.take(), self.registered) {
            (Some(op), Some(registered))
                if registered.handle == address_of(&tx.inner)
                    && matches!(registered.release, Release::Send) =>
            {
                op.send(&tx.inner, msg).map_err(|e| SendError(e.0))
            }
            (op, _) => {
                self.release(op);
                let _ = drop_caught(msg);
                panic!(
                    "SelectedOperation::send: the sender passed is not the one registered for \
                     operation {}",
                    self.index
                )
            }
        }
    }

    /// Gives up an operation that will not be completed as asked: a receive is completed with
    /// the registered receiver (its message dropped); a send is forgotten (crossbeam's operation
    /// panics when dropped, and a second panic while unwinding would abort).
    fn release(&mut self, op: Option<cb::SelectedOperation<'_>>) {
        let Some(op) = op else { return };
        match self.registered.map(|registered| registered.release) {
            Some(Release::Recv(receiver)) => receiver.drain(op),
            Some(Release::Send) | None => std::mem::forget(op),
        }
    }
}

impl Drop for SelectedOperation<'_> {
    fn drop(&mut self) {
        let Some(op) = self.inner.take() else { return };
        self.release(Some(op));
        if !std::thread::panicking() {
            panic!(
                "dropped the SelectedOperation for operation {} without completing it",
                self.index
            );
        }
    }
}

impl fmt::Debug for SelectedOperation<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SelectedOperation")
            .field("index", &self.index())
            .finish()
    }
}

/// [`Select::try_select`] found no operation ready.
///
/// ```
/// let err = actor_core::Select::new().try_select().unwrap_err();
/// assert_eq!(err.to_string(), "no operation is ready");
/// ```
#[derive(Error, Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[error("no operation is ready")]
pub struct TrySelectError;

/// [`Select::select_timeout`] or [`Select::select_deadline`] found no operation ready in time.
///
/// ```
/// use std::time::Duration;
///
/// let err = actor_core::Select::new().select_timeout(Duration::ZERO).unwrap_err();
/// assert_eq!(err, actor_core::SelectTimeoutError);
/// ```
#[derive(Error, Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[error("timed out waiting for an operation to be ready")]
pub struct SelectTimeoutError;
