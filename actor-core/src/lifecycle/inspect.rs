//! Introspection: the live actors as data, for tests, metrics and tools like the `top` example.

use std::fmt;
use std::sync::atomic::{AtomicU8, Ordering::Relaxed};
use std::sync::{Mutex, OnceLock, Weak};

use crate::ActorId;
use crate::runtime::mailbox::{Host, Shared};

/// What an actor is doing, as far as a look from outside can tell.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ActorState {
    /// Spawned; its `started` hook has not finished.
    Starting,
    /// Handling messages, or waiting for the next one.
    Running,
    /// A supervisor is replacing a failed instance.
    Restarting,
    /// Its last message is handled: it is running its `stopped` hook and handing back its
    /// leftovers.
    Stopping,
}

impl fmt::Display for ActorState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ActorState::Starting => "starting",
            ActorState::Running => "running",
            ActorState::Restarting => "restarting",
            ActorState::Stopping => "stopping",
        })
    }
}

pub(crate) const STARTING: u8 = 0;
pub(crate) const RUNNING: u8 = 1;
pub(crate) const RESTARTING: u8 = 2;
pub(crate) const STOPPING: u8 = 3;

/// An actor's state word, written only by its own run.
pub(crate) fn set_state(state: &AtomicU8, to: u8) {
    state.store(to, Relaxed);
}

fn state_of(word: u8) -> ActorState {
    match word {
        STARTING => ActorState::Starting,
        RUNNING => ActorState::Running,
        RESTARTING => ActorState::Restarting,
        _ => ActorState::Stopping,
    }
}

/// Where an actor runs.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Where {
    /// A thread of its own.
    Thread,
    /// The named [`Pool`](crate::Pool).
    Pool(String),
    /// A foreign [`Executor`](crate::exec::Executor), by its name.
    Executor(String),
}

impl fmt::Display for Where {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Where::Thread => f.write_str("thread"),
            Where::Pool(name) => write!(f, "pool {name}"),
            Where::Executor(name) => write!(f, "{name}"),
        }
    }
}

/// A snapshot of one live actor: made by [`actors`](crate::actors),
/// [`Pool::list`](crate::Pool::list) and [`System::list`](crate::System::list).
///
/// The numbers are read without stopping the actor, each on its own, so they describe a moment
/// only roughly; they are exact once the actor is idle.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ActorInfo {
    /// The actor.
    pub id: ActorId,
    /// Its name.
    pub name: String,
    /// Where it runs.
    pub runs_on: Where,
    /// About how many messages wait in its mailbox.
    pub mailbox_len: usize,
    /// How many messages it has handled so far.
    pub handled: u64,
    /// What it is doing.
    pub state: ActorState,
}

/// Reading an actor's numbers without knowing its message type.
pub(crate) trait Inspect: Send + Sync {
    /// `None` once the actor has ended.
    fn info(&self) -> Option<ActorInfo>;
}

impl<M: Send + 'static> Inspect for Shared<M> {
    fn info(&self) -> Option<ActorInfo> {
        info_of(self, Where::Thread)
    }
}

/// The snapshot of the actor behind `shared`; `None` once it has ended (its end is observable).
pub(crate) fn info_of<M>(shared: &Shared<M>, runs_on: Where) -> Option<ActorInfo> {
    if shared.end.has_ended() {
        return None;
    }
    Some(ActorInfo {
        id: shared.id,
        name: shared.name().to_owned(),
        runs_on,
        mailbox_len: shared.queued(),
        handled: shared.handled.load(Relaxed),
        state: state_of(shared.state.load(Relaxed)),
    })
}

/// The info of the actor behind any mailbox host.
pub(crate) fn info_of_host<M>(host: &dyn Host<M>) -> Option<ActorInfo> {
    let runs_on = match host.place() {
        None => Where::Thread,
        Some(crate::executor::Place::Pool(pool)) => Where::Pool(pool.name.to_string()),
        Some(crate::executor::Place::Foreign(executor)) => {
            Where::Executor(executor.name().to_owned())
        }
    };
    info_of(host.shared(), runs_on)
}

/// Live thread actors: registered at spawn, removed at the end of their run. (Pooled actors are
/// in their pool's registry.)
struct Threads {
    slots: Vec<Option<Weak<dyn Inspect>>>,
    free: Vec<usize>,
}

fn threads() -> &'static Mutex<Threads> {
    static THREADS: OnceLock<Mutex<Threads>> = OnceLock::new();
    THREADS.get_or_init(|| {
        Mutex::new(Threads {
            slots: Vec::new(),
            free: Vec::new(),
        })
    })
}

/// Lists a new thread actor; the number is its place, for [`forget_thread`].
pub(crate) fn list_thread(actor: Weak<dyn Inspect>) -> usize {
    let mut threads = crate::sync::lock(threads());
    match threads.free.pop() {
        Some(at) => {
            threads.slots[at] = Some(actor);
            at
        }
        None => {
            threads.slots.push(Some(actor));
            threads.slots.len() - 1
        }
    }
}

/// Takes an ended thread actor off the list.
pub(crate) fn forget_thread(at: usize) {
    let mut threads = crate::sync::lock(threads());
    if let Some(slot) = threads.slots.get_mut(at) {
        if slot.take().is_some() {
            threads.free.push(at);
        }
    }
}

/// Every live actor of the process on a thread of its own or on a [`Pool`](crate::Pool), in no
/// particular order. Cheap enough to call every 100 ms with thousands of actors: one short lock
/// per registry shard and one small allocation per actor. (Actors on a foreign executor are
/// listed by that executor, if at all.)
///
/// ```
/// use actor_core::{Actor, ActorState, Context};
///
/// struct Idle;
/// impl Actor for Idle {
///     type Msg = ();
///     fn handle(&mut self, _: (), _ctx: &mut Context<Self>) {}
/// }
///
/// let handle = actor_core::Builder::new().name("idle-one").spawn(Idle).unwrap();
/// handle.addr().send(()).unwrap();
/// handle.wait_started();
/// let me = actor_core::actors()
///     .into_iter()
///     .find(|info| info.id == handle.id())
///     .expect("a live actor is listed");
/// assert_eq!(me.name, "idle-one");
/// assert_eq!(me.state, ActorState::Running);
/// ```
pub fn actors() -> Vec<ActorInfo> {
    let mut all: Vec<ActorInfo> = {
        let threads = crate::sync::lock(threads());
        threads
            .slots
            .iter()
            .flatten()
            .filter_map(Weak::upgrade)
            .collect::<Vec<_>>()
    }
    .into_iter()
    .filter_map(|actor| actor.info())
    .collect();
    for pool in crate::executor::pool::live_pools() {
        all.extend(pool.list());
    }
    all
}
