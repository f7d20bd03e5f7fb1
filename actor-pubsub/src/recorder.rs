//! `Recorder`: a subscriber that keeps every message it receives, for tests.

use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use crate::{Delivery, Subscriber, Wait};

/// A subscriber that records the messages it receives, in arrival order. Clones share the same
/// record: attach one clone, read through another.
///
/// Delivery is immediate (it never reports `Full`), on the sending thread.
///
/// ```
/// use actor_pubsub::{DeliveryPolicy, Exchange, Recorder};
///
/// let exc = Exchange::new(DeliveryPolicy::Block);
/// let seen = Recorder::new();
/// let _sub = exc.attach(seen.clone());
/// exc.send(1);
/// exc.send(2);
/// assert_eq!(seen.len(), 2);
/// assert_eq!(seen.take(), [1, 2]);
/// assert!(seen.is_empty());
/// ```
pub struct Recorder<M> {
    messages: Arc<Mutex<Vec<M>>>,
}

impl<M> Recorder<M> {
    /// A recorder with nothing recorded.
    pub fn new() -> Recorder<M> {
        Recorder {
            messages: Arc::new(Mutex::new(Vec::new())),
        }
    }

    /// A copy of the messages recorded so far.
    pub fn messages(&self) -> Vec<M>
    where
        M: Clone,
    {
        self.lock().clone()
    }

    /// Takes the messages recorded so far, leaving the record empty.
    pub fn take(&self) -> Vec<M> {
        std::mem::take(&mut *self.lock())
    }

    /// How many messages are recorded.
    pub fn len(&self) -> usize {
        self.lock().len()
    }

    /// Whether nothing is recorded.
    pub fn is_empty(&self) -> bool {
        self.lock().is_empty()
    }

    fn lock(&self) -> MutexGuard<'_, Vec<M>> {
        self.messages.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl<M: Send> Subscriber<M> for Recorder<M> {
    fn deliver(&self, msg: M, _wait: Wait) -> Delivery<M> {
        self.lock().push(msg);
        Delivery::Delivered
    }
}

impl<M> Clone for Recorder<M> {
    fn clone(&self) -> Recorder<M> {
        Recorder {
            messages: Arc::clone(&self.messages),
        }
    }
}

impl<M> Default for Recorder<M> {
    fn default() -> Recorder<M> {
        Recorder::new()
    }
}

impl<M> fmt::Debug for Recorder<M> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Recorder")
            .field("recorded", &self.len())
            .finish()
    }
}
