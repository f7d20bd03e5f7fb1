//! `DisplayMessages`: the recipe's diagnostic subscriber, counting and printing each message.

use std::fmt;
use std::io::Write;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};

use crate::{Delivery, Subscriber, Wait};

/// A diagnostic subscriber that numbers and prints every message it receives, as
/// `msg[1]: "some"` (the message's `Debug` form, Rust's counterpart of Python's `repr`).
///
/// It prints to standard output, or hands each line to a sink of your choice
/// ([`with_sink`](DisplayMessages::with_sink)). Clones share the count. Delivery runs on the
/// sending thread; with several senders at once, lines may come out in a slightly different order
/// from their numbers.
///
/// ```
/// use actor_pubsub::{DeliveryPolicy, DisplayMessages, Exchange};
/// use std::sync::{Arc, Mutex};
///
/// let lines = Arc::new(Mutex::new(Vec::new()));
/// let sink = Arc::clone(&lines);
/// let display = DisplayMessages::with_sink(move |line| sink.lock().unwrap().push(line));
///
/// let exc = Exchange::new(DeliveryPolicy::Block);
/// let _sub = exc.attach(display.clone());
/// exc.send("some");
/// exc.send("data");
/// assert_eq!(*lines.lock().unwrap(), [r#"msg[1]: "some""#, r#"msg[2]: "data""#]);
/// assert_eq!(display.count(), 2);
/// ```
#[derive(Clone)]
pub struct DisplayMessages {
    inner: Arc<Inner>,
}

struct Inner {
    count: AtomicU64,
    sink: Box<dyn Fn(String) + Send + Sync>,
}

impl DisplayMessages {
    /// Prints each line to standard output. A closed standard output is ignored, not a panic.
    ///
    /// ```
    /// use actor_pubsub::{DeliveryPolicy, DisplayMessages, Exchange};
    ///
    /// let exc = Exchange::new(DeliveryPolicy::Block);
    /// let d = DisplayMessages::new();
    /// let _sub = exc.attach(d.clone());
    /// exc.send("some"); // prints: msg[1]: "some"
    /// assert_eq!(d.count(), 1);
    /// ```
    pub fn new() -> DisplayMessages {
        DisplayMessages::with_sink(|line| {
            let _ = writeln!(std::io::stdout().lock(), "{line}");
        })
    }

    /// Hands each line (without a newline) to `sink`.
    pub fn with_sink(sink: impl Fn(String) + Send + Sync + 'static) -> DisplayMessages {
        DisplayMessages {
            inner: Arc::new(Inner {
                count: AtomicU64::new(0),
                sink: Box::new(sink),
            }),
        }
    }

    /// How many messages it has received.
    pub fn count(&self) -> u64 {
        // A counter that publishes nothing: the lines went to the sink on the sending threads.
        self.inner.count.load(Relaxed)
    }
}

impl<M: fmt::Debug> Subscriber<M> for DisplayMessages {
    fn deliver(&self, msg: M, _wait: Wait) -> Delivery<M> {
        // Only the number is needed, unique per message: any ordering of a read-modify-write.
        let n = self.inner.count.fetch_add(1, Relaxed) + 1;
        (self.inner.sink)(format!("msg[{n}]: {msg:?}"));
        Delivery::Delivered
    }
}

impl Default for DisplayMessages {
    fn default() -> DisplayMessages {
        DisplayMessages::new()
    }
}

impl fmt::Debug for DisplayMessages {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DisplayMessages")
            .field("count", &self.count())
            .finish_non_exhaustive()
    }
}
