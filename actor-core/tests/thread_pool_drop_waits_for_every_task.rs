//! Dropping a `ThreadPool` (or `join`, or leaving `ThreadPool::scope`) returns only after every
//! submitted task has finished, detached ones included, like leaving the recipe's `with` block.

use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};
use std::sync::{Arc, mpsc};
use std::time::Duration;

use actor_core::{Event, ThreadPool};

const GENEROUS: Duration = Duration::from_secs(5);

#[test]
fn dropping_the_pool_waits_for_every_task() {
    const TASKS: usize = 20;
    let release = Arc::new(Event::new());
    let done = Arc::new(AtomicUsize::new(0));
    let pool = ThreadPool::new(3);
    for _ in 0..TASKS {
        let release = Arc::clone(&release);
        let done = Arc::clone(&done);
        // Detached: the handle is dropped at once, the task still runs.
        drop(pool.submit(move || {
            release.wait();
            done.fetch_add(1, SeqCst);
        }));
    }
    let (dropped_tx, dropped) = mpsc::channel();
    let dropper = {
        let done = Arc::clone(&done);
        std::thread::spawn(move || {
            drop(pool);
            // Every task has finished by the time the drop returns.
            dropped_tx.send(done.load(SeqCst)).unwrap();
        })
    };
    // The tasks are all held at the gate, so the drop cannot have returned yet.
    assert!(dropped.try_recv().is_err());
    assert_eq!(done.load(SeqCst), 0);
    release.set();
    let finished = dropped
        .recv_timeout(GENEROUS)
        .expect("dropping the pool did not return");
    assert_eq!(finished, TASKS);
    dropper.join().unwrap();
}

#[test]
fn join_waits_for_every_task() {
    let done = Arc::new(AtomicUsize::new(0));
    let pool = ThreadPool::new(2);
    for _ in 0..50 {
        let done = Arc::clone(&done);
        pool.submit(move || {
            std::hint::black_box((0..1000u64).sum::<u64>());
            done.fetch_add(1, SeqCst);
        });
    }
    pool.join();
    assert_eq!(done.load(SeqCst), 50);
}

#[test]
fn leaving_the_scope_waits_for_every_task() {
    let done = AtomicUsize::new(0);
    let lines = std::sync::Mutex::new(Vec::new());
    let returned = ThreadPool::scope(3, |executor| {
        for n in [2, 3, 4] {
            let (done, lines) = (&done, &lines);
            executor.submit(move || {
                lines.lock().unwrap().push(format!("Processing {n}"));
                done.fetch_add(1, SeqCst);
            });
        }
        "submitted"
    });
    assert_eq!(returned, "submitted");
    assert_eq!(done.load(SeqCst), 3, "All tasks complete");
    let mut lines = lines.into_inner().unwrap();
    lines.sort();
    assert_eq!(lines, ["Processing 2", "Processing 3", "Processing 4"]);
}

#[test]
fn results_survive_the_pool() {
    let handle = {
        let pool = ThreadPool::new(1);
        pool.submit(|| (0..1_000_000u64).sum::<u64>())
    };
    assert!(handle.is_finished());
    assert_eq!(handle.join(), Ok(499_999_500_000));
}
