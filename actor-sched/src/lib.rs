//! A deterministic cooperative single-thread scheduler: no threads of its own, no async runtime.
//!
//! One [`Scheduler`] runs, on the current thread, the same `actor_core::Actor`s that run on
//! threads and pools ([`Scheduler::start`]), plus generator-style tasks (`async fn`s that
//! [`yield_now`]) and light named actors of its own (handler closures, or `async fn`s reading an
//! [`Inbox`]). Everything goes through one run queue: FIFO by default, or drawn from a seed
//! ([`Scheduler::with_seed`]), and time is virtual: timers fire in order when nothing else can run,
//! so a 30-second timeout takes microseconds. The same program (and seed) does the same things in
//! the same order on every run: a tool for simulations, games and deterministic tests of the
//! production actors.
//!
//! # The production actors, deterministically
//!
//! ```
//! use actor_core::{Actor, Context, Probe};
//! use actor_sched::{Scheduler, check_seeds};
//! use std::time::Duration;
//!
//! /// Answers after a delay: the kind of actor that is slow and flaky to test on real time.
//! struct Echo(actor_core::Addr<String>);
//! impl Actor for Echo {
//!     type Msg = String;
//!     fn handle(&mut self, text: String, ctx: &mut Context<Self>) {
//!         if let Some(text) = text.strip_prefix("later:") {
//!             ctx.send_after(Duration::from_secs(30), text.to_string());
//!         } else {
//!             self.0.send(text).unwrap();
//!         }
//!     }
//! }
//!
//! // Every interleaving the seeds pick gives the same answer, 30 virtual seconds later.
//! check_seeds(0..20, |sched: &mut Scheduler| {
//!     let probe = Probe::spawn(sched.builder()).unwrap();
//!     let echo = sched.start(Echo(probe.addr()));
//!     echo.addr().send("later:hi".into()).unwrap();
//!     sched.expect_no_msg(&probe, Duration::from_secs(29));
//!     assert_eq!(sched.expect_msg(&probe, Duration::from_secs(1)), "hi");
//!     assert_eq!(sched.now(), Duration::from_secs(30));
//! })
//! .unwrap();
//! ```
//!
//! # One vocabulary, two actor models
//!
//! Next to `actor_core`'s actors the scheduler keeps its own lighter model, for the recipes'
//! generator schedulers and for hot simulation loops. Where names meet:
//!
//! | here | in `actor_core` | the difference |
//! |---|---|---|
//! | [`Scheduler::start`], [`Scheduler::builder`] | `actor_core::spawn`, `Builder::spawn` | start an `actor_core::Actor` here: the same model, another executor |
//! | [`Scheduler::spawn`] | (none) | a *task*: a future polled round robin, not an actor |
//! | [`Scheduler::spawn_actor`], [`spawn_unnamed`](Scheduler::spawn_unnamed), [`spawn_async_actor`](Scheduler::spawn_async_actor) | `spawn`, `spawn_fn` | a closure or `async fn` actor of this crate, named in a registry; not `Send` |
//! | [`Ctx`] | `Context` | a closure actor's view: send by name, its own [`Addr`]; no timers or asks (use `actor_core::Actor` for those) |
//! | [`Addr`] | `Addr` | this crate's `Addr` is `!Send` and not counted: dropping every one does not end the actor (it ends by [`Flow::Stop`] or when its future returns) |
//! | [`Handle`] | (none) | a cloneable way to send by name from inside tasks; `actor_core::ActorHandle` is the owner's handle of one actor |
//! | [`Inbox`] | `Inbox` | an async actor's `recv().await`; `actor_core::Inbox` blocks a thread |
//! | mailbox (internal, unbounded) | `Mailbox` (a capacity choice) | closure actors' mailboxes are unbounded; `actor_core` actors keep theirs here too |
//!
//! # Hello, world
//!
//! An actor is a closure from a message to a [`Flow`]. Spawn it under a name, send to it, run:
//!
//! ```
//! use actor_sched::{Flow, Scheduler};
//! use std::{cell::RefCell, rc::Rc};
//!
//! let lines = Rc::new(RefCell::new(Vec::new()));
//! let out = lines.clone();
//!
//! let mut sched = Scheduler::new();
//! sched.spawn_actor("printer", move |msg: String, _| {
//!     out.borrow_mut().push(format!("Got: {msg}"));
//!     Flow::Continue
//! })?;
//! sched.send("printer", "Hello".to_string())?;
//! sched.send("printer", "World".to_string())?;
//!
//! let report = sched.run(); // returns when no message is left
//! assert_eq!(*lines.borrow(), ["Got: Hello", "Got: World"]);
//! assert_eq!(report.delivered(), 2);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Tasks: generators as an alternative to threads
//!
//! An `async fn` is Rust's coroutine; `yield_now().await` is the recipe's bare `yield`.
//! [`Scheduler::spawn`] queues a task, and [`Scheduler::run`] takes the task at the front, runs it
//! to its next yield and puts it at the back, until every task has finished:
//!
//! ```
//! use actor_sched::{Scheduler, yield_now};
//! use std::{cell::RefCell, rc::Rc};
//!
//! type Log = Rc<RefCell<Vec<String>>>;
//!
//! async fn countdown(mut n: u32, log: Log) {
//!     while n > 0 {
//!         log.borrow_mut().push(format!("T-minus {n}"));
//!         yield_now().await;
//!         n -= 1;
//!     }
//!     log.borrow_mut().push("Blastoff!".to_string());
//! }
//!
//! async fn countup(n: u32, log: Log) {
//!     for x in 0..n {
//!         log.borrow_mut().push(format!("Counting up {x}"));
//!         yield_now().await;
//!     }
//! }
//!
//! let log = Log::default();
//! let mut sched = Scheduler::new();
//! sched.spawn(countdown(2, log.clone()));
//! sched.spawn(countup(3, log.clone()));
//! let report = sched.run();
//! assert_eq!(*log.borrow(), [
//!     "T-minus 2", "Counting up 0",
//!     "T-minus 1", "Counting up 1",
//!     "Blastoff!", "Counting up 2",
//! ]);
//! assert_eq!(report.tasks_finished(), 2);
//! ```
//!
//! # Actors that talk to each other
//!
//! The recipe's thread-free actors: a `printer` and a `counter` that sends to the printer and, to
//! count down, to itself. Here the counter is an async actor (`msg = yield` becomes
//! `inbox.recv().await`), which sends by name through a [`Handle`] as the recipe passes `sched`;
//! the printer is a handler closure, the fast path. Sends made while a message is being handled
//! queue behind everything already queued: one global FIFO.
//!
//! ```
//! use actor_sched::{Flow, Inbox, Scheduler};
//! use std::{cell::RefCell, rc::Rc};
//!
//! let lines = Rc::new(RefCell::new(Vec::new()));
//! let out = lines.clone();
//!
//! let mut sched = Scheduler::new();
//! sched.spawn_actor("printer", move |n: u32, _| {
//!     out.borrow_mut().push(format!("Got: {n}"));
//!     Flow::Continue
//! })?;
//! let sched_handle = sched.handle();
//! sched.spawn_async_actor("counter", move |mut inbox: Inbox<u32>| async move {
//!     loop {
//!         let n = inbox.recv().await;
//!         if n == 0 {
//!             break;
//!         }
//!         sched_handle.send("printer", n).unwrap();
//!         sched_handle.send("counter", n - 1).unwrap();
//!     }
//! })?;
//! sched.send("counter", 3_u32)?;
//! let report = sched.run();
//!
//! assert_eq!(*lines.borrow(), ["Got: 3", "Got: 2", "Got: 1"]);
//! assert_eq!(report.delivered(), 7); // 3, 2, 1, 0 to the counter and 3, 2, 1 to the printer
//! assert_eq!(report.actors_finished(), 1); // the counter; the printer waits for more
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! Handlers reach the other actors through their [`Ctx`]: `ctx.send(name, msg)` by name, and
//! `ctx.me()` for their own [`Addr`]. An [`Addr`] sends without a look-up: keep one for hot paths.
//!
//! # Errors give the message back
//!
//! An unknown name, a wrong message type or a finished actor is an error value, never a panic,
//! and the message is inside it:
//!
//! ```
//! use actor_sched::{Flow, SchedError, Scheduler};
//!
//! let mut sched = Scheduler::new();
//! let once = sched.spawn_actor("once", |_: u32, _| Flow::Stop).unwrap();
//!
//! let err = sched.send("nobody", 1_u32).unwrap_err();
//! assert!(matches!(err, SchedError::UnknownActor { .. }));
//! assert_eq!(err.into_inner(), 1);
//!
//! let err = sched.send("once", "one").unwrap_err();
//! assert_eq!(err.to_string(), "actor `once` receives `u32`, not `&str`");
//! assert_eq!(err.into_inner(), "one");
//!
//! once.send(1).unwrap();
//! sched.run();
//! let err = once.send(2).unwrap_err();
//! assert!(err.is_finished());
//! assert_eq!(err.into_inner(), 2);
//!
//! let taken = sched.spawn_actor("once", |_: u32, _| Flow::Continue).unwrap_err();
//! assert_eq!(taken.to_string(), "an actor named `once` already exists");
//! ```
//!
//! # Step by step
//!
//! [`Scheduler::step`] does one thing (one message or one task turn) and says what;
//! [`Scheduler::run_for`] does at most `n`. Tests can stop anywhere and look:
//!
//! ```
//! use actor_sched::{Flow, Scheduler, Step};
//! use std::{cell::Cell, rc::Rc};
//!
//! let mut sched = Scheduler::new();
//! let hops = Rc::new(Cell::new(0));
//! let h = hops.clone();
//! let ping = sched.spawn_unnamed(move |n: u32, ctx| {
//!     h.set(h.get() + 1);
//!     if n > 0 {
//!         ctx.me().send(n - 1).unwrap();
//!     }
//!     Flow::Continue
//! });
//! ping.send(5).unwrap();
//!
//! assert_eq!(sched.step(), Step::Delivered);
//! assert_eq!(hops.get(), 1);
//! assert_eq!(sched.run_for(2).delivered(), 2);
//! assert_eq!(hops.get(), 3);
//! assert_eq!(sched.run().delivered(), 3);
//! assert_eq!(sched.step(), Step::Idle);
//! ```
//!
//! # Messages to a finished actor are not lost
//!
//! When an actor finishes with messages still queued for it, [`Report::undelivered`] counts them
//! and [`Addr::take_undelivered`] hands them back. Sends after it finished fail at once with
//! [`SchedError::Finished`], holding the message.
//!
//! ```
//! use actor_sched::{Flow, Scheduler};
//!
//! let mut sched = Scheduler::new();
//! let worker = sched.spawn_unnamed(|job: &str, _| if job == "quit" { Flow::Stop } else { Flow::Continue });
//! for job in ["a", "quit", "b", "c"] {
//!     worker.send(job).unwrap();
//! }
//! let report = sched.run();
//! assert_eq!((report.delivered(), report.undelivered()), (2, 2));
//! assert_eq!(worker.take_undelivered(), ["b", "c"]);
//! ```
//!
//! # What it never does, and how it manages without
//!
//! No threads, no `unsafe`: the [`Scheduler`] and every handle to it ([`Addr`], [`Handle`],
//! [`Ctx`], [`Inbox`]) are `!Send`, so everything happens on one thread. Its own model uses no
//! atomics or locks either. The one shared piece is the doorway of `actor_core` actors (their
//! addresses are `Send` and may be used from other threads): a queue of turns to run and the
//! virtual clock's timers, each behind a lock that the scheduler's own thread never contends.
//!
//! - **Waking.** Futures are polled with [`std::task::Waker::noop`]. A waker that does something
//!   must be `Send + Sync`, which without `unsafe` means an `Arc` and shared state: atomics. The
//!   scheduler needs none, because it knows both reasons one of its futures can be pending: a
//!   task that yielded goes straight to the back of the run queue, and an async actor pending in
//!   [`Inbox::recv`] is parked until a message for it is dispatched (never busy-polled). A future
//!   pending on anything else is treated like a yield and polled again on its next turn.
//! - **Re-entrancy.** Handlers get a [`Ctx`] that reaches the run queue and the name registry,
//!   never the scheduler itself, which keeps every handler and future to itself. Internal
//!   `RefCell`s are borrowed only for one push, pop or look-up, never while user code runs, so a
//!   handler may send to anyone, itself included, and no `BorrowMutError` can come from user code.
//! - **Order.** One global FIFO of run-queue entries decides everything: one entry per message
//!   sent, one per task turn. Each actor's mailbox only has to be FIFO for that actor.

#![forbid(unsafe_code)]

mod addr;
mod ctx;
mod error;
mod handle;
mod handler;
mod host;
mod inbox;
mod mailbox;
mod poll;
mod registry;
mod report;
mod runq;
mod scheduler;
mod seeds;
mod slot;
mod yield_now;

pub use addr::Addr;
pub use ctx::Ctx;
pub use error::{NameTaken, SchedError};
pub use handle::Handle;
pub use handler::{Flow, Handler};
pub use inbox::{Inbox, Recv};
pub use report::{Report, Step};
pub use scheduler::Scheduler;
pub use seeds::{SeedFailure, check_seeds};
pub use yield_now::{YieldNow, yield_now};
