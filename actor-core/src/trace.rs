//! Tracing (feature `tracing`): a span per actor and events at the points of its life; the one
//! place the `tracing` crate is imported. Without the feature every function here is empty and
//! inlined away: nothing of it is compiled into the run loops.
//!
//! The span is named `actor`, with the fields `id`, `name` and `executor` (`thread`, `pool` or
//! the foreign executor's name); a thread actor's run is inside it from start to end, a pooled
//! actor's turns each enter it. Events, all with target `actor_core`:
//!
//! | event | level | fields |
//! |---|---|---|
//! | `started` | debug | |
//! | `exited` | debug (normal end) or warn (abnormal) | `reason`, `undelivered` |
//! | `panicked` | error | `panic` |
//! | `restarting` | warn | `reason` |
//! | `dead letter` | debug (refused send) or warn | `actor`, `name`, `type_name`, `reason` |

#[cfg(feature = "tracing")]
mod on {
    use std::sync::OnceLock;

    use crate::ExitReason;
    use crate::lifecycle::DeadLetter;
    use crate::runtime::mailbox::Shared;

    /// The actor's span while entered.
    pub(crate) struct Entered(#[allow(dead_code)] tracing::span::EnteredSpan);

    /// What an actor keeps for tracing: its span, made on first use.
    pub(crate) type SpanSlot = OnceLock<tracing::Span>;

    fn span<'a, M>(shared: &'a Shared<M>, executor: impl FnOnce() -> &'a str) -> &'a tracing::Span {
        shared.span.get_or_init(|| {
            let executor = executor();
            tracing::info_span!(
                target: "actor_core",
                "actor",
                id = shared.id.get(),
                name = shared.name(),
                executor = executor
            )
        })
    }

    /// Enters the actor's span (made on first use, naming the executor `executor` gives).
    #[inline]
    pub(crate) fn enter<'a, M>(
        shared: &'a Shared<M>,
        executor: impl FnOnce() -> &'a str,
    ) -> Entered {
        Entered(span(shared, executor).clone().entered())
    }

    pub(crate) fn started<M>(shared: &Shared<M>) {
        let _ = shared;
        tracing::debug!(target: "actor_core", "started");
    }

    pub(crate) fn exited<M>(shared: &Shared<M>, reason: &ExitReason, undelivered: usize) {
        let _ = shared;
        if reason.is_abnormal() {
            tracing::warn!(target: "actor_core", %reason, undelivered, "exited");
        } else {
            tracing::debug!(target: "actor_core", %reason, undelivered, "exited");
        }
    }

    pub(crate) fn panicked<M>(shared: &Shared<M>, panic: &str) {
        let _ = shared;
        tracing::error!(target: "actor_core", panic, "panicked");
    }

    pub(crate) fn restarting<M>(shared: &Shared<M>, reason: &ExitReason) {
        let _ = shared;
        tracing::warn!(target: "actor_core", %reason, "restarting");
    }

    pub(crate) fn dead_letter(letter: &DeadLetter) {
        let actor = letter.actor().get();
        let reason = letter.reason();
        if reason == crate::DeadReason::Refused {
            tracing::debug!(
                target: "actor_core", actor, name = letter.name(),
                type_name = letter.type_name(), %reason, "dead letter"
            );
        } else {
            tracing::warn!(
                target: "actor_core", actor, name = letter.name(),
                type_name = letter.type_name(), %reason, "dead letter"
            );
        }
    }
}

#[cfg(not(feature = "tracing"))]
mod off {
    use crate::ExitReason;
    use crate::lifecycle::DeadLetter;
    use crate::runtime::mailbox::Shared;

    /// Nothing: tracing is off.
    pub(crate) struct Entered;

    /// Nothing is kept per actor without the feature.
    pub(crate) type SpanSlot = ();

    #[inline(always)]
    pub(crate) fn enter<'a, M>(_: &'a Shared<M>, _: impl FnOnce() -> &'a str) -> Entered {
        Entered
    }

    #[inline(always)]
    pub(crate) fn started<M>(_: &Shared<M>) {}

    #[inline(always)]
    pub(crate) fn exited<M>(_: &Shared<M>, _: &ExitReason, _: usize) {}

    #[inline(always)]
    pub(crate) fn panicked<M>(_: &Shared<M>, _: &str) {}

    #[inline(always)]
    pub(crate) fn restarting<M>(_: &Shared<M>, _: &ExitReason) {}

    #[inline(always)]
    pub(crate) fn dead_letter(_: &DeadLetter) {}
}

#[cfg(feature = "tracing")]
pub(crate) use on::*;

#[cfg(not(feature = "tracing"))]
pub(crate) use off::*;
