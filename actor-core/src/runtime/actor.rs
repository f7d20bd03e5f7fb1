//! The handler-style `Actor` trait and the `Context` its handlers get.

use std::fmt;
use std::io;
use std::sync::Arc;
use std::time::Duration;

use crate::blocks::timer::{Timers, deliver_own};
use crate::executor::Place;
use crate::executor::foreign::{ForeignTimer, OwnTimer};
use crate::runtime::ask::NoReply;
use crate::runtime::mailbox::Reader;
use crate::runtime::run::Restarter;
use crate::runtime::unwind::catch;
use crate::{ActorHandle, ActorId, Addr, AskError, Builder, ExitReason, ReplyTo};

/// A handler-style actor: state plus a `handle` method called once per message, in order.
///
/// Start one with [`spawn`](crate::spawn) or [`Builder::spawn`](crate::Builder::spawn). The
/// runtime calls [`started`](Actor::started) first, then [`handle`](Actor::handle) for each
/// message, then [`stopped`](Actor::stopped) once with the [`ExitReason`], and hands the actor
/// back to whoever joins.
///
/// A panic in any of the three is caught: the actor ends with [`ExitReason::Panicked`] and the
/// messages still queued are handed back, other actors are unaffected. If `stopped` itself
/// panics, the reason becomes `Panicked`.
///
/// An actor must not block its handler on itself (for example `ask` its own address): nothing
/// else can handle that message while the handler waits.
///
/// # Examples
///
/// ```
/// use actor_core::{Actor, Context, ExitReason};
///
/// struct Printer {
///     seen: Vec<String>,
/// }
///
/// impl Actor for Printer {
///     type Msg = String;
///
///     fn handle(&mut self, msg: String, _ctx: &mut Context<Self>) {
///         self.seen.push(format!("Got: {msg}"));
///     }
/// }
///
/// let handle = actor_core::spawn(Printer { seen: Vec::new() });
/// let addr = handle.addr();
/// addr.send("Hello".to_string()).unwrap();
/// addr.send("World".to_string()).unwrap();
/// addr.close();
/// let outcome = handle.join();
/// assert_eq!(outcome.reason(), &ExitReason::Closed);
/// assert_eq!(outcome.into_state().seen, ["Got: Hello", "Got: World"]);
/// ```
pub trait Actor: Send + Sized + 'static {
    /// The messages this actor handles.
    type Msg: Send + 'static;

    /// Handles one message.
    fn handle(&mut self, msg: Self::Msg, ctx: &mut Context<Self>);

    /// Runs once before the first message. [`ActorHandle::wait_started`] returns after it.
    ///
    /// [`ActorHandle::wait_started`]: crate::ActorHandle::wait_started
    fn started(&mut self, ctx: &mut Context<Self>) {
        let _ = ctx;
    }

    /// Runs once after the last message, with the reason the actor ends.
    fn stopped(&mut self, reason: &ExitReason) {
        let _ = reason;
    }
}

/// What a handler can do besides changing its actor's state: learn its address, end the actor,
/// start other actors, ask them without waiting, and set timers.
///
/// A `Context` never blocks and never assumes the actor has a thread of its own: the same code
/// runs on a thread or on a [`Pool`](crate::Pool).
pub struct Context<A: Actor> {
    pub(crate) reader: Reader<A::Msg>,
    /// The actor's own timers; dropping them (with the context, when the actor ends) cancels
    /// them.
    timers: Vec<OwnTimer>,
    /// Set when a supervisor runs this actor: how a failed instance is replaced.
    pub(crate) restarter: Option<Box<dyn Restarter<A>>>,
}

/// Names a timer set with [`Context::send_after`] or [`Context::send_interval`], to cancel it
/// with [`Context::cancel_timer`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct TimerId(u64);

impl<A: Actor> Context<A> {
    pub(crate) fn new(reader: Reader<A::Msg>) -> Context<A> {
        Context {
            reader,
            timers: Vec::new(),
            restarter: None,
        }
    }

    /// Whether a supervisor runs this actor (a failure makes a new instance).
    pub(crate) fn is_supervised(&self) -> bool {
        self.restarter.is_some()
    }

    /// Cancels every timer of the current instance (a restart).
    pub(crate) fn cancel_all_timers(&mut self) {
        for timer in self.timers.drain(..) {
            timer.cancel();
        }
    }

    /// A new address of this actor. Holding it keeps the actor alive, like any [`Addr`].
    pub fn addr(&self) -> Addr<A::Msg> {
        Addr::new(self.reader.shared.clone())
    }

    /// Whether this actor runs on a [`Pool`](crate::Pool).
    pub fn is_pooled(&self) -> bool {
        self.reader.shared.pool().is_some()
    }

    /// A [`Builder`] that starts actors where this one runs: on the same pool, or on a thread of
    /// their own, and in the same [`System`](crate::System) if this actor belongs to one. Set a
    /// name or a mailbox on it, then `spawn`.
    pub fn builder(&self) -> Builder {
        Builder::new()
            .on(self.reader.shared.place().cloned())
            .system(crate::lifecycle::system::system_of(&self.reader.shared))
    }

    /// Starts `actor` where this one runs: a pooled actor's children share its pool, a thread
    /// actor's get threads of their own. Never blocks.
    ///
    /// # Errors
    ///
    /// As [`Builder::spawn`]: the OS refused a thread, or the pool is shutting down.
    ///
    /// # Examples
    ///
    /// ```
    /// use actor_core::{Actor, Context, Pool};
    ///
    /// struct Child;
    /// impl Actor for Child {
    ///     type Msg = ();
    ///     fn handle(&mut self, _: (), _ctx: &mut Context<Self>) {}
    /// }
    ///
    /// struct Parent(Vec<actor_core::ActorHandle<Child>>);
    /// impl Actor for Parent {
    ///     type Msg = ();
    ///     fn handle(&mut self, _: (), ctx: &mut Context<Self>) {
    ///         let child = ctx.spawn(Child).expect("pool is running");
    ///         assert_eq!(child.is_pooled(), ctx.is_pooled());
    ///         self.0.push(child);
    ///     }
    /// }
    ///
    /// let pool = Pool::builder().workers(2).build().unwrap();
    /// let parent = pool.spawn(Parent(Vec::new()));
    /// parent.addr().send(()).unwrap();
    /// let children = parent.join().into_state().0;
    /// assert!(children.iter().all(|child| child.is_pooled()));
    /// ```
    pub fn spawn<B: Actor>(&self, actor: B) -> io::Result<ActorHandle<B>> {
        self.builder().spawn(actor)
    }

    /// Ends the actor after the current handler returns, without handling queued messages; they
    /// are handed back to the joiner. The exit reason is [`ExitReason::Stopped`].
    pub fn stop(&mut self) {
        self.reader.shared.request_stop();
    }

    /// Closes the mailbox from inside: new sends fail, every message already accepted is still
    /// handled, then the actor ends with [`ExitReason::Closed`].
    ///
    /// ```
    /// use actor_core::{Actor, Context, ExitReason};
    ///
    /// struct UpTo(u32, Vec<u32>);
    /// impl Actor for UpTo {
    ///     type Msg = u32;
    ///     fn handle(&mut self, n: u32, ctx: &mut Context<Self>) {
    ///         self.1.push(n);
    ///         if n == self.0 {
    ///             ctx.close();
    ///         }
    ///     }
    /// }
    ///
    /// let handle = actor_core::spawn(UpTo(2, Vec::new()));
    /// let addr = handle.addr();
    /// addr.send(1).unwrap();
    /// addr.send(2).unwrap();
    /// let outcome = handle.join();
    /// assert_eq!(outcome.reason(), &ExitReason::Closed);
    /// assert_eq!(outcome.into_state().1, [1, 2]);
    /// assert_eq!(addr.send(3).unwrap_err().into_inner(), 3);
    /// ```
    pub fn close(&mut self) {
        self.reader.seal();
    }

    /// Asks `target` without waiting: sends the request `make` builds around a [`ReplyTo`] port
    /// and returns at once. The outcome comes back later as a message of this actor's own type,
    /// made by `on_reply`: `Ok(reply)`, or `Err(NoReply::Stopped)` as soon as the target ends or
    /// drops the port without replying. This is how a pooled actor waits for another one (on a
    /// pool, [`Addr::ask`] is refused).
    ///
    /// The pending request holds an address of this actor, so it stays alive until the answer
    /// has been delivered. The answer message is delivered even to a full bounded mailbox (it
    /// answers a request the actor made), so the replier never waits for room. If `on_reply`
    /// panics, the panic is caught and the answer is lost.
    ///
    /// # Errors
    ///
    /// Without sending anything: [`AskError::Closed`] with the request if `target` no longer
    /// accepts messages, [`AskError::Full`] with it if `target`'s bounded mailbox is full (this
    /// never waits for room). No message comes back for a request that was not sent.
    ///
    /// # Examples
    ///
    /// ```
    /// use actor_core::{Actor, Addr, Context, NoReply, Pool, ReplyTo};
    ///
    /// struct Doubler;
    /// impl Actor for Doubler {
    ///     type Msg = (u64, ReplyTo<u64>);
    ///     fn handle(&mut self, (n, port): Self::Msg, _ctx: &mut Context<Self>) {
    ///         let _ = port.reply(n * 2);
    ///     }
    /// }
    ///
    /// enum Msg {
    ///     Start(Addr<(u64, ReplyTo<u64>)>),
    ///     Doubled(Result<u64, NoReply>),
    /// }
    ///
    /// struct Asker(Option<u64>);
    /// impl Actor for Asker {
    ///     type Msg = Msg;
    ///     fn handle(&mut self, msg: Msg, ctx: &mut Context<Self>) {
    ///         match msg {
    ///             Msg::Start(doubler) => {
    ///                 let asked = ctx.ask(&doubler, |port| (21, port), Msg::Doubled);
    ///                 assert!(asked.is_ok());
    ///             }
    ///             Msg::Doubled(answer) => {
    ///                 self.0 = answer.ok();
    ///                 ctx.close();
    ///             }
    ///         }
    ///     }
    /// }
    ///
    /// let pool = Pool::builder().workers(2).build().unwrap();
    /// let doubler = pool.spawn(Doubler);
    /// let asker = pool.spawn(Asker(None));
    /// asker.addr().send(Msg::Start(doubler.addr())).unwrap();
    /// assert_eq!(asker.join().into_state().0, Some(42));
    /// ```
    pub fn ask<M, R, F>(
        &mut self,
        target: &Addr<M>,
        make: impl FnOnce(ReplyTo<R>) -> M,
        on_reply: F,
    ) -> Result<(), AskError<M>>
    where
        M: Send + 'static,
        R: Send + 'static,
        F: FnOnce(Result<R, NoReply>) -> A::Msg + Send + 'static,
    {
        self.ask_within(target, make, None, on_reply)
    }

    /// Like [`ask`](Context::ask), with a deadline: if no reply has come `timeout` from now,
    /// `on_reply` gets `Err(NoReply::Timeout)` (a reply after that is handed back to the replier
    /// by [`ReplyTo::reply`]). The deadline runs on the process-wide [`Timers`] service (on a
    /// foreign [`Executor`](crate::exec::Executor), on that executor's clock).
    ///
    /// # Errors
    ///
    /// As [`ask`](Context::ask).
    pub fn ask_timeout<M, R, F>(
        &mut self,
        target: &Addr<M>,
        make: impl FnOnce(ReplyTo<R>) -> M,
        timeout: Duration,
        on_reply: F,
    ) -> Result<(), AskError<M>>
    where
        M: Send + 'static,
        R: Send + 'static,
        F: FnOnce(Result<R, NoReply>) -> A::Msg + Send + 'static,
    {
        self.ask_within(target, make, Some(timeout), on_reply)
    }

    fn ask_within<M, R, F>(
        &mut self,
        target: &Addr<M>,
        make: impl FnOnce(ReplyTo<R>) -> M,
        timeout: Option<Duration>,
        on_reply: F,
    ) -> Result<(), AskError<M>>
    where
        M: Send + 'static,
        R: Send + 'static,
        F: FnOnce(Result<R, NoReply>) -> A::Msg + Send + 'static,
    {
        let me = self.addr();
        let callback = Box::new(move |answer| {
            // A panic in `on_reply` is caught; the answer is lost with it (nobody to hand it to).
            if let Ok(msg) = catch(|| on_reply(answer)) {
                let _ = me.shared().send_answer(msg);
            }
        });
        let foreign = self.reader.shared.place().and_then(Place::foreign);
        target.ask_call(make, timeout, foreign, callback)
    }

    /// Sends `msg` to this actor once, `delay` from now. The timer belongs to the actor: it does
    /// not keep the actor alive, and it is cancelled when the actor ends (or by
    /// [`cancel_timer`](Context::cancel_timer)). It runs on the process-wide [`Timers`] service (on a
    /// foreign [`Executor`](crate::exec::Executor), on that executor's clock),
    /// which never blocks on a mailbox: if a bounded mailbox is full at the deadline, the message
    /// goes to the dead letters ([`DeadLetters`](crate::DeadLetters)).
    ///
    /// ```
    /// use actor_core::{Actor, Context};
    /// use std::time::Duration;
    ///
    /// enum Msg {
    ///     Start,
    ///     Wake,
    /// }
    ///
    /// struct Sleeper(bool);
    /// impl Actor for Sleeper {
    ///     type Msg = Msg;
    ///     fn handle(&mut self, msg: Msg, ctx: &mut Context<Self>) {
    ///         match msg {
    ///             Msg::Start => {
    ///                 ctx.send_after(Duration::from_millis(5), Msg::Wake);
    ///             }
    ///             Msg::Wake => {
    ///                 self.0 = true;
    ///                 ctx.close();
    ///             }
    ///         }
    ///     }
    /// }
    ///
    /// let handle = actor_core::Pool::global().spawn(Sleeper(false));
    /// let addr = handle.addr(); // the timer alone would not keep the actor alive
    /// addr.send(Msg::Start).unwrap();
    /// assert!(handle.join().into_state().0);
    /// ```
    pub fn send_after(&mut self, delay: Duration, msg: A::Msg) -> TimerId {
        let link = self.reader.shared.clone();
        let timer = match link.place().and_then(Place::foreign) {
            Some(executor) => {
                let executor = Arc::clone(executor);
                let mut msg = Some(msg);
                let fire = move || {
                    if let Some(msg) = msg.take() {
                        deliver_own(&link, msg);
                    }
                    false
                };
                OwnTimer::Foreign(ForeignTimer::set(&executor, delay, None, Box::new(fire)))
            }
            None => OwnTimer::Real(Timers::global().link_after(link, delay, msg)),
        };
        self.keep_timer(timer)
    }

    /// Sends `make_msg()` to this actor every `period`, the first one `period` from now, until
    /// the actor ends or [`cancel_timer`](Context::cancel_timer) is called. Like
    /// [`send_after`](Context::send_after) it does not keep the actor alive; a tick that finds a
    /// full bounded mailbox is skipped (its message goes to the dead letters).
    ///
    /// # Panics
    ///
    /// If `period` is zero.
    pub fn send_interval<F>(&mut self, period: Duration, make_msg: F) -> TimerId
    where
        F: FnMut() -> A::Msg + Send + 'static,
    {
        assert!(!period.is_zero(), "send_interval needs a non-zero period");
        let link = self.reader.shared.clone();
        let timer = match link.place().and_then(Place::foreign) {
            Some(executor) => {
                let executor = Arc::clone(executor);
                let mut make_msg = make_msg;
                let fire = move || deliver_own(&link, make_msg());
                let timer = ForeignTimer::set(&executor, period, Some(period), Box::new(fire));
                OwnTimer::Foreign(timer)
            }
            None => OwnTimer::Real(Timers::global().link_interval(link, period, make_msg)),
        };
        self.keep_timer(timer)
    }

    /// Cancels a timer of this actor. Returns `true` if it was still pending (or, for an
    /// interval, running); `false` if it had fired, ended or been cancelled.
    pub fn cancel_timer(&mut self, id: TimerId) -> bool {
        match self.timers.iter().position(|timer| timer.id() == id.0) {
            Some(at) => self.timers.swap_remove(at).cancel(),
            None => false,
        }
    }

    fn keep_timer(&mut self, timer: OwnTimer) -> TimerId {
        // Fired one-shot timers stay in the list until a sweep; sweep when it doubles.
        if self.timers.len() >= 8 && self.timers.len().is_power_of_two() {
            self.timers.retain(|timer| !timer.is_finished());
        }
        let id = TimerId(timer.id());
        self.timers.push(timer);
        id
    }

    /// This actor's id.
    pub fn id(&self) -> ActorId {
        self.reader.shared.id
    }

    /// This actor's name.
    pub fn name(&self) -> &str {
        self.reader.shared.name()
    }
}

impl<A: Actor> fmt::Debug for Context<A> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Context")
            .field("id", &self.reader.shared.id)
            .field("name", &self.reader.shared.name())
            .finish_non_exhaustive()
    }
}
