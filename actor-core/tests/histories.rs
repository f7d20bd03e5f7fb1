//! Whole histories of concurrent use of one actor. Two or three sender threads, started together,
//! each run a random list of `send`, `try_send`, `send_timeout`, `close`, `stop` and dropping
//! their address, against a bounded mailbox of one to four slots or an unbounded one, on an
//! actor with a thread of its own, on a pool, or pull-style; the owner joins it (before or after
//! the senders are done) or drops its handle (detaching it). Some messages make the handler spin
//! a while, a few make it panic. Whatever the interleaving, every message is accounted for
//! exactly once: handled by the actor, handed back to its sender inside the error, or handed back
//! at the end (in `Outcome::undelivered` to a joiner, to the dead-letter hook when nobody joins).
//! Nothing else appears, each sender's messages are handled (then left over) in the order sent,
//! every send refused as closed is counted as a dead letter, and the exit reason fits the history.
//!
//! Then the void path: a `try_send` or `send_timeout` that gives up on a full bounded mailbox
//! that is still open must leave nothing behind in it (no slot taken by a wake-up that nobody
//! needs), also while a `close` races it. When `void` pushed its wake-up whether or not the
//! mailbox was sealed, the slot-free test of the thread actor failed in most runs.
//!
//! Nothing here sleeps to order threads: barriers, channels and flags do.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU32, AtomicUsize, Ordering::SeqCst};
use std::sync::{Arc, Barrier, LazyLock, Mutex, Once, mpsc};
use std::thread;
use std::time::{Duration, Instant};

use actor_core::{
    Actor, ActorHandle, ActorId, Addr, Builder, Context, DeadLetters, DeadReason, ExitReason,
    Inbox, Mailbox, Pool, Spawned,
};
use proptest::prelude::*;
use proptest::test_runner::TestCaseError;

/// The upper bound of every wait: generous, reached only when something hangs.
const LONG: Duration = Duration::from_secs(10);

/// The panic payload of a poisoned message.
const POISON: &str = "a poisoned message";

// ---------------------------------------------------------------------------------------------
// The actor under test and what it records

/// A message: its id (sender in the high half, that sender's sequence number in the low half),
/// how long its handler spins, and whether the handler panics on it.
#[derive(Debug)]
struct Msg {
    id: u32,
    spin: u16,
    poison: bool,
}

fn sender_of(id: u32) -> u32 {
    id >> 16
}

fn seq_of(id: u32) -> u32 {
    id & 0xffff
}

/// What every flavour of the actor does with a message: records it, spins a bounded while, and
/// panics if it is poisoned (after recording: a message whose handler panicked was handled).
fn work(msg: Msg, handled: &Mutex<Vec<u32>>) {
    handled.lock().unwrap().push(msg.id);
    for i in 0..msg.spin {
        std::hint::black_box(i);
    }
    if msg.poison {
        std::panic::panic_any(POISON);
    }
}

/// The handler-style actor (on a thread or a pool).
struct Recorder(Arc<Mutex<Vec<u32>>>);

impl Actor for Recorder {
    type Msg = Msg;
    fn handle(&mut self, msg: Msg, _ctx: &mut Context<Self>) {
        work(msg, &self.0);
    }
}

/// Where an actor of a history runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Exec {
    Thread,
    Pool,
    Pull,
}

/// The pool the pooled histories share: two workers, as on the smallest supported machine.
fn history_pool() -> &'static Pool {
    static POOL: LazyLock<Pool> = LazyLock::new(|| {
        Pool::builder()
            .workers(2)
            .name("histories")
            .build()
            .expect("start the history pool")
    });
    &POOL
}

/// Poisoned messages panic on purpose; their panics are not printed.
fn quiet_poison() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if info.payload().downcast_ref::<&str>() != Some(&POISON) {
                previous(info);
            }
        }));
    });
}

// ---------------------------------------------------------------------------------------------
// Dead letters, sorted by actor

/// What the process-wide dead-letter hook saw of one actor.
#[derive(Debug, Default)]
struct Letters {
    /// Ids of messages left undelivered by a detached actor, in the order reported.
    undelivered: Vec<u32>,
    /// Sends refused after the end (the sender had the message back).
    refused: usize,
    /// Anything else (a letter of another reason, or an undelivered one without a `Msg`).
    other: Vec<String>,
}

static LETTERS: LazyLock<Mutex<HashMap<ActorId, Letters>>> = LazyLock::new(Default::default);

/// Installs, once, the hook that files every dead letter of this test binary under its actor.
fn watch_dead_letters() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        DeadLetters::global().set_hook(|letter| {
            let actor = letter.actor();
            let reason = letter.reason();
            let mut all = LETTERS.lock().unwrap();
            let letters = all.entry(actor).or_default();
            match reason {
                DeadReason::Refused => letters.refused += 1,
                DeadReason::Undelivered => match letter.downcast::<Msg>() {
                    Ok(msg) => letters.undelivered.push(msg.id),
                    Err(letter) => letters.other.push(letter.to_string()),
                },
                _ => letters.other.push(letter.to_string()),
            }
        });
    });
}

/// Takes what the hook filed under `actor`.
fn take_letters(actor: ActorId) -> Letters {
    LETTERS.lock().unwrap().remove(&actor).unwrap_or_default()
}

// ---------------------------------------------------------------------------------------------
// Histories

/// How a message is sent.
#[derive(Clone, Debug)]
enum How {
    Send,
    TrySend,
    /// `send_timeout` with this many microseconds.
    SendTimeout(u64),
}

/// One step of a sender thread.
#[derive(Clone, Debug)]
enum Op {
    Msg {
        how: How,
        spin: u16,
        poison: bool,
    },
    Close,
    Stop,
    /// The thread drops its address; its later steps are not taken.
    DropAddr,
}

/// What the owner does with the handle, and when: right after the senders start (racing them;
/// an early join runs on a thread of its own) or once they are done.
#[derive(Clone, Copy, Debug)]
enum End {
    JoinEarly,
    JoinLate,
    DetachEarly,
    DetachLate,
}

#[derive(Clone, Debug)]
struct History {
    /// `None`: unbounded.
    capacity: Option<usize>,
    end: End,
    senders: Vec<Vec<Op>>,
}

fn op() -> impl Strategy<Value = Op> {
    let how = prop_oneof![
        Just(How::Send),
        Just(How::TrySend),
        (0u64..40).prop_map(How::SendTimeout),
    ];
    let spin = prop_oneof![3 => Just(0u16), 1 => 1u16..4000];
    let msg = (how, spin, prop::bool::weighted(0.03)).prop_map(|(how, spin, poison)| Op::Msg {
        how,
        spin,
        poison,
    });
    prop_oneof![
        24 => msg,
        1 => Just(Op::Close),
        1 => Just(Op::Stop),
        1 => Just(Op::DropAddr),
    ]
}

fn history() -> impl Strategy<Value = History> {
    let capacity = prop_oneof![1 => Just(None), 3 => (1usize..=4).prop_map(Some)];
    let end = prop_oneof![
        Just(End::JoinEarly),
        Just(End::JoinLate),
        Just(End::DetachEarly),
        Just(End::DetachLate),
    ];
    let senders = prop::collection::vec(prop::collection::vec(op(), 0..16), 2..=3);
    (capacity, end, senders).prop_map(|(capacity, end, senders)| History {
        capacity,
        end,
        senders,
    })
}

/// What one sender thread saw.
#[derive(Debug, Default)]
struct Report {
    /// Every id it tried to send, in order.
    attempted: Vec<u32>,
    /// The poisoned ones among them.
    poisoned: Vec<u32>,
    /// Ids handed back inside a send error.
    handed_back: Vec<u32>,
    /// How many sends were refused as closed (each is also a `Refused` dead letter).
    closed: usize,
    /// Whether it called `stop`.
    stopped: bool,
    /// Broken promises seen on the spot.
    violations: Vec<String>,
}

/// Runs one sender's steps, starting with the others at `barrier`.
fn run_sender(
    index: u32,
    addr: Addr<Msg>,
    ops: &[Op],
    capacity: Option<usize>,
    barrier: &Barrier,
) -> Report {
    let mut report = Report::default();
    let mut addr = Some(addr);
    // Set once this thread closed or stopped the actor: every later send must fail as closed.
    let mut sealed_by: Option<&str> = None;
    let mut seq = 0;
    barrier.wait();
    for op in ops {
        let Some(to) = &addr else { break };
        match op {
            Op::Msg { how, spin, poison } => {
                let id = index << 16 | seq;
                seq += 1;
                report.attempted.push(id);
                if *poison {
                    report.poisoned.push(id);
                }
                let msg = Msg {
                    id,
                    spin: *spin,
                    poison: *poison,
                };
                // The message handed back and whether the mailbox was full (not closed).
                let refused = match how {
                    How::Send => to.send(msg).err().map(|e| (e.into_inner(), false)),
                    How::TrySend => to.try_send(msg).err().map(|e| {
                        let full = e.is_full();
                        (e.into_inner(), full)
                    }),
                    How::SendTimeout(micros) => to
                        .send_timeout(msg, Duration::from_micros(*micros))
                        .err()
                        .map(|e| {
                            let full = e.is_timeout();
                            (e.into_inner(), full)
                        }),
                };
                match refused {
                    None => {
                        if let Some(what) = sealed_by {
                            report
                                .violations
                                .push(format!("{id:#x} accepted after this sender's {what}"));
                        }
                    }
                    Some((back, full)) => {
                        if back.id != id {
                            report
                                .violations
                                .push(format!("sending {id:#x} handed back {:#x}", back.id));
                        }
                        report.handed_back.push(back.id);
                        if !full {
                            report.closed += 1;
                        } else if capacity.is_none() {
                            report
                                .violations
                                .push(format!("{id:#x} refused as full by an unbounded mailbox"));
                        } else if let Some(what) = sealed_by {
                            report.violations.push(format!(
                                "{id:#x} refused as full, not closed, after this sender's {what}"
                            ));
                        }
                    }
                }
            }
            Op::Close => {
                to.close();
                sealed_by = Some("close");
            }
            Op::Stop => {
                to.stop();
                report.stopped = true;
                sealed_by = Some("stop");
            }
            Op::DropAddr => addr = None,
        }
    }
    report
}

/// How the run ended and what it left, as the owner learned it.
struct Ending {
    reason: ExitReason,
    /// Ids in `Outcome::undelivered` (joined) or in the dead letters (detached).
    undelivered: Vec<u32>,
}

/// Plays `history` against the actor behind `handle`, whose handler records into `handled`,
/// and checks that every message is accounted for exactly once.
fn play<A: Spawned<Msg = Msg>>(
    handle: ActorHandle<A>,
    handled: &Mutex<Vec<u32>>,
    history: &History,
) -> Result<(), TestCaseError> {
    let actor = handle.id();
    let monitor = handle.monitor();
    let senders = history.senders.len();
    let barrier = Arc::new(Barrier::new(senders + 1));
    let (done_tx, done_rx) = mpsc::channel();
    let threads: Vec<_> = history
        .senders
        .iter()
        .enumerate()
        .map(|(index, ops)| {
            let addr = handle.addr();
            let ops = ops.clone();
            let barrier = Arc::clone(&barrier);
            let done = done_tx.clone();
            let capacity = history.capacity;
            thread::spawn(move || {
                let report = run_sender(index as u32, addr, &ops, capacity, &barrier);
                let _ = done.send((index, report));
            })
        })
        .collect();
    drop(done_tx);

    let join = |handle: ActorHandle<A>| -> Result<Ending, TestCaseError> {
        match handle.join_timeout(LONG) {
            Ok(outcome) => {
                let (reason, _, undelivered) = outcome.into_parts();
                Ok(Ending {
                    reason,
                    undelivered: undelivered.iter().map(|msg| msg.id).collect(),
                })
            }
            Err(_) => Err(TestCaseError::fail("the joined actor never ended")),
        }
    };

    barrier.wait();
    let mut handle = Some(handle);
    let mut joined = None;
    let mut joiner = None;
    match history.end {
        End::JoinEarly => {
            // Joined from a thread of its own, racing the senders.
            let handle = handle.take().expect("not taken yet");
            let (ended_tx, ended_rx) = mpsc::channel();
            joiner = Some((
                thread::spawn(move || {
                    let _ = ended_tx.send(join(handle));
                }),
                ended_rx,
            ));
        }
        End::DetachEarly => drop(handle.take()),
        End::JoinLate | End::DetachLate => {}
    }
    let mut reports: Vec<Option<Report>> = (0..senders).map(|_| None).collect();
    for _ in 0..senders {
        let (index, report) = done_rx
            .recv_timeout(LONG)
            .map_err(|_| TestCaseError::fail("a sender thread is stuck"))?;
        reports[index] = Some(report);
    }
    for thread in threads {
        thread.join().expect("a sender thread panicked");
    }
    if let Some((thread, ended)) = joiner {
        let ending = ended
            .recv_timeout(LONG * 2)
            .map_err(|_| TestCaseError::fail("the joining thread is stuck"))?;
        thread.join().expect("the joining thread panicked");
        joined = Some(ending?);
    }
    match history.end {
        End::JoinLate => joined = handle.take().map(join).transpose()?,
        End::DetachLate => drop(handle.take()),
        End::JoinEarly | End::DetachEarly => {}
    }
    let down = monitor
        .wait_timeout(LONG)
        .ok_or_else(|| TestCaseError::fail("the actor never ended"))?;
    let letters = take_letters(actor);
    let reports: Vec<Report> = reports.into_iter().map(Option::unwrap).collect();

    prop_assert!(
        letters.other.is_empty(),
        "unexpected dead letters: {:?}",
        letters.other
    );
    let ending = match joined {
        Some(ending) => {
            prop_assert!(
                letters.undelivered.is_empty(),
                "a joined actor's leftovers went to the dead letters: {:?}",
                letters.undelivered
            );
            ending
        }
        None => Ending {
            reason: down.reason().clone(),
            undelivered: letters.undelivered,
        },
    };
    prop_assert_eq!(down.reason(), &ending.reason);
    prop_assert_eq!(down.undelivered(), ending.undelivered.len());
    let handled = handled.lock().unwrap().clone();
    check(&reports, &handled, &ending, letters.refused)
}

/// The invariant of a whole history.
fn check(
    reports: &[Report],
    handled: &[u32],
    ending: &Ending,
    refused_letters: usize,
) -> Result<(), TestCaseError> {
    for report in reports {
        prop_assert!(report.violations.is_empty(), "{:?}", report.violations);
    }

    // Exactly once: handled, handed back to the sender, or handed back at the end.
    let mut places: HashMap<u32, Vec<&str>> = HashMap::new();
    for &id in handled {
        places.entry(id).or_default().push("handled");
    }
    for &id in &ending.undelivered {
        places.entry(id).or_default().push("undelivered");
    }
    for report in reports {
        for &id in &report.handed_back {
            places.entry(id).or_default().push("handed back");
        }
    }
    let mut attempted = 0;
    for report in reports {
        for &id in &report.attempted {
            attempted += 1;
            let found = places.get(&id).map(Vec::as_slice).unwrap_or_default();
            prop_assert!(found.len() == 1, "message {:#x} was {:?}", id, found);
        }
    }
    prop_assert_eq!(
        places.len(),
        attempted,
        "ids that nobody sent: handled {:?}, undelivered {:?}",
        handled,
        ending.undelivered
    );

    // Per-sender FIFO: the handled messages, then the leftovers (in mailbox order).
    for sender in 0..reports.len() as u32 {
        let order: Vec<u32> = handled
            .iter()
            .chain(&ending.undelivered)
            .filter(|&&id| sender_of(id) == sender)
            .map(|&id| seq_of(id))
            .collect();
        prop_assert!(
            order.windows(2).all(|pair| pair[0] < pair[1]),
            "sender {} out of order: {:?} (handled {:?}, undelivered {:?})",
            sender,
            order,
            handled,
            ending.undelivered
        );
    }

    // Every send refused as closed was counted as a dead letter, and nothing else was.
    let closed: usize = reports.iter().map(|report| report.closed).sum();
    prop_assert_eq!(
        refused_letters,
        closed,
        "refused dead letters vs closed errors"
    );

    // The reason fits the history.
    let poisoned: Vec<u32> = reports
        .iter()
        .flat_map(|report| &report.poisoned)
        .copied()
        .filter(|id| handled.contains(id))
        .collect();
    match &ending.reason {
        reason if reason.is_panic() => {
            prop_assert_eq!(poisoned.len(), 1, "one poisoned message ends the actor");
            prop_assert_eq!(handled.last(), Some(&poisoned[0]), "the last one handled");
            prop_assert_eq!(reason.panic_message(), Some(POISON));
        }
        ExitReason::Stopped => {
            prop_assert!(poisoned.is_empty(), "handled poison {:?}", poisoned);
            prop_assert!(
                reports.iter().any(|report| report.stopped),
                "stopped, yet nobody called stop"
            );
        }
        ExitReason::Closed => {
            prop_assert!(poisoned.is_empty(), "handled poison {:?}", poisoned);
            prop_assert!(
                ending.undelivered.is_empty(),
                "closed with leftovers {:?}",
                ending.undelivered
            );
        }
        other => prop_assert!(false, "unexpected exit reason {:?}", other),
    }
    Ok(())
}

/// Spawns the actor of `exec` with the history's mailbox and plays the history.
fn play_on(exec: Exec, history: &History) -> Result<(), TestCaseError> {
    quiet_poison();
    watch_dead_letters();
    let mailbox = match history.capacity {
        None => Mailbox::Unbounded,
        Some(n) => Mailbox::Bounded(n),
    };
    let handled = Arc::new(Mutex::new(Vec::new()));
    match exec {
        Exec::Thread => {
            let handle = Builder::new()
                .mailbox(mailbox)
                .spawn(Recorder(Arc::clone(&handled)))
                .expect("spawn");
            play(handle, &handled, history)
        }
        Exec::Pool => {
            let handle = Builder::new()
                .mailbox(mailbox)
                .pool(history_pool())
                .spawn(Recorder(Arc::clone(&handled)))
                .expect("spawn");
            prop_assert!(handle.is_pooled());
            play(handle, &handled, history)
        }
        Exec::Pull => {
            let record = Arc::clone(&handled);
            let handle = Builder::new()
                .mailbox(mailbox)
                .spawn_fn(move |inbox: Inbox<Msg>| {
                    loop {
                        work(inbox.recv()?, &record);
                    }
                })
                .expect("spawn");
            play(handle, &handled, history)
        }
    }
}

/// Modest in debug builds so the file stays quick on two cores; `PROPTEST_CASES` overrides.
fn config() -> ProptestConfig {
    let base = ProptestConfig::default();
    let cases = if std::env::var_os("PROPTEST_CASES").is_some() {
        base.cases
    } else if cfg!(debug_assertions) {
        256
    } else {
        1024
    };
    ProptestConfig {
        cases,
        failure_persistence: None,
        ..base
    }
}

proptest! {
    #![proptest_config(config())]

    /// Histories against an actor on a thread of its own.
    #[test]
    fn every_message_is_accounted_for_once_on_a_thread(history in history()) {
        play_on(Exec::Thread, &history)?;
    }

    /// Histories against a pooled actor.
    #[test]
    fn every_message_is_accounted_for_once_on_a_pool(history in history()) {
        play_on(Exec::Pool, &history)?;
    }

    /// Histories against a pull-style actor (its own thread, messages taken from its `Inbox`).
    #[test]
    fn every_message_is_accounted_for_once_pull_style(history in history()) {
        play_on(Exec::Pull, &history)?;
    }
}

// ---------------------------------------------------------------------------------------------
// The void path: a send that gives up on a full bounded mailbox

/// Holds every message until it gets a token through its gate (or the gate is gone): while it
/// holds one, nothing leaves the mailbox.
struct Held {
    /// The message in hand.
    holding: Arc<AtomicU32>,
    entered: mpsc::Sender<u32>,
    gate: mpsc::Receiver<()>,
    handled: Vec<u32>,
}

impl Actor for Held {
    type Msg = u32;
    fn handle(&mut self, n: u32, _ctx: &mut Context<Self>) {
        self.holding.store(n, SeqCst);
        let _ = self.entered.send(n);
        let _ = self.gate.recv();
        self.handled.push(n);
    }
}

/// A held actor with a mailbox of one slot, and the ends of its channels.
struct Holding {
    handle: ActorHandle<Held>,
    holding: Arc<AtomicU32>,
    entered: mpsc::Receiver<u32>,
    gate: mpsc::Sender<()>,
}

/// Spawns a held actor with `Mailbox::Bounded(1)`, makes it hold message 0 and fills its slot
/// with message 1.
fn hold_0_queue_1(builder: Builder) -> (Holding, Addr<u32>) {
    let holding = Arc::new(AtomicU32::new(u32::MAX));
    let (entered_tx, entered) = mpsc::channel();
    let (gate, gate_rx) = mpsc::channel();
    let handle = builder
        .mailbox(Mailbox::Bounded(1))
        .spawn(Held {
            holding: Arc::clone(&holding),
            entered: entered_tx,
            gate: gate_rx,
            handled: Vec::new(),
        })
        .expect("spawn");
    let addr = handle.addr();
    addr.send(0).unwrap();
    assert_eq!(entered.recv_timeout(LONG), Ok(0));
    addr.send(1).unwrap();
    let held = Holding {
        handle,
        holding,
        entered,
        gate,
    };
    (held, addr)
}

/// A pool of its own for the held actors (a held handler keeps a worker).
fn held_pool() -> &'static Pool {
    static POOL: LazyLock<Pool> = LazyLock::new(|| {
        Pool::builder()
            .workers(2)
            .name("held")
            .build()
            .expect("start the held pool")
    });
    &POOL
}

/// How many threads try to queue at once. More than the two cores of the smallest machine, so
/// that the actor, woken to take the queued message, often preempts a prober in the middle of
/// giving up.
const PROBERS: u32 = 3;

/// What the probers of one round share.
struct Race<'a> {
    /// The message the actor holds.
    holding: &'a AtomicU32,
    /// The message in the slot when the round starts: once the actor holds it, the slot is free.
    queued: u32,
    /// Attempts under way.
    in_flight: AtomicUsize,
    /// Attempts that queued their message.
    queued_probes: AtomicUsize,
    /// Set before the round's `close` is called, and after it returned.
    closing: AtomicBool,
    closed: AtomicBool,
    /// Whether the probers stop once one of them queued (no `close` in the round to end them).
    stop_when_queued: bool,
    /// A prober saw the bug: the others stop too.
    abort: AtomicBool,
    /// Once the actor holds the queued message, attempts take turns under this lock, so that
    /// each of them can tell whether it was alone.
    turns: Mutex<()>,
}

impl Race<'_> {
    fn new(holding: &AtomicU32, queued: u32, stop_when_queued: bool) -> Race<'_> {
        Race {
            holding,
            queued,
            in_flight: AtomicUsize::new(0),
            queued_probes: AtomicUsize::new(0),
            closing: AtomicBool::new(false),
            closed: AtomicBool::new(false),
            stop_when_queued,
            abort: AtomicBool::new(false),
            turns: Mutex::new(()),
        }
    }
}

/// How a prober's round ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Probed {
    /// Its message was queued.
    Queued,
    /// Another prober's was; it has its message back.
    Outrun,
    /// The mailbox was closed; it has its message back.
    Closed,
}

/// One attempt to queue `probe`, taking turns between the ways that can give up: `try_send`,
/// `send_timeout` with no time at all, and with two microseconds. `Ok(())` if queued, else the
/// message back and whether the mailbox was full (not closed).
fn attempt(addr: &Addr<u32>, probe: u32, turn: usize) -> Result<(), (u32, bool)> {
    match turn % 3 {
        0 => addr.try_send(probe).map_err(|e| {
            let full = e.is_full();
            (e.into_inner(), full)
        }),
        1 => addr.send_timeout(probe, Duration::ZERO).map_err(|e| {
            let full = e.is_timeout();
            (e.into_inner(), full)
        }),
        _ => addr
            .send_timeout(probe, Duration::from_micros(2))
            .map_err(|e| {
                let full = e.is_timeout();
                (e.into_inner(), full)
            }),
    }
}

/// One prober thread per message of `probes`, each starting at `barrier`.
fn spawn_probers<'scope>(
    scope: &'scope thread::Scope<'scope, '_>,
    probes: &'scope [u32],
    addr: &'scope Addr<u32>,
    race: &'scope Race<'_>,
    barrier: &'scope Barrier,
    round: u32,
) -> Vec<thread::ScopedJoinHandle<'scope, Result<Probed, String>>> {
    probes
        .iter()
        .map(|&message| {
            scope.spawn(move || {
                barrier.wait();
                probe(addr, message, race, (round + message) as usize)
            })
        })
        .collect()
}

/// Tries to queue `probe` while the actor is released to take the queued message (and, in a
/// round with a close, while the mailbox is closed).
///
/// The check: an attempt refused as full, that started once the actor held the queued message,
/// while no other attempt was under way and none had queued, and before anyone called `close`,
/// found a mailbox holding nothing. That is the bug: a send that gave up earlier left something
/// behind in the slot.
fn probe(addr: &Addr<u32>, probe: u32, race: &Race<'_>, turn: usize) -> Result<Probed, String> {
    let deadline = Instant::now() + LONG;
    for attempts in 1.. {
        if race.abort.load(SeqCst) {
            return Err("stopped: another prober failed".into());
        }
        if race.stop_when_queued && race.queued_probes.load(SeqCst) > 0 {
            return Ok(Probed::Outrun);
        }
        if attempts % 256 == 0 && Instant::now() > deadline {
            race.abort.store(true, SeqCst);
            return Err(format!("nothing queued after {attempts} attempts"));
        }
        let inside = race.holding.load(SeqCst) == race.queued;
        let _turn = inside.then(|| race.turns.lock().unwrap());
        let after_close = race.closed.load(SeqCst);
        race.in_flight.fetch_add(1, SeqCst);
        let result = attempt(addr, probe, turn + attempts);
        if result.is_ok() {
            race.queued_probes.fetch_add(1, SeqCst);
        }
        let alone = race.in_flight.fetch_sub(1, SeqCst) == 1;
        let why = match result {
            Ok(()) if after_close => format!("attempt {attempts} queued after close returned"),
            Ok(()) => return Ok(Probed::Queued),
            Err((back, _)) if back != probe => {
                format!("attempt {attempts} handed back {back}, not {probe}")
            }
            Err((_, false)) => return Ok(Probed::Closed),
            Err((_, true)) if after_close => {
                format!("attempt {attempts} refused as full, not closed, after close returned")
            }
            Err((_, true))
                if inside
                    && alone
                    && race.queued_probes.load(SeqCst) == 0
                    && !race.closing.load(SeqCst) =>
            {
                format!(
                    "attempt {attempts} refused as full, though the actor held message {} and \
                     nothing was queued (the mailbox open)",
                    race.queued
                )
            }
            Err((_, true)) => continue,
        };
        race.abort.store(true, SeqCst);
        return Err(why);
    }
    unreachable!("the attempts never run out")
}

/// Plays rounds against one held actor: each round, at a barrier, the actor is released to take
/// the message in its one slot while [`PROBERS`] threads try to queue one more each, giving up
/// (full) until the slot is free. Exactly one of them queues its message; the others have theirs
/// back. In the end every queued message was handled once, in order.
fn a_send_that_gives_up_leaves_the_slot_free(builder: Builder, rounds: u32) {
    let (held, addr) = hold_0_queue_1(builder);
    let barrier = Barrier::new(PROBERS as usize + 1);
    let mut expected = vec![0, 1];
    let mut queued = 1;
    for round in 0..rounds {
        let race = Race::new(&held.holding, queued, true);
        let probes: Vec<u32> = (0..PROBERS).map(|k| 2 + round * PROBERS + k).collect();
        let results: Vec<Result<Probed, String>> = thread::scope(|scope| {
            let probers = spawn_probers(scope, &probes, &addr, &race, &barrier, round);
            barrier.wait();
            held.gate.send(()).unwrap();
            probers.into_iter().map(|p| p.join().unwrap()).collect()
        });
        assert_eq!(
            held.entered.recv_timeout(LONG),
            Ok(queued),
            "round {round}: the actor takes the queued message"
        );
        let mut winners = Vec::new();
        for (&message, result) in probes.iter().zip(&results) {
            match result {
                Ok(Probed::Queued) => winners.push(message),
                Ok(Probed::Outrun) => {}
                other => panic!("round {round}: probe {message}: {other:?} (all: {results:?})"),
            }
        }
        assert_eq!(winners.len(), 1, "round {round}: one slot, one winner");
        queued = winners[0];
        expected.push(queued);
    }
    let Holding { handle, gate, .. } = held;
    drop(gate);
    drop(addr);
    let outcome = handle.join_timeout(LONG).expect("the actor ends");
    assert_eq!(outcome.reason(), &ExitReason::Closed);
    assert!(outcome.undelivered().is_empty());
    assert_eq!(outcome.into_state().handled, expected);
}

/// A thread actor's bounded mailbox: a `try_send` or `send_timeout` that gives up while the
/// mailbox is open queues nothing, not even a wake-up for the reader (which would take the slot
/// the actor frees and make the next send see a mailbox full of nothing).
#[test]
fn a_send_that_gives_up_on_an_open_bounded_mailbox_leaves_the_slot_free_thread() {
    a_send_that_gives_up_leaves_the_slot_free(Builder::new(), 1000);
}

/// The same on a pooled actor.
#[test]
fn a_send_that_gives_up_on_an_open_bounded_mailbox_leaves_the_slot_free_pool() {
    a_send_that_gives_up_leaves_the_slot_free(Builder::new().pool(held_pool()), 400);
}

/// Rounds of a fresh held actor holding message 0 with message 1 in its one slot. At a barrier
/// the actor is released to take 1, [`PROBERS`] threads try to queue one message each (giving up
/// while full) and a closer closes the mailbox, after a head start for the others that differs
/// from round to round (in half of the rounds only once the actor has taken 1). Whatever wins,
/// the close returns `true`, at most one probe is queued, every later send is refused as closed,
/// and the actor ends `Closed` having handled 0, 1 and the queued probe, with nothing
/// undelivered: each probe is handled or handed back, once.
fn a_send_that_gives_up_racing_close(builder: impl Fn() -> Builder, rounds: u32) {
    for round in 0..rounds {
        let (held, addr) = hold_0_queue_1(builder());
        let Holding {
            handle,
            holding,
            entered,
            gate,
        } = held;
        let race = Race::new(&holding, 1, false);
        let barrier = Barrier::new(PROBERS as usize + 2);
        let probes: Vec<u32> = (0..PROBERS).map(|k| 2 + k).collect();
        let (results, closed_now) = thread::scope(|scope| {
            let probers = spawn_probers(scope, &probes, &addr, &race, &barrier, round);
            let closer = scope.spawn(|| {
                barrier.wait();
                if round % 2 == 1 {
                    // Main releases the actor below, so this wait ends.
                    while holding.load(SeqCst) == 0 {
                        std::hint::spin_loop();
                    }
                }
                for _ in 0..(round % 16) * 64 {
                    std::hint::spin_loop();
                }
                race.closing.store(true, SeqCst);
                let closed_now = addr.close();
                race.closed.store(true, SeqCst);
                closed_now
            });
            barrier.wait();
            gate.send(()).unwrap();
            let results: Vec<_> = probers.into_iter().map(|p| p.join().unwrap()).collect();
            // From here on the handler never waits: the actor drains and the close completes.
            drop(gate);
            (results, closer.join().unwrap())
        });
        assert_eq!(entered.recv_timeout(LONG), Ok(1), "round {round}");
        let mut winners = Vec::new();
        for (&message, result) in probes.iter().zip(&results) {
            match result {
                Ok(Probed::Queued) => winners.push(message),
                Ok(Probed::Closed) => {}
                other => panic!("round {round}: probe {message}: {other:?} (all: {results:?})"),
            }
        }
        assert!(winners.len() <= 1, "round {round}: one slot, {winners:?}");
        assert!(closed_now, "round {round}: the one close closes");
        assert!(!addr.is_alive(), "round {round}");
        assert_eq!(
            addr.try_send(9).unwrap_err().into_inner(),
            9,
            "round {round}: closed"
        );
        drop(addr);
        let outcome = handle.join_timeout(LONG).expect("the actor ends");
        assert_eq!(outcome.reason(), &ExitReason::Closed, "round {round}");
        assert!(outcome.undelivered().is_empty(), "round {round}");
        let mut expected = vec![0, 1];
        expected.extend(&winners);
        assert_eq!(outcome.into_state().handled, expected, "round {round}");
    }
}

/// A thread actor's bounded mailbox: sends that give up (while it is open, and once it is
/// sealed) race `close` and the actor freeing the slot; each message is handled or handed back
/// once, and the actor ends `Closed`.
#[test]
fn a_send_that_gives_up_on_a_bounded_mailbox_racing_close_thread() {
    a_send_that_gives_up_racing_close(Builder::new, 200);
}

/// The same on a pooled actor.
#[test]
fn a_send_that_gives_up_on_a_bounded_mailbox_racing_close_pool() {
    a_send_that_gives_up_racing_close(|| Builder::new().pool(held_pool()), 200);
}
