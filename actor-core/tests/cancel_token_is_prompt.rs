//! A thread sleeping or waiting on a `CancelToken` returns promptly once it is cancelled, and the
//! recipe's `CountdownTask` and `IOTask` stop without waiting out their tick or timeout.

use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use actor_core::{CancelToken, Cancelled, ExitReason, Inbox};

/// Far longer than a prompt wake-up can take, even on a loaded machine.
const GENEROUS: Duration = Duration::from_secs(5);
const LONG_SLEEP: Duration = Duration::from_secs(60);

#[test]
fn cancel_token_is_send_sync_and_clone() {
    fn assert_traits<T: Send + Sync + Clone + std::fmt::Debug>() {}
    assert_traits::<CancelToken>();
}

#[test]
fn a_sixty_second_sleep_returns_promptly_after_cancel() {
    let token = CancelToken::new();
    let (sleeping_tx, sleeping) = mpsc::channel();
    let (woke_tx, woke) = mpsc::channel();
    let sleeper = {
        let token = token.clone();
        thread::spawn(move || {
            sleeping_tx.send(()).unwrap();
            woke_tx.send(token.sleep(LONG_SLEEP)).unwrap();
        })
    };
    sleeping.recv().unwrap();
    token.cancel();
    let woke = woke
        .recv_timeout(GENEROUS)
        .expect("the sleeper did not wake within 5 s of the cancel");
    assert_eq!(woke, Err(Cancelled));
    sleeper.join().unwrap();
}

#[test]
fn countdown_task_stops_at_once_not_a_tick_later() {
    let token = CancelToken::new();
    let (said_tx, said) = mpsc::channel();
    let task = {
        let token = token.clone();
        thread::spawn(move || -> Result<(), Cancelled> {
            let mut n = 10;
            while n > 0 {
                token.check()?;
                said_tx.send(format!("T-minus {n}")).unwrap();
                n -= 1;
                token.sleep(LONG_SLEEP)?;
            }
            Ok(())
        })
    };
    assert_eq!(said.recv_timeout(GENEROUS).unwrap(), "T-minus 10");
    let cancelled_at = Instant::now();
    token.cancel();
    assert_eq!(task.join().unwrap(), Err(Cancelled));
    assert!(
        cancelled_at.elapsed() < GENEROUS,
        "the countdown finished its minute-long tick instead of stopping"
    );
    assert_eq!(
        said.try_iter().count(),
        0,
        "nothing is said after the cancel"
    );
}

#[test]
fn cancel_wakes_every_waiter() {
    let token = CancelToken::new();
    let (woke_tx, woke) = mpsc::channel();
    let (ready_tx, ready) = mpsc::channel();
    let waiters: Vec<_> = (0..4)
        .map(|i| {
            let token = token.clone();
            let woke_tx = woke_tx.clone();
            let ready_tx = ready_tx.clone();
            thread::spawn(move || {
                ready_tx.send(()).unwrap();
                if i % 2 == 0 {
                    token.wait();
                } else {
                    assert!(token.wait_timeout(LONG_SLEEP));
                }
                woke_tx.send(i).unwrap();
            })
        })
        .collect();
    for _ in 0..4 {
        ready.recv().unwrap();
    }
    token.cancel();
    let mut woken: Vec<usize> = (0..4)
        .map(|_| woke.recv_timeout(GENEROUS).expect("a waiter stayed asleep"))
        .collect();
    woken.sort_unstable();
    assert_eq!(woken, [0, 1, 2, 3]);
    for waiter in waiters {
        waiter.join().unwrap();
    }
}

#[test]
fn sleeping_on_a_cancelled_token_returns_at_once() {
    let token = CancelToken::new();
    token.clone().cancel();
    let (done_tx, done) = mpsc::channel();
    thread::spawn(move || {
        let slept = token.sleep(Duration::MAX);
        let checked = token.check();
        done_tx.send((slept, checked)).unwrap();
    });
    let (slept, checked) = done.recv_timeout(GENEROUS).expect("sleep did not return");
    assert_eq!(slept, Err(Cancelled));
    assert_eq!(checked, Err(Cancelled));
}

#[test]
fn without_cancel_sleep_lasts_the_full_duration() {
    let token = CancelToken::new();
    let start = Instant::now();
    assert_eq!(token.sleep(Duration::from_millis(20)), Ok(()));
    assert!(start.elapsed() >= Duration::from_millis(20));
    assert!(!token.wait_timeout(Duration::from_millis(1)));
    assert_eq!(token.check(), Ok(()));
}

/// The recipe's `IOTask` on an actor: a receive with a timeout in a loop that checks the token.
#[test]
fn io_task_loop_exits_when_cancelled() {
    let token = CancelToken::new();
    let (polling_tx, polling) = mpsc::channel();
    let io_task = {
        let token = token.clone();
        actor_core::spawn_fn(move |inbox: Inbox<Vec<u8>>| {
            let mut timeouts = 0u32;
            while !token.is_cancelled() {
                match inbox.recv_timeout(Duration::from_millis(5))? {
                    Some(data) => panic!("no data was sent, got {data:?}"),
                    None => {
                        timeouts += 1;
                        if timeouts == 1 {
                            polling_tx.send(()).unwrap();
                        }
                    }
                }
            }
            Ok(())
        })
    };
    polling
        .recv_timeout(GENEROUS)
        .expect("the task never polled");
    // Keep the mailbox open: only the cancel may end the loop.
    let _open = io_task.addr();
    token.cancel();
    let outcome = io_task
        .join_timeout(GENEROUS)
        .expect("the IO task did not notice the cancel within 5 s");
    assert_eq!(outcome.reason(), &ExitReason::Returned);
}

#[test]
fn io_task_returns_the_data_when_it_arrives() {
    let token = CancelToken::new();
    let (got_tx, got) = mpsc::channel();
    let io_task = {
        let token = token.clone();
        actor_core::spawn_fn(move |inbox: Inbox<Vec<u8>>| {
            while !token.is_cancelled() {
                if let Some(data) = inbox.recv_timeout(Duration::from_millis(5))? {
                    got_tx.send(data).unwrap();
                    break;
                }
            }
            Ok(())
        })
    };
    io_task.addr().send(b"GET /".to_vec()).unwrap();
    assert_eq!(got.recv_timeout(GENEROUS).unwrap(), b"GET /");
    let outcome = io_task
        .join_timeout(GENEROUS)
        .expect("the IO task did not end");
    assert_eq!(outcome.reason(), &ExitReason::Returned);
    assert!(!token.is_cancelled());
}
