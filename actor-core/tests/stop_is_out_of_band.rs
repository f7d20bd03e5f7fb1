//! Contract 3: `stop()` lets the actor finish the message it is handling, then it ends `Stopped`
//! without handling the rest; the queued messages are handed back to the joiner.

use std::sync::mpsc;

mod common;

use actor_core::{Actor, Context, ExitReason, Inbox};
use common::on_every_executor;

/// Blocks inside the first message until the test opens the gate.
struct Gated {
    entered: mpsc::Sender<()>,
    gate: mpsc::Receiver<()>,
    handled: Vec<u32>,
}

impl Actor for Gated {
    type Msg = u32;
    fn handle(&mut self, msg: u32, _ctx: &mut Context<Self>) {
        if self.handled.is_empty() {
            self.entered.send(()).unwrap();
            self.gate.recv().unwrap();
        }
        self.handled.push(msg);
    }
}

on_every_executor! {
fn stop_is_out_of_band(exec) {
    let (entered_tx, entered_rx) = mpsc::channel();
    let (gate_tx, gate_rx) = mpsc::channel();
    let handle = exec.spawn(Gated {
        entered: entered_tx,
        gate: gate_rx,
        handled: Vec::new(),
    });
    let addr = handle.addr();
    addr.send(1).unwrap();
    entered_rx.recv().unwrap(); // the actor is inside message 1
    for n in 2..=10 {
        addr.send(n).unwrap();
    }
    addr.stop();
    assert_eq!(
        addr.send(11).unwrap_err().into_inner(),
        11,
        "no sends after the actor stopped"
    );
    gate_tx.send(()).unwrap();

    let (reason, state, undelivered) = handle.join().into_parts();
    assert_eq!(reason, ExitReason::Stopped);
    assert_eq!(
        state.handled,
        [1],
        "the message being handled is finished, no other"
    );
    assert_eq!(
        undelivered,
        (2..=10).collect::<Vec<_>>(),
        "the rest comes back in order"
    );
}

/// An idle actor (blocked on its thread, or parked off the pool's queues) notices a stop.
fn stop_wakes_an_idle_handler_actor(exec) {
    struct Idle;
    impl Actor for Idle {
        type Msg = u32;
        fn handle(&mut self, _msg: u32, _ctx: &mut Context<Self>) {}
    }
    let handle = exec.spawn(Idle);
    assert!(handle.wait_started());
    handle.stop();
    let outcome = handle.join();
    assert_eq!(outcome.reason(), &ExitReason::Stopped);
    assert!(outcome.undelivered().is_empty());
}
}

#[test]
fn stop_wakes_an_idle_actor() {
    let handle = actor_core::spawn_fn(|inbox: Inbox<u32>| {
        loop {
            inbox.recv()?;
        }
    });
    assert!(handle.wait_started());
    handle.addr().stop();
    let outcome = handle.join();
    assert_eq!(outcome.reason(), &ExitReason::Stopped);
    assert!(outcome.undelivered().is_empty());
}

on_every_executor! {
fn stop_from_inside_the_handler(exec) {
    /// Waits at a gate before its first message, then stops itself at message `.0`.
    struct StopAt(u32, Vec<u32>, mpsc::Receiver<()>);
    impl Actor for StopAt {
        type Msg = u32;
        fn started(&mut self, _ctx: &mut Context<Self>) {
            self.2.recv().unwrap();
        }
        fn handle(&mut self, msg: u32, ctx: &mut Context<Self>) {
            self.1.push(msg);
            if msg == self.0 {
                ctx.stop();
            }
        }
    }
    let (gate_tx, gate_rx) = mpsc::channel();
    let handle = exec.spawn(StopAt(3, Vec::new(), gate_rx));
    let addr = handle.addr();
    for n in 1..=5 {
        addr.send(n).unwrap();
    }
    gate_tx.send(()).unwrap();
    let (reason, state, undelivered) = handle.join().into_parts();
    assert_eq!(reason, ExitReason::Stopped);
    assert_eq!(state.1, [1, 2, 3]);
    assert_eq!(undelivered, [4, 5]);
}
}
