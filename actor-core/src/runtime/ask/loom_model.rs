//! Model checks of the reply slot and the end watch: loom runs `Waiting`, `ReplyTo`, `CallAsk`
//! and `EndWatch` themselves through every interleaving (within the preemption bound of
//! `sync::checked`) of the asker and the two or three threads that may settle its request.
//!
//! In every interleaving each model checks that:
//! - exactly one outcome wins: the reply, the port dropped, the deadline or the actor's end;
//! - the asker always wakes: a parked asker nobody unparks is a deadlock, which loom reports;
//! - a reply that lost is handed back to the replier, and every reply value is dropped exactly
//!   once;
//! - a call (an ask through a `Context`) runs exactly once, and every end-watch call exactly once.
//!
//! The model has no clock: an asker with a deadline finds it passed at its first look, which is
//! the timeout at its earliest, racing everything else.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize as Count, Ordering::SeqCst};
use std::time::Instant;

use super::{CallAsk, EndWatch, NoReply, Waiter, Waiting};
use crate::lifecycle::Down;
use crate::sync::checked::{self, thread};
use crate::{ActorId, ExitReason};

/// A reply that counts its drops (a plain counter: it is read only after every thread joined).
struct Value {
    drops: Arc<Count>,
}

impl Drop for Value {
    fn drop(&mut self) {
        self.drops.fetch_add(1, SeqCst);
    }
}

fn down() -> Down {
    Down {
        id: ActorId::next(),
        name: crate::lifecycle::monitor::DownName::of(Some("asked")),
        reason: ExitReason::Closed,
        undelivered: 0,
    }
}

/// Replies from another thread; the thread returns `true` if the reply was handed back (and
/// drops it there).
fn reply_from_thread(port: super::ReplyTo<Value>, drops: &Arc<Count>) -> thread::JoinHandle<bool> {
    let drops = Arc::clone(drops);
    thread::spawn(move || port.reply(Value { drops }).is_err())
}

/// Exactly one side ends up with a reply that raced the other outcomes: the asker, which
/// `received` it, or the replier, to which it was `handed_back`.
fn one_side_has_the_reply(received: bool, handed_back: bool) {
    assert!(
        !(received && handed_back),
        "the reply was both received and handed back"
    );
    assert!(received || handed_back, "the reply was lost");
}

fn end_from_thread(end: &Arc<EndWatch>) -> thread::JoinHandle<()> {
    let end = Arc::clone(end);
    thread::spawn(move || end.mark_ended(down()))
}

/// `ask` without a deadline: the reply wakes the asker wherever it is (spinning, registering
/// with the end watch, parked).
#[test]
fn a_reply_wakes_the_asker() {
    checked::model(|| {
        let drops = Arc::new(Count::new(0));
        let end = Arc::new(EndWatch::new());
        let (waiting, port) = Waiting::<Value>::new();
        let replier = reply_from_thread(port, &drops);
        let got = waiting.wait(&end, None);
        assert!(got.is_ok());
        assert!(!replier.join().unwrap(), "the reply was handed back");
        drop(got);
        assert_eq!(drops.load(SeqCst), 1);
    });
}

/// The port dropped unanswered wakes the asker with `Stopped`.
#[test]
fn the_port_dropped_wakes_the_asker() {
    checked::model(|| {
        let end = Arc::new(EndWatch::new());
        let (waiting, port) = Waiting::<Value>::new();
        let dropper = thread::spawn(move || drop(port));
        assert!(matches!(waiting.wait(&end, None), Err(NoReply::Stopped)));
        dropper.join().unwrap();
    });
}

/// `ask` without a deadline: the reply races the end of the asked actor's run while the asker
/// spins, registers with the end watch and parks.
#[test]
fn a_reply_races_the_actor_ending() {
    checked::model(|| {
        let drops = Arc::new(Count::new(0));
        let end = Arc::new(EndWatch::new());
        let (waiting, port) = Waiting::<Value>::new();
        let replier = reply_from_thread(port, &drops);
        let ender = end_from_thread(&end);
        let got = waiting.wait(&end, None);
        let handed_back = replier.join().unwrap();
        ender.join().unwrap();
        assert!(!matches!(got, Err(NoReply::Timeout)), "no deadline was set");
        one_side_has_the_reply(got.is_ok(), handed_back);
        drop(got);
        assert_eq!(drops.load(SeqCst), 1);
    });
}

/// `ask_timeout`: the reply races the deadline and the end of the asked actor's run.
#[test]
fn a_reply_races_the_timeout_and_the_actor_ending() {
    checked::model(|| {
        let drops = Arc::new(Count::new(0));
        let end = Arc::new(EndWatch::new());
        let (waiting, port) = Waiting::<Value>::new();
        let replier = reply_from_thread(port, &drops);
        let ender = end_from_thread(&end);
        let got = waiting.wait(&end, Some(Instant::now()));
        let handed_back = replier.join().unwrap();
        ender.join().unwrap();
        one_side_has_the_reply(got.is_ok(), handed_back);
        drop(got);
        assert_eq!(drops.load(SeqCst), 1);
    });
}

/// The port is dropped unanswered while the asked actor's run ends: the parked asker wakes with
/// `Stopped` either way.
#[test]
fn the_port_dropped_races_the_actor_ending() {
    checked::model(|| {
        let end = Arc::new(EndWatch::new());
        let (waiting, port) = Waiting::<Value>::new();
        let dropper = thread::spawn(move || drop(port));
        let ender = end_from_thread(&end);
        assert!(matches!(waiting.wait(&end, None), Err(NoReply::Stopped)));
        dropper.join().unwrap();
        ender.join().unwrap();
    });
}

/// An ask through a `Context`: the reply, the deadline's timer and the end of the asked actor's
/// run (through its end watch) race to settle the call, which runs exactly once.
#[test]
fn a_call_is_settled_once_by_reply_timeout_or_end() {
    checked::model(|| {
        let drops = Arc::new(Count::new(0));
        let outcomes = Arc::new(std::sync::Mutex::new(Vec::new()));
        let (call, port) = CallAsk::<Value>::new(Box::new({
            let outcomes = Arc::clone(&outcomes);
            move |outcome| outcomes.lock().unwrap().push(outcome)
        }));
        let end = Arc::new(EndWatch::new());
        end.register(Waiter::Slot(call.expiry()));
        let replier = reply_from_thread(port, &drops);
        let timer = {
            let expiry = call.expiry();
            thread::spawn(move || {
                if let Some(slot) = expiry.upgrade() {
                    slot.expire(NoReply::Timeout);
                }
            })
        };
        end.mark_ended(down());
        let handed_back = replier.join().unwrap();
        timer.join().unwrap();
        let outcomes = std::mem::take(&mut *outcomes.lock().unwrap());
        assert_eq!(outcomes.len(), 1, "the call runs exactly once");
        one_side_has_the_reply(outcomes[0].is_ok(), handed_back);
        drop(outcomes);
        drop(call);
        assert_eq!(drops.load(SeqCst), 1);
    });
}

/// Calls registered on the end watch while the run ends (monitors, links, registry entries):
/// each runs exactly once, at the end or at once if the end came first.
#[test]
fn end_watch_calls_race_the_end() {
    checked::model(|| {
        let end = Arc::new(EndWatch::new());
        let calls = Arc::new(Count::new(0));
        let watchers: Vec<_> = (0..2)
            .map(|_| {
                let end = Arc::clone(&end);
                let calls = Arc::clone(&calls);
                thread::spawn(move || {
                    end.on_end(Box::new(move |_| {
                        calls.fetch_add(1, SeqCst);
                    }));
                })
            })
            .collect();
        end.mark_ended(down());
        for watcher in watchers {
            watcher.join().unwrap();
        }
        assert_eq!(calls.load(SeqCst), 2);
    });
}
