//! The crate's one way to take a lock, and the one place `parking_lot` is imported (and `loom`,
//! for the model checks: see [`checked`]).
//!
//! Every `Mutex` in the crate guards plain data that no user code touches while the lock is held
//! (or, where user code runs under it, data that stays consistent whatever the user code does),
//! so a lock poisoned by a panic elsewhere is still safe to use: these helpers take it anyway
//! instead of spreading `unwrap_or_else(PoisonError::into_inner)` over the crate.

use std::sync::{Condvar, Mutex, MutexGuard, PoisonError, WaitTimeoutResult};
use std::time::Duration;

/// Locks `mutex`, ignoring poisoning.
#[inline]
pub(crate) fn lock<T: ?Sized>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Takes the read side of a lock, ignoring poisoning (as [`lock`]).
pub(crate) fn read<T: ?Sized>(lock: &std::sync::RwLock<T>) -> std::sync::RwLockReadGuard<'_, T> {
    lock.read()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Takes the write side of a lock, ignoring poisoning (as [`lock`]).
pub(crate) fn write<T: ?Sized>(lock: &std::sync::RwLock<T>) -> std::sync::RwLockWriteGuard<'_, T> {
    lock.write()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Waits on `condvar`, ignoring poisoning.
#[inline]
pub(crate) fn wait<'a, T>(condvar: &Condvar, guard: MutexGuard<'a, T>) -> MutexGuard<'a, T> {
    condvar.wait(guard).unwrap_or_else(PoisonError::into_inner)
}

/// Waits on `condvar` at most `timeout`, ignoring poisoning.
#[inline]
pub(crate) fn wait_timeout<'a, T>(
    condvar: &Condvar,
    guard: MutexGuard<'a, T>,
    timeout: Duration,
) -> (MutexGuard<'a, T>, WaitTimeoutResult) {
    condvar
        .wait_timeout(guard, timeout)
        .unwrap_or_else(PoisonError::into_inner)
}

/// Takes the value out of `mutex`, ignoring poisoning.
pub(crate) fn into_inner<T>(mutex: Mutex<T>) -> T {
    mutex.into_inner().unwrap_or_else(PoisonError::into_inner)
}

/// The value inside a mutex held exclusively, ignoring poisoning.
pub(crate) fn get_mut<T: ?Sized>(mutex: &mut Mutex<T>) -> &mut T {
    mutex.get_mut().unwrap_or_else(PoisonError::into_inner)
}

/// Locks held for a few instructions on paths many threads hit at once: every mailbox's queue and a
/// pooled actor's run. `parking_lot`'s lock spins adaptively before it parks a thread and needs no system
/// call to hand over; with several threads sending to one pooled actor, the standard lock (which
/// parks waiters in the kernel sooner) made the sends about twice as slow. It does not poison;
/// no user code runs under these locks except the pooled actor's own handlers, whose panics are
/// caught inside.
pub(crate) mod short {
    pub(crate) use parking_lot::{Condvar, Mutex, MutexGuard};
}

/// The atomics, locks and thread parking of the lock-free protocol every ask rests on: the
/// one-shot reply slot with the end watch (`runtime/ask.rs`). It takes these types from here and
/// from nowhere else. (The mailbox needs no such checks: everything that decides what becomes of
/// a message happens under its queue's lock, see `runtime/mailbox/queue.rs`.)
///
/// A normal build re-exports the standard types: the same code as without this module. Built
/// with `--cfg loom`, they are loom's, whose model checker runs the unit tests in the modules
/// named `loom_model` through every interleaving (within `checked::PREEMPTIONS`) of the threads
/// they start. Only those tests can run in such a build, since loom's types work
/// only inside a model:
///
/// ```text
/// bash scripts/loom.sh     # cargo rustc -p actor-core --lib --profile bench -- --cfg loom, then runs it
/// ```
pub(crate) mod checked {
    #[cfg(not(loom))]
    pub(crate) use std::sync::atomic::{AtomicBool, AtomicUsize};
    #[cfg(not(loom))]
    pub(crate) use std::sync::{Mutex, MutexGuard};
    #[cfg(not(loom))]
    pub(crate) use std::thread::{Thread, current, park, park_timeout, yield_now};

    #[cfg(loom)]
    pub(crate) use loom::sync::atomic::{AtomicBool, AtomicUsize};
    #[cfg(loom)]
    pub(crate) use loom::sync::{Mutex, MutexGuard};
    /// What the models themselves use: their threads.
    #[cfg(all(test, loom))]
    pub(crate) use loom::thread;
    #[cfg(loom)]
    pub(crate) use loom::thread::yield_now;
    #[cfg(loom)]
    pub(crate) use parking::{Thread, current, park};

    /// The model has no clock: a timed park returns at once, as a spurious wake-up may (every
    /// caller checks its deadline and its condition again).
    #[cfg(loom)]
    pub(crate) fn park_timeout(_: std::time::Duration) {
        loom::thread::yield_now();
    }

    /// Parking in the model: a token under a lock, as `std::thread::park` documents it (an
    /// `unpark` stores the token, `park` takes it or waits for it), never waking spuriously.
    /// loom's own `unpark` also wakes a thread that is blocked on a lock or a join, which the
    /// standard one never does, and the ask slot unparks an asker that may have stopped waiting.
    #[cfg(loom)]
    mod parking {
        use loom::sync::{Condvar, Mutex};
        use std::sync::Arc;

        /// A handle to unpark a thread of the model.
        #[derive(Clone)]
        pub(crate) struct Thread(Arc<Parker>);

        struct Parker {
            token: Mutex<bool>,
            unparked: Condvar,
        }

        loom::thread_local! {
            static PARKER: Arc<Parker> = Arc::new(Parker {
                token: Mutex::new(false),
                unparked: Condvar::new(),
            });
        }

        /// The calling thread's handle.
        pub(crate) fn current() -> Thread {
            PARKER.with(|parker| Thread(Arc::clone(parker)))
        }

        /// Waits for the calling thread's token, and takes it.
        pub(crate) fn park() {
            PARKER.with(|parker| {
                let mut token = super::lock(&parker.token);
                while !*token {
                    token = parker
                        .unparked
                        .wait(token)
                        .unwrap_or_else(std::sync::PoisonError::into_inner);
                }
                *token = false;
            });
        }

        impl Thread {
            /// Makes the thread's token available, waking it if it is parked.
            pub(crate) fn unpark(&self) {
                *super::lock(&self.0.token) = true;
                self.0.unparked.notify_one();
            }
        }
    }

    /// Locks `mutex`, ignoring poisoning (as [`super::lock`]).
    #[inline]
    pub(crate) fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
        mutex
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Marks a store followed by a load of another atomic, both `SeqCst`, whose order the protocol
    /// relies on (the two sides of a Dekker-style handshake: each side writes its flag, then reads
    /// the other's). `SeqCst` accesses already give that order, so a normal build does nothing
    /// here. loom models `SeqCst` accesses as acquire/release only and would report executions
    /// that cannot happen; in the model this is the `SeqCst` fence that restores the order.
    #[inline(always)]
    pub(crate) fn store_load_order() {
        #[cfg(loom)]
        loom::sync::atomic::fence(std::sync::atomic::Ordering::SeqCst);
    }

    /// The preemption bound of the model checks: every interleaving in which the scheduler takes
    /// the processor away from a runnable thread at most this many times is explored.
    /// `LOOM_MAX_PREEMPTIONS` overrides it.
    #[cfg(all(test, loom))]
    pub(crate) const PREEMPTIONS: usize = 3;

    /// Runs `body` under loom's model checker, once per interleaving of the threads it starts
    /// (within [`PREEMPTIONS`]). A failed assertion, a deadlock (a thread blocked for good) or a
    /// leaked loom object in any of them fails the test, naming the interleaving.
    #[cfg(all(test, loom))]
    pub(crate) fn model(body: impl Fn() + Sync + Send + 'static) {
        let mut builder = loom::model::Builder::new();
        if builder.preemption_bound.is_none() {
            builder.preemption_bound = Some(PREEMPTIONS);
        }
        builder.check(body);
    }
}

/// A value alone on its cache line (128 bytes covers adjacent-line prefetching on x86), so that
/// writes to it never invalidate a line other threads read.
#[repr(align(128))]
pub(crate) struct CacheLine<T>(pub(crate) T);

impl<T> std::ops::Deref for CacheLine<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}
