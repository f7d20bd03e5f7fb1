//! Speed and scale of actor-sched, with stakker (a single-threaded actor runtime) as the yardstick.
//!
//! Run: `cargo bench -p actor-sched --bench sched -- --noplot`. Every workload runs on three
//! sides in the same run: actor-sched's own closure actors (`handlers`: `spawn_unnamed`, sending
//! through a typed `actor_sched::Addr`), `actor_core::Actor` impls started on the scheduler
//! (`core`: `Scheduler::start`, sending through an `actor_core::Addr`; each of their turns is one
//! scheduler step handling one message), and stakker 0.2 actors (`call!`). Criterion ids:
//! `actor_sched_handlers`, `actor_sched_core`, `stakker`. Workloads:
//!
//! - `tell_100k`: the bench sends 100,000 `u64` to one actor that sums them, then runs the
//!   scheduler (stakker: `Stakker::run`) until all are handled. Throughput: messages.
//! - `ring_100`: 100 actors in a ring, 100 messages in flight; each handled message sends one
//!   message to the next actor, until every message has made `HOPS` hops. Throughput is messages
//!   dispatched per second. Also `actor_sched_async`: async actors reading an `Inbox`.
//! - `ring_100_one_token`: the same ring with ONE message in flight making 100,000 hops, so each
//!   hop waits for the one before: latency per hop. Throughput: messages.
//! - `spawn_1m`: spawning 1,000,000 actors (stakker: creating and initialising them; `core`:
//!   `start` and one `run` so that every `started` hook has run), time only; dropping them is not
//!   timed. Also `actor_sched_named` (`spawn_actor` with a `format!`ed name each).
//! - `skynet_111k`: skynet with 111,111 actors, a 10-ary tree of depth 5 (1 + 10 + 100 + 1,000 +
//!   10,000 + 100,000 leaves), built and run to completion per iteration. Each leaf sends its
//!   number (0..100,000) to its parent, each inner node sums its 10 children's numbers, sends the
//!   sum up and ends; the root's sum, 4,999,950,000, is checked every iteration. Throughput:
//!   actors. `core` and `stakker`: each node spawns its 10 children itself when it starts (in
//!   `Actor::started` through `Context::spawn`, which puts them on the same scheduler; in
//!   stakker's `init` through `actor!`). `handlers`: the closure API has no way to spawn from a
//!   handler (`Ctx` offers `me`, `send`, `addr` and `handle`; a `Handle` only sends and looks up
//!   names), so the bench (the driver) spawns the whole tree top-down, then sends each leaf its
//!   number; everything from the first spawn to the root's sum is timed.
//! - Bytes per actor, printed before the timings: each side spawns 1,000,000 idle actors in a
//!   fresh child process of this bench, which reports how much its resident memory grew. That is
//!   the real cost (allocations, allocator overhead, the slot table) and needs no counting
//!   allocator.

use std::cell::{Cell, OnceCell};
use std::hint::black_box;
use std::process::Command;
use std::rc::Rc;
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use actor_sched::{Addr, Flow, Inbox, Scheduler};
use criterion::{BatchSize, BenchmarkGroup, Criterion, Throughput, measurement::WallTime};

const RING: usize = 100;
const HOPS: u32 = 10_000;
/// Hops of the one token in `ring_100_one_token`.
const TOKEN_HOPS: u32 = 100_000;
const TELL: u64 = 100_000;
/// The sum of `0..TELL`, what the summing actor adds up per run.
const TELL_SUM: u64 = TELL * (TELL - 1) / 2;
const SPAWN: usize = 1_000_000;
const SKYNET_FAN_OUT: u64 = 10;
const SKYNET_LEAVES: u64 = 100_000;
const SKYNET_ACTORS: u64 = 111_111;
/// The sum of the leaves' numbers `0..SKYNET_LEAVES`.
const SKYNET_SUM: u64 = SKYNET_LEAVES * (SKYNET_LEAVES - 1) / 2;

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

/// Sends every actor of the ring its message of `hops` hops (`tokens` of them: the first actors
/// get one each) and runs until every message has made its hops.
fn run_ring(sched: &mut Scheduler, addrs: &[Addr<u32>], tokens: usize, hops: u32) {
    for addr in &addrs[..tokens] {
        let _ = addr.send(hops);
    }
    let report = sched.run();
    assert_eq!(report.delivered(), tokens as u64 * (u64::from(hops) + 1));
}

/// One closure actor summing what it is sent.
fn handler_summer() -> (Scheduler, Addr<u64>) {
    let mut sched = Scheduler::new();
    let mut sum = 0_u64;
    let addr = sched.spawn_unnamed(move |n: u64, _| {
        sum = sum.wrapping_add(n);
        black_box(sum);
        Flow::Continue
    });
    (sched, addr)
}

fn run_handler_tell(sched: &mut Scheduler, addr: &Addr<u64>) {
    for n in 0..TELL {
        let _ = addr.send(n);
    }
    assert_eq!(sched.run().delivered(), TELL);
}

/// Where a closure skynet node sends its sum: its parent, or (the root) the bench.
enum Up {
    Node(Addr<u64>),
    Bench(Rc<Cell<u64>>),
}

impl Up {
    fn report(&self, sum: u64) {
        match self {
            Up::Node(parent) => {
                let _ = parent.send(sum);
            }
            Up::Bench(out) => out.set(sum),
        }
    }
}

/// Skynet on closure actors. The closure API cannot spawn from a handler, so the driver spawns
/// the tree top-down (each node gets its parent's address), then sends each leaf its number.
fn skynet_handlers() -> u64 {
    let mut sched = Scheduler::new();
    let out = Rc::new(Cell::new(0));
    // (where the node reports, its first leaf number, how many leaves it covers)
    let mut level = vec![(Up::Bench(out.clone()), 0_u64, SKYNET_LEAVES)];
    let mut leaves: Vec<(Addr<u64>, u64)> = Vec::with_capacity(SKYNET_LEAVES as usize);
    while !level.is_empty() {
        let mut next = Vec::with_capacity(level.len() * SKYNET_FAN_OUT as usize);
        for (up, first, count) in level {
            if count == 1 {
                let addr = sched.spawn_unnamed(move |n: u64, _| {
                    up.report(n);
                    Flow::Stop
                });
                leaves.push((addr, first));
                continue;
            }
            let (mut sum, mut waiting) = (0_u64, SKYNET_FAN_OUT);
            let addr = sched.spawn_unnamed(move |n: u64, _| {
                sum += n;
                waiting -= 1;
                if waiting > 0 {
                    return Flow::Continue;
                }
                up.report(sum);
                Flow::Stop
            });
            let step = count / SKYNET_FAN_OUT;
            for child in 0..SKYNET_FAN_OUT {
                next.push((Up::Node(addr.clone()), first + child * step, step));
            }
        }
        level = next;
    }
    for (leaf, n) in leaves {
        let _ = leaf.send(n);
    }
    let report = sched.run();
    assert_eq!(report.actors_finished(), SKYNET_ACTORS);
    out.get()
}

mod core_actors {
    //! The same workloads as `actor_core::Actor` impls started on the scheduler.
    use super::*;
    use actor_core::{Actor, ActorHandle, Context};

    /// A ring member; its next address is filled in once the whole ring is started.
    pub struct Hop {
        next: Arc<OnceLock<actor_core::Addr<u32>>>,
        handled: u64,
    }

    impl Actor for Hop {
        type Msg = u32;

        fn handle(&mut self, hops: u32, _ctx: &mut Context<Self>) {
            self.handled += 1;
            if hops > 0 {
                if let Some(next) = self.next.get() {
                    let _ = next.send(hops - 1);
                }
            }
        }
    }

    pub struct Ring {
        pub sched: Scheduler,
        pub addrs: Vec<actor_core::Addr<u32>>,
        handles: Vec<ActorHandle<Hop>>,
        /// Messages sent through the ring so far, checked against what the members handled.
        messages: u64,
    }

    impl Ring {
        pub fn new(size: usize) -> Ring {
            let mut sched = Scheduler::new();
            let nexts: Vec<Arc<OnceLock<actor_core::Addr<u32>>>> =
                (0..size).map(|_| Arc::default()).collect();
            let handles: Vec<ActorHandle<Hop>> = nexts
                .iter()
                .map(|next| {
                    sched.start(Hop {
                        next: next.clone(),
                        handled: 0,
                    })
                })
                .collect();
            let addrs: Vec<actor_core::Addr<u32>> = handles.iter().map(|h| h.addr()).collect();
            for (i, next) in nexts.iter().enumerate() {
                let _ = next.set(addrs[(i + 1) % size].clone());
            }
            sched.run(); // every `started` hook
            Ring {
                sched,
                addrs,
                handles,
                messages: 0,
            }
        }

        /// Sends `tokens` messages of `hops` hops and runs until all have made them.
        pub fn run(&mut self, tokens: usize, hops: u32) {
            for addr in &self.addrs[..tokens] {
                let _ = addr.send(hops);
            }
            // One turn per message handled (and an empty last one when a mailbox runs dry).
            let report = self.sched.run();
            let messages = tokens as u64 * (u64::from(hops) + 1);
            assert!(report.turns() >= messages);
            self.messages += messages;
        }
    }

    impl Drop for Ring {
        /// Stops every member (their addresses form a cycle) and joins them.
        fn drop(&mut self) {
            for handle in &self.handles {
                handle.stop();
            }
            self.addrs.clear();
            let mut handled = 0;
            for handle in self.handles.drain(..) {
                if let Ok(outcome) = self.sched.join(handle) {
                    handled += outcome.state().handled;
                }
            }
            if !std::thread::panicking() {
                assert_eq!(handled, self.messages);
            }
        }
    }

    /// Sums what it is sent.
    pub struct Summer(pub u64);

    impl Actor for Summer {
        type Msg = u64;

        fn handle(&mut self, n: u64, _ctx: &mut Context<Self>) {
            self.0 = self.0.wrapping_add(n);
        }
    }

    pub struct Tell {
        sched: Scheduler,
        addr: actor_core::Addr<u64>,
        handle: Option<ActorHandle<Summer>>,
        runs: u64,
    }

    impl Tell {
        pub fn new() -> Tell {
            let mut sched = Scheduler::new();
            let handle = sched.start(Summer(0));
            sched.run();
            Tell {
                sched,
                addr: handle.addr(),
                handle: Some(handle),
                runs: 0,
            }
        }

        pub fn run(&mut self) {
            for n in 0..TELL {
                let _ = self.addr.send(n);
            }
            let report = self.sched.run();
            assert!(report.turns() >= TELL);
            self.runs += 1;
        }
    }

    impl Drop for Tell {
        /// Checks that every message of every run was added up.
        fn drop(&mut self) {
            let Some(handle) = self.handle.take() else {
                return;
            };
            handle.close();
            let sum = self
                .sched
                .join(handle)
                .ok()
                .map(|outcome| outcome.state().0);
            if !std::thread::panicking() {
                assert_eq!(sum, Some(TELL_SUM.wrapping_mul(self.runs)));
            }
        }
    }

    /// An actor that does nothing, for spawning.
    pub struct Idle;

    impl Actor for Idle {
        type Msg = u32;

        fn handle(&mut self, n: u32, _ctx: &mut Context<Self>) {
            black_box(n);
        }
    }

    /// `count` idle actors on a scheduler, their `started` hooks run.
    pub struct Crowd {
        sched: Scheduler,
        handles: Vec<ActorHandle<Idle>>,
    }

    pub fn spawn(count: usize) -> Crowd {
        let mut sched = Scheduler::new();
        let handles: Vec<ActorHandle<Idle>> = (0..count).map(|_| sched.start(Idle)).collect();
        sched.run();
        Crowd { sched, handles }
    }

    impl Drop for Crowd {
        /// Detaches every actor (its last address goes) and runs their ends, so nothing is left
        /// queued when the scheduler goes.
        fn drop(&mut self) {
            self.handles.clear();
            self.sched.run();
        }
    }

    /// A skynet node: the first leaf number under it and how many leaves it covers.
    pub struct Sky {
        first: u64,
        leaves: u64,
        parent: Option<actor_core::Addr<u64>>,
        pub sum: u64,
        waiting: u64,
    }

    impl Sky {
        fn report(&mut self, ctx: &mut Context<Self>) {
            if let Some(parent) = self.parent.take() {
                let _ = parent.send(self.sum);
            }
            ctx.close();
        }
    }

    impl Actor for Sky {
        type Msg = u64;

        /// A leaf reports its number; an inner node spawns its 10 children on the same scheduler.
        fn started(&mut self, ctx: &mut Context<Self>) {
            if self.leaves == 1 {
                self.sum = self.first;
                self.report(ctx);
                return;
            }
            let step = self.leaves / SKYNET_FAN_OUT;
            for child in 0..SKYNET_FAN_OUT {
                let node = Sky {
                    first: self.first + child * step,
                    leaves: step,
                    parent: Some(ctx.addr()),
                    sum: 0,
                    waiting: 0,
                };
                // Detached: the child reports through its parent's address and ends by itself.
                drop(
                    ctx.spawn(node)
                        .expect("a spawn on the scheduler does not fail"),
                );
            }
            self.waiting = SKYNET_FAN_OUT;
        }

        fn handle(&mut self, sum: u64, ctx: &mut Context<Self>) {
            self.sum += sum;
            self.waiting -= 1;
            if self.waiting == 0 {
                self.report(ctx);
            }
        }
    }

    pub fn skynet() -> u64 {
        let mut sched = Scheduler::new();
        let root = sched.start(Sky {
            first: 0,
            leaves: SKYNET_LEAVES,
            parent: None,
            sum: 0,
            waiting: 0,
        });
        let report = sched.run();
        assert_eq!(report.actors_finished(), SKYNET_ACTORS);
        match sched.join(root) {
            Ok(outcome) => outcome.state().sum,
            Err(_) => panic!("the root has not ended"),
        }
    }
}

mod yardstick {
    //! The same workloads on stakker.
    use stakker::{Actor, ActorOwn, CX, Stakker, actor, call, ret_nop};
    use std::cell::Cell;
    use std::rc::Rc;
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

        /// Sends `tokens` messages of `hops` hops (to the first actors) and runs until all have
        /// made them.
        pub fn run(&mut self, tokens: usize, hops: u32) {
            for node in &self.nodes[..tokens] {
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

    /// Sums what it is sent.
    pub struct Summer {
        sum: u64,
    }

    impl Summer {
        pub fn init(_: CX![]) -> Option<Self> {
            Some(Summer { sum: 0 })
        }

        pub fn add(&mut self, _: CX![], n: u64) {
            self.sum = self.sum.wrapping_add(n);
            std::hint::black_box(self.sum);
        }
    }

    pub struct Tell {
        stakker: Stakker,
        summer: ActorOwn<Summer>,
    }

    impl Tell {
        pub fn new() -> Tell {
            let mut stakker = Stakker::new(Instant::now());
            let s = &mut stakker;
            let summer = actor!(s, Summer::init(), ret_nop!());
            stakker.run(Instant::now(), false);
            Tell { stakker, summer }
        }

        pub fn run(&mut self, count: u64) {
            for n in 0..count {
                call!([self.summer], add(n));
            }
            self.stakker.run(Instant::now(), false);
        }
    }

    /// Where a skynet node sends its sum.
    pub enum Up {
        Node(Actor<Sky>),
        Bench(Rc<Cell<u64>>),
    }

    /// A skynet node; it owns its children (dropping them ends them).
    pub struct Sky {
        up: Up,
        sum: u64,
        waiting: u64,
        children: Vec<ActorOwn<Sky>>,
    }

    impl Sky {
        /// A leaf reports its number at once; an inner node creates its 10 children.
        pub fn init(cx: CX![], first: u64, leaves: u64, up: Up) -> Option<Self> {
            let mut node = Sky {
                up,
                sum: 0,
                waiting: 0,
                children: Vec::new(),
            };
            if leaves == 1 {
                node.sum = first;
                node.report();
                return Some(node);
            }
            let step = leaves / super::SKYNET_FAN_OUT;
            node.children.reserve(super::SKYNET_FAN_OUT as usize);
            for child in 0..super::SKYNET_FAN_OUT {
                let up = Up::Node(cx.this().clone());
                let child = actor!(cx, Sky::init(first + child * step, step, up), ret_nop!());
                node.children.push(child);
            }
            node.waiting = super::SKYNET_FAN_OUT;
            Some(node)
        }

        fn report(&self) {
            match &self.up {
                Up::Node(parent) => call!([parent], sum(self.sum)),
                Up::Bench(out) => out.set(self.sum),
            }
        }

        pub fn sum(&mut self, _: CX![], sum: u64) {
            self.sum += sum;
            self.waiting -= 1;
            if self.waiting == 0 {
                self.report();
                self.children.clear(); // ends them
            }
        }
    }

    pub fn skynet(leaves: u64) -> u64 {
        let mut stakker = Stakker::new(Instant::now());
        let out = Rc::new(Cell::new(0));
        let s = &mut stakker;
        let root = actor!(s, Sky::init(0, leaves, Up::Bench(out.clone())), ret_nop!());
        stakker.run(Instant::now(), false);
        drop(root);
        stakker.run(Instant::now(), false);
        out.get()
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

/// The settings every group shares: 10 samples, a short warm-up and measurement, so that the
/// whole bench takes about two minutes (the spawn groups take longest: criterion runs at least
/// 10 iterations, and a million actors are torn down, untimed, after each).
fn group<'a>(c: &'a mut Criterion, name: &str, elements: u64) -> BenchmarkGroup<'a, WallTime> {
    let mut group = c.benchmark_group(name);
    group
        .sample_size(10)
        .warm_up_time(Duration::from_millis(300))
        .measurement_time(Duration::from_millis(1500))
        .throughput(Throughput::Elements(elements));
    group
}

fn bench_tell(c: &mut Criterion) {
    let mut group = group(c, "tell_100k", TELL);

    let (mut sched, addr) = handler_summer();
    group.bench_function("actor_sched_handlers", |b| {
        b.iter(|| run_handler_tell(&mut sched, &addr))
    });
    drop((sched, addr));

    let mut tell = core_actors::Tell::new();
    group.bench_function("actor_sched_core", |b| b.iter(|| tell.run()));
    drop(tell);

    let mut tell = yardstick::Tell::new();
    group.bench_function("stakker", |b| b.iter(|| tell.run(TELL)));
    drop(tell);
    group.finish();
}

/// The ring groups: `tokens` messages in flight, `hops` hops each.
fn bench_ring_with(c: &mut Criterion, name: &str, tokens: usize, hops: u32, with_async: bool) {
    let mut group = group(c, name, tokens as u64 * (u64::from(hops) + 1));

    let (mut sched, addrs) = handler_ring();
    group.bench_function("actor_sched_handlers", |b| {
        b.iter(|| run_ring(&mut sched, &addrs, tokens, hops))
    });
    drop((sched, addrs));

    if with_async {
        let (mut sched, addrs) = async_ring();
        group.bench_function("actor_sched_async", |b| {
            b.iter(|| run_ring(&mut sched, &addrs, tokens, hops))
        });
        drop((sched, addrs));
    }

    let mut ring = core_actors::Ring::new(RING);
    group.bench_function("actor_sched_core", |b| b.iter(|| ring.run(tokens, hops)));
    drop(ring);

    let mut ring = yardstick::Ring::new(RING);
    group.bench_function("stakker", |b| b.iter(|| ring.run(tokens, hops)));
    drop(ring);
    group.finish();
}

fn bench_ring(c: &mut Criterion) {
    bench_ring_with(c, "ring_100", RING, HOPS, true);
    bench_ring_with(c, "ring_100_one_token", 1, TOKEN_HOPS, false);
}

fn bench_spawn(c: &mut Criterion) {
    let mut group = group(c, "spawn_1m", SPAWN as u64);
    group.bench_function("actor_sched_unnamed", |b| {
        b.iter_batched(|| (), |()| spawn_unnamed(SPAWN), BatchSize::PerIteration)
    });
    group.bench_function("actor_sched_named", |b| {
        b.iter_batched(|| (), |()| spawn_named(SPAWN), BatchSize::PerIteration)
    });
    group.bench_function("actor_sched_core", |b| {
        b.iter_batched(
            || (),
            |()| core_actors::spawn(SPAWN),
            BatchSize::PerIteration,
        )
    });
    group.bench_function("stakker", |b| {
        b.iter_batched(|| (), |()| yardstick::spawn(SPAWN), BatchSize::PerIteration)
    });
    group.finish();
}

fn bench_skynet(c: &mut Criterion) {
    let mut group = group(c, "skynet_111k", SKYNET_ACTORS);
    group.bench_function("actor_sched_handlers", |b| {
        b.iter(|| assert_eq!(skynet_handlers(), SKYNET_SUM))
    });
    group.bench_function("actor_sched_core", |b| {
        b.iter(|| assert_eq!(core_actors::skynet(), SKYNET_SUM))
    });
    group.bench_function("stakker", |b| {
        b.iter(|| assert_eq!(yardstick::skynet(SKYNET_LEAVES), SKYNET_SUM))
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
const MEMORY_KINDS: [&str; 4] = [
    "actor_sched_unnamed",
    "actor_sched_named",
    "actor_sched_core",
    "stakker",
];

/// In the child process: spawn one kind of actor a million times and print the RSS growth.
fn memory_child(kind: &str) {
    let before = rss_bytes().unwrap_or(0);
    let started = Instant::now();
    let keep: Box<dyn std::any::Any> = match kind {
        "actor_sched_unnamed" => Box::new(spawn_unnamed(SPAWN)),
        "actor_sched_named" => Box::new(spawn_named(SPAWN)),
        "actor_sched_core" => Box::new(core_actors::spawn(SPAWN)),
        "stakker" => Box::new(yardstick::spawn(SPAWN)),
        _ => return,
    };
    let took = started.elapsed();
    let after = rss_bytes().unwrap_or(0);
    black_box(&keep);
    println!("{} {:?}", after.saturating_sub(before) / SPAWN as u64, took);
    // The process ends here: nothing to gain from dropping a million actors one by one.
    std::process::exit(0);
}

/// Runs each memory measurement in a fresh process so no freed memory is reused between them.
fn memory_report() {
    println!("bytes per actor (resident memory growth for {SPAWN} actors, fresh process each):");
    let Ok(exe) = std::env::current_exe() else {
        return;
    };
    for kind in MEMORY_KINDS {
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
    bench_tell(&mut criterion);
    bench_ring(&mut criterion);
    bench_spawn(&mut criterion);
    bench_skynet(&mut criterion);
    criterion.final_summary();
}
