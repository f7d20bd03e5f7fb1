//! `Inbox<M>`: how an async actor receives, the recipe's `msg = yield`.
//!
//! The scheduler, not the inbox, decides when a message arrives: each message is *dispatched* in
//! its place in the global FIFO, and only then may `recv` return it. If the actor is parked in
//! `recv` at that moment, the scheduler polls it at once; if it is busy elsewhere (it yielded), the
//! message waits, already dispatched, and the next `recv` returns it without suspending. An actor
//! parked in `recv` is never polled until a message for it is dispatched: no busy polling.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll};

use crate::addr::Addr;
use crate::mailbox::Mailbox;

/// The receiving end of an async actor, handed to the function given to
/// [`Scheduler::spawn_async_actor`](crate::Scheduler::spawn_async_actor).
///
/// It belongs to that actor's future: awaiting it in another task is not supported (the scheduler
/// wakes the actor, not whoever holds the inbox).
///
/// # Examples
///
/// ```
/// use actor_sched::{Inbox, Scheduler};
/// use std::{cell::RefCell, rc::Rc};
///
/// let mut sched = Scheduler::new();
/// let got = Rc::new(RefCell::new(Vec::new()));
/// let sink = got.clone();
/// let printer = sched
///     .spawn_async_actor("printer", move |mut inbox: Inbox<String>| async move {
///         loop {
///             let msg = inbox.recv().await;
///             if msg == "bye" {
///                 break;
///             }
///             sink.borrow_mut().push(format!("Got: {msg}"));
///         }
///     })
///     .unwrap();
/// for word in ["Hello", "World", "bye"] {
///     printer.send(word.to_string()).unwrap();
/// }
/// let report = sched.run();
/// assert_eq!(*got.borrow(), ["Got: Hello", "Got: World"]);
/// assert_eq!(report.actors_finished(), 1);
/// ```
pub struct Inbox<M> {
    mailbox: Rc<Mailbox<M>>,
}

impl<M> Inbox<M> {
    pub(crate) fn new(mailbox: Rc<Mailbox<M>>) -> Inbox<M> {
        Inbox { mailbox }
    }

    /// Waits for the next message the scheduler dispatches to this actor.
    ///
    /// The future suspends the actor until then; it never fails (an actor that should end
    /// returns from its async fn, for example on a sentinel message).
    pub fn recv(&mut self) -> Recv<'_, M> {
        Recv { inbox: self }
    }

    /// The next message if one has already been dispatched to this actor, without waiting.
    pub fn try_recv(&mut self) -> Option<M> {
        self.mailbox.take_granted()
    }

    /// This actor's own address, for sending to itself or handing out.
    pub fn addr(&self) -> Addr<M> {
        Addr::from_mailbox(self.mailbox.clone())
    }
}

impl<M> fmt::Debug for Inbox<M> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Inbox")
            .field("actor", &self.mailbox.id())
            .finish()
    }
}

/// The future of [`Inbox::recv`]: ready with the next dispatched message.
#[must_use = "futures do nothing unless awaited"]
pub struct Recv<'a, M> {
    inbox: &'a mut Inbox<M>,
}

impl<M> Future for Recv<'_, M> {
    type Output = M;

    fn poll(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<M> {
        let mailbox = &self.inbox.mailbox;
        match mailbox.take_granted() {
            Some(msg) => {
                mailbox.set_waiting(false);
                Poll::Ready(msg)
            }
            None => {
                // Tells the scheduler to park this actor until a message is dispatched to it.
                mailbox.set_waiting(true);
                Poll::Pending
            }
        }
    }
}

impl<M> fmt::Debug for Recv<'_, M> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Recv").field("inbox", &self.inbox).finish()
    }
}
