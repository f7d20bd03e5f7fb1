//! Lifecycle contract, system shutdown: a system (or group) owns actors and shuts them down in
//! reverse order of start (children before parents), each with a deadline after which it is
//! stopped, and returns a report: per actor, its exit reason, how long it took and what it left
//! undelivered. Nothing hangs: a cycle of addresses between actors does not keep them alive past
//! shutdown.

use std::sync::{Arc, Mutex, mpsc};
use std::time::Duration;

mod common;

use actor_core::{
    Actor, ActorHandle, Addr, Builder, ChildSpec, Context, ExitReason, Restart, Strategy,
    Supervisor, System, SystemShutDown, WeakAddr,
};
use common::{Exec, on_every_executor};

/// The upper bound of every wait: generous, never reached when the library works.
const LONG: Duration = Duration::from_secs(10);

type Log = Arc<Mutex<Vec<String>>>;

enum Msg {
    Work,
    /// Answers, to show the actor handled everything sent before.
    Ping(mpsc::Sender<()>),
    /// Starts a child named so, through the context, and keeps its handle; acknowledges.
    SpawnChild(&'static str, mpsc::Sender<()>),
    /// Signals that it is handling this message, then waits until the gate opens.
    Hold(mpsc::Sender<()>, mpsc::Receiver<()>),
    /// Signals that it is handling this message, waits until its own mailbox is closed, then
    /// stops itself.
    StopOnceClosed(mpsc::Sender<()>),
    /// Keeps this address (to make a cycle).
    Keep(Addr<Msg>),
    /// Keeps this weak address.
    KeepWeak(WeakAddr<Msg>),
    /// Answers whether the kept weak address still upgrades.
    Upgrade(mpsc::Sender<bool>),
}

/// A member of a system that logs its `stopped` hook.
struct Member {
    name: &'static str,
    log: Log,
    /// A child this actor starts from its `started` hook.
    child_at_start: Option<&'static str>,
    children: Vec<ActorHandle<Member>>,
    kept: Option<Addr<Msg>>,
    kept_weak: Option<WeakAddr<Msg>>,
}

impl Member {
    fn new(name: &'static str, log: &Log) -> Member {
        Member {
            name,
            log: Arc::clone(log),
            child_at_start: None,
            children: Vec::new(),
            kept: None,
            kept_weak: None,
        }
    }
}

impl Actor for Member {
    type Msg = Msg;

    fn started(&mut self, ctx: &mut Context<Self>) {
        if let Some(child) = self.child_at_start {
            let handle = ctx
                .builder()
                .name(child)
                .spawn(Member::new(child, &self.log))
                .unwrap();
            self.children.push(handle);
        }
    }

    fn handle(&mut self, msg: Msg, ctx: &mut Context<Self>) {
        match msg {
            Msg::Work => {}
            Msg::Ping(reply) => {
                let _ = reply.send(());
            }
            Msg::SpawnChild(name, ack) => {
                let handle = ctx
                    .builder()
                    .name(name)
                    .spawn(Member::new(name, &self.log))
                    .unwrap();
                self.children.push(handle);
                let _ = ack.send(());
            }
            Msg::Hold(entered, gate) => {
                entered.send(()).unwrap();
                gate.recv().unwrap();
            }
            Msg::StopOnceClosed(entered) => {
                entered.send(()).unwrap();
                let me = ctx.addr();
                while me.is_alive() {
                    std::thread::yield_now();
                }
                ctx.stop();
            }
            Msg::Keep(addr) => self.kept = Some(addr),
            Msg::KeepWeak(weak) => self.kept_weak = Some(weak),
            Msg::Upgrade(reply) => {
                let alive = self
                    .kept_weak
                    .as_ref()
                    .and_then(WeakAddr::upgrade)
                    .is_some();
                let _ = reply.send(alive);
            }
        }
    }

    fn stopped(&mut self, _reason: &ExitReason) {
        self.log.lock().unwrap().push(self.name.to_owned());
    }
}

/// Spawns through `system` on `exec`.
fn in_system(exec: Exec, system: &System) -> Builder {
    match exec {
        Exec::Thread => system.builder(),
        Exec::Pool => system.builder().pool(common::pool()),
    }
}

fn spawn(exec: Exec, system: &System, member: Member) -> ActorHandle<Member> {
    in_system(exec, system)
        .name(member.name)
        .spawn(member)
        .unwrap()
}

fn ping(addr: &Addr<Msg>) {
    let (reply_tx, reply_rx) = mpsc::channel();
    addr.send(Msg::Ping(reply_tx)).unwrap();
    reply_rx.recv_timeout(LONG).expect("the actor answers");
}

fn names(report: &actor_core::ShutdownReport) -> Vec<&str> {
    report.actors().iter().map(|actor| actor.name()).collect()
}

on_every_executor! {
/// Shutdown closes the actors in reverse order of start; each drains and ends `Closed`, and the
/// report lists them in that order.
fn shutdown_closes_actors_in_reverse_order_of_start(exec) {
    let system = System::new("ordered");
    let log = Log::default();
    let handles: Vec<_> = ["a", "b", "c"]
        .into_iter()
        .map(|name| spawn(exec, &system, Member::new(name, &log)))
        .collect();
    for handle in &handles {
        handle.addr().send(Msg::Work).unwrap();
    }
    assert_eq!(system.len(), 3);
    let report = system.shutdown();
    assert_eq!(*log.lock().unwrap(), ["c", "b", "a"]);
    assert_eq!(names(&report), ["c", "b", "a"]);
    for (actor, handle) in report.actors().iter().zip(handles.iter().rev()) {
        assert_eq!(actor.id(), handle.id());
        assert_eq!(actor.reason(), Some(&ExitReason::Closed));
        assert!(!actor.was_stopped());
        assert_eq!(actor.undelivered(), 0);
    }
    assert!(report.all_ended());
    assert_eq!(report.undelivered(), 0);
    assert!(system.is_empty());
    assert!(system.is_shut_down());
    for handle in handles {
        assert_eq!(handle.join().reason(), &ExitReason::Closed);
    }
}

/// Once shut down, a system refuses new actors, and a second shutdown has nothing to report.
fn a_shut_down_system_refuses_new_actors(exec) {
    let system = System::new("closed");
    let log = Log::default();
    // Held until after the shutdown: an actor whose last address is dropped ends by itself, and
    // may be gone before the shutdown looks.
    let first = spawn(exec, &system, Member::new("a", &log));
    assert_eq!(system.shutdown().actors().len(), 1);
    assert_eq!(first.join().reason(), &ExitReason::Closed);
    let refused = in_system(exec, &system).spawn(Member::new("late", &log)).unwrap_err();
    assert!(
        refused.get_ref().and_then(|e| e.downcast_ref::<SystemShutDown>()).is_some(),
        "{refused:?}"
    );
    assert!(system.shutdown().actors().is_empty());
    assert_eq!(*log.lock().unwrap(), ["a"]);
}

/// Children an actor starts through its context join its system, and close before it.
fn shutdown_closes_children_before_their_parent(exec) {
    let system = System::new("family");
    let log = Log::default();
    let parent = spawn(exec, &system, Member::new("parent", &log));
    for child in ["first child", "second child"] {
        let (ack_tx, ack_rx) = mpsc::channel();
        parent.addr().send(Msg::SpawnChild(child, ack_tx)).unwrap();
        ack_rx.recv_timeout(LONG).unwrap();
    }
    assert_eq!(system.len(), 3);
    let report = system.shutdown();
    assert_eq!(names(&report), ["second child", "first child", "parent"]);
    assert_eq!(*log.lock().unwrap(), ["second child", "first child", "parent"]);
    assert!(report.all_ended());
    let children = parent.join().into_state().children;
    for child in children {
        assert_eq!(child.join().reason(), &ExitReason::Closed);
    }
}

/// An actor that does not drain by the deadline is stopped; one still running after the second
/// deadline is reported as such, and its end comes later, with its queued messages.
fn an_actor_that_does_not_drain_by_the_deadline_is_stopped_and_reported(exec) {
    let system = System::new("stuck");
    system.set_shutdown_deadline(Duration::from_millis(20));
    let log = Log::default();
    let stuck = spawn(exec, &system, Member::new("stuck", &log));
    let monitor = stuck.monitor();
    let addr = stuck.addr();
    let (entered_tx, entered_rx) = mpsc::channel();
    let (gate_tx, gate_rx) = mpsc::channel();
    addr.send(Msg::Hold(entered_tx, gate_rx)).unwrap();
    entered_rx.recv_timeout(LONG).unwrap();
    addr.send(Msg::Work).unwrap();
    addr.send(Msg::Work).unwrap();
    drop(addr);
    let report = system.shutdown();
    let [actor] = report.actors() else {
        panic!("one actor: {report}");
    };
    assert_eq!(actor.name(), "stuck");
    assert!(actor.was_stopped(), "stopped after the deadline");
    assert_eq!(actor.reason(), None, "still in its handler after both deadlines");
    assert!(!report.all_ended());
    assert!(actor.took() >= Duration::from_millis(40), "two deadlines: {:?}", actor.took());
    // The stop takes effect once the handler returns: the queued messages are not handled.
    gate_tx.send(()).unwrap();
    let down = monitor.wait_timeout(LONG).expect("the actor ends");
    assert_eq!(down.reason(), &ExitReason::Stopped);
    assert_eq!(down.undelivered(), 2);
    assert_eq!(stuck.join().undelivered().len(), 2);
}

/// The report tells how each actor ended and what it left undelivered.
fn the_report_tells_each_reason_and_what_was_left_undelivered(exec) {
    let system = System::new("report");
    let log = Log::default();
    let stopper = spawn(exec, &system, Member::new("stopper", &log));
    let quick = spawn(exec, &system, Member::new("quick", &log));
    let (entered_tx, entered_rx) = mpsc::channel();
    let stopper_addr = stopper.addr();
    stopper_addr.send(Msg::StopOnceClosed(entered_tx)).unwrap();
    entered_rx.recv_timeout(LONG).unwrap();
    stopper_addr.send(Msg::Work).unwrap();
    stopper_addr.send(Msg::Work).unwrap();
    quick.addr().send(Msg::Work).unwrap();
    let report = system.shutdown();
    assert_eq!(names(&report), ["quick", "stopper"]);
    let [quick_report, stopper_report] = report.actors() else {
        panic!("two actors: {report}");
    };
    assert_eq!(quick_report.reason(), Some(&ExitReason::Closed));
    assert_eq!(quick_report.undelivered(), 0);
    assert_eq!(stopper_report.reason(), Some(&ExitReason::Stopped));
    assert_eq!(stopper_report.undelivered(), 2);
    assert!(!stopper_report.was_stopped(), "it stopped itself within the deadline");
    assert!(stopper_report.took() < LONG);
    assert_eq!(report.undelivered(), 2);
    assert!(report.all_ended());
    assert!(report.to_string().contains("stopper"));
    drop(stopper_addr);
    assert_eq!(stopper.join().undelivered().len(), 2);
    drop(quick.join());
}

/// Dropping the system shuts it down: by the time the drop returns, every actor has ended (its
/// `stopped` hook has run and it accepts nothing more).
fn dropping_the_system_shuts_it_down(exec) {
    let system = System::new("dropped");
    let log = Log::default();
    let a = spawn(exec, &system, Member::new("a", &log));
    let b = spawn(exec, &system, Member::new("b", &log));
    let monitors = [a.monitor(), b.monitor()];
    let addrs = [a.addr(), b.addr()];
    addrs[1].send(Msg::Work).unwrap();
    drop(system);
    assert_eq!(*log.lock().unwrap(), ["b", "a"], "closed in reverse order of start");
    assert!(addrs.iter().all(|addr| !addr.is_alive()));
    for monitor in &monitors {
        let down = monitor.wait_timeout(LONG).expect("the actor ended");
        assert_eq!(down.reason(), &ExitReason::Closed);
    }
    drop(addrs);
    drop(a.join());
    drop(b.join());
}

/// Two actors that hold each other's address keep each other alive, but not past shutdown.
fn a_cycle_of_addresses_does_not_outlive_shutdown(exec) {
    let system = System::new("cycle");
    let log = Log::default();
    let a = spawn(exec, &system, Member::new("a", &log));
    let b = spawn(exec, &system, Member::new("b", &log));
    a.addr().send(Msg::Keep(b.addr())).unwrap();
    b.addr().send(Msg::Keep(a.addr())).unwrap();
    ping(&a.addr());
    ping(&b.addr());
    let report = system.shutdown();
    assert!(report.all_ended(), "{report}");
    assert!(report.actors().iter().all(|actor| !actor.was_stopped()));
    assert_eq!(names(&report), ["b", "a"]);
    assert_eq!(a.join().reason(), &ExitReason::Closed);
    assert_eq!(b.join().reason(), &ExitReason::Closed);
}

/// A supervisor in a system shuts its children down, in reverse order, before it ends.
fn a_supervisor_in_a_system_shuts_its_children_down_first(exec) {
    let system = System::new("supervised");
    let log = Log::default();
    let spec = |name: &'static str| {
        let log = Arc::clone(&log);
        ChildSpec::new(name, move || Member::new(name, &log)).restart(Restart::Permanent)
    };
    let supervisor = Supervisor::new(Strategy::OneForOne)
        .child(spec("a"))
        .child(spec("b"))
        .spawn(in_system(exec, &system).name("supervisor"))
        .unwrap();
    let a = supervisor.child::<Msg>("a").unwrap();
    ping(&a);
    drop(a);
    let report = system.shutdown();
    assert_eq!(names(&report), ["supervisor"], "its children are its own to shut down");
    assert_eq!(report.actors()[0].reason(), Some(&ExitReason::Closed));
    assert_eq!(*log.lock().unwrap(), ["b", "a"]);
    assert_eq!(supervisor.join().reason(), &ExitReason::Closed);
}
}

/// Children started from the parent's `started` hook are members of the parent's system and
/// close before it, however quickly the parent starts.
mod children_started_in_the_started_hook_close_before_their_parent {
    use super::*;

    fn body(exec: Exec) {
        for round in 0..100 {
            let system = System::new("early");
            let log = Log::default();
            let parent = spawn(
                exec,
                &system,
                Member {
                    child_at_start: Some("child"),
                    ..Member::new("parent", &log)
                },
            );
            assert!(parent.wait_started());
            let report = system.shutdown();
            assert_eq!(names(&report), ["child", "parent"], "round {round}");
            assert_eq!(*log.lock().unwrap(), ["child", "parent"], "round {round}");
            for child in parent.join().into_state().children {
                drop(child.join());
            }
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

on_every_executor! {
/// A weak address does not keep its actor alive: the actor ends when its last full address is
/// gone, and the weak one no longer upgrades.
fn a_weak_addr_does_not_keep_an_actor_alive(exec) {
    {
        let log = Log::default();
        let holder = exec.spawn(Member::new("holder", &log));
        let held = exec.spawn(Member::new("held", &log));
        let holder_addr = holder.addr();
        holder_addr.send(Msg::KeepWeak(held.addr().downgrade())).unwrap();
        ping(&holder_addr);
        let weak = held.addr().downgrade();
        assert!(weak.is_alive());
        let outcome = held.join_timeout(LONG).expect("no full address is left");
        assert_eq!(outcome.reason(), &ExitReason::Closed);
        assert!(!weak.is_alive());
        assert!(weak.upgrade().is_none());
        let (reply_tx, reply_rx) = mpsc::channel();
        holder_addr.send(Msg::Upgrade(reply_tx)).unwrap();
        assert!(!reply_rx.recv_timeout(LONG).unwrap(), "the holder's copy is dead too");
        drop(holder_addr);
        drop(holder.join());
    }
}

/// Two actors holding each other's weak address end as soon as their full addresses are gone.
fn a_cycle_of_weak_addrs_keeps_nobody_alive(exec) {
    {
        let log = Log::default();
        let a = exec.spawn(Member::new("a", &log));
        let b = exec.spawn(Member::new("b", &log));
        a.addr().send(Msg::KeepWeak(b.addr().downgrade())).unwrap();
        b.addr().send(Msg::KeepWeak(a.addr().downgrade())).unwrap();
        ping(&a.addr());
        ping(&b.addr());
        assert_eq!(
            a.join_timeout(LONG).expect("a ends").reason(),
            &ExitReason::Closed
        );
        assert_eq!(
            b.join_timeout(LONG).expect("b ends").reason(),
            &ExitReason::Closed
        );
    }
}
}
