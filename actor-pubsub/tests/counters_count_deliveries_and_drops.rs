//! Each subscription counts the messages its subscriber took and those it missed for want of
//! room; the counts are exact once the sends are over, including after a detach, a gone
//! subscriber or a panicking one.

mod common;

use std::panic::{AssertUnwindSafe, catch_unwind};

use actor_pubsub::{DeliveryPolicy, Exchange, Recorder};
use common::Gated;

#[test]
fn counts_follow_attach_and_detach() {
    let exc = Exchange::new(DeliveryPolicy::Block);
    let early = exc.attach(Recorder::new());
    exc.send(1);
    exc.send(2);
    let late = exc.attach(Recorder::new());
    exc.send(3);
    let late_counters = late.counters();
    drop(late);
    exc.send(4);
    assert_eq!((early.delivered(), early.dropped()), (4, 0));
    assert_eq!((late_counters.delivered(), late_counters.dropped()), (1, 0));
}

#[test]
fn drops_are_counted_apart_from_deliveries() {
    let exc = Exchange::new(DeliveryPolicy::Skip);
    let gated = Gated::<u32>::new(2);
    let sub = exc.attach(gated.addr());
    for n in 0..5 {
        exc.send(n);
    }
    assert_eq!((sub.delivered(), sub.dropped()), (2, 3));
    drop(sub);
    assert_eq!(gated.finish(), [0, 1]);
}

#[test]
fn a_gone_subscriber_stops_counting() {
    let exc = Exchange::new(DeliveryPolicy::Block);
    let (tx, rx) = actor_core::channel::unbounded();
    let sub = exc.attach(tx);
    exc.send(1);
    drop(rx);
    exc.send(2);
    exc.send(3);
    assert_eq!((sub.delivered(), sub.dropped()), (1, 0));
    assert!(!sub.is_attached());
}

#[test]
fn a_panicking_subscriber_leaves_the_exchange_usable_and_the_counts_exact() {
    let exc = Exchange::new(DeliveryPolicy::Block);
    let fragile = exc.attach_fn(|n: u32| assert!(n != 13, "unlucky"));
    let seen = Recorder::new();
    let after = exc.attach(seen.clone());

    let panicked = catch_unwind(AssertUnwindSafe(|| exc.send(13)));
    assert!(panicked.is_err());
    // The subscriber after the panicking one missed 13.
    assert!(seen.is_empty());
    assert_eq!((fragile.delivered(), after.delivered()), (0, 0));

    assert_eq!(exc.send(1), 2);
    assert_eq!(seen.messages(), [1]);
    assert_eq!((fragile.delivered(), after.delivered()), (1, 1));
    assert_eq!(exc.subscriber_count(), 2);
}

#[test]
fn counters_outlive_the_subscription_and_the_exchange() {
    let exc = Exchange::new(DeliveryPolicy::Block);
    let sub = exc.attach(Recorder::new());
    exc.send("a");
    let counters = sub.counters();
    assert!(counters.is_attached());
    drop(exc);
    assert!(!counters.is_attached(), "its exchange is gone");
    assert!(!sub.is_attached());
    assert_eq!(counters.delivered(), 1);
    drop(sub);
    assert_eq!(counters.delivered(), 1);
}
