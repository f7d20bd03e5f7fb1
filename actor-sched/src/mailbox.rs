//! `Mailbox<M>`: one actor's typed message queue, shared by its addresses and its slot.
//!
//! Each message sent pushes the message here and one [`Entry::Message`] onto the run queue, so the
//! run queue fixes the global order and the mailbox only has to be FIFO for its own actor. The
//! `RefCell` around the queue is borrowed only to push or pop one message; a message is always moved
//! out before it can be dropped, so user code (a message's `Drop`, a handler) never runs while a
//! borrow is held, and no `BorrowMutError` can come from user code.

use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::rc::Rc;

use crate::runq::{Entry, RunQueue};

/// An actor's queue and the little state the scheduler and the actor share.
pub(crate) struct Mailbox<M> {
    /// The key of the actor's slot in the scheduler (its index and generation).
    id: usize,
    queue: RefCell<VecDeque<M>>,
    /// Set once the actor has finished: sends fail, leftovers may be taken.
    finished: Cell<bool>,
    /// Async actors only: messages at the front of `queue` the scheduler has already dispatched
    /// and `Inbox::recv` may return without waiting.
    granted: Cell<usize>,
    /// Async actors only: set when the actor's future returned `Pending` from `Inbox::recv`.
    waiting: Cell<bool>,
    runq: Rc<RunQueue>,
}

impl<M> Mailbox<M> {
    pub(crate) fn new(id: usize, runq: Rc<RunQueue>) -> Mailbox<M> {
        Mailbox {
            id,
            queue: RefCell::new(VecDeque::new()),
            finished: Cell::new(false),
            granted: Cell::new(0),
            waiting: Cell::new(false),
            runq,
        }
    }

    pub(crate) fn id(&self) -> usize {
        self.id
    }

    /// Queues `msg` behind everything already sent, or hands it back if the actor has finished.
    #[inline]
    pub(crate) fn push(&self, msg: M) -> Result<(), M> {
        if self.finished.get() {
            return Err(msg);
        }
        self.queue.borrow_mut().push_back(msg);
        self.runq.push(Entry::Message(self.id));
        Ok(())
    }

    /// The oldest queued message.
    #[inline]
    pub(crate) fn pop(&self) -> Option<M> {
        self.queue.borrow_mut().pop_front()
    }

    pub(crate) fn is_finished(&self) -> bool {
        self.finished.get()
    }

    /// Marks the actor finished and says how many messages it left unhandled.
    pub(crate) fn finish(&self) -> usize {
        self.finished.set(true);
        self.waiting.set(false);
        self.queue.borrow().len()
    }

    /// Takes the messages a finished actor left unhandled (nothing while it runs).
    pub(crate) fn take_undelivered(&self) -> Vec<M> {
        if !self.finished.get() {
            return Vec::new();
        }
        let taken = std::mem::take(&mut *self.queue.borrow_mut());
        Vec::from(taken)
    }

    /// Async actors: the scheduler dispatched one more message to this actor.
    pub(crate) fn grant(&self) {
        self.granted.set(self.granted.get() + 1);
    }

    /// Async actors: the next dispatched message, if one is waiting to be read.
    pub(crate) fn take_granted(&self) -> Option<M> {
        let granted = self.granted.get();
        if granted == 0 {
            return None;
        }
        let msg = self.pop()?;
        self.granted.set(granted - 1);
        Some(msg)
    }

    pub(crate) fn set_waiting(&self, waiting: bool) {
        self.waiting.set(waiting);
    }

    pub(crate) fn is_waiting(&self) -> bool {
        self.waiting.get()
    }
}
