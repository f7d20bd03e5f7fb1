//! The `skynet` example as a program: `cargo run --release --example skynet`. The example itself is
//! `examples/skynet.rs`, a module of the examples library, so `tour` runs it too.

fn main() {
    examples::skynet::run(&examples::Out::stdout());
}
