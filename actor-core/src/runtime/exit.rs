//! `ExitReason`: why an actor ended.

use std::fmt;

/// Why an actor ended. Returned by [`ActorHandle::join`](crate::ActorHandle::join) inside the
/// [`Outcome`](crate::Outcome) and passed to [`Actor::stopped`](crate::Actor::stopped).
///
/// ```
/// use actor_core::ExitReason;
///
/// assert!(ExitReason::Panicked("boom".into()).is_panic());
/// assert_eq!(ExitReason::Closed.to_string(), "closed");
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub enum ExitReason {
    /// The mailbox was closed and drained: [`Addr::close`](crate::Addr::close) queued the exit
    /// sentinel, [`Context::close`](crate::Context::close) was called, or every
    /// [`Addr`](crate::Addr) was dropped. Every message accepted before that was handled.
    Closed,
    /// [`Addr::stop`](crate::Addr::stop) or [`Context::stop`](crate::Context::stop) ended the
    /// actor after the message it was handling. Messages still queued were not handled; they are
    /// in [`Outcome::undelivered`](crate::Outcome::undelivered).
    Stopped,
    /// A pull-style actor's function (see [`spawn_fn`](crate::spawn_fn)) returned `Ok(())` before
    /// its [`Inbox`](crate::Inbox) reported the end. (One that returns after seeing the end ends
    /// with that end's reason.) Messages it never received are in
    /// [`Outcome::undelivered`](crate::Outcome::undelivered).
    Returned,
    /// A handler or hook panicked; the panic message is kept. Queued messages are in
    /// [`Outcome::undelivered`](crate::Outcome::undelivered).
    Panicked(String),
    /// The actor was ended from outside for a failure that was not its own: a linked actor ended
    /// abnormally (see [`Context::link`](crate::Context::link)), a supervisor gave up after too
    /// many restarts, or [`Context::fail`](crate::Context::fail) was called. The text says what
    /// failed. Queued messages are in [`Outcome::undelivered`](crate::Outcome::undelivered).
    Failed(String),
}

impl ExitReason {
    /// Whether the actor ended by a panic.
    pub fn is_panic(&self) -> bool {
        matches!(self, ExitReason::Panicked(_))
    }

    /// Whether the actor ended abnormally: by a panic or a failure ([`Panicked`] or [`Failed`]).
    /// Abnormal ends travel along links and make supervisors restart transient children;
    /// `Closed`, `Stopped` and `Returned` are normal.
    ///
    /// [`Panicked`]: ExitReason::Panicked
    /// [`Failed`]: ExitReason::Failed
    pub fn is_abnormal(&self) -> bool {
        matches!(self, ExitReason::Panicked(_) | ExitReason::Failed(_))
    }

    /// The panic message, if the actor panicked.
    pub fn panic_message(&self) -> Option<&str> {
        match self {
            ExitReason::Panicked(message) => Some(message),
            _ => None,
        }
    }
}

impl fmt::Display for ExitReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ExitReason::Closed => f.write_str("closed"),
            ExitReason::Stopped => f.write_str("stopped"),
            ExitReason::Returned => f.write_str("returned"),
            ExitReason::Panicked(message) => write!(f, "panicked: {message}"),
            ExitReason::Failed(message) => write!(f, "failed: {message}"),
        }
    }
}
