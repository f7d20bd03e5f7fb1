//! Running one test body over many seeds, to explore interleavings and name the one that fails.

use std::fmt;
use std::panic::{AssertUnwindSafe, catch_unwind};

use crate::Scheduler;

/// The first seed under which a body passed to [`check_seeds`] panicked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SeedFailure {
    /// The seed: `Scheduler::with_seed(seed)` replays the failing run.
    pub seed: u64,
    /// The panic's message.
    pub message: String,
}

impl fmt::Display for SeedFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "failed with seed {} (replay with Scheduler::with_seed({})): {}",
            self.seed, self.seed, self.message
        )
    }
}

impl std::error::Error for SeedFailure {}

/// Runs `body` once per seed, each time on a fresh `Scheduler::with_seed(seed)`, and stops at the
/// first seed under which it panics (an `assert!` failing).
///
/// # Errors
///
/// The [`SeedFailure`] naming that seed and the panic message.
///
/// ```
/// use actor_sched::{Scheduler, check_seeds};
/// use std::{cell::RefCell, rc::Rc};
///
/// // Two tasks append to a log; the test wrongly expects a fixed order.
/// let failure = check_seeds(0..100, |sched: &mut Scheduler| {
///     let log = Rc::new(RefCell::new(Vec::new()));
///     for n in 0..3 {
///         let log = log.clone();
///         sched.spawn(async move { log.borrow_mut().push(n) });
///     }
///     sched.run();
///     assert_eq!(*log.borrow(), [0, 1, 2], "tasks ran out of order");
/// })
/// .unwrap_err();
/// assert!(failure.message.contains("out of order"));
/// // The failing run replays exactly:
/// let replay = check_seeds([failure.seed], |sched: &mut Scheduler| {
///     let log = Rc::new(RefCell::new(Vec::new()));
///     for n in 0..3 {
///         let log = log.clone();
///         sched.spawn(async move { log.borrow_mut().push(n) });
///     }
///     sched.run();
///     assert_eq!(*log.borrow(), [0, 1, 2], "tasks ran out of order");
/// });
/// assert_eq!(replay.unwrap_err().seed, failure.seed);
/// ```
pub fn check_seeds<I, F>(seeds: I, mut body: F) -> Result<(), SeedFailure>
where
    I: IntoIterator<Item = u64>,
    F: FnMut(&mut Scheduler),
{
    for seed in seeds {
        let mut sched = Scheduler::with_seed(seed);
        if let Err(payload) = catch_unwind(AssertUnwindSafe(|| body(&mut sched))) {
            let message = payload
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| payload.downcast_ref::<&str>().map(|s| (*s).to_owned()))
                .unwrap_or_else(|| "a panic with a non-string payload".to_owned());
            return Err(SeedFailure { seed, message });
        }
    }
    Ok(())
}
