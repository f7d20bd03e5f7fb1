//! The scheduler and everything that reaches it stay on their thread: none of them is `Send` or
//! `Sync`.
//!
//! Checked at compile time: for a concrete type `T`, `<T as AmbiguousIfSend<_>>::check` has one
//! candidate impl when `T` is `!Send` and two (an ambiguity, so a compile error) when `T` is
//! `Send`. The compile-fail doctest on `Scheduler` checks the same the plain way.

use actor_sched::{Addr, Ctx, Handle, Inbox, Recv, Scheduler};

/// Implemented for every type with `()`, and for `Send` types also with `IsSend`.
trait AmbiguousIfSend<Marker> {
    fn check() {}
}
impl<T: ?Sized> AmbiguousIfSend<()> for T {}
#[allow(dead_code)]
struct IsSend;
impl<T: ?Sized + Send> AmbiguousIfSend<IsSend> for T {}

/// The same for `Sync`.
trait AmbiguousIfSync<Marker> {
    fn check() {}
}
impl<T: ?Sized> AmbiguousIfSync<()> for T {}
#[allow(dead_code)]
struct IsSync;
impl<T: ?Sized + Sync> AmbiguousIfSync<IsSync> for T {}

/// Fails to compile if the type is `Send` or `Sync`. It must name a concrete type: inside a generic
/// function the `Send` impl would never apply and the check would pass for anything.
macro_rules! assert_not_send_nor_sync {
    ($($t:ty),* $(,)?) => {
        $(
            const _: fn() = || {
                let _ = <$t as AmbiguousIfSend<_>>::check;
                let _ = <$t as AmbiguousIfSync<_>>::check;
            };
        )*
    };
}

assert_not_send_nor_sync!(
    Scheduler,
    Handle,
    Addr<u32>,
    Inbox<u32>,
    Recv<'static, u32>,
    Ctx<'static, u32>,
);

/// The messages themselves may well be `Send`; only the scheduler's side is pinned to its thread.
#[test]
fn a_scheduler_is_created_and_used_where_it_lives() {
    let mut sched = Scheduler::new();
    let addr = sched.spawn_unnamed(|_: u32, _| actor_sched::Flow::Continue);
    addr.send(1).unwrap();
    assert_eq!(sched.run().delivered(), 1);
}
