//! The public handles can be shared between threads; their `Debug` needs no `M: Debug`.

use actor_pubsub::{
    Counters, Delivery, DeliveryPolicy, DisplayMessages, Exchange, ExchangeError, Recorder,
    Registry, Subscription, Wait,
};

fn send_sync<T: Send + Sync>() {}

/// A message type with no `Debug`.
#[derive(Clone)]
struct Opaque;

#[test]
fn handles_are_send_and_sync() {
    send_sync::<Exchange<Opaque>>();
    send_sync::<Subscription>();
    send_sync::<Counters>();
    send_sync::<Registry>();
    send_sync::<Recorder<Opaque>>();
    send_sync::<DisplayMessages>();
    send_sync::<DeliveryPolicy>();
    send_sync::<Wait>();
    send_sync::<ExchangeError>();
}

#[test]
fn debug_does_not_need_debug_messages() {
    let exc = Exchange::<Opaque>::new(DeliveryPolicy::Skip);
    let recorder = Recorder::new();
    let sub = exc.attach(recorder.clone());
    exc.send(Opaque);
    assert_eq!(
        format!("{exc:?}"),
        "Exchange { policy: Skip, subscribers: 1 }"
    );
    assert!(format!("{sub:?}").contains("delivered: 1"));
    assert_eq!(format!("{recorder:?}"), "Recorder { recorded: 1 }");
    assert_eq!(format!("{:?}", Delivery::Full(Opaque)), "Full(..)");
    let registry = Registry::new();
    registry.exchange::<Opaque>("opaque").unwrap();
    assert!(format!("{registry:?}").contains("\"opaque\""));
}
