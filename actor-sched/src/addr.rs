//! `Addr<M>`: the typed local address of one actor, the fast path for sending.

use std::fmt;
use std::rc::Rc;

use crate::error::SchedError;
use crate::mailbox::Mailbox;

/// The address of an actor that receives `M`: sends through it need no name look-up and no type
/// check, so this is the fast path.
///
/// Cheap to clone (an `Rc`); every clone reaches the same actor. Dropping addresses does nothing
/// to the actor: it lives as long as its scheduler, until it finishes. `!Send`, like the
/// scheduler.
///
/// # Examples
///
/// ```
/// use actor_sched::{Flow, Scheduler};
/// use std::{cell::Cell, rc::Rc};
///
/// let mut sched = Scheduler::new();
/// let sum = Rc::new(Cell::new(0));
/// let total = sum.clone();
/// let adder = sched.spawn_unnamed(move |n: u64, _| { total.set(total.get() + n); Flow::Continue });
/// for n in 1..=4 {
///     adder.send(n).unwrap();
/// }
/// sched.run();
/// assert_eq!(sum.get(), 10);
/// ```
pub struct Addr<M> {
    mailbox: Rc<Mailbox<M>>,
}

impl<M> Addr<M> {
    pub(crate) fn from_mailbox(mailbox: Rc<Mailbox<M>>) -> Addr<M> {
        Addr { mailbox }
    }

    pub(crate) fn mailbox(&self) -> &Rc<Mailbox<M>> {
        &self.mailbox
    }

    /// Queues `msg` for the actor, behind every message already queued in the scheduler.
    ///
    /// # Errors
    ///
    /// [`SchedError::Finished`] holding `msg` if the actor has finished or its scheduler is gone.
    ///
    /// # Examples
    ///
    /// ```
    /// use actor_sched::{Flow, Scheduler};
    ///
    /// let mut sched = Scheduler::new();
    /// let once = sched.spawn_unnamed(|_: &str, _| Flow::Stop);
    /// once.send("first").unwrap();
    /// sched.run();
    /// let err = once.send("second").unwrap_err();
    /// assert!(err.is_finished());
    /// assert_eq!(err.into_inner(), "second");
    /// ```
    #[inline]
    pub fn send(&self, msg: M) -> Result<(), SchedError<M>> {
        self.mailbox
            .push(msg)
            .map_err(|msg| SchedError::Finished { msg })
    }

    /// Whether the actor has finished (or its scheduler was dropped).
    pub fn is_finished(&self) -> bool {
        self.mailbox.is_finished()
    }

    /// Takes the messages that were queued for the actor when it finished and so were never
    /// handled. [`Report::undelivered`](crate::Report::undelivered) counted them. Empty while the
    /// actor is running (its queued messages are still on their way) and after they were taken.
    ///
    /// # Examples
    ///
    /// ```
    /// use actor_sched::{Flow, Scheduler};
    ///
    /// let mut sched = Scheduler::new();
    /// let once = sched.spawn_unnamed(|_: u8, _| Flow::Stop);
    /// for n in 1..=3 {
    ///     once.send(n).unwrap();
    /// }
    /// assert!(once.take_undelivered().is_empty()); // still running
    /// let report = sched.run();
    /// assert_eq!(report.undelivered(), 2);
    /// assert_eq!(once.take_undelivered(), [2, 3]);
    /// ```
    pub fn take_undelivered(&self) -> Vec<M> {
        self.mailbox.take_undelivered()
    }
}

impl<M> Clone for Addr<M> {
    fn clone(&self) -> Self {
        Addr {
            mailbox: self.mailbox.clone(),
        }
    }
}

impl<M> PartialEq for Addr<M> {
    /// Two addresses are equal when they reach the same actor.
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.mailbox, &other.mailbox)
    }
}

impl<M> Eq for Addr<M> {}

impl<M> fmt::Debug for Addr<M> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Addr")
            .field("actor", &self.mailbox.id())
            .field("finished", &self.mailbox.is_finished())
            .finish()
    }
}
