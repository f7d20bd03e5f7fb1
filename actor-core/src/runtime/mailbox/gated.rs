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
//!
//! # Model checks
//!
//! The gate's atomics and lock come from `crate::sync::checked`, and the channel is a type
//! parameter ([`Pipe`], crossbeam's channel in the crate), so the unit tests in `loom_model` run
//! this very code with loom's types and a locked queue in place of the channel (see
//! `sync::checked` for the command).

use std::marker::PhantomData;
use std::sync::atomic::Ordering::SeqCst;
use std::time::Instant;

use crate::chan::{Receiver, RecvTimeoutError, Sender, TryRecvError, bounded, cb, unbounded};
use crate::executor::pool::block_in_place;
use crate::runtime::error::{SendError, SendTimeoutError, TrySendError};
use crate::sync::CacheLine;
use crate::sync::checked::{self, AtomicU8, AtomicU64, AtomicUsize, Mutex};

use super::{Ending, Next, STOP, Wait};

#[cfg(all(test, loom))]
mod loom_model;

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

/// The channel under the gate: crossbeam's in the crate, a locked queue in the model checks. A
/// type parameter, so the crate's code calls crossbeam directly.
pub(crate) trait Pipe<T>: Sized {
    /// The receiving half.
    type Rx: PipeRx<T>;
    /// A channel of this capacity (`None`: unbounded).
    fn pair(capacity: Option<usize>) -> (Self, Self::Rx);
    fn try_send(&self, value: T) -> Result<(), cb::TrySendError<T>>;
    /// Waits for room; hands the value back only if the receiving half is gone.
    fn send(&self, value: T) -> Result<(), T>;
    fn send_deadline(&self, value: T, deadline: Instant) -> Result<(), cb::SendTimeoutError<T>>;
    /// Values queued.
    fn len(&self) -> usize;
}

/// The receiving half of a [`Pipe`].
pub(crate) trait PipeRx<T> {
    fn try_recv(&self) -> Result<T, TryRecvError>;
    /// Waits for a value; fails (`Disconnected`) only if every sending half is gone.
    fn recv(&self) -> Result<T, RecvTimeoutError>;
    fn recv_deadline(&self, deadline: Instant) -> Result<T, RecvTimeoutError>;
}

impl<T> Pipe<T> for Sender<T> {
    type Rx = Receiver<T>;

    fn pair(capacity: Option<usize>) -> (Sender<T>, Receiver<T>) {
        match capacity {
            None => unbounded(),
            Some(n) => bounded(n),
        }
    }

    #[inline]
    fn try_send(&self, value: T) -> Result<(), cb::TrySendError<T>> {
        Sender::try_send(self, value)
    }

    #[inline]
    fn send(&self, value: T) -> Result<(), T> {
        Sender::send(self, value).map_err(|returned| returned.0)
    }

    #[inline]
    fn send_deadline(&self, value: T, deadline: Instant) -> Result<(), cb::SendTimeoutError<T>> {
        Sender::send_deadline(self, value, deadline)
    }

    #[inline]
    fn len(&self) -> usize {
        Sender::len(self)
    }
}

impl<T> PipeRx<T> for Receiver<T> {
    #[inline]
    fn try_recv(&self) -> Result<T, TryRecvError> {
        Receiver::try_recv(self)
    }

    #[inline]
    fn recv(&self) -> Result<T, RecvTimeoutError> {
        Receiver::recv(self).map_err(|_| RecvTimeoutError::Disconnected)
    }

    #[inline]
    fn recv_deadline(&self, deadline: Instant) -> Result<T, RecvTimeoutError> {
        Receiver::recv_deadline(self, deadline)
    }
}

/// The sending side and the gate, shared by every address.
pub(crate) struct Gated<M, P = Sender<Envelope<M>>> {
    /// Written by every send: alone on its cache line, so senders never invalidate the line the
    /// reader polls (`stop`) on each message.
    gate: CacheLine<AtomicU64>,
    voids: AtomicU64,
    /// The admitted count when `stop()` sealed the gate. Written under its lock together with
    /// the seal, so a reader that finds the gate sealed knows where the count is: here, or in the
    /// exit sentinel.
    stop_admitted: Mutex<Option<u64>>,
    tx: P,
    pub(crate) capacity: Option<usize>,
    /// The message type, as a function's: it does not change when `Gated` is `Send` or `Sync`.
    msg: PhantomData<fn() -> M>,
}

enum Admit {
    Open,
    Sealed,
}

impl<M, P: Pipe<Envelope<M>>> Gated<M, P> {
    /// A gated channel of this capacity (`None`: unbounded) and its receiving side.
    pub(crate) fn create(capacity: Option<usize>) -> (Box<Self>, Box<GatedReader<M, P>>) {
        let (tx, rx) = P::pair(capacity);
        let gated = Box::new(Gated {
            gate: CacheLine(AtomicU64::new(0)),
            voids: AtomicU64::new(0),
            stop_admitted: Mutex::new(None),
            tx,
            capacity,
            msg: PhantomData,
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
                        .map_err(|returned| SendError(unwrap_msg(returned)));
                }
                Err(cb::TrySendError::Disconnected(envelope)) => {
                    return Err(SendError(unwrap_msg(envelope)));
                }
            },
        };
        self.tx
            .send(envelope)
            .map_err(|returned| SendError(unwrap_msg(returned)))
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
        checked::store_load_order();
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

    /// `stop`: seals the gate, keeping the admitted count where the reader finds it, raises
    /// [`STOP`] in the actor's `signal` word and wakes a blocked reader.
    pub(crate) fn stop(&self, signal: &AtomicU8) {
        {
            let mut slot = checked::lock(&self.stop_admitted);
            if let Some(admitted) = self.seal() {
                *slot = Some(admitted);
            }
        }
        signal.fetch_or(STOP, SeqCst);
        self.wake();
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
pub(crate) struct GatedReader<M, P: Pipe<Envelope<M>> = Sender<Envelope<M>>> {
    rx: P::Rx,
    /// Admitted messages taken off the channel so far (wrapping).
    received: u64,
    /// `None` while open. Once sealed, the number of admitted messages to account for before
    /// the end (`Some(None)`: that number is still travelling in the exit sentinel).
    sealed: Option<Option<u64>>,
}

impl<M, P: Pipe<Envelope<M>>> GatedReader<M, P> {
    /// The next message, or the decision to end. `signal` and `addrs` are the actor's
    /// (`Shared::signal`, `Shared::addrs`).
    pub(crate) fn next(
        &mut self,
        signal: &AtomicU8,
        addrs: &AtomicUsize,
        gated: &Gated<M, P>,
        wait: Wait,
    ) -> Next<M> {
        loop {
            let flags = signal.load(SeqCst);
            if flags != 0 {
                if let Some(next) = super::take_signal(signal, flags) {
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
                    if self.sealed.is_none() && addrs.load(SeqCst) == 0 {
                        // Nobody can send any more: drain what is queued, then end.
                        self.seal(gated);
                        continue;
                    }
                    let got = match wait {
                        Wait::Block => self.rx.recv(),
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
    pub(crate) fn seal(&mut self, gated: &Gated<M, P>) {
        if self.sealed.is_none() {
            let slot = checked::lock(&gated.stop_admitted);
            // Sealed before by `close()`: the count travels in its sentinel (`None` here).
            self.sealed = Some(gated.seal().or(*slot));
        }
    }

    /// Seals and collects every admitted message not yet received.
    pub(crate) fn finish(&mut self, gated: &Gated<M, P>) -> Vec<M> {
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

    /// Whether every message admitted before the seal was received or given up. The seal came
    /// before (here, or on the thread whose count reached this reader): the other side of
    /// [`Gated::void`]'s order.
    fn accounted_for(&self, gated: &Gated<M, P>, admitted: u64) -> bool {
        checked::store_load_order();
        let done = self.received.wrapping_add(gated.voids.load(SeqCst));
        done & COUNT_MASK == admitted
    }
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;

    /// A send that gives up on an open mailbox queues no wake-up. Here the reader has just taken
    /// the message that filled the bounded mailbox when the send gives up: a wake-up would take
    /// the freed slot, and the next `try_send` would find the mailbox full.
    #[test]
    fn a_give_up_on_an_open_mailbox_queues_no_wake_up() {
        let (gated, _reader) = Gated::<u32>::create(Some(1));
        assert!(matches!(gated.admit(), Admit::Open));
        gated.void();
        assert_eq!(gated.queued(), 0);
        assert!(gated.try_send(1).is_ok());
    }

    /// Once sealed, a give-up does wake the reader, which is counting voids.
    #[test]
    fn a_give_up_on_a_sealed_mailbox_wakes_the_reader() {
        let (gated, _reader) = Gated::<u32>::create(Some(1));
        assert!(matches!(gated.admit(), Admit::Open));
        assert_eq!(gated.seal(), Some(1));
        gated.void();
        assert_eq!(gated.queued(), 1);
    }
}
