//! The queue under every mailbox: a `VecDeque` under a short lock, which the reader empties a
//! burst at a time.
//!
//! # Why a locked queue
//!
//! Senders take the lock (`crate::sync::short`, which spins before it parks) only to push; the
//! reader takes it once per *burst*: when more than one message waits in an unbounded mailbox,
//! it swaps the whole queue with its own empty buffer and hands the messages out from there
//! without touching anything shared. A busy actor therefore pays one lock per burst on the
//! receiving side, where a channel pays atomic operations on every message. Measured against a
//! bare crossbeam-channel loop on the same machine, a thread of its own draining a backlog, or
//! streaming against one or four senders, this queue is faster than the channel itself (see
//! BENCHMARKS.md, "The mailbox queue").
//!
//! Because sends, the seal and the reader's last look all take the same lock, closing needs no
//! admission count: a send either lands before the seal (and is handled, or handed back to the
//! joiner) or sees the seal and gets its message back. A bounded mailbox gives one message at a
//! time, so that its capacity stays exact.
//!
//! Signals (`stop`, a restart request) are raised before anything that wakes the reader, and the
//! reader looks at them before each message and again right after it takes messages off the
//! queue: a signal raised before a message was sent is always seen before that message.
//!
//! # Who waits where
//!
//! - A pooled actor's reader (and one on a foreign executor) never waits: it reports `Empty` and
//!   the worker moves on. `scheduled` is the actor's place in the pool: `false` while it is idle.
//!   A send that finds it `false` claims it (`swap`) and puts the actor on a run queue; sends to an
//!   actor that is queued or running see `true` with a plain load and do nothing more.
//! - A thread actor's reader, on an empty mailbox, first waits without the lock, watching the
//!   `filled` hint that senders set after they unlock (and the seal, its signals and its address
//!   count): spinning briefly, so that a request and its answer do not pay a sleep and a wake-up
//!   each, then yielding its processor a few times, so that with more threads than cores the
//!   senders run. Then it marks itself `parked` under the lock and sleeps on `cond`. The send that
//!   finds `parked` clears it and wakes the reader; so do the out-of-band events (`stop`, a restart
//!   request, the last address dropped, the seal) through [`Queue::wake_reader`]. Its `scheduled`
//!   flag stays `true`. Against a sender that streams about as fast as it takes, the reader also
//!   waits a moment before a take it could make at once, so that it takes larger bursts ([`Pace`]).
//! - Senders waiting for room in a full bounded mailbox sleep on the same `cond`. The reader
//!   sleeps only on an empty queue and senders only on a full one, so both kinds rarely wait at
//!   once; when they might (a sender woken for room but not yet back under the lock), a wake-up
//!   meant for the reader wakes every waiter, and each looks at the queue again.

use crate::sync::short::{Condvar, Mutex, MutexGuard};
use std::collections::VecDeque;
use std::sync::atomic::{
    AtomicBool,
    Ordering::{Relaxed, SeqCst},
};
use std::time::Instant;

use crate::executor::pool::block_in_place;
use crate::runtime::error::{SendError, SendTimeoutError, TrySendError};

use super::{Ending, Next, STOP, Shared, Wait};

/// A pooled actor's drained queue keeps at most this many slots; a larger buffer is given back to
/// the allocator when the actor goes idle (a million idle actors must stay small).
const KEEP_SLOTS: usize = 16;
/// A thread actor keeps more: it goes to sleep far more often than it is spawned.
const KEEP_SLOTS_THREAD: usize = 1024;
/// How many times a thread actor's reader looks again at an empty queue after spinning, `2^n`
/// times before the `n`-th look (127 spin-loop hints in all: a few microseconds)...
const SPINNING_LOOKS: u32 = 7;
/// ... then after giving its processor up to another thread, before it sleeps. With more threads
/// than cores, the yields let the senders run instead of paying a sleep and a wake-up per message.
const YIELDING_LOOKS: u32 = 4;
const LOOKS: u32 = SPINNING_LOOKS + YIELDING_LOOKS;
/// A thread actor's burst smaller than this, found waiting at the first look, means a sender
/// streams about as fast as the reader takes: the reader then waits a moment before its next
/// take (see [`Pace`]).
const STREAM_BURST: usize = 64;
/// How long that moment is, in spin-loop hints (about a microsecond on current processors).
const STREAM_PAUSES: u32 = 32;
/// After a wait that gathered fewer than a quarter of [`STREAM_BURST`] messages, this many takes go
/// without one.
const STREAM_COOLDOWN: u8 = 16;

/// How a thread actor's reader paces its takes against a streaming sender.
///
/// A reader that takes a burst as soon as it sees one keeps catching up with a sender that is only
/// a little slower than itself: each take then holds a few messages, and each costs the sender a
/// cache miss on the lock the reader just held, which slows the sender down further, so the bursts
/// stay small (a sender that paid ~10 ns more per message than an `Addr::send` loop was made three
/// times slower this way). When a take finds a small burst waiting at the first look, the next
/// take that finds news at once waits [`STREAM_PAUSES`] first, so that the sender fills a larger
/// burst undisturbed. A wait that does not pay (the burst stays small: a few askers, say, who
/// each wait for their answer) turns the pacing off for [`STREAM_COOLDOWN`] takes, so that
/// requests are not held back.
#[derive(Default)]
pub(crate) struct Pace {
    /// The last take found a small burst at the first look.
    streaming: bool,
    /// Takes left before the reader may wait again.
    cooldown: u8,
}

/// Where the actor that reads the queue runs.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Kind {
    /// On a thread of its own: the reader sleeps on an empty queue.
    Thread,
    /// On a pool: the reader never waits.
    Pool,
    /// On a foreign executor: the reader never waits, and inside that executor's run nobody else
    /// can make room, so a full mailbox is not waited for there.
    Foreign,
}

pub(crate) struct Queue<M> {
    inner: Mutex<Inner<M>>,
    /// Senders waiting for room in a full bounded mailbox, and a thread actor's parked reader.
    cond: Condvar,
    /// Mirrors `Inner::sealed` for reads without the lock.
    sealed: AtomicBool,
    /// Whether messages may be queued: set by every send to a thread actor right after it lets go
    /// of the lock, cleared by the reader under the lock when it empties the queue. A spinning
    /// reader watches it instead of taking the lock, which would slow the senders down; it is only
    /// a hint (a late store may leave it set on an empty queue), looked at again under the lock.
    filled: AtomicBool,
    /// Whether a pooled actor is on a run queue or running (see the module docs).
    scheduled: AtomicBool,
    pub(crate) capacity: Option<usize>,
    kind: Kind,
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
    /// A thread actor's reader sleeps on `cond` until a send (or an event) clears this.
    parked: bool,
    /// Senders waiting in `cond` for room.
    waiting: u32,
}

impl<M> Queue<M> {
    /// An empty, open queue. A pooled actor's starts out marked scheduled (the spawn queues its
    /// first run); a thread actor's stays so, as it is never put on a run queue.
    pub(crate) fn new(capacity: Option<usize>, kind: Kind) -> Queue<M> {
        Queue {
            kind,
            inner: Mutex::new(Inner {
                msgs: VecDeque::new(),
                sealed: false,
                parked: false,
                waiting: 0,
            }),
            cond: Condvar::new(),
            sealed: AtomicBool::new(false),
            filled: AtomicBool::new(false),
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
        let inner = self.lock();
        self.push_into(inner, msg)
            .map_err(|(msg, _)| SendError(msg))
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
            if self.kind == Kind::Foreign && crate::executor::foreign::inside() {
                // The executor is this thread: waiting would never end. A send queues beyond the
                // capacity; a send with a deadline times out at once (its clock cannot move).
                return match room {
                    Room::WaitUntil(_) => Err((msg, Refused::Full)),
                    _ => self.push_into(inner, msg),
                };
            }
            drop(inner);
            return block_in_place(|| {
                let mut inner = self.lock();
                while !inner.sealed && self.full(&inner) {
                    inner.waiting += 1;
                    let timed_out = match room {
                        Room::WaitUntil(deadline) => {
                            self.cond.wait_until(&mut inner, deadline).timed_out()
                        }
                        _ => {
                            self.cond.wait(&mut inner);
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

    /// Queues `msg` unless the mailbox is sealed, and wakes a parked reader.
    #[inline]
    fn push_into(&self, mut inner: MutexGuard<'_, Inner<M>>, msg: M) -> Result<(), (M, Refused)> {
        if inner.sealed {
            return Err((msg, Refused::Closed));
        }
        inner.msgs.push_back(msg);
        let parked = std::mem::take(&mut inner.parked);
        drop(inner);
        if self.kind == Kind::Thread {
            // After the unlock: a reader that sees it goes for the lock at once.
            self.filled.store(true, Relaxed);
            if parked {
                self.cond.notify_all();
            }
        }
        Ok(())
    }

    /// Seals the mailbox; `true` if this call sealed it. Waiting senders get their message back;
    /// a parked reader wakes to drain what is queued.
    pub(crate) fn seal(&self) -> bool {
        let mut inner = self.lock();
        let sealed_now = !inner.sealed;
        inner.sealed = true;
        self.sealed.store(true, SeqCst);
        if inner.waiting > 0 || inner.parked {
            inner.parked = false;
            drop(inner);
            self.cond.notify_all();
        }
        sealed_now
    }

    /// Wakes a thread actor's parked reader, to look at its signals and its address count
    /// again. The caller changed them before: the reader looks at both under the lock this
    /// takes, before it parks.
    pub(crate) fn wake_reader(&self) {
        if self.kind != Kind::Thread {
            return;
        }
        let mut inner = self.lock();
        if inner.parked {
            inner.parked = false;
            drop(inner);
            self.cond.notify_all();
        }
    }

    /// Messages in the queue (not those the reader already took).
    pub(crate) fn queued(&self) -> usize {
        self.lock().msgs.len()
    }

    pub(crate) fn is_sealed(&self) -> bool {
        self.sealed.load(SeqCst)
    }

    /// Claims a pooled actor for a run queue: `true` if it was idle and the caller must queue it.
    /// Never for a thread actor, whose flag stays set.
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

    /// The next message, or the decision to end, waiting as `wait` allows (only a thread actor's
    /// reader waits; the others poll). `local` is the reader's own buffer: when several messages
    /// wait in an unbounded mailbox, all of them move there under one lock (the two buffers swap).
    /// How many remain there is kept in `shared.held`, for [`Shared::queued`].
    #[inline]
    pub(crate) fn next(
        &self,
        shared: &Shared<M>,
        local: &mut VecDeque<M>,
        pace: &mut Pace,
        wait: Wait,
    ) -> Next<M> {
        let mut looks = 0;
        let mut paused = false;
        loop {
            let signal = shared.signal.load(SeqCst);
            if signal != 0 {
                if let Some(next) = super::take_signal(&shared.signal, signal) {
                    return next;
                }
            }
            if let Some(msg) = local.pop_front() {
                shared.set_held(local.len());
                return Next::Msg(msg);
            }
            let waits = self.kind == Kind::Thread && !matches!(wait, Wait::Poll);
            // Only an unbounded thread actor's takes are paced: a bounded mailbox hands out one
            // message per take whatever the pace.
            let paced = waits && self.capacity.is_none();
            if waits {
                if paced && pace.streaming && looks == 0 && self.news(shared) {
                    // Let a streaming sender fill a larger burst (see `Pace`).
                    for _ in 0..STREAM_PAUSES {
                        std::hint::spin_loop();
                    }
                    paused = true;
                }
                // A thread actor that may wait looks for news without the lock first, which would
                // slow the senders down: spinning, then giving its processor up.
                while looks < LOOKS && !self.news(shared) {
                    if looks < SPINNING_LOOKS {
                        for _ in 0..1u32 << looks {
                            std::hint::spin_loop();
                        }
                    } else {
                        std::thread::yield_now();
                    }
                    looks += 1;
                }
            }
            let mut inner = self.lock();
            // A signal raised before the messages taken here were sent goes first: a restart
            // requested before a message was sent is taken before that message (and a stop
            // keeps it undelivered). Raised earlier, the load after the lock sees it.
            if self.capacity.is_none() && inner.msgs.len() > 1 {
                if paced {
                    pace.took(inner.msgs.len(), looks == 0, paused);
                }
                std::mem::swap(&mut inner.msgs, local);
                self.filled.store(false, Relaxed);
                drop(inner);
                if shared.signal.load(SeqCst) == 0 {
                    if let Some(msg) = local.pop_front() {
                        shared.set_held(local.len());
                        return Next::Msg(msg);
                    }
                }
                shared.set_held(local.len());
                continue;
            }
            if let Some(msg) = inner.msgs.pop_front() {
                if paced {
                    // A take of one counts as a burst of one (see `Pace`).
                    pace.took(1, looks == 0, paused);
                }
                if inner.msgs.is_empty() {
                    self.filled.store(false, Relaxed);
                }
                if inner.waiting > 0 {
                    self.cond.notify_one();
                }
                drop(inner);
                if shared.signal.load(SeqCst) == 0 {
                    return Next::Msg(msg);
                }
                // Kept for after the signal (rare: the reader's buffer stays unallocated
                // otherwise, which a million idle pooled actors notice).
                local.push_front(msg);
                shared.set_held(local.len());
                continue;
            }
            if inner.sealed {
                return Next::End(sealed_ending(shared));
            }
            if shared.addrs.load(SeqCst) == 0 {
                // Nobody can send any more (the count is read under the lock, and a new address
                // is only made from an existing one), so the mailbox is closed and drained.
                inner.sealed = true;
                self.sealed.store(true, SeqCst);
                return Next::End(Ending::Closed);
            }
            if !waits {
                // Going idle: a buffer grown by a burst goes back to the allocator.
                let keep = match self.kind {
                    Kind::Thread => KEEP_SLOTS_THREAD,
                    Kind::Pool | Kind::Foreign => KEEP_SLOTS,
                };
                shrink(&mut inner.msgs, keep);
                shrink(local, keep);
                return Next::Empty;
            }
            let deadline = match wait {
                Wait::Until(deadline) => Some(deadline),
                Wait::Block | Wait::Poll => None,
            };
            if deadline.is_some_and(|deadline| Instant::now() >= deadline) {
                return Next::Empty;
            }
            if looks < LOOKS {
                // A late hint of a message already taken, or a restart request (taken above).
                self.filled.store(false, Relaxed);
                continue;
            }
            // Sleep, unless a signal came in since the look above (its sender wakes the reader
            // only after raising it, under this lock: raised later, it finds `parked`).
            if shared.signal.load(SeqCst) != 0 {
                continue;
            }
            shrink(&mut inner.msgs, KEEP_SLOTS_THREAD);
            shrink(local, KEEP_SLOTS_THREAD);
            inner.parked = true;
            match deadline {
                Some(deadline) => {
                    let _ = self.cond.wait_until(&mut inner, deadline);
                }
                None => self.cond.wait(&mut inner),
            }
            // Woken by a send, an event, a timeout or spuriously: look at everything again
            // (under the lock: a thread woken for nothing goes back to sleep at once).
            inner.parked = false;
        }
    }

    /// Whether a waiting thread actor's reader has something to look at under the lock: a
    /// message, the seal, a signal, or no address left. Read without the lock: a hint.
    #[inline]
    fn news(&self, shared: &Shared<M>) -> bool {
        self.filled.load(Relaxed)
            || self.sealed.load(Relaxed)
            || shared.signal.load(Relaxed) != 0
            || shared.addrs.load(Relaxed) == 0
    }

    /// Seals and takes every message not yet handled: the reader's buffer first, then the queue.
    pub(crate) fn finish(&self, shared: &Shared<M>, local: &mut VecDeque<M>) -> Vec<M> {
        let mut inner = self.lock();
        inner.sealed = true;
        self.sealed.store(true, SeqCst);
        if inner.waiting > 0 {
            self.cond.notify_all();
        }
        let mut left: Vec<M> = std::mem::take(local).into();
        left.extend(std::mem::take(&mut inner.msgs));
        shared.set_held(0);
        left
    }
}

impl Pace {
    /// A take of `burst` messages, found at the first look (`at_once`) or not, after a wait for a
    /// streaming sender (`paused`) or not.
    #[inline]
    fn took(&mut self, burst: usize, at_once: bool, paused: bool) {
        if paused && burst < STREAM_BURST / 4 {
            // The wait did not pay: the messages come no faster than the reader takes them.
            self.cooldown = STREAM_COOLDOWN;
        }
        if self.cooldown > 0 {
            self.cooldown -= 1;
            self.streaming = false;
        } else {
            self.streaming = at_once && burst < STREAM_BURST;
        }
    }
}

/// How a sealed, drained mailbox ends: `stop` raises its flag before it seals, so a reader that
/// finds the seal also sees a stop that made it.
fn sealed_ending<M>(shared: &Shared<M>) -> Ending {
    if shared.signal.load(SeqCst) & STOP != 0 {
        Ending::Stopped
    } else {
        Ending::Closed
    }
}

/// Gives a drained buffer's memory back if it grew beyond `keep` slots.
fn shrink<M>(buffer: &mut VecDeque<M>, keep: usize) {
    if buffer.is_empty() && buffer.capacity() > keep {
        *buffer = VecDeque::new();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::sync::mpsc;
    use std::time::Duration;

    /// The next message as a reader with no pacing history sees it.
    fn take(shared: &Shared<u32>, local: &mut VecDeque<u32>, wait: Wait) -> Next<u32> {
        shared.queue.next(shared, local, &mut Pace::default(), wait)
    }

    /// A thread-kind queue with its shared state, as a thread actor's mailbox has.
    fn thread_mailbox(capacity: Option<usize>) -> Arc<Shared<u32>> {
        let shared = Arc::new(Shared::new(
            Queue::new(capacity, Kind::Thread),
            crate::ActorId::next(),
            None,
        ));
        shared.addrs.fetch_add(1, SeqCst);
        shared
    }

    /// Two senders wait for room in a one-slot mailbox while the reader empties it and goes to
    /// sleep: the wake-up of the sender that gets the slot must not leave the reader asleep with a
    /// message queued (a wake-up meant for the reader reaches every waiter).
    #[test]
    fn a_reader_asleep_among_senders_waiting_for_room_still_wakes() {
        for _ in 0..200 {
            let shared = thread_mailbox(Some(1));
            shared.queue.send(0).unwrap();
            let (ready_tx, ready) = mpsc::channel();
            let senders: Vec<_> = (1..=2)
                .map(|n| {
                    let shared = Arc::clone(&shared);
                    let ready_tx = ready_tx.clone();
                    std::thread::spawn(move || {
                        ready_tx.send(()).unwrap();
                        shared.queue.send(n).unwrap();
                    })
                })
                .collect();
            ready.recv().unwrap();
            ready.recv().unwrap();
            let mut local = VecDeque::new();
            let mut got = Vec::new();
            while got.len() < 3 {
                let deadline = Instant::now() + Duration::from_secs(10);
                match take(&shared, &mut local, Wait::Until(deadline)) {
                    Next::Msg(n) => got.push(n),
                    _ => panic!("a message stayed queued while the reader slept: {got:?}"),
                }
            }
            got.sort_unstable();
            assert_eq!(got, [0, 1, 2]);
            for sender in senders {
                sender.join().unwrap();
            }
        }
    }

    /// A stop raised while the reader is asleep on an empty mailbox ends it as stopped.
    #[test]
    fn a_stop_wakes_a_sleeping_reader() {
        let shared = thread_mailbox(None);
        let reader = {
            let shared = Arc::clone(&shared);
            std::thread::spawn(move || {
                let mut local = VecDeque::new();
                matches!(
                    take(&shared, &mut local, Wait::Block),
                    Next::End(Ending::Stopped)
                )
            })
        };
        shared.signal.fetch_or(STOP, SeqCst);
        shared.queue.seal();
        shared.queue.wake_reader();
        assert!(reader.join().unwrap());
    }

    /// A restart requested before a message was sent is taken before that message, whatever
    /// the reader was doing (spinning, asleep, or about to take the lock) when both came in.
    #[test]
    fn a_restart_raised_before_a_send_comes_first() {
        for _ in 0..200 {
            let shared = thread_mailbox(None);
            let (looking_tx, looking) = mpsc::channel();
            let reader = {
                let shared = Arc::clone(&shared);
                std::thread::spawn(move || {
                    let mut local = VecDeque::new();
                    looking_tx.send(()).unwrap();
                    let first = take(&shared, &mut local, Wait::Block);
                    let second = take(&shared, &mut local, Wait::Block);
                    (
                        matches!(first, Next::Restart),
                        matches!(second, Next::Msg(7)),
                    )
                })
            };
            looking.recv().unwrap();
            shared.signal.fetch_or(super::super::RESTART, SeqCst);
            shared.queue.wake_reader();
            shared.queue.send(7).unwrap();
            assert_eq!(reader.join().unwrap(), (true, true));
        }
    }

    /// Messages that come one at a time never allocate the reader's buffer: an idle pooled actor
    /// stays small (the pool's memory bound counts every byte of a million of them).
    #[test]
    fn single_messages_leave_the_readers_buffer_unallocated() {
        let shared = Shared::new(Queue::new(None, Kind::Pool), crate::ActorId::next(), None);
        shared.addrs.fetch_add(1, SeqCst);
        let mut local = VecDeque::new();
        for n in 0..3 {
            shared.queue.send(n).unwrap();
            assert!(matches!(
                take(&shared, &mut local, Wait::Poll),
                Next::Msg(got) if got == n
            ));
        }
        assert_eq!(local.capacity(), 0);
    }

    /// The reader's buffer counts in the depth: a burst it swapped out is still "queued".
    #[test]
    fn a_swapped_burst_still_counts_as_queued() {
        let shared = thread_mailbox(None);
        for n in 0..5 {
            shared.queue.send(n).unwrap();
        }
        let mut local = VecDeque::new();
        assert!(matches!(
            take(&shared, &mut local, Wait::Poll),
            Next::Msg(0)
        ));
        assert_eq!(shared.queue.queued(), 0);
        assert_eq!(shared.queued(), 4);
    }

    #[test]
    fn a_reader_paces_only_a_sender_that_streams_and_stops_when_waiting_does_not_pay() {
        let mut pace = Pace::default();
        // A large burst, or one the reader had to look for, is no sign of a streaming sender.
        pace.took(STREAM_BURST, true, false);
        assert!(!pace.streaming);
        pace.took(4, false, false);
        assert!(!pace.streaming);
        // A small burst found at once is: the next take waits first.
        pace.took(4, true, false);
        assert!(pace.streaming);
        // The wait gathered a large burst: keep pacing while bursts stay small.
        pace.took(STREAM_BURST / 4, true, true);
        assert!(pace.streaming);
        // A wait after which the burst stayed small did not pay (askers that each wait for an
        // answer, say): no more waits for a while, then pacing may start again.
        pace.took(4, true, true);
        for _ in 0..STREAM_COOLDOWN {
            assert!(!pace.streaming);
            pace.took(4, true, false);
        }
        assert!(pace.streaming);
    }
}
