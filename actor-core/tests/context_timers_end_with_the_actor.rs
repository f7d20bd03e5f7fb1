//! An actor's own timers (`Context::send_after`, `Context::send_interval`) deliver to it on every
//! executor, can be cancelled by id, do not keep the actor alive, and are cancelled when it ends.

mod common;

use std::sync::mpsc;
use std::time::Duration;

use actor_core::{Actor, Context, ExitReason, TimerId};
use common::on_every_executor;

enum Msg {
    Start,
    Once,
    Tick,
    Never,
}

/// Signals when dropped: the interval's closure holds one, so its drop means the timer is gone.
struct DropSignal(mpsc::Sender<()>);

impl Drop for DropSignal {
    fn drop(&mut self) {
        let _ = self.0.send(());
    }
}

struct Timed {
    log: Vec<&'static str>,
    ticks: u32,
    never: Option<TimerId>,
    interval_dropped: Option<mpsc::Sender<()>>,
}

impl Actor for Timed {
    type Msg = Msg;
    fn handle(&mut self, msg: Msg, ctx: &mut Context<Self>) {
        match msg {
            Msg::Start => {
                self.never = Some(ctx.send_after(Duration::from_secs(3600), Msg::Never));
                ctx.send_after(Duration::from_millis(1), Msg::Once);
                let signal = DropSignal(self.interval_dropped.take().unwrap());
                ctx.send_interval(Duration::from_millis(1), move || {
                    let _held = &signal;
                    Msg::Tick
                });
            }
            Msg::Once => {
                self.log.push("once");
                let never = self.never.take().unwrap();
                assert!(ctx.cancel_timer(never), "a pending timer is cancelled");
                assert!(!ctx.cancel_timer(never), "only once");
            }
            Msg::Tick => {
                self.ticks += 1;
                if self.ticks == 3 {
                    ctx.stop(); // the interval is still running: ending the actor ends it
                }
            }
            Msg::Never => self.log.push("never"),
        }
    }
}

on_every_executor! {
fn context_timers_fire_cancel_and_end_with_the_actor(exec) {
    let (dropped_tx, dropped) = mpsc::channel();
    let handle = exec.spawn(Timed {
        log: Vec::new(),
        ticks: 0,
        never: None,
        interval_dropped: Some(dropped_tx),
    });
    let addr = handle.addr(); // timers do not keep the actor alive: this does
    addr.send(Msg::Start).unwrap();
    let outcome = handle.join();
    assert_eq!(outcome.reason(), &ExitReason::Stopped);
    let state = outcome.into_state();
    assert_eq!(state.ticks, 3);
    assert!(!state.log.contains(&"never"));
    dropped
        .recv_timeout(Duration::from_secs(30))
        .expect("the interval timer was dropped when the actor ended");
}

/// A pending timer does not keep its actor alive: with no address left, the actor ends.
fn a_pending_timer_does_not_keep_the_actor_alive(exec) {
    struct Waits;
    impl Actor for Waits {
        type Msg = ();
        fn started(&mut self, ctx: &mut Context<Self>) {
            ctx.send_after(Duration::from_secs(3600), ());
        }
        fn handle(&mut self, _msg: (), _ctx: &mut Context<Self>) {}
    }
    let handle = exec.spawn(Waits);
    let outcome = handle
        .join_timeout(Duration::from_secs(30))
        .expect("the actor ends with its last address");
    assert_eq!(outcome.reason(), &ExitReason::Closed);
}
}
