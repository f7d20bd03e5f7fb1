//! Bounded local delivery: received messages reach the local subscribers from the bridge's own
//! delivery thread, with the exchange's delivery policy, so a slow subscriber never blocks the
//! connection (asks and other bridges go on) and, under `Skip`, loses messages countably.
#![cfg(feature = "nats")]

mod common;
mod nats_support;

use std::sync::Arc;
use std::time::Duration;

use actor_core::{Actor, Context, ReplyTo};
use actor_pubsub::nats::Nats;
use actor_pubsub::{DeliveryPolicy, Exchange, Recorder};
use common::Gated;
use nats_support::{NatsServer, eventually};

struct Echo;
impl Actor for Echo {
    type Msg = (u64, ReplyTo<u64>);
    fn handle(&mut self, (n, reply): Self::Msg, _ctx: &mut Context<Self>) {
        let _ = reply.reply(n);
    }
}

const ASK: Duration = Duration::from_secs(5);

#[test]
fn a_blocked_subscriber_holds_up_only_its_delivery_thread() {
    let server = NatsServer::start();
    let here = Nats::connect(&server.url()).unwrap();
    let there = Nats::connect(&server.url()).unwrap();

    // Here: an exchange whose only subscriber takes nothing until its gate opens, under Block;
    // another bridged exchange; an actor served; all on one connection.
    let slow_exc = Arc::new(Exchange::<u32>::new(DeliveryPolicy::Block));
    let gated = Gated::<u32>::new(1);
    let _slow_sub = slow_exc.attach(gated.addr());
    let slow_bridge = here.bridge(&slow_exc, "slow").unwrap();
    let fast_exc = Arc::new(Exchange::<u32>::new(DeliveryPolicy::Block));
    let fast_seen = Recorder::new();
    let _fast_sub = fast_exc.attach(fast_seen.clone());
    let _fast_bridge = here.bridge(&fast_exc, "fast").unwrap();
    let echo = actor_core::spawn(Echo);
    let _served = here
        .serve("echo", &echo.addr(), |n, port| (n, port))
        .unwrap();

    // There: 50 messages for the blocked subscriber.
    let to_slow = Arc::new(Exchange::<u32>::new(DeliveryPolicy::Block));
    let to_fast = Arc::new(Exchange::<u32>::new(DeliveryPolicy::Block));
    let slow_out = there.bridge(&to_slow, "slow").unwrap();
    let _fast_out = there.bridge(&to_fast, "fast").unwrap();
    for n in 0..50 {
        to_slow.send(n);
    }
    slow_out.flush(ASK).unwrap();
    // The delivery thread is stuck: one message in the mailbox, one waiting for room.
    eventually("the slow bridge took them all off the connection", || {
        (slow_bridge.received() >= 2).then_some(())
    });

    // Meanwhile the connection serves asks and the other bridge delivers.
    let remote = there.remote::<u64, u64>("echo");
    for n in 0..10 {
        assert_eq!(remote.ask(&n, ASK), Ok(n));
    }
    to_fast.send(7);
    eventually("the other exchange got its message", || {
        (fast_seen.messages() == [7]).then_some(())
    });

    // Once the subscriber takes messages, it gets all 50, in order: Block loses nothing.
    let all: Vec<u32> = {
        gated.open();
        (0..50)
            .map(|_| gated.received.recv_timeout(nats_support::DEADLINE).unwrap())
            .collect()
    };
    assert_eq!(all, (0..50).collect::<Vec<_>>());
    assert_eq!(slow_bridge.received(), 50);
}

#[test]
fn under_skip_a_full_subscriber_misses_messages_countably() {
    let server = NatsServer::start();
    let here = Nats::connect(&server.url()).unwrap();
    let there = Nats::connect(&server.url()).unwrap();
    let exc = Arc::new(Exchange::<u32>::new(DeliveryPolicy::Skip));
    let gated = Gated::<u32>::new(1);
    let sub = exc.attach(gated.addr());
    let bridge = here.bridge(&exc, "skip").unwrap();

    let out = Arc::new(Exchange::<u32>::new(DeliveryPolicy::Block));
    let out_bridge = there.bridge(&out, "skip").unwrap();
    for n in 0..50 {
        out.send(n);
    }
    out_bridge.flush(ASK).unwrap();
    eventually("all 50 were received and offered", || {
        (bridge.received() == 50 && sub.delivered() + sub.dropped() == 50).then_some(())
    });
    // The mailbox of one took the first; the rest found it full.
    assert_eq!((sub.delivered(), sub.dropped()), (1, 49));
    assert_eq!(gated.finish(), [0]);
}
