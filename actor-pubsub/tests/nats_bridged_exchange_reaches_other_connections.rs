//! A bridged exchange: local sends reach the other connections bridged to the subject, theirs
//! reach the local subscribers, and nothing comes back to the connection that sent it.
#![cfg(feature = "nats")]

mod nats_support;

use std::sync::Arc;
use std::time::Duration;

use actor_pubsub::nats::Nats;
use actor_pubsub::{DeliveryPolicy, Exchange, Recorder};
use nats_support::{NatsServer, eventually};

#[test]
fn sends_cross_both_ways_and_never_echo() {
    let server = NatsServer::start();
    let here = Nats::connect(&server.url()).unwrap();
    let there = Nats::connect(&server.url()).unwrap();
    assert_ne!(here.origin(), there.origin());

    let (exc_here, exc_there) = (
        Arc::new(Exchange::<String>::new(DeliveryPolicy::Block)),
        Arc::new(Exchange::<String>::new(DeliveryPolicy::Block)),
    );
    let (seen_here, seen_there) = (Recorder::new(), Recorder::new());
    let _a = exc_here.attach(seen_here.clone());
    let _b = exc_there.attach(seen_there.clone());
    let bridge_here = here.bridge(&exc_here, "notes").unwrap();
    let bridge_there = there.bridge(&exc_there, "notes").unwrap();
    assert_eq!(bridge_here.publish_subject(), Some("notes"));
    assert_eq!(bridge_here.type_tag(), "String");

    // The local subscriber and the bridge both receive a local send.
    assert_eq!(exc_here.send("one".to_string()), 2);
    bridge_here.flush(Duration::from_secs(5)).unwrap();
    eventually("the other side got it", || {
        (seen_there.messages() == ["one"]).then_some(())
    });

    exc_there.send("two".to_string());
    exc_there.send("three".to_string());
    bridge_there.flush(Duration::from_secs(5)).unwrap();
    eventually("this side got both, in order", || {
        (seen_here.messages() == ["one", "two", "three"]).then_some(())
    });

    // Each side skipped its own publishes when they came back from the server.
    eventually("the echoes were seen and skipped", || {
        (bridge_here.skipped_echoes() == 1 && bridge_there.skipped_echoes() == 2).then_some(())
    });
    // A message from NATS is not published again by the bridge that received it: a round
    // trip through the server (a flush) and no more arrives.
    here.flush(Duration::from_secs(5)).unwrap();
    there.flush(Duration::from_secs(5)).unwrap();
    assert_eq!(seen_here.messages(), ["one", "two", "three"]);
    assert_eq!(seen_there.messages(), ["one", "two", "three"]);
    assert_eq!((bridge_here.published(), bridge_here.received()), (1, 2));
    assert_eq!((bridge_there.published(), bridge_there.received()), (2, 1));
    assert_eq!(bridge_here.malformed() + bridge_there.malformed(), 0);
}

#[test]
fn dropping_the_bridge_ends_it() {
    let server = NatsServer::start();
    let here = Nats::connect(&server.url()).unwrap();
    let there = Nats::connect(&server.url()).unwrap();
    let exc_here = Arc::new(Exchange::<u32>::new(DeliveryPolicy::Block));
    let exc_there = Arc::new(Exchange::<u32>::new(DeliveryPolicy::Block));
    let seen_there = Recorder::new();
    let _sub = exc_there.attach(seen_there.clone());
    let bridge_there = there.bridge(&exc_there, "numbers").unwrap();

    let bridge_here = here.bridge(&exc_here, "numbers").unwrap();
    assert_eq!(exc_here.subscriber_count(), 1);
    exc_here.send(1);
    bridge_here.flush(Duration::from_secs(5)).unwrap();
    drop(bridge_here);
    assert_eq!(exc_here.subscriber_count(), 0);
    assert_eq!(exc_here.send(2), 0);
    eventually("the first arrived", || {
        (seen_there.messages() == [1]).then_some(())
    });
    assert_eq!(bridge_there.received(), 1);
}

#[test]
fn handles_are_send_and_sync() {
    fn both<T: Send + Sync>() {}
    both::<Nats>();
    both::<actor_pubsub::nats::Bridge>();
    both::<actor_pubsub::nats::Served>();
    both::<actor_pubsub::nats::Remote<String, u64>>();
    both::<actor_pubsub::nats::NatsError>();
}
