//! The example programs as functions, so `tour` and the tests can run them in-process.
//!
//! Each example file in this folder is both a standalone program (`cargo run --example NAME`) and a
//! module of this library with a `run(&Out)` function. [`Out`] is where an example writes its
//! lines: standard output when run by hand or by `tour`, a buffer when a test checks the output.

extern crate self as examples;

mod out;
pub use out::{Out, QuietPanics, expected_panics};

/// An example: its name (as in `cargo run --example NAME`) and its `run` function.
pub type Example = (&'static str, fn(&Out));

/// Every example `tour` runs, in the order of the recipes.
pub const ALL: &[Example] = &[
    ("countdown", countdown::run),
    ("started_event", started_event::run),
    ("periodic_timer", periodic_timer::run),
    ("producer_consumer", producer_consumer::run),
    ("acknowledged", acknowledged::run),
    ("shared_counter", shared_counter::run),
    ("deadlock_avoidance", deadlock_avoidance::run),
    ("thread_local", thread_local::run),
    ("thread_pool", thread_pool::run),
    ("parallel", parallel::run),
    ("actor", actor::run),
    ("pubsub", pubsub::run),
    ("display_messages", display_messages::run),
    ("task_scheduler", task_scheduler::run),
    ("actor_scheduler", actor_scheduler::run),
    ("simulation", simulation::run),
    ("select", select::run),
    ("ring", ring::run),
    ("skynet", skynet::run),
    ("supervisor", supervisor::run),
    ("pipeline", pipeline::run),
];

#[allow(dead_code)]
#[path = "acknowledged.rs"]
pub mod acknowledged;
#[allow(dead_code)]
#[path = "actor.rs"]
pub mod actor;
#[allow(dead_code)]
#[path = "actor_scheduler.rs"]
pub mod actor_scheduler;
#[allow(dead_code)]
#[path = "countdown.rs"]
pub mod countdown;
#[allow(dead_code)]
#[path = "deadlock_avoidance.rs"]
pub mod deadlock_avoidance;
#[allow(dead_code)]
#[path = "display_messages.rs"]
pub mod display_messages;
#[allow(dead_code)]
#[path = "parallel.rs"]
pub mod parallel;
#[allow(dead_code)]
#[path = "periodic_timer.rs"]
pub mod periodic_timer;
#[allow(dead_code)]
#[path = "pipeline.rs"]
pub mod pipeline;
#[allow(dead_code)]
#[path = "producer_consumer.rs"]
pub mod producer_consumer;
#[allow(dead_code)]
#[path = "pubsub.rs"]
pub mod pubsub;
#[allow(dead_code)]
#[path = "ring.rs"]
pub mod ring;
#[allow(dead_code)]
#[path = "select.rs"]
pub mod select;
#[allow(dead_code)]
#[path = "shared_counter.rs"]
pub mod shared_counter;
#[allow(dead_code)]
#[path = "simulation.rs"]
pub mod simulation;
#[allow(dead_code)]
#[path = "skynet.rs"]
pub mod skynet;
#[allow(dead_code)]
#[path = "started_event.rs"]
pub mod started_event;
#[allow(dead_code)]
#[path = "supervisor.rs"]
pub mod supervisor;
#[allow(dead_code)]
#[path = "task_scheduler.rs"]
pub mod task_scheduler;
#[allow(dead_code)]
#[path = "thread_local.rs"]
pub mod thread_local;
#[allow(dead_code)]
#[path = "thread_pool.rs"]
pub mod thread_pool;
#[allow(dead_code)]
#[path = "top.rs"]
pub mod top;
