//! Contract 5: a panic in a handler is caught on the actor's thread; the actor ends `Panicked`
//! with the message, queued messages come back, other actors are unaffected.

use std::sync::mpsc;

use actor_core::{Actor, Context, ExitReason, Inbox};

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

#[test]
fn panic_is_reported_on_join() {
    let bystander = actor_core::spawn_fn(|inbox: Inbox<u32>| {
        let mut sum = 0;
        while let Ok(n) = inbox.recv() {
            sum += n;
        }
        assert_eq!(sum, 15);
        Ok(())
    });
    let (gate_tx, gate_rx) = mpsc::channel();
    let handle = actor_core::spawn(Fragile {
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
    assert_eq!(
        bystander.join().reason(),
        &ExitReason::Closed,
        "the other actor is unaffected"
    );
}

#[test]
fn panic_in_started_or_stopped_is_reported() {
    struct BadStart;
    impl Actor for BadStart {
        type Msg = ();
        fn started(&mut self, _ctx: &mut Context<Self>) {
            panic!("no start");
        }
        fn handle(&mut self, _msg: (), _ctx: &mut Context<Self>) {}
    }
    let handle = actor_core::spawn(BadStart);
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
    let handle = actor_core::spawn(BadStop);
    handle.addr().close();
    assert_eq!(handle.join().reason().panic_message(), Some("no stop"));
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
