//! `DeliveryPolicy`, what an exchange does at a full subscriber, and `Wait`, what it lets one delivery do.

use std::time::{Duration, Instant};

/// What an [`Exchange`](crate::Exchange) does when a subscriber cannot take a message at once,
/// typically an actor whose bounded mailbox is full. Chosen once, when the exchange is made.
///
/// Whatever the policy, only the thread calling [`send`](crate::Exchange::send) ever waits: the
/// exchange holds no lock while it delivers, so other senders, `attach` and `detach` go on.
/// Subscribers that never fill up (unbounded mailboxes, closures) behave the same under every
/// policy.
///
/// # Examples
///
/// ```
/// use actor_pubsub::{DeliveryPolicy, Exchange};
/// use std::time::Duration;
///
/// let lossless: Exchange<u32> = Exchange::new(DeliveryPolicy::Block);
/// let lossy: Exchange<u32> = Exchange::new(DeliveryPolicy::Skip);
/// let patient: Exchange<u32> = Exchange::new(DeliveryPolicy::Timeout(Duration::from_millis(5)));
/// assert_eq!(lossless.policy(), DeliveryPolicy::Block);
/// assert_eq!(lossy.policy(), DeliveryPolicy::Skip);
/// assert_eq!(patient.policy(), DeliveryPolicy::Timeout(Duration::from_millis(5)));
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum DeliveryPolicy {
    /// Wait until the subscriber has room: nothing is dropped, a slow subscriber slows the
    /// sender down (back-pressure). A subscriber whose actor ends while `send` waits is detached.
    /// This is the recipe's behaviour and what [`Registry::exchange`](crate::Registry::exchange)
    /// and [`get_exchange`](crate::get_exchange) use for the exchanges they create.
    #[default]
    Block,
    /// Never wait: a subscriber without room misses the message, and its
    /// [`dropped`](crate::Subscription::dropped) counter goes up by one.
    Skip,
    /// Wait at most this long in all, then skip like [`Skip`](DeliveryPolicy::Skip). The deadline
    /// is set when `send` starts and shared by all its deliveries, so one `send` takes about this
    /// long at most however many subscribers are full; a subscriber reached after the deadline
    /// still gets the message if it has room at that moment. A duration too large to add to the
    /// current time acts as [`Block`](DeliveryPolicy::Block).
    Timeout(Duration),
}

impl DeliveryPolicy {
    /// The wait every delivery of a `send` starting now may take.
    #[inline]
    pub(crate) fn wait(self) -> Wait {
        match self {
            DeliveryPolicy::Block => Wait::Block,
            DeliveryPolicy::Skip => Wait::Try,
            DeliveryPolicy::Timeout(timeout) => match Instant::now().checked_add(timeout) {
                Some(deadline) => Wait::Until(deadline),
                None => Wait::Block,
            },
        }
    }
}

/// How long one delivery may wait for room, as the exchange's [`DeliveryPolicy`] decided for the
/// current `send`. A [`Subscriber`](crate::Subscriber) that can fill up honours it; one that
/// never does (a closure) may ignore it.
///
/// ```
/// use actor_pubsub::Wait;
/// use std::time::Instant;
///
/// let wait = Wait::Until(Instant::now());
/// assert!(matches!(wait, Wait::Until(_)));
/// assert_ne!(Wait::Block, Wait::Try);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Wait {
    /// Wait as long as it takes ([`DeliveryPolicy::Block`]).
    Block,
    /// Deliver only if there is room now ([`DeliveryPolicy::Skip`]).
    Try,
    /// Wait until this instant at most ([`DeliveryPolicy::Timeout`]). It may already have passed;
    /// then deliver only if there is room now.
    Until(Instant),
}
