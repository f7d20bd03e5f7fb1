//! A panic in a pool task is caught: it comes back through that task's `join`, and the worker
//! that ran it goes on with the next tasks.

use std::collections::HashSet;
use std::sync::Mutex;

use actor_core::{TaskHandle, TaskPanic, ThreadPool};

#[test]
fn pool_types_are_send_and_sync() {
    fn assert_traits<T: Send + Sync + std::fmt::Debug>() {}
    assert_traits::<ThreadPool>();
    assert_traits::<TaskHandle<u64>>();
    assert_traits::<TaskPanic>();
}

#[test]
fn the_panic_comes_back_through_join_and_the_worker_survives() {
    let pool = ThreadPool::new(1);
    let bad = pool.submit(|| -> u32 { panic!("task failed") });
    let err = bad.join().unwrap_err();
    assert_eq!(err.message(), "task failed");
    assert_eq!(err.to_string(), "task panicked: task failed");

    // The one worker survived: it runs every later task.
    let names: Vec<String> = (0..5)
        .map(|i| {
            pool.submit(move || {
                assert!(i < 100);
                std::thread::current().name().unwrap().to_owned()
            })
            .join()
            .unwrap()
        })
        .collect();
    assert_eq!(names, vec!["pool-worker-1".to_owned(); 5]);
    assert_eq!(pool.workers(), 1);
}

#[test]
fn formatted_panic_messages_are_kept() {
    let pool = ThreadPool::new(2);
    let handles: Vec<_> = (0..6u32)
        .map(|n| {
            pool.submit(move || {
                if n % 2 == 1 {
                    panic!("odd {n}");
                }
                n
            })
        })
        .collect();
    let results: Vec<Result<u32, String>> = handles
        .into_iter()
        .map(|h| h.join().map_err(TaskPanic::into_message))
        .collect();
    assert_eq!(
        results,
        [
            Ok(0),
            Err("odd 1".to_owned()),
            Ok(2),
            Err("odd 3".to_owned()),
            Ok(4),
            Err("odd 5".to_owned())
        ]
    );
}

#[test]
fn panics_in_a_scoped_pool_come_back_too() {
    let log = Mutex::new(HashSet::new());
    let (bad, good) = ThreadPool::scope(2, |pool| {
        let bad = pool.submit(|| -> u8 { panic!("scoped boom") });
        let good = pool.submit(|| log.lock().unwrap().insert("ran"));
        (bad, good)
    });
    assert_eq!(bad.join().unwrap_err().message(), "scoped boom");
    assert_eq!(good.join(), Ok(true));
    assert!(log.into_inner().unwrap().contains("ran"));
}

#[test]
fn a_detached_panicking_task_harms_nobody() {
    let pool = ThreadPool::new(1);
    drop(pool.submit(|| panic!("nobody listens")));
    assert_eq!(pool.submit(|| 5).join(), Ok(5));
}
