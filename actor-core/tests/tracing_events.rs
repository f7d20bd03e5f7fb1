//! With the feature `tracing`, each actor has a span (`actor`, with its id, name and executor) and
//! its life shows as events in it: started, exited with the reason, panicked, restarting, and dead
//! letters. Captured here with a small recording subscriber installed for the whole process.
//! Run: `cargo test -p actor-core --features tracing --test tracing_events`.
#![cfg(feature = "tracing")]

use std::cell::RefCell;
use std::collections::HashMap;
use std::fmt::Debug;
use std::sync::atomic::{AtomicU64, Ordering::SeqCst};
use std::sync::{Mutex, OnceLock};
use std::time::Duration;

use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Metadata, Subscriber};

mod common;

use actor_core::{Actor, ChildSpec, Context, Strategy, Supervisor};
use common::on_every_executor;

/// One event as recorded: its level, fields, and the fields of the actor span it happened in.
#[derive(Clone, Debug)]
struct Seen {
    level: tracing::Level,
    fields: HashMap<String, String>,
    span: HashMap<String, String>,
}

#[derive(Default)]
struct Fields(HashMap<String, String>);

impl Visit for Fields {
    fn record_debug(&mut self, field: &Field, value: &dyn Debug) {
        self.0.insert(field.name().to_owned(), format!("{value:?}"));
    }
    fn record_str(&mut self, field: &Field, value: &str) {
        self.0.insert(field.name().to_owned(), value.to_owned());
    }
    fn record_u64(&mut self, field: &Field, value: u64) {
        self.0.insert(field.name().to_owned(), value.to_string());
    }
}

struct Recorder {
    next: AtomicU64,
    spans: Mutex<HashMap<u64, HashMap<String, String>>>,
    events: Mutex<Vec<Seen>>,
}

thread_local! {
    static ENTERED: RefCell<Vec<u64>> = const { RefCell::new(Vec::new()) };
}

impl Subscriber for Recorder {
    fn enabled(&self, _: &Metadata<'_>) -> bool {
        true
    }
    fn new_span(&self, span: &Attributes<'_>) -> Id {
        let id = self.next.fetch_add(1, SeqCst) + 1;
        let mut fields = Fields::default();
        span.record(&mut fields);
        self.spans.lock().unwrap().insert(id, fields.0);
        Id::from_u64(id)
    }
    fn record(&self, _: &Id, _: &Record<'_>) {}
    fn record_follows_from(&self, _: &Id, _: &Id) {}
    fn event(&self, event: &Event<'_>) {
        let mut fields = Fields::default();
        event.record(&mut fields);
        let span = ENTERED
            .with(|entered| entered.borrow().last().copied())
            .and_then(|id| self.spans.lock().unwrap().get(&id).cloned())
            .unwrap_or_default();
        self.events.lock().unwrap().push(Seen {
            level: *event.metadata().level(),
            fields: fields.0,
            span,
        });
    }
    fn enter(&self, span: &Id) {
        ENTERED.with(|entered| entered.borrow_mut().push(span.into_u64()));
    }
    fn exit(&self, _: &Id) {
        ENTERED.with(|entered| entered.borrow_mut().pop());
    }
}

fn recorder() -> &'static Recorder {
    static RECORDER: OnceLock<&'static Recorder> = OnceLock::new();
    RECORDER.get_or_init(|| {
        let recorder: &'static Recorder = Box::leak(Box::new(Recorder {
            next: AtomicU64::new(0),
            spans: Mutex::new(HashMap::new()),
            events: Mutex::new(Vec::new()),
        }));
        tracing::subscriber::set_global_default(Forward(recorder))
            .expect("no other subscriber in this test binary");
        recorder
    })
}

/// The global subscriber: forwards to the leaked recorder.
struct Forward(&'static Recorder);

impl Subscriber for Forward {
    fn enabled(&self, metadata: &Metadata<'_>) -> bool {
        self.0.enabled(metadata)
    }
    fn new_span(&self, span: &Attributes<'_>) -> Id {
        self.0.new_span(span)
    }
    fn record(&self, span: &Id, values: &Record<'_>) {
        self.0.record(span, values);
    }
    fn record_follows_from(&self, span: &Id, follows: &Id) {
        self.0.record_follows_from(span, follows);
    }
    fn event(&self, event: &Event<'_>) {
        self.0.event(event);
    }
    fn enter(&self, span: &Id) {
        self.0.enter(span);
    }
    fn exit(&self, span: &Id) {
        self.0.exit(span);
    }
}

/// The events that happened in the span of the actor named `name`.
fn events_of(name: &str) -> Vec<Seen> {
    recorder()
        .events
        .lock()
        .unwrap()
        .iter()
        .filter(|seen| seen.span.get("name").map(String::as_str) == Some(name))
        .cloned()
        .collect()
}

fn messages(events: &[Seen]) -> Vec<String> {
    events
        .iter()
        .map(|seen| seen.fields.get("message").cloned().unwrap_or_default())
        .collect()
}

struct Quiet;
impl Actor for Quiet {
    type Msg = u32;
    fn handle(&mut self, n: u32, _ctx: &mut Context<Self>) {
        assert!(n != 13, "thirteen");
    }
}

fn quietly<R>(f: impl FnOnce() -> R) -> R {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let result = f();
    std::panic::set_hook(previous);
    result
}

on_every_executor! {
/// An actor's start and exit are events in its span, which names it and its executor.
fn an_actor_has_a_span_with_its_start_and_exit(exec) {
    recorder();
    let name = format!("traced-{exec:?}");
    let handle = exec.builder().name(name.clone()).spawn(Quiet).unwrap();
    handle.addr().send(1).unwrap();
    handle.close();
    drop(handle.join());
    let events = events_of(&name);
    assert_eq!(messages(&events), ["started", "exited"]);
    let exited = &events[1];
    assert_eq!(exited.fields["reason"], "closed");
    assert_eq!(exited.level, tracing::Level::DEBUG);
    let executor = &exited.span["executor"];
    assert!(executor == "thread" || executor == "pool", "{executor}");
}

/// A panic is an error event, and the abnormal exit that follows a warning.
fn a_panic_is_an_error_event(exec) {
    recorder();
    let name = format!("panicky-{exec:?}");
    let handle = exec.builder().name(name.clone()).spawn(Quiet).unwrap();
    handle.addr().send(13).unwrap();
    quietly(|| drop(handle.join()));
    let events = events_of(&name);
    assert_eq!(messages(&events), ["started", "panicked", "exited"]);
    assert_eq!(events[1].level, tracing::Level::ERROR);
    assert_eq!(events[1].fields["panic"], "thirteen");
    assert_eq!(events[2].level, tracing::Level::WARN);
}

/// A supervised restart is a warning, and the message that panicked a dead-letter event.
fn a_restart_and_its_dead_letter_are_events(exec) {
    recorder();
    let name = format!("restarted-{exec:?}");
    let supervisor = Supervisor::new(Strategy::OneForOne)
        .child(ChildSpec::new(name.clone(), || Quiet))
        .spawn(exec.builder())
        .unwrap();
    let child = supervisor.child::<u32>(&name).unwrap();
    let monitor = child.monitor();
    quietly(|| {
        child.send(13).unwrap();
        drop(child);
        supervisor.close();
        monitor.wait_timeout(Duration::from_secs(10)).expect("the child ends");
    });
    drop(supervisor.join());
    let events = events_of(&name);
    let seen = messages(&events);
    assert!(seen.contains(&"restarting".to_owned()), "{seen:?}");
    let dead_letter = recorder()
        .events
        .lock()
        .unwrap()
        .iter()
        .find(|seen| {
            seen.fields.get("message").map(String::as_str) == Some("dead letter")
                && seen.fields.get("name") == Some(&name)
        })
        .cloned()
        .expect("the panicked message is a dead-letter event");
    assert_eq!(dead_letter.fields["type_name"], "u32");
}
}
