//! Lifecycle contract, registry: actors can be registered and looked up by name with their
//! message type checked; a name is freed when its actor ends (no stale names); a wrong type is an
//! error value.

use std::sync::{Arc, Barrier, Mutex, mpsc};
use std::thread;
use std::time::Duration;

mod common;

use actor_core::{Actor, Context, ExitReason, Monitor, Registry, RegistryError, ReplyTo};
use common::on_every_executor;

/// The upper bound of every wait: generous, never reached when the library works.
const LONG: Duration = Duration::from_secs(10);

enum Msg {
    Add(u32),
    Total(ReplyTo<u32>),
    Panic,
}

/// Adds up what it is sent.
#[derive(Default)]
struct Adder(u32);

impl Actor for Adder {
    type Msg = Msg;
    fn handle(&mut self, msg: Msg, _ctx: &mut Context<Self>) {
        match msg {
            Msg::Add(n) => self.0 += n,
            Msg::Total(port) => {
                let _ = port.reply(self.0);
            }
            Msg::Panic => panic!("adder gave up"),
        }
    }
}

fn not_found(result: Result<actor_core::Addr<Msg>, RegistryError>, name: &str) -> bool {
    matches!(result, Err(RegistryError::NotFound { name: found }) if found == name)
}

on_every_executor! {
/// A registered actor is found by name with its message type, and the address reaches it.
fn a_registered_actor_is_looked_up_by_name_with_its_type(exec) {
    let registry = Registry::new();
    let adder = exec.spawn(Adder::default());
    registry.register("adder", &adder.addr()).unwrap();
    assert_eq!(registry.names(), ["adder"]);
    let found = registry.lookup::<Msg>("adder").unwrap();
    assert!(found.same_actor(&adder.addr()));
    found.send(Msg::Add(2)).unwrap();
    found.send(Msg::Add(3)).unwrap();
    assert_eq!(found.ask_timeout(Msg::Total, LONG).unwrap(), 5);
    assert!(not_found(registry.lookup::<Msg>("nobody"), "nobody"));
    drop(found);
    assert_eq!(adder.join().into_state().0, 5);
}

/// Looking a name up with the wrong message type is an error value naming both types.
fn a_wrong_type_is_an_error_value(exec) {
    let registry = Registry::new();
    let adder = exec.spawn(Adder::default());
    registry.register("adder", &adder.addr()).unwrap();
    match registry.lookup::<String>("adder") {
        Err(RegistryError::WrongType { name, expected, found }) => {
            assert_eq!(name, "adder");
            assert!(expected.contains("String"), "{expected}");
            assert!(found.ends_with("Msg"), "{found}");
        }
        other => panic!("expected WrongType, got {:?}", other.map(|addr| addr.id())),
    }
    assert!(registry.lookup::<Msg>("adder").is_ok(), "the right type still finds it");
    drop(adder.join());
}

/// A name held by a live actor is taken; registering the same actor again is no error.
fn a_name_held_by_a_live_actor_is_taken(exec) {
    let registry = Registry::new();
    let first = exec.spawn(Adder::default());
    let second = exec.spawn(Adder::default());
    registry.register("adder", &first.addr()).unwrap();
    assert_eq!(
        registry.register("adder", &second.addr()),
        Err(RegistryError::NameTaken { name: "adder".into(), holder: first.id() })
    );
    registry.register("adder", &first.addr()).unwrap();
    assert!(registry.lookup::<Msg>("adder").unwrap().same_actor(&first.addr()));
    // A name taken by an actor of another type is taken too.
    let other = exec.spawn(Other);
    assert!(matches!(
        registry.register("adder", &other.addr()),
        Err(RegistryError::NameTaken { .. })
    ));
    drop(other.join());
    drop(second.join());
    drop(first.join());
}

/// A name is freed when its actor ends: the look-up fails, the name is listed no more, and
/// another actor can take it.
fn a_name_is_freed_when_its_actor_ends(exec) {
    let registry = Registry::new();
    for end in [Msg::Panic, Msg::Add(1)] {
        let adder = exec.spawn(Adder::default());
        let addr = adder.addr();
        registry.register("adder", &addr).unwrap();
        match end {
            Msg::Panic => addr.send(Msg::Panic).unwrap(),
            _ => {
                addr.stop();
            }
        }
        drop(addr);
        drop(adder.join());
        assert!(not_found(registry.lookup::<Msg>("adder"), "adder"));
        assert!(registry.names().is_empty());
    }
    let next = exec.spawn(Adder::default());
    registry.register("adder", &next.addr()).expect("the name is free again");
    assert!(registry.lookup::<Msg>("adder").unwrap().same_actor(&next.addr()));
    drop(next.join());
}

/// An actor that no longer accepts messages cannot be registered.
fn an_ended_actor_cannot_be_registered(exec) {
    let registry = Registry::new();
    let adder = exec.spawn(Adder::default());
    let addr = adder.addr();
    addr.close();
    drop(adder.join());
    assert!(matches!(
        registry.register("adder", &addr),
        Err(RegistryError::NotFound { .. })
    ));
    assert!(registry.names().is_empty());
}

/// The registry holds no address that keeps the actor alive: once the last one is dropped the
/// actor drains and ends.
fn the_registry_does_not_keep_an_actor_alive(exec) {
    let registry = Registry::new();
    let adder = exec.spawn(Adder::default());
    registry.register("adder", &adder.addr()).unwrap();
    let outcome = adder.join_timeout(LONG).expect("the actor ends with its last address");
    assert_eq!(outcome.reason(), &ExitReason::Closed);
    assert!(not_found(registry.lookup::<Msg>("adder"), "adder"));
}

/// No stale names: many rounds in which an actor ends while other threads look it up. Once
/// its end is observable (its monitor fired, or `join` returned), a look-up finds nothing.
fn a_lookup_after_the_end_is_observable_finds_nothing(exec) {
    const ROUNDS: usize = 200;
    const LOOKERS: usize = 2;
    let registry = Registry::new();
    let (monitors_tx, monitors_rx) = mpsc::channel::<Monitor>();
    let monitors_rx = Arc::new(Mutex::new(monitors_rx));
    // Each round: every looker takes the round's monitor, then looks up until the end; the next
    // round's actor takes the name only after every looker is done.
    let round_start = Arc::new(Barrier::new(LOOKERS + 1));
    let round_end = Arc::new(Barrier::new(LOOKERS + 1));
    let stale = Arc::new(Mutex::new(Vec::new()));
    let lookers: Vec<_> = (0..LOOKERS)
        .map(|_| {
            let registry = registry.clone();
            let monitors = Arc::clone(&monitors_rx);
            let stale = Arc::clone(&stale);
            let (round_start, round_end) = (Arc::clone(&round_start), Arc::clone(&round_end));
            thread::spawn(move || {
                for round in 0..ROUNDS {
                    let monitor = monitors.lock().unwrap().recv().unwrap();
                    round_start.wait();
                    loop {
                        let ended = monitor.is_down();
                        let found = registry.lookup::<Msg>("racer");
                        if ended {
                            // Recorded, not asserted here: a looker that panicked would
                            // leave the others waiting at the barrier.
                            if let Ok(addr) = found {
                                stale.lock().unwrap().push(format!("round {round}: {addr:?}"));
                            }
                            break;
                        }
                        drop(found);
                        thread::yield_now();
                    }
                    round_end.wait();
                }
            })
        })
        .collect();
    for round in 0..ROUNDS {
        let adder = exec.spawn(Adder::default());
        registry.register("racer", &adder.addr()).unwrap();
        for _ in 0..LOOKERS {
            monitors_tx.send(adder.monitor()).unwrap();
        }
        round_start.wait();
        match round % 3 {
            0 => adder.stop(),
            1 => {
                adder.close();
            }
            _ => adder.addr().send(Msg::Panic).unwrap(),
        }
        drop(adder.join());
        assert!(
            not_found(registry.lookup::<Msg>("racer"), "racer"),
            "round {round}: found after join returned"
        );
        round_end.wait();
    }
    for looker in lookers {
        looker.join().unwrap();
    }
    let stale = stale.lock().unwrap();
    assert!(stale.is_empty(), "found after the end was observable: {stale:?}");
}
}

/// An actor of another message type.
struct Other;

impl Actor for Other {
    type Msg = String;
    fn handle(&mut self, _msg: String, _ctx: &mut Context<Self>) {}
}

/// Unregistering frees a name at once, while the actor runs on.
#[test]
fn unregister_frees_the_name() {
    let registry = Registry::new();
    let adder = actor_core::spawn(Adder::default());
    registry.register("adder", &adder.addr()).unwrap();
    assert!(registry.unregister("adder"));
    assert!(!registry.unregister("adder"));
    assert!(not_found(registry.lookup::<Msg>("adder"), "adder"));
    let other = actor_core::spawn(Other);
    registry.register("adder", &other.addr()).unwrap();
    assert!(registry.lookup::<String>("adder").is_ok());
    adder.addr().send(Msg::Add(1)).unwrap();
    assert_eq!(adder.join().into_state().0, 1, "the actor ran on");
    drop(other.join());
}

/// Clones of a registry share one table; separate registries do not.
#[test]
fn clones_share_a_registry_and_separate_ones_do_not() {
    let registry = Registry::new();
    let clone = registry.clone();
    let separate = Registry::new();
    let adder = actor_core::spawn(Adder::default());
    registry.register("adder", &adder.addr()).unwrap();
    assert!(clone.lookup::<Msg>("adder").is_ok());
    assert!(not_found(separate.lookup::<Msg>("adder"), "adder"));
    drop(adder.join());
}

/// The process-wide registry frees names at the end too.
#[test]
fn the_global_registry_frees_a_name_when_its_actor_ends() {
    let name = "lifecycle_registry::the_global_registry";
    let adder = actor_core::spawn(Adder::default());
    Registry::global().register(name, &adder.addr()).unwrap();
    assert!(Registry::global().lookup::<Msg>(name).is_ok());
    drop(adder.join());
    assert!(not_found(Registry::global().lookup::<Msg>(name), name));
}
