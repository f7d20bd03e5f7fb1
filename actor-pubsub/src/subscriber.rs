//! The `Subscriber` trait, the `Delivery` outcome it reports, and its impls for actor addresses
//! and closures.

use std::fmt;

use actor_core::{Addr, SendTimeoutError, TrySendError};

use crate::Wait;

/// Anything an [`Exchange`](crate::Exchange) can deliver messages to: the recipe's "object with a
/// `send` method".
///
/// Implemented for
/// - [`actor_core::Addr<M>`]: `send`, `try_send` or `send_deadline` as the [`Wait`] says; an
///   actor that no longer accepts messages is [`Delivery::Gone`];
/// - closures `Fn(M) + Send + Sync`: delivery is calling them (always [`Delivery::Delivered`]);
/// - `actor_core::channel::Sender<M>` (and crossbeam-channel's `Sender<M>` with the feature
///   `crossbeam`): like `Addr`, a disconnected channel is `Gone`;
/// - [`Recorder`](crate::Recorder) and [`DisplayMessages`](crate::DisplayMessages).
///
/// Deliveries can come from several sending threads at once, hence `Send + Sync` and `&self`.
/// A subscriber may call back into the exchange it is attached to (attach, detach, even send):
/// the exchange holds no lock while it delivers.
///
/// # Examples
///
/// A subscriber of one's own, like the recipe's `Task`:
///
/// ```
/// use actor_pubsub::{Delivery, DeliveryPolicy, Exchange, Subscriber, Wait};
/// use std::sync::{Arc, Mutex};
///
/// struct Task {
///     name: &'static str,
///     log: Arc<Mutex<Vec<String>>>,
/// }
///
/// impl Subscriber<&'static str> for Task {
///     fn deliver(&self, msg: &'static str, _wait: Wait) -> Delivery<&'static str> {
///         self.log.lock().unwrap().push(format!("{} received {msg}", self.name));
///         Delivery::Delivered
///     }
/// }
///
/// let log = Arc::new(Mutex::new(Vec::new()));
/// let exc = Exchange::new(DeliveryPolicy::Block);
/// let _a = exc.attach(Task { name: "task_a", log: Arc::clone(&log) });
/// let _b = exc.attach(Task { name: "task_b", log: Arc::clone(&log) });
/// assert_eq!(exc.send("msg1"), 2);
/// assert_eq!(*log.lock().unwrap(), ["task_a received msg1", "task_b received msg1"]);
/// ```
pub trait Subscriber<M>: Send + Sync {
    /// Delivers one message, waiting for room at most as `wait` allows.
    ///
    /// Returns [`Delivery::Delivered`] if the subscriber took the message; otherwise hands it
    /// back in [`Delivery::Full`] (no room within the wait: counted as dropped) or
    /// [`Delivery::Gone`] (the subscriber will never take messages again: the exchange detaches
    /// it).
    fn deliver(&self, msg: M, wait: Wait) -> Delivery<M>;
}

/// What became of one delivery. The message is handed back when it was not delivered.
///
/// `Debug` does not require `M: Debug`.
///
/// ```
/// use actor_pubsub::Delivery;
///
/// let full: Delivery<u8> = Delivery::Full(7);
/// assert!(!full.is_delivered());
/// assert_eq!(full.into_inner(), Some(7));
/// assert!(Delivery::<u8>::Delivered.is_delivered());
/// assert_eq!(format!("{:?}", Delivery::Gone(vec![1u8])), "Gone(..)");
/// ```
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Delivery<M> {
    /// The subscriber took the message.
    Delivered,
    /// The subscriber had no room within the allowed wait; the message was not delivered.
    Full(M),
    /// The subscriber can never take a message again (its actor ended, its channel is
    /// disconnected); the message was not delivered.
    Gone(M),
}

impl<M> Delivery<M> {
    /// Whether the subscriber took the message.
    pub fn is_delivered(&self) -> bool {
        matches!(self, Delivery::Delivered)
    }

    /// The message, if it was not delivered.
    pub fn into_inner(self) -> Option<M> {
        match self {
            Delivery::Delivered => None,
            Delivery::Full(msg) | Delivery::Gone(msg) => Some(msg),
        }
    }
}

impl<M> fmt::Debug for Delivery<M> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Delivery::Delivered => "Delivered",
            Delivery::Full(_) => "Full(..)",
            Delivery::Gone(_) => "Gone(..)",
        })
    }
}

/// The delivery of actor-core's senders (`Addr`, `channel::Sender`): the three forms of a send,
/// with actor-core's error types, mapped onto a [`Delivery`].
macro_rules! deliver_through {
    ($sender:expr, $msg:expr, $wait:expr) => {
        match $wait {
            Wait::Block => match $sender.send($msg) {
                Ok(()) => Delivery::Delivered,
                Err(err) => Delivery::Gone(err.into_inner()),
            },
            Wait::Try => match $sender.try_send($msg) {
                Ok(()) => Delivery::Delivered,
                Err(TrySendError::Full(msg)) => Delivery::Full(msg),
                Err(TrySendError::Closed(msg)) => Delivery::Gone(msg),
            },
            Wait::Until(deadline) => match $sender.send_deadline($msg, deadline) {
                Ok(()) => Delivery::Delivered,
                Err(SendTimeoutError::Timeout(msg)) => Delivery::Full(msg),
                Err(SendTimeoutError::Closed(msg)) => Delivery::Gone(msg),
            },
        }
    };
}

/// An actor as a subscriber: its mailbox receives the messages, in each sender's order.
///
/// ```
/// use actor_core::{Actor, Context};
/// use actor_pubsub::{DeliveryPolicy, Exchange};
///
/// struct Count(u32);
/// impl Actor for Count {
///     type Msg = &'static str;
///     fn handle(&mut self, _msg: &'static str, _ctx: &mut Context<Self>) {
///         self.0 += 1;
///     }
/// }
///
/// let handle = actor_core::spawn(Count(0));
/// let exc = Exchange::new(DeliveryPolicy::Block);
/// let sub = exc.attach(handle.addr());
/// assert_eq!(exc.send("msg1"), 1);
/// assert_eq!(exc.send("msg2"), 1);
/// drop(sub); // detaches: the exchange drops its address of the actor
/// assert_eq!(handle.join().into_state().0, 2);
/// ```
impl<M: Send + 'static> Subscriber<M> for Addr<M> {
    #[inline]
    fn deliver(&self, msg: M, wait: Wait) -> Delivery<M> {
        deliver_through!(self, msg, wait)
    }
}

/// An [`actor_core::channel`] sender as a subscriber: the messages go into the queue. A bounded
/// queue that is full is [`Delivery::Full`] (after the allowed wait); a queue whose receivers are
/// all gone is [`Delivery::Gone`], so the exchange detaches it.
///
/// ```
/// use actor_pubsub::{DeliveryPolicy, Exchange};
///
/// let (tx, rx) = actor_core::channel::unbounded();
/// let exc = Exchange::new(DeliveryPolicy::Block);
/// let _sub = exc.attach(tx);
/// assert_eq!(exc.send("msg1"), 1);
/// assert_eq!(rx.try_recv().unwrap(), "msg1");
/// drop(rx);
/// assert_eq!(exc.send("msg2"), 0); // nobody can receive any more: detached
/// assert_eq!(exc.subscriber_count(), 0);
/// ```
/// A [`Recipient`](actor_core::Recipient) subscribes an actor whose message type is an enum: each
/// `M` is wrapped into the actor's message, with the back-pressure and the detection of an exited
/// subscriber of a plain address.
///
/// ```
/// use actor_core::{Actor, Context, recipient};
/// use actor_pubsub::{DeliveryPolicy, Exchange};
///
/// enum Msg {
///     Price(u32),
///     Flush,
/// }
///
/// struct Book(Vec<u32>);
/// impl Actor for Book {
///     type Msg = Msg;
///     fn handle(&mut self, msg: Msg, _ctx: &mut Context<Self>) {
///         match msg {
///             Msg::Price(p) => self.0.push(p),
///             Msg::Flush => self.0.clear(),
///         }
///     }
/// }
///
/// let prices = Exchange::<u32>::new(DeliveryPolicy::Block);
/// let book = actor_core::spawn(Book(Vec::new()));
/// let subscription = prices.attach(recipient!(book.addr(), Msg::Price));
/// prices.send(7);
/// drop(subscription);
/// assert_eq!(book.join().into_state().0, [7]);
/// ```
impl<M: Send + 'static> Subscriber<M> for actor_core::Recipient<M> {
    #[inline]
    fn deliver(&self, msg: M, wait: Wait) -> Delivery<M> {
        deliver_through!(self, msg, wait)
    }
}

impl<M: Send + 'static> Subscriber<M> for actor_core::channel::Sender<M> {
    #[inline]
    fn deliver(&self, msg: M, wait: Wait) -> Delivery<M> {
        deliver_through!(self, msg, wait)
    }
}

/// A closure as a subscriber: delivering is calling it, on the sending thread.
///
/// ```
/// use actor_pubsub::{DeliveryPolicy, Exchange};
/// use std::sync::atomic::{AtomicUsize, Ordering};
/// use std::sync::Arc;
///
/// let seen = Arc::new(AtomicUsize::new(0));
/// let counter = Arc::clone(&seen);
/// let exc = Exchange::new(DeliveryPolicy::Block);
/// let _sub = exc.attach(move |n: usize| {
///     counter.fetch_add(n, Ordering::SeqCst);
/// });
/// exc.send(2);
/// exc.send(3);
/// assert_eq!(seen.load(Ordering::SeqCst), 5);
/// ```
impl<M, F> Subscriber<M> for F
where
    F: Fn(M) + Send + Sync,
{
    #[inline]
    fn deliver(&self, msg: M, _wait: Wait) -> Delivery<M> {
        self(msg);
        Delivery::Delivered
    }
}
