//! A pool never runs more than `max_workers` tasks at once, and reaches that many when there is
//! work for them; `max_workers == 0` is taken as 1.

use std::collections::HashSet;
use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};
use std::sync::{Arc, Condvar, Mutex};
use std::thread::ThreadId;
use std::time::Duration;

use actor_core::ThreadPool;

const GENEROUS: Duration = Duration::from_secs(5);

/// Counts tasks running now and the most ever running at once.
#[derive(Default)]
struct Concurrency {
    active: AtomicUsize,
    most: AtomicUsize,
    threads: Mutex<HashSet<ThreadId>>,
}

impl Concurrency {
    fn enter(&self) {
        let now = self.active.fetch_add(1, SeqCst) + 1;
        self.most.fetch_max(now, SeqCst);
        self.threads
            .lock()
            .unwrap()
            .insert(std::thread::current().id());
    }

    fn leave(&self) {
        self.active.fetch_sub(1, SeqCst);
    }
}

/// A barrier for groups of `size` threads that fails loudly instead of hanging.
struct Rendezvous {
    size: usize,
    state: Mutex<(usize, u64)>,
    all_here: Condvar,
}

impl Rendezvous {
    fn new(size: usize) -> Rendezvous {
        Rendezvous {
            size,
            state: Mutex::new((0, 0)),
            all_here: Condvar::new(),
        }
    }

    fn meet(&self) {
        let mut state = self.state.lock().unwrap();
        let group = state.1;
        state.0 += 1;
        if state.0 == self.size {
            *state = (0, group + 1);
            self.all_here.notify_all();
            return;
        }
        let (state, timeout) = self
            .all_here
            .wait_timeout_while(state, GENEROUS, |s| s.1 == group)
            .unwrap();
        assert!(
            !timeout.timed_out(),
            "only {} of {} tasks ran at once",
            state.0,
            self.size
        );
    }
}

#[test]
fn max_workers_bounds_concurrency_and_is_reached() {
    const MAX: usize = 3;
    let seen = Arc::new(Concurrency::default());
    let meet = Arc::new(Rendezvous::new(MAX));
    let pool = ThreadPool::new(MAX);
    let handles: Vec<_> = (0..MAX * 4)
        .map(|_| {
            let (seen, meet) = (Arc::clone(&seen), Arc::clone(&meet));
            pool.submit(move || {
                seen.enter();
                meet.meet(); // passes only when MAX tasks run at once
                seen.leave();
            })
        })
        .collect();
    for handle in handles {
        handle.join().unwrap();
    }
    assert_eq!(seen.most.load(SeqCst), MAX);
    assert!(seen.threads.lock().unwrap().len() <= MAX);
    assert_eq!(pool.workers(), MAX);
}

#[test]
fn zero_workers_is_taken_as_one() {
    let seen = Concurrency::default();
    let pool = ThreadPool::new(0);
    assert_eq!(pool.max_workers(), 1);
    ThreadPool::scope(0, |scoped| {
        assert_eq!(scoped.max_workers(), 1);
        for _ in 0..20 {
            scoped.submit(|| {
                seen.enter();
                std::thread::yield_now();
                seen.leave();
            });
        }
    });
    assert_eq!(seen.most.load(SeqCst), 1);
    assert_eq!(seen.threads.lock().unwrap().len(), 1);
    assert_eq!(pool.submit(|| 1).join(), Ok(1));
    assert_eq!(pool.workers(), 1);
}

#[test]
fn a_scoped_pool_is_bounded_too() {
    const MAX: usize = 2;
    let seen = Concurrency::default();
    let meet = Rendezvous::new(MAX);
    let workers = ThreadPool::scope(MAX, |pool| {
        for _ in 0..MAX * 5 {
            pool.submit(|| {
                seen.enter();
                meet.meet();
                seen.leave();
            });
        }
        pool.workers()
    });
    assert_eq!(workers, MAX);
    assert_eq!(seen.most.load(SeqCst), MAX);
    assert!(seen.threads.lock().unwrap().len() <= MAX);
}

#[test]
fn an_idle_worker_is_reused_before_a_new_one_starts() {
    let pool = ThreadPool::new(8);
    for n in 0..10u32 {
        assert_eq!(pool.submit(move || n * 2).join(), Ok(n * 2));
    }
    assert_eq!(pool.workers(), 1, "one task at a time needs one worker");
}
