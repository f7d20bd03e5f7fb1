//! Remote actors: an actor served on a subject answers asks from other connections; several
//! servers share one subject as a queue group; every failure is an error value.
#![cfg(feature = "nats")]

mod nats_support;

use std::sync::mpsc;
use std::time::Duration;

use actor_core::{Builder, Inbox, Mailbox};
use actor_pubsub::nats::{Nats, NatsError, RemoteFailure, ServeOptions};
use nats_support::{Add, Counter, DEADLINE, NatsServer, RawClient};

const ASK: Duration = Duration::from_secs(5);

#[test]
fn an_actor_is_asked_from_another_connection() {
    let server = NatsServer::start();
    let serving = Nats::connect(&server.url()).unwrap();
    let asking = Nats::connect(&server.url()).unwrap();
    let counter = actor_core::spawn(Counter(0));
    let served = serving.serve("counter", &counter.addr(), Add).unwrap();

    let remote = asking.remote::<u64, u64>("counter");
    assert_eq!(remote.ask(&5, ASK), Ok(5));
    assert_eq!(remote.ask(&7, ASK), Ok(12));
    // Asking from the serving connection itself works as well.
    assert_eq!(serving.remote::<u64, u64>("counter").ask(&1, ASK), Ok(13));
    // And from a connection whose askers sleep at once instead of yielding first; many asks in
    // a row from the default one (they yield once a typical round trip is known).
    let sleeping = Nats::builder()
        .ask_spin(Duration::ZERO)
        .connect(&server.url())
        .unwrap();
    assert_eq!(sleeping.remote::<u64, u64>("counter").ask(&0, ASK), Ok(13));
    for n in 1..=50 {
        assert_eq!(remote.ask(&1, ASK), Ok(13 + n));
    }
    assert_eq!(remote.ask(&0, ASK), Ok(63));
    assert_eq!((served.requests(), served.answered()), (55, 55));

    drop(served);
    assert_eq!(
        remote.ask(&1, ASK),
        Err(NatsError::NoResponders {
            subject: "counter".into()
        })
    );
    counter.addr().close();
    assert_eq!(counter.join().into_state().0, 63);
}

#[test]
fn a_queue_group_spreads_requests_over_servers() {
    let server = NatsServer::start();
    let asking = Nats::connect(&server.url()).unwrap();
    let (one, two) = (
        Nats::connect(&server.url()).unwrap(),
        Nats::connect(&server.url()).unwrap(),
    );
    let (a, b) = (actor_core::spawn(Counter(0)), actor_core::spawn(Counter(0)));
    let served_a = one.serve("shared", &a.addr(), Add).unwrap();
    let served_b = two.serve("shared", &b.addr(), Add).unwrap();

    let remote = asking.remote::<u64, u64>("shared");
    for _ in 0..40 {
        remote.ask(&1, ASK).unwrap();
    }
    // Each request went to exactly one of them.
    assert_eq!(served_a.requests() + served_b.requests(), 40);
    drop((served_a, served_b));
    a.addr().close();
    b.addr().close();
    let (total_a, total_b) = (a.join().into_state().0, b.join().into_state().0);
    assert_eq!(total_a + total_b, 40);
}

#[test]
fn failures_are_values() {
    let server = NatsServer::start();
    let nats = Nats::connect(&server.url()).unwrap();

    // Nobody serves it.
    let nobody = nats.remote::<u64, u64>("nobody");
    assert_eq!(
        nobody.ask(&1, ASK),
        Err(NatsError::NoResponders {
            subject: "nobody".into()
        })
    );

    // An actor that keeps its requests and never answers.
    let (kept_tx, kept) = mpsc::channel();
    let silent = actor_core::spawn_fn(move |inbox: Inbox<Add>| {
        loop {
            let _ = kept_tx.send(inbox.recv()?);
        }
    });
    let _served = nats
        .serve_with(
            "silent",
            &silent.addr(),
            Add,
            ServeOptions::new().reply_timeout(Duration::from_secs(60)),
        )
        .unwrap();
    let err = nats
        .remote::<u64, u64>("silent")
        .ask(&1, Duration::from_millis(100))
        .unwrap_err();
    assert_eq!(
        err,
        NatsError::Timeout {
            subject: "silent".into(),
            timeout: Duration::from_millis(100)
        }
    );
    assert!(err.is_timeout());
    let _first = kept.recv_timeout(DEADLINE).unwrap();

    // The serving side's own deadline: answered with a failure.
    let _slow = nats
        .serve_with(
            "slow",
            &silent.addr(),
            Add,
            ServeOptions::new().reply_timeout(Duration::from_millis(50)),
        )
        .unwrap();
    assert_eq!(
        nats.remote::<u64, u64>("slow").ask(&1, ASK),
        Err(NatsError::Remote {
            subject: "slow".into(),
            failure: RemoteFailure::Timeout
        })
    );

    // A request of the wrong type is refused by the server, which says why.
    let counter = actor_core::spawn(Counter(0));
    let served = nats.serve("counter", &counter.addr(), Add).unwrap();
    let err = nats
        .remote::<String, u64>("counter")
        .ask(&"five".to_string(), ASK)
        .unwrap_err();
    let NatsError::Remote {
        failure: RemoteFailure::BadRequest(why),
        ..
    } = err
    else {
        panic!("{err:?}");
    };
    assert!(why.contains("\"String\", not \"u64\""), "{why}");
    assert_eq!(served.malformed(), 1);

    // A reply of another type than expected is reported, not mis-decoded.
    let err = nats
        .remote::<u64, String>("counter")
        .ask(&5, ASK)
        .unwrap_err();
    assert_eq!(
        err,
        NatsError::WrongType {
            subject: "counter".into(),
            expected: "String".into(),
            found: "u64".into()
        }
    );

    // An actor that has ended.
    counter.addr().close();
    counter.join();
    assert_eq!(
        nats.remote::<u64, u64>("counter").ask(&1, ASK),
        Err(NatsError::Remote {
            subject: "counter".into(),
            failure: RemoteFailure::Stopped
        })
    );

    // A wildcard cannot be asked; an oversized request is not sent.
    assert!(matches!(
        nats.remote::<u64, u64>("counter.*").ask(&1, ASK),
        Err(NatsError::InvalidSubject { .. })
    ));
    let small = Nats::builder()
        .max_payload(32)
        .connect(&server.url())
        .unwrap();
    assert!(matches!(
        small
            .remote::<String, u64>("counter")
            .ask(&"x".repeat(40), ASK),
        Err(NatsError::TooLarge { limit: 32, .. })
    ));
}

#[test]
fn a_full_mailbox_answers_busy() {
    let server = NatsServer::start();
    let nats = Nats::connect(&server.url()).unwrap();
    let (open_tx, open) = mpsc::channel::<()>();
    let (got_tx, got) = mpsc::channel();
    let gated = Builder::new()
        .mailbox(Mailbox::Bounded(1))
        .spawn_fn(move |inbox: Inbox<Add>| {
            let first = inbox.recv()?;
            got_tx.send(()).unwrap();
            open.recv().ok();
            let _ = first.1.reply(first.0);
            loop {
                let Add(n, reply) = inbox.recv()?;
                let _ = reply.reply(n);
            }
        })
        .unwrap();
    let _served = nats
        .serve_with(
            "gated",
            &gated.addr(),
            Add,
            ServeOptions::new().max_pending(8),
        )
        .unwrap();
    let remote = nats.remote::<u64, u64>("gated");

    // The first request is taken and held; the second fills the mailbox of one; the third finds
    // no room and is answered at once.
    let first = {
        let remote = remote.clone();
        std::thread::spawn(move || remote.ask(&1, ASK))
    };
    got.recv_timeout(DEADLINE).unwrap();
    let second = {
        let remote = remote.clone();
        std::thread::spawn(move || remote.ask(&2, ASK))
    };
    let id = gated.id();
    nats_support::eventually("the second request is queued", || {
        actor_core::actors()
            .iter()
            .any(|info| info.id == id && info.mailbox_len == 1)
            .then_some(())
    });
    assert_eq!(
        remote.ask(&3, ASK),
        Err(NatsError::Remote {
            subject: "gated".into(),
            failure: RemoteFailure::Busy
        })
    );
    open_tx.send(()).unwrap();
    assert_eq!(first.join().unwrap(), Ok(1));
    assert_eq!(second.join().unwrap(), Ok(2));
}

#[test]
fn a_raw_client_asks_with_the_documented_payload() {
    let server = NatsServer::start();
    let nats = Nats::connect(&server.url()).unwrap();
    let counter = actor_core::spawn(Counter(10));
    let _served = nats.serve("counter", &counter.addr(), Add).unwrap();

    let mut raw = RawClient::connect(&server);
    raw.subscribe("answers", 1);
    raw.request("counter", "answers", br#"{"v":1,"type":"u64","body":5}"#);
    let reply = raw.next_message();
    assert_eq!(
        String::from_utf8(reply.payload).unwrap(),
        r#"{"v":1,"type":"u64","body":15}"#
    );
    raw.request("counter", "answers", b"garbage");
    let reply = raw.next_message();
    let text = String::from_utf8(reply.payload).unwrap();
    assert!(
        text.starts_with(r#"{"v":1,"error":{"kind":"bad_request","detail":"#),
        "{text}"
    );
}
