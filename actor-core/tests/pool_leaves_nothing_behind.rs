//! A pool runs many actors on its own few threads: spawning starts no thread, ended actors leave
//! no memory behind, one busy actor cannot starve the rest, and shutdown stops what still runs,
//! hands back what was queued and joins the workers.

use std::io;
use std::sync::mpsc;
use std::time::Duration;

use actor_core::{Actor, Builder, Context, ExitReason, Pool, PoolShutDown};

/// How many threads of this process have a name starting with `prefix` (other tests run
/// threads of their own at the same time, so only named ones are counted).
fn threads_named(prefix: &str) -> usize {
    std::fs::read_dir("/proc/self/task")
        .expect("read /proc/self/task")
        .filter_map(|task| std::fs::read_to_string(task.ok()?.path().join("comm")).ok())
        .filter(|name| name.starts_with(prefix))
        .count()
}

/// The process's resident memory in bytes, from `/proc/self/statm`.
fn resident_bytes() -> usize {
    let statm = std::fs::read_to_string("/proc/self/statm").expect("read /proc/self/statm");
    let pages: usize = statm
        .split_whitespace()
        .nth(1)
        .and_then(|n| n.parse().ok())
        .expect("resident pages");
    pages * 4096
}

struct Once(u64);

impl Actor for Once {
    type Msg = u64;
    fn handle(&mut self, n: u64, _ctx: &mut Context<Self>) {
        self.0 += n;
    }
}

/// Spawns `count` actors, sends each one message, closes and joins them all.
fn spawn_and_close(pool: &Pool, count: u64) {
    let handles: Vec<_> = (0..count).map(|_| pool.spawn(Once(0))).collect();
    for (n, handle) in handles.iter().enumerate() {
        handle.addr().send(n as u64).unwrap();
        handle.close();
    }
    let sum: u64 = handles.into_iter().map(|h| h.join().into_state().0).sum();
    assert_eq!(sum, count * (count - 1) / 2);
}

#[test]
fn pool_spawns_100_000_actors_without_threads_and_frees_them() {
    let pool = Pool::builder().workers(2).name("many").build().unwrap();
    // Two rounds bring the allocator to its steady state (its per-thread arenas fill up in the
    // first two); the next must not grow the process.
    for _ in 0..2 {
        spawn_and_close(&pool, 100_000);
        assert_eq!(pool.actors(), 0);
    }
    let rss_before = resident_bytes();
    spawn_and_close(&pool, 100_000);
    let rss_after = resident_bytes();
    assert_eq!(pool.actors(), 0, "every actor ended and left the pool");
    assert_eq!(
        threads_named("many-"),
        2,
        "the two workers, and no thread per actor"
    );
    assert_eq!(pool.threads(), 2);
    // 100,000 leaked actors would take over 40 MiB (more than 400 bytes each); allow for the
    // allocator's noise and for the other tests of this binary running meanwhile.
    assert!(
        rss_after <= rss_before + 16 * 1024 * 1024,
        "resident memory grew from {rss_before} to {rss_after} bytes"
    );
    pool.shutdown();
}

#[test]
fn a_busy_actor_does_not_starve_the_others() {
    /// Sends itself a message from every handler call, forever (until stopped).
    struct Spinner(u64);
    impl Actor for Spinner {
        type Msg = ();
        fn handle(&mut self, _msg: (), ctx: &mut Context<Self>) {
            self.0 += 1;
            let _ = ctx.addr().send(());
        }
    }
    struct Ping(mpsc::Sender<()>);
    impl Actor for Ping {
        type Msg = ();
        fn handle(&mut self, _msg: (), _ctx: &mut Context<Self>) {
            self.0.send(()).unwrap();
        }
    }
    // One worker: the spinner and the others share it.
    let pool = Pool::builder().workers(1).throughput(8).build().unwrap();
    let spinner = pool.spawn(Spinner(0));
    spinner.addr().send(()).unwrap();
    let (pong_tx, pong) = mpsc::channel();
    let ping = pool.spawn(Ping(pong_tx));
    for _ in 0..100 {
        ping.addr().send(()).unwrap();
        pong.recv_timeout(Duration::from_secs(30))
            .expect("the other actor gets its turn while the spinner spins");
    }
    spinner.stop();
    let spins = spinner.join().into_state().0;
    assert!(spins > 0);
    ping.close();
    drop(ping.join());
}

#[test]
fn pool_shutdown_stops_its_actors_and_joins_its_workers() {
    struct Held(mpsc::Sender<()>, mpsc::Receiver<()>, Vec<u32>);
    impl Actor for Held {
        type Msg = u32;
        fn handle(&mut self, n: u32, _ctx: &mut Context<Self>) {
            if n == 0 {
                self.0.send(()).unwrap();
                self.1.recv().unwrap();
            }
            self.2.push(n);
        }
        fn stopped(&mut self, reason: &ExitReason) {
            assert_eq!(reason, &ExitReason::Stopped);
        }
    }
    let pool = Pool::builder().workers(2).name("closing").build().unwrap();
    // A thread names itself once it runs: wait (with a deadline) until both workers have.
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    while threads_named("closing-") < 2 {
        assert!(
            std::time::Instant::now() < deadline,
            "the workers never started"
        );
        std::thread::yield_now();
    }
    let idle = pool.spawn(Once(0));
    let (entered_tx, entered) = mpsc::channel();
    let (gate_tx, gate_rx) = mpsc::channel();
    let busy = pool.spawn(Held(entered_tx, gate_rx, Vec::new()));
    for n in 0..5 {
        busy.addr().send(n).unwrap();
    }
    entered.recv().unwrap(); // `busy` is inside message 0, 1..=4 are queued
    let ended_before = pool.spawn(Once(0));
    ended_before.close();
    let ended_before = ended_before.join();

    let shutdown = std::thread::spawn(move || pool.shutdown());
    // Shutdown waits for the handler in progress; open the gate once the stop is under way.
    let addr = idle.addr();
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    while addr.is_alive() {
        assert!(
            std::time::Instant::now() < deadline,
            "shutdown never stopped the idle actor"
        );
        std::thread::yield_now();
    }
    gate_tx.send(()).unwrap();
    shutdown.join().unwrap();

    assert_eq!(idle.join().reason(), &ExitReason::Stopped);
    let (reason, state, undelivered) = busy.join().into_parts();
    assert_eq!(reason, ExitReason::Stopped);
    assert_eq!(state.2, [0], "the message in progress is finished");
    assert_eq!(
        undelivered,
        [1, 2, 3, 4],
        "the rest comes back to the joiner"
    );
    assert_eq!(
        ended_before.reason(),
        &ExitReason::Closed,
        "ended actors are untouched"
    );
    assert_eq!(threads_named("closing-"), 0, "the workers were joined");
}

#[test]
fn spawning_on_a_shut_down_pool_is_an_error() {
    let pool = Pool::builder().workers(1).build().unwrap();
    let builder = Builder::new().pool(&pool);
    pool.shutdown();
    let err = builder.spawn(Once(0)).unwrap_err();
    assert_eq!(err.kind(), io::ErrorKind::Other);
    assert!(
        err.get_ref()
            .is_some_and(|inner| inner.is::<PoolShutDown>())
    );
    assert_eq!(err.to_string(), "the pool has been shut down");
}

#[test]
fn the_global_pool_runs_actors() {
    let handle = Pool::global().spawn(Once(0));
    handle.addr().send(3).unwrap();
    assert!(handle.is_pooled());
    assert_eq!(handle.join().into_state().0, 3);
    assert!(Pool::global().workers() >= 1);
    assert_eq!(Pool::global().name(), "actor-pool");
}
