//! Actors and exchanges across processes over NATS (feature `nats`): a counter actor served
//! under a name, asked from another process, and a bridged exchange whose notes the serving
//! process prints.
//!
//! Start a server (`nats-server -a 127.0.0.1 -p 4222`), then, each in its own terminal:
//!
//! ```text
//! cargo run --release -p examples --features nats --example remote -- serve --url nats://127.0.0.1:4222 --name counter
//! cargo run --release -p examples --features nats --example remote -- ask --url nats://127.0.0.1:4222 --name counter 5
//! cargo run --release -p examples --features nats --example remote -- publish --url nats://127.0.0.1:4222 --exchange notes hello
//! ```

use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use actor_core::{Actor, Context, ReplyTo};
use actor_pubsub::nats::Nats;
use actor_pubsub::{DeliveryPolicy, Exchange};

const USAGE: &str = "usage:
  remote serve   --url <URL> --name <NAME> [--exchange <E>] [--for <SECS>]
  remote ask     --url <URL> --name <NAME> <N>
  remote publish --url <URL> --exchange <E> <TEXT>
(the exchange is `notes` unless given)";

/// A request to the counter: add N, reply with the running total.
struct Add(u64, ReplyTo<u64>);

struct Counter(u64);

impl Actor for Counter {
    type Msg = Add;
    fn handle(&mut self, Add(n, reply): Add, _ctx: &mut Context<Self>) {
        self.0 += n;
        let _ = reply.reply(self.0);
    }
}

/// The command line, parsed: the command, its `--flag value` pairs and its positional words.
struct Args {
    command: String,
    flags: Vec<(String, String)>,
    words: Vec<String>,
}

fn parse(mut args: impl Iterator<Item = String>) -> Option<Args> {
    let command = args.next()?;
    let (mut flags, mut words) = (Vec::new(), Vec::new());
    while let Some(arg) = args.next() {
        match arg.strip_prefix("--") {
            Some(flag) => flags.push((flag.to_string(), args.next()?)),
            None => words.push(arg),
        }
    }
    Some(Args {
        command,
        flags,
        words,
    })
}

impl Args {
    fn flag(&self, name: &str) -> Option<&str> {
        self.flags
            .iter()
            .find(|(flag, _)| flag == name)
            .map(|(_, value)| value.as_str())
    }
}

/// Why a command failed: bad arguments (exit code 2, with the usage) or a NATS error (1).
enum Failure {
    Usage(String),
    Nats(String),
}

fn nats_err(err: actor_pubsub::nats::NatsError) -> Failure {
    Failure::Nats(err.to_string())
}

fn usage(what: &str) -> Failure {
    Failure::Usage(what.to_string())
}

fn run(args: &Args) -> Result<(), Failure> {
    let url = args.flag("url").ok_or_else(|| usage("--url is missing"))?;
    let exchange = args.flag("exchange").unwrap_or("notes");
    match (args.command.as_str(), args.words.as_slice()) {
        ("serve", []) => {
            let name = args
                .flag("name")
                .ok_or_else(|| usage("--name is missing"))?;
            let secs: u64 = match args.flag("for") {
                Some(secs) => secs
                    .parse()
                    .map_err(|_| usage("--for takes whole seconds"))?,
                None => u64::MAX / 1000,
            };
            let nats = Nats::connect(url).map_err(nats_err)?;
            let counter = actor_core::spawn(Counter(0));
            let _served = nats.serve(name, &counter.addr(), Add).map_err(nats_err)?;
            let notes = Arc::new(Exchange::<String>::new(DeliveryPolicy::Skip));
            let _print = notes.attach_fn(|note: String| println!("note: {note}"));
            let _bridge = nats.bridge(&notes, exchange).map_err(nats_err)?;
            println!("serving {name} and exchange {exchange} on {}", nats.url());
            std::thread::sleep(Duration::from_secs(secs));
            Ok(())
        }
        ("ask", [n]) => {
            let name = args
                .flag("name")
                .ok_or_else(|| usage("--name is missing"))?;
            let n: u64 = n
                .parse()
                .map_err(|_| usage(&format!("{n:?} is not a whole number")))?;
            let nats = Nats::connect(url).map_err(nats_err)?;
            let total = nats
                .remote::<u64, u64>(name)
                .ask(&n, Duration::from_secs(5))
                .map_err(nats_err)?;
            println!("reply: {total}");
            Ok(())
        }
        ("publish", [text]) => {
            let nats = Nats::connect(url).map_err(nats_err)?;
            let notes = Arc::new(Exchange::<String>::new(DeliveryPolicy::Block));
            let bridge = nats.bridge(&notes, exchange).map_err(nats_err)?;
            notes.send(text.clone());
            bridge.flush(Duration::from_secs(5)).map_err(nats_err)?;
            println!("published on {exchange}");
            Ok(())
        }
        (command, _) => Err(usage(&format!("unknown command or arguments: {command}"))),
    }
}

fn main() -> ExitCode {
    let Some(args) = parse(std::env::args().skip(1)) else {
        eprintln!("{USAGE}");
        return ExitCode::from(2);
    };
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::Usage(what)) => {
            eprintln!("remote: {what}\n{USAGE}");
            ExitCode::from(2)
        }
        Err(Failure::Nats(err)) => {
            eprintln!("remote: {err}");
            ExitCode::FAILURE
        }
    }
}
