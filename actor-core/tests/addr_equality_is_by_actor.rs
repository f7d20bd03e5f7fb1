//! Addresses are equal, and hash alike, exactly when they lead to the same actor, on every
//! executor; an error's `Debug` names the message type.

mod common;

use std::collections::HashMap;

use actor_core::{Actor, Context};
use common::on_every_executor;

struct Idle;

impl Actor for Idle {
    type Msg = u8;
    fn handle(&mut self, _msg: u8, _ctx: &mut Context<Self>) {}
}

on_every_executor! {
fn addr_equality_is_by_actor(exec) {
    let a = exec.spawn(Idle);
    let b = exec.spawn(Idle);
    assert_eq!(a.addr(), a.addr().clone());
    assert_ne!(a.addr(), b.addr());
    let mut seen = HashMap::new();
    for addr in [a.addr(), b.addr(), a.addr(), a.addr()] {
        *seen.entry(addr).or_insert(0) += 1;
    }
    assert_eq!(seen.len(), 2);
    assert_eq!(seen[&a.addr()], 3);
    assert_eq!(seen[&b.addr()], 1);
    drop(seen);
    // Still equal after the actor ended: the address names the actor, not its state.
    let kept = a.addr();
    a.close();
    drop(a.join());
    let err = kept.send(1).unwrap_err();
    assert_eq!(format!("{err:?}"), "SendError<u8>(..)");
    assert_eq!(err.to_string(), "sending to a closed mailbox");
    assert_eq!(kept, kept.clone());
    b.close();
    drop(b.join());
}
}
