//! `Exchange`: the recipe's exchange, delivering each message to every attached subscriber.

use std::fmt;
use std::sync::Arc;

use crate::list::{Detach, Entry, List, next_id};
use crate::{Delivery, DeliveryPolicy, Subscriber, Subscription, Wait};

/// A publish/subscribe exchange: every message sent to it goes to every subscriber attached
/// when the send started.
///
/// Share it between threads in an `Arc` (a [`Registry`](crate::Registry) hands out
/// `Arc<Exchange<M>>`). [`attach`](Exchange::attach) returns a [`Subscription`] guard; dropping it
/// detaches. [`send`](Exchange::send) delivers in attach order, holding no lock while it does,
/// and reports how many subscribers received the message. What happens at a subscriber without
/// room is the exchange's [`DeliveryPolicy`].
///
/// Guarantees:
/// - messages from one sending thread reach each subscriber in the order they were sent (for
///   subscribers that keep order, as actors and channels do);
/// - a subscriber sees no message whose `send` returned before it was attached, and none whose
///   `send` started after its subscription was dropped;
/// - a subscriber that is gone (its actor ended, its channel is disconnected) is detached by the
///   `send` that finds it so, and is not counted as a receiver; the others still get the message.
///
/// `Debug` does not require `M: Debug`.
///
/// # Examples
///
/// The recipe, with closures for its `Task` objects:
///
/// ```
/// use actor_pubsub::{DeliveryPolicy, Exchange};
/// use std::sync::{Arc, Mutex};
///
/// let printed = Arc::new(Mutex::new(Vec::new()));
/// let task = |name: &'static str| {
///     let printed = Arc::clone(&printed);
///     move |msg: &str| printed.lock().unwrap().push(format!("{name} received {msg}"))
/// };
///
/// let exc = Exchange::new(DeliveryPolicy::Block);
/// let task_a = exc.attach(task("task_a"));
/// let task_b = exc.attach(task("task_b"));
/// assert_eq!(exc.send("msg1"), 2);
/// assert_eq!(exc.send("msg2"), 2);
/// exc.detach(&task_a);
/// exc.detach(&task_b);
/// assert_eq!(exc.send("msg3"), 0);
/// assert_eq!(
///     *printed.lock().unwrap(),
///     ["task_a received msg1", "task_b received msg1", "task_a received msg2", "task_b received msg2"]
/// );
/// ```
pub struct Exchange<M> {
    list: Arc<List<M>>,
    policy: DeliveryPolicy,
}

impl<M: Clone + Send + 'static> Exchange<M> {
    /// A new exchange with no subscribers and this delivery policy.
    ///
    /// ```
    /// use actor_pubsub::{DeliveryPolicy, Exchange};
    ///
    /// let exc: Exchange<String> = Exchange::new(DeliveryPolicy::Skip);
    /// assert_eq!(exc.policy(), DeliveryPolicy::Skip);
    /// assert_eq!(exc.subscriber_count(), 0);
    /// ```
    pub fn new(policy: DeliveryPolicy) -> Exchange<M> {
        Exchange {
            list: Arc::new(List::new()),
            policy,
        }
    }

    /// The delivery policy chosen when the exchange was made.
    pub fn policy(&self) -> DeliveryPolicy {
        self.policy
    }

    /// Attaches a subscriber: an actor's [`Addr`](actor_core::Addr), a closure, an
    /// `actor_core::channel::Sender` (a crossbeam `Sender` with the feature `crossbeam`), or any
    /// [`Subscriber`]. It receives every `send` that starts from now on, after
    /// the subscribers attached before it.
    ///
    /// The same actor may be attached twice; it then gets each message twice.
    ///
    /// ```
    /// use actor_core::Inbox;
    /// use actor_pubsub::{DeliveryPolicy, Exchange};
    ///
    /// let (seen_tx, seen) = std::sync::mpsc::channel();
    /// let printer = actor_core::spawn_fn(move |inbox: Inbox<&str>| loop {
    ///     seen_tx.send(format!("Got: {}", inbox.recv()?)).unwrap();
    /// });
    /// let exc = Exchange::new(DeliveryPolicy::Block);
    /// let sub = exc.attach(printer.addr());
    /// exc.send("Hello");
    /// drop(sub);
    /// printer.join();
    /// assert_eq!(seen.recv().unwrap(), "Got: Hello");
    /// ```
    pub fn attach<S>(&self, subscriber: S) -> Subscription
    where
        S: Subscriber<M> + 'static,
    {
        let id = next_id();
        let stats = self.list.push(id, Box::new(subscriber));
        let list: Arc<dyn Detach> = Arc::clone(&self.list) as Arc<dyn Detach>;
        Subscription::new(id, stats, Arc::downgrade(&list))
    }

    /// Attaches a closure. The same as [`attach`](Exchange::attach), but the closure's argument
    /// type need not be written out.
    ///
    /// ```
    /// use actor_pubsub::{DeliveryPolicy, Exchange};
    ///
    /// let exc: Exchange<String> = Exchange::new(DeliveryPolicy::Block);
    /// let _sub = exc.attach_fn(|msg| assert_eq!(msg, "hello"));
    /// assert_eq!(exc.send("hello".to_string()), 1);
    /// ```
    pub fn attach_fn<F>(&self, subscriber: F) -> Subscription
    where
        F: Fn(M) + Send + Sync + 'static,
    {
        self.attach(subscriber)
    }

    /// Detaches the subscriber behind `subscription`. Returns `true` if it was attached to this
    /// exchange, `false` if it was already detached or belongs to another exchange. Dropping the
    /// subscription later does nothing more.
    ///
    /// ```
    /// use actor_pubsub::{DeliveryPolicy, Exchange};
    ///
    /// let exc = Exchange::new(DeliveryPolicy::Block);
    /// let other: Exchange<u8> = Exchange::new(DeliveryPolicy::Block);
    /// let sub = exc.attach_fn(|_: u8| {});
    /// assert!(!other.detach(&sub));
    /// assert!(exc.detach(&sub));
    /// assert!(!exc.detach(&sub));
    /// assert!(!sub.is_attached());
    /// ```
    pub fn detach(&self, subscription: &Subscription) -> bool {
        subscription.belongs_to(Arc::as_ptr(&self.list) as *const ())
            && self.list.detach(subscription.id)
    }

    /// Delivers `msg` to every subscriber attached when the call starts, in attach order, and
    /// returns how many took it.
    ///
    /// Each subscriber gets its own clone of `msg`, except the last, which gets `msg` itself: a
    /// single subscriber costs no clone. For large messages, send an `Arc`.
    ///
    /// The subscriber list is a snapshot taken at the start: `send` holds no lock while it
    /// delivers, so subscribers may block (only this thread waits) or attach, detach and send on
    /// this exchange from inside their delivery. A subscriber detached after the snapshot is
    /// skipped if `send` has not reached it yet.
    ///
    /// A full subscriber waits or is skipped as the [`DeliveryPolicy`] says; a skipped delivery
    /// counts as dropped for that subscriber and not as received. A gone subscriber (its actor
    /// ended) is detached before `send` returns and is not counted.
    ///
    /// # Panics
    ///
    /// Only if a subscriber panics (a closure subscriber runs on this thread); the panic then
    /// propagates and later subscribers miss this message. The exchange stays usable.
    ///
    /// # Examples
    ///
    /// ```
    /// use actor_pubsub::{DeliveryPolicy, Exchange, Recorder};
    ///
    /// let exc = Exchange::new(DeliveryPolicy::Block);
    /// assert_eq!(exc.send("nobody listens"), 0);
    /// let (a, b) = (Recorder::new(), Recorder::new());
    /// let _sa = exc.attach(a.clone());
    /// let _sb = exc.attach(b.clone());
    /// assert_eq!(exc.send("msg1"), 2);
    /// assert_eq!(a.messages(), ["msg1"]);
    /// assert_eq!(b.messages(), ["msg1"]);
    /// ```
    pub fn send(&self, msg: M) -> usize {
        self.send_skipping(msg, None)
    }

    /// [`send`](Exchange::send) to every subscriber but the one attached as `skip`: how a bridge
    /// hands a message it received to the local subscribers without taking it back itself. The
    /// skipped subscriber counts the message as missed.
    #[cfg_attr(not(feature = "nats"), allow(dead_code))]
    pub(crate) fn send_skipping(&self, msg: M, skip: Option<u64>) -> usize {
        let snapshot = self.list.begin_send();
        let Some(last) = snapshot.len().checked_sub(1) else {
            return 0;
        };
        let wait = self.policy.wait();
        let mut walk = Walk {
            list: &self.list,
            entries: &snapshot,
            next: 0,
            gone: Vec::new(),
            skip,
        };
        let mut received = 0;
        for _ in 0..last {
            received += walk.offer(wait, || msg.clone());
        }
        received += walk.offer(wait, move || msg);
        drop(walk);
        drop(snapshot);
        received
    }

    /// How many subscribers are attached now.
    ///
    /// ```
    /// use actor_pubsub::{DeliveryPolicy, Exchange};
    ///
    /// let exc = Exchange::new(DeliveryPolicy::Block);
    /// let a = exc.attach_fn(|_: u8| {});
    /// let b = exc.attach_fn(|_: u8| {});
    /// assert_eq!(exc.subscriber_count(), 2);
    /// drop((a, b));
    /// assert_eq!(exc.subscriber_count(), 0);
    /// ```
    pub fn subscriber_count(&self) -> usize {
        self.list.len()
    }
}

/// One send's walk over its snapshot, in order. Dropping it settles the books, also when a
/// subscriber panics: every entry not reached counts the message as missed, and the subscribers
/// found gone are removed from the list (after the deliveries, never during them).
struct Walk<'a, M> {
    list: &'a List<M>,
    entries: &'a [Arc<Entry<M>>],
    /// The entry being delivered to, or the next one.
    next: usize,
    gone: Vec<u64>,
    /// A subscriber this send passes over.
    skip: Option<u64>,
}

impl<M> Walk<'_, M> {
    /// Offers a message to the next entry; 1 if it took it, 0 otherwise. `msg` is only made
    /// (cloned) for a subscriber still attached.
    #[inline]
    fn offer(&mut self, wait: Wait, msg: impl FnOnce() -> M) -> usize {
        let Some(entry) = self.entries.get(self.next) else {
            return 0;
        };
        let took = if !entry.stats.is_attached() || self.skip == Some(entry.id) {
            entry.stats.count_missed();
            0
        } else {
            match entry.subscriber.deliver(msg(), wait) {
                Delivery::Delivered => 1,
                Delivery::Full(_) => {
                    entry.stats.count_dropped();
                    crate::trace::dropped::<M>(entry.id);
                    0
                }
                Delivery::Gone(_) => {
                    // Other senders skip it from now on; it leaves the list when this walk ends.
                    entry.stats.mark_gone();
                    entry.stats.count_missed();
                    crate::trace::gone::<M>(entry.id);
                    self.gone.push(entry.id);
                    0
                }
            }
        };
        self.next += 1;
        took
    }
}

impl<M> Drop for Walk<'_, M> {
    fn drop(&mut self) {
        for entry in self.entries.get(self.next..).unwrap_or_default() {
            entry.stats.count_missed();
        }
        if !self.gone.is_empty() {
            self.list.remove(&self.gone);
        }
    }
}

impl<M: Clone + Send + 'static> Default for Exchange<M> {
    /// An exchange with [`DeliveryPolicy::Block`].
    fn default() -> Exchange<M> {
        Exchange::new(DeliveryPolicy::Block)
    }
}

impl<M> fmt::Debug for Exchange<M> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Exchange")
            .field("policy", &self.policy)
            .field("subscribers", &self.list.len())
            .finish()
    }
}
