//! The mailbox of a pooled actor: a queue under a short lock, small enough for a million actors.
//!
//! A pooled actor's mailbox must cost little while idle (the pool's bound is 512 bytes an actor,
//! everything included), so it is a `VecDeque` under a short lock (`crate::sync::short`): no
//! allocation until the first message, a few words once drained. The lock is held only to push
//! or pop a message (or to swap a burst out), never while user code runs.
//!
//! Because sends and the seal take the same lock, closing needs no admission count: a send either
//! lands before the seal (and is handled, or handed back to the joiner) or sees the seal and gets
//! its message back. The reader never blocks; it reports `Empty` and the worker moves on.
//!
//! `scheduled` is the actor's place in the pool: `false` while it is idle. A send that finds it
//! `false` claims it (`swap`) and puts the actor on a run queue; sends to an actor that is queued
//! or running see `true` with a plain load and do nothing more. No lock is taken for this.

use crate::sync::short::{Condvar, Mutex, MutexGuard};
use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, Ordering::SeqCst};
use std::time::Instant;

use crate::executor::pool::block_in_place;
use crate::runtime::error::{SendError, SendTimeoutError, TrySendError};

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
    /// The actor runs on a foreign executor: inside that executor's run nobody else can make
    /// room, so a full mailbox is not waited for there.
    foreign: bool,
}

/// How long a send may wait for room in a full bounded mailbox.
#[derive(Clone, Copy)]
enum Room {
    Now,
    WaitForever,
    WaitUntil(Instant),
}

enum Refused {
    Closed,
    Full,
}

struct Inner<M> {
    msgs: VecDeque<M>,
    sealed: bool,
    /// Senders waiting in `room`.
    waiting: u32,
}

impl<M> Lean<M> {
    /// An empty, open mailbox, already marked scheduled: the spawn queues the actor's first run.
    pub(crate) fn new(capacity: Option<usize>, foreign: bool) -> Lean<M> {
        Lean {
            foreign,
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
        self.inner.lock()
    }

    fn full(&self, inner: &Inner<M>) -> bool {
        self.capacity.is_some_and(|cap| inner.msgs.len() >= cap)
    }

    /// Queues `msg`, waiting for room in a full bounded mailbox (on a pool worker, after the
    /// pool has a stand-in for this worker).
    #[inline]
    pub(crate) fn send(&self, msg: M) -> Result<(), SendError<M>> {
        self.push(msg, Room::WaitForever)
            .map_err(|(msg, _)| SendError(msg))
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
        self.push(msg, Room::Now).map_err(|refused| match refused {
            (msg, Refused::Full) => TrySendError::Full(msg),
            (msg, Refused::Closed) => TrySendError::Closed(msg),
        })
    }

    pub(crate) fn send_deadline(
        &self,
        msg: M,
        deadline: Instant,
    ) -> Result<(), SendTimeoutError<M>> {
        self.push(msg, Room::WaitUntil(deadline))
            .map_err(|refused| match refused {
                (msg, Refused::Full) => SendTimeoutError::Timeout(msg),
                (msg, Refused::Closed) => SendTimeoutError::Closed(msg),
            })
    }

    /// Queues `msg` if the mailbox is open and, when bounded, has room within `room`.
    #[inline]
    fn push(&self, msg: M, room: Room) -> Result<(), (M, Refused)> {
        let inner = self.lock();
        if !inner.sealed && self.full(&inner) {
            if let Room::Now = room {
                return Err((msg, Refused::Full));
            }
            if self.foreign && crate::executor::foreign::inside() {
                // The executor is this thread: waiting would never end. A send queues beyond the
                // capacity; a send with a deadline times out at once (its clock cannot move).
                return match room {
                    Room::WaitUntil(_) => Err((msg, Refused::Full)),
                    _ => {
                        let mut inner = inner;
                        inner.msgs.push_back(msg);
                        Ok(())
                    }
                };
            }
            drop(inner);
            return block_in_place(|| {
                let mut inner = self.lock();
                while !inner.sealed && self.full(&inner) {
                    inner.waiting += 1;
                    let timed_out = match room {
                        Room::WaitUntil(deadline) => {
                            self.room.wait_until(&mut inner, deadline).timed_out()
                        }
                        _ => {
                            self.room.wait(&mut inner);
                            false
                        }
                    };
                    inner.waiting -= 1;
                    if timed_out && !inner.sealed && self.full(&inner) {
                        return Err((msg, Refused::Full));
                    }
                }
                self.push_into(inner, msg)
            });
        }
        self.push_into(inner, msg)
    }

    fn push_into(&self, mut inner: MutexGuard<'_, Inner<M>>, msg: M) -> Result<(), (M, Refused)> {
        if inner.sealed {
            return Err((msg, Refused::Closed));
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

    pub(crate) fn queued(&self) -> usize {
        self.lock().msgs.len()
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
        } || shared.signal.load(SeqCst) != 0
            || shared.addrs.load(SeqCst) == 0;
        pending && !self.scheduled.swap(true, SeqCst)
    }

    /// The next message, without waiting. `local` is the reader's own buffer: when several
    /// messages wait in an unbounded mailbox, all of them move there under one lock (the two
    /// buffers swap), so a busy actor takes the lock once per burst, not once per message. A
    /// bounded mailbox gives one message at a time, so that its capacity stays exact.
    #[inline]
    pub(crate) fn next(&self, shared: &Shared<M>, local: &mut VecDeque<M>) -> Next<M> {
        let signal = shared.signal.load(SeqCst);
        if signal != 0 {
            if let Some(next) = super::take_signal(&shared.signal, signal) {
                return next;
            }
        }
        if let Some(msg) = local.pop_front() {
            return Next::Msg(msg);
        }
        let mut inner = self.lock();
        if self.capacity.is_none() && inner.msgs.len() > 1 {
            std::mem::swap(&mut inner.msgs, local);
            drop(inner);
            return match local.pop_front() {
                Some(msg) => Next::Msg(msg),
                None => unreachable!("more than one message was swapped in"),
            };
        }
        match inner.msgs.pop_front() {
            Some(msg) => {
                if inner.waiting > 0 {
                    self.room.notify_one();
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
            None => {
                // Going idle: a buffer grown by a burst goes back to the allocator.
                if inner.msgs.capacity() > KEEP_SLOTS {
                    inner.msgs = VecDeque::new();
                }
                if local.capacity() > KEEP_SLOTS {
                    *local = VecDeque::new();
                }
                Next::Empty
            }
        }
    }

    /// Seals and takes every message not yet handled: the reader's buffer first, then the queue.
    pub(crate) fn finish(&self, local: &mut VecDeque<M>) -> Vec<M> {
        let mut inner = self.lock();
        inner.sealed = true;
        self.sealed.store(true, SeqCst);
        if inner.waiting > 0 {
            self.room.notify_all();
        }
        let mut left: Vec<M> = std::mem::take(local).into();
        left.extend(std::mem::take(&mut inner.msgs));
        left
    }
}
