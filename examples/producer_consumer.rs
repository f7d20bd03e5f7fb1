//! A producer and consumers sharing one queue; a sentinel value shuts several consumers down.
//!
//! Mirrors the recipe "Communicating Between Threads" of the seed (its first two programs).
//! Run: `cargo run --example producer_consumer`.
//!
//! The first program ends without a sentinel: when the producer is done it drops its `Sender`,
//! and the consumer's loop ends once the queue is empty. The second puts the recipe's sentinel in
//! the queue; each consumer that takes it puts it back, so one sentinel stops them all.
use actor_core::channel::{self, Receiver, Sender};
use examples::Out;

/// What travels through the queue of the sentinel form: data, or the recipe's `_sentinel`.
#[derive(Clone, Copy)]
enum Item {
    Data(u32),
    Sentinel,
}

/// The recipe's producer: puts `1..=5`, then the sentinel.
fn producer(out_q: Sender<Item>) {
    for data in 1..=5 {
        out_q.send(Item::Data(data)).unwrap();
    }
    out_q.send(Item::Sentinel).unwrap();
}

/// The recipe's consumer: takes items until the sentinel, which it puts back for the others.
/// Prints each item if given an `Out`; returns what it took.
fn consumer(in_q: Receiver<Item>, in_q_put: Sender<Item>, print: Option<Out>) -> Vec<u32> {
    let mut taken = Vec::new();
    loop {
        match in_q.recv().unwrap() {
            Item::Sentinel => {
                in_q_put.send(Item::Sentinel).unwrap();
                return taken;
            }
            Item::Data(data) => {
                if let Some(out) = &print {
                    out.line(data);
                }
                taken.push(data);
            }
        }
    }
}

/// Runs the example, writing its lines to `out`.
pub fn run(out: &Out) {
    // 1. The plain queue: the consumer prints each item; the producer's drop ends the loop.
    out.line("queue, one consumer:");
    let (q_tx, q_rx) = channel::unbounded();
    let printer = out.clone();
    let t1 = std::thread::spawn(move || {
        for data in q_rx.iter() {
            printer.line(data);
        }
    });
    let t2 = std::thread::spawn(move || {
        for data in 1..=5 {
            q_tx.send(data).unwrap();
        }
    });
    t2.join().unwrap();
    t1.join().unwrap();

    // 2. The sentinel with one consumer: it prints the data in order.
    out.line("sentinel, one consumer:");
    let (q_tx, q_rx) = channel::unbounded();
    let put_back = q_tx.clone();
    let t2 = std::thread::spawn(move || producer(q_tx));
    let printer = out.clone();
    let t1 = std::thread::spawn(move || consumer(q_rx, put_back, Some(printer)));
    t2.join().unwrap();
    t1.join().unwrap();

    // 3. The sentinel with three consumers: each stops at the sentinel and passes it on. Which
    // consumer takes which item varies from run to run; together they take each item once.
    let (q_tx, q_rx) = channel::unbounded();
    let consumers: Vec<_> = (0..3)
        .map(|_| {
            let (in_q, put_back) = (q_rx.clone(), q_tx.clone());
            std::thread::spawn(move || consumer(in_q, put_back, None))
        })
        .collect();
    producer(q_tx);
    let mut handled: Vec<u32> = Vec::new();
    let mut stopped = 0;
    for consumer in consumers {
        handled.extend(consumer.join().unwrap());
        stopped += 1;
    }
    handled.sort_unstable();
    let handled: Vec<String> = handled.iter().map(u32::to_string).collect();
    out.line(format_args!(
        "sentinel, {stopped} consumers: all stopped; together they handled {}",
        handled.join(" ")
    ));
}

fn main() {
    run(&Out::stdout());
}
