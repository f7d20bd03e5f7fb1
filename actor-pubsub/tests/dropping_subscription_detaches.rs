//! Dropping a `Subscription` detaches its subscriber: it receives nothing more, and the exchange
//! lets go of it (an actor it kept alive can end). `detach` by handle does the same.

mod common;

use actor_core::{Actor, Context, ExitReason};
use actor_pubsub::{DeliveryPolicy, Exchange, Recorder};

#[test]
fn a_dropped_subscription_receives_nothing_more() {
    let exc = Exchange::new(DeliveryPolicy::Block);
    let seen = Recorder::new();
    let sub = exc.attach(seen.clone());
    let counters = sub.counters();
    assert_eq!(exc.send("msg1"), 1);
    drop(sub);
    assert_eq!(exc.subscriber_count(), 0);
    assert_eq!(exc.send("msg2"), 0);
    assert_eq!(seen.messages(), ["msg1"]);
    assert_eq!(counters.delivered(), 1);
    assert!(!counters.is_attached());
}

#[test]
fn dropping_one_subscription_leaves_the_others() {
    let exc = Exchange::new(DeliveryPolicy::Block);
    let (a, b, c) = (Recorder::new(), Recorder::new(), Recorder::new());
    let sa = exc.attach(a.clone());
    let sb = exc.attach(b.clone());
    let sc = exc.attach(c.clone());
    drop(sb);
    assert_eq!(exc.send(1), 2);
    assert_eq!((a.len(), b.len(), c.len()), (1, 0, 1));
    assert!(sa.is_attached() && sc.is_attached());
}

#[test]
fn detach_by_handle_then_drop_detaches_once() {
    let exc = Exchange::new(DeliveryPolicy::Block);
    let (a, b) = (Recorder::new(), Recorder::new());
    let sa = exc.attach(a.clone());
    let _sb = exc.attach(b.clone());
    assert!(exc.detach(&sa));
    assert!(!exc.detach(&sa));
    assert!(!sa.is_attached());
    drop(sa); // must not touch the other subscriber
    assert_eq!(exc.send(1), 1);
    assert_eq!((a.len(), b.len()), (0, 1));
}

#[test]
fn a_subscription_of_another_exchange_is_not_detached() {
    let one = Exchange::new(DeliveryPolicy::Block);
    let two = Exchange::new(DeliveryPolicy::Block);
    let seen = Recorder::new();
    let sub = one.attach(seen.clone());
    let _other = two.attach(Recorder::<i32>::new());
    assert!(!two.detach(&sub));
    assert_eq!(two.subscriber_count(), 1);
    assert_eq!(one.send(5), 1);
}

struct Count(u32);

impl Actor for Count {
    type Msg = u32;
    fn handle(&mut self, _msg: u32, _ctx: &mut Context<Self>) {
        self.0 += 1;
    }
}

#[test]
fn dropping_the_subscription_releases_the_actor() {
    let exc = Exchange::new(DeliveryPolicy::Block);
    let handle = actor_core::spawn(Count(0));
    let sub = exc.attach(handle.addr());
    exc.send(1);
    exc.send(2);
    drop(sub);
    // The exchange held the last other address: with it gone, join sees the actor drain and end.
    let outcome = common::finishes("joining the released actor", move || handle.join());
    assert_eq!(outcome.reason(), &ExitReason::Closed);
    assert_eq!(outcome.into_state().0, 2);
}

#[test]
fn forget_keeps_the_subscriber_attached() {
    let exc = Exchange::new(DeliveryPolicy::Block);
    let seen = Recorder::new();
    let counters = exc.attach(seen.clone()).forget();
    assert_eq!(exc.send(1), 1);
    assert_eq!(exc.subscriber_count(), 1);
    assert!(counters.is_attached());
    assert_eq!(counters.delivered(), 1);
}

#[test]
fn a_subscription_may_outlive_its_exchange() {
    let exc = Exchange::new(DeliveryPolicy::Block);
    let sub = exc.attach(Recorder::<u8>::new());
    drop(exc);
    assert_eq!(sub.delivered(), 0);
    drop(sub); // nothing to detach from: no panic
}
