//! An async actor waiting in `inbox.recv()` is parked: it is polled again only when a message for
//! it is dispatched, never busy-polled while other work runs.

use actor_sched::{Inbox, Scheduler, Step, yield_now};
use std::cell::Cell;
use std::rc::Rc;

#[test]
fn a_parked_actor_costs_no_polls_while_tasks_run() {
    let mut sched = Scheduler::new();
    let polls = Rc::new(Cell::new(0_u32));
    let p = polls.clone();
    let addr = sched
        .spawn_async_actor("waiter", move |mut inbox: Inbox<()>| async move {
            loop {
                p.set(p.get() + 1);
                inbox.recv().await;
            }
        })
        .unwrap();
    sched.spawn(async {
        for _ in 0..1000 {
            yield_now().await;
        }
    });
    let report = sched.run();
    assert_eq!(polls.get(), 1, "started once, then parked");
    assert_eq!(report.polls(), 1 + 1001);

    addr.send(()).unwrap();
    addr.send(()).unwrap();
    let report = sched.run();
    assert_eq!(polls.get(), 3, "woken once per dispatched message");
    assert_eq!(report.polls(), 2);
    assert_eq!(sched.step(), Step::Idle);
}

#[test]
fn a_yielding_async_actor_reads_messages_dispatched_meanwhile_without_suspending() {
    let mut sched = Scheduler::new();
    let got = Rc::new(Cell::new(0_u32));
    let g = got.clone();
    let addr = sched
        .spawn_async_actor("busy", move |mut inbox: Inbox<u32>| async move {
            // Busy for three turns before it first reads.
            for _ in 0..3 {
                yield_now().await;
            }
            loop {
                let n = inbox.recv().await;
                g.set(g.get() + n);
            }
        })
        .unwrap();
    addr.send(1).unwrap();
    addr.send(2).unwrap();
    let report = sched.run();
    assert_eq!(got.get(), 3);
    assert_eq!(report.delivered(), 2);
    // Start + three yields' turns; both messages were waiting when it reached `recv`.
    assert_eq!(report.polls(), 4);
}
