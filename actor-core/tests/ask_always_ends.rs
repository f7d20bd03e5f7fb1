//! Contract 7: `ask` always ends: with the reply, with `Timeout` after its deadline, or with
//! `Stopped` as soon as the actor ends (or drops the port) without replying.

use std::sync::mpsc;
use std::time::Duration;

use actor_core::{Actor, AskError, Context, Inbox, ReplyTo};

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

#[test]
fn ask_always_ends_with_the_reply() {
    let handle = actor_core::spawn(Server { held: Vec::new() });
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

#[test]
fn ask_always_ends_with_timeout_at_the_deadline() {
    let handle = actor_core::spawn(Server { held: Vec::new() });
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

#[test]
fn ask_always_ends_with_stopped_when_the_port_is_dropped() {
    let handle = actor_core::spawn(Server { held: Vec::new() });
    let addr = handle.addr();
    let err = within_deadline(move || addr.ask(Msg::Ignore).unwrap_err());
    assert!(matches!(err, AskError::Stopped));
    drop(handle);
}

#[test]
fn ask_always_ends_with_stopped_when_the_handler_panics() {
    let handle = actor_core::spawn(Server { held: Vec::new() });
    let addr = handle.addr();
    let err = within_deadline(move || addr.ask(Msg::Panic).unwrap_err());
    assert!(matches!(err, AskError::Stopped));
    assert!(handle.join().is_panic());
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

#[test]
fn ask_always_ends_with_closed_and_hands_the_request_back() {
    let handle = actor_core::spawn(Server { held: Vec::new() });
    let addr = handle.addr();
    addr.close();
    let err = addr.ask(|r| Msg::Double(1, r)).unwrap_err();
    assert!(matches!(err.into_inner(), Some(Msg::Double(1, _))));
    drop(handle.join());
}
