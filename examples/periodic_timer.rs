//! Threads that keep step with a periodic `Ticker`, and an actor driven by `send_interval`.
//!
//! Mirrors the recipe "PeriodicTimer" (in "Determining If a Thread Has Started") of the seed: a
//! `countdown` and a `countup` thread each wait for the timer's ticks. Run:
//! `cargo run --example periodic_timer`.
//!
//! The two threads print on the same ticks, so their lines interleave differently from run to
//! run; each thread's own lines are always in order. Then the same countdown as an actor: the
//! timer service sends it a `Tick` each interval, with no thread of its own per timer.
use std::time::Duration;

use actor_core::{Inbox, Ticker};
use examples::Out;

/// The timer's interval (the recipe's is 2 s).
const INTERVAL: Duration = Duration::from_millis(25);

fn countdown(ptimer: &Ticker, out: &Out, mut nticks: u32) {
    while nticks > 0 {
        ptimer.wait_for_tick().expect("the ticker runs");
        out.line(format_args!("T-minus {nticks}"));
        nticks -= 1;
    }
}

fn countup(ptimer: &Ticker, out: &Out, last: u32) {
    let mut n = 0;
    while n < last {
        ptimer.wait_for_tick().expect("the ticker runs");
        out.line(format_args!("Counting {n}"));
        n += 1;
    }
}

struct Tick;

/// Runs the example, writing its lines to `out`.
pub fn run(out: &Out) {
    // ptimer = PeriodicTimer(2); ptimer.start()
    let ptimer = Ticker::new(INTERVAL);
    std::thread::scope(|s| {
        s.spawn(|| countdown(&ptimer, out, 10));
        s.spawn(|| countup(&ptimer, out, 5));
    });
    drop(ptimer); // stops the ticker and ends its thread

    // The countdown as an actor, woken by an interval timer instead of a waiting thread.
    let printer = out.clone();
    let actor = actor_core::spawn_fn(move |inbox: Inbox<Tick>| {
        for n in (1..=3).rev() {
            let Tick = inbox.recv()?;
            printer.line(format_args!("actor: T-minus {n}"));
        }
        printer.line("actor: Blastoff!");
        Ok(())
    });
    let timer = actor_core::send_interval(&actor.addr(), INTERVAL, || Tick);
    let outcome = actor.join();
    assert!(!outcome.is_panic(), "the actor panicked");
    drop(timer); // cancels the timer (it would also end by itself: the actor is gone)
}

fn main() {
    run(&Out::stdout());
}
