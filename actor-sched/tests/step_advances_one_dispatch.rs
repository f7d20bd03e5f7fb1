//! `step()` does exactly one thing (one message or one task turn); `run_for(n)` at most `n`.

use actor_sched::{Flow, Inbox, Report, Scheduler, Step, yield_now};
use std::cell::RefCell;
use std::rc::Rc;

type Log = Rc<RefCell<Vec<String>>>;

fn logger(sched: &mut Scheduler, name: &'static str, log: &Log) -> actor_sched::Addr<u32> {
    let log = log.clone();
    sched
        .spawn_actor(name, move |n: u32, _| {
            log.borrow_mut().push(format!("{name} {n}"));
            Flow::Continue
        })
        .unwrap()
}

#[test]
fn each_step_dispatches_one_message_in_fifo_order() {
    let log = Log::default();
    let mut sched = Scheduler::new();
    let a = logger(&mut sched, "a", &log);
    let b = logger(&mut sched, "b", &log);
    a.send(1).unwrap();
    b.send(2).unwrap();
    a.send(3).unwrap();

    assert!(log.borrow().is_empty(), "sending runs nothing");
    assert_eq!(sched.step(), Step::Delivered);
    assert_eq!(*log.borrow(), ["a 1"]);
    assert_eq!(sched.step(), Step::Delivered);
    assert_eq!(*log.borrow(), ["a 1", "b 2"]);
    assert_eq!(sched.step(), Step::Delivered);
    assert_eq!(*log.borrow(), ["a 1", "b 2", "a 3"]);
    assert_eq!(sched.step(), Step::Idle);
    assert!(sched.step().is_idle());
}

#[test]
fn each_step_runs_one_task_turn() {
    let log = Log::default();
    let mut sched = Scheduler::new();
    for name in ["x", "y"] {
        let log = log.clone();
        sched.spawn(async move {
            for i in 0..2 {
                log.borrow_mut().push(format!("{name}{i}"));
                yield_now().await;
            }
        });
    }
    let mut seen = Vec::new();
    loop {
        let step = sched.step();
        if step.is_idle() {
            break;
        }
        assert_eq!(step, Step::Polled);
        seen.push(log.borrow().len());
    }
    // Six turns: two lines each per task, then one final turn each that only returns.
    assert_eq!(seen, [1, 2, 3, 4, 4, 4]);
    assert_eq!(*log.borrow(), ["x0", "y0", "x1", "y1"]);
    assert_eq!(sched.totals().tasks_finished(), 2);
}

#[test]
fn run_for_stops_after_n_steps_and_reports_them() {
    let mut sched = Scheduler::new();
    let pinger = sched.spawn_unnamed(|n: u64, ctx| {
        ctx.me().send(n + 1).unwrap();
        Flow::Continue
    });
    pinger.send(0).unwrap();
    let report = sched.run_for(5);
    assert_eq!(report.delivered(), 5);
    let report = sched.run_for(0);
    assert_eq!(report, Report::default());
    assert_eq!(sched.run_for(3).delivered(), 3);
    assert_eq!(sched.totals().delivered(), 8);
}

#[test]
fn run_for_stops_early_when_idle() {
    let mut sched = Scheduler::new();
    let a = sched.spawn_unnamed(|_: u8, _| Flow::Continue);
    a.send(1).unwrap();
    a.send(2).unwrap();
    assert_eq!(sched.run_for(100).delivered(), 2);
}

#[test]
fn an_async_actor_starts_with_one_poll_then_takes_one_message_per_step() {
    let log = Log::default();
    let mut sched = Scheduler::new();
    let l = log.clone();
    let addr = sched
        .spawn_async_actor("a", move |mut inbox: Inbox<u32>| async move {
            l.borrow_mut().push("started".into());
            loop {
                let n = inbox.recv().await;
                l.borrow_mut().push(format!("got {n}"));
            }
        })
        .unwrap();
    addr.send(1).unwrap();
    addr.send(2).unwrap();
    assert_eq!(sched.step(), Step::Polled);
    assert_eq!(*log.borrow(), ["started"]);
    assert_eq!(sched.step(), Step::Delivered);
    assert_eq!(*log.borrow(), ["started", "got 1"]);
    assert_eq!(sched.step(), Step::Delivered);
    assert_eq!(*log.borrow(), ["started", "got 1", "got 2"]);
    assert_eq!(sched.step(), Step::Idle);
}

#[test]
fn stale_entries_of_a_finished_actor_are_not_steps() {
    let mut sched = Scheduler::new();
    let once = sched.spawn_unnamed(|_: u8, _| Flow::Stop);
    let other = sched.spawn_unnamed(|_: u8, _| Flow::Continue);
    once.send(1).unwrap();
    once.send(2).unwrap(); // queued, but `once` will have finished
    other.send(3).unwrap();
    assert_eq!(sched.step(), Step::Delivered); // once handles 1 and stops
    assert_eq!(sched.step(), Step::Delivered); // skips once's 2, other handles 3
    assert_eq!(sched.step(), Step::Idle);
    assert_eq!(sched.totals().delivered(), 2);
    assert_eq!(sched.totals().undelivered(), 1);
}
