//! The server going away and coming back on the same port: error values meanwhile, messages
//! sent meanwhile held by the bridge up to its queue capacity (the rest dropped as the
//! exchange's policy says) and published after the reconnection, and everything working again
//! without restarting the program.
#![cfg(feature = "nats")]

mod nats_support;

use std::sync::Arc;
use std::time::{Duration, Instant};

use actor_pubsub::nats::{BridgeOptions, Nats, NatsError};
use actor_pubsub::{DeliveryPolicy, Exchange, Recorder};
use nats_support::{Add, Counter, NatsServer, eventually};

const ASK: Duration = Duration::from_secs(5);

#[test]
fn errors_while_away_then_recovery() {
    let mut server = NatsServer::start();
    let serving = Nats::connect(&server.url()).unwrap();
    let asking = Nats::connect(&server.url()).unwrap();

    let counter = actor_core::spawn(Counter(0));
    let _served = serving.serve("counter", &counter.addr(), Add).unwrap();
    let remote = asking.remote::<u64, u64>("counter");
    assert_eq!(remote.ask(&1, ASK), Ok(1));

    // A bridge that publishes, with room for 4 held messages, and one that drops when full.
    let out = Arc::new(Exchange::<u32>::new(DeliveryPolicy::Skip));
    let out_bridge = serving
        .bridge_with(
            &out,
            BridgeOptions::new().publish_to("held").queue_capacity(4),
        )
        .unwrap();
    let waits = Arc::new(Exchange::<u32>::new(DeliveryPolicy::Timeout(
        Duration::from_millis(50),
    )));
    let waits_bridge = serving
        .bridge_with(
            &waits,
            BridgeOptions::new().publish_to("waits").queue_capacity(1),
        )
        .unwrap();
    let inbound = Arc::new(Exchange::<u32>::new(DeliveryPolicy::Block));
    let seen = Recorder::new();
    let _seen_sub = inbound.attach(seen.clone());
    let _in_bridge = asking.bridge(&inbound, "held").unwrap();

    server.stop();
    eventually("both clients noticed", || {
        (!serving.is_connected() && !asking.is_connected()).then_some(())
    });

    // Error values, at once.
    assert_eq!(remote.ask(&1, ASK), Err(NatsError::NotConnected));
    assert_eq!(asking.flush(ASK), Err(NatsError::NotConnected));
    assert!(NatsError::NotConnected.is_connection());

    // Sends meanwhile: held up to the queue capacity, then dropped and counted (Skip).
    let taken: Vec<usize> = (0..6).map(|n| out.send(n)).collect();
    assert_eq!(taken, [1, 1, 1, 1, 0, 0]);
    assert_eq!(
        (
            out_bridge.pending(),
            out_bridge.dropped(),
            out_bridge.published()
        ),
        (4, 2, 4)
    );
    // Under Timeout the full queue makes the send wait up to the deadline, then drop.
    assert_eq!(waits.send(1), 1);
    let started = Instant::now();
    assert_eq!(waits.send(2), 0);
    assert!(started.elapsed() >= Duration::from_millis(50));
    assert_eq!(waits_bridge.dropped(), 1);

    server.restart();
    eventually("both clients reconnected", || {
        (serving.is_connected() && asking.is_connected()).then_some(())
    });

    // The held messages are published once the connection is back: the fresh server counts
    // exactly those 4 (and the 1 of the other bridge) coming in.
    eventually("the held messages reached the server", || {
        (out_bridge.pending() == 0 && server.varz("in_msgs") == 5).then_some(())
    });

    // Asks work again, once the serving side has re-subscribed.
    let total = eventually("an ask succeeds again", || remote.ask(&10, ASK).ok());
    assert_eq!(total, 11);

    // And bridged messages flow again. Of the held ones the receiver got those published after
    // it had re-subscribed: at most once each, in order.
    eventually("a new message crosses", || {
        out.send(100);
        out_bridge.flush(ASK).ok()?;
        std::thread::sleep(Duration::from_millis(20));
        seen.messages().contains(&100).then_some(())
    });
    let held: Vec<u32> = seen.messages().into_iter().filter(|&n| n < 100).collect();
    let mut expected = held.clone();
    expected.sort_unstable();
    expected.dedup();
    assert_eq!(
        held, expected,
        "held messages arrive in order and at most once"
    );
    assert!(held.iter().all(|&n| n < 4), "{held:?}");
}
