//! The thread executor: one OS thread per actor, running one of two loops (handler style and
//! pull style) that block on the mailbox.

use std::cell::RefCell;
use std::io;
use std::rc::Rc;
use std::sync::atomic::Ordering::SeqCst;

use crate::lifecycle::inspect::{self, Inspect};
use crate::runtime::error::Exit;
use crate::runtime::handle::{Outcome, Spawned};
use crate::runtime::mailbox::{Link, Next, Reader, Shared, Wait};
use crate::runtime::run::{self, Restarter, RunEnd};
use crate::runtime::unwind::{Guarded, catch_panic};
use crate::trace;
use crate::{Actor, ActorHandle, ActorId, Addr, Context, ExitReason, Inbox, Mailbox};

/// Starts `run` on a new thread with a fresh mailbox and returns the actor's handle.
///
/// `prepare` sees the actor's mailbox before its run starts (system membership, a supervisor's
/// records).
pub(crate) fn spawn_thread<S, R>(
    name: Option<Box<str>>,
    mailbox: Mailbox,
    stack_size: Option<usize>,
    prepare: impl FnOnce(&Link<S::Msg>),
    run: R,
) -> io::Result<ActorHandle<S>>
where
    S: Spawned,
    R: FnOnce(Reader<S::Msg>) -> Outcome<S> + Send + 'static,
{
    let id = ActorId::next();
    let (link, reader, shared) = Shared::for_thread(mailbox, id, name);
    let me: std::sync::Weak<dyn Inspect> = std::sync::Arc::downgrade(&shared) as _;
    link.extra().listed.store(
        inspect::list_thread(me),
        std::sync::atomic::Ordering::Relaxed,
    );
    prepare(&link);
    let mut thread = std::thread::Builder::new().name(link.name().to_owned());
    if let Some(bytes) = stack_size {
        thread = thread.stack_size(bytes);
    }
    // The handle's own address exists before the thread starts: an actor with no address ends
    // at once.
    let own_addr = Addr::new(link.clone());
    match thread.spawn(move || Guarded::new(run(reader))) {
        Ok(thread) => Ok(ActorHandle::threaded(link, own_addr, thread)),
        Err(error) => {
            // Whoever `prepare` told about the actor learns that it never ran.
            let reason = ExitReason::Failed(format!("the OS refused a thread: {error}"));
            run::end_run(&link, &reason, 0);
            Err(error)
        }
    }
}

/// The handler-style loop: `started`, `handle` per message, `stopped`. Under a supervisor a
/// failure makes a new instance on the same mailbox instead of ending the run.
pub(crate) fn run_handler<A: Actor>(
    mut actor: A,
    reader: Reader<A::Msg>,
    restarter: Option<Box<dyn Restarter<A>>>,
) -> Outcome<A> {
    let shared = reader.shared.clone();
    let _span = trace::enter(&shared, || "thread");
    let mut ctx = Context::new(reader);
    ctx.restarter = restarter;
    let started = catch_panic(|| actor.started(&mut ctx));
    inspect::set_state(&shared.state, inspect::RUNNING);
    trace::started(&shared);
    shared.start_ok.store(started.is_ok(), SeqCst);
    shared.started.set();
    let failed_start = match started {
        Err(panic) => run::recover(&mut actor, &mut ctx, panic.into()).err(),
        Ok(()) => None,
    };
    // Looked up through the link once, not once per message.
    let state: &Shared<A::Msg> = &shared;
    let mut end = match failed_start {
        Some(end) => end,
        None => loop {
            match ctx.reader.next_with(state, Wait::Block) {
                Next::Msg(msg) => {
                    let handled = catch_panic(|| actor.handle(msg, &mut ctx));
                    run::count_handled(state);
                    if let Err(panic) = handled {
                        if ctx.is_supervised() {
                            run::report_panicked_message(state);
                        }
                        if let Err(end) = run::recover(&mut actor, &mut ctx, panic.into()) {
                            break end;
                        }
                    }
                }
                Next::End(ending) => break RunEnd::of(shared.end_reason(ending)),
                Next::Empty => {}
                Next::Restart => {
                    if let Err(end) = run::restart_requested(&mut actor, &mut ctx) {
                        break end;
                    }
                }
            }
        },
    };
    inspect::set_state(&shared.state, inspect::STOPPING);
    let mut undelivered = ctx.reader.finish();
    if let Err(panic) = catch_panic(|| actor.stopped(&end.reason)) {
        end = panic.into();
    }
    drop(ctx);
    let count = undelivered.len();
    if run::outcome_ready(&shared) {
        run::route_leftovers(&shared, std::mem::take(&mut undelivered));
    }
    run::end_run(&shared, &end.reason, count);
    Outcome::new(end, actor, undelivered)
}

/// The pull-style loop: the body takes messages from its [`Inbox`].
pub(crate) fn run_pull<M, F>(body: F, reader: Reader<M>) -> Outcome<crate::FnActor<M>>
where
    M: Send + 'static,
    F: FnOnce(Inbox<M>) -> Result<(), Exit>,
{
    let shared = reader.shared.clone();
    let _span = trace::enter(&shared, || "thread");
    inspect::set_state(&shared.state, inspect::RUNNING);
    trace::started(&shared);
    shared.start_ok.store(true, SeqCst);
    shared.started.set();
    let reader = Rc::new(RefCell::new(reader));
    let inbox = Inbox::new(Rc::clone(&reader));
    let end = match catch_panic(move || body(inbox)) {
        // A body that saw the end (`while let Ok(msg) = inbox.recv()`) and then returned ends
        // for the mailbox's reason; one that returned before that ended by itself.
        Ok(Ok(())) => RunEnd::of(match reader.borrow().ending() {
            Some(ending) => shared.end_reason(ending),
            None => ExitReason::Returned,
        }),
        Ok(Err(exit)) => RunEnd::of(exit.reason),
        Err(panic) => panic.into(),
    };
    let mut undelivered = reader.borrow_mut().finish();
    drop(reader);
    let count = undelivered.len();
    if run::outcome_ready(&shared) {
        run::route_leftovers(&shared, std::mem::take(&mut undelivered));
    }
    run::end_run(&shared, &end.reason, count);
    Outcome::new(end, (), undelivered)
}
