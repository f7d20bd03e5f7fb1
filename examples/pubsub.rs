//! Publish/subscribe through a named exchange: two tasks attach, receive two messages, detach.
//!
//! Mirrors the recipe "Implementing Publish/Subscribe Messaging" of the seed (`Exchange`,
//! `get_exchange`, `Task`). Run: `cargo run --example pubsub`.
use actor_pubsub::{Delivery, Registry, Subscriber, Wait};
use examples::Out;

/// The recipe's `Task`: a plain object whose `send` prints what it received.
struct Task {
    name: &'static str,
    out: Out,
}

impl Subscriber<&'static str> for Task {
    fn deliver(&self, msg: &'static str, _wait: Wait) -> Delivery<&'static str> {
        self.out.line(format_args!("{} received {msg}", self.name));
        Delivery::Delivered
    }
}

/// Runs the example, writing its lines to `out`.
pub fn run(out: &Out) {
    // The recipe keeps its exchanges in a module-level dictionary; a `Registry` is that
    // dictionary as a value (`actor_pubsub::get_exchange` uses a process-wide one).
    let exchanges = Registry::new();
    let exc = exchanges
        .exchange::<&'static str>("name")
        .expect("a fresh registry has no exchange of another type");

    let task_a = Task {
        name: "task_a",
        out: out.clone(),
    };
    let task_b = Task {
        name: "task_b",
        out: out.clone(),
    };
    let sub_a = exc.attach(task_a);
    let sub_b = exc.attach(task_b);

    // Subscribers receive in attach order.
    exc.send("msg1");
    exc.send("msg2");

    // Unsubscribing: by handle, or by dropping the subscription.
    exc.detach(&sub_a);
    drop(sub_b);
    debug_assert_eq!(exc.subscriber_count(), 0);
    debug_assert_eq!(exc.send("msg3"), 0);
}

fn main() {
    run(&Out::stdout());
}
