//! A producer that waits until the consumer has handled each item before sending the next.
//!
//! Mirrors the recipe "Communicating Between Threads" of the seed (the program that pairs each
//! item with an `Event`). Run: `cargo run --example acknowledged`.
//!
//! The producer pops `5, 4, 3, 2, 1` off its collection and sends each with a fresh [`Event`];
//! the consumer prints the item and sets the event; the producer waits for it. So the lines come
//! out in exactly the order sent, one at a time.
use std::sync::Arc;

use actor_core::Event;
use actor_core::channel::{self, Receiver, Sender};
use examples::Out;

/// The recipe's producer: one item at a time, each acknowledged before the next.
fn producer(out_q: Sender<(u32, Arc<Event>)>) {
    let mut collection: Vec<u32> = (1..6).collect();
    while let Some(data) = collection.pop() {
        let evt = Arc::new(Event::new());
        out_q.send((data, Arc::clone(&evt))).unwrap();
        evt.wait();
    }
    // Dropping `out_q` here ends the consumer's loop.
}

/// The recipe's consumer: prints each item, then sets its event.
fn consumer(in_q: Receiver<(u32, Arc<Event>)>, out: Out) {
    for (data, evt) in in_q.iter() {
        out.line(data);
        evt.set();
    }
}

/// Runs the example, writing its lines to `out`.
pub fn run(out: &Out) {
    let (q_tx, q_rx) = channel::unbounded();
    let printer = out.clone();
    let t1 = std::thread::spawn(move || consumer(q_rx, printer));
    let t2 = std::thread::spawn(move || producer(q_tx));
    t2.join().unwrap();
    t1.join().unwrap();
}

fn main() {
    run(&Out::stdout());
}
