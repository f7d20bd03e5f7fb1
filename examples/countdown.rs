//! placeholder
use examples::Out;
/// Runs it.
pub fn run(_out: &Out) {}
fn main() { run(&Out::stdout()) }
