//! Contract 11: nothing is lost silently, also when nobody joins. Messages of a detached actor
//! that ends, timer messages that find a full or closed mailbox, and sends refused after the end
//! reach a dead-letter hook (counted, with the actor's id and name, the message type name and
//! why) when one is installed, and are counted when none is.

use std::sync::mpsc;
use std::time::Duration;

mod common;

use actor_core::{
    Actor, ActorHandle, ActorId, Builder, ChildSpec, Context, DeadLetter, DeadLetters, DeadReason,
    ExitReason, Mailbox, ReplyTo, Strategy, Supervisor, System,
};
use common::{Exec, on_every_executor};

/// The upper bound of every wait: generous, never reached when the library works.
const LONG: Duration = Duration::from_secs(10);

/// Holds its first message until the gate opens; records what it handles.
struct Held {
    entered: mpsc::Sender<()>,
    gate: mpsc::Receiver<()>,
    handled: Vec<u32>,
    /// On its first message, before it signals: sets a timer of its own that sends 99 in a
    /// millisecond, and closes its mailbox.
    timer_then_close: bool,
}

impl Actor for Held {
    type Msg = u32;
    fn handle(&mut self, n: u32, ctx: &mut Context<Self>) {
        if self.handled.is_empty() {
            if self.timer_then_close {
                ctx.send_after(Duration::from_millis(1), 99);
                ctx.close();
            }
            self.entered.send(()).unwrap();
            let _ = self.gate.recv();
        }
        self.handled.push(n);
    }
}

/// A held actor and the ends of its two channels.
struct Holding {
    handle: ActorHandle<Held>,
    entered: mpsc::Receiver<()>,
    gate: mpsc::Sender<()>,
}

fn hold(builder: Builder) -> Holding {
    hold_with(builder, false)
}

fn hold_with(builder: Builder, timer_then_close: bool) -> Holding {
    let (entered_tx, entered) = mpsc::channel();
    let (gate, gate_rx) = mpsc::channel();
    let handle = builder
        .name("held")
        .spawn(Held {
            entered: entered_tx,
            gate: gate_rx,
            handled: Vec::new(),
            timer_then_close,
        })
        .unwrap();
    Holding {
        handle,
        entered,
        gate,
    }
}

/// What the tests read from a letter.
#[derive(Debug, PartialEq)]
struct Seen {
    actor: ActorId,
    name: String,
    type_name: &'static str,
    reason: DeadReason,
    value: Option<u32>,
}

/// Installs a hook on `letters` that forwards every letter as a [`Seen`], its value taken as a
/// `u32` (after a wrong guess hands the letter back).
fn watch(letters: &DeadLetters) -> mpsc::Receiver<Seen> {
    let (seen_tx, seen_rx) = mpsc::channel();
    letters.set_hook(move |letter: DeadLetter| {
        let (actor, name, type_name, reason) = (
            letter.actor(),
            letter.name().to_owned(),
            letter.type_name(),
            letter.reason(),
        );
        let letter = match letter.downcast::<String>() {
            Ok(wrong) => panic!("not a String: {wrong}"),
            Err(letter) => letter,
        };
        let value = letter.downcast::<u32>().ok();
        let _ = seen_tx.send(Seen {
            actor,
            name,
            type_name,
            reason,
            value,
        });
    });
    seen_rx
}

fn take(seen: &mpsc::Receiver<Seen>, n: usize) -> Vec<Seen> {
    (0..n)
        .map(|_| seen.recv_timeout(LONG).expect("a dead letter"))
        .collect()
}

/// Spawns through `system` on `exec`.
fn in_system(exec: Exec, system: &System) -> Builder {
    match exec {
        Exec::Thread => system.builder(),
        Exec::Pool => system.builder().pool(common::pool()),
    }
}

/// Queues 2, 3, 4 behind a held 1, then stops the actor.
fn queue_three_behind_a_held_one_and_stop(holding: &Holding) {
    let addr = holding.handle.addr();
    addr.send(1).unwrap();
    holding.entered.recv_timeout(LONG).unwrap();
    for n in 2..=4 {
        addr.send(n).unwrap();
    }
    addr.stop();
}

fn undelivered(actor: ActorId, value: u32) -> Seen {
    Seen {
        actor,
        name: "held".into(),
        type_name: "u32",
        reason: DeadReason::Undelivered,
        value: Some(value),
    }
}

on_every_executor! {
/// A detached actor (its handle dropped while it runs) that ends with queued messages sends each
/// of them, with its value, to its system's hook.
fn a_detached_actor_sends_its_leftovers_to_the_hook(exec) {
    let system = System::new("detached");
    let seen = watch(system.dead_letters());
    let holding = hold(in_system(exec, &system));
    let id = holding.handle.id();
    let monitor = holding.handle.monitor();
    queue_three_behind_a_held_one_and_stop(&holding);
    let Holding { handle, gate, .. } = holding;
    drop(handle);
    gate.send(()).unwrap();
    let down = monitor.wait_timeout(LONG).expect("the actor ends");
    assert_eq!(down.reason(), &ExitReason::Stopped);
    assert_eq!(down.undelivered(), 3);
    assert_eq!(system.dead_letters().count(), 3, "delivered by the time the end is known");
    let letters = take(&seen, 3);
    assert_eq!(letters, (2..=4).map(|n| undelivered(id, n)).collect::<Vec<_>>());
    assert!(seen.try_recv().is_err());
}

/// The handle dropped after the actor ended: the drop hands the leftovers to the hook.
fn a_handle_dropped_after_the_end_sends_the_leftovers_to_the_hook(exec) {
    let system = System::new("detached late");
    let seen = watch(system.dead_letters());
    let holding = hold(in_system(exec, &system));
    let id = holding.handle.id();
    let monitor = holding.handle.monitor();
    queue_three_behind_a_held_one_and_stop(&holding);
    holding.gate.send(()).unwrap();
    monitor.wait_timeout(LONG).expect("the actor ends");
    assert_eq!(system.dead_letters().count(), 0, "the handle may still join");
    assert!(seen.try_recv().is_err());
    drop(holding.handle);
    assert_eq!(system.dead_letters().count(), 3, "the drop delivered them");
    let letters = take(&seen, 3);
    assert_eq!(letters, (2..=4).map(|n| undelivered(id, n)).collect::<Vec<_>>());
}

/// A joined actor's leftovers go to the joiner, not to the hook.
fn a_joined_actor_hands_its_leftovers_to_the_joiner_not_the_hook(exec) {
    let system = System::new("joined");
    let seen = watch(system.dead_letters());
    let holding = hold(in_system(exec, &system));
    queue_three_behind_a_held_one_and_stop(&holding);
    holding.gate.send(()).unwrap();
    let outcome = holding.handle.join();
    assert_eq!(outcome.undelivered(), [2, 3, 4]);
    assert_eq!(system.dead_letters().count(), 0);
    assert!(seen.try_recv().is_err());
}

/// Without a system the letters go to the process-wide place, which counts them (other tests
/// of this binary add theirs, so only the increase is checked).
fn an_actor_outside_any_system_counts_in_the_global_dead_letters(exec) {
    let before = DeadLetters::global().count();
    let holding = hold(exec.builder());
    let monitor = holding.handle.monitor();
    queue_three_behind_a_held_one_and_stop(&holding);
    let Holding { handle, gate, .. } = holding;
    drop(handle);
    gate.send(()).unwrap();
    monitor.wait_timeout(LONG).expect("the actor ends");
    assert!(DeadLetters::global().count() >= before + 3);
}

/// A timer message that finds the mailbox full is a dead letter, with its value.
fn a_timer_message_that_finds_the_mailbox_full_is_a_dead_letter(exec) {
    let system = System::new("timer full");
    let seen = watch(system.dead_letters());
    let holding = hold(in_system(exec, &system).mailbox(Mailbox::Bounded(1)));
    let addr = holding.handle.addr();
    addr.send(1).unwrap();
    holding.entered.recv_timeout(LONG).unwrap();
    addr.send(2).unwrap(); // the mailbox is full while the actor is held
    let _timer = actor_core::send_after(&addr, Duration::from_millis(1), 99);
    let letter = seen.recv_timeout(LONG).expect("the timer's message is a dead letter");
    assert_eq!(
        letter,
        Seen {
            actor: addr.id(),
            name: "held".into(),
            type_name: "u32",
            reason: DeadReason::TimerMissed,
            value: Some(99),
        }
    );
    holding.gate.send(()).unwrap();
    drop(addr);
    assert_eq!(holding.handle.join().into_state().handled, [1, 2]);
    assert_eq!(system.dead_letters().count(), 1);
}

/// An actor's own timer message that finds its mailbox closed is one dead letter, with its
/// value.
fn an_actor_timer_message_that_finds_the_mailbox_closed_is_a_dead_letter(exec) {
    let system = System::new("own timer closed");
    let seen = watch(system.dead_letters());
    let holding = hold_with(in_system(exec, &system), true);
    let addr = holding.handle.addr();
    addr.send(1).unwrap();
    holding.entered.recv_timeout(LONG).unwrap();
    // The actor is held with its mailbox closed, and its timer is due.
    let letter = seen.recv_timeout(LONG).expect("the timer's message is a dead letter");
    assert_eq!(
        letter,
        Seen {
            actor: addr.id(),
            name: "held".into(),
            type_name: "u32",
            reason: DeadReason::TimerMissed,
            value: Some(99),
        }
    );
    assert_eq!(system.dead_letters().count(), 1, "one letter for one message");
    holding.gate.send(()).unwrap();
    drop(addr);
    assert_eq!(holding.handle.join().into_state().handled, [1]);
}

/// A send refused after the end is counted and reported (the sender has the message back in the
/// error, so the letter carries no value).
fn a_send_refused_after_the_end_is_a_dead_letter(exec) {
    let system = System::new("refused");
    let seen = watch(system.dead_letters());
    let holding = hold(in_system(exec, &system));
    let addr = holding.handle.addr();
    addr.close();
    drop(holding.handle.join());
    assert_eq!(addr.send(5).unwrap_err().into_inner(), 5);
    assert_eq!(addr.try_send(6).unwrap_err().into_inner(), 6);
    assert_eq!(
        addr.send_timeout(7, Duration::from_millis(1)).unwrap_err().into_inner(),
        7
    );
    let letters = take(&seen, 3);
    for letter in &letters {
        assert_eq!(letter.actor, addr.id());
        assert_eq!(letter.name, "held");
        assert_eq!(letter.type_name, "u32");
        assert_eq!(letter.reason, DeadReason::Refused);
        assert_eq!(letter.value, None);
    }
    assert_eq!(system.dead_letters().count(), 3);
}

/// A full bounded mailbox refuses a `try_send` for now, not for good: that is no dead letter.
fn a_full_mailbox_is_not_a_dead_letter(exec) {
    let system = System::new("full");
    let seen = watch(system.dead_letters());
    let holding = hold(in_system(exec, &system).mailbox(Mailbox::Bounded(1)));
    let addr = holding.handle.addr();
    addr.send(1).unwrap();
    holding.entered.recv_timeout(LONG).unwrap();
    addr.send(2).unwrap();
    assert_eq!(addr.try_send(3).unwrap_err().into_inner(), 3);
    holding.gate.send(()).unwrap();
    drop(addr);
    assert_eq!(holding.handle.join().into_state().handled, [1, 2]);
    assert_eq!(system.dead_letters().count(), 0);
    assert!(seen.try_recv().is_err());
}

/// A hook that panics does not disturb the actor or the count.
fn a_panicking_hook_is_caught(exec) {
    let system = System::new("bad hook");
    system.dead_letters().set_hook(|_letter| panic!("the hook fails"));
    let holding = hold(in_system(exec, &system));
    let monitor = holding.handle.monitor();
    queue_three_behind_a_held_one_and_stop(&holding);
    let Holding { handle, gate, .. } = holding;
    drop(handle);
    gate.send(()).unwrap();
    assert_eq!(
        monitor.wait_timeout(LONG).expect("the actor ends").reason(),
        &ExitReason::Stopped
    );
    assert_eq!(system.dead_letters().count(), 3);
    system.dead_letters().clear_hook();
}
}

enum Job {
    Which(ReplyTo<usize>),
    Panic,
}

/// A supervised child that counts its instances.
struct Worker(usize);

impl Actor for Worker {
    type Msg = Job;
    fn handle(&mut self, job: Job, _ctx: &mut Context<Self>) {
        match job {
            Job::Which(port) => {
                let _ = port.reply(self.0);
            }
            Job::Panic => panic!("worker gave up"),
        }
    }
}

/// The children of a supervisor started in a system report to the system's dead letters (here:
/// the message whose handling panicked), however quickly the supervisor starts them.
mod the_children_of_a_supervisor_in_a_system_report_to_its_dead_letters {
    use super::*;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};

    fn body(exec: Exec) {
        for round in 0..100 {
            let system = System::new("supervised");
            let made = Arc::new(AtomicUsize::new(0));
            let supervisor = Supervisor::new(Strategy::OneForOne)
                .child(ChildSpec::new("worker", move || {
                    Worker(made.fetch_add(1, SeqCst) + 1)
                }))
                .spawn(in_system(exec, &system))
                .unwrap();
            let worker = supervisor.child::<Job>("worker").unwrap();
            worker.send(Job::Panic).unwrap();
            assert_eq!(worker.ask_timeout(Job::Which, LONG).unwrap(), 2);
            assert_eq!(system.dead_letters().count(), 1, "round {round}");
            drop(worker);
            system.shutdown();
        }
    }

    #[test]
    fn thread() {
        body(Exec::Thread);
    }

    #[test]
    fn pool() {
        body(Exec::Pool);
    }
}

/// A timer message (of `actor_core::send_after`) that finds the mailbox closed is one dead
/// letter, with its value.
mod a_timer_message_that_finds_the_mailbox_closed_is_a_dead_letter {
    use super::*;

    fn body(exec: Exec) {
        let system = System::new("timer closed");
        let seen = watch(system.dead_letters());
        let holding = hold(in_system(exec, &system));
        let addr = holding.handle.addr();
        addr.send(1).unwrap();
        holding.entered.recv_timeout(LONG).unwrap();
        addr.close(); // the actor runs on, held, but accepts nothing more
        let _timer = actor_core::send_after(&addr, Duration::from_millis(1), 99);
        let letter = seen
            .recv_timeout(LONG)
            .expect("the timer's message is a dead letter");
        assert_eq!(
            (letter.reason, letter.value),
            (DeadReason::TimerMissed, Some(99)),
            "the first letter is the timer's, with its value"
        );
        assert_eq!(letter.actor, addr.id());
        assert_eq!(
            system.dead_letters().count(),
            1,
            "one letter for one message"
        );
        holding.gate.send(()).unwrap();
        drop(addr);
        assert_eq!(holding.handle.join().into_state().handled, [1]);
        assert!(seen.try_recv().is_err(), "one letter for one message");
    }

    #[test]
    fn thread() {
        body(Exec::Thread);
    }

    #[test]
    fn pool() {
        body(Exec::Pool);
    }
}
