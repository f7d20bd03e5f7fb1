//! The log pipeline of `examples/pipeline.rs`, built three ways and measured in the same run.
//!
//! The layout is the same in all three: 2 producer threads format lines (`line`), 4 parsers
//! take them round robin through bounded(256) mailboxes or channels and parse them (`parse`), each
//! parsed event goes to 2 aggregators (counts by level; sum and max of the durations), and the
//! iteration ends when the aggregators' totals are back. One line in a thousand is malformed.
//! `line` and the parse rule are the example's own (`examples::pipeline`); every variant checks that each of the
//! `LINES` lines was aggregated by both aggregators or counted as malformed.
//!
//! - `framework-pool`: the example without its progress timer and printing: a `System`, 4
//!   parsers under a one-for-one `Supervisor` (bounded(256) mailboxes) behind
//!   `SupervisorHandle::router(RouteBy::RoundRobin)`, an `actor_pubsub::Exchange<Event>`
//!   (`DeliveryPolicy::Block`) the parsers publish to, 2 aggregator actors subscribed through
//!   `recipient!`, all on a `Pool` of 2 workers (built once for the bench function). A malformed
//!   line makes its parser panic; the supervisor restarts it in place, and the line is counted
//!   through the system's dead-letter hook, as in the example (and checked against the
//!   supervisor's restart count). The iteration ends with `System::shutdown` and the
//!   aggregators' `join`.
//! - `framework-thread`: the same actors, each on a thread of its own (no pool).
//! - `bare`: `std::thread`s and crossbeam-channel: each parser is a thread reading its own
//!   `bounded(256)` channel, each producer sends its lines round robin over the 4 senders with a
//!   counter of its own, a parser sends a copy of each event to each aggregator thread's
//!   unbounded channel (the framework's aggregators have unbounded mailboxes too), and a
//!   malformed line is only counted (there is no supervisor). The iteration ends when the
//!   channels are dropped in order and the aggregator threads are joined.
//!
//! In every variant the consumers (parsers, aggregators) are started before the clock starts;
//! the clock runs from the start of the producer threads until the aggregators' totals are back.
//! Throughput is in lines.
//!
//! Run: `cargo bench -p tests --bench pipeline` (about 30 s). Figures are in `BENCHMARKS.md` at
//! the repository root.

// criterion_group! and criterion_main! generate undocumented items.
#![allow(missing_docs)]

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering::SeqCst};
use std::thread;
use std::time::{Duration, Instant};

use actor_core::{
    Actor, ChildSpec, Context, DeadReason, Mailbox, Pool, RouteBy, Strategy, Supervisor, System,
    recipient,
};
use actor_pubsub::{DeliveryPolicy, Exchange};
use criterion::{Criterion, SamplingMode, Throughput, criterion_group, criterion_main};
use examples::pipeline::{Event, Level, MALFORMED, line, parse, try_parse};

const LINES: u64 = 20_000;
const PRODUCERS: u64 = 2;
const PARSERS: usize = 4;
const PARSER_MAILBOX: usize = 256;
/// Counts by level.
#[derive(Default)]
struct Levels {
    counts: [u64; 3],
}

impl Levels {
    fn add(&mut self, event: Event) {
        let at = match event.level {
            Level::Info => 0,
            Level::Warn => 1,
            Level::Error => 2,
        };
        self.counts[at] += 1;
    }

    fn total(&self) -> u64 {
        self.counts.iter().sum()
    }
}

/// Sum and max of the durations.
#[derive(Default)]
struct Latency {
    events: u64,
    sum: u64,
    max: u32,
}

impl Latency {
    fn add(&mut self, event: Event) {
        self.events += 1;
        self.sum += u64::from(event.millis);
        self.max = self.max.max(event.millis);
    }
}

/// Checks that every line is accounted for, once by each aggregator or as malformed.
fn check(levels: &Levels, latency: &Latency, malformed: u64) {
    assert_eq!(
        malformed,
        LINES / 1_000,
        "one line in a thousand is malformed"
    );
    assert_eq!(levels.total() + malformed, LINES, "lines lost");
    assert_eq!(
        latency.events,
        levels.total(),
        "events lost between aggregators"
    );
    assert_eq!(latency.max, 249);
}

// ---------------------------------------------------------------------------------------------
// framework

struct Parser {
    parsed: Arc<Exchange<Event>>,
}

impl Actor for Parser {
    type Msg = String;

    fn handle(&mut self, text: String, _ctx: &mut Context<Self>) {
        let event = parse(&text);
        self.parsed.send(event);
    }
}

enum LevelsMsg {
    Event(Event),
}

impl Actor for Levels {
    type Msg = LevelsMsg;

    fn handle(&mut self, LevelsMsg::Event(event): LevelsMsg, _ctx: &mut Context<Self>) {
        self.add(event);
    }
}

enum LatencyMsg {
    Event(Event),
}

impl Actor for Latency {
    type Msg = LatencyMsg;

    fn handle(&mut self, LatencyMsg::Event(event): LatencyMsg, _ctx: &mut Context<Self>) {
        self.add(event);
    }
}

/// One run of the pipeline on actors: on `pool`, or on threads of their own.
fn framework(pool: Option<&Pool>) -> Duration {
    let system = System::new("pipeline");
    let builder = || match pool {
        Some(pool) => system.builder().pool(pool),
        None => system.builder(),
    };
    let malformed = Arc::new(AtomicU64::new(0));
    let undelivered = Arc::new(AtomicU64::new(0));
    {
        let (malformed, undelivered) = (Arc::clone(&malformed), Arc::clone(&undelivered));
        system
            .dead_letters()
            .set_hook(move |letter| match letter.reason() {
                DeadReason::HandlerPanicked => {
                    malformed.fetch_add(1, SeqCst);
                }
                DeadReason::Undelivered => {
                    undelivered.fetch_add(1, SeqCst);
                }
                _ => {}
            });
    }
    let parsed = Arc::new(Exchange::<Event>::new(DeliveryPolicy::Block));

    // Aggregators first: the system shuts down in reverse order, so they close last.
    let levels = builder()
        .name("levels")
        .spawn(Levels::default())
        .expect("the system is running");
    let latency = builder()
        .name("latency")
        .spawn(Latency::default())
        .expect("the system is running");
    let levels_sub = parsed.attach(recipient!(levels.addr(), LevelsMsg::Event));
    let latency_sub = parsed.attach(recipient!(latency.addr(), LatencyMsg::Event));

    let mut parsers =
        Supervisor::new(Strategy::OneForOne).intensity(10_000, Duration::from_secs(1));
    for n in 0..PARSERS {
        let parsed = Arc::clone(&parsed);
        parsers = parsers.child(
            ChildSpec::new(format!("parser-{n}"), move || Parser {
                parsed: Arc::clone(&parsed),
            })
            .mailbox(Mailbox::Bounded(PARSER_MAILBOX)),
        );
    }
    let parsers = parsers
        .spawn(builder().name("parsers"))
        .expect("the system is running");
    let router = parsers.router::<String>(RouteBy::RoundRobin);
    levels.wait_started();
    latency.wait_started();

    let start = Instant::now();
    let producers: Vec<_> = (0..PRODUCERS)
        .map(|p| {
            let router = router.clone();
            thread::spawn(move || {
                for n in (p..LINES).step_by(PRODUCERS as usize) {
                    router.send(line(n)).expect("the parsers are running");
                }
            })
        })
        .collect();
    for producer in producers {
        producer.join().expect("a producer panicked");
    }
    drop(router);
    let report = system.shutdown();
    let levels = levels.join().into_state();
    let latency = latency.join().into_state();
    let elapsed = start.elapsed();

    drop((levels_sub, latency_sub));
    // Each malformed line is one in-place restart and one dead letter.
    let restarts = parsers.restarts();
    assert!(!parsers.join().is_panic());
    assert_eq!(report.undelivered(), 0);
    assert_eq!(undelivered.load(SeqCst), 0);
    assert_eq!(malformed.load(SeqCst), restarts);
    check(&levels, &latency, malformed.load(SeqCst));
    elapsed
}

// ---------------------------------------------------------------------------------------------
// bare

/// One run of the pipeline on bare threads and crossbeam channels.
fn bare() -> Duration {
    let (levels_tx, levels_rx) = crossbeam_channel::unbounded::<Event>();
    let (latency_tx, latency_rx) = crossbeam_channel::unbounded::<Event>();
    let levels = thread::spawn(move || {
        let mut levels = Levels::default();
        for event in levels_rx {
            levels.add(event);
        }
        levels
    });
    let latency = thread::spawn(move || {
        let mut latency = Latency::default();
        for event in latency_rx {
            latency.add(event);
        }
        latency
    });
    let (line_txs, parsers): (Vec<_>, Vec<_>) = (0..PARSERS)
        .map(|_| {
            let (line_tx, line_rx) = crossbeam_channel::bounded::<String>(PARSER_MAILBOX);
            let (levels_tx, latency_tx) = (levels_tx.clone(), latency_tx.clone());
            let parser = thread::spawn(move || {
                let mut malformed = 0u64;
                for text in line_rx {
                    match try_parse(&text) {
                        Some(event) => {
                            levels_tx.send(event).expect("the aggregator runs");
                            latency_tx.send(event).expect("the aggregator runs");
                        }
                        None => malformed += 1,
                    }
                }
                malformed
            });
            (line_tx, parser)
        })
        .unzip();
    // The parsers hold the only senders left: the aggregators end when the parsers have.
    drop((levels_tx, latency_tx));

    let start = Instant::now();
    let producers: Vec<_> = (0..PRODUCERS)
        .map(|p| {
            let line_txs = line_txs.clone();
            thread::spawn(move || {
                for (turn, n) in (p..LINES).step_by(PRODUCERS as usize).enumerate() {
                    line_txs[turn % PARSERS]
                        .send(line(n))
                        .expect("the parsers are running");
                }
            })
        })
        .collect();
    for producer in producers {
        producer.join().expect("a producer panicked");
    }
    drop(line_txs);
    let malformed: u64 = parsers
        .into_iter()
        .map(|parser| parser.join().expect("a parser panicked"))
        .sum();
    let levels = levels.join().expect("the aggregator panicked");
    let latency = latency.join().expect("the aggregator panicked");
    let elapsed = start.elapsed();

    check(&levels, &latency, malformed);
    elapsed
}

fn pipeline(c: &mut Criterion) {
    // Kept for the whole bench: the malformed lines' panics stay off standard error.
    let _quiet = examples::expected_panics(MALFORMED);
    let mut group = c.benchmark_group("pipeline");
    group.throughput(Throughput::Elements(LINES));
    group.sample_size(10);
    group.warm_up_time(Duration::from_secs(1));
    group.measurement_time(Duration::from_secs(3));
    group.sampling_mode(SamplingMode::Flat);

    let pool = Pool::builder()
        .workers(2)
        .name("pipeline")
        .build()
        .expect("the OS refused a thread");
    group.bench_function("framework-pool", |b| {
        b.iter_custom(|iters| (0..iters).map(|_| framework(Some(&pool))).sum())
    });
    pool.shutdown();
    group.bench_function("framework-thread", |b| {
        b.iter_custom(|iters| (0..iters).map(|_| framework(None)).sum())
    });
    group.bench_function("bare", |b| {
        b.iter_custom(|iters| (0..iters).map(|_| bare()).sum())
    });
    group.finish();
}

criterion_group!(benches, pipeline);
criterion_main!(benches);
