//! Two OS processes through a real `nats-server`: this test binary runs itself again as the
//! child, which serves a counter actor and answers each note bridged to it with one of its own;
//! the parent asks the counter and exchanges bridged messages with it.
#![cfg(feature = "nats")]

mod nats_support;

use std::io::{BufRead, BufReader, Read};
use std::process::{Command, Stdio};
use std::sync::{Arc, mpsc};
use std::time::Duration;

use actor_pubsub::nats::Nats;
use actor_pubsub::{DeliveryPolicy, Exchange};
use nats_support::{Add, Counter, DEADLINE, NatsServer};

/// Set for the child process: the server's URL.
const CHILD_URL: &str = "ACTOR_PUBSUB_NATS_CHILD_URL";

/// The child's part: does nothing unless started by the parent.
#[test]
fn child_role() {
    let Ok(url) = std::env::var(CHILD_URL) else {
        return;
    };
    let nats = Nats::connect(&url).unwrap();
    let counter = actor_core::spawn(Counter(0));
    let _served = nats.serve("proc.counter", &counter.addr(), Add).unwrap();
    let down = Arc::new(Exchange::<String>::new(DeliveryPolicy::Block));
    let up = Arc::new(Exchange::<String>::new(DeliveryPolicy::Block));
    let _down_bridge = nats.bridge(&down, "proc.down").unwrap();
    let _up_bridge = nats.bridge(&up, "proc.up").unwrap();
    let answer = Arc::clone(&up);
    let _sub = down.attach_fn(move |note: String| {
        answer.send(format!("child got {note}"));
    });
    println!("child ready");
    // The parent closes our stdin when done; the deadline ends a forgotten child.
    let (done_tx, done) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = std::io::stdin().read(&mut [0u8; 1]);
        let _ = done_tx.send(());
    });
    let _ = done.recv_timeout(DEADLINE);
}

#[test]
fn two_processes_ask_and_exchange() {
    if std::env::var(CHILD_URL).is_ok() {
        return;
    }
    let server = NatsServer::start();
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "child_role",
            "--nocapture",
            "--test-threads",
            "1",
        ])
        .env(CHILD_URL, server.url())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    // Wait for the child's ready line (bounded: the child ends itself at its deadline).
    let (ready_tx, ready) = mpsc::channel();
    let stdout = child.stdout.take().unwrap();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if line.contains("child ready") {
                let _ = ready_tx.send(());
            }
        }
    });
    ready
        .recv_timeout(DEADLINE)
        .expect("the child process did not get ready");

    let nats = Nats::connect(&server.url()).unwrap();
    let counter = nats.remote::<u64, u64>("proc.counter");
    assert_eq!(counter.ask(&5, Duration::from_secs(5)), Ok(5));
    assert_eq!(counter.ask(&7, Duration::from_secs(5)), Ok(12));

    let down = Arc::new(Exchange::<String>::new(DeliveryPolicy::Block));
    let up = Arc::new(Exchange::<String>::new(DeliveryPolicy::Block));
    let (seen_tx, seen) = mpsc::channel();
    let _sub = up.attach(move |note: String| {
        let _ = seen_tx.send(note);
    });
    let _up_bridge = nats.bridge(&up, "proc.up").unwrap();
    let _down_bridge = nats.bridge(&down, "proc.down").unwrap();
    down.send("hello".to_string());
    down.send("world".to_string());
    let first = seen.recv_timeout(DEADLINE).unwrap();
    let second = seen.recv_timeout(DEADLINE).unwrap();
    assert_eq!([first, second], ["child got hello", "child got world"]);

    drop(child.stdin.take());
    let status = child.wait().unwrap();
    assert!(status.success(), "the child failed: {status}");
}
