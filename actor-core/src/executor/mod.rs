//! Executors: where actors run. The same [`Actor`](crate::Actor) runs on each; the choice is
//! made at spawn, never in the actor's code.
//!
//! - [`thread`]: one OS thread per actor, for actors that block and for the pull style;
//! - [`pool`]: many actors on a few worker threads (M:N), for many small actors.
//!
//! The deterministic executor lives in the `actor-sched` crate.

pub(crate) mod pool;
pub(crate) mod thread;
