//! Generator-style tasks taking turns on one thread: two countdowns and a count-up, interleaved.
//!
//! Mirrors the recipe "Using Generators As an Alternative to Threads" (its `TaskScheduler`) of the
//! seed. Run: `cargo run --example task_scheduler`.
//!
//! An `async fn` is Rust's generator and `yield_now().await` its bare `yield`. The scheduler runs
//! the task at the front of its queue to the next yield and puts it at the back, until all are done.
use actor_sched::{Scheduler, yield_now};
use examples::Out;

/// Counts down from `n`, one line per turn, then blasts off.
async fn countdown(mut n: u32, out: Out) {
    while n > 0 {
        out.line(format_args!("T-minus {n}"));
        yield_now().await;
        n -= 1;
    }
    out.line("Blastoff!");
}

/// Counts up from 0 to below `n`, one line per turn.
async fn countup(n: u32, out: Out) {
    let mut x = 0;
    while x < n {
        out.line(format_args!("Counting up {x}"));
        yield_now().await;
        x += 1;
    }
}

/// Runs the example, writing its lines to `out`.
pub fn run(out: &Out) {
    let mut sched = Scheduler::new();
    sched.spawn(countdown(10, out.clone()));
    sched.spawn(countdown(5, out.clone()));
    sched.spawn(countup(15, out.clone()));
    sched.run();
}

fn main() {
    run(&Out::stdout());
}
