//! The tour: runs every example in order, with a header line before each.
//!
//! This is the project's main job: `cargo run --release --example tour`. It needs no input and no
//! network, and finishes in well under a minute.

fn main() {
    let out = examples::Out::stdout();
    let started = std::time::Instant::now();
    for (name, run) in examples::ALL {
        out.line(format_args!("=== {name} ==="));
        run(&out);
        out.line("");
    }
    out.line(format_args!(
        "tour: {} examples in {:.2?}",
        examples::ALL.len(),
        started.elapsed()
    ));
}
