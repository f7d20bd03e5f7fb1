//! Resident memory per idle actor: actor-core's pool against bare tokio tasks, kameo 0.22 and
//! actor-core's thread-per-actor.
//!
//! For each side, a child process (this binary, re-run with `--measure <side>`, so that memory
//! freed by one side cannot be reused by the next) does:
//!
//! 1. builds what the side runs on (a 2-worker `Pool`; a 2-worker multi-thread tokio runtime)
//!    and a vector with one empty slot per actor, written through so its pages are resident;
//! 2. reads the resident set size (`/proc/self/statm`, second field, times 4096);
//! 3. spawns N actors, keeping each one's handle in its slot, sends each one message and waits
//!    until every one has handled it (each bumps a shared counter), so every actor has started
//!    and is now idle, waiting for its next message;
//! 4. reads the resident set size again: the growth divided by N is the figure printed;
//! 5. closes every actor and waits for all to end.
//!
//! N is 100,000 for `pool` (`Pool::spawn`, handler-style actor, no state), `tokio` (a task
//! blocked in `UnboundedReceiver::recv`; the slot keeps its `UnboundedSender` and `JoinHandle`)
//! and `kameo` (an actor with an unbounded mailbox; the slot keeps its `ActorRef` and join
//! handle), and 2,000 for `thread` (`actor_core::spawn`; most of its figure is the thread's
//! stack pages and kernel-side bookkeeping that is not in the process's resident set).
//!
//! The slots are not counted (they are resident before the first reading); what the slot's
//! value points to is. The figure includes whatever the allocator keeps around the actor's
//! allocations, so it is what a program pays, not `size_of` of the actor's parts. The bound the
//! pool is held to is 512 bytes per idle pooled actor.
//!
//! Run: `cargo bench -p tests --features peers --bench pool_memory` (a few seconds). Figures are in
//! `BENCHMARKS.md` at the repository root.

use std::process::Command;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use actor_core::{Actor, Context, Pool};
use kameo::actor::{ActorRef, PreparedActor};
use kameo::error::Infallible;
use kameo::mailbox;
use kameo::message::Message;
use tokio::sync::mpsc as tmpsc;

/// Actors per side, but for `thread`.
const MANY: usize = 100_000;
/// Thread actors.
const THREADS: usize = 2_000;
/// The bound for an idle pooled actor.
const POOL_BOUND: f64 = 512.0;
const PAGE: usize = 4096;
const SIDES: [&str; 4] = ["pool", "tokio", "kameo", "thread"];

/// The process's resident set size in bytes.
fn resident() -> usize {
    let statm = std::fs::read_to_string("/proc/self/statm").expect("read /proc/self/statm");
    let pages: usize = statm
        .split_whitespace()
        .nth(1)
        .and_then(|field| field.parse().ok())
        .expect("statm's second field is the resident page count");
    pages * PAGE
}

/// The one message every actor handles: it bumps the counter.
type Bump = Arc<AtomicUsize>;

/// Waits until `counter` reaches `n`.
fn wait_for(counter: &AtomicUsize, n: usize) {
    let deadline = Instant::now() + Duration::from_secs(120);
    while counter.load(Ordering::Acquire) < n {
        assert!(
            Instant::now() < deadline,
            "the actors did not all handle their message"
        );
        std::thread::sleep(Duration::from_millis(1));
    }
}

/// One empty slot per actor, written through so that its pages are resident.
fn slots<T>(n: usize) -> Vec<Option<T>> {
    let mut slots = Vec::with_capacity(n);
    slots.resize_with(n, || None);
    slots
}

/// An actor with no state, for `pool` and `thread`.
struct Idle;

impl Actor for Idle {
    type Msg = Bump;

    fn handle(&mut self, bump: Bump, _ctx: &mut Context<Self>) {
        bump.fetch_add(1, Ordering::Release);
    }
}

/// The same, for kameo.
struct KameoIdle;

impl kameo::Actor for KameoIdle {
    type Args = Self;
    type Error = Infallible;

    async fn on_start(state: Self, _actor_ref: ActorRef<Self>) -> Result<Self, Infallible> {
        Ok(state)
    }
}

impl Message<Bump> for KameoIdle {
    type Reply = ();

    async fn handle(&mut self, bump: Bump, _ctx: &mut kameo::message::Context<Self, ()>) {
        bump.fetch_add(1, Ordering::Release);
    }
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("build the tokio runtime")
}

/// Measures one side in this process; returns (actors, resident bytes grown).
fn measure(side: &str) -> (usize, usize) {
    let bump: Bump = Arc::new(AtomicUsize::new(0));
    match side {
        "pool" | "thread" => {
            let n = if side == "pool" { MANY } else { THREADS };
            let pool = Pool::builder()
                .workers(2)
                .name("memory")
                .build()
                .expect("the OS refused a thread");
            let mut slots = slots(n);
            let before = resident();
            for slot in &mut slots {
                let handle = if side == "pool" {
                    pool.spawn(Idle)
                } else {
                    actor_core::spawn(Idle)
                };
                handle.addr().send(Arc::clone(&bump)).unwrap();
                *slot = Some(handle);
            }
            wait_for(&bump, n);
            let grown = resident().saturating_sub(before);
            let handles: Vec<_> = slots.into_iter().flatten().collect();
            for handle in &handles {
                handle.close();
            }
            for handle in handles {
                assert!(!handle.join().is_panic());
            }
            pool.shutdown();
            (n, grown)
        }
        "tokio" => {
            let rt = runtime();
            let mut slots = slots(MANY);
            let before = resident();
            for slot in &mut slots {
                let (tx, mut rx) = tmpsc::unbounded_channel::<Bump>();
                let task = rt.spawn(async move {
                    while let Some(bump) = rx.recv().await {
                        bump.fetch_add(1, Ordering::Release);
                    }
                });
                tx.send(Arc::clone(&bump)).unwrap();
                *slot = Some((tx, task));
            }
            wait_for(&bump, MANY);
            let grown = resident().saturating_sub(before);
            let tasks: Vec<_> = slots
                .into_iter()
                .flatten()
                .map(|(_tx, task)| task)
                .collect();
            rt.block_on(async {
                for task in tasks {
                    task.await.unwrap();
                }
            });
            (MANY, grown)
        }
        "kameo" => {
            let rt = runtime();
            let mut slots = slots(MANY);
            let before = resident();
            {
                let _in_runtime = rt.enter();
                for slot in &mut slots {
                    let prepared = PreparedActor::<KameoIdle>::new(mailbox::unbounded());
                    let actor_ref = prepared.actor_ref().clone();
                    let join = prepared.spawn(KameoIdle);
                    actor_ref.tell(Arc::clone(&bump)).try_send().unwrap();
                    *slot = Some((actor_ref, join));
                }
            }
            wait_for(&bump, MANY);
            let grown = resident().saturating_sub(before);
            // Dropping each actor's only ActorRef stops it.
            let joins: Vec<_> = slots
                .into_iter()
                .flatten()
                .map(|(_actor_ref, join)| join)
                .collect();
            rt.block_on(async {
                for join in joins {
                    join.await.unwrap().unwrap();
                }
            });
            (MANY, grown)
        }
        other => panic!("unknown side {other:?}; one of {SIDES:?}"),
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(at) = args.iter().position(|arg| arg == "--measure") {
        let side = args.get(at + 1).expect("--measure <side>");
        let (n, grown) = measure(side);
        println!("{n} {grown}");
        return;
    }
    let exe = std::env::current_exe().expect("this binary's path");
    println!("Resident memory per idle actor (growth of /proc/self/statm RSS / N):");
    println!();
    println!("| side | N | RSS growth | bytes per actor |");
    println!("|---|---|---|---|");
    let mut pool_bytes = None;
    for side in SIDES {
        let output = Command::new(&exe)
            .args(["--measure", side])
            .output()
            .expect("run the measuring child");
        assert!(
            output.status.success(),
            "measuring {side} failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        let stdout = String::from_utf8_lossy(&output.stdout);
        let mut fields = stdout
            .split_whitespace()
            .map(|f| f.parse::<usize>().unwrap());
        let (n, grown) = (fields.next().unwrap(), fields.next().unwrap());
        let per_actor = grown as f64 / n as f64;
        if side == "pool" {
            pool_bytes = Some(per_actor);
        }
        println!(
            "| {side} | {n} | {:.1} MiB | {per_actor:.0} |",
            grown as f64 / (1024.0 * 1024.0)
        );
    }
    let pool_bytes = pool_bytes.expect("the pool side ran");
    println!();
    println!(
        "pool: {pool_bytes:.0} bytes per idle actor, bound {POOL_BOUND:.0}: {}",
        if pool_bytes <= POOL_BOUND {
            "met"
        } else {
            "NOT met"
        }
    );
}
