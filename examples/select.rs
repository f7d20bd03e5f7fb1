//! A consumer that serves several queues at once: it handles whichever has a message first and
//! stops when none has had one for a while.
//!
//! Mirrors the recipe "Polling Multiple Thread Queues" of the seed (its last heading).
//! Run: `cargo run --example select`.
//!
//! The consumer does not poll the queues in turn: it parks on all of them together
//! ([`Select`] for queues of different types, [`recv_any_timeout`] for queues of one type) and
//! wakes for the first message or at the timeout.
use std::time::Duration;

use actor_core::channel::{self, RecvTimeoutError};
use actor_core::{Select, recv_any_timeout};
use examples::Out;

/// How long the consumer waits for any queue before it stops.
const QUIET: Duration = Duration::from_millis(250);
/// The producers' pace.
const TICK: Duration = Duration::from_millis(10);

/// Runs the example, writing its lines to `out`.
pub fn run(out: &Out) {
    // Two queues of different types, each fed by its own thread.
    let (num_tx, numbers) = channel::unbounded::<u32>();
    let (word_tx, words) = channel::unbounded::<&'static str>();
    let num_producer = std::thread::spawn(move || {
        for n in 1..=3 {
            num_tx.send(n).unwrap();
            std::thread::sleep(TICK);
        }
    });
    let word_producer = std::thread::spawn(move || {
        for word in ["alpha", "beta", "gamma"] {
            word_tx.send(word).unwrap();
            std::thread::sleep(TICK);
        }
    });

    let mut sel = Select::new();
    let num_op = sel.recv(&numbers);
    let word_op = sel.recv(&words);
    loop {
        let Ok(op) = sel.select_timeout(QUIET) else {
            out.line(format_args!("no message for {QUIET:?}: stopping"));
            break;
        };
        let index = op.index();
        let closed = if index == num_op {
            op.recv(&numbers)
                .map(|n| out.line(format_args!("number {n}")))
                .is_err()
        } else {
            op.recv(&words)
                .map(|w| out.line(format_args!("word {w}")))
                .is_err()
        };
        if closed {
            // A closed queue is always "ready"; stop watching it.
            out.line(if index == word_op {
                "words closed"
            } else {
                "numbers closed"
            });
            sel.remove(index);
        }
    }
    num_producer.join().unwrap();
    word_producer.join().unwrap();

    // Three queues of one type: `recv_any_timeout` says which queue each message came from.
    let queues: Vec<_> = (0..3).map(|_| channel::unbounded::<String>()).collect();
    for (i, (tx, _)) in queues.iter().enumerate() {
        let tx = tx.clone();
        std::thread::spawn(move || tx.send(format!("job {}", i * 10)).unwrap());
    }
    let (senders, receivers): (Vec<_>, Vec<_>) = queues.into_iter().unzip();
    drop(senders); // each queue closes once its thread has sent
    let receivers: Vec<_> = receivers.iter().collect();
    loop {
        match recv_any_timeout(&receivers, QUIET) {
            Ok((i, job)) => out.line(format_args!("queue {i}: {job}")),
            Err(RecvTimeoutError::Closed) => break out.line("every queue closed"),
            Err(RecvTimeoutError::Timeout) => break out.line("no job for a while: stopping"),
        }
    }
}

fn main() {
    run(&Out::stdout());
}
