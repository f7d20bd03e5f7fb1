//! `DeliveryPolicy::Skip`: a full subscriber misses the message at once, its dropped counter goes
//! up, it stays attached, and the other subscribers still receive.

mod common;

use actor_pubsub::{DeliveryPolicy, Exchange, Recorder};
use common::Gated;

#[test]
fn a_full_actor_misses_the_message_and_it_is_counted() {
    let exc = Exchange::new(DeliveryPolicy::Skip);
    let gated = Gated::<u32>::new(1);
    let sub = exc.attach(gated.addr());
    let seen = Recorder::new();
    let _seen = exc.attach(seen.clone());

    assert_eq!(exc.send(1), 2); // fills the mailbox
    assert_eq!(exc.send(2), 1); // skipped for the actor, received by the recorder
    assert_eq!(exc.send(3), 1);
    assert_eq!((sub.delivered(), sub.dropped()), (1, 2));
    assert!(sub.is_attached(), "a full subscriber is not detached");
    assert_eq!(seen.messages(), [1, 2, 3]);

    let counters = sub.counters();
    drop(sub);
    assert_eq!(gated.finish(), [1]);
    assert_eq!((counters.delivered(), counters.dropped()), (1, 2));
}

#[test]
fn room_again_means_delivered_again() {
    let exc = Exchange::new(DeliveryPolicy::Skip);
    let gated = Gated::<u32>::new(1);
    let sub = exc.attach(gated.addr());
    assert_eq!(exc.send(1), 1);
    assert_eq!(exc.send(2), 0);
    gated.open();
    assert_eq!(common::recv(&gated.received, "the actor to take 1"), 1);
    // The mailbox is empty again.
    assert_eq!(exc.send(3), 1);
    assert_eq!((sub.delivered(), sub.dropped()), (2, 1));
    assert_eq!(common::recv(&gated.received, "the actor to take 3"), 3);
}

#[test]
fn a_full_channel_misses_the_message() {
    let exc = Exchange::new(DeliveryPolicy::Skip);
    let (tx, rx) = actor_core::channel::bounded(2);
    let sub = exc.attach(tx);
    let sent: usize = (0..5).map(|n| exc.send(n)).sum();
    assert_eq!(sent, 2);
    assert_eq!(rx.try_iter().collect::<Vec<_>>(), [0, 1]);
    assert_eq!((sub.delivered(), sub.dropped()), (2, 3));
}
