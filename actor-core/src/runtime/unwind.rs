//! Panic capture: runs user code so that a panic becomes a value instead of unwinding further.

use std::any::Any;
use std::panic::{AssertUnwindSafe, catch_unwind};

/// Runs `f`; a panic inside it is returned as its message.
///
/// User state touched by a panicking handler may be half-updated; the runtime never hands such
/// state to another handler call, only back to the joiner, so asserting unwind safety is sound.
pub(crate) fn catch<R>(f: impl FnOnce() -> R) -> Result<R, String> {
    catch_unwind(AssertUnwindSafe(f)).map_err(|payload| message(&*payload))
}

/// The text of a panic payload: the `&str` or `String` given to `panic!`, or a placeholder.
pub(crate) fn message(payload: &(dyn Any + Send)) -> String {
    if let Some(text) = payload.downcast_ref::<&str>() {
        (*text).to_owned()
    } else if let Some(text) = payload.downcast_ref::<String>() {
        text.clone()
    } else {
        "panic with a non-string payload".to_owned()
    }
}
