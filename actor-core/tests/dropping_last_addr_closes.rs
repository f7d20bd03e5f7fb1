//! Contract 4: dropping the last `Addr` closes the mailbox: the actor drains what is queued,
//! ends `Closed`, and its thread ends (no leak), even when nobody joins.

use std::sync::mpsc;
use std::time::Duration;

mod common;

use actor_core::{Actor, Context, ExitReason};
use common::on_every_executor;

struct Count(u32);

impl Actor for Count {
    type Msg = u32;
    fn handle(&mut self, _msg: u32, _ctx: &mut Context<Self>) {
        self.0 += 1;
    }
}

on_every_executor! {
fn dropping_last_addr_closes_and_drains(exec) {
    let handle = exec.spawn(Count(0));
    let addr = handle.addr();
    let other = addr.clone();
    for n in 0..500 {
        addr.send(n).unwrap();
        other.send(n).unwrap();
    }
    drop(addr);
    drop(other);
    // join gives up the handle's own address: no address is left.
    let outcome = handle.join();
    assert_eq!(outcome.reason(), &ExitReason::Closed);
    assert_eq!(outcome.into_state().0, 1000);
}
}

/// Reports on a channel when the actor's state is dropped, which happens on the thread that ran
/// the actor (its own, or a pool worker) once a detached actor ends.
struct DropSignal {
    handled: u32,
    dropped: mpsc::Sender<(u32, String)>,
}

impl Actor for DropSignal {
    type Msg = ();
    fn handle(&mut self, _msg: (), _ctx: &mut Context<Self>) {
        self.handled += 1;
    }
}

impl Drop for DropSignal {
    fn drop(&mut self) {
        let thread = std::thread::current().name().unwrap_or("").to_owned();
        let _ = self.dropped.send((self.handled, thread));
    }
}

on_every_executor! {
fn dropping_every_addr_ends_the_actor(exec) {
    let (dropped_tx, dropped_rx) = mpsc::channel();
    let handle = exec
        .builder()
        .name("detached-actor")
        .spawn(DropSignal {
            handled: 0,
            dropped: dropped_tx,
        })
        .unwrap();
    let addr = handle.addr();
    for _ in 0..10 {
        addr.send(()).unwrap();
    }
    drop(handle); // detach
    drop(addr); // the last address
    let (handled, thread) = dropped_rx
        .recv_timeout(Duration::from_secs(30))
        .expect("the actor did not end after its last address was dropped");
    assert_eq!(handled, 10, "queued messages are handled before the end");
    match exec {
        common::Exec::Thread => assert_eq!(
            thread, "detached-actor",
            "the state is dropped on the actor's own thread"
        ),
        common::Exec::Pool => assert!(
            thread.starts_with("test-pool-"),
            "the state is dropped on a worker, not on {thread}"
        ),
    }
}
}

on_every_executor! {
fn an_addr_from_the_context_keeps_the_actor_alive(exec) {
    struct Relay(Option<actor_core::Addr<u32>>, Vec<u32>);
    impl Actor for Relay {
        type Msg = u32;
        fn started(&mut self, ctx: &mut Context<Self>) {
            self.0 = Some(ctx.addr());
        }
        fn handle(&mut self, n: u32, _ctx: &mut Context<Self>) {
            self.1.push(n);
            if n > 0 {
                self.0.as_ref().unwrap().send(n - 1).unwrap();
            } else {
                self.0 = None; // give up the last address: the actor drains and ends
            }
        }
    }
    let handle = exec.spawn(Relay(None, Vec::new()));
    handle.addr().send(3).unwrap();
    let outcome = handle.join();
    assert_eq!(outcome.reason(), &ExitReason::Closed);
    assert_eq!(outcome.into_state().1, [3, 2, 1, 0]);
}
}
