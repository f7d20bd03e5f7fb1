//! A thread that holds ordered locks and asks for one that does not rank above all of them gets a
//! `LockOrderError` at once: no lock is taken, nothing blocks, nothing panics.

use std::sync::Arc;

use actor_core::channel;
use actor_core::{LockOrderError, LockRank, OrderedMutex, acquire};

#[test]
fn asking_below_a_held_lock_is_a_violation_and_takes_nothing() {
    let x = OrderedMutex::new(1);
    let y = OrderedMutex::new(2);
    let z = OrderedMutex::new(3);
    assert!(x.rank() < y.rank() && y.rank() < z.rank());

    let held_y = y.lock().unwrap();
    let err = acquire((&z, &x)).unwrap_err();
    assert_eq!(
        err,
        LockOrderError::Violation {
            held: y.rank(),
            requested: x.rank()
        }
    );
    assert_eq!(err.held(), Some(y.rank()));
    assert_eq!(err.requested(), x.rank());
    assert!(err.to_string().starts_with("lock order violation"), "{err}");
    // Nothing of the failed request was taken: the record holds only `y` ...
    assert_eq!(LockRank::held_by_current_thread(), [y.rank()]);
    // ... and another thread can take `x` and `z` at once.
    std::thread::scope(|s| {
        s.spawn(|| {
            let held = acquire((&x, &z)).unwrap();
            assert_eq!((*held.0, *held.1), (1, 3));
        });
    });

    // Locks ranking above everything held are fine.
    let held_z = z.lock().unwrap();
    assert_eq!(LockRank::held_by_current_thread(), [y.rank(), z.rank()]);
    drop((held_y, held_z));
    assert!(LockRank::held_by_current_thread().is_empty());
    let held = acquire((&z, &x, &y)).unwrap();
    assert_eq!((*held.0, *held.1, *held.2), (3, 1, 2));
}

#[test]
fn taking_a_held_lock_again_is_a_violation_not_a_deadlock() {
    let lock = OrderedMutex::new(());
    let other = OrderedMutex::new(());
    let held = lock.lock().unwrap();
    let again = lock.lock().unwrap_err();
    assert_eq!(
        again,
        LockOrderError::Violation {
            held: lock.rank(),
            requested: lock.rank()
        }
    );
    assert_eq!(
        acquire((&other, &lock)).unwrap_err().requested(),
        lock.rank()
    );
    drop(held);
}

#[test]
fn naming_one_lock_twice_is_an_error() {
    let x = OrderedMutex::new(0);
    let y = OrderedMutex::new(0);
    let err = acquire((&x, &y, &x)).unwrap_err();
    assert_eq!(err, LockOrderError::Duplicate { rank: x.rank() });
    assert_eq!(err.held(), None);
    assert_eq!(err.requested(), x.rank());
    assert!(matches!(
        acquire((&y, &y)),
        Err(LockOrderError::Duplicate { .. })
    ));
    assert!(LockRank::held_by_current_thread().is_empty());
}

#[test]
fn a_violation_returns_at_once_even_while_another_thread_holds_the_lock() {
    let x = Arc::new(OrderedMutex::new(0));
    let y = OrderedMutex::new(0);
    let (taken_tx, taken_rx) = channel::bounded(0);
    let (release_tx, release_rx) = channel::bounded::<()>(0);
    let holder = {
        let x = Arc::clone(&x);
        std::thread::spawn(move || {
            let _held = x.lock().unwrap();
            taken_tx.send(()).unwrap();
            let _ = release_rx.recv();
        })
    };
    taken_rx.recv().unwrap();
    let held_y = y.lock().unwrap();
    // `x` is busy elsewhere, and asking for it here would break the order: the error comes
    // back without waiting for `x`.
    let err = x.lock().unwrap_err();
    assert_eq!(err.held(), Some(y.rank()));
    drop(held_y);
    release_tx.send(()).unwrap();
    holder.join().unwrap();
    assert_eq!(*x.lock().unwrap(), 0);
}

#[test]
fn releasing_out_of_order_keeps_the_record_right() {
    let x = OrderedMutex::new(0);
    let y = OrderedMutex::new(0);
    let gx = x.lock().unwrap();
    let gy = y.lock().unwrap();
    drop(gx);
    assert_eq!(LockRank::held_by_current_thread(), [y.rank()]);
    assert!(x.lock().is_err(), "y is still held and ranks above x");
    drop(gy);
    assert!(x.lock().is_ok());
}

#[test]
fn a_panic_while_holding_does_not_poison_later_use() {
    let x = Arc::new(OrderedMutex::new(5));
    let y = Arc::new(OrderedMutex::new(6));
    let (x2, y2) = (Arc::clone(&x), Arc::clone(&y));
    let result = std::thread::spawn(move || {
        let _held = acquire((&*y2, &*x2)).unwrap();
        panic!("a handler failed while holding both locks");
    })
    .join();
    assert!(result.is_err());
    assert!(x.is_poisoned() && y.is_poisoned());
    let held = acquire((&*x, &*y)).unwrap();
    assert_eq!((*held.0, *held.1), (5, 6));
}
