//! The recipe's `thread_1` / `thread_2`: two threads take the same two locks, naming them in
//! opposite orders, 10,000 times each. With `acquire` both always lock in rank order, so they
//! never deadlock. A watchdog turns a deadlock into a loud failure instead of a hung test.

use std::sync::Arc;
use std::time::Duration;

use actor_core::channel::{self, Sender};
use actor_core::{LockRank, OrderedMutex, acquire};

const ITERATIONS: u64 = 10_000;
const WATCHDOG: Duration = Duration::from_secs(120);

/// Waits for `count` threads to report done, failing loudly at the deadline.
fn watch(done: &channel::Receiver<&'static str>, count: usize) {
    for _ in 0..count {
        match done.recv_timeout(WATCHDOG) {
            Ok(_) => {}
            Err(e) => panic!("deadlock suspected: a locking thread did not finish ({e})"),
        }
    }
}

#[test]
fn two_threads_naming_two_locks_in_opposite_orders_finish() {
    let x = Arc::new(OrderedMutex::new(0u64));
    let y = Arc::new(OrderedMutex::new(0u64));
    let (done_tx, done_rx) = channel::unbounded();

    let spawn = |name: &'static str, first_is_x: bool, done: Sender<&'static str>| {
        let (x, y) = (Arc::clone(&x), Arc::clone(&y));
        std::thread::spawn(move || {
            for _ in 0..ITERATIONS {
                if first_is_x {
                    let mut held = acquire((&*x, &*y)).expect("thread_1 keeps the order");
                    *held.0 += 1;
                    *held.1 += 1;
                } else {
                    let mut held = acquire((&*y, &*x)).expect("thread_2 keeps the order");
                    *held.0 += 1;
                    *held.1 += 1;
                }
                assert!(LockRank::held_by_current_thread().is_empty());
            }
            done.send(name).unwrap();
        })
    };
    let t1 = spawn("Thread-1", true, done_tx.clone());
    let t2 = spawn("Thread-2", false, done_tx);

    watch(&done_rx, 2);
    t1.join().unwrap();
    t2.join().unwrap();
    assert_eq!(*x.lock().unwrap(), 2 * ITERATIONS);
    assert_eq!(*y.lock().unwrap(), 2 * ITERATIONS);
}

#[test]
fn three_threads_rotating_three_locks_finish() {
    let locks: Arc<[OrderedMutex<u64>; 3]> = Arc::new([0, 0, 0].map(OrderedMutex::new));
    let (done_tx, done_rx) = channel::unbounded();
    let mut threads = Vec::new();
    for shift in 0..3 {
        let locks = Arc::clone(&locks);
        let done = done_tx.clone();
        threads.push(std::thread::spawn(move || {
            let [a, b, c] = [0, 1, 2].map(|i| &locks[(i + shift) % 3]);
            for n in 0..ITERATIONS {
                if n % 2 == 0 {
                    let mut held = acquire((a, b, c)).unwrap();
                    *held.0 += 1;
                    *held.1 += 1;
                    *held.2 += 1;
                } else {
                    // Two locks now, and the third one later under the ascending rule.
                    let mut pair = acquire((c, a)).unwrap();
                    *pair.0 += 1;
                    *pair.1 += 1;
                    drop(pair);
                    *b.lock().unwrap() += 1;
                }
            }
            done.send("done").unwrap();
        }));
    }
    drop(done_tx);
    watch(&done_rx, 3);
    for thread in threads {
        thread.join().unwrap();
    }
    for lock in locks.iter() {
        assert_eq!(*lock.lock().unwrap(), 3 * ITERATIONS);
    }
}
