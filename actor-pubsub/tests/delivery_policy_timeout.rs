//! `DeliveryPolicy::Timeout`: a `send` waits for a full subscriber until its deadline, then skips
//! it and counts a drop; a subscriber with room gets the message at once.

mod common;

use std::time::Duration;

use actor_pubsub::{DeliveryPolicy, Exchange, Recorder};
use common::Gated;

const SHORT: DeliveryPolicy = DeliveryPolicy::Timeout(Duration::from_millis(20));

#[test]
fn a_subscriber_still_full_at_the_deadline_is_skipped_and_counted() {
    let exc = Exchange::new(SHORT);
    let gated = Gated::<u32>::new(1);
    let sub = exc.attach(gated.addr());
    let seen = Recorder::new();
    let _seen = exc.attach(seen.clone());

    assert_eq!(exc.send(1), 2);
    assert_eq!(exc.send(2), 1); // the gate stays shut: the deadline passes
    assert_eq!((sub.delivered(), sub.dropped()), (1, 1));
    assert!(sub.is_attached());
    assert_eq!(seen.messages(), [1, 2]);

    gated.open();
    assert_eq!(common::recv(&gated.received, "the actor to take 1"), 1);
    assert_eq!(exc.send(3), 2); // room again
    assert_eq!((sub.delivered(), sub.dropped()), (2, 1));
    drop(sub);
    assert_eq!(gated.finish(), [3]);
}

#[test]
fn one_deadline_serves_every_full_subscriber() {
    let exc = Exchange::new(SHORT);
    let gates: Vec<Gated<u32>> = (0..3).map(|_| Gated::new(1)).collect();
    let subs: Vec<_> = gates.iter().map(|g| exc.attach(g.addr())).collect();
    assert_eq!(exc.send(1), 3);
    assert_eq!(exc.send(2), 0);
    for sub in &subs {
        assert_eq!((sub.delivered(), sub.dropped()), (1, 1));
    }
    drop(subs);
    for gated in gates {
        assert_eq!(gated.finish(), [1]);
    }
}

#[test]
fn a_huge_timeout_acts_as_block_without_overflow() {
    let exc = Exchange::new(DeliveryPolicy::Timeout(Duration::MAX));
    let seen = Recorder::new();
    let _seen = exc.attach(seen.clone());
    let (tx, rx) = actor_core::channel::bounded(4);
    let _tx = exc.attach(tx);
    assert_eq!(exc.send(1), 2);
    assert_eq!(rx.try_recv(), Ok(1));
    assert_eq!(seen.messages(), [1]);
}
