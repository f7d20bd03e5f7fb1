//! Contract 6: `join` returns only after the actor's thread has ended and its `stopped` hook has
//! run, with the exit reason and the final state; `join_timeout` gives the handle back while the
//! actor runs; dropping the handle detaches (the actor runs on and ends as usual).

use std::sync::mpsc;
use std::time::Duration;

mod common;

use actor_core::{Actor, Context, ExitReason, Inbox};
use common::on_every_executor;

struct Hooked {
    stopped_ran: bool,
    handled: u32,
}

impl Actor for Hooked {
    type Msg = ();
    fn handle(&mut self, _msg: (), _ctx: &mut Context<Self>) {
        self.handled += 1;
    }
    fn stopped(&mut self, _reason: &ExitReason) {
        self.stopped_ran = true;
    }
}

on_every_executor! {
fn join_returns_after_the_thread_ended(exec) {
    let handle = exec.spawn(Hooked {
        stopped_ran: false,
        handled: 0,
    });
    let addr = handle.addr();
    addr.send(()).unwrap();
    addr.send(()).unwrap();
    addr.close();
    let outcome = handle.join();
    assert_eq!(outcome.reason(), &ExitReason::Closed);
    let state = outcome.into_state();
    assert!(
        state.stopped_ran,
        "the stopped hook ran before join returned"
    );
    assert_eq!(state.handled, 2);
    assert!(!addr.is_alive());
}

/// `join_timeout` hands the handle back while a handler-style actor still runs, and `is_finished`
/// turns true only after the end.
fn join_timeout_hands_the_handle_back_while_a_handler_runs(exec) {
    /// Waits at a gate inside its first message.
    struct Waiter(mpsc::Receiver<()>);
    impl Actor for Waiter {
        type Msg = ();
        fn handle(&mut self, _msg: (), ctx: &mut Context<Self>) {
            self.0.recv().ok();
            ctx.close();
        }
    }
    let (gate_tx, gate_rx) = mpsc::channel::<()>();
    let handle = exec.spawn(Waiter(gate_rx));
    handle.addr().send(()).unwrap();
    let handle = handle
        .join_timeout(Duration::from_millis(20))
        .expect_err("the actor waits at its gate, so it cannot have ended");
    assert!(!handle.is_finished());
    gate_tx.send(()).unwrap();
    let outcome = handle
        .join_timeout(Duration::from_secs(30))
        .expect("the gate is open, the actor ends");
    assert_eq!(outcome.reason(), &ExitReason::Closed);
}
}

#[test]
fn join_timeout_hands_the_handle_back_while_running() {
    let (gate_tx, gate_rx) = mpsc::channel::<()>();
    let handle = actor_core::spawn_fn(move |_inbox: Inbox<()>| {
        gate_rx.recv().ok();
        Ok(())
    });
    let handle = handle
        .join_timeout(Duration::from_millis(20))
        .expect_err("the actor waits at its gate, so it cannot have ended");
    assert!(!handle.is_finished());
    gate_tx.send(()).unwrap();
    let outcome = handle
        .join_timeout(Duration::from_secs(30))
        .expect("the gate is open, the actor returns");
    assert_eq!(outcome.reason(), &ExitReason::Returned);
}

#[test]
fn is_finished_turns_true_after_the_end() {
    let handle = actor_core::spawn_fn(|inbox: Inbox<()>| {
        inbox.recv()?;
        Ok(())
    });
    assert!(!handle.is_finished());
    handle.addr().send(()).unwrap();
    let (done_tx, done_rx) = mpsc::channel();
    let handle = std::thread::spawn(move || {
        let outcome = handle.join();
        done_tx.send(outcome.reason().clone()).unwrap();
    });
    assert_eq!(
        done_rx.recv_timeout(Duration::from_secs(30)).unwrap(),
        ExitReason::Returned
    );
    handle.join().unwrap();
}

/// Reports each handled message and its end through channels, for an actor nobody joins.
struct Reporting {
    handled: mpsc::Sender<u32>,
    stopped: mpsc::Sender<ExitReason>,
}

impl Actor for Reporting {
    type Msg = u32;
    fn handle(&mut self, n: u32, _ctx: &mut Context<Self>) {
        let _ = self.handled.send(n);
    }
    fn stopped(&mut self, reason: &ExitReason) {
        let _ = self.stopped.send(reason.clone());
    }
}

on_every_executor! {
/// Dropping the handle detaches: the actor runs on, handles what is sent afterwards, and ends as
/// usual (its `stopped` hook runs, monitors learn the reason) when its last address goes.
fn dropping_the_handle_detaches(exec) {
    let (handled_tx, handled) = mpsc::channel();
    let (stopped_tx, stopped) = mpsc::channel();
    let handle = exec.spawn(Reporting {
        handled: handled_tx,
        stopped: stopped_tx,
    });
    let addr = handle.addr();
    let down = addr.monitor();
    addr.send(1).unwrap();
    drop(handle);
    addr.send(2).unwrap();
    assert_eq!(handled.recv_timeout(Duration::from_secs(30)), Ok(1));
    assert_eq!(handled.recv_timeout(Duration::from_secs(30)), Ok(2));
    assert!(addr.is_alive(), "a detached actor runs while an address is left");
    drop(addr);
    assert_eq!(
        stopped.recv_timeout(Duration::from_secs(30)),
        Ok(ExitReason::Closed)
    );
    assert_eq!(down.wait().reason(), &ExitReason::Closed);
}
}
