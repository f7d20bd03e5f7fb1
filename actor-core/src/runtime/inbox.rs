//! `Inbox`: the mailbox as a pull-style actor sees it, the recipe's `recv()`.

use std::cell::RefCell;
use std::fmt;
use std::rc::Rc;
use std::time::{Duration, Instant};

use crate::runtime::error::Exit;
use crate::runtime::mailbox::{Next, Reader, Wait};
use crate::{ActorId, Addr};

/// The receiving end of a pull-style actor's mailbox; see [`spawn_fn`](crate::spawn_fn).
///
/// [`recv`](Inbox::recv) returns the next message, or `Err(Exit)` once the actor must end: after
/// the exit sentinel ([`Addr::close`]) and every message before it, when every [`Addr`] is gone
/// and the mailbox is empty, or at once after [`Addr::stop`]. Propagate it with `?`, as the
/// recipe's `run()` lets `ActorExit` propagate. Once `Exit` is returned, every later call returns
/// it again.
pub struct Inbox<M> {
    reader: Rc<RefCell<Reader<M>>>,
}

impl<M> Inbox<M> {
    pub(crate) fn new(reader: Rc<RefCell<Reader<M>>>) -> Inbox<M> {
        Inbox { reader }
    }

    /// Waits for the next message.
    ///
    /// # Errors
    ///
    /// [`Exit`] when the actor must end.
    pub fn recv(&self) -> Result<M, Exit> {
        match self.next(Wait::Block) {
            Ok(Some(msg)) => Ok(msg),
            Ok(None) => unreachable!("a blocking receive returns a message or the exit"),
            Err(exit) => Err(exit),
        }
    }

    /// The next message if one is queued now.
    ///
    /// # Errors
    ///
    /// [`Exit`] when the actor must end.
    pub fn try_recv(&self) -> Result<Option<M>, Exit> {
        self.next(Wait::Poll)
    }

    /// Waits at most `timeout` for the next message; `Ok(None)` if none came.
    ///
    /// # Errors
    ///
    /// [`Exit`] when the actor must end.
    ///
    /// ```
    /// use actor_core::Inbox;
    /// use std::time::Duration;
    ///
    /// let handle = actor_core::spawn_fn(|inbox: Inbox<u8>| {
    ///     assert_eq!(inbox.recv_timeout(Duration::from_millis(1))?, None);
    ///     Ok(())
    /// });
    /// assert!(!handle.join().reason().is_panic());
    /// ```
    pub fn recv_timeout(&self, timeout: Duration) -> Result<Option<M>, Exit> {
        match Instant::now().checked_add(timeout) {
            Some(deadline) => self.next(Wait::Until(deadline)),
            None => self.recv().map(Some),
        }
    }

    /// An address of this actor. Holding it keeps the actor alive, like any [`Addr`].
    pub fn addr(&self) -> Addr<M> {
        Addr::new(self.reader.borrow().shared.clone())
    }

    /// This actor's id.
    pub fn id(&self) -> ActorId {
        self.reader.borrow().shared.id
    }

    fn next(&self, wait: Wait) -> Result<Option<M>, Exit> {
        // `Inbox` is not `Sync` and `next` calls no user code, so this borrow never overlaps.
        loop {
            let mut reader = self.reader.borrow_mut();
            return match reader.next(wait) {
                Next::Msg(msg) => Ok(Some(msg)),
                Next::Empty => Ok(None),
                Next::End(ending) => Err(Exit {
                    reason: reader.shared.end_reason(ending),
                }),
                // Only a supervised handler-style run acts on a restart request.
                Next::Restart => continue,
            };
        }
    }
}

impl<M> fmt::Debug for Inbox<M> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Inbox").finish_non_exhaustive()
    }
}
