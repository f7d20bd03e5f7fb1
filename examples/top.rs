//! `top` for actors: a small workload runs on a pool while a table of its live actors (mailbox
//! depth, messages handled, state) is refreshed every 100 ms; it ends by itself after 3 seconds.
//! Run: `cargo run --release --example top`. In a terminal the table redraws in place; piped, it
//! prints a few snapshots.
//!
//! The table comes from [`System::list`](actor_core::System::list): introspection as data, the
//! same call a test or a metrics exporter would make.
use std::time::{Duration, Instant};

use actor_core::{Actor, ActorInfo, Addr, Context, Mailbox, Pool, System};
use examples::Out;

const RUN_FOR: Duration = Duration::from_secs(3);
const REFRESH: Duration = Duration::from_millis(100);

/// Does some arithmetic per job, slower for higher worker numbers, so their queues differ.
struct Worker {
    weight: u64,
    sum: u64,
}

impl Actor for Worker {
    type Msg = u64;

    fn handle(&mut self, job: u64, _ctx: &mut Context<Self>) {
        let mut x = job;
        for _ in 0..self.weight * 40_000 {
            x = std::hint::black_box(x.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1));
        }
        self.sum = self.sum.wrapping_add(x);
    }
}

enum Tick {
    Go,
}

/// Sends a burst of jobs to the workers on every tick of its own timer.
struct Feeder {
    workers: Vec<Addr<u64>>,
    next: u64,
}

impl Actor for Feeder {
    type Msg = Tick;

    fn started(&mut self, ctx: &mut Context<Self>) {
        ctx.send_interval(Duration::from_millis(20), || Tick::Go);
    }

    fn handle(&mut self, Tick::Go: Tick, _ctx: &mut Context<Self>) {
        for (i, worker) in self.workers.iter().enumerate() {
            for _ in 0..(i as u64 + 1) * 4 {
                self.next += 1;
                // A full mailbox just skips this job: the feeder must not stall the pool.
                let _ = worker.try_send(self.next);
            }
        }
    }
}

fn table(actors: &[ActorInfo]) -> Vec<String> {
    let mut lines = vec![format!(
        "{:<6} {:<10} {:<14} {:>8} {:>10}  {}",
        "id", "name", "runs on", "mailbox", "handled", "state"
    )];
    for info in actors {
        lines.push(format!(
            "{:<6} {:<10} {:<14} {:>8} {:>10}  {}",
            info.id.get(),
            info.name,
            info.runs_on.to_string(),
            info.mailbox_len,
            info.handled,
            info.state
        ));
    }
    lines
}

/// Runs the workload for a few seconds; with `live`, redraws the table in place on a terminal,
/// otherwise writes a snapshot once a second.
pub fn run_with(out: &Out, live: bool) {
    let pool = Pool::builder()
        .workers(2)
        .name("top")
        .build()
        .expect("the OS refused a thread");
    let system = System::new("top");
    let workers: Vec<_> = (1..=6)
        .map(|weight| {
            system
                .builder()
                .pool(&pool)
                .name(format!("worker-{weight}"))
                .mailbox(Mailbox::Bounded(500))
                .spawn(Worker { weight, sum: 0 })
                .expect("the system is running")
        })
        .collect();
    let feeder = system
        .builder()
        .pool(&pool)
        .name("feeder")
        .spawn(Feeder {
            workers: workers.iter().map(|w| w.addr()).collect(),
            next: 0,
        })
        .expect("the system is running");

    let started = Instant::now();
    let mut last_print = started;
    while started.elapsed() < RUN_FOR {
        std::thread::sleep(REFRESH);
        let lines = table(&system.list());
        if live {
            print!("\x1b[2J\x1b[H");
            for line in &lines {
                out.line(line);
            }
        } else if last_print.elapsed() >= Duration::from_secs(1) {
            last_print = Instant::now();
            out.line(format_args!("-- after {:.1?}", started.elapsed()));
            for line in &lines {
                out.line(line);
            }
        }
    }
    let report = system.shutdown();
    let watched = workers.len() + 1;
    let handled: u64 = report.actors().len() as u64;
    for worker in workers {
        drop(worker.join());
    }
    drop(feeder.join());
    pool.shutdown();
    out.line(format_args!(
        "top: {watched} actors watched for {RUN_FOR:?}; {handled} shut down in {:.1?}",
        report.took()
    ));
}

/// Runs the example, writing snapshots to `out`.
pub fn run(out: &Out) {
    run_with(out, false);
}
