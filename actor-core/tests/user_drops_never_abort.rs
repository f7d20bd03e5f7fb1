//! Values the runtime drops on the user's behalf run user code in their `Drop`: an actor's state,
//! the messages a detached actor left behind, a timer's closure. A panic there is caught (the
//! panic hook reports it), the process goes on, and the runtime keeps working.
//!
//! A panic in the `Drop` of a detached thread's result used to abort the process ("thread result
//! panicked on drop"); here each test waits for proof that the drop ran to its end: the panic's
//! payload signals when *it* is dropped, which happens only once the panic has been caught.

mod common;

use std::sync::mpsc;
use std::time::Duration;

use actor_core::{Actor, Context, Mailbox};
use common::{Exec, on_every_executor};

/// A panic payload that says when it is dropped, i.e. when whoever caught the panic let go of it.
struct Caught(mpsc::Sender<&'static str>, &'static str);

impl Drop for Caught {
    fn drop(&mut self) {
        let _ = self.0.send(self.1);
    }
}

/// A value whose `Drop` panics with a [`Caught`] payload.
struct PanicsOnDrop(Option<Caught>);

impl Drop for PanicsOnDrop {
    fn drop(&mut self) {
        if let Some(payload) = self.0.take() {
            std::panic::panic_any(payload);
        }
    }
}

fn panics_on_drop(tx: &mpsc::Sender<&'static str>, what: &'static str) -> PanicsOnDrop {
    PanicsOnDrop(Some(Caught(tx.clone(), what)))
}

/// An actor whose state panics when dropped; it waits for a gate in its first message.
struct Fragile {
    _state: PanicsOnDrop,
    gate: Option<mpsc::Receiver<()>>,
}

impl Actor for Fragile {
    type Msg = Option<PanicsOnDrop>;
    fn handle(&mut self, _msg: Option<PanicsOnDrop>, _ctx: &mut Context<Self>) {
        if let Some(gate) = self.gate.take() {
            let _ = gate.recv();
        }
    }
}

const PATIENCE: Duration = Duration::from_secs(30);

/// A plain actor still works after the panics above: the runtime is intact.
fn runtime_still_works(exec: Exec) {
    struct Echo;
    impl Actor for Echo {
        type Msg = actor_core::ReplyTo<u8>;
        fn handle(&mut self, port: actor_core::ReplyTo<u8>, _ctx: &mut Context<Self>) {
            let _ = port.reply(7);
        }
    }
    let handle = exec.spawn(Echo);
    assert_eq!(handle.addr().ask(|port| port).ok(), Some(7));
    assert!(!handle.join().is_panic());
}

on_every_executor! {
    /// Detached before it ends: the run drops the state.
    fn a_detached_actor_whose_state_panics_in_drop(exec) {
        let (tx, caught) = mpsc::channel();
        let handle = exec.spawn(Fragile { _state: panics_on_drop(&tx, "state"), gate: None });
        let addr = handle.addr();
        drop(handle);
        addr.close();
        drop(addr);
        assert_eq!(caught.recv_timeout(PATIENCE), Ok("state"));
        runtime_still_works(exec);
    }

    /// Stopped with queued messages whose `Drop` panics, detached: the leftovers go to the
    /// dead-letter place, which drops them when no hook takes them.
    fn a_detached_actor_stopped_with_messages_that_panic_in_drop(exec) {
        let (tx, caught) = mpsc::channel();
        let (open, gate) = mpsc::channel();
        let handle = exec
            .builder()
            .mailbox(Mailbox::Unbounded)
            .spawn(Fragile { _state: PanicsOnDrop(None), gate: Some(gate) })
            .unwrap();
        let addr = handle.addr();
        addr.send(None).unwrap(); // holds the actor at the gate
        addr.send(Some(panics_on_drop(&tx, "first leftover"))).unwrap();
        addr.send(Some(panics_on_drop(&tx, "second leftover"))).unwrap();
        drop(handle);
        addr.stop();
        open.send(()).unwrap();
        drop(addr);
        let mut seen = [caught.recv_timeout(PATIENCE).ok(), caught.recv_timeout(PATIENCE).ok()];
        seen.sort();
        assert_eq!(seen, [Some("first leftover"), Some("second leftover")]);
        runtime_still_works(exec);
    }

    /// Detached after it ended: the handle's drop takes the outcome and drops it.
    fn a_handle_dropped_after_the_end_drops_state_and_leftovers_safely(exec) {
        let (tx, caught) = mpsc::channel();
        let (open, gate) = mpsc::channel();
        let handle = exec
            .spawn(Fragile { _state: panics_on_drop(&tx, "state"), gate: Some(gate) });
        let addr = handle.addr();
        let ended = addr.monitor();
        addr.send(None).unwrap();
        addr.send(Some(panics_on_drop(&tx, "leftover"))).unwrap();
        addr.stop();
        open.send(()).unwrap();
        drop(addr);
        ended.wait();
        drop(handle); // must not unwind here
        let mut seen = [caught.recv_timeout(PATIENCE).ok(), caught.recv_timeout(PATIENCE).ok()];
        seen.sort();
        assert_eq!(seen, [Some("leftover"), Some("state")]);
        runtime_still_works(exec);
    }
}

/// A one-shot timer whose message panics in `Drop` and that is cancelled before it fires: the
/// cancel drops the message, catching the panic.
#[test]
fn cancelling_a_timer_whose_message_panics_in_drop() {
    let (tx, caught) = mpsc::channel();
    let handle = actor_core::spawn(Fragile {
        _state: PanicsOnDrop(None),
        gate: None,
    });
    let timer = actor_core::send_after(
        &handle.addr(),
        Duration::from_secs(3600),
        Some(panics_on_drop(&tx, "timer message")),
    );
    assert!(timer.cancel());
    assert_eq!(caught.try_recv(), Ok("timer message"));
    handle.addr().close();
    assert!(!handle.join().is_panic());
}
