//! Contract 8: a bounded mailbox gives back-pressure: `send` blocks while full, `try_send` returns
//! `Full(msg)`, `send_timeout` returns `Timeout(msg)`.

use std::sync::mpsc;
use std::time::Duration;

mod common;

use actor_core::{
    Actor, ActorHandle, Builder, Context, Inbox, Mailbox, SendTimeoutError, TrySendError,
};
use common::{Exec, on_every_executor};

/// Takes nothing until the gate opens (its `started` hook waits there), then reports what it
/// receives.
struct Recorder {
    gate: mpsc::Receiver<()>,
    seen: mpsc::Sender<u32>,
}

impl Actor for Recorder {
    type Msg = u32;
    fn started(&mut self, _ctx: &mut Context<Self>) {
        self.gate.recv().ok();
    }
    fn handle(&mut self, n: u32, _ctx: &mut Context<Self>) {
        self.seen.send(n).unwrap();
    }
}

/// A gated [`Recorder`] with a bounded mailbox, the gate's key and what it saw.
fn gated_actor(
    exec: Exec,
    capacity: usize,
) -> (ActorHandle<Recorder>, mpsc::Sender<()>, mpsc::Receiver<u32>) {
    let (gate_tx, gate_rx) = mpsc::channel::<()>();
    let (seen_tx, seen_rx) = mpsc::channel();
    let handle = exec
        .builder()
        .mailbox(Mailbox::Bounded(capacity))
        .spawn(Recorder {
            gate: gate_rx,
            seen: seen_tx,
        })
        .unwrap();
    (handle, gate_tx, seen_rx)
}

on_every_executor! {
fn bounded_mailbox_back_pressure_try_send_and_send_timeout(exec) {
    let (handle, gate, seen) = gated_actor(exec, 2);
    let addr = handle.addr();
    assert_eq!(addr.capacity(), Some(2));
    addr.try_send(1).unwrap();
    addr.try_send(2).unwrap();
    match addr.try_send(3) {
        Err(TrySendError::Full(3)) => {}
        other => panic!("expected Full(3), got {other:?}"),
    }
    let err = addr.send_timeout(4, Duration::from_millis(10)).unwrap_err();
    assert!(err.is_timeout());
    assert!(matches!(err, SendTimeoutError::Timeout(4)));
    gate.send(()).unwrap();
    // The refused messages left no trace: the actor receives exactly 1 and 2, then 5.
    addr.send(5).unwrap();
    drop(addr);
    let outcome = handle.join();
    assert_eq!(outcome.reason(), &actor_core::ExitReason::Closed);
    drop(outcome); // the state holds the sender of `seen`
    assert_eq!(seen.iter().collect::<Vec<_>>(), [1, 2, 5]);
}

fn bounded_mailbox_back_pressure_send_blocks_while_full(exec) {
    let (handle, gate, seen) = gated_actor(exec, 1);
    let addr = handle.addr();
    addr.send(1).unwrap();
    let (sent_tx, sent_rx) = mpsc::channel();
    let sender = {
        let addr = addr.clone();
        std::thread::spawn(move || {
            addr.send(2).unwrap();
            sent_tx.send(()).unwrap();
        })
    };
    // While the actor waits at its gate the mailbox stays full and the sender stays blocked.
    assert!(sent_rx.recv_timeout(Duration::from_millis(50)).is_err());
    gate.send(()).unwrap();
    sent_rx
        .recv_timeout(Duration::from_secs(30))
        .expect("send unblocked once there was room");
    sender.join().unwrap();
    drop(addr);
    handle.join();
    assert_eq!(seen.iter().collect::<Vec<_>>(), [1, 2]);
}

fn bounded_zero_is_taken_as_one(exec) {
    let (handle, gate, seen) = gated_actor(exec, 0);
    let addr = handle.addr();
    assert_eq!(addr.capacity(), Some(1));
    addr.try_send(1).unwrap();
    assert!(addr.try_send(2).unwrap_err().is_full());
    gate.send(()).unwrap();
    drop(addr);
    handle.join();
    assert_eq!(seen.iter().collect::<Vec<_>>(), [1]);
}

/// Stopping an actor whose bounded mailbox is full, with a sender blocked on it: the blocked send
/// completes (the message is handed back through `undelivered`, or to the sender), nothing hangs.
fn bounded_mailbox_stop_with_a_blocked_sender(exec) {
    let (handle, gate, _seen) = gated_actor(exec, 1);
    let addr = handle.addr();
    addr.send(1).unwrap();
    let sender = {
        let addr = addr.clone();
        std::thread::spawn(move || addr.send(2))
    };
    addr.stop();
    gate.send(()).unwrap();
    let outcome = handle.join();
    let result = sender.join().unwrap();
    let mut all: Vec<u32> = outcome.undelivered().to_vec();
    if let Err(e) = result {
        all.push(e.into_inner());
    }
    all.sort_unstable();
    assert_eq!(
        all,
        [1, 2],
        "every message is either handed back to the joiner or to its sender"
    );
}
}

#[test]
fn bounded_mailbox_back_pressure_for_pull_style() {
    let (gate_tx, gate_rx) = mpsc::channel::<()>();
    let handle = Builder::new()
        .mailbox(Mailbox::Bounded(1))
        .spawn_fn(move |inbox: Inbox<u32>| {
            gate_rx.recv().ok();
            loop {
                inbox.recv()?;
            }
        })
        .unwrap();
    let addr = handle.addr();
    addr.try_send(1).unwrap();
    assert!(matches!(addr.try_send(2), Err(TrySendError::Full(2))));
    gate_tx.send(()).unwrap();
    drop(addr);
    assert_eq!(handle.join().reason(), &actor_core::ExitReason::Closed);
}
