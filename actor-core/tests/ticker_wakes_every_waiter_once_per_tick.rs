//! A `Ticker` wakes every thread waiting for it once per tick, in tick order; a thread that was
//! not waiting catches up on the next tick only; stopping or dropping it releases every waiter.

use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use actor_core::{TickTimeoutError, Ticker, TickerStopped};

const GENEROUS: Duration = Duration::from_secs(5);

/// Stops the ticker when dropped, so a failed assertion releases the waiting threads of a scope
/// instead of leaving the scope waiting for them.
struct StopOnDrop<'a>(&'a Ticker);

impl Drop for StopOnDrop<'_> {
    fn drop(&mut self) {
        self.0.stop();
    }
}

#[test]
fn ticker_is_send_and_sync() {
    fn assert_traits<T: Send + Sync + std::fmt::Debug>() {}
    assert_traits::<Ticker>();
}

/// Gate-ordered: each tick happens only once every waiter is known to wait for it, so every
/// waiter must see every tick exactly once, in order.
#[test]
fn every_waiter_sees_every_tick_exactly_once_in_order() {
    const WAITERS: usize = 4;
    const TICKS: u64 = 25;
    let ticker = Ticker::manual();
    thread::scope(|s| {
        let _stop = StopOnDrop(&ticker);
        let waiters: Vec<_> = (0..WAITERS)
            .map(|_| {
                s.spawn(|| {
                    let mut seen = Vec::new();
                    while let Ok(tick) = ticker.wait_for_tick() {
                        seen.push(tick);
                    }
                    seen
                })
            })
            .collect();
        for expected in 1..=TICKS {
            assert!(
                ticker.wait_for_waiters(WAITERS, GENEROUS),
                "only {} of {WAITERS} threads waited for tick {expected}",
                ticker.waiting()
            );
            assert_eq!(ticker.tick(), Ok(expected));
        }
        assert!(ticker.wait_for_waiters(WAITERS, GENEROUS));
        ticker.stop();
        for waiter in waiters {
            assert_eq!(waiter.join().unwrap(), (1..=TICKS).collect::<Vec<_>>());
        }
    });
}

#[test]
fn a_late_waiter_catches_up_on_the_next_tick_only() {
    let ticker = Ticker::manual();
    assert_eq!(ticker.tick(), Ok(1));
    assert_eq!(ticker.tick(), Ok(2)); // nobody waited for these two
    thread::scope(|s| {
        let _stop = StopOnDrop(&ticker);
        let late = s.spawn(|| ticker.wait_for_tick());
        assert!(ticker.wait_for_waiters(1, GENEROUS));
        assert_eq!(ticker.tick(), Ok(3));
        assert_eq!(late.join().unwrap(), Ok(3));
    });
}

#[test]
fn stop_releases_every_waiter() {
    let ticker = Ticker::manual();
    thread::scope(|s| {
        let _stop = StopOnDrop(&ticker);
        let waiters: Vec<_> = (0..3).map(|_| s.spawn(|| ticker.wait_for_tick())).collect();
        let timed = s.spawn(|| ticker.wait_for_tick_timeout(Duration::from_secs(60)));
        assert!(ticker.wait_for_waiters(4, GENEROUS));
        ticker.stop();
        for waiter in waiters {
            assert_eq!(waiter.join().unwrap(), Err(TickerStopped));
        }
        assert_eq!(timed.join().unwrap(), Err(TickTimeoutError::Stopped));
    });
    assert_eq!(ticker.wait_for_tick(), Err(TickerStopped));
    assert_eq!(ticker.tick(), Err(TickerStopped));
    assert_eq!(ticker.last_tick(), 0);
}

#[test]
fn a_timed_out_waiter_no_longer_counts_as_waiting() {
    let ticker = Ticker::manual();
    assert_eq!(
        ticker.wait_for_tick_timeout(Duration::from_millis(1)),
        Err(TickTimeoutError::Timeout)
    );
    assert_eq!(ticker.waiting(), 0);
}

#[test]
fn an_interval_ticker_wakes_all_waiters_with_increasing_ticks() {
    const WAITERS: usize = 3;
    const WAKES: usize = 10;
    let ticker = Ticker::new(Duration::from_millis(2));
    thread::scope(|s| {
        let waiters: Vec<_> = (0..WAITERS)
            .map(|_| {
                s.spawn(|| {
                    (0..WAKES)
                        .map(|_| {
                            ticker
                                .wait_for_tick_timeout(GENEROUS)
                                .expect("the ticker stopped ticking")
                        })
                        .collect::<Vec<u64>>()
                })
            })
            .collect();
        for waiter in waiters {
            let seen = waiter.join().unwrap();
            assert_eq!(seen.len(), WAKES);
            // One wake per tick: never the same tick twice, never one from the past.
            assert!(
                seen.windows(2).all(|w| w[0] < w[1]),
                "ticks out of order: {seen:?}"
            );
            assert!(seen[0] >= 1);
        }
    });
    assert!(ticker.last_tick() >= WAKES as u64);
}

#[test]
fn dropping_an_interval_ticker_ends_its_thread_promptly() {
    let (dropped_tx, dropped) = mpsc::channel();
    thread::spawn(move || {
        let ticker = Ticker::new(Duration::from_secs(3600));
        let start = Instant::now();
        drop(ticker); // stops the ticking thread and joins it
        dropped_tx.send(start.elapsed()).unwrap();
    });
    let took = dropped
        .recv_timeout(GENEROUS)
        .expect("dropping the ticker waited for its hour-long interval");
    assert!(took < GENEROUS);
}

#[test]
fn arc_shared_ticker_stops_waiters_on_stop() {
    let ticker = std::sync::Arc::new(Ticker::new(Duration::from_secs(3600)));
    let waiter = {
        let ticker = std::sync::Arc::clone(&ticker);
        thread::spawn(move || ticker.wait_for_tick())
    };
    assert!(ticker.wait_for_waiters(1, GENEROUS));
    ticker.stop();
    assert_eq!(waiter.join().unwrap(), Err(TickerStopped));
}
