//! `Recipient<T>`: an address that takes one message type and wraps it into the actor's own.

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::{ActorId, Addr, SendError, SendTimeoutError, TrySendError};

/// An address of an actor whose message type is an enum, taking only one of its variants' inner
/// type `T`: each `T` is wrapped into the enum on the way in. Useful where an API wants "somewhere
/// to send `T`" (a publish/subscribe exchange of `T`, a callback), and the actor handles more.
///
/// Sends keep everything an [`Addr`] gives: back-pressure of a bounded mailbox, errors that hand
/// the `T` back, `is_alive`. Like an `Addr`, a recipient keeps its actor alive. Make one with the
/// [`recipient!`](crate::recipient!) macro, or [`Addr::recipient`] with both directions.
///
/// ```
/// use actor_core::{Actor, Context, Recipient, recipient};
///
/// enum Msg {
///     Temperature(f64),
///     Reset,
/// }
///
/// struct Stats(f64);
/// impl Actor for Stats {
///     type Msg = Msg;
///     fn handle(&mut self, msg: Msg, _ctx: &mut Context<Self>) {
///         match msg {
///             Msg::Temperature(t) => self.0 = self.0.max(t),
///             Msg::Reset => self.0 = 0.0,
///         }
///     }
/// }
///
/// let handle = actor_core::spawn(Stats(0.0));
/// let temperatures: Recipient<f64> = recipient!(handle.addr(), Msg::Temperature);
/// temperatures.send(21.5).unwrap();
/// temperatures.send(19.0).unwrap();
/// drop(temperatures);
/// assert_eq!(handle.join().into_state().0, 21.5);
/// ```
pub struct Recipient<T> {
    inner: Arc<dyn Deliver<T>>,
}

trait Deliver<T>: Send + Sync {
    fn send(&self, msg: T) -> Result<(), SendError<T>>;
    fn try_send(&self, msg: T) -> Result<(), TrySendError<T>>;
    fn send_deadline(&self, msg: T, deadline: Instant) -> Result<(), SendTimeoutError<T>>;
    fn addr_id(&self) -> ActorId;
    fn addr_name(&self) -> &str;
    fn alive(&self) -> bool;
}

struct Mapped<M, W, U> {
    addr: Addr<M>,
    wrap: W,
    unwrap: U,
}

impl<M, T, W, U> Mapped<M, W, U>
where
    W: Fn(T) -> M,
    U: Fn(M) -> Option<T>,
{
    /// The `T` inside a refused message.
    fn back(&self, msg: M) -> T {
        match (self.unwrap)(msg) {
            Some(inner) => inner,
            None => panic!(
                "a recipient's unwrap did not invert its wrap (use the recipient! macro to make both)"
            ),
        }
    }
}

impl<M, T, W, U> Deliver<T> for Mapped<M, W, U>
where
    M: Send + 'static,
    T: Send + 'static,
    W: Fn(T) -> M + Send + Sync + 'static,
    U: Fn(M) -> Option<T> + Send + Sync + 'static,
{
    fn send(&self, msg: T) -> Result<(), SendError<T>> {
        self.addr
            .send((self.wrap)(msg))
            .map_err(|refused| SendError(self.back(refused.into_inner())))
    }

    fn try_send(&self, msg: T) -> Result<(), TrySendError<T>> {
        self.addr
            .try_send((self.wrap)(msg))
            .map_err(|refused| match refused {
                TrySendError::Full(msg) => TrySendError::Full(self.back(msg)),
                TrySendError::Closed(msg) => TrySendError::Closed(self.back(msg)),
            })
    }

    fn send_deadline(&self, msg: T, deadline: Instant) -> Result<(), SendTimeoutError<T>> {
        self.addr
            .send_deadline((self.wrap)(msg), deadline)
            .map_err(|refused| match refused {
                SendTimeoutError::Timeout(msg) => SendTimeoutError::Timeout(self.back(msg)),
                SendTimeoutError::Closed(msg) => SendTimeoutError::Closed(self.back(msg)),
            })
    }

    fn addr_id(&self) -> ActorId {
        self.addr.id()
    }

    fn addr_name(&self) -> &str {
        self.addr.name()
    }

    fn alive(&self) -> bool {
        self.addr.is_alive()
    }
}

impl<M: Send + 'static> Addr<M> {
    /// A [`Recipient`] of `T` for this actor: `wrap` makes the actor's message from a `T`, and
    /// `unwrap` takes the `T` back out of a message a send could not deliver (so errors hand back
    /// the `T`). The [`recipient!`](crate::recipient!) macro writes both for an enum variant.
    ///
    /// # Panics
    ///
    /// A send whose message is refused panics if `unwrap` returns `None` for the message `wrap`
    /// made: `unwrap` must invert `wrap`.
    pub fn recipient<T, W, U>(&self, wrap: W, unwrap: U) -> Recipient<T>
    where
        T: Send + 'static,
        W: Fn(T) -> M + Send + Sync + 'static,
        U: Fn(M) -> Option<T> + Send + Sync + 'static,
    {
        Recipient {
            inner: Arc::new(Mapped {
                addr: self.clone(),
                wrap,
                unwrap,
            }),
        }
    }
}

/// Makes a [`Recipient`] from an address and a one-field tuple variant of its message enum:
/// `recipient!(addr, Msg::Event)` takes `T` where the variant is `Msg::Event(T)`.
#[macro_export]
macro_rules! recipient {
    ($addr:expr, $($variant:ident)::+) => {
        $addr.recipient($($variant)::+, |msg| {
            #[allow(unreachable_patterns)]
            match msg {
                $($variant)::+(inner) => ::core::option::Option::Some(inner),
                _ => ::core::option::Option::None,
            }
        })
    };
}

impl<T: Send + 'static> Recipient<T> {
    /// Sends, blocking while a bounded mailbox is full (as [`Addr::send`]).
    ///
    /// # Errors
    ///
    /// [`SendError`] with the `T` if the actor no longer accepts messages.
    pub fn send(&self, msg: T) -> Result<(), SendError<T>> {
        self.inner.send(msg)
    }

    /// Sends without waiting (as [`Addr::try_send`]).
    ///
    /// # Errors
    ///
    /// [`TrySendError`] with the `T`: full or closed.
    pub fn try_send(&self, msg: T) -> Result<(), TrySendError<T>> {
        self.inner.try_send(msg)
    }

    /// Sends, waiting at most `timeout` for room (as [`Addr::send_timeout`]).
    ///
    /// # Errors
    ///
    /// [`SendTimeoutError`] with the `T`: timed out or closed.
    pub fn send_timeout(&self, msg: T, timeout: Duration) -> Result<(), SendTimeoutError<T>> {
        match Instant::now().checked_add(timeout) {
            Some(deadline) => self.inner.send_deadline(msg, deadline),
            None => self
                .send(msg)
                .map_err(|e| SendTimeoutError::Closed(e.into_inner())),
        }
    }

    /// Sends, waiting until `deadline` at the latest for room.
    ///
    /// # Errors
    ///
    /// As [`send_timeout`](Recipient::send_timeout).
    pub fn send_deadline(&self, msg: T, deadline: Instant) -> Result<(), SendTimeoutError<T>> {
        self.inner.send_deadline(msg, deadline)
    }

    /// The actor's id.
    pub fn id(&self) -> ActorId {
        self.inner.addr_id()
    }

    /// The actor's name.
    pub fn name(&self) -> &str {
        self.inner.addr_name()
    }

    /// Whether the actor still accepts messages (as [`Addr::is_alive`]).
    pub fn is_alive(&self) -> bool {
        self.inner.alive()
    }
}

impl<T> Clone for Recipient<T> {
    fn clone(&self) -> Recipient<T> {
        Recipient {
            inner: Arc::clone(&self.inner),
        }
    }
}

impl<T> fmt::Debug for Recipient<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Recipient")
            .field("id", &self.inner.addr_id())
            .field("of", &std::any::type_name::<T>())
            .finish()
    }
}
