//! The recipe's `PrintActor`, in both styles: it prints `Got: Hello`, `Got: World`, then ends
//! through the exit sentinel (`close`) and `join`.
//!
//! Mirrors the recipe "Defining an Actor Task" of the seed. Run: `cargo run --example actor`.
//!
//! The pull style is the recipe's `run()` loop: `inbox.recv()?` returns `Err(Exit)` on the
//! sentinel, just as `recv()` raises `ActorExit` there. The handler style is what most actors
//! look like: state plus one `handle` call per message.
use actor_core::{Actor, Context, Inbox};
use examples::Out;

/// Handler style: the runtime calls `handle` once per message, in order.
struct PrintActor {
    out: Out,
}

impl Actor for PrintActor {
    type Msg = &'static str;

    fn handle(&mut self, msg: &'static str, _ctx: &mut Context<Self>) {
        self.out.line(format_args!("Got: {msg}"));
    }
}

/// Runs the example, writing its lines to `out`.
pub fn run(out: &Out) {
    // Pull style: the recipe's `while True: msg = self.recv()`.
    let printer = out.clone();
    let p = actor_core::spawn_fn(move |inbox: Inbox<&'static str>| {
        loop {
            let msg = inbox.recv()?;
            printer.line(format_args!("Got: {msg}"));
        }
    });
    let addr = p.addr();
    addr.send("Hello").unwrap();
    addr.send("World").unwrap();
    addr.close();
    out.line(format_args!(
        "pull-style actor ended: {}",
        p.join().reason()
    ));

    // Handler style: same messages, same lines.
    let p = actor_core::spawn(PrintActor { out: out.clone() });
    let addr = p.addr();
    addr.send("Hello").unwrap();
    addr.send("World").unwrap();
    addr.close();
    out.line(format_args!(
        "handler-style actor ended: {}",
        p.join().reason()
    ));
}

fn main() {
    run(&Out::stdout());
}
