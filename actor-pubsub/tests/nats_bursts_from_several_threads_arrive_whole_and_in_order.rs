//! Bursts from several threads through one bridged exchange: every message is published once,
//! and each thread's messages arrive in the order it sent them. The sending client's own queue
//! is made small (8 commands), so that sends both go to the client directly and, when it has no
//! room, wait in the bridge's queue.
#![cfg(feature = "nats")]

mod nats_support;

use std::sync::Arc;
use std::thread;
use std::time::Duration;

use actor_pubsub::nats::{BridgeOptions, ConnectOptions, Nats};
use actor_pubsub::{DeliveryPolicy, Exchange, Recorder};
use nats_support::{NatsServer, eventually};

const THREADS: u32 = 3;
const EACH: u32 = 4_000;

#[test]
fn every_message_arrives_once_in_each_senders_order() {
    let server = NatsServer::start();
    let sending = Nats::builder()
        .options(ConnectOptions::new().client_capacity(8))
        .connect(&server.url())
        .unwrap();
    let receiving = Nats::builder()
        .subscription_capacity(2 * (THREADS * EACH) as usize)
        .connect(&server.url())
        .unwrap();

    let inbound = Arc::new(Exchange::<(u32, u32)>::new(DeliveryPolicy::Block));
    let seen = Recorder::new();
    let _seen = inbound.attach(seen.clone());
    let _receiver = receiving
        .bridge_with(
            &inbound,
            BridgeOptions::new()
                .receive_from("bursts")
                .queue_capacity(100_000),
        )
        .unwrap();

    let outbound = Arc::new(Exchange::<(u32, u32)>::new(DeliveryPolicy::Block));
    let bridge = sending
        .bridge_with(
            &outbound,
            BridgeOptions::new().publish_to("bursts").queue_capacity(16),
        )
        .unwrap();

    thread::scope(|scope| {
        for sender in 0..THREADS {
            let outbound = &outbound;
            scope.spawn(move || {
                for n in 0..EACH {
                    assert_eq!(outbound.send((sender, n)), 1);
                }
            });
        }
    });
    bridge.flush(Duration::from_secs(30)).unwrap();
    assert_eq!(bridge.published(), u64::from(THREADS * EACH));
    assert_eq!(
        (bridge.dropped(), bridge.failed(), bridge.pending()),
        (0, 0, 0)
    );

    let all = (THREADS * EACH) as usize;
    eventually("every message arrived", || {
        (seen.len() >= all).then_some(())
    });
    let seen = seen.messages();
    assert_eq!(seen.len(), all);
    let mut next = vec![0; THREADS as usize];
    for (sender, n) in seen {
        assert_eq!(n, next[sender as usize], "thread {sender} out of order");
        next[sender as usize] += 1;
    }
    assert!(next.iter().all(|&n| n == EACH));
}
