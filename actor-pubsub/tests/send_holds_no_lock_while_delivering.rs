//! `send` holds no lock while it delivers: a subscriber may attach, detach and send on its own
//! exchange from inside its delivery, and a subscriber that blocks holds up only the thread that
//! is delivering to it, not other senders, attach or detach.
//!
//! Every scenario runs under a deadline: a lock held during delivery shows up as a loud failure,
//! not a hung test.

mod common;

use std::sync::mpsc;
use std::sync::{Arc, Mutex, Weak};

use actor_pubsub::{DeliveryPolicy, Exchange, Recorder, Subscription};
use common::{Announcing, Gated, finishes, recv};

#[test]
fn a_subscriber_attaches_detaches_and_sends_from_inside_its_delivery() {
    let (count, seen, late) = finishes("re-entrant delivery", || {
        let exc = Arc::new(Exchange::new(DeliveryPolicy::Block));
        let seen = Recorder::new();
        let late = Recorder::new();
        // The subscriber it adds on one message and removes on the next.
        let held: Mutex<Option<Subscription>> = Mutex::new(None);
        let weak: Weak<Exchange<u32>> = Arc::downgrade(&exc);
        let late_clone = late.clone();
        let _busy = exc.attach_fn(move |msg: u32| {
            let Some(exc) = weak.upgrade() else { return };
            let count_before = exc.subscriber_count();
            let mut held = held.lock().unwrap();
            match held.take() {
                None => *held = Some(exc.attach(late_clone.clone())),
                Some(sub) => {
                    assert!(exc.detach(&sub));
                    drop(sub);
                }
            }
            drop(held);
            assert_ne!(exc.subscriber_count(), count_before);
            if msg == 1 {
                // A nested send to the same exchange, from inside a delivery.
                exc.send(100);
            }
        });
        let _seen = exc.attach(seen.clone());
        for msg in 1..=4 {
            exc.send(msg);
        }
        (exc.subscriber_count(), seen, late)
    });
    // send(1): the first subscriber attaches `late` (not in this send's snapshot), then its
    // nested send(100) detaches `late` again before reaching it, and reaches `seen` before the
    // outer send does. send(2) attaches `late`, send(3) detaches it before its turn, send(4)
    // attaches it once more. So `late` never receives anything, and ends attached.
    assert_eq!(seen.messages(), [100, 1, 2, 3, 4]);
    assert!(late.is_empty());
    assert_eq!(count, 3);
}

#[test]
fn a_subscriber_detaches_itself_from_inside_its_delivery() {
    let (seen, counters, count) = finishes("self-detaching delivery", || {
        let exc = Arc::new(Exchange::new(DeliveryPolicy::Block));
        let own: Arc<Mutex<Option<Subscription>>> = Arc::new(Mutex::new(None));
        let own_in_handler = Arc::clone(&own);
        let sub = exc.attach_fn(move |msg: u32| {
            if msg == 2 {
                // Drops its own guard while the exchange is delivering to it.
                drop(own_in_handler.lock().unwrap().take());
            }
        });
        let counters = sub.counters();
        *own.lock().unwrap() = Some(sub);
        let seen = Recorder::new();
        let _seen = exc.attach(seen.clone());
        for msg in 1..=3 {
            exc.send(msg);
        }
        (seen, counters, exc.subscriber_count())
    });
    assert_eq!(seen.messages(), [1, 2, 3]);
    assert_eq!(counters.delivered(), 2);
    assert!(!counters.is_attached());
    assert_eq!(count, 1);
}

#[test]
fn a_blocked_subscriber_does_not_block_other_senders() {
    finishes("sending past a blocked subscriber", || {
        let exc = Arc::new(Exchange::new(DeliveryPolicy::Block));
        let (entered_tx, entered) = mpsc::channel::<()>();
        let (open_tx, open) = mpsc::channel::<()>();
        let open = Mutex::new(open);
        // Blocks inside its delivery of 0 until the test opens the gate.
        let _blocker = exc.attach_fn(move |msg: u32| {
            if msg == 0 {
                entered_tx.send(()).unwrap();
                open.lock().unwrap().recv().unwrap();
            }
        });
        let seen = Recorder::new();
        let _seen = exc.attach(seen.clone());

        let blocked_sender = {
            let exc = Arc::clone(&exc);
            std::thread::spawn(move || exc.send(0))
        };
        recv(&entered, "the blocker to enter its delivery");

        // The blocked delivery holds no lock: this thread sends, attaches and detaches freely.
        assert_eq!(exc.send(1), 2);
        let extra = Recorder::new();
        let extra_sub = exc.attach(extra.clone());
        assert_eq!(exc.send(2), 3);
        assert_eq!(exc.subscriber_count(), 3);
        assert!(exc.detach(&extra_sub));
        assert_eq!(extra.messages(), [2]);
        assert_eq!(seen.messages(), [1, 2]);

        open_tx.send(()).unwrap();
        assert_eq!(blocked_sender.join().unwrap(), 2);
        assert_eq!(seen.messages(), [1, 2, 0]);
    });
}

#[test]
fn a_full_actor_under_block_holds_up_only_its_sender() {
    finishes(
        "detaching a full subscriber while a sender waits on it",
        || {
            let exc = Arc::new(Exchange::new(DeliveryPolicy::Block));
            let gated = Gated::<u32>::new(1);
            let (entering_tx, entering) = mpsc::channel();
            let gated_sub = exc.attach(Announcing {
                inner: gated.addr(),
                entering: entering_tx,
            });

            assert_eq!(exc.send(1), 1); // fills the mailbox
            recv(&entering, "delivery of 1");
            let blocked_sender = {
                let exc = Arc::clone(&exc);
                std::thread::spawn(move || exc.send(2))
            };
            recv(&entering, "delivery of 2"); // it now waits for room that the gate withholds

            // Meanwhile: the full subscriber is detached, another attached, and a send goes through.
            assert!(exc.detach(&gated_sub));
            let seen = Recorder::new();
            let _seen = exc.attach(seen.clone());
            assert_eq!(exc.send(3), 1);
            assert_eq!(seen.messages(), [3]);
            assert!(!blocked_sender.is_finished());

            // Room at last: the waiting send delivers 2 and returns.
            gated.open();
            assert_eq!(recv(&gated.received, "the actor to take 1"), 1);
            assert_eq!(recv(&gated.received, "the actor to take 2"), 2);
            assert_eq!(blocked_sender.join().unwrap(), 1);
            assert!(gated.finish().is_empty(), "3 went to the recorder only");
        },
    );
}
