//! A send or look-up with the wrong message type is `SchedError::WrongType` holding the message.

use actor_sched::{Flow, Inbox, SchedError, Scheduler};

#[test]
fn send_with_the_wrong_type_hands_the_message_back() {
    let mut sched = Scheduler::new();
    sched
        .spawn_actor("printer", |_: String, _| Flow::Continue)
        .unwrap();
    let err = sched.send("printer", 42_u64).unwrap_err();
    assert!(err.is_wrong_type());
    match &err {
        SchedError::WrongType {
            name,
            expected,
            found,
            msg,
        } => {
            assert_eq!(&**name, "printer");
            assert_eq!(*expected, std::any::type_name::<String>());
            assert_eq!(*found, "u64");
            assert_eq!(*msg, 42);
        }
        other => panic!("expected WrongType, got {other:?}"),
    }
    let string = std::any::type_name::<String>();
    assert_eq!(
        err.to_string(),
        format!("actor `printer` receives `{string}`, not `u64`")
    );
    assert_eq!(err.into_inner(), 42);
    // Nothing was queued by the failed send.
    assert_eq!(sched.run().delivered(), 0);
}

#[test]
fn wrong_type_for_async_actors_too() {
    let mut sched = Scheduler::new();
    sched
        .spawn_async_actor("sink", |mut inbox: Inbox<u8>| async move {
            loop {
                inbox.recv().await;
            }
        })
        .unwrap();
    let err = sched.handle().send("sink", 'x').unwrap_err();
    assert!(err.is_wrong_type());
    assert_eq!(err.into_inner(), 'x');
    assert!(sched.send("sink", 1_u8).is_ok());
    assert_eq!(sched.run().delivered(), 1);
}

#[test]
fn typed_lookups_check_the_type() {
    let mut sched = Scheduler::new();
    let addr = sched.spawn_actor("n", |_: i32, _| Flow::Continue).unwrap();
    assert_eq!(sched.addr::<i32>("n").unwrap(), addr);
    let err = sched.addr::<i64>("n").unwrap_err();
    assert_eq!(err.to_string(), "actor `n` receives `i32`, not `i64`");
    assert!(
        sched
            .take_undelivered::<u8>("n")
            .unwrap_err()
            .is_wrong_type()
    );
}

#[test]
fn a_handler_sending_the_wrong_type_gets_the_error() {
    let mut sched = Scheduler::new();
    sched
        .spawn_actor("bytes", |_: u8, _| Flow::Continue)
        .unwrap();
    let kicker = sched.spawn_unnamed(|(): (), ctx| {
        let err = ctx.send("bytes", 300_u16).unwrap_err();
        assert_eq!(err.into_inner(), 300);
        assert!(ctx.addr::<u16>("bytes").is_err());
        Flow::Stop
    });
    kicker.send(()).unwrap();
    let report = sched.run();
    assert_eq!((report.delivered(), report.actors_finished()), (1, 1));
}

#[test]
fn a_second_actor_with_a_taken_name_is_refused_and_handed_back() {
    let mut sched = Scheduler::new();
    sched.spawn_actor("a", |_: u8, _| Flow::Continue).unwrap();
    let err = sched
        .spawn_actor("a", |_: String, _| Flow::Continue)
        .unwrap_err();
    assert_eq!(err.name(), "a");
    let mut handler = err.into_inner();
    // The handler we got back is the one we gave, still usable.
    let mut sched2 = Scheduler::new();
    let _ = &mut handler;
    sched2.spawn_actor("a", handler).unwrap();
    assert!(sched2.send("a", String::from("ok")).is_ok());

    let err = sched
        .spawn_async_actor("a", |_: Inbox<u8>| async {})
        .unwrap_err();
    assert_eq!(err.to_string(), "an actor named `a` already exists");
    assert_eq!(format!("{err:?}"), r#"NameTaken { name: "a", .. }"#);
}
