//! The recipe's `TaskScheduler`: countdown(10), countdown(5), countup(15) print the seed's lines.

use actor_sched::{Scheduler, yield_now};
use std::cell::RefCell;
use std::rc::Rc;

type Log = Rc<RefCell<Vec<String>>>;

async fn countdown(mut n: u32, log: Log) {
    while n > 0 {
        log.borrow_mut().push(format!("T-minus {n}"));
        yield_now().await;
        n -= 1;
    }
    log.borrow_mut().push("Blastoff!".to_string());
}

async fn countup(n: u32, log: Log) {
    let mut x = 0;
    while x < n {
        log.borrow_mut().push(format!("Counting up {x}"));
        yield_now().await;
        x += 1;
    }
}

const SEED: &[&str] = &[
    "T-minus 10",
    "T-minus 5",
    "Counting up 0",
    "T-minus 9",
    "T-minus 4",
    "Counting up 1",
    "T-minus 8",
    "T-minus 3",
    "Counting up 2",
    "T-minus 7",
    "T-minus 2",
    "Counting up 3",
    "T-minus 6",
    "T-minus 1",
    "Counting up 4",
    "T-minus 5",
    "Blastoff!",
    "Counting up 5",
    "T-minus 4",
    "Counting up 6",
    "T-minus 3",
    "Counting up 7",
    "T-minus 2",
    "Counting up 8",
    "T-minus 1",
    "Counting up 9",
    "Blastoff!",
    "Counting up 10",
    "Counting up 11",
    "Counting up 12",
    "Counting up 13",
    "Counting up 14",
];

#[test]
fn tasks_interleave_exactly_as_the_seed_prints() {
    let log = Log::default();
    let mut sched = Scheduler::new();
    sched.spawn(countdown(10, log.clone()));
    sched.spawn(countdown(5, log.clone()));
    sched.spawn(countup(15, log.clone()));
    let report = sched.run();

    assert_eq!(*log.borrow(), SEED);
    assert_eq!(report.tasks_finished(), 3);
    // One poll per `next(task)` of the recipe: n yields plus the final step, per task.
    assert_eq!(report.polls(), 11 + 6 + 16);
    assert_eq!(report.delivered(), 0);
}

#[test]
fn the_queue_is_empty_after_run() {
    let log = Log::default();
    let mut sched = Scheduler::new();
    sched.spawn(countdown(3, log.clone()));
    sched.run();
    // The recipe checks `sched._task_queue` is `deque([])`: nothing is left to step.
    assert!(sched.step().is_idle());
    assert_eq!(sched.run(), actor_sched::Report::default());
}

#[test]
fn a_task_spawned_after_run_runs_on_the_next_run() {
    let log = Log::default();
    let mut sched = Scheduler::new();
    sched.spawn(countup(2, log.clone()));
    sched.run();
    sched.spawn(countdown(1, log.clone()));
    sched.run();
    assert_eq!(
        *log.borrow(),
        ["Counting up 0", "Counting up 1", "T-minus 1", "Blastoff!"]
    );
}
