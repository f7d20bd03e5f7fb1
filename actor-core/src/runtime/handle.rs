//! `ActorHandle`, the owner's view of a running actor, and `Outcome`, what joining returns.

use std::any::Any;
use std::fmt;
use std::marker::PhantomData;
use std::sync::Arc;
use std::sync::atomic::Ordering::SeqCst;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use crate::executor::pool::{PoolCell, block_in_place};
use crate::runtime::mailbox::Link;
use crate::runtime::run::{self, RunEnd};
use crate::runtime::unwind::{Guarded, drop_caught};
use crate::{Actor, ActorId, Addr, ExitReason};

mod sealed {
    pub trait Sealed {}
}

/// What an [`ActorHandle`] knows about the actor behind it: its message type and what
/// [`Outcome::into_state`] gives back. Implemented by every [`Actor`] (the state is the actor) and
/// by [`FnActor`] (pull-style actors, no state). Sealed: it cannot be implemented elsewhere.
///
/// ```
/// use actor_core::{ActorHandle, FnActor, Inbox, Spawned};
///
/// // Code that works with any actor's handle names it through `Spawned`.
/// fn close_and_count_undelivered<A: Spawned>(handle: ActorHandle<A>) -> usize {
///     handle.addr().close();
///     handle.join().undelivered().len()
/// }
///
/// let handle: ActorHandle<FnActor<u8>> = actor_core::spawn_fn(|inbox: Inbox<u8>| loop {
///     inbox.recv()?;
/// });
/// assert_eq!(close_and_count_undelivered(handle), 0);
/// ```
pub trait Spawned: sealed::Sealed + Send + 'static {
    /// The messages the actor receives.
    type Msg: Send + 'static;
    /// What the actor hands back when it ends.
    type State: Send + 'static;
}

impl<A: Actor> sealed::Sealed for A {}
impl<A: Actor> Spawned for A {
    type Msg = A::Msg;
    type State = A;
}

/// The type that names a pull-style actor started by [`spawn_fn`](crate::spawn_fn) in
/// `ActorHandle<FnActor<M>>`. It has no values; its [`Outcome`] state is `()`.
pub struct FnActor<M>(PhantomData<fn(M)>);

impl<M> sealed::Sealed for FnActor<M> {}
impl<M: Send + 'static> Spawned for FnActor<M> {
    type Msg = M;
    type State = ();
}

impl<M> fmt::Debug for FnActor<M> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("FnActor")
    }
}

/// How an actor ended: the [`ExitReason`], its final state, and the messages it accepted but
/// never handled (after a stop or a panic). Returned by [`ActorHandle::join`].
///
/// ```
/// use actor_core::{Actor, Context, ExitReason};
///
/// struct Fragile;
/// impl Actor for Fragile {
///     type Msg = u8;
///     fn handle(&mut self, msg: u8, _ctx: &mut Context<Self>) {
///         assert!(msg != 0, "zero is not allowed");
///     }
/// }
///
/// let handle = actor_core::spawn(Fragile);
/// let addr = handle.addr();
/// addr.send(0).unwrap();
/// let outcome = handle.join();
/// assert!(outcome.is_panic());
/// assert_eq!(outcome.reason().panic_message(), Some("zero is not allowed"));
/// ```
pub struct Outcome<A: Spawned> {
    reason: ExitReason,
    state: A::State,
    undelivered: Vec<A::Msg>,
    /// The payload of the panic that ended the actor, if one did.
    panic: Option<Box<dyn Any + Send>>,
}

impl<A: Spawned> Outcome<A> {
    pub(crate) fn new(end: RunEnd, state: A::State, undelivered: Vec<A::Msg>) -> Self {
        Outcome {
            reason: end.reason,
            state,
            undelivered,
            panic: end.payload,
        }
    }

    /// Why the actor ended.
    pub fn reason(&self) -> &ExitReason {
        &self.reason
    }

    /// Whether the actor ended by a panic.
    pub fn is_panic(&self) -> bool {
        self.reason.is_panic()
    }

    /// The actor's final state (for a panicked actor: as the panic left it).
    pub fn state(&self) -> &A::State {
        &self.state
    }

    /// Takes the actor's final state.
    pub fn into_state(self) -> A::State {
        self.state
    }

    /// Messages accepted into the mailbox but never handled, in mailbox order. Empty after
    /// [`ExitReason::Closed`]; after a stop, a panic or a pull-style return, the rest of the
    /// mailbox.
    pub fn undelivered(&self) -> &[A::Msg] {
        &self.undelivered
    }

    /// The reason, the state and the undelivered messages.
    pub fn into_parts(self) -> (ExitReason, A::State, Vec<A::Msg>) {
        (self.reason, self.state, self.undelivered)
    }

    /// The payload of the panic that ended the actor (what `panic!` or
    /// [`std::panic::panic_any`] was given), if it ended by a panic. The reason keeps its message.
    ///
    /// ```
    /// let handle = actor_core::spawn_fn(|_inbox: actor_core::Inbox<()>| -> Result<(), _> {
    ///     std::panic::panic_any(42_u32)
    /// });
    /// let outcome = handle.join();
    /// assert_eq!(outcome.panic_payload().and_then(|p| p.downcast_ref::<u32>()), Some(&42));
    /// ```
    pub fn panic_payload(&self) -> Option<&(dyn Any + Send)> {
        self.panic.as_deref()
    }

    /// Takes the payload of the panic that ended the actor, to carry the panic on with
    /// [`std::panic::resume_unwind`] (as a thread's `join` result allows); `None` if it did not
    /// end by a panic.
    ///
    /// ```
    /// let device = String::from("disk");
    /// let handle = actor_core::spawn_fn(move |_inbox: actor_core::Inbox<()>| -> Result<(), _> {
    ///     panic!("fatal: {device} full")
    /// });
    /// let payload = handle.join().into_panic().expect("it panicked");
    /// let resume = std::panic::AssertUnwindSafe(|| std::panic::resume_unwind(payload));
    /// let resumed = std::panic::catch_unwind(resume);
    /// let payload = resumed.unwrap_err();
    /// assert_eq!(payload.downcast_ref::<String>().unwrap(), "fatal: disk full");
    /// ```
    pub fn into_panic(self) -> Option<Box<dyn Any + Send>> {
        self.panic
    }
}

impl<A: Spawned> fmt::Debug for Outcome<A> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Outcome")
            .field("reason", &self.reason)
            .field("undelivered", &self.undelivered.len())
            .finish_non_exhaustive()
    }
}

/// The owner's handle on a running actor: its address, its start signal and its end.
///
/// The handle holds an [`Addr`] of its own, so it keeps the actor alive like any address.
/// [`join`](ActorHandle::join) gives that address up first, then waits: an actor nobody else
/// can reach drains its mailbox and ends, so `join` cannot wait on it forever.
///
/// **Dropping the handle detaches the actor**: it runs on while other addresses exist and ends as
/// usual, but nobody joins it: its undelivered messages go to the dead-letter hook
/// ([`DeadLetters`](crate::DeadLetters)) and its state is dropped (a panic in that `Drop` is
/// caught). Monitors ([`Addr::monitor`]) still learn the exit reason.
#[must_use = "dropping an ActorHandle detaches the actor; call join() to learn how it ended"]
pub struct ActorHandle<A: Spawned> {
    shared: Link<A::Msg>,
    own_addr: Option<Addr<A::Msg>>,
    /// `None` once joined.
    run: Option<Run<A>>,
}

/// Where the outcome comes from.
enum Run<A: Spawned> {
    /// The thread's result is guarded: the standard library drops a detached thread's result
    /// where a panic aborts the process, and the state or messages in it may panic in `Drop`.
    Thread(JoinHandle<Guarded<Outcome<A>>>),
    Pool(Arc<dyn TakeOutcome<A>>),
}

/// A pooled actor's cell, as its handle sees it: the outcome, once the run has ended.
pub(crate) trait TakeOutcome<A: Spawned>: Send + Sync {
    fn take(&self) -> Option<Outcome<A>>;
}

impl<A: Spawned> ActorHandle<A> {
    /// `own_addr` must exist before the thread starts: an actor with no address ends at once.
    pub(crate) fn threaded(
        shared: Link<A::Msg>,
        own_addr: Addr<A::Msg>,
        thread: JoinHandle<Guarded<Outcome<A>>>,
    ) -> Self {
        ActorHandle {
            own_addr: Some(own_addr),
            shared,
            run: Some(Run::Thread(thread)),
        }
    }

    /// A new address of the actor.
    pub fn addr(&self) -> Addr<A::Msg> {
        match &self.own_addr {
            Some(addr) => addr.clone(),
            None => Addr::new(self.shared.clone()),
        }
    }

    /// Closes the actor's mailbox, as [`Addr::close`] does: the exit sentinel queues behind every
    /// message already sent. Returns `true` if this call closed it.
    ///
    /// ```
    /// use actor_core::{Actor, Context, ExitReason};
    ///
    /// struct Log(Vec<u8>);
    /// impl Actor for Log {
    ///     type Msg = u8;
    ///     fn handle(&mut self, n: u8, _ctx: &mut Context<Self>) {
    ///         self.0.push(n);
    ///     }
    /// }
    ///
    /// let handle = actor_core::spawn(Log(Vec::new()));
    /// handle.addr().send(1).unwrap();
    /// assert!(handle.close());
    /// let outcome = handle.join();
    /// assert_eq!(outcome.reason(), &ExitReason::Closed);
    /// assert_eq!(outcome.into_state().0, [1]);
    /// ```
    pub(crate) fn link(&self) -> &Link<A::Msg> {
        &self.shared
    }

    /// Queues the exit sentinel (as [`Addr::close`]).
    pub fn close(&self) -> bool {
        self.shared.close()
    }

    /// Stops the actor after the message it is handling, as [`Addr::stop`] does; what is still
    /// queued comes back in [`Outcome::undelivered`].
    pub fn stop(&self) {
        self.shared.request_stop();
    }

    /// Whether the actor runs on a [`Pool`](crate::Pool) (`false`: on a thread of its own, or on
    /// a foreign [`Executor`](crate::exec::Executor)).
    pub fn is_pooled(&self) -> bool {
        self.shared.pool().is_some()
    }

    /// The actor's id.
    pub fn id(&self) -> ActorId {
        self.shared.id
    }

    /// The actor's name.
    pub fn name(&self) -> &str {
        self.shared.name()
    }

    /// Blocks until the actor's `started` hook has run. Returns `true` if it completed, `false`
    /// if it panicked (the actor then ends with [`ExitReason::Panicked`]).
    ///
    /// ```
    /// use actor_core::{Actor, Context};
    /// use std::sync::atomic::{AtomicBool, Ordering};
    /// use std::sync::Arc;
    ///
    /// struct Starter(Arc<AtomicBool>);
    /// impl Actor for Starter {
    ///     type Msg = ();
    ///     fn started(&mut self, _ctx: &mut Context<Self>) {
    ///         self.0.store(true, Ordering::SeqCst);
    ///     }
    ///     fn handle(&mut self, _msg: (), _ctx: &mut Context<Self>) {}
    /// }
    ///
    /// let flag = Arc::new(AtomicBool::new(false));
    /// let handle = actor_core::spawn(Starter(Arc::clone(&flag)));
    /// assert!(handle.wait_started());
    /// assert!(flag.load(Ordering::SeqCst));
    /// ```
    pub fn wait_started(&self) -> bool {
        if !self.shared.started.is_set() {
            block_in_place(|| self.shared.started.wait());
        }
        self.shared.start_ok.load(SeqCst)
    }

    /// Like [`wait_started`](ActorHandle::wait_started), waiting at most `timeout`; `None` if
    /// the hook has not finished by then.
    pub fn wait_started_timeout(&self, timeout: Duration) -> Option<bool> {
        block_in_place(|| self.shared.started.wait_timeout(timeout))
            .then(|| self.shared.start_ok.load(SeqCst))
    }

    /// Whether the actor's run has finished (for a thread actor: its thread too).
    pub fn is_finished(&self) -> bool {
        match &self.run {
            Some(Run::Thread(thread)) => thread.is_finished(),
            _ => self.shared.finished.is_set(),
        }
    }

    /// Gives up the handle's own address, waits until the actor has ended (and, for a thread
    /// actor, its thread has finished), and returns how it ended.
    ///
    /// Called on a pool worker, the wait is compensated: the pool runs a stand-in thread
    /// meanwhile (see [`Pool`](crate::Pool)).
    ///
    /// The actor ends when it is closed or stopped, when it panics, or when no address of it is
    /// left (the handle's own is dropped here); join does not close it otherwise.
    ///
    /// # Panics
    ///
    /// Never for anything the actor does: its panics are caught and reported in the
    /// [`Outcome`]. A panic in the runtime itself (a bug) is resumed on the joining thread.
    pub fn join(mut self) -> Outcome<A> {
        self.own_addr = None;
        match self.run.take().expect("a handle is joined once") {
            Run::Thread(thread) => match block_in_place(|| thread.join()) {
                Ok(outcome) => outcome.into_inner(),
                Err(panic) => std::panic::resume_unwind(panic),
            },
            Run::Pool(cell) => {
                if !self.shared.finished.is_set() {
                    block_in_place(|| self.shared.finished.wait());
                }
                cell.take()
                    .expect("a finished pooled actor leaves its outcome for its one handle")
            }
        }
    }

    /// Like [`join`](ActorHandle::join), waiting at most `timeout`.
    ///
    /// # Errors
    ///
    /// Hands the handle back if the actor is still running at the deadline; its own address is
    /// already given up then, as `join` does.
    ///
    /// ```
    /// use actor_core::Inbox;
    /// use std::time::Duration;
    ///
    /// let handle = actor_core::spawn_fn(|inbox: Inbox<()>| {
    ///     while inbox.recv().is_ok() {}
    ///     Ok(())
    /// });
    /// let addr = handle.addr(); // keeps the actor alive
    /// let handle = handle.join_timeout(Duration::from_millis(5)).unwrap_err();
    /// drop(addr);
    /// assert!(handle.join_timeout(Duration::from_secs(10)).is_ok());
    /// ```
    #[allow(clippy::result_large_err)]
    pub fn join_timeout(mut self, timeout: Duration) -> Result<Outcome<A>, ActorHandle<A>> {
        self.own_addr = None;
        let finished = match Instant::now().checked_add(timeout) {
            Some(deadline) => block_in_place(|| self.shared.finished.wait_deadline(deadline)),
            None => true,
        };
        if finished { Ok(self.join()) } else { Err(self) }
    }
}

impl<A: Spawned> Drop for ActorHandle<A> {
    /// Detaches: the actor runs on. When it ends, what it left undelivered goes to the
    /// dead-letter hook, since nobody will join it.
    fn drop(&mut self) {
        let Some(run) = self.run.take() else {
            return;
        };
        // One swap decides who routes the leftovers: the run, if it had not finished yet.
        if self.shared.handoff.fetch_or(run::DETACHED, SeqCst) & run::READY == 0 {
            return;
        }
        let outcome = match run {
            // The run has its outcome and is returning: this join is short.
            Run::Thread(thread) => block_in_place(|| thread.join())
                .ok()
                .map(Guarded::into_inner),
            Run::Pool(cell) => cell.take(),
        };
        if let Some(outcome) = outcome {
            let (_, state, leftovers) = outcome.into_parts();
            let _ = drop_caught(state);
            run::route_leftovers(&self.shared, leftovers);
        }
    }
}

impl<A: Spawned> fmt::Debug for ActorHandle<A> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ActorHandle")
            .field("id", &self.shared.id)
            .field("name", &self.shared.name())
            .field("pooled", &self.is_pooled())
            .field("finished", &self.is_finished())
            .finish()
    }
}

impl<A: Actor> ActorHandle<A> {
    /// The handle of a pooled actor: its cell is address, outcome slot and state in one.
    pub(crate) fn pooled(
        cell: Arc<PoolCell<A>>,
        shared: Link<A::Msg>,
        own_addr: Addr<A::Msg>,
    ) -> Self {
        ActorHandle {
            shared,
            own_addr: Some(own_addr),
            run: Some(Run::Pool(cell)),
        }
    }
}
