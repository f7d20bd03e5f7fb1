//! `Scheduler`: the single-thread executor of tasks and dispatcher of actor messages.
//!
//! Ownership, and why no borrow can fail at run time: the scheduler alone owns the slots (handlers
//! and futures) and runs them through `&mut self`. Everything user code can hold (an [`Addr`], a
//! [`Handle`], a [`Ctx`], an [`Inbox`]) reaches only the shared [`Core`] and the mailboxes, whose
//! `RefCell`s are borrowed for one push or pop and released before any user code runs. So a handler
//! may send anywhere, itself included, while it is being dispatched.

use std::borrow::Cow;
use std::fmt;
use std::future::Future;
use std::panic::{AssertUnwindSafe, catch_unwind, resume_unwind};
use std::rc::Rc;
use std::sync::Arc;
use std::time::Duration;

use actor_core::exec::{Executor, Turn, TurnEnd};

use crate::addr::Addr;
use crate::ctx::Ctx;
use crate::error::{NameTaken, SchedError};
use crate::handle::Handle;
use crate::handler::{Flow, Handler};
use crate::host::{Doorway, Parked};
use crate::inbox::Inbox;
use crate::mailbox::Mailbox;
use crate::poll::poll_once;
use crate::registry::Core;
use crate::report::{Report, Step};
use crate::runq::{Batch, Entry, GEN_MASK, Rng, RunQueue, key, unkey};
use crate::slot::{AsyncActor, HandlerActor, Polled, Slot};

/// A deterministic cooperative scheduler of tasks and actors on the current thread.
///
/// Everything it does goes through one FIFO run queue: a task's turn, an async actor's start, and
/// every message sent. [`run`](Scheduler::run) works through the queue until it is empty;
/// [`step`](Scheduler::step) and [`run_for`](Scheduler::run_for) do it one entry at a time. The
/// same program therefore does the same things in the same order on every run.
///
/// The scheduler is `!Send` (it and its handles share `Rc`s): it lives and runs on one thread.
/// Dropping it drops every task and actor still alive; from then on sends through a leftover
/// [`Addr`] fail with [`SchedError::Finished`] and through a [`Handle`] with
/// [`SchedError::UnknownActor`], handing the message back, and messages that were still queued
/// can be taken back with [`Addr::take_undelivered`].
///
/// # Examples
///
/// ```
/// use actor_sched::{Flow, Scheduler, yield_now};
/// use std::{cell::RefCell, rc::Rc};
///
/// let mut sched = Scheduler::new();
/// let log = Rc::new(RefCell::new(Vec::new()));
///
/// let l = log.clone();
/// sched.spawn_actor("echo", move |s: &'static str, _| { l.borrow_mut().push(s); Flow::Continue }).unwrap();
/// let (l, h) = (log.clone(), sched.handle());
/// sched.spawn(async move {
///     l.borrow_mut().push("task starts");
///     h.send("echo", "from the task").unwrap();
///     yield_now().await;
///     l.borrow_mut().push("task ends");
/// });
///
/// let report = sched.run();
/// assert_eq!(*log.borrow(), ["task starts", "from the task", "task ends"]);
/// assert_eq!((report.delivered(), report.tasks_finished()), (1, 1));
/// ```
///
/// The scheduler cannot leave its thread:
///
/// ```compile_fail
/// fn assert_send<T: Send>() {}
/// assert_send::<actor_sched::Scheduler>();
/// ```
pub struct Scheduler {
    core: Rc<Core>,
    runq: Rc<RunQueue>,
    batch: Batch,
    slots: Vec<Slot>,
    /// Each slot's generation: bumped when the slot is freed, so stale entries are skipped.
    generations: Vec<usize>,
    /// Freed slots, reused before new ones are made: a program that keeps spawning and ending
    /// actors stays within the slots it had alive at once.
    free: Vec<usize>,
    /// Slots whose actor or task ended during the current entry, freed right after it.
    ended: Vec<usize>,
    totals: Report,
    /// Where `actor_core` mailboxes hand over turns, and the virtual clock.
    doorway: Arc<Doorway>,
    /// Turns waiting in the run queue.
    parked: Parked,
    /// Scratch space for turns taken from the doorway.
    incoming: Vec<Turn>,
    /// With a seed, the next entry is drawn from the queued ones; without, FIFO.
    rng: Option<Rng>,
    seed: Option<u64>,
}

impl Scheduler {
    /// An empty scheduler.
    pub fn new() -> Scheduler {
        let core = Rc::new(Core::new());
        let runq = core.runq.clone();
        Scheduler {
            core,
            runq,
            batch: Batch::default(),
            slots: Vec::new(),
            generations: Vec::new(),
            free: Vec::new(),
            ended: Vec::new(),
            totals: Report::default(),
            doorway: Arc::new(Doorway::new()),
            parked: Parked::default(),
            incoming: Vec::new(),
            rng: None,
            seed: None,
        }
    }

    /// A scheduler whose order is drawn from `seed`: at each step the next entry (a message
    /// dispatch, a task's poll, an actor's turn) is chosen among all queued ones by a small PRNG.
    /// Each actor still handles its messages in the order they were sent; what changes is the
    /// interleaving between actors. The same seed gives the same order on every run, so a test
    /// can explore many interleavings ([`check_seeds`](crate::check_seeds)) and replay a failing
    /// one exactly.
    ///
    /// ```
    /// use actor_sched::Scheduler;
    /// use std::{cell::RefCell, rc::Rc};
    ///
    /// fn order(seed: u64) -> Vec<u32> {
    ///     let log = Rc::new(RefCell::new(Vec::new()));
    ///     let mut sched = Scheduler::with_seed(seed);
    ///     for n in 0..5 {
    ///         let log = log.clone();
    ///         sched.spawn(async move { log.borrow_mut().push(n) });
    ///     }
    ///     sched.run();
    ///     let order = log.borrow().clone();
    ///     order
    /// }
    /// assert_eq!(order(7), order(7));
    /// assert!((0..20).any(|seed| order(seed) != order(7)));
    /// ```
    pub fn with_seed(seed: u64) -> Scheduler {
        let mut sched = Scheduler::new();
        sched.rng = Some(Rng::new(seed));
        sched.seed = Some(seed);
        sched
    }

    /// The seed, if the order is seeded.
    pub fn seed(&self) -> Option<u64> {
        self.seed
    }

    /// A [`Builder`](actor_core::Builder) that starts `actor_core::Actor`s on this scheduler; set
    /// a name or a mailbox on it, then `spawn`.
    pub fn builder(&self) -> actor_core::Builder {
        let executor: Arc<dyn Executor> = self.doorway.clone();
        actor_core::Builder::new().executor(executor)
    }

    /// Starts an `actor_core::Actor` on this scheduler: the same actor that runs on a thread or a
    /// pool, unchanged. Its `Context` works as there (its address, `stop`, `close`, spawning
    /// children, which run here too, `ask` with the answer as a message, timers on the virtual
    /// clock), and its [`Addr`](actor_core::Addr) reaches it from inside and outside the run, also
    /// from other threads. Its `started` hook runs at its first turn.
    ///
    /// Inside the run nothing may wait for another actor of the scheduler (this thread is the
    /// only one that runs them): `Addr::ask` is refused with `AskError::WouldBlock`, and a send to
    /// a full bounded mailbox queues beyond the capacity. Join an actor with
    /// [`join`](Scheduler::join), which runs the scheduler until the actor has ended.
    ///
    /// ```
    /// use actor_core::{Actor, Context};
    /// use actor_sched::Scheduler;
    ///
    /// struct Counter(u64);
    /// impl Actor for Counter {
    ///     type Msg = u64;
    ///     fn handle(&mut self, n: u64, _ctx: &mut Context<Self>) {
    ///         self.0 += n;
    ///     }
    /// }
    ///
    /// let mut sched = Scheduler::new();
    /// let counter = sched.start(Counter(0));
    /// for n in 1..=10 {
    ///     counter.addr().send(n).unwrap();
    /// }
    /// let outcome = sched.join(counter).unwrap();
    /// assert_eq!(outcome.into_state().0, 55);
    /// ```
    pub fn start<A: actor_core::Actor>(&mut self, actor: A) -> actor_core::ActorHandle<A> {
        self.builder()
            .spawn(actor)
            .expect("a spawn on the scheduler does not fail")
    }

    /// Joins an actor of this scheduler: gives up the handle's address, runs the scheduler until
    /// the actor has ended (firing timers on the virtual clock as needed), and returns its
    /// outcome. If the scheduler runs out of work first, the actor is still waiting for messages
    /// someone else holds an address for: the handle comes back in `Err`.
    ///
    /// # Errors
    ///
    /// The handle, if the actor had not ended when nothing was left to run.
    #[allow(clippy::result_large_err)]
    pub fn join<A: actor_core::Spawned>(
        &mut self,
        handle: actor_core::ActorHandle<A>,
    ) -> Result<actor_core::Outcome<A>, actor_core::ActorHandle<A>> {
        // A zero timeout gives up the handle's own address without waiting.
        let handle = match handle.join_timeout(Duration::ZERO) {
            Ok(outcome) => return Ok(outcome),
            Err(handle) => handle,
        };
        while !handle.is_finished() {
            if self.step().is_idle() {
                break;
            }
        }
        handle.join_timeout(Duration::ZERO)
    }

    /// The virtual time: how far the clock has moved since the scheduler was made. It moves only
    /// when nothing else can run: then it jumps to the next timer's deadline.
    pub fn now(&self) -> Duration {
        self.doorway.now()
    }

    /// Runs until nothing is left to do before virtual time `until`: timers due by then fire,
    /// later ones wait; then the clock reads `until` (if it was earlier). Reports what this call
    /// did.
    ///
    /// ```
    /// use actor_core::{Actor, Context};
    /// use actor_sched::Scheduler;
    /// use std::time::Duration;
    ///
    /// struct Ticker(u32);
    /// impl Actor for Ticker {
    ///     type Msg = ();
    ///     fn started(&mut self, ctx: &mut Context<Self>) {
    ///         ctx.send_interval(Duration::from_secs(1), || ());
    ///     }
    ///     fn handle(&mut self, _: (), _ctx: &mut Context<Self>) {
    ///         self.0 += 1;
    ///     }
    /// }
    ///
    /// let mut sched = Scheduler::new();
    /// let ticker = sched.start(Ticker(0));
    /// sched.run_until(Duration::from_secs(30)); // thirty virtual seconds, in microseconds
    /// assert_eq!(sched.now(), Duration::from_secs(30));
    /// ticker.stop();
    /// assert_eq!(sched.join(ticker).unwrap().into_state().0, 30);
    /// ```
    pub fn run_until(&mut self, until: Duration) -> Report {
        let before = self.totals;
        loop {
            while let Some(step) = self.next_step() {
                let _ = step;
            }
            if !self.fire_timer(Some(until)) {
                break;
            }
        }
        self.doorway.advance_to(until);
        self.totals.since(&before)
    }

    /// Runs for `span` of virtual time from now (see [`run_until`](Scheduler::run_until)).
    pub fn run_for_time(&mut self, span: Duration) -> Report {
        let until = self.now().saturating_add(span);
        self.run_until(until)
    }

    /// Runs the scheduler until `probe` has a message, firing timers on the virtual clock up to
    /// `timeout` from now, and returns the message: the deterministic counterpart of
    /// [`Probe::expect_msg`](actor_core::Probe::expect_msg). Start the probe here
    /// (`Probe::spawn(sched.builder())`) to keep its order deterministic.
    ///
    /// # Panics
    ///
    /// If no message has arrived when nothing is left to run before the deadline: that is the
    /// assertion failing.
    ///
    /// ```
    /// use actor_core::{Actor, Context, Probe};
    /// use actor_sched::Scheduler;
    /// use std::time::Duration;
    ///
    /// struct Reminder(actor_core::Addr<&'static str>);
    /// impl Actor for Reminder {
    ///     type Msg = &'static str;
    ///     fn handle(&mut self, note: &'static str, ctx: &mut Context<Self>) {
    ///         if note == "later" {
    ///             ctx.send_after(Duration::from_secs(3600), "now"); // an hour, virtually
    ///         } else {
    ///             self.0.send(note).unwrap();
    ///         }
    ///     }
    /// }
    ///
    /// let mut sched = Scheduler::new();
    /// let probe = Probe::spawn(sched.builder()).unwrap();
    /// let reminder = sched.start(Reminder(probe.addr()));
    /// reminder.addr().send("later").unwrap();
    /// sched.expect_no_msg(&probe, Duration::from_secs(3599));
    /// assert_eq!(sched.expect_msg(&probe, Duration::from_secs(1)), "now");
    /// assert_eq!(sched.now(), Duration::from_secs(3600));
    /// ```
    #[track_caller]
    pub fn expect_msg<M: Send + 'static>(
        &mut self,
        probe: &actor_core::Probe<M>,
        timeout: Duration,
    ) -> M {
        let deadline = self.now().saturating_add(timeout);
        match self.run_until_message(probe, deadline) {
            Some(msg) => msg,
            None => panic!(
                "probe: expected a message of type {} within {timeout:?} of virtual time, none came",
                std::any::type_name::<M>()
            ),
        }
    }

    /// Runs the scheduler for `within` of virtual time and asserts that `probe` got nothing.
    ///
    /// # Panics
    ///
    /// If a message arrived.
    #[track_caller]
    pub fn expect_no_msg<M: Send + 'static>(
        &mut self,
        probe: &actor_core::Probe<M>,
        within: Duration,
    ) {
        let deadline = self.now().saturating_add(within);
        if self.run_until_message(probe, deadline).is_some() {
            panic!(
                "probe: expected no message within {within:?} of virtual time, got one of type {}",
                std::any::type_name::<M>()
            );
        }
        self.doorway.advance_to(deadline);
    }

    /// Runs the scheduler until `probe` has `n` messages (or the virtual deadline passes) and
    /// returns them.
    ///
    /// # Panics
    ///
    /// If fewer than `n` arrived.
    #[track_caller]
    pub fn receive<M: Send + 'static>(
        &mut self,
        probe: &actor_core::Probe<M>,
        n: usize,
        timeout: Duration,
    ) -> Vec<M> {
        let deadline = self.now().saturating_add(timeout);
        let mut got = Vec::with_capacity(n);
        while got.len() < n {
            match self.run_until_message(probe, deadline) {
                Some(msg) => got.push(msg),
                None => panic!(
                    "probe: expected {n} messages within {timeout:?} of virtual time, got {}",
                    got.len()
                ),
            }
        }
        got
    }

    /// Steps (and fires timers due by `deadline`) until `probe` holds a message.
    fn run_until_message<M: Send + 'static>(
        &mut self,
        probe: &actor_core::Probe<M>,
        deadline: Duration,
    ) -> Option<M> {
        loop {
            if let Some(msg) = probe.try_recv() {
                return Some(msg);
            }
            if self.next_step().is_none() && !self.fire_timer(Some(deadline)) {
                return probe.try_recv();
            }
        }
    }

    /// Fires the next timer if one is due by `limit`.
    fn fire_timer(&mut self, limit: Option<Duration>) -> bool {
        let _inside = actor_core::exec::enter();
        let fired = self.doorway.fire_next(limit);
        if fired {
            self.totals.timers_fired += 1;
        }
        fired
    }

    /// Moves the turns handed over since the last look into the run queue.
    #[inline]
    fn admit_turns(&mut self) {
        if !self.doorway.has_turns() {
            return;
        }
        self.doorway.take_turns(&mut self.incoming);
        for turn in self.incoming.drain(..) {
            let at = self.parked.park(turn);
            self.runq.push(Entry::Turn(at));
        }
    }

    /// One entry, if any is queued (no timers).
    fn next_step(&mut self) -> Option<Step> {
        loop {
            self.admit_turns();
            let entry = match &mut self.rng {
                Some(rng) => self.batch.pop_seeded(&self.runq, rng),
                None => self.batch.pop(&self.runq),
            }?;
            if let Some(step) = self.process(entry) {
                return Some(step);
            }
        }
    }

    /// Queues a generator-style task: an `async` block or `async fn` call that suspends with
    /// [`yield_now`](crate::yield_now)`().await`. It runs one step per turn, in FIFO round-robin
    /// with the other tasks, from the next [`run`](Scheduler::run) on.
    ///
    /// # Examples
    ///
    /// ```
    /// use actor_sched::{Scheduler, yield_now};
    /// use std::{cell::RefCell, rc::Rc};
    ///
    /// async fn countdown(mut n: u32, out: Rc<RefCell<Vec<String>>>) {
    ///     while n > 0 {
    ///         out.borrow_mut().push(format!("T-minus {n}"));
    ///         yield_now().await;
    ///         n -= 1;
    ///     }
    ///     out.borrow_mut().push("Blastoff!".into());
    /// }
    ///
    /// let out = Rc::new(RefCell::new(Vec::new()));
    /// let mut sched = Scheduler::new();
    /// sched.spawn(countdown(2, out.clone()));
    /// sched.spawn(countdown(1, out.clone()));
    /// sched.run();
    /// assert_eq!(*out.borrow(), ["T-minus 2", "T-minus 1", "T-minus 1", "Blastoff!", "Blastoff!"]);
    /// ```
    pub fn spawn<F>(&mut self, task: F)
    where
        F: Future<Output = ()> + 'static,
    {
        let key = take_slot(&mut self.slots, &mut self.generations, &mut self.free);
        let (index, _) = unkey(key);
        self.slots[index] = Slot::Task(Box::pin(task));
        self.runq.push(Entry::Poll(key));
    }

    /// Registers a handler-style actor under `name`: a closure called once per message of type
    /// `M`, the fast path. Returns its typed address.
    ///
    /// # Errors
    ///
    /// [`NameTaken`], holding `handler`, if an actor already has this name.
    ///
    /// # Examples
    ///
    /// ```
    /// use actor_sched::{Flow, Scheduler};
    ///
    /// let mut sched = Scheduler::new();
    /// let mut seen = 0;
    /// let addr = sched.spawn_actor("count", move |_: (), _| { seen += 1; Flow::Continue }).unwrap();
    /// addr.send(()).unwrap();
    /// sched.send("count", ()).unwrap();
    /// assert_eq!(sched.run().delivered(), 2);
    /// ```
    pub fn spawn_actor<M, F>(
        &mut self,
        name: impl Into<Cow<'static, str>>,
        handler: F,
    ) -> Result<Addr<M>, NameTaken<F>>
    where
        M: 'static,
        F: FnMut(M, &mut Ctx<'_, M>) -> Flow + 'static,
    {
        self.spawn_handler(name, handler)
    }

    /// Registers an actor under `name` whose handler is any [`Handler`] (for example a struct).
    ///
    /// # Errors
    ///
    /// [`NameTaken`], holding `handler`, if an actor already has this name.
    ///
    /// # Examples
    ///
    /// See [`Handler`].
    pub fn spawn_handler<M, H>(
        &mut self,
        name: impl Into<Cow<'static, str>>,
        handler: H,
    ) -> Result<Addr<M>, NameTaken<H>>
    where
        M: 'static,
        H: Handler<M> + 'static,
    {
        let (slots, generations, free, runq) = (
            &mut self.slots,
            &mut self.generations,
            &mut self.free,
            &self.runq,
        );
        let created = self.core.insert_if_vacant(name.into(), handler, |handler| {
            add_handler(slots, generations, free, runq, handler)
                .mailbox()
                .clone()
        });
        created.map(Addr::from_mailbox)
    }

    /// Spawns a handler-style actor without a name, reachable only through the returned address.
    /// The cheapest actor to spawn.
    ///
    /// # Examples
    ///
    /// ```
    /// use actor_sched::{Flow, Scheduler};
    ///
    /// let mut sched = Scheduler::new();
    /// let addrs: Vec<_> = (0..1000).map(|_| sched.spawn_unnamed(|_: u8, _| Flow::Stop)).collect();
    /// for addr in &addrs {
    ///     addr.send(0).unwrap();
    /// }
    /// assert_eq!(sched.run().actors_finished(), 1000);
    /// ```
    pub fn spawn_unnamed<M, F>(&mut self, handler: F) -> Addr<M>
    where
        M: 'static,
        F: FnMut(M, &mut Ctx<'_, M>) -> Flow + 'static,
    {
        add_handler(
            &mut self.slots,
            &mut self.generations,
            &mut self.free,
            &self.runq,
            handler,
        )
    }

    /// Registers an async actor under `name`: `actor` is called at once with the actor's
    /// [`Inbox`] and returns the future to run, typically a loop over
    /// `inbox.recv().await` (the recipe's `msg = yield`). Like the recipe's `new_actor`, the actor
    /// is started by a queued turn, so it runs up to its first `recv` before the messages sent
    /// after this call are dispatched. It finishes when its future returns.
    ///
    /// # Errors
    ///
    /// [`NameTaken`], holding `actor` (not yet called), if an actor already has this name.
    ///
    /// # Examples
    ///
    /// ```
    /// use actor_sched::{Inbox, Scheduler};
    /// use std::{cell::Cell, rc::Rc};
    ///
    /// let mut sched = Scheduler::new();
    /// let total = Rc::new(Cell::new(0));
    /// let t = total.clone();
    /// sched.spawn_async_actor("adder", move |mut inbox: Inbox<i64>| async move {
    ///     loop {
    ///         t.set(t.get() + inbox.recv().await);
    ///     }
    /// }).unwrap();
    /// for n in [5_i64, -2, 10] {
    ///     sched.send("adder", n).unwrap();
    /// }
    /// let report = sched.run();
    /// assert_eq!(total.get(), 13);
    /// assert_eq!(report.actors_finished(), 0); // parked in `recv`, not finished
    /// ```
    pub fn spawn_async_actor<M, F, Fut>(
        &mut self,
        name: impl Into<Cow<'static, str>>,
        actor: F,
    ) -> Result<Addr<M>, NameTaken<F>>
    where
        M: 'static,
        F: FnOnce(Inbox<M>) -> Fut,
        Fut: Future<Output = ()> + 'static,
    {
        let name = name.into();
        if self.core.is_taken(&name) {
            return Err(NameTaken::new(&name, actor));
        }
        let addr = self.spawn_async_unnamed(actor);
        self.core.register(name, addr.mailbox());
        Ok(addr)
    }

    /// Spawns an async actor without a name, reachable only through the returned address (and the
    /// address its [`Inbox::addr`] gives). Otherwise as
    /// [`spawn_async_actor`](Scheduler::spawn_async_actor).
    ///
    /// # Examples
    ///
    /// ```
    /// use actor_sched::{Inbox, Scheduler};
    ///
    /// let mut sched = Scheduler::new();
    /// let first = sched.spawn_async_unnamed(|mut inbox: Inbox<char>| async move {
    ///     let c = inbox.recv().await;
    ///     assert_eq!(c, 'a');
    /// });
    /// first.send('a').unwrap();
    /// first.send('b').unwrap();
    /// let report = sched.run();
    /// assert_eq!(report.actors_finished(), 1);
    /// assert_eq!(first.take_undelivered(), ['b']);
    /// ```
    pub fn spawn_async_unnamed<M, F, Fut>(&mut self, actor: F) -> Addr<M>
    where
        M: 'static,
        F: FnOnce(Inbox<M>) -> Fut,
        Fut: Future<Output = ()> + 'static,
    {
        // The slot is taken before the constructor runs: if the constructor panics, the slot is
        // freed with a new generation, so no later actor inherits the run-queue entries of its
        // sends.
        let key = take_slot(&mut self.slots, &mut self.generations, &mut self.free);
        let (index, _) = unkey(key);
        let mailbox = Rc::new(Mailbox::new(key, self.runq.clone()));
        // User code: it may send (even to this actor, whose entries then wait for its slot), but
        // it cannot reach the scheduler, so `id` stays this actor's slot.
        let made = catch_unwind(AssertUnwindSafe(|| actor(Inbox::new(mailbox.clone()))));
        let future = match made {
            Ok(future) => future,
            Err(panic) => {
                // Ended before it began: later sends are refused, what it sent itself is kept
                // as undelivered.
                self.totals.undelivered += mailbox.finish() as u64;
                self.totals.actors_finished += 1;
                free_slot(index, &mut self.generations, &mut self.free);
                resume_unwind(panic)
            }
        };
        self.slots[index] = Slot::AsyncActor(Box::new(AsyncActor::new(mailbox.clone(), future)));
        self.runq.push(Entry::Poll(key));
        Addr::from_mailbox(mailbox)
    }

    /// Sends `msg` to the actor named `name`, behind every entry already queued.
    ///
    /// # Errors
    ///
    /// [`SchedError::UnknownActor`] if no actor has that name, [`SchedError::WrongType`] if it
    /// receives another type, [`SchedError::Finished`] if it has finished. Each holds `msg`.
    ///
    /// # Examples
    ///
    /// ```
    /// use actor_sched::{Flow, Scheduler};
    ///
    /// let mut sched = Scheduler::new();
    /// sched.spawn_actor("printer", |_: String, _| Flow::Continue).unwrap();
    /// assert!(sched.send("printer", "hi".to_string()).is_ok());
    /// let err = sched.send("printer", 7_u32).unwrap_err();
    /// assert!(err.is_wrong_type());
    /// assert_eq!(err.into_inner(), 7);
    /// ```
    pub fn send<M: 'static>(&self, name: &str, msg: M) -> Result<(), SchedError<M>> {
        self.core.send(name, msg)
    }

    /// The typed address of the actor named `name`.
    ///
    /// # Errors
    ///
    /// [`SchedError::UnknownActor`] or [`SchedError::WrongType`].
    ///
    /// # Examples
    ///
    /// ```
    /// use actor_sched::{Flow, Scheduler};
    ///
    /// let mut sched = Scheduler::new();
    /// let printer = sched.spawn_actor("printer", |_: String, _| Flow::Continue).unwrap();
    /// assert_eq!(sched.addr::<String>("printer").unwrap(), printer);
    /// assert!(sched.addr::<u32>("printer").unwrap_err().is_wrong_type());
    /// ```
    pub fn addr<M: 'static>(&self, name: &str) -> Result<Addr<M>, SchedError<()>> {
        self.core.addr(name)
    }

    /// A handle for sending to this scheduler's named actors from tasks and async actors.
    pub fn handle(&self) -> Handle {
        Handle::new(self.core.clone())
    }

    /// Takes the messages left queued for the finished actor named `name`
    /// (see [`Addr::take_undelivered`]).
    ///
    /// # Errors
    ///
    /// [`SchedError::UnknownActor`] or [`SchedError::WrongType`].
    pub fn take_undelivered<M: 'static>(&self, name: &str) -> Result<Vec<M>, SchedError<()>> {
        self.core
            .addr::<M>(name)
            .map(|addr| addr.take_undelivered())
    }

    /// Does the next thing queued: dispatches one message or polls one task once.
    /// Returns [`Step::Idle`] when nothing is queued.
    ///
    /// # Panics
    ///
    /// Only if the handler or task it runs panics; see [`run`](Scheduler::run).
    ///
    /// # Examples
    ///
    /// ```
    /// use actor_sched::{Flow, Scheduler, Step};
    ///
    /// let mut sched = Scheduler::new();
    /// let addr = sched.spawn_unnamed(|_: u8, _| Flow::Continue);
    /// sched.spawn(async {});
    /// addr.send(1).unwrap();
    /// assert_eq!(sched.step(), Step::Polled); // the task, queued first
    /// assert_eq!(sched.step(), Step::Delivered);
    /// assert_eq!(sched.step(), Step::Idle);
    /// ```
    pub fn step(&mut self) -> Step {
        loop {
            if let Some(step) = self.next_step() {
                return step;
            }
            // Nothing can run: the clock jumps to the next timer, whose message queues work.
            if !self.fire_timer(None) {
                return Step::Idle;
            }
        }
    }

    /// Does at most `steps` [`step`](Scheduler::step)s, stopping early when idle, and reports them.
    ///
    /// # Panics
    ///
    /// Only if a handler or task panics; see [`run`](Scheduler::run).
    ///
    /// # Examples
    ///
    /// ```
    /// use actor_sched::{Flow, Scheduler};
    ///
    /// let mut sched = Scheduler::new();
    /// let ping = sched.spawn_unnamed(|n: u32, ctx| { ctx.me().send(n + 1).unwrap(); Flow::Continue });
    /// ping.send(0).unwrap();
    /// assert_eq!(sched.run_for(10).delivered(), 10); // it would never stop by itself
    /// assert_eq!(sched.totals().delivered(), 10);
    /// ```
    pub fn run_for(&mut self, steps: usize) -> Report {
        let before = self.totals;
        for _ in 0..steps {
            if self.step().is_idle() {
                break;
            }
        }
        self.totals.since(&before)
    }

    /// Runs until nothing is queued: every task has finished or is parked, and every message sent
    /// has been dispatched. Reports what this call did.
    ///
    /// # Panics
    ///
    /// Only if a closure actor's handler, an async actor or a task panics: the panic propagates
    /// to the caller. The scheduler stays usable (every internal borrow is released). A closure
    /// actor lives on: the message being handled is gone with the panic, the rest of its queue is
    /// still there for the next `run`. An async actor or a task that panicked has ended: it is
    /// never polled again, later sends to it are refused with the message, and what it had queued
    /// is counted undelivered and kept for `take_undelivered`. (An `actor_core::Actor` never
    /// unwinds out of `run`: its panic is caught and ends it with `ExitReason::Panicked`, as on
    /// threads.)
    ///
    /// # Examples
    ///
    /// See [`Scheduler`] and the crate documentation.
    pub fn run(&mut self) -> Report {
        let before = self.totals;
        loop {
            while self.next_step().is_some() {}
            if !self.fire_timer(None) {
                break;
            }
        }
        self.totals.since(&before)
    }

    /// How many slots the scheduler holds: one per live actor and task of its own model, one per
    /// queued turn of an `actor_core` actor, and freed ones kept for reuse. Slots of ended actors
    /// and tasks are reused, so a program that keeps spawning and ending them stays at the most it
    /// had alive (or queued) at once.
    pub fn slots(&self) -> usize {
        self.slots.len() + self.parked.capacity()
    }

    /// What the scheduler has done since it was created.
    pub fn totals(&self) -> Report {
        self.totals
    }

    /// Carries out one run-queue entry; `None` if it was stale (its slot had finished).
    #[inline(always)]
    fn process(&mut self, entry: Entry) -> Option<Step> {
        let step = self.process_entry(entry);
        for index in self.ended.drain(..) {
            free_slot(index, &mut self.generations, &mut self.free);
        }
        step
    }

    fn process_entry(&mut self, entry: Entry) -> Option<Step> {
        // Slots that end before a panic unwinds out of this entry are freed at the next one.
        for index in self.ended.drain(..) {
            free_slot(index, &mut self.generations, &mut self.free);
        }
        match entry {
            Entry::Turn(at) => {
                let turn = self.parked.take(at)?;
                let _inside = actor_core::exec::enter();
                match turn.run(1) {
                    TurnEnd::Again(turn) => {
                        let at = self.parked.park(turn);
                        self.runq.push(Entry::Turn(at));
                    }
                    TurnEnd::Done => self.totals.actors_finished += 1,
                    _ => {}
                }
                self.totals.turns += 1;
                Some(Step::Turn)
            }
            Entry::Message(id) => {
                let (index, generation) = unkey(id);
                if self.generations.get(index) != Some(&generation) {
                    return None;
                }
                let slot = self.slots.get_mut(index)?;
                match slot {
                    Slot::Actor(actor) => {
                        let flow = actor.dispatch(&self.core)?;
                        self.totals.delivered += 1;
                        if flow == Flow::Stop {
                            self.totals.undelivered += actor.finish() as u64;
                            self.totals.actors_finished += 1;
                            *slot = Slot::Done;
                            self.ended.push(index);
                        }
                    }
                    Slot::AsyncActor(_) => {
                        self.totals.delivered += 1;
                        let ended = (&mut self.ended, index);
                        let delivered =
                            ended_by_panic(slot, &mut self.totals, ended, |slot| match slot {
                                Slot::AsyncActor(actor) => actor.deliver(),
                                _ => None,
                            });
                        if let Some(polled) = delivered {
                            self.totals.polls += 1;
                            let ended = (&mut self.ended, index);
                            file(slot, id, polled, &self.runq, &mut self.totals, ended);
                        }
                    }
                    Slot::Task(_) | Slot::Done => return None,
                }
                Some(Step::Delivered)
            }
            Entry::Poll(id) => {
                let (index, generation) = unkey(id);
                if self.generations.get(index) != Some(&generation) {
                    return None;
                }
                let slot = self.slots.get_mut(index)?;
                let polled = match slot {
                    Slot::Task(_) => {
                        self.totals.polls += 1;
                        let ended = (&mut self.ended, index);
                        let ready =
                            ended_by_panic(slot, &mut self.totals, ended, |slot| match slot {
                                Slot::Task(future) => poll_once(future.as_mut()).is_ready(),
                                _ => true,
                            });
                        if ready {
                            self.totals.tasks_finished += 1;
                            *slot = Slot::Done;
                            self.ended.push(index);
                        } else {
                            self.runq.push(Entry::Poll(id));
                        }
                        return Some(Step::Polled);
                    }
                    Slot::AsyncActor(_) => {
                        ended_by_panic(slot, &mut self.totals, (&mut self.ended, index), |slot| {
                            match slot {
                                Slot::AsyncActor(actor) => actor.poll(),
                                _ => Polled::Parked,
                            }
                        })
                    }
                    Slot::Actor(_) | Slot::Done => return None,
                };
                self.totals.polls += 1;
                let ended = (&mut self.ended, index);
                file(slot, id, polled, &self.runq, &mut self.totals, ended);
                Some(Step::Polled)
            }
        }
    }
}

/// Adds a handler-style actor in a free or new slot; returns its address. Runs no user code.
fn add_handler<M, H>(
    slots: &mut Vec<Slot>,
    generations: &mut Vec<usize>,
    free: &mut Vec<usize>,
    runq: &Rc<RunQueue>,
    handler: H,
) -> Addr<M>
where
    M: 'static,
    H: Handler<M> + 'static,
{
    let key = take_slot(slots, generations, free);
    let (index, _) = unkey(key);
    let addr = Addr::from_mailbox(Rc::new(Mailbox::new(key, runq.clone())));
    slots[index] = Slot::Actor(Box::new(HandlerActor::new(addr.clone(), handler)));
    addr
}

/// A slot for a new actor or task (a freed one if any), still `Done`; returns its key.
fn take_slot(slots: &mut Vec<Slot>, generations: &mut Vec<usize>, free: &mut Vec<usize>) -> usize {
    match free.pop() {
        Some(index) => key(index, generations[index]),
        None => {
            slots.push(Slot::Done);
            generations.push(0);
            key(slots.len() - 1, 0)
        }
    }
}

/// Frees a slot whose actor or task has ended: a new generation makes its old entries stale.
fn free_slot(index: usize, generations: &mut [usize], free: &mut Vec<usize>) {
    generations[index] = (generations[index] + 1) & GEN_MASK;
    free.push(index);
}

/// Runs one poll of a task or an async actor. A panic in it ends that task or actor before the
/// panic goes on to the caller of `run`: its slot is marked done (never polled again), and an
/// async actor's mailbox refuses later sends and keeps what it had queued, counted undelivered
/// and retrievable with `take_undelivered`.
fn ended_by_panic<R>(
    slot: &mut Slot,
    totals: &mut Report,
    (ended, index): (&mut Vec<usize>, usize),
    poll: impl FnOnce(&mut Slot) -> R,
) -> R {
    match catch_unwind(AssertUnwindSafe(|| poll(slot))) {
        Ok(polled) => polled,
        Err(panic) => {
            match slot {
                Slot::AsyncActor(actor) => {
                    totals.undelivered += actor.finish() as u64;
                    totals.actors_finished += 1;
                }
                Slot::Task(_) => totals.tasks_finished += 1,
                Slot::Actor(_) | Slot::Done => {}
            }
            let gone = std::mem::replace(slot, Slot::Done);
            ended.push(index);
            // The future's own `Drop` may panic too; the first panic is the one reported.
            let _ = catch_unwind(AssertUnwindSafe(move || drop(gone)));
            resume_unwind(panic)
        }
    }
}

/// Files an async actor after a poll: parked (nothing to do until a message comes), requeued (it
/// yielded), or finished (its leftovers counted, its future dropped).
fn file(
    slot: &mut Slot,
    id: usize,
    polled: Polled,
    runq: &RunQueue,
    totals: &mut Report,
    (ended, index): (&mut Vec<usize>, usize),
) {
    match polled {
        Polled::Parked => {}
        Polled::Yielded => runq.push(Entry::Poll(id)),
        Polled::Finished(left) => {
            totals.undelivered += left as u64;
            totals.actors_finished += 1;
            *slot = Slot::Done;
            ended.push(index);
        }
    }
}

impl Default for Scheduler {
    fn default() -> Self {
        Scheduler::new()
    }
}

impl fmt::Debug for Scheduler {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let alive = self
            .slots
            .iter()
            .filter(|slot| !matches!(slot, Slot::Done))
            .count();
        f.debug_struct("Scheduler")
            .field("slots", &self.slots.len())
            .field("alive", &alive)
            .field("seed", &self.seed)
            .field("now", &self.now())
            .field("totals", &self.totals)
            .finish_non_exhaustive()
    }
}

impl Drop for Scheduler {
    /// Finishes every mailbox first, so that code run by dropping the actors and tasks (their
    /// `Drop` impls) gets errors from its sends rather than queueing into a dead scheduler.
    fn drop(&mut self) {
        for slot in &self.slots {
            slot.close();
        }
        self.core.clear();
        let slots = std::mem::take(&mut self.slots);
        drop(slots);
    }
}
