//! The pool executor: many actors on a few worker threads (M:N).
//!
//! - [`worker`]: the worker loop, run queues, sleeping and waking, stand-ins for blocked workers;
//! - [`cell`]: a pooled actor (mailbox, state and run in one allocation) and its turn;
//! - [`deque`]: the one place `crossbeam-deque` is imported.

mod cell;
mod deque;
mod worker;

use std::fmt;
use std::io;
use std::sync::{Arc, OnceLock};

pub(crate) use cell::PoolCell;
pub(crate) use worker::{Job, PoolInner, Turn, block_in_place, on_worker};

use crate::executor::Place;
use crate::{Actor, ActorHandle};

/// How many messages of one actor a worker handles before it lets other actors run, unless
/// [`PoolBuilder::throughput`] says otherwise.
///
/// A batch amortises the cost of putting an actor back on a run queue (an atomic exchange and a
/// deque push, about 20-50 ns) over its messages: at 64 that is below a nanosecond a message,
/// while another actor waits at most 64 handler calls for its turn. Akka's dispatchers default to
/// 5 and Pony to 100; 64 sits between fairness and throughput for small handlers. Lower it if
/// handlers are slow and latency matters.
pub const DEFAULT_THROUGHPUT: usize = 64;

/// A pool of worker threads that runs many actors (M:N).
///
/// An actor spawned on a pool has no thread of its own: when a message arrives and the actor is
/// idle, the actor is queued once; a worker then handles a batch of up to
/// [`throughput`](PoolBuilder::throughput) of its messages and moves on, so a busy actor cannot
/// starve the rest. Idle workers steal queued actors from busy ones. Spawning a pooled actor
/// starts no thread and costs one allocation; an idle pooled actor takes a few hundred bytes.
///
/// The same [`Actor`] runs on a thread or on a pool; the choice is made at spawn:
/// [`Pool::spawn`], [`Builder::pool`](crate::Builder::pool), or [`Context::spawn`]
/// (a handler's children run where their parent runs). Pull-style actors
/// ([`spawn_fn`](crate::spawn_fn)) always get a thread.
///
/// # Blocking on a pool
///
/// A handler runs on a worker that other actors share, so it should not wait:
///
/// - to wait for another actor, ask through [`Context::ask`]: the reply arrives as a message;
/// - [`Addr::ask`](crate::Addr::ask) called on a worker is **refused** with
///   [`AskError::WouldBlock`](crate::AskError::WouldBlock) (it hands the request back), since a
///   chain of handlers each waiting for the next can never finish;
/// - a send to a full bounded mailbox, [`ActorHandle::join`], `join_timeout`, `wait_started`,
///   [`Addr::close`](crate::Addr::close) on a full bounded mailbox and dropping a `Pool` do wait,
///   and are **compensated**: before the worker waits, the pool starts a stand-in thread so that
///   its other actors keep running on its full number of workers. The stand-in leaves once the
///   wait is over.
///
/// Any other blocking call in a handler (I/O, a lock, `std::thread::sleep`) holds its worker for
/// as long as it blocks; run such actors on a thread of their own.
///
/// # Shutdown
///
/// [`Pool::shutdown`] (and dropping the `Pool`) refuses new spawns, stops every actor still
/// running on the pool as [`Addr::stop`](crate::Addr::stop) does (each finishes the message it is
/// handling, runs its `stopped` hook and ends with [`ExitReason::Stopped`]; what was still queued
/// goes to whoever joins it), then waits until every actor has ended and joins the worker threads.
/// Every stop is raised before any actor acts on one, so once any actor is seen ended by the
/// shutdown, every other one will end after the message it is handling. Actors that ended
/// earlier are untouched; their handles can still be joined afterwards.
///
/// [`Context::ask`]: crate::Context::ask
/// [`Context::spawn`]: crate::Context::spawn
/// [`ExitReason::Stopped`]: crate::ExitReason::Stopped
///
/// # Examples
///
/// ```
/// use actor_core::{Actor, Context, Pool};
///
/// struct Sum(u64);
/// impl Actor for Sum {
///     type Msg = u64;
///     fn handle(&mut self, n: u64, _ctx: &mut Context<Self>) {
///         self.0 += n;
///     }
/// }
///
/// let pool = Pool::builder().workers(2).name("sums").build().unwrap();
/// let handles: Vec<_> = (0..1000).map(|_| pool.spawn(Sum(0))).collect();
/// for handle in &handles {
///     handle.addr().send(2).unwrap();
/// }
/// let total: u64 = handles.into_iter().map(|h| h.join().into_state().0).sum();
/// assert_eq!(total, 2000);
/// pool.shutdown();
/// ```
pub struct Pool {
    inner: Arc<PoolInner>,
}

/// Options for a [`Pool`]: number of workers, throughput, thread names and stack size.
///
/// ```
/// let pool = actor_core::Pool::builder()
///     .workers(2)
///     .throughput(16)
///     .name("sim")
///     .build()
///     .expect("the OS refused a thread");
/// assert_eq!(pool.workers(), 2);
/// assert_eq!(pool.throughput(), 16);
/// assert_eq!(pool.name(), "sim");
/// ```
#[derive(Clone, Debug, Default)]
pub struct PoolBuilder {
    workers: Option<usize>,
    throughput: Option<usize>,
    name: Option<String>,
    stack_size: Option<usize>,
}

impl PoolBuilder {
    /// Default options: one worker per available core, [`DEFAULT_THROUGHPUT`], named `pool`.
    pub fn new() -> PoolBuilder {
        PoolBuilder::default()
    }

    /// The number of worker threads (0 is taken as 1). Default: the available parallelism.
    pub fn workers(mut self, workers: usize) -> PoolBuilder {
        self.workers = Some(workers.max(1));
        self
    }

    /// How many messages of one actor a worker handles before it lets others run (0 is taken
    /// as 1). Default: [`DEFAULT_THROUGHPUT`].
    pub fn throughput(mut self, messages: usize) -> PoolBuilder {
        self.throughput = Some(messages.max(1));
        self
    }

    /// Names the pool; its threads are called `<name>-worker-<n>` (stand-ins
    /// `<name>-standin-<n>`). Default: `pool`.
    pub fn name(mut self, name: impl Into<String>) -> PoolBuilder {
        self.name = Some(name.into());
        self
    }

    /// The stack size of the worker threads, in bytes. Default: the platform's.
    pub fn stack_size(mut self, bytes: usize) -> PoolBuilder {
        self.stack_size = Some(bytes);
        self
    }

    /// Starts the pool's worker threads.
    ///
    /// # Errors
    ///
    /// The operating system's error if it refuses a thread; the threads already started are
    /// stopped and joined.
    pub fn build(self) -> io::Result<Pool> {
        let workers = self.workers.unwrap_or_else(|| {
            std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get)
        });
        let name = self.name.unwrap_or_else(|| "pool".to_owned());
        let (inner, deques) = PoolInner::new(
            name.into_boxed_str(),
            workers,
            self.throughput.unwrap_or(DEFAULT_THROUGHPUT),
            self.stack_size,
        );
        for (index, deque) in deques.into_iter().enumerate() {
            if let Err(err) = inner.start_thread(index, Some(deque)) {
                inner.close();
                inner.join_threads();
                return Err(err);
            }
        }
        remember_pool(&inner);
        Ok(Pool { inner })
    }
}

/// Every pool made so far that is still alive, for the process-wide list of actors.
fn pools() -> &'static std::sync::Mutex<Vec<std::sync::Weak<PoolInner>>> {
    static POOLS: OnceLock<std::sync::Mutex<Vec<std::sync::Weak<PoolInner>>>> = OnceLock::new();
    POOLS.get_or_init(|| std::sync::Mutex::new(Vec::new()))
}

fn remember_pool(pool: &Arc<PoolInner>) {
    let mut pools = crate::sync::lock(pools());
    pools.retain(|pool| pool.strong_count() > 0);
    pools.push(Arc::downgrade(pool));
}

/// The pools alive now.
pub(crate) fn live_pools() -> Vec<Arc<PoolInner>> {
    crate::sync::lock(pools())
        .iter()
        .filter_map(std::sync::Weak::upgrade)
        .collect()
}

impl Pool {
    /// A pool with default options: one worker per available core.
    ///
    /// # Panics
    ///
    /// If the operating system refuses a thread. Use [`Pool::builder`] to get that error as a
    /// value.
    pub fn new() -> Pool {
        PoolBuilder::new()
            .build()
            .expect("failed to start the pool's worker threads")
    }

    /// Options for a new pool.
    pub fn builder() -> PoolBuilder {
        PoolBuilder::new()
    }

    /// The process-wide pool, started on first use with default options (one worker per
    /// available core, named `actor-pool`). It is never shut down: its workers live until the
    /// process exits.
    ///
    /// # Panics
    ///
    /// On first use, if the operating system refuses a thread.
    ///
    /// ```
    /// use actor_core::{Actor, Context, Pool};
    ///
    /// struct Echo;
    /// impl Actor for Echo {
    ///     type Msg = actor_core::ReplyTo<&'static str>;
    ///     fn handle(&mut self, port: Self::Msg, _ctx: &mut Context<Self>) {
    ///         let _ = port.reply("pong");
    ///     }
    /// }
    ///
    /// let handle = Pool::global().spawn(Echo);
    /// assert_eq!(handle.addr().ask(|port| port).unwrap(), "pong");
    /// ```
    pub fn global() -> &'static Pool {
        static GLOBAL: OnceLock<Pool> = OnceLock::new();
        GLOBAL.get_or_init(|| {
            PoolBuilder::new()
                .name("actor-pool")
                .build()
                .expect("failed to start the global pool's worker threads")
        })
    }

    /// Starts `actor` on this pool with default [`Builder`](crate::Builder) options.
    ///
    /// # Panics
    ///
    /// If the pool has been shut down (the only way a pooled spawn can fail). Use
    /// [`Builder::pool`](crate::Builder::pool) and [`Builder::spawn`](crate::Builder::spawn) to
    /// get that as an error value.
    pub fn spawn<A: Actor>(&self, actor: A) -> ActorHandle<A> {
        match spawn_on(
            &self.inner,
            actor,
            crate::Mailbox::Unbounded,
            None,
            None,
            |_| {},
        ) {
            Ok(handle) => handle,
            Err(_) => panic!("spawn on pool `{}` after its shutdown", self.inner.name),
        }
    }

    /// The number of worker threads the pool keeps running.
    pub fn workers(&self) -> usize {
        self.inner.size
    }

    /// How many messages of one actor a worker handles per turn.
    pub fn throughput(&self) -> usize {
        self.inner.throughput
    }

    /// The pool's name.
    pub fn name(&self) -> &str {
        &self.inner.name
    }

    /// How many actors on this pool have not ended yet.
    pub fn actors(&self) -> usize {
        self.inner.live()
    }

    /// A snapshot of each live actor on this pool (see [`ActorInfo`](crate::ActorInfo)).
    pub fn list(&self) -> Vec<crate::ActorInfo> {
        self.inner.list()
    }

    /// How many threads the pool runs now: its workers plus any stand-ins for workers that are
    /// blocked (see "Blocking on a pool").
    pub fn threads(&self) -> usize {
        self.inner.threads()
    }

    /// Stops every actor still running on the pool, waits for them to end and joins the worker
    /// threads (see "Shutdown" above). Dropping the pool does the same.
    pub fn shutdown(self) {
        drop(self);
    }

    pub(crate) fn inner(&self) -> &Arc<PoolInner> {
        &self.inner
    }
}

impl Default for Pool {
    fn default() -> Pool {
        Pool::new()
    }
}

impl Drop for Pool {
    fn drop(&mut self) {
        self.inner.close();
        block_in_place(|| self.inner.join_threads());
    }
}

impl fmt::Debug for Pool {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&*self.inner, f)
    }
}

impl fmt::Debug for PoolInner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Pool")
            .field("name", &self.name)
            .field("workers", &self.size)
            .field("throughput", &self.throughput)
            .field("actors", &self.live())
            .finish_non_exhaustive()
    }
}

/// The error inside the [`io::Error`] that [`Builder::spawn`](crate::Builder::spawn) returns for
/// a pool that has been shut down.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the pool has been shut down")]
pub struct PoolShutDown;

/// Starts `actor` on `pool`; hands the actor back if the pool is shutting down.
pub(crate) fn spawn_on<A: Actor>(
    pool: &Arc<PoolInner>,
    actor: A,
    mailbox: crate::Mailbox,
    name: Option<Box<str>>,
    restarter: Option<Box<dyn crate::runtime::run::Restarter<A>>>,
    prepare: impl FnOnce(&crate::runtime::mailbox::Link<A::Msg>),
) -> Result<ActorHandle<A>, A> {
    PoolCell::start(
        &Place::Pool(Arc::clone(pool)),
        actor,
        mailbox,
        name,
        restarter,
        prepare,
    )
}
