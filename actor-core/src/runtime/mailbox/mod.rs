//! The mailbox: the queue under an actor, shared by its addresses and read by its run.
//!
//! One queue serves every executor ([`queue`]): a small locked queue the reader empties a burst
//! at a time, with the flag that puts a pooled actor on a run queue; a thread actor's reader
//! sleeps on it, a pooled one never waits.
//!
//! Every message is handled, handed back to the joiner in
//! [`Outcome::undelivered`](crate::Outcome::undelivered), or refused to its sender inside the
//! error. The exit sentinel of [`Addr::close`](crate::Addr::close) lands behind every message sent
//! before it; `stop` is out of band.
//!
//! [`Link`] is how everything else reaches a mailbox: a counted pointer to its [`Host`], which is
//! the bare [`Shared`] state for a thread actor and the pooled actor's whole cell (state, mailbox
//! and actor in one allocation) for a pooled one.

pub(crate) mod queue;

use std::collections::VecDeque;
use std::ops::Deref;
use std::sync::Arc;
use std::sync::OnceLock;
use std::sync::atomic::{
    AtomicBool, AtomicU8, AtomicU32, AtomicU64, AtomicUsize,
    Ordering::{Relaxed, SeqCst},
};
use std::time::Instant;

use crate::blocks::event::Event;
use crate::executor::Place;
use crate::executor::pool::PoolInner;
use crate::lifecycle::Down;
use crate::runtime::ask::EndWatch;
use crate::runtime::error::{SendError, SendTimeoutError, TrySendError};
use crate::{ActorId, ExitReason};

pub(crate) use queue::{Kind, Pace, Queue};

/// How many messages an actor's mailbox holds.
///
/// ```
/// use actor_core::{Builder, Mailbox};
///
/// let handle = Builder::new()
///     .mailbox(Mailbox::Bounded(1))
///     .spawn_fn(|inbox: actor_core::Inbox<u8>| {
///         while inbox.recv().is_ok() {}
///         Ok(())
///     })
///     .unwrap();
/// assert_eq!(handle.addr().capacity(), Some(1));
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum Mailbox {
    /// No limit: `send` never blocks. The default.
    #[default]
    Unbounded,
    /// At most this many queued messages: `send` blocks while full (back-pressure), `try_send`
    /// fails with `Full`, `send_timeout` waits at most its timeout. `Bounded(0)` is taken as
    /// `Bounded(1)`: an actor's mailbox always has room for one message.
    Bounded(usize),
}

/// What a [`Link`] points at: an actor's [`Shared`] state, alone or inside a pooled actor's cell.
pub(crate) trait Host<M>: Send + Sync {
    fn shared(&self) -> &Shared<M>;
    /// Puts a pooled actor on a run queue. Called only by the caller that claimed it.
    fn schedule(self: Arc<Self>);
    /// Where a pooled actor's turns are queued; `None` for a thread actor.
    fn place(&self) -> Option<&Place> {
        None
    }
}

/// The name of an actor spawned without one.
pub(crate) fn unnamed(id: ActorId) -> Box<str> {
    format!("actor-{}", id.get()).into_boxed_str()
}

/// A counted pointer to a mailbox; dereferences to its [`Shared`] state. Unlike an
/// [`Addr`](crate::Addr) it does not keep the actor alive.
pub(crate) struct Link<M>(Arc<dyn Host<M>>);

impl<M> Link<M> {
    pub(crate) fn new(host: Arc<dyn Host<M>>) -> Link<M> {
        Link(host)
    }

    /// The pool the actor runs on; `None` for a thread actor.
    pub(crate) fn pool(&self) -> Option<&Arc<PoolInner>> {
        self.0.place().and_then(Place::pool)
    }

    /// Where a pooled actor's turns are queued; `None` for a thread actor.
    pub(crate) fn place(&self) -> Option<&Place> {
        self.0.place()
    }

    /// A pointer that does not keep the mailbox's memory either.
    pub(crate) fn downgrade(&self) -> std::sync::Weak<dyn Host<M>> {
        Arc::downgrade(&self.0)
    }

    pub(crate) fn ptr_eq(&self, other: &Link<M>) -> bool {
        std::ptr::addr_eq(Arc::as_ptr(&self.0), Arc::as_ptr(&other.0))
    }

    /// Gets the actor to look at its mailbox: a pooled actor that is idle is queued to run.
    #[inline]
    pub(crate) fn notify(&self) {
        if self.queue.claim() {
            Arc::clone(&self.0).schedule();
        }
    }

    /// Gets the actor to look at its signals, seal and address count again: a pooled actor that
    /// is idle is queued to run, a thread actor asleep on an empty mailbox is woken.
    pub(crate) fn rouse(&self) {
        self.queue.wake_reader();
        self.notify();
    }

    #[inline]
    pub(crate) fn send(&self, msg: M) -> Result<(), SendError<M>> {
        self.queue.send(msg)?;
        self.notify();
        Ok(())
    }

    pub(crate) fn try_send(&self, msg: M) -> Result<(), TrySendError<M>> {
        self.queue.try_send(msg)?;
        self.notify();
        Ok(())
    }

    pub(crate) fn send_deadline(
        &self,
        msg: M,
        deadline: Instant,
    ) -> Result<(), SendTimeoutError<M>> {
        self.queue.send_deadline(msg, deadline)?;
        self.notify();
        Ok(())
    }

    /// Delivers the answer to a request this actor made through its `Context`: the mailbox takes
    /// it beyond its capacity (the actor may be waiting for it; nobody else would make room).
    pub(crate) fn send_answer(&self, msg: M) -> Result<(), SendError<M>> {
        self.queue.push_answer(msg)?;
        self.notify();
        Ok(())
    }

    /// Seals the mailbox: messages sent before are still handled, then the actor ends. Returns
    /// `false` if the mailbox was already sealed.
    pub(crate) fn close(&self) -> bool {
        let closed = self.queue.seal();
        self.notify();
        closed
    }

    /// Asks the actor to end after its current message. Seals the mailbox at once: later sends
    /// fail. The flag goes up before the seal, so a reader that finds the seal sees the stop.
    pub(crate) fn request_stop(&self) {
        self.raise_stop();
        self.rouse();
    }

    /// The stop of [`request_stop`](Link::request_stop) without getting the actor to look at it
    /// ([`rouse`](Link::rouse) does that): an actor that is running sees it after its current
    /// message, an idle pooled one once roused.
    pub(crate) fn raise_stop(&self) {
        self.signal.fetch_or(STOP, SeqCst);
        self.queue.seal();
    }

    /// Ends the actor after its current message with [`ExitReason::Failed`] carrying `why`
    /// (a stop with a reason). The first reason given wins.
    pub(crate) fn fail(&self, why: String) {
        {
            let mut failure = crate::sync::lock(&self.extra().failure);
            if failure.is_none() {
                *failure = Some(why);
            }
        }
        self.request_stop();
    }

    /// Asks the actor's run to make a new instance at its next message boundary (a supervisor
    /// restarting a sibling). Ignored by a run that is not supervised.
    pub(crate) fn request_restart(&self) {
        self.signal.fetch_or(RESTART, SeqCst);
        self.rouse();
    }

    /// A linked actor ended abnormally: a notice if this actor traps exits, else this actor
    /// fails too.
    pub(crate) fn linked_exit(&self, down: &Down) {
        let notice = crate::sync::lock(&self.extra().trap)
            .as_ref()
            .map(|trap| trap(down.clone()));
        match notice {
            Some(msg) => {
                let _ = self.send_answer(msg);
            }
            None => self.fail(format!("linked actor {down}")),
        }
    }

    /// The last address is gone: a reader waiting on an empty mailbox must notice.
    pub(crate) fn last_addr_dropped(&self) {
        self.rouse();
    }
}

impl<M> Clone for Link<M> {
    fn clone(&self) -> Link<M> {
        Link(Arc::clone(&self.0))
    }
}

impl<M> Deref for Link<M> {
    type Target = Shared<M>;
    #[inline]
    fn deref(&self) -> &Shared<M> {
        self.0.shared()
    }
}

/// State shared by every address of one actor and by its run.
pub(crate) struct Shared<M> {
    pub(crate) queue: Queue<M>,
    /// Live `Addr` values; when it falls to zero the actor drains and ends.
    pub(crate) addrs: AtomicUsize,
    /// Requests for the run: [`STOP`], [`RESTART`]. Readers load it once per message.
    pub(crate) signal: AtomicU8,
    /// Who routes a detached actor's leftovers: bits `DETACHED` (the handle was dropped unjoined)
    /// and `READY` (the run has its outcome); see `runtime::run`.
    pub(crate) handoff: AtomicU8,
    pub(crate) id: ActorId,
    /// The name given at spawn; an unnamed actor's `actor-<id>` is made on first use.
    name: OnceLock<Box<str>>,
    /// Marked when the actor's run ends: wakes askers whose request will never be answered.
    pub(crate) end: EndWatch,
    pub(crate) started: Event,
    pub(crate) start_ok: AtomicBool,
    pub(crate) finished: Event,
    /// Messages handled so far; written only by the actor's own run (a load and a store, no
    /// read-modify-write), read by introspection.
    pub(crate) handled: AtomicU64,
    /// Messages the reader has taken off the queue in a burst and not yet handed out (see
    /// [`queued`](Shared::queued)); written only by the reader.
    held: AtomicU32,
    /// What the run is doing (`lifecycle::inspect`'s states); written only by the run.
    pub(crate) state: AtomicU8,
    /// The actor's tracing span (feature `tracing`; nothing without it).
    #[cfg_attr(not(feature = "tracing"), allow(dead_code))]
    pub(crate) span: crate::trace::SpanSlot,
    /// What only some actors need (links, trapped exits, a failure reason, a system): made on
    /// first use, so an actor that needs none of it pays one pointer.
    extra: OnceLock<Box<Extra<M>>>,
}

/// Bits of [`Shared::signal`].
pub(crate) const STOP: u8 = 1;
pub(crate) const RESTART: u8 = 2;

/// The lifecycle state few actors use.
pub(crate) struct Extra<M> {
    /// Set by [`Context::trap_exits`](crate::Context::trap_exits): linked exits arrive as
    /// messages made by this.
    pub(crate) trap: std::sync::Mutex<Option<TrapFn<M>>>,
    /// Why the actor was made to fail from outside (see [`Link::fail`]).
    pub(crate) failure: std::sync::Mutex<Option<String>>,
    /// The system the actor belongs to: where its dead letters go, and where its children join.
    pub(crate) system: OnceLock<std::sync::Weak<crate::lifecycle::system::SystemInner>>,
    /// A thread actor's place in the process-wide list of live thread actors (`usize::MAX`: not
    /// listed). Here rather than in `Shared`: pooled actors, the many, are never listed.
    pub(crate) listed: AtomicUsize,
}

pub(crate) type TrapFn<M> = Box<dyn Fn(Down) -> M + Send + Sync>;

impl<M> Host<M> for Shared<M>
where
    M: Send,
{
    fn shared(&self) -> &Shared<M> {
        self
    }

    fn schedule(self: Arc<Self>) {
        unreachable!("a thread actor's mailbox is never scheduled")
    }
}

impl<M> Shared<M> {
    /// A thread actor's state, the reader its run pulls from, and the state itself (for the list of
    /// live actors).
    pub(crate) fn for_thread(
        mailbox: Mailbox,
        id: ActorId,
        name: Option<Box<str>>,
    ) -> (Link<M>, Reader<M>, Arc<Shared<M>>)
    where
        M: Send + 'static,
    {
        let queue = Queue::new(mailbox.capacity(), Kind::Thread);
        let shared = Arc::new(Shared::new(queue, id, name));
        let link = Link::new(shared.clone());
        let reader = Reader::new(link.clone());
        (link, reader, shared)
    }

    /// A pooled actor's state; the cell that holds it makes the reader.
    pub(crate) fn for_pool(
        mailbox: Mailbox,
        id: ActorId,
        name: Option<Box<str>>,
        foreign: bool,
    ) -> Shared<M> {
        let kind = if foreign { Kind::Foreign } else { Kind::Pool };
        Shared::new(Queue::new(mailbox.capacity(), kind), id, name)
    }

    fn new(queue: Queue<M>, id: ActorId, name: Option<Box<str>>) -> Shared<M> {
        let cell = OnceLock::new();
        if let Some(name) = name {
            let _ = cell.set(name);
        }
        Shared {
            queue,
            addrs: AtomicUsize::new(0),
            signal: AtomicU8::new(0),
            handoff: AtomicU8::new(0),
            id,
            name: cell,
            end: EndWatch::new(),
            started: Event::new(),
            start_ok: AtomicBool::new(false),
            finished: Event::new(),
            handled: AtomicU64::new(0),
            held: AtomicU32::new(0),
            state: AtomicU8::new(crate::lifecycle::inspect::STARTING),
            span: Default::default(),
            extra: OnceLock::new(),
        }
    }

    pub(crate) fn extra(&self) -> &Extra<M> {
        self.extra.get_or_init(|| {
            Box::new(Extra {
                trap: std::sync::Mutex::new(None),
                failure: std::sync::Mutex::new(None),
                system: OnceLock::new(),
                listed: AtomicUsize::new(usize::MAX),
            })
        })
    }

    /// The lifecycle state, if anything made it.
    pub(crate) fn extra_if_any(&self) -> Option<&Extra<M>> {
        self.extra.get().map(|extra| &**extra)
    }

    /// The reason a run ends with, given how its reader ended: a stop that came with a failure
    /// reason is a failure.
    pub(crate) fn end_reason(&self, ending: Ending) -> ExitReason {
        match ending {
            Ending::Stopped => match self.extra_if_any() {
                Some(extra) => match crate::sync::lock(&extra.failure).clone() {
                    Some(why) => ExitReason::Failed(why),
                    None => ExitReason::Stopped,
                },
                None => ExitReason::Stopped,
            },
            Ending::Closed => ExitReason::Closed,
        }
    }

    pub(crate) fn name(&self) -> &str {
        self.name.get_or_init(|| unnamed(self.id))
    }

    /// The name given at spawn, or one made since by [`name`](Shared::name); `None` otherwise.
    pub(crate) fn name_if_made(&self) -> Option<&str> {
        self.name.get().map(|name| &**name)
    }

    /// The mailbox capacity: `None` if unbounded.
    pub(crate) fn capacity(&self) -> Option<usize> {
        self.queue.capacity
    }

    /// About how many messages wait in the mailbox: those queued and those the reader took in a
    /// burst and has not handed out yet (the message being handled is not counted).
    pub(crate) fn queued(&self) -> usize {
        // Read after the queue: a burst moving out of the queue meanwhile is missed rather than
        // counted twice.
        let queued = self.queue.queued();
        queued + self.held.load(Relaxed) as usize
    }

    /// Records how many messages remain in the reader's burst (see [`queued`](Shared::queued)).
    #[inline]
    fn set_held(&self, held: usize) {
        self.held
            .store(u32::try_from(held).unwrap_or(u32::MAX), Relaxed);
    }

    /// Whether the mailbox is sealed: no more messages are accepted.
    pub(crate) fn is_sealed(&self) -> bool {
        self.queue.is_sealed()
    }
}

impl Mailbox {
    /// The capacity of a bounded mailbox (at least one), `None` for an unbounded one.
    fn capacity(self) -> Option<usize> {
        match self {
            Mailbox::Unbounded => None,
            Mailbox::Bounded(n) => Some(n.max(1)),
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Ending {
    Closed,
    Stopped,
}

/// What a non-zero signal (just loaded from `word`, the actor's `Shared::signal`) means for the
/// reader: a stop ends it; a restart request is taken (cleared) and reported once.
#[cold]
fn take_signal<M>(word: &AtomicU8, signal: u8) -> Option<Next<M>> {
    if signal & STOP != 0 {
        return Some(Next::End(Ending::Stopped));
    }
    if signal & RESTART != 0 && word.fetch_and(!RESTART, SeqCst) & RESTART != 0 {
        return Some(Next::Restart);
    }
    None
}

/// How long [`Reader::next`] may wait for a message. A pooled actor's reader never waits.
#[derive(Clone, Copy)]
pub(crate) enum Wait {
    Block,
    Poll,
    Until(Instant),
}

pub(crate) enum Next<M> {
    Msg(M),
    /// No message within the allowed wait.
    Empty,
    End(Ending),
    /// A supervisor asked for a new instance (see [`Link::request_restart`]).
    Restart,
}

/// The receiving side of a mailbox, owned by the actor's run.
pub(crate) struct Reader<M> {
    pub(crate) shared: Link<M>,
    /// Messages taken off the queue in one go and not yet handed out.
    local: VecDeque<M>,
    /// Set once the reader has decided to end; every later `next` repeats it.
    ended: Option<Ending>,
    /// How a thread actor's takes keep pace with a streaming sender.
    pace: Pace,
}

impl<M> Reader<M> {
    pub(crate) fn new(shared: Link<M>) -> Reader<M> {
        Reader {
            shared,
            local: VecDeque::new(),
            ended: None,
            pace: Pace::default(),
        }
    }

    /// The next message, or the decision to end.
    #[inline]
    pub(crate) fn next(&mut self, wait: Wait) -> Next<M> {
        let Reader {
            shared,
            local,
            ended,
            pace,
        } = self;
        Reader::next_of(local, ended, pace, shared, wait)
    }

    /// [`next`](Reader::next) for a run loop that holds this reader's [`Shared`] already (a
    /// thread actor's clone of the link, a pooled actor's own cell), sparing a call through the
    /// link's trait object per message.
    #[inline]
    pub(crate) fn next_with(&mut self, shared: &Shared<M>, wait: Wait) -> Next<M> {
        debug_assert!(std::ptr::eq(shared, &*self.shared));
        Reader::next_of(
            &mut self.local,
            &mut self.ended,
            &mut self.pace,
            shared,
            wait,
        )
    }

    #[inline]
    fn next_of(
        local: &mut VecDeque<M>,
        ended: &mut Option<Ending>,
        pace: &mut Pace,
        shared: &Shared<M>,
        wait: Wait,
    ) -> Next<M> {
        if let Some(ending) = *ended {
            return Next::End(ending);
        }
        let next = shared.queue.next(shared, local, pace, wait);
        if let Next::End(ending) = next {
            shared.queue.seal();
            *ended = Some(ending);
        }
        next
    }

    /// Seals the mailbox if it is still open. Messages accepted before are still delivered.
    pub(crate) fn seal(&mut self) {
        self.shared.queue.seal();
    }

    /// Ends the run: seals the mailbox and collects every accepted message not yet received.
    pub(crate) fn finish(&mut self) -> Vec<M> {
        let left = self.shared.queue.finish(&self.shared, &mut self.local);
        self.ended.get_or_insert(Ending::Closed);
        left
    }

    /// The end this reader has reported, if any.
    pub(crate) fn ending(&self) -> Option<Ending> {
        self.ended
    }
}
