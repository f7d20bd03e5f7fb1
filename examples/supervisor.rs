//! A worker that panics on some inputs, kept running by a one-for-one supervisor: 1,000 jobs,
//! every seventh of which makes the worker panic.
//!
//! Each panic is caught; the supervisor makes a new worker on the same mailbox, so the address the
//! producer holds keeps working and the jobs queued behind the bad one go to the new instance. The
//! job that panicked is not handled again: it reaches the system's dead-letter hook, so every job
//! is accounted for (handled, or reported). Run: `cargo run --example supervisor`.
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering::SeqCst};
use std::time::Duration;

use actor_core::{Actor, ChildSpec, Context, DeadReason, Restart, Strategy, Supervisor, System};
use examples::Out;

const JOBS: u32 = 1_000;

/// A job that panics when its number is a multiple of seven.
struct Job(u32);

struct Worker {
    handled: Arc<AtomicU64>,
}

impl Actor for Worker {
    type Msg = Job;

    fn handle(&mut self, Job(n): Job, _ctx: &mut Context<Self>) {
        assert!(n % 7 != 0, "job {n} is malformed");
        self.handled.fetch_add(1, SeqCst);
    }
}

/// Runs the example, writing its lines to `out`.
pub fn run(out: &Out) {
    let _quiet = examples::expected_panics("is malformed");
    let system = System::new("supervisor-example");
    let panicked = Arc::new(AtomicU64::new(0));
    let other_letters = Arc::new(AtomicU64::new(0));
    {
        let (panicked, other_letters) = (Arc::clone(&panicked), Arc::clone(&other_letters));
        system.dead_letters().set_hook(move |letter| {
            if letter.reason() == DeadReason::HandlerPanicked {
                panicked.fetch_add(1, SeqCst);
            } else {
                other_letters.fetch_add(1, SeqCst);
            }
        });
    }

    let handled = Arc::new(AtomicU64::new(0));
    let counter = Arc::clone(&handled);
    let supervisor = Supervisor::new(Strategy::OneForOne)
        .intensity(1_000, Duration::from_secs(1))
        .child(
            ChildSpec::new("worker", move || Worker {
                handled: Arc::clone(&counter),
            })
            .restart(Restart::Permanent),
        );
    let supervisor = system
        .supervise(supervisor)
        .expect("the OS refused a thread");
    out.line("supervisor: one worker under one-for-one, at most 1000 restarts in 1s");

    let worker = supervisor
        .child::<Job>("worker")
        .expect("the worker is running");
    for n in 1..=JOBS {
        worker
            .send(Job(n))
            .expect("the supervised worker keeps its address");
    }
    out.line(format_args!(
        "supervisor: sent {JOBS} jobs to one address; every 7th panics"
    ));
    drop(worker);

    // Shutdown closes the supervisor, which closes its worker: the queue drains first.
    let report = system.shutdown();
    let restarts = supervisor.restarts();
    let outcome = supervisor.join();
    let handled = handled.load(SeqCst);
    let panicked = panicked.load(SeqCst);
    out.line(format_args!(
        "supervisor: {panicked} panicked jobs reported as dead letters; ended {}",
        outcome.reason()
    ));
    let accounted = handled + panicked;
    let lost = u64::from(JOBS).abs_diff(accounted)
        + other_letters.load(SeqCst)
        + report.undelivered() as u64;
    out.line(format_args!(
        "supervisor: {restarts} restarts, {handled} handled, {lost} lost"
    ));
}
