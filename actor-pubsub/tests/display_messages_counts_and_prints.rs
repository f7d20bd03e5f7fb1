//! `DisplayMessages` numbers each message and writes it in its `Debug` form, as the recipe's
//! diagnostic class does (`msg[1]: 'some'` there, `msg[1]: "some"` here).

use std::sync::{Arc, Mutex};

use actor_pubsub::{DeliveryPolicy, DisplayMessages, Exchange};

#[test]
fn lines_are_numbered_in_order() {
    let lines = Arc::new(Mutex::new(Vec::new()));
    let sink = Arc::clone(&lines);
    let display = DisplayMessages::with_sink(move |line| sink.lock().unwrap().push(line));
    let exc = Exchange::new(DeliveryPolicy::Block);
    let _sub = exc.attach(display.clone());
    assert_eq!(exc.send("some"), 1);
    assert_eq!(exc.send("data"), 1);
    assert_eq!(
        *lines.lock().unwrap(),
        [r#"msg[1]: "some""#, r#"msg[2]: "data""#]
    );
    assert_eq!(display.count(), 2);
}

#[test]
fn clones_share_the_count() {
    let lines = Arc::new(Mutex::new(Vec::new()));
    let sink = Arc::clone(&lines);
    let display = DisplayMessages::with_sink(move |line| sink.lock().unwrap().push(line));
    let numbers = Exchange::new(DeliveryPolicy::Block);
    let words = Exchange::new(DeliveryPolicy::Block);
    let _n = numbers.attach(display.clone());
    let _w = words.attach(display.clone());
    numbers.send(42);
    words.send("x");
    assert_eq!(*lines.lock().unwrap(), ["msg[1]: 42", r#"msg[2]: "x""#]);
}
