//! The one place crossbeam-channel is imported: a crossbeam `Sender<M>` as a subscriber (feature
//! `crossbeam`).

use crossbeam_channel::{SendTimeoutError, Sender, TrySendError};

use crate::{Delivery, Subscriber, Wait};

/// A crossbeam-channel sender as a subscriber: the messages go into the channel. A bounded
/// channel that is full is [`Delivery::Full`] (after the allowed wait); a channel whose receivers
/// are all gone is [`Delivery::Gone`], so the exchange detaches it.
///
/// ```
/// use actor_pubsub::{DeliveryPolicy, Exchange};
///
/// let (tx, rx) = crossbeam_channel::unbounded();
/// let exc = Exchange::new(DeliveryPolicy::Block);
/// let _sub = exc.attach(tx);
/// exc.send("msg1");
/// assert_eq!(rx.try_recv(), Ok("msg1"));
/// drop(rx);
/// assert_eq!(exc.send("msg2"), 0); // nobody can receive any more: detached
/// assert_eq!(exc.subscriber_count(), 0);
/// ```
impl<M: Send + 'static> Subscriber<M> for Sender<M> {
    #[inline]
    fn deliver(&self, msg: M, wait: Wait) -> Delivery<M> {
        match wait {
            Wait::Block => match self.send(msg) {
                Ok(()) => Delivery::Delivered,
                Err(err) => Delivery::Gone(err.into_inner()),
            },
            Wait::Try => match self.try_send(msg) {
                Ok(()) => Delivery::Delivered,
                Err(TrySendError::Full(msg)) => Delivery::Full(msg),
                Err(TrySendError::Disconnected(msg)) => Delivery::Gone(msg),
            },
            Wait::Until(deadline) => match self.send_deadline(msg, deadline) {
                Ok(()) => Delivery::Delivered,
                Err(SendTimeoutError::Timeout(msg)) => Delivery::Full(msg),
                Err(SendTimeoutError::Disconnected(msg)) => Delivery::Gone(msg),
            },
        }
    }
}
