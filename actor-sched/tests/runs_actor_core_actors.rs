//! actor-sched runs `actor_core::Actor` impls unchanged: their `Context` works (own address, stop,
//! ask through the context, timers on the virtual clock, children spawned where they run), their
//! addresses reach them from inside and outside the run, and the order is deterministic, FIFO by
//! default or drawn from a seed.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use actor_core::{
    Actor, Addr, AskError, Context, ExitReason, Mailbox, NoReply, ReplyTo, TrySendError,
};
use actor_sched::{Scheduler, check_seeds};

type Log = Arc<Mutex<Vec<String>>>;

fn log_of(log: &Log) -> Vec<String> {
    log.lock().unwrap().clone()
}

/// Logs every message it gets, with its name.
struct Recorder {
    name: &'static str,
    log: Log,
}

impl Actor for Recorder {
    type Msg = u32;

    fn handle(&mut self, n: u32, _ctx: &mut Context<Self>) {
        self.log.lock().unwrap().push(format!("{} {n}", self.name));
    }
}

#[test]
fn an_actor_core_actor_runs_on_the_scheduler_unchanged() {
    let log = Log::default();
    let mut sched = Scheduler::new();
    let a = sched.start(Recorder {
        name: "a",
        log: log.clone(),
    });
    let b = sched.start(Recorder {
        name: "b",
        log: log.clone(),
    });
    for n in 0..3 {
        a.addr().send(n).unwrap();
        b.addr().send(n).unwrap();
    }
    // Nothing runs until the scheduler does.
    assert!(log_of(&log).is_empty());
    sched.run();
    // FIFO by default: turns alternate in the order the sends queued them.
    assert_eq!(log_of(&log), ["a 0", "b 0", "a 1", "b 1", "a 2", "b 2"]);
    assert_eq!(sched.join(a).unwrap().reason(), &ExitReason::Closed);
    assert_eq!(sched.join(b).unwrap().reason(), &ExitReason::Closed);
}

#[test]
fn a_send_from_another_thread_reaches_an_actor_of_the_scheduler() {
    let log = Log::default();
    let mut sched = Scheduler::new();
    let a = sched.start(Recorder {
        name: "a",
        log: log.clone(),
    });
    let addr = a.addr();
    std::thread::spawn(move || {
        for n in 0..5 {
            addr.send(n).unwrap();
        }
    })
    .join()
    .unwrap();
    sched.run();
    assert_eq!(log_of(&log), ["a 0", "a 1", "a 2", "a 3", "a 4"]);
}

enum Chain {
    /// Spawn a child here, send it `n`, and forward its reply to the log.
    Start(u32),
    Child(Result<u32, NoReply>),
}

struct Doubler;
impl Actor for Doubler {
    type Msg = (u32, ReplyTo<u32>);
    fn handle(&mut self, (n, port): Self::Msg, _ctx: &mut Context<Self>) {
        let _ = port.reply(n * 2);
    }
}

struct Parent {
    log: Log,
    children: Vec<actor_core::ActorHandle<Doubler>>,
}

impl Actor for Parent {
    type Msg = Chain;
    fn handle(&mut self, msg: Chain, ctx: &mut Context<Self>) {
        match msg {
            Chain::Start(n) => {
                let child = ctx.spawn(Doubler).expect("the scheduler takes spawns");
                let asked = ctx.ask(&child.addr(), |port| (n, port), Chain::Child);
                assert!(asked.is_ok());
                // A blocking ask here would wait for this very thread: it is refused.
                assert!(matches!(
                    child.addr().ask(|port| (n, port)),
                    Err(AskError::WouldBlock(_))
                ));
                self.children.push(child);
            }
            Chain::Child(answer) => {
                self.log.lock().unwrap().push(format!("{answer:?}"));
                ctx.stop();
            }
        }
    }
}

#[test]
fn a_handler_spawns_children_on_the_scheduler_and_asks_them_through_its_context() {
    let log = Log::default();
    let mut sched = Scheduler::new();
    let parent = sched.start(Parent {
        log: log.clone(),
        children: Vec::new(),
    });
    parent.addr().send(Chain::Start(21)).unwrap();
    let outcome = sched.join(parent).unwrap();
    assert_eq!(outcome.reason(), &ExitReason::Stopped);
    assert_eq!(log_of(&log), ["Ok(42)"]);
    // The child ran here too: its handle reports it is not on a thread pool.
    let children = outcome.into_state().children;
    assert!(children.iter().all(|child| !child.is_pooled()));
}

enum Timed {
    Start,
    Tick,
    Late(Result<(), NoReply>),
}

/// Asks an actor that never answers, with a 30-second deadline, and counts one-second ticks.
struct Patient {
    silent: Addr<ReplyTo<()>>,
    ticks: u32,
    answer: Option<Result<(), NoReply>>,
}

impl Actor for Patient {
    type Msg = Timed;
    fn handle(&mut self, msg: Timed, ctx: &mut Context<Self>) {
        match msg {
            Timed::Start => {
                ctx.send_interval(Duration::from_secs(1), || Timed::Tick);
                let asked = ctx.ask_timeout(
                    &self.silent,
                    |port| port,
                    Duration::from_secs(30),
                    Timed::Late,
                );
                assert!(asked.is_ok());
            }
            Timed::Tick => self.ticks += 1,
            Timed::Late(answer) => {
                self.answer = Some(answer);
                ctx.stop();
            }
        }
    }
}

/// Keeps every request without answering.
struct Silent(Vec<ReplyTo<()>>);
impl Actor for Silent {
    type Msg = ReplyTo<()>;
    fn handle(&mut self, port: ReplyTo<()>, _ctx: &mut Context<Self>) {
        self.0.push(port);
    }
}

#[test]
fn a_thirty_second_timeout_runs_on_the_virtual_clock() {
    let mut sched = Scheduler::new();
    let silent = sched.start(Silent(Vec::new()));
    let patient = sched.start(Patient {
        silent: silent.addr(),
        ticks: 0,
        answer: None,
    });
    patient.addr().send(Timed::Start).unwrap();
    let state = sched.join(patient).unwrap().into_state();
    assert_eq!(state.answer, Some(Err(NoReply::Timeout)));
    // The ticks due up to the deadline came first: the clock moved one timer at a time.
    assert!((29..=30).contains(&state.ticks), "{} ticks", state.ticks);
    assert_eq!(sched.now(), Duration::from_secs(30));
    // The interval ended with its actor: nothing is left to fire.
    silent.close();
    sched.join(silent).unwrap();
    assert_eq!(sched.run().timers_fired(), 0);
}

/// Sets one-shot timers at 1, 2, .. 5 virtual seconds when it starts, and logs each.
struct Alarms(Log);
impl Actor for Alarms {
    type Msg = u32;
    fn started(&mut self, ctx: &mut Context<Self>) {
        for n in 1..=5 {
            ctx.send_after(Duration::from_secs(u64::from(n)), n);
        }
    }
    fn handle(&mut self, n: u32, _ctx: &mut Context<Self>) {
        self.0.lock().unwrap().push(format!("alarm {n}"));
    }
}

#[test]
fn run_until_fires_the_timers_due_and_stops_the_clock_there() {
    let log = Log::default();
    let mut sched = Scheduler::new();
    let alarms = sched.start(Alarms(log.clone()));
    let report = sched.run_until(Duration::from_millis(3_500));
    assert_eq!(report.timers_fired(), 3);
    assert_eq!(log_of(&log), ["alarm 1", "alarm 2", "alarm 3"]);
    assert_eq!(sched.now(), Duration::from_millis(3_500));
    // The rest fire when the run goes on.
    sched.run_for_time(Duration::from_secs(2));
    assert_eq!(log_of(&log).len(), 5);
    assert_eq!(sched.now(), Duration::from_millis(5_500));
    alarms.close();
    assert!(sched.join(alarms).is_ok());
}

struct Crasher;
impl Actor for Crasher {
    type Msg = u32;
    fn handle(&mut self, n: u32, _ctx: &mut Context<Self>) {
        assert!(n != 2, "two is too many");
    }
}

#[test]
fn a_panicking_actor_ends_panicked_and_the_run_returns_with_the_rest_accounted_for() {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let mut sched = Scheduler::new();
    let crasher = sched.start(Crasher);
    for n in 1..=4 {
        crasher.addr().send(n).unwrap();
    }
    sched.run();
    std::panic::set_hook(previous);
    let outcome = sched.join(crasher).unwrap();
    assert_eq!(
        outcome.reason(),
        &ExitReason::Panicked("two is too many".into())
    );
    assert_eq!(outcome.undelivered(), [3, 4]);
}

/// Sends to a bounded mailbox that is full, from inside the run.
struct Flooder(Addr<u32>);
impl Actor for Flooder {
    type Msg = ();
    fn handle(&mut self, (): (), _ctx: &mut Context<Self>) {
        assert!(matches!(self.0.try_send(9), Ok(())));
        assert!(matches!(self.0.try_send(9), Err(TrySendError::Full(9))));
        // Waiting for room would wait for this thread: the message is queued beyond the bound.
        self.0.send(10).unwrap();
    }
}

#[test]
fn a_full_bounded_mailbox_inside_the_run_queues_beyond_its_bound_instead_of_waiting() {
    let log = Log::default();
    let mut sched = Scheduler::new();
    let target = sched
        .builder()
        .mailbox(Mailbox::Bounded(1))
        .spawn(Recorder {
            name: "t",
            log: log.clone(),
        })
        .unwrap();
    let flooder = sched.start(Flooder(target.addr()));
    flooder.addr().send(()).unwrap();
    sched.run();
    assert_eq!(log_of(&log), ["t 9", "t 10"]);
}

/// Each message carries its sender's number and a sequence number.
struct Checker {
    last: Vec<Option<u32>>,
}
impl Actor for Checker {
    type Msg = (usize, u32);
    fn handle(&mut self, (from, seq): (usize, u32), _ctx: &mut Context<Self>) {
        let last = &mut self.last[from];
        assert!(
            last.is_none_or(|last| seq == last + 1),
            "sender {from}: {seq} after {last:?}"
        );
        *last = Some(seq);
    }
}

struct Sender {
    me: usize,
    to: Addr<(usize, u32)>,
    next: u32,
}
impl Actor for Sender {
    type Msg = ();
    fn handle(&mut self, (): (), ctx: &mut Context<Self>) {
        self.to.send((self.me, self.next)).unwrap();
        self.next += 1;
        if self.next < 20 {
            ctx.addr().send(()).unwrap();
        }
    }
}

#[test]
fn every_seed_keeps_each_senders_messages_in_order() {
    let result = check_seeds(0..50, |sched: &mut Scheduler| {
        let checker = sched.start(Checker {
            last: vec![None; 3],
        });
        let senders: Vec<_> = (0..3)
            .map(|me| {
                sched.start(Sender {
                    me,
                    to: checker.addr(),
                    next: 0,
                })
            })
            .collect();
        for sender in &senders {
            sender.addr().send(()).unwrap();
        }
        sched.run();
        // The senders hold the checker's address: close it (everything sent has been handled).
        checker.close();
        let state = sched.join(checker).unwrap().into_state();
        assert_eq!(state.last, [Some(19); 3]);
    });
    assert_eq!(result, Ok(()));
}

#[test]
fn the_same_seed_gives_the_same_order_and_seeds_differ() {
    fn order(seed: u64) -> Vec<String> {
        let log = Log::default();
        let mut sched = Scheduler::with_seed(seed);
        let actors: Vec<_> = ["a", "b", "c"]
            .into_iter()
            .map(|name| {
                sched.start(Recorder {
                    name,
                    log: log.clone(),
                })
            })
            .collect();
        for n in 0..4 {
            for actor in &actors {
                actor.addr().send(n).unwrap();
            }
        }
        sched.run();
        log_of(&log)
    }
    assert_eq!(order(7), order(7));
    assert!((0..10).any(|seed| order(seed) != order(7)));
}

/// Two actors get one message each; the body expects `a` to go first, which only FIFO promises.
fn a_goes_first(sched: &mut Scheduler) {
    let log = Log::default();
    let a = sched.start(Recorder {
        name: "a",
        log: log.clone(),
    });
    let b = sched.start(Recorder {
        name: "b",
        log: log.clone(),
    });
    a.addr().send(1).unwrap();
    b.addr().send(1).unwrap();
    sched.run();
    assert_eq!(log_of(&log), ["a 1", "b 1"], "b went first");
}

#[test]
fn check_seeds_names_the_first_seed_that_fails() {
    let failure = check_seeds(0..100, a_goes_first).unwrap_err();
    assert!(failure.message.contains("b went first"));
    // Replaying that seed fails the same way.
    let replay = check_seeds([failure.seed], a_goes_first);
    assert_eq!(replay.unwrap_err().seed, failure.seed);
}
