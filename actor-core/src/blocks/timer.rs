//! Actor timers: `send_after` and `send_interval`, served by one thread and a heap of deadlines.

use crate::sync;
use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap};
use std::fmt;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering::SeqCst};
use std::sync::{Arc, Condvar, Mutex, OnceLock};
use std::thread::{JoinHandle, ThreadId};
use std::time::{Duration, Instant};

use crate::lifecycle::dead_letter::{self, DeadReason};
use crate::runtime::mailbox::Link;
use crate::runtime::unwind::{catch, drop_caught};
use crate::{Addr, TrySendError};

/// Sends `msg` to `addr` once, `delay` from now, on the process-wide [`Timers`] service.
///
/// The timer holds a clone of `addr` only until it fires or is cancelled. **Dropping the returned
/// [`TimerHandle`] cancels the timer**; call [`TimerHandle::detach`] to let it fire anyway. What
/// happens when the send fails is described on [`Timers`].
///
/// # Panics
///
/// On the first use of the process-wide service, if the operating system refuses to start its
/// thread.
///
/// # Examples
///
/// ```
/// use actor_core::Inbox;
/// use std::time::{Duration, Instant};
///
/// let handle = actor_core::spawn_fn(|inbox: Inbox<Instant>| {
///     let sent = inbox.recv()?;
///     assert!(sent.elapsed() >= Duration::from_millis(5));
///     Ok(())
/// });
/// let timer = actor_core::send_after(&handle.addr(), Duration::from_millis(5), Instant::now());
/// assert!(!handle.join().is_panic());
/// assert!(!timer.cancel()); // it had fired already
/// ```
pub fn send_after<M: Send + 'static>(addr: &Addr<M>, delay: Duration, msg: M) -> TimerHandle {
    Timers::global().send_after(addr, delay, msg)
}

/// Sends `make_msg()` to `addr` every `period`, the first one `period` from now, on the
/// process-wide [`Timers`] service, until the returned [`TimerHandle`] is dropped or the actor
/// stops accepting messages.
///
/// # Panics
///
/// If `period` is zero; on the first use of the process-wide service, if the operating system
/// refuses to start its thread.
///
/// # Examples
///
/// ```
/// use actor_core::Inbox;
/// use std::time::Duration;
///
/// let (seen_tx, seen) = std::sync::mpsc::channel();
/// let handle = actor_core::spawn_fn(move |inbox: Inbox<&str>| loop {
///     seen_tx.send(inbox.recv()?).unwrap();
/// });
/// let timer = actor_core::send_interval(&handle.addr(), Duration::from_millis(1), || "tick");
/// assert_eq!(seen.recv().unwrap(), "tick");
/// assert_eq!(seen.recv().unwrap(), "tick");
/// drop(timer); // no tick is sent after this returns
/// ```
pub fn send_interval<M, F>(addr: &Addr<M>, period: Duration, make_msg: F) -> TimerHandle
where
    M: Send + 'static,
    F: FnMut() -> M + Send + 'static,
{
    Timers::global().send_interval(addr, period, make_msg)
}

/// A timer service: one thread that sends messages to actors at deadlines.
///
/// Every timer of a service shares its one thread, which sleeps until the earliest deadline in a
/// binary heap: there is no thread per timer. [`send_after`] and [`send_interval`] use the
/// process-wide service [`Timers::global`], started on first use; a `Timers` value of your own
/// has its own thread, and dropping it cancels its timers and ends that thread.
///
/// **How a timer sends.** The timer thread never blocks on an actor: it uses
/// [`Addr::try_send`]. If the actor's bounded mailbox is full, that one message goes to the
/// actor's dead letters ([`DeadReason::TimerMissed`](crate::DeadReason::TimerMissed), see
/// [`DeadLetters`](crate::DeadLetters)) and is counted in [`TimerHandle::missed`]; an interval
/// timer tries again at its next period. If the actor no longer accepts messages, the message
/// goes to the dead letters too and the timer ends (an interval timer too).
///
/// **What a timer keeps alive.** A one-shot timer holds a clone of the actor's [`Addr`] until it
/// fires or is cancelled, then drops it; an interval timer holds it until it is cancelled or
/// ends. An actor that keeps the handle of an interval timer aimed at itself therefore stays
/// alive until it drops that handle or is closed or stopped (a send then fails and the timer
/// ends).
///
/// If `make_msg` of an interval timer panics, the panic is caught and the timer ends.
///
/// # Examples
///
/// ```
/// use actor_core::{Inbox, Timers};
/// use std::time::Duration;
///
/// let timers = Timers::new();
/// let handle = actor_core::spawn_fn(|inbox: Inbox<u32>| {
///     assert_eq!(inbox.recv()?, 7);
///     Ok(())
/// });
/// let soon = timers.send_after(&handle.addr(), Duration::from_millis(1), 7);
/// let never = timers.send_after(&handle.addr(), Duration::from_secs(3600), 8);
/// assert!(never.cancel()); // cancelled before it fired: its Addr is released now
/// assert!(!handle.join().is_panic()); // the actor got 7
/// assert!(!soon.cancel()); // too late, it had fired (cancel waits for a send under way)
/// assert_eq!(timers.pending(), 0);
/// ```
pub struct Timers {
    service: Arc<Service>,
    thread: Option<JoinHandle<()>>,
}

/// The handle of one timer. **Dropping it cancels the timer.**
///
/// When [`cancel`](TimerHandle::cancel) (or the drop) returns, the timer sends nothing more: a
/// send already under way on the timer thread is waited for. [`detach`](TimerHandle::detach)
/// gives up the handle without cancelling.
///
/// ```
/// use std::time::Duration;
///
/// let handle = actor_core::spawn_fn(|inbox: actor_core::Inbox<()>| {
///     while inbox.recv().is_ok() {}
///     Ok(())
/// });
/// let timer = actor_core::send_after(&handle.addr(), Duration::from_secs(3600), ());
/// assert!(!timer.is_finished());
/// assert!(timer.cancel());
/// ```
#[must_use = "dropping a TimerHandle cancels the timer; call detach() to let it run"]
pub struct TimerHandle {
    id: u64,
    status: Arc<Status>,
    service: Option<Arc<Service>>,
}

struct Service {
    queue: Mutex<Queue>,
    /// The timer thread sleeps here until the earliest deadline or a change.
    changed: Condvar,
    /// Cancellers wait here for a send under way to finish.
    fired: Condvar,
}

#[derive(Default)]
struct Queue {
    /// Deadlines with their timer's id. An entry whose timer is gone or was rescheduled is stale
    /// and skipped when popped.
    heap: BinaryHeap<Reverse<(Instant, u64)>>,
    timers: HashMap<u64, Timer>,
    next_id: u64,
    /// The timer being fired; it is out of `timers` meanwhile.
    firing: Option<u64>,
    shutdown: bool,
    timer_thread: Option<ThreadId>,
}

struct Timer {
    /// `None`: a deadline too far away to represent; the timer never fires.
    due: Option<Instant>,
    period: Option<Duration>,
    fire: Box<dyn FnMut() -> Fired + Send>,
    status: Arc<Status>,
}

#[derive(Default)]
struct Status {
    delivered: AtomicU64,
    missed: AtomicU64,
    finished: AtomicBool,
    cancelled: AtomicBool,
    /// Set by the timer thread when a cancel that came while the timer fired stopped its next
    /// firings (the cancel found no timer left to remove, but it did stop one).
    stopped_while_firing: AtomicBool,
}

/// What one send of a timer did.
enum Fired {
    Sent,
    Full,
    Closed,
}

/// An actor's own timer on a foreign executor delivers `msg`: `false` once the actor no longer
/// accepts messages (the timer ends).
pub(crate) fn deliver_own<M: Send + 'static>(link: &Link<M>, msg: M) -> bool {
    !matches!(fired(link, link.try_send(msg)), Fired::Closed)
}

/// What a timer's send came to; a message that found the mailbox full or closed is a dead
/// letter of the actor it was for.
fn fired<M: Send + 'static>(link: &Link<M>, sent: Result<(), TrySendError<M>>) -> Fired {
    let (fired, msg) = match sent {
        Ok(()) => return Fired::Sent,
        Err(TrySendError::Full(msg)) => (Fired::Full, msg),
        Err(TrySendError::Closed(msg)) => (Fired::Closed, msg),
    };
    dead_letter::report(link, DeadReason::TimerMissed, Some(Box::new(msg)));
    fired
}

impl Service {
    /// Cancels timer `id`; see [`TimerHandle::cancel`].
    fn cancel(&self, id: u64, status: &Status) -> bool {
        let mut queue = sync::lock(&self.queue);
        status.cancelled.store(true, SeqCst);
        let on_timer_thread = queue.timer_thread == Some(std::thread::current().id());
        while queue.firing == Some(id) && !on_timer_thread {
            queue = sync::wait(&self.fired, queue);
        }
        let firing_itself = queue.firing == Some(id);
        let timer = queue.timers.remove(&id);
        let Queue { heap, timers, .. } = &mut *queue;
        if heap.len() > 64 && heap.len() > 2 * timers.len() {
            heap.retain(|Reverse((due, id))| timers.get(id).is_some_and(|t| t.due == Some(*due)));
        }
        drop(queue);
        status.finished.store(true, SeqCst);
        let stopped = timer.is_some() || firing_itself || status.stopped_while_firing.load(SeqCst);
        // The timer may hold the last Addr or an unsent message: drop them outside the lock, and
        // catch a panic in their `Drop` (user code).
        let _ = drop_caught(timer);
        stopped
    }
}

impl Timers {
    /// Starts a timer service with a thread of its own.
    ///
    /// # Panics
    ///
    /// If the operating system refuses to start a thread, as [`std::thread::spawn`] does.
    ///
    /// ```
    /// let timers = actor_core::Timers::new();
    /// assert_eq!(timers.pending(), 0);
    /// ```
    pub fn new() -> Timers {
        let service = Arc::new(Service {
            queue: Mutex::new(Queue::default()),
            changed: Condvar::new(),
            fired: Condvar::new(),
        });
        let serving = Arc::clone(&service);
        let thread = std::thread::Builder::new()
            .name("actor-timers".into())
            .spawn(move || run(&serving))
            .expect("failed to spawn the timer thread");
        sync::lock(&service.queue).timer_thread = Some(thread.thread().id());
        Timers {
            service,
            thread: Some(thread),
        }
    }

    /// The process-wide service that [`send_after`] and [`send_interval`] use, started on first
    /// use. It lives until the process ends.
    ///
    /// # Panics
    ///
    /// On first use, if the operating system refuses to start its thread.
    ///
    /// ```
    /// let a = actor_core::Timers::global();
    /// let b = actor_core::Timers::global();
    /// assert!(std::ptr::eq(a, b));
    /// ```
    pub fn global() -> &'static Timers {
        static GLOBAL: OnceLock<Timers> = OnceLock::new();
        GLOBAL.get_or_init(Timers::new)
    }

    /// Sends `msg` to `addr` once, `delay` from now; see the free function [`send_after`].
    /// A delay too long to represent never fires.
    ///
    /// ```
    /// use actor_core::{Inbox, Timers};
    /// use std::time::Duration;
    ///
    /// let timers = Timers::new();
    /// let handle = actor_core::spawn_fn(|inbox: Inbox<&str>| {
    ///     assert_eq!(inbox.recv()?, "wake up");
    ///     Ok(())
    /// });
    /// timers.send_after(&handle.addr(), Duration::from_millis(1), "wake up").detach();
    /// assert!(!handle.join().is_panic());
    /// ```
    pub fn send_after<M: Send + 'static>(
        &self,
        addr: &Addr<M>,
        delay: Duration,
        msg: M,
    ) -> TimerHandle {
        let addr = addr.clone();
        self.once(delay, msg, move |msg| {
            fired(addr.shared(), addr.shared().try_send(msg))
        })
    }

    /// Sends `make_msg()` to `addr` every `period`; see the free function [`send_interval`].
    ///
    /// The timer keeps a fixed rate (the n-th message is due `n * period` after the start); if
    /// the timer thread falls behind, it skips the periods it missed instead of sending a burst.
    ///
    /// # Panics
    ///
    /// If `period` is zero.
    ///
    /// ```
    /// use actor_core::{Inbox, Timers};
    /// use std::time::Duration;
    ///
    /// let timers = Timers::new();
    /// let handle = actor_core::spawn_fn(|inbox: Inbox<u32>| {
    ///     let (a, b) = (inbox.recv()?, inbox.recv()?);
    ///     assert_eq!((a, b), (1, 2));
    ///     Ok(()) // the actor ends: the timer's next send fails and the timer ends too
    /// });
    /// let mut n = 0;
    /// let timer = timers.send_interval(&handle.addr(), Duration::from_millis(1), move || {
    ///     n += 1;
    ///     n
    /// });
    /// assert!(!handle.join().is_panic());
    /// assert!(timer.delivered() >= 1); // the second send is counted once it returns
    /// ```
    pub fn send_interval<M, F>(&self, addr: &Addr<M>, period: Duration, make_msg: F) -> TimerHandle
    where
        M: Send + 'static,
        F: FnMut() -> M + Send + 'static,
    {
        assert!(!period.is_zero(), "send_interval needs a non-zero period");
        let addr = addr.clone();
        self.every(period, make_msg, move |msg| {
            fired(addr.shared(), addr.shared().try_send(msg))
        })
    }

    /// Runs `call` once on the timer thread, `delay` from now (a `Context::ask` deadline).
    pub(crate) fn call_after(
        &self,
        delay: Duration,
        call: impl FnOnce() + Send + 'static,
    ) -> TimerHandle {
        let mut call = Some(call);
        let fire = move || {
            if let Some(call) = call.take() {
                call();
            }
            Fired::Closed
        };
        self.schedule(Instant::now().checked_add(delay), None, Box::new(fire))
    }

    /// `send_after` through a link that does not keep the actor alive (an actor's own timer).
    pub(crate) fn link_after<M: Send + 'static>(
        &self,
        link: Link<M>,
        delay: Duration,
        msg: M,
    ) -> TimerHandle {
        self.once(delay, msg, move |msg| fired(&link, link.try_send(msg)))
    }

    /// `send_interval` through a link that does not keep the actor alive (an actor's own timer).
    pub(crate) fn link_interval<M, F>(
        &self,
        link: Link<M>,
        period: Duration,
        make_msg: F,
    ) -> TimerHandle
    where
        M: Send + 'static,
        F: FnMut() -> M + Send + 'static,
    {
        self.every(period, make_msg, move |msg| {
            fired(&link, link.try_send(msg))
        })
    }

    /// A one-shot timer that hands `msg` to `send` at `delay` from now.
    fn once<M, S>(&self, delay: Duration, msg: M, send: S) -> TimerHandle
    where
        M: Send + 'static,
        S: Fn(M) -> Fired + Send + 'static,
    {
        let mut msg = Some(msg);
        let fire = move || match msg.take() {
            Some(msg) => send(msg),
            None => Fired::Closed,
        };
        self.schedule(Instant::now().checked_add(delay), None, Box::new(fire))
    }

    /// An interval timer that hands `make_msg()` to `send` every `period` (not zero).
    fn every<M, F, S>(&self, period: Duration, mut make_msg: F, send: S) -> TimerHandle
    where
        M: Send + 'static,
        F: FnMut() -> M + Send + 'static,
        S: Fn(M) -> Fired + Send + 'static,
    {
        let fire = move || send(make_msg());
        self.schedule(
            Instant::now().checked_add(period),
            Some(period),
            Box::new(fire),
        )
    }

    /// How many timers of this service have not finished: waiting for their deadline, or sending
    /// now.
    ///
    /// ```
    /// use std::time::Duration;
    ///
    /// let timers = actor_core::Timers::new();
    /// let handle = actor_core::spawn_fn(|inbox: actor_core::Inbox<()>| {
    ///     while inbox.recv().is_ok() {}
    ///     Ok(())
    /// });
    /// let timer = timers.send_after(&handle.addr(), Duration::from_secs(3600), ());
    /// assert_eq!(timers.pending(), 1);
    /// drop(timer);
    /// assert_eq!(timers.pending(), 0);
    /// ```
    pub fn pending(&self) -> usize {
        let queue = sync::lock(&self.service.queue);
        queue.timers.len() + usize::from(queue.firing.is_some())
    }

    fn schedule(
        &self,
        due: Option<Instant>,
        period: Option<Duration>,
        fire: Box<dyn FnMut() -> Fired + Send>,
    ) -> TimerHandle {
        let status = Arc::new(Status::default());
        let mut queue = sync::lock(&self.service.queue);
        let id = queue.next_id;
        queue.next_id += 1;
        if let Some(due) = due {
            queue.heap.push(Reverse((due, id)));
        }
        let timer = Timer {
            due,
            period,
            fire,
            status: Arc::clone(&status),
        };
        queue.timers.insert(id, timer);
        self.service.changed.notify_one();
        TimerHandle {
            id,
            status,
            service: Some(Arc::clone(&self.service)),
        }
    }
}

impl Default for Timers {
    fn default() -> Timers {
        Timers::new()
    }
}

/// The timer thread: fires each timer at its deadline, outside the lock.
fn run(service: &Service) {
    let mut queue = sync::lock(&service.queue);
    loop {
        if queue.shutdown {
            return;
        }
        let Some(&Reverse((due, id))) = queue.heap.peek() else {
            queue = sync::wait(&service.changed, queue);
            continue;
        };
        let now = Instant::now();
        if let Some(left) = due
            .checked_duration_since(now)
            .filter(|left| !left.is_zero())
        {
            queue = sync::wait_timeout(&service.changed, queue, left).0;
            continue;
        }
        queue.heap.pop();
        if queue
            .timers
            .get(&id)
            .is_none_or(|timer| timer.due != Some(due))
        {
            continue; // cancelled, or a stale deadline
        }
        let Some(mut timer) = queue.timers.remove(&id) else {
            continue;
        };
        queue.firing = Some(id);
        drop(queue);

        let again = match catch(|| (timer.fire)()) {
            Ok(Fired::Sent) => {
                timer.status.delivered.fetch_add(1, SeqCst);
                timer.period.is_some()
            }
            Ok(Fired::Full) => {
                timer.status.missed.fetch_add(1, SeqCst);
                timer.period.is_some()
            }
            Ok(Fired::Closed) | Err(_) => false,
        };

        queue = sync::lock(&service.queue);
        let cancelled = timer.status.cancelled.load(SeqCst);
        match timer.period {
            Some(period) if again && !queue.shutdown && !cancelled => {
                queue.firing = None;
                service.fired.notify_all();
                let now = Instant::now();
                timer.due = due.checked_add(period).and_then(|after| {
                    if after <= now {
                        now.checked_add(period)
                    } else {
                        Some(after)
                    }
                });
                if let Some(next) = timer.due {
                    queue.heap.push(Reverse((next, id)));
                }
                queue.timers.insert(id, timer);
            }
            _ => {
                if again && cancelled {
                    // A cancel waits for this firing to end: it stopped a live interval timer.
                    timer.status.stopped_while_firing.store(true, SeqCst);
                }
                drop(queue);
                timer.status.finished.store(true, SeqCst);
                // Dropped before `firing` is cleared, so that a cancel waiting for this firing
                // returns only once the closure (and the `Addr` in it) is gone.
                let _ = drop_caught(timer);
                queue = sync::lock(&service.queue);
                queue.firing = None;
                service.fired.notify_all();
            }
        }
    }
}

impl Drop for Timers {
    fn drop(&mut self) {
        let timers: Vec<Timer> = {
            let mut queue = sync::lock(&self.service.queue);
            queue.shutdown = true;
            queue.heap.clear();
            queue.timers.drain().map(|(_, timer)| timer).collect()
        };
        self.service.changed.notify_all();
        for timer in &timers {
            timer.status.finished.store(true, SeqCst);
        }
        for timer in timers {
            let _ = drop_caught(timer);
        }
        if let Some(thread) = self.thread.take() {
            if thread.thread().id() != std::thread::current().id() {
                // User code on the timer thread runs under `catch`: it cannot have panicked.
                let _ = thread.join();
            }
        }
    }
}

impl fmt::Debug for Timers {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Timers")
            .field("pending", &self.pending())
            .finish_non_exhaustive()
    }
}

impl TimerHandle {
    /// The timer's number within its service.
    pub(crate) fn id(&self) -> u64 {
        self.id
    }

    /// Cancels the timer. Returns `true` if this stopped it, `false` if it had already finished
    /// (a one-shot timer that fired, an interval timer whose actor is gone).
    ///
    /// When this returns, the timer sends nothing more, and the [`Addr`] it held is dropped.
    ///
    /// ```
    /// use std::time::Duration;
    ///
    /// let handle = actor_core::spawn_fn(|inbox: actor_core::Inbox<u8>| {
    ///     inbox.recv()?;
    ///     Ok(())
    /// });
    /// let fires = actor_core::send_after(&handle.addr(), Duration::ZERO, 1);
    /// assert!(!handle.join().is_panic()); // the message arrived
    /// assert!(!fires.cancel()); // too late: it had fired
    /// ```
    pub fn cancel(mut self) -> bool {
        match self.service.take() {
            Some(service) => service.cancel(self.id, &self.status),
            None => false,
        }
    }

    /// Gives up the handle without cancelling: a one-shot timer fires as planned, an interval
    /// timer runs until its actor stops accepting messages.
    ///
    /// ```
    /// use std::time::Duration;
    ///
    /// let handle = actor_core::spawn_fn(|inbox: actor_core::Inbox<u8>| {
    ///     assert_eq!(inbox.recv()?, 5);
    ///     Ok(())
    /// });
    /// actor_core::send_after(&handle.addr(), Duration::from_millis(1), 5).detach();
    /// assert!(!handle.join().is_panic());
    /// ```
    pub fn detach(mut self) {
        self.service = None;
    }

    /// Whether the timer will send nothing more: it fired (one-shot), its actor stopped accepting
    /// messages, its `make_msg` panicked, or its service was dropped.
    ///
    /// ```
    /// use std::time::Duration;
    ///
    /// let handle = actor_core::spawn_fn(|inbox: actor_core::Inbox<()>| {
    ///     while inbox.recv().is_ok() {}
    ///     Ok(())
    /// });
    /// let timer = actor_core::send_after(&handle.addr(), Duration::from_secs(3600), ());
    /// assert!(!timer.is_finished());
    /// ```
    pub fn is_finished(&self) -> bool {
        self.status.finished.load(SeqCst)
    }

    /// How many messages the timer has delivered to the actor's mailbox.
    ///
    /// ```
    /// use std::time::Duration;
    ///
    /// let handle = actor_core::spawn_fn(|inbox: actor_core::Inbox<()>| {
    ///     while inbox.recv().is_ok() {}
    ///     Ok(())
    /// });
    /// let timer = actor_core::send_after(&handle.addr(), Duration::from_secs(3600), ());
    /// assert_eq!(timer.delivered(), 0);
    /// ```
    pub fn delivered(&self) -> u64 {
        self.status.delivered.load(SeqCst)
    }

    /// How many messages the timer dropped because the actor's bounded mailbox was full.
    ///
    /// ```
    /// use actor_core::{Builder, Inbox, Mailbox};
    /// use std::time::{Duration, Instant};
    ///
    /// let (gate_tx, gate) = std::sync::mpsc::channel::<()>();
    /// let handle = Builder::new()
    ///     .mailbox(Mailbox::Bounded(1))
    ///     .spawn_fn(move |inbox: Inbox<u8>| {
    ///         gate.recv().ok(); // hold the actor: its mailbox fills up
    ///         while inbox.recv().is_ok() {}
    ///         Ok(())
    ///     })
    ///     .unwrap();
    /// let addr = handle.addr();
    /// addr.send(0).unwrap(); // the mailbox is full now
    /// let timer = actor_core::send_interval(&addr, Duration::from_millis(1), || 1);
    /// let deadline = Instant::now() + Duration::from_secs(5);
    /// while timer.missed() == 0 {
    ///     assert!(Instant::now() < deadline, "the timer never found the mailbox full");
    ///     std::thread::yield_now();
    /// }
    /// drop(timer);
    /// gate_tx.send(()).unwrap();
    /// ```
    pub fn missed(&self) -> u64 {
        self.status.missed.load(SeqCst)
    }
}

impl Drop for TimerHandle {
    fn drop(&mut self) {
        if let Some(service) = self.service.take() {
            service.cancel(self.id, &self.status);
        }
    }
}

impl fmt::Debug for TimerHandle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TimerHandle")
            .field("delivered", &self.delivered())
            .field("missed", &self.missed())
            .field("finished", &self.is_finished())
            .finish()
    }
}
