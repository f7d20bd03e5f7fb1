//! Cross-crate behaviour tests and the checks that every example prints what its recipe prints.
//!
//! The tests live in `tests/`. This library also compiles the README's Rust code as a doctest,
//! so the quick start there stays true.
#![doc = include_str!("../../README.md")]
