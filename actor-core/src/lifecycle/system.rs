//! `System`: a group of actors (and their timers) that shut down together, children first.

use std::collections::BTreeMap;
use std::fmt;
use std::io;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering::SeqCst};
use std::sync::{Arc, Mutex, Weak};
use std::time::{Duration, Instant};

use crate::executor::pool::block_in_place;
use crate::lifecycle::{DeadLetters, Down, Monitor};
use crate::runtime::mailbox::{Host, Link};
use crate::{ActorHandle, ActorId, Builder, ExitReason, TimerHandle};

/// How long [`System::shutdown`] gives each actor to drain its mailbox before stopping it.
pub const DEFAULT_SHUTDOWN_DEADLINE: Duration = Duration::from_secs(5);

/// A group of actors that shut down together: in reverse order of start (so an actor's children,
/// which it starts after itself, close before it), each with a deadline after which it is stopped,
/// and a report of how each one ended. Dropping the system shuts it down.
///
/// Actors join a system when spawned through it ([`System::spawn`], [`System::builder`]); an
/// actor of a system that starts children through its [`Context`](crate::Context) puts them in the
/// same system. The system holds no [`Addr`](crate::Addr), so it never keeps an actor alive, and
/// since shutdown closes each mailbox whoever else holds addresses (cycles included), nothing
/// keeps it waiting past the deadlines. Each system has its own [`DeadLetters`].
///
/// ```
/// use actor_core::{Actor, Context, ExitReason, System};
///
/// struct Counter(u32);
/// impl Actor for Counter {
///     type Msg = u32;
///     fn handle(&mut self, n: u32, _ctx: &mut Context<Self>) {
///         self.0 += n;
///     }
/// }
///
/// let system = System::new("app");
/// let counter = system.spawn(Counter(0)).unwrap();
/// counter.addr().send(2).unwrap();
/// let report = system.shutdown();
/// assert_eq!(report.actors().len(), 1);
/// assert_eq!(report.actors()[0].reason(), Some(&ExitReason::Closed));
/// assert_eq!(counter.join().into_state().0, 2);
/// ```
pub struct System {
    inner: Arc<SystemInner>,
}

pub(crate) struct SystemInner {
    name: Box<str>,
    pub(crate) dead_letters: DeadLetters,
    deadline: Mutex<Duration>,
    closed: AtomicBool,
    next_seq: AtomicU64,
    /// Live members by start order.
    members: Mutex<BTreeMap<u64, Member>>,
    timers: Mutex<Vec<TimerHandle>>,
}

struct Member {
    control: Box<dyn Control>,
    monitor: Monitor,
    name: Arc<str>,
}

/// Closing and stopping one member, whatever its message type.
trait Control: Send {
    fn close(&self);
    fn stop(&self);
    /// Waits (until `deadline` at most) for the run's very last step, after every watcher of the
    /// end has been told.
    fn wait_finished(&self, deadline: Instant);
    /// A snapshot, if the actor's memory is still there.
    fn info(&self) -> Option<crate::ActorInfo>;
}

struct LinkControl<M>(Weak<dyn Host<M>>);

impl<M: Send + 'static> Control for LinkControl<M> {
    fn close(&self) {
        if let Some(host) = self.0.upgrade() {
            Link::new(host).close();
        }
    }

    fn stop(&self) {
        if let Some(host) = self.0.upgrade() {
            Link::new(host).request_stop();
        }
    }

    fn info(&self) -> Option<crate::ActorInfo> {
        let host = self.0.upgrade()?;
        crate::lifecycle::inspect::info_of_host(&*host)
    }

    fn wait_finished(&self, deadline: Instant) {
        if let Some(host) = self.0.upgrade() {
            let finished = &host.shared().finished;
            if !finished.is_set() {
                block_in_place(|| finished.wait_deadline(deadline));
            }
        }
    }
}

/// The error inside the [`io::Error`] a spawn through a system returns once the system is
/// shutting down.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the system is shutting down")]
pub struct SystemShutDown;

impl System {
    /// A new, empty system.
    pub fn new(name: impl Into<String>) -> System {
        System {
            inner: Arc::new(SystemInner {
                name: name.into().into_boxed_str(),
                dead_letters: DeadLetters::new(),
                deadline: Mutex::new(DEFAULT_SHUTDOWN_DEADLINE),
                closed: AtomicBool::new(false),
                next_seq: AtomicU64::new(0),
                members: Mutex::new(BTreeMap::new()),
                timers: Mutex::new(Vec::new()),
            }),
        }
    }

    /// The system's name.
    pub fn name(&self) -> &str {
        &self.inner.name
    }

    /// Sets how long shutdown (and drop) waits for each actor to drain before stopping it
    /// (default [`DEFAULT_SHUTDOWN_DEADLINE`]).
    pub fn set_shutdown_deadline(&self, deadline: Duration) {
        *crate::sync::lock(&self.inner.deadline) = deadline;
    }

    /// A [`Builder`] whose actors join this system. Choose the executor, name and mailbox on it.
    pub fn builder(&self) -> Builder {
        Builder::new().system(Some(SystemRef(Arc::clone(&self.inner))))
    }

    /// Starts `actor` on a thread of its own, in this system.
    ///
    /// # Errors
    ///
    /// The OS refused a thread, or the system is shutting down (inner error [`SystemShutDown`]).
    pub fn spawn<A: crate::Actor>(&self, actor: A) -> io::Result<ActorHandle<A>> {
        self.builder().spawn(actor)
    }

    /// The dead letters of this system's actors: their count and hook.
    pub fn dead_letters(&self) -> &DeadLetters {
        &self.inner.dead_letters
    }

    /// Starts a supervisor in this system (on a thread of its own; use
    /// [`Supervisor::spawn`](crate::Supervisor::spawn) with [`builder`](System::builder) to
    /// choose a pool). Its children are shut down by it, in reverse order, when the system shuts
    /// it down.
    ///
    /// # Errors
    ///
    /// As [`System::spawn`].
    pub fn supervise(&self, supervisor: crate::Supervisor) -> io::Result<crate::SupervisorHandle> {
        supervisor.spawn(self.builder())
    }

    /// Gives a timer to the system: it is cancelled first thing at shutdown.
    pub fn keep_timer(&self, timer: TimerHandle) {
        let mut timers = crate::sync::lock(&self.inner.timers);
        timers.retain(|timer| !timer.is_finished());
        timers.push(timer);
    }

    /// A snapshot of each live actor of the system, in order of start (see
    /// [`ActorInfo`](crate::ActorInfo)). A supervisor's children are listed by the supervisor,
    /// not here.
    pub fn list(&self) -> Vec<crate::ActorInfo> {
        let members = crate::sync::lock(&self.inner.members);
        members
            .values()
            .filter_map(|member| member.control.info())
            .collect()
    }

    /// How many of the system's actors have not ended.
    pub fn len(&self) -> usize {
        crate::sync::lock(&self.inner.members).len()
    }

    /// Whether every actor of the system has ended.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Whether shutdown has begun: spawns through the system are refused.
    pub fn is_shut_down(&self) -> bool {
        self.inner.closed.load(SeqCst)
    }

    /// Shuts the system down: refuses new members, cancels its timers, then takes its live
    /// actors in reverse order of start; each is closed (it drains what it has queued), given the
    /// shutdown deadline, then stopped if still running, and given the deadline once more. Returns
    /// what happened to each. A second call returns an empty report.
    ///
    /// On a pool worker the waits go through the pool's stand-in threads (as
    /// [`ActorHandle::join`] does).
    pub fn shutdown(&self) -> ShutdownReport {
        self.inner.shutdown()
    }
}

impl SystemInner {
    fn shutdown(&self) -> ShutdownReport {
        let began = Instant::now();
        self.closed.store(true, SeqCst);
        let timers = std::mem::take(&mut *crate::sync::lock(&self.timers));
        for timer in timers {
            timer.cancel();
        }
        let deadline = *crate::sync::lock(&self.deadline);
        let mut actors = Vec::new();
        loop {
            // The newest live member; members ending meanwhile remove themselves.
            let Some((seq, member)) = crate::sync::lock(&self.members).pop_last() else {
                break;
            };
            let _ = seq;
            let start = Instant::now();
            let mut stopped = false;
            member.control.close();
            let mut down = member.monitor.wait_timeout(deadline);
            if down.is_none() {
                stopped = true;
                member.control.stop();
                down = member.monitor.wait_timeout(deadline);
            }
            if down.is_some() {
                // Every other watcher of this end has heard of it when shutdown moves on.
                member.control.wait_finished(Instant::now() + deadline);
            }
            actors.push(ActorReport {
                id: member.monitor.id(),
                name: member.name.to_string(),
                reason: down.as_ref().map(|down| down.reason().clone()),
                took: start.elapsed(),
                undelivered: down.as_ref().map_or(0, Down::undelivered),
                stopped,
            });
        }
        ShutdownReport {
            system: self.name.to_string(),
            actors,
            took: began.elapsed(),
        }
    }
}

/// A system chosen for a spawn.
#[derive(Clone)]
pub(crate) struct SystemRef(pub(crate) Arc<SystemInner>);

impl fmt::Debug for SystemRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("System").field(&self.0.name).finish()
    }
}

impl SystemRef {
    /// Refuses a spawn into a system that is shutting down.
    pub(crate) fn check_open(&self) -> io::Result<()> {
        if self.0.closed.load(SeqCst) {
            Err(io::Error::other(SystemShutDown))
        } else {
            Ok(())
        }
    }

    /// Points an actor's dead letters (and its children) at this system, without making it a
    /// member (a supervisor's child: its supervisor shuts it down).
    pub(crate) fn attach<M>(&self, link: &Link<M>) {
        let _ = link.extra().system.set(Arc::downgrade(&self.0));
    }

    /// Makes a new actor a member (before its run starts).
    pub(crate) fn adopt<M: Send + 'static>(&self, link: &Link<M>) {
        self.attach(link);
        let seq = self.0.next_seq.fetch_add(1, SeqCst);
        let (monitor, feed) = Monitor::new(link.id);
        link.end.on_end(Box::new(feed));
        let member = Member {
            control: Box::new(LinkControl(link.downgrade())),
            monitor,
            name: Arc::from(link.name()),
        };
        crate::sync::lock(&self.0.members).insert(seq, member);
        let system = Arc::downgrade(&self.0);
        link.end.on_end(Box::new(move |_: &Down| {
            if let Some(system) = system.upgrade() {
                let removed = crate::sync::lock(&system.members).remove(&seq);
                drop(removed);
            }
        }));
    }
}

/// The system an actor belongs to, for its children.
pub(crate) fn system_of<M>(link: &Link<M>) -> Option<SystemRef> {
    link.extra_if_any()
        .and_then(|extra| extra.system.get())
        .and_then(Weak::upgrade)
        .map(SystemRef)
}

impl Drop for System {
    fn drop(&mut self) {
        if !self.inner.closed.load(SeqCst) {
            let _ = self.inner.shutdown();
        }
    }
}

impl fmt::Debug for System {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("System")
            .field("name", &self.inner.name)
            .field("actors", &self.len())
            .field("shut_down", &self.is_shut_down())
            .finish()
    }
}

/// What [`System::shutdown`] did: one entry per actor that was running, newest first.
#[derive(Clone, Debug)]
pub struct ShutdownReport {
    system: String,
    actors: Vec<ActorReport>,
    took: Duration,
}

impl ShutdownReport {
    /// The actors, in the order they were shut down (reverse order of start).
    pub fn actors(&self) -> &[ActorReport] {
        &self.actors
    }

    /// How long the whole shutdown took.
    pub fn took(&self) -> Duration {
        self.took
    }

    /// Messages the actors left undelivered, in all.
    pub fn undelivered(&self) -> usize {
        self.actors.iter().map(|actor| actor.undelivered).sum()
    }

    /// Whether every actor ended (none outlived both deadlines).
    pub fn all_ended(&self) -> bool {
        self.actors.iter().all(|actor| actor.reason.is_some())
    }
}

impl fmt::Display for ShutdownReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "system {}: {} actors shut down in {:?}",
            self.system,
            self.actors.len(),
            self.took
        )?;
        for actor in &self.actors {
            writeln!(f, "  {actor}")?;
        }
        Ok(())
    }
}

/// How one actor ended in a shutdown.
#[derive(Clone, Debug)]
pub struct ActorReport {
    id: ActorId,
    name: String,
    reason: Option<ExitReason>,
    took: Duration,
    undelivered: usize,
    stopped: bool,
}

impl ActorReport {
    /// The actor.
    pub fn id(&self) -> ActorId {
        self.id
    }

    /// Its name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// How it ended; `None` if it was still running after the deadline, stopped, and the deadline
    /// again (a handler that never returns).
    pub fn reason(&self) -> Option<&ExitReason> {
        self.reason.as_ref()
    }

    /// From its close to its end (or to giving up on it).
    pub fn took(&self) -> Duration {
        self.took
    }

    /// Messages it left undelivered.
    pub fn undelivered(&self) -> usize {
        self.undelivered
    }

    /// Whether it had to be stopped (it did not drain within the deadline).
    pub fn was_stopped(&self) -> bool {
        self.stopped
    }
}

impl fmt::Display for ActorReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let reason = match &self.reason {
            Some(reason) => reason.to_string(),
            None => "still running".to_owned(),
        };
        write!(
            f,
            "{} ({}): {reason} in {:?}, {} undelivered",
            self.name, self.id, self.took, self.undelivered
        )
    }
}
