//! Contract 10: every send-side error owns the message and has `into_inner()`; `Debug` does not
//! require `M: Debug`.

use std::time::Duration;

mod common;

use actor_core::{Actor, AskError, Context, Mailbox, SendError, SendTimeoutError, TrySendError};
use common::on_every_executor;

/// Deliberately not `Debug`, `Clone` or `PartialEq`.
struct Opaque(u32);

/// Takes nothing until its gate opens.
struct Held(std::sync::mpsc::Receiver<()>);

impl Actor for Held {
    type Msg = Opaque;
    fn started(&mut self, _ctx: &mut Context<Self>) {
        self.0.recv().ok();
    }
    fn handle(&mut self, _msg: Opaque, _ctx: &mut Context<Self>) {}
}

on_every_executor! {
fn errors_return_the_message(exec) {
    let (gate_tx, gate_rx) = std::sync::mpsc::channel::<()>();
    let handle = exec
        .builder()
        .mailbox(Mailbox::Bounded(1))
        .spawn(Held(gate_rx))
        .unwrap();
    let addr = handle.addr();
    addr.send(Opaque(1)).unwrap();

    let full = addr.try_send(Opaque(2)).unwrap_err();
    assert_eq!(format!("{full:?}"), "TrySendError<errors_return_the_message::Opaque>::Full(..)");
    assert_eq!(full.to_string(), "sending to a full mailbox");
    assert!(full.is_full() && !full.is_closed());
    assert_eq!(full.into_inner().0, 2);

    let timeout = addr
        .send_timeout(Opaque(3), Duration::from_millis(1))
        .unwrap_err();
    assert_eq!(format!("{timeout:?}"), "SendTimeoutError<errors_return_the_message::Opaque>::Timeout(..)");
    assert_eq!(timeout.into_inner().0, 3);

    let ask_full = addr
        .ask_timeout(
            |_port: actor_core::ReplyTo<()>| Opaque(4),
            Duration::from_millis(1),
        )
        .unwrap_err();
    assert_eq!(format!("{ask_full:?}"), "AskError<errors_return_the_message::Opaque>::Full(..)");
    assert_eq!(ask_full.into_inner().map(|m| m.0), Some(4));

    addr.stop();
    gate_tx.send(()).unwrap();
    let outcome = handle.join();
    assert_eq!(outcome.undelivered().len(), 1);
    assert_eq!(
        format!("{outcome:?}"),
        "Outcome { reason: Stopped, undelivered: 1, .. }"
    );

    let closed: SendError<Opaque> = addr.send(Opaque(5)).unwrap_err();
    assert_eq!(format!("{closed:?}"), "SendError<errors_return_the_message::Opaque>(..)");
    assert_eq!(closed.to_string(), "sending to a closed mailbox");
    assert_eq!(closed.into_inner().0, 5);

    let try_closed = addr.try_send(Opaque(6)).unwrap_err();
    assert!(matches!(try_closed, TrySendError::Closed(Opaque(6))));
    let timeout_closed = addr
        .send_timeout(Opaque(7), Duration::from_secs(1))
        .unwrap_err();
    assert!(matches!(
        timeout_closed,
        SendTimeoutError::Closed(Opaque(7))
    ));
    let ask_closed = addr
        .ask(|_port: actor_core::ReplyTo<()>| Opaque(8))
        .unwrap_err();
    assert!(matches!(ask_closed, AskError::Closed(Opaque(8))));
}
}

#[test]
fn errors_are_std_errors() {
    fn takes_error(_: &dyn std::error::Error) {}
    takes_error(&SendError(Opaque(0)));
    takes_error(&TrySendError::Full(Opaque(0)));
    takes_error(&SendTimeoutError::Timeout(Opaque(0)));
    takes_error(&AskError::<Opaque>::Stopped);
}
