//! The errors: [`SchedError`] for sends and look-ups, [`NameTaken`] for spawns. Both give back
//! what they could not accept.

use std::fmt;

/// Why a message could not be sent (or an address not found). The message is inside; take it back
/// with [`SchedError::into_inner`].
///
/// | variant | returned by |
/// |---|---|
/// | `UnknownActor` | sends and look-ups by name: no actor has this name |
/// | `WrongType` | sends and look-ups by name: the actor receives another message type |
/// | `Finished` | every send: the actor has finished (or its scheduler was dropped) |
///
/// `Debug` does not need `M: Debug`: it shows the variant and the names, not the message.
///
/// # Examples
///
/// ```
/// use actor_sched::{SchedError, Scheduler};
///
/// let mut sched = Scheduler::new();
/// let err = sched.send("nobody", 42_u32).unwrap_err();
/// assert!(err.is_unknown_actor());
/// assert_eq!(err.to_string(), "no actor is named `nobody`");
/// assert_eq!(err.into_inner(), 42); // nothing is lost
/// ```
#[non_exhaustive]
pub enum SchedError<M> {
    /// No actor is registered under `name`.
    UnknownActor {
        /// The name that was asked for.
        name: Box<str>,
        /// The message that was not sent.
        msg: M,
    },
    /// The actor named `name` receives messages of type `expected`, not `found`.
    WrongType {
        /// The actor's name.
        name: Box<str>,
        /// The type of message the actor receives.
        expected: &'static str,
        /// The type that was sent (or asked for).
        found: &'static str,
        /// The message that was not sent.
        msg: M,
    },
    /// The actor has finished (its handler returned [`Flow::Stop`](crate::Flow::Stop), its async
    /// fn returned, or its scheduler was dropped), so it takes no more messages.
    Finished {
        /// The message that was not sent.
        msg: M,
    },
}

impl<M> SchedError<M> {
    /// Gives back the message that could not be sent.
    pub fn into_inner(self) -> M {
        match self {
            SchedError::UnknownActor { msg, .. }
            | SchedError::WrongType { msg, .. }
            | SchedError::Finished { msg } => msg,
        }
    }

    /// The message that could not be sent.
    pub fn msg(&self) -> &M {
        match self {
            SchedError::UnknownActor { msg, .. }
            | SchedError::WrongType { msg, .. }
            | SchedError::Finished { msg } => msg,
        }
    }

    /// Whether no actor had the name.
    pub fn is_unknown_actor(&self) -> bool {
        matches!(self, SchedError::UnknownActor { .. })
    }

    /// Whether the actor receives another message type.
    pub fn is_wrong_type(&self) -> bool {
        matches!(self, SchedError::WrongType { .. })
    }

    /// Whether the actor has finished.
    pub fn is_finished(&self) -> bool {
        matches!(self, SchedError::Finished { .. })
    }

    /// The same error with the message replaced by `f(msg)`.
    pub fn map<T>(self, f: impl FnOnce(M) -> T) -> SchedError<T> {
        match self {
            SchedError::UnknownActor { name, msg } => {
                SchedError::UnknownActor { name, msg: f(msg) }
            }
            SchedError::WrongType {
                name,
                expected,
                found,
                msg,
            } => SchedError::WrongType {
                name,
                expected,
                found,
                msg: f(msg),
            },
            SchedError::Finished { msg } => SchedError::Finished { msg: f(msg) },
        }
    }
}

impl<M> fmt::Debug for SchedError<M> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SchedError::UnknownActor { name, .. } => f
                .debug_struct("UnknownActor")
                .field("name", name)
                .finish_non_exhaustive(),
            SchedError::WrongType {
                name,
                expected,
                found,
                ..
            } => f
                .debug_struct("WrongType")
                .field("name", name)
                .field("expected", expected)
                .field("found", found)
                .finish_non_exhaustive(),
            SchedError::Finished { .. } => f.debug_struct("Finished").finish_non_exhaustive(),
        }
    }
}

impl<M> fmt::Display for SchedError<M> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SchedError::UnknownActor { name, .. } => write!(f, "no actor is named `{name}`"),
            SchedError::WrongType {
                name,
                expected,
                found,
                ..
            } => {
                write!(f, "actor `{name}` receives `{expected}`, not `{found}`")
            }
            SchedError::Finished { .. } => f.write_str("the actor has finished"),
        }
    }
}

impl<M> std::error::Error for SchedError<M> {}

/// A spawn was refused because an actor already has that name. The actor (handler or async fn)
/// that was not spawned is inside; take it back with [`NameTaken::into_inner`].
///
/// # Examples
///
/// ```
/// use actor_sched::{Flow, Scheduler};
///
/// let mut sched = Scheduler::new();
/// sched.spawn_actor("printer", |_: u32, _| Flow::Continue).unwrap();
/// let err = sched.spawn_actor("printer", |_: u32, _| Flow::Stop).unwrap_err();
/// assert_eq!(err.name(), "printer");
/// assert_eq!(err.to_string(), "an actor named `printer` already exists");
/// ```
pub struct NameTaken<A> {
    name: Box<str>,
    actor: A,
}

impl<A> NameTaken<A> {
    pub(crate) fn new(name: &str, actor: A) -> NameTaken<A> {
        NameTaken {
            name: name.into(),
            actor,
        }
    }

    /// The name that is already taken.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Gives back the actor that was not spawned.
    pub fn into_inner(self) -> A {
        self.actor
    }
}

impl<A> fmt::Debug for NameTaken<A> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("NameTaken")
            .field("name", &self.name)
            .finish_non_exhaustive()
    }
}

impl<A> fmt::Display for NameTaken<A> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "an actor named `{}` already exists", self.name)
    }
}

impl<A> std::error::Error for NameTaken<A> {}
