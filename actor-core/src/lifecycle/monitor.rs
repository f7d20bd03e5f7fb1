//! Monitors: learning, exactly once, how an actor ended.

use std::fmt;
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use crate::blocks::event::Event;
use crate::executor::pool::block_in_place;
use crate::{ActorId, ExitReason};

/// How an actor ended, as a monitor learns it: which actor, why, and how many messages it left
/// undelivered.
///
/// ```
/// use actor_core::{ExitReason, Inbox};
///
/// let handle = actor_core::spawn_fn(|inbox: Inbox<u8>| {
///     while inbox.recv().is_ok() {}
///     Ok(())
/// });
/// let monitor = handle.addr().monitor();
/// handle.close();
/// let down = monitor.wait();
/// assert_eq!(down.id(), handle.id());
/// assert_eq!(down.reason(), &ExitReason::Closed);
/// ```
#[derive(Clone)]
pub struct Down {
    pub(crate) id: ActorId,
    pub(crate) name: DownName,
    pub(crate) reason: ExitReason,
    pub(crate) undelivered: usize,
}

/// A [`Down`]'s name: the actor's name as it stood at the end (given at spawn, or already made
/// for an unnamed actor), or an unnamed actor's `actor-<id>`, made only when asked for. Every end builds a `Down` (a late monitor still gets one), and most are never
/// read by name: formatting one for each of a million short-lived actors showed in the profile.
#[derive(Clone)]
pub(crate) enum DownName {
    Given(Arc<str>),
    Unnamed(OnceLock<Box<str>>),
}

impl DownName {
    /// The name of an actor whose name, given or made, was this at its end (`None`: none was).
    pub(crate) fn of(given: Option<&str>) -> DownName {
        match given {
            Some(name) => DownName::Given(Arc::from(name)),
            None => DownName::Unnamed(OnceLock::new()),
        }
    }
}

impl PartialEq for Down {
    fn eq(&self, other: &Down) -> bool {
        self.id == other.id
            && self.undelivered == other.undelivered
            && self.reason == other.reason
            && self.name() == other.name()
    }
}

impl Eq for Down {}

impl Down {
    /// The actor that ended.
    pub fn id(&self) -> ActorId {
        self.id
    }

    /// Its name.
    pub fn name(&self) -> &str {
        match &self.name {
            DownName::Given(name) => name,
            DownName::Unnamed(made) => {
                made.get_or_init(|| crate::runtime::mailbox::unnamed(self.id))
            }
        }
    }

    /// Why it ended.
    pub fn reason(&self) -> &ExitReason {
        &self.reason
    }

    /// The reason, by value.
    pub fn into_reason(self) -> ExitReason {
        self.reason
    }

    /// How many accepted messages it never handled (handed to its joiner, or to the dead-letter
    /// hook if nobody joins).
    pub fn undelivered(&self) -> usize {
        self.undelivered
    }
}

impl fmt::Debug for Down {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Down")
            .field("id", &self.id)
            .field("name", &self.name())
            .field("reason", &self.reason)
            .field("undelivered", &self.undelivered)
            .finish()
    }
}

impl fmt::Display for Down {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({}) {}", self.name(), self.id, self.reason)
    }
}

/// A watch on one actor from a thread: [`wait`](Monitor::wait) returns its [`Down`] once it has
/// ended. Made by [`Addr::monitor`](crate::Addr::monitor) or
/// [`ActorHandle::monitor`](crate::ActorHandle::monitor); an actor watches another with
/// [`Context::watch`](crate::Context::watch) instead.
///
/// A monitor does not keep the actor alive, and works also when the actor had already ended
/// when it was made. Clones share the one end.
#[derive(Clone)]
pub struct Monitor {
    inner: Arc<MonitorInner>,
}

struct MonitorInner {
    id: ActorId,
    down: OnceLock<Down>,
    done: Event,
}

impl Monitor {
    pub(crate) fn new(id: ActorId) -> (Monitor, impl FnOnce(&Down) + Send + 'static) {
        let inner = Arc::new(MonitorInner {
            id,
            down: OnceLock::new(),
            done: Event::new(),
        });
        let feed = Arc::clone(&inner);
        let call = move |down: &Down| {
            let _ = feed.down.set(down.clone());
            feed.done.set();
        };
        (Monitor { inner }, call)
    }

    /// The watched actor.
    pub fn id(&self) -> ActorId {
        self.inner.id
    }

    /// Waits until the actor has ended. On a pool worker, the pool starts a stand-in first (as
    /// [`ActorHandle::join`](crate::ActorHandle::join) does).
    pub fn wait(&self) -> Down {
        if !self.inner.done.is_set() {
            block_in_place(|| self.inner.done.wait());
        }
        self.get().expect("set before the event")
    }

    /// Waits at most `timeout`; `None` if the actor is still running then.
    pub fn wait_timeout(&self, timeout: Duration) -> Option<Down> {
        match Instant::now().checked_add(timeout) {
            Some(deadline) => self.wait_deadline(deadline),
            None => Some(self.wait()),
        }
    }

    /// Waits until `deadline` at the latest; `None` if the actor is still running then.
    pub fn wait_deadline(&self, deadline: Instant) -> Option<Down> {
        if !self.inner.done.is_set() {
            block_in_place(|| self.inner.done.wait_deadline(deadline));
        }
        self.get()
    }

    /// The end, if the actor has ended; never waits.
    pub fn get(&self) -> Option<Down> {
        if self.inner.done.is_set() {
            self.inner.down.get().cloned()
        } else {
            None
        }
    }

    /// Whether the actor has ended.
    pub fn is_down(&self) -> bool {
        self.inner.done.is_set()
    }
}

impl fmt::Debug for Monitor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Monitor")
            .field("id", &self.inner.id)
            .field("down", &self.get())
            .finish()
    }
}
