//! The private async runtime: a current-thread tokio runtime on one background thread, and the
//! blocking bridge from synchronous callers to futures run there.
//!
//! No caller ever enters the runtime: futures are spawned onto it and their outcome comes back
//! through a std channel, or, when they need no runtime context, polled on the caller's thread
//! (`wait_here`), so the synchronous API works on any thread, including one that runs an async
//! runtime of its own.

use std::future::Future;
use std::io;
use std::pin::pin;
use std::sync::{Arc, mpsc};
use std::task::{Context, Poll, Wake, Waker};
use std::thread::{self, Thread, ThreadId};
use std::time::{Duration, Instant};

use tokio::runtime::Handle;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

/// The runtime thread. Dropping it stops the runtime: every task still on it is cancelled (which
/// closes the connection) and the thread is joined.
pub(crate) struct Runtime {
    handle: Handle,
    stop: Option<oneshot::Sender<()>>,
    thread: Option<thread::JoinHandle<()>>,
    thread_id: ThreadId,
}

impl Runtime {
    /// Starts the runtime thread.
    pub(crate) fn start() -> io::Result<Runtime> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_io()
            .enable_time()
            .build()?;
        let handle = runtime.handle().clone();
        let (stop, stopped) = oneshot::channel::<()>();
        let thread = thread::Builder::new()
            .name("actor-pubsub-nats".into())
            .spawn(move || {
                runtime.block_on(async {
                    let _ = stopped.await;
                });
                // Dropped here, outside `block_on`: cancels the tasks left.
                drop(runtime);
            })?;
        let thread_id = thread.thread().id();
        Ok(Runtime {
            handle,
            stop: Some(stop),
            thread: Some(thread),
            thread_id,
        })
    }

    /// Makes this runtime the current one on the calling thread until the guard is dropped:
    /// futures polled there may then start tasks (they run on the runtime thread).
    pub(crate) fn enter(&self) -> tokio::runtime::EnterGuard<'_> {
        self.handle.enter()
    }

    /// Runs `future` on the runtime thread, without waiting for it.
    pub(crate) fn spawn<F>(&self, future: F) -> tokio::task::AbortHandle
    where
        F: Future<Output = ()> + Send + 'static,
    {
        self.handle.spawn(future).abort_handle()
    }

    /// Runs `future` on the runtime thread, keeping the handle to end it with
    /// [`end_task`](Runtime::end_task).
    pub(crate) fn spawn_task<F>(&self, future: F) -> JoinHandle<()>
    where
        F: Future<Output = ()> + Send + 'static,
    {
        self.handle.spawn(future)
    }

    /// Cancels a task and waits until it is gone (what it owned dropped: a subscription is
    /// ended), then, if connected, until the server has processed what the client sent.
    pub(crate) fn end_task(&self, task: JoinHandle<()>, client: &async_nats::Client) {
        task.abort();
        let connected = client.connection_state() == async_nats::connection::State::Connected;
        let client = client.clone();
        self.block(
            async move {
                let _ = task.await;
                if connected {
                    let _ = tokio::time::timeout(
                        Duration::from_secs(1),
                        super::connection::round_trip(&client),
                    )
                    .await;
                }
            },
            Duration::from_secs(2),
        );
    }

    /// Runs `future` on the runtime thread and waits for its output, at most `limit` (`None` if
    /// it did not finish by then, or if the runtime has stopped).
    pub(crate) fn block<F>(&self, future: F, limit: Duration) -> Option<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        let (tx, rx) = mpsc::sync_channel(1);
        let task = self.handle.spawn(async move {
            let _ = tx.send(future.await);
        });
        let outcome = rx.recv_timeout(limit).ok();
        if outcome.is_none() {
            task.abort();
        }
        outcome
    }
}

/// Polls `future` on the calling thread, parking it in between, until it is done or `deadline`
/// if there is one (`None` then; the future is dropped, which cancels it). For futures that need no runtime
/// context: ones that only hand work to the runtime thread and wait for its answer, which then
/// wakes this thread directly instead of through a task and a channel.
///
/// For the first `spin` the thread does not park: it yields its processor and polls again, so
/// that an answer in that time does not have to wake a sleeping thread.
pub(crate) fn wait_here<F: Future>(
    future: F,
    deadline: Option<Instant>,
    spin: Duration,
) -> Option<F::Output> {
    let waker = Waker::from(Arc::new(Unpark(thread::current())));
    let mut cx = Context::from_waker(&waker);
    let mut future = pin!(future);
    let spin_until = (!spin.is_zero())
        .then(|| Instant::now().checked_add(spin))
        .flatten()
        .map(|until| deadline.map_or(until, |deadline| until.min(deadline)));
    loop {
        if let Poll::Ready(output) = future.as_mut().poll(&mut cx) {
            return Some(output);
        }
        if spin_until.is_some_and(|until| Instant::now() < until) {
            thread::yield_now();
            continue;
        }
        // A wake between the poll and here leaves the token set: parking returns at once.
        match deadline {
            Some(deadline) => {
                let left = deadline.saturating_duration_since(Instant::now());
                if left.is_zero() {
                    return None;
                }
                thread::park_timeout(left);
            }
            None => thread::park(),
        }
    }
}

/// Wakes a thread parked in [`wait_here`].
struct Unpark(Thread);

impl Wake for Unpark {
    fn wake(self: Arc<Self>) {
        self.0.unpark();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        self.0.unpark();
    }
}

impl Drop for Runtime {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        // The last handle may be dropped by a task on the runtime thread itself: it cannot wait
        // for its own end, and the thread ends by itself once the stop signal is read.
        if thread::current().id() != self.thread_id {
            if let Some(thread) = self.thread.take() {
                let _ = thread.join();
            }
        }
    }
}
