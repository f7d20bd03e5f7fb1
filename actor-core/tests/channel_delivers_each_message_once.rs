//! Several producers and several consumers on one channel: every message reaches exactly one
//! consumer, each consumer sees each producer's messages in order, and none is dropped twice or
//! leaked.

use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};

use actor_core::channel;

static DROPS: AtomicUsize = AtomicUsize::new(0);

#[derive(Debug)]
struct Tracked {
    producer: usize,
    seq: usize,
}

impl Drop for Tracked {
    fn drop(&mut self) {
        DROPS.fetch_add(1, SeqCst);
    }
}

const PRODUCERS: usize = 4;
const CONSUMERS: usize = 4;
const PER_PRODUCER: usize = 10_000;

#[test]
fn many_producers_many_consumers_each_message_once_in_order() {
    for (tx, rx) in [
        channel::unbounded(),
        channel::bounded(16),
        channel::bounded(0),
    ] {
        DROPS.store(0, SeqCst);
        let producers: Vec<_> = (0..PRODUCERS)
            .map(|producer| {
                let tx = tx.clone();
                std::thread::spawn(move || {
                    for seq in 0..PER_PRODUCER {
                        tx.send(Tracked { producer, seq }).unwrap();
                    }
                })
            })
            .collect();
        drop(tx);
        let consumers: Vec<_> = (0..CONSUMERS)
            .map(|_| {
                let rx = rx.clone();
                std::thread::spawn(move || {
                    let mut last = [None::<usize>; PRODUCERS];
                    let mut count = vec![0usize; PRODUCERS];
                    for msg in &rx {
                        assert!(
                            last[msg.producer] < Some(msg.seq),
                            "per-producer order kept"
                        );
                        last[msg.producer] = Some(msg.seq);
                        count[msg.producer] += 1;
                    }
                    count
                })
            })
            .collect();
        drop(rx);
        for producer in producers {
            producer.join().unwrap();
        }
        let mut total = vec![0usize; PRODUCERS];
        for consumer in consumers {
            for (sum, n) in total.iter_mut().zip(consumer.join().unwrap()) {
                *sum += n;
            }
        }
        assert_eq!(total, vec![PER_PRODUCER; PRODUCERS]);
        assert_eq!(DROPS.load(SeqCst), PRODUCERS * PER_PRODUCER);
    }
}

#[test]
fn values_left_in_a_dropped_channel_are_dropped_once() {
    // Its own counter: the other test resets `DROPS`.
    static LEFT: AtomicUsize = AtomicUsize::new(0);
    struct Left;
    impl Drop for Left {
        fn drop(&mut self) {
            LEFT.fetch_add(1, SeqCst);
        }
    }
    let (tx, rx) = channel::bounded(8);
    for _ in 0..5 {
        tx.send(Left).unwrap();
    }
    drop(rx.recv().unwrap());
    drop((tx, rx));
    assert_eq!(LEFT.load(SeqCst), 5);
}
