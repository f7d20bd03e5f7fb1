//! The mailbox of a pooled actor: a queue under a short lock, small enough for a million actors.
//!
//! A pooled actor's mailbox must cost little while idle (the pool's bound is 512 bytes an actor,
//! everything included), so it is a `VecDeque` under a `Mutex`: no allocation until the first
//! message, a few words once drained. The lock is held only to push or pop one message, never
//! while user code runs.
//!
//! Because sends and the seal take the same lock, closing needs no admission count: a send either
//! lands before the seal (and is handled, or handed back to the joiner) or sees the seal and gets
//! its message back. The reader never blocks; it reports `Empty` and the worker moves on.
//!
//! `scheduled` is the actor's place in the pool: `false` while it is idle. A send that finds it
//! `false` claims it (`swap`) and puts the actor on a run queue; sends to an actor that is queued
//! or running see `true` with a plain load and do nothing more. No lock is taken for this.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, Ordering::SeqCst};
use std::sync::{Condvar, Mutex, MutexGuard};
use std::time::Instant;

use crate::executor::pool::block_in_place;
use crate::runtime::error::{SendError, SendTimeoutError, TrySendError};
use crate::sync;

use super::{Ending, Next, Shared};

/// Drained queues keep at most this many slots; a larger buffer is given back to the allocator.
const KEEP_SLOTS: usize = 16;

pub(crate) struct Lean<M> {
    inner: Mutex<Inner<M>>,
    /// Senders waiting for room in a full bounded mailbox wait here.
    room: Condvar,
    /// Mirrors `Inner::sealed` for reads without the lock.
    sealed: AtomicBool,
    /// Whether the actor is on a run queue or running (see the module docs).
    scheduled: AtomicBool,
    pub(crate) capacity: Option<usize>,
}

struct Inner<M> {
    msgs: VecDeque<M>,
    sealed: bool,
    /// Senders waiting in `room`.
    waiting: u32,
}

impl<M> Lean<M> {
    /// An empty, open mailbox, already marked scheduled: the spawn queues the actor's first run.
    pub(crate) fn new(capacity: Option<usize>) -> Lean<M> {
        Lean {
            inner: Mutex::new(Inner {
                msgs: VecDeque::new(),
                sealed: false,
                waiting: 0,
            }),
            room: Condvar::new(),
            sealed: AtomicBool::new(false),
            scheduled: AtomicBool::new(true),
            capacity,
        }
    }

    fn lock(&self) -> MutexGuard<'_, Inner<M>> {
        sync::lock(&self.inner)
    }

    fn full(&self, inner: &Inner<M>) -> bool {
        self.capacity.is_some_and(|cap| inner.msgs.len() >= cap)
    }

    /// Queues `msg`, waiting for room in a full bounded mailbox (on a pool worker, after the
    /// pool has a stand-in for this worker).
    #[inline]
    pub(crate) fn send(&self, msg: M) -> Result<(), SendError<M>> {
        let mut inner = self.lock();
        if inner.sealed {
            return Err(SendError(msg));
        }
        if self.full(&inner) {
            drop(inner);
            return block_in_place(|| {
                let mut inner = self.lock();
                while !inner.sealed && self.full(&inner) {
                    inner.waiting += 1;
                    inner = sync::wait(&self.room, inner);
                    inner.waiting -= 1;
                }
                if inner.sealed {
                    return Err(SendError(msg));
                }
                inner.msgs.push_back(msg);
                Ok(())
            });
        }
        inner.msgs.push_back(msg);
        Ok(())
    }

    /// Queues `msg` whatever the capacity: an answer to a request the actor itself made must not
    /// wait for room, nor be refused for lack of it.
    pub(crate) fn push_answer(&self, msg: M) -> Result<(), SendError<M>> {
        let mut inner = self.lock();
        if inner.sealed {
            return Err(SendError(msg));
        }
        inner.msgs.push_back(msg);
        Ok(())
    }

    pub(crate) fn try_send(&self, msg: M) -> Result<(), TrySendError<M>> {
        let mut inner = self.lock();
        if inner.sealed {
            Err(TrySendError::Closed(msg))
        } else if self.full(&inner) {
            Err(TrySendError::Full(msg))
        } else {
            inner.msgs.push_back(msg);
            Ok(())
        }
    }

    pub(crate) fn send_deadline(
        &self,
        msg: M,
        deadline: Instant,
    ) -> Result<(), SendTimeoutError<M>> {
        let mut inner = self.lock();
        if inner.sealed {
            return Err(SendTimeoutError::Closed(msg));
        }
        if self.full(&inner) {
            drop(inner);
            return block_in_place(|| {
                let mut inner = self.lock();
                while !inner.sealed && self.full(&inner) {
                    let Some(left) = deadline.checked_duration_since(Instant::now()) else {
                        return Err(SendTimeoutError::Timeout(msg));
                    };
                    inner.waiting += 1;
                    inner = sync::wait_timeout(&self.room, inner, left).0;
                    inner.waiting -= 1;
                }
                if inner.sealed {
                    return Err(SendTimeoutError::Closed(msg));
                }
                inner.msgs.push_back(msg);
                Ok(())
            });
        }
        inner.msgs.push_back(msg);
        Ok(())
    }

    /// Seals the mailbox; `true` if this call sealed it. Waiting senders get their message back.
    pub(crate) fn seal(&self) -> bool {
        let mut inner = self.lock();
        let sealed_now = !inner.sealed;
        inner.sealed = true;
        self.sealed.store(true, SeqCst);
        if inner.waiting > 0 {
            self.room.notify_all();
        }
        sealed_now
    }

    pub(crate) fn is_sealed(&self) -> bool {
        self.sealed.load(SeqCst)
    }

    /// Claims the actor for a run queue: `true` if it was idle and the caller must queue it.
    #[inline]
    pub(crate) fn claim(&self) -> bool {
        !self.scheduled.load(SeqCst) && !self.scheduled.swap(true, SeqCst)
    }

    /// The worker ends a turn with nothing to do: marks the actor idle, then claims it back if
    /// something arrived meanwhile (`true`: queue it again). A sender that saw "scheduled" before
    /// the store has pushed under the lock this check takes, so nothing is missed.
    pub(crate) fn release(&self, shared: &Shared<M>) -> bool {
        self.scheduled.store(false, SeqCst);
        let pending = {
            let inner = self.lock();
            !inner.msgs.is_empty() || inner.sealed
        } || shared.stop.load(SeqCst)
            || shared.addrs.load(SeqCst) == 0;
        pending && !self.scheduled.swap(true, SeqCst)
    }

    /// The next message, without waiting.
    pub(crate) fn next(&self, shared: &Shared<M>) -> Next<M> {
        if shared.stop.load(SeqCst) {
            return Next::End(Ending::Stopped);
        }
        let mut inner = self.lock();
        match inner.msgs.pop_front() {
            Some(msg) => {
                if inner.waiting > 0 {
                    self.room.notify_one();
                }
                if inner.msgs.is_empty() && inner.msgs.capacity() > KEEP_SLOTS {
                    inner.msgs = VecDeque::new();
                }
                Next::Msg(msg)
            }
            None if inner.sealed => Next::End(Ending::Closed),
            None if shared.addrs.load(SeqCst) == 0 => {
                // Nobody can send any more (the count is read under the lock, and a new address
                // is only made from an existing one), so the mailbox is closed and drained.
                inner.sealed = true;
                self.sealed.store(true, SeqCst);
                Next::End(Ending::Closed)
            }
            None => Next::Empty,
        }
    }

    /// Seals and takes every message still queued.
    pub(crate) fn finish(&self) -> Vec<M> {
        let mut inner = self.lock();
        inner.sealed = true;
        self.sealed.store(true, SeqCst);
        if inner.waiting > 0 {
            self.room.notify_all();
        }
        std::mem::take(&mut inner.msgs).into()
    }
}
