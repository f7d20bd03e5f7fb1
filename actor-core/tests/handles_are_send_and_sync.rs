//! Thread affinity is asserted: `Addr` is `Send + Sync` (also for a `!Sync` message type),
//! `ActorHandle` is `Send`, errors can cross threads.

use std::cell::Cell;

use actor_core::{
    Actor, ActorHandle, Addr, AskError, Context, Event, ExitReason, FnActor, NoReply, Outcome,
    Pool, PoolBuilder, ReplyTo, SendError, TimerId,
};

/// A handler-style actor whose message type is not `Sync`.
struct Local;

impl Actor for Local {
    type Msg = Cell<u8>;
    fn handle(&mut self, _msg: Cell<u8>, _ctx: &mut Context<Self>) {}
}

fn send_sync<T: Send + Sync>() {}
fn send<T: Send>() {}

#[test]
fn handles_are_send_and_sync() {
    // Cell<u8> is Send but not Sync: the address must still be shareable.
    send_sync::<Addr<Cell<u8>>>();
    send_sync::<Addr<String>>();
    send::<ActorHandle<FnActor<Cell<u8>>>>();
    send::<Outcome<FnActor<String>>>();
    send::<ReplyTo<Cell<u8>>>();
    send_sync::<SendError<String>>();
    send_sync::<AskError<String>>();
    send_sync::<ExitReason>();
    send_sync::<Event>();
    send::<ActorHandle<Local>>();
    send::<Outcome<Local>>();
    send_sync::<Pool>();
    send_sync::<PoolBuilder>();
    send_sync::<NoReply>();
    send_sync::<TimerId>();
}
