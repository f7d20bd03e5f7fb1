//! Interoperability: a program speaking the bare NATS protocol (as one in any language would)
//! publishes to a bridged exchange with the documented payload, receives what a bridge
//! publishes, and wildcard subjects work for the receiving side.
#![cfg(feature = "nats")]

mod nats_support;

use std::sync::Arc;
use std::time::Duration;

use actor_pubsub::nats::{BridgeOptions, Nats};
use actor_pubsub::{DeliveryPolicy, Exchange, Recorder};
use nats_support::{NatsServer, RawClient, eventually};
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
struct Order {
    id: u64,
    item: String,
}

#[test]
fn a_raw_client_publishes_the_documented_payload() {
    let server = NatsServer::start();
    let nats = Nats::connect(&server.url()).unwrap();
    let notes = Arc::new(Exchange::<String>::new(DeliveryPolicy::Block));
    let seen = Recorder::new();
    let _sub = notes.attach(seen.clone());
    let bridge = nats.bridge(&notes, "notes").unwrap();

    let mut raw = RawClient::connect(&server);
    // The literal example of the module docs.
    raw.publish(
        "notes",
        br#"{"v":1,"type":"String","body":"hello from the shell"}"#,
    );
    raw.ping();
    eventually("the note arrived", || {
        (seen.messages() == ["hello from the shell"]).then_some(())
    });
    assert_eq!(bridge.received(), 1);
}

#[test]
fn a_raw_client_receives_the_envelope_and_origin() {
    let server = NatsServer::start();
    let nats = Nats::connect(&server.url()).unwrap();
    let orders = Arc::new(Exchange::<Order>::new(DeliveryPolicy::Block));
    let bridge = nats.bridge(&orders, "orders.eu").unwrap();
    let mut raw = RawClient::connect(&server);
    raw.subscribe("orders.>", 1);

    orders.send(Order {
        id: 7,
        item: "tea".into(),
    });
    bridge.flush(Duration::from_secs(5)).unwrap();
    let message = raw.next_message();
    assert_eq!(message.subject, "orders.eu");
    assert_eq!(
        String::from_utf8(message.payload).unwrap(),
        format!(
            r#"{{"v":1,"type":"Order","from":"{}","body":{{"id":7,"item":"tea"}}}}"#,
            nats.origin()
        )
    );
    assert_eq!(message.headers, None);
}

#[test]
fn wildcards_receive_many_subjects() {
    let server = NatsServer::start();
    let publisher = Nats::connect(&server.url()).unwrap();
    let receiver = Nats::connect(&server.url()).unwrap();

    let (eu, us) = (
        Arc::new(Exchange::<Order>::new(DeliveryPolicy::Block)),
        Arc::new(Exchange::<Order>::new(DeliveryPolicy::Block)),
    );
    let _eu = publisher.bridge(&eu, "orders.eu").unwrap();
    let _us = publisher.bridge(&us, "orders.us.east").unwrap();

    let (one_token, any_tokens) = (
        Arc::new(Exchange::<Order>::new(DeliveryPolicy::Block)),
        Arc::new(Exchange::<Order>::new(DeliveryPolicy::Block)),
    );
    let (seen_one, seen_any) = (Recorder::new(), Recorder::new());
    let _s1 = one_token.attach(seen_one.clone());
    let _s2 = any_tokens.attach(seen_any.clone());
    let star = receiver.bridge(&one_token, "orders.*").unwrap();
    assert_eq!(
        star.publish_subject(),
        None,
        "a wildcard is only received from"
    );
    let _gt = receiver
        .bridge_with(&any_tokens, BridgeOptions::new().receive_from("orders.>"))
        .unwrap();
    // Sends on an exchange bridged only to receive are not published.
    assert_eq!(one_token.subscriber_count(), 1);

    let order = |id| Order {
        id,
        item: "x".into(),
    };
    eu.send(order(1));
    us.send(order(2));
    eu.send(order(3));
    eventually("orders.> saw all three", || {
        (seen_any.messages().len() == 3).then_some(())
    });
    eventually("orders.* saw the two of orders.eu", || {
        (seen_one.messages() == [order(1), order(3)]).then_some(())
    });
    let mut all = seen_any.messages();
    all.sort_by_key(|o| o.id);
    assert_eq!(all, [order(1), order(2), order(3)]);
}
