//! What every executor's handler-style run shares: recovering from a failure when the actor is
//! supervised, and the last steps of a run (dead letters, monitors, joiners).

use std::sync::atomic::Ordering::SeqCst;
use std::time::Duration;

use crate::executor::pool::block_in_place;
use crate::lifecycle::Down;
use crate::lifecycle::dead_letter::{self, DeadReason};
use crate::lifecycle::inspect;
use crate::lifecycle::monitor::DownName;
use crate::runtime::mailbox::Shared;
use crate::runtime::unwind::{Panic, catch, catch_panic};
use crate::trace;
use crate::{Actor, Context, ExitReason};

/// How a supervised run replaces a failed instance: the supervisor's decision and the child's
/// factory.
pub(crate) trait Restarter<A: Actor>: Send {
    /// The instance failed with `reason`: restart (after an optional delay) or end?
    fn decide(&mut self, reason: &ExitReason) -> Verdict;
    /// A new instance. May panic (caught).
    fn make(&mut self) -> A;
}

/// How a run ends: the reason, and for a panic its payload, which goes to the joiner's
/// [`Outcome`](crate::Outcome) (one owner: the [`Down`] that monitors see carries the message only).
pub(crate) struct RunEnd {
    pub(crate) reason: ExitReason,
    pub(crate) payload: Option<Box<dyn std::any::Any + Send>>,
}

impl RunEnd {
    /// An end that is not a panic.
    pub(crate) fn of(reason: ExitReason) -> RunEnd {
        RunEnd {
            reason,
            payload: None,
        }
    }
}

impl From<Panic> for RunEnd {
    fn from(panic: Panic) -> RunEnd {
        RunEnd {
            reason: ExitReason::Panicked(panic.message),
            payload: Some(panic.payload),
        }
    }
}

/// A supervisor's answer to a failure.
pub(crate) enum Verdict {
    Restart(Option<Duration>),
    End,
}

/// The actor failed with `reason` (a panic in a handler or hook). Unsupervised, or when its
/// supervisor says so, the run ends with that reason (`Err`). Otherwise the failed instance gets
/// its `stopped` hook, a new one is made and started, and the run goes on (`Ok`) with the same
/// mailbox: queued messages go to the new instance.
pub(crate) fn recover<A: Actor>(
    actor: &mut A,
    ctx: &mut Context<A>,
    mut failure: RunEnd,
) -> Result<(), RunEnd> {
    loop {
        if let ExitReason::Panicked(panic) = &failure.reason {
            trace::panicked(&ctx.reader.shared, panic);
        }
        let Some(restarter) = ctx.restarter.as_mut() else {
            return Err(failure);
        };
        let delay = match restarter.decide(&failure.reason) {
            Verdict::End => return Err(failure),
            Verdict::Restart(delay) => delay,
        };
        trace::restarting(&ctx.reader.shared, &failure.reason);
        let _ = catch(|| actor.stopped(&failure.reason));
        match renew(actor, ctx, delay) {
            Ok(()) => return Ok(()),
            Err(again) => failure = again,
        }
    }
}

/// A supervisor restarts this actor because a sibling failed: the instance ends with `stopped`
/// (reason `Stopped`) and a new one takes the same mailbox. Ignored by an unsupervised run.
pub(crate) fn restart_requested<A: Actor>(
    actor: &mut A,
    ctx: &mut Context<A>,
) -> Result<(), RunEnd> {
    if ctx.restarter.is_none() {
        return Ok(());
    }
    let _ = catch(|| actor.stopped(&ExitReason::Stopped));
    match renew(actor, ctx, None) {
        Ok(()) => Ok(()),
        Err(failure) => recover(actor, ctx, failure),
    }
}

/// Replaces the instance: the old one's timers are cancelled, a new one is made, swapped in and
/// started.
fn renew<A: Actor>(
    actor: &mut A,
    ctx: &mut Context<A>,
    delay: Option<Duration>,
) -> Result<(), RunEnd> {
    ctx.cancel_all_timers();
    inspect::set_state(&ctx.reader.shared.state, inspect::RESTARTING);
    if let Some(delay) = delay {
        // A backoff: on a pool worker the pool gets a stand-in while this one sleeps.
        block_in_place(|| std::thread::sleep(delay));
    }
    let Some(restarter) = ctx.restarter.as_mut() else {
        unreachable!("only a supervised run renews");
    };
    let fresh = catch_panic(|| restarter.make()).map_err(RunEnd::from)?;
    let old = std::mem::replace(actor, fresh);
    // The failed instance's `Drop` is user code too.
    let _ = catch(move || drop(old));
    catch_panic(|| actor.started(ctx)).map_err(RunEnd::from)?;
    inspect::set_state(&ctx.reader.shared.state, inspect::RUNNING);
    Ok(())
}

/// One more message handled (the run is this counter's only writer).
#[inline]
pub(crate) fn count_handled<M>(shared: &Shared<M>) {
    use std::sync::atomic::Ordering::Relaxed;
    shared
        .handled
        .store(shared.handled.load(Relaxed) + 1, Relaxed);
}

/// A handler panicked under a supervisor: the message it was handling is gone (the handler
/// took it); the dead-letter hook hears of it.
pub(crate) fn report_panicked_message<M: 'static>(shared: &Shared<M>) {
    dead_letter::report::<M>(shared, DeadReason::HandlerPanicked, None);
}

/// Bits of [`Shared::handoff`]: who routes a detached actor's leftovers.
pub(crate) const DETACHED: u8 = 1;
pub(crate) const READY: u8 = 2;

/// The run has its outcome: if the handle was dropped already, the leftovers are the dead-letter
/// hook's (returns `true`: the caller routes them); otherwise the handle's drop will route them.
/// One atomic swap decides, so exactly one side routes.
pub(crate) fn outcome_ready<M>(shared: &Shared<M>) -> bool {
    shared.handoff.fetch_or(READY, SeqCst) & DETACHED != 0
}

/// Sends leftovers of a detached actor to the dead-letter hook.
pub(crate) fn route_leftovers<M: Send + 'static>(shared: &Shared<M>, leftovers: Vec<M>) {
    for msg in leftovers {
        dead_letter::report(shared, DeadReason::Undelivered, Some(Box::new(msg)));
    }
}

/// The last steps of every run: monitors, links and askers learn the end, then joiners.
pub(crate) fn end_run<M>(shared: &Shared<M>, reason: &ExitReason, undelivered: usize) {
    trace::exited(shared, reason, undelivered);
    if let Some(extra) = shared.extra_if_any() {
        let listed = extra
            .listed
            .swap(usize::MAX, std::sync::atomic::Ordering::Relaxed);
        if listed != usize::MAX {
            inspect::forget_thread(listed);
        }
    }
    let down = Down {
        id: shared.id,
        name: DownName::of(shared.name_if_made()),
        reason: reason.clone(),
        undelivered,
    };
    shared.end.mark_ended(down);
    shared.finished.set();
}
