//! Messages published before a subscriber attached are not delivered to it, and after its
//! subscription is dropped it receives nothing more: a subscriber sees exactly the messages sent
//! while it was attached.

mod common;

use std::sync::Arc;
use std::sync::mpsc;
use std::time::Instant;

use actor_core::{Actor, Context};
use actor_pubsub::{DeliveryPolicy, Exchange, Recorder};

#[test]
fn a_late_subscriber_sees_only_later_messages() {
    let exc = Exchange::new(DeliveryPolicy::Block);
    let early = Recorder::new();
    let _early = exc.attach(early.clone());
    exc.send("msg1");
    exc.send("msg2");

    let late = Recorder::new();
    let late_sub = exc.attach(late.clone());
    exc.send("msg3");
    drop(late_sub);
    exc.send("msg4");

    assert_eq!(early.messages(), ["msg1", "msg2", "msg3", "msg4"]);
    assert_eq!(late.messages(), ["msg3"]);
}

struct Keep(Vec<u32>);

impl Actor for Keep {
    type Msg = u32;
    fn handle(&mut self, msg: u32, _ctx: &mut Context<Self>) {
        self.0.push(msg);
    }
}

#[test]
fn a_late_actor_sees_only_later_messages() {
    let exc = Exchange::new(DeliveryPolicy::Block);
    assert_eq!(exc.send(1), 0);
    let actor = actor_core::spawn(Keep(Vec::new()));
    let sub = exc.attach(actor.addr());
    exc.send(2);
    exc.send(3);
    drop(sub);
    exc.send(4);
    let seen = common::finishes("joining the actor", move || actor.join().into_state().0);
    assert_eq!(seen, [2, 3]);
}

#[test]
fn a_subscriber_attached_mid_stream_sees_one_unbroken_run() {
    const TOTAL: u32 = 5_000;
    let exc = Arc::new(Exchange::new(DeliveryPolicy::Block));
    let (sent_some_tx, sent_some) = mpsc::channel();
    let sender = {
        let exc = Arc::clone(&exc);
        std::thread::spawn(move || {
            for n in 0..TOTAL {
                exc.send(n);
                if n == 100 {
                    sent_some_tx.send(()).unwrap();
                }
            }
        })
    };
    common::recv(&sent_some, "the first hundred sends");
    let seen = Recorder::new();
    let sub = exc.attach(seen.clone());
    let deadline = Instant::now() + common::DEADLINE;
    while seen.len() < 100 && !sender.is_finished() {
        assert!(Instant::now() < deadline, "the sender made no progress");
        std::thread::yield_now();
    }
    drop(sub);
    sender.join().unwrap();

    let got = seen.messages();
    // It missed at least 0..=100, which were sent before it attached...
    assert!(got.first().is_none_or(|&first| first > 100), "{got:?}");
    // ...and between its first and last message it missed none.
    assert!(got.windows(2).all(|w| w[1] == w[0] + 1), "a gap in {got:?}");
}
