//! The `simulation` example as a program:
//! `cargo run --release --example simulation -- [--seed <N>]`. Without a seed the scheduler runs
//! in FIFO order. The example itself is `examples/simulation.rs`, a module of the examples
//! library, so `tour` runs it too (with seed 7).

fn main() {
    let mut args = std::env::args().skip(1);
    let mut seed = None;
    while let Some(arg) = args.next() {
        match (arg.as_str(), args.next().map(|n| n.parse::<u64>())) {
            ("--seed", Some(Ok(n))) => seed = Some(n),
            _ => {
                eprintln!("usage: simulation [--seed <N>]  (N: a whole number)");
                std::process::exit(2);
            }
        }
    }
    examples::simulation::run_with_seed(&examples::Out::stdout(), seed);
}
