//! Faults of a peer: payloads that do not decode, carry another type tag or version, or exceed
//! the size limit are counted and reported by the bridge, never a panic, and the bridge goes on.
#![cfg(feature = "nats")]

mod nats_support;

use std::sync::Arc;
use std::time::Duration;

use actor_pubsub::nats::{BridgeOptions, Nats, NatsError};
use actor_pubsub::{DeliveryPolicy, Exchange, Recorder};
use nats_support::{NatsServer, RawClient, eventually};

#[test]
fn bad_payloads_are_counted_and_reported() {
    let server = NatsServer::start();
    let nats = Nats::builder()
        .max_payload(256)
        .connect(&server.url())
        .unwrap();
    let numbers = Arc::new(Exchange::<u32>::new(DeliveryPolicy::Block));
    let seen = Recorder::new();
    let _sub = numbers.attach(seen.clone());
    let bridge = nats.bridge(&numbers, "numbers").unwrap();
    let mut raw = RawClient::connect(&server);

    let bad: [&[u8]; 7] = [
        &[b'x'; 300], // over the limit of 256 bytes: refused unread
        b"not json at all",
        br#"{"v":1,"type":"String","body":"seven"}"#, // another type
        br#"{"v":2,"type":"u32","body":7}"#,          // another version
        br#"{"v":1,"type":"u32","body":-7}"#,         // not a u32
        br#"{"v":1,"type":"u32"}"#,                   // no body
        b"\xff\xfe\x00",
    ];
    for payload in bad {
        raw.publish("numbers", payload);
    }
    raw.publish("numbers", br#"{"v":1,"type":"u32","body":7}"#);
    raw.ping();

    eventually("the good one after the bad ones arrived", || {
        (seen.messages() == [7]).then_some(())
    });
    assert_eq!(bridge.malformed(), 7);
    assert_eq!(bridge.received(), 1);
    // Every fault was reported; the last one was the bytes that are not even text.
    let Some(NatsError::Decode {
        subject, reason, ..
    }) = bridge.last_error()
    else {
        panic!("{:?}", bridge.last_error());
    };
    assert_eq!(subject, "numbers");
    assert!(reason.starts_with("not an envelope"), "{reason}");
}

#[test]
fn the_type_tag_tells_types_apart() {
    let server = NatsServer::start();
    let sender = Nats::connect(&server.url()).unwrap();
    let receiver = Nats::connect(&server.url()).unwrap();
    let strings = Arc::new(Exchange::<String>::new(DeliveryPolicy::Block));
    let numbers = Arc::new(Exchange::<u64>::new(DeliveryPolicy::Block));
    let tagged = Arc::new(Exchange::<u64>::new(DeliveryPolicy::Block));
    let seen = Recorder::new();
    let _sub = numbers.attach(seen.clone());
    let wrong = receiver.bridge(&numbers, "mixed").unwrap();
    let _s = sender.bridge(&strings, "mixed").unwrap();
    let _t = sender
        .bridge_with(
            &tagged,
            BridgeOptions::new()
                .publish_to("mixed")
                .type_tag("count.v1"),
        )
        .unwrap();

    strings.send("12".to_string());
    eventually("the string was refused", || {
        (wrong.malformed() == 1).then_some(())
    });
    assert_eq!(
        wrong.last_error(),
        Some(NatsError::WrongType {
            subject: "mixed".into(),
            expected: "u64".into(),
            found: "String".into()
        })
    );
    tagged.send(12);
    eventually("the other tag was refused too", || {
        (wrong.malformed() == 2).then_some(())
    });
    assert!(seen.messages().is_empty());
}

#[test]
fn a_local_message_over_the_limit_is_dropped_not_sent() {
    let server = NatsServer::start();
    let nats = Nats::builder()
        .max_payload(128)
        .connect(&server.url())
        .unwrap();
    let texts = Arc::new(Exchange::<String>::new(DeliveryPolicy::Block));
    let bridge = nats.bridge(&texts, "texts").unwrap();
    let local = Recorder::new();
    let _sub = texts.attach(local.clone());

    // The bridge drops it (counted), the local subscriber still gets it.
    assert_eq!(texts.send("x".repeat(200)), 1);
    assert_eq!((bridge.published(), bridge.dropped()), (0, 1));
    assert!(matches!(
        bridge.last_error(),
        Some(NatsError::TooLarge { limit: 128, .. })
    ));
    assert_eq!(texts.send("short".into()), 2);
    bridge.flush(Duration::from_secs(5)).unwrap();
    assert_eq!(bridge.published(), 1);
}
