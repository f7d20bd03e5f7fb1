//! The `pipeline` example as a program: `cargo run --release --example pipeline`. The example
//! itself is `examples/pipeline.rs`, a module of the examples library, so `tour` runs it too.

fn main() {
    examples::pipeline::run(&examples::Out::stdout());
}
