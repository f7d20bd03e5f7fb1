//! Every failing channel operation says why, and a failing send hands the value back.

use std::time::Duration;

use actor_core::channel::{
    self, RecvError, RecvTimeoutError, SendError, SendTimeoutError, TryRecvError, TrySendError,
};

#[derive(Debug, PartialEq)]
struct NotClone(u32);

#[test]
fn sends_hand_the_value_back() {
    let (tx, rx) = channel::bounded(1);
    tx.send(NotClone(1)).unwrap();
    assert_eq!(
        tx.try_send(NotClone(2)),
        Err(TrySendError::Full(NotClone(2)))
    );
    let err = tx
        .send_timeout(NotClone(3), Duration::from_millis(1))
        .unwrap_err();
    assert!(err.is_timeout());
    assert_eq!(err.into_inner(), NotClone(3));

    drop(rx);
    assert_eq!(tx.send(NotClone(4)), Err(SendError(NotClone(4))));
    assert_eq!(
        tx.try_send(NotClone(5)),
        Err(TrySendError::Closed(NotClone(5)))
    );
    assert_eq!(
        tx.send_timeout(NotClone(6), Duration::from_secs(1)),
        Err(SendTimeoutError::Closed(NotClone(6)))
    );
}

#[test]
fn receives_say_empty_timeout_or_closed() {
    let (tx, rx) = channel::unbounded::<u8>();
    assert_eq!(rx.try_recv(), Err(TryRecvError::Empty));
    assert_eq!(
        rx.recv_timeout(Duration::from_millis(1)),
        Err(RecvTimeoutError::Timeout)
    );
    tx.send(9).unwrap();
    drop(tx);
    // What was queued before the last sender left is still delivered.
    assert_eq!(rx.recv_timeout(Duration::from_millis(1)), Ok(9));
    assert_eq!(rx.recv(), Err(RecvError));
    assert_eq!(rx.try_recv(), Err(TryRecvError::Closed));
    assert_eq!(
        rx.recv_timeout(Duration::from_secs(1)),
        Err(RecvTimeoutError::Closed)
    );
}

#[test]
fn errors_print_without_the_value_being_debug() {
    struct Opaque;
    let (tx, rx) = channel::bounded(0);
    drop(rx);
    let err = tx.send(Opaque).unwrap_err();
    // Debug names the message type (an `unwrap` panic says what failed) but not the message.
    assert_eq!(
        format!("{err:?}"),
        "SendError<channel_errors_hand_the_value_back::errors_print_without_the_value_being_debug::Opaque>(..)"
    );
    assert_eq!(err.to_string(), "sending to a closed mailbox");
    let err = tx.try_send(Opaque).unwrap_err();
    assert!(format!("{err:?}").starts_with("TrySendError<"));
    assert!(format!("{err:?}").ends_with("::Opaque>::Closed(..)"));
    assert!(format!("{tx:?}").starts_with("Sender"));
}

#[test]
fn ends_are_send_sync_and_clone() {
    fn assert_send_sync_clone<T: Send + Sync + Clone>() {}
    assert_send_sync_clone::<channel::Sender<String>>();
    assert_send_sync_clone::<channel::Receiver<String>>();
}
