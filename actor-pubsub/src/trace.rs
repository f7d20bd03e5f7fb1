//! Tracing (feature `tracing`): events when a delivery is dropped at a full subscriber and when a
//! subscriber is found gone; the one place the `tracing` crate is imported here. Without the
//! feature the functions are empty and inlined away. Target `actor_pubsub`:
//!
//! | event | level | fields |
//! |---|---|---|
//! | `delivery dropped` | debug | `subscriber`, `type_name` |
//! | `subscriber gone` | debug | `subscriber`, `type_name` |

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
