//! actor-core against a tokio-based actor framework, kameo 0.22, measured in the same run.
//!
//! Both sides are driven from plain synchronous code (the bench thread), the way a program
//! without an async `main` would use them. kameo runs its actors on a multi-thread tokio runtime
//! with 2 worker threads, built once per bench function; actor-core runs each actor on a thread of
//! its own.
//!
//! - `peers-tell`: one sender, 100,000 `u64` messages to one actor that sums them, until all are
//!   handled. actor-core: `spawn` + `Addr::send`, then drop the address and `join`. kameo: an
//!   actor spawned with an unbounded mailbox (actor-core's default), `tell(n).blocking_send()`
//!   from the bench thread, then drop the last `ActorRef` and `block_on` the actor's join handle,
//!   which gives back the actor's state once it has handled everything. In both the clock starts
//!   after the actor has started and stops when its final state is back.
//! - `peers-ask`: one request-reply round trip on an actor that answers `n + 1`. actor-core:
//!   `Addr::ask` on a pull-style actor. kameo: `ask(n).blocking_send()`, kameo's own API for
//!   calling from outside the runtime, which parks the calling thread until the reply. A second
//!   kameo figure, `kameo-block-on`, awaits the same ask inside `runtime.block_on(...)` once per
//!   iteration, the other way synchronous code reaches an async API.
//!
//! Run: `cargo bench -p tests --features peers --bench peers`.

// criterion_group! and criterion_main! generate undocumented items.
#![allow(missing_docs)]

use std::time::{Duration, Instant};

#[path = "../../actor-core/benches/common/mod.rs"]
mod common;
#[path = "shared/kameo.rs"]
mod kameo_actors;

use actor_core::Mailbox;
use common::{ask_round_trips, tell_actor};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use kameo::actor::{PreparedActor, Spawn};
use kameo::mailbox;
use kameo_actors::{KameoEcho, KameoSum};
use tokio::runtime::Runtime;

const TELL_MESSAGES: u64 = 100_000;
const EXPECTED_SUM: u64 = TELL_MESSAGES * (TELL_MESSAGES - 1) / 2;

/// The runtime kameo runs on: multi-thread, one worker per core of the 2-core bench machine.
fn runtime() -> Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("build the tokio runtime")
}

/// The same workload on kameo, sending from the (non-runtime) bench thread.
fn tell_kameo(rt: &Runtime) -> Duration {
    let prepared = PreparedActor::<KameoSum>::new(mailbox::unbounded());
    let actor_ref = prepared.actor_ref().clone();
    let join = {
        let _in_runtime = rt.enter();
        prepared.spawn(KameoSum(0))
    };
    rt.block_on(actor_ref.wait_for_startup());
    let start = Instant::now();
    for n in 0..TELL_MESSAGES {
        actor_ref.tell(n).blocking_send().unwrap();
    }
    // The actor holds only a weak reference to itself: dropping this one closes the mailbox, and
    // the actor ends once it has handled everything queued.
    drop(actor_ref);
    let (state, _reason) = rt.block_on(join).unwrap().unwrap();
    let elapsed = start.elapsed();
    assert_eq!(state.0, EXPECTED_SUM);
    elapsed
}

fn tell(c: &mut Criterion) {
    let mut group = c.benchmark_group("peers-tell");
    group.throughput(Throughput::Elements(TELL_MESSAGES));
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(4));
    group.bench_function("actor-core", |b| {
        b.iter_custom(|iters| {
            (0..iters)
                .map(|_| tell_actor(TELL_MESSAGES, Mailbox::Unbounded))
                .sum()
        })
    });
    let rt = runtime();
    group.bench_function("kameo", |b| {
        b.iter_custom(|iters| (0..iters).map(|_| tell_kameo(&rt)).sum())
    });
    group.finish();
}

fn ask(c: &mut Criterion) {
    let mut group = c.benchmark_group("peers-ask");
    group.throughput(Throughput::Elements(1));
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(3));

    group.bench_function("actor-core", ask_round_trips);

    let rt = runtime();
    let actor_ref = {
        let _in_runtime = rt.enter();
        KameoEcho::spawn_with_mailbox(KameoEcho, mailbox::unbounded())
    };
    rt.block_on(actor_ref.wait_for_startup());

    group.bench_function("kameo", |b| {
        let mut n = 0u64;
        b.iter(|| {
            n = actor_ref.ask(n).blocking_send().unwrap();
        });
    });

    group.bench_function("kameo-block-on", |b| {
        let mut n = 0u64;
        b.iter(|| {
            n = rt.block_on(async { actor_ref.ask(n).await }).unwrap();
        });
    });

    actor_ref.kill();
    rt.block_on(actor_ref.wait_for_shutdown());
    group.finish();
}

criterion_group!(benches, tell, ask);
criterion_main!(benches);
