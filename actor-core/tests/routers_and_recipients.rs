//! Recipients and routers: a recipient of one type wraps each message into its actor's enum and
//! keeps what an address gives (back-pressure, the message back on a refusal, liveness); a router
//! spreads messages over a group by round robin, key or load, takes members in and out at run
//! time, drops members that have ended, and follows a supervisor's children.

use std::sync::mpsc;
use std::time::Duration;

mod common;

use actor_core::{
    Actor, ChildSpec, Context, ExitReason, Mailbox, Recipient, RouteBy, Router, SendError,
    Strategy, Supervisor, TrySendError, recipient,
};
use common::on_every_executor;

const LONG: Duration = Duration::from_secs(10);

enum Msg {
    Text(String),
    Number(u32),
    /// Blocks the handler until the test opens the gate.
    Hold(mpsc::Sender<()>, mpsc::Receiver<()>),
}

#[derive(Default)]
struct Log(Vec<String>);

impl Actor for Log {
    type Msg = Msg;
    fn handle(&mut self, msg: Msg, _ctx: &mut Context<Self>) {
        match msg {
            Msg::Text(text) => self.0.push(text),
            Msg::Number(n) => self.0.push(n.to_string()),
            Msg::Hold(entered, gate) => {
                let _ = entered.send(());
                let _ = gate.recv_timeout(LONG);
            }
        }
    }
}

on_every_executor! {
/// A recipient wraps each value into the actor's enum, in order with the actor's other messages.
fn a_recipient_wraps_each_value_into_the_actors_message(exec) {
    let log = exec.spawn(Log::default());
    let texts: Recipient<String> = recipient!(log.addr(), Msg::Text);
    let numbers: Recipient<u32> = recipient!(log.addr(), Msg::Number);
    texts.send("a".into()).unwrap();
    numbers.send(1).unwrap();
    texts.send("b".into()).unwrap();
    assert_eq!(texts.id(), log.id());
    drop((texts, numbers));
    assert_eq!(log.join().into_state().0, ["a", "1", "b"]);
}

/// A refused send through a recipient hands back the value itself, and a closed actor is seen
/// as gone.
fn a_recipient_hands_the_value_back_when_refused(exec) {
    let log = exec.builder().mailbox(Mailbox::Bounded(1)).spawn(Log::default()).unwrap();
    let texts = recipient!(log.addr(), Msg::Text);
    let (entered_tx, entered) = mpsc::channel();
    let (open, gate) = mpsc::channel();
    log.addr().send(Msg::Hold(entered_tx, gate)).unwrap();
    entered.recv_timeout(LONG).unwrap();
    texts.try_send("fills".into()).unwrap();
    match texts.try_send("no room".into()) {
        Err(TrySendError::Full(back)) => assert_eq!(back, "no room"),
        other => panic!("expected Full, got {other:?}"),
    }
    assert!(matches!(
        texts.send_timeout("still no room".into(), Duration::from_millis(10)),
        Err(actor_core::SendTimeoutError::Timeout(back)) if back == "still no room"
    ));
    open.send(()).unwrap();
    log.close();
    assert!(log.join().into_state().0.contains(&"fills".to_string()));
    assert!(!texts.is_alive());
    assert_eq!(texts.send("late".into()).unwrap_err(), SendError("late".to_string()));
}

/// A recipient is an address: it keeps its actor alive until the last one is dropped.
fn a_recipient_keeps_its_actor_alive(exec) {
    let log = exec.spawn(Log::default());
    let texts = recipient!(log.addr(), Msg::Text);
    let log = match log.join_timeout(Duration::from_millis(20)) {
        Err(log) => log,
        Ok(_) => panic!("the actor ended while a recipient of it lived"),
    };
    texts.send("still here".into()).unwrap();
    drop(texts);
    assert_eq!(log.join().into_state().0, ["still here"]);
}

/// Round robin gives each member its turn.
fn a_round_robin_router_gives_each_member_its_turn(exec) {
    let members: Vec<_> = (0..3).map(|_| exec.spawn(Log::default())).collect();
    let router = Router::round_robin(members.iter().map(|m| m.addr()).collect());
    for n in 0..9 {
        router.send(Msg::Number(n)).unwrap();
    }
    drop(router);
    let logs: Vec<Vec<String>> = members.into_iter().map(|m| m.join().into_state().0).collect();
    assert_eq!(logs, [["0", "3", "6"], ["1", "4", "7"], ["2", "5", "8"]]);
}

/// A sticky router sends every message with the same key to the same member.
fn a_sticky_router_keeps_a_key_on_one_member(exec) {
    let members: Vec<_> = (0..4).map(|_| exec.spawn(Log::default())).collect();
    let router = Router::sticky(members.iter().map(|m| m.addr()).collect(), |msg: &Msg| {
        match msg {
            Msg::Text(text) => text.chars().next(),
            _ => None,
        }
    });
    for word in ["apple", "banana", "avocado", "blueberry", "cherry", "apricot"] {
        router.send(Msg::Text(word.into())).unwrap();
    }
    drop(router);
    let logs: Vec<Vec<String>> = members.into_iter().map(|m| m.join().into_state().0).collect();
    for initial in ['a', 'b', 'c'] {
        let holders = logs
            .iter()
            .filter(|log| log.iter().any(|word| word.starts_with(initial)))
            .count();
        assert_eq!(holders, 1, "key {initial} went to {holders} members: {logs:?}");
    }
    assert_eq!(logs.iter().map(Vec::len).sum::<usize>(), 6);
}

/// A least-loaded router avoids a member whose mailbox is backed up.
fn a_least_loaded_router_avoids_a_busy_member(exec) {
    let busy = exec.spawn(Log::default());
    let idle = exec.spawn(Log::default());
    let (entered_tx, entered) = mpsc::channel();
    let (open, gate) = mpsc::channel();
    busy.addr().send(Msg::Hold(entered_tx, gate)).unwrap();
    entered.recv_timeout(LONG).unwrap();
    for n in 0..3 {
        busy.addr().send(Msg::Number(100 + n)).unwrap();
    }
    let router = Router::least_loaded(vec![busy.addr(), idle.addr()]);
    for n in 0..3 {
        router.send(Msg::Number(n)).unwrap();
    }
    open.send(()).unwrap();
    drop(router);
    assert_eq!(idle.join().into_state().0, ["0", "1", "2"]);
    assert_eq!(busy.join().into_state().0, ["100", "101", "102"]);
}

/// Members join and leave at run time; a member that has ended is dropped and its message goes
/// to another; with no member left the message comes back.
fn a_router_takes_members_in_and_out_and_drops_ended_ones(exec) {
    let a = exec.spawn(Log::default());
    let b = exec.spawn(Log::default());
    let router = Router::round_robin(vec![a.addr()]);
    router.add(b.addr());
    assert_eq!(router.len(), 2);
    assert!(router.remove(&a.addr()));
    assert!(!router.remove(&a.addr()));
    router.send(Msg::Number(1)).unwrap();
    router.add(a.addr());
    b.addr().close();
    let b_log = b.join().into_state().0;
    assert_eq!(b_log, ["1"]);
    for n in 2..4 {
        router.send(Msg::Number(n)).unwrap();
    }
    assert_eq!(router.len(), 1, "the ended member was dropped");
    a.addr().close();
    assert_eq!(a.join().into_state().0, ["2", "3"]);
    match router.send(Msg::Number(9)) {
        Err(SendError(Msg::Number(9))) => {}
        _ => panic!("with no member left the message comes back"),
    }
}

/// A router over a supervisor's children keeps working across restarts of its members.
fn a_router_over_supervised_members_survives_their_restarts(exec) {
    struct Fragile(mpsc::Sender<u32>);
    impl Actor for Fragile {
        type Msg = u32;
        fn handle(&mut self, n: u32, ctx: &mut Context<Self>) {
            if n == 0 {
                ctx.stop(); // ends the run: the supervisor starts this child anew
                return;
            }
            assert!(n % 5 != 0, "multiples of five break it");
            let _ = self.0.send(n);
        }
    }
    let (seen_tx, seen) = mpsc::channel();
    let mut spec = Supervisor::new(Strategy::OneForOne).intensity(100, Duration::from_secs(60));
    for i in 0..3 {
        let seen_tx = seen_tx.clone();
        spec = spec.child(ChildSpec::new(format!("m{i}"), move || Fragile(seen_tx.clone())));
    }
    let supervisor = spec.spawn(exec.builder()).unwrap();
    let router = supervisor.router::<u32>(RouteBy::RoundRobin);
    assert_eq!(router.len(), 3);
    for n in 1..=20 {
        router.send(n).unwrap();
    }
    let mut got: Vec<u32> = (0..16).map(|_| seen.recv_timeout(LONG).unwrap()).collect();
    got.sort_unstable();
    let expected: Vec<u32> = (1..=20).filter(|n| n % 5 != 0).collect();
    assert_eq!(got, expected);
    drop(router);
    supervisor.close();
    assert_eq!(supervisor.join().reason(), &ExitReason::Closed);
}
}
