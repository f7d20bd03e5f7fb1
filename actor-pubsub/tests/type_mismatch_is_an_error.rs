//! Asking for a name with another message type is `ExchangeError::TypeMismatch`, never a panic,
//! and leaves the existing exchange as it was.

use std::any::type_name;
use std::sync::Arc;
use std::time::Duration;

use actor_pubsub::{DeliveryPolicy, ExchangeError, Recorder, Registry, get_exchange};

#[test]
fn another_type_under_the_same_name_is_an_error() {
    let registry = Registry::new();
    let first = registry.exchange::<u32>("ticks").unwrap();
    let seen = Recorder::new();
    let _sub = first.attach(seen.clone());

    let err = registry.exchange::<String>("ticks").unwrap_err();
    assert_eq!(
        err,
        ExchangeError::TypeMismatch {
            name: "ticks".to_string(),
            existing: type_name::<u32>(),
            requested: type_name::<String>(),
        }
    );

    // The exchange that was there is untouched.
    let again = registry.exchange::<u32>("ticks").unwrap();
    assert!(Arc::ptr_eq(&first, &again));
    assert_eq!(again.send(1), 1);
    assert_eq!(seen.messages(), [1]);
    assert_eq!(registry.len(), 1);
}

#[test]
fn every_lookup_reports_the_mismatch() {
    let registry = Registry::new();
    registry.exchange::<u32>("x").unwrap();
    assert!(matches!(
        registry.get::<u64>("x"),
        Err(ExchangeError::TypeMismatch { .. })
    ));
    assert!(matches!(
        registry.exchange_with::<u64>("x", DeliveryPolicy::Block),
        Err(ExchangeError::TypeMismatch { .. })
    ));
}

#[test]
fn get_exchange_reports_the_mismatch() {
    get_exchange::<u32>("type_mismatch_is_an_error").unwrap();
    let err = get_exchange::<&str>("type_mismatch_is_an_error").unwrap_err();
    assert!(
        matches!(&err, ExchangeError::TypeMismatch { name, .. } if name == "type_mismatch_is_an_error")
    );
    assert!(err.to_string().contains("type_mismatch_is_an_error"));
}

#[test]
fn another_policy_is_an_error_only_where_a_policy_is_asked_for() {
    let registry = Registry::new();
    let timeout = DeliveryPolicy::Timeout(Duration::from_millis(3));
    registry.exchange_with::<u8>("p", timeout).unwrap();
    assert_eq!(
        registry
            .exchange_with::<u8>("p", DeliveryPolicy::Skip)
            .unwrap_err(),
        ExchangeError::PolicyMismatch {
            name: "p".to_string(),
            existing: timeout,
            requested: DeliveryPolicy::Skip,
        }
    );
    // `exchange` states no policy: it returns the existing exchange.
    assert_eq!(registry.exchange::<u8>("p").unwrap().policy(), timeout);
}
