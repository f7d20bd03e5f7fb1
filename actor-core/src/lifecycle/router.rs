//! `Router<M>`: one address over a group of actors.

use std::collections::hash_map::DefaultHasher;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};
use std::sync::{Arc, RwLock};

use crate::{Addr, SendError, TrySendError};

/// How a [`Router`] picks the member for a message.
enum Policy<M> {
    RoundRobin,
    LeastLoaded,
    Sticky(Box<dyn Fn(&M) -> u64 + Send + Sync>),
}

/// Sends each message to one member of a group of actors of the same message type: in turn
/// (round robin), to the member with the shortest mailbox (least loaded), or always to the same
/// member for the same key (sticky). Members can be added and removed at run time; a member
/// whose actor has ended is dropped from the group at the first send that finds it gone, and the
/// message goes to another member. Clones share the group.
///
/// A router over a supervisor's children ([`SupervisorHandle::router`]) also picks up children
/// restarted with a new address.
///
/// [`SupervisorHandle::router`]: crate::SupervisorHandle::router
///
/// ```
/// use actor_core::{Actor, Context, Pool, Router};
///
/// struct Parser(u32);
/// impl Actor for Parser {
///     type Msg = String;
///     fn handle(&mut self, _line: String, _ctx: &mut Context<Self>) {
///         self.0 += 1;
///     }
/// }
///
/// let pool = Pool::builder().workers(2).build().unwrap();
/// let parsers: Vec<_> = (0..4).map(|_| pool.spawn(Parser(0))).collect();
/// let router = Router::round_robin(parsers.iter().map(|p| p.addr()).collect());
/// for n in 0..8 {
///     router.send(format!("line {n}")).unwrap();
/// }
/// drop(router);
/// let counts: Vec<u32> = parsers.into_iter().map(|p| p.join().into_state().0).collect();
/// assert_eq!(counts, [2, 2, 2, 2]);
/// ```
pub struct Router<M> {
    inner: Arc<Inner<M>>,
}

type Refresh<M> = Box<dyn Fn() -> Vec<Addr<M>> + Send + Sync>;

struct Inner<M> {
    members: RwLock<Vec<Addr<M>>>,
    next: AtomicUsize,
    policy: Policy<M>,
    /// Where to find the current members when one has gone (a supervisor's children).
    refresh: Option<Refresh<M>>,
}

impl<M: Send + 'static> Router<M> {
    fn with(members: Vec<Addr<M>>, policy: Policy<M>) -> Router<M> {
        Router {
            inner: Arc::new(Inner {
                members: RwLock::new(members),
                next: AtomicUsize::new(0),
                policy,
                refresh: None,
            }),
        }
    }

    /// Each message to the next member in turn.
    pub fn round_robin(members: Vec<Addr<M>>) -> Router<M> {
        Router::with(members, Policy::RoundRobin)
    }

    /// Each message to the member with the fewest queued messages (ties: the first).
    pub fn least_loaded(members: Vec<Addr<M>>) -> Router<M> {
        Router::with(members, Policy::LeastLoaded)
    }

    /// Messages with the same key to the same member, as long as the group does not change.
    pub fn sticky<K, F>(members: Vec<Addr<M>>, key: F) -> Router<M>
    where
        K: Hash,
        F: Fn(&M) -> K + Send + Sync + 'static,
    {
        Router::with(
            members,
            Policy::Sticky(Box::new(move |msg| {
                let mut hasher = DefaultHasher::new();
                key(msg).hash(&mut hasher);
                hasher.finish()
            })),
        )
    }

    pub(crate) fn refreshed_by(mut self, refresh: Refresh<M>) -> Router<M> {
        if let Some(inner) = Arc::get_mut(&mut self.inner) {
            inner.refresh = Some(refresh);
        }
        self
    }

    /// Adds a member.
    pub fn add(&self, member: Addr<M>) {
        crate::sync::write(&self.inner.members).push(member);
    }

    /// Removes a member; `false` if it was not one.
    pub fn remove(&self, member: &Addr<M>) -> bool {
        let mut members = crate::sync::write(&self.inner.members);
        let before = members.len();
        members.retain(|m| m != member);
        members.len() != before
    }

    /// The members now.
    pub fn members(&self) -> Vec<Addr<M>> {
        crate::sync::read(&self.inner.members).clone()
    }

    /// How many members there are.
    pub fn len(&self) -> usize {
        crate::sync::read(&self.inner.members).len()
    }

    /// Whether the group is empty.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The index of the member for `msg` among `members` (not empty).
    fn pick(&self, members: &[Addr<M>], msg: &M) -> usize {
        match &self.inner.policy {
            Policy::RoundRobin => self.inner.next.fetch_add(1, Relaxed) % members.len(),
            Policy::LeastLoaded => members
                .iter()
                .enumerate()
                .min_by_key(|(_, member)| member.mailbox_len())
                .map_or(0, |(at, _)| at),
            Policy::Sticky(key) => (key(msg) % members.len() as u64) as usize,
        }
    }

    /// A member refused for good: drop it, and take in a supervisor's current children.
    fn gone(&self, member: &Addr<M>) {
        match &self.inner.refresh {
            Some(refresh) => {
                let fresh = refresh();
                *crate::sync::write(&self.inner.members) = fresh;
            }
            None => {
                self.remove(member);
            }
        }
    }

    /// Sends to the chosen member, blocking while its bounded mailbox is full.
    ///
    /// # Errors
    ///
    /// [`SendError`] with the message if no member accepts messages any more.
    pub fn send(&self, mut msg: M) -> Result<(), SendError<M>> {
        // Each failed try drops a member (or refreshes the group), so this ends.
        let mut tries = self.len() + 1;
        while tries > 0 {
            tries -= 1;
            let members = crate::sync::read(&self.inner.members);
            if members.is_empty() {
                break;
            }
            let at = self.pick(&members, &msg);
            // The send is tried under the read lock; waiting for room, and dropping a member that
            // has gone, happen with the lock released.
            let member = members[at].clone();
            let sent = members[at].try_send(msg);
            drop(members);
            let refused = match sent {
                Ok(()) => return Ok(()),
                Err(TrySendError::Full(back)) => match member.send(back) {
                    Ok(()) => return Ok(()),
                    Err(refused) => refused.into_inner(),
                },
                Err(TrySendError::Closed(back)) => back,
            };
            msg = refused;
            self.gone(&member);
        }
        Err(SendError(msg))
    }

    /// Sends to the chosen member without waiting.
    ///
    /// # Errors
    ///
    /// [`TrySendError::Full`] with the message if the chosen member's mailbox is full;
    /// [`TrySendError::Closed`] if no member accepts messages any more.
    pub fn try_send(&self, mut msg: M) -> Result<(), TrySendError<M>> {
        let mut tries = self.len() + 1;
        while tries > 0 {
            tries -= 1;
            let members = crate::sync::read(&self.inner.members);
            if members.is_empty() {
                break;
            }
            let at = self.pick(&members, &msg);
            let member = members[at].clone();
            let sent = members[at].try_send(msg);
            drop(members);
            match sent {
                Ok(()) => return Ok(()),
                Err(TrySendError::Full(back)) => return Err(TrySendError::Full(back)),
                Err(TrySendError::Closed(back)) => {
                    msg = back;
                    self.gone(&member);
                }
            }
        }
        Err(TrySendError::Closed(msg))
    }

    /// Closes every member (each drains what it has queued).
    pub fn close_all(&self) {
        for member in self.members() {
            member.close();
        }
    }
}

impl<M> Clone for Router<M> {
    fn clone(&self) -> Router<M> {
        Router {
            inner: Arc::clone(&self.inner),
        }
    }
}

impl<M> fmt::Debug for Router<M> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let policy = match self.inner.policy {
            Policy::RoundRobin => "round robin",
            Policy::LeastLoaded => "least loaded",
            Policy::Sticky(_) => "sticky",
        };
        f.debug_struct("Router")
            .field("policy", &policy)
            .field("members", &crate::sync::read(&self.inner.members).len())
            .finish()
    }
}
