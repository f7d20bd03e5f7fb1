//! Executors: where actors run. The same [`Actor`](crate::Actor) runs on each; the choice is
//! made at spawn, never in the actor's code.
//!
//! - [`thread`]: one OS thread per actor, for actors that block and for the pull style;
//! - [`pool`]: many actors on a few worker threads (M:N), for many small actors.
//!
//! - [`foreign`]: the seam for executors outside this crate, which drive pooled actors' turns
//!   themselves. The deterministic executor in the `actor-sched` crate is one.

pub(crate) mod foreign;
pub(crate) mod pool;
pub(crate) mod thread;

use std::fmt;
use std::sync::Arc;

use foreign::Executor;
use pool::PoolInner;

/// Where a pooled actor's turns are queued: on one of this crate's pools, or on a foreign
/// executor.
#[derive(Clone)]
pub(crate) enum Place {
    Pool(Arc<PoolInner>),
    Foreign(Arc<dyn Executor>),
}

impl Place {
    pub(crate) fn pool(&self) -> Option<&Arc<PoolInner>> {
        match self {
            Place::Pool(pool) => Some(pool),
            Place::Foreign(_) => None,
        }
    }

    /// What tracing calls this executor.
    pub(crate) fn kind(&self) -> &str {
        match self {
            Place::Pool(_) => "pool",
            Place::Foreign(executor) => executor.name(),
        }
    }

    pub(crate) fn foreign(&self) -> Option<&Arc<dyn Executor>> {
        match self {
            Place::Pool(_) => None,
            Place::Foreign(executor) => Some(executor),
        }
    }
}

impl fmt::Debug for Place {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Place::Pool(pool) => fmt::Debug::fmt(&**pool, f),
            Place::Foreign(executor) => f.debug_tuple("Executor").field(&executor.name()).finish(),
        }
    }
}
