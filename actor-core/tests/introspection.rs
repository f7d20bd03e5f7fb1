//! Introspection as data: the live actors of the process, of a pool and of a system, each with
//! its id, name, executor, mailbox depth, handled count and state; an actor that has ended is no
//! longer listed.

use std::sync::mpsc;
use std::time::Duration;

mod common;

use actor_core::{Actor, ActorInfo, ActorState, Context, System, Where};
use common::{Exec, on_every_executor};

const LONG: Duration = Duration::from_secs(10);

enum Msg {
    Work,
    /// Signals that it is being handled, then waits until the gate opens.
    Hold(mpsc::Sender<()>, mpsc::Receiver<()>),
}

/// Can hold its `started` and `stopped` hooks at a gate, so a test can look at those states.
#[derive(Default)]
struct Gated {
    at_start: Option<Held>,
    at_stop: Option<Held>,
}

fn hold(gate: Option<Held>) {
    if let Some((entered, open)) = gate {
        let _ = entered.send(());
        let _ = open.recv_timeout(LONG);
    }
}

impl Actor for Gated {
    type Msg = Msg;
    fn started(&mut self, _ctx: &mut Context<Self>) {
        hold(self.at_start.take());
    }
    fn handle(&mut self, msg: Msg, _ctx: &mut Context<Self>) {
        if let Msg::Hold(entered, open) = msg {
            hold(Some((entered, open)));
        }
    }
    fn stopped(&mut self, _reason: &actor_core::ExitReason) {
        hold(self.at_stop.take());
    }
}

fn find(id: actor_core::ActorId) -> Option<ActorInfo> {
    actor_core::actors().into_iter().find(|info| info.id == id)
}

/// What a held hook keeps: where it says it arrived, and where it waits.
type Held = (mpsc::Sender<()>, mpsc::Receiver<()>);

/// A gate: what the hook holds, where the test learns it arrived, and how the test opens it.
fn gate() -> (Held, mpsc::Receiver<()>, mpsc::Sender<()>) {
    let (entered_tx, entered) = mpsc::channel();
    let (open, open_rx) = mpsc::channel();
    ((entered_tx, open_rx), entered, open)
}

on_every_executor! {
/// The process-wide list shows each live actor with where it runs, its mailbox depth, what it
/// has handled and its state, from starting through running to stopping; then it is gone.
fn the_process_lists_each_live_actor_with_its_numbers_and_state(exec) {
    let (at_start, started, open_start) = gate();
    let (at_stop, stopping, open_stop) = gate();
    let handle = exec
        .builder()
        .name("inspected")
        // Bounded, so a pooled reader takes one message at a time and the depth is exact.
        .mailbox(actor_core::Mailbox::Bounded(10))
        .spawn(Gated { at_start: Some(at_start), at_stop: Some(at_stop) })
        .unwrap();
    started.recv_timeout(LONG).unwrap();
    let info = find(handle.id()).expect("a starting actor is listed");
    assert_eq!(info.name, "inspected");
    assert_eq!(info.state, ActorState::Starting);
    match exec {
        Exec::Thread => assert_eq!(info.runs_on, Where::Thread),
        Exec::Pool => assert_eq!(info.runs_on, Where::Pool("test-pool".into())),
    }
    let addr = handle.addr();
    for _ in 0..3 {
        addr.send(Msg::Work).unwrap();
    }
    let (hold_gate, holding, open_hold) = gate();
    addr.send(Msg::Hold(hold_gate.0, hold_gate.1)).unwrap();
    addr.send(Msg::Work).unwrap();
    assert_eq!(find(handle.id()).unwrap().mailbox_len, 5);
    open_start.send(()).unwrap();
    holding.recv_timeout(LONG).unwrap();
    let info = find(handle.id()).unwrap();
    assert_eq!(info.state, ActorState::Running);
    assert_eq!(info.handled, 3);
    assert_eq!(info.mailbox_len, 1);
    open_hold.send(()).unwrap();
    addr.close();
    stopping.recv_timeout(LONG).unwrap();
    let info = find(handle.id()).unwrap();
    assert_eq!(info.state, ActorState::Stopping);
    assert_eq!(info.handled, 5);
    open_stop.send(()).unwrap();
    let id = handle.id();
    let monitor = handle.monitor();
    monitor.wait_timeout(LONG).expect("the closed actor ends");
    // Ended: no longer listed, even while its handle is still held.
    assert!(find(id).is_none());
    drop(handle.join());
    assert!(find(id).is_none());
}

/// A system lists its own live actors, in order of start.
fn a_system_lists_its_actors_in_order_of_start(exec) {
    let system = System::new("inspect");
    let names = ["first", "second", "third"];
    let handles: Vec<_> = names
        .iter()
        .map(|name| {
            let builder = match exec {
                Exec::Thread => system.builder(),
                Exec::Pool => system.builder().pool(common::pool()),
            };
            builder.name(*name).spawn(Gated::default()).unwrap()
        })
        .collect();
    let listed: Vec<String> = system.list().into_iter().map(|info| info.name).collect();
    assert_eq!(listed, names);
    handles[1].close();
    let second = handles[1].id();
    let monitor = handles[1].monitor();
    monitor.wait_timeout(LONG).expect("the closed actor ends");
    let report = system.shutdown();
    assert!(report.all_ended());
    assert!(system.list().is_empty());
    assert!(find(second).is_none());
    for handle in handles {
        drop(handle.join());
    }
}
}
