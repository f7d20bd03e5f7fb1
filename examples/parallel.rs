//! CPU-bound work run sequentially, then split over a `ThreadPool`, with the measured speedup.
//!
//! Mirrors the recipes "Performing Simple Parallel Programming" (`ProcessPoolExecutor`) and
//! "Dealing with the GIL" of the seed. Run: `cargo run --release --example parallel`.
//!
//! Python threads take turns on one interpreter lock, so the recipe needs processes for CPU-bound
//! work. Rust threads run truly in parallel: a thread pool is enough, and tasks share memory.
use std::num::NonZeroUsize;
use std::ops::Range;
use std::thread;
use std::time::{Duration, Instant};

use actor_core::ThreadPool;
use examples::Out;

/// The work: count the primes below this (about a second of trial division in all).
const LIMIT: u64 = 4_000_000;
/// Pieces of work; more than workers, so a worker that finishes early takes another.
const CHUNKS: u64 = 32;

fn is_prime(n: u64) -> bool {
    if n < 4 {
        return n >= 2;
    }
    if n % 2 == 0 {
        return false;
    }
    let mut d = 3;
    while d * d <= n {
        if n % d == 0 {
            return false;
        }
        d += 2;
    }
    true
}

/// The CPU-bound task: how many primes lie in `range`.
fn count_primes(range: Range<u64>) -> u64 {
    range.filter(|&n| is_prime(n)).count() as u64
}

fn chunks(limit: u64) -> Vec<Range<u64>> {
    let size = limit.div_ceil(CHUNKS).max(1);
    (0..limit)
        .step_by(size as usize)
        .map(|start| start..(start + size).min(limit))
        .collect()
}

/// Runs the example, writing its lines to `out`.
pub fn run(out: &Out) {
    run_with(out, LIMIT);
}

/// Runs the example on the primes below `limit` (tests use a small one).
pub fn run_with(out: &Out, limit: u64) {
    let workers = thread::available_parallelism().map_or(2, NonZeroUsize::get);

    let start = Instant::now();
    let sequential: u64 = chunks(limit).into_iter().map(count_primes).sum();
    let sequential_time = start.elapsed();
    out.line(format_args!(
        "sequential: {sequential} primes below {limit} in {sequential_time:.1?}"
    ));

    // with ProcessPoolExecutor(...) as executor: ... with threads instead of processes
    let start = Instant::now();
    let pool = ThreadPool::new(workers);
    let tasks: Vec<_> = chunks(limit)
        .into_iter()
        .map(|range| pool.submit(move || count_primes(range)))
        .collect();
    let parallel: u64 = tasks
        .into_iter()
        .map(|task| task.join().expect("a chunk panicked"))
        .sum();
    let parallel_time = start.elapsed();
    out.line(format_args!(
        "pool of {workers} workers: {parallel} primes below {limit} in {parallel_time:.1?}"
    ));

    assert_eq!(sequential, parallel, "both ways count the same primes");
    let speedup =
        sequential_time.as_secs_f64() / parallel_time.max(Duration::from_nanos(1)).as_secs_f64();
    out.line(format_args!("speedup: {speedup:.2}x on {workers} cores"));
}

fn main() {
    run(&Out::stdout());
}
