//! A pooled actor: its mailbox, its state and its run in one allocation, and the turn a worker
//! gives it.

use std::sync::atomic::Ordering::SeqCst;
use std::sync::{Arc, OnceLock};

use super::worker::{Job, Registered, Runnable, Turn as PoolTurn};
use crate::executor::Place;
use crate::executor::foreign::Turn;
use crate::lifecycle::ActorInfo;
use crate::lifecycle::inspect;
use crate::runtime::handle::TakeOutcome;
use crate::runtime::mailbox::{Host, Link, Next, Reader, Shared, Wait};
use crate::runtime::run::{self, Restarter, RunEnd};
use crate::runtime::unwind::{catch_panic, drop_caught};
use crate::sync::short::{Mutex, MutexGuard};
use crate::trace;
use crate::{Actor, ActorHandle, ActorId, Addr, Context, Mailbox, Outcome};

/// Everything a pooled actor is. Addresses, the handle and the worker's queue entry all point at
/// this one allocation.
pub(crate) struct PoolCell<A: Actor> {
    shared: Shared<A::Msg>,
    place: Place,
    /// Where the pool's registry keeps this actor; set once, right after the allocation.
    registered: OnceLock<Registered>,
    run: Mutex<Run<A>>,
}

enum Run<A: Actor> {
    /// Between the allocation and the first run's set-up.
    Making,
    Live {
        actor: A,
        ctx: Context<A>,
        started: bool,
    },
    /// Ended; the outcome waits for the joiner (`None` once taken).
    Done(Option<Outcome<A>>),
}

impl<A: Actor> PoolCell<A> {
    /// Makes the cell, queues its first run and returns the actor's handle. Hands the actor back
    /// if the pool is shutting down.
    pub(crate) fn start(
        place: &Place,
        actor: A,
        mailbox: Mailbox,
        name: Option<Box<str>>,
        restarter: Option<Box<dyn Restarter<A>>>,
        prepare: impl FnOnce(&Link<A::Msg>),
    ) -> Result<ActorHandle<A>, A> {
        let id = ActorId::next();
        let cell = Arc::new(PoolCell {
            shared: Shared::for_pool(mailbox, id, name, place.foreign().is_some()),
            place: place.clone(),
            registered: OnceLock::new(),
            run: Mutex::new(Run::Making),
        });
        let job: Job = cell.clone();
        if let Place::Pool(pool) = place {
            let Some(registered) = pool.register(&job) else {
                return Err(actor);
            };
            let _ = cell.registered.set(registered);
        }
        let link = Link::new(cell.clone());
        // The handle's own address exists before the first run: an actor with no address ends.
        let own_addr = Addr::new(link.clone());
        let mut ctx = Context::new(Reader::new(link.clone()));
        ctx.restarter = restarter;
        *cell.run.lock() = Run::Live {
            actor,
            ctx,
            started: false,
        };
        prepare(&link);
        // The mailbox starts out "scheduled": this is the one queueing of the first run.
        place_job(place, job);
        Ok(ActorHandle::pooled(cell, link, own_addr))
    }

    /// The last steps of a run: undelivered messages, the `stopped` hook, the outcome, and the
    /// signals for askers, joiners and the pool.
    fn finish(&self, mut run: MutexGuard<'_, Run<A>>, mut end: RunEnd) {
        let Run::Live {
            mut actor, mut ctx, ..
        } = std::mem::replace(&mut *run, Run::Making)
        else {
            unreachable!("only a live actor finishes");
        };
        inspect::set_state(&self.shared.state, inspect::STOPPING);
        let undelivered = ctx.reader.finish();
        if let Err(panic) = catch_panic(|| actor.stopped(&end.reason)) {
            end = panic.into();
        }
        // Dropping the context cancels the actor's timers and lets go of the cell.
        drop(ctx);
        let count = undelivered.len();
        let reason = end.reason.clone();
        *run = Run::Done(Some(Outcome::new(end, actor, undelivered)));
        drop(run);
        if run::outcome_ready(&self.shared) {
            // Detached: nobody will take the outcome; its leftovers are dead letters.
            if let Some(outcome) = self.take() {
                let (_, state, leftovers) = outcome.into_parts();
                let _ = drop_caught(state);
                run::route_leftovers(&self.shared, leftovers);
            }
        }
        // Counted out before the joiners hear of the end, so that `Pool::actors` no longer counts
        // an actor whose `join` has returned.
        if let (Some(&registered), Place::Pool(pool)) = (self.registered.get(), &self.place) {
            pool.retire(registered);
        }
        run::end_run(&self.shared, &reason, count);
    }
}

/// Queues a turn where the actor runs.
fn place_job(place: &Place, job: Job) {
    match place {
        Place::Pool(pool) => pool.schedule(job),
        Place::Foreign(executor) => executor.schedule(Turn(job)),
    }
}

impl<A: Actor> Host<A::Msg> for PoolCell<A> {
    #[inline]
    fn shared(&self) -> &Shared<A::Msg> {
        &self.shared
    }

    fn schedule(self: Arc<Self>) {
        let place = self.place.clone();
        place_job(&place, self);
    }

    fn place(&self) -> Option<&Place> {
        Some(&self.place)
    }
}

impl<A: Actor> Runnable for PoolCell<A> {
    fn run(self: Arc<Self>, budget: usize) -> PoolTurn {
        let _span = trace::enter(&self.shared, || self.place.kind());
        let mut run = self.run.lock();
        let Run::Live {
            actor,
            ctx,
            started,
        } = &mut *run
        else {
            return PoolTurn::Done;
        };
        if !*started {
            *started = true;
            let hook = catch_panic(|| actor.started(ctx));
            inspect::set_state(&self.shared.state, inspect::RUNNING);
            trace::started(&self.shared);
            self.shared.start_ok.store(hook.is_ok(), SeqCst);
            self.shared.started.set();
            if let Err(panic) = hook {
                if let Err(end) = run::recover(actor, ctx, panic.into()) {
                    self.finish(run, end);
                    return PoolTurn::Done;
                }
            }
        }
        for _ in 0..budget {
            match ctx.reader.next_with(&self.shared, Wait::Poll) {
                Next::Msg(msg) => {
                    let handled = catch_panic(|| actor.handle(msg, ctx));
                    run::count_handled(&self.shared);
                    if let Err(panic) = handled {
                        if ctx.is_supervised() {
                            run::report_panicked_message(&self.shared);
                        }
                        if let Err(end) = run::recover(actor, ctx, panic.into()) {
                            self.finish(run, end);
                            return PoolTurn::Done;
                        }
                    }
                }
                Next::End(ending) => {
                    let reason = self.shared.end_reason(ending);
                    self.finish(run, RunEnd::of(reason));
                    return PoolTurn::Done;
                }
                Next::Restart => {
                    if let Err(end) = run::restart_requested(actor, ctx) {
                        self.finish(run, end);
                        return PoolTurn::Done;
                    }
                }
                Next::Empty => {
                    drop(run);
                    return if self.shared.queue.release(&self.shared) {
                        PoolTurn::Again(self)
                    } else {
                        PoolTurn::Idle
                    };
                }
            }
        }
        drop(run);
        PoolTurn::Again(self)
    }

    fn raise_stop(self: Arc<Self>) {
        Link::new(self).raise_stop();
    }

    fn rouse(self: Arc<Self>) {
        Link::new(self).rouse();
    }

    fn info(&self) -> Option<ActorInfo> {
        inspect::info_of_host(self)
    }
}

impl<A: Actor> Drop for PoolCell<A> {
    /// Whoever lets go of the cell last (a worker, an address, a handle) drops what the run left
    /// here: an outcome nobody took, or the actor of a run that never ended (its pool went away).
    /// Their `Drop` is user code; a panic in it ends nothing but that drop.
    fn drop(&mut self) {
        let run = std::mem::replace(&mut *self.run.get_mut(), Run::Making);
        let _ = drop_caught(run);
    }
}

impl<A: Actor> TakeOutcome<A> for PoolCell<A> {
    fn take(&self) -> Option<Outcome<A>> {
        match &mut *self.run.lock() {
            Run::Done(outcome) => outcome.take(),
            _ => None,
        }
    }
}

#[cfg(all(test, target_pointer_width = "64", not(feature = "tracing")))]
mod tests {
    /// An idle pooled actor must stay within 512 bytes, everything included (the bound the
    /// `pool_memory` bench measures: 481 bytes with this cell). The cell is most of it; state
    /// few actors use belongs behind a pointer (`Shared::extra`, the end watch's boxes).
    #[test]
    fn a_small_actors_cell_stays_within_its_budget() {
        struct Small;
        impl crate::Actor for Small {
            type Msg = u64;
            fn handle(&mut self, _: u64, _: &mut crate::Context<Self>) {}
        }
        let size = std::mem::size_of::<super::PoolCell<Small>>();
        assert!(size <= 400, "a pooled actor's cell grew to {size} bytes");
    }
}
