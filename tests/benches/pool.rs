//! actor-core's pool executor against thread-per-actor, bare tokio tasks and kameo 0.22, measured
//! in the same run.
//!
//! The four sides:
//!
//! - `pool`: actors on an [`actor_core::Pool`] with 2 workers (`Pool::builder().workers(2)`), one
//!   fresh pool per bench function, shut down at its end. Actors are spawned with `Pool::spawn`,
//!   `Builder::pool` or, from a handler, `Context::spawn`.
//! - `thread`: actor-core's thread-per-actor (`actor_core::spawn`, or `Builder` without a pool);
//!   the same actor types as `pool`.
//! - `tokio`: bare tokio tasks reading `tokio::sync::mpsc` unbounded channels (replies over
//!   `tokio::sync::oneshot`) on a multi-thread runtime with 2 worker threads: the floor under
//!   every tokio-based actor framework.
//! - `kameo`: kameo 0.22 actors with unbounded mailboxes (actor-core's default) on the same kind
//!   of 2-worker runtime, with kameo's default features, as a default user gets them.
//!
//! Every side is driven from the bench thread, a plain thread that is neither a pool worker nor a
//! runtime worker, the way a program without an async `main` uses it. A runtime (tokio, kameo) or
//! pool is built once per bench function; what is built once per function and what is part of an
//! iteration is said per group. Throughput is per element named below, so criterion's `thrpt`
//! lines compare the groups too.
//!
//! - `pool-ring`: a ring of 100 actors, each knowing the next one's address, passes one token
//!   around for 100,000 hops per iteration (throughput: hops). The ring is built once per bench
//!   function; an iteration sends the token (with the hops to go) to the first member and waits
//!   on a std channel for the member that gets the last hop. `pool`/`thread`: the actor of
//!   `examples/ring.rs`. `tokio`: 100 tasks, each holding the next one's `UnboundedSender`.
//!   `kameo`: 100 actors prepared first (`PreparedActor`) so each is spawned with the next one's
//!   `ActorRef`; a hop is `tell(..).await` in the handler.
//! - `pool-spawn`: per iteration, spawn 10,000 actors, send each one `u64`, close each, and wait
//!   until every one has handled its message and ended (throughput: actors). `pool`: `Pool::spawn`,
//!   `Addr::send`, `ActorHandle::close`, then `join` every handle and check its state. `thread`:
//!   the same through `actor_core::spawn`, but with 1,000 actors per iteration, not 10,000: 10,000
//!   live threads take about 1.5 s an iteration on the 2-core bench machine (150 us an actor),
//!   which alone would add a quarter to the run; compare `thread` with the rest per actor (the
//!   `thrpt` line), not per iteration. `tokio`: `Runtime::spawn` of a task that sums its channel until the
//!   channel closes; send, drop the sender, then `block_on` every `JoinHandle`. `kameo`:
//!   `PreparedActor::spawn`, `tell(1).blocking_send()`, drop the only `ActorRef` (which stops the
//!   actor once its mailbox is drained, kameo's equivalent of `close`), then `block_on` every join
//!   handle, which gives back the actor's state.
//! - `pool-skynet`: skynet with 111,111 actors: a 10-ary tree of depth 5 with 100,000 leaves,
//!   created per iteration (throughput: actors). Each inner node spawns 10 children when it
//!   starts, each leaf sends its number to its parent, each inner node sums its 10 children's
//!   numbers and sends the sum up; the root's sum, 4,999,950,000, is checked every iteration.
//!   `pool`: the actor of `examples/skynet.rs` (children through `Context::spawn` in `started`,
//!   the root through `Pool::spawn`; the iteration ends when the root's sum is back and the root
//!   is joined). `tokio`: one task per node, children spawned with `tokio::spawn`, sums over an
//!   unbounded channel per inner node. `kameo`: one actor per node, children spawned in `on_start`,
//!   sums told to the parent's `ActorRef`; a leaf reports from `on_start` and ends when its
//!   parent drops its `ActorRef`; an inner node stops after its tenth sum. No `thread` side:
//!   111,111 threads are too many.
//! - `pool-tell`: the bench thread sends 100,000 `u64` to one actor that sums them, until all are
//!   handled (throughput: messages). The clock starts once the actor has started and stops when
//!   its final state is back. `thread`: `common::tell_actor` (spawn, `wait_started`, send, drop
//!   the address, `join`). `pool`: its twin on the pool (`Builder::new().pool(&pool)`). `tokio`:
//!   a task summing an unbounded channel, `UnboundedSender::send` from the bench thread, drop it,
//!   `block_on` the task's `JoinHandle`. `kameo`: as in `peers.rs`, `tell(n).blocking_send()`,
//!   drop the `ActorRef`, `block_on` the join handle.
//! - `pool-fan-in`: 4 plain threads each send 25,000 `u64` to one summing actor, until all
//!   100,000 are handled (throughput: messages). The sender threads are started per iteration and
//!   wait on a barrier; the clock starts when the barrier opens and stops when the actor's final
//!   state (its sum, checked) is back. Senders and waiting as in `pool-tell`.
//! - `pool-ask-thread`: one request-reply round trip from the bench thread to an actor that
//!   answers `n + 1` (throughput: round trips). `pool`/`thread`: `Addr::ask` on a handler-style
//!   actor whose message is `(u64, ReplyTo<u64>)`. `thread-pull`: `common::ask_round_trips`, the
//!   same on a pull-style (`spawn_fn`) thread actor, the `core`/`peers` figure. `tokio`: a task
//!   answering `(u64, oneshot::Sender<u64>)` requests; the bench thread sends on the unbounded
//!   channel and waits with `oneshot::Receiver::blocking_recv`. `kameo`: `ask(n).blocking_send()`.
//! - `pool-ask-ctx`: 10,000 request-reply round trips between two actors per iteration
//!   (throughput: round trips). `pool`: actor A, on `Go`, asks actor B through `Context::ask`; B
//!   replies `n + 1`; A, on the answer message, asks again until 10,000 round trips are done and
//!   then tells the bench thread over a std channel. `thread`: the same two actors on threads of
//!   their own. `tokio`: task A, on `Go` from its channel, sends `(n, oneshot::Sender)` to task B
//!   and awaits the oneshot, 10,000 times. `kameo`: actor A's `Go` handler awaits
//!   `b.ask(n)` 10,000 times (an `await` inside the handler is how kameo asks from an actor; A
//!   handles nothing else meanwhile, as A's pool twin handles only answers).
//!
//! Run: `cargo bench -p tests --features peers --bench pool` (about 3 minutes). Figures are in
//! `BENCHMARKS.md` at the repository root.

// criterion_group! and criterion_main! generate undocumented items.
#![allow(missing_docs)]

use std::sync::{Barrier, mpsc};
use std::thread;
use std::time::{Duration, Instant};

#[path = "../../actor-core/benches/common/mod.rs"]
mod common;
#[path = "shared/kameo.rs"]
mod kameo_actors;

use actor_core::{Actor, ActorHandle, Addr, Builder, Context, Mailbox, NoReply, Pool, ReplyTo};
use common::{Sum, ask_round_trips, tell_actor};
use criterion::{Criterion, SamplingMode, Throughput, criterion_group, criterion_main};
use kameo::actor::{ActorRef, PreparedActor, Spawn};
use kameo::error::Infallible;
use kameo::mailbox;
use kameo::message::Message;
use kameo_actors::{KameoEcho, KameoSum};
use tokio::runtime::Runtime;
use tokio::sync::{mpsc as tmpsc, oneshot};

const RING_ACTORS: usize = 100;
const RING_HOPS: u64 = 100_000;
const SPAWN_ACTORS: u64 = 10_000;
/// Thread actors per `pool-spawn` iteration (see the module docs).
const SPAWN_THREAD_ACTORS: u64 = 1_000;
const SKYNET_LEAVES: u64 = 100_000;
const SKYNET_FAN_OUT: u64 = 10;
/// 100,000 leaves and the inner nodes above them: 10,000 + 1,000 + 100 + 10 + 1.
const SKYNET_ACTORS: u64 = 111_111;
const SKYNET_SUM: u64 = SKYNET_LEAVES * (SKYNET_LEAVES - 1) / 2;
const TELL_MESSAGES: u64 = 100_000;
const TELL_SUM: u64 = TELL_MESSAGES * (TELL_MESSAGES - 1) / 2;
const FAN_IN_SENDERS: u64 = 4;
const FAN_IN_PER_SENDER: u64 = TELL_MESSAGES / FAN_IN_SENDERS;
const ASK_ROUNDS: u64 = 10_000;

/// The pool every `pool` side runs on: 2 workers, one per core of the bench machine.
fn pool() -> Pool {
    Pool::builder()
        .workers(2)
        .name("bench")
        .build()
        .expect("the OS refused a thread")
}

/// The runtime of the `tokio` and `kameo` sides: multi-thread, 2 workers.
fn runtime() -> Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("build the tokio runtime")
}

/// A group with the settings every group shares. Iterations of a millisecond and more are
/// sampled flat (each sample the same number of iterations), so 10 samples need 10 iterations,
/// not criterion's linear 55.
fn group<'a>(
    c: &'a mut Criterion,
    name: &str,
    elements: u64,
    flat: bool,
) -> criterion::BenchmarkGroup<'a, criterion::measurement::WallTime> {
    let mut group = c.benchmark_group(name);
    group.throughput(Throughput::Elements(elements));
    group.sample_size(10);
    group.warm_up_time(Duration::from_secs(1));
    group.measurement_time(Duration::from_secs(3));
    if flat {
        group.sampling_mode(SamplingMode::Flat);
    }
    group
}

// ---------------------------------------------------------------------------------------------
// pool-ring

enum RingMsg {
    /// Who comes next in the ring.
    Next(Addr<RingMsg>),
    /// The token, with the hops still to go.
    Token(u64),
}

/// A ring member, for `pool` and `thread` (the actor of `examples/ring.rs`).
struct Member {
    next: Option<Addr<RingMsg>>,
    done: mpsc::Sender<()>,
}

impl Actor for Member {
    type Msg = RingMsg;

    fn handle(&mut self, msg: RingMsg, _ctx: &mut Context<Self>) {
        match msg {
            RingMsg::Next(next) => self.next = Some(next),
            RingMsg::Token(0) => self.done.send(()).expect("the bench waits for the token"),
            RingMsg::Token(left) => self
                .next
                .as_ref()
                .expect("the ring is closed before the token")
                .send(RingMsg::Token(left - 1))
                .expect("ring members live until closed"),
        }
    }
}

/// Builds the ring with `spawn`, benches it and takes it down.
fn ring_actor_core(b: &mut criterion::Bencher<'_>, spawn: impl Fn(Member) -> ActorHandle<Member>) {
    let (done_tx, done_rx) = mpsc::channel();
    let members: Vec<_> = (0..RING_ACTORS)
        .map(|_| {
            spawn(Member {
                next: None,
                done: done_tx.clone(),
            })
        })
        .collect();
    for (i, member) in members.iter().enumerate() {
        let next = members[(i + 1) % RING_ACTORS].addr();
        member.addr().send(RingMsg::Next(next)).unwrap();
    }
    let first = members[0].addr();
    b.iter(|| {
        first.send(RingMsg::Token(RING_HOPS)).unwrap();
        done_rx.recv().unwrap();
    });
    drop(first);
    // Every member holds the next one's address, so the ring keeps itself alive: close it.
    for member in &members {
        member.close();
    }
    for member in members {
        assert!(!member.join().is_panic());
    }
}

enum TokioRingMsg {
    Token(u64),
    Stop,
}

fn ring_tokio(b: &mut criterion::Bencher<'_>, rt: &Runtime) {
    let (done_tx, done_rx) = mpsc::channel();
    let (txs, rxs): (Vec<_>, Vec<_>) = (0..RING_ACTORS)
        .map(|_| tmpsc::unbounded_channel::<TokioRingMsg>())
        .unzip();
    let tasks: Vec<_> = rxs
        .into_iter()
        .enumerate()
        .map(|(i, mut rx)| {
            let next = txs[(i + 1) % RING_ACTORS].clone();
            let done = done_tx.clone();
            rt.spawn(async move {
                while let Some(msg) = rx.recv().await {
                    match msg {
                        TokioRingMsg::Token(0) => done.send(()).unwrap(),
                        TokioRingMsg::Token(left) => {
                            // The next task may have stopped already during teardown.
                            let _ = next.send(TokioRingMsg::Token(left - 1));
                        }
                        TokioRingMsg::Stop => break,
                    }
                }
            })
        })
        .collect();
    b.iter(|| {
        txs[0].send(TokioRingMsg::Token(RING_HOPS)).unwrap();
        done_rx.recv().unwrap();
    });
    for tx in &txs {
        tx.send(TokioRingMsg::Stop).unwrap();
    }
    rt.block_on(async {
        for task in tasks {
            task.await.unwrap();
        }
    });
}

/// A ring member, for kameo.
struct KameoMember {
    next: ActorRef<KameoMember>,
    done: mpsc::Sender<()>,
}

impl kameo::Actor for KameoMember {
    type Args = Self;
    type Error = Infallible;

    async fn on_start(state: Self, _actor_ref: ActorRef<Self>) -> Result<Self, Infallible> {
        Ok(state)
    }
}

/// The token, with the hops still to go.
struct KameoToken(u64);

impl Message<KameoToken> for KameoMember {
    type Reply = ();

    async fn handle(
        &mut self,
        KameoToken(left): KameoToken,
        _ctx: &mut kameo::message::Context<Self, ()>,
    ) {
        if left == 0 {
            self.done.send(()).unwrap();
        } else {
            self.next.tell(KameoToken(left - 1)).await.unwrap();
        }
    }
}

fn ring_kameo(b: &mut criterion::Bencher<'_>, rt: &Runtime) {
    let (done_tx, done_rx) = mpsc::channel();
    let prepared: Vec<_> = (0..RING_ACTORS)
        .map(|_| PreparedActor::<KameoMember>::new(mailbox::unbounded()))
        .collect();
    let refs: Vec<_> = prepared.iter().map(|p| p.actor_ref().clone()).collect();
    let joins: Vec<_> = {
        let _in_runtime = rt.enter();
        prepared
            .into_iter()
            .enumerate()
            .map(|(i, p)| {
                p.spawn(KameoMember {
                    next: refs[(i + 1) % RING_ACTORS].clone(),
                    done: done_tx.clone(),
                })
            })
            .collect()
    };
    rt.block_on(async {
        for r in &refs {
            r.wait_for_startup().await;
        }
    });
    b.iter(|| {
        refs[0].tell(KameoToken(RING_HOPS)).blocking_send().unwrap();
        done_rx.recv().unwrap();
    });
    rt.block_on(async {
        for r in &refs {
            r.stop_gracefully().await.unwrap();
        }
        drop(refs);
        for join in joins {
            join.await.unwrap().unwrap();
        }
    });
}

fn ring(c: &mut Criterion) {
    let mut group = group(c, "pool-ring", RING_HOPS, true);
    let pool = pool();
    group.bench_function("pool", |b| ring_actor_core(b, |m| pool.spawn(m)));
    pool.shutdown();
    group.bench_function("thread", |b| ring_actor_core(b, actor_core::spawn));
    let rt = runtime();
    group.bench_function("tokio", |b| ring_tokio(b, &rt));
    drop(rt);
    let rt = runtime();
    group.bench_function("kameo", |b| ring_kameo(b, &rt));
    drop(rt);
    group.finish();
}

// ---------------------------------------------------------------------------------------------
// pool-spawn

/// Spawns, sends one `1` to, closes and joins `actors` summing actors.
fn spawn_actor_core(actors: u64, spawn: impl Fn(Sum) -> ActorHandle<Sum>) -> Duration {
    let start = Instant::now();
    let handles: Vec<_> = (0..actors).map(|_| spawn(Sum(0))).collect();
    for handle in &handles {
        handle.addr().send(1).unwrap();
        handle.close();
    }
    let handled: u64 = handles.into_iter().map(|h| h.join().into_state().0).sum();
    let elapsed = start.elapsed();
    assert_eq!(handled, actors);
    elapsed
}

fn spawn_tokio(rt: &Runtime) -> Duration {
    let start = Instant::now();
    let actors: Vec<_> = (0..SPAWN_ACTORS)
        .map(|_| {
            let (tx, mut rx) = tmpsc::unbounded_channel::<u64>();
            let task = rt.spawn(async move {
                let mut sum = 0u64;
                while let Some(n) = rx.recv().await {
                    sum += n;
                }
                sum
            });
            (tx, task)
        })
        .collect();
    let tasks: Vec<_> = actors
        .into_iter()
        .map(|(tx, task)| {
            tx.send(1).unwrap();
            task
        })
        .collect();
    let handled: u64 = rt.block_on(async {
        let mut handled = 0;
        for task in tasks {
            handled += task.await.unwrap();
        }
        handled
    });
    let elapsed = start.elapsed();
    assert_eq!(handled, SPAWN_ACTORS);
    elapsed
}

fn spawn_kameo(rt: &Runtime) -> Duration {
    let start = Instant::now();
    let actors: Vec<_> = {
        let _in_runtime = rt.enter();
        (0..SPAWN_ACTORS)
            .map(|_| {
                let prepared = PreparedActor::<KameoSum>::new(mailbox::unbounded());
                let actor_ref = prepared.actor_ref().clone();
                (actor_ref, prepared.spawn(KameoSum(0)))
            })
            .collect()
    };
    // Dropping the only ActorRef closes the mailbox: the actor stops once it is drained.
    let joins: Vec<_> = actors
        .into_iter()
        .map(|(actor_ref, join)| {
            actor_ref.tell(1).blocking_send().unwrap();
            join
        })
        .collect();
    let handled: u64 = rt.block_on(async {
        let mut handled = 0;
        for join in joins {
            handled += join.await.unwrap().unwrap().0.0;
        }
        handled
    });
    let elapsed = start.elapsed();
    assert_eq!(handled, SPAWN_ACTORS);
    elapsed
}

fn spawn(c: &mut Criterion) {
    let mut group = group(c, "pool-spawn", SPAWN_ACTORS, true);
    let pool = pool();
    group.bench_function("pool", |b| {
        b.iter_custom(|iters| {
            (0..iters)
                .map(|_| spawn_actor_core(SPAWN_ACTORS, |a| pool.spawn(a)))
                .sum()
        })
    });
    pool.shutdown();
    group.throughput(Throughput::Elements(SPAWN_THREAD_ACTORS));
    group.bench_function("thread", |b| {
        b.iter_custom(|iters| {
            (0..iters)
                .map(|_| spawn_actor_core(SPAWN_THREAD_ACTORS, actor_core::spawn))
                .sum()
        })
    });
    group.throughput(Throughput::Elements(SPAWN_ACTORS));
    let rt = runtime();
    group.bench_function("tokio", |b| {
        b.iter_custom(|iters| (0..iters).map(|_| spawn_tokio(&rt)).sum())
    });
    drop(rt);
    let rt = runtime();
    group.bench_function("kameo", |b| {
        b.iter_custom(|iters| (0..iters).map(|_| spawn_kameo(&rt)).sum())
    });
    drop(rt);
    group.finish();
}

// ---------------------------------------------------------------------------------------------
// pool-skynet

/// Where a node sends its sum.
enum Parent {
    Node(Addr<u64>),
    Bench(mpsc::Sender<u64>),
}

/// A skynet node, for `pool` (the actor of `examples/skynet.rs`).
struct Node {
    /// The first leaf number under this node, and how many leaves it covers.
    first: u64,
    leaves: u64,
    parent: Option<Parent>,
    sum: u64,
    waiting: u64,
}

impl Node {
    fn new(first: u64, leaves: u64, parent: Parent) -> Node {
        Node {
            first,
            leaves,
            parent: Some(parent),
            sum: 0,
            waiting: 0,
        }
    }

    /// Sends the sum up and ends this node.
    fn report(&mut self, ctx: &mut Context<Self>) {
        match self.parent.take() {
            Some(Parent::Node(addr)) => addr.send(self.sum).expect("a parent waits"),
            Some(Parent::Bench(tx)) => tx.send(self.sum).expect("the bench waits"),
            None => {}
        }
        ctx.close();
    }
}

impl Actor for Node {
    type Msg = u64;

    fn started(&mut self, ctx: &mut Context<Self>) {
        if self.leaves == 1 {
            self.sum = self.first;
            self.report(ctx);
            return;
        }
        let step = self.leaves / SKYNET_FAN_OUT;
        for child in 0..SKYNET_FAN_OUT {
            let node = Node::new(self.first + child * step, step, Parent::Node(ctx.addr()));
            // Detached: the child reports through its parent's address.
            drop(
                ctx.spawn(node)
                    .expect("the pool runs until the bench shuts it down"),
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

fn skynet_pool(pool: &Pool) -> Duration {
    let (sum_tx, sum_rx) = mpsc::channel();
    let start = Instant::now();
    let root = pool.spawn(Node::new(0, SKYNET_LEAVES, Parent::Bench(sum_tx)));
    let sum = sum_rx.recv().unwrap();
    assert!(!root.join().is_panic());
    let elapsed = start.elapsed();
    assert_eq!(sum, SKYNET_SUM);
    elapsed
}

/// Spawns the skynet node covering `leaves` leaves from `first` on the current runtime.
fn skynet_tokio_node(first: u64, leaves: u64, parent: tmpsc::UnboundedSender<u64>) {
    tokio::spawn(async move {
        if leaves == 1 {
            let _ = parent.send(first);
            return;
        }
        let (tx, mut rx) = tmpsc::unbounded_channel();
        let step = leaves / SKYNET_FAN_OUT;
        for child in 0..SKYNET_FAN_OUT {
            skynet_tokio_node(first + child * step, step, tx.clone());
        }
        drop(tx);
        let mut sum = 0;
        for _ in 0..SKYNET_FAN_OUT {
            sum += rx.recv().await.expect("every child reports");
        }
        let _ = parent.send(sum);
    });
}

fn skynet_tokio(rt: &Runtime) -> Duration {
    let (sum_tx, mut sum_rx) = tmpsc::unbounded_channel();
    let start = Instant::now();
    {
        let _in_runtime = rt.enter();
        skynet_tokio_node(0, SKYNET_LEAVES, sum_tx);
    }
    let sum = rt.block_on(sum_rx.recv()).unwrap();
    let elapsed = start.elapsed();
    assert_eq!(sum, SKYNET_SUM);
    elapsed
}

/// Where a kameo node sends its sum.
enum KameoParent {
    Node(ActorRef<KameoNode>),
    Bench(mpsc::Sender<u64>),
}

impl KameoParent {
    async fn report(self, sum: u64) {
        match self {
            KameoParent::Node(parent) => parent.tell(sum).await.expect("a parent waits"),
            KameoParent::Bench(tx) => tx.send(sum).expect("the bench waits"),
        }
    }
}

/// A skynet node, for kameo.
struct KameoNode {
    parent: Option<KameoParent>,
    sum: u64,
    waiting: u64,
}

/// What a kameo node is spawned with.
struct KameoNodeArgs {
    first: u64,
    leaves: u64,
    parent: KameoParent,
}

impl kameo::Actor for KameoNode {
    type Args = KameoNodeArgs;
    type Error = Infallible;

    async fn on_start(args: KameoNodeArgs, actor_ref: ActorRef<Self>) -> Result<Self, Infallible> {
        if args.leaves == 1 {
            // Nobody holds this leaf's ActorRef once its parent dropped it: it ends after this.
            args.parent.report(args.first).await;
            return Ok(KameoNode {
                parent: None,
                sum: 0,
                waiting: 0,
            });
        }
        let step = args.leaves / SKYNET_FAN_OUT;
        for child in 0..SKYNET_FAN_OUT {
            drop(KameoNode::spawn_with_mailbox(
                KameoNodeArgs {
                    first: args.first + child * step,
                    leaves: step,
                    parent: KameoParent::Node(actor_ref.clone()),
                },
                mailbox::unbounded(),
            ));
        }
        Ok(KameoNode {
            parent: Some(args.parent),
            sum: 0,
            waiting: SKYNET_FAN_OUT,
        })
    }
}

impl Message<u64> for KameoNode {
    type Reply = ();

    async fn handle(&mut self, sum: u64, ctx: &mut kameo::message::Context<Self, ()>) {
        self.sum += sum;
        self.waiting -= 1;
        if self.waiting == 0 {
            if let Some(parent) = self.parent.take() {
                parent.report(self.sum).await;
            }
            ctx.stop();
        }
    }
}

fn skynet_kameo(rt: &Runtime) -> Duration {
    let (sum_tx, sum_rx) = mpsc::channel();
    let start = Instant::now();
    let root = {
        let _in_runtime = rt.enter();
        KameoNode::spawn_with_mailbox(
            KameoNodeArgs {
                first: 0,
                leaves: SKYNET_LEAVES,
                parent: KameoParent::Bench(sum_tx),
            },
            mailbox::unbounded(),
        )
    };
    let sum = sum_rx.recv().unwrap();
    rt.block_on(root.wait_for_shutdown());
    let elapsed = start.elapsed();
    assert_eq!(sum, SKYNET_SUM);
    elapsed
}

fn skynet(c: &mut Criterion) {
    let mut group = group(c, "pool-skynet", SKYNET_ACTORS, true);
    let pool = pool();
    group.bench_function("pool", |b| {
        b.iter_custom(|iters| (0..iters).map(|_| skynet_pool(&pool)).sum())
    });
    pool.shutdown();
    let rt = runtime();
    group.bench_function("tokio", |b| {
        b.iter_custom(|iters| (0..iters).map(|_| skynet_tokio(&rt)).sum())
    });
    drop(rt);
    let rt = runtime();
    group.bench_function("kameo", |b| {
        b.iter_custom(|iters| (0..iters).map(|_| skynet_kameo(&rt)).sum())
    });
    drop(rt);
    group.finish();
}

// ---------------------------------------------------------------------------------------------
// pool-tell and pool-fan-in

/// `common::tell_actor`'s twin on a pool: the same steps, the actor spawned on `pool`.
fn tell_pooled(pool: &Pool) -> Duration {
    let handle = Builder::new().pool(pool).spawn(Sum(0)).unwrap();
    let addr = handle.addr();
    handle.wait_started();
    let start = Instant::now();
    for n in 0..TELL_MESSAGES {
        addr.send(n).unwrap();
    }
    drop(addr);
    let sum = handle.join().into_state().0;
    let elapsed = start.elapsed();
    assert_eq!(sum, TELL_SUM);
    elapsed
}

/// A summing task on `rt`; it has started (been polled once) when this returns.
fn sum_task(rt: &Runtime) -> (tmpsc::UnboundedSender<u64>, tokio::task::JoinHandle<u64>) {
    let (tx, mut rx) = tmpsc::unbounded_channel::<u64>();
    let (started_tx, started_rx) = mpsc::channel();
    let task = rt.spawn(async move {
        started_tx.send(()).unwrap();
        let mut sum = 0u64;
        while let Some(n) = rx.recv().await {
            sum = sum.wrapping_add(n);
        }
        sum
    });
    started_rx.recv().unwrap();
    (tx, task)
}

fn tell_tokio(rt: &Runtime) -> Duration {
    let (tx, task) = sum_task(rt);
    let start = Instant::now();
    for n in 0..TELL_MESSAGES {
        tx.send(n).unwrap();
    }
    drop(tx);
    let sum = rt.block_on(task).unwrap();
    let elapsed = start.elapsed();
    assert_eq!(sum, TELL_SUM);
    elapsed
}

/// A started kameo summing actor on `rt`, and its join handle.
type KameoJoin<A> =
    tokio::task::JoinHandle<Result<(A, kameo::error::ActorStopReason), kameo::error::PanicError>>;

fn kameo_sum(rt: &Runtime) -> (ActorRef<KameoSum>, KameoJoin<KameoSum>) {
    let prepared = PreparedActor::<KameoSum>::new(mailbox::unbounded());
    let actor_ref = prepared.actor_ref().clone();
    let join = {
        let _in_runtime = rt.enter();
        prepared.spawn(KameoSum(0))
    };
    rt.block_on(actor_ref.wait_for_startup());
    (actor_ref, join)
}

fn tell_kameo(rt: &Runtime) -> Duration {
    let (actor_ref, join) = kameo_sum(rt);
    let start = Instant::now();
    for n in 0..TELL_MESSAGES {
        actor_ref.tell(n).blocking_send().unwrap();
    }
    // The only ActorRef: dropping it closes the mailbox, the actor ends once drained.
    drop(actor_ref);
    let (state, _reason) = rt.block_on(join).unwrap().unwrap();
    let elapsed = start.elapsed();
    assert_eq!(state.0, TELL_SUM);
    elapsed
}

fn tell(c: &mut Criterion) {
    let mut group = group(c, "pool-tell", TELL_MESSAGES, true);
    let pool = pool();
    group.bench_function("pool", |b| {
        b.iter_custom(|iters| (0..iters).map(|_| tell_pooled(&pool)).sum())
    });
    pool.shutdown();
    group.bench_function("thread", |b| {
        b.iter_custom(|iters| {
            (0..iters)
                .map(|_| tell_actor(TELL_MESSAGES, Mailbox::Unbounded))
                .sum()
        })
    });
    let rt = runtime();
    group.bench_function("tokio", |b| {
        b.iter_custom(|iters| (0..iters).map(|_| tell_tokio(&rt)).sum())
    });
    drop(rt);
    let rt = runtime();
    group.bench_function("kameo", |b| {
        b.iter_custom(|iters| (0..iters).map(|_| tell_kameo(&rt)).sum())
    });
    drop(rt);
    group.finish();
}

/// Starts `FAN_IN_SENDERS` threads, each sending its share of `0..TELL_MESSAGES` through its
/// clone of `tx` with `send`; times from the moment they are released until `finish` (which
/// waits for the receiver's final sum) returns. `tx` itself is dropped before the release.
fn fan_in<T: Clone + Send>(
    tx: T,
    send: impl Fn(&T, u64) + Sync,
    finish: impl FnOnce() -> u64,
) -> Duration {
    let barrier = Barrier::new(FAN_IN_SENDERS as usize + 1);
    thread::scope(|s| {
        for t in 0..FAN_IN_SENDERS {
            let tx = tx.clone();
            let (barrier, send) = (&barrier, &send);
            s.spawn(move || {
                barrier.wait();
                for n in t * FAN_IN_PER_SENDER..(t + 1) * FAN_IN_PER_SENDER {
                    send(&tx, n);
                }
            });
        }
        drop(tx);
        barrier.wait();
        let start = Instant::now();
        let sum = finish();
        let elapsed = start.elapsed();
        assert_eq!(sum, TELL_SUM);
        elapsed
    })
}

fn fan_in_actor_core(builder: Builder) -> Duration {
    let handle = builder.spawn(Sum(0)).unwrap();
    handle.wait_started();
    fan_in(
        handle.addr(),
        |addr, n| addr.send(n).unwrap(),
        || handle.join().into_state().0,
    )
}

fn fan_in_tokio(rt: &Runtime) -> Duration {
    let (tx, task) = sum_task(rt);
    fan_in(
        tx,
        |tx, n| tx.send(n).unwrap(),
        || rt.block_on(task).unwrap(),
    )
}

fn fan_in_kameo(rt: &Runtime) -> Duration {
    let (actor_ref, join) = kameo_sum(rt);
    fan_in(
        actor_ref,
        |actor_ref, n| actor_ref.tell(n).blocking_send().unwrap(),
        || rt.block_on(join).unwrap().unwrap().0.0,
    )
}

fn fan_in_group(c: &mut Criterion) {
    let mut group = group(c, "pool-fan-in", TELL_MESSAGES, true);
    let pool = pool();
    group.bench_function("pool", |b| {
        b.iter_custom(|iters| {
            (0..iters)
                .map(|_| fan_in_actor_core(Builder::new().pool(&pool)))
                .sum()
        })
    });
    pool.shutdown();
    group.bench_function("thread", |b| {
        b.iter_custom(|iters| (0..iters).map(|_| fan_in_actor_core(Builder::new())).sum())
    });
    let rt = runtime();
    group.bench_function("tokio", |b| {
        b.iter_custom(|iters| (0..iters).map(|_| fan_in_tokio(&rt)).sum())
    });
    drop(rt);
    let rt = runtime();
    group.bench_function("kameo", |b| {
        b.iter_custom(|iters| (0..iters).map(|_| fan_in_kameo(&rt)).sum())
    });
    drop(rt);
    group.finish();
}

// ---------------------------------------------------------------------------------------------
// pool-ask-thread and pool-ask-ctx

/// Answers `n + 1`.
struct Echo;

impl Actor for Echo {
    type Msg = (u64, ReplyTo<u64>);

    fn handle(&mut self, (n, port): Self::Msg, _ctx: &mut Context<Self>) {
        let _ = port.reply(n + 1);
    }
}

/// One `Addr::ask` round trip per iteration to the `Echo` of `handle`, which is closed and
/// joined afterwards.
fn ask_echo(b: &mut criterion::Bencher<'_>, handle: ActorHandle<Echo>) {
    let addr = handle.addr();
    let mut n = 0u64;
    b.iter(|| {
        n = addr.ask(|port| (n, port)).unwrap();
    });
    drop(addr);
    assert!(!handle.join().is_panic());
}

type TokioRequest = (u64, oneshot::Sender<u64>);

/// A task answering `n + 1` over the oneshot each request carries.
fn echo_task(
    rt: &Runtime,
) -> (
    tmpsc::UnboundedSender<TokioRequest>,
    tokio::task::JoinHandle<()>,
) {
    let (tx, mut rx) = tmpsc::unbounded_channel::<TokioRequest>();
    let task = rt.spawn(async move {
        while let Some((n, port)) = rx.recv().await {
            let _ = port.send(n + 1);
        }
    });
    (tx, task)
}

fn ask_thread(c: &mut Criterion) {
    let mut group = group(c, "pool-ask-thread", 1, false);
    let pool = pool();
    group.bench_function("pool", |b| ask_echo(b, pool.spawn(Echo)));
    pool.shutdown();
    group.bench_function("thread", |b| ask_echo(b, actor_core::spawn(Echo)));
    group.bench_function("thread-pull", ask_round_trips);
    let rt = runtime();
    group.bench_function("tokio", |b| {
        let (tx, task) = echo_task(&rt);
        let mut n = 0u64;
        b.iter(|| {
            let (port, answer) = oneshot::channel();
            tx.send((n, port)).unwrap();
            n = answer.blocking_recv().unwrap();
        });
        drop(tx);
        rt.block_on(task).unwrap();
    });
    drop(rt);
    let rt = runtime();
    group.bench_function("kameo", |b| {
        let actor_ref = {
            let _in_runtime = rt.enter();
            KameoEcho::spawn_with_mailbox(KameoEcho, mailbox::unbounded())
        };
        rt.block_on(actor_ref.wait_for_startup());
        let mut n = 0u64;
        b.iter(|| {
            n = actor_ref.ask(n).blocking_send().unwrap();
        });
        actor_ref.kill();
        rt.block_on(actor_ref.wait_for_shutdown());
    });
    drop(rt);
    group.finish();
}

enum AskerMsg {
    /// Do `ASK_ROUNDS` round trips, then send the last answer here.
    Go(mpsc::Sender<u64>),
    Answer(Result<u64, NoReply>),
}

/// Asks its `Echo` through `Context::ask`, one request at a time.
struct Asker {
    echo: Addr<(u64, ReplyTo<u64>)>,
    left: u64,
    done: Option<mpsc::Sender<u64>>,
}

impl Asker {
    fn ask(&self, n: u64, ctx: &mut Context<Self>) {
        if ctx
            .ask(&self.echo, |port| (n, port), AskerMsg::Answer)
            .is_err()
        {
            panic!("the echo actor lives until the bench ends");
        }
    }
}

impl Actor for Asker {
    type Msg = AskerMsg;

    fn handle(&mut self, msg: AskerMsg, ctx: &mut Context<Self>) {
        match msg {
            AskerMsg::Go(done) => {
                self.done = Some(done);
                self.left = ASK_ROUNDS;
                self.ask(0, ctx);
            }
            AskerMsg::Answer(Ok(n)) => {
                self.left -= 1;
                if self.left == 0 {
                    let done = self.done.take().expect("a round is under way");
                    done.send(n).expect("the bench waits");
                } else {
                    self.ask(n, ctx);
                }
            }
            AskerMsg::Answer(Err(no_reply)) => panic!("no reply: {no_reply:?}"),
        }
    }
}

/// Runs `ASK_ROUNDS` round trips between an `Asker` and an `Echo` spawned with `builder`.
fn ask_ctx_actor_core(b: &mut criterion::Bencher<'_>, builder: impl Fn() -> Builder) {
    let echo = builder().spawn(Echo).unwrap();
    let asker = builder()
        .spawn(Asker {
            echo: echo.addr(),
            left: 0,
            done: None,
        })
        .unwrap();
    let asker_addr = asker.addr();
    b.iter(|| {
        let (done_tx, done_rx) = mpsc::channel();
        asker_addr.send(AskerMsg::Go(done_tx)).unwrap();
        assert_eq!(done_rx.recv().unwrap(), ASK_ROUNDS);
    });
    drop(asker_addr);
    assert!(!asker.join().is_panic());
    assert!(!echo.join().is_panic());
}

/// Asks its `KameoEcho` from inside its handler, awaiting each reply.
struct KameoAsker {
    echo: ActorRef<KameoEcho>,
}

impl kameo::Actor for KameoAsker {
    type Args = Self;
    type Error = Infallible;

    async fn on_start(state: Self, _actor_ref: ActorRef<Self>) -> Result<Self, Infallible> {
        Ok(state)
    }
}

/// Do `ASK_ROUNDS` round trips, then send the last answer here.
struct KameoGo(mpsc::Sender<u64>);

impl Message<KameoGo> for KameoAsker {
    type Reply = ();

    async fn handle(
        &mut self,
        KameoGo(done): KameoGo,
        _ctx: &mut kameo::message::Context<Self, ()>,
    ) {
        let mut n = 0;
        for _ in 0..ASK_ROUNDS {
            n = self.echo.ask(n).await.unwrap();
        }
        done.send(n).unwrap();
    }
}

fn ask_ctx(c: &mut Criterion) {
    let mut group = group(c, "pool-ask-ctx", ASK_ROUNDS, true);
    let pool = pool();
    group.bench_function("pool", |b| {
        ask_ctx_actor_core(b, || Builder::new().pool(&pool))
    });
    pool.shutdown();
    group.bench_function("thread", |b| ask_ctx_actor_core(b, Builder::new));
    let rt = runtime();
    group.bench_function("tokio", |b| {
        let (echo_tx, echo) = echo_task(&rt);
        let (go_tx, mut go_rx) = tmpsc::unbounded_channel::<mpsc::Sender<u64>>();
        let asker = rt.spawn(async move {
            while let Some(done) = go_rx.recv().await {
                let mut n = 0;
                for _ in 0..ASK_ROUNDS {
                    let (port, answer) = oneshot::channel();
                    echo_tx.send((n, port)).unwrap();
                    n = answer.await.unwrap();
                }
                done.send(n).unwrap();
            }
        });
        b.iter(|| {
            let (done_tx, done_rx) = mpsc::channel();
            go_tx.send(done_tx).unwrap();
            assert_eq!(done_rx.recv().unwrap(), ASK_ROUNDS);
        });
        drop(go_tx);
        rt.block_on(async {
            asker.await.unwrap();
            echo.await.unwrap();
        });
    });
    drop(rt);
    let rt = runtime();
    group.bench_function("kameo", |b| {
        let (asker, echo) = {
            let _in_runtime = rt.enter();
            let echo = KameoEcho::spawn_with_mailbox(KameoEcho, mailbox::unbounded());
            let asker = KameoAsker::spawn_with_mailbox(
                KameoAsker { echo: echo.clone() },
                mailbox::unbounded(),
            );
            (asker, echo)
        };
        rt.block_on(asker.wait_for_startup());
        b.iter(|| {
            let (done_tx, done_rx) = mpsc::channel();
            asker.tell(KameoGo(done_tx)).blocking_send().unwrap();
            assert_eq!(done_rx.recv().unwrap(), ASK_ROUNDS);
        });
        rt.block_on(async {
            asker.stop_gracefully().await.unwrap();
            asker.wait_for_shutdown().await;
            echo.stop_gracefully().await.unwrap();
            echo.wait_for_shutdown().await;
        });
    });
    drop(rt);
    group.finish();
}

criterion_group!(
    benches,
    ring,
    spawn,
    skynet,
    tell,
    fan_in_group,
    ask_thread,
    ask_ctx
);
criterion_main!(benches);
