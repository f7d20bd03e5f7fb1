//! Starting a thread, learning that it ended, and stopping one early with a `CancelToken`.
//!
//! Mirrors the recipe "Starting and Stopping Threads" of the seed: the `countdown` thread, the
//! `CountdownTask` that polls for termination, and the `IOTask` timeout loop. Run:
//! `cargo run --example countdown`.
//!
//! The recipe's task sleeps a whole tick before it notices `terminate()`. This one sleeps on its
//! token, so it stops at once. Rust has no daemon threads: dropping a `JoinHandle` detaches the
//! thread, and the process ends when `main` returns.
use std::sync::mpsc::{self, RecvTimeoutError};
use std::thread;
use std::time::{Duration, Instant};

use actor_core::{CancelToken, Cancelled};
use examples::Out;

/// The countdown's tick (the recipe sleeps 0.25 s).
const TICK: Duration = Duration::from_millis(50);
/// The cancellable task's tick (the recipe sleeps 1 s): long, to show that cancelling does not
/// wait it out.
const LONG_TICK: Duration = Duration::from_millis(250);

fn countdown(out: &Out, mut n: u32) {
    while n > 0 {
        out.line(format_args!("T-minus {n}"));
        n -= 1;
        thread::sleep(TICK);
    }
}

/// The recipe's `CountdownTask`: `terminate()` cancels the token the task sleeps on.
struct CountdownTask {
    token: CancelToken,
}

impl CountdownTask {
    fn terminate(&self) {
        self.token.cancel();
    }

    /// Counts down from `n`, telling `said` each number it printed.
    fn run(&self, out: &Out, mut n: u32, said: &mpsc::Sender<u32>) -> Result<(), Cancelled> {
        while n > 0 {
            self.token.check()?;
            out.line(format_args!("T-minus {n}"));
            let _ = said.send(n);
            n -= 1;
            self.token.sleep(LONG_TICK)?; // returns at once on terminate()
        }
        Ok(())
    }
}

/// The recipe's `IOTask`: a blocking receive with a timeout, in a loop that checks the token.
fn io_task(out: &Out, token: &CancelToken, sock: &mpsc::Receiver<Vec<u8>>) {
    while !token.is_cancelled() {
        match sock.recv_timeout(TICK) {
            Ok(data) => return out.line(format_args!("IOTask: got {} bytes", data.len())),
            Err(RecvTimeoutError::Timeout) => continue,
            Err(RecvTimeoutError::Disconnected) => break,
        }
    }
    out.line("IOTask: terminated");
}

/// Runs the example, writing its lines to `out`.
pub fn run(out: &Out) {
    // t = Thread(target=countdown, args=(5,)); t.start()
    let t = {
        let out = out.clone();
        thread::spawn(move || countdown(&out, 5))
    };
    // The recipe asks `t.is_alive()` once the countdown is over.
    while !t.is_finished() {
        thread::sleep(TICK / 5);
    }
    out.line(format_args!("is_alive: {}", !t.is_finished()));
    t.join().expect("the countdown panicked");

    // c = CountdownTask(); t = Thread(target=c.run, args=(10,)); t.start()
    let c = std::sync::Arc::new(CountdownTask {
        token: CancelToken::new(),
    });
    let (said_tx, said) = mpsc::channel();
    let t = {
        let (c, out) = (std::sync::Arc::clone(&c), out.clone());
        thread::spawn(move || c.run(&out, 10, &said_tx))
    };
    // Terminate once `T-minus 10` and `T-minus 9` are out, as in the recipe's notebook.
    for _ in 0..2 {
        said.recv().expect("the countdown ended early");
    }
    let asked = Instant::now();
    c.terminate();
    let result = t.join().expect("the countdown panicked");
    let prompt = asked.elapsed() < LONG_TICK;
    out.line(format_args!(
        "terminated: {result:?}, joined within a tick: {prompt}"
    ));

    // An IOTask with nothing to read: terminate() ends its timeout loop.
    let token = CancelToken::new();
    let (_sock_tx, sock) = mpsc::channel::<Vec<u8>>();
    let t = {
        let (token, out) = (token.clone(), out.clone());
        thread::spawn(move || io_task(&out, &token, &sock))
    };
    token.cancel();
    t.join().expect("the IO task panicked");
}

fn main() {
    run(&Out::stdout());
}
