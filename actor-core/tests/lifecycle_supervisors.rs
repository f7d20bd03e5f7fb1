//! Lifecycle contract, supervisors: failed children are restarted by strategy (one-for-one,
//! one-for-all, rest-for-one), restart kind (permanent, transient, temporary) and intensity (at
//! most N restarts in T, then the supervisor itself fails, so failure climbs the tree), with
//! optional backoff. A restarted child keeps its address and its mailbox: senders never see a gap,
//! queued messages go to the new instance, and the message whose handling panicked is reported,
//! not redelivered.

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};
use std::sync::{Arc, Mutex, OnceLock, mpsc};
use std::time::Duration;

mod common;

use actor_core::{
    Actor, ActorId, Addr, Backoff, ChildError, ChildSpec, Context, DeadLetters, DeadReason,
    ExitReason, Monitor, ReplyTo, Restart, Strategy, Supervisor, SupervisorHandle,
};
use common::{Exec, on_every_executor};

/// The upper bound of every wait: generous, never reached when the library works.
const LONG: Duration = Duration::from_secs(10);

/// A window no test outlives: every restart of a test counts against the intensity.
const WINDOW: Duration = Duration::from_secs(60);

enum Job {
    /// Answers with the instance that handles it (1 for the first one, 2 after one restart..).
    Which(ReplyTo<usize>),
    /// Logs `<name>#<instance> got <n>`.
    Record(u32),
    /// Signals that it is handling this message, waits until the gate opens, then panics.
    HoldThenPanic(mpsc::Sender<()>, mpsc::Receiver<()>),
    Panic,
    Close,
    Stop,
    Fail,
}

/// An instance of a child announces itself from its `started` hook.
struct Started {
    name: &'static str,
    instance: usize,
    addr: Addr<Job>,
}

/// What the children of one test share: one log of hooks and handled messages, in order, and
/// where new instances announce themselves.
#[derive(Clone)]
struct Shared {
    log: Arc<Mutex<Vec<String>>>,
    started: mpsc::Sender<Started>,
}

struct Worker {
    name: &'static str,
    instance: usize,
    shared: Shared,
}

impl Worker {
    fn log(&self, entry: String) {
        self.shared.log.lock().unwrap().push(entry);
    }
}

impl Actor for Worker {
    type Msg = Job;

    fn started(&mut self, ctx: &mut Context<Self>) {
        self.log(format!("start {}#{}", self.name, self.instance));
        let _ = self.shared.started.send(Started {
            name: self.name,
            instance: self.instance,
            addr: ctx.addr(),
        });
    }

    fn handle(&mut self, job: Job, ctx: &mut Context<Self>) {
        match job {
            Job::Which(port) => {
                let _ = port.reply(self.instance);
            }
            Job::Record(n) => self.log(format!("{}#{} got {n}", self.name, self.instance)),
            Job::HoldThenPanic(entered, gate) => {
                entered.send(()).unwrap();
                gate.recv().unwrap();
                panic!("{} gave up", self.name);
            }
            Job::Panic => panic!("{} gave up", self.name),
            Job::Close => ctx.close(),
            Job::Stop => ctx.stop(),
            Job::Fail => ctx.fail(format!("{} failed", self.name)),
        }
    }

    fn stopped(&mut self, _reason: &ExitReason) {
        self.log(format!("stop {}#{}", self.name, self.instance));
    }
}

/// The children of one test: their specs are made here, and their announcements collected.
struct Family {
    shared: Shared,
    announced: mpsc::Receiver<Started>,
    /// Announcements received but not asked for yet.
    pending: HashMap<(&'static str, usize), Addr<Job>>,
    made: HashMap<&'static str, Arc<AtomicUsize>>,
}

impl Family {
    fn new() -> Family {
        let (started, announced) = mpsc::channel();
        Family {
            shared: Shared {
                log: Arc::default(),
                started,
            },
            announced,
            pending: HashMap::new(),
            made: HashMap::new(),
        }
    }

    /// A child named `name`, restarted as `restart` says; its factory counts the instances.
    fn child(&mut self, name: &'static str, restart: Restart) -> ChildSpec {
        let made = Arc::new(AtomicUsize::new(0));
        self.made.insert(name, Arc::clone(&made));
        let shared = self.shared.clone();
        ChildSpec::new(name, move || Worker {
            name,
            instance: made.fetch_add(1, SeqCst) + 1,
            shared: shared.clone(),
        })
        .restart(restart)
    }

    /// How many instances of `name` the factory has made.
    fn made(&self, name: &str) -> usize {
        self.made[name].load(SeqCst)
    }

    /// Waits until instance `instance` of `name` has run its `started` hook; its address.
    fn started(&mut self, name: &'static str, instance: usize) -> Addr<Job> {
        loop {
            if let Some(addr) = self.pending.remove(&(name, instance)) {
                return addr;
            }
            let started = self
                .announced
                .recv_timeout(LONG)
                .unwrap_or_else(|_| panic!("{name}#{instance} never started"));
            self.pending
                .insert((started.name, started.instance), started.addr);
        }
    }

    /// The log entries that start with `prefix`.
    fn log_of(&self, prefix: &str) -> Vec<String> {
        self.shared
            .log
            .lock()
            .unwrap()
            .iter()
            .filter(|entry| entry.starts_with(prefix))
            .cloned()
            .collect()
    }

    fn log(&self) -> Vec<String> {
        self.shared.log.lock().unwrap().clone()
    }
}

/// Which instance of the child handles a request now.
fn which(child: &Addr<Job>) -> usize {
    child
        .ask_timeout(Job::Which, LONG)
        .expect("the child answers")
}

fn child(supervisor: &SupervisorHandle, name: &str) -> Addr<Job> {
    supervisor.child::<Job>(name).expect("the child runs")
}

/// Closes the supervisor and checks that it ends `Closed`.
fn close(supervisor: SupervisorHandle) {
    assert!(supervisor.close());
    assert_eq!(supervisor.join().reason(), &ExitReason::Closed);
}

/// Starts a supervisor of children `a`, `b`, `c` with `strategy`, panics `failing`, and returns
/// which instance of each child answers afterwards.
fn instances_after_a_panic(exec: Exec, strategy: Strategy, failing: &str) -> Vec<usize> {
    let mut family = Family::new();
    let supervisor = Supervisor::new(strategy)
        .intensity(10, WINDOW)
        .child(family.child("a", Restart::Permanent))
        .child(family.child("b", Restart::Permanent))
        .child(family.child("c", Restart::Permanent))
        .spawn(exec.builder())
        .unwrap();
    let children = ["a", "b", "c"].map(|name| child(&supervisor, name));
    assert_eq!(children.each_ref().map(which), [1, 1, 1]);
    let at = ["a", "b", "c"]
        .iter()
        .position(|name| *name == failing)
        .unwrap();
    children[at].send(Job::Panic).unwrap();
    // The failed child answers from its new instance; the siblings the strategy restarts were
    // asked to before that instance was made, and take the request before their next message.
    assert_eq!(which(&children[at]), 2);
    let instances = children.each_ref().map(which).to_vec();
    let made: Vec<_> = ["a", "b", "c"]
        .iter()
        .map(|name| family.made(name))
        .collect();
    assert_eq!(made, instances, "one instance made per start");
    for (name, instance) in ["a", "b", "c"].iter().zip(&instances) {
        if *instance == 2 {
            // The old instance's `stopped` hook ran before the new one's `started`.
            let log = family.log();
            let stop = log.iter().position(|e| *e == format!("stop {name}#1"));
            let start = log.iter().position(|e| *e == format!("start {name}#2"));
            assert!(stop.is_some() && stop < start, "{log:?}");
        }
    }
    close(supervisor);
    instances
}

/// What a test reads from a dead letter.
struct Letter {
    name: String,
    type_name: &'static str,
    reason: DeadReason,
    has_value: bool,
}

/// The dead letters of one actor outside any system. They go to the process-wide place, which
/// this binary's tests share: one hook, installed once, hands each letter to the test that
/// asked for its actor's letters.
fn global_letters_of(actor: ActorId) -> mpsc::Receiver<Letter> {
    type Subscribers = Mutex<HashMap<ActorId, mpsc::Sender<Letter>>>;
    static SUBSCRIBERS: OnceLock<Subscribers> = OnceLock::new();
    let subscribers = SUBSCRIBERS.get_or_init(|| {
        DeadLetters::global().set_hook(|letter| {
            let Some(subscribers) = SUBSCRIBERS.get() else {
                return; // nobody has asked yet
            };
            if let Some(subscriber) = subscribers.lock().unwrap().get(&letter.actor()) {
                let _ = subscriber.send(Letter {
                    name: letter.name().to_owned(),
                    type_name: letter.type_name(),
                    reason: letter.reason(),
                    has_value: letter.value().is_some(),
                });
            }
        });
        Mutex::default()
    });
    let (letters_tx, letters) = mpsc::channel();
    subscribers.lock().unwrap().insert(actor, letters_tx);
    letters
}

on_every_executor! {
/// One-for-one: only the failed child restarts.
fn one_for_one_restarts_only_the_failed_child(exec) {
    assert_eq!(instances_after_a_panic(exec, Strategy::OneForOne, "b"), [1, 2, 1]);
}

/// One-for-all: every child restarts.
fn one_for_all_restarts_every_child(exec) {
    assert_eq!(instances_after_a_panic(exec, Strategy::OneForAll, "b"), [2, 2, 2]);
    assert_eq!(instances_after_a_panic(exec, Strategy::OneForAll, "c"), [2, 2, 2]);
}

/// Rest-for-one: the failed child and every child started after it restart.
fn rest_for_one_restarts_the_failed_child_and_those_started_after_it(exec) {
    assert_eq!(instances_after_a_panic(exec, Strategy::RestForOne, "b"), [1, 2, 2]);
    assert_eq!(instances_after_a_panic(exec, Strategy::RestForOne, "a"), [2, 2, 2]);
    assert_eq!(instances_after_a_panic(exec, Strategy::RestForOne, "c"), [1, 1, 2]);
}

/// A permanent child is restarted whatever its end: in place after a panic, anew (with a new
/// address) after it closed or stopped itself.
fn a_permanent_child_is_restarted_after_any_end(exec) {
    let mut family = Family::new();
    let supervisor = Supervisor::new(Strategy::OneForOne)
        .intensity(10, WINDOW)
        .child(family.child("p", Restart::Permanent))
        .spawn(exec.builder())
        .unwrap();
    let first = family.started("p", 1);
    first.send(Job::Panic).unwrap();
    assert_eq!(which(&first), 2, "restarted in place");
    first.send(Job::Close).unwrap();
    let second = family.started("p", 3);
    assert!(!second.same_actor(&first), "a run that ended leaves a new mailbox");
    second.send(Job::Stop).unwrap();
    let third = family.started("p", 4);
    assert_eq!(which(&third), 4);
    assert_eq!(family.made("p"), 4);
    assert_eq!(supervisor.restarts(), 3);
    close(supervisor);
}

/// A transient child is restarted after a panic, in place.
fn a_transient_child_is_restarted_after_a_panic(exec) {
    let mut family = Family::new();
    let supervisor = Supervisor::new(Strategy::OneForOne)
        .intensity(10, WINDOW)
        .child(family.child("t", Restart::Transient))
        .spawn(exec.builder())
        .unwrap();
    let t = child(&supervisor, "t");
    t.send(Job::Panic).unwrap();
    assert_eq!(which(&t), 2);
    assert_eq!(supervisor.restarts(), 1);
    close(supervisor);
}

/// A transient child that fails (`Context::fail`) is restarted, anew.
fn a_transient_child_is_restarted_after_a_failure(exec) {
    let mut family = Family::new();
    let supervisor = Supervisor::new(Strategy::OneForOne)
        .intensity(10, WINDOW)
        .child(family.child("t", Restart::Transient))
        .spawn(exec.builder())
        .unwrap();
    let t = child(&supervisor, "t");
    let monitor = t.monitor();
    t.send(Job::Fail).unwrap();
    assert_eq!(
        monitor.wait_timeout(LONG).unwrap().reason(),
        &ExitReason::Failed("t failed".into())
    );
    let again = family.started("t", 2);
    assert_eq!(which(&again), 2);
    close(supervisor);
}

/// A transient child that closes or stops itself ends normally and is not restarted.
fn a_transient_child_is_not_restarted_after_close_or_stop(exec) {
    for (end, reason) in [(Job::Close, ExitReason::Closed), (Job::Stop, ExitReason::Stopped)] {
        let mut family = Family::new();
        let supervisor = Supervisor::new(Strategy::OneForOne)
            .intensity(10, WINDOW)
            .child(family.child("t", Restart::Transient))
            .child(family.child("probe", Restart::Permanent))
            .spawn(exec.builder())
            .unwrap();
        let t = child(&supervisor, "t");
        let monitor = t.monitor();
        t.send(end).unwrap();
        assert_eq!(monitor.wait_timeout(LONG).unwrap().reason(), &reason);
        assert_not_restarted(&mut family, &supervisor, "t");
        close(supervisor);
    }
}

/// A temporary child is never restarted: not after a panic, a failure or a normal end.
fn a_temporary_child_is_never_restarted(exec) {
    for end in [Job::Panic, Job::Fail, Job::Close] {
        let mut family = Family::new();
        let supervisor = Supervisor::new(Strategy::OneForOne)
            .intensity(10, WINDOW)
            .child(family.child("temp", Restart::Temporary))
            .child(family.child("probe", Restart::Permanent))
            .spawn(exec.builder())
            .unwrap();
        let temp = child(&supervisor, "temp");
        let monitor = temp.monitor();
        temp.send(end).unwrap();
        monitor.wait_timeout(LONG).expect("the temporary child ends");
        assert_not_restarted(&mut family, &supervisor, "temp");
        close(supervisor);
    }
}

/// Up to N restarts within the window, the supervisor runs on.
fn restarts_within_the_intensity_keep_the_supervisor_running(exec) {
    let mut family = Family::new();
    let supervisor = Supervisor::new(Strategy::OneForOne)
        .intensity(3, WINDOW)
        .child(family.child("w", Restart::Permanent))
        .spawn(exec.builder())
        .unwrap();
    let monitor = supervisor.monitor();
    let w = child(&supervisor, "w");
    for _ in 0..3 {
        w.send(Job::Panic).unwrap();
    }
    assert_eq!(which(&w), 4);
    assert!(!monitor.is_down());
    assert_eq!(supervisor.restarts(), 3);
    close(supervisor);
}

/// One restart more than the intensity allows within the window: the supervisor stops its
/// children and ends with `Failed`.
fn more_restarts_than_the_intensity_allows_make_the_supervisor_fail(exec) {
    let mut family = Family::new();
    let supervisor = Supervisor::new(Strategy::OneForOne)
        .intensity(2, WINDOW)
        .child(family.child("sibling", Restart::Permanent))
        .child(family.child("w", Restart::Permanent))
        .spawn(exec.builder())
        .unwrap();
    let monitor = supervisor.monitor();
    let w = child(&supervisor, "w");
    let sibling = child(&supervisor, "sibling");
    let (w_monitor, sibling_monitor) = (w.monitor(), sibling.monitor());
    for _ in 0..3 {
        w.send(Job::Panic).unwrap();
    }
    let down = monitor.wait_timeout(LONG).expect("the supervisor gives up");
    match down.reason() {
        ExitReason::Failed(why) => assert!(why.contains("restarts"), "{why}"),
        other => panic!("expected Failed, got {other:?}"),
    }
    // Its children ended before it did.
    assert!(w_monitor.get().expect("w ended").reason().is_panic());
    assert!(sibling_monitor.get().is_some(), "the sibling is stopped too");
    assert!(!sibling.is_alive());
    assert_eq!(family.made("w"), 3, "two restarts, then none");
    assert_eq!(family.made("sibling"), 1);
    assert_eq!(family.log_of("stop sibling"), ["stop sibling#1"]);
    let outcome = supervisor.join();
    assert_eq!(outcome.reason(), down.reason());
    assert_eq!(outcome.state().restarts(), 2);
}

/// A child restarted in place keeps its address, and the messages queued behind the one that
/// panicked go to the new instance, in order; senders see no gap.
fn a_restarted_child_keeps_its_address_and_its_queued_messages(exec) {
    let mut family = Family::new();
    let supervisor = Supervisor::new(Strategy::OneForOne)
        .intensity(10, WINDOW)
        .child(family.child("w", Restart::Permanent))
        .spawn(exec.builder())
        .unwrap();
    let w = child(&supervisor, "w");
    let (entered_tx, entered_rx) = mpsc::channel();
    let (gate_tx, gate_rx) = mpsc::channel();
    w.send(Job::HoldThenPanic(entered_tx, gate_rx)).unwrap();
    entered_rx.recv_timeout(LONG).unwrap();
    for n in 1..=5 {
        w.send(Job::Record(n)).unwrap();
    }
    gate_tx.send(()).unwrap();
    for n in 6..=8 {
        w.send(Job::Record(n)).unwrap(); // during or after the restart: no gap
    }
    assert_eq!(which(&w), 2);
    assert!(w.same_actor(&child(&supervisor, "w")));
    let expected: Vec<_> = (1..=8).map(|n| format!("w#2 got {n}")).collect();
    assert_eq!(family.log_of("w#"), expected, "all go to the new instance");
    close(supervisor);
}

/// The message whose handling panicked is reported to the dead-letter hook and not
/// redelivered to the new instance.
fn the_message_whose_handling_panicked_is_reported_not_redelivered(exec) {
    let mut family = Family::new();
    let supervisor = Supervisor::new(Strategy::OneForOne)
        .intensity(10, WINDOW)
        .child(family.child("w", Restart::Permanent))
        .spawn(exec.builder())
        .unwrap();
    let w = child(&supervisor, "w");
    let letters = global_letters_of(w.id());
    w.send(Job::Panic).unwrap();
    assert_eq!(which(&w), 2);
    let letter = letters.recv_timeout(LONG).expect("the panicked message is reported");
    assert_eq!(letter.name, "w");
    assert!(letter.type_name.ends_with("Job"), "{}", letter.type_name);
    assert_eq!(letter.reason, DeadReason::HandlerPanicked);
    assert!(!letter.has_value, "the handler took the message");
    assert_eq!(family.made("w"), 2, "not redelivered: no second panic");
    assert_eq!(supervisor.restarts(), 1);
    close(supervisor);
    assert!(letters.try_recv().is_err(), "one letter");
}

/// Children stop in reverse order of start when the supervisor closes, after which it ends.
fn children_stop_in_reverse_order(exec) {
    let mut family = Family::new();
    let supervisor = Supervisor::new(Strategy::OneForOne)
        .child(family.child("a", Restart::Permanent))
        .child(family.child("b", Restart::Permanent))
        .child(family.child("c", Restart::Permanent))
        .spawn(exec.builder())
        .unwrap();
    let children = ["a", "b", "c"].map(|name| child(&supervisor, name));
    let monitor = supervisor.monitor();
    close(supervisor);
    assert_eq!(family.log_of("stop"), ["stop c#1", "stop b#1", "stop a#1"]);
    let end = monitor.get().expect("the supervisor ended");
    assert_eq!(end.reason(), &ExitReason::Closed);
    for child in &children {
        assert_eq!(
            child.monitor().get().map(|down| down.into_reason()),
            Some(ExitReason::Closed),
            "each child is closed (drained), not stopped"
        );
    }
}

/// Children stop in reverse order also when the supervisor is stopped rather than closed.
fn stopping_a_supervisor_stops_its_children_in_reverse_order(exec) {
    let mut family = Family::new();
    let supervisor = Supervisor::new(Strategy::OneForOne)
        .child(family.child("a", Restart::Permanent))
        .child(family.child("b", Restart::Permanent))
        .spawn(exec.builder())
        .unwrap();
    let children = [child(&supervisor, "a"), child(&supervisor, "b")];
    assert_eq!(children.each_ref().map(which), [1, 1]);
    supervisor.stop();
    assert_eq!(supervisor.join().reason(), &ExitReason::Stopped);
    assert_eq!(family.log_of("stop"), ["stop b#1", "stop a#1"]);
    assert!(children.iter().all(|child| !child.is_alive()));
}

/// A nested supervisor that gives up fails; its own supervisor restarts it, and with it its
/// children: failure climbs the tree.
fn a_supervisor_that_gives_up_is_restarted_by_its_supervisor(exec) {
    let mut family = Family::new();
    let inner = Supervisor::new(Strategy::OneForOne)
        .intensity(1, WINDOW)
        .child(family.child("w", Restart::Permanent));
    let outer = Supervisor::new(Strategy::OneForOne)
        .intensity(10, WINDOW)
        .child(ChildSpec::supervisor("inner", inner))
        .spawn(exec.builder())
        .unwrap();
    let outer_monitor = outer.monitor();
    let inner_monitor = outer
        .child::<actor_core::SupervisorMsg>("inner")
        .expect("the inner supervisor runs")
        .monitor();
    let w = family.started("w", 1);
    w.send(Job::Panic).unwrap(); // one restart: within the inner intensity
    assert_eq!(which(&w), 2);
    w.send(Job::Panic).unwrap(); // one too many: the inner supervisor gives up
    let inner_down = inner_monitor.wait_timeout(LONG).expect("the inner supervisor fails");
    assert!(matches!(inner_down.reason(), ExitReason::Failed(_)), "{inner_down:?}");
    // The outer supervisor starts a new inner one, which starts a new worker.
    let fresh = family.started("w", 3);
    assert_eq!(which(&fresh), 3);
    assert!(!fresh.same_actor(&w));
    assert_eq!(outer.restarts(), 1);
    assert!(!outer_monitor.is_down(), "the outer supervisor runs on");
    close(outer);
    assert_eq!(family.log_of("stop w#3"), ["stop w#3"], "the new worker is shut down with it");
}

/// A supervisor with a backoff still restarts its child (after the delay).
fn a_child_with_backoff_is_still_restarted(exec) {
    let mut family = Family::new();
    let supervisor = Supervisor::new(Strategy::OneForOne)
        .intensity(10, WINDOW)
        .backoff(Backoff {
            first: Duration::from_millis(1),
            max: Duration::from_millis(4),
        })
        .child(family.child("w", Restart::Permanent))
        .spawn(exec.builder())
        .unwrap();
    let w = child(&supervisor, "w");
    for _ in 0..3 {
        w.send(Job::Panic).unwrap();
    }
    assert_eq!(which(&w), 4, "restarted in place after each delay");
    w.send(Job::Close).unwrap();
    let again = family.started("w", 5);
    assert_eq!(which(&again), 5, "restarted anew after the delay");
    close(supervisor);
}

/// A child's address is looked up by name with its message type checked.
fn child_addresses_are_found_by_name_and_type(exec) {
    let mut family = Family::new();
    let supervisor = Supervisor::new(Strategy::OneForOne)
        .child(family.child("w", Restart::Temporary))
        .spawn(exec.builder())
        .unwrap();
    assert_eq!(which(&child(&supervisor, "w")), 1);
    assert!(matches!(
        supervisor.child::<u32>("w"),
        Err(ChildError::WrongType { name, .. }) if name == "w"
    ));
    assert_eq!(
        supervisor.child::<Job>("nobody").unwrap_err(),
        ChildError::NoSuchChild("nobody".into())
    );
    assert_eq!(supervisor.children_of::<Job>().len(), 1);
    close(supervisor);
}
}

/// Closes the permanent child `probe` and waits until the supervisor has restarted it: the
/// supervisor handles the ends of its children in order, so by then it has handled the end of
/// `name` too, which must not have been restarted.
fn assert_not_restarted(family: &mut Family, supervisor: &SupervisorHandle, name: &str) {
    let probe = child(supervisor, "probe");
    let probe_monitor: Monitor = probe.monitor();
    probe.send(Job::Close).unwrap();
    probe_monitor.wait_timeout(LONG).unwrap();
    family.started("probe", 2);
    assert_eq!(family.made(name), 1, "{name} is not restarted");
    assert_eq!(
        supervisor.child::<Job>(name).unwrap_err(),
        ChildError::NotRunning(name.to_owned())
    );
    assert_eq!(supervisor.restarts(), 1, "only the probe was restarted");
}

/// Children start in the order given: a child's `started` hook has run before the next child
/// starts, so a child can rely on its elder siblings (as in Erlang/OTP).
mod children_start_in_order {
    use super::*;

    fn body(exec: Exec) {
        for _round in 0..50 {
            let mut family = Family::new();
            let supervisor = Supervisor::new(Strategy::OneForOne)
                .child(family.child("a", Restart::Permanent))
                .child(family.child("b", Restart::Permanent))
                .child(family.child("c", Restart::Permanent))
                .spawn(exec.builder())
                .unwrap();
            close(supervisor);
            assert_eq!(
                family.log_of("start"),
                ["start a#1", "start b#1", "start c#1"]
            );
        }
    }

    #[test]
    fn thread() {
        body(Exec::Thread);
    }

    #[test]
    fn pool() {
        body(Exec::Pool);
    }
}

/// A child restarted anew (after its run ended) has a new address, which
/// `SupervisorHandle::child` gives once the new instance runs.
mod a_child_restarted_anew_is_found_once_it_runs {
    use super::*;

    fn body(exec: Exec) {
        let mut family = Family::new();
        let supervisor = Supervisor::new(Strategy::OneForOne)
            .intensity(1000, WINDOW)
            .child(family.child("p", Restart::Permanent))
            .spawn(exec.builder())
            .unwrap();
        let mut current = family.started("p", 1);
        for instance in 2..=50 {
            current.send(Job::Close).unwrap();
            current = family.started("p", instance);
            assert_eq!(which(&current), instance, "the new instance runs");
            let found = supervisor.child::<Job>("p");
            assert!(
                found.as_ref().is_ok_and(|found| found.same_actor(&current)),
                "instance {instance}: {:?}",
                found.map(|addr| addr.id())
            );
        }
        close(supervisor);
    }

    #[test]
    fn thread() {
        body(Exec::Thread);
    }

    #[test]
    fn pool() {
        body(Exec::Pool);
    }
}
