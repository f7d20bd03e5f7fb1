//! `Handler<M>` and `Flow`: the fast-path actor, a function from one message to "go on" or "stop".

use crate::ctx::Ctx;

/// What an actor wants after handling a message.
///
/// # Examples
///
/// ```
/// use actor_sched::{Flow, Scheduler};
///
/// let mut sched = Scheduler::new();
/// let countdown = sched.spawn_unnamed(|n: u32, ctx| {
///     if n == 0 {
///         return Flow::Stop;
///     }
///     ctx.me().send(n - 1).unwrap();
///     Flow::Continue
/// });
/// countdown.send(3).unwrap();
/// let report = sched.run();
/// assert_eq!(report.delivered(), 4); // 3, 2, 1, 0
/// assert_eq!(report.actors_finished(), 1);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[must_use = "returning `Flow::Stop` finishes the actor"]
pub enum Flow {
    /// Keep the actor; it handles the next message sent to it.
    Continue,
    /// Finish the actor: its handler is dropped at once, messages still queued for it are counted
    /// as undelivered (and can be taken back with
    /// [`Addr::take_undelivered`](crate::Addr::take_undelivered)), and later sends fail with
    /// [`SchedError::Finished`](crate::SchedError::Finished).
    Stop,
}

/// An actor that handles messages of type `M` one at a time: the fast path.
///
/// Every `FnMut(M, &mut Ctx<'_, M>) -> Flow` closure is a `Handler<M>`; implement the trait on a
/// struct when the actor has more state than a closure comfortably holds. Spawn closures with
/// [`Scheduler::spawn_actor`](crate::Scheduler::spawn_actor) or
/// [`spawn_unnamed`](crate::Scheduler::spawn_unnamed), structs with
/// [`spawn_handler`](crate::Scheduler::spawn_handler).
///
/// # Examples
///
/// ```
/// use actor_sched::{Ctx, Flow, Handler, Scheduler};
///
/// struct Averager {
///     sum: f64,
///     count: u32,
/// }
///
/// impl Handler<Option<f64>> for Averager {
///     fn handle(&mut self, msg: Option<f64>, ctx: &mut Ctx<'_, Option<f64>>) -> Flow {
///         match msg {
///             Some(x) => {
///                 self.sum += x;
///                 self.count += 1;
///                 Flow::Continue
///             }
///             None => {
///                 ctx.send("result", self.sum / f64::from(self.count)).unwrap();
///                 Flow::Stop
///             }
///         }
///     }
/// }
///
/// let mut sched = Scheduler::new();
/// let avg = sched.spawn_handler("avg", Averager { sum: 0.0, count: 0 }).unwrap();
/// let result = std::rc::Rc::new(std::cell::Cell::new(0.0));
/// let r = result.clone();
/// sched.spawn_actor("result", move |x: f64, _| { r.set(x); Flow::Stop }).unwrap();
/// for x in [1.0, 2.0, 6.0] {
///     avg.send(Some(x)).unwrap();
/// }
/// avg.send(None).unwrap();
/// sched.run();
/// assert_eq!(result.get(), 3.0);
/// ```
pub trait Handler<M> {
    /// Handles one message. `ctx` reaches the actor's own address and the other actors.
    fn handle(&mut self, msg: M, ctx: &mut Ctx<'_, M>) -> Flow;
}

impl<M, F> Handler<M> for F
where
    F: FnMut(M, &mut Ctx<'_, M>) -> Flow,
{
    #[inline]
    fn handle(&mut self, msg: M, ctx: &mut Ctx<'_, M>) -> Flow {
        self(msg, ctx)
    }
}
