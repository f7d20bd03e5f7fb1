//! `Bridge`: an exchange joined to a NATS subject. Local sends are published; messages
//! published elsewhere are delivered to the local subscribers, from a delivery thread of the
//! bridge's own.

use std::fmt;
use std::marker::PhantomData;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

use async_nats::{Message, Subject};
use futures_util::StreamExt;
use serde::Serialize;
use serde::de::DeserializeOwned;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

use super::outbox::{self, Outbox, Refused};
use super::{Counter, Faults, Nats, NatsError, check_subject, has_wildcard};
use super::{durable, runtime, wire};
use crate::{Delivery, Exchange, Subscriber, Subscription, Wait};

/// Where and how an exchange is bridged; for [`Nats::bridge_with`].
///
/// ```
/// use actor_pubsub::nats::BridgeOptions;
///
/// // Publish local orders of one region, receive those of every region.
/// let options = BridgeOptions::new()
///     .publish_to("orders.eu")
///     .receive_from("orders.*")
///     .type_tag("order.v1")
///     .queue_capacity(256);
/// # drop(options);
/// ```
#[derive(Clone, Debug)]
#[must_use = "options do nothing until given to Nats::bridge_with"]
pub struct BridgeOptions {
    publish_to: Option<String>,
    receive_from: Option<String>,
    tag: Option<String>,
    capacity: usize,
    /// The stream and consumer names of an at-least-once bridge.
    durable: Option<(String, String)>,
    ack_wait: Duration,
}

impl Default for BridgeOptions {
    fn default() -> BridgeOptions {
        BridgeOptions::new()
    }
}

impl BridgeOptions {
    /// Options that bridge nothing yet: set [`publish_to`](BridgeOptions::publish_to),
    /// [`receive_from`](BridgeOptions::receive_from) or both.
    pub fn new() -> BridgeOptions {
        BridgeOptions {
            publish_to: None,
            receive_from: None,
            tag: None,
            capacity: 1024,
            durable: None,
            ack_wait: Duration::from_secs(30),
        }
    }

    /// Publish every local send on this subject (no wildcards).
    pub fn publish_to(mut self, subject: impl Into<String>) -> BridgeOptions {
        self.publish_to = Some(subject.into());
        self
    }

    /// Deliver to the local subscribers every message published on this subject by another
    /// connection; wildcards allowed (`orders.*` one token, `orders.>` one or more).
    pub fn receive_from(mut self, subject: impl Into<String>) -> BridgeOptions {
        self.receive_from = Some(subject.into());
        self
    }

    /// The type tag written in and expected from every envelope. By default it is the message
    /// type's name without module paths (`Order`, `String`, `Vec<u32>`); choose a tag of your own
    /// when other programs or languages publish, so that renaming the Rust type breaks nothing.
    pub fn type_tag(mut self, tag: impl Into<String>) -> BridgeOptions {
        self.tag = Some(tag.into());
        self
    }

    /// How many messages each direction holds between the exchange and the client (default
    /// 1024): local sends waiting to be published, and received messages waiting for the local
    /// subscribers.
    pub fn queue_capacity(mut self, messages: usize) -> BridgeOptions {
        self.capacity = messages.max(1);
        self
    }

    /// **At least once**, through the JetStream stream `stream` (made, with file storage and the
    /// bridge's subjects, if the server has none of that name; the server must run with
    /// JetStream enabled, `nats-server -js`):
    ///
    /// - local sends are published to the stream and each is confirmed by it; one that is not
    ///   confirmed is counted in [`Bridge::failed`];
    /// - received messages come from the durable consumer `consumer` of that stream (made if
    ///   missing, filtered on the `receive_from` subject), and each is acknowledged once the
    ///   exchange's `send` of it has returned. One that is not acknowledged (the process ended
    ///   first, or a local subscriber panicked while it was delivered) is delivered again after
    ///   [`ack_wait`](BridgeOptions::ack_wait), to this consumer name in whichever process binds
    ///   it next. So a message can arrive twice, never zero times while the stream keeps it.
    ///
    /// Several processes that bind one consumer name share its messages, each going to one of
    /// them. Messages this connection published itself are acknowledged and passed over, as in
    /// a core bridge.
    pub fn durable(
        mut self,
        stream: impl Into<String>,
        consumer: impl Into<String>,
    ) -> BridgeOptions {
        self.durable = Some((stream.into(), consumer.into()));
        self
    }

    /// How long the server waits for the acknowledgement of a received message before it
    /// delivers the message again (default 30 s). Only for a [`durable`](BridgeOptions::durable)
    /// bridge; a consumer that already exists keeps the wait it was made with.
    pub fn ack_wait(mut self, wait: Duration) -> BridgeOptions {
        self.ack_wait = wait;
        self
    }
}

/// An exchange bridged to NATS, made by [`Nats::bridge`]. **Dropping it ends the bridge**: the
/// exchange stops publishing and receiving (the drop waits, a second at most, until the server
/// has the end of the subscription); local sends already queued are still published while the
/// connection lives, and the delivery thread ends after the message it is delivering.
///
/// It reads the bridge's counters and its last fault. A fault of a peer (a payload that does not
/// decode, carries another type tag, or exceeds the size limit) is counted in
/// [`malformed`](Bridge::malformed), kept as [`last_error`](Bridge::last_error), and emitted as a
/// `tracing` event with the feature `tracing`: never a panic.
#[must_use = "dropping a Bridge ends it at once"]
pub struct Bridge {
    stats: Arc<Stats>,
    outbox: Option<Arc<Outbox>>,
    /// The exchange's subscription that publishes; `None` for a bridge that only receives.
    subscription: Option<Subscription>,
    receiving: Option<JoinHandle<()>>,
    publish_to: Option<String>,
    receive_from: Option<String>,
    tag: String,
    nats: Nats,
}

pub(crate) struct Stats {
    published: Counter,
    dropped: Counter,
    failed: Arc<Counter>,
    received: Counter,
    malformed: Counter,
    echoes: Counter,
    pub(crate) faults: Faults,
}

impl Nats {
    /// Bridges `exchange` to `subject`, both ways: local sends are published on it, and messages
    /// published on it by other connections reach the local subscribers. A subject with a
    /// wildcard (`orders.*`, `orders.>`) is only received from. For other combinations, use
    /// [`bridge_with`](Nats::bridge_with).
    ///
    /// When this returns, the server has the subscription: a message published afterwards
    /// elsewhere is delivered.
    ///
    /// # Errors
    ///
    /// [`NatsError::InvalidSubject`], [`NatsError::Subscribe`], or
    /// [`NatsError::NotConnected`] if the subscription could not be made.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// use actor_pubsub::nats::Nats;
    /// use actor_pubsub::{DeliveryPolicy, Exchange, Recorder};
    /// use std::sync::Arc;
    ///
    /// let nats = Nats::connect("nats://127.0.0.1:4222")?;
    /// let orders = Arc::new(Exchange::<String>::new(DeliveryPolicy::Skip));
    /// let seen = Recorder::new();
    /// let _local = orders.attach(seen.clone());
    /// let bridge = nats.bridge(&orders, "orders")?;
    /// orders.send("local order".to_string()); // published on "orders", and seen locally
    /// bridge.flush(std::time::Duration::from_secs(1))?;
    /// # Ok::<(), actor_pubsub::nats::NatsError>(())
    /// ```
    pub fn bridge<M>(&self, exchange: &Arc<Exchange<M>>, subject: &str) -> Result<Bridge, NatsError>
    where
        M: Serialize + DeserializeOwned + Clone + Send + 'static,
    {
        let mut options = BridgeOptions::new().receive_from(subject);
        if !has_wildcard(subject) {
            options = options.publish_to(subject);
        }
        self.bridge_with(exchange, options)
    }

    /// Bridges `exchange` as `options` say.
    ///
    /// # Errors
    ///
    /// As [`bridge`](Nats::bridge); [`NatsError::InvalidSubject`] also when `options` name no
    /// subject at all.
    pub fn bridge_with<M>(
        &self,
        exchange: &Arc<Exchange<M>>,
        options: BridgeOptions,
    ) -> Result<Bridge, NatsError>
    where
        M: Serialize + DeserializeOwned + Clone + Send + 'static,
    {
        if options.publish_to.is_none() && options.receive_from.is_none() {
            return Err(NatsError::InvalidSubject {
                subject: String::new(),
                reason: "a bridge needs a subject to publish to or receive from",
            });
        }
        if let Some(subject) = &options.publish_to {
            check_subject(subject, false)?;
        }
        let tag = options.tag.unwrap_or_else(wire::default_tag::<M>);
        let stats = Arc::new(Stats {
            published: Counter::default(),
            dropped: Counter::default(),
            failed: Arc::default(),
            received: Counter::default(),
            malformed: Counter::default(),
            echoes: Counter::default(),
            faults: Faults::default(),
        });
        let limit = self.max_payload();

        // A durable bridge's stream and consumer, made if missing, before anything else.
        let (stream, messages) = match &options.durable {
            Some((stream, consumer)) => {
                let own: Vec<&str> = options
                    .publish_to
                    .iter()
                    .chain(&options.receive_from)
                    .map(String::as_str)
                    .collect();
                let subjects = durable::stream_subjects(&own);
                let consumer = options
                    .receive_from
                    .as_deref()
                    .map(|filter| (consumer.as_str(), filter, options.ack_wait));
                let (context, messages) = durable::open(self, stream, subjects, consumer)?;
                (Some(context), messages)
            }
            None => (None, None),
        };

        // Receiving first: a failed subscription leaves nothing behind.
        let mut inbound = None;
        if let Some(subject) = &options.receive_from {
            let (tx, rx) = mpsc::channel(options.capacity);
            let task = match messages {
                Some(messages) => self.inner.runtime.spawn_task(durable::receive(
                    messages,
                    subject.clone(),
                    limit,
                    tx,
                    Arc::clone(&stats),
                )),
                None => {
                    let subscriber = self.subscribe(subject, None)?;
                    self.inner.runtime.spawn_task(receive(
                        subscriber,
                        limit,
                        tx,
                        Arc::clone(&stats),
                    ))
                }
            };
            inbound = Some((rx, task));
        }

        let mut outbox = None;
        let mut subscription = None;
        if let Some(subject) = &options.publish_to {
            // A durable bridge's messages go through the publishing task, which awaits the
            // stream's confirmations; a core bridge's go to the client directly when they can.
            let direct = stream
                .is_none()
                .then(|| (self.inner.client.clone(), Arc::clone(&stats.failed)));
            let queue = Outbox::new(options.capacity, direct);
            self.inner.runtime.spawn(outbox::publish(
                Arc::clone(&queue),
                self.inner.client.clone(),
                stream,
                Arc::clone(&stats.failed),
            ));
            subscription = Some(exchange.attach(Outbound::<M> {
                outbox: Arc::clone(&queue),
                subject: Subject::from(subject.as_str()),
                envelope: wire::Envelope::new(&tag, Some(self.origin())),
                limit,
                stats: Arc::clone(&stats),
                message: PhantomData,
            }));
            outbox = Some(queue);
        }

        let mut receiving = None;
        if let Some((rx, task)) = inbound {
            let skip = subscription.as_ref().map(|sub| sub.id);
            let (exchange, stats, tag) = (Arc::clone(exchange), Arc::clone(&stats), tag.clone());
            let origin = self.origin().to_string();
            let started = thread::Builder::new()
                .name("actor-pubsub-nats-deliver".into())
                .spawn(move || {
                    let from = Inbound {
                        tag: &tag,
                        origin: &origin,
                        limit,
                        skip,
                    };
                    deliver(rx, &exchange, &from, &stats);
                });
            if let Err(err) = started {
                task.abort();
                if let Some(queue) = &outbox {
                    queue.close();
                }
                return Err(NatsError::Subscribe {
                    subject: options.receive_from.unwrap_or_default(),
                    reason: format!("could not start the delivery thread: {err}"),
                });
            }
            receiving = Some(task);
        }

        Ok(Bridge {
            stats,
            outbox,
            subscription,
            receiving,
            publish_to: options.publish_to,
            receive_from: options.receive_from,
            tag,
            nats: self.clone(),
        })
    }
}

impl Bridge {
    /// How many local sends were taken for publishing: handed to the client at once, or queued
    /// in the bridge.
    pub fn published(&self) -> u64 {
        self.stats.published.get()
    }

    /// How many local sends were not published: no room in the queue within the exchange's
    /// [`DeliveryPolicy`](crate::DeliveryPolicy) (for instance while the server is away), over
    /// the payload limit, or not encodable. The exchange counts them as dropped for the bridge's
    /// subscription too.
    pub fn dropped(&self) -> u64 {
        self.stats.dropped.get()
    }

    /// How many queued messages the client refused to publish (it was closed, or the payload
    /// exceeded the server's limit), or, for a [`durable`](BridgeOptions::durable) bridge, the
    /// stream did not confirm.
    pub fn failed(&self) -> u64 {
        self.stats.failed.get()
    }

    /// How many local sends are queued and not yet handed to the client.
    pub fn pending(&self) -> usize {
        self.outbox.as_ref().map_or(0, |outbox| outbox.pending())
    }

    /// How many messages from other connections were decoded and sent to the exchange.
    pub fn received(&self) -> u64 {
        self.stats.received.get()
    }

    /// How many received payloads were refused: not an envelope, another version, another type
    /// tag, a body that does not decode, or over the payload limit.
    pub fn malformed(&self) -> u64 {
        self.stats.malformed.get()
    }

    /// How many received messages were this connection's own publishes, and skipped.
    pub fn skipped_echoes(&self) -> u64 {
        self.stats.echoes.get()
    }

    /// The last fault: a refused payload, or a local message that could not be published.
    pub fn last_error(&self) -> Option<NatsError> {
        self.stats.faults.last()
    }

    /// The subject local sends are published on, if any.
    pub fn publish_subject(&self) -> Option<&str> {
        self.publish_to.as_deref()
    }

    /// The subject messages are received from, if any.
    pub fn receive_subject(&self) -> Option<&str> {
        self.receive_from.as_deref()
    }

    /// The type tag of the envelopes.
    pub fn type_tag(&self) -> &str {
        &self.tag
    }

    /// Waits until every local send queued so far has been published and processed by the
    /// server (routed to the subscribers it has), at most `timeout`.
    ///
    /// # Errors
    ///
    /// [`NatsError::NotConnected`] if the client is not connected, or not everything went out
    /// in time.
    pub fn flush(&self, timeout: Duration) -> Result<(), NatsError> {
        let deadline = Instant::now() + timeout;
        if let Some(outbox) = &self.outbox {
            if !outbox.wait_empty(deadline) {
                return Err(NatsError::NotConnected);
            }
        }
        self.nats.flush_until(deadline)
    }
}

impl Drop for Bridge {
    fn drop(&mut self) {
        // No local send reaches the queue after this.
        drop(self.subscription.take());
        if let Some(outbox) = &self.outbox {
            outbox.close();
        }
        // The receiving task drops its end of the delivery queue (the delivery thread ends) and
        // its subscription: once this returns, the server sends nothing more for it.
        if let Some(task) = self.receiving.take() {
            let inner = &self.nats.inner;
            inner.runtime.end_task(task, &inner.client);
        }
    }
}

impl fmt::Debug for Bridge {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Bridge")
            .field("publish_to", &self.publish_to)
            .field("receive_from", &self.receive_from)
            .field("tag", &self.tag)
            .field("published", &self.published())
            .field("received", &self.received())
            .field("malformed", &self.malformed())
            .finish()
    }
}

/// The subscriber that publishes: attached to the exchange, it encodes on the sending thread and
/// queues the payload, waiting for room as the exchange's policy allows.
struct Outbound<M> {
    outbox: Arc<Outbox>,
    subject: Subject,
    /// The type tag and this connection's origin, written once.
    envelope: wire::Envelope,
    limit: usize,
    stats: Arc<Stats>,
    message: PhantomData<fn(M)>,
}

impl<M: Serialize + Send + 'static> Subscriber<M> for Outbound<M> {
    fn deliver(&self, msg: M, wait: Wait) -> Delivery<M> {
        let refuse = |err: NatsError, msg: M| {
            self.stats.dropped.add();
            self.stats.faults.report(err);
            Delivery::Full(msg)
        };
        // Encoded into this thread's scratch buffer; the outbox keeps a copy.
        let queued = wire::with_scratch(|payload| {
            let subject = self.subject.as_str();
            self.envelope.encode_into(payload, subject, &msg)?;
            if payload.len() > self.limit {
                return Err(NatsError::TooLarge {
                    subject: subject.to_string(),
                    size: payload.len(),
                    limit: self.limit,
                });
            }
            Ok(self.outbox.push(&self.subject, payload, wait))
        });
        let pushed = match queued {
            Ok(pushed) => pushed,
            Err(err) => return refuse(err, msg),
        };
        match pushed {
            Ok(()) => {
                self.stats.published.add();
                Delivery::Delivered
            }
            Err(Refused::Full) => {
                self.stats.dropped.add();
                Delivery::Full(msg)
            }
            Err(Refused::Closed) => Delivery::Gone(msg),
        }
    }
}

/// The receiving task: skips oversized messages and queues the rest for the delivery thread,
/// waiting for room (never blocking the runtime thread).
async fn receive(
    mut subscriber: async_nats::Subscriber,
    limit: usize,
    deliveries: mpsc::Sender<Received>,
    stats: Arc<Stats>,
) {
    while let Some(message) = subscriber.next().await {
        if stats.oversized(&message, limit) {
            continue;
        }
        if deliveries.send(Received::Core(message)).await.is_err() {
            break;
        }
    }
}

impl Stats {
    /// Whether `message` is over the payload limit; if so it is counted and reported (it would
    /// never decode, and it is not parsed).
    pub(crate) fn oversized(&self, message: &Message, limit: usize) -> bool {
        if message.payload.len() <= limit {
            return false;
        }
        self.malformed.add();
        self.faults.report(NatsError::TooLarge {
            subject: message.subject.to_string(),
            size: message.payload.len(),
            limit,
        });
        true
    }
}

/// A received message, on its way to the delivery thread.
pub(crate) enum Received {
    /// From a core subscription.
    Core(Message),
    /// From a durable bridge's consumer: acknowledged once delivered. Boxed: the stream's
    /// context makes it several times the size of a core message.
    Stream(Box<async_nats::jetstream::Message>),
}

impl Received {
    fn message(&self) -> &Message {
        match self {
            Received::Core(message) => message,
            Received::Stream(message) => &message.message,
        }
    }

    /// Acknowledges a durable bridge's message (nothing to do for a core one). The
    /// acknowledgement only needs the client's queue: it is handed over from this thread.
    fn acknowledge(&self) {
        if let Received::Stream(message) = self {
            let deadline = Instant::now().checked_add(Duration::from_secs(5));
            let _ = runtime::wait_here(message.ack(), deadline, Duration::ZERO);
        }
    }
}

/// What the delivery thread expects of a received message.
struct Inbound<'a> {
    tag: &'a str,
    /// This connection's id: messages from it are skipped.
    origin: &'a str,
    limit: usize,
    /// The bridge's own subscriber, which the delivery passes over.
    skip: Option<u64>,
}

/// The delivery thread: decodes each received message and sends it to the exchange's
/// subscribers (all but the bridge's own), as the exchange's delivery policy says.
fn deliver<M>(
    mut deliveries: mpsc::Receiver<Received>,
    exchange: &Exchange<M>,
    from: &Inbound<'_>,
    stats: &Stats,
) where
    M: DeserializeOwned + Clone + Send + 'static,
{
    while let Some(received) = deliveries.blocking_recv() {
        let message = received.message();
        let decoded = wire::decode_unless_from::<M>(
            &message.subject,
            from.tag,
            &message.payload,
            from.limit,
            Some(from.origin),
        );
        match decoded {
            Ok(None) => stats.echoes.add(),
            Ok(Some(msg)) => {
                stats.received.add();
                // A closure subscriber that panics loses this message for the ones after it (as
                // with any send); the bridge goes on. A durable bridge does not acknowledge it:
                // the server delivers it again.
                let skip = from.skip;
                let sent = catch_unwind(AssertUnwindSafe(|| exchange.send_skipping(msg, skip)));
                if sent.is_err() {
                    continue;
                }
            }
            Err(err) => {
                stats.malformed.add();
                stats.faults.report(err);
            }
        }
        // Delivered, passed over or malformed: either way not to be delivered again.
        received.acknowledge();
    }
}
