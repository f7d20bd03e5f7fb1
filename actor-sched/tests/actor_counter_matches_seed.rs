//! The recipe's thread-free `ActorScheduler`: printer and counter print `Got: 7` ... `Got: 1`,
//! whichever kind of actor plays each part.

use actor_sched::{Flow, Inbox, Scheduler};
use std::cell::RefCell;
use std::rc::Rc;

type Log = Rc<RefCell<Vec<String>>>;

const SEED: &[&str] = &[
    "Got: 7", "Got: 6", "Got: 5", "Got: 4", "Got: 3", "Got: 2", "Got: 1",
];

fn closure_printer(sched: &mut Scheduler, log: &Log) {
    let log = log.clone();
    sched
        .spawn_actor("printer", move |n: u32, _| {
            log.borrow_mut().push(format!("Got: {n}"));
            Flow::Continue
        })
        .unwrap();
}

fn async_printer(sched: &mut Scheduler, log: &Log) {
    let log = log.clone();
    sched
        .spawn_async_actor("printer", move |mut inbox: Inbox<u32>| async move {
            loop {
                let msg = inbox.recv().await;
                log.borrow_mut().push(format!("Got: {msg}"));
            }
        })
        .unwrap();
}

fn closure_counter(sched: &mut Scheduler) {
    sched
        .spawn_actor("counter", |n: u32, ctx| {
            if n == 0 {
                return Flow::Stop;
            }
            ctx.send("printer", n).unwrap();
            ctx.send("counter", n - 1).unwrap();
            Flow::Continue
        })
        .unwrap();
}

fn async_counter(sched: &mut Scheduler) {
    let handle = sched.handle();
    sched
        .spawn_async_actor("counter", move |mut inbox: Inbox<u32>| async move {
            loop {
                let n = inbox.recv().await;
                if n == 0 {
                    break;
                }
                handle.send("printer", n).unwrap();
                // Send the next count to the counter task (recursive)
                handle.send("counter", n - 1).unwrap();
            }
        })
        .unwrap();
}

fn run(printer: fn(&mut Scheduler, &Log), counter: fn(&mut Scheduler)) -> (Vec<String>, Scheduler) {
    let log = Log::default();
    let mut sched = Scheduler::new();
    printer(&mut sched, &log);
    counter(&mut sched);
    sched.send("counter", 7_u32).unwrap();
    let report = sched.run();
    assert_eq!(
        report.delivered(),
        8 + 7,
        "8 counts to the counter, 7 to the printer"
    );
    assert_eq!(
        report.actors_finished(),
        1,
        "the counter breaks out; the printer waits"
    );
    assert_eq!(report.undelivered(), 0);
    let lines = log.borrow().clone();
    (lines, sched)
}

#[test]
fn async_printer_and_async_counter_print_the_seed() {
    assert_eq!(run(async_printer, async_counter).0, SEED);
}

#[test]
fn closure_printer_and_closure_counter_print_the_seed() {
    assert_eq!(run(closure_printer, closure_counter).0, SEED);
}

#[test]
fn mixed_actors_print_the_seed() {
    assert_eq!(run(closure_printer, async_counter).0, SEED);
    assert_eq!(run(async_printer, closure_counter).0, SEED);
}

#[test]
fn the_finished_counter_refuses_more_counts() {
    let (_, sched) = run(closure_printer, async_counter);
    let err = sched.send("counter", 3_u32).unwrap_err();
    assert!(err.is_finished());
    assert_eq!(err.into_inner(), 3);
}
