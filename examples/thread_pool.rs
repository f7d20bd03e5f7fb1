//! A `ThreadPool` of three workers: tasks submitted and joined for their results, then the
//! scoped form that waits for every task, like Python's `with` block.
//!
//! Mirrors the recipe "Creating a Thread Pool" of the seed (`ThreadPoolExecutor`). Run:
//! `cargo run --example thread_pool`.
//!
//! Which worker runs which task, and the order of lines printed by tasks running at the same
//! time, vary from run to run, as in the recipe.
use actor_core::ThreadPool;
use examples::Out;

/// The recipe's `task()`: sums `0..1e6`, reporting on the way, and returns the sum.
fn task(out: &Out) -> u64 {
    out.line("Executing our Task");
    let mut result = 0u64;
    for i in 0..1_000_000u64 {
        result += i;
    }
    out.line(format_args!("I: {result}"));
    let worker = std::thread::current();
    out.line(format_args!(
        "Task Executed {}",
        worker.name().unwrap_or("unnamed")
    ));
    result
}

/// Runs the example, writing its lines to `out`.
pub fn run(out: &Out) {
    // executor = ThreadPoolExecutor(max_workers=3)
    let executor = ThreadPool::new(3);
    let task1 = {
        let out = out.clone();
        executor.submit(move || task(&out))
    };
    let task2 = {
        let out = out.clone();
        executor.submit(move || task(&out))
    };
    // Unlike the recipe's futures, the handles give the results (or the panic) back.
    let result1 = task1.join().expect("task1 panicked");
    let result2 = task2.join().expect("task2 panicked");
    out.line(format_args!("results: {result1} and {result2}"));
    executor.join();

    // with ThreadPoolExecutor(max_workers=3) as executor: ...
    out.line("Starting ThreadPoolExecutor");
    ThreadPool::scope(3, |executor| {
        for n in [2, 3, 4] {
            // Scoped tasks may borrow: `out` is used by reference, not cloned.
            executor.submit(move || out.line(format_args!("Processing {n}")));
        }
    }); // leaving the scope waits for every task
    out.line("All tasks complete");
}

fn main() {
    run(&Out::stdout());
}
