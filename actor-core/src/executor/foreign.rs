//! The seam for executors outside this crate (the deterministic one in `actor-sched`): they run
//! the same actors, with the same mailboxes, by driving their turns themselves.
//!
//! An actor spawned on a foreign executor is a pooled actor (its mailbox, state and run in one
//! allocation, queued once when a message arrives) whose queueing is the executor's: when it has
//! work, [`Executor::schedule`] gets a [`Turn`], and the executor calls [`Turn::run`] when it
//! chooses. Its own timers and its asks' deadlines run on the executor's clock
//! ([`Executor::set_timer`]).

use std::cell::Cell;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use super::pool::{Job, Turn as PoolTurn};

/// An executor that drives actor turns itself: queue each [`Turn`] it is given, run it later with
/// [`Turn::run`] inside [`enter`], and keep timers on its own clock. Implemented by
/// `actor_sched::Scheduler`'s executor; spawn on one with
/// [`Builder::executor`](crate::Builder::executor).
pub trait Executor: Send + Sync + 'static {
    /// An actor has work: queue its turn. Called from any thread (a send from outside), and from
    /// inside a turn (a send from a handler); each turn is handed over exactly once until it has
    /// run.
    fn schedule(&self, turn: Turn);

    /// Calls `fire` once `after` has passed on this executor's clock, then (for `every`) every
    /// period after that for as long as `fire` returns `true`. Returns an id for
    /// [`cancel_timer`](Executor::cancel_timer).
    fn set_timer(
        &self,
        after: Duration,
        every: Option<Duration>,
        fire: Box<dyn FnMut() -> bool + Send>,
    ) -> u64;

    /// Cancels a timer. Returns `true` if it was still pending.
    fn cancel_timer(&self, id: u64) -> bool;

    /// Whether a timer is still pending (not fired for good, not cancelled).
    fn timer_pending(&self, id: u64) -> bool;

    /// A name for debugging output.
    fn name(&self) -> &str {
        "executor"
    }
}

/// One turn of an actor: handle a few of its messages. Given to [`Executor::schedule`].
pub struct Turn(pub(crate) Job);

/// How a [`Turn`] ended.
#[derive(Debug)]
#[non_exhaustive]
pub enum TurnEnd {
    /// The mailbox is empty; the actor is idle until a send schedules it again.
    Idle,
    /// More messages wait: queue this turn again.
    Again(Turn),
    /// The actor has ended.
    Done,
}

impl Turn {
    /// Runs the actor for at most `budget` messages (at least one; the first turn also runs its
    /// `started` hook). Panics in user code are caught: a panicking actor ends with
    /// [`ExitReason::Panicked`](crate::ExitReason::Panicked).
    pub fn run(self, budget: usize) -> TurnEnd {
        match Arc::clone(&self.0).run(budget.max(1)) {
            PoolTurn::Idle => TurnEnd::Idle,
            PoolTurn::Again(job) => TurnEnd::Again(Turn(job)),
            PoolTurn::Done => TurnEnd::Done,
        }
    }
}

impl fmt::Debug for Turn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Turn").finish_non_exhaustive()
    }
}

thread_local! {
    static INSIDE: Cell<u32> = const { Cell::new(0) };
}

/// Marks the current thread as running a foreign executor's turns until the guard is dropped.
/// Inside, calls that would wait for another actor cannot be answered by anyone (the executor
/// is this thread), so [`Addr::ask`](crate::Addr::ask) is refused with
/// [`AskError::WouldBlock`](crate::AskError::WouldBlock) and a send to a full bounded mailbox
/// queues the message beyond the capacity instead of waiting.
pub fn enter() -> Inside {
    INSIDE.with(|inside| inside.set(inside.get() + 1));
    Inside(std::marker::PhantomData)
}

/// The guard of [`enter`]; not `Send`.
#[must_use = "the thread counts as inside the executor only while the guard lives"]
pub struct Inside(std::marker::PhantomData<*const ()>);

impl Drop for Inside {
    fn drop(&mut self) {
        INSIDE.with(|inside| inside.set(inside.get().saturating_sub(1)));
    }
}

impl fmt::Debug for Inside {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Inside")
    }
}

/// Whether the current thread is inside a foreign executor's run.
pub(crate) fn inside() -> bool {
    INSIDE.with(|inside| inside.get() > 0)
}

/// A timer on a foreign executor's clock; dropping it cancels it, as a `TimerHandle`.
pub(crate) struct ForeignTimer {
    executor: Arc<dyn Executor>,
    id: u64,
    /// Cancelled or handed over: nothing to do on drop.
    done: bool,
}

impl ForeignTimer {
    pub(crate) fn set(
        executor: &Arc<dyn Executor>,
        after: Duration,
        every: Option<Duration>,
        fire: Box<dyn FnMut() -> bool + Send>,
    ) -> ForeignTimer {
        let id = executor.set_timer(after, every, fire);
        ForeignTimer {
            executor: Arc::clone(executor),
            id,
            done: false,
        }
    }

    pub(crate) fn cancel(mut self) -> bool {
        self.done = true;
        self.executor.cancel_timer(self.id)
    }
}

impl Drop for ForeignTimer {
    fn drop(&mut self) {
        if !self.done {
            self.executor.cancel_timer(self.id);
        }
    }
}

/// A timer an actor owns: on the process-wide timer thread, or on its foreign executor's clock.
pub(crate) enum OwnTimer {
    Real(crate::TimerHandle),
    Foreign(ForeignTimer),
}

impl OwnTimer {
    pub(crate) fn id(&self) -> u64 {
        match self {
            OwnTimer::Real(timer) => timer.id(),
            OwnTimer::Foreign(timer) => timer.id,
        }
    }

    pub(crate) fn cancel(self) -> bool {
        match self {
            OwnTimer::Real(timer) => timer.cancel(),
            OwnTimer::Foreign(timer) => timer.cancel(),
        }
    }

    pub(crate) fn is_finished(&self) -> bool {
        match self {
            OwnTimer::Real(timer) => timer.is_finished(),
            OwnTimer::Foreign(timer) => !timer.executor.timer_pending(timer.id),
        }
    }
}
