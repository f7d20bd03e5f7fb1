//! Per-operation errors. Every send-side error owns the message it could not deliver.
//!
//! The send errors serve both an actor's [`Addr`](crate::Addr) and the plain queues of
//! [`channel`](crate::channel): "closed" means the actor no longer accepts messages, or every
//! receiver of the channel is gone. Their `Display` says "mailbox" for both.
//!
//! `Debug` never requires `M: Debug`: it names the error, the message type and the variant, and
//! hides the message (`SendError<alloc::string::String>(..)`), so the errors work with `?`,
//! `unwrap` and `Box<dyn Error>` for any message type, and an `unwrap` panic says what failed.
//! `Display` stays short.

use std::fmt;

use thiserror::Error;

/// [`Addr::send`](crate::Addr::send) or [`channel::Sender::send`](crate::channel::Sender::send)
/// failed: the actor no longer accepts messages (it was closed, stopped or has ended), or every
/// receiver of the channel is gone. The message is handed back.
///
/// ```
/// let handle = actor_core::spawn_fn(|inbox: actor_core::Inbox<u32>| {
///     while inbox.recv().is_ok() {}
///     Ok(())
/// });
/// let addr = handle.addr();
/// addr.close();
/// let err = addr.send(7).unwrap_err();
/// assert_eq!(err.into_inner(), 7);
/// ```
#[derive(Error, Clone, Copy, PartialEq, Eq)]
#[error("sending to a closed mailbox")]
pub struct SendError<M>(pub M);

impl<M> SendError<M> {
    /// The message that was not delivered.
    pub fn into_inner(self) -> M {
        self.0
    }
}

/// [`Addr::try_send`](crate::Addr::try_send) or
/// [`channel::Sender::try_send`](crate::channel::Sender::try_send) failed; the message is handed
/// back.
#[derive(Error, Clone, Copy, PartialEq, Eq)]
pub enum TrySendError<M> {
    /// The mailbox is bounded and full.
    #[error("sending to a full mailbox")]
    Full(M),
    /// The actor no longer accepts messages, or every receiver of the channel is gone.
    #[error("sending to a closed mailbox")]
    Closed(M),
}

impl<M> TrySendError<M> {
    /// The message that was not delivered.
    pub fn into_inner(self) -> M {
        match self {
            TrySendError::Full(msg) | TrySendError::Closed(msg) => msg,
        }
    }

    /// Whether the mailbox was full.
    pub fn is_full(&self) -> bool {
        matches!(self, TrySendError::Full(_))
    }

    /// Whether the actor no longer accepts messages.
    pub fn is_closed(&self) -> bool {
        matches!(self, TrySendError::Closed(_))
    }
}

/// [`Addr::send_timeout`](crate::Addr::send_timeout) or
/// [`channel::Sender::send_timeout`](crate::channel::Sender::send_timeout) failed; the message is
/// handed back.
#[derive(Error, Clone, Copy, PartialEq, Eq)]
pub enum SendTimeoutError<M> {
    /// The mailbox stayed full until the timeout.
    #[error("timed out sending to a full mailbox")]
    Timeout(M),
    /// The actor no longer accepts messages.
    #[error("sending to a closed mailbox")]
    Closed(M),
}

impl<M> SendTimeoutError<M> {
    /// The message that was not delivered.
    pub fn into_inner(self) -> M {
        match self {
            SendTimeoutError::Timeout(msg) | SendTimeoutError::Closed(msg) => msg,
        }
    }

    /// Whether the timeout passed.
    pub fn is_timeout(&self) -> bool {
        matches!(self, SendTimeoutError::Timeout(_))
    }

    /// Whether the actor no longer accepts messages.
    pub fn is_closed(&self) -> bool {
        matches!(self, SendTimeoutError::Closed(_))
    }
}

/// [`Addr::ask`](crate::Addr::ask) or [`Addr::ask_timeout`](crate::Addr::ask_timeout) ended
/// without a reply. Where the request was never queued, it is handed back.
///
/// An ask always ends: with the reply, with one of these errors at once when the actor can no
/// longer reply, or with [`AskError::Timeout`] at the deadline.
#[derive(Error, Clone, Copy, PartialEq, Eq)]
pub enum AskError<M> {
    /// The actor no longer accepts messages; the request was not sent.
    #[error("asking a closed mailbox")]
    Closed(M),
    /// The mailbox stayed full until the deadline; the request was not sent.
    #[error("timed out sending a request to a full mailbox")]
    Full(M),
    /// The request was queued, but no reply came before the deadline. The actor may still
    /// handle it; its reply will then be refused.
    #[error("timed out waiting for a reply")]
    Timeout,
    /// The actor ended without replying, or dropped the [`ReplyTo`](crate::ReplyTo) unanswered
    /// (which includes a handler that panicked while holding it).
    #[error("the actor ended or dropped the request without replying")]
    Stopped,
    /// Refused: [`Addr::ask`](crate::Addr::ask) was called on a worker of a
    /// [`Pool`](crate::Pool), where waiting would hold a thread other actors need (and a chain of
    /// handlers asking each other could never finish). The request was not sent. Ask through
    /// [`Context::ask`](crate::Context::ask) instead: the reply comes back as a message.
    #[error("ask would block a pool worker; ask through the Context instead")]
    WouldBlock(M),
}

impl<M> AskError<M> {
    /// The request, if it was never sent.
    pub fn into_inner(self) -> Option<M> {
        match self {
            AskError::Closed(msg) | AskError::Full(msg) | AskError::WouldBlock(msg) => Some(msg),
            AskError::Timeout | AskError::Stopped => None,
        }
    }

    /// Whether the deadline passed (before or after the request was queued).
    pub fn is_timeout(&self) -> bool {
        matches!(self, AskError::Timeout | AskError::Full(_))
    }
}

/// The error a pull-style actor's [`Inbox`](crate::Inbox) returns once the actor must end: the
/// recipe's `ActorExit`. Let it propagate with `?` and the actor ends with [`Exit::reason`].
///
/// ```
/// use actor_core::{ExitReason, Inbox};
///
/// let handle = actor_core::spawn_fn(|inbox: Inbox<&str>| loop {
///     let msg = inbox.recv()?; // the exit sentinel ends the loop here
///     println!("Got: {msg}");
/// });
/// handle.addr().close();
/// assert_eq!(handle.join().reason(), &ExitReason::Closed);
/// ```
#[derive(Error, Clone, Debug, PartialEq, Eq)]
#[error("actor exit: {reason}")]
pub struct Exit {
    pub(crate) reason: ExitReason,
}

impl Exit {
    /// Why the actor has to end: [`ExitReason::Closed`] or [`ExitReason::Stopped`].
    pub fn reason(&self) -> &ExitReason {
        &self.reason
    }
}

use crate::ExitReason;

/// `Debug` that names the error, its message type and the variant, but never prints the message
/// itself (so `M` needs no `Debug`): `TrySendError<alloc::string::String>::Full(..)`.
macro_rules! debug_naming_the_type {
    ($ty:ident { $($variant:ident),* } $(, $unit:ident)*) => {
        impl<M> fmt::Debug for $ty<M> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                let ty = std::any::type_name::<M>();
                match self {
                    $($ty::$variant(_) => {
                        write!(f, concat!(stringify!($ty), "<{}>::", stringify!($variant), "(..)"), ty)
                    })*
                    $($ty::$unit => write!(f, concat!(stringify!($ty), "<{}>::", stringify!($unit)), ty),)*
                }
            }
        }
    };
}

debug_naming_the_type!(TrySendError { Full, Closed });
debug_naming_the_type!(SendTimeoutError { Timeout, Closed });
debug_naming_the_type!(
    AskError {
        Closed,
        Full,
        WouldBlock
    },
    Timeout,
    Stopped
);

impl<M> fmt::Debug for SendError<M> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SendError<{}>(..)", std::any::type_name::<M>())
    }
}
