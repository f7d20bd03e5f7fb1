//! A ring of 100 pooled actors passing one token around, 1,000,000 hops in all: the cost of one
//! message hop between actors that share a pool's workers.
//!
//! Each actor knows the next one's address and forwards the token with one hop fewer to go; the
//! one that receives the last hop tells `main`. A hop between pooled actors is a push into the
//! next actor's mailbox and, since the next actor is idle, one queueing of it on the same worker:
//! no thread is woken. Run: `cargo run --release --example ring`.
use std::sync::mpsc;
use std::time::Instant;

use actor_core::{Actor, Addr, Context, Pool};
use examples::Out;

const ACTORS: usize = 100;
const HOPS: u64 = 1_000_000;

enum Msg {
    /// Who comes next in the ring.
    Next(Addr<Msg>),
    /// The token, with the hops still to go.
    Token(u64),
}

struct Member {
    next: Option<Addr<Msg>>,
    done: mpsc::Sender<()>,
}

impl Actor for Member {
    type Msg = Msg;

    fn handle(&mut self, msg: Msg, _ctx: &mut Context<Self>) {
        match msg {
            Msg::Next(next) => self.next = Some(next),
            Msg::Token(0) => self.done.send(()).expect("main waits for the token"),
            Msg::Token(left) => {
                let next = self
                    .next
                    .as_ref()
                    .expect("the ring is closed before the token");
                next.send(Msg::Token(left - 1))
                    .expect("ring members live until closed");
            }
        }
    }
}

/// Runs the example, writing its lines to `out`.
pub fn run(out: &Out) {
    let pool = Pool::builder()
        .workers(2)
        .name("ring")
        .build()
        .expect("the OS refused a thread");
    let (done_tx, done_rx) = mpsc::channel();
    let members: Vec<_> = (0..ACTORS)
        .map(|_| {
            pool.spawn(Member {
                next: None,
                done: done_tx.clone(),
            })
        })
        .collect();
    for (i, member) in members.iter().enumerate() {
        let next = members[(i + 1) % ACTORS].addr();
        member
            .addr()
            .send(Msg::Next(next))
            .expect("member is alive");
    }

    let started = Instant::now();
    members[0]
        .addr()
        .send(Msg::Token(HOPS))
        .expect("member is alive");
    done_rx.recv().expect("a member reports the last hop");
    let elapsed = started.elapsed();

    // Every member holds the next one's address, so the ring would keep itself alive: close it.
    for member in &members {
        member.close();
    }
    for member in members {
        assert!(!member.join().is_panic());
    }
    pool.shutdown();
    let per_hop = elapsed.as_nanos() / u128::from(HOPS);
    out.line(format_args!(
        "ring: {ACTORS} actors, {HOPS} hops, {per_hop} ns/hop"
    ));
}
