//! Messages still queued for an actor when it finishes are counted as undelivered and can be
//! taken back; sends after it finished fail with the message inside. Nothing is lost silently.

use actor_sched::{Flow, Inbox, Scheduler, yield_now};

#[test]
fn leftovers_of_a_stopped_handler_are_counted_and_retrievable() {
    let mut sched = Scheduler::new();
    let worker = sched
        .spawn_actor("worker", |job: String, _| {
            if job == "quit" {
                Flow::Stop
            } else {
                Flow::Continue
            }
        })
        .unwrap();
    for job in ["a", "quit", "b", "c"] {
        sched.send("worker", job.to_string()).unwrap();
    }
    let report = sched.run();
    assert_eq!(report.delivered(), 2);
    assert_eq!(report.undelivered(), 2);
    assert_eq!(report.actors_finished(), 1);
    assert!(worker.is_finished());
    assert_eq!(
        sched.take_undelivered::<String>("worker").unwrap(),
        ["b", "c"]
    );
    // Taken once: the second take is empty.
    assert!(worker.take_undelivered().is_empty());
}

#[test]
fn sends_after_finishing_are_refused_with_the_message() {
    let mut sched = Scheduler::new();
    let worker = sched.spawn_actor("worker", |_: u32, _| Flow::Stop).unwrap();
    worker.send(1).unwrap();
    sched.run();
    assert_eq!(worker.send(2).unwrap_err().into_inner(), 2);
    let err = sched.send("worker", 3_u32).unwrap_err();
    assert!(err.is_finished());
    assert_eq!(err.to_string(), "the actor has finished");
    assert_eq!(err.into_inner(), 3);
    assert_eq!(
        sched
            .handle()
            .send("worker", 4_u32)
            .unwrap_err()
            .into_inner(),
        4
    );
    // Refused sends are not "undelivered": the sender got them back.
    assert_eq!(sched.totals().undelivered(), 0);
}

#[test]
fn leftovers_of_a_returned_async_actor_are_counted_and_retrievable() {
    let mut sched = Scheduler::new();
    let addr = sched
        .spawn_async_actor("two", |mut inbox: Inbox<u8>| async move {
            inbox.recv().await;
            inbox.recv().await;
        })
        .unwrap();
    for n in 1..=5 {
        addr.send(n).unwrap();
    }
    let report = sched.run();
    assert_eq!(report.delivered(), 2);
    assert_eq!(report.undelivered(), 3);
    assert_eq!(report.actors_finished(), 1);
    assert_eq!(addr.take_undelivered(), [3, 4, 5]);
}

#[test]
fn a_message_dispatched_but_not_yet_read_counts_as_undelivered_if_the_actor_returns() {
    let mut sched = Scheduler::new();
    let addr = sched
        .spawn_async_actor("busy", |_inbox: Inbox<u8>| async move {
            // Yields twice and returns without ever reading its inbox.
            yield_now().await;
            yield_now().await;
        })
        .unwrap();
    addr.send(9).unwrap();
    let report = sched.run();
    assert_eq!(report.delivered(), 1, "it was dispatched in its turn");
    assert_eq!(report.undelivered(), 1, "but never read");
    assert_eq!(addr.take_undelivered(), [9]);
}

#[test]
fn dispatched_undelivered_and_refused_add_up_to_everything_sent() {
    let mut sched = Scheduler::new();
    let limit = sched.spawn_unnamed(|n: u32, _| if n == 10 { Flow::Stop } else { Flow::Continue });
    let mut refused = 0;
    for n in 0..30 {
        if n == 20 {
            sched.run();
        }
        if limit.send(n).is_err() {
            refused += 1;
        }
    }
    let report = sched.totals();
    let taken = limit.take_undelivered().len() as u64;
    assert_eq!(report.delivered(), 11);
    assert_eq!(report.undelivered(), 9);
    assert_eq!(taken, 9);
    assert_eq!(refused, 10);
    assert_eq!(report.delivered() + report.undelivered() + refused, 30);
}
