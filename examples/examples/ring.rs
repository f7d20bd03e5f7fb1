//! The `ring` example as a program: `cargo run --release --example ring`. The example itself is
//! `examples/ring.rs`, a module of the examples library, so `tour` runs it too.

fn main() {
    examples::ring::run(&examples::Out::stdout());
}
