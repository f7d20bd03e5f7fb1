//! Skynet: 1,000,000 pooled actors in a 10-ary tree of depth 6. Each inner node spawns ten
//! children; each leaf sends its number to its parent; each inner node sums what its ten
//! children send and passes the sum up. The root's sum is 0 + 1 + ... + 999,999.
//!
//! It measures spawning and message passing between many short-lived actors: 1,111,111 actors in
//! all, each spawned by its parent's `started` hook through [`Context::spawn`], so the whole tree
//! lives on the pool and no thread is started per actor. Run:
//! `cargo run --release --example skynet`.
use std::sync::mpsc;
use std::time::Instant;

use actor_core::{Actor, Addr, Context, Pool};
use examples::Out;

const LEAVES: u64 = 1_000_000;
const FAN_OUT: u64 = 10;

/// Where a node sends its sum.
enum Parent {
    Node(Addr<u64>),
    Main(mpsc::Sender<u64>),
}

struct Node {
    /// The first leaf number under this node, and how many leaves it covers.
    first: u64,
    leaves: u64,
    parent: Option<Parent>,
    sum: u64,
    waiting: u64,
}

impl Node {
    fn new(first: u64, leaves: u64, parent: Parent) -> Node {
        Node {
            first,
            leaves,
            parent: Some(parent),
            sum: 0,
            waiting: 0,
        }
    }

    /// Sends the sum up and ends this node.
    fn report(&mut self, ctx: &mut Context<Self>) {
        match self.parent.take() {
            Some(Parent::Node(addr)) => addr
                .send(self.sum)
                .expect("a parent waits for its children"),
            Some(Parent::Main(tx)) => tx.send(self.sum).expect("main waits for the root"),
            None => {}
        }
        ctx.close();
    }
}

impl Actor for Node {
    type Msg = u64;

    fn started(&mut self, ctx: &mut Context<Self>) {
        if self.leaves == 1 {
            self.sum = self.first;
            self.report(ctx);
            return;
        }
        let step = self.leaves / FAN_OUT;
        for child in 0..FAN_OUT {
            let node = Node::new(self.first + child * step, step, Parent::Node(ctx.addr()));
            // The handle is dropped: the child runs detached and reports through its parent's
            // address.
            drop(
                ctx.spawn(node)
                    .expect("the pool runs until main shuts it down"),
            );
        }
        self.waiting = FAN_OUT;
    }

    fn handle(&mut self, sum: u64, ctx: &mut Context<Self>) {
        self.sum += sum;
        self.waiting -= 1;
        if self.waiting == 0 {
            self.report(ctx);
        }
    }
}

/// Runs the example, writing its lines to `out`.
pub fn run(out: &Out) {
    let pool = Pool::builder()
        .name("skynet")
        .build()
        .expect("the OS refused a thread");
    let (sum_tx, sum_rx) = mpsc::channel();
    let started = Instant::now();
    let root = pool.spawn(Node::new(0, LEAVES, Parent::Main(sum_tx)));
    let sum = sum_rx.recv().expect("the root reports its sum");
    let elapsed = started.elapsed();
    assert!(!root.join().is_panic());
    pool.shutdown();
    out.line(format_args!(
        "skynet: {LEAVES} actors, sum {sum}, {} ms",
        elapsed.as_millis()
    ));
}
