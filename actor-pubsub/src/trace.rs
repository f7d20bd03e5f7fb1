//! Tracing (feature `tracing`): events when a delivery is dropped at a full subscriber and when a
//! subscriber is found gone; the one place the `tracing` crate is imported here. Without the
//! feature the functions are empty and inlined away. Target `actor_pubsub`:
//!
//! | event | level | fields |
//! |---|---|---|
//! | `delivery dropped` | debug | `subscriber`, `type_name` |
//! | `subscriber gone` | debug | `subscriber`, `type_name` |
//! | `nats fault` | warn | `error` (feature `nats`: a payload refused, a send not published) |

#[cfg(feature = "tracing")]
#[inline]
pub(crate) fn dropped<M>(subscriber: u64) {
    tracing::debug!(
        target: "actor_pubsub",
        subscriber,
        type_name = std::any::type_name::<M>(),
        "delivery dropped"
    );
}

#[cfg(feature = "tracing")]
#[inline]
pub(crate) fn gone<M>(subscriber: u64) {
    tracing::debug!(
        target: "actor_pubsub",
        subscriber,
        type_name = std::any::type_name::<M>(),
        "subscriber gone"
    );
}

#[cfg(not(feature = "tracing"))]
#[inline(always)]
pub(crate) fn dropped<M>(_: u64) {}

#[cfg(not(feature = "tracing"))]
#[inline(always)]
pub(crate) fn gone<M>(_: u64) {}

/// A fault of the NATS bridge: a payload refused, a message that could not be published.
#[cfg(all(feature = "nats", feature = "tracing"))]
pub(crate) fn nats_fault(err: &crate::nats::NatsError) {
    tracing::warn!(target: "actor_pubsub", error = %err, "nats fault");
}

#[cfg(all(feature = "nats", not(feature = "tracing")))]
#[inline(always)]
pub(crate) fn nats_fault(_: &crate::nats::NatsError) {}
