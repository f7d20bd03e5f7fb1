//! The example programs as functions, so `tour` and the tests can run them in-process.
//!
//! Each example file in this folder is both a standalone program (`cargo run --example NAME`) and a
//! module of this library with a `run(&Out)` function. [`Out`] is where an example writes its
//! lines: standard output when run by hand or by `tour`, a buffer when a test checks the output.

extern crate self as examples;

mod out;
pub use out::Out;

/// Every example `tour` runs, in order: the name and the function.
pub const ALL: &[(&str, fn(&Out))] = &[("actor", actor::run), ("countdown", countdown::run)];

#[allow(dead_code)]
#[path = "actor.rs"]
pub mod actor;
#[allow(dead_code)]
#[path = "countdown.rs"]
pub mod countdown;
