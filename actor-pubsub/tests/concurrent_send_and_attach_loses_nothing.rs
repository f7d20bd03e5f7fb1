//! Several threads send at once while others attach and detach subscribers. Every subscriber
//! attached for the whole run receives every message exactly once, each sender's messages in
//! that sender's order; a subscriber attached for part of the run receives, per sender, one
//! unbroken run of that sender's messages. No message is leaked or dropped twice.

mod common;

use std::sync::atomic::{AtomicBool, AtomicIsize, Ordering::SeqCst};
use std::sync::{Arc, Barrier};

use actor_core::{Actor, Builder, Context, Mailbox};
use actor_pubsub::{DeliveryPolicy, Exchange, Recorder};

const SENDERS: usize = 4;
const PER_SENDER: usize = 10_000;
const CHURNERS: usize = 2;

/// Messages alive right now: every creation and clone adds one, every drop takes one away.
static LIVE: AtomicIsize = AtomicIsize::new(0);

struct Msg {
    sender: usize,
    seq: usize,
}

impl Msg {
    fn new(sender: usize, seq: usize) -> Msg {
        LIVE.fetch_add(1, SeqCst);
        Msg { sender, seq }
    }

    fn key(&self) -> (usize, usize) {
        (self.sender, self.seq)
    }
}

impl Clone for Msg {
    fn clone(&self) -> Msg {
        Msg::new(self.sender, self.seq)
    }
}

impl Drop for Msg {
    fn drop(&mut self) {
        LIVE.fetch_sub(1, SeqCst);
    }
}

/// Keeps the `(sender, seq)` of each message it handles.
struct Collect(Vec<(usize, usize)>);

impl Actor for Collect {
    type Msg = Msg;
    fn handle(&mut self, msg: Msg, _ctx: &mut Context<Self>) {
        self.0.push(msg.key());
    }
}

/// Per sender, the sequence numbers received, in arrival order.
fn by_sender(keys: &[(usize, usize)]) -> Vec<Vec<usize>> {
    let mut per = vec![Vec::new(); SENDERS];
    for &(sender, seq) in keys {
        per[sender].push(seq);
    }
    per
}

fn assert_everything_in_order(what: &str, keys: &[(usize, usize)]) {
    let expected: Vec<usize> = (0..PER_SENDER).collect();
    for (sender, seqs) in by_sender(keys).iter().enumerate() {
        assert!(
            *seqs == expected,
            "{what}: sender {sender}: got {} messages, expected 0..{PER_SENDER} in order",
            seqs.len()
        );
    }
}

fn assert_unbroken_runs(what: &str, keys: &[(usize, usize)]) {
    for (sender, seqs) in by_sender(keys).iter().enumerate() {
        for pair in seqs.windows(2) {
            assert_eq!(
                pair[1],
                pair[0] + 1,
                "{what}: sender {sender}: a gap or reordering in {seqs:?}"
            );
        }
    }
}

#[test]
fn concurrent_send_attach_and_detach_lose_nothing() {
    common::finishes("the concurrent run", run);
    assert_eq!(
        LIVE.load(SeqCst),
        0,
        "a message leaked or was dropped twice"
    );
}

fn run() {
    let exc = Arc::new(Exchange::new(DeliveryPolicy::Block));

    // Attached through the whole run.
    let recorder = Recorder::new();
    let recorder_sub = exc.attach(recorder.clone());
    let unbounded = actor_core::spawn(Collect(Vec::new()));
    let unbounded_sub = exc.attach(unbounded.addr());
    let bounded = Builder::new()
        .mailbox(Mailbox::Bounded(16)) // senders block on it now and then
        .spawn(Collect(Vec::new()))
        .unwrap();
    let bounded_sub = exc.attach(bounded.addr());
    let (channel_tx, channel_rx) = actor_core::channel::unbounded();
    let channel_sub = exc.attach(channel_tx);

    let start = Arc::new(Barrier::new(SENDERS + CHURNERS));
    let done = Arc::new(AtomicBool::new(false));

    let churners: Vec<_> = (0..CHURNERS)
        .map(|_| {
            let (exc, start, done) = (Arc::clone(&exc), Arc::clone(&start), Arc::clone(&done));
            std::thread::spawn(move || {
                start.wait();
                let mut passed = Vec::new();
                while !done.load(SeqCst) || passed.is_empty() {
                    let passing = Recorder::new();
                    let sub = exc.attach(passing.clone());
                    let _other = exc.attach_fn(|_: Msg| {});
                    std::thread::yield_now();
                    passed.push((passing, sub.counters()));
                }
                passed
            })
        })
        .collect();

    let senders: Vec<_> = (0..SENDERS)
        .map(|sender| {
            let (exc, start) = (Arc::clone(&exc), Arc::clone(&start));
            std::thread::spawn(move || {
                start.wait();
                for seq in 0..PER_SENDER {
                    // The four stable subscribers at least, plus whoever is passing through.
                    assert!(exc.send(Msg::new(sender, seq)) >= 4);
                }
            })
        })
        .collect();

    for sender in senders {
        sender.join().expect("a sender panicked");
    }
    done.store(true, SeqCst);
    let passed: Vec<_> = churners
        .into_iter()
        .flat_map(|churner| churner.join().expect("a churner panicked"))
        .collect();
    assert_eq!(exc.subscriber_count(), 4);
    // Every send is over: the counters are exact now.
    for (passing, counters) in passed {
        let keys: Vec<_> = passing.take().iter().map(Msg::key).collect();
        assert_unbroken_runs("a passing subscriber", &keys);
        assert_eq!(counters.delivered(), keys.len() as u64);
        assert_eq!(counters.dropped(), 0);
        assert!(!counters.is_attached());
    }
    for sub in [&recorder_sub, &unbounded_sub, &bounded_sub, &channel_sub] {
        assert_eq!(sub.delivered(), (SENDERS * PER_SENDER) as u64);
        assert_eq!(sub.dropped(), 0);
    }

    let recorded: Vec<_> = recorder.take().iter().map(Msg::key).collect();
    assert_everything_in_order("the recorder", &recorded);
    let channelled: Vec<_> = channel_rx.try_iter().map(|m| m.key()).collect();
    assert_everything_in_order("the channel", &channelled);
    drop(exc); // the actors' last other addresses go with it
    assert_everything_in_order("the unbounded actor", &unbounded.join().into_state().0);
    assert_everything_in_order("the bounded actor", &bounded.join().into_state().0);
}
