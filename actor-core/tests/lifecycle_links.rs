//! Lifecycle contract, links: linked actors learn of each other's abnormal exit; by default it
//! ends them too (Erlang's exit propagation); an actor can choose to receive it as a notice
//! instead.

use std::sync::mpsc;
use std::time::Duration;

mod common;

use actor_core::{Actor, ActorHandle, Addr, Context, Down, ExitReason, Monitor};
use common::{Exec, on_every_executor};

/// The upper bound of every wait: generous, never reached when the library works.
const LONG: Duration = Duration::from_secs(10);

enum Msg {
    /// Links to the actor and acknowledges.
    Link(Addr<Msg>, mpsc::Sender<()>),
    /// From now on, linked exits arrive as `Exit` notices.
    Trap(mpsc::Sender<()>),
    /// Signals that it is handling this message, then waits until the gate opens.
    Hold(mpsc::Sender<()>, mpsc::Receiver<()>),
    /// Answers, to show the actor still runs.
    Ping(mpsc::Sender<()>),
    Close,
    Stop,
    Panic,
    Fail,
    /// A trapped linked exit.
    Exit(Down),
}

/// Either side of a link.
struct Peer {
    /// Trapped exits, in the order they came.
    exits: Vec<Down>,
    exits_seen: Option<mpsc::Sender<Down>>,
    pings: usize,
}

impl Peer {
    fn new() -> Peer {
        Peer {
            exits: Vec::new(),
            exits_seen: None,
            pings: 0,
        }
    }

    /// A peer that reports each trapped exit on `seen`.
    fn reporting(seen: mpsc::Sender<Down>) -> Peer {
        Peer {
            exits_seen: Some(seen),
            ..Peer::new()
        }
    }
}

impl Actor for Peer {
    type Msg = Msg;
    fn handle(&mut self, msg: Msg, ctx: &mut Context<Self>) {
        match msg {
            Msg::Link(other, ack) => {
                ctx.link(&other);
                let _ = ack.send(());
            }
            Msg::Trap(ack) => {
                ctx.trap_exits(Msg::Exit);
                let _ = ack.send(());
            }
            Msg::Hold(entered, gate) => {
                entered.send(()).unwrap();
                gate.recv().unwrap();
            }
            Msg::Ping(reply) => {
                self.pings += 1;
                let _ = reply.send(());
            }
            Msg::Close => ctx.close(),
            Msg::Stop => ctx.stop(),
            Msg::Panic => panic!("peer panicked"),
            Msg::Fail => ctx.fail("peer failed"),
            Msg::Exit(down) => {
                self.exits.push(down.clone());
                if let Some(seen) = &self.exits_seen {
                    let _ = seen.send(down);
                }
            }
        }
    }
}

fn spawn_named(exec: Exec, name: &str, peer: Peer) -> ActorHandle<Peer> {
    exec.builder().name(name).spawn(peer).unwrap()
}

/// Has `linker` link to `linked` and waits until it has.
fn link(linker: &Addr<Msg>, linked: &Addr<Msg>) {
    let (ack_tx, ack_rx) = mpsc::channel();
    linker.send(Msg::Link(linked.clone(), ack_tx)).unwrap();
    ack_rx.recv_timeout(LONG).expect("the link is made");
}

fn trap(peer: &Addr<Msg>) {
    let (ack_tx, ack_rx) = mpsc::channel();
    peer.send(Msg::Trap(ack_tx)).unwrap();
    ack_rx.recv_timeout(LONG).expect("exits are trapped");
}

/// Waits until the peer has handled everything sent before.
fn ping(peer: &Addr<Msg>) {
    let (reply_tx, reply_rx) = mpsc::channel();
    peer.send(Msg::Ping(reply_tx)).unwrap();
    reply_rx.recv_timeout(LONG).expect("the peer still runs");
}

/// Which side of the link ends first.
#[derive(Clone, Copy)]
enum FirstToEnd {
    TheLinkedActor,
    TheLinker,
}

/// Links two peers, ends `first` with `end`, and returns both outcomes: the first one's and
/// the other one's. Each end is observed through a monitor, with an address of each held, so
/// that only the link can end the other one.
fn end_one_of_two(exec: Exec, first: FirstToEnd, end: Msg) -> (ExitReason, ExitReason, String) {
    let linker = spawn_named(exec, "linker", Peer::new());
    let linked = spawn_named(exec, "linked", Peer::new());
    let (linker_addr, linked_addr) = (linker.addr(), linked.addr());
    link(&linker_addr, &linked_addr);
    let (ends, other, other_monitor, ends_name): (_, _, Monitor, _) = match first {
        FirstToEnd::TheLinkedActor => (linked, linker, linker_addr.monitor(), "linked"),
        FirstToEnd::TheLinker => (linker, linked, linked_addr.monitor(), "linker"),
    };
    ends.addr().send(end).unwrap();
    let other_down = other_monitor
        .wait_timeout(LONG)
        .expect("the abnormal end travels along the link");
    let first_reason = ends.join().reason().clone();
    let other_reason = other.join().reason().clone();
    assert_eq!(other_down.reason(), &other_reason);
    (first_reason, other_reason, ends_name.to_owned())
}

fn assert_failed_because_of(reason: &ExitReason, first: &str, first_reason: &ExitReason) {
    match reason {
        ExitReason::Failed(why) => {
            assert!(why.contains(first), "the failure names {first}: {why}");
            assert!(
                why.contains(&first_reason.to_string()),
                "the failure says how {first} ended: {why}"
            );
        }
        other => panic!("expected Failed, got {other:?}"),
    }
}

on_every_executor! {
/// A panic of the linked actor ends the actor that linked to it, with `Failed`.
fn a_panic_of_the_linked_actor_ends_the_linker(exec) {
    let (first, other, name) = end_one_of_two(exec, FirstToEnd::TheLinkedActor, Msg::Panic);
    assert_eq!(first, ExitReason::Panicked("peer panicked".into()));
    assert_failed_because_of(&other, &name, &first);
}

/// A link goes both ways: a panic of the actor that linked ends the linked one.
fn a_panic_of_the_linker_ends_the_linked_actor(exec) {
    let (first, other, name) = end_one_of_two(exec, FirstToEnd::TheLinker, Msg::Panic);
    assert!(first.is_panic());
    assert_failed_because_of(&other, &name, &first);
}

/// `Context::fail` is abnormal: it travels along the link.
fn a_failure_of_the_linked_actor_ends_the_linker(exec) {
    let (first, other, name) = end_one_of_two(exec, FirstToEnd::TheLinkedActor, Msg::Fail);
    assert_eq!(first, ExitReason::Failed("peer failed".into()));
    assert_failed_because_of(&other, &name, &first);
}

/// A failure of the actor that linked ends the linked one.
fn a_failure_of_the_linker_ends_the_linked_actor(exec) {
    let (first, other, name) = end_one_of_two(exec, FirstToEnd::TheLinker, Msg::Fail);
    assert_eq!(first, ExitReason::Failed("peer failed".into()));
    assert_failed_because_of(&other, &name, &first);
}

/// The actor ended by a link finishes the message it is handling; what is queued behind it is
/// not handled and comes back to the joiner.
fn a_linked_exit_lets_the_current_message_finish_and_hands_back_the_rest(exec) {
    let linker = spawn_named(exec, "linker", Peer::new());
    let linked = spawn_named(exec, "linked", Peer::new());
    let linker_addr = linker.addr();
    link(&linker_addr, &linked.addr());
    let (entered_tx, entered_rx) = mpsc::channel();
    let (gate_tx, gate_rx) = mpsc::channel();
    linker_addr.send(Msg::Hold(entered_tx, gate_rx)).unwrap();
    entered_rx.recv_timeout(LONG).unwrap();
    let (reply_tx, _reply_rx) = mpsc::channel();
    linker_addr.send(Msg::Ping(reply_tx.clone())).unwrap();
    linker_addr.send(Msg::Ping(reply_tx)).unwrap();
    linked.addr().send(Msg::Panic).unwrap();
    // The linked actor's end is complete once its join returns: the link has fired.
    assert!(linked.join().is_panic());
    gate_tx.send(()).unwrap();
    let outcome = linker.join();
    assert!(matches!(outcome.reason(), ExitReason::Failed(_)), "{:?}", outcome.reason());
    assert_eq!(outcome.undelivered().len(), 2, "the queued pings come back");
    assert_eq!(outcome.state().pings, 0);
    drop(linker_addr);
}

/// A normal end (close, stop) of either side does not travel along the link.
fn a_normal_exit_does_not_travel_along_a_link(exec) {
    for (end, reason) in [(Msg::Close, ExitReason::Closed), (Msg::Stop, ExitReason::Stopped)] {
        for first in [FirstToEnd::TheLinkedActor, FirstToEnd::TheLinker] {
            let linker = spawn_named(exec, "linker", Peer::new());
            let linked = spawn_named(exec, "linked", Peer::new());
            link(&linker.addr(), &linked.addr());
            let (ends, other) = match first {
                FirstToEnd::TheLinkedActor => (linked, linker),
                FirstToEnd::TheLinker => (linker, linked),
            };
            ends.addr().send(end_copy(&end)).unwrap();
            // Its join returns once its end is complete, links included.
            assert_eq!(ends.join().reason(), &reason);
            let other_addr = other.addr();
            ping(&other_addr);
            other_addr.close();
            drop(other_addr);
            let outcome = other.join();
            assert_eq!(outcome.reason(), &ExitReason::Closed, "the other one ran on");
            assert_eq!(outcome.state().pings, 1);
        }
    }
}

/// An actor that traps exits gets a linked actor's abnormal end as a notice and runs on.
fn trapping_exits_turns_a_linked_exit_into_a_notice(exec) {
    let (seen_tx, seen_rx) = mpsc::channel();
    let trapper = spawn_named(exec, "trapper", Peer::reporting(seen_tx));
    let linked = spawn_named(exec, "linked", Peer::new());
    let trapper_addr = trapper.addr();
    trap(&trapper_addr);
    link(&trapper_addr, &linked.addr());
    linked.addr().send(Msg::Panic).unwrap();
    let down = seen_rx.recv_timeout(LONG).expect("the trapped exit arrives as a notice");
    assert_eq!(down.id(), linked.id());
    assert_eq!(down.name(), "linked");
    assert_eq!(down.reason(), &ExitReason::Panicked("peer panicked".into()));
    assert!(linked.join().is_panic());
    ping(&trapper_addr);
    trapper_addr.close();
    drop(trapper_addr);
    let outcome = trapper.join();
    assert_eq!(outcome.reason(), &ExitReason::Closed, "the trapper ran on");
    assert_eq!(outcome.state().exits.len(), 1, "exactly one notice");
}

/// Trapping applies also to links made before it, and to a failure as to a panic.
fn trapping_exits_applies_to_links_made_before(exec) {
    let (seen_tx, seen_rx) = mpsc::channel();
    let trapper = spawn_named(exec, "trapper", Peer::reporting(seen_tx));
    let linked = spawn_named(exec, "linked", Peer::new());
    let trapper_addr = trapper.addr();
    link(&trapper_addr, &linked.addr());
    trap(&trapper_addr);
    linked.addr().send(Msg::Fail).unwrap();
    let down = seen_rx.recv_timeout(LONG).expect("the trapped exit arrives as a notice");
    assert_eq!(down.reason(), &ExitReason::Failed("peer failed".into()));
    drop(linked.join());
    ping(&trapper_addr);
    trapper_addr.close();
    drop(trapper_addr);
    assert_eq!(trapper.join().reason(), &ExitReason::Closed);
}

/// A trapping actor does not learn of a linked actor's normal end.
fn a_trapping_actor_gets_no_notice_of_a_normal_exit(exec) {
    let (seen_tx, seen_rx) = mpsc::channel();
    let trapper = spawn_named(exec, "trapper", Peer::reporting(seen_tx));
    let linked = spawn_named(exec, "linked", Peer::new());
    let trapper_addr = trapper.addr();
    trap(&trapper_addr);
    link(&trapper_addr, &linked.addr());
    linked.addr().send(Msg::Close).unwrap();
    assert_eq!(linked.join().reason(), &ExitReason::Closed);
    trapper_addr.close();
    drop(trapper_addr);
    let outcome = trapper.join();
    assert_eq!(outcome.reason(), &ExitReason::Closed);
    assert!(outcome.state().exits.is_empty());
    assert!(seen_rx.try_recv().is_err());
}

/// Linking to an actor that has already ended abnormally ends the linker at once.
fn linking_to_an_already_failed_actor_ends_the_linker(exec) {
    for end in [Msg::Panic, Msg::Fail] {
        let dead = spawn_named(exec, "dead", Peer::new());
        let dead_addr = dead.addr();
        dead_addr.send(end).unwrap();
        let dead_reason = dead.join().reason().clone();
        assert!(dead_reason.is_abnormal());

        let linker = spawn_named(exec, "linker", Peer::new());
        let linker_addr = linker.addr();
        let monitor = linker_addr.monitor();
        link(&linker_addr, &dead_addr);
        let down = monitor.wait_timeout(LONG).expect("the linker learns it at once");
        assert_failed_because_of(down.reason(), "dead", &dead_reason);
        drop(linker_addr);
        assert_eq!(linker.join().reason(), down.reason());
    }
}

/// Linking to an actor that has already ended normally changes nothing.
fn linking_to_an_actor_that_ended_normally_changes_nothing(exec) {
    let done = spawn_named(exec, "done", Peer::new());
    let done_addr = done.addr();
    done_addr.send(Msg::Stop).unwrap();
    assert_eq!(done.join().reason(), &ExitReason::Stopped);
    let linker = spawn_named(exec, "linker", Peer::new());
    let linker_addr = linker.addr();
    link(&linker_addr, &done_addr);
    ping(&linker_addr);
    linker_addr.close();
    drop(linker_addr);
    assert_eq!(linker.join().reason(), &ExitReason::Closed);
}

/// A trapping actor that links to an actor that had already failed gets the notice at once.
fn a_trapping_actor_linking_to_a_failed_actor_gets_a_notice(exec) {
    let dead = spawn_named(exec, "dead", Peer::new());
    let dead_addr = dead.addr();
    dead_addr.send(Msg::Panic).unwrap();
    assert!(dead.join().is_panic());
    let (seen_tx, seen_rx) = mpsc::channel();
    let trapper = spawn_named(exec, "trapper", Peer::reporting(seen_tx));
    let trapper_addr = trapper.addr();
    trap(&trapper_addr);
    link(&trapper_addr, &dead_addr);
    let down = seen_rx.recv_timeout(LONG).expect("a notice at once");
    assert_eq!(down.id(), dead_addr.id());
    assert!(down.reason().is_panic());
    ping(&trapper_addr);
    trapper_addr.close();
    drop(trapper_addr);
    assert_eq!(trapper.join().reason(), &ExitReason::Closed);
}

/// An abnormal end travels along a chain of links, one hop at a time.
fn an_abnormal_exit_travels_along_a_chain_of_links(exec) {
    let first = spawn_named(exec, "first", Peer::new());
    let middle = spawn_named(exec, "middle", Peer::new());
    let last = spawn_named(exec, "last", Peer::new());
    let last_monitor = last.monitor();
    link(&middle.addr(), &first.addr());
    link(&last.addr(), &middle.addr());
    first.addr().send(Msg::Panic).unwrap();
    let down = last_monitor.wait_timeout(LONG).expect("the end reaches the last one");
    match down.reason() {
        ExitReason::Failed(why) => assert!(why.contains("middle"), "{why}"),
        other => panic!("expected Failed, got {other:?}"),
    }
    assert!(first.join().is_panic());
    assert!(matches!(middle.join().reason(), ExitReason::Failed(_)));
    assert_eq!(last.join().reason(), down.reason());
}
}

/// The ending messages again (they carry no data).
fn end_copy(end: &Msg) -> Msg {
    match end {
        Msg::Close => Msg::Close,
        Msg::Stop => Msg::Stop,
        Msg::Panic => Msg::Panic,
        Msg::Fail => Msg::Fail,
        _ => unreachable!("only ends are copied"),
    }
}
