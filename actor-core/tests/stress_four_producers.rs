//! Stress: 4 producer threads x 100,000 messages to one actor. The count is exact, every
//! producer's order is kept, and every message is dropped exactly once (none lost, none twice).

use std::sync::atomic::{AtomicUsize, Ordering};

mod common;

use actor_core::{Actor, Context, Mailbox};
use common::Exec;

const PRODUCERS: usize = 4;
const PER_PRODUCER: u64 = 100_000;

static CREATED: AtomicUsize = AtomicUsize::new(0);
static DROPPED: AtomicUsize = AtomicUsize::new(0);

/// A message that counts its own drops.
struct Tracked {
    producer: usize,
    seq: u64,
}

impl Tracked {
    fn new(producer: usize, seq: u64) -> Tracked {
        CREATED.fetch_add(1, Ordering::SeqCst);
        Tracked { producer, seq }
    }
}

impl Drop for Tracked {
    fn drop(&mut self) {
        DROPPED.fetch_add(1, Ordering::SeqCst);
    }
}

struct Checker {
    next: [u64; PRODUCERS],
    total: u64,
}

impl Actor for Checker {
    type Msg = Tracked;
    fn handle(&mut self, msg: Tracked, _ctx: &mut Context<Self>) {
        assert_eq!(
            msg.seq, self.next[msg.producer],
            "producer {} out of order",
            msg.producer
        );
        self.next[msg.producer] += 1;
        self.total += 1;
    }
}

fn run(exec: Exec, mailbox: Mailbox) {
    let handle = exec
        .builder()
        .mailbox(mailbox)
        .spawn(Checker {
            next: [0; PRODUCERS],
            total: 0,
        })
        .unwrap();
    std::thread::scope(|scope| {
        for producer in 0..PRODUCERS {
            let addr = handle.addr();
            scope.spawn(move || {
                for seq in 0..PER_PRODUCER {
                    addr.send(Tracked::new(producer, seq)).unwrap();
                }
            });
        }
    });
    let outcome = handle.join();
    assert!(!outcome.is_panic(), "{:?}", outcome.reason());
    let checker = outcome.into_state();
    assert_eq!(checker.total, PRODUCERS as u64 * PER_PRODUCER);
    assert_eq!(checker.next, [PER_PRODUCER; PRODUCERS]);
}

#[test]
fn stress_four_producers_unbounded_and_bounded() {
    // One test runs every case so the global drop counters are not shared with another test.
    for exec in [Exec::Thread, Exec::Pool] {
        run(exec, Mailbox::Unbounded);
        run(exec, Mailbox::Bounded(64));
    }
    let created = CREATED.load(Ordering::SeqCst);
    assert_eq!(created, 4 * PRODUCERS * PER_PRODUCER as usize);
    assert_eq!(
        DROPPED.load(Ordering::SeqCst),
        created,
        "every message dropped exactly once"
    );
}
