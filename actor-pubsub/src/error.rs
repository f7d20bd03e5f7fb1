//! `ExchangeError`: why a registry could not hand out the exchange asked for.

use thiserror::Error;

use crate::DeliveryPolicy;

/// A [`Registry`](crate::Registry) (or [`get_exchange`](crate::get_exchange)) could not hand out
/// the exchange asked for. The exchange already there is left as it was.
///
/// ```
/// use actor_pubsub::{ExchangeError, Registry};
///
/// let registry = Registry::new();
/// registry.exchange::<u32>("ticks").unwrap();
/// let err = registry.exchange::<String>("ticks").unwrap_err();
/// assert!(matches!(&err, ExchangeError::TypeMismatch { name, .. } if name == "ticks"));
/// assert_eq!(
///     err.to_string(),
///     "exchange \"ticks\" carries messages of type u32, not alloc::string::String"
/// );
/// ```
#[derive(Error, Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ExchangeError {
    /// An exchange of this name exists for another message type.
    #[error("exchange {name:?} carries messages of type {existing}, not {requested}")]
    TypeMismatch {
        /// The exchange's name.
        name: String,
        /// The message type of the exchange that exists (as [`std::any::type_name`] gives it).
        existing: &'static str,
        /// The message type asked for.
        requested: &'static str,
    },
    /// An exchange of this name exists with another delivery policy (only
    /// [`Registry::exchange_with`](crate::Registry::exchange_with) checks the policy).
    #[error("exchange {name:?} has delivery policy {existing:?}, not {requested:?}")]
    PolicyMismatch {
        /// The exchange's name.
        name: String,
        /// The policy of the exchange that exists.
        existing: DeliveryPolicy,
        /// The policy asked for.
        requested: DeliveryPolicy,
    },
}
