//! Thread-free actors: a printer and a recursive counter trading messages on one thread.
//!
//! Mirrors the recipe "Using Generators As an Alternative to Threads" (its `ActorScheduler` with
//! `printer` and `counter`) of the seed. Run: `cargo run --example actor_scheduler`.
//!
//! The counter is an async actor, the recipe's generator: `n = yield` becomes
//! `inbox.recv().await`. The printer is a handler closure, the scheduler's fast path. Every
//! message goes through one FIFO queue, so the lines come out in the same order on every run.
use actor_sched::{Flow, Handle, Inbox, Scheduler};
use examples::Out;

/// The recipe's `counter`: prints each count through the printer and sends itself the next one.
async fn counter(mut inbox: Inbox<u32>, sched: Handle) {
    loop {
        let n = inbox.recv().await;
        if n == 0 {
            break;
        }
        if sched.send("printer", n).is_err() {
            break;
        }
        // Send the next count to the counter task (recursive)
        if sched.send("counter", n - 1).is_err() {
            break;
        }
    }
}

/// Sets up the two actors and runs them until no message is left.
fn try_run(out: &Out) -> Result<(), Box<dyn std::error::Error>> {
    let mut sched = Scheduler::new();

    // Create the initial actors
    let printer_out = out.clone();
    sched.spawn_actor("printer", move |msg: u32, _| {
        printer_out.line(format_args!("Got: {msg}"));
        Flow::Continue
    })?;
    let handle = sched.handle();
    sched.spawn_async_actor("counter", |inbox| counter(inbox, handle))?;

    // Send an initial message to the counter to initiate
    sched.send("counter", 7_u32)?;
    sched.run();
    Ok(())
}

/// Runs the example, writing its lines to `out`.
pub fn run(out: &Out) {
    if let Err(err) = try_run(out) {
        out.line(format_args!("error: {err}"));
    }
}

fn main() {
    run(&Out::stdout());
}
