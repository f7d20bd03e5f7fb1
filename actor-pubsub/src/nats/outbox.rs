//! `Outbox`: the bounded queue between synchronous senders and the task that publishes on the
//! runtime thread, honouring the [`Wait`] of each push.
//!
//! While the client is not connected the task takes nothing from the queue: it fills, and the
//! pushes then wait or fail as their `Wait` says. Once the connection is back the queue is
//! published in order.

use std::collections::VecDeque;
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use async_nats::{Client, Subject};
use tokio::sync::Notify;

use super::Counter;
use crate::Wait;

/// One message to publish.
pub(crate) struct Outgoing {
    /// Cloning a subject shares its bytes: no allocation per message.
    pub(crate) subject: Subject,
    pub(crate) payload: Vec<u8>,
}

/// Why a push did not queue its message.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Refused {
    /// No room within the wait.
    Full,
    /// The outbox is closed: its publisher is gone.
    Closed,
}

pub(crate) struct Outbox {
    state: Mutex<State>,
    /// Signalled when room is made, when the queue empties and when the outbox closes.
    changed: Condvar,
    /// Wakes the publishing task.
    ready: Notify,
    capacity: usize,
}

struct State {
    queue: VecDeque<Outgoing>,
    /// Messages taken by the publisher and not yet handed to the client.
    in_hand: usize,
    closed: bool,
}

/// How often the publisher looks whether the connection is back.
const RECONNECT_POLL: Duration = Duration::from_millis(10);
/// How many messages the publisher takes at once.
const BATCH: usize = 64;

impl Outbox {
    pub(crate) fn new(capacity: usize) -> Arc<Outbox> {
        Arc::new(Outbox {
            state: Mutex::new(State {
                queue: VecDeque::with_capacity(capacity.min(1024)),
                in_hand: 0,
                closed: false,
            }),
            changed: Condvar::new(),
            ready: Notify::new(),
            capacity: capacity.max(1),
        })
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state
            .lock()
            .unwrap_or_else(|poison| poison.into_inner())
    }

    /// Queues `message`, waiting for room as `wait` allows.
    pub(crate) fn push(&self, message: Outgoing, wait: Wait) -> Result<(), Refused> {
        let mut state = self.lock();
        loop {
            if state.closed {
                return Err(Refused::Closed);
            }
            if state.queue.len() < self.capacity {
                break;
            }
            state = match wait {
                Wait::Try => return Err(Refused::Full),
                Wait::Block => self
                    .changed
                    .wait(state)
                    .unwrap_or_else(|poison| poison.into_inner()),
                Wait::Until(deadline) => {
                    let left = deadline.saturating_duration_since(Instant::now());
                    if left.is_zero() {
                        return Err(Refused::Full);
                    }
                    self.changed
                        .wait_timeout(state, left)
                        .unwrap_or_else(|poison| poison.into_inner())
                        .0
                }
            };
        }
        state.queue.push_back(message);
        drop(state);
        self.ready.notify_one();
        Ok(())
    }

    /// How many messages are queued or being handed to the client.
    pub(crate) fn pending(&self) -> usize {
        let state = self.lock();
        state.queue.len() + state.in_hand
    }

    /// Waits until every message queued so far has been handed to the client, at most until
    /// `deadline`; `false` if some are left then.
    pub(crate) fn wait_empty(&self, deadline: Instant) -> bool {
        let mut state = self.lock();
        while !state.queue.is_empty() || state.in_hand > 0 {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() || state.closed {
                return false;
            }
            state = self
                .changed
                .wait_timeout(state, left)
                .unwrap_or_else(|poison| poison.into_inner())
                .0;
        }
        true
    }

    /// Refuses every later push and wakes every waiter; the publisher ends once the queue is
    /// published.
    pub(crate) fn close(&self) {
        self.lock().closed = true;
        self.changed.notify_all();
        self.ready.notify_one();
    }

    /// Takes the next batch, waiting for one; `None` once closed and empty.
    async fn next_batch(&self, batch: &mut Vec<Outgoing>, client: &Client) -> Option<()> {
        loop {
            let (empty, closed) = self.look();
            if empty && closed {
                return None;
            }
            if empty {
                self.ready.notified().await;
                continue;
            }
            // Nothing is taken while the connection is down: the queue holds it all.
            while client.connection_state() != async_nats::connection::State::Connected
                && !self.look().1
            {
                tokio::time::sleep(RECONNECT_POLL).await;
            }
            self.take(batch);
            self.changed.notify_all();
            return Some(());
        }
    }

    /// Whether the queue is empty, and whether the outbox is closed.
    fn look(&self) -> (bool, bool) {
        let state = self.lock();
        (state.queue.is_empty(), state.closed)
    }

    fn take(&self, batch: &mut Vec<Outgoing>) {
        let mut state = self.lock();
        let take = state.queue.len().min(BATCH);
        batch.extend(state.queue.drain(..take));
        state.in_hand = batch.len();
    }

    fn handed_over(&self) {
        self.lock().in_hand = 0;
        self.changed.notify_all();
    }
}

/// The publishing task: hands each queued message to the client, in order; with `stream` (a
/// durable bridge) each batch is published to JetStream and then every confirmation awaited.
/// Failures (the client closed, a payload over the server's limit, a message the stream did
/// not confirm) are counted in `failed`.
pub(crate) async fn publish(
    outbox: Arc<Outbox>,
    client: Client,
    stream: Option<async_nats::jetstream::Context>,
    failed: Arc<Counter>,
) {
    let mut batch = Vec::with_capacity(BATCH);
    let mut confirmations = Vec::with_capacity(BATCH);
    while outbox.next_batch(&mut batch, &client).await.is_some() {
        for message in batch.drain(..) {
            let sent = match &stream {
                None => client
                    .publish(message.subject, message.payload.into())
                    .await
                    .is_ok(),
                Some(stream) => match stream
                    .publish(message.subject, message.payload.into())
                    .await
                {
                    Ok(confirmation) => {
                        confirmations.push(confirmation);
                        true
                    }
                    Err(_) => false,
                },
            };
            if !sent {
                failed.add();
            }
        }
        for confirmation in confirmations.drain(..) {
            if confirmation.await.is_err() {
                failed.add();
            }
        }
        outbox.handed_over();
    }
}
