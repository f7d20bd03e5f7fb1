//! Runs a contract test on every executor: the same body against an actor on a thread of its own
//! and against one on a pool of two workers.
//!
//! ```ignore
//! on_every_executor! {
//!     fn close_is_the_exit_sentinel(exec) {
//!         let handle = exec.spawn(Log::default());
//!         ...
//!     }
//! }
//! ```
//! expands to a module `close_is_the_exit_sentinel` with the tests `thread` and `pool`.

#![allow(dead_code, unused_macros)]

use std::sync::OnceLock;

use actor_core::{Actor, ActorHandle, Builder, Pool};

/// Where a test's actors run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Exec {
    Thread,
    Pool,
}

impl Exec {
    /// A builder that spawns on this executor.
    pub fn builder(self) -> Builder {
        match self {
            Exec::Thread => Builder::new(),
            Exec::Pool => Builder::new().pool(pool()),
        }
    }

    /// Spawns `actor` on this executor with default options.
    pub fn spawn<A: Actor>(self, actor: A) -> ActorHandle<A> {
        let handle = self.builder().spawn(actor).expect("spawn");
        assert_eq!(handle.is_pooled(), self == Exec::Pool);
        handle
    }
}

/// The pool the tests of one test binary share: two workers, as on the smallest machine the
/// project supports, so a test that blocks one worker still leaves one to the others.
pub fn pool() -> &'static Pool {
    static POOL: OnceLock<Pool> = OnceLock::new();
    POOL.get_or_init(|| {
        Pool::builder()
            .workers(2)
            .name("test-pool")
            .build()
            .expect("start the test pool")
    })
}

/// Defines `mod $name { #[test] fn thread(); #[test] fn pool(); }` running `$body` with `$exec`
/// bound to each [`Exec`].
macro_rules! on_every_executor {
    ($(
        $(#[doc = $doc:expr])*
        fn $name:ident($exec:ident) $body:block
    )*) => {$(
        $(#[doc = $doc])*
        mod $name {
            #[allow(unused_imports)]
            use super::*;

            fn body($exec: $crate::common::Exec) $body

            #[test]
            fn thread() {
                body($crate::common::Exec::Thread);
            }

            #[test]
            fn pool() {
                body($crate::common::Exec::Pool);
            }
        }
    )*};
}
#[allow(unused_imports)]
pub(crate) use on_every_executor;
