//! `yield_now`: the awaitable that suspends a task until its next turn, the recipe's bare `yield`.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

/// Suspends the current task once: it goes to the back of the run queue and resumes on its next
/// turn, after every entry queued before it.
///
/// # Examples
///
/// ```
/// use actor_sched::{Scheduler, yield_now};
/// use std::{cell::RefCell, rc::Rc};
///
/// let mut sched = Scheduler::new();
/// let log = Rc::new(RefCell::new(Vec::new()));
/// for name in ["a", "b"] {
///     let log = log.clone();
///     sched.spawn(async move {
///         for i in 0..2 {
///             log.borrow_mut().push(format!("{name}{i}"));
///             yield_now().await;
///         }
///     });
/// }
/// sched.run();
/// assert_eq!(*log.borrow(), ["a0", "b0", "a1", "b1"]);
/// ```
pub fn yield_now() -> YieldNow {
    YieldNow { yielded: false }
}

/// The future of [`yield_now`]: pending once, then ready.
#[derive(Debug)]
#[must_use = "futures do nothing unless awaited"]
pub struct YieldNow {
    yielded: bool,
}

impl Future for YieldNow {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.yielded {
            return Poll::Ready(());
        }
        self.yielded = true;
        // This crate's scheduler requeues a pending task by itself; waking keeps the future
        // correct under any other executor too.
        cx.waker().wake_by_ref();
        Poll::Pending
    }
}
