//! `Registry`: named exchanges of any message type, created on first use; the one place dashmap
//! is imported.

use std::any::{Any, type_name};
use std::fmt;
use std::sync::Arc;

use dashmap::DashMap;

use crate::{DeliveryPolicy, Exchange, ExchangeError};

/// A set of named exchanges, the recipe's `_exchanges` dictionary as a value.
///
/// [`exchange::<M>(name)`](Registry::exchange) returns the same `Arc<Exchange<M>>` every time for
/// the same name, creating it on first use; asking for that name with another message type is
/// [`ExchangeError::TypeMismatch`], never a panic. A registry is `Send + Sync`; lookups from
/// many threads proceed in parallel (the map is sharded).
///
/// Tests and libraries use a registry of their own; [`get_exchange`](crate::get_exchange) uses a
/// process-wide one.
///
/// # Examples
///
/// ```
/// use actor_pubsub::{Recorder, Registry};
/// use std::sync::Arc;
///
/// let registry = Registry::new();
/// let seen = Recorder::new();
/// let _sub = registry.exchange::<&str>("name").unwrap().attach(seen.clone());
///
/// // Elsewhere, by name only:
/// let exc = registry.exchange::<&str>("name").unwrap();
/// exc.send("msg1");
/// assert_eq!(seen.messages(), ["msg1"]);
/// assert!(Arc::ptr_eq(&exc, &registry.exchange("name").unwrap()));
/// ```
pub struct Registry {
    exchanges: DashMap<String, Arc<dyn AnyExchange>>,
}

/// An exchange with its message type erased.
trait AnyExchange: Send + Sync + 'static {
    fn into_any(self: Arc<Self>) -> Arc<dyn Any + Send + Sync>;
    fn message_type(&self) -> &'static str;
    fn subscribers(&self) -> usize;
    fn delivery_policy(&self) -> DeliveryPolicy;
}

impl<M: Clone + Send + 'static> AnyExchange for Exchange<M> {
    fn into_any(self: Arc<Self>) -> Arc<dyn Any + Send + Sync> {
        self
    }

    fn message_type(&self) -> &'static str {
        type_name::<M>()
    }

    fn subscribers(&self) -> usize {
        self.subscriber_count()
    }

    fn delivery_policy(&self) -> DeliveryPolicy {
        self.policy()
    }
}

impl Registry {
    /// An empty registry.
    pub fn new() -> Registry {
        Registry {
            exchanges: DashMap::new(),
        }
    }

    /// The exchange called `name` for messages of type `M`, created on first use with
    /// [`DeliveryPolicy::Block`]. An existing exchange is returned whatever its policy.
    ///
    /// # Errors
    ///
    /// [`ExchangeError::TypeMismatch`] if `name` is taken by an exchange of another message type.
    ///
    /// ```
    /// use actor_pubsub::{DeliveryPolicy, Registry};
    /// use std::sync::Arc;
    ///
    /// let registry = Registry::new();
    /// let first = registry.exchange::<u32>("ticks").unwrap();
    /// assert_eq!(first.policy(), DeliveryPolicy::Block);
    /// assert!(Arc::ptr_eq(&first, &registry.exchange::<u32>("ticks").unwrap()));
    /// assert!(registry.exchange::<i32>("ticks").is_err());
    /// ```
    pub fn exchange<M: Clone + Send + 'static>(
        &self,
        name: &str,
    ) -> Result<Arc<Exchange<M>>, ExchangeError> {
        if let Some(existing) = self.exchanges.get(name) {
            return downcast(name, Arc::clone(existing.value()));
        }
        self.get_or_create(name, DeliveryPolicy::Block)
    }

    /// The exchange called `name` for messages of type `M` with this delivery policy, created
    /// on first use.
    ///
    /// # Errors
    ///
    /// [`ExchangeError::TypeMismatch`] if `name` is taken by an exchange of another message type,
    /// [`ExchangeError::PolicyMismatch`] if it exists with another policy.
    ///
    /// ```
    /// use actor_pubsub::{DeliveryPolicy, ExchangeError, Registry};
    ///
    /// let registry = Registry::new();
    /// let exc = registry.exchange_with::<u64>("metrics", DeliveryPolicy::Skip).unwrap();
    /// assert_eq!(exc.policy(), DeliveryPolicy::Skip);
    /// let err = registry.exchange_with::<u64>("metrics", DeliveryPolicy::Block).unwrap_err();
    /// assert!(matches!(err, ExchangeError::PolicyMismatch { existing: DeliveryPolicy::Skip, .. }));
    /// ```
    pub fn exchange_with<M: Clone + Send + 'static>(
        &self,
        name: &str,
        policy: DeliveryPolicy,
    ) -> Result<Arc<Exchange<M>>, ExchangeError> {
        let exchange = match self.exchanges.get(name) {
            Some(existing) => downcast::<M>(name, Arc::clone(existing.value()))?,
            None => self.get_or_create::<M>(name, policy)?,
        };
        if exchange.policy() == policy {
            Ok(exchange)
        } else {
            Err(ExchangeError::PolicyMismatch {
                name: name.to_owned(),
                existing: exchange.policy(),
                requested: policy,
            })
        }
    }

    /// The exchange called `name` if it exists; never creates one.
    ///
    /// # Errors
    ///
    /// [`ExchangeError::TypeMismatch`] if it exists for another message type.
    ///
    /// ```
    /// let registry = actor_pubsub::Registry::new();
    /// assert!(registry.get::<u8>("later").unwrap().is_none());
    /// registry.exchange::<u8>("later").unwrap();
    /// assert!(registry.get::<u8>("later").unwrap().is_some());
    /// ```
    pub fn get<M: Clone + Send + 'static>(
        &self,
        name: &str,
    ) -> Result<Option<Arc<Exchange<M>>>, ExchangeError> {
        let found = self.exchanges.get(name).map(|e| Arc::clone(e.value()));
        found.map(|existing| downcast(name, existing)).transpose()
    }

    /// Removes the exchange called `name` if nothing uses it: no subscriber is attached and no
    /// `Arc` of it is held outside the registry. Returns whether it was removed. A later
    /// [`exchange`](Registry::exchange) call with that name creates a new one, of any type.
    ///
    /// ```
    /// let registry = actor_pubsub::Registry::new();
    /// let exc = registry.exchange::<u8>("temp").unwrap();
    /// assert!(!registry.remove_unused("temp")); // `exc` is still held
    /// drop(exc);
    /// assert!(registry.remove_unused("temp"));
    /// assert!(!registry.contains("temp"));
    /// assert!(registry.exchange::<String>("temp").is_ok());
    /// ```
    pub fn remove_unused(&self, name: &str) -> bool {
        // The shard's write lock is held while the closure runs: nobody can take a new `Arc`
        // from the map meanwhile, so a count of one is final.
        self.exchanges
            .remove_if(name, |_, exchange| {
                Arc::strong_count(exchange) == 1 && exchange.subscribers() == 0
            })
            .is_some()
    }

    /// Whether an exchange called `name` exists.
    ///
    /// ```
    /// let registry = actor_pubsub::Registry::new();
    /// assert!(registry.is_empty());
    /// registry.exchange::<u8>("b").unwrap();
    /// registry.exchange::<String>("a").unwrap();
    /// assert!(registry.contains("a"));
    /// assert_eq!(registry.len(), 2);
    /// assert_eq!(registry.names(), ["a", "b"]);
    /// ```
    pub fn contains(&self, name: &str) -> bool {
        self.exchanges.contains_key(name)
    }

    /// How many exchanges exist.
    pub fn len(&self) -> usize {
        self.exchanges.len()
    }

    /// Whether no exchange exists.
    pub fn is_empty(&self) -> bool {
        self.exchanges.is_empty()
    }

    /// The names of the exchanges, sorted.
    pub fn names(&self) -> Vec<String> {
        let mut names: Vec<String> = self.exchanges.iter().map(|e| e.key().clone()).collect();
        names.sort_unstable();
        names
    }

    fn get_or_create<M: Clone + Send + 'static>(
        &self,
        name: &str,
        policy: DeliveryPolicy,
    ) -> Result<Arc<Exchange<M>>, ExchangeError> {
        let existing = Arc::clone(
            self.exchanges
                .entry(name.to_owned())
                .or_insert_with(|| Arc::new(Exchange::<M>::new(policy)))
                .value(),
        );
        downcast(name, existing)
    }
}

/// The exchange as `Exchange<M>`, or the type mismatch.
fn downcast<M: Clone + Send + 'static>(
    name: &str,
    exchange: Arc<dyn AnyExchange>,
) -> Result<Arc<Exchange<M>>, ExchangeError> {
    let existing = exchange.message_type();
    exchange
        .into_any()
        .downcast::<Exchange<M>>()
        .map_err(|_| ExchangeError::TypeMismatch {
            name: name.to_owned(),
            existing,
            requested: type_name::<M>(),
        })
}

impl Default for Registry {
    fn default() -> Registry {
        Registry::new()
    }
}

impl fmt::Debug for Registry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut map = f.debug_map();
        let mut entries: Vec<_> = self
            .exchanges
            .iter()
            .map(|e| {
                (
                    e.key().clone(),
                    e.value().message_type(),
                    e.value().delivery_policy(),
                )
            })
            .collect();
        entries.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        for (name, message_type, policy) in &entries {
            map.entry(name, &format_args!("Exchange<{message_type}> {policy:?}"));
        }
        map.finish()
    }
}
