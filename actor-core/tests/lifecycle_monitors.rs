//! Lifecycle contract, monitors: an actor (or any thread) can watch another and learns its
//! `ExitReason` exactly once, also when the watched actor had already ended when the watch began.

use std::sync::mpsc;
use std::time::Duration;

mod common;

use actor_core::{Actor, Addr, Context, Down, ExitReason, Inbox, Monitor};
use common::{Exec, on_every_executor};

/// The upper bound of every wait: generous, never reached when the library works.
const LONG: Duration = Duration::from_secs(10);

/// What the watched actor does with each message.
enum Cmd {
    /// Nothing.
    Work,
    /// Signals that it is handling this message, then waits until the gate opens.
    Hold(mpsc::Sender<()>, mpsc::Receiver<()>),
    Close,
    Stop,
    Panic,
    Fail,
}

/// The watched actor.
struct Target;

impl Actor for Target {
    type Msg = Cmd;
    fn handle(&mut self, cmd: Cmd, ctx: &mut Context<Self>) {
        match cmd {
            Cmd::Work => {}
            Cmd::Hold(entered, gate) => {
                entered.send(()).unwrap();
                gate.recv().unwrap();
            }
            Cmd::Close => ctx.close(),
            Cmd::Stop => ctx.stop(),
            Cmd::Panic => panic!("target gave up"),
            Cmd::Fail => ctx.fail("target failed on purpose"),
        }
    }
}

/// An actor that watches the targets it is sent and keeps every notice it gets.
struct Watcher {
    downs: Vec<Down>,
    seen: mpsc::Sender<Down>,
}

enum WatcherMsg {
    Watch(Addr<Cmd>),
    Down(Down),
}

impl Actor for Watcher {
    type Msg = WatcherMsg;
    fn handle(&mut self, msg: WatcherMsg, ctx: &mut Context<Self>) {
        match msg {
            WatcherMsg::Watch(target) => ctx.watch(&target, WatcherMsg::Down),
            WatcherMsg::Down(down) => {
                self.downs.push(down.clone());
                let _ = self.seen.send(down);
            }
        }
    }
}

fn spawn_watcher(exec: Exec) -> (actor_core::ActorHandle<Watcher>, mpsc::Receiver<Down>) {
    let (seen_tx, seen_rx) = mpsc::channel();
    let watcher = exec.spawn(Watcher {
        downs: Vec::new(),
        seen: seen_tx,
    });
    (watcher, seen_rx)
}

/// Ends a target with `end` (sent as its last message) and returns what a thread's monitor,
/// made before the end, learns, checked against what `join` reports.
fn thread_monitor_learns(exec: Exec, end: Cmd) -> Down {
    let target = exec.builder().name("target").spawn(Target).unwrap();
    let monitor = target.addr().monitor();
    assert_eq!(monitor.id(), target.id());
    assert!(monitor.get().is_none(), "the target is running");
    let addr = target.addr();
    addr.send(Cmd::Work).unwrap();
    addr.send(end).unwrap();
    let down = monitor.wait_timeout(LONG).expect("the target ends");
    let id = target.id();
    let outcome = target.join();
    assert_eq!(down.id(), id);
    assert_eq!(down.name(), "target");
    assert_eq!(
        down.reason(),
        outcome.reason(),
        "the monitor and join agree"
    );
    assert_eq!(monitor.get().as_ref(), Some(&down), "the end is kept");
    down
}

on_every_executor! {
/// A thread's monitor learns `Closed` once the actor closed and drained.
fn a_thread_learns_the_exit_reason_closed(exec) {
    let down = thread_monitor_learns(exec, Cmd::Close);
    assert_eq!(down.reason(), &ExitReason::Closed);
}

/// A thread's monitor learns `Stopped`.
fn a_thread_learns_the_exit_reason_stopped(exec) {
    let down = thread_monitor_learns(exec, Cmd::Stop);
    assert_eq!(down.reason(), &ExitReason::Stopped);
}

/// A thread's monitor learns `Panicked` with the panic message.
fn a_thread_learns_the_exit_reason_panicked(exec) {
    let down = thread_monitor_learns(exec, Cmd::Panic);
    assert_eq!(down.reason(), &ExitReason::Panicked("target gave up".into()));
}

/// A thread's monitor learns `Failed` with the reason given to `Context::fail`.
fn a_thread_learns_the_exit_reason_failed(exec) {
    let down = thread_monitor_learns(exec, Cmd::Fail);
    assert_eq!(down.reason(), &ExitReason::Failed("target failed on purpose".into()));
}

/// `ActorHandle::monitor` watches without giving up the handle; every monitor and every clone
/// of one learns the same end.
fn every_monitor_from_a_thread_learns_the_end(exec) {
    let target = exec.spawn(Target);
    let by_handle = target.monitor();
    let by_addr = target.addr().monitor();
    let clone = by_addr.clone();
    target.addr().send(Cmd::Stop).unwrap();
    let waiter = {
        let clone = clone.clone();
        std::thread::spawn(move || clone.wait())
    };
    let first = by_handle.wait_timeout(LONG).expect("the target ends");
    assert_eq!(first.reason(), &ExitReason::Stopped);
    assert_eq!(by_addr.wait_timeout(LONG).as_ref(), Some(&first));
    assert_eq!(clone.get().as_ref(), Some(&first));
    assert_eq!(waiter.join().unwrap(), first, "a thread blocked in wait is woken");
    assert_eq!(target.join().reason(), &ExitReason::Stopped);
}

/// A monitor made after the actor ended has its end at once, without waiting.
fn a_thread_learns_the_end_of_an_actor_that_had_already_ended(exec) {
    let target = exec.spawn(Target);
    let addr = target.addr();
    addr.send(Cmd::Panic).unwrap();
    let outcome = target.join();
    assert!(outcome.is_panic());
    let late = addr.monitor();
    let down = late.get().expect("an ended actor's monitor is down at once");
    assert!(late.is_down());
    assert_eq!(down.reason(), outcome.reason());
    assert_eq!(down.id(), addr.id());
}

/// The handle's monitor, made after the end but before `join`, is down at once too.
fn a_handle_monitor_made_after_the_end_is_down_at_once(exec) {
    let target = exec.spawn(Target);
    let first = target.monitor();
    target.addr().send(Cmd::Fail).unwrap();
    first.wait_timeout(LONG).expect("the target ends");
    let late = target.monitor();
    assert_eq!(late.get(), first.get());
    assert!(matches!(target.join().reason(), ExitReason::Failed(_)));
}

/// An actor watching another gets exactly one notice of its end.
fn an_actor_watching_another_gets_exactly_one_notice(exec) {
    let (watcher, seen) = spawn_watcher(exec);
    let target = exec.spawn(Target);
    let watcher_addr = watcher.addr();
    watcher_addr.send(WatcherMsg::Watch(target.addr())).unwrap();
    target.addr().send(Cmd::Work).unwrap();
    target.addr().send(Cmd::Close).unwrap();
    let down = seen.recv_timeout(LONG).expect("the watcher learns the end");
    assert_eq!(down.id(), target.id());
    assert_eq!(down.reason(), &ExitReason::Closed);
    assert_eq!(target.join().reason(), &ExitReason::Closed);
    // The target's end is complete: any further notice would be queued by now, ahead of the
    // close.
    watcher_addr.close();
    drop(watcher_addr);
    let downs = watcher.join().into_state().downs;
    assert_eq!(downs.len(), 1, "exactly one notice: {downs:?}");
}

/// An actor that starts watching an actor that had already ended gets exactly one notice, at
/// once.
fn an_actor_watching_an_ended_actor_gets_exactly_one_notice(exec) {
    let target = exec.spawn(Target);
    let addr = target.addr();
    addr.send(Cmd::Stop).unwrap();
    assert_eq!(target.join().reason(), &ExitReason::Stopped);

    let (watcher, seen) = spawn_watcher(exec);
    let watcher_addr = watcher.addr();
    watcher_addr.send(WatcherMsg::Watch(addr.clone())).unwrap();
    let down = seen.recv_timeout(LONG).expect("the notice comes at once");
    assert_eq!(down.id(), addr.id());
    assert_eq!(down.reason(), &ExitReason::Stopped);
    watcher_addr.close();
    drop(watcher_addr);
    let downs = watcher.join().into_state().downs;
    assert_eq!(downs.len(), 1, "exactly one notice: {downs:?}");
}

/// A watcher learns each abnormal reason as a thread does.
fn an_actor_watching_another_learns_panicked_and_failed(exec) {
    let (watcher, seen) = spawn_watcher(exec);
    let watcher_addr = watcher.addr();
    let mut expected = Vec::new();
    for (end, reason) in [
        (Cmd::Panic, ExitReason::Panicked("target gave up".into())),
        (Cmd::Fail, ExitReason::Failed("target failed on purpose".into())),
    ] {
        let target = exec.spawn(Target);
        watcher_addr.send(WatcherMsg::Watch(target.addr())).unwrap();
        target.addr().send(end).unwrap();
        let down = seen.recv_timeout(LONG).expect("a notice of the end");
        assert_eq!(down.id(), target.id());
        assert_eq!(down.reason(), &reason);
        assert_eq!(target.join().reason(), &reason);
        expected.push(reason);
    }
    watcher_addr.close();
    drop(watcher_addr);
    let reasons: Vec<_> = watcher
        .join()
        .into_state()
        .downs
        .into_iter()
        .map(Down::into_reason)
        .collect();
    assert_eq!(reasons, expected, "one notice per watched end");
}

/// The `Down` counts the accepted messages the actor never handled.
fn the_down_counts_what_was_left_undelivered(exec) {
    let target = exec.spawn(Target);
    let monitor = target.monitor();
    let addr = target.addr();
    let (entered_tx, entered_rx) = mpsc::channel();
    let (gate_tx, gate_rx) = mpsc::channel();
    addr.send(Cmd::Hold(entered_tx, gate_rx)).unwrap();
    entered_rx.recv_timeout(LONG).unwrap();
    for _ in 0..3 {
        addr.send(Cmd::Work).unwrap();
    }
    addr.stop();
    gate_tx.send(()).unwrap();
    let down = monitor.wait_timeout(LONG).expect("the target ends");
    assert_eq!(down.reason(), &ExitReason::Stopped);
    assert_eq!(down.undelivered(), 3);
    assert_eq!(target.join().undelivered().len(), 3);
}

/// A closed actor handled everything: its `Down` counts nothing undelivered.
fn a_drained_actor_leaves_nothing_undelivered(exec) {
    let target = exec.spawn(Target);
    let monitor = target.monitor();
    let addr = target.addr();
    for _ in 0..3 {
        addr.send(Cmd::Work).unwrap();
    }
    addr.close();
    let down = monitor.wait_timeout(LONG).expect("the target ends");
    assert_eq!(down.reason(), &ExitReason::Closed);
    assert_eq!(down.undelivered(), 0);
    drop(target.join());
}

/// Neither a monitor nor a watch keeps the watched actor alive: dropping its last address ends
/// it, and the watcher learns it.
fn watching_does_not_keep_the_watched_actor_alive(exec) {
    let (watcher, seen) = spawn_watcher(exec);
    let watcher_addr = watcher.addr();
    let target = exec.spawn(Target);
    let monitor: Monitor = target.monitor();
    watcher_addr.send(WatcherMsg::Watch(target.addr())).unwrap();
    // `join` gives up the handle's address; once the watcher has taken the watch, no address
    // of the target is left.
    let outcome = target.join_timeout(LONG).expect("the target ends with its last address");
    assert_eq!(outcome.reason(), &ExitReason::Closed);
    assert_eq!(monitor.get().map(Down::into_reason), Some(ExitReason::Closed));
    let down = seen.recv_timeout(LONG).expect("the watcher learns the end");
    assert_eq!(down.reason(), &ExitReason::Closed);
    drop(watcher_addr);
    drop(watcher.join());
}
}

/// A pull-style actor's monitor learns its end as well.
#[test]
fn a_thread_learns_the_end_of_a_pull_style_actor() {
    let handle = actor_core::spawn_fn(|inbox: Inbox<u8>| {
        inbox.recv()?;
        Ok(())
    });
    let monitor = handle.monitor();
    handle.addr().send(1).unwrap();
    let down = monitor.wait_timeout(LONG).expect("the actor ends");
    assert_eq!(down.reason(), &ExitReason::Returned);
    assert_eq!(handle.join().reason(), &ExitReason::Returned);
}
