//! Contract 7: `ask` always ends: with the reply, with `Timeout` after its deadline, or with
//! `Stopped` as soon as the actor ends (or drops the port) without replying.

use std::sync::mpsc;
use std::time::Duration;

mod common;

use actor_core::{Actor, AskError, Context, Inbox, ReplyTo};
use common::on_every_executor;

enum Msg {
    Double(u64, ReplyTo<u64>),
    Ignore(ReplyTo<u64>),
    Hold(ReplyTo<u64>),
    Panic(ReplyTo<u64>),
}

struct Server {
    held: Vec<ReplyTo<u64>>,
}

impl Actor for Server {
    type Msg = Msg;
    fn handle(&mut self, msg: Msg, _ctx: &mut Context<Self>) {
        match msg {
            Msg::Double(n, reply) => {
                let _ = reply.reply(n * 2);
            }
            Msg::Ignore(reply) => drop(reply),
            Msg::Hold(reply) => self.held.push(reply),
            Msg::Panic(_reply) => panic!("asked to panic"),
        }
    }
}

/// Runs `f` on a thread and fails the test if it has not returned within 30 s: an ask that hangs
/// fails loudly instead of hanging the suite.
fn within_deadline<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || tx.send(f()).unwrap());
    rx.recv_timeout(Duration::from_secs(30))
        .expect("ask did not end")
}

on_every_executor! {
fn ask_always_ends_with_the_reply(exec) {
    let handle = exec.spawn(Server { held: Vec::new() });
    let addr = handle.addr();
    for n in 0..100 {
        assert_eq!(addr.ask(|r| Msg::Double(n, r)).unwrap(), n * 2);
    }
    assert_eq!(
        addr.ask_timeout(|r| Msg::Double(4, r), Duration::from_secs(30))
            .unwrap(),
        8
    );
}
}

on_every_executor! {
fn ask_always_ends_with_timeout_at_the_deadline(exec) {
    let handle = exec.spawn(Server { held: Vec::new() });
    let addr = handle.addr();
    let err = addr
        .ask_timeout(Msg::Hold, Duration::from_millis(20))
        .unwrap_err();
    assert!(matches!(err, AskError::Timeout));
    assert!(err.is_timeout());
    assert!(
        err.into_inner().is_none(),
        "the request was queued, nothing to hand back"
    );
}
}

on_every_executor! {
fn ask_always_ends_with_stopped_when_the_port_is_dropped(exec) {
    let handle = exec.spawn(Server { held: Vec::new() });
    let addr = handle.addr();
    let err = within_deadline(move || addr.ask(Msg::Ignore).unwrap_err());
    assert!(matches!(err, AskError::Stopped));
    drop(handle);
}
}

on_every_executor! {
fn ask_always_ends_with_stopped_when_the_handler_panics(exec) {
    let handle = exec.spawn(Server { held: Vec::new() });
    let addr = handle.addr();
    let err = within_deadline(move || addr.ask(Msg::Panic).unwrap_err());
    assert!(matches!(err, AskError::Stopped));
    assert!(handle.join().is_panic());
}
}

/// The actor takes the request and gives its reply port away (so the port stays alive), then
/// ends: the asker learns at once from the actor's end, not from a dropped port or a deadline.
#[test]
fn ask_always_ends_with_stopped_when_the_actor_exits_first() {
    let (port_tx, port_rx) = mpsc::channel();
    let handle = actor_core::spawn_fn(move |inbox: Inbox<ReplyTo<u64>>| {
        loop {
            port_tx.send(inbox.recv()?).unwrap();
        }
    });
    let addr = handle.addr();
    let asker = {
        let addr = addr.clone();
        std::thread::spawn(move || addr.ask(|port| port))
    };
    let port = port_rx.recv().unwrap(); // the request was taken; its port lives on here
    addr.stop();
    let err = within_deadline(move || asker.join().unwrap().unwrap_err());
    assert!(matches!(err, AskError::Stopped));
    assert_eq!(
        port.reply(7),
        Err(7),
        "a reply nobody waits for is handed back"
    );
    assert_eq!(handle.join().reason(), &actor_core::ExitReason::Stopped);
}

on_every_executor! {
fn ask_always_ends_with_closed_and_hands_the_request_back(exec) {
    let handle = exec.spawn(Server { held: Vec::new() });
    let addr = handle.addr();
    addr.close();
    let err = addr.ask(|r| Msg::Double(1, r)).unwrap_err();
    assert!(matches!(err.into_inner(), Some(Msg::Double(1, _))));
    drop(handle.join());
}
}

/// Many askers on several threads, with deadlines short enough to race the replies: every ask
/// ends, a reply is never given to the wrong asker, and a reply that comes too late is handed back
/// to the replier instead of vanishing.
#[test]
fn ask_always_ends_under_racing_deadlines() {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    let refused = Arc::new(AtomicUsize::new(0));
    let refused_in_actor = Arc::clone(&refused);
    let handle = actor_core::spawn_fn(move |inbox: Inbox<(u64, ReplyTo<u64>)>| {
        loop {
            let (n, reply) = inbox.recv()?;
            // Vary the handling time so some replies beat the deadline and some do not.
            for _ in 0..(n % 7) * 200 {
                std::hint::spin_loop();
            }
            if reply.reply(n * 3).is_err() {
                refused_in_actor.fetch_add(1, Ordering::SeqCst);
            }
        }
    });
    let outcomes = within_deadline({
        let addr = handle.addr();
        move || {
            std::thread::scope(|scope| {
                let askers: Vec<_> = (0..4u64)
                    .map(|t| {
                        let addr = addr.clone();
                        scope.spawn(move || {
                            let (mut replies, mut timeouts) = (0, 0);
                            for i in 0..2000u64 {
                                let n = t * 1_000_000 + i;
                                let timeout = Duration::from_micros(i % 50);
                                match addr.ask_timeout(|r| (n, r), timeout) {
                                    Ok(v) => {
                                        assert_eq!(v, n * 3, "a reply went to the wrong asker");
                                        replies += 1;
                                    }
                                    Err(AskError::Timeout) => timeouts += 1,
                                    Err(other) => panic!("unexpected {other:?}"),
                                }
                            }
                            (replies, timeouts)
                        })
                    })
                    .collect();
                askers
                    .into_iter()
                    .map(|a| a.join().unwrap())
                    .collect::<Vec<_>>()
            })
        }
    });
    let outcome = handle.join(); // every request has been handled or handed back by now
    assert_eq!(outcome.reason(), &actor_core::ExitReason::Closed);
    let replies: usize = outcomes.iter().map(|o| o.0).sum();
    let timeouts: usize = outcomes.iter().map(|o| o.1).sum();
    assert_eq!(replies + timeouts, 8000);
    assert_eq!(
        refused.load(Ordering::SeqCst),
        timeouts,
        "each timed-out request's late reply was handed back to the replier"
    );
}

/// `Addr::ask_then`: the outcome of a request that nobody waits for reaches the callback exactly
/// once, whichever way the request ends.
mod ask_then {
    use super::*;
    use actor_core::{Mailbox, NoReply};
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    type Outcomes = mpsc::Receiver<Result<u64, NoReply>>;

    /// A callback that sends each outcome to the returned receiver.
    fn outcomes() -> (impl FnOnce(Result<u64, NoReply>) + Send + 'static, Outcomes) {
        let (tx, rx) = mpsc::channel();
        (
            move |outcome| {
                let _ = tx.send(outcome);
            },
            rx,
        )
    }

    /// The one outcome `rx` gets, and that no second one follows once the sender is gone.
    fn only_outcome(rx: &Outcomes) -> Result<u64, NoReply> {
        let outcome = rx
            .recv_timeout(Duration::from_secs(30))
            .expect("no outcome");
        // The callback was consumed: its sender is dropped, nothing else can arrive.
        assert_eq!(
            rx.recv_timeout(Duration::from_secs(30)),
            Err(mpsc::RecvTimeoutError::Disconnected)
        );
        outcome
    }

    on_every_executor! {
    fn the_reply_reaches_the_callback(exec) {
        let handle = exec.spawn(Server { held: Vec::new() });
        let (call, rx) = outcomes();
        handle.addr().ask_then(|r| Msg::Double(21, r), None, call).unwrap();
        assert_eq!(only_outcome(&rx), Ok(42));
    }
    }

    on_every_executor! {
    fn a_dropped_port_is_stopped(exec) {
        let handle = exec.spawn(Server { held: Vec::new() });
        let (call, rx) = outcomes();
        handle.addr().ask_then(Msg::Ignore, None, call).unwrap();
        assert_eq!(only_outcome(&rx), Err(NoReply::Stopped));
    }
    }

    on_every_executor! {
    fn a_held_port_times_out_and_the_late_reply_is_handed_back(exec) {
        let handle = exec.spawn(Server { held: Vec::new() });
        let (call, rx) = outcomes();
        handle
            .addr()
            .ask_then(Msg::Hold, Some(Duration::from_millis(20)), call)
            .unwrap();
        assert_eq!(only_outcome(&rx), Err(NoReply::Timeout));
        handle.addr().close();
        let server = handle.join().into_state();
        for port in server.held {
            assert_eq!(port.reply(5), Err(5), "nobody waits for this reply any more");
        }
    }
    }

    on_every_executor! {
    fn the_actor_ending_settles_a_held_request(exec) {
        let handle = exec.spawn(Server { held: Vec::new() });
        let (call, rx) = outcomes();
        handle.addr().ask_then(Msg::Hold, None, call).unwrap();
        // The handler holds the port; the actor ends with it still held.
        let (probe, probed) = mpsc::channel();
        handle
            .addr()
            .ask_then(|r| Msg::Double(1, r), None, move |o| {
                let _ = probe.send(o);
            })
            .unwrap();
        assert_eq!(probed.recv().unwrap(), Ok(2), "the hold was handled before");
        handle.addr().stop();
        assert_eq!(only_outcome(&rx), Err(NoReply::Stopped));
        drop(handle.join());
    }
    }

    on_every_executor! {
    fn a_closed_mailbox_hands_the_request_back_and_never_calls(exec) {
        let handle = exec.spawn(Server { held: Vec::new() });
        handle.addr().close();
        let (call, rx) = outcomes();
        let err = handle.addr().ask_then(|r| Msg::Double(1, r), None, call).unwrap_err();
        assert!(matches!(err, AskError::Closed(Msg::Double(1, _))));
        // The port inside the request handed back settles nothing; the callback is dropped.
        drop(err);
        assert_eq!(
            rx.recv_timeout(Duration::from_secs(30)),
            Err(mpsc::RecvTimeoutError::Disconnected)
        );
        drop(handle.join());
    }
    }

    /// A full bounded mailbox is `Full` at once, with the request: `ask_then` never waits.
    #[test]
    fn a_full_mailbox_is_full_at_once() {
        let (entered, gate) = (Arc::new(std::sync::Barrier::new(2)), mpsc::channel::<()>());
        let (release, wait) = gate;
        let in_actor = Arc::clone(&entered);
        let handle = actor_core::Builder::new()
            .mailbox(Mailbox::Bounded(1))
            .spawn_fn(move |inbox: Inbox<(u64, ReplyTo<u64>)>| {
                let (n, reply) = inbox.recv()?;
                in_actor.wait();
                wait.recv().unwrap();
                let _ = reply.reply(n);
                while let Ok((n, reply)) = inbox.recv() {
                    let _ = reply.reply(n);
                }
                Ok(())
            })
            .unwrap();
        let addr = handle.addr();
        let (first, first_rx) = outcomes();
        addr.ask_then(|r| (1, r), None, first).unwrap();
        entered.wait(); // the actor holds the first request; the mailbox is empty
        let (second, second_rx) = outcomes();
        addr.ask_then(|r| (2, r), None, second).unwrap(); // fills the one slot
        let (third, third_rx) = outcomes();
        let err = addr.ask_then(|r| (3, r), None, third).unwrap_err();
        assert!(matches!(err, AskError::Full((3, _))));
        drop(err);
        assert_eq!(
            third_rx.recv_timeout(Duration::from_secs(30)),
            Err(mpsc::RecvTimeoutError::Disconnected)
        );
        release.send(()).unwrap();
        assert_eq!(only_outcome(&first_rx), Ok(1));
        assert_eq!(only_outcome(&second_rx), Ok(2));
    }

    /// From inside a pooled handler, where `Addr::ask` would refuse (`WouldBlock`), `ask_then`
    /// works: it never waits.
    #[test]
    fn works_on_a_pool_worker() {
        struct Asker {
            target: actor_core::Addr<Msg>,
            tx: mpsc::Sender<Result<u64, NoReply>>,
        }
        impl Actor for Asker {
            type Msg = u64;
            fn handle(&mut self, n: u64, _ctx: &mut Context<Self>) {
                let tx = self.tx.clone();
                self.target
                    .ask_then(
                        |r| Msg::Double(n, r),
                        None,
                        move |o| {
                            let _ = tx.send(o);
                        },
                    )
                    .expect("queued");
            }
        }
        let pool = actor_core::Pool::builder().workers(2).build().unwrap();
        let doubler = pool.spawn(Server { held: Vec::new() });
        let (tx, rx) = mpsc::channel();
        let asker = pool.spawn(Asker {
            target: doubler.addr(),
            tx,
        });
        asker.addr().send(8).unwrap();
        assert_eq!(rx.recv_timeout(Duration::from_secs(30)), Ok(Ok(16)));
    }

    /// A callback that panics is caught on the settling thread: the replying actor goes on.
    #[test]
    fn a_panicking_callback_does_not_reach_the_replier() {
        let handle = actor_core::spawn(Server { held: Vec::new() });
        let calls = Arc::new(AtomicUsize::new(0));
        let counted = Arc::clone(&calls);
        handle
            .addr()
            .ask_then(
                |r| Msg::Double(1, r),
                None,
                move |_| {
                    counted.fetch_add(1, Ordering::SeqCst);
                    panic!("callback panics");
                },
            )
            .unwrap();
        // The actor is still there and answers the next request.
        assert_eq!(handle.addr().ask(|r| Msg::Double(2, r)).unwrap(), 4);
        assert_eq!(calls.load(Ordering::SeqCst), 1);
        handle.addr().close();
        assert!(!handle.join().is_panic());
    }
}
