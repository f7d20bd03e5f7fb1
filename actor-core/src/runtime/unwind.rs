//! Panic capture: runs user code so that a panic becomes a value instead of unwinding further.

use std::any::Any;
use std::panic::{AssertUnwindSafe, catch_unwind};

/// Runs `f`; a panic inside it is returned as its message.
///
/// User state touched by a panicking handler may be half-updated; the runtime never hands such
/// state to another handler call, only back to the joiner, so asserting unwind safety is sound.
pub(crate) fn catch<R>(f: impl FnOnce() -> R) -> Result<R, String> {
    catch_panic(f).map_err(|panic| panic.message)
}

/// A caught panic: its message and its payload (what `panic!` or `panic_any` was given).
pub(crate) struct Panic {
    pub(crate) message: String,
    pub(crate) payload: Box<dyn Any + Send>,
}

/// Runs `f`; a panic inside it is returned with its payload, for a caller that hands it on (an
/// actor's end, a task's result) so that it can be resumed with `std::panic::resume_unwind`.
pub(crate) fn catch_panic<R>(f: impl FnOnce() -> R) -> Result<R, Panic> {
    catch_unwind(AssertUnwindSafe(f)).map_err(|payload| Panic {
        message: message(&*payload),
        payload,
    })
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

/// Drops `value`, catching a panic in its `Drop`: values the runtime drops on the user's behalf
/// (an actor's state, queued messages, timer closures, tasks) may run arbitrary code there. The
/// panic hook has reported the panic when it happened; returns its message.
pub(crate) fn drop_caught<T>(value: T) -> Result<(), String> {
    catch(move || drop(value))
}

/// A value whose drop never unwinds: a panic in the inner value's `Drop` is caught (see
/// [`drop_caught`]). Used where a drop happens in code that must not unwind, such as the result of
/// a thread, which the standard library drops under an abort-on-panic guard.
pub(crate) struct Guarded<T>(Option<T>);

impl<T> Guarded<T> {
    pub(crate) fn new(value: T) -> Guarded<T> {
        Guarded(Some(value))
    }

    /// The value, to be dropped by its new owner.
    pub(crate) fn into_inner(mut self) -> T {
        self.0.take().expect("a guarded value is taken once")
    }
}

impl<T> Drop for Guarded<T> {
    fn drop(&mut self) {
        if let Some(value) = self.0.take() {
            let _ = drop_caught(value);
        }
    }
}
