//! The `supervisor` example as a program: `cargo run --example supervisor`. The example itself
//! is `examples/supervisor.rs`, a module of the examples library, so `tour` runs it too.

fn main() {
    examples::supervisor::run(&examples::Out::stdout());
}
