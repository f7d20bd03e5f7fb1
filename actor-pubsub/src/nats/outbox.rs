//! `Outbox`: the bounded queue between synchronous senders and the task that publishes on the
//! runtime thread, honouring the [`Wait`] of each push.
//!
//! While the client is not connected the task takes nothing from the queue: it fills, and the
//! pushes then wait or fail as their `Wait` says. Once the connection is back the queue is
//! published in order.
//!
//! An outbox for core NATS publishes **directly** when it can: a push that finds the queue
//! empty, nothing in the publisher's hands and the client connected hands its message to the
//! client itself, on the sending thread (under the outbox's lock, so that nothing queued before
//! it is overtaken). The runtime thread then only writes it out; with every message going
//! through the publishing task, that thread did the client's work for each message as well as
//! the writing, and it was what held bridged publishing back. When the client's own queue is
//! full, the message is queued here instead, and so is every later one until the queue is
//! empty again.
//!
//! The payloads are copied into one byte buffer of the outbox's, and the publisher cuts each
//! message's bytes out of it. So a message allocates nothing that another thread frees: with a
//! buffer per message, allocated on the sending thread and freed on the runtime thread after it
//! was written, the two threads fought over the allocator's lock (in a `perf` of a burst of
//! bridged sends, most of the system calls were that lock's). Once every message cut from it
//! is written, the buffer is used again.

use std::collections::VecDeque;
use std::future::Future;
use std::pin::pin;
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::task::{self, Poll, Waker};
use std::time::{Duration, Instant};

use async_nats::connection::State as ConnectionState;
use async_nats::{Client, Subject};
use bytes::{Bytes, BytesMut};
use tokio::sync::Notify;

use super::Counter;
use crate::Wait;

/// One message to publish.
pub(crate) struct Outgoing {
    /// Cloning a subject shares its bytes: no allocation per message.
    subject: Subject,
    payload: Bytes,
}

/// One message queued: its payload is the next `len` bytes of the outbox's buffer.
struct Queued {
    /// `None`: the subject of the message queued before. A bridge publishes every message to
    /// one subject, and the publisher clones it on its own thread: the sending threads and the
    /// publisher do not both count references to it for each message.
    subject: Option<Subject>,
    len: usize,
}

/// What an outbox for core NATS publishes directly with.
struct Direct {
    client: Client,
    /// Counts the messages the client refuses (as the publishing task does).
    failed: Arc<Counter>,
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
    /// Signalled when room is made for a push that waits, when the queue is empty and handed
    /// over while a flush waits, and when the outbox closes. Only then: a condition variable's
    /// signal is a system call even with no waiter.
    changed: Condvar,
    /// Wakes the publishing task.
    ready: Notify,
    capacity: usize,
    direct: Option<Direct>,
}

struct State {
    queue: VecDeque<Queued>,
    /// The payloads of `queue`, in order.
    bytes: BytesMut,
    /// The subject of the message queued last.
    last_subject: Option<Subject>,
    /// The subject of the message taken last.
    taken_subject: Option<Subject>,
    /// Messages taken by the publisher and not yet handed to the client.
    in_hand: usize,
    closed: bool,
    /// Pushes waiting on `changed` for room.
    wait_room: usize,
    /// Flushes waiting on `changed` for the queue to be empty and handed over.
    wait_empty: usize,
}

/// How often the publisher looks whether the connection is back.
const RECONNECT_POLL: Duration = Duration::from_millis(10);
/// How many messages the publisher takes at once.
const BATCH: usize = 64;
/// The least the payload buffer grows by when it is full.
const CHUNK: usize = 16 * 1024;

impl Outbox {
    /// An outbox of `capacity` messages; with `direct` (the client, and where its refusals are
    /// counted) it publishes directly when it can (see the module's documentation).
    pub(crate) fn new(capacity: usize, direct: Option<(Client, Arc<Counter>)>) -> Arc<Outbox> {
        Arc::new(Outbox {
            state: Mutex::new(State {
                queue: VecDeque::with_capacity(capacity.min(1024)),
                bytes: BytesMut::new(),
                last_subject: None,
                taken_subject: None,
                in_hand: 0,
                closed: false,
                wait_room: 0,
                wait_empty: 0,
            }),
            changed: Condvar::new(),
            ready: Notify::new(),
            capacity: capacity.max(1),
            direct: direct.map(|(client, failed)| Direct { client, failed }),
        })
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state
            .lock()
            .unwrap_or_else(|poison| poison.into_inner())
    }

    /// Waits on `changed`, at most until `deadline` if there is one, counted in the waiters
    /// `count` picks.
    fn wait<'a>(
        &self,
        mut state: MutexGuard<'a, State>,
        deadline: Option<Instant>,
        count: fn(&mut State) -> &mut usize,
    ) -> MutexGuard<'a, State> {
        *count(&mut state) += 1;
        let mut state = match deadline {
            None => self
                .changed
                .wait(state)
                .unwrap_or_else(|poison| poison.into_inner()),
            Some(deadline) => {
                let left = deadline.saturating_duration_since(Instant::now());
                self.changed
                    .wait_timeout(state, left)
                    .unwrap_or_else(|poison| poison.into_inner())
                    .0
            }
        };
        *count(&mut state) -= 1;
        state
    }

    /// Releases `state`, then wakes every waiter if `wake`.
    fn signal(&self, state: MutexGuard<'_, State>, wake: bool) {
        drop(state);
        if wake {
            self.changed.notify_all();
        }
    }

    /// Queues a copy of `payload` for `subject`, waiting for room as `wait` allows, or hands it
    /// to the client directly.
    pub(crate) fn push(
        &self,
        subject: &Subject,
        payload: &[u8],
        wait: Wait,
    ) -> Result<(), Refused> {
        let mut state = self.lock();
        if let Some(direct) = &self.direct {
            let idle = state.queue.is_empty() && state.in_hand == 0 && !state.closed;
            if idle && direct.client.connection_state() == ConnectionState::Connected {
                // No room in the client's queue: the message is queued below, copied again.
                match direct.publish(subject, state.cut(payload)) {
                    Some(true) => return Ok(()),
                    Some(false) => {
                        direct.failed.add();
                        return Ok(());
                    }
                    None => {}
                }
            }
        }
        loop {
            if state.closed {
                return Err(Refused::Closed);
            }
            if state.queue.len() < self.capacity {
                break;
            }
            state = match wait {
                Wait::Try => return Err(Refused::Full),
                Wait::Block => self.wait(state, None, |state| &mut state.wait_room),
                Wait::Until(deadline) => {
                    if deadline <= Instant::now() {
                        return Err(Refused::Full);
                    }
                    self.wait(state, Some(deadline), |state| &mut state.wait_room)
                }
            };
        }
        state.append(payload);
        let subject = if state.last_subject.as_ref() == Some(subject) {
            None
        } else {
            state.last_subject = Some(subject.clone());
            Some(subject.clone())
        };
        state.queue.push_back(Queued {
            subject,
            len: payload.len(),
        });
        // The publisher sleeps only on a queue it found empty: a push onto a queue with
        // messages in it needs no wake-up.
        let first = state.queue.len() == 1;
        drop(state);
        if first {
            self.ready.notify_one();
        }
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
            state = self.wait(state, Some(deadline), |state| &mut state.wait_empty);
        }
        true
    }

    /// Refuses every later push and wakes every waiter; the publisher ends once the queue is
    /// published.
    pub(crate) fn close(&self) {
        let mut state = self.lock();
        state.closed = true;
        let wake = state.wait_room + state.wait_empty > 0;
        self.signal(state, wake);
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
            while client.connection_state() != ConnectionState::Connected && !self.look().1 {
                tokio::time::sleep(RECONNECT_POLL).await;
            }
            self.take(batch);
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
        let len = state.queue.iter().take(take).map(|queued| queued.len).sum();
        let mut bytes = state.bytes.split_to(len).freeze();
        let State {
            queue,
            taken_subject,
            ..
        } = &mut *state;
        for queued in queue.drain(..take) {
            if queued.subject.is_some() {
                *taken_subject = queued.subject;
            }
            let payload = bytes.split_to(queued.len);
            // The first message queued names its subject: there is one by now.
            if let Some(subject) = taken_subject {
                batch.push(Outgoing {
                    subject: subject.clone(),
                    payload,
                });
            }
        }
        state.in_hand = batch.len();
        let wake = state.wait_room > 0;
        self.signal(state, wake);
    }

    fn handed_over(&self) {
        let mut state = self.lock();
        state.in_hand = 0;
        let wake = state.wait_empty > 0 && state.queue.is_empty();
        self.signal(state, wake);
    }
}

impl State {
    /// Appends `payload` to the buffer. Where every message cut from the buffer has been
    /// written, this takes the buffer back instead of allocating.
    fn append(&mut self, payload: &[u8]) {
        if self.bytes.capacity() - self.bytes.len() < payload.len() {
            self.bytes.reserve(payload.len().max(CHUNK));
        }
        self.bytes.extend_from_slice(payload);
    }

    /// A copy of `payload` cut from the buffer, which holds no queued payload.
    fn cut(&mut self, payload: &[u8]) -> Bytes {
        debug_assert!(self.bytes.is_empty());
        self.append(payload);
        self.bytes.split().freeze()
    }
}

impl Direct {
    /// Hands a message to the client on this thread: whether the client took it (`false`: it
    /// refused it, as for a payload over the server's limit), or `None` if its queue is full.
    fn publish(&self, subject: &Subject, payload: Bytes) -> Option<bool> {
        let publish = pin!(self.client.publish(subject.clone(), payload));
        // Taking a place in the client's queue and handing the message over complete in one
        // poll when there is room. When there is none the future is dropped, which gives its
        // place in the line back.
        match publish.poll(&mut task::Context::from_waker(Waker::noop())) {
            Poll::Ready(sent) => Some(sent.is_ok()),
            Poll::Pending => None,
        }
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
                    .publish(message.subject, message.payload)
                    .await
                    .is_ok(),
                Some(stream) => match stream.publish(message.subject, message.payload).await {
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::mpsc;
    use std::thread;

    fn subject(name: &str) -> Subject {
        Subject::from(name)
    }

    fn taken(outbox: &Outbox) -> Vec<(String, Vec<u8>)> {
        let mut batch = Vec::new();
        outbox.take(&mut batch);
        batch
            .into_iter()
            .map(|message| (message.subject.to_string(), message.payload.to_vec()))
            .collect()
    }

    #[test]
    fn messages_come_out_in_order_with_their_own_subjects_and_bytes() {
        let outbox = Outbox::new(16, None);
        let (a, b) = (subject("a"), subject("b"));
        for (subject, payload) in [(&a, "1"), (&a, "22"), (&b, ""), (&a, "4444")] {
            outbox.push(subject, payload.as_bytes(), Wait::Try).unwrap();
        }
        assert_eq!(outbox.pending(), 4);
        let expected = [("a", "1"), ("a", "22"), ("b", ""), ("a", "4444")];
        let expected: Vec<_> = expected
            .iter()
            .map(|(s, p)| (s.to_string(), p.as_bytes().to_vec()))
            .collect();
        assert_eq!(taken(&outbox), expected);
        outbox.handed_over();
        assert_eq!(outbox.pending(), 0);
        // After a take the subject carries on from the last one taken.
        outbox.push(&b, b"x", Wait::Try).unwrap();
        outbox.push(&b, b"y", Wait::Try).unwrap();
        assert_eq!(
            taken(&outbox),
            [
                ("b".to_string(), b"x".to_vec()),
                ("b".to_string(), b"y".to_vec())
            ]
        );
    }

    #[test]
    fn batches_are_cut_at_their_size_and_large_payloads_fit() {
        let outbox = Outbox::new(1024, None);
        let big = vec![7u8; CHUNK * 3];
        let s = subject("s");
        for n in 0..BATCH + 3 {
            let payload = if n == 1 { &big[..] } else { &[n as u8][..] };
            outbox.push(&s, payload, Wait::Try).unwrap();
        }
        let first = taken(&outbox);
        assert_eq!(first.len(), BATCH);
        assert_eq!(first[1].1, big);
        assert_eq!(first[2].1, [2]);
        outbox.handed_over();
        let rest = taken(&outbox);
        let rest: Vec<u8> = rest.iter().flat_map(|(_, p)| p.clone()).collect();
        assert_eq!(rest, [BATCH as u8, BATCH as u8 + 1, BATCH as u8 + 2]);
    }

    #[test]
    fn a_full_outbox_refuses_a_try_and_wakes_a_blocked_push_when_taken() {
        let outbox = Outbox::new(1, None);
        let s = subject("s");
        outbox.push(&s, b"1", Wait::Try).unwrap();
        assert_eq!(outbox.push(&s, b"2", Wait::Try), Err(Refused::Full));
        let soon = Instant::now() + Duration::from_millis(1);
        assert_eq!(outbox.push(&s, b"2", Wait::Until(soon)), Err(Refused::Full));
        let (done, pushed) = mpsc::channel();
        thread::scope(|scope| {
            scope.spawn(|| done.send(outbox.push(&s, b"2", Wait::Block)).unwrap());
            // The push waits until the one message is taken.
            while outbox.lock().wait_room == 0 {
                thread::yield_now();
            }
            assert!(pushed.try_recv().is_err());
            assert_eq!(taken(&outbox).len(), 1);
            assert_eq!(pushed.recv().unwrap(), Ok(()));
        });
        assert_eq!(taken(&outbox), [("s".to_string(), b"2".to_vec())]);
    }

    #[test]
    fn a_flush_waits_until_the_queue_is_handed_over_and_close_ends_waits() {
        let outbox = Outbox::new(4, None);
        let s = subject("s");
        outbox.push(&s, b"1", Wait::Try).unwrap();
        let (done, flushed) = mpsc::channel();
        let far = Instant::now() + Duration::from_secs(60);
        thread::scope(|scope| {
            scope.spawn(|| done.send(outbox.wait_empty(far)).unwrap());
            while outbox.lock().wait_empty == 0 {
                thread::yield_now();
            }
            assert_eq!(taken(&outbox).len(), 1);
            // Taken is not yet handed over.
            assert!(flushed.try_recv().is_err());
            outbox.handed_over();
            assert!(flushed.recv().unwrap());
        });
        outbox.push(&s, b"2", Wait::Try).unwrap();
        thread::scope(|scope| {
            scope.spawn(|| done.send(outbox.wait_empty(far)).unwrap());
            while outbox.lock().wait_empty == 0 {
                thread::yield_now();
            }
            outbox.close();
            assert!(!flushed.recv().unwrap());
        });
        assert_eq!(outbox.push(&s, b"3", Wait::Block), Err(Refused::Closed));
    }
}
