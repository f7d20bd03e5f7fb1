//! Exchanges and named actors across processes, over NATS (feature `nats`).
//!
//! NATS subjects are named exchanges, its request/reply is `ask`, and its queue groups spread the
//! requests for one name over the processes serving it. This module joins them to this crate's
//! exchanges and to `actor_core` actors, with the official `async-nats` client driven by a
//! private async runtime on one background thread per connection: everything here is
//! synchronous, and nothing async appears in its API.
//!
//! | file | holds |
//! |---|---|
//! | `connection.rs` | [`Nats`], [`NatsBuilder`]: one connection and its runtime thread |
//! | `bridge.rs` | [`Bridge`], [`BridgeOptions`]: an [`Exchange`](crate::Exchange) joined to a subject |
//! | `remote.rs` | [`Served`], [`Remote`], [`ServeOptions`]: actors served and asked across processes |
//! | `wire.rs` | the envelope (JSON) |
//! | `outbox.rs` | the bounded queue from synchronous senders to the publishing task, and the direct hand-over to the client when nothing waits in it |
//! | `durable.rs` | at-least-once bridges: the JetStream stream, the durable consumer |
//! | `runtime.rs` | the runtime thread |
//! | `error.rs` | [`NatsError`], [`RemoteFailure`] |
//!
//! # Bridged exchanges
//!
//! [`Nats::bridge`] joins an `Exchange<M>` (with `M: Serialize + DeserializeOwned`) to a
//! subject. Every local `send` is also published there, and every message published there by
//! another connection is delivered to the local subscribers. A message never comes back to the
//! connection that published it: each carries the connection's id in its envelope (`from`), and
//! a bridge skips the messages with its own id ([`Bridge::skipped_echoes`]). So two processes
//! bridging the same exchange each see the other's messages once and their own once (locally).
//! The receiving side may use wildcards: `orders.*` (one token) or `orders.>` (one or more).
//!
//! ```no_run
//! use actor_pubsub::nats::{BridgeOptions, Nats};
//! use actor_pubsub::{DeliveryPolicy, Exchange, Recorder};
//! use std::sync::Arc;
//!
//! let nats = Nats::connect("nats://127.0.0.1:4222")?;
//! let orders = Arc::new(Exchange::<String>::new(DeliveryPolicy::Skip));
//! let seen = Recorder::new();
//! let _sub = orders.attach(seen.clone());
//! let _bridge = nats.bridge_with(
//!     &orders,
//!     BridgeOptions::new().publish_to("orders.eu").receive_from("orders.*"),
//! )?;
//! orders.send("from here".to_string()); // seen here, and published on orders.eu
//! # Ok::<(), actor_pubsub::nats::NatsError>(())
//! ```
//!
//! # Remote actors
//!
//! [`Nats::serve`] serves an actor's [`Addr`](actor_core::Addr) on a subject, in a queue group:
//! several processes may serve one subject, and each request goes to one of them. A request is
//! made into the actor's own message around a [`ReplyTo`](actor_core::ReplyTo), exactly as for a
//! local [`Addr::ask`](actor_core::Addr::ask). [`Nats::remote`] gives the asking side,
//! [`Remote::ask`], with a timeout. Every failure is a [`NatsError`] value: timeout, no
//! responders, not connected, connection lost, a payload that does not decode (with the subject
//! and the type expected), a payload too large, or the serving side's own
//! [`RemoteFailure`] (busy, actor ended, actor too slow, bad request).
//!
//! # Wire format
//!
//! JSON (serde_json), so that any language can take part with its standard library. Every
//! payload is a small versioned envelope:
//!
//! ```text
//! {"v":1,"type":"<tag>","from":"<origin>","body":<the message as serde_json writes it>}
//! ```
//!
//! `v` is the envelope version (1). `from` is optional: a bridge writes the id of its connection
//! there ([`Nats::origin`]) and skips, on receipt, the messages carrying its own; other
//! publishers leave it out. (The id is in the envelope rather than in a NATS header: a header
//! made a bridged publish cost about 1.5 times more.) `type` is the tag of the message type: by
//! default the Rust type's name without its module path (`String`, `Order`, `Vec<u32>`), or one
//! chosen with
//! [`BridgeOptions::type_tag`] / [`ServeOptions::type_tags`]. A payload with another version or
//! another tag is refused and reported ([`NatsError::WrongType`], [`NatsError::Decode`]): it is
//! never decoded as the wrong type. Fields the reader does not know are ignored. The serving side
//! answers a request it cannot fulfil with `{"v":1,"error":{"kind":"busy","detail":""}}` (kinds
//! `busy`, `stopped`, `timeout`, `bad_request`, `bad_reply`).
//!
//! JSON costs more bytes and encoding time than a binary format, but the messages of an actor
//! system are small, and the round trip through the server dominates (see BENCHMARKS.md).
//!
//! **Publishing from another program.** For an `Exchange<String>` bridged to `notes`, any NATS
//! client publishes a plain message (no header, no `from`) with this payload:
//!
//! ```text
//! nats pub notes '{"v":1,"type":"String","body":"hello from the shell"}'
//! ```
//!
//! or, on a raw connection to the server (`PUB <subject> <bytes>` then the payload):
//!
//! ```text
//! PUB notes 53
//! {"v":1,"type":"String","body":"hello from the shell"}
//! ```
//!
//! For a struct `Order { id: u64, item: String }` the body is `{"id":7,"item":"tea"}` and the tag
//! `Order`. A request to an actor served with request type `u64` and reply type `u64` is
//! `{"v":1,"type":"u64","body":5}` sent with a reply subject (`nats req counter '...'`); the
//! reply comes back as `{"v":1,"type":"u64","body":<total>}`.
//!
//! # Delivery guarantees
//!
//! Core NATS delivers **at most once**; so does this bridge. Precisely:
//!
//! - A local `send` is published in the order sent. When the client is connected and nothing
//!   waits in the bridge, the sending thread hands the message to the client at once;
//!   otherwise it is queued in the bridge (at most [`BridgeOptions::queue_capacity`] messages,
//!   default 1024) behind the others. When the queue is full (the server is slow or away), the
//!   bridge's subscriber waits or gives up as the exchange's
//!   [`DeliveryPolicy`](crate::DeliveryPolicy) says: `Block` waits for room, `Skip` drops the
//!   message at once and `Timeout` waits up to its deadline; a dropped message is counted by
//!   [`Bridge::dropped`] and by the exchange for the bridge's subscription.
//! - **While the client is disconnected** the bridge holds its queue: nothing is handed to the
//!   client, so sends fill the queue and then meet the policy as above. Once the client has
//!   reconnected, the held messages are published in order. They reach the subscribers that the
//!   server has by then; a subscriber in another process that has not yet reconnected misses
//!   them. Messages the client had already written to the broken connection are lost; those
//!   handed to it and not yet written when the connection broke wait in the client's own
//!   queue, and it publishes them once it has reconnected (the bridge relies on that queue only
//!   for what was handed over before the client noticed the break). Local subscribers get
//!   every local send, connected or not. For example, with a queue of 4 and `Skip`, six sends
//!   while the server is down give 4 messages held and published after the reconnection, and 2
//!   dropped (the test `nats_server_restart_gives_errors_then_recovers` checks exactly this).
//! - A received message is decoded on the bridge's delivery thread and sent to the local
//!   subscribers with the exchange's policy, so a slow local subscriber never blocks the runtime
//!   thread: under `Block` the delivery thread waits, the bridge's receive queue (the same
//!   capacity) fills, then the client's subscription buffer
//!   ([`NatsBuilder::subscription_capacity`], default 4096), and beyond that the client drops
//!   messages (NATS calls this a slow consumer). Under `Skip` and `Timeout`, deliveries to a
//!   full local subscriber are dropped and counted.
//! - Messages from one publishing connection on one subject arrive in the order published.
//! - An ask is sent once; if the request or its reply is lost, the asker gets
//!   [`NatsError::Timeout`] and the actor may or may not have handled it. While the client is
//!   disconnected an ask is not sent at all: it fails at once with [`NatsError::NotConnected`].
//! - Where a message must not be lost, bridge **at least once** through a JetStream stream
//!   ([`BridgeOptions::durable`]; the server runs with `-js`): each publish is confirmed by the
//!   stream (one that is not is counted in [`Bridge::failed`]), and each received message comes
//!   from a durable consumer and is acknowledged only once the exchange's `send` of it has
//!   returned. If the receiving program ends first, or a local subscriber panics during the
//!   delivery, the server delivers the message again after the ack wait
//!   ([`BridgeOptions::ack_wait`], default 30 s), to whichever program binds the consumer next.
//!   So a message may come twice (make handling it idempotent), and none is lost while the
//!   stream keeps it. A local subscriber that the exchange's policy skipped (`Skip`, `Timeout`)
//!   misses it all the same: the acknowledgement is for the hand-over to the exchange.
//!
//!   ```no_run
//!   use actor_pubsub::nats::{BridgeOptions, Nats};
//!   use actor_pubsub::{DeliveryPolicy, Exchange};
//!   use std::sync::Arc;
//!   use std::time::Duration;
//!
//!   let nats = Nats::connect("nats://127.0.0.1:4222")?;
//!   let jobs = Arc::new(Exchange::<String>::new(DeliveryPolicy::Block));
//!   let _bridge = nats.bridge_with(
//!       &jobs,
//!       BridgeOptions::new()
//!           .publish_to("jobs.new")
//!           .receive_from("jobs.*")
//!           .durable("JOBS", "workers") // stream JOBS, durable consumer "workers"
//!           .ack_wait(Duration::from_secs(10)),
//!   )?;
//!   # Ok::<(), actor_pubsub::nats::NatsError>(())
//!   ```
//!
//!   Otherwise, send it as an ask (the reply is the acknowledgement) and retry on error.
//!
//! # Faults
//!
//! Nothing a peer sends can make this process panic, block an actor forever, or allocate
//! without bound: a payload over [`NatsBuilder::max_payload`] is refused unread, one that does
//! not decode is counted ([`Bridge::malformed`], [`Served::malformed`]) and kept as
//! `last_error` (and emitted as a `tracing` event with the feature `tracing`), deliveries are
//! bounded as above, and a `Serialize` / `Deserialize` impl that panics is caught and counted as
//! a fault. When the server goes away, the client reconnects by itself; meanwhile asks fail at
//! once with [`NatsError::NotConnected`], and everything resumes when the server is back,
//! without restarting the program.
//!
//! The connection is made with the options given to the official client
//! ([`NatsBuilder::options`]: credentials, nkeys, TLS); no secret is ever written in an error or
//! a `Debug` output.

mod bridge;
mod connection;
mod durable;
mod error;
mod outbox;
mod remote;
mod runtime;
mod wire;

use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};

pub use async_nats::ConnectOptions;
pub use bridge::{Bridge, BridgeOptions};
pub use connection::{Nats, NatsBuilder};
pub use error::{NatsError, RemoteFailure};
pub use remote::{Remote, ServeOptions, Served};

/// A statistic.
#[derive(Default)]
pub(crate) struct Counter(AtomicU64);

impl Counter {
    pub(crate) fn add(&self) {
        self.0.fetch_add(1, Relaxed);
    }

    pub(crate) fn get(&self) -> u64 {
        self.0.load(Relaxed)
    }
}

/// The last fault of a bridge or a served actor, and where it is reported.
#[derive(Default)]
pub(crate) struct Faults {
    last: Mutex<Option<NatsError>>,
}

impl Faults {
    pub(crate) fn report(&self, err: NatsError) {
        crate::trace::nats_fault(&err);
        *self
            .last
            .lock()
            .unwrap_or_else(|poison| poison.into_inner()) = Some(err);
    }

    pub(crate) fn last(&self) -> Option<NatsError> {
        self.last
            .lock()
            .unwrap_or_else(|poison| poison.into_inner())
            .clone()
    }
}

/// Whether `subject` has a wildcard token.
pub(crate) fn has_wildcard(subject: &str) -> bool {
    subject.split('.').any(|token| token == "*" || token == ">")
}

/// Checks that `subject` is a NATS subject: tokens separated by dots, none empty, no white
/// space; wildcards only where `wildcards` allows them, `>` only last.
pub(crate) fn check_subject(subject: &str, wildcards: bool) -> Result<(), NatsError> {
    let invalid = |reason| {
        Err(NatsError::InvalidSubject {
            subject: subject.to_string(),
            reason,
        })
    };
    if subject.is_empty() {
        return invalid("it is empty");
    }
    if subject.chars().any(char::is_whitespace) {
        return invalid("it contains white space");
    }
    let tokens: Vec<&str> = subject.split('.').collect();
    if tokens.iter().any(|token| token.is_empty()) {
        return invalid("it has an empty token");
    }
    if !wildcards && has_wildcard(subject) {
        return invalid("messages cannot be sent to a wildcard");
    }
    if tokens[..tokens.len() - 1].contains(&">") {
        return invalid("`>` must be the last token");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::check_subject;

    #[test]
    fn subjects_are_checked() {
        assert!(check_subject("orders.eu", false).is_ok());
        assert!(check_subject("orders.*", true).is_ok());
        assert!(check_subject("orders.>", true).is_ok());
        assert!(check_subject("orders.*", false).is_err());
        assert!(check_subject("orders.>.x", true).is_err());
        assert!(check_subject("", true).is_err());
        assert!(check_subject("a..b", true).is_err());
        assert!(check_subject("a b", true).is_err());
    }
}
