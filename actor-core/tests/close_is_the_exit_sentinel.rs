//! Contract 2: `close()` is queued in-band behind every message already sent; all of them are
//! handled, then the `stopped` hook runs and the actor ends `Closed`; later sends fail and hand
//! the message back.

use std::sync::mpsc;

mod common;

use actor_core::{Actor, Context, ExitReason, Inbox};
use common::on_every_executor;

struct Log {
    handled: Vec<u32>,
    stopped_with: Option<ExitReason>,
}

impl Actor for Log {
    type Msg = u32;
    fn handle(&mut self, msg: u32, _ctx: &mut Context<Self>) {
        self.handled.push(msg);
    }
    fn stopped(&mut self, reason: &ExitReason) {
        self.stopped_with = Some(reason.clone());
    }
}

on_every_executor! {
fn close_is_the_exit_sentinel(exec) {
    let handle = exec.spawn(Log {
        handled: Vec::new(),
        stopped_with: None,
    });
    let addr = handle.addr();
    for n in 0..1000 {
        addr.send(n).unwrap();
    }
    assert!(addr.close());
    assert!(
        !addr.close(),
        "a second close reports that the mailbox was already closed"
    );
    assert_eq!(addr.send(1000).unwrap_err().into_inner(), 1000);
    assert!(!addr.is_alive());

    let outcome = handle.join();
    assert_eq!(outcome.reason(), &ExitReason::Closed);
    assert!(outcome.undelivered().is_empty());
    let log = outcome.into_state();
    assert_eq!(log.handled, (0..1000).collect::<Vec<_>>());
    assert_eq!(log.stopped_with, Some(ExitReason::Closed));
    assert_eq!(addr.send(1001).unwrap_err().into_inner(), 1001);
}

/// Closing through the handle needs no address of one's own.
fn close_through_the_handle(exec) {
    let handle = exec.spawn(Log {
        handled: Vec::new(),
        stopped_with: None,
    });
    handle.addr().send(1).unwrap();
    assert!(handle.close());
    assert!(!handle.close());
    let outcome = handle.join();
    assert_eq!(outcome.reason(), &ExitReason::Closed);
    assert_eq!(outcome.into_state().handled, [1]);
}
}

#[test]
fn close_is_the_exit_sentinel_for_pull_style() {
    let (seen_tx, seen_rx) = mpsc::channel();
    let handle = actor_core::spawn_fn(move |inbox: Inbox<&'static str>| {
        loop {
            let msg = inbox.recv()?;
            seen_tx.send(format!("Got: {msg}")).unwrap();
        }
    });
    let addr = handle.addr();
    addr.send("Hello").unwrap();
    addr.send("World").unwrap();
    addr.close();
    assert_eq!(addr.send("late").unwrap_err().into_inner(), "late");
    assert_eq!(handle.join().reason(), &ExitReason::Closed);
    assert_eq!(
        seen_rx.iter().collect::<Vec<_>>(),
        ["Got: Hello", "Got: World"]
    );
}

on_every_executor! {
/// Senders racing with `close()`: every send either succeeds and is handled, or fails and hands
/// its message back. Nothing in between.
fn close_is_the_exit_sentinel_under_racing_senders(exec) {
    for _ in 0..50 {
        let handle = exec.spawn(Log {
            handled: Vec::new(),
            stopped_with: None,
        });
        let returned = std::thread::scope(|scope| {
            let senders: Vec<_> = (0..3u32)
                .map(|t| {
                    let addr = handle.addr();
                    scope.spawn(move || {
                        let (mut sent, mut back) = (Vec::new(), Vec::new());
                        for n in 0..2000 {
                            match addr.send(t * 10_000 + n) {
                                Ok(()) => sent.push(t * 10_000 + n),
                                Err(e) => back.push(e.into_inner()),
                            }
                        }
                        (sent, back)
                    })
                })
                .collect();
            handle.addr().close();
            senders
                .into_iter()
                .map(|s| s.join().unwrap())
                .collect::<Vec<_>>()
        });
        let outcome = handle.join();
        assert_eq!(outcome.reason(), &ExitReason::Closed);
        let mut handled = outcome.into_state().handled;
        let mut sent: Vec<u32> = returned.iter().flat_map(|r| r.0.clone()).collect();
        handled.sort_unstable();
        sent.sort_unstable();
        assert_eq!(handled, sent, "exactly the accepted messages were handled");
        let back: usize = returned.iter().map(|r| r.1.len()).sum();
        assert_eq!(sent.len() + back, 3 * 2000);
    }
}
}
