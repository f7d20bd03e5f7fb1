//! Contract 9: `ActorHandle::wait_started()` returns once the `started` hook has run (the recipe's
//! started `Event`).

use std::sync::{Arc, Mutex, mpsc};
use std::time::Duration;

mod common;

use actor_core::{Actor, Context};
use common::on_every_executor;

struct Slow {
    gate: mpsc::Receiver<()>,
    log: Arc<Mutex<Vec<&'static str>>>,
}

impl Actor for Slow {
    type Msg = ();
    fn started(&mut self, _ctx: &mut Context<Self>) {
        self.gate.recv().unwrap();
        self.log.lock().unwrap().push("started hook");
    }
    fn handle(&mut self, _msg: (), _ctx: &mut Context<Self>) {}
}

on_every_executor! {
fn wait_started_returns_after_the_started_hook(exec) {
    let log = Arc::new(Mutex::new(Vec::new()));
    let (gate_tx, gate_rx) = mpsc::channel();
    let handle = exec.spawn(Slow {
        gate: gate_rx,
        log: Arc::clone(&log),
    });
    assert_eq!(
        handle.wait_started_timeout(Duration::from_millis(20)),
        None,
        "the hook waits at its gate, so the actor has not started"
    );
    gate_tx.send(()).unwrap();
    assert!(handle.wait_started());
    log.lock().unwrap().push("wait_started returned");
    assert_eq!(
        *log.lock().unwrap(),
        ["started hook", "wait_started returned"]
    );
    assert_eq!(handle.wait_started_timeout(Duration::ZERO), Some(true));
}
}

#[test]
fn wait_started_for_pull_style_actors() {
    let handle = actor_core::spawn_fn(|inbox: actor_core::Inbox<()>| {
        loop {
            inbox.recv()?;
        }
    });
    assert!(handle.wait_started());
}
