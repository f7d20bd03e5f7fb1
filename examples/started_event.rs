//! Learning that a thread has started, with an `Event`.
//!
//! Mirrors the recipe "Determining If a Thread Has Started" of the seed: the countdown thread
//! sets `started_evt`, the main thread waits for it and prints `countdown is running`. Run:
//! `cargo run --example started_event`.
//!
//! In the recipe, where `countdown is running` lands among the `T-minus` lines is left to the
//! scheduler. Here the thread sets the event once it is counting, and waits for the main
//! thread's answer (a second `Event`) before its next tick, so the lines always come in the
//! seed's order.
use std::sync::Arc;
use std::thread;
use std::time::Duration;

use actor_core::Event;
use examples::Out;

/// One tick of the countdown (the recipe sleeps 1 s).
const TICK: Duration = Duration::from_millis(50);

fn countdown(out: &Out, mut n: u32, started_evt: &Event, answered: &Event) {
    out.line("countdown starting");
    let mut first = true;
    while n > 0 {
        out.line(format_args!("T-minus {n}"));
        if first {
            started_evt.set(); // the countdown is running
            answered.wait(); // only to keep the output in the seed's order
            first = false;
        }
        n -= 1;
        thread::sleep(TICK);
    }
}

/// Runs the example, writing its lines to `out`.
pub fn run(out: &Out) {
    let started_evt = Arc::new(Event::new());
    let answered = Arc::new(Event::new());
    out.line("Launching countdown");
    let t = {
        let (out, started_evt, answered) =
            (out.clone(), Arc::clone(&started_evt), Arc::clone(&answered));
        thread::spawn(move || countdown(&out, 5, &started_evt, &answered))
    };

    // wait for the thread to start
    started_evt.wait();
    out.line("countdown is running");
    answered.set();

    t.join().expect("the countdown panicked");
}

fn main() {
    run(&Out::stdout());
}
