//! What the lifecycle layer costs: a supervised restart, a registry look-up and a send through a
//! router or a recipient, each against the plain operation it adds to, measured in the same run.
//!
//! - `restart`: one iteration makes a supervised child panic and waits for the first message
//!   handled by the new instance: the bench thread sends `Msg::Panic` (the handler panics, the
//!   run asks the supervisor for a verdict, a fresh instance is made on the same mailbox) and then
//!   asks `Msg::Ping` through the same `Addr`, which the new instance answers. `plain-ask`: the
//!   baseline, one `Addr::ask` of `Msg::Ping` to the same actor type spawned unsupervised
//!   (`actor_core::spawn`). `supervised-ask`: the same ask to the supervised child, no panic (what
//!   supervision costs on the normal path). All thread actors. `restart-ask` minus `plain-ask` is
//!   the restart's own cost. `catch-unwind`: what Rust's panic machinery alone costs, on the
//!   bench thread: `std::panic::catch_unwind` of the same `panic!` (hook, unwinding, catch), no
//!   actor involved. `restart-x100`: 100 `Msg::Panic` sent in a row, then one ask of `Msg::Ping`
//!   (throughput: restarts): the ask and the wake-ups that make `restart-ask` swing between runs
//!   are shared by 100 restarts, so its time per element is close to one restart's own cost.
//!   The supervisor allows any number of restarts within a 1 ms window, so the intensity never
//!   stops the bench and its window stays short. A panic hook keeps the bench's own panics off
//!   standard error.
//! - `registry`: `Registry::lookup::<u64>` of one name (`actor-500`) in a registry of 1,000
//!   actors (idle actors on a 2-worker pool, each under its own name), against `Addr::clone`.
//!   Both give back an `Addr` that is dropped in the iteration.
//! - `route`: 100,000 `u64` sent from the bench thread per iteration, until every one is handled
//!   (throughput: messages): the clock starts once the actors have started and stops when their
//!   final states are back (`join`), as in the `tell` benches. The receivers are thread actors
//!   whose message is an enum, `Tally::N(u64)`. `addr`: `Addr::send(Tally::N(n))` to one actor
//!   (the baseline). `recipient`: `Recipient<u64>::send(n)` to one actor, the recipient made with
//!   `recipient!(addr, Tally::N)`. `router`: `Router::round_robin` over 4 actors. `addr-4`: the
//!   same 4-way spread by hand (`addrs[n % 4].send(..)`), so `router / addr-4` is the router's own
//!   cost and `addr-4 / addr` what spreading one stream over 4 receiving threads does on its own.
//!
//! Run: `cargo bench -p actor-core --bench lifecycle` (about 70 s). Figures are in
//! `BENCHMARKS.md` at the repository root.

// criterion_group! and criterion_main! generate undocumented items.
#![allow(missing_docs)]

use std::hint::black_box;
use std::sync::Once;
use std::time::{Duration, Instant};

use actor_core::{
    Actor, ActorHandle, Addr, ChildSpec, Context, Pool, Registry, ReplyTo, Router, Strategy,
    Supervisor, recipient,
};
use criterion::{Criterion, SamplingMode, Throughput, criterion_group, criterion_main};

/// The message of the bench's deliberate panics; the panic hook stays silent for it.
const PANIC_MESSAGE: &str = "lifecycle bench: deliberate panic";
/// Restarts per iteration of `restart/restart-x100`.
const RESTART_BURST: u64 = 100;
const REGISTERED: usize = 1_000;
const LOOKED_UP: &str = "actor-500";
const ROUTE_MESSAGES: u64 = 100_000;
const ROUTE_SUM: u64 = ROUTE_MESSAGES * (ROUTE_MESSAGES - 1) / 2;
const ROUTE_MEMBERS: usize = 4;

/// Keeps the bench's own panics off standard error; every other panic is reported as usual.
fn quiet_panics() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let payload = info.payload();
            let message = payload
                .downcast_ref::<&str>()
                .copied()
                .or_else(|| payload.downcast_ref::<String>().map(String::as_str))
                .unwrap_or("");
            if message != PANIC_MESSAGE {
                previous(info);
            }
        }));
    });
}

// ---------------------------------------------------------------------------------------------
// restart

enum Msg {
    /// The handler panics.
    Panic,
    /// The handler replies.
    Ping(ReplyTo<()>),
}

/// Panics on `Panic`, answers `Ping`.
struct Child;

impl Actor for Child {
    type Msg = Msg;

    fn handle(&mut self, msg: Msg, _ctx: &mut Context<Self>) {
        match msg {
            Msg::Panic => panic!("{}", PANIC_MESSAGE),
            Msg::Ping(port) => {
                let _ = port.reply(());
            }
        }
    }
}

/// One `Msg::Ping` round trip.
fn ping(addr: &Addr<Msg>) {
    if let Err(error) = addr.ask(Msg::Ping) {
        panic!("the child did not answer: {error}");
    }
}

fn restart(c: &mut Criterion) {
    quiet_panics();
    let mut group = c.benchmark_group("restart");
    group.throughput(Throughput::Elements(1));
    group.warm_up_time(Duration::from_secs(1));
    group.measurement_time(Duration::from_secs(4));

    group.bench_function("plain-ask", |b| {
        let handle = actor_core::spawn(Child);
        let addr = handle.addr();
        b.iter(|| ping(&addr));
        drop(addr);
        assert!(!handle.join().is_panic());
    });

    // What Rust's panic machinery alone costs, on this thread: the hook, the unwinding, the catch.
    group.bench_function("catch-unwind", |b| {
        b.iter(|| {
            let caught = std::panic::catch_unwind(|| -> u64 { panic!("{}", PANIC_MESSAGE) });
            black_box(caught.is_err())
        })
    });

    let supervisor = Supervisor::new(Strategy::OneForOne)
        .intensity(usize::MAX, Duration::from_millis(1))
        .child(ChildSpec::new("child", || Child))
        .spawn(actor_core::Builder::new())
        .expect("the OS refused a thread");
    let child = supervisor
        .child::<Msg>("child")
        .expect("the child runs under its name");

    group.bench_function("supervised-ask", |b| b.iter(|| ping(&child)));

    let before = supervisor.restarts();
    // `None` when a filter on the command line skipped the measurement.
    let mut restarts: Option<u64> = None;
    group.bench_function("restart-ask", |b| {
        b.iter(|| {
            child
                .send(Msg::Panic)
                .expect("the child is restarted in place");
            ping(&child);
        });
        restarts = Some(supervisor.restarts() - before);
    });

    // The same, with the restarts in bursts: the one ask per burst and its wake-ups are shared
    // by RESTART_BURST restarts, so time / RESTART_BURST is close to one restart's own cost.
    group.throughput(Throughput::Elements(RESTART_BURST));
    group.bench_function("restart-x100", |b| {
        b.iter(|| {
            for _ in 0..RESTART_BURST {
                child
                    .send(Msg::Panic)
                    .expect("the child is restarted in place");
            }
            ping(&child);
        });
    });
    group.finish();
    assert_ne!(restarts, Some(0), "the child was never restarted");

    drop(child);
    supervisor.close();
    assert!(!supervisor.join().is_panic());
}

// ---------------------------------------------------------------------------------------------
// registry

/// An idle actor to register.
struct Idle;

impl Actor for Idle {
    type Msg = u64;

    fn handle(&mut self, _: u64, _ctx: &mut Context<Self>) {}
}

fn registry(c: &mut Criterion) {
    let pool = Pool::builder()
        .workers(2)
        .name("bench")
        .build()
        .expect("the OS refused a thread");
    let registry = Registry::new();
    let actors: Vec<ActorHandle<Idle>> = (0..REGISTERED).map(|_| pool.spawn(Idle)).collect();
    for (n, actor) in actors.iter().enumerate() {
        registry
            .register(format!("actor-{n}"), &actor.addr())
            .expect("each name once, each actor alive");
    }
    let addr = registry
        .lookup::<u64>(LOOKED_UP)
        .expect("the name is registered");

    let mut group = c.benchmark_group("registry");
    group.throughput(Throughput::Elements(1));
    group.warm_up_time(Duration::from_secs(1));
    group.measurement_time(Duration::from_secs(3));
    group.bench_function("addr-clone", |b| b.iter(|| black_box(addr.clone())));
    group.bench_function("lookup-of-1000", |b| {
        b.iter(|| black_box(registry.lookup::<u64>(black_box(LOOKED_UP)).unwrap()))
    });
    group.finish();

    drop(addr);
    for actor in actors {
        actor.close();
        assert!(!actor.join().is_panic());
    }
    pool.shutdown();
}

// ---------------------------------------------------------------------------------------------
// route

enum Tally {
    N(u64),
}

/// Sums the numbers it is sent.
struct Summer(u64);

impl Actor for Summer {
    type Msg = Tally;

    fn handle(&mut self, Tally::N(n): Tally, _ctx: &mut Context<Self>) {
        self.0 = self.0.wrapping_add(n);
    }
}

/// Spawns `actors` started summing actors, gives their handles to `send` (which sends
/// `0..ROUTE_MESSAGES` and drops every address it made), then joins them; the time from the
/// first send until every final state is back.
fn route_run(actors: usize, send: impl FnOnce(&[ActorHandle<Summer>])) -> Duration {
    let handles: Vec<_> = (0..actors).map(|_| actor_core::spawn(Summer(0))).collect();
    for handle in &handles {
        handle.wait_started();
    }
    let start = Instant::now();
    send(&handles);
    let sum: u64 = handles.into_iter().map(|h| h.join().into_state().0).sum();
    let elapsed = start.elapsed();
    assert_eq!(sum, ROUTE_SUM);
    elapsed
}

fn route(c: &mut Criterion) {
    let mut group = c.benchmark_group("route");
    group.throughput(Throughput::Elements(ROUTE_MESSAGES));
    group.sample_size(10);
    group.warm_up_time(Duration::from_secs(1));
    group.measurement_time(Duration::from_secs(3));
    group.sampling_mode(SamplingMode::Flat);

    group.bench_function("addr", |b| {
        b.iter_custom(|iters| {
            (0..iters)
                .map(|_| {
                    route_run(1, |handles| {
                        let addr = handles[0].addr();
                        for n in 0..ROUTE_MESSAGES {
                            addr.send(Tally::N(n)).unwrap();
                        }
                    })
                })
                .sum()
        })
    });
    group.bench_function("recipient", |b| {
        b.iter_custom(|iters| {
            (0..iters)
                .map(|_| {
                    route_run(1, |handles| {
                        let to = recipient!(handles[0].addr(), Tally::N);
                        for n in 0..ROUTE_MESSAGES {
                            to.send(n).unwrap();
                        }
                    })
                })
                .sum()
        })
    });
    group.bench_function("addr-4", |b| {
        b.iter_custom(|iters| {
            (0..iters)
                .map(|_| {
                    route_run(ROUTE_MEMBERS, |handles| {
                        let addrs: Vec<_> = handles.iter().map(ActorHandle::addr).collect();
                        for n in 0..ROUTE_MESSAGES {
                            addrs[n as usize % ROUTE_MEMBERS].send(Tally::N(n)).unwrap();
                        }
                    })
                })
                .sum()
        })
    });
    group.bench_function("router", |b| {
        b.iter_custom(|iters| {
            (0..iters)
                .map(|_| {
                    route_run(ROUTE_MEMBERS, |handles| {
                        let router =
                            Router::round_robin(handles.iter().map(ActorHandle::addr).collect());
                        for n in 0..ROUTE_MESSAGES {
                            router.send(Tally::N(n)).unwrap();
                        }
                    })
                })
                .sum()
        })
    });
    group.finish();
}

criterion_group!(benches, restart, registry, route);
criterion_main!(benches);
