//! `ThreadPool`: a fixed maximum of worker threads running submitted closures (the recipe's
//! `ThreadPoolExecutor`), its scoped form, and `TaskHandle`, the result of one task.

use crate::sync;
use std::any::Any;
use std::fmt;
use std::sync::Arc;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};
use std::thread::JoinHandle;
use std::time::Duration;

use thiserror::Error;

use crate::chan::{Receiver, RecvTimeoutError, Sender, bounded, unbounded};
use crate::runtime::unwind::{Panic, catch, catch_panic};

/// A pool of at most `max_workers` threads that run submitted closures: the recipe's
/// `ThreadPoolExecutor`.
///
/// [`submit`](ThreadPool::submit) queues a closure and returns a [`TaskHandle`];
/// [`TaskHandle::join`] returns the closure's value, or the panic that ended it. Tasks run in
/// the order submitted, on at most `max_workers` threads at once. Workers are started when
/// needed: a submit that finds no idle worker starts one, up to the maximum, and a worker lives
/// until the pool ends.
///
/// A panic in a task is caught: it comes back through that task's handle as a [`TaskPanic`], and
/// the worker goes on with the next task.
///
/// **Dropping the pool waits for every submitted task** to finish, like leaving the recipe's
/// `with ThreadPoolExecutor(...)` block; so does [`join`](ThreadPool::join). To let tasks borrow
/// from the caller's stack, use the scoped form [`ThreadPool::scope`].
///
/// `ThreadPool` is `Send + Sync`: share it by reference or `Arc` to submit from several threads.
///
/// # Examples
///
/// ```
/// use actor_core::ThreadPool;
///
/// fn task() -> u64 {
///     (0..1_000_000u64).sum()
/// }
///
/// let executor = ThreadPool::new(3);
/// let task1 = executor.submit(task);
/// let task2 = executor.submit(task);
/// assert_eq!(task1.join().unwrap(), 499_999_500_000);
/// assert_eq!(task2.join().unwrap(), 499_999_500_000);
/// ```
pub struct ThreadPool {
    queue: Option<Queue<'static>>,
    threads: Mutex<Vec<JoinHandle<()>>>,
}

/// The scoped form of [`ThreadPool`], given to the closure of [`ThreadPool::scope`]. Its tasks
/// may borrow anything that outlives the scope.
///
/// ```
/// let mut counts = [0u32; 4];
/// actor_core::ThreadPool::scope(2, |pool| {
///     for (i, slot) in counts.iter_mut().enumerate() {
///         pool.submit(move || *slot = i as u32 * 10); // each task borrows one slot mutably
///     }
/// });
/// assert_eq!(counts, [0, 10, 20, 30]);
/// ```
pub struct PoolScope<'scope, 'env> {
    scope: &'scope std::thread::Scope<'scope, 'env>,
    queue: Queue<'scope>,
}

/// The result of one task submitted to a [`ThreadPool`] or a [`PoolScope`].
///
/// **Dropping the handle detaches the task**: it still runs, its value (or panic) is dropped.
///
/// ```
/// let pool = actor_core::ThreadPool::new(1);
/// let handle = pool.submit(|| 6 * 7);
/// assert_eq!(handle.join().unwrap(), 42);
/// ```
pub struct TaskHandle<T> {
    result: Receiver<Result<T, TaskPanic>>,
}

/// A task panicked; the panic was caught on the worker, which goes on with other tasks.
///
/// ```
/// let pool = actor_core::ThreadPool::new(1);
/// let err = pool.submit(|| -> u8 { panic!("boom") }).join().unwrap_err();
/// assert_eq!(err.message(), "boom");
/// assert_eq!(err.to_string(), "task panicked: boom");
/// ```
#[derive(Error, Clone)]
#[error("task panicked: {message}")]
pub struct TaskPanic {
    message: String,
    /// The panic's payload; shared by clones, taken by the first [`TaskPanic::into_panic`].
    payload: Arc<Mutex<Option<Box<dyn Any + Send>>>>,
}

/// Two task panics are equal when their messages are (payloads cannot be compared).
impl PartialEq for TaskPanic {
    fn eq(&self, other: &TaskPanic) -> bool {
        self.message == other.message
    }
}

impl Eq for TaskPanic {}

impl fmt::Debug for TaskPanic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TaskPanic")
            .field("message", &self.message)
            .finish_non_exhaustive()
    }
}

impl TaskPanic {
    /// The panic message: the `&str` or `String` given to `panic!`, or a placeholder for other
    /// payloads.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// Takes the panic message.
    ///
    /// ```
    /// let pool = actor_core::ThreadPool::new(1);
    /// let err = pool.submit(|| panic!("no {}", 42)).join().unwrap_err();
    /// assert_eq!(err.into_message(), "no 42");
    /// ```
    pub fn into_message(self) -> String {
        self.message
    }

    /// The panic's payload (what `panic!` or [`std::panic::panic_any`] was given), to carry the
    /// panic on with [`std::panic::resume_unwind`]. The first call among clones of one
    /// `TaskPanic` gets the payload itself; later ones get the message as a `String` payload.
    ///
    /// ```
    /// let pool = actor_core::ThreadPool::new(1);
    /// let err = pool.submit(|| -> u8 { std::panic::panic_any(7_i64) }).join().unwrap_err();
    /// let payload = err.into_panic();
    /// assert_eq!(payload.downcast_ref::<i64>(), Some(&7));
    /// ```
    pub fn into_panic(self) -> Box<dyn Any + Send> {
        let taken = sync::lock(&self.payload).take();
        taken.unwrap_or_else(|| Box::new(self.message))
    }

    fn caught(panic: Panic) -> TaskPanic {
        TaskPanic {
            message: panic.message,
            payload: Arc::new(Mutex::new(Some(panic.payload))),
        }
    }
}

type Job<'a> = Box<dyn FnOnce() + Send + 'a>;

/// The job queue and the worker accounting, shared by both pool forms.
struct Queue<'a> {
    jobs: Sender<Job<'a>>,
    taken: Receiver<Job<'a>>,
    /// Idle workers not yet claimed by a submit. A job adds one when its task has finished,
    /// before its result is visible, so a submit that follows a `join` finds the worker idle; a
    /// submit that claims one starts no thread. Idle workers minus queued jobs, as long as fewer
    /// than `max_workers` run: when it is 0, every idle worker already has a job waiting.
    idle: Arc<AtomicUsize>,
    started: AtomicUsize,
    max_workers: usize,
}

/// What a newly started worker needs: the queue to take jobs from.
struct Worker<'a> {
    jobs: Receiver<Job<'a>>,
}

impl Worker<'_> {
    fn run(self) {
        while let Ok(job) = self.jobs.recv() {
            // The job catches its task's panic itself; this only guards the worker.
            let _ = catch(job);
        }
    }
}

impl<'a> Queue<'a> {
    fn new(max_workers: usize) -> Queue<'a> {
        let (jobs, taken) = unbounded();
        Queue {
            jobs,
            taken,
            idle: Arc::new(AtomicUsize::new(0)),
            started: AtomicUsize::new(0),
            max_workers: max_workers.max(1),
        }
    }

    /// Queues `task`, starting a worker with `start` (given the worker's number, from 1) if none
    /// is idle and the maximum allows.
    ///
    /// # Panics
    ///
    /// If a worker is needed, none exists, and `start` fails.
    fn submit<F, T>(
        &self,
        task: F,
        start: impl FnOnce(Worker<'a>, usize) -> std::io::Result<()>,
    ) -> TaskHandle<T>
    where
        F: FnOnce() -> T + Send + 'a,
        T: Send + 'a,
    {
        let (result_tx, result) = bounded(1);
        let idle = Arc::clone(&self.idle);
        let job: Job<'a> = Box::new(move || {
            let outcome = catch_panic(task).map_err(TaskPanic::caught);
            idle.fetch_add(1, SeqCst);
            // The handle may be gone (detached): then the result is dropped.
            let _ = result_tx.send(outcome);
        });
        // This side holds a receiver, so the channel is never disconnected.
        let _ = self.jobs.send(job);
        let claimed_idle = self
            .idle
            .fetch_update(SeqCst, SeqCst, |idle| idle.checked_sub(1))
            .is_ok();
        if !claimed_idle {
            let max = self.max_workers;
            let slot = self.started.fetch_update(SeqCst, SeqCst, |started| {
                (started < max).then_some(started + 1)
            });
            if let Ok(before) = slot {
                let worker = Worker {
                    jobs: self.taken.clone(),
                };
                if let Err(error) = start(worker, before + 1) {
                    self.started.fetch_sub(1, SeqCst);
                    // With a worker running, the task waits for it; with none it would never run.
                    assert!(before > 0, "failed to start a pool worker thread: {error}");
                }
            }
        }
        TaskHandle { result }
    }
}

impl ThreadPool {
    /// A pool of at most `max_workers` threads. `0` is taken as `1`: a pool always has room for
    /// one worker. No thread starts until the first [`submit`](ThreadPool::submit).
    ///
    /// ```
    /// let pool = actor_core::ThreadPool::new(0);
    /// assert_eq!(pool.max_workers(), 1);
    /// assert_eq!(pool.workers(), 0);
    /// ```
    pub fn new(max_workers: usize) -> ThreadPool {
        ThreadPool {
            queue: Some(Queue::new(max_workers)),
            threads: Mutex::new(Vec::new()),
        }
    }

    /// Queues `task` to run on a worker and returns its handle.
    ///
    /// # Panics
    ///
    /// If the pool has no worker yet and the operating system refuses to start one. (When some
    /// worker runs, a refused extra worker only means the task waits for a free one.)
    ///
    /// ```
    /// let pool = actor_core::ThreadPool::new(2);
    /// let handles: Vec<_> = (1..=4u64).map(|n| pool.submit(move || n * n)).collect();
    /// let squares: Vec<u64> = handles.into_iter().map(|h| h.join().unwrap()).collect();
    /// assert_eq!(squares, [1, 4, 9, 16]);
    /// ```
    pub fn submit<F, T>(&self, task: F) -> TaskHandle<T>
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send + 'static,
    {
        self.queue().submit(task, |worker, number| {
            let thread = std::thread::Builder::new()
                .name(format!("pool-worker-{number}"))
                .spawn(move || worker.run())?;
            let mut threads = sync::lock(&self.threads);
            threads.push(thread);
            Ok(())
        })
    }

    /// The most threads this pool runs at once.
    ///
    /// ```
    /// assert_eq!(actor_core::ThreadPool::new(3).max_workers(), 3);
    /// ```
    pub fn max_workers(&self) -> usize {
        self.queue().max_workers
    }

    /// How many worker threads have been started so far (never more than
    /// [`max_workers`](ThreadPool::max_workers)).
    ///
    /// ```
    /// let pool = actor_core::ThreadPool::new(4);
    /// pool.submit(|| ()).join().unwrap();
    /// assert!((1..=4).contains(&pool.workers()));
    /// ```
    pub fn workers(&self) -> usize {
        self.queue().started.load(SeqCst)
    }

    /// Waits for every submitted task to finish and for every worker to end. Dropping the pool
    /// does the same.
    ///
    /// ```
    /// use std::sync::atomic::{AtomicUsize, Ordering};
    /// use std::sync::Arc;
    ///
    /// let done = Arc::new(AtomicUsize::new(0));
    /// let pool = actor_core::ThreadPool::new(3);
    /// for _ in 0..10 {
    ///     let done = Arc::clone(&done);
    ///     pool.submit(move || done.fetch_add(1, Ordering::SeqCst));
    /// }
    /// pool.join();
    /// assert_eq!(done.load(Ordering::SeqCst), 10);
    /// ```
    pub fn join(mut self) {
        self.shut_down();
    }

    /// Runs `f` with a scoped pool of at most `max_workers` threads (`0` is taken as `1`), and
    /// returns what `f` returns once every task submitted in it has finished.
    ///
    /// Unlike [`ThreadPool::submit`], the tasks may borrow local data, as
    /// [`std::thread::scope`] allows: the scope does not end before they do. This is the
    /// recipe's `with ThreadPoolExecutor(max_workers=3) as executor:` block.
    ///
    /// # Panics
    ///
    /// If `f` panics, after every task has finished; if the operating system refuses to start the
    /// first worker.
    ///
    /// ```
    /// use actor_core::ThreadPool;
    /// use std::sync::Mutex;
    ///
    /// let processed = Mutex::new(Vec::new());
    /// ThreadPool::scope(3, |executor| {
    ///     for n in [2, 3, 4] {
    ///         let processed = &processed; // borrowed, not cloned
    ///         executor.submit(move || processed.lock().unwrap().push(n));
    ///     }
    /// });
    /// // "All tasks complete": the scope returned only after every task ran.
    /// let mut processed = processed.into_inner().unwrap();
    /// processed.sort();
    /// assert_eq!(processed, [2, 3, 4]);
    /// ```
    pub fn scope<'env, F, R>(max_workers: usize, f: F) -> R
    where
        F: for<'scope> FnOnce(&PoolScope<'scope, 'env>) -> R,
    {
        std::thread::scope(|scope| {
            let pool = PoolScope {
                scope,
                queue: Queue::new(max_workers),
            };
            // Dropping `pool` at the end closes its queue; the workers drain it and end, and
            // `std::thread::scope` waits for them.
            f(&pool)
        })
    }

    fn queue(&self) -> &Queue<'static> {
        self.queue
            .as_ref()
            .expect("the queue is only taken when the pool ends")
    }

    fn shut_down(&mut self) {
        // Closing the queue lets every worker drain it and end.
        drop(self.queue.take());
        let threads = std::mem::take(&mut *sync::lock(&self.threads));
        let me = std::thread::current().id();
        for thread in threads {
            // A pool dropped by its own task cannot wait for that task's thread.
            if thread.thread().id() != me {
                let _ = thread.join();
            }
        }
    }
}

impl Drop for ThreadPool {
    fn drop(&mut self) {
        self.shut_down();
    }
}

impl fmt::Debug for ThreadPool {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut s = f.debug_struct("ThreadPool");
        if let Some(queue) = &self.queue {
            s.field("max_workers", &queue.max_workers)
                .field("workers", &queue.started.load(SeqCst))
                .field("queued", &queue.jobs.len());
        }
        s.finish()
    }
}

impl<'scope> PoolScope<'scope, '_> {
    /// Queues `task` to run on a worker of the scoped pool and returns its handle. The task may
    /// borrow anything that outlives the scope.
    ///
    /// # Panics
    ///
    /// If the pool has no worker yet and the operating system refuses to start one.
    ///
    /// ```
    /// let words = ["a", "bb", "ccc"];
    /// let total = actor_core::ThreadPool::scope(2, |pool| {
    ///     let handles: Vec<_> = words.iter().map(|w| pool.submit(move || w.len())).collect();
    ///     handles.into_iter().map(|h| h.join().unwrap()).sum::<usize>()
    /// });
    /// assert_eq!(total, 6);
    /// ```
    pub fn submit<F, T>(&self, task: F) -> TaskHandle<T>
    where
        F: FnOnce() -> T + Send + 'scope,
        T: Send + 'scope,
    {
        let scope = self.scope;
        self.queue.submit(task, |worker, number| {
            std::thread::Builder::new()
                .name(format!("pool-worker-{number}"))
                .spawn_scoped(scope, move || worker.run())
                .map(drop)
        })
    }

    /// The most threads this pool runs at once.
    ///
    /// ```
    /// assert_eq!(actor_core::ThreadPool::scope(0, |pool| pool.max_workers()), 1);
    /// ```
    pub fn max_workers(&self) -> usize {
        self.queue.max_workers
    }

    /// How many worker threads have been started so far.
    ///
    /// ```
    /// actor_core::ThreadPool::scope(2, |pool| {
    ///     assert_eq!(pool.workers(), 0);
    ///     pool.submit(|| ()).join().unwrap();
    ///     assert_eq!(pool.workers(), 1);
    /// });
    /// ```
    pub fn workers(&self) -> usize {
        self.queue.started.load(SeqCst)
    }
}

impl fmt::Debug for PoolScope<'_, '_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PoolScope")
            .field("max_workers", &self.queue.max_workers)
            .field("workers", &self.queue.started.load(SeqCst))
            .field("queued", &self.queue.jobs.len())
            .finish()
    }
}

impl<T> TaskHandle<T> {
    /// Waits for the task to finish and returns its value.
    ///
    /// # Errors
    ///
    /// [`TaskPanic`] if the task panicked.
    ///
    /// ```
    /// let pool = actor_core::ThreadPool::new(1);
    /// let bad = pool.submit(|| -> u32 { panic!("bad input") });
    /// let good = pool.submit(|| 1 + 1); // the worker survived the panic
    /// assert_eq!(bad.join().unwrap_err().message(), "bad input");
    /// assert_eq!(good.join().unwrap(), 2);
    /// ```
    pub fn join(self) -> Result<T, TaskPanic> {
        match self.result.recv() {
            Ok(result) => result,
            Err(_) => Err(lost()),
        }
    }

    /// Like [`join`](TaskHandle::join), waiting at most `timeout`.
    ///
    /// # Errors
    ///
    /// Hands the handle back if the task has not finished in time.
    ///
    /// ```
    /// use std::time::Duration;
    ///
    /// let (gate_tx, gate) = std::sync::mpsc::channel::<()>();
    /// let pool = actor_core::ThreadPool::new(1);
    /// let task = pool.submit(move || gate.recv().is_ok());
    /// let task = task.join_timeout(Duration::from_millis(1)).unwrap_err();
    /// gate_tx.send(()).unwrap();
    /// assert_eq!(task.join_timeout(Duration::from_secs(5)).unwrap(), Ok(true));
    /// ```
    pub fn join_timeout(self, timeout: Duration) -> Result<Result<T, TaskPanic>, TaskHandle<T>> {
        match self.result.recv_timeout(timeout) {
            Ok(result) => Ok(result),
            Err(RecvTimeoutError::Timeout) => Err(self),
            Err(RecvTimeoutError::Disconnected) => Ok(Err(lost())),
        }
    }

    /// Whether the task has finished (returned or panicked); [`join`](TaskHandle::join) then
    /// returns at once.
    ///
    /// ```
    /// let pool = actor_core::ThreadPool::new(1);
    /// let task = pool.submit(|| 5);
    /// pool.join(); // waits for the task
    /// assert!(task.is_finished());
    /// ```
    pub fn is_finished(&self) -> bool {
        !self.result.is_empty()
    }
}

/// A task whose worker died without reporting: only possible if unwinding itself failed.
fn lost() -> TaskPanic {
    TaskPanic {
        message: "the task ended without a result".to_owned(),
        payload: Arc::new(Mutex::new(None)),
    }
}

impl<T> fmt::Debug for TaskHandle<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TaskHandle")
            .field("finished", &self.is_finished())
            .finish()
    }
}
