//! Determinism: the same program, run twice, does the same things in the same order.

use actor_sched::{Flow, Inbox, Scheduler, yield_now};
use std::cell::RefCell;
use std::rc::Rc;

type Log = Rc<RefCell<Vec<String>>>;

/// A program mixing tasks, handler actors and async actors that all talk to each other.
fn program() -> (Vec<String>, actor_sched::Report) {
    let log = Log::default();
    let mut sched = Scheduler::new();

    let l = log.clone();
    sched
        .spawn_actor("log", move |line: String, _| {
            l.borrow_mut().push(line);
            Flow::Continue
        })
        .unwrap();

    let handle = sched.handle();
    sched
        .spawn_async_actor("echo", move |mut inbox: Inbox<(u32, String)>| async move {
            loop {
                let (n, from) = inbox.recv().await;
                handle.send("log", format!("echo {n} from {from}")).unwrap();
                if n % 3 == 0 {
                    yield_now().await;
                    handle
                        .send("log", format!("echo resumed after {n}"))
                        .unwrap();
                }
            }
        })
        .unwrap();

    let bouncer = sched.spawn_unnamed(|n: u32, ctx| {
        ctx.send("echo", (n, "bouncer".to_string())).unwrap();
        if n > 0 {
            ctx.me().send(n - 1).unwrap();
        }
        Flow::Continue
    });

    for t in 0..3 {
        let handle = sched.handle();
        let bouncer = bouncer.clone();
        sched.spawn(async move {
            for i in 0..4 {
                handle.send("log", format!("task {t} step {i}")).unwrap();
                if i == t {
                    bouncer.send(t + 2).unwrap();
                }
                handle
                    .send("echo", (t * 10 + i, format!("task {t}")))
                    .unwrap();
                yield_now().await;
            }
        });
    }

    let report = sched.run();
    let lines = log.borrow().clone();
    (lines, report)
}

#[test]
fn running_the_same_program_twice_prints_the_same_lines() {
    let (first, first_report) = program();
    for _ in 0..5 {
        let (again, again_report) = program();
        assert_eq!(again, first);
        assert_eq!(again_report, first_report);
    }
    assert!(
        first.len() > 40,
        "the program does enough to be interesting: {}",
        first.len()
    );
}

#[test]
fn the_order_is_the_fifo_order() {
    let (lines, _) = program();
    // Round robin: every task's step 0 comes before any task's step 1.
    let pos = |needle: &str| lines.iter().position(|l| l == needle).unwrap();
    assert!(pos("task 2 step 0") < pos("task 0 step 1"));
    assert!(pos("task 0 step 0") < pos("task 1 step 0"));
    // A message sent by a task is handled after the messages queued before it.
    assert!(pos("echo 0 from task 0") < pos("echo 10 from task 1"));
}
