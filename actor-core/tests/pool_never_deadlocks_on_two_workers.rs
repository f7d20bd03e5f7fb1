//! No documented use deadlocks a pool of two workers: handlers that wait for other actors ask
//! through their `Context`; `Addr::ask` on a worker is refused with an error value; the blocking
//! calls that are allowed on a worker (a send to a full bounded mailbox, `join`) get a stand-in
//! thread, so the pool's other actors keep running meanwhile.

use std::sync::mpsc;
use std::time::Duration;

use actor_core::{Actor, Addr, AskError, Context, ExitReason, Mailbox, NoReply, Pool, ReplyTo};

fn two_workers() -> Pool {
    Pool::builder().workers(2).name("two").build().unwrap()
}

/// A member of a ring that forwards each request `hops` more times around before it is answered:
/// every member waits for the next one, and with more hops than members each member has several
/// requests of its own outstanding at once.
struct Member {
    next: Option<Addr<Ring>>,
    /// Requests this member forwarded and still has to answer, by forward number.
    waiting: Vec<Option<ReplyTo<u64>>>,
}

enum Ring {
    Next(Addr<Ring>),
    Request(u64, ReplyTo<u64>),
    Answer(usize, Result<u64, NoReply>),
}

impl Actor for Member {
    type Msg = Ring;
    fn handle(&mut self, msg: Ring, ctx: &mut Context<Self>) {
        match msg {
            Ring::Next(next) => self.next = Some(next),
            Ring::Request(0, port) => {
                let _ = port.reply(0);
            }
            Ring::Request(hops, port) => {
                let slot = self.waiting.len();
                self.waiting.push(Some(port));
                let next = self.next.as_ref().expect("the ring is closed first");
                ctx.ask(
                    next,
                    |p| Ring::Request(hops - 1, p),
                    move |answer| Ring::Answer(slot, answer),
                )
                .map_err(|_| "a member is alive while the ring runs")
                .unwrap();
            }
            Ring::Answer(slot, answer) => {
                let port = self.waiting[slot].take().expect("one answer per request");
                let _ = port.reply(answer.expect("every member answers") + 1);
            }
        }
    }
}

#[test]
fn pool_never_deadlocks_on_two_workers_asking_in_a_cycle() {
    let pool = two_workers();
    let members: Vec<_> = (0..100)
        .map(|_| {
            pool.spawn(Member {
                next: None,
                waiting: Vec::new(),
            })
        })
        .collect();
    for (i, member) in members.iter().enumerate() {
        member
            .addr()
            .send(Ring::Next(members[(i + 1) % 100].addr()))
            .unwrap();
    }
    // Every member starts a request of 250 hops at once: 100 chains of waits around the cycle.
    let answers: Vec<_> = std::thread::scope(|scope| {
        let askers: Vec<_> = members
            .iter()
            .map(|member| {
                let addr = member.addr();
                scope.spawn(move || {
                    addr.ask_timeout(|p| Ring::Request(250, p), Duration::from_secs(60))
                })
            })
            .collect();
        askers.into_iter().map(|a| a.join().unwrap()).collect()
    });
    for answer in answers {
        assert_eq!(answer.map_err(|e| e.to_string()), Ok(250));
    }
    for member in &members {
        member.close();
    }
    for member in members {
        assert_eq!(member.join().reason(), &ExitReason::Closed);
    }
    assert_eq!(pool.actors(), 0);
}

#[test]
fn addr_ask_on_a_pool_worker_is_refused_with_the_request_back() {
    struct Echo;
    impl Actor for Echo {
        type Msg = ReplyTo<u8>;
        fn handle(&mut self, port: ReplyTo<u8>, _ctx: &mut Context<Self>) {
            let _ = port.reply(1);
        }
    }
    struct Blocker(Option<Result<u8, AskError<ReplyTo<u8>>>>);
    impl Actor for Blocker {
        type Msg = Addr<ReplyTo<u8>>;
        fn handle(&mut self, echo: Addr<ReplyTo<u8>>, ctx: &mut Context<Self>) {
            self.0 = Some(echo.ask_timeout(|p| p, Duration::from_secs(60)));
            ctx.close();
        }
    }
    let pool = two_workers();
    let echo = pool.spawn(Echo);
    let blocker = pool.spawn(Blocker(None));
    blocker.addr().send(echo.addr()).unwrap();
    let refused = blocker.join().into_state().0.expect("the handler ran");
    match refused {
        Err(AskError::WouldBlock(port)) => assert_eq!(port.reply(9), Err(9)),
        other => panic!(
            "expected WouldBlock, got {:?}",
            other.map_err(|e| e.to_string())
        ),
    }
    // The same ask from a plain thread works.
    assert_eq!(echo.addr().ask(|p| p).unwrap(), 1);
}

/// Both workers of a two-worker pool end up blocked: one in a handler waiting at a gate, the
/// other in a send to that actor's full bounded mailbox. A third actor still runs, on the stand-in
/// the pool started for the blocked sender.
#[test]
fn blocking_calls_on_a_worker_are_compensated() {
    struct Gatekeeper(mpsc::Sender<()>, mpsc::Receiver<()>);
    impl Actor for Gatekeeper {
        type Msg = u32;
        fn handle(&mut self, n: u32, _ctx: &mut Context<Self>) {
            if n == 0 {
                self.0.send(()).unwrap();
                self.1.recv().unwrap();
            }
        }
    }
    struct Pusher(mpsc::Sender<&'static str>);
    impl Actor for Pusher {
        type Msg = Addr<u32>;
        fn handle(&mut self, target: Addr<u32>, _ctx: &mut Context<Self>) {
            self.0.send("pushing").unwrap();
            for n in 1..=3 {
                target.send(n).unwrap(); // the second of these waits for room
            }
            self.0.send("pushed").unwrap();
        }
    }
    struct Echo;
    impl Actor for Echo {
        type Msg = ReplyTo<&'static str>;
        fn handle(&mut self, port: ReplyTo<&'static str>, _ctx: &mut Context<Self>) {
            let _ = port.reply("still running");
        }
    }

    let pool = two_workers();
    let (entered_tx, entered) = mpsc::channel();
    let (gate_tx, gate_rx) = mpsc::channel();
    let gatekeeper = actor_core::Builder::new()
        .pool(&pool)
        .mailbox(Mailbox::Bounded(1))
        .spawn(Gatekeeper(entered_tx, gate_rx))
        .unwrap();
    gatekeeper.addr().send(0).unwrap();
    entered.recv().unwrap(); // worker 1 is held at the gate
    let (progress_tx, progress) = mpsc::channel();
    let pusher = pool.spawn(Pusher(progress_tx));
    pusher.addr().send(gatekeeper.addr()).unwrap();
    assert_eq!(progress.recv().unwrap(), "pushing"); // worker 2 is about to block in send
    let echo = pool.spawn(Echo);
    assert_eq!(
        echo.addr()
            .ask_timeout(|p| p, Duration::from_secs(60))
            .unwrap(),
        "still running"
    );
    assert!(progress.try_recv().is_err(), "the pusher is still blocked");
    assert!(
        pool.threads() > 2,
        "a stand-in runs while a worker is blocked"
    );
    gate_tx.send(()).unwrap();
    assert_eq!(progress.recv().unwrap(), "pushed");
    gatekeeper.close();
    assert_eq!(gatekeeper.join().reason(), &ExitReason::Closed);
    pusher.close();
    echo.close();
    drop(pusher.join());
    drop(echo.join());
    pool.shutdown();
}

const ROUNDS: u32 = 200;

/// On a pool of a single worker, a handler that starts a child on the same pool and joins it
/// would wait forever for the worker it holds; the pool stands in for it instead.
#[test]
fn join_on_a_worker_is_compensated() {
    struct Child;
    impl Actor for Child {
        type Msg = u32;
        fn handle(&mut self, _n: u32, ctx: &mut Context<Self>) {
            ctx.close();
        }
    }
    struct Parent(Option<ExitReason>);
    impl Actor for Parent {
        type Msg = ();
        fn handle(&mut self, _msg: (), ctx: &mut Context<Self>) {
            let child = ctx.spawn(Child).expect("the pool runs");
            assert!(child.wait_started());
            child.addr().send(1).unwrap();
            self.0 = Some(child.join().reason().clone());
            ctx.close();
        }
    }
    // Many rounds: the stand-in started for `wait_started` is leaving just as the worker blocks
    // again in `join`, and it must not leave the pool without anyone to run the child.
    let pool = Pool::builder().workers(1).name("one").build().unwrap();
    for round in 0..ROUNDS {
        let parent = pool.spawn(Parent(None));
        parent.addr().send(()).unwrap();
        let outcome = parent
            .join_timeout(Duration::from_secs(60))
            .unwrap_or_else(|_| {
                panic!("round {round}: the parent's join of its child never ended")
            });
        assert_eq!(outcome.into_state().0, Some(ExitReason::Closed));
    }
    pool.shutdown();
}
