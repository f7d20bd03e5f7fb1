//! The crate's one way to take a lock, and the one place `parking_lot` is imported.
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

/// Locks held for a few instructions on paths many threads hit at once: a pooled actor's mailbox
/// and its run. `parking_lot`'s lock spins adaptively before it parks a thread and needs no system
/// call to hand over; with several threads sending to one pooled actor, the standard lock (which
/// parks waiters in the kernel sooner) made the sends about twice as slow. It does not poison;
/// no user code runs under these locks except the pooled actor's own handlers, whose panics are
/// caught inside.
pub(crate) mod short {
    pub(crate) use parking_lot::{Condvar, Mutex, MutexGuard};
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
