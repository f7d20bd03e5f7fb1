//! Property: for any program of sends among several actors (some of which stop), messages are
//! handled in exactly the global order they were sent, and every message sent is handled,
//! refused at `send`, or reported undelivered: none is lost.

use actor_sched::{Flow, Scheduler};
use proptest::prelude::*;
use std::cell::RefCell;
use std::rc::Rc;

/// One message: which actor gets it, a unique serial number, and what the handler does with it.
#[derive(Clone, Debug)]
struct Msg {
    to: usize,
    serial: u32,
    /// Messages the handler sends on (to actor index, forward count) when it handles this one.
    forwards: Vec<usize>,
    stop: bool,
}

fn programs() -> impl Strategy<Value = (usize, Vec<(usize, Vec<usize>, bool)>)> {
    (1_usize..6).prop_flat_map(|actors| {
        let msg = (
            0..actors,
            prop::collection::vec(0..actors, 0..3),
            prop::bool::weighted(0.05),
        );
        (Just(actors), prop::collection::vec(msg, 0..60))
    })
}

proptest! {
    #[test]
    fn handled_in_send_order_and_nothing_lost((actors, script) in programs()) {
        let sent_order = Rc::new(RefCell::new(Vec::<u32>::new()));
        let handled = Rc::new(RefCell::new(Vec::<u32>::new()));
        let refused = Rc::new(RefCell::new(0_u64));
        let next_serial = Rc::new(RefCell::new(0_u32));

        let mut sched = Scheduler::new();
        let mut addrs = Vec::new();
        for i in 0..actors {
            let handled = handled.clone();
            let sent_order = sent_order.clone();
            let refused = refused.clone();
            let next_serial = next_serial.clone();
            let addr = sched
                .spawn_actor(format!("a{i}"), move |msg: Msg, ctx| {
                    handled.borrow_mut().push(msg.serial);
                    for &to in &msg.forwards {
                        let serial = {
                            let mut next = next_serial.borrow_mut();
                            *next += 1;
                            *next
                        };
                        let fwd = Msg { to, serial, forwards: Vec::new(), stop: false };
                        match ctx.send(&format!("a{to}"), fwd) {
                            Ok(()) => sent_order.borrow_mut().push(serial),
                            Err(err) => {
                                assert!(err.is_finished());
                                *refused.borrow_mut() += 1;
                            }
                        }
                    }
                    if msg.stop { Flow::Stop } else { Flow::Continue }
                })
                .unwrap();
            addrs.push(addr);
        }

        for (to, forwards, stop) in script {
            let serial = {
                let mut next = next_serial.borrow_mut();
                *next += 1;
                *next
            };
            match addrs[to].send(Msg { to, serial, forwards, stop }) {
                Ok(()) => sent_order.borrow_mut().push(serial),
                Err(err) => {
                    prop_assert!(err.is_finished());
                    *refused.borrow_mut() += 1;
                }
            }
        }
        let report = sched.run();

        let mut undelivered = Vec::new();
        for addr in &addrs {
            for msg in addr.take_undelivered() {
                prop_assert!(addr.is_finished());
                prop_assert_eq!(msg.to, addrs.iter().position(|a| a == addr).unwrap());
                undelivered.push(msg.serial);
            }
        }
        // Handled messages, in handling order, are the sent ones minus the undelivered, in send order.
        let expected: Vec<u32> = sent_order
            .borrow()
            .iter()
            .copied()
            .filter(|s| !undelivered.contains(s))
            .collect();
        prop_assert_eq!(&*handled.borrow(), &expected);
        prop_assert_eq!(report.delivered(), handled.borrow().len() as u64);
        prop_assert_eq!(report.undelivered(), undelivered.len() as u64);
        let total_sent = u64::from(*next_serial.borrow());
        prop_assert_eq!(report.delivered() + report.undelivered() + *refused.borrow(), total_sent);
    }
}
