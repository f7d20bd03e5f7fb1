//! A subscriber whose actor has ended (or whose channel is disconnected) is detached by the next
//! `send`, is not counted as a receiver, and does not stop the others from receiving.

mod common;

use std::time::Duration;

use actor_core::{Actor, Context};
use actor_pubsub::{DeliveryPolicy, Exchange, Recorder};

struct Count(u32);

impl Actor for Count {
    type Msg = u32;
    fn handle(&mut self, msg: u32, _ctx: &mut Context<Self>) {
        assert!(msg != 99, "told to panic");
        self.0 += 1;
    }
}

fn check_policy(policy: DeliveryPolicy) {
    let exc = Exchange::new(policy);
    let before = Recorder::new();
    let after = Recorder::new();
    let _before = exc.attach(before.clone());
    let leaving = actor_core::spawn(Count(0));
    let leaving_sub = exc.attach(leaving.addr());
    let _after = exc.attach(after.clone());

    assert_eq!(exc.send(1), 3);
    leaving.addr().close();
    assert_eq!(leaving.join().into_state().0, 1);

    assert_eq!(
        exc.send(2),
        2,
        "the ended actor is not counted ({policy:?})"
    );
    assert!(!leaving_sub.is_attached());
    assert_eq!(leaving_sub.delivered(), 1);
    assert_eq!(leaving_sub.dropped(), 0);
    assert_eq!(exc.subscriber_count(), 2);
    assert_eq!(before.messages(), [1, 2]);
    assert_eq!(after.messages(), [1, 2]);

    assert_eq!(exc.send(3), 2);
    assert!(!exc.detach(&leaving_sub), "already detached");
}

#[test]
fn an_ended_actor_is_detached_under_block() {
    check_policy(DeliveryPolicy::Block);
}

#[test]
fn an_ended_actor_is_detached_under_skip() {
    check_policy(DeliveryPolicy::Skip);
}

#[test]
fn an_ended_actor_is_detached_under_timeout() {
    check_policy(DeliveryPolicy::Timeout(Duration::from_millis(50)));
}

#[test]
fn a_panicked_actor_is_detached() {
    let exc = Exchange::new(DeliveryPolicy::Block);
    let seen = Recorder::new();
    let fragile = actor_core::spawn(Count(0));
    let sub = exc.attach(fragile.addr());
    let _seen = exc.attach(seen.clone());
    assert_eq!(exc.send(99), 2);
    assert!(fragile.join().is_panic());
    assert_eq!(exc.send(1), 1);
    assert!(!sub.is_attached());
    assert_eq!(seen.messages(), [99, 1]);
}

#[test]
fn a_closed_but_running_actor_is_detached() {
    let exc = Exchange::new(DeliveryPolicy::Block);
    let gated = common::Gated::<u32>::new(4);
    let sub = exc.attach(gated.addr());
    assert_eq!(exc.send(1), 1);
    gated.addr().close(); // refuses new messages from now on, still has 1 to handle
    assert_eq!(exc.send(2), 0);
    assert!(!sub.is_attached());
    assert_eq!(gated.finish(), [1]);
}

#[test]
fn a_disconnected_channel_is_detached() {
    let exc = Exchange::new(DeliveryPolicy::Block);
    let (tx, rx) = actor_core::channel::unbounded();
    let sub = exc.attach(tx);
    assert_eq!(exc.send(1), 1);
    assert_eq!(rx.recv(), Ok(1));
    drop(rx);
    assert_eq!(exc.send(2), 0);
    assert!(!sub.is_attached());
    assert_eq!(exc.subscriber_count(), 0);
}
