//! Polling a future once, with a no-op waker, and why that is enough here.
//!
//! A [`std::task::Waker`] must be `Send + Sync`. Without `unsafe`, a waker that does something is
//! a `std::task::Wake` impl on an `Arc`: an atomic reference count, plus shared state that another
//! thread could touch, so a lock or an atomic flag. This crate has none of those, and needs none:
//! the scheduler already knows the only two reasons one of its futures is pending.
//!
//! - A task that awaited [`yield_now`](crate::yield_now) (or returned `Pending` for any other
//!   reason) is put back at the end of the run queue at once, as the recipe's
//!   `self._task_queue.append(task)` does.
//! - An async actor pending in [`Inbox::recv`](crate::Inbox::recv) has flagged its mailbox as
//!   waiting; the scheduler parks it and polls it again when it dispatches a message to it.
//!
//! So futures are polled with [`Waker::noop`] and wake-ups are the scheduler's own bookkeeping:
//! no `Arc`, no atomics, nothing `Send`. The cost: a future waiting for something outside the
//! scheduler (a timer, another thread) is not woken by it, only polled again on each of its turns,
//! like a task that yields. This scheduler is for cooperative code that yields with this crate's
//! awaitables.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, Waker};

/// A task's future, type-erased and pinned on the heap.
pub(crate) type BoxFuture = Pin<Box<dyn Future<Output = ()>>>;

/// Polls `future` once.
#[inline]
pub(crate) fn poll_once<F: Future + ?Sized>(future: Pin<&mut F>) -> Poll<F::Output> {
    let mut cx = Context::from_waker(Waker::noop());
    future.poll(&mut cx)
}
