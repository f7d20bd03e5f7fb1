//! Helpers shared by the behaviour tests: a deadline for code that could deadlock, and an actor
//! that takes nothing from its bounded mailbox until a gate opens.
#![allow(dead_code)]

use std::sync::mpsc;
use std::time::Duration;

use actor_core::{ActorHandle, Addr, Builder, FnActor, Inbox, Mailbox};
use actor_pubsub::{Delivery, Subscriber, Wait};

/// Far longer than anything here takes; reaching it means a deadlock.
pub const DEADLINE: Duration = Duration::from_secs(20);

/// Runs `f` on a thread of its own and returns its result, failing loudly if it has not finished
/// by [`DEADLINE`] (a deadlock) or if it panicked.
pub fn finishes<T: Send + 'static>(what: &str, f: impl FnOnce() -> T + Send + 'static) -> T {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(f());
    });
    match rx.recv_timeout(DEADLINE) {
        Ok(value) => value,
        Err(mpsc::RecvTimeoutError::Timeout) => {
            panic!("{what} did not finish within {DEADLINE:?}: deadlocked")
        }
        Err(mpsc::RecvTimeoutError::Disconnected) => panic!("{what} panicked"),
    }
}

/// Receives from `rx`, failing loudly at [`DEADLINE`].
pub fn recv<T>(rx: &mpsc::Receiver<T>, what: &str) -> T {
    rx.recv_timeout(DEADLINE)
        .unwrap_or_else(|err| panic!("waiting for {what}: {err:?}"))
}

/// An actor with a bounded mailbox that receives nothing until [`Gated::open`]; then it forwards
/// every message to [`Gated::received`].
pub struct Gated<M: Send + 'static> {
    pub handle: ActorHandle<FnActor<M>>,
    pub received: mpsc::Receiver<M>,
    gate: mpsc::Sender<()>,
}

impl<M: Send + 'static> Gated<M> {
    pub fn new(capacity: usize) -> Gated<M> {
        let (gate, gate_rx) = mpsc::channel::<()>();
        let (seen_tx, received) = mpsc::channel();
        let handle = Builder::new()
            .mailbox(Mailbox::Bounded(capacity))
            .spawn_fn(move |inbox: Inbox<M>| {
                gate_rx.recv().ok();
                loop {
                    let msg = inbox.recv()?;
                    let _ = seen_tx.send(msg);
                }
            })
            .expect("spawn");
        Gated {
            handle,
            received,
            gate,
        }
    }

    pub fn addr(&self) -> Addr<M> {
        self.handle.addr()
    }

    /// Lets the actor take its messages.
    pub fn open(&self) {
        let _ = self.gate.send(());
    }

    /// Opens the gate, closes the mailbox, joins, and returns every message the actor took.
    pub fn finish(self) -> Vec<M> {
        self.open();
        self.handle.addr().close();
        let outcome = self.handle.join();
        assert!(!outcome.is_panic(), "the gated actor panicked");
        self.received.try_iter().collect()
    }
}

/// A subscriber that reports each message it is about to deliver, then delivers to `inner`.
pub struct Announcing<S> {
    pub inner: S,
    pub entering: mpsc::Sender<()>,
}

impl<M, S: Subscriber<M>> Subscriber<M> for Announcing<S> {
    fn deliver(&self, msg: M, wait: Wait) -> Delivery<M> {
        let _ = self.entering.send(());
        self.inner.deliver(msg, wait)
    }
}
