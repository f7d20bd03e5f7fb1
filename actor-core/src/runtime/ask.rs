//! Request and reply: `ReplyTo`, the port a request carries, and the wait of the asker.
//!
//! A reply travels through a one-shot slot shared by the port and the asker: no channel. The
//! asker spins briefly (most replies come within microseconds), then parks its thread; the port
//! unparks it when it replies or is dropped. An asker that parks also registers with the actor's
//! [`EndWatch`], so the end of the actor's run wakes it even while the port lives on (in a message
//! the joiner gets back): `ask` always ends.
//!
//! A thread keeps the slot of its last ask and uses it again for its next ask of the same reply
//! type, once the port is gone (the asker holds the only reference, so nobody else can see the
//! slot being reset); otherwise it makes a new one. A fresh slot per ask (an allocation, the
//! thread's handle, cache lines new to both threads) cost a third of a round trip: 380-440 ns
//! against 237-328 ns with the slot kept, and 270 ns for a bare `bounded(1)` ping-pong (scratch
//! A/B, six alternations).
//!
//! An actor that asks through its [`Context`](crate::Context) does not wait at all: its slot holds
//! a call instead of a thread. Whatever settles the slot first (the reply, the port dropped, the
//! deadline on the timer thread, or the end of the asked actor's run through its end watch) takes
//! the call and sends the outcome to the asker as a message; every later attempt finds it gone.
//!
//! The slot's and the end watch's atomics, locks and parking come from `crate::sync::checked`, so
//! the unit tests in `loom_model` run this code under loom's model checker.

#[cfg(not(loom))]
use crate::sync;
use crate::sync::checked::{self, AtomicBool, AtomicUsize, Mutex, Thread};
#[cfg(not(loom))]
use std::any::Any;
#[cfg(not(loom))]
use std::cell::Cell;
use std::fmt;
use std::sync::atomic::{Ordering::Acquire, Ordering::Release, Ordering::SeqCst};
use std::sync::{Arc, Weak};
use std::time::Instant;

use crate::executor::foreign::OwnTimer;
use crate::lifecycle::Down;

#[cfg(all(test, loom))]
mod loom_model;

/// The reply port of a request sent with [`Addr::ask`](crate::Addr::ask).
///
/// The handler answers with [`reply`](ReplyTo::reply). Dropping the port unanswered makes the
/// asker's `ask` fail at once with [`AskError::Stopped`](crate::AskError::Stopped).
///
/// ```
/// use actor_core::{Inbox, ReplyTo};
///
/// // A request type is any message that carries a port.
/// struct Length(String, ReplyTo<usize>);
///
/// let handle = actor_core::spawn_fn(|inbox: Inbox<Length>| loop {
///     let Length(text, reply) = inbox.recv()?;
///     let _ = reply.reply(text.len());
/// });
/// let addr = handle.addr();
/// assert_eq!(addr.ask(|port| Length("four".into(), port)).unwrap(), 4);
/// ```
pub struct ReplyTo<R> {
    /// `None` once the reply was sent.
    slot: Option<Arc<Slot<R>>>,
}

impl<R> ReplyTo<R> {
    /// Sends the reply.
    ///
    /// # Errors
    ///
    /// Hands the value back if the asker no longer waits (its `ask_timeout` ran out).
    pub fn reply(mut self, value: R) -> Result<(), R> {
        match self.slot.take() {
            Some(slot) => slot.settle(State::Replied(value)),
            None => Err(value),
        }
    }
}

impl<R> Drop for ReplyTo<R> {
    fn drop(&mut self) {
        if let Some(slot) = self.slot.take() {
            let _ = slot.settle(State::Dropped);
        }
    }
}

impl<R> fmt::Debug for ReplyTo<R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ReplyTo(..)")
    }
}

/// What became of one request.
enum State<R> {
    Pending,
    Replied(R),
    /// The port was dropped unanswered.
    Dropped,
    /// The asker stopped waiting; a late reply is handed back to the replier.
    Abandoned,
}

/// The one-shot meeting point of a port and its asker.
struct Slot<R> {
    state: Mutex<State<R>>,
    /// Set once `state` left `Pending`; lets the asker spin without taking the lock.
    settled: AtomicBool,
    asker: Asker<R>,
}

/// Who waits for a reply.
enum Asker<R> {
    /// A thread parked in `Addr::ask`.
    Thread(Thread),
    /// An actor that asked through its `Context`: the call that sends it the outcome, and the
    /// timer of its deadline. `None` once taken.
    Call(Mutex<Option<(Callback<R>, Option<OwnTimer>)>>),
}

/// Sends the outcome of a request to the actor that asked.
pub(crate) type Callback<R> = Box<dyn FnOnce(Result<R, NoReply>) + Send>;

impl<R> Slot<R> {
    /// Moves a pending slot to `outcome` and wakes the asker; a slot the asker abandoned hands a
    /// reply back.
    fn settle(&self, outcome: State<R>) -> Result<(), R> {
        if let Asker::Call(call) = &self.asker {
            let result = match outcome {
                State::Replied(value) => Ok(value),
                _ => Err(NoReply::Stopped),
            };
            return self.call(call, result);
        }
        let mut state = checked::lock(&self.state);
        if let State::Abandoned = *state {
            return match outcome {
                State::Replied(value) => Err(value),
                _ => Ok(()),
            };
        }
        *state = outcome;
        drop(state);
        self.settled.store(true, Release);
        if let Asker::Thread(asker) = &self.asker {
            asker.unpark();
        }
        Ok(())
    }

    /// Settles a call slot with `result`, once; a reply that comes too late is handed back.
    fn call(
        &self,
        call: &Mutex<Option<(Callback<R>, Option<OwnTimer>)>>,
        result: Result<R, NoReply>,
    ) -> Result<(), R> {
        let taken = checked::lock(call).take();
        let Some((callback, timer)) = taken else {
            return match result {
                Ok(value) => Err(value),
                Err(_) => Ok(()),
            };
        };
        self.settled.store(true, Release);
        // Dropping the handle cancels the deadline (a no-op when the deadline is what fired).
        drop(timer);
        callback(result);
        Ok(())
    }
}

/// Why a request sent with [`Context::ask`](crate::Context::ask) got no reply: what the asking
/// actor's `on_reply` receives instead of one.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, thiserror::Error)]
pub enum NoReply {
    /// The asked actor ended, or dropped the [`ReplyTo`] unanswered (which includes a handler
    /// that panicked while holding it).
    #[error("the actor ended or dropped the request without replying")]
    Stopped,
    /// No reply came before the deadline of
    /// [`Context::ask_timeout`](crate::Context::ask_timeout).
    #[error("timed out waiting for a reply")]
    Timeout,
}

/// A slot the end watch or the timer can expire without knowing its reply type.
pub(crate) trait Expire: Send + Sync {
    fn expire(&self, why: NoReply);
}

impl<R: Send> Expire for Slot<R> {
    fn expire(&self, why: NoReply) {
        if let Asker::Call(call) = &self.asker {
            let _ = self.call(call, Err(why));
        }
    }
}

/// A request from an actor's `Context`: the port to put in it, and the slot behind it.
pub(crate) struct CallAsk<R> {
    slot: Arc<Slot<R>>,
}

impl<R: Send + 'static> CallAsk<R> {
    /// A slot that will run `callback` once, and the port for the request.
    pub(crate) fn new(callback: Callback<R>) -> (CallAsk<R>, ReplyTo<R>) {
        let slot = Arc::new(Slot {
            state: Mutex::new(State::Pending),
            settled: AtomicBool::new(false),
            asker: Asker::Call(Mutex::new(Some((callback, None)))),
        });
        let port = ReplyTo {
            slot: Some(Arc::clone(&slot)),
        };
        (CallAsk { slot }, port)
    }

    /// Settles the call with `why`, unless something settled it first.
    pub(crate) fn expire(&self, why: NoReply) {
        self.slot.expire(why);
    }

    /// The slot, for the asked actor's end watch and the deadline's timer.
    pub(crate) fn expiry(&self) -> Weak<dyn Expire> {
        let slot: Arc<dyn Expire> = self.slot.clone();
        Arc::downgrade(&slot)
    }

    /// Keeps the deadline's timer with the call, so a reply cancels it. If the call is already
    /// gone, the timer is cancelled now.
    pub(crate) fn set_timer(&self, timer: OwnTimer) {
        if let Asker::Call(call) = &self.slot.asker {
            if let Some((_, slot)) = checked::lock(call).as_mut() {
                *slot = Some(timer);
            }
        }
    }

    /// The request could not be sent: drop the call so the port inside it (handed back to the
    /// caller) settles nothing.
    pub(crate) fn disarm(self) {
        if let Asker::Call(call) = &self.slot.asker {
            let taken = checked::lock(call).take();
            drop(taken);
        }
    }
}

/// The asker's side of one request: make the port, then wait.
pub(crate) struct Waiting<R> {
    slot: Arc<Slot<R>>,
}

#[cfg(not(loom))]
thread_local! {
    /// The slot of this thread's last `Addr::ask`, whatever its reply type.
    static SPARE: Cell<Option<Arc<dyn Any + Send + Sync>>> = const { Cell::new(None) };
}

/// This thread's last slot, reset, if it was for replies of type `R` and nobody else holds it
/// any more (the port was dropped: it replied, or was dropped unanswered).
#[cfg(not(loom))]
fn reuse<R: Send + 'static>() -> Option<Arc<Slot<R>>> {
    // The thread's locals are gone while the thread ends: then a new slot does.
    let spare = SPARE.try_with(Cell::take).ok()??;
    let mut slot = spare.downcast::<Slot<R>>().ok()?;
    let only = Arc::get_mut(&mut slot)?;
    *sync::get_mut(&mut only.state) = State::Pending;
    *only.settled.get_mut() = false;
    Some(slot)
}

/// Keeps `slot` for this thread's next ask.
#[cfg(not(loom))]
fn keep<R: Send + 'static>(slot: Arc<Slot<R>>) {
    let slot: Arc<dyn Any + Send + Sync> = slot;
    let _ = SPARE.try_with(|spare| spare.set(Some(slot)));
}

/// Under the model checker every ask makes its slot: loom's atomics cannot be reset through
/// `get_mut`, and a slot kept across models would outlive its execution.
#[cfg(loom)]
fn reuse<R: Send + 'static>() -> Option<Arc<Slot<R>>> {
    None
}

#[cfg(loom)]
fn keep<R: Send + 'static>(slot: Arc<Slot<R>>) {
    drop(slot);
}

impl<R: Send + 'static> Waiting<R> {
    /// A slot for the calling thread (its last one if it can be used again), and the port to put
    /// in the request.
    pub(crate) fn new() -> (Waiting<R>, ReplyTo<R>) {
        let slot = reuse().unwrap_or_else(|| {
            Arc::new(Slot {
                state: Mutex::new(State::Pending),
                settled: AtomicBool::new(false),
                asker: Asker::Thread(checked::current()),
            })
        });
        let port = ReplyTo {
            slot: Some(Arc::clone(&slot)),
        };
        (Waiting { slot }, port)
    }

    /// Gives up without waiting: a reply through the port is handed back to the replier.
    pub(crate) fn abandon(self) {
        *checked::lock(&self.slot.state) = State::Abandoned;
    }

    /// Waits until the reply comes, the port is dropped, the actor's run ends, or `deadline`.
    pub(crate) fn wait(self, end: &EndWatch, deadline: Option<Instant>) -> Result<R, NoReply> {
        if !self.spin() {
            let ticket = end.register(Waiter::Thread(checked::current()));
            while !self.slot.settled.load(Acquire) && !end.has_ended() {
                match deadline {
                    None => checked::park(),
                    Some(deadline) => match deadline.checked_duration_since(Instant::now()) {
                        Some(left) if !left.is_zero() => checked::park_timeout(left),
                        _ => break,
                    },
                }
            }
            end.unregister(ticket);
        }
        let mut state = checked::lock(&self.slot.state);
        let outcome = std::mem::replace(&mut *state, State::Abandoned);
        drop(state);
        keep(self.slot);
        match outcome {
            State::Replied(value) => Ok(value),
            State::Dropped => Err(NoReply::Stopped),
            // Still pending: the actor ended, or the deadline passed. Either way nobody waits
            // any more, and `Abandoned` (already stored) hands a late reply back.
            State::Pending | State::Abandoned if end.has_ended() => Err(NoReply::Stopped),
            State::Pending | State::Abandoned => Err(NoReply::Timeout),
        }
    }

    /// Spins, then yields, for a short while; `true` if the slot settled meanwhile.
    fn spin(&self) -> bool {
        for step in 0..SPIN_STEPS + YIELD_STEPS {
            if self.slot.settled.load(Acquire) {
                return true;
            }
            if step < SPIN_STEPS {
                for _ in 0..1u32 << step {
                    std::hint::spin_loop();
                }
            } else {
                checked::yield_now();
            }
        }
        self.slot.settled.load(Acquire)
    }
}

/// Spin rounds before yielding (round `k` spins `2^k` times), then yield rounds before parking.
#[cfg(not(loom))]
const SPIN_STEPS: u32 = 7;
#[cfg(not(loom))]
const YIELD_STEPS: u32 = 4;
/// In the model a round of each stands for the whole spin: every extra load would only multiply
/// the interleavings to explore.
#[cfg(loom)]
const SPIN_STEPS: u32 = 1;
#[cfg(loom)]
const YIELD_STEPS: u32 = 1;

/// Lets askers learn that an actor's run has ended: parked threads are unparked, askers through a
/// `Context` get a call.
pub(crate) struct EndWatch {
    /// The actor's end as monitors see it; set before `ended`. Boxed, as the list below: an
    /// idle pooled actor must stay small, and both are needed by few actors (a `Down` inline
    /// would be 80 bytes of every actor's state, an empty list with its ticket counter 32).
    down: std::sync::OnceLock<Box<Down>>,
    ended: AtomicBool,
    /// How many waiters are registered: lets `mark_ended` skip the lock when nobody waits.
    count: AtomicUsize,
    /// Made by the first registration.
    waiters: Mutex<Option<Box<WaitList>>>,
}

/// The registered waiters, each with its ticket.
#[derive(Default)]
struct WaitList {
    list: Vec<(u64, Waiter)>,
    next_ticket: u64,
}

/// Someone to tell at the end.
pub(crate) enum Waiter {
    Thread(Thread),
    /// A request from a `Context`; dead once its slot is settled and dropped.
    Slot(Weak<dyn Expire>),
    /// A monitor, a link, a registry entry: called once with the end.
    Call(Box<dyn FnOnce(&Down) + Send>),
}

impl EndWatch {
    pub(crate) fn new() -> EndWatch {
        EndWatch {
            down: std::sync::OnceLock::new(),
            ended: AtomicBool::new(false),
            count: AtomicUsize::new(0),
            waiters: Mutex::new(None),
        }
    }

    /// Whether the actor's run has ended.
    pub(crate) fn has_ended(&self) -> bool {
        self.ended.load(SeqCst)
    }

    /// Marks the end and tells every registered waiter.
    ///
    /// A waiter is counted before it checks `has_ended`, and the end is stored before the count
    /// is read (all `SeqCst`): either the waiter sees the end or this sees the waiter.
    pub(crate) fn mark_ended(&self, down: Down) {
        let _ = self.down.set(Box::new(down));
        self.ended.store(true, SeqCst);
        checked::store_load_order();
        if self.count.load(SeqCst) == 0 {
            return;
        }
        let waiters = checked::lock(&self.waiters).take();
        self.count.store(0, SeqCst);
        let down = self.down.get().expect("stored above");
        for (_, waiter) in waiters.map(|waiters| waiters.list).unwrap_or_default() {
            match waiter {
                Waiter::Thread(asker) => asker.unpark(),
                Waiter::Slot(slot) => {
                    if let Some(slot) = slot.upgrade() {
                        slot.expire(NoReply::Stopped);
                    }
                }
                Waiter::Call(call) => {
                    // Each call catches what it runs; a panic here must not skip the others.
                    let _ = crate::runtime::unwind::catch(|| call(down));
                }
            }
        }
    }

    /// Calls `call` with the end exactly once: at the end, or now if the run has already ended.
    pub(crate) fn on_end(&self, call: Box<dyn FnOnce(&Down) + Send>) {
        let mut held = checked::lock(&self.waiters);
        let waiters = held.get_or_insert_with(Box::default);
        // Counted before the check, as `register` does (the count is the list's length).
        self.count.store(waiters.list.len() + 1, SeqCst);
        checked::store_load_order();
        if self.has_ended() {
            self.count.store(waiters.list.len(), SeqCst);
            drop(held);
            if let Some(down) = self.down.get() {
                let _ = crate::runtime::unwind::catch(|| call(down));
            }
            return;
        }
        waiters.list.push((u64::MAX, Waiter::Call(call)));
    }

    /// Registers a waiter to be told at the end. Register before checking
    /// [`has_ended`](EndWatch::has_ended): then an end either is seen by that check or reaches
    /// the waiter.
    pub(crate) fn register(&self, waiter: Waiter) -> u64 {
        let mut held = checked::lock(&self.waiters);
        let waiters = held.get_or_insert_with(Box::default);
        let ticket = waiters.next_ticket;
        waiters.next_ticket += 1;
        // Requests that were answered leave dead entries behind (they are never unregistered):
        // sweep them whenever the list doubles, which keeps it within twice the live ones.
        let list = &mut waiters.list;
        if list.len() >= 16 && list.len().is_power_of_two() {
            list.retain(|(_, waiter)| match waiter {
                Waiter::Slot(slot) => slot.strong_count() > 0,
                Waiter::Thread(_) | Waiter::Call(_) => true,
            });
        }
        list.push((ticket, waiter));
        self.count.store(list.len(), SeqCst);
        drop(held);
        // The caller checks `has_ended` next.
        checked::store_load_order();
        ticket
    }

    pub(crate) fn unregister(&self, ticket: u64) {
        let removed = {
            let mut held = checked::lock(&self.waiters);
            let Some(waiters) = held.as_mut() else {
                return;
            };
            let at = waiters.list.iter().position(|(t, _)| *t == ticket);
            let removed = at.map(|at| waiters.list.swap_remove(at));
            self.count.store(waiters.list.len(), SeqCst);
            removed
        };
        // A call's closure may hold addresses: drop it outside the lock.
        drop(removed);
    }
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;
    use std::thread;
    use std::time::Duration;

    /// Replies `value` from another thread, which ends (dropping the port) before this returns.
    fn reply_elsewhere<R: Send + 'static>(port: ReplyTo<R>, value: R) -> Result<(), R> {
        thread::spawn(move || port.reply(value)).join().unwrap()
    }

    #[test]
    fn a_thread_uses_its_slot_again_once_the_port_is_gone() {
        let end = EndWatch::new();
        let (waiting, port) = Waiting::<u64>::new();
        let first = Arc::as_ptr(&waiting.slot);
        assert_eq!(reply_elsewhere(port, 1), Ok(()));
        assert_eq!(waiting.wait(&end, None), Ok(1));

        // Replied and dropped: the next ask of the same type gets the same slot, reset.
        let (waiting, port) = Waiting::<u64>::new();
        assert_eq!(Arc::as_ptr(&waiting.slot), first);
        assert!(!waiting.slot.settled.load(SeqCst));
        drop(port);
        assert_eq!(waiting.wait(&end, None), Err(NoReply::Stopped));

        // Dropped unanswered: reset all the same, the next reply arrives.
        let (waiting, port) = Waiting::<u64>::new();
        assert_eq!(Arc::as_ptr(&waiting.slot), first);
        assert_eq!(reply_elsewhere(port, 2), Ok(()));
        assert_eq!(waiting.wait(&end, None), Ok(2));

        // Another reply type gets a slot of its own; then the kept one is of that type, and the
        // next ask of the first type makes a new one (which may reuse the freed memory).
        let (waiting, port) = Waiting::<String>::new();
        assert_eq!(reply_elsewhere(port, "three".into()), Ok(()));
        assert_eq!(waiting.wait(&end, None), Ok("three".into()));
        let (waiting, port) = Waiting::<u64>::new();
        assert!(!waiting.slot.settled.load(SeqCst));
        assert_eq!(reply_elsewhere(port, 4), Ok(()));
        assert_eq!(waiting.wait(&end, None), Ok(4));
    }

    #[test]
    fn a_slot_whose_port_lives_on_is_not_used_again_and_its_late_reply_comes_back() {
        let end = EndWatch::new();
        let (waiting, late) = Waiting::<u64>::new();
        let first = Arc::as_ptr(&waiting.slot);
        let soon = Instant::now() + Duration::from_millis(1);
        assert_eq!(waiting.wait(&end, Some(soon)), Err(NoReply::Timeout));

        // The port still holds the slot: the next ask gets another one.
        let (waiting, port) = Waiting::<u64>::new();
        assert_ne!(Arc::as_ptr(&waiting.slot), first);
        assert_eq!(reply_elsewhere(port, 5), Ok(()));
        assert_eq!(waiting.wait(&end, None), Ok(5));

        // The late reply is handed back, and does not disturb the slot in use now.
        assert_eq!(late.reply(6), Err(6));
        let (waiting, port) = Waiting::<u64>::new();
        assert_eq!(reply_elsewhere(port, 7), Ok(()));
        assert_eq!(waiting.wait(&end, None), Ok(7));
    }

    #[test]
    fn each_thread_keeps_its_own_slot() {
        let end = Arc::new(EndWatch::new());
        let handles: Vec<_> = (0..4u64)
            .map(|n| {
                let end = Arc::clone(&end);
                thread::spawn(move || {
                    for round in 0..100 {
                        let (waiting, port) = Waiting::<u64>::new();
                        assert_eq!(reply_elsewhere(port, n * 1000 + round), Ok(()));
                        assert_eq!(waiting.wait(&end, None), Ok(n * 1000 + round));
                    }
                })
            })
            .collect();
        for handle in handles {
            handle.join().unwrap();
        }
    }
}
