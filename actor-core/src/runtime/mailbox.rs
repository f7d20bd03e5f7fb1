//! The mailbox: the channel under an actor, the admission gate that makes closing lossless, and
//! the reader that turns envelopes into messages and exit decisions.
//!
//! # Why a gate
//!
//! A channel alone cannot close without losing messages: a sender that checked "open" may push
//! after the actor drained for the last time. So every send first passes `gate`, one atomic word:
//! bit 0 says "sealed", the rest counts admitted sends. A sender adds one (`fetch_add`) and, if
//! the old value was not sealed, must then deliver its message or report it void. Sealing
//! (`fetch_or`) reads the exact number admitted before it. The reader drains until it has
//! received that many messages (minus the void ones), so every admitted message is either handled,
//! handed back to the joiner, or refused to its sender with the message: never lost.
//!
//! The exit sentinel of [`Addr::close`](crate::Addr::close) seals the gate and then travels in-band
//! carrying the admitted count, so it lands behind every message sent before it. Wake-ups for
//! `stop` and for "last address dropped" are not counted; they only make a blocked reader look
//! at the flags again.

use crate::sync;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering::SeqCst};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use crate::blocks::event::Event;
use crate::chan::{Receiver, RecvTimeoutError, Sender, TryRecvError, bounded, unbounded};
use crate::runtime::ask::EndWatch;
use crate::{ActorId, ExitReason};

/// How many messages an actor's mailbox holds.
///
/// ```
/// use actor_core::{Builder, Mailbox};
///
/// let handle = Builder::new()
///     .mailbox(Mailbox::Bounded(1))
///     .spawn_fn(|inbox: actor_core::Inbox<u8>| {
///         while inbox.recv().is_ok() {}
///         Ok(())
///     })
///     .unwrap();
/// assert_eq!(handle.addr().capacity(), Some(1));
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum Mailbox {
    /// No limit: `send` never blocks. The default.
    #[default]
    Unbounded,
    /// At most this many queued messages: `send` blocks while full (back-pressure), `try_send`
    /// fails with `Full`, `send_timeout` waits at most its timeout. `Bounded(0)` is taken as
    /// `Bounded(1)`: an actor's mailbox always has room for one message.
    Bounded(usize),
}

/// What travels through the channel.
pub(crate) enum Envelope<M> {
    /// A user message; counted by the gate.
    Msg(M),
    /// The exit sentinel, with the number of sends admitted before it sealed the gate.
    Close(u64),
    /// Look at the flags again; not counted.
    Wake,
}

const SEALED: u64 = 1;
const ONE: u64 = 2;
/// Counts live in the upper 63 bits and wrap; compare them under this mask.
const COUNT_MASK: u64 = u64::MAX >> 1;

/// State shared by every address of one actor and by its runner.
pub(crate) struct Shared<M> {
    pub(crate) tx: Sender<Envelope<M>>,
    /// Written by every send: alone on its cache line, so senders never invalidate the line the
    /// reader polls (`stop`) on each message.
    gate: CacheLine<AtomicU64>,
    voids: AtomicU64,
    /// Live `Addr` values; when it falls to zero the actor drains and ends.
    pub(crate) addrs: AtomicUsize,
    stop: AtomicBool,
    /// The admitted count when `stop()` sealed the gate. Written under its lock together with
    /// the seal, so a reader that finds the gate sealed knows where the count is: here, or in the
    /// exit sentinel.
    stop_admitted: Mutex<Option<u64>>,
    pub(crate) capacity: Option<usize>,
    pub(crate) id: ActorId,
    pub(crate) name: Box<str>,
    /// Marked when the actor's run ends: wakes askers whose request will never be answered.
    pub(crate) end: EndWatch,
    pub(crate) started: Event,
    pub(crate) start_ok: AtomicBool,
    pub(crate) finished: Event,
}

/// A value alone on its cache line (128 bytes covers adjacent-line prefetching on x86).
#[repr(align(128))]
struct CacheLine<T>(T);

impl<T> std::ops::Deref for CacheLine<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

pub(crate) enum Admit {
    Open,
    Sealed,
}

impl<M> Shared<M> {
    /// A mailbox and its reader.
    pub(crate) fn create(
        mailbox: Mailbox,
        id: ActorId,
        name: Box<str>,
    ) -> (Arc<Shared<M>>, Reader<M>) {
        let (tx, rx) = match mailbox {
            Mailbox::Unbounded => unbounded(),
            Mailbox::Bounded(n) => bounded(n.max(1)),
        };
        let shared = Arc::new(Shared {
            tx,
            gate: CacheLine(AtomicU64::new(0)),
            voids: AtomicU64::new(0),
            addrs: AtomicUsize::new(0),
            stop: AtomicBool::new(false),
            stop_admitted: Mutex::new(None),
            capacity: match mailbox {
                Mailbox::Unbounded => None,
                Mailbox::Bounded(n) => Some(n.max(1)),
            },
            id,
            name,
            end: EndWatch::new(),
            started: Event::new(),
            start_ok: AtomicBool::new(false),
            finished: Event::new(),
        });
        let reader = Reader {
            shared: Arc::clone(&shared),
            rx,
            received: 0,
            sealed: None,
            ended: None,
        };
        (shared, reader)
    }

    /// Passes the gate. After `Admit::Open` the caller must push a `Msg` or call [`void`].
    ///
    /// [`void`]: Shared::void
    #[inline]
    pub(crate) fn admit(&self) -> Admit {
        if self.gate.fetch_add(ONE, SeqCst) & SEALED == 0 {
            Admit::Open
        } else {
            Admit::Sealed
        }
    }

    /// An admitted send gave up (full mailbox, timeout): tell a draining reader not to wait for it.
    ///
    /// Only a sealed mailbox has a reader that counts voids, so only then is a wake-up pushed (an
    /// open one would take a slot of a bounded mailbox for nothing). Both steps are `SeqCst`: if
    /// the reader read `voids` before this increment, this load sees its seal.
    pub(crate) fn void(&self) {
        self.voids.fetch_add(1, SeqCst);
        if self.is_sealed() {
            let _ = self.tx.try_send(Envelope::Wake);
        }
    }

    /// Seals the gate. Returns the admitted count if this call sealed it, `None` if it already was.
    pub(crate) fn seal(&self) -> Option<u64> {
        let old = self.gate.fetch_or(SEALED, SeqCst);
        (old & SEALED == 0).then_some((old >> 1) & COUNT_MASK)
    }

    /// Whether the gate is sealed: no more messages are accepted.
    pub(crate) fn is_sealed(&self) -> bool {
        self.gate.load(SeqCst) & SEALED != 0
    }

    /// Queues the exit sentinel. Returns `false` if the mailbox was already sealed.
    pub(crate) fn close(&self) -> bool {
        match self.seal() {
            Some(admitted) => {
                // The reader keeps draining until it has this sentinel, so the send completes
                // even on a full bounded mailbox.
                let _ = self.tx.send(Envelope::Close(admitted));
                true
            }
            None => false,
        }
    }

    /// Asks the actor to end after its current message. Seals the gate at once: later sends fail.
    pub(crate) fn request_stop(&self) {
        {
            let mut slot = sync::lock(&self.stop_admitted);
            if let Some(admitted) = self.seal() {
                *slot = Some(admitted);
            }
        }
        self.stop.store(true, SeqCst);
        let _ = self.tx.try_send(Envelope::Wake);
    }

    pub(crate) fn wake(&self) {
        let _ = self.tx.try_send(Envelope::Wake);
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Ending {
    Closed,
    Stopped,
}

impl Ending {
    pub(crate) fn reason(self) -> ExitReason {
        match self {
            Ending::Closed => ExitReason::Closed,
            Ending::Stopped => ExitReason::Stopped,
        }
    }
}

/// How long [`Reader::next`] may wait for a message.
#[derive(Clone, Copy)]
pub(crate) enum Wait {
    Block,
    Poll,
    Until(Instant),
}

pub(crate) enum Next<M> {
    Msg(M),
    /// No message within the allowed wait.
    Empty,
    End(Ending),
}

/// The receiving side of a mailbox, owned by the actor's runner.
pub(crate) struct Reader<M> {
    pub(crate) shared: Arc<Shared<M>>,
    rx: Receiver<Envelope<M>>,
    /// Admitted messages taken off the channel so far (wrapping).
    received: u64,
    /// `None` while open. Once sealed, the number of admitted messages to account for before
    /// the end (`Some(None)`: that number is still travelling in the exit sentinel).
    sealed: Option<Option<u64>>,
    /// Set once the reader has decided to end; every later `next` repeats it.
    ended: Option<Ending>,
}

impl<M> Reader<M> {
    /// The next message, or the decision to end.
    pub(crate) fn next(&mut self, wait: Wait) -> Next<M> {
        loop {
            if let Some(ending) = self.ended {
                return Next::End(ending);
            }
            if self.shared.stop.load(SeqCst) {
                return self.end(Ending::Stopped);
            }
            if let Some(Some(admitted)) = self.sealed {
                if self.accounted_for(admitted) {
                    return self.end(Ending::Closed);
                }
            }
            let envelope = match self.rx.try_recv() {
                Ok(envelope) => envelope,
                Err(TryRecvError::Empty) => {
                    if self.sealed.is_none() && self.shared.addrs.load(SeqCst) == 0 {
                        // Nobody can send any more: drain what is queued, then end.
                        self.seal();
                        continue;
                    }
                    let got = match wait {
                        Wait::Block => self.rx.recv().map_err(|_| RecvTimeoutError::Disconnected),
                        Wait::Poll => return Next::Empty,
                        Wait::Until(deadline) => self.rx.recv_deadline(deadline),
                    };
                    match got {
                        Ok(envelope) => envelope,
                        Err(RecvTimeoutError::Timeout) => return Next::Empty,
                        // `Shared` holds a sender as long as this reader exists.
                        Err(RecvTimeoutError::Disconnected) => return self.end(Ending::Closed),
                    }
                }
                Err(TryRecvError::Disconnected) => return self.end(Ending::Closed),
            };
            match envelope {
                Envelope::Msg(msg) => {
                    self.received = self.received.wrapping_add(1);
                    return Next::Msg(msg);
                }
                Envelope::Close(admitted) => self.sealed = Some(Some(admitted)),
                Envelope::Wake => {}
            }
        }
    }

    /// Seals the mailbox if it is still open. Messages admitted before are still delivered.
    pub(crate) fn seal(&mut self) {
        if self.sealed.is_none() {
            let slot = sync::lock(&self.shared.stop_admitted);
            // Sealed before by `close()`: the count travels in its sentinel (`None` here).
            self.sealed = Some(self.shared.seal().or(*slot));
        }
    }

    /// Ends the run: seals the mailbox and collects every admitted message not yet received.
    pub(crate) fn finish(&mut self) -> Vec<M> {
        self.seal();
        let mut admitted = self.sealed.flatten();
        let mut left = Vec::new();
        loop {
            if let Some(count) = admitted {
                if self.accounted_for(count) {
                    break;
                }
            }
            match self.rx.recv() {
                Ok(Envelope::Msg(msg)) => {
                    self.received = self.received.wrapping_add(1);
                    left.push(msg);
                }
                Ok(Envelope::Close(count)) => admitted = Some(count),
                Ok(Envelope::Wake) => {}
                Err(_) => break,
            }
        }
        self.sealed = Some(admitted);
        self.ended.get_or_insert(Ending::Closed);
        left
    }

    /// The end this reader has reported, if any.
    pub(crate) fn ending(&self) -> Option<Ending> {
        self.ended
    }

    fn end(&mut self, ending: Ending) -> Next<M> {
        self.seal();
        self.ended = Some(ending);
        Next::End(ending)
    }

    fn accounted_for(&self, admitted: u64) -> bool {
        let done = self.received.wrapping_add(self.shared.voids.load(SeqCst));
        done & COUNT_MASK == admitted
    }
}
