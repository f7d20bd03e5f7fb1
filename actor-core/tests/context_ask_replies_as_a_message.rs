//! `Context::ask` never waits: the answer to a request comes back as a message of the asker's own
//! type, and it always comes: the reply, `NoReply::Stopped` as soon as the asked actor drops the
//! port or ends without replying, or `NoReply::Timeout` at the deadline. A request that could
//! not be sent is an error value at once, and then no message follows.

mod common;

use std::sync::mpsc;
use std::time::Duration;

use actor_core::{Actor, Addr, AskError, Context, ExitReason, NoReply, ReplyTo};
use common::on_every_executor;

/// What the asked actor does with a request.
enum Req {
    Double(u64, ReplyTo<u64>),
    Drop(ReplyTo<u64>),
    Keep(ReplyTo<u64>),
    /// Waits at the gate, so requests queue up behind it.
    Block(mpsc::Receiver<()>),
}

struct Server {
    kept: Vec<ReplyTo<u64>>,
    entered: mpsc::Sender<()>,
}

impl Actor for Server {
    type Msg = Req;
    fn handle(&mut self, req: Req, _ctx: &mut Context<Self>) {
        match req {
            Req::Double(n, port) => {
                let _ = port.reply(n * 2);
            }
            Req::Drop(port) => drop(port),
            Req::Keep(port) => self.kept.push(port),
            Req::Block(gate) => {
                self.entered.send(()).unwrap();
                gate.recv().ok();
            }
        }
    }
}

/// How the asker asks.
enum Ask {
    Double(u64),
    Drop,
    Keep,
    KeepWithin(Duration),
    /// A `Double` whose answer the test expects after the server stopped.
    Queued,
}

enum Msg {
    Go(Addr<Req>, Ask),
    Answer(Result<u64, NoReply>),
    /// Acknowledges that every earlier message has been handled.
    Sync(mpsc::Sender<()>),
}

/// Asks on `Go`, reports each answer (or the immediate error) on `answers`.
struct Asker {
    answers: mpsc::Sender<Result<u64, String>>,
}

impl Actor for Asker {
    type Msg = Msg;
    fn handle(&mut self, msg: Msg, ctx: &mut Context<Self>) {
        match msg {
            Msg::Go(server, ask) => {
                let sent = match ask {
                    Ask::Double(n) => ctx.ask(&server, |p| Req::Double(n, p), Msg::Answer),
                    Ask::Drop => ctx.ask(&server, Req::Drop, Msg::Answer),
                    Ask::Keep => ctx.ask(&server, Req::Keep, Msg::Answer),
                    Ask::KeepWithin(d) => ctx.ask_timeout(&server, Req::Keep, d, Msg::Answer),
                    Ask::Queued => ctx.ask(&server, |p| Req::Double(1, p), Msg::Answer),
                };
                if let Err(err) = sent {
                    let back = matches!(err.into_inner(), Some(Req::Double(..) | Req::Keep(_)));
                    self.answers
                        .send(Err(format!("refused, request back: {back}")))
                        .unwrap();
                }
            }
            Msg::Answer(answer) => self
                .answers
                .send(answer.map_err(|e| format!("{e:?}")))
                .unwrap(),
            Msg::Sync(ack) => ack.send(()).unwrap(),
        }
    }
}

fn next(answers: &mpsc::Receiver<Result<u64, String>>) -> Result<u64, String> {
    answers
        .recv_timeout(Duration::from_secs(30))
        .expect("every ask through the context is answered")
}

on_every_executor! {
fn context_ask_gets_the_reply_the_drop_and_the_deadline(exec) {
    let (entered_tx, _entered) = mpsc::channel();
    let server = exec.spawn(Server { kept: Vec::new(), entered: entered_tx });
    let (answers_tx, answers) = mpsc::channel();
    let asker = exec.spawn(Asker { answers: answers_tx });
    let go = |ask| asker.addr().send(Msg::Go(server.addr(), ask)).unwrap();

    go(Ask::Double(21));
    assert_eq!(next(&answers), Ok(42));
    go(Ask::Drop);
    assert_eq!(next(&answers), Err("Stopped".into()));
    go(Ask::KeepWithin(Duration::from_millis(10)));
    assert_eq!(next(&answers), Err("Timeout".into()));

    // The server holds a port whose asker has given up: a late reply is handed back.
    server.stop();
    let kept = server.join().into_state().kept;
    assert_eq!(kept.len(), 1);
    for port in kept {
        assert_eq!(port.reply(5), Err(5));
    }
    asker.close();
    assert_eq!(asker.join().reason(), &ExitReason::Closed);
    assert!(answers.try_recv().is_err(), "exactly one answer per ask");
}

/// The asked actor ends with the request still queued (it comes back to its joiner, port and
/// all): the asker hears `Stopped` at once, not at some deadline.
fn context_ask_ends_when_the_asked_actor_ends_first(exec) {
    let (entered_tx, entered) = mpsc::channel();
    let server = exec.spawn(Server { kept: Vec::new(), entered: entered_tx });
    let (gate_tx, gate_rx) = mpsc::channel();
    server.addr().send(Req::Block(gate_rx)).unwrap();
    entered.recv().unwrap();
    let (answers_tx, answers) = mpsc::channel();
    let asker = exec.spawn(Asker { answers: answers_tx });
    asker.addr().send(Msg::Go(server.addr(), Ask::Queued)).unwrap();
    asker.addr().send(Msg::Go(server.addr(), Ask::Keep)).unwrap();
    let (ack_tx, ack) = mpsc::channel();
    asker.addr().send(Msg::Sync(ack_tx)).unwrap();
    ack.recv().unwrap(); // both requests are queued behind the blocked message now
    server.stop();
    gate_tx.send(()).unwrap();
    let outcome = server.join();
    assert_eq!(outcome.reason(), &ExitReason::Stopped);
    assert_eq!(outcome.undelivered().len(), 2, "the requests come back to the joiner");
    // Their ports are alive in the outcome, yet the asker has heard of the end.
    assert_eq!(next(&answers), Err("Stopped".into()));
    assert_eq!(next(&answers), Err("Stopped".into()));
    drop(outcome);
    asker.close();
    drop(asker.join());
}

/// A request that cannot be sent is an error value at once, with the request back; no message
/// follows it.
fn context_ask_to_a_closed_actor_is_refused_at_once(exec) {
    let (entered_tx, _entered) = mpsc::channel();
    let server = exec.spawn(Server { kept: Vec::new(), entered: entered_tx });
    let addr = server.addr();
    server.close();
    drop(server.join());
    let (answers_tx, answers) = mpsc::channel();
    let asker = exec.spawn(Asker { answers: answers_tx });
    asker.addr().send(Msg::Go(addr, Ask::Double(1))).unwrap();
    assert_eq!(next(&answers), Err("refused, request back: true".into()));
    asker.close();
    drop(asker.join());
    assert!(answers.recv_timeout(Duration::from_millis(20)).is_err());
}
}

/// A full bounded mailbox is refused with `Full` (a context ask never waits for room).
#[test]
fn context_ask_to_a_full_mailbox_is_refused_with_full() {
    struct Probe(Option<AskError<Req>>);
    impl Actor for Probe {
        type Msg = Addr<Req>;
        fn handle(&mut self, server: Addr<Req>, ctx: &mut Context<Self>) {
            self.0 = ctx
                .ask(
                    &server,
                    |p| Req::Double(1, p),
                    |_: Result<u64, NoReply>| server_gone(),
                )
                .err();
            ctx.close();
        }
    }
    fn server_gone() -> Addr<Req> {
        unreachable!("no answer comes for a refused request")
    }
    let (entered_tx, entered) = mpsc::channel();
    let server = actor_core::Builder::new()
        .mailbox(actor_core::Mailbox::Bounded(1))
        .pool(common::pool())
        .spawn(Server {
            kept: Vec::new(),
            entered: entered_tx,
        })
        .unwrap();
    let (gate_tx, gate_rx) = mpsc::channel();
    server.addr().send(Req::Block(gate_rx)).unwrap();
    entered.recv().unwrap();
    let (_second_gate, second_gate_rx) = mpsc::channel();
    server.addr().send(Req::Block(second_gate_rx)).unwrap(); // fills the one slot
    let probe = common::pool().spawn(Probe(None));
    probe.addr().send(server.addr()).unwrap();
    let refused = probe.join().into_state().0;
    assert!(matches!(refused, Some(AskError::Full(Req::Double(1, _)))));
    server.stop(); // before the gate opens: the second blocking request is never handled
    gate_tx.send(()).unwrap();
    drop(server.join());
}
