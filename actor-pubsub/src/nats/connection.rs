//! `Nats`, the handle on one connection to a NATS server and its runtime thread, and
//! `NatsBuilder`, how it is made.

use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::time::{Duration, Instant};

use async_nats::{Client, ConnectOptions};
use futures_util::StreamExt;

use super::error::redact;
use super::runtime::{self, Runtime};
use super::{NatsError, check_subject};

/// The payload limit unless one is set: 1 MiB, the NATS server's own default.
pub(crate) const DEFAULT_MAX_PAYLOAD: usize = 1024 * 1024;
/// How many received messages the client buffers per subscription unless told otherwise.
const DEFAULT_SUBSCRIPTION_CAPACITY: usize = 4096;
/// Extra time a blocking call gives the runtime beyond the operation's own timeout.
pub(crate) const GRACE: Duration = Duration::from_secs(1);
/// The longest an asking thread yields instead of sleeping, unless set otherwise.
const DEFAULT_ASK_SPIN: Duration = Duration::from_millis(1);

/// A connection to a NATS server, driven by a private async runtime on one background thread.
///
/// Everything it offers is synchronous: [`bridge`](Nats::bridge) an exchange to a subject,
/// [`serve`](Nats::serve) an actor on a subject, ask a served actor through a
/// [`Remote`](crate::nats::Remote). Cloning is cheap and shares the connection. The connection
/// and its thread end when the last clone, [`Bridge`](crate::nats::Bridge) and
/// [`Served`](crate::nats::Served) made from it are dropped; then messages still buffered by the
/// client are lost (call [`flush`](Nats::flush) first).
///
/// When the server goes away the client reconnects by itself (with the client's default
/// options: without limit, with a backoff of up to 4 s between attempts); meanwhile
/// [`is_connected`](Nats::is_connected) is `false` and asks fail at once with
/// [`NatsError::NotConnected`].
///
/// # Examples
///
/// ```no_run
/// use actor_pubsub::nats::Nats;
///
/// let nats = Nats::connect("nats://127.0.0.1:4222")?;
/// assert!(nats.is_connected());
/// # Ok::<(), actor_pubsub::nats::NatsError>(())
/// ```
#[derive(Clone)]
pub struct Nats {
    pub(crate) inner: Arc<Inner>,
}

pub(crate) struct Inner {
    pub(crate) client: Client,
    pub(crate) max_payload: usize,
    /// Identifies this connection in the envelope of bridged messages.
    pub(crate) origin: String,
    url: String,
    /// How long asking threads yield instead of sleeping.
    pub(crate) ask_spin: AskSpin,
    /// Dropped last: stopping it closes the connection.
    pub(crate) runtime: Runtime,
}

/// How long a thread waiting for a remote ask's reply yields instead of sleeping: twice the
/// connection's typical round trip, if that is within the limit; else, and before the first
/// round trip, not at all.
pub(crate) struct AskSpin {
    limit: Duration,
    /// The typical round trip in nanoseconds: a moving average, 0 before the first.
    typical: AtomicU64,
}

impl AskSpin {
    pub(crate) fn new(limit: Duration) -> AskSpin {
        AskSpin {
            limit,
            typical: AtomicU64::new(0),
        }
    }

    /// How long the next ask yields.
    pub(crate) fn spin(&self) -> Duration {
        let twice = Duration::from_nanos(self.typical.load(Relaxed).saturating_mul(2));
        if twice <= self.limit {
            twice
        } else {
            Duration::ZERO
        }
    }

    /// Counts one ask that took `took` into the typical round trip, with an eighth of its
    /// weight.
    pub(crate) fn record(&self, took: Duration) {
        let took = u64::try_from(took.as_nanos()).unwrap_or(u64::MAX).max(1);
        let before = self.typical.load(Relaxed);
        let now = if before == 0 {
            took
        } else {
            before - before / 8 + took / 8
        };
        // Asks on other threads may overwrite this update, or this one theirs: it is an
        // estimate.
        self.typical.store(now, Relaxed);
    }
}

impl Nats {
    /// Connects to the server at `url` (`nats://host:port`, or `host:port`) with the client's
    /// default options and this crate's default limits. Waits until connected.
    ///
    /// # Errors
    ///
    /// [`NatsError::Connect`] if the server cannot be reached or refuses the connection.
    pub fn connect(url: &str) -> Result<Nats, NatsError> {
        Nats::builder().connect(url)
    }

    /// A builder, to pass the client's options (credentials, TLS, name) and set limits.
    ///
    /// ```
    /// use actor_pubsub::nats::{ConnectOptions, Nats};
    ///
    /// let builder = Nats::builder()
    ///     .options(ConnectOptions::new().name("orders-service"))
    ///     .max_payload(64 * 1024);
    /// # drop(builder);
    /// ```
    pub fn builder() -> NatsBuilder {
        NatsBuilder {
            options: None,
            max_payload: DEFAULT_MAX_PAYLOAD,
            subscription_capacity: DEFAULT_SUBSCRIPTION_CAPACITY,
            ask_spin: DEFAULT_ASK_SPIN,
        }
    }

    /// Whether the client is connected now. `false` while the server is away and the client
    /// reconnects.
    pub fn is_connected(&self) -> bool {
        self.inner.client.connection_state() == async_nats::connection::State::Connected
    }

    /// The payload limit in bytes: larger messages are neither sent nor decoded.
    pub fn max_payload(&self) -> usize {
        self.inner.max_payload
    }

    /// The id of this connection, written in the envelope (`from`) of every bridged message so
    /// that no bridge of this connection takes it back.
    pub fn origin(&self) -> &str {
        &self.inner.origin
    }

    /// The server's URL, without user and password.
    pub fn url(&self) -> &str {
        &self.inner.url
    }

    /// Waits until the server has processed everything this connection sent so far (a round
    /// trip through the server), at most `timeout`: its publishes have been routed to the
    /// subscribers the server had, its subscriptions are in place. Messages still queued in a
    /// bridge are not covered: use [`Bridge::flush`](crate::nats::Bridge::flush) for those.
    ///
    /// # Errors
    ///
    /// [`NatsError::NotConnected`] if the client is not connected, or was not in time.
    pub fn flush(&self, timeout: Duration) -> Result<(), NatsError> {
        if !self.is_connected() {
            return Err(NatsError::NotConnected);
        }
        // Polled on this thread, which the runtime wakes when the echo is in: no task to start
        // there and no channel back. Dropping the round trip's subscription starts a task on
        // the runtime (that ends it), hence the runtime's context.
        let _context = self.inner.runtime.enter();
        let deadline = Instant::now().checked_add(timeout);
        let flushed = runtime::wait_here(round_trip(&self.inner.client), deadline, Duration::ZERO);
        match flushed {
            Some(Ok(())) => Ok(()),
            _ => Err(NatsError::NotConnected),
        }
    }

    /// [`flush`](Nats::flush) with an instant for a deadline.
    pub(crate) fn flush_until(&self, deadline: Instant) -> Result<(), NatsError> {
        self.flush(deadline.saturating_duration_since(Instant::now()))
    }

    /// Subscribes on the runtime (in queue group `queue`, if any) and waits until the server has
    /// the subscription, so that a message published after this returns reaches it.
    pub(crate) fn subscribe(
        &self,
        subject: &str,
        queue: Option<&str>,
    ) -> Result<async_nats::Subscriber, NatsError> {
        check_subject(subject, true)?;
        let client = self.inner.client.clone();
        let (subject_owned, queue) = (subject.to_string(), queue.map(str::to_string));
        let subscribed = self.inner.runtime.block(
            async move {
                let subscriber = match queue {
                    Some(queue) => client.queue_subscribe(subject_owned, queue).await,
                    None => client.subscribe(subject_owned).await,
                };
                let subscriber = subscriber.map_err(|err| err.to_string())?;
                // The server has the subscription once it has routed a message sent after it.
                tokio::time::timeout(Duration::from_secs(5), round_trip(&client))
                    .await
                    .map_err(|_| "the server did not confirm in time".to_string())??;
                Ok::<_, String>(subscriber)
            },
            Duration::from_secs(5) + GRACE,
        );
        match subscribed {
            Some(Ok(subscriber)) => Ok(subscriber),
            Some(Err(reason)) => Err(NatsError::Subscribe {
                subject: subject.to_string(),
                reason,
            }),
            None => Err(NatsError::NotConnected),
        }
    }
}

/// Sends a message to a fresh inbox of this connection and waits until the server routes it
/// back: the server processes a connection's operations in order, so by then it has processed
/// everything sent before. (The client's own `flush` only writes to the socket.)
pub(crate) async fn round_trip(client: &Client) -> Result<(), String> {
    let inbox = client.new_inbox();
    let mut echo = client
        .subscribe(inbox.clone())
        .await
        .map_err(|err| err.to_string())?;
    client
        .publish(inbox, Vec::new().into())
        .await
        .map_err(|err| err.to_string())?;
    match echo.next().await {
        Some(_) => Ok(()),
        None => Err("the connection was closed".into()),
    }
}

impl fmt::Debug for Nats {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Nats")
            .field("url", &self.inner.url)
            .field("connected", &self.is_connected())
            .field("origin", &self.inner.origin)
            .field("max_payload", &self.inner.max_payload)
            .finish()
    }
}

/// Makes a [`Nats`] connection: the client's own [`ConnectOptions`] (credentials, nkeys, TLS,
/// name, reconnect policy) and this crate's limits.
///
/// # Examples
///
/// ```no_run
/// use actor_pubsub::nats::{ConnectOptions, Nats};
///
/// let nats = Nats::builder()
///     .options(ConnectOptions::with_user_and_password("app".into(), "secret".into()))
///     .max_payload(256 * 1024)
///     .subscription_capacity(1024)
///     .connect("tls://nats.example.com:4222")?;
/// # Ok::<(), actor_pubsub::nats::NatsError>(())
/// ```
#[must_use = "a builder does nothing until connect() is called"]
pub struct NatsBuilder {
    options: Option<ConnectOptions>,
    max_payload: usize,
    subscription_capacity: usize,
    ask_spin: Duration,
}

impl NatsBuilder {
    /// The client's options: credentials, nkeys, TLS, name, reconnect settings. Two settings
    /// are this builder's and replace those made here:
    /// [`subscription_capacity`](NatsBuilder::subscription_capacity), and
    /// `retry_on_initial_connect` is never set (the first connection must succeed).
    pub fn options(mut self, options: ConnectOptions) -> NatsBuilder {
        self.options = Some(options);
        self
    }

    /// The payload limit in bytes (default 1 MiB): a local message that encodes larger is not
    /// published (counted as dropped), and a received payload larger than this is not decoded
    /// (counted as malformed). The server's own limit applies as well.
    pub fn max_payload(mut self, bytes: usize) -> NatsBuilder {
        self.max_payload = bytes;
        self
    }

    /// How many received messages the client buffers per subscription before it drops them
    /// (default 4096; NATS calls the subscriber then a slow consumer). With the payload limit
    /// this bounds the memory a subscription can take.
    pub fn subscription_capacity(mut self, messages: usize) -> NatsBuilder {
        self.subscription_capacity = messages.max(1);
        self
    }

    /// How long a thread waiting in [`Remote::ask`](crate::nats::Remote::ask) may keep its
    /// processor (default 1 ms; `Duration::ZERO`: never).
    ///
    /// A thread that asks waits for the reply by yielding its processor to other threads and
    /// looking again, for twice the typical round trip of this connection's asks, and only
    /// then sleeps: a reply in that time does not have to wake a sleeping thread, which on a
    /// small virtual machine costs tens of microseconds. It does so only while the typical
    /// round trip is at most half of this limit, so asks to a slow actor sleep at once. A
    /// yielding thread gives way to any thread that can run, but it does use the processor
    /// when nothing else wants it: set a smaller limit, or zero, where that matters more than
    /// the ask's latency.
    pub fn ask_spin(mut self, limit: Duration) -> NatsBuilder {
        self.ask_spin = limit;
        self
    }

    /// Starts the runtime thread and connects to `url`. Waits until connected.
    ///
    /// # Errors
    ///
    /// [`NatsError::Connect`] if the runtime thread cannot be started, or the server cannot be
    /// reached or refuses the connection (the URL in the error has no user or password).
    pub fn connect(self, url: &str) -> Result<Nats, NatsError> {
        let shown = redact(url);
        let failed = |reason: String| NatsError::Connect {
            url: shown.clone(),
            reason,
        };
        let runtime = Runtime::start().map_err(|err| failed(err.to_string()))?;
        let options = self
            .options
            .unwrap_or_default()
            .subscription_capacity(self.subscription_capacity);
        let target = url.to_string();
        let connected = runtime
            .block(
                async move { options.connect(target).await },
                Duration::from_secs(60),
            )
            .ok_or_else(|| failed("timed out".into()))?
            .map_err(|err| failed(redact(&err.to_string())))?;
        let origin = connected
            .new_inbox()
            .rsplit('.')
            .next()
            .unwrap_or_default()
            .to_string();
        Ok(Nats {
            inner: Arc::new(Inner {
                client: connected,
                max_payload: self.max_payload,
                ask_spin: AskSpin::new(self.ask_spin),
                origin,
                url: shown,
                runtime,
            }),
        })
    }
}

impl fmt::Debug for NatsBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The options hold credentials: they are not shown.
        f.debug_struct("NatsBuilder")
            .field("max_payload", &self.max_payload)
            .field("subscription_capacity", &self.subscription_capacity)
            .field("ask_spin", &self.ask_spin)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MS: Duration = Duration::from_millis(1);

    #[test]
    fn an_ask_spins_twice_the_typical_round_trip_only_within_the_limit() {
        let spin = AskSpin::new(MS);
        assert_eq!(spin.spin(), Duration::ZERO, "no round trip yet");
        spin.record(Duration::from_micros(200));
        assert_eq!(spin.spin(), Duration::from_micros(400));
        // An eighth of each later round trip counts.
        spin.record(Duration::from_micros(1000));
        assert_eq!(spin.spin(), Duration::from_micros(600));
        // A slow actor: once the typical round trip is over half the limit, no spin.
        for _ in 0..8 {
            spin.record(Duration::from_secs(1));
        }
        assert_eq!(spin.spin(), Duration::ZERO);
        // Fast again: it comes back.
        for _ in 0..200 {
            spin.record(Duration::from_micros(100));
        }
        assert!(
            spin.spin() <= Duration::from_micros(250),
            "{:?}",
            spin.spin()
        );
        assert!(spin.spin() >= Duration::from_micros(200));
        // Zero turns it off; an absurd round trip does not overflow.
        let never = AskSpin::new(Duration::ZERO);
        never.record(Duration::from_nanos(1));
        never.record(Duration::MAX);
        assert_eq!(never.spin(), Duration::ZERO);
    }
}
