//! Contract 1: messages from one sender are handled in the order sent.

mod common;

use actor_core::{Actor, Context};
use common::{Exec, on_every_executor};
use proptest::prelude::*;

/// Records every message: (sender, sequence number).
struct Record(Vec<(usize, u32)>);

impl Actor for Record {
    type Msg = (usize, u32);
    fn handle(&mut self, msg: (usize, u32), _ctx: &mut Context<Self>) {
        self.0.push(msg);
    }
}

on_every_executor! {
fn per_sender_fifo_single_sender(exec) {
    let handle = exec.spawn(Record(Vec::new()));
    let addr = handle.addr();
    for n in 0..10_000 {
        addr.send((0, n)).unwrap();
    }
    drop(addr);
    let seen: Vec<u32> = handle.join().into_state().0.iter().map(|m| m.1).collect();
    assert_eq!(seen, (0..10_000).collect::<Vec<_>>());
}
}

/// Any number of senders with any number of messages each: every sender's messages arrive
/// complete and in its order, whatever the interleaving.
fn many_senders(exec: Exec, counts: &[u32]) -> Result<(), TestCaseError> {
    let handle = exec.spawn(Record(Vec::new()));
    std::thread::scope(|scope| {
        for (sender, &count) in counts.iter().enumerate() {
            let addr = handle.addr();
            scope.spawn(move || {
                for n in 0..count {
                    addr.send((sender, n)).unwrap();
                }
            });
        }
    });
    let outcome = handle.join();
    prop_assert!(!outcome.is_panic());
    let seen = outcome.into_state().0;
    for (sender, &count) in counts.iter().enumerate() {
        let mine: Vec<u32> = seen.iter().filter(|m| m.0 == sender).map(|m| m.1).collect();
        prop_assert_eq!(mine, (0..count).collect::<Vec<_>>());
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(32))]

    #[test]
    fn per_sender_fifo_many_senders_thread(counts in prop::collection::vec(0u32..300, 1..6)) {
        many_senders(Exec::Thread, &counts)?;
    }

    #[test]
    fn per_sender_fifo_many_senders_pool(counts in prop::collection::vec(0u32..300, 1..6)) {
        many_senders(Exec::Pool, &counts)?;
    }
}
