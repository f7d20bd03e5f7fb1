//! Contract 5: a panic in a handler is caught on the actor's thread; the actor ends `Panicked`
//! with the message, queued messages come back, other actors are unaffected.

use std::sync::mpsc;

mod common;

use actor_core::{Actor, Context, ExitReason, Inbox};
use common::on_every_executor;

struct Fragile {
    gate: mpsc::Receiver<()>,
    handled: Vec<u32>,
}

impl Actor for Fragile {
    type Msg = u32;
    fn started(&mut self, _ctx: &mut Context<Self>) {
        self.gate.recv().unwrap();
    }
    fn handle(&mut self, msg: u32, _ctx: &mut Context<Self>) {
        if msg == 3 {
            panic!("cannot handle {msg}");
        }
        self.handled.push(msg);
    }
}

/// Sums what it handles.
struct Sum(u32);

impl Actor for Sum {
    type Msg = u32;
    fn handle(&mut self, n: u32, _ctx: &mut Context<Self>) {
        self.0 += n;
    }
}

on_every_executor! {
fn panic_is_reported_on_join(exec) {
    let bystander = exec.spawn(Sum(0));
    let (gate_tx, gate_rx) = mpsc::channel();
    let handle = exec.spawn(Fragile {
        gate: gate_rx,
        handled: Vec::new(),
    });
    let addr = handle.addr();
    for n in 1..=6 {
        addr.send(n).unwrap();
    }
    gate_tx.send(()).unwrap();

    let (reason, state, undelivered) = handle.join().into_parts();
    assert_eq!(reason, ExitReason::Panicked("cannot handle 3".into()));
    assert_eq!(state.handled, [1, 2]);
    assert_eq!(undelivered, [4, 5, 6]);
    assert_eq!(addr.send(7).unwrap_err().into_inner(), 7);

    let other = bystander.addr();
    for n in 1..=5 {
        other.send(n).unwrap();
    }
    drop(other);
    let outcome = bystander.join();
    assert_eq!(
        outcome.reason(),
        &ExitReason::Closed,
        "the other actor is unaffected"
    );
    assert_eq!(outcome.into_state().0, 15);
}

fn panic_in_started_or_stopped_is_reported(exec) {
    struct BadStart;
    impl Actor for BadStart {
        type Msg = ();
        fn started(&mut self, _ctx: &mut Context<Self>) {
            panic!("no start");
        }
        fn handle(&mut self, _msg: (), _ctx: &mut Context<Self>) {}
    }
    let handle = exec.spawn(BadStart);
    assert!(
        !handle.wait_started(),
        "wait_started reports a start that panicked"
    );
    assert_eq!(handle.join().reason().panic_message(), Some("no start"));

    struct BadStop;
    impl Actor for BadStop {
        type Msg = ();
        fn handle(&mut self, _msg: (), _ctx: &mut Context<Self>) {}
        fn stopped(&mut self, _reason: &ExitReason) {
            std::panic::panic_any(String::from("no stop"));
        }
    }
    let handle = exec.spawn(BadStop);
    handle.addr().close();
    assert_eq!(handle.join().reason().panic_message(), Some("no stop"));
}

/// A panicking handler ends its actor, never the thread that ran it: on a pool, the workers go on
/// running other actors.
fn a_panic_ends_the_actor_not_the_worker(exec) {
    struct Boom;
    impl Actor for Boom {
        type Msg = ();
        fn handle(&mut self, _msg: (), _ctx: &mut Context<Self>) {
            panic!("boom");
        }
    }
    for _ in 0..20 {
        let handle = exec.spawn(Boom);
        handle.addr().send(()).unwrap();
        assert_eq!(handle.join().reason().panic_message(), Some("boom"));
    }
    let survivor = exec.spawn(Sum(0));
    survivor.addr().send(7).unwrap();
    assert_eq!(survivor.join().into_state().0, 7);
    if exec == common::Exec::Pool {
        assert_eq!(common::pool().workers(), 2);
    }
}
}

#[test]
fn panic_in_a_pull_style_actor_is_reported() {
    let handle = actor_core::spawn_fn(|inbox: Inbox<u32>| {
        let first = inbox.recv()?;
        panic!("pulled {first}");
    });
    let addr = handle.addr();
    addr.send(1).unwrap();
    let outcome = handle.join();
    assert_eq!(outcome.reason().panic_message(), Some("pulled 1"));
}

/// A pooled actor whose state panics when dropped, detached and ended on a worker: the panic
/// ends that drop, not the worker, which goes on running other actors.
#[test]
fn a_panic_in_a_dropped_pooled_state_spares_the_worker() {
    /// Waits at its gate inside its one message, so the test can give up every reference first.
    struct BadDrop(mpsc::Receiver<()>);
    impl Actor for BadDrop {
        type Msg = ();
        fn handle(&mut self, _msg: (), ctx: &mut Context<Self>) {
            self.0.recv().unwrap();
            ctx.close();
        }
    }
    static DROPPED: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    impl Drop for BadDrop {
        fn drop(&mut self) {
            DROPPED.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            panic!("dropping BadDrop");
        }
    }
    let pool = actor_core::Pool::builder().workers(1).build().unwrap();
    for _ in 0..10 {
        let (gate_tx, gate_rx) = mpsc::channel();
        let handle = pool.spawn(BadDrop(gate_rx));
        let addr = handle.addr();
        addr.send(()).unwrap();
        // Detached and unreachable: the worker running it holds the last reference, so the state
        // is dropped there once the actor ends.
        drop(handle);
        drop(addr);
        gate_tx.send(()).unwrap();
    }
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while DROPPED.load(std::sync::atomic::Ordering::SeqCst) < 10 {
        assert!(
            std::time::Instant::now() < deadline,
            "the states were never dropped"
        );
        std::thread::yield_now();
    }
    let survivor = pool.spawn(Sum(0));
    survivor.addr().send(5).unwrap();
    assert_eq!(survivor.join().into_state().0, 5);
    assert_eq!(pool.threads(), 1);
}

/// The payload of the panic that ended an actor comes back with the outcome, so the joiner can
/// carry the panic on with `resume_unwind`, as with a thread's `join`.
mod the_panic_payload_is_kept {
    use super::common::Exec;
    use actor_core::{Actor, Context};

    #[derive(Debug, PartialEq)]
    struct Custom(u32);

    struct Throws;
    impl Actor for Throws {
        type Msg = u32;
        fn handle(&mut self, n: u32, _ctx: &mut Context<Self>) {
            std::panic::panic_any(Custom(n));
        }
    }

    fn check(exec: Exec) {
        let handle = exec.spawn(Throws);
        handle.addr().send(5).unwrap();
        let outcome = handle.join();
        assert!(outcome.is_panic());
        assert_eq!(
            outcome
                .panic_payload()
                .and_then(|p| p.downcast_ref::<Custom>()),
            Some(&Custom(5))
        );
        let payload = outcome.into_panic().expect("a payload");
        let resumed = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            std::panic::resume_unwind(payload)
        }));
        assert_eq!(
            resumed.unwrap_err().downcast::<Custom>().ok().map(|c| *c),
            Some(Custom(5))
        );
    }

    #[test]
    fn thread() {
        check(Exec::Thread);
    }

    #[test]
    fn pool() {
        check(Exec::Pool);
    }

    #[test]
    fn a_normal_end_has_no_payload() {
        let handle = actor_core::spawn(Throws);
        handle.addr().close();
        assert!(handle.join().into_panic().is_none());
    }

    #[test]
    fn a_task_panic_keeps_its_payload() {
        let pool = actor_core::ThreadPool::new(1);
        let err = pool
            .submit(|| -> u8 { std::panic::panic_any(Custom(9)) })
            .join()
            .unwrap_err();
        let copy = err.clone();
        assert_eq!(
            err.into_panic().downcast::<Custom>().ok().map(|c| *c),
            Some(Custom(9))
        );
        // A clone that comes second gets the message.
        assert!(copy.into_panic().downcast::<String>().is_ok());
    }
}
