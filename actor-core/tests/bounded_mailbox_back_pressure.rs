//! Contract 8: a bounded mailbox gives back-pressure: `send` blocks while full, `try_send` returns
//! `Full(msg)`, `send_timeout` returns `Timeout(msg)`.

use std::sync::mpsc;
use std::time::Duration;

use actor_core::{Builder, Inbox, Mailbox, SendTimeoutError, TrySendError};

/// A pull-style actor that takes nothing until the gate opens, then reports what it received.
fn gated_actor(
    capacity: usize,
) -> (
    actor_core::ActorHandle<actor_core::FnActor<u32>>,
    mpsc::Sender<()>,
    mpsc::Receiver<u32>,
) {
    let (gate_tx, gate_rx) = mpsc::channel::<()>();
    let (seen_tx, seen_rx) = mpsc::channel();
    let handle = Builder::new()
        .mailbox(Mailbox::Bounded(capacity))
        .spawn_fn(move |inbox: Inbox<u32>| {
            gate_rx.recv().ok();
            loop {
                seen_tx.send(inbox.recv()?).unwrap();
            }
        })
        .unwrap();
    (handle, gate_tx, seen_rx)
}

#[test]
fn bounded_mailbox_back_pressure_try_send_and_send_timeout() {
    let (handle, gate, seen) = gated_actor(2);
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
    assert_eq!(seen.iter().collect::<Vec<_>>(), [1, 2, 5]);
}

#[test]
fn bounded_mailbox_back_pressure_send_blocks_while_full() {
    let (handle, gate, seen) = gated_actor(1);
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

#[test]
fn bounded_zero_is_taken_as_one() {
    let (handle, gate, seen) = gated_actor(0);
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
/// completes (the message is handed back through `undelivered`), nothing hangs.
#[test]
fn bounded_mailbox_stop_with_a_blocked_sender() {
    let (handle, gate, _seen) = gated_actor(1);
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
