//! A handler may send anywhere while it is being dispatched (to itself, by name or by address, to
//! actors that finished), and user `Drop` code may send too: no `BorrowMutError`, no panic.

use actor_sched::{Flow, Handle, Inbox, Scheduler};
use std::cell::RefCell;
use std::rc::Rc;

type Log = Rc<RefCell<Vec<String>>>;

fn log_actor(sched: &mut Scheduler, log: &Log) {
    let log = log.clone();
    sched
        .spawn_actor("log", move |line: String, _| {
            log.borrow_mut().push(line);
            Flow::Continue
        })
        .unwrap();
}

/// Sends a line to "log" when dropped, wherever that happens.
struct SendsOnDrop {
    handle: Handle,
    line: String,
}

impl Drop for SendsOnDrop {
    fn drop(&mut self) {
        // After the scheduler is gone this fails; the error is the line, dropped here.
        let _ = self.handle.send("log", std::mem::take(&mut self.line));
    }
}

#[test]
fn a_handler_sends_to_itself_many_ways_while_dispatched() {
    let log = Log::default();
    let mut sched = Scheduler::new();
    log_actor(&mut sched, &log);
    sched
        .spawn_actor("self", |n: u32, ctx| {
            if n == 0 {
                return Flow::Stop;
            }
            ctx.send("log", format!("self {n}")).unwrap();
            match n % 3 {
                0 => ctx.me().send(n - 1).unwrap(),
                1 => ctx.send("self", n - 1).unwrap(),
                _ => ctx.addr::<u32>("self").unwrap().send(n - 1).unwrap(),
            }
            assert!(ctx.me().take_undelivered().is_empty());
            assert!(!ctx.me().is_finished());
            ctx.handle().send("log", format!("via handle {n}")).unwrap();
            Flow::Continue
        })
        .unwrap();
    sched.send("self", 3_u32).unwrap();
    let report = sched.run();
    assert_eq!(report.delivered(), 4 + 6);
    assert_eq!(
        *log.borrow(),
        [
            "self 3",
            "via handle 3",
            "self 2",
            "via handle 2",
            "self 1",
            "via handle 1"
        ]
    );
}

#[test]
fn a_handler_may_send_many_messages_to_itself_in_one_dispatch() {
    let mut sched = Scheduler::new();
    let fan = sched.spawn_unnamed(|n: u32, ctx| {
        if n > 0 {
            for _ in 0..3 {
                ctx.me().send(n - 1).unwrap();
            }
        }
        Flow::Continue
    });
    fan.send(5).unwrap();
    // 1 + 3 + 9 + 27 + 81 + 243 messages.
    assert_eq!(sched.run().delivered(), 364);
}

#[test]
fn drop_code_of_messages_and_handlers_may_send() {
    let log = Log::default();
    let mut sched = Scheduler::new();
    log_actor(&mut sched, &log);
    let guard = SendsOnDrop {
        handle: sched.handle(),
        line: "handler dropped".into(),
    };
    let stopper = sched.spawn_unnamed(move |msg: SendsOnDrop, _| {
        let _keep = &guard;
        drop(msg); // sends while the handler runs
        Flow::Stop // dropping the handler drops `guard`, which sends too
    });
    let h = sched.handle();
    stopper
        .send(SendsOnDrop {
            handle: h.clone(),
            line: "message 1 dropped".into(),
        })
        .unwrap();
    stopper
        .send(SendsOnDrop {
            handle: h.clone(),
            line: "leftover dropped".into(),
        })
        .unwrap();
    let report = sched.run();
    assert_eq!(*log.borrow(), ["message 1 dropped", "handler dropped"]);
    assert_eq!(report.undelivered(), 1);
    // Taking the leftover back and dropping it sends, too.
    drop(stopper.take_undelivered());
    sched.run();
    assert_eq!(log.borrow().last().unwrap(), "leftover dropped");
}

#[test]
fn an_async_actor_sends_to_itself_and_its_drop_code_sends_when_it_returns() {
    let log = Log::default();
    let mut sched = Scheduler::new();
    log_actor(&mut sched, &log);
    let handle = sched.handle();
    sched
        .spawn_async_actor("loop", move |mut inbox: Inbox<u32>| async move {
            let _guard = SendsOnDrop {
                handle: handle.clone(),
                line: "loop returned".into(),
            };
            let me = inbox.addr();
            loop {
                let n = inbox.recv().await;
                handle.send("log", format!("loop {n}")).unwrap();
                if n == 0 {
                    return;
                }
                me.send(n - 1).unwrap();
                assert!(inbox.try_recv().is_none(), "not dispatched yet");
            }
        })
        .unwrap();
    sched.send("loop", 2_u32).unwrap();
    sched.run();
    assert_eq!(
        *log.borrow(),
        ["loop 2", "loop 1", "loop 0", "loop returned"]
    );
}

#[test]
fn sending_to_a_finished_actor_from_a_handler_is_an_error_not_a_panic() {
    let mut sched = Scheduler::new();
    let once = sched.spawn_actor("once", |_: u8, _| Flow::Stop).unwrap();
    let errors = Rc::new(RefCell::new(0));
    let e = errors.clone();
    let poker = sched.spawn_unnamed(move |n: u8, ctx| {
        if ctx.send("once", n).is_err() {
            *e.borrow_mut() += 1;
        }
        Flow::Continue
    });
    once.send(0).unwrap();
    poker.send(1).unwrap();
    poker.send(2).unwrap();
    sched.run();
    assert_eq!(*errors.borrow(), 2);
}

#[test]
fn a_panicking_handler_leaves_the_scheduler_usable() {
    let log = Log::default();
    let mut sched = Scheduler::new();
    log_actor(&mut sched, &log);
    let fragile = sched.spawn_unnamed(|n: u32, ctx| {
        if n == 13 {
            panic!("unlucky");
        }
        ctx.send("log", format!("fine {n}")).unwrap();
        Flow::Continue
    });
    for n in [12, 13, 14] {
        fragile.send(n).unwrap();
    }
    let caught = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| sched.run()));
    assert!(caught.is_err());
    // The rest of the queue is still there and runs; the scheduler's borrows were all released.
    sched.run();
    assert_eq!(*log.borrow(), ["fine 12", "fine 14"]);
    fragile.send(15).unwrap();
    sched.run();
    assert_eq!(log.borrow().last().unwrap(), "fine 15");
}

#[test]
fn dropping_the_scheduler_finishes_every_actor() {
    let log = Log::default();
    let mut sched = Scheduler::new();
    log_actor(&mut sched, &log);
    let handle = sched.handle();
    let guard = SendsOnDrop {
        handle: handle.clone(),
        line: "from a drop during teardown".into(),
    };
    let addr = sched.spawn_unnamed(move |_: u8, _| {
        let _keep = &guard;
        Flow::Continue
    });
    let log_addr = sched.addr::<String>("log").unwrap();
    addr.send(1).unwrap();
    drop(sched);
    assert!(addr.is_finished());
    assert!(log_addr.is_finished());
    assert_eq!(addr.send(2).unwrap_err().into_inner(), 2);
    assert!(
        handle
            .send("log", String::from("late"))
            .unwrap_err()
            .is_unknown_actor()
    );
    assert!(log.borrow().is_empty());
    // The message sent before the drop was never handled, and can be taken back.
    assert_eq!(addr.take_undelivered(), [1]);
}
