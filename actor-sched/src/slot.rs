//! `Slot`: what the scheduler keeps for each spawned task or actor, and how it runs one step.
//!
//! Each kind erases its types behind one trait object, so a step costs one indirect call; inside
//! it the handler or future and the mailbox are used with their concrete types.

use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;

use crate::addr::Addr;
use crate::ctx::Ctx;
use crate::handler::{Flow, Handler};
use crate::mailbox::Mailbox;
use crate::poll::{BoxFuture, poll_once};
use crate::registry::Core;

/// One spawned thing, indexed by the id its run-queue entries carry.
pub(crate) enum Slot {
    /// A handler-style actor: each message entry calls its handler once.
    Actor(Box<dyn Dispatch>),
    /// A generator-style task: each poll entry polls it once.
    Task(BoxFuture),
    /// An async actor: poll entries (start, yields) poll it; message entries dispatch to it.
    AsyncActor(Box<dyn AsyncDispatch>),
    /// Finished; entries still queued for it are skipped.
    Done,
}

impl Slot {
    /// Marks the mailbox finished without running anything (the scheduler is being dropped).
    pub(crate) fn close(&self) {
        match self {
            Slot::Actor(actor) => {
                actor.finish();
            }
            Slot::AsyncActor(actor) => {
                actor.finish();
            }
            Slot::Task(_) | Slot::Done => {}
        }
    }
}

/// A handler-style actor with its message type erased.
pub(crate) trait Dispatch {
    /// Hands the oldest queued message to the handler; `None` if there was none.
    fn dispatch(&mut self, core: &Rc<Core>) -> Option<Flow>;
    /// Marks the actor finished; returns how many messages it leaves unhandled.
    fn finish(&self) -> usize;
}

/// The typed actor behind a [`Slot::Actor`].
pub(crate) struct HandlerActor<M, H> {
    me: Addr<M>,
    handler: H,
}

impl<M, H> HandlerActor<M, H> {
    pub(crate) fn new(me: Addr<M>, handler: H) -> HandlerActor<M, H> {
        HandlerActor { me, handler }
    }
}

impl<M, H: Handler<M>> Dispatch for HandlerActor<M, H> {
    #[inline]
    fn dispatch(&mut self, core: &Rc<Core>) -> Option<Flow> {
        let msg = self.me.mailbox().pop()?;
        let mut ctx = Ctx::new(&self.me, core);
        Some(self.handler.handle(msg, &mut ctx))
    }

    fn finish(&self) -> usize {
        self.me.mailbox().finish()
    }
}

/// Where a polled future stands afterwards.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Polled {
    /// Waiting in `Inbox::recv`: poll again when a message is dispatched to it.
    Parked,
    /// Pending for any other reason (a yield): poll again on its next turn.
    Yielded,
    /// Returned; it left this many messages unhandled in its inbox.
    Finished(usize),
}

/// An async actor with its message and future types erased.
pub(crate) trait AsyncDispatch {
    /// A message for this actor has come up in the run queue: let `recv` return it, and poll the
    /// actor if it is parked in `recv` (`None` if it was not polled).
    fn deliver(&mut self) -> Option<Polled>;
    /// Polls the actor once.
    fn poll(&mut self) -> Polled;
    /// Marks the actor finished; returns how many messages it leaves unhandled.
    fn finish(&self) -> usize;
}

/// The typed async actor behind a [`Slot::AsyncActor`].
pub(crate) struct AsyncActor<M, F> {
    mailbox: Rc<Mailbox<M>>,
    future: Pin<Box<F>>,
}

impl<M, F> AsyncActor<M, F> {
    pub(crate) fn new(mailbox: Rc<Mailbox<M>>, future: F) -> AsyncActor<M, F> {
        AsyncActor {
            mailbox,
            future: Box::pin(future),
        }
    }
}

impl<M, F: Future<Output = ()>> AsyncDispatch for AsyncActor<M, F> {
    #[inline]
    fn deliver(&mut self) -> Option<Polled> {
        self.mailbox.grant();
        if self.mailbox.is_waiting() {
            Some(self.poll())
        } else {
            None
        }
    }

    #[inline]
    fn poll(&mut self) -> Polled {
        self.mailbox.set_waiting(false);
        if poll_once(self.future.as_mut()).is_ready() {
            Polled::Finished(self.mailbox.finish())
        } else if self.mailbox.is_waiting() {
            Polled::Parked
        } else {
            Polled::Yielded
        }
    }

    fn finish(&self) -> usize {
        self.mailbox.finish()
    }
}
