//! A log pipeline: two producers, four supervised parsers behind a router, a named exchange of
//! parsed events, two aggregators subscribed through recipients, a progress timer, and a system
//! that shuts it all down in order and reports.
//!
//! ```text
//!  producer ─┐                ┌─ parser-0 ─┐                      ┌─ levels  (counts by level)
//!            ├─ router ───────┼─ parser-1 ─┼─ exchange "parsed" ──┤
//!  producer ─┘  (round robin) ├─ parser-2 ─┤   (Event)            └─ latency (sum and max)
//!                             └─ parser-3 ─┘
//! ```
//!
//! One line in a thousand is malformed and makes its parser panic; the supervisor restarts the
//! parser on the same mailbox (the router's addresses stay valid) and the line is reported as a
//! dead letter. Parsers have bounded mailboxes, so fast producers wait for them (back-pressure)
//! instead of filling memory. At the end every line is accounted for: aggregated, or reported.
//! Run: `cargo run --release --example pipeline`.
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering::SeqCst};
use std::time::{Duration, Instant};

use actor_core::{
    Actor, ChildSpec, Context, DeadReason, Mailbox, Pool, RouteBy, Strategy, Supervisor, System,
    Timers, recipient,
};
use actor_pubsub::{DeliveryPolicy, Exchange};
use examples::Out;

const LINES: u64 = 200_000;
const PRODUCERS: u64 = 2;
const PARSERS: usize = 4;

/// A parsed log line.
#[derive(Clone, Copy, Debug)]
pub struct Event {
    /// Its level.
    pub level: Level,
    /// How long the request took, in milliseconds.
    pub millis: u32,
}

/// A log line's level.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Level {
    /// `INFO`.
    Info,
    /// `WARN`.
    Warn,
    /// `ERROR`.
    Error,
}

/// What a malformed line's panic message starts with.
pub const MALFORMED: &str = "malformed line";

/// The text of line `n`: `LEVEL user=<id> took=<ms>ms`, or garbage for one line in a thousand.
pub fn line(n: u64) -> String {
    if n % 1_000 == 999 {
        return format!("#{n} ???");
    }
    let level = match n % 10 {
        0 => "ERROR",
        1 | 2 => "WARN",
        _ => "INFO",
    };
    format!("{level} user={} took={}ms", n % 97, n % 250)
}

/// Parses a line; `None` for a malformed one (an unknown level, or no duration).
pub fn try_parse(text: &str) -> Option<Event> {
    let mut fields = text.split_whitespace();
    let level = match fields.next() {
        Some("INFO") => Level::Info,
        Some("WARN") => Level::Warn,
        Some("ERROR") => Level::Error,
        _ => return None,
    };
    let millis = fields
        .find_map(|field| field.strip_prefix("took="))
        .and_then(|took| took.strip_suffix("ms"))
        .and_then(|ms| ms.parse().ok())?;
    Some(Event { level, millis })
}

/// Parses a line; panics on a malformed one (the supervisor deals with that).
pub fn parse(text: &str) -> Event {
    try_parse(text).unwrap_or_else(|| panic!("{MALFORMED}: {text:?}"))
}

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
    Tick,
}

/// Counts events by level; prints progress on each tick.
struct Levels {
    counts: [u64; 3],
    out: Out,
}

impl Levels {
    fn total(&self) -> u64 {
        self.counts.iter().sum()
    }
}

impl Actor for Levels {
    type Msg = LevelsMsg;

    fn handle(&mut self, msg: LevelsMsg, _ctx: &mut Context<Self>) {
        match msg {
            LevelsMsg::Event(event) => {
                let at = match event.level {
                    Level::Info => 0,
                    Level::Warn => 1,
                    Level::Error => 2,
                };
                self.counts[at] += 1;
            }
            LevelsMsg::Tick => self.out.line(format_args!(
                "pipeline: progress {} events aggregated",
                self.total()
            )),
        }
    }
}

enum LatencyMsg {
    Event(Event),
}

/// Sums and maxes the durations.
#[derive(Default)]
struct Latency {
    events: u64,
    sum: u64,
    max: u32,
}

impl Actor for Latency {
    type Msg = LatencyMsg;

    fn handle(&mut self, LatencyMsg::Event(event): LatencyMsg, _ctx: &mut Context<Self>) {
        self.events += 1;
        self.sum += u64::from(event.millis);
        self.max = self.max.max(event.millis);
    }
}

/// Runs the example, writing its lines to `out`.
pub fn run(out: &Out) {
    let _quiet = examples::expected_panics(MALFORMED);
    let pool = Pool::builder()
        .workers(2)
        .name("pipeline")
        .build()
        .expect("the OS refused a thread");
    let system = System::new("pipeline");
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

    // The exchange, by name, from a registry of exchanges.
    let exchanges = actor_pubsub::Registry::new();
    let parsed = exchanges
        .exchange_with::<Event>("parsed", DeliveryPolicy::Block)
        .expect("a new registry has no exchange of another type");

    // Aggregators first: the system shuts down in reverse order, so they close last.
    let levels = system
        .builder()
        .pool(&pool)
        .name("levels")
        .spawn(Levels {
            counts: [0; 3],
            out: out.clone(),
        })
        .expect("the system is running");
    let latency = system
        .builder()
        .pool(&pool)
        .name("latency")
        .spawn(Latency::default())
        .expect("the system is running");
    let _levels_sub = parsed.attach(recipient!(levels.addr(), LevelsMsg::Event));
    let _latency_sub = parsed.attach(recipient!(latency.addr(), LatencyMsg::Event));
    system.keep_timer(Timers::global().send_interval(
        &levels.addr(),
        Duration::from_millis(250),
        || LevelsMsg::Tick,
    ));

    let mut parsers =
        Supervisor::new(Strategy::OneForOne).intensity(10_000, Duration::from_secs(1));
    for n in 0..PARSERS {
        let parsed = Arc::clone(&parsed);
        parsers = parsers.child(
            ChildSpec::new(format!("parser-{n}"), move || Parser {
                parsed: Arc::clone(&parsed),
            })
            .mailbox(Mailbox::Bounded(256)),
        );
    }
    let parsers = parsers
        .spawn(system.builder().pool(&pool).name("parsers"))
        .expect("the system is running");
    let router = parsers.router::<String>(RouteBy::RoundRobin);
    out.line(format_args!(
        "pipeline: {PRODUCERS} producers, {PARSERS} supervised parsers, 2 aggregators on a pool of 2"
    ));

    let started = Instant::now();
    let producers: Vec<_> = (0..PRODUCERS)
        .map(|p| {
            let router = router.clone();
            std::thread::spawn(move || {
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
    let elapsed = started.elapsed();
    let levels = levels.join().into_state();
    let latency = latency.join().into_state();
    let restarts = parsers.restarts();
    drop(parsers.join());
    pool.shutdown();

    let malformed = malformed.load(SeqCst);
    out.line(format_args!(
        "pipeline: info {}, warn {}, error {}; mean {} ms, max {} ms",
        levels.counts[0],
        levels.counts[1],
        levels.counts[2],
        latency.sum / latency.events.max(1),
        latency.max
    ));
    out.line(format_args!(
        "pipeline: {malformed} malformed lines reported, {restarts} parser restarts; shutdown of {} actors in {:.1?}, {} undelivered",
        report.actors().len(),
        report.took(),
        report.undelivered()
    ));
    let aggregated = levels.total();
    let accounted = aggregated + malformed;
    let lost = LINES.abs_diff(accounted)
        + aggregated.abs_diff(latency.events)
        + report.undelivered() as u64
        + undelivered.load(SeqCst);
    let per_second = LINES as f64 / elapsed.as_secs_f64();
    out.line(format_args!(
        "pipeline: {LINES} lines, {per_second:.0} lines/s, {lost} lost"
    ));
}
