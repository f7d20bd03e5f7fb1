//! Two threads take the same two locks, naming them in opposite orders, without deadlock; a
//! request that would break the lock order is an error.
//!
//! Mirrors the recipe "Locking with Deadlock Avoidance" of the seed (`acquire`, `thread_1`,
//! `thread_2`). Run: `cargo run --example deadlock_avoidance`.
//!
//! Every [`OrderedMutex`] has a rank (the recipe sorts by `id()`); [`acquire`] locks in ascending
//! rank whatever order it is given, and releases in reverse. A thread holding a lock that asks
//! for a lower-ranked one gets a `LockOrderError` (the recipe's `RuntimeError('Lock Order
//! Violation')`) instead of a possible deadlock.
use std::sync::Arc;

use actor_core::{OrderedMutex, acquire};
use examples::Out;

/// Runs the example, writing its lines to `out`.
pub fn run(out: &Out) {
    let x_lock = Arc::new(OrderedMutex::new(()));
    let y_lock = Arc::new(OrderedMutex::new(()));

    let thread_1 = {
        let (x_lock, y_lock, out) = (Arc::clone(&x_lock), Arc::clone(&y_lock), out.clone());
        move || {
            for _ in 0..3 {
                let _held = acquire((&*x_lock, &*y_lock)).unwrap();
                out.line("Thread-1");
            }
        }
    };
    let thread_2 = {
        let (x_lock, y_lock, out) = (Arc::clone(&x_lock), Arc::clone(&y_lock), out.clone());
        move || {
            for _ in 0..3 {
                let _held = acquire((&*y_lock, &*x_lock)).unwrap();
                out.line("Thread-2");
            }
        }
    };
    let t1 = std::thread::spawn(thread_1);
    let t2 = std::thread::spawn(thread_2);
    t1.join().unwrap();
    t2.join().unwrap();

    // The check: holding `y_lock`, asking for `x_lock` (which ranks lower) is refused at once.
    let held_y = y_lock.lock().unwrap();
    match x_lock.lock() {
        Ok(_) => out.line("unexpected: x_lock was taken below y_lock"),
        Err(err) => out.line(format_args!("holding y_lock, asking for x_lock: {err}")),
    }
    drop(held_y);

    // Naming one lock twice in one request is refused too.
    if let Err(err) = acquire((&*x_lock, &*x_lock)) {
        out.line(format_args!("asking for x_lock twice: {err}"));
    }
}

fn main() {
    run(&Out::stdout());
}
