//! Slots of ended actors and tasks are reused: spawning and ending many actors round after round
//! keeps the scheduler at the size of one round, and a message left for an ended actor never
//! reaches the actor that takes its slot.

use std::cell::RefCell;
use std::rc::Rc;

use actor_core::{Actor, Context};
use actor_sched::{Flow, Scheduler};

const ROUNDS: usize = 10;

#[test]
fn rounds_of_closure_actors_keep_the_scheduler_flat() {
    let actors = if cfg!(debug_assertions) {
        100_000
    } else {
        1_000_000
    };
    let mut sched = Scheduler::new();
    let mut after_first = 0;
    for round in 0..ROUNDS {
        for _ in 0..actors {
            let addr = sched.spawn_unnamed(|(): (), _| Flow::Stop);
            addr.send(()).unwrap();
        }
        let report = sched.run();
        assert_eq!(report.actors_finished(), actors as u64);
        if round == 0 {
            after_first = sched.slots();
        }
        assert_eq!(sched.slots(), after_first, "round {round}");
    }
    assert_eq!(after_first, actors);
}

#[test]
fn rounds_of_tasks_keep_the_scheduler_flat() {
    let mut sched = Scheduler::new();
    for _ in 0..1_000 {
        sched.spawn(async {});
    }
    sched.run();
    let after_first = sched.slots();
    for _ in 0..ROUNDS {
        for _ in 0..1_000 {
            sched.spawn(async {});
        }
        sched.run();
    }
    assert_eq!(sched.slots(), after_first);
}

struct Once;
impl Actor for Once {
    type Msg = ();
    fn handle(&mut self, (): (), ctx: &mut Context<Self>) {
        ctx.stop();
    }
}

#[test]
fn rounds_of_actor_core_actors_keep_the_scheduler_flat() {
    let mut sched = Scheduler::new();
    let mut after_first = 0;
    for round in 0..ROUNDS {
        let handles: Vec<_> = (0..10_000).map(|_| sched.start(Once)).collect();
        for handle in &handles {
            handle.addr().send(()).unwrap();
        }
        sched.run();
        for handle in handles {
            assert!(sched.join(handle).is_ok());
        }
        if round == 0 {
            after_first = sched.slots();
        }
        assert_eq!(sched.slots(), after_first, "round {round}");
    }
}

#[test]
fn a_message_left_for_an_ended_actor_never_reaches_the_next_one_in_its_slot() {
    let mut sched = Scheduler::new();
    let first = sched.spawn_unnamed(|_: u32, _| Flow::Stop);
    first.send(1).unwrap();
    first.send(2).unwrap(); // left undelivered: its run-queue entry outlives the actor
    // Run only the first message: the actor ends, its slot is freed.
    assert!(!sched.step().is_idle());
    let seen = Rc::new(RefCell::new(Vec::new()));
    let log = seen.clone();
    let second = sched.spawn_unnamed(move |n: u32, _| {
        log.borrow_mut().push(n);
        Flow::Continue
    });
    second.send(10).unwrap();
    sched.run();
    assert_eq!(*seen.borrow(), [10]);
    assert_eq!(first.take_undelivered(), [2]);
}
