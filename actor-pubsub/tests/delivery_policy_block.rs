//! `DeliveryPolicy::Block`: a `send` to a full subscriber waits until it has room; nothing is
//! dropped.

mod common;

use std::sync::Arc;
use std::sync::mpsc;

use actor_pubsub::{DeliveryPolicy, Exchange, Recorder};
use common::{Announcing, Gated, finishes, recv};

#[test]
fn send_waits_for_room_and_drops_nothing() {
    finishes("the blocking scenario", || {
        let exc = Arc::new(Exchange::new(DeliveryPolicy::Block));
        let gated = Gated::<u32>::new(1);
        let (entering_tx, entering) = mpsc::channel();
        let sub = exc.attach(Announcing {
            inner: gated.addr(),
            entering: entering_tx,
        });

        assert_eq!(exc.send(1), 1); // fills the mailbox
        recv(&entering, "delivery of 1");
        let (done_tx, done) = mpsc::channel();
        let sender = {
            let exc = Arc::clone(&exc);
            std::thread::spawn(move || {
                let received = exc.send(2);
                done_tx.send(()).unwrap();
                received
            })
        };
        recv(&entering, "delivery of 2");
        // The mailbox stays full until the gate opens, so the send cannot have completed.
        assert!(done.try_recv().is_err());
        assert_eq!(sub.dropped(), 0);

        gated.open();
        recv(&done, "the blocked send to complete");
        assert_eq!(sender.join().unwrap(), 1);
        assert_eq!((sub.delivered(), sub.dropped()), (2, 0));
        assert_eq!(gated.finish(), [1, 2]);
    });
}

#[test]
fn a_full_bounded_channel_is_waited_for() {
    finishes("the blocking channel scenario", || {
        let exc = Arc::new(Exchange::new(DeliveryPolicy::Block));
        let (tx, rx) = actor_core::channel::bounded(1);
        let sub = exc.attach(tx);
        let seen = Recorder::new();
        let _seen = exc.attach(seen.clone());
        let sender = {
            let exc = Arc::clone(&exc);
            std::thread::spawn(move || (0..10).map(|n| exc.send(n)).sum::<usize>())
        };
        let got: Vec<u32> = (0..10).map(|_| rx.recv().unwrap()).collect();
        assert_eq!(sender.join().unwrap(), 20);
        assert_eq!(got, (0..10).collect::<Vec<_>>());
        assert_eq!(seen.messages(), got);
        assert_eq!((sub.delivered(), sub.dropped()), (10, 0));
    });
}
