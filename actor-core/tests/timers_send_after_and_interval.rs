//! `send_after` delivers once, no earlier than its delay; `send_interval` delivers repeatedly and
//! stops when its handle is dropped or its actor is gone; timers release the `Addr` they hold.

use std::sync::mpsc;
use std::time::{Duration, Instant};

use actor_core::{ActorHandle, ExitReason, FnActor, Inbox, TimerHandle, Timers};

const GENEROUS: Duration = Duration::from_secs(5);

#[derive(Debug, PartialEq, Eq)]
enum Msg {
    Tick(u32),
    Marker,
}

/// An actor that reports every message it gets, with the time it got it.
fn recorder() -> (ActorHandle<FnActor<Msg>>, mpsc::Receiver<(Msg, Instant)>) {
    let (seen_tx, seen) = mpsc::channel();
    let handle = actor_core::spawn_fn(move |inbox: Inbox<Msg>| {
        loop {
            let msg = inbox.recv()?;
            seen_tx.send((msg, Instant::now())).unwrap();
        }
    });
    (handle, seen)
}

/// Polls `done` until it holds, failing loudly at the deadline.
fn eventually(what: &str, done: impl Fn() -> bool) {
    let deadline = Instant::now() + GENEROUS;
    while !done() {
        assert!(
            Instant::now() < deadline,
            "{what} did not happen within 5 s"
        );
        std::thread::sleep(Duration::from_millis(1));
    }
}

#[test]
fn timer_types_are_send_and_sync() {
    fn assert_traits<T: Send + Sync + std::fmt::Debug>() {}
    assert_traits::<TimerHandle>();
    assert_traits::<Timers>();
}

#[test]
fn send_after_delivers_once_after_at_least_the_delay() {
    let (handle, seen) = recorder();
    let addr = handle.addr();
    let delay = Duration::from_millis(30);
    let start = Instant::now();
    let timer = actor_core::send_after(&addr, delay, Msg::Tick(1));
    let (msg, at) = seen.recv_timeout(GENEROUS).expect("the timer never fired");
    assert_eq!(msg, Msg::Tick(1));
    assert!(at - start >= delay, "delivered after {:?}", at - start);
    assert!(
        !timer.cancel(),
        "a fired one-shot timer has nothing left to cancel"
    );

    addr.send(Msg::Marker).unwrap();
    addr.close();
    assert_eq!(handle.join().reason(), &ExitReason::Closed);
    let rest: Vec<Msg> = seen.iter().map(|(msg, _)| msg).collect();
    assert_eq!(rest, [Msg::Marker], "the timer delivered more than once");
}

#[test]
fn a_fired_one_shot_releases_the_addr() {
    let (handle, seen) = recorder();
    // The timer holds the only address besides the handle's own, which join gives up.
    actor_core::send_after(&handle.addr(), Duration::from_millis(1), Msg::Tick(7)).detach();
    let outcome = handle
        .join_timeout(GENEROUS)
        .expect("the timer kept the actor alive after firing");
    assert_eq!(outcome.reason(), &ExitReason::Closed);
    let got: Vec<Msg> = seen.iter().map(|(msg, _)| msg).collect();
    assert_eq!(got, [Msg::Tick(7)]);
}

#[test]
fn a_cancelled_one_shot_never_delivers_and_releases_the_addr() {
    let (handle, seen) = recorder();
    let timer = actor_core::send_after(&handle.addr(), Duration::from_secs(3600), Msg::Tick(1));
    assert!(!timer.is_finished());
    assert!(timer.cancel(), "the timer was pending");
    let outcome = handle
        .join_timeout(GENEROUS)
        .expect("a cancelled timer kept the actor alive");
    assert_eq!(outcome.reason(), &ExitReason::Closed);
    assert_eq!(seen.iter().count(), 0);
}

#[test]
fn send_interval_delivers_repeatedly_and_stops_when_its_handle_is_dropped() {
    let (handle, seen) = recorder();
    let addr = handle.addr();
    let mut n = 0;
    let timer = actor_core::send_interval(&addr, Duration::from_millis(2), move || {
        n += 1;
        Msg::Tick(n)
    });
    for expected in 1..=3 {
        let (msg, _) = seen
            .recv_timeout(GENEROUS)
            .expect("the interval stopped early");
        assert_eq!(msg, Msg::Tick(expected));
    }
    drop(timer); // when this returns, no tick is sent any more
    addr.send(Msg::Marker).unwrap();
    addr.close();
    assert_eq!(handle.join().reason(), &ExitReason::Closed);

    let rest: Vec<Msg> = seen.iter().map(|(msg, _)| msg).collect();
    assert_eq!(
        rest.last(),
        Some(&Msg::Marker),
        "a tick came after the drop: {rest:?}"
    );
    let ticks: Vec<u32> = rest
        .iter()
        .filter_map(|msg| match msg {
            Msg::Tick(n) => Some(*n),
            Msg::Marker => None,
        })
        .collect();
    assert_eq!(ticks, (4..4 + ticks.len() as u32).collect::<Vec<_>>());
}

#[test]
fn send_interval_ends_when_the_actor_is_gone() {
    let timers = Timers::new();
    let (got_tx, got) = mpsc::channel();
    let handle = actor_core::spawn_fn(move |inbox: Inbox<u32>| {
        got_tx.send(inbox.recv()?).unwrap();
        got_tx.send(inbox.recv()?).unwrap();
        Ok(()) // ends: the mailbox refuses further sends
    });
    let timer = timers.send_interval(&handle.addr(), Duration::from_millis(1), || 9);
    assert_eq!(handle.join().reason(), &ExitReason::Returned);
    assert_eq!(got.iter().collect::<Vec<_>>(), [9, 9]);
    eventually("the interval timer ending", || timer.is_finished());
    assert_eq!(timers.pending(), 0);
    assert!(timer.delivered() >= 2);
    assert!(!timer.cancel());
}

#[test]
fn a_panicking_make_msg_ends_the_timer_only() {
    let timers = Timers::new();
    let (handle, seen) = recorder();
    let addr = handle.addr();
    let mut n = 0;
    let bad = timers.send_interval(&addr, Duration::from_millis(1), move || {
        n += 1;
        assert!(n < 3, "make_msg gives up");
        Msg::Tick(n)
    });
    eventually("the panicking timer ending", || bad.is_finished());
    assert_eq!(bad.delivered(), 2);
    // The service still works.
    timers
        .send_after(&addr, Duration::from_millis(1), Msg::Marker)
        .detach();
    let got: Vec<Msg> = (0..3)
        .map(|_| seen.recv_timeout(GENEROUS).unwrap().0)
        .collect();
    assert_eq!(got, [Msg::Tick(1), Msg::Tick(2), Msg::Marker]);
}

#[test]
fn one_thread_serves_many_timers_in_deadline_order() {
    let timers = Timers::new();
    let (handle, seen) = recorder();
    let addr = handle.addr();
    let start = Instant::now();
    // Deadlines 2 ms apart, scheduled out of order.
    let delays: Vec<u32> = (0..40).map(|i| (i * 17) % 40).collect();
    let handles: Vec<TimerHandle> = delays
        .iter()
        .map(|&d| timers.send_after(&addr, Duration::from_millis(u64::from(d) * 2), Msg::Tick(d)))
        .collect();
    let got: Vec<(Msg, Instant)> = (0..delays.len())
        .map(|_| seen.recv_timeout(GENEROUS).expect("a timer never fired"))
        .collect();
    for (msg, at) in &got {
        let Msg::Tick(d) = msg else { unreachable!() };
        assert!(*at - start >= Duration::from_millis(u64::from(*d) * 2));
    }
    let mut ticks: Vec<u32> = got
        .into_iter()
        .map(|(msg, _)| match msg {
            Msg::Tick(d) => d,
            Msg::Marker => unreachable!(),
        })
        .collect();
    ticks.sort_unstable();
    assert_eq!(
        ticks,
        (0..40).collect::<Vec<_>>(),
        "each timer fires exactly once"
    );
    drop(handles);
    assert_eq!(timers.pending(), 0);
}

/// No thread per timer: scheduling many timers does not start threads.
#[cfg(target_os = "linux")]
#[test]
fn timers_do_not_start_a_thread_each() {
    fn threads() -> usize {
        let status = std::fs::read_to_string("/proc/self/status").unwrap();
        let line = status.lines().find(|l| l.starts_with("Threads:")).unwrap();
        line["Threads:".len()..].trim().parse().unwrap()
    }
    let timers = Timers::new();
    let (handle, _seen) = recorder();
    let before = threads();
    let handles: Vec<TimerHandle> = (0..500)
        .map(|i| timers.send_after(&handle.addr(), Duration::from_secs(3600 + i), Msg::Tick(0)))
        .collect();
    let during = threads();
    // Other tests of this file run meanwhile and start a few threads; 500 timers would be 500.
    assert!(
        during < before + 100,
        "{before} threads before, {during} with 500 timers"
    );
    assert_eq!(timers.pending(), 500);
    drop(handles);
    assert_eq!(timers.pending(), 0);
}

#[test]
fn dropping_a_timers_service_cancels_its_timers_and_releases_the_addrs() {
    let timers = Timers::new();
    let (handle, seen) = recorder();
    let timer = timers.send_after(&handle.addr(), Duration::from_secs(3600), Msg::Tick(1));
    timers
        .send_interval(&handle.addr(), Duration::from_secs(3600), || Msg::Tick(2))
        .detach();
    drop(timers);
    assert!(timer.is_finished());
    let outcome = handle
        .join_timeout(GENEROUS)
        .expect("a dropped service kept the actor alive");
    assert_eq!(outcome.reason(), &ExitReason::Closed);
    assert_eq!(seen.iter().count(), 0);
    assert!(!timer.cancel());
}

/// `cancel` on a live interval timer returns `true` and, when it returns, the timer's closure
/// (and what it holds) is gone, also when the cancel comes while the timer is sending: its
/// closure builds each message slowly, so many of the rounds catch it in the middle of a send.
#[test]
fn cancel_of_a_live_interval_timer_is_true_and_drops_the_closure_first() {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, Ordering::SeqCst};

    /// Sets its flag when dropped.
    struct Marker(Arc<AtomicBool>);
    impl Drop for Marker {
        fn drop(&mut self) {
            self.0.store(true, SeqCst);
        }
    }

    let handle = actor_core::spawn_fn(|inbox: actor_core::Inbox<u64>| {
        while inbox.recv().is_ok() {}
        Ok(())
    });
    let addr = handle.addr();
    for round in 0..300 {
        let dropped = Arc::new(AtomicBool::new(false));
        let marker = Marker(Arc::clone(&dropped));
        let (fired_tx, fired) = std::sync::mpsc::channel();
        let timer = actor_core::send_interval(&addr, Duration::from_micros(1), move || {
            let _hold = &marker;
            let _ = fired_tx.send(());
            // Some work inside the send, so that the cancel below often lands in it.
            (0..2_000u64).fold(0, |acc, n| std::hint::black_box(acc ^ n))
        });
        fired.recv().unwrap(); // the timer is live and firing
        assert!(timer.cancel(), "round {round}: cancel stopped a live timer");
        assert!(
            dropped.load(SeqCst),
            "round {round}: cancel returned before the closure was dropped"
        );
    }
    addr.close();
    drop(addr);
    assert!(!handle.join().is_panic());
}
