//! Model checks of the admission gate: loom runs `Gated` and `GatedReader` themselves, over a
//! locked queue in place of crossbeam's channel, through every interleaving (within the
//! preemption bound of `sync::checked`) of the actor's reader and two or three other threads.
//!
//! In every interleaving each model checks that:
//! - every message is handled by the reader, handed back by `finish` (to the joiner) or refused to
//!   its sender inside the error: exactly one of the three, so none is lost or doubled;
//! - a send that returned `Ok` was handled or handed back, never refused;
//! - the reader's drain ends: a reader blocked for good is a deadlock, which loom reports;
//! - once the reader has finished, nothing is admitted and no message is left in the channel.
//!
//! The channel of the model is linearisable, as crossbeam's is; a timed send that finds no room
//! gives up at once (the model has no clock), which is the give-up path at its earliest.

use std::collections::VecDeque;
use std::sync::Arc;
use std::sync::PoisonError;
use std::sync::atomic::Ordering::SeqCst;
use std::time::Instant;

use super::{Envelope, Gated, GatedReader, Pipe, PipeRx};
use crate::chan::{RecvTimeoutError, TryRecvError, cb};
use crate::runtime::error::{SendError, SendTimeoutError, TrySendError};
use crate::runtime::mailbox::{Ending, Next, Wait};
use crate::sync::checked::{self, AtomicU8, AtomicUsize, Condvar, Mutex, thread};

/// The channel of the model: a queue under a lock, and one condition variable for "the queue
/// changed".
struct Chan<T> {
    state: Mutex<ChanState<T>>,
    changed: Condvar,
    capacity: Option<usize>,
}

struct ChanState<T> {
    queue: VecDeque<T>,
    /// The receiving half still exists.
    open: bool,
}

impl<T> Chan<T> {
    fn full(&self, state: &ChanState<T>) -> bool {
        self.capacity.is_some_and(|cap| state.queue.len() >= cap)
    }
}

/// The sending half of the model's channel.
struct Tx<T>(Arc<Chan<T>>);

/// The receiving half of the model's channel.
struct Rx<T>(Arc<Chan<T>>);

impl<T> Pipe<T> for Tx<T> {
    type Rx = Rx<T>;

    fn pair(capacity: Option<usize>) -> (Tx<T>, Rx<T>) {
        let chan = Arc::new(Chan {
            state: Mutex::new(ChanState {
                queue: VecDeque::new(),
                open: true,
            }),
            changed: Condvar::new(),
            capacity,
        });
        (Tx(Arc::clone(&chan)), Rx(chan))
    }

    fn try_send(&self, value: T) -> Result<(), cb::TrySendError<T>> {
        let mut state = checked::lock(&self.0.state);
        if !state.open {
            return Err(cb::TrySendError::Disconnected(value));
        }
        if self.0.full(&state) {
            return Err(cb::TrySendError::Full(value));
        }
        state.queue.push_back(value);
        self.0.changed.notify_all();
        Ok(())
    }

    fn send(&self, value: T) -> Result<(), T> {
        let mut state = checked::lock(&self.0.state);
        loop {
            if !state.open {
                return Err(value);
            }
            if !self.0.full(&state) {
                state.queue.push_back(value);
                self.0.changed.notify_all();
                return Ok(());
            }
            state = self
                .0
                .changed
                .wait(state)
                .unwrap_or_else(PoisonError::into_inner);
        }
    }

    fn send_deadline(&self, value: T, _: Instant) -> Result<(), cb::SendTimeoutError<T>> {
        self.try_send(value).map_err(|refused| match refused {
            cb::TrySendError::Full(value) => cb::SendTimeoutError::Timeout(value),
            cb::TrySendError::Disconnected(value) => cb::SendTimeoutError::Disconnected(value),
        })
    }

    fn len(&self) -> usize {
        checked::lock(&self.0.state).queue.len()
    }
}

impl<T> PipeRx<T> for Rx<T> {
    fn try_recv(&self) -> Result<T, TryRecvError> {
        let mut state = checked::lock(&self.0.state);
        let value = state.queue.pop_front().ok_or(TryRecvError::Empty)?;
        self.0.changed.notify_all();
        Ok(value)
    }

    /// `Gated` keeps a sending half as long as the reader exists: this never fails.
    fn recv(&self) -> Result<T, RecvTimeoutError> {
        let mut state = checked::lock(&self.0.state);
        loop {
            if let Some(value) = state.queue.pop_front() {
                self.0.changed.notify_all();
                return Ok(value);
            }
            state = self
                .0
                .changed
                .wait(state)
                .unwrap_or_else(PoisonError::into_inner);
        }
    }

    fn recv_deadline(&self, _: Instant) -> Result<T, RecvTimeoutError> {
        self.try_recv().map_err(|_| RecvTimeoutError::Timeout)
    }
}

impl<T> Drop for Rx<T> {
    fn drop(&mut self) {
        checked::lock(&self.0.state).open = false;
        self.0.changed.notify_all();
    }
}

type Gate = Gated<u32, Tx<Envelope<u32>>>;
type Reader = GatedReader<u32, Tx<Envelope<u32>>>;

/// An actor's mailbox in the model: the gate, and the two words of `Shared` its reader reads.
struct Mailbox {
    gated: Box<Gate>,
    signal: AtomicU8,
    addrs: AtomicUsize,
}

/// A mailbox of this capacity with `addrs` live addresses, and its reader.
fn mailbox(capacity: Option<usize>, addrs: usize) -> (Arc<Mailbox>, Box<Reader>) {
    let (gated, reader) = Gated::create(capacity);
    let mailbox = Mailbox {
        gated,
        signal: AtomicU8::new(0),
        addrs: AtomicUsize::new(addrs),
    };
    (Arc::new(mailbox), reader)
}

impl Mailbox {
    /// Runs `body` with this mailbox on a new thread of the model.
    fn on_thread<T: Send + 'static>(
        self: &Arc<Self>,
        body: impl FnOnce(&Mailbox) -> T + Send + 'static,
    ) -> thread::JoinHandle<T> {
        let mailbox = Arc::clone(self);
        thread::spawn(move || body(&mailbox))
    }

    /// What `Addr::stop` does on a thread actor (`Link::request_stop`).
    fn stop(&self) {
        self.gated.stop(&self.signal);
    }

    /// What dropping an `Addr` does: the last one wakes the reader (`Link::last_addr_dropped`).
    fn drop_addr(&self) {
        if self.addrs.fetch_sub(1, SeqCst) == 1 {
            self.gated.wake();
        }
    }

    /// The envelopes in the channel, as `(messages, wake-ups, sentinels)`.
    fn in_channel(&self) -> (usize, usize, usize) {
        let state = checked::lock(&self.gated.tx.0.state);
        let mut counts = (0, 0, 0);
        for envelope in &state.queue {
            match envelope {
                Envelope::Msg(_) => counts.0 += 1,
                Envelope::Wake => counts.1 += 1,
                Envelope::Close(_) => counts.2 += 1,
            }
        }
        counts
    }
}

/// What one thread's sends came to.
#[derive(Default)]
struct Sent {
    accepted: Vec<u32>,
    refused: Vec<u32>,
}

impl Sent {
    fn send(&mut self, mailbox: &Mailbox, msg: u32) {
        match mailbox.gated.send(msg) {
            Ok(()) => self.accepted.push(msg),
            Err(SendError(msg)) => self.refused.push(msg),
        }
    }

    /// `true` if accepted.
    fn try_send(&mut self, mailbox: &Mailbox, msg: u32) -> bool {
        match mailbox.gated.try_send(msg) {
            Ok(()) => {
                self.accepted.push(msg);
                true
            }
            Err(TrySendError::Full(msg) | TrySendError::Closed(msg)) => {
                self.refused.push(msg);
                false
            }
        }
    }

    fn send_timeout(&mut self, mailbox: &Mailbox, msg: u32) {
        match mailbox.gated.send_deadline(msg, Instant::now()) {
            Ok(()) => self.accepted.push(msg),
            Err(SendTimeoutError::Timeout(msg) | SendTimeoutError::Closed(msg)) => {
                self.refused.push(msg);
            }
        }
    }
}

/// What the actor's run did with its reader.
struct Run {
    handled: Vec<u32>,
    ending: Ending,
    /// What `finish` handed back (to the joiner).
    left: Vec<u32>,
}

/// What a thread actor's run does: reads, blocking, until the reader decides to end, seals then
/// (as `Reader::next` does), and finishes.
fn run(mailbox: &Mailbox, reader: &mut Reader) -> Run {
    let mut handled = Vec::new();
    let ending = loop {
        match reader.next(&mailbox.signal, &mailbox.addrs, &mailbox.gated, Wait::Block) {
            Next::Msg(msg) => handled.push(msg),
            Next::End(ending) => {
                reader.seal(&mailbox.gated);
                break ending;
            }
            Next::Empty | Next::Restart => unreachable!("a blocking read without restarts"),
        }
    };
    let left = reader.finish(&mailbox.gated);
    Run {
        handled,
        ending,
        left,
    }
}

/// The invariants every gate model ends with; `all` is every message any thread sent.
fn check(mailbox: &Mailbox, run: &Run, sent: &[Sent], all: &[u32]) {
    let reached: Vec<u32> = run.handled.iter().chain(&run.left).copied().collect();
    for sent in sent {
        for msg in &sent.accepted {
            assert!(
                reached.contains(msg),
                "message {msg} was accepted but never reached the actor nor its joiner"
            );
        }
    }
    let mut every: Vec<u32> = reached
        .iter()
        .copied()
        .chain(sent.iter().flat_map(|sent| sent.refused.iter().copied()))
        .collect();
    every.sort_unstable();
    let mut expected = all.to_vec();
    expected.sort_unstable();
    assert_eq!(every, expected, "each message ends in exactly one place");
    assert_eq!(mailbox.in_channel().0, 0, "a message left in the channel");
    assert!(mailbox.gated.is_sealed());
    assert!(
        matches!(mailbox.gated.try_send(99), Err(TrySendError::Closed(99))),
        "a send admitted after the seal"
    );
}

/// `close` races a send and a `try_send` that gives up on the full bounded mailbox: its void is
/// counted whether it comes before or after the seal, and the sentinel lands behind the rest.
#[test]
fn close_races_a_send_and_a_try_send_that_gives_up() {
    checked::model(|| {
        let (mailbox, mut reader) = mailbox(Some(1), 1);
        let sender = mailbox.on_thread(|mailbox| {
            let mut sent = Sent::default();
            sent.send(mailbox, 1);
            sent.try_send(mailbox, 2);
            sent
        });
        let closer = mailbox.on_thread(|mailbox| assert!(mailbox.gated.close()));
        let run = run(&mailbox, &mut reader);
        let sent = sender.join().unwrap();
        closer.join().unwrap();
        assert_eq!(run.ending, Ending::Closed);
        check(&mailbox, &run, &[sent], &[1, 2]);
    });
}

/// `stop` races a send and a `send_timeout` that gives up: the reader ends stopped, and what it
/// did not handle is handed back by `finish`, counted from the admitted count `stop` recorded.
#[test]
fn stop_races_a_send_and_a_send_timeout_that_gives_up() {
    checked::model(|| {
        let (mailbox, mut reader) = mailbox(Some(1), 1);
        let sender = mailbox.on_thread(|mailbox| {
            let mut sent = Sent::default();
            sent.send(mailbox, 1);
            sent.send_timeout(mailbox, 2);
            sent
        });
        let stopper = mailbox.on_thread(|mailbox| mailbox.stop());
        let run = run(&mailbox, &mut reader);
        let sent = sender.join().unwrap();
        stopper.join().unwrap();
        assert_eq!(run.ending, Ending::Stopped);
        check(&mailbox, &run, &[sent], &[1, 2]);
    });
}

/// `close` races two sends on an unbounded mailbox (the default): each send is admitted before
/// the seal and lands ahead of the sentinel, or is refused.
#[test]
fn close_races_sends_on_an_unbounded_mailbox() {
    checked::model(|| {
        let (mailbox, mut reader) = mailbox(None, 1);
        let sender = mailbox.on_thread(|mailbox| {
            let mut sent = Sent::default();
            sent.send(mailbox, 1);
            sent.send(mailbox, 2);
            sent
        });
        let closer = mailbox.on_thread(|mailbox| assert!(mailbox.gated.close()));
        let run = run(&mailbox, &mut reader);
        let sent = sender.join().unwrap();
        closer.join().unwrap();
        assert_eq!(run.ending, Ending::Closed);
        assert_eq!(
            run.left,
            [],
            "a closed actor handles what was sent before the close"
        );
        check(&mailbox, &run, &[sent], &[1, 2]);
    });
}

/// `stop` races a send that may block on the full bounded mailbox: `finish` drains the channel,
/// so the blocked send completes and its message is handed back.
#[test]
fn stop_races_a_send_blocked_on_a_full_mailbox() {
    checked::model(|| {
        let (mailbox, mut reader) = mailbox(Some(1), 1);
        let sender = mailbox.on_thread(|mailbox| {
            let mut sent = Sent::default();
            sent.send(mailbox, 1);
            sent.send(mailbox, 2);
            sent
        });
        let stopper = mailbox.on_thread(|mailbox| mailbox.stop());
        let run = run(&mailbox, &mut reader);
        let sent = sender.join().unwrap();
        stopper.join().unwrap();
        assert_eq!(run.ending, Ending::Stopped);
        check(&mailbox, &run, &[sent], &[1, 2]);
    });
}

/// The last two addresses are dropped by threads that send just before (one blocking on the
/// full mailbox, one giving up): the reader notices the last drop, drains and ends closed.
#[test]
fn the_last_addr_dropped_races_sends() {
    checked::model(|| {
        let (mailbox, mut reader) = mailbox(Some(1), 2);
        let senders: Vec<_> = [1, 2]
            .into_iter()
            .map(|msg| {
                mailbox.on_thread(move |mailbox| {
                    let mut sent = Sent::default();
                    if msg == 1 {
                        sent.send(mailbox, msg);
                    } else {
                        sent.try_send(mailbox, msg);
                    }
                    mailbox.drop_addr();
                    sent
                })
            })
            .collect();
        let run = run(&mailbox, &mut reader);
        let sent: Vec<Sent> = senders.into_iter().map(|s| s.join().unwrap()).collect();
        assert_eq!(run.ending, Ending::Closed);
        check(&mailbox, &run, &sent, &[1, 2]);
    });
}

/// `close` and `stop` race each other and a sender whose second `try_send` may give up: whichever
/// seals first, the count reaches the reader (in the sentinel or from `stop`'s record).
#[test]
fn close_races_stop_and_a_give_up() {
    checked::model(|| {
        let (mailbox, mut reader) = mailbox(Some(1), 1);
        let sender = mailbox.on_thread(|mailbox| {
            let mut sent = Sent::default();
            sent.try_send(mailbox, 1);
            sent.try_send(mailbox, 2);
            sent
        });
        let closer = mailbox.on_thread(|mailbox| {
            mailbox.gated.close();
        });
        let stopper = mailbox.on_thread(|mailbox| mailbox.stop());
        let run = run(&mailbox, &mut reader);
        let sent = sender.join().unwrap();
        closer.join().unwrap();
        stopper.join().unwrap();
        check(&mailbox, &run, &[sent], &[1, 2]);
    });
}

/// A send that gives up on an open mailbox queues no wake-up: on a bounded mailbox that wake-up
/// would take the slot the reader just freed, and the next `try_send` would find it full.
#[test]
fn a_give_up_on_an_open_mailbox_queues_no_wake_up() {
    checked::model(|| {
        let (mailbox, mut reader) = mailbox(Some(1), 1);
        let sender = mailbox.on_thread(|mailbox| {
            let mut sent = Sent::default();
            assert!(sent.try_send(mailbox, 1));
            sent.try_send(mailbox, 2);
            sent
        });
        let first = loop {
            match reader.next(&mailbox.signal, &mailbox.addrs, &mailbox.gated, Wait::Poll) {
                Next::Msg(msg) => break msg,
                Next::Empty => thread::yield_now(),
                Next::End(_) | Next::Restart => unreachable!("the mailbox stays open"),
            }
        };
        assert_eq!(first, 1);
        let sent = sender.join().unwrap();
        assert_eq!(mailbox.in_channel(), (sent.accepted.len() - 1, 0, 0));
        if sent.refused == [2] {
            // The slot is free again.
            assert!(mailbox.gated.try_send(3).is_ok());
        }
    });
}
