//! A diagnostic subscriber that numbers and prints every message sent to an exchange.
//!
//! Mirrors the recipe "Implementing Publish/Subscribe Messaging" of the seed (its
//! `DisplayMessages` class). Run: `cargo run --example display_messages`.
use actor_pubsub::{DisplayMessages, Registry};
use examples::Out;

/// Runs the example, writing its lines to `out`.
pub fn run(out: &Out) {
    // A registry of its own keeps the output deterministic even when other code in the process
    // uses the same name; `actor_pubsub::get_exchange("name")` would use the process-wide one.
    let exchanges = Registry::new();
    let exc = exchanges
        .exchange::<&'static str>("name")
        .expect("a fresh registry has no exchange of another type");

    // Python prints `repr(msg)`; the Rust counterpart is `Debug`, so strings show in double
    // quotes: `msg[1]: "some"`.
    let sink = out.clone();
    let d = DisplayMessages::with_sink(move |line| sink.line(line));
    let sub = exc.attach(d.clone());

    exc.send("some");
    exc.send("data");

    drop(sub); // the guard detaches `d` (the recipe leaves it attached)
    debug_assert_eq!(d.count(), 2);
}

fn main() {
    run(&Out::stdout());
}
