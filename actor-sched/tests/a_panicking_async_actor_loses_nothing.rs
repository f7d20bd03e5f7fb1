//! A panic in an async actor (in its body, or in the function that makes it) propagates to the
//! caller of `run` or of the spawn, and ends that actor cleanly: later sends are refused with the
//! message, what it had queued is counted undelivered and can be taken back, and no other actor
//! inherits its place in the run queue.

use std::cell::RefCell;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::rc::Rc;

use actor_sched::{Flow, Inbox, Scheduler};

fn quietly<R>(f: impl FnOnce() -> R) -> std::thread::Result<R> {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let result = catch_unwind(AssertUnwindSafe(f));
    std::panic::set_hook(previous);
    result
}

#[test]
fn an_async_actor_that_panicked_refuses_sends_and_keeps_its_queue_as_undelivered() {
    let mut sched = Scheduler::new();
    let addr = sched.spawn_async_unnamed(|mut inbox: Inbox<u32>| async move {
        loop {
            let n = inbox.recv().await;
            assert!(n != 2, "two breaks it");
        }
    });
    for n in 1..=4 {
        addr.send(n).unwrap();
    }
    assert!(quietly(|| sched.run()).is_err());
    // Ended: the run can go on, the actor gets nothing more.
    let report = sched.run();
    assert_eq!(report.delivered(), 0);
    assert_eq!(addr.send(5).unwrap_err().into_inner(), 5);
    assert!(addr.is_finished());
    assert_eq!(addr.take_undelivered(), [3, 4]);
    assert_eq!(sched.totals().undelivered(), 2);
    assert_eq!(sched.totals().actors_finished(), 1);
}

#[test]
fn an_async_actor_whose_maker_panics_leaves_nothing_for_the_next_actor() {
    let mut sched = Scheduler::new();
    let made = quietly(|| {
        sched.spawn_async_unnamed(|inbox: Inbox<u32>| {
            inbox.addr().send(99).unwrap(); // to itself, before failing
            panic!("the maker fails");
            #[allow(unreachable_code)]
            async {}
        })
    });
    assert!(made.is_err());
    // The next actor gets its own messages, in order, and nothing else.
    let seen = Rc::new(RefCell::new(Vec::new()));
    let log = seen.clone();
    let next = sched.spawn_unnamed(move |n: u32, _| {
        log.borrow_mut().push(n);
        Flow::Continue
    });
    next.send(1).unwrap();
    next.send(2).unwrap();
    sched.run();
    assert_eq!(*seen.borrow(), [1, 2]);
    assert_eq!(sched.totals().undelivered(), 1);
}

#[test]
fn a_task_that_panicked_is_not_polled_again() {
    let mut sched = Scheduler::new();
    let polls = Rc::new(RefCell::new(0));
    let count = polls.clone();
    sched.spawn(async move {
        *count.borrow_mut() += 1;
        actor_sched::yield_now().await;
        panic!("second poll fails");
    });
    assert!(quietly(|| sched.run()).is_err());
    sched.run();
    assert_eq!(*polls.borrow(), 1);
    assert_eq!(sched.totals().tasks_finished(), 1);
}
