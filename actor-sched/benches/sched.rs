//! Speed and scale of actor-sched, with stakker (a single-threaded actor runtime) as the yardstick.
//!
//! Run: `cargo bench -p actor-sched --bench sched`. Workloads:
//!
//! - `ring_100`: 100 actors in a ring, 100 messages in flight; each handled message sends one
//!   message to the next actor, until every message has made `HOPS` hops. Throughput is messages
//!   dispatched per second. Variants: handler closures (the fast path), async actors reading an
//!   `Inbox`, and stakker actors doing the same with `call!`.
//! - `spawn_1m`: spawning 1,000,000 actors (stakker: creating and initialising them), time only;
//!   dropping them is not timed.
//! - Bytes per actor, printed before the timings: each runtime spawns 1,000,000 actors in a fresh
//!   child process of this bench, which reports how much its resident memory grew. That is the real
//!   cost (allocations, allocator overhead, the slot table) and needs no counting allocator.

use std::cell::OnceCell;
use std::hint::black_box;
use std::process::Command;
use std::rc::Rc;
use std::time::{Duration, Instant};

use actor_sched::{Addr, Flow, Inbox, Scheduler};
use criterion::{BatchSize, Criterion, Throughput};

const RING: usize = 100;
const HOPS: u32 = 10_000;
/// Messages dispatched per ring run: every actor's message, at each of its hops and its last stop.
const RING_MESSAGES: u64 = RING as u64 * (HOPS as u64 + 1);
const SPAWN: usize = 1_000_000;

/// Each actor's "next" address, filled in once the whole ring is spawned.
type Next = Rc<OnceCell<Addr<u32>>>;

fn link_ring(nexts: &[Next], addrs: &[Addr<u32>]) {
    for (i, next) in nexts.iter().enumerate() {
        let _ = next.set(addrs[(i + 1) % addrs.len()].clone());
    }
}

fn handler_ring() -> (Scheduler, Vec<Addr<u32>>) {
    let mut sched = Scheduler::new();
    let nexts: Vec<Next> = (0..RING).map(|_| Next::default()).collect();
    let addrs: Vec<Addr<u32>> = nexts
        .iter()
        .map(|next| {
            let next = next.clone();
            sched.spawn_unnamed(move |hops: u32, _| {
                if hops > 0 {
                    if let Some(next) = next.get() {
                        let _ = next.send(hops - 1);
                    }
                }
                Flow::Continue
            })
        })
        .collect();
    link_ring(&nexts, &addrs);
    (sched, addrs)
}

fn async_ring() -> (Scheduler, Vec<Addr<u32>>) {
    let mut sched = Scheduler::new();
    let nexts: Vec<Next> = (0..RING).map(|_| Next::default()).collect();
    let addrs: Vec<Addr<u32>> = nexts
        .iter()
        .map(|next| {
            let next = next.clone();
            sched.spawn_async_unnamed(move |mut inbox: Inbox<u32>| async move {
                loop {
                    let hops = inbox.recv().await;
                    if hops > 0 {
                        if let Some(next) = next.get() {
                            let _ = next.send(hops - 1);
                        }
                    }
                }
            })
        })
        .collect();
    link_ring(&nexts, &addrs);
    sched.run(); // starts the async actors: each runs to its first `recv`
    (sched, addrs)
}

fn run_ring(sched: &mut Scheduler, addrs: &[Addr<u32>]) {
    for addr in addrs {
        let _ = addr.send(HOPS);
    }
    let report = sched.run();
    assert_eq!(report.delivered(), RING_MESSAGES);
}

mod yardstick {
    //! The same workloads on stakker.
    use stakker::{Actor, ActorOwn, CX, Stakker, actor, call, ret_nop};
    use std::time::Instant;

    pub struct Node {
        next: Option<Actor<Node>>,
        handled: u64,
    }

    impl Node {
        pub fn init(_: CX![]) -> Option<Self> {
            Some(Node {
                next: None,
                handled: 0,
            })
        }

        pub fn link(&mut self, _: CX![], next: Actor<Node>) {
            self.next = Some(next);
        }

        pub fn unlink(&mut self, _: CX![]) {
            self.next = None;
        }

        pub fn hop(&mut self, _: CX![], hops: u32) {
            self.handled += 1;
            if hops > 0 {
                if let Some(next) = &self.next {
                    call!([next], hop(hops - 1));
                }
            }
        }
    }

    pub struct Ring {
        pub stakker: Stakker,
        pub nodes: Vec<ActorOwn<Node>>,
    }

    impl Ring {
        pub fn new(size: usize) -> Ring {
            let mut stakker = Stakker::new(Instant::now());
            let s = &mut stakker;
            let nodes: Vec<ActorOwn<Node>> = (0..size)
                .map(|_| actor!(s, Node::init(), ret_nop!()))
                .collect();
            for (i, node) in nodes.iter().enumerate() {
                let next: Actor<Node> = (*nodes[(i + 1) % size]).clone();
                call!([node], link(next));
            }
            stakker.run(Instant::now(), false);
            Ring { stakker, nodes }
        }

        pub fn run(&mut self, hops: u32) {
            for node in &self.nodes {
                call!([node], hop(hops));
            }
            self.stakker.run(Instant::now(), false);
        }
    }

    impl Drop for Ring {
        /// Breaks the ring's reference cycle so the actors are freed.
        fn drop(&mut self) {
            for node in &self.nodes {
                call!([node], unlink());
            }
            self.stakker.run(Instant::now(), false);
        }
    }

    /// Creates `count` actors and runs their initialisation; returns them to be dropped untimed.
    pub fn spawn(count: usize) -> (Stakker, Vec<ActorOwn<Node>>) {
        let mut stakker = Stakker::new(Instant::now());
        let s = &mut stakker;
        let nodes: Vec<ActorOwn<Node>> = (0..count)
            .map(|_| actor!(s, Node::init(), ret_nop!()))
            .collect();
        stakker.run(Instant::now(), false);
        (stakker, nodes)
    }
}

fn spawn_unnamed(count: usize) -> Scheduler {
    let mut sched = Scheduler::new();
    for _ in 0..count {
        let _addr = sched.spawn_unnamed(|n: u32, _| {
            black_box(n);
            Flow::Continue
        });
    }
    sched
}

fn spawn_named(count: usize) -> Scheduler {
    let mut sched = Scheduler::new();
    for i in 0..count {
        let _ = sched.spawn_actor(format!("actor{i}"), |n: u32, _| {
            black_box(n);
            Flow::Continue
        });
    }
    sched
}

fn bench_ring(c: &mut Criterion) {
    let mut group = c.benchmark_group("ring_100");
    group
        .sample_size(10)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2))
        .throughput(Throughput::Elements(RING_MESSAGES));

    let (mut sched, addrs) = handler_ring();
    group.bench_function("actor_sched_handlers", |b| {
        b.iter(|| run_ring(&mut sched, &addrs))
    });
    drop((sched, addrs));

    let (mut sched, addrs) = async_ring();
    group.bench_function("actor_sched_async", |b| {
        b.iter(|| run_ring(&mut sched, &addrs))
    });
    drop((sched, addrs));

    let mut ring = yardstick::Ring::new(RING);
    group.bench_function("stakker", |b| b.iter(|| ring.run(HOPS)));
    drop(ring);
    group.finish();
}

fn bench_spawn(c: &mut Criterion) {
    let mut group = c.benchmark_group("spawn_1m");
    group
        .sample_size(10)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(3))
        .throughput(Throughput::Elements(SPAWN as u64));
    group.bench_function("actor_sched_unnamed", |b| {
        b.iter_batched(|| (), |()| spawn_unnamed(SPAWN), BatchSize::PerIteration)
    });
    group.bench_function("actor_sched_named", |b| {
        b.iter_batched(|| (), |()| spawn_named(SPAWN), BatchSize::PerIteration)
    });
    group.bench_function("stakker", |b| {
        b.iter_batched(|| (), |()| yardstick::spawn(SPAWN), BatchSize::PerIteration)
    });
    group.finish();
}

/// Resident set size of this process, in bytes (Linux; `None` elsewhere).
fn rss_bytes() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|line| line.starts_with("VmRSS:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}

const MEMORY_CHILD: &str = "ACTOR_SCHED_BENCH_MEMORY";

/// In the child process: spawn one kind of actor a million times and print the RSS growth.
fn memory_child(kind: &str) {
    let before = rss_bytes().unwrap_or(0);
    let started = Instant::now();
    let keep: Box<dyn std::any::Any> = match kind {
        "actor_sched_unnamed" => Box::new(spawn_unnamed(SPAWN)),
        "actor_sched_named" => Box::new(spawn_named(SPAWN)),
        "stakker" => Box::new(yardstick::spawn(SPAWN)),
        _ => return,
    };
    let took = started.elapsed();
    let after = rss_bytes().unwrap_or(0);
    black_box(&keep);
    println!("{} {:?}", after.saturating_sub(before) / SPAWN as u64, took);
}

/// Runs each memory measurement in a fresh process so no freed memory is reused between them.
fn memory_report() {
    println!("bytes per actor (resident memory growth for {SPAWN} actors, fresh process each):");
    let Ok(exe) = std::env::current_exe() else {
        return;
    };
    for kind in ["actor_sched_unnamed", "actor_sched_named", "stakker"] {
        let output = Command::new(&exe).env(MEMORY_CHILD, kind).output();
        match output {
            Ok(out) if out.status.success() => {
                let text = String::from_utf8_lossy(&out.stdout);
                let mut words = text.split_whitespace();
                let bytes = words.next().unwrap_or("?");
                let took = words.next().unwrap_or("?");
                println!("  {kind:<22} {bytes:>5} bytes/actor  (spawned in {took})");
            }
            _ => println!("  {kind:<22} (measurement failed)"),
        }
    }
}

fn main() {
    if let Ok(kind) = std::env::var(MEMORY_CHILD) {
        memory_child(&kind);
        return;
    }
    let mut criterion = Criterion::default().configure_from_args();
    // `cargo bench` passes `--bench`; a `cargo test --benches` run only checks that it works.
    let benching = std::env::args().any(|arg| arg == "--bench")
        && !std::env::args().any(|arg| arg == "--test");
    if benching {
        memory_report();
    }
    bench_ring(&mut criterion);
    bench_spawn(&mut criterion);
    criterion.final_summary();
}
