//! The one place `crossbeam-deque` is imported: the pool's per-worker run queues, the shared
//! injector and the stealers idle workers take work through.

pub(crate) use crossbeam_deque::{Injector, Steal, Stealer, Worker};
