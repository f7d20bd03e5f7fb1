//! A counter that several threads change at once, each change made under a lock.
//!
//! Mirrors the recipe "Locking Critical Sections" of the seed (`SharedCounter`).
//! Run: `cargo run --example shared_counter`.
//!
//! The recipe's `with self._value_lock:` is a `MutexGuard` in Rust: the lock is held until the
//! guard goes out of scope, and is released even if the code in between panics. Because every
//! change is made under the lock, the final value is the same on every run.
use std::sync::{Arc, Mutex, PoisonError};

use examples::Out;

/// The recipe's `SharedCounter`.
struct SharedCounter {
    value: Mutex<i64>,
}

impl SharedCounter {
    fn new(initial_value: i64) -> SharedCounter {
        SharedCounter {
            value: Mutex::new(initial_value),
        }
    }

    fn incr(&self, delta: i64) {
        // A plain number cannot be left half-written, so a poisoned lock is still usable.
        *self.value.lock().unwrap_or_else(PoisonError::into_inner) += delta;
    }

    fn decr(&self, delta: i64) {
        *self.value.lock().unwrap_or_else(PoisonError::into_inner) -= delta;
    }

    fn value(&self) -> i64 {
        *self.value.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// Runs the example, writing its lines to `out`.
pub fn run(out: &Out) {
    const ROUNDS: i64 = 10_000;
    let counter = Arc::new(SharedCounter::new(0));
    let mut threads = Vec::new();
    for _ in 0..4 {
        let counter = Arc::clone(&counter);
        threads.push(std::thread::spawn(move || {
            for _ in 0..ROUNDS {
                counter.incr(1);
            }
        }));
    }
    for _ in 0..2 {
        let counter = Arc::clone(&counter);
        threads.push(std::thread::spawn(move || {
            for _ in 0..ROUNDS / 2 {
                counter.decr(2);
            }
        }));
    }
    for thread in threads {
        thread.join().unwrap();
    }
    out.line(format_args!(
        "4 threads added 1 {ROUNDS} times each; 2 threads took 2 away {} times each",
        ROUNDS / 2
    ));
    out.line(format_args!("final value: {}", counter.value()));
}

fn main() {
    run(&Out::stdout());
}
