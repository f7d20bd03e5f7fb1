//! A send or look-up by an unknown name is `SchedError::UnknownActor` holding the message.

use actor_sched::{Flow, SchedError, Scheduler};
use std::cell::RefCell;
use std::rc::Rc;

#[test]
fn scheduler_send_to_unknown_name_hands_the_message_back() {
    let sched = Scheduler::new();
    let err = sched.send("printer", String::from("lost?")).unwrap_err();
    assert!(err.is_unknown_actor());
    assert!(!err.is_wrong_type() && !err.is_finished());
    match &err {
        SchedError::UnknownActor { name, msg } => {
            assert_eq!(&**name, "printer");
            assert_eq!(msg, "lost?");
        }
        other => panic!("expected UnknownActor, got {other:?}"),
    }
    assert_eq!(err.to_string(), "no actor is named `printer`");
    assert_eq!(
        format!("{err:?}"),
        r#"UnknownActor { name: "printer", .. }"#
    );
    assert_eq!(err.into_inner(), "lost?");
}

#[test]
fn handle_and_lookup_report_unknown_names() {
    let sched = Scheduler::new();
    let handle = sched.handle();
    assert_eq!(handle.send("x", 5_u8).unwrap_err().into_inner(), 5);
    assert!(sched.addr::<u8>("x").unwrap_err().is_unknown_actor());
    assert!(handle.addr::<u8>("x").unwrap_err().is_unknown_actor());
    assert!(
        sched
            .take_undelivered::<u8>("x")
            .unwrap_err()
            .is_unknown_actor()
    );
}

#[test]
fn a_handler_sending_to_an_unknown_name_gets_the_error_not_a_panic() {
    let mut sched = Scheduler::new();
    let returned = Rc::new(RefCell::new(Vec::new()));
    let r = returned.clone();
    let addr = sched.spawn_unnamed(move |n: u32, ctx| {
        if let Err(err) = ctx.send("missing", n) {
            assert!(err.is_unknown_actor());
            r.borrow_mut().push(err.into_inner());
        }
        Flow::Continue
    });
    addr.send(1).unwrap();
    addr.send(2).unwrap();
    let report = sched.run();
    assert_eq!(report.delivered(), 2);
    assert_eq!(*returned.borrow(), [1, 2]);
}

#[test]
fn unnamed_actors_are_not_found_by_name() {
    let mut sched = Scheduler::new();
    let _addr = sched.spawn_unnamed(|_: u8, _| Flow::Continue);
    assert!(sched.send("", 1_u8).unwrap_err().is_unknown_actor());
}

#[test]
fn errors_work_with_the_question_mark_operator() {
    fn send_twice(sched: &Scheduler) -> Result<(), Box<dyn std::error::Error>> {
        sched.send("nobody", 1_u32)?;
        Ok(())
    }
    let err = send_twice(&Scheduler::new()).unwrap_err();
    assert_eq!(err.to_string(), "no actor is named `nobody`");
}
