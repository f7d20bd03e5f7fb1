//! `Handle`: a cloneable way to reach a scheduler's named actors from tasks and async actors.

use std::fmt;
use std::rc::Rc;

use crate::addr::Addr;
use crate::error::SchedError;
use crate::registry::Core;

/// Sends to a scheduler's actors by name, from anywhere on the scheduler's thread: from inside a
/// task or an async actor (the recipe passes `sched` to `counter` for this), or from outside.
///
/// A handle does not keep the scheduler alive: once the scheduler is dropped, every send through
/// the handle fails with [`SchedError::UnknownActor`] and hands the message back. Like the
/// scheduler it is `!Send`.
///
/// # Examples
///
/// ```
/// use actor_sched::{Flow, Scheduler};
/// use std::{cell::RefCell, rc::Rc};
///
/// let mut sched = Scheduler::new();
/// let got = Rc::new(RefCell::new(Vec::new()));
/// let sink = got.clone();
/// sched.spawn_actor("sink", move |n: u32, _| { sink.borrow_mut().push(n); Flow::Continue }).unwrap();
///
/// let handle = sched.handle();
/// sched.spawn(async move {
///     handle.send("sink", 1_u32).unwrap();
///     actor_sched::yield_now().await;
///     handle.send("sink", 2_u32).unwrap();
/// });
/// sched.run();
/// assert_eq!(*got.borrow(), [1, 2]);
/// ```
#[derive(Clone)]
pub struct Handle {
    core: Rc<Core>,
}

impl Handle {
    pub(crate) fn new(core: Rc<Core>) -> Handle {
        Handle { core }
    }

    /// Sends `msg` to the actor named `name`, behind every message already queued.
    ///
    /// # Errors
    ///
    /// [`SchedError::UnknownActor`] if no actor has that name, [`SchedError::WrongType`] if it
    /// receives another type, [`SchedError::Finished`] if it has finished. Each holds `msg`.
    pub fn send<M: 'static>(&self, name: &str, msg: M) -> Result<(), SchedError<M>> {
        self.core.send(name, msg)
    }

    /// The typed address of the actor named `name`, for sending without a look-up each time.
    ///
    /// # Errors
    ///
    /// [`SchedError::UnknownActor`] or [`SchedError::WrongType`], as for [`Handle::send`].
    pub fn addr<M: 'static>(&self, name: &str) -> Result<Addr<M>, SchedError<()>> {
        self.core.addr(name)
    }
}

impl fmt::Debug for Handle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Handle").field("core", &self.core).finish()
    }
}
