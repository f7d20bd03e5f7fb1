//! The mailbox of a thread actor: a crossbeam channel behind an admission gate.
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

use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering::SeqCst};
use std::time::Instant;

use crate::chan::{Receiver, RecvTimeoutError, Sender, TryRecvError, bounded, cb, unbounded};
use crate::executor::pool::block_in_place;
use crate::runtime::error::{SendError, SendTimeoutError, TrySendError};
use crate::sync::{self, CacheLine};

use super::{Ending, Next, Shared, Wait};

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

/// The sending side and the gate, shared by every address.
pub(crate) struct Gated<M> {
    /// Written by every send: alone on its cache line, so senders never invalidate the line the
    /// reader polls (`stop`) on each message.
    gate: CacheLine<AtomicU64>,
    voids: AtomicU64,
    /// The admitted count when `stop()` sealed the gate. Written under its lock together with
    /// the seal, so a reader that finds the gate sealed knows where the count is: here, or in the
    /// exit sentinel.
    stop_admitted: Mutex<Option<u64>>,
    tx: Sender<Envelope<M>>,
    pub(crate) capacity: Option<usize>,
}

enum Admit {
    Open,
    Sealed,
}

impl<M> Gated<M> {
    /// A gated channel of this capacity (`None`: unbounded) and its receiving side.
    pub(crate) fn create(capacity: Option<usize>) -> (Box<Gated<M>>, Box<GatedReader<M>>) {
        let (tx, rx) = match capacity {
            None => unbounded(),
            Some(n) => bounded(n),
        };
        let gated = Box::new(Gated {
            gate: CacheLine(AtomicU64::new(0)),
            voids: AtomicU64::new(0),
            stop_admitted: Mutex::new(None),
            tx,
            capacity,
        });
        let reader = Box::new(GatedReader {
            rx,
            received: 0,
            sealed: None,
        });
        (gated, reader)
    }

    /// Passes the gate. After `Admit::Open` the caller must push a `Msg` or call [`void`].
    ///
    /// [`void`]: Gated::void
    #[inline]
    fn admit(&self) -> Admit {
        if self.gate.fetch_add(ONE, SeqCst) & SEALED == 0 {
            Admit::Open
        } else {
            Admit::Sealed
        }
    }

    #[inline]
    pub(crate) fn send(&self, msg: M) -> Result<(), SendError<M>> {
        let Admit::Open = self.admit() else {
            return Err(SendError(msg));
        };
        let envelope = match self.capacity {
            None => Envelope::Msg(msg),
            // A full bounded mailbox makes the sender wait: on a pool worker, only after the
            // pool has a stand-in for this worker.
            Some(_) => match self.tx.try_send(Envelope::Msg(msg)) {
                Ok(()) => return Ok(()),
                Err(cb::TrySendError::Full(envelope)) => {
                    return block_in_place(|| self.tx.send(envelope))
                        .map_err(|returned| SendError(unwrap_msg(returned.0)));
                }
                Err(cb::TrySendError::Disconnected(envelope)) => {
                    return Err(SendError(unwrap_msg(envelope)));
                }
            },
        };
        self.tx
            .send(envelope)
            .map_err(|returned| SendError(unwrap_msg(returned.0)))
    }

    pub(crate) fn try_send(&self, msg: M) -> Result<(), TrySendError<M>> {
        let Admit::Open = self.admit() else {
            return Err(TrySendError::Closed(msg));
        };
        match self.tx.try_send(Envelope::Msg(msg)) {
            Ok(()) => Ok(()),
            Err(cb::TrySendError::Full(returned)) => {
                self.void();
                Err(TrySendError::Full(unwrap_msg(returned)))
            }
            Err(cb::TrySendError::Disconnected(returned)) => {
                Err(TrySendError::Closed(unwrap_msg(returned)))
            }
        }
    }

    pub(crate) fn send_deadline(
        &self,
        msg: M,
        deadline: Instant,
    ) -> Result<(), SendTimeoutError<M>> {
        let Admit::Open = self.admit() else {
            return Err(SendTimeoutError::Closed(msg));
        };
        let sent = match self.tx.try_send(Envelope::Msg(msg)) {
            Ok(()) => Ok(()),
            Err(cb::TrySendError::Full(envelope)) => {
                block_in_place(|| self.tx.send_deadline(envelope, deadline))
            }
            Err(cb::TrySendError::Disconnected(envelope)) => {
                Err(cb::SendTimeoutError::Disconnected(envelope))
            }
        };
        match sent {
            Ok(()) => Ok(()),
            Err(cb::SendTimeoutError::Timeout(returned)) => {
                self.void();
                Err(SendTimeoutError::Timeout(unwrap_msg(returned)))
            }
            Err(cb::SendTimeoutError::Disconnected(returned)) => {
                Err(SendTimeoutError::Closed(unwrap_msg(returned)))
            }
        }
    }

    /// An admitted send gave up (full mailbox, timeout): tell a draining reader not to wait for it.
    ///
    /// Only a sealed mailbox has a reader that counts voids, so only then is a wake-up pushed (an
    /// open one would take a slot of a bounded mailbox for nothing). Both steps are `SeqCst`: if
    /// the reader read `voids` before this increment, this load sees its seal.
    fn void(&self) {
        self.voids.fetch_add(1, SeqCst);
        if self.is_sealed() {
            let _ = self.tx.try_send(Envelope::Wake);
        }
    }

    /// Seals the gate. Returns the admitted count if this call sealed it, `None` if it already was.
    fn seal(&self) -> Option<u64> {
        let old = self.gate.fetch_or(SEALED, SeqCst);
        (old & SEALED == 0).then_some((old >> 1) & COUNT_MASK)
    }

    /// Envelopes in the channel (wake-ups included: an estimate).
    pub(crate) fn queued(&self) -> usize {
        self.tx.len()
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
                let _ = block_in_place(|| self.tx.send(Envelope::Close(admitted)));
                true
            }
            None => false,
        }
    }

    /// Seals the gate for `stop`, keeping the admitted count where the reader finds it.
    pub(crate) fn seal_for_stop(&self) {
        let mut slot = sync::lock(&self.stop_admitted);
        if let Some(admitted) = self.seal() {
            *slot = Some(admitted);
        }
    }

    /// Makes a blocked reader look at the flags again.
    pub(crate) fn wake(&self) {
        let _ = self.tx.try_send(Envelope::Wake);
    }
}

/// The user message inside an envelope the channel handed back. Only `Msg` envelopes go through
/// the send paths that can fail.
fn unwrap_msg<M>(envelope: Envelope<M>) -> M {
    match envelope {
        Envelope::Msg(msg) => msg,
        Envelope::Close(_) | Envelope::Wake => {
            unreachable!("only message envelopes are sent through the send paths")
        }
    }
}

/// The receiving side, owned by the actor's run.
pub(crate) struct GatedReader<M> {
    rx: Receiver<Envelope<M>>,
    /// Admitted messages taken off the channel so far (wrapping).
    received: u64,
    /// `None` while open. Once sealed, the number of admitted messages to account for before
    /// the end (`Some(None)`: that number is still travelling in the exit sentinel).
    sealed: Option<Option<u64>>,
}

impl<M> GatedReader<M> {
    /// The next message, or the decision to end (`Err`).
    pub(crate) fn next(&mut self, shared: &Shared<M>, gated: &Gated<M>, wait: Wait) -> Next<M> {
        loop {
            let signal = shared.signal.load(SeqCst);
            if signal != 0 {
                if let Some(next) = super::take_signal(shared, signal) {
                    return next;
                }
            }
            if let Some(Some(admitted)) = self.sealed {
                if self.accounted_for(gated, admitted) {
                    return Next::End(Ending::Closed);
                }
            }
            let envelope = match self.rx.try_recv() {
                Ok(envelope) => envelope,
                Err(TryRecvError::Empty) => {
                    if self.sealed.is_none() && shared.addrs.load(SeqCst) == 0 {
                        // Nobody can send any more: drain what is queued, then end.
                        self.seal(gated);
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
                        // `Gated` holds a sender as long as this reader exists.
                        Err(RecvTimeoutError::Disconnected) => return Next::End(Ending::Closed),
                    }
                }
                Err(TryRecvError::Disconnected) => return Next::End(Ending::Closed),
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
    pub(crate) fn seal(&mut self, gated: &Gated<M>) {
        if self.sealed.is_none() {
            let slot = sync::lock(&gated.stop_admitted);
            // Sealed before by `close()`: the count travels in its sentinel (`None` here).
            self.sealed = Some(gated.seal().or(*slot));
        }
    }

    /// Seals and collects every admitted message not yet received.
    pub(crate) fn finish(&mut self, gated: &Gated<M>) -> Vec<M> {
        self.seal(gated);
        let mut admitted = self.sealed.flatten();
        let mut left = Vec::new();
        loop {
            if let Some(count) = admitted {
                if self.accounted_for(gated, count) {
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
        left
    }

    fn accounted_for(&self, gated: &Gated<M>, admitted: u64) -> bool {
        let done = self.received.wrapping_add(gated.voids.load(SeqCst));
        done & COUNT_MASK == admitted
    }
}
