//! Actors with no async runtime: on a thread each, or many on a pool of worker threads.
//!
//! An actor is a value that handles messages one at a time. Other threads reach it through an
//! [`Addr`], a cheap, cloneable, `Send + Sync` address. The owner keeps an [`ActorHandle`] to wait
//! for the start, to join, and to learn how the actor ended.
//!
//! The same [`Actor`] runs on either executor, chosen at spawn: [`spawn`] gives it a thread of its
//! own (best for a few busy actors, and for actors that block); [`Pool::spawn`] (or
//! [`Builder::pool`], or [`Context::spawn`] from a pooled handler) runs it on a [`Pool`], where
//! thousands or millions of small actors share a few worker threads.
//!
//! The guarantees hold on both executors, each tested by a test named after it:
//!
//! - messages from one sender are handled in the order sent;
//! - [`Addr::close`] is the exit sentinel: it queues behind everything already sent, all of it is
//!   handled, later sends fail and hand the message back;
//! - [`Addr::stop`] is out of band: the current message is finished, the rest is handed back;
//! - dropping the last [`Addr`] drains the mailbox and ends the actor, so no thread is leaked;
//! - a panic in a handler ends only that actor, and `join` reports it;
//! - [`Addr::ask`] always ends: with the reply, at its deadline, or at once when the actor can no
//!   longer answer;
//! - no message is lost silently: each is handled, handed back to the joiner, or refused with the
//!   message in the error; what nobody will take (a detached actor's leftovers, a timer message
//!   that found the mailbox full or closed) reaches the [`DeadLetters`] hook.
//!
//! Around single actors sits the lifecycle: [`Monitor`]s and [`Context::watch`] learn how an actor
//! ended, [`Context::link`] ties two actors' fates, a [`Supervisor`] restarts failed children by
//! strategy and intensity (a restarted child keeps its address and mailbox), the [`Registry`]
//! finds actors by name, a [`System`] shuts a group down in order and reports, and
//! [`Recipient`] and [`Router`] are addresses over one variant of an enum and over a group.
//!
//! # Hello, actor
//!
//! A handler-style actor implements [`Actor`]; [`spawn`] starts it.
//!
//! ```
//! use actor_core::{Actor, Context, ExitReason};
//!
//! struct Greeter {
//!     greeted: Vec<String>,
//! }
//!
//! impl Actor for Greeter {
//!     type Msg = String;
//!
//!     fn handle(&mut self, name: String, _ctx: &mut Context<Self>) {
//!         self.greeted.push(format!("Hello, {name}!"));
//!     }
//! }
//!
//! let handle = actor_core::spawn(Greeter { greeted: Vec::new() });
//! let addr = handle.addr();
//! addr.send("Ada".to_string()).unwrap();
//! addr.send("Grace".to_string()).unwrap();
//! addr.close(); // the exit sentinel, behind both messages
//!
//! let outcome = handle.join();
//! assert_eq!(outcome.reason(), &ExitReason::Closed);
//! assert_eq!(outcome.into_state().greeted, ["Hello, Ada!", "Hello, Grace!"]);
//! ```
//!
//! # The pull style
//!
//! [`spawn_fn`] runs a closure that takes messages from its [`Inbox`], like a thread reading a
//! queue. `recv` returns `Err(Exit)` on the exit sentinel, so `?` ends the loop.
//!
//! ```
//! use actor_core::Inbox;
//! use std::sync::mpsc;
//!
//! let (total_tx, total_rx) = mpsc::channel();
//! let handle = actor_core::spawn_fn(move |inbox: Inbox<u64>| {
//!     let mut total = 0;
//!     while let Ok(n) = inbox.recv() {
//!         total += n;
//!     }
//!     total_tx.send(total).unwrap();
//!     Ok(())
//! });
//! let addr = handle.addr();
//! for n in 1..=10 {
//!     addr.send(n).unwrap();
//! }
//! drop(addr); // no address left: the actor drains its mailbox and ends
//! drop(handle.join());
//! assert_eq!(total_rx.recv().unwrap(), 55);
//! ```
//!
//! # Lifecycle: started, stopped, join
//!
//! `started` runs before the first message and [`ActorHandle::wait_started`] waits for it;
//! `stopped` runs after the last one with the [`ExitReason`].
//!
//! ```
//! use actor_core::{Actor, Context, ExitReason};
//!
//! #[derive(Default)]
//! struct Lifecycle {
//!     log: Vec<String>,
//! }
//!
//! impl Actor for Lifecycle {
//!     type Msg = u32;
//!     fn started(&mut self, ctx: &mut Context<Self>) {
//!         self.log.push(format!("started {}", ctx.name()));
//!     }
//!     fn handle(&mut self, n: u32, _ctx: &mut Context<Self>) {
//!         self.log.push(format!("got {n}"));
//!     }
//!     fn stopped(&mut self, reason: &ExitReason) {
//!         self.log.push(format!("stopped: {reason}"));
//!     }
//! }
//!
//! let handle = actor_core::Builder::new()
//!     .name("lifecycle")
//!     .spawn(Lifecycle::default())
//!     .unwrap();
//! assert!(handle.wait_started());
//! handle.addr().send(1).unwrap();
//! let log = handle.join().into_state().log; // join gives up the last address
//! assert_eq!(log, ["started lifecycle", "got 1", "stopped: closed"]);
//! ```
//!
//! # Stopping: nothing is dropped silently
//!
//! [`Addr::stop`] ends the actor after its current message. What was still queued comes back in
//! [`Outcome::undelivered`].
//!
//! ```
//! use actor_core::{ExitReason, Inbox};
//! use std::sync::mpsc;
//!
//! let (gate_tx, gate_rx) = mpsc::channel::<()>();
//! let handle = actor_core::spawn_fn(move |inbox: Inbox<u32>| {
//!     gate_rx.recv().ok(); // hold the actor until every message is queued
//!     loop {
//!         inbox.recv()?;
//!     }
//! });
//! let addr = handle.addr();
//! for n in 1..=3 {
//!     addr.send(n).unwrap();
//! }
//! addr.stop();
//! gate_tx.send(()).unwrap();
//! let outcome = handle.join();
//! assert_eq!(outcome.reason(), &ExitReason::Stopped);
//! assert_eq!(outcome.undelivered(), [1, 2, 3]);
//! ```
//!
//! # Errors hand the message back
//!
//! ```
//! use actor_core::{Builder, Inbox, Mailbox, TrySendError};
//!
//! let handle = Builder::new()
//!     .mailbox(Mailbox::Bounded(1))
//!     .spawn_fn(|inbox: Inbox<String>| loop {
//!         inbox.recv()?;
//!     })
//!     .unwrap();
//! let addr = handle.addr();
//! addr.close();
//! match addr.try_send("late".to_string()) {
//!     Err(TrySendError::Closed(msg)) => assert_eq!(msg, "late"),
//!     other => panic!("unexpected {other:?}"),
//! }
//! ```
//!
//! # Many actors on a pool
//!
//! A [`Pool`] multiplexes actors on a few worker threads: spawning one starts no thread, and a
//! worker runs a batch of one actor's messages, then moves on. Handlers on a pool must not wait:
//! to wait for another actor they ask through their [`Context`], and the answer arrives as a
//! message of their own type ([`Context::ask`]). Their children, spawned with
//! [`Context::spawn`], run on the same pool.
//!
//! ```
//! use actor_core::{Actor, Addr, Context, NoReply, Pool, ReplyTo};
//!
//! /// Answers with the square of what it is asked.
//! struct Squarer;
//! impl Actor for Squarer {
//!     type Msg = (u64, ReplyTo<u64>);
//!     fn handle(&mut self, (n, port): Self::Msg, _ctx: &mut Context<Self>) {
//!         let _ = port.reply(n * n);
//!     }
//! }
//!
//! enum Msg {
//!     Sum(u64),
//!     Square(Result<u64, NoReply>),
//! }
//!
//! /// Asks a squarer of its own for 1..=n and adds the answers up, without ever waiting.
//! struct SumOfSquares {
//!     squarer: Option<Addr<(u64, ReplyTo<u64>)>>,
//!     waiting: u64,
//!     total: u64,
//! }
//!
//! impl Actor for SumOfSquares {
//!     type Msg = Msg;
//!     fn started(&mut self, ctx: &mut Context<Self>) {
//!         let squarer = ctx.spawn(Squarer).expect("the pool runs");
//!         self.squarer = Some(squarer.addr()); // the handle is dropped: the child runs detached
//!     }
//!     fn handle(&mut self, msg: Msg, ctx: &mut Context<Self>) {
//!         match msg {
//!             Msg::Sum(n) => {
//!                 let squarer = self.squarer.as_ref().unwrap();
//!                 for i in 1..=n {
//!                     ctx.ask(squarer, |port| (i, port), Msg::Square).ok();
//!                 }
//!                 self.waiting = n;
//!             }
//!             Msg::Square(answer) => {
//!                 self.total += answer.unwrap();
//!                 self.waiting -= 1;
//!                 if self.waiting == 0 {
//!                     ctx.close();
//!                 }
//!             }
//!         }
//!     }
//! }
//!
//! let pool = Pool::builder().workers(2).build().unwrap();
//! let handle = pool.spawn(SumOfSquares { squarer: None, waiting: 0, total: 0 });
//! let addr = handle.addr();
//! addr.send(Msg::Sum(10)).unwrap();
//! assert_eq!(handle.join().into_state().total, 385);
//! pool.shutdown();
//! ```
//!
//! # Request and reply
//!
//! A request carries a [`ReplyTo`] port; [`Addr::ask`] builds it, sends it and waits. (On a pool
//! worker it would hold the worker, so there it is refused with [`AskError::WouldBlock`]; a
//! handler asks through its [`Context`].)
//!
//! ```
//! use actor_core::{AskError, Inbox, ReplyTo};
//! use std::time::Duration;
//!
//! let handle = actor_core::spawn_fn(|inbox: Inbox<(u32, ReplyTo<u32>)>| loop {
//!     let (n, reply) = inbox.recv()?;
//!     if n > 0 {
//!         let _ = reply.reply(n * n);
//!     } // for 0 the port is dropped unanswered
//! });
//! let addr = handle.addr();
//! assert_eq!(addr.ask(|reply| (7, reply)).unwrap(), 49);
//! assert!(matches!(addr.ask(|reply| (0, reply)), Err(AskError::Stopped)));
//! assert_eq!(addr.ask_timeout(|reply| (3, reply), Duration::from_secs(5)).unwrap(), 9);
//! ```
//!
//! # Supervision and shutdown
//!
//! A [`Supervisor`] starts its children in order from factories and restarts the ones that fail.
//! A panic restarts the child *in place*: a new instance from the factory takes the same mailbox,
//! so senders keep their addresses and nothing queued is lost; the message that panicked goes to
//! the dead letters. A [`System`] owns actors and supervisors and shuts them down newest first,
//! each drained (closed) within a deadline, then stopped, with a report.
//!
//! ```
//! use actor_core::{Actor, ChildSpec, Context, DeadReason, Strategy, Supervisor, System};
//! use std::sync::atomic::{AtomicU32, Ordering};
//! use std::sync::Arc;
//!
//! struct Worker(Arc<AtomicU32>);
//! impl Actor for Worker {
//!     type Msg = u32;
//!     fn handle(&mut self, n: u32, _ctx: &mut Context<Self>) {
//!         assert!(n != 0, "zero is not a job");
//!         self.0.fetch_add(n, Ordering::SeqCst);
//!     }
//! }
//!
//! let system = System::new("jobs");
//! let panicked = Arc::new(AtomicU32::new(0));
//! let seen = Arc::clone(&panicked);
//! system.dead_letters().set_hook(move |letter| {
//!     if letter.reason() == DeadReason::HandlerPanicked {
//!         seen.fetch_add(1, Ordering::SeqCst);
//!     }
//! });
//!
//! let total = Arc::new(AtomicU32::new(0));
//! let sum = Arc::clone(&total);
//! let supervisor = system
//!     .supervise(
//!         Supervisor::new(Strategy::OneForOne)
//!             .child(ChildSpec::new("worker", move || Worker(Arc::clone(&sum)))),
//!     )
//!     .unwrap();
//! let worker = supervisor.child::<u32>("worker").unwrap();
//! for n in [1, 0, 2, 3] {
//!     worker.send(n).unwrap(); // 0 panics; the instance after it handles 2 and 3
//! }
//! drop(worker);
//! let report = system.shutdown(); // the supervisor closes its worker, which drains first
//! assert!(report.all_ended());
//! assert_eq!(total.load(Ordering::SeqCst), 6);
//! assert_eq!(panicked.load(Ordering::SeqCst), 1);
//! assert_eq!(supervisor.restarts(), 1);
//! ```
#![forbid(unsafe_code)]

mod blocks;
mod chan;
mod executor;
mod lifecycle;
mod runtime;
mod sync;
mod trace;

/// The seam for executors outside this crate, such as the deterministic scheduler of
/// `actor-sched`: they run the same [`Actor`]s, with the same mailboxes and lifecycle, by driving
/// the actors' turns themselves and keeping their timers on their own clock. Spawn on one with
/// [`Builder::executor`].
pub mod exec {
    pub use crate::executor::foreign::{Executor, Inside, Turn, TurnEnd, enter};
}

pub use blocks::cancel::{CancelToken, Cancelled};
pub use blocks::channel;
pub use blocks::event::Event;
pub use blocks::lock_order::{
    Guards, LockOrderError, LockRank, LockSet, OrderedGuard, OrderedMutex, acquire,
};
pub use blocks::select::{
    Select, SelectTimeoutError, SelectedOperation, TrySelectError, recv_any, recv_any_timeout,
    try_recv_any,
};
pub use blocks::thread_pool::{PoolScope, TaskHandle, TaskPanic, ThreadPool};
pub use blocks::ticker::{TickTimeoutError, Ticker, TickerStopped};
pub use blocks::timer::{TimerHandle, Timers, send_after, send_interval};
pub use executor::pool::{DEFAULT_THROUGHPUT, Pool, PoolBuilder, PoolShutDown};
pub use lifecycle::{ActorInfo, ActorState, Where, actors};
pub use lifecycle::{
    ActorReport, DEFAULT_SHUTDOWN_DEADLINE, DeadLetter, DeadLetters, DeadReason, Down, Monitor,
    Probe, ProbeActor, Recipient, Registry, RegistryError, Router, ShutdownReport, System,
    SystemShutDown, WeakAddr,
};
pub use lifecycle::{
    Backoff, ChildError, ChildSpec, DEFAULT_MAX_RESTARTS, DEFAULT_RESTART_WINDOW, Restart, RouteBy,
    Strategy, Supervisor, SupervisorActor, SupervisorHandle, SupervisorMsg,
};
pub use runtime::actor::{Actor, Context, TimerId};
pub use runtime::addr::{ActorId, Addr};
pub use runtime::ask::{NoReply, ReplyTo};
pub use runtime::error::{AskError, Exit, SendError, SendTimeoutError, TrySendError};
pub use runtime::exit::ExitReason;
pub use runtime::handle::{ActorHandle, FnActor, Outcome, Spawned};
pub use runtime::inbox::Inbox;
pub use runtime::mailbox::Mailbox;
pub use runtime::spawn::{Builder, spawn, spawn_fn};
