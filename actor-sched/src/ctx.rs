//! `Ctx`: what a handler can reach while it handles a message.
//!
//! A `Ctx` borrows the actor's own address and the scheduler's shared [`Core`] (run queue and name
//! registry), never the scheduler itself: the scheduler keeps the actors' handlers to itself, so a
//! handler can send to anyone, itself included, but cannot reach into another handler, and no
//! send can collide with the dispatch that is running.

use std::fmt;
use std::rc::Rc;

use crate::addr::Addr;
use crate::error::SchedError;
use crate::handle::Handle;
use crate::registry::Core;

/// The context of one message being handled by a [`Handler`](crate::Handler).
///
/// # Examples
///
/// The recipe's recursive `counter`, as a handler that sends to another actor by name and to
/// itself by address:
///
/// ```
/// use actor_sched::{Flow, Scheduler};
/// use std::{cell::RefCell, rc::Rc};
///
/// let mut sched = Scheduler::new();
/// let lines = Rc::new(RefCell::new(Vec::new()));
/// let out = lines.clone();
/// sched.spawn_actor("printer", move |n: u32, _| {
///     out.borrow_mut().push(format!("Got: {n}"));
///     Flow::Continue
/// }).unwrap();
/// sched.spawn_actor("counter", |n: u32, ctx| {
///     if n == 0 {
///         return Flow::Stop;
///     }
///     ctx.send("printer", n).unwrap();
///     ctx.me().send(n - 1).unwrap();
///     Flow::Continue
/// }).unwrap();
/// sched.send("counter", 3_u32).unwrap();
/// sched.run();
/// assert_eq!(*lines.borrow(), ["Got: 3", "Got: 2", "Got: 1"]);
/// ```
pub struct Ctx<'a, M> {
    me: &'a Addr<M>,
    core: &'a Rc<Core>,
}

impl<'a, M> Ctx<'a, M> {
    pub(crate) fn new(me: &'a Addr<M>, core: &'a Rc<Core>) -> Ctx<'a, M> {
        Ctx { me, core }
    }

    /// The address of the actor handling this message, for sending to itself or handing out.
    pub fn me(&self) -> &Addr<M> {
        self.me
    }

    /// Sends `msg` to the actor named `name`, behind every message already queued.
    ///
    /// # Errors
    ///
    /// [`SchedError::UnknownActor`], [`SchedError::WrongType`] or [`SchedError::Finished`], each
    /// holding `msg`.
    pub fn send<T: 'static>(&self, name: &str, msg: T) -> Result<(), SchedError<T>> {
        self.core.send(name, msg)
    }

    /// The typed address of the actor named `name`.
    ///
    /// # Errors
    ///
    /// [`SchedError::UnknownActor`] or [`SchedError::WrongType`].
    pub fn addr<T: 'static>(&self, name: &str) -> Result<Addr<T>, SchedError<()>> {
        self.core.addr(name)
    }

    /// A handle to this scheduler, to keep (for example in a task) beyond this message.
    pub fn handle(&self) -> Handle {
        Handle::new(self.core.clone())
    }
}

impl<M> fmt::Debug for Ctx<'_, M> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Ctx")
            .field("me", self.me)
            .finish_non_exhaustive()
    }
}
