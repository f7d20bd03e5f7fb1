//! actor-core against the bare channel it is built on, measured in the same run.
//!
//! - `tell`: one sender, 1,000,000 `u64` messages, until the receiver has handled them all:
//!   an actor (handler style) against a bare crossbeam-channel send/recv loop between two threads.
//! - `ask`: one request-reply round trip: `Addr::ask` against a bare two-channel ping-pong.
//! - `spawn`: start, close and join a thread actor against `std::thread::spawn` + `join`.
//!
//! Run: `cargo bench -p actor-core --bench core`. Figures are in `BENCHMARKS.md`.

// criterion_group! and criterion_main! generate undocumented items.
#![allow(missing_docs)]

use std::hint::black_box;
use std::time::{Duration, Instant};

mod common;

use actor_core::Mailbox;
use common::{Sum, ask_round_trips, tell_actor};
use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};

const TELL_MESSAGES: u64 = 1_000_000;

/// The same workload on a bare channel and a receiving thread.
fn tell_bare(bound: Option<usize>) -> Duration {
    let (tx, rx) = match bound {
        None => crossbeam_channel::unbounded::<u64>(),
        Some(n) => crossbeam_channel::bounded::<u64>(n),
    };
    let (ready_tx, ready_rx) = crossbeam_channel::bounded(0);
    let receiver = std::thread::spawn(move || {
        ready_tx.send(()).unwrap();
        let mut sum = 0u64;
        for n in rx.iter() {
            sum = sum.wrapping_add(n);
        }
        sum
    });
    ready_rx.recv().unwrap();
    let start = Instant::now();
    for n in 0..TELL_MESSAGES {
        tx.send(n).unwrap();
    }
    drop(tx);
    let sum = receiver.join().unwrap();
    let elapsed = start.elapsed();
    assert_eq!(sum, TELL_MESSAGES * (TELL_MESSAGES - 1) / 2);
    elapsed
}

fn tell(c: &mut Criterion) {
    let mut group = c.benchmark_group("tell");
    group.throughput(Throughput::Elements(TELL_MESSAGES));
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(4));
    for (label, bound) in [("unbounded", None), ("bounded-1024", Some(1024))] {
        let mailbox = bound.map_or(Mailbox::Unbounded, Mailbox::Bounded);
        group.bench_function(BenchmarkId::new("crossbeam", label), |b| {
            b.iter_custom(|iters| (0..iters).map(|_| tell_bare(bound)).sum())
        });
        group.bench_function(BenchmarkId::new("actor", label), |b| {
            b.iter_custom(|iters| (0..iters).map(|_| tell_actor(TELL_MESSAGES, mailbox)).sum())
        });
    }
    group.finish();
}

fn ask(c: &mut Criterion) {
    let mut group = c.benchmark_group("ask");
    group.throughput(Throughput::Elements(1));
    group.measurement_time(Duration::from_secs(4));

    group.bench_function("crossbeam-ping-pong", |b| {
        let (req_tx, req_rx) = crossbeam_channel::bounded::<u64>(1);
        let (rep_tx, rep_rx) = crossbeam_channel::bounded::<u64>(1);
        let ponger = std::thread::spawn(move || {
            for n in req_rx.iter() {
                rep_tx.send(n + 1).unwrap();
            }
        });
        let mut n = 0u64;
        b.iter(|| {
            req_tx.send(n).unwrap();
            n = rep_rx.recv().unwrap();
        });
        drop(req_tx);
        ponger.join().unwrap();
    });

    group.bench_function("actor-ask", ask_round_trips);
    group.finish();
}

fn spawn(c: &mut Criterion) {
    let mut group = c.benchmark_group("spawn");
    group.measurement_time(Duration::from_secs(4));
    group.bench_function("std-thread", |b| {
        b.iter(|| std::thread::spawn(|| black_box(1u64)).join().unwrap())
    });
    group.bench_function("actor", |b| {
        b.iter(|| {
            let handle = actor_core::spawn(Sum(1));
            black_box(handle.join().into_state().0)
        })
    });
    group.finish();
}

criterion_group!(benches, tell, ask, spawn);
criterion_main!(benches);
