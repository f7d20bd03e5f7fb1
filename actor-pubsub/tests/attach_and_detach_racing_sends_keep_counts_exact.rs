//! Attaches and detaches made on one thread and sends made on others: the very next send after
//! an attach or detach sees it, a detached subscriber is dropped at once even if some idle thread
//! sent to it before, a thread that sends to many exchanges of several message types gets each
//! one right, and when attaches and detaches race sends every subscriber's counts are exact once
//! the threads are joined. Threads are ordered with barriers, never with sleeps.

mod common;

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering::SeqCst};
use std::sync::{Arc, Barrier, mpsc};

use actor_pubsub::{DeliveryPolicy, Exchange, Recorder};

#[test]
fn a_thread_that_sent_before_sees_attaches_and_detaches_made_elsewhere() {
    common::finishes("sending around attaches on another thread", || {
        let exc = Arc::new(Exchange::new(DeliveryPolicy::Block));
        let first = Recorder::new();
        let first_sub = exc.attach(first.clone());
        let step = Arc::new(Barrier::new(2));
        let sender = {
            let (exc, step) = (Arc::clone(&exc), Arc::clone(&step));
            std::thread::spawn(move || {
                let mut received = Vec::new();
                for round in 0..3 {
                    received.push(exc.send(round));
                    step.wait(); // sent: the main thread may change the list
                    step.wait(); // changed
                }
                received.push(exc.send(3));
                received
            })
        };
        let second = Recorder::new();
        step.wait();
        let second_sub = exc.attach(second.clone()); // after round 0
        step.wait();
        step.wait();
        assert!(exc.detach(&first_sub)); // after round 1
        step.wait();
        step.wait();
        drop(second_sub); // after round 2
        step.wait();
        assert_eq!(sender.join().unwrap(), [1, 2, 1, 0]);
        assert_eq!(first.messages(), [0, 1]);
        assert_eq!(second.messages(), [1, 2]);
        assert_eq!(first_sub.delivered(), 2);
        assert_eq!(exc.subscriber_count(), 0);
    });
}

/// Tells a channel when it is dropped.
struct DropSignal(mpsc::Sender<()>);

impl Drop for DropSignal {
    fn drop(&mut self) {
        let _ = self.0.send(());
    }
}

#[test]
fn a_detached_subscriber_is_dropped_although_an_idle_thread_sent_to_it() {
    let exc = Arc::new(Exchange::new(DeliveryPolicy::Block));
    let (dropped_tx, dropped) = mpsc::channel();
    let signal = DropSignal(dropped_tx);
    let sub = exc.attach_fn(move |_: u32| {
        let _keep = &signal;
    });
    let (sent, finish) = (Arc::new(Barrier::new(2)), Arc::new(Barrier::new(2)));
    let idle = {
        let (exc, sent, finish) = (Arc::clone(&exc), Arc::clone(&sent), Arc::clone(&finish));
        std::thread::spawn(move || {
            assert_eq!(exc.send(1), 1);
            sent.wait();
            finish.wait(); // idle, alive, its last send long over
        })
    };
    sent.wait();
    drop(sub);
    assert!(
        dropped.try_recv().is_ok(),
        "the exchange still held the detached subscriber"
    );
    finish.wait();
    idle.join().unwrap();
}

#[test]
fn one_thread_sends_to_many_exchanges_of_several_types_in_turn() {
    const EACH: usize = 20;
    const ROUNDS: u32 = 50;
    let numbers: Vec<Exchange<u32>> = (0..EACH).map(|_| Exchange::default()).collect();
    let words: Vec<Exchange<String>> = (0..EACH).map(|_| Exchange::default()).collect();
    let number_seen: Vec<Recorder<u32>> = (0..EACH).map(|_| Recorder::new()).collect();
    let word_seen: Vec<Recorder<String>> = (0..EACH).map(|_| Recorder::new()).collect();
    let mut subs: Vec<_> = numbers
        .iter()
        .zip(&number_seen)
        .map(|(exc, seen)| Some(exc.attach(seen.clone())))
        .collect();
    let word_subs: Vec<_> = words
        .iter()
        .zip(&word_seen)
        .map(|(exc, seen)| exc.attach(seen.clone()))
        .collect();
    for round in 0..ROUNDS {
        if round == ROUNDS / 2 {
            // Every other numbers exchange loses its subscriber halfway.
            for sub in subs.iter_mut().step_by(2) {
                drop(sub.take());
            }
        }
        for (i, (exc, word)) in numbers.iter().zip(&words).enumerate() {
            let attached = usize::from(round < ROUNDS / 2 || i % 2 == 1);
            assert_eq!(exc.send(round), attached);
            assert_eq!(word.send(format!("{i}:{round}")), 1);
        }
    }
    for (i, seen) in number_seen.iter().enumerate() {
        let expected: Vec<u32> = if i % 2 == 0 {
            (0..ROUNDS / 2).collect()
        } else {
            (0..ROUNDS).collect()
        };
        assert_eq!(seen.messages(), expected, "numbers exchange {i}");
    }
    for (i, (seen, sub)) in word_seen.iter().zip(&word_subs).enumerate() {
        let expected: Vec<String> = (0..ROUNDS).map(|round| format!("{i}:{round}")).collect();
        assert_eq!(seen.messages(), expected, "words exchange {i}");
        assert_eq!(sub.delivered(), u64::from(ROUNDS));
    }
    for sub in subs.iter().flatten() {
        assert_eq!(sub.delivered(), u64::from(ROUNDS));
    }
}

const SENDERS: usize = 3;
const PER_SENDER: u64 = 5_000;
const CHURNERS: usize = 2;
/// Attach-detach rounds each churner makes at least, also if the senders finish first.
const MIN_ROUNDS: usize = 200;

#[test]
fn attach_and_detach_racing_sends_keep_every_count_exact() {
    common::finishes("attaching and detaching while others send", || {
        let exc = Arc::new(Exchange::new(DeliveryPolicy::Block));
        let stable_count = Arc::new(AtomicU64::new(0));
        let stable = {
            let count = Arc::clone(&stable_count);
            exc.attach_fn(move |_: u64| {
                count.fetch_add(1, SeqCst);
            })
        };
        let start = Arc::new(Barrier::new(SENDERS + CHURNERS));
        let senders_done = Arc::new(AtomicBool::new(false));

        let churners: Vec<_> = (0..CHURNERS)
            .map(|_| {
                let (exc, start, done) = (
                    Arc::clone(&exc),
                    Arc::clone(&start),
                    Arc::clone(&senders_done),
                );
                std::thread::spawn(move || {
                    start.wait();
                    let mut passed = Vec::new();
                    let mut rounds = 0;
                    while !done.load(SeqCst) || rounds < MIN_ROUNDS {
                        let seen = Recorder::new();
                        let sub = exc.attach(seen.clone());
                        // Now and then a send from this thread too, between the others'.
                        if rounds % 7 == 0 {
                            exc.send(u64::MAX);
                        }
                        let counters = sub.counters();
                        if rounds % 2 == 0 {
                            drop(sub);
                        } else {
                            assert!(exc.detach(&sub));
                        }
                        passed.push((seen, counters));
                        rounds += 1;
                    }
                    passed
                })
            })
            .collect();
        let senders: Vec<_> = (0..SENDERS)
            .map(|_| {
                let (exc, start) = (Arc::clone(&exc), Arc::clone(&start));
                std::thread::spawn(move || {
                    start.wait();
                    (0..PER_SENDER).map(|n| exc.send(n)).sum::<usize>()
                })
            })
            .collect();

        let received: usize = senders.into_iter().map(|s| s.join().unwrap()).sum();
        senders_done.store(true, SeqCst);
        let passed: Vec<_> = churners
            .into_iter()
            .flat_map(|c| c.join().unwrap())
            .collect();

        // Every send is over: the counts are exact.
        let churner_sends = stable.delivered() - SENDERS as u64 * PER_SENDER;
        assert_eq!(stable_count.load(SeqCst), stable.delivered());
        assert_eq!(stable.dropped(), 0);
        let mut passing_received = 0;
        for (seen, counters) in &passed {
            let got = seen.messages();
            assert_eq!(counters.delivered(), got.len() as u64);
            assert_eq!(counters.dropped(), 0);
            assert!(!counters.is_attached());
            passing_received += got.iter().filter(|&&n| n != u64::MAX).count();
        }
        // What the senders were told they reached: the stable subscriber every time, and each
        // passing subscriber once per message of theirs it recorded.
        assert_eq!(received, SENDERS * PER_SENDER as usize + passing_received);
        assert!(churner_sends > 0);
        assert_eq!(exc.subscriber_count(), 1);
    });
}
