//! The `top` example as a program: `cargo run --release --example top`. The example itself is
//! `examples/top.rs`, a module of the examples library.

use std::io::IsTerminal;

fn main() {
    let live = std::io::stdout().is_terminal();
    examples::top::run_with(&examples::Out::stdout(), live);
}
