//! What the core and peer benches share: the summing actor, one tell run and the ask loop.

use std::time::{Duration, Instant};

use actor_core::{Actor, Context, Inbox, Mailbox, ReplyTo};
use criterion::Bencher;

/// Sums the `u64` messages it handles.
pub struct Sum(pub u64);

impl Actor for Sum {
    type Msg = u64;
    fn handle(&mut self, n: u64, _ctx: &mut Context<Self>) {
        self.0 = self.0.wrapping_add(n);
    }
}

/// Sends `0..messages` to a fresh [`Sum`] actor; the time from the first send until the actor
/// has handled the last one (its final state is back from `join`).
pub fn tell_actor(messages: u64, mailbox: Mailbox) -> Duration {
    let handle = actor_core::Builder::new()
        .mailbox(mailbox)
        .spawn(Sum(0))
        .unwrap();
    let addr = handle.addr();
    handle.wait_started();
    let start = Instant::now();
    for n in 0..messages {
        addr.send(n).unwrap();
    }
    drop(addr);
    let sum = handle.join().into_state().0;
    let elapsed = start.elapsed();
    assert_eq!(sum, messages * (messages - 1) / 2);
    elapsed
}

/// One `Addr::ask` round trip per iteration, to a pull-style actor that answers `n + 1`.
pub fn ask_round_trips(b: &mut Bencher<'_>) {
    let handle = actor_core::spawn_fn(|inbox: Inbox<(u64, ReplyTo<u64>)>| {
        loop {
            let (n, reply) = inbox.recv()?;
            let _ = reply.reply(n + 1);
        }
    });
    let addr = handle.addr();
    let mut n = 0u64;
    b.iter(|| {
        n = addr.ask(|reply| (n, reply)).unwrap();
    });
    drop(addr);
    handle.join();
}
