//! The same name and message type always give the same exchange, in a registry value and in the
//! process-wide one, even when several threads race to create it.

use std::sync::{Arc, Barrier};

use actor_pubsub::{DeliveryPolicy, Recorder, Registry, get_exchange};

#[test]
fn same_name_and_type_give_the_same_exchange() {
    let registry = Registry::new();
    let a = registry.exchange::<String>("news").unwrap();
    let b = registry.exchange::<String>("news").unwrap();
    assert!(Arc::ptr_eq(&a, &b));
    assert_eq!(registry.len(), 1);
    assert_eq!(a.policy(), DeliveryPolicy::Block);
}

#[test]
fn an_exchange_found_again_keeps_its_subscribers() {
    let registry = Registry::new();
    let seen = Recorder::new();
    let _sub = registry.exchange::<u32>("n").unwrap().attach(seen.clone());
    assert_eq!(registry.exchange::<u32>("n").unwrap().send(7), 1);
    assert_eq!(registry.get::<u32>("n").unwrap().unwrap().send(8), 1);
    assert_eq!(seen.messages(), [7, 8]);
}

#[test]
fn different_names_give_different_exchanges() {
    let registry = Registry::new();
    let a = registry.exchange::<u32>("a").unwrap();
    let b = registry.exchange::<u32>("b").unwrap();
    assert!(!Arc::ptr_eq(&a, &b));
    assert_eq!(registry.names(), ["a", "b"]);
}

#[test]
fn registries_are_independent() {
    let one = Registry::new();
    let two = Registry::new();
    let a = one.exchange::<u32>("same").unwrap();
    let b = two.exchange::<u32>("same").unwrap();
    assert!(!Arc::ptr_eq(&a, &b));
    // Another type under that name is fine in another registry.
    assert!(two.exchange::<u32>("other").is_ok());
    assert!(one.exchange::<String>("other").is_ok());
}

#[test]
fn racing_creators_all_get_one_exchange() {
    const THREADS: usize = 8;
    let registry = Arc::new(Registry::new());
    let start = Arc::new(Barrier::new(THREADS));
    let threads: Vec<_> = (0..THREADS)
        .map(|_| {
            let registry = Arc::clone(&registry);
            let start = Arc::clone(&start);
            std::thread::spawn(move || {
                start.wait();
                registry.exchange::<u64>("race").unwrap()
            })
        })
        .collect();
    let got: Vec<_> = threads.into_iter().map(|t| t.join().unwrap()).collect();
    assert!(got.iter().all(|e| Arc::ptr_eq(e, &got[0])));
    assert_eq!(registry.len(), 1);
}

#[test]
fn get_exchange_gives_the_same_exchange() {
    let a = get_exchange::<&str>("same_name_same_exchange").unwrap();
    let b = get_exchange::<&str>("same_name_same_exchange").unwrap();
    assert!(Arc::ptr_eq(&a, &b));
    let c = actor_pubsub::default_registry()
        .exchange::<&str>("same_name_same_exchange")
        .unwrap();
    assert!(Arc::ptr_eq(&a, &c));
}

#[test]
fn exchange_with_returns_the_existing_exchange_for_the_same_policy() {
    let registry = Registry::new();
    let a = registry
        .exchange_with::<u8>("p", DeliveryPolicy::Skip)
        .unwrap();
    let b = registry
        .exchange_with::<u8>("p", DeliveryPolicy::Skip)
        .unwrap();
    let c = registry.exchange::<u8>("p").unwrap();
    assert!(Arc::ptr_eq(&a, &b));
    assert!(Arc::ptr_eq(&a, &c));
    assert_eq!(c.policy(), DeliveryPolicy::Skip);
}
