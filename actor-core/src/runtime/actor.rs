//! The handler-style `Actor` trait and the `Context` its handlers get.

use std::fmt;
use std::io;
use std::sync::Arc;

use crate::executor::pool::PoolInner;
use crate::runtime::mailbox::Reader;
use crate::runtime::spawn::PoolRef;
use crate::{ActorHandle, ActorId, Addr, Builder, ExitReason};

/// A handler-style actor: state plus a `handle` method called once per message, in order.
///
/// Start one with [`spawn`](crate::runtime::spawn) or [`Builder::spawn`](crate::Builder::spawn). The
/// runtime calls [`started`](Actor::started) first, then [`handle`](Actor::handle) for each
/// message, then [`stopped`](Actor::stopped) once with the [`ExitReason`], and hands the actor
/// back to whoever joins.
///
/// A panic in any of the three is caught: the actor ends with [`ExitReason::Panicked`] and the
/// messages still queued are handed back, other actors are unaffected. If `stopped` itself
/// panics, the reason becomes `Panicked`.
///
/// An actor must not block its handler on itself (for example `ask` its own address): nothing
/// else can handle that message while the handler waits.
///
/// # Examples
///
/// ```
/// use actor_core::{Actor, Context, ExitReason};
///
/// struct Printer {
///     seen: Vec<String>,
/// }
///
/// impl Actor for Printer {
///     type Msg = String;
///
///     fn handle(&mut self, msg: String, _ctx: &mut Context<Self>) {
///         self.seen.push(format!("Got: {msg}"));
///     }
/// }
///
/// let handle = actor_core::spawn(Printer { seen: Vec::new() });
/// let addr = handle.addr();
/// addr.send("Hello".to_string()).unwrap();
/// addr.send("World".to_string()).unwrap();
/// addr.close();
/// let outcome = handle.join();
/// assert_eq!(outcome.reason(), &ExitReason::Closed);
/// assert_eq!(outcome.into_state().seen, ["Got: Hello", "Got: World"]);
/// ```
pub trait Actor: Send + Sized + 'static {
    /// The messages this actor handles.
    type Msg: Send + 'static;

    /// Handles one message.
    fn handle(&mut self, msg: Self::Msg, ctx: &mut Context<Self>);

    /// Runs once before the first message. [`ActorHandle::wait_started`] returns after it.
    ///
    /// [`ActorHandle::wait_started`]: crate::ActorHandle::wait_started
    fn started(&mut self, ctx: &mut Context<Self>) {
        let _ = ctx;
    }

    /// Runs once after the last message, with the reason the actor ends.
    fn stopped(&mut self, reason: &ExitReason) {
        let _ = reason;
    }
}

/// What a handler can do besides changing its actor's state: learn its address, end the actor,
/// start other actors, ask them without waiting, and set timers.
///
/// A `Context` never blocks and never assumes the actor has a thread of its own: the same code
/// runs on a thread or on a [`Pool`](crate::Pool).
pub struct Context<A: Actor> {
    pub(crate) reader: Reader<A::Msg>,
    /// The pool this actor runs on; `None` on a thread of its own.
    pool: Option<Arc<PoolInner>>,
}

impl<A: Actor> Context<A> {
    pub(crate) fn new(reader: Reader<A::Msg>, pool: Option<Arc<PoolInner>>) -> Context<A> {
        Context { reader, pool }
    }

    /// A new address of this actor. Holding it keeps the actor alive, like any [`Addr`].
    pub fn addr(&self) -> Addr<A::Msg> {
        Addr::new(self.reader.shared.clone())
    }

    /// Whether this actor runs on a [`Pool`](crate::Pool).
    pub fn is_pooled(&self) -> bool {
        self.pool.is_some()
    }

    /// A [`Builder`] that starts actors where this one runs: on the same pool, or on a thread of
    /// their own. Set a name or a mailbox on it, then `spawn`.
    pub fn builder(&self) -> Builder {
        Builder::new().on(self.pool.as_ref().map(|pool| PoolRef(Arc::clone(pool))))
    }

    /// Starts `actor` where this one runs: a pooled actor's children share its pool, a thread
    /// actor's get threads of their own. Never blocks.
    ///
    /// # Errors
    ///
    /// As [`Builder::spawn`]: the OS refused a thread, or the pool is shutting down.
    ///
    /// # Examples
    ///
    /// ```
    /// use actor_core::{Actor, Context, Pool};
    ///
    /// struct Child;
    /// impl Actor for Child {
    ///     type Msg = ();
    ///     fn handle(&mut self, _: (), _ctx: &mut Context<Self>) {}
    /// }
    ///
    /// struct Parent(Vec<actor_core::ActorHandle<Child>>);
    /// impl Actor for Parent {
    ///     type Msg = ();
    ///     fn handle(&mut self, _: (), ctx: &mut Context<Self>) {
    ///         let child = ctx.spawn(Child).expect("pool is running");
    ///         assert_eq!(child.is_pooled(), ctx.is_pooled());
    ///         self.0.push(child);
    ///     }
    /// }
    ///
    /// let pool = Pool::builder().workers(2).build().unwrap();
    /// let parent = pool.spawn(Parent(Vec::new()));
    /// parent.addr().send(()).unwrap();
    /// let children = parent.join().into_state().0;
    /// assert!(children.iter().all(|child| child.is_pooled()));
    /// ```
    pub fn spawn<B: Actor>(&self, actor: B) -> io::Result<ActorHandle<B>> {
        self.builder().spawn(actor)
    }

    /// Ends the actor after the current handler returns, without handling queued messages; they
    /// are handed back to the joiner. The exit reason is [`ExitReason::Stopped`].
    pub fn stop(&mut self) {
        self.reader.shared.request_stop();
    }

    /// Closes the mailbox from inside: new sends fail, every message already accepted is still
    /// handled, then the actor ends with [`ExitReason::Closed`].
    ///
    /// ```
    /// use actor_core::{Actor, Context, ExitReason};
    ///
    /// struct UpTo(u32, Vec<u32>);
    /// impl Actor for UpTo {
    ///     type Msg = u32;
    ///     fn handle(&mut self, n: u32, ctx: &mut Context<Self>) {
    ///         self.1.push(n);
    ///         if n == self.0 {
    ///             ctx.close();
    ///         }
    ///     }
    /// }
    ///
    /// let handle = actor_core::spawn(UpTo(2, Vec::new()));
    /// let addr = handle.addr();
    /// addr.send(1).unwrap();
    /// addr.send(2).unwrap();
    /// let outcome = handle.join();
    /// assert_eq!(outcome.reason(), &ExitReason::Closed);
    /// assert_eq!(outcome.into_state().1, [1, 2]);
    /// assert_eq!(addr.send(3).unwrap_err().into_inner(), 3);
    /// ```
    pub fn close(&mut self) {
        self.reader.seal();
    }

    /// This actor's id.
    pub fn id(&self) -> ActorId {
        self.reader.shared.id
    }

    /// This actor's name.
    pub fn name(&self) -> &str {
        self.reader.shared.name()
    }
}

impl<A: Actor> fmt::Debug for Context<A> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Context")
            .field("id", &self.reader.shared.id)
            .field("name", &self.reader.shared.name())
            .finish_non_exhaustive()
    }
}
