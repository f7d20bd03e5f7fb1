//! A durable bridge (`BridgeOptions::durable`, through a JetStream stream): every message comes,
//! in order, once when nothing fails; a message whose delivery did not finish (the receiving
//! program ended first, or a local subscriber panicked) comes again after the ack wait.
#![cfg(feature = "nats")]

mod nats_support;

use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use actor_pubsub::nats::{BridgeOptions, Nats, NatsError};
use actor_pubsub::{DeliveryPolicy, Exchange};
use nats_support::{DEADLINE, NatsServer};

const FLUSH: Duration = Duration::from_secs(5);

/// A connection whose exchange publishes to `jobs.new` through the stream `JOBS`.
fn publisher(server: &NatsServer) -> (Nats, Arc<Exchange<String>>, actor_pubsub::nats::Bridge) {
    let nats = Nats::connect(&server.url()).unwrap();
    let exchange = Arc::new(Exchange::new(DeliveryPolicy::Block));
    let options = BridgeOptions::new()
        .publish_to("jobs.new")
        .durable("JOBS", "workers");
    let bridge = nats.bridge_with(&exchange, options).unwrap();
    (nats, exchange, bridge)
}

/// The options of a receiving side: the durable consumer `workers` of `JOBS`.
fn receiving(ack_wait: Duration) -> BridgeOptions {
    BridgeOptions::new()
        .receive_from("jobs.*")
        .durable("JOBS", "workers")
        .ack_wait(ack_wait)
}

/// A program receiving through the durable consumer `workers`: what its local subscriber gets.
struct Receiving {
    jobs: mpsc::Receiver<String>,
    bridge: actor_pubsub::nats::Bridge,
    _subscription: actor_pubsub::Subscription,
    _nats: Nats,
}

fn start_receiving(server: &NatsServer, ack_wait: Duration) -> Receiving {
    let nats = Nats::connect(&server.url()).unwrap();
    let local = Arc::new(Exchange::<String>::new(DeliveryPolicy::Block));
    let (tx, jobs) = mpsc::channel();
    let subscription = local.attach(move |job: String| {
        let _ = tx.send(job);
    });
    let bridge = nats.bridge_with(&local, receiving(ack_wait)).unwrap();
    Receiving {
        jobs,
        bridge,
        _subscription: subscription,
        _nats: nats,
    }
}

fn next(rx: &mpsc::Receiver<String>) -> String {
    rx.recv_timeout(DEADLINE)
        .expect("a message within the deadline")
}

#[test]
fn each_message_comes_once_in_order_when_nothing_fails() {
    let server = NatsServer::start_jetstream();
    let (_sending, jobs, bridge) = publisher(&server);

    let receiving = start_receiving(&server, Duration::from_secs(30));
    let (rx, received) = (&receiving.jobs, &receiving.bridge);

    for n in 1..=5 {
        jobs.send(format!("job-{n}"));
    }
    bridge.flush(FLUSH).unwrap();
    for n in 1..=5 {
        assert_eq!(next(rx), format!("job-{n}"));
    }
    // Nothing came twice: the next message after a marker sent now is the marker.
    jobs.send("marker".to_string());
    bridge.flush(FLUSH).unwrap();
    assert_eq!(next(rx), "marker");
    assert_eq!(bridge.failed(), 0, "the stream confirmed every publish");
    assert_eq!(received.received(), 6);
}

#[test]
fn a_message_taken_by_a_program_that_ended_comes_again() {
    let server = NatsServer::start_jetstream();
    let (_sending, jobs, bridge) = publisher(&server);

    // The first receiving program takes the job and hangs in its subscriber, so the job is never
    // acknowledged; then it "crashes": its connection and bridge go away.
    let (taken_tx, taken) = mpsc::channel();
    let (release, hold) = mpsc::channel::<()>();
    let hold = Mutex::new(hold);
    {
        let first = Nats::connect(&server.url()).unwrap();
        let local = Arc::new(Exchange::<String>::new(DeliveryPolicy::Block));
        let _sub = local.attach(move |job: String| {
            let _ = taken_tx.send(job);
            let _ = hold.lock().unwrap().recv();
        });
        let _bridge = first
            .bridge_with(&local, receiving(Duration::from_secs(1)))
            .unwrap();
        jobs.send("job-1".to_string());
        bridge.flush(FLUSH).unwrap();
        assert_eq!(taken.recv_timeout(DEADLINE).unwrap(), "job-1");
        // Dropped here, the job unacknowledged.
    }

    // A second program binds the same consumer: the job comes again once the ack wait is over.
    let second = start_receiving(&server, Duration::from_secs(1));
    assert_eq!(next(&second.jobs), "job-1");
    // The first program's delivery thread may go on now; its acknowledgement goes nowhere.
    let _ = release.send(());
}

#[test]
fn a_message_whose_delivery_panicked_comes_again() {
    let server = NatsServer::start_jetstream();
    let (_sending, jobs, bridge) = publisher(&server);

    let receiver = Nats::connect(&server.url()).unwrap();
    let local = Arc::new(Exchange::<String>::new(DeliveryPolicy::Block));
    let (tx, rx) = mpsc::channel();
    let panicked_once = Mutex::new(false);
    let _sub = local.attach(move |job: String| {
        let _ = tx.send(job);
        let mut panicked = panicked_once.lock().unwrap();
        if !*panicked {
            *panicked = true;
            drop(panicked);
            panic!("the first delivery fails");
        }
    });
    let received = receiver
        .bridge_with(&local, receiving(Duration::from_secs(1)))
        .unwrap();
    jobs.send("job-1".to_string());
    bridge.flush(FLUSH).unwrap();
    assert_eq!(next(&rx), "job-1", "the delivery that panicked");
    assert_eq!(next(&rx), "job-1", "delivered again after the ack wait");
    assert_eq!(received.received(), 2);
}

#[test]
fn bad_names_and_a_server_without_jetstream_are_errors() {
    let server = NatsServer::start();
    let nats = Nats::connect(&server.url()).unwrap();
    let local = Arc::new(Exchange::<String>::new(DeliveryPolicy::Block));

    let bad = BridgeOptions::new()
        .receive_from("jobs.*")
        .durable("JOBS.ALL", "workers");
    assert!(matches!(
        nats.bridge_with(&local, bad),
        Err(NatsError::InvalidSubject { .. })
    ));

    // This server runs without JetStream: the error says so instead of hanging.
    let err = nats
        .bridge_with(&local, receiving(Duration::from_secs(1)))
        .unwrap_err();
    assert!(matches!(err, NatsError::Subscribe { .. }), "{err:?}");
    assert_eq!(local.subscriber_count(), 0, "nothing was left attached");
}

/// One durable bridge both ways (its stream made with both subjects, one covering the other),
/// and a second consumer of the same stream: each consumer gets every message; the sending side
/// passes over its own.
#[test]
fn one_bridge_both_ways_and_two_consumers() {
    let server = NatsServer::start_jetstream();
    let here = Nats::connect(&server.url()).unwrap();
    let mine = Arc::new(Exchange::<String>::new(DeliveryPolicy::Block));
    let both = BridgeOptions::new()
        .publish_to("jobs.new")
        .receive_from("jobs.*")
        .durable("JOBS", "here");
    let bridge = here.bridge_with(&mine, both).unwrap();

    let there = Nats::connect(&server.url()).unwrap();
    let theirs = Arc::new(Exchange::<String>::new(DeliveryPolicy::Block));
    let (tx, rx) = mpsc::channel();
    let _sub = theirs.attach(move |job: String| {
        let _ = tx.send(job);
    });
    let other = BridgeOptions::new()
        .receive_from("jobs.*")
        .durable("JOBS", "there");
    let _their_bridge = there.bridge_with(&theirs, other).unwrap();

    mine.send("job-1".to_string());
    mine.send("job-2".to_string());
    bridge.flush(FLUSH).unwrap();
    assert_eq!(next(&rx), "job-1");
    assert_eq!(next(&rx), "job-2");
    nats_support::eventually("this side passed over its own two", || {
        (bridge.skipped_echoes() == 2).then_some(())
    });
    assert_eq!(bridge.received(), 0);
}
