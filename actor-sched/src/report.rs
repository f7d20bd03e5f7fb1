//! `Report` and `Step`: what a run of the scheduler did.

/// What [`Scheduler::run`](crate::Scheduler::run) or [`run_for`](crate::Scheduler::run_for) did,
/// counted over that call (or, from [`Scheduler::totals`](crate::Scheduler::totals), over the
/// scheduler's life).
///
/// No message is lost silently: a message is either delivered, refused at `send` (the error hands
/// it back), or, if its actor finished while it was queued, counted in
/// [`undelivered`](Report::undelivered) and kept for
/// [`Addr::take_undelivered`](crate::Addr::take_undelivered).
///
/// # Examples
///
/// ```
/// use actor_sched::{Flow, Scheduler};
///
/// let mut sched = Scheduler::new();
/// let addr = sched.spawn_unnamed(|n: u32, _| if n == 2 { Flow::Stop } else { Flow::Continue });
/// for n in 1..=4 {
///     addr.send(n).unwrap();
/// }
/// let report = sched.run();
/// assert_eq!(report.delivered(), 2);
/// assert_eq!(report.undelivered(), 2);
/// assert_eq!(report.actors_finished(), 1);
/// assert_eq!(addr.take_undelivered(), [3, 4]);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Report {
    pub(crate) delivered: u64,
    pub(crate) polls: u64,
    pub(crate) actors_finished: u64,
    pub(crate) tasks_finished: u64,
    pub(crate) undelivered: u64,
    pub(crate) turns: u64,
    pub(crate) timers_fired: u64,
}

impl Report {
    /// Messages dispatched to actors.
    pub fn delivered(&self) -> u64 {
        self.delivered
    }

    /// Times a task or async actor was polled (each is one step of a generator).
    pub fn polls(&self) -> u64 {
        self.polls
    }

    /// Actors that finished: a handler returned [`Flow::Stop`](crate::Flow::Stop), or an async
    /// actor's future returned.
    pub fn actors_finished(&self) -> u64 {
        self.actors_finished
    }

    /// Tasks (spawned with [`Scheduler::spawn`](crate::Scheduler::spawn)) that ran to the end.
    pub fn tasks_finished(&self) -> u64 {
        self.tasks_finished
    }

    /// Messages still queued for an actor when it finished, so never handled. They are counted when
    /// the actor finishes and stay retrievable with
    /// [`Addr::take_undelivered`](crate::Addr::take_undelivered) or
    /// [`Scheduler::take_undelivered`](crate::Scheduler::take_undelivered).
    pub fn undelivered(&self) -> u64 {
        self.undelivered
    }

    /// Turns of `actor_core::Actor`s run (each handles one message, or runs a hook).
    pub fn turns(&self) -> u64 {
        self.turns
    }

    /// Timers that fired on the virtual clock.
    pub fn timers_fired(&self) -> u64 {
        self.timers_fired
    }

    /// The counts of `self` minus those of `earlier`.
    pub(crate) fn since(&self, earlier: &Report) -> Report {
        Report {
            delivered: self.delivered - earlier.delivered,
            polls: self.polls - earlier.polls,
            actors_finished: self.actors_finished - earlier.actors_finished,
            tasks_finished: self.tasks_finished - earlier.tasks_finished,
            undelivered: self.undelivered - earlier.undelivered,
            turns: self.turns - earlier.turns,
            timers_fired: self.timers_fired - earlier.timers_fired,
        }
    }
}

/// What one [`Scheduler::step`](crate::Scheduler::step) did.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Step {
    /// One message was dispatched to an actor.
    Delivered,
    /// One task or async actor was polled once (a turn of the round robin).
    Polled,
    /// One turn of an `actor_core::Actor` ran (one message, or its `started` hook).
    Turn,
    /// Nothing was queued and no timer was pending: the scheduler is idle.
    Idle,
}

impl Step {
    /// Whether the scheduler had nothing to do.
    pub fn is_idle(&self) -> bool {
        matches!(self, Step::Idle)
    }
}
