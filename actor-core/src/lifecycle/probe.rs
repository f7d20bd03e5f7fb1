//! `Probe`: a test's stand-in for an actor, to assert on what other actors send it.

use std::collections::VecDeque;
use std::fmt;
use std::io;
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

use crate::{Actor, ActorHandle, Addr, Builder, Context};

/// A stand-in actor for tests: hand its [`addr`](Probe::addr) to the actor under test, then
/// assert on what arrives with [`expect_msg`](Probe::expect_msg),
/// [`expect_no_msg`](Probe::expect_no_msg) and [`receive`](Probe::receive). These wait in real
/// time; on the deterministic scheduler of `actor-sched` use its `expect_msg` family instead, which
/// run the scheduler and wait on its virtual clock.
///
/// ```
/// use actor_core::{Actor, Addr, Context, Probe};
/// use std::time::Duration;
///
/// /// Doubles what it gets and passes it on.
/// struct Doubler(Addr<u32>);
/// impl Actor for Doubler {
///     type Msg = u32;
///     fn handle(&mut self, n: u32, _ctx: &mut Context<Self>) {
///         self.0.send(n * 2).unwrap();
///     }
/// }
///
/// let probe = Probe::new();
/// let doubler = actor_core::spawn(Doubler(probe.addr()));
/// doubler.addr().send(21).unwrap();
/// assert_eq!(probe.expect_msg(Duration::from_secs(5)), 42);
/// probe.expect_no_msg(Duration::from_millis(10));
/// ```
pub struct Probe<M: Send + 'static> {
    inbox: Arc<Inbox<M>>,
    handle: ActorHandle<ProbeActor<M>>,
}

struct Inbox<M> {
    queue: Mutex<VecDeque<M>>,
    arrived: Condvar,
}

/// The actor behind a [`Probe`]: it keeps what it receives for the test to take.
pub struct ProbeActor<M>(Arc<Inbox<M>>);

impl<M: Send + 'static> Actor for ProbeActor<M> {
    type Msg = M;

    fn handle(&mut self, msg: M, _ctx: &mut Context<Self>) {
        crate::sync::lock(&self.0.queue).push_back(msg);
        self.0.arrived.notify_all();
    }
}

impl<M> fmt::Debug for ProbeActor<M> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ProbeActor").finish_non_exhaustive()
    }
}

impl<M: Send + 'static> Probe<M> {
    /// A probe on a thread of its own.
    ///
    /// # Panics
    ///
    /// If the OS refuses a thread (use [`spawn`](Probe::spawn) to get the error).
    pub fn new() -> Probe<M> {
        Probe::spawn(Builder::new()).expect("failed to spawn a probe thread")
    }

    /// A probe started with `builder` (on a pool, or on a foreign executor such as
    /// `actor_sched::Scheduler::builder()`).
    ///
    /// # Errors
    ///
    /// As [`Builder::spawn`].
    pub fn spawn(builder: Builder) -> io::Result<Probe<M>> {
        let inbox = Arc::new(Inbox {
            queue: Mutex::new(VecDeque::new()),
            arrived: Condvar::new(),
        });
        let handle = builder.spawn(ProbeActor(Arc::clone(&inbox)))?;
        Ok(Probe { inbox, handle })
    }

    /// The probe's address, for the actor under test.
    pub fn addr(&self) -> Addr<M> {
        self.handle.addr()
    }

    /// The oldest message received and not taken yet, without waiting.
    pub fn try_recv(&self) -> Option<M> {
        crate::sync::lock(&self.inbox.queue).pop_front()
    }

    /// How many received messages wait to be taken.
    pub fn pending(&self) -> usize {
        crate::sync::lock(&self.inbox.queue).len()
    }

    /// The next message, waiting up to `timeout` for it.
    ///
    /// # Panics
    ///
    /// If none arrives in time: that is the assertion failing.
    #[track_caller]
    pub fn expect_msg(&self, timeout: Duration) -> M {
        match self.recv_deadline(Instant::now() + timeout) {
            Some(msg) => msg,
            None => panic!(
                "probe: expected a message of type {} within {timeout:?}, none came",
                std::any::type_name::<M>()
            ),
        }
    }

    /// Asserts that no message arrives within `within`.
    ///
    /// # Panics
    ///
    /// If one does.
    #[track_caller]
    pub fn expect_no_msg(&self, within: Duration) {
        if self.recv_deadline(Instant::now() + within).is_some() {
            panic!(
                "probe: expected no message within {within:?}, got one of type {}",
                std::any::type_name::<M>()
            );
        }
    }

    /// The next `n` messages, waiting up to `timeout` for all of them.
    ///
    /// # Panics
    ///
    /// If fewer than `n` arrive in time.
    #[track_caller]
    pub fn receive(&self, n: usize, timeout: Duration) -> Vec<M> {
        let deadline = Instant::now() + timeout;
        let mut got = Vec::with_capacity(n);
        while got.len() < n {
            match self.recv_deadline(deadline) {
                Some(msg) => got.push(msg),
                None => panic!(
                    "probe: expected {n} messages within {timeout:?}, got {}",
                    got.len()
                ),
            }
        }
        got
    }

    fn recv_deadline(&self, deadline: Instant) -> Option<M> {
        let mut queue = crate::sync::lock(&self.inbox.queue);
        loop {
            if let Some(msg) = queue.pop_front() {
                return Some(msg);
            }
            let left = deadline.checked_duration_since(Instant::now())?;
            if left.is_zero() {
                return None;
            }
            queue = crate::sync::wait_timeout(&self.inbox.arrived, queue, left).0;
        }
    }

    /// The probe's actor handle (to close or join it).
    pub fn into_handle(self) -> ActorHandle<ProbeActor<M>> {
        self.handle
    }
}

impl<M: Send + 'static> Default for Probe<M> {
    fn default() -> Probe<M> {
        Probe::new()
    }
}

impl<M: Send + 'static> fmt::Debug for Probe<M> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Probe")
            .field("id", &self.handle.id())
            .field("pending", &self.pending())
            .finish()
    }
}
