//! `Subscription`, the guard that keeps a subscriber attached, and `Counters`, its delivery counts.

use std::fmt;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering::Relaxed};
use std::sync::{Arc, Weak};

use crate::list::Detach;

/// Per-subscriber counts, shared by the exchange's entry and the subscription.
///
/// Nothing is written on a successful delivery. The sends that saw this subscriber are those the
/// exchange's clock numbers from `since` (its attach) up to `until` (its detach), so
/// `delivered = sends seen - dropped - missed`, where `missed` counts the sends that saw it but
/// did not deliver (it was detached or gone by then, or an earlier subscriber panicked). The
/// figure is exact whenever no send is in progress; while one is, its message counts as delivered
/// to the subscribers it has not reached yet.
///
/// Orderings: every atomic here is `Relaxed`, because none of them publishes other data. The
/// counts are event counters and `since`/`until` are clock readings taken under the list's lock;
/// what makes a reading exact is that the reader knows the sends it cares about are over, and it
/// can only know that through a happens-before of its own with them (a join, a channel, a lock,
/// being the thread that sent), which makes all their writes visible whatever the orderings.
/// Stronger orderings would only order these counters among themselves, which nothing needs.
#[derive(Debug)]
pub(crate) struct Stats {
    clock: Arc<AtomicU64>,
    since: u64,
    /// `u64::MAX` while attached.
    until: AtomicU64,
    dropped: AtomicU64,
    missed: AtomicU64,
    /// Cleared on detach, when the exchange finds the subscriber gone, or when the exchange is
    /// dropped. A hint that lets a send under way skip it; nothing is published through it.
    attached: AtomicBool,
}

impl Stats {
    /// Counts for a subscriber attached when `clock` read `since`.
    pub(crate) fn new(clock: Arc<AtomicU64>, since: u64) -> Stats {
        Stats {
            clock,
            since,
            until: AtomicU64::new(u64::MAX),
            dropped: AtomicU64::new(0),
            missed: AtomicU64::new(0),
            attached: AtomicBool::new(true),
        }
    }

    /// A delivery found no room within the allowed wait.
    #[inline]
    pub(crate) fn count_dropped(&self) {
        // A counter: the read-modify-write keeps concurrent sends from losing counts.
        self.dropped.fetch_add(1, Relaxed);
    }

    /// A send that saw this subscriber did not deliver to it.
    #[inline]
    pub(crate) fn count_missed(&self) {
        // A counter, as `count_dropped`.
        self.missed.fetch_add(1, Relaxed);
    }

    #[inline]
    pub(crate) fn is_attached(&self) -> bool {
        // A hint (see the field).
        self.attached.load(Relaxed)
    }

    /// Sends skip this subscriber from now on.
    pub(crate) fn mark_gone(&self) {
        // A hint (see the field).
        self.attached.store(false, Relaxed);
    }

    /// Removed from the list when the clock read `now`: later sends cannot see it.
    pub(crate) fn set_detached(&self, now: u64) {
        self.mark_gone();
        // A clock reading taken under the list's lock (see the type's docs).
        self.until.store(now, Relaxed);
    }

    fn delivered(&self) -> u64 {
        // All `Relaxed` (see the type's docs).
        let (dropped, missed) = (self.dropped.load(Relaxed), self.missed.load(Relaxed));
        let end = self.until.load(Relaxed).min(self.clock.load(Relaxed));
        end.saturating_sub(self.since)
            .saturating_sub(dropped)
            .saturating_sub(missed)
    }

    fn dropped(&self) -> u64 {
        self.dropped.load(Relaxed)
    }
}

/// A subscriber's attachment to an exchange, returned by [`Exchange::attach`]. **Dropping it
/// detaches the subscriber** (the Rust form of the recipe's context-managed subscription); so
/// does [`Exchange::detach`]. [`forget`](Subscription::forget) keeps the subscriber attached for
/// as long as the exchange lives.
///
/// Once the subscription is dropped, no `send` that starts afterwards delivers to the subscriber,
/// and a `send` already under way skips it if it has not reached it yet. The exchange drops its
/// subscriber value (for an actor: its address) then, or, if a `send` is still delivering from a
/// list taken before, when that `send` returns.
///
/// It also reads the subscriber's counters. `Subscription` is `Send + Sync` and does not depend
/// on the message type.
///
/// # Examples
///
/// ```
/// use actor_pubsub::{DeliveryPolicy, Exchange, Recorder};
///
/// let exc = Exchange::new(DeliveryPolicy::Block);
/// let seen = Recorder::new();
/// {
///     let sub = exc.attach(seen.clone());
///     exc.send("msg1");
///     assert_eq!(sub.delivered(), 1);
/// } // dropped here: detached
/// assert_eq!(exc.send("msg2"), 0);
/// assert_eq!(seen.messages(), ["msg1"]);
/// ```
///
/// [`Exchange::attach`]: crate::Exchange::attach
/// [`Exchange::detach`]: crate::Exchange::detach
#[must_use = "dropping a Subscription detaches the subscriber at once; keep it, or call forget()"]
pub struct Subscription {
    pub(crate) id: u64,
    pub(crate) counters: Counters,
    /// `None` after `forget`.
    pub(crate) list: Option<Weak<dyn Detach>>,
}

impl Subscription {
    pub(crate) fn new(id: u64, stats: Arc<Stats>, list: Weak<dyn Detach>) -> Subscription {
        Subscription {
            id,
            counters: Counters { stats },
            list: Some(list),
        }
    }

    /// How many messages the subscriber took (see [`Counters::delivered`]).
    pub fn delivered(&self) -> u64 {
        self.counters.delivered()
    }

    /// How many messages the subscriber missed because it had no room (see
    /// [`DeliveryPolicy`](crate::DeliveryPolicy)).
    ///
    /// ```
    /// use actor_pubsub::{DeliveryPolicy, Exchange};
    ///
    /// let exc = Exchange::new(DeliveryPolicy::Skip);
    /// let (tx, rx) = actor_core::channel::bounded(1);
    /// let sub = exc.attach(tx);
    /// exc.send(1);
    /// exc.send(2); // the channel is full: skipped
    /// assert_eq!((sub.delivered(), sub.dropped()), (1, 1));
    /// assert_eq!(rx.recv().unwrap(), 1);
    /// ```
    pub fn dropped(&self) -> u64 {
        self.counters.dropped()
    }

    /// Whether the subscriber is still attached: `false` after [`Exchange::detach`], once the
    /// exchange found it gone (its actor ended), or once the exchange itself is dropped.
    ///
    /// [`Exchange::detach`]: crate::Exchange::detach
    pub fn is_attached(&self) -> bool {
        self.counters.is_attached()
    }

    /// A handle on the subscriber's counters that outlives the subscription.
    pub fn counters(&self) -> Counters {
        self.counters.clone()
    }

    /// Gives up the guard without detaching: the subscriber stays attached until the exchange
    /// finds it gone or is dropped itself. Returns its counters.
    ///
    /// ```
    /// use actor_pubsub::{DeliveryPolicy, Exchange, Recorder};
    ///
    /// let exc = Exchange::new(DeliveryPolicy::Block);
    /// let seen = Recorder::new();
    /// let counters = exc.attach(seen.clone()).forget();
    /// assert_eq!(exc.send(1), 1);
    /// assert_eq!(counters.delivered(), 1);
    /// assert_eq!(exc.subscriber_count(), 1);
    /// ```
    pub fn forget(mut self) -> Counters {
        self.list = None;
        self.counters.clone()
    }

    /// Whether this subscription belongs to the list at `list`.
    pub(crate) fn belongs_to(&self, list: *const ()) -> bool {
        self.list
            .as_ref()
            .is_some_and(|own| std::ptr::addr_eq(own.as_ptr(), list))
    }
}

impl Drop for Subscription {
    fn drop(&mut self) {
        if let Some(list) = self.list.take().and_then(|weak| weak.upgrade()) {
            list.detach(self.id);
        }
    }
}

impl fmt::Debug for Subscription {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Subscription")
            .field("id", &self.id)
            .field("attached", &self.is_attached())
            .field("delivered", &self.delivered())
            .field("dropped", &self.dropped())
            .finish()
    }
}

/// A subscriber's delivery counts, readable after its [`Subscription`] is gone. Cheap to clone.
///
/// ```
/// use actor_pubsub::{DeliveryPolicy, Exchange};
///
/// let exc = Exchange::new(DeliveryPolicy::Block);
/// let sub = exc.attach_fn(|_msg: u8| {});
/// let counters = sub.counters();
/// exc.send(1);
/// drop(sub);
/// exc.send(2);
/// assert_eq!(counters.delivered(), 1);
/// assert_eq!(counters.dropped(), 0);
/// assert!(!counters.is_attached());
/// ```
#[derive(Clone)]
pub struct Counters {
    stats: Arc<Stats>,
}

impl Counters {
    /// How many messages the subscriber took. Exact whenever no send is in progress; while one
    /// is, its message already counts for the subscribers it has not reached yet.
    pub fn delivered(&self) -> u64 {
        self.stats.delivered()
    }

    /// How many messages it missed for want of room.
    pub fn dropped(&self) -> u64 {
        self.stats.dropped()
    }

    /// Whether it is still attached (see [`Subscription::is_attached`]).
    pub fn is_attached(&self) -> bool {
        self.stats.is_attached()
    }
}

impl fmt::Debug for Counters {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Counters")
            .field("delivered", &self.delivered())
            .field("dropped", &self.dropped())
            .field("attached", &self.is_attached())
            .finish()
    }
}
