//! The process-wide default registry and `get_exchange`, the recipe's module-level function.

use std::sync::{Arc, LazyLock};

use crate::{Exchange, ExchangeError, Registry};

static DEFAULT: LazyLock<Registry> = LazyLock::new(Registry::new);

/// The process-wide registry behind [`get_exchange`].
///
/// ```
/// let exc = actor_pubsub::get_exchange::<u8>("global-doc").unwrap();
/// assert!(actor_pubsub::default_registry().contains("global-doc"));
/// # drop(exc);
/// ```
pub fn default_registry() -> &'static Registry {
    &DEFAULT
}

/// The exchange called `name` in the process-wide registry, created on first use with
/// [`DeliveryPolicy::Block`](crate::DeliveryPolicy::Block): the recipe's `get_exchange(name)`.
/// The same name and type always give the same exchange.
///
/// # Errors
///
/// [`ExchangeError::TypeMismatch`] if `name` is taken by an exchange of another message type.
///
/// # Examples
///
/// ```
/// use actor_pubsub::{get_exchange, ExchangeError, Recorder};
/// use std::sync::Arc;
///
/// let seen = Recorder::new();
/// let _sub = get_exchange::<&str>("get-exchange-doc").unwrap().attach(seen.clone());
/// get_exchange::<&str>("get-exchange-doc").unwrap().send("msg1");
/// assert_eq!(seen.messages(), ["msg1"]);
///
/// let a = get_exchange::<&str>("get-exchange-doc").unwrap();
/// let b = get_exchange::<&str>("get-exchange-doc").unwrap();
/// assert!(Arc::ptr_eq(&a, &b));
/// assert!(matches!(
///     get_exchange::<u32>("get-exchange-doc"),
///     Err(ExchangeError::TypeMismatch { .. })
/// ));
/// ```
pub fn get_exchange<M: Clone + Send + 'static>(
    name: &str,
) -> Result<Arc<Exchange<M>>, ExchangeError> {
    DEFAULT.exchange(name)
}
