//! `Addr`: the cloneable address that sends to an actor, and `ActorId`.

use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed, Ordering::SeqCst};
use std::time::{Duration, Instant};

use std::sync::Arc;

use crate::blocks::timer::Timers;
use crate::executor::foreign::Executor;
use crate::executor::foreign::{ForeignTimer, OwnTimer};
use crate::executor::pool::on_worker;
use crate::runtime::ask::{CallAsk, Callback, NoReply, ReplyTo, Waiter, Waiting};
use crate::runtime::error::{AskError, SendError, SendTimeoutError, TrySendError};
use crate::runtime::mailbox::Link;
use crate::runtime::unwind::catch;

/// A process-unique number naming one actor. Never reused within a process.
///
/// ```
/// let a = actor_core::spawn_fn(|inbox: actor_core::Inbox<()>| { while inbox.recv().is_ok() {} Ok(()) });
/// let b = actor_core::spawn_fn(|inbox: actor_core::Inbox<()>| { while inbox.recv().is_ok() {} Ok(()) });
/// assert_ne!(a.id(), b.id());
/// assert_eq!(a.addr().id(), a.id());
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct ActorId(u64);

impl ActorId {
    /// A fresh id. Each thread takes ids from a block of its own, so threads that spawn many
    /// actors at once (pool workers) do not contend on one counter.
    pub(crate) fn next() -> ActorId {
        const BLOCK: u64 = 1024;
        static NEXT_BLOCK: AtomicU64 = AtomicU64::new(1);
        thread_local! {
            static RANGE: std::cell::Cell<(u64, u64)> = const { std::cell::Cell::new((0, 0)) };
        }
        RANGE.with(|range| {
            let (next, end) = range.get();
            let id = if next < end {
                next
            } else {
                NEXT_BLOCK.fetch_add(BLOCK, Relaxed)
            };
            let end = if next < end { end } else { id + BLOCK };
            range.set((id + 1, end));
            ActorId(id)
        })
    }

    /// The number itself.
    pub fn get(self) -> u64 {
        self.0
    }
}

impl fmt::Display for ActorId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "#{}", self.0)
    }
}

/// The address of an actor: sends it messages of type `M`.
///
/// `Addr` is `Clone + Send + Sync`; clone it freely and hand it to any thread. Messages from one
/// `Addr` (or one thread) arrive in the order they were sent. The actor lives while any `Addr`
/// exists: when the last one is dropped, the actor handles what is queued and ends with
/// [`ExitReason::Closed`](crate::ExitReason::Closed), so no thread is leaked.
///
/// Every failing send hands the message back inside its error.
///
/// # Examples
///
/// ```
/// use actor_core::{Actor, Context};
///
/// struct Sum(u64);
/// impl Actor for Sum {
///     type Msg = u64;
///     fn handle(&mut self, n: u64, _ctx: &mut Context<Self>) {
///         self.0 += n;
///     }
/// }
///
/// let handle = actor_core::spawn(Sum(0));
/// let addr = handle.addr();
/// for n in 1..=4 {
///     addr.send(n).unwrap();
/// }
/// drop(addr); // the last address: the actor drains its mailbox and ends
/// assert_eq!(handle.join().into_state().0, 10);
/// ```
pub struct Addr<M> {
    shared: Link<M>,
}

impl<M> Addr<M> {
    /// The mailbox behind this address.
    pub(crate) fn shared(&self) -> &Link<M> {
        &self.shared
    }

    /// A new counted address of the actor behind `shared`.
    pub(crate) fn new(shared: Link<M>) -> Addr<M> {
        shared.addrs.fetch_add(1, SeqCst);
        Addr { shared }
    }

    /// Sends a message, blocking while a bounded mailbox is full.
    ///
    /// # Errors
    ///
    /// [`SendError`] with the message if the actor no longer accepts messages (closed, stopped or
    /// ended).
    #[inline]
    pub fn send(&self, msg: M) -> Result<(), SendError<M>> {
        self.shared.send(msg).inspect_err(|_| self.refused())
    }

    /// Sends a message if there is room now, without blocking.
    ///
    /// # Errors
    ///
    /// [`TrySendError::Full`] if a bounded mailbox is full, [`TrySendError::Closed`] if the actor
    /// no longer accepts messages; both hand the message back.
    ///
    /// ```
    /// use actor_core::{Builder, Inbox, Mailbox, TrySendError};
    ///
    /// let (gate_tx, gate_rx) = std::sync::mpsc::channel::<()>();
    /// let handle = Builder::new()
    ///     .mailbox(Mailbox::Bounded(1))
    ///     .spawn_fn(move |inbox: Inbox<u32>| {
    ///         gate_rx.recv().ok(); // hold the actor until the test opens the gate
    ///         while inbox.recv().is_ok() {}
    ///         Ok(())
    ///     })
    ///     .unwrap();
    /// let addr = handle.addr();
    /// addr.try_send(1).unwrap();
    /// assert!(matches!(addr.try_send(2), Err(TrySendError::Full(2))));
    /// gate_tx.send(()).unwrap();
    /// ```
    pub fn try_send(&self, msg: M) -> Result<(), TrySendError<M>> {
        self.shared.try_send(msg).inspect_err(|refused| {
            if let TrySendError::Closed(_) = refused {
                self.refused();
            }
        })
    }

    /// Sends a message, waiting at most `timeout` for room in a bounded mailbox.
    ///
    /// # Errors
    ///
    /// [`SendTimeoutError::Timeout`] if the mailbox stayed full, [`SendTimeoutError::Closed`] if
    /// the actor no longer accepts messages; both hand the message back.
    pub fn send_timeout(&self, msg: M, timeout: Duration) -> Result<(), SendTimeoutError<M>> {
        match Instant::now().checked_add(timeout) {
            Some(deadline) => self.send_deadline(msg, deadline),
            None => self.send(msg).map_err(|e| SendTimeoutError::Closed(e.0)),
        }
    }

    /// Sends a message, waiting until `deadline` at most for room in a bounded mailbox.
    ///
    /// # Errors
    ///
    /// As [`send_timeout`](Addr::send_timeout).
    pub fn send_deadline(&self, msg: M, deadline: Instant) -> Result<(), SendTimeoutError<M>> {
        self.shared
            .send_deadline(msg, deadline)
            .inspect_err(|refused| {
                if let SendTimeoutError::Closed(_) = refused {
                    self.refused();
                }
            })
    }

    /// A send was refused because the mailbox no longer accepts messages: the sender has the
    /// message back, and the dead letters count it.
    #[cold]
    fn refused(&self) {
        crate::lifecycle::dead_letter::report_refused(&self.shared);
    }

    /// Sends a request and waits for its reply.
    ///
    /// `make` builds the request around a [`ReplyTo`] port; the actor answers with
    /// [`ReplyTo::reply`]. The call always ends: with the reply, or with
    /// [`AskError::Stopped`] as soon as the actor ends or drops the port without replying. To
    /// bound the wait as well, use [`ask_timeout`](Addr::ask_timeout).
    ///
    /// The reply type is `Send + 'static`, as is any value that crosses to another thread inside
    /// a message. The calling thread keeps the meeting point of its last ask and uses it again
    /// for its next one (a new one would cost a third of the round trip).
    ///
    /// # Errors
    ///
    /// [`AskError::Closed`] with the request if the actor no longer accepts messages;
    /// [`AskError::Stopped`] if it ended or dropped the request without replying;
    /// [`AskError::WouldBlock`] with the request, unsent, if called on a worker of a
    /// [`Pool`](crate::Pool) (a pooled handler asks through [`Context::ask`](crate::Context::ask)).
    ///
    /// # Examples
    ///
    /// ```
    /// use actor_core::{Actor, Context, ReplyTo};
    ///
    /// enum Msg {
    ///     Add(u64),
    ///     Total(ReplyTo<u64>),
    /// }
    ///
    /// struct Counter(u64);
    /// impl Actor for Counter {
    ///     type Msg = Msg;
    ///     fn handle(&mut self, msg: Msg, _ctx: &mut Context<Self>) {
    ///         match msg {
    ///             Msg::Add(n) => self.0 += n,
    ///             Msg::Total(reply) => {
    ///                 let _ = reply.reply(self.0);
    ///             }
    ///         }
    ///     }
    /// }
    ///
    /// let handle = actor_core::spawn(Counter(0));
    /// let addr = handle.addr();
    /// addr.send(Msg::Add(2)).unwrap();
    /// addr.send(Msg::Add(3)).unwrap();
    /// assert_eq!(addr.ask(Msg::Total).unwrap(), 5);
    /// ```
    pub fn ask<R: Send + 'static>(
        &self,
        make: impl FnOnce(ReplyTo<R>) -> M,
    ) -> Result<R, AskError<M>> {
        let (waiting, port) = Waiting::new();
        if on_worker() {
            waiting.abandon();
            return Err(AskError::WouldBlock(make(port)));
        }
        self.send(make(port)).map_err(|e| AskError::Closed(e.0))?;
        waiting
            .wait(&self.shared.end, None)
            .map_err(|_| AskError::Stopped)
    }

    /// Sends a request and waits at most `timeout` in all (queueing and reply) for its reply.
    ///
    /// # Errors
    ///
    /// As [`ask`](Addr::ask), plus [`AskError::Full`] with the request if a bounded mailbox
    /// stayed full until the deadline, and [`AskError::Timeout`] if the request was queued but no
    /// reply came in time.
    ///
    /// ```
    /// use actor_core::{AskError, Inbox, ReplyTo};
    /// use std::time::Duration;
    ///
    /// // An actor that takes requests but never answers them.
    /// let handle = actor_core::spawn_fn(|inbox: Inbox<ReplyTo<u8>>| {
    ///     let mut kept = Vec::new();
    ///     while let Ok(port) = inbox.recv() {
    ///         kept.push(port);
    ///     }
    ///     Ok(())
    /// });
    /// let addr = handle.addr();
    /// let err = addr.ask_timeout(|port| port, Duration::from_millis(10)).unwrap_err();
    /// assert!(matches!(err, AskError::Timeout));
    /// ```
    pub fn ask_timeout<R: Send + 'static>(
        &self,
        make: impl FnOnce(ReplyTo<R>) -> M,
        timeout: Duration,
    ) -> Result<R, AskError<M>> {
        let Some(deadline) = Instant::now().checked_add(timeout) else {
            return self.ask(make);
        };
        let (waiting, port) = Waiting::new();
        if on_worker() {
            waiting.abandon();
            return Err(AskError::WouldBlock(make(port)));
        }
        self.send_deadline(make(port), deadline)
            .map_err(|e| match e {
                SendTimeoutError::Timeout(msg) => AskError::Full(msg),
                SendTimeoutError::Closed(msg) => AskError::Closed(msg),
            })?;
        waiting
            .wait(&self.shared.end, Some(deadline))
            .map_err(|no_reply| match no_reply {
                NoReply::Stopped => AskError::Stopped,
                NoReply::Timeout => AskError::Timeout,
            })
    }

    /// Sends a request without waiting for its reply: `on_reply` runs once, with the reply or
    /// with why none came ([`NoReply::Stopped`] if the actor ended or dropped the request
    /// unanswered; [`NoReply::Timeout`] if `timeout` is given and no reply came within it).
    ///
    /// It never blocks, so it can be called anywhere: on a [`Pool`](crate::Pool) worker, inside
    /// async code, in a callback. A full bounded mailbox is [`AskError::Full`] at once. An actor
    /// asks through [`Context::ask`](crate::Context::ask) instead, which delivers the outcome to
    /// it as a message.
    ///
    /// `on_reply` runs on whichever thread settles the request: the replying actor's (inside
    /// [`ReplyTo::reply`]), the thread that drops the port or on which the actor ends, or the
    /// timer thread of [`Timers`](crate::Timers) for a deadline. Keep it short: hand the outcome
    /// on (to a channel, an actor, a waker). A panic in it is caught, and the outcome is lost with
    /// it. A reply that comes after the deadline is handed back to the replier by
    /// [`ReplyTo::reply`].
    ///
    /// # Errors
    ///
    /// [`AskError::Full`] or [`AskError::Closed`] with the request, unsent, if the mailbox is full
    /// or no longer accepts messages; `on_reply` is then dropped without being called.
    ///
    /// # Examples
    ///
    /// ```
    /// use actor_core::{Inbox, NoReply, ReplyTo};
    /// use std::sync::mpsc;
    /// use std::time::Duration;
    ///
    /// let doubler = actor_core::spawn_fn(|inbox: Inbox<(u64, ReplyTo<u64>)>| {
    ///     while let Ok((n, reply)) = inbox.recv() {
    ///         let _ = reply.reply(2 * n);
    ///     }
    ///     Ok(())
    /// });
    /// let (tx, rx) = mpsc::channel();
    /// doubler
    ///     .addr()
    ///     .ask_then(|port| (21, port), Some(Duration::from_secs(5)), move |outcome| {
    ///         let _ = tx.send(outcome);
    ///     })
    ///     .unwrap();
    /// assert_eq!(rx.recv().unwrap(), Ok(42));
    ///
    /// // Once the actor has ended, a request that was queued gets `Stopped`.
    /// let sleeper = actor_core::spawn_fn(|inbox: Inbox<ReplyTo<u64>>| {
    ///     let _port = inbox.recv();
    ///     Ok(())
    /// });
    /// let (tx, rx) = mpsc::channel();
    /// sleeper.addr().ask_then(|port| port, None, move |outcome| {
    ///     let _ = tx.send(outcome);
    /// }).unwrap();
    /// assert_eq!(rx.recv().unwrap(), Err(NoReply::Stopped));
    /// ```
    pub fn ask_then<R, F>(
        &self,
        make: impl FnOnce(ReplyTo<R>) -> M,
        timeout: Option<Duration>,
        on_reply: F,
    ) -> Result<(), AskError<M>>
    where
        R: Send + 'static,
        F: FnOnce(Result<R, NoReply>) + Send + 'static,
    {
        let callback = Box::new(move |outcome| {
            // Caught: the outcome is lost with the panic, and the settling thread carries on.
            let _ = catch(|| on_reply(outcome));
        });
        self.ask_call(make, timeout, None, callback)
    }

    /// Sends a request whose outcome goes to `callback`, with a deadline on the process-wide
    /// timers or on `foreign`'s clock. Never blocks.
    pub(crate) fn ask_call<R: Send + 'static>(
        &self,
        make: impl FnOnce(ReplyTo<R>) -> M,
        timeout: Option<Duration>,
        foreign: Option<&Arc<dyn Executor>>,
        callback: Callback<R>,
    ) -> Result<(), AskError<M>> {
        let (call, port) = CallAsk::new(callback);
        if let Err(refused) = self.try_send(make(port)) {
            call.disarm();
            return Err(match refused {
                TrySendError::Full(request) => AskError::Full(request),
                TrySendError::Closed(request) => AskError::Closed(request),
            });
        }
        // Registered only once the request is in: registered before, the end of a run that
        // refused it could settle the call (with `Stopped`) before `disarm` took it, and the
        // caller would get both the request back and a call. An end after the registration
        // reaches the slot; one before it is seen by the check after it (the call is settled
        // once whichever comes first, the reply included).
        let end = &self.shared.end;
        end.register(Waiter::Slot(call.expiry()));
        if end.has_ended() {
            call.expire(NoReply::Stopped);
        }
        if let Some(timeout) = timeout {
            let expiry = call.expiry();
            let expire = move || {
                if let Some(slot) = expiry.upgrade() {
                    slot.expire(NoReply::Timeout);
                }
            };
            let timer = match foreign {
                Some(executor) => {
                    let mut expire = Some(expire);
                    let fire = move || {
                        if let Some(expire) = expire.take() {
                            expire();
                        }
                        false
                    };
                    OwnTimer::Foreign(ForeignTimer::set(executor, timeout, None, Box::new(fire)))
                }
                None => OwnTimer::Real(Timers::global().call_after(timeout, expire)),
            };
            call.set_timer(timer);
        }
        Ok(())
    }

    /// Queues the exit sentinel behind every message already sent: the actor handles them all,
    /// runs its `stopped` hook and ends with [`ExitReason::Closed`](crate::ExitReason::Closed).
    /// Sends after `close` fail and hand the message back.
    ///
    /// Returns `true` if this call closed the mailbox, `false` if it was already closed or the
    /// actor has ended. Blocks while a bounded mailbox is full, like [`send`](Addr::send).
    pub fn close(&self) -> bool {
        self.shared.close()
    }

    /// Asks the actor to end after the message it is handling, out of band: queued messages are
    /// not handled but handed back to whoever joins ([`Outcome::undelivered`]). The actor ends
    /// with [`ExitReason::Stopped`](crate::ExitReason::Stopped). Sends after `stop` fail and hand
    /// the message back. Never blocks.
    ///
    /// [`Outcome::undelivered`]: crate::Outcome::undelivered
    pub fn stop(&self) {
        self.shared.request_stop();
    }

    /// Whether the actor still accepts messages: `false` once it was closed or stopped or has
    /// ended. A `true` can be outdated by the time the caller acts on it; sends report the truth.
    pub fn is_alive(&self) -> bool {
        !self.shared.is_sealed() && !self.shared.finished.is_set()
    }

    /// The actor's id.
    pub fn id(&self) -> crate::ActorId {
        self.shared.id
    }

    /// The actor's name: the one given to [`Builder::name`](crate::Builder::name), or
    /// `actor-<id>`.
    pub fn name(&self) -> &str {
        self.shared.name()
    }

    /// The mailbox capacity: `None` if unbounded.
    pub fn capacity(&self) -> Option<usize> {
        self.shared.capacity()
    }

    /// Whether two addresses lead to the same actor.
    pub fn same_actor(&self, other: &Addr<M>) -> bool {
        self.shared.ptr_eq(&other.shared)
    }
}

impl<M> Clone for Addr<M> {
    fn clone(&self) -> Addr<M> {
        Addr::new(self.shared.clone())
    }
}

impl<M> Drop for Addr<M> {
    fn drop(&mut self) {
        if self.shared.addrs.fetch_sub(1, SeqCst) == 1 {
            // The last address: a reader waiting on an empty mailbox must notice.
            self.shared.last_addr_dropped();
        }
    }
}

/// Two addresses are equal when they lead to the same actor (as [`Addr::same_actor`] says);
/// hashing goes by the actor's id, so addresses can key a map or fill a set.
///
/// ```
/// use std::collections::HashSet;
///
/// let a = actor_core::Pool::global().spawn(Idle);
/// let b = actor_core::Pool::global().spawn(Idle);
/// let set: HashSet<_> = [a.addr(), a.addr(), b.addr()].into_iter().collect();
/// assert_eq!(set.len(), 2);
/// assert_eq!(a.addr(), a.addr());
/// assert_ne!(a.addr(), b.addr());
/// # struct Idle;
/// # impl actor_core::Actor for Idle {
/// #     type Msg = ();
/// #     fn handle(&mut self, _: (), _: &mut actor_core::Context<Self>) {}
/// # }
/// ```
impl<M> PartialEq for Addr<M> {
    fn eq(&self, other: &Addr<M>) -> bool {
        self.same_actor(other)
    }
}

impl<M> Eq for Addr<M> {}

impl<M> std::hash::Hash for Addr<M> {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.shared.id.hash(state);
    }
}

impl<M> fmt::Debug for Addr<M> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Addr")
            .field("id", &self.shared.id)
            .field("name", &self.shared.name())
            .finish_non_exhaustive()
    }
}
