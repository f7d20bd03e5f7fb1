//! A registry removes an exchange by name only while nothing uses it: no subscriber and no
//! handle held outside the registry.

use actor_pubsub::{Registry, get_exchange};

#[test]
fn only_an_unused_exchange_is_removed() {
    let registry = Registry::new();
    let exc = registry.exchange::<u32>("temp").unwrap();
    let sub = exc.attach_fn(|_: u32| {});
    drop(exc);
    assert!(!registry.remove_unused("temp"), "it has a subscriber");
    drop(sub);
    let held = registry.exchange::<u32>("temp").unwrap();
    assert!(!registry.remove_unused("temp"), "a handle is held");
    drop(held);
    assert!(registry.remove_unused("temp"));
    assert!(!registry.contains("temp"));
    assert!(registry.is_empty());
    assert!(!registry.remove_unused("temp"), "already gone");
    assert!(!registry.remove_unused("never there"));
}

#[test]
fn a_removed_name_can_be_reused_with_another_type() {
    let registry = Registry::new();
    registry.exchange::<u32>("name").unwrap();
    assert!(registry.exchange::<String>("name").is_err());
    assert!(registry.remove_unused("name"));
    assert!(registry.exchange::<String>("name").is_ok());
}

#[test]
fn the_default_registry_removes_too() {
    drop(get_exchange::<u8>("removing_unused_exchange").unwrap());
    assert!(actor_pubsub::default_registry().remove_unused("removing_unused_exchange"));
}
