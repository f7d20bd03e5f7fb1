//! A consumer waiting on several queues handles whichever has a message first, parks (no busy
//! polling) until one does, and gives up at its timeout.

use std::time::{Duration, Instant};

use actor_core::channel::{self, RecvError, RecvTimeoutError, TryRecvError};
use actor_core::{Select, SelectTimeoutError, recv_any, recv_any_timeout, try_recv_any};

/// Long enough never to be reached on a loaded machine; only a broken wake-up would hit it.
const GENEROUS: Duration = Duration::from_secs(30);

#[test]
fn select_picks_the_queue_that_got_a_message() {
    let (tx_num, rx_num) = channel::unbounded::<u32>();
    let (tx_text, rx_text) = channel::unbounded::<&'static str>();
    let (go_tx, go_rx) = channel::bounded::<()>(0);
    let sender = std::thread::spawn(move || {
        go_rx.recv().unwrap();
        tx_text.send("second queue").unwrap();
        tx_num
    });

    let mut sel = Select::new();
    let num = sel.recv(&rx_num);
    let text = sel.recv(&rx_text);
    assert!(sel.try_select().is_err(), "nothing was sent yet");
    go_tx.send(()).unwrap();
    let op = sel.select_timeout(GENEROUS).expect("a message was sent");
    assert_eq!(op.index(), text);
    assert_ne!(op.index(), num);
    assert_eq!(op.recv(&rx_text), Ok("second queue"));
    drop(sender.join().unwrap());
}

#[test]
fn select_times_out_when_no_queue_gets_a_message() {
    let (_tx_a, rx_a) = channel::unbounded::<u8>();
    let (_tx_b, rx_b) = channel::bounded::<String>(4);
    let mut sel = Select::new();
    sel.recv(&rx_a);
    sel.recv(&rx_b);
    let timeout = Duration::from_millis(30);
    let started = Instant::now();
    assert_eq!(sel.select_timeout(timeout).unwrap_err(), SelectTimeoutError);
    assert!(started.elapsed() >= timeout);

    let started = Instant::now();
    assert_eq!(
        recv_any_timeout(&[&rx_a, &rx_a.clone()], timeout),
        Err(RecvTimeoutError::Timeout)
    );
    assert!(started.elapsed() >= timeout);
}

#[test]
fn recv_any_wakes_as_soon_as_a_message_arrives() {
    let (tx_a, rx_a) = channel::unbounded();
    let (tx_b, rx_b) = channel::unbounded();
    let sender = std::thread::spawn(move || {
        // Makes it likely that the receiver is already blocked; the assertions below hold
        // whichever thread gets there first.
        std::thread::sleep(Duration::from_millis(20));
        tx_a.send("a").unwrap();
        tx_b
    });
    let started = Instant::now();
    assert_eq!(recv_any_timeout(&[&rx_a, &rx_b], GENEROUS), Ok((0, "a")));
    assert!(started.elapsed() < GENEROUS / 2);
    drop(sender.join().unwrap());
}

#[test]
fn recv_any_keeps_each_queues_order_and_skips_closed_queues() {
    let queues: Vec<_> = (0..3).map(|_| channel::unbounded::<u32>()).collect();
    let producers: Vec<_> = queues
        .iter()
        .enumerate()
        .map(|(q, (tx, _))| {
            let tx = tx.clone();
            std::thread::spawn(move || {
                for n in 0..1000 {
                    tx.send(q as u32 * 10_000 + n).unwrap();
                }
            })
        })
        .collect();
    let (senders, receivers): (Vec<_>, Vec<_>) = queues.into_iter().unzip();
    drop(senders); // each queue closes once its producer is done
    let receivers: Vec<_> = receivers.iter().collect();

    let mut seen: Vec<Vec<u32>> = vec![Vec::new(); 3];
    // Every producer ends, so every queue closes: the loop ends with `RecvError`.
    let end = loop {
        match recv_any(&receivers) {
            Ok((index, msg)) => seen[index].push(msg),
            Err(end) => break end,
        }
    };
    assert_eq!(end, RecvError);
    for (q, got) in seen.iter().enumerate() {
        let want: Vec<u32> = (0..1000).map(|n| q as u32 * 10_000 + n).collect();
        assert_eq!(got, &want, "queue {q} in order, nothing lost");
    }
    for producer in producers {
        producer.join().unwrap();
    }
    assert_eq!(try_recv_any(&receivers), Err(TryRecvError::Closed));
}

#[test]
fn a_closed_queue_does_not_hide_an_open_one() {
    let (tx_closed, rx_closed) = channel::unbounded::<u8>();
    let (tx_open, rx_open) = channel::unbounded::<u8>();
    drop(tx_closed);
    assert_eq!(
        try_recv_any(&[&rx_closed, &rx_open]),
        Err(TryRecvError::Empty)
    );
    tx_open.send(7).unwrap();
    assert_eq!(recv_any(&[&rx_closed, &rx_open]), Ok((1, 7)));
    assert_eq!(
        recv_any_timeout(&[&rx_closed, &rx_open], Duration::from_millis(5)),
        Err(RecvTimeoutError::Timeout)
    );
    drop(tx_open);
    assert_eq!(recv_any(&[&rx_closed, &rx_open]), Err(RecvError));
    assert_eq!(recv_any::<u8>(&[]), Err(RecvError));
}

#[test]
fn select_mixes_sends_and_receives_of_different_types() {
    let (tx_out, rx_out) = channel::bounded::<u64>(1);
    let (tx_in, rx_in) = channel::unbounded::<String>();
    tx_out.send(1).unwrap(); // full: the send is not ready
    tx_in.send("in".to_string()).unwrap();
    let mut sel = Select::new();
    let send = sel.send(&tx_out);
    let recv = sel.recv(&rx_in);
    let op = sel.select_timeout(GENEROUS).unwrap();
    assert_eq!(op.index(), recv);
    assert_eq!(op.recv(&rx_in).unwrap(), "in");

    assert_eq!(rx_out.recv(), Ok(1)); // room again: now the send is the ready one
    let op = sel.select_timeout(GENEROUS).unwrap();
    assert_eq!(op.index(), send);
    op.send(&tx_out, 2).unwrap();
    assert_eq!(rx_out.recv(), Ok(2));
}

/// Misusing a selected operation is a panic the caller can catch, never an abort, and a selected
/// receive is released so its channel goes on working.
mod misuse_is_a_catchable_panic {
    use actor_core::{Select, channel};
    use std::panic::{AssertUnwindSafe, catch_unwind};

    fn message_of(payload: Box<dyn std::any::Any + Send>) -> String {
        payload
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| payload.downcast_ref::<&str>().map(|s| (*s).to_owned()))
            .unwrap_or_default()
    }

    #[test]
    fn completing_with_a_clone_of_the_registered_receiver() {
        let (tx, rx) = channel::unbounded::<u32>();
        let clone = rx.clone();
        tx.send(1).unwrap();
        tx.send(2).unwrap();
        let caught = catch_unwind(AssertUnwindSafe(|| {
            let mut sel = Select::new();
            sel.recv(&rx);
            sel.select().recv(&clone)
        }));
        let message = message_of(caught.unwrap_err());
        assert!(message.contains("not the one registered"), "{message}");
        // The misused operation took message 1; the channel goes on with 2.
        assert_eq!(rx.try_recv(), Ok(2));
    }

    #[test]
    fn another_panic_before_the_operation_is_completed() {
        let (tx, rx) = channel::bounded::<u32>(1);
        tx.send(1).unwrap();
        let caught = catch_unwind(AssertUnwindSafe(|| {
            let mut sel = Select::new();
            sel.recv(&rx);
            let _op = sel.select();
            panic!("the caller's own bug");
        }));
        assert_eq!(message_of(caught.unwrap_err()), "the caller's own bug");
        // The abandoned receive was released: the bounded channel has room again.
        assert_eq!(tx.try_send(3).map_err(|e| e.into_inner()), Ok(()));
        assert_eq!(rx.try_recv(), Ok(3));
    }

    #[test]
    fn dropping_an_operation_without_completing_it() {
        let (tx, rx) = channel::unbounded::<u32>();
        tx.send(1).unwrap();
        let caught = catch_unwind(AssertUnwindSafe(|| {
            let mut sel = Select::new();
            sel.recv(&rx);
            drop(sel.select());
        }));
        let message = message_of(caught.unwrap_err());
        assert!(message.contains("without completing it"), "{message}");
        tx.send(2).unwrap();
        assert_eq!(rx.try_recv(), Ok(2));
    }

    #[test]
    fn completing_a_send_with_another_sender() {
        let (tx, _rx) = channel::unbounded::<u32>();
        let (other_tx, other_rx) = channel::unbounded::<u32>();
        let caught = catch_unwind(AssertUnwindSafe(|| {
            let mut sel = Select::new();
            sel.send(&tx);
            sel.select().send(&other_tx, 5)
        }));
        let message = message_of(caught.unwrap_err());
        assert!(message.contains("not the one registered"), "{message}");
        assert!(
            other_rx.try_recv().is_err(),
            "nothing was sent on the other channel"
        );
        // The registered channel keeps a slot set aside that no message will fill (see
        // `SelectedOperation`): its receiving side would wait for it when dropped. Keep it.
        std::mem::forget((tx, _rx));
    }

    #[test]
    fn completing_a_receive_as_a_send() {
        let (tx, rx) = channel::unbounded::<u32>();
        tx.send(1).unwrap();
        let caught = catch_unwind(AssertUnwindSafe(|| {
            let mut sel = Select::new();
            sel.recv(&rx);
            sel.select().send(&tx, 2)
        }));
        assert!(caught.is_err());
        tx.send(3).unwrap();
        assert_eq!(rx.try_recv(), Ok(3));
    }
}
