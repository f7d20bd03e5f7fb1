//! Supervisors: children restarted by strategy, restart kind and intensity, in a tree.
//!
//! A supervisor is an actor ([`SupervisorActor`]) that starts its children in order and watches
//! them. Two paths restart a child:
//!
//! - **In place**, when a child's handler or hook panics: the child's own run asks the supervisor's
//!   shared state ([`Core`]) for a verdict, synchronously, and on "restart" makes a new instance
//!   from the child's factory on the same mailbox. Senders never see a gap, queued messages go to
//!   the new instance, and the message that panicked is reported to the dead-letter hook. Siblings
//!   that the strategy restarts too are asked to do the same at their next message boundary.
//! - **Anew**, when a child's run ended (it closed or stopped itself, or failed through a link): the
//!   supervisor learns it from its watch and, if the restart kind says so, spawns a new child
//!   (a new mailbox, so a new address: look it up with [`SupervisorHandle::child`]).
//!
//! Both paths count against the intensity (at most `max_restarts` within `within`). Beyond it the
//! supervisor gives up: it stops its children in reverse order and fails itself
//! ([`ExitReason::Failed`]), so its own supervisor decides: failure climbs the tree.

use std::any::Any;
use std::collections::VecDeque;
use std::fmt;
use std::io;
use std::sync::atomic::{AtomicU64, Ordering::SeqCst};
use std::sync::{Arc, Mutex, Weak};
use std::time::{Duration, Instant};

use crate::lifecycle::system::system_of;
use crate::lifecycle::{Down, Monitor, WeakAddr};
use crate::runtime::mailbox::{Host, Link};
use crate::runtime::run::{Restarter, Verdict};
use crate::{Actor, ActorHandle, ActorId, Addr, Builder, Context, ExitReason, Mailbox, Outcome};

/// Which children restart when one fails.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Strategy {
    /// Only the failed child (the default).
    #[default]
    OneForOne,
    /// Every child.
    OneForAll,
    /// The failed child and every child started after it.
    RestForOne,
}

/// When a child is restarted.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Restart {
    /// Always, whatever its exit reason (the default).
    #[default]
    Permanent,
    /// Only after an abnormal end (a panic or a failure).
    Transient,
    /// Never.
    Temporary,
}

/// Delays between restarts: the first restart of a burst waits `first`, each next one within
/// the intensity window twice as long, up to `max`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Backoff {
    /// The delay before the first restart.
    pub first: Duration,
    /// The longest delay.
    pub max: Duration,
}

impl Backoff {
    fn delay(self, recent: usize) -> Duration {
        let doublings = u32::try_from(recent.saturating_sub(1))
            .unwrap_or(u32::MAX)
            .min(20);
        self.first
            .checked_mul(1 << doublings)
            .unwrap_or(self.max)
            .min(self.max)
    }
}

/// The default intensity: at most this many restarts ...
pub const DEFAULT_MAX_RESTARTS: usize = 3;
/// ... within this long (Erlang/OTP's defaults).
pub const DEFAULT_RESTART_WINDOW: Duration = Duration::from_secs(5);

/// A supervisor's specification: its strategy, intensity, backoff and children. Start it with
/// [`spawn`](Supervisor::spawn) (or [`System::supervise`](crate::System::supervise)); nest it
/// in another with [`ChildSpec::supervisor`].
///
/// ```
/// use actor_core::{Actor, AskError, ChildSpec, Context, ReplyTo, Restart, Strategy, Supervisor};
/// use std::time::Duration;
///
/// struct Worker;
/// impl Actor for Worker {
///     type Msg = (u32, ReplyTo<u32>);
///     fn handle(&mut self, (n, port): Self::Msg, _ctx: &mut Context<Self>) {
///         assert!(n != 13, "unlucky input");
///         let _ = port.reply(n * 2);
///     }
/// }
///
/// let supervisor = Supervisor::new(Strategy::OneForOne)
///     .intensity(10, Duration::from_secs(1))
///     .child(ChildSpec::new("worker", || Worker).restart(Restart::Permanent))
///     .spawn(actor_core::Builder::new())
///     .unwrap();
/// let worker = supervisor.child::<(u32, ReplyTo<u32>)>("worker").unwrap();
/// assert_eq!(worker.ask(|port| (1, port)).unwrap(), 2);
/// // 13 panics: that request ends without a reply, and a new instance takes the mailbox.
/// assert!(matches!(worker.ask(|port| (13, port)), Err(AskError::Stopped)));
/// assert_eq!(worker.ask(|port| (2, port)).unwrap(), 4); // the same address still works
/// supervisor.close();
/// let outcome = supervisor.join();
/// assert_eq!(outcome.state().restarts(), 1);
/// ```
#[derive(Clone)]
pub struct Supervisor {
    strategy: Strategy,
    max_restarts: usize,
    within: Duration,
    backoff: Option<Backoff>,
    shutdown_deadline: Duration,
    children: Vec<ChildSpec>,
}

impl Supervisor {
    /// A supervisor with this strategy, the default intensity
    /// ([`DEFAULT_MAX_RESTARTS`] in [`DEFAULT_RESTART_WINDOW`]), no backoff and no children.
    pub fn new(strategy: Strategy) -> Supervisor {
        Supervisor {
            strategy,
            max_restarts: DEFAULT_MAX_RESTARTS,
            within: DEFAULT_RESTART_WINDOW,
            backoff: None,
            shutdown_deadline: crate::DEFAULT_SHUTDOWN_DEADLINE,
            children: Vec::new(),
        }
    }

    /// At most `max_restarts` restarts within `within`; one more and the supervisor gives up
    /// (stops its children and fails).
    pub fn intensity(mut self, max_restarts: usize, within: Duration) -> Supervisor {
        self.max_restarts = max_restarts;
        self.within = within;
        self
    }

    /// Waits between restarts (see [`Backoff`]).
    pub fn backoff(mut self, backoff: Backoff) -> Supervisor {
        self.backoff = Some(backoff);
        self
    }

    /// How long each child gets to drain when the supervisor shuts down before it is stopped
    /// (default [`DEFAULT_SHUTDOWN_DEADLINE`](crate::DEFAULT_SHUTDOWN_DEADLINE)).
    pub fn shutdown_deadline(mut self, deadline: Duration) -> Supervisor {
        self.shutdown_deadline = deadline;
        self
    }

    /// Adds a child; children start in the order added and stop in reverse.
    pub fn child(mut self, child: ChildSpec) -> Supervisor {
        self.children.push(child);
        self
    }

    /// Starts the supervisor with `builder`'s options (executor, name, system); it starts its
    /// children where it runs, before this returns.
    ///
    /// # Errors
    ///
    /// As [`Builder::spawn`]. A child that cannot start (its factory or `started` panics, or its
    /// spawn fails) makes the supervisor fail; [`SupervisorHandle::join`] tells why.
    pub fn spawn(self, builder: Builder) -> io::Result<SupervisorHandle> {
        let actor = SupervisorActor::new(self);
        let core = Arc::clone(&actor.core);
        let handle = builder.spawn(actor)?;
        handle.wait_started();
        Ok(SupervisorHandle { handle, core })
    }
}

impl fmt::Debug for Supervisor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Supervisor")
            .field("strategy", &self.strategy)
            .field("max_restarts", &self.max_restarts)
            .field("within", &self.within)
            .field("backoff", &self.backoff)
            .field("children", &self.children)
            .finish()
    }
}

/// One child of a [`Supervisor`]: a name, a factory that makes a fresh instance, a restart kind
/// and a mailbox.
#[derive(Clone)]
pub struct ChildSpec {
    name: Arc<str>,
    restart: Restart,
    mailbox: Mailbox,
    make: Arc<dyn MakeChild>,
}

impl ChildSpec {
    /// A child named `name` whose instances `factory` makes (at start and at each restart).
    pub fn new<A, F>(name: impl Into<String>, factory: F) -> ChildSpec
    where
        A: Actor,
        F: Fn() -> A + Send + Sync + 'static,
    {
        ChildSpec {
            name: Arc::from(name.into()),
            restart: Restart::Permanent,
            mailbox: Mailbox::Unbounded,
            make: Arc::new(Factory(Arc::new(factory))),
        }
    }

    /// A supervisor as a child: restarting it starts its children anew.
    pub fn supervisor(name: impl Into<String>, spec: Supervisor) -> ChildSpec {
        ChildSpec::new(name, move || SupervisorActor::new(spec.clone()))
    }

    /// Sets the restart kind (default [`Restart::Permanent`]).
    pub fn restart(mut self, restart: Restart) -> ChildSpec {
        self.restart = restart;
        self
    }

    /// Sets the mailbox (default unbounded).
    pub fn mailbox(mut self, mailbox: Mailbox) -> ChildSpec {
        self.mailbox = mailbox;
        self
    }

    /// The child's name.
    pub fn name(&self) -> &str {
        &self.name
    }
}

impl fmt::Debug for ChildSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ChildSpec")
            .field("name", &self.name)
            .field("restart", &self.restart)
            .field("mailbox", &self.mailbox)
            .finish_non_exhaustive()
    }
}

/// Makes a running child from a spec, whatever its actor type.
trait MakeChild: Send + Sync {
    fn start(
        &self,
        spec: &ChildSpec,
        index: usize,
        core: &Arc<Core>,
        builder: Builder,
    ) -> io::Result<Box<dyn RunningChild>>;
}

struct Factory<A>(Arc<dyn Fn() -> A + Send + Sync>);

impl<A: Actor> MakeChild for Factory<A> {
    fn start(
        &self,
        spec: &ChildSpec,
        index: usize,
        core: &Arc<Core>,
        builder: Builder,
    ) -> io::Result<Box<dyn RunningChild>> {
        let first = crate::runtime::unwind::catch(|| (self.0)())
            .map_err(|panic| io::Error::other(format!("child factory panicked: {panic}")))?;
        let restarter = ChildRestarter {
            factory: Arc::clone(&self.0),
            core: Arc::downgrade(core),
            index,
        };
        // The supervisor's records point at the child before it runs, so a look-up made once it
        // runs finds it.
        let record = |link: &Link<A::Msg>| {
            let mut state = crate::sync::lock(&core.state);
            let entry = &mut state.children[index];
            entry.id = Some(link.id);
            entry.control = Some(Box::new(WeakLink(link.downgrade())));
            entry.addr = Some(Box::new(WeakAddr::from_link(link)));
            entry.type_name = std::any::type_name::<A::Msg>();
        };
        let handle = builder
            .name(spec.name.to_string())
            .mailbox(spec.mailbox)
            .spawn_prepared(first, Some(Box::new(restarter)), record)?;
        Ok(Box::new(handle))
    }
}

/// A running child, whatever its actor type.
trait RunningChild: Send {
    fn id(&self) -> ActorId;
    fn watch(&self, ctx: &mut Context<SupervisorActor>, index: usize);
    /// Waits until the child's `started` hook has run.
    fn wait_started(&self);
    /// Closes, waits up to `deadline`, stops, waits again; leftovers go to the dead letters.
    fn shut_down(self: Box<Self>, deadline: Duration);
    /// Joins a child that has ended; its leftovers go to the dead letters.
    fn reap(self: Box<Self>);
}

impl<A: Actor> RunningChild for ActorHandle<A> {
    fn id(&self) -> ActorId {
        ActorHandle::id(self)
    }

    fn watch(&self, ctx: &mut Context<SupervisorActor>, index: usize) {
        let id = ActorHandle::id(self);
        ctx.watch(&self.addr(), move |down| {
            SupervisorMsg(Signal::ChildDown { index, id, down })
        });
    }

    fn wait_started(&self) {
        ActorHandle::wait_started(self);
    }

    fn shut_down(self: Box<Self>, deadline: Duration) {
        let link = self.link().clone();
        self.close();
        let handle = match self.join_timeout(deadline) {
            Ok(outcome) => return route(&link, outcome),
            Err(handle) => handle,
        };
        handle.stop();
        if let Ok(outcome) = handle.join_timeout(deadline) {
            route(&link, outcome);
        }
        // Still running after both deadlines: the handle is dropped (detached); its leftovers
        // reach the dead letters when it ends.
    }

    fn reap(self: Box<Self>) {
        let link = self.link().clone();
        let outcome = self.join();
        route(&link, outcome);
    }
}

/// A child's leftovers, with nobody else to take them, are dead letters.
fn route<A: Actor>(link: &Link<A::Msg>, outcome: Outcome<A>) {
    let (_, state, leftovers) = outcome.into_parts();
    let _ = crate::runtime::unwind::catch(move || drop(state));
    crate::runtime::run::route_leftovers(link, leftovers);
}

/// Restart requests to a child, whatever its message type.
trait Control: Send + Sync {
    fn request_restart(&self);
}

struct WeakLink<M>(Weak<dyn Host<M>>);

impl<M: Send + 'static> Control for WeakLink<M> {
    fn request_restart(&self) {
        if let Some(host) = self.0.upgrade() {
            Link::new(host).request_restart();
        }
    }
}

/// What a supervisor shares with its children's runs: the restart decisions.
pub(crate) struct Core {
    strategy: Strategy,
    max_restarts: usize,
    within: Duration,
    backoff: Option<Backoff>,
    restarts: AtomicU64,
    state: Mutex<CoreState>,
}

struct CoreState {
    recent: VecDeque<Instant>,
    /// Shutting down: children drain their mailboxes, so a child that panics meanwhile is still
    /// restarted in place (to finish draining), but a child whose run ended is not started anew.
    closing: bool,
    /// Too many restarts: no more restarts of any kind.
    gave_up: bool,
    children: Vec<ChildEntry>,
    /// The supervisor, told when it must give up.
    me: Option<Link<SupervisorMsg>>,
}

struct ChildEntry {
    name: Arc<str>,
    restart: Restart,
    id: Option<ActorId>,
    control: Option<Box<dyn Control>>,
    addr: Option<Box<dyn Any + Send + Sync>>,
    type_name: &'static str,
}

impl Core {
    /// One more restart: `Ok(delay)` within the intensity, `Err(count)` beyond it (then the
    /// supervisor is told to give up).
    fn count_restart(
        &self,
        state: &mut CoreState,
        why: &dyn fmt::Display,
    ) -> Result<Option<Duration>, ()> {
        let now = Instant::now();
        while state
            .recent
            .front()
            .is_some_and(|at| now.duration_since(*at) > self.within)
        {
            state.recent.pop_front();
        }
        if state.recent.len() >= self.max_restarts {
            state.gave_up = true;
            if let Some(me) = &state.me {
                let _ = me.send_answer(SupervisorMsg(Signal::GiveUp(format!(
                    "more than {} restarts within {:?}; last: {why}",
                    self.max_restarts, self.within
                ))));
            }
            return Err(());
        }
        state.recent.push_back(now);
        self.restarts.fetch_add(1, SeqCst);
        Ok(self
            .backoff
            .map(|backoff| backoff.delay(state.recent.len())))
    }

    /// The siblings the strategy restarts with child `index`.
    fn restart_siblings(&self, state: &CoreState, index: usize) {
        let siblings: Box<dyn Iterator<Item = (usize, &ChildEntry)>> = match self.strategy {
            Strategy::OneForOne => return,
            Strategy::OneForAll => Box::new(state.children.iter().enumerate().rev()),
            Strategy::RestForOne => {
                Box::new(state.children.iter().enumerate().skip(index + 1).rev())
            }
        };
        for (at, child) in siblings {
            if at != index {
                if let Some(control) = &child.control {
                    control.request_restart();
                }
            }
        }
    }

    /// A child's run reports a panic: restart it in place, or let it end?
    fn child_failed(&self, index: usize, reason: &ExitReason) -> Verdict {
        let mut state = crate::sync::lock(&self.state);
        if state.gave_up {
            return Verdict::End;
        }
        match state.children.get(index).map(|child| child.restart) {
            Some(Restart::Permanent | Restart::Transient) => {}
            Some(Restart::Temporary) | None => return Verdict::End,
        }
        match self.count_restart(&mut state, reason) {
            Ok(delay) => {
                self.restart_siblings(&state, index);
                Verdict::Restart(delay)
            }
            Err(()) => Verdict::End,
        }
    }
}

struct ChildRestarter<A> {
    factory: Arc<dyn Fn() -> A + Send + Sync>,
    core: Weak<Core>,
    index: usize,
}

impl<A: Actor> Restarter<A> for ChildRestarter<A> {
    fn decide(&mut self, reason: &ExitReason) -> Verdict {
        match self.core.upgrade() {
            Some(core) => core.child_failed(self.index, reason),
            None => Verdict::End,
        }
    }

    fn make(&mut self) -> A {
        (self.factory)()
    }
}

/// The messages of a [`SupervisorActor`]: only the runtime makes them.
pub struct SupervisorMsg(Signal);

enum Signal {
    ChildDown {
        index: usize,
        id: ActorId,
        down: Down,
    },
    GiveUp(String),
}

impl fmt::Debug for SupervisorMsg {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SupervisorMsg(..)")
    }
}

/// The actor a [`Supervisor`] runs as. Its state, given back by
/// [`SupervisorHandle::join`], says how many restarts it made.
pub struct SupervisorActor {
    spec: Supervisor,
    core: Arc<Core>,
    running: Vec<Option<Box<dyn RunningChild>>>,
}

impl SupervisorActor {
    fn new(spec: Supervisor) -> SupervisorActor {
        let children = spec
            .children
            .iter()
            .map(|child| ChildEntry {
                name: Arc::clone(&child.name),
                restart: child.restart,
                id: None,
                control: None,
                addr: None,
                type_name: "",
            })
            .collect();
        let core = Arc::new(Core {
            strategy: spec.strategy,
            max_restarts: spec.max_restarts,
            within: spec.within,
            backoff: spec.backoff,
            restarts: AtomicU64::new(0),
            state: Mutex::new(CoreState {
                recent: VecDeque::new(),
                closing: false,
                gave_up: false,
                children,
                me: None,
            }),
        });
        let running = spec.children.iter().map(|_| None).collect();
        SupervisorActor {
            spec,
            core,
            running,
        }
    }

    /// How many restarts this supervisor made (in place and anew).
    pub fn restarts(&self) -> u64 {
        self.core.restarts.load(SeqCst)
    }

    fn start_child(&mut self, index: usize, ctx: &mut Context<SupervisorActor>) -> io::Result<()> {
        let spec = &self.spec.children[index];
        // Children run where the supervisor runs; they are not members of its system on their
        // own (the supervisor shuts them down) but share its dead letters.
        let builder = ctx.builder().attached_to(system_of(&ctx.reader.shared));
        let child = spec.make.start(spec, index, &self.core, builder)?;
        child.watch(ctx, index);
        // Children start in order: the next one only after this one's `started` hook. (On a
        // foreign executor this thread runs the child too: its turns are queued in order.)
        if !crate::executor::foreign::inside() {
            child.wait_started();
        }
        self.running[index] = Some(child);
        Ok(())
    }

    /// Stops every child in reverse order of start.
    fn stop_children(&mut self) {
        crate::sync::lock(&self.core.state).closing = true;
        for child in self.running.iter_mut().rev() {
            if let Some(child) = child.take() {
                child.shut_down(self.spec.shutdown_deadline);
            }
        }
    }

    fn child_down(
        &mut self,
        index: usize,
        id: ActorId,
        down: Down,
        ctx: &mut Context<SupervisorActor>,
    ) {
        let current = self
            .running
            .get(index)
            .and_then(|child| child.as_ref().map(|c| c.id()));
        if current != Some(id) {
            return; // an instance already replaced
        }
        if let Some(child) = self.running[index].take() {
            child.reap();
        }
        let restart = self.spec.children[index].restart;
        let wanted = match restart {
            Restart::Permanent => true,
            Restart::Transient => down.reason().is_abnormal(),
            Restart::Temporary => false,
        };
        let delay = {
            let mut state = crate::sync::lock(&self.core.state);
            if state.closing || state.gave_up || !wanted {
                return;
            }
            match self.core.count_restart(&mut state, &down) {
                Ok(delay) => {
                    self.core.restart_siblings(&state, index);
                    delay
                }
                Err(()) => return,
            }
        };
        if let Some(delay) = delay {
            crate::executor::pool::block_in_place(|| std::thread::sleep(delay));
        }
        if let Err(error) = self.start_child(index, ctx) {
            ctx.fail(format!(
                "could not restart child {}: {error}",
                self.spec.children[index].name
            ));
        }
    }
}

impl Actor for SupervisorActor {
    type Msg = SupervisorMsg;

    fn started(&mut self, ctx: &mut Context<Self>) {
        crate::sync::lock(&self.core.state).me = Some(ctx.reader.shared.clone());
        for index in 0..self.running.len() {
            if let Err(error) = self.start_child(index, ctx) {
                let name = self.spec.children[index].name.clone();
                self.stop_children();
                ctx.fail(format!("child {name} did not start: {error}"));
                return;
            }
        }
    }

    fn handle(&mut self, msg: SupervisorMsg, ctx: &mut Context<Self>) {
        match msg.0 {
            Signal::ChildDown { index, id, down } => self.child_down(index, id, down, ctx),
            Signal::GiveUp(why) => {
                self.stop_children();
                ctx.fail(why);
            }
        }
    }

    fn stopped(&mut self, _reason: &ExitReason) {
        self.stop_children();
        crate::sync::lock(&self.core.state).me = None;
    }
}

impl fmt::Debug for SupervisorActor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SupervisorActor")
            .field("restarts", &self.restarts())
            .finish_non_exhaustive()
    }
}

/// A running supervisor: its children's addresses, its restart count, and the usual handle
/// operations (close, stop, join, monitor).
pub struct SupervisorHandle {
    handle: ActorHandle<SupervisorActor>,
    core: Arc<Core>,
}

fn children_of<M: Send + 'static>(core: &Core) -> Vec<Addr<M>> {
    let state = crate::sync::lock(&core.state);
    state
        .children
        .iter()
        .filter_map(|child| {
            child
                .addr
                .as_ref()?
                .downcast_ref::<WeakAddr<M>>()?
                .upgrade()
        })
        .collect()
}

/// How a router over a supervisor's children picks one (see [`SupervisorHandle::router`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum RouteBy {
    /// In turn.
    RoundRobin,
    /// The shortest mailbox.
    LeastLoaded,
}

/// Why [`SupervisorHandle::child`] found no address.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ChildError {
    /// No child has this name.
    #[error("no child is named {0:?}")]
    NoSuchChild(String),
    /// The child takes another message type.
    #[error("child {name:?} takes {found}, not {expected}")]
    WrongType {
        /// The child's name.
        name: String,
        /// The type asked for.
        expected: &'static str,
        /// The child's message type.
        found: &'static str,
    },
    /// The child is not running now (between an end and its restart, or not restarted).
    #[error("child {0:?} is not running")]
    NotRunning(String),
}

impl SupervisorHandle {
    /// The address of the child named `name`. It stays valid across in-place restarts (panics);
    /// a child restarted after its run ended has a new address.
    ///
    /// # Errors
    ///
    /// See [`ChildError`].
    pub fn child<M: Send + 'static>(&self, name: &str) -> Result<Addr<M>, ChildError> {
        let state = crate::sync::lock(&self.core.state);
        let Some(entry) = state.children.iter().find(|child| &*child.name == name) else {
            return Err(ChildError::NoSuchChild(name.to_owned()));
        };
        let Some(addr) = &entry.addr else {
            return Err(ChildError::NotRunning(name.to_owned()));
        };
        match addr.downcast_ref::<WeakAddr<M>>() {
            Some(weak) => weak
                .upgrade()
                .ok_or_else(|| ChildError::NotRunning(name.to_owned())),
            None => Err(ChildError::WrongType {
                name: name.to_owned(),
                expected: std::any::type_name::<M>(),
                found: entry.type_name,
            }),
        }
    }

    /// The addresses of every running child of message type `M`, in order of start.
    pub fn children_of<M: Send + 'static>(&self) -> Vec<Addr<M>> {
        children_of(&self.core)
    }

    /// A [`Router`](crate::Router) over the running children of message type `M`, with the
    /// given policy. It follows restarts: a child restarted with a new address replaces the old
    /// one at the first send that finds the old one gone.
    pub fn router<M: Send + 'static>(&self, policy: RouteBy) -> crate::Router<M> {
        let members = self.children_of::<M>();
        let router = match policy {
            RouteBy::RoundRobin => crate::Router::round_robin(members),
            RouteBy::LeastLoaded => crate::Router::least_loaded(members),
        };
        let core = Arc::downgrade(&self.core);
        router.refreshed_by(Box::new(move || match core.upgrade() {
            Some(core) => children_of(&core),
            None => Vec::new(),
        }))
    }

    /// How many restarts the supervisor made so far.
    pub fn restarts(&self) -> u64 {
        self.core.restarts.load(SeqCst)
    }

    /// The supervisor's address (it takes no user messages; it keeps it alive).
    pub fn addr(&self) -> Addr<SupervisorMsg> {
        self.handle.addr()
    }

    /// The supervisor's id.
    pub fn id(&self) -> ActorId {
        self.handle.id()
    }

    /// Shuts the supervisor down: its children close in reverse order of start (each stopped
    /// after the shutdown deadline), then it ends with [`ExitReason::Closed`].
    pub fn close(&self) -> bool {
        self.handle.close()
    }

    /// Stops the supervisor (its children are still shut down in reverse order).
    pub fn stop(&self) {
        self.handle.stop();
    }

    /// Watches the supervisor from a thread.
    pub fn monitor(&self) -> Monitor {
        self.handle.monitor()
    }

    /// Waits for the supervisor to end (after its children).
    pub fn join(self) -> Outcome<SupervisorActor> {
        self.handle.join()
    }

    /// The plain actor handle.
    pub fn into_handle(self) -> ActorHandle<SupervisorActor> {
        self.handle
    }
}

impl fmt::Debug for SupervisorHandle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SupervisorHandle")
            .field("id", &self.handle.id())
            .field("restarts", &self.restarts())
            .finish_non_exhaustive()
    }
}
