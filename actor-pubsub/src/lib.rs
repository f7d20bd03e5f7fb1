//! Named publish/subscribe exchanges for `actor-core` actors, with subscription guards and an
//! explicit delivery policy.
//!
//! An [`Exchange`] is the recipe's go-between: publishers [`send`](Exchange::send) to it, and it
//! hands each message to every attached [`Subscriber`] (an actor's [`Addr`](actor_core::Addr), a
//! closure, an `actor_core::channel::Sender`, a crossbeam `Sender` with the feature `crossbeam`, or
//! your own type). [`attach`](Exchange::attach) returns a
//! [`Subscription`] guard that detaches when dropped. Exchanges are found by name in a
//! [`Registry`], or in the process-wide one through [`get_exchange`].
//!
//! # Hello, exchange
//!
//! ```
//! use actor_pubsub::{DeliveryPolicy, Exchange, Recorder};
//!
//! let exc = Exchange::new(DeliveryPolicy::Block);
//! let task_a = Recorder::new();
//! let task_b = Recorder::new();
//! let _a = exc.attach(task_a.clone());
//! let _b = exc.attach(task_b.clone());
//!
//! assert_eq!(exc.send("msg1"), 2); // how many subscribers received it
//! assert_eq!(exc.send("msg2"), 2);
//! assert_eq!(task_a.messages(), ["msg1", "msg2"]);
//! assert_eq!(task_b.messages(), ["msg1", "msg2"]);
//! ```
//!
//! # Subscriptions are guards
//!
//! Dropping a [`Subscription`] detaches its subscriber, like leaving the recipe's `with`
//! block; [`Exchange::detach`] does it by handle. A subscriber sees only messages sent while it is
//! attached.
//!
//! ```
//! use actor_pubsub::{DeliveryPolicy, Exchange, Recorder};
//!
//! let exc = Exchange::new(DeliveryPolicy::Block);
//! let seen = Recorder::new();
//! exc.send("before"); // nobody attached: delivered to no one
//! {
//!     let sub = exc.attach(seen.clone());
//!     exc.send("during");
//!     assert_eq!(sub.delivered(), 1);
//!     assert_eq!(exc.subscriber_count(), 1);
//! }
//! exc.send("after");
//! assert_eq!(seen.messages(), ["during"]);
//! assert_eq!(exc.subscriber_count(), 0);
//! ```
//!
//! # Actors as subscribers
//!
//! An actor's address is a subscriber: each message lands in its mailbox. An actor that has
//! ended is detached by the next `send`, which does not count it; the others still receive.
//!
//! ```
//! use actor_core::{Actor, Context};
//! use actor_pubsub::{DeliveryPolicy, Exchange};
//!
//! struct Sum(u64);
//! impl Actor for Sum {
//!     type Msg = u64;
//!     fn handle(&mut self, n: u64, _ctx: &mut Context<Self>) {
//!         self.0 += n;
//!     }
//! }
//!
//! let exc = Exchange::new(DeliveryPolicy::Block);
//! let stays = actor_core::spawn(Sum(0));
//! let leaves = actor_core::spawn(Sum(0));
//! let stays_sub = exc.attach(stays.addr());
//! let leaves_sub = exc.attach(leaves.addr());
//!
//! assert_eq!(exc.send(1), 2);
//! leaves.addr().close();
//! assert_eq!(leaves.join().into_state().0, 1);
//!
//! assert_eq!(exc.send(2), 1); // the ended actor is not counted...
//! assert!(!leaves_sub.is_attached()); // ...and is detached
//! assert_eq!(exc.subscriber_count(), 1);
//!
//! drop(stays_sub); // the exchange lets go of its address
//! assert_eq!(stays.join().into_state().0, 3);
//! ```
//!
//! # Delivery policy
//!
//! What a `send` does at a subscriber without room (a full bounded mailbox) is the exchange's
//! [`DeliveryPolicy`], chosen when it is made: wait ([`Block`](DeliveryPolicy::Block)), drop
//! and count ([`Skip`](DeliveryPolicy::Skip)), or wait up to a deadline, then drop and count
//! ([`Timeout`](DeliveryPolicy::Timeout)). Each subscription reads its counters.
//!
//! ```
//! use actor_core::{Builder, Inbox, Mailbox};
//! use actor_pubsub::{DeliveryPolicy, Exchange};
//!
//! let (open_gate, gate) = std::sync::mpsc::channel::<()>();
//! let slow = Builder::new()
//!     .mailbox(Mailbox::Bounded(1))
//!     .spawn_fn(move |inbox: Inbox<u32>| {
//!         gate.recv().ok(); // takes nothing until the gate opens
//!         while inbox.recv().is_ok() {}
//!         Ok(())
//!     })
//!     .unwrap();
//!
//! let exc = Exchange::new(DeliveryPolicy::Skip);
//! let sub = exc.attach(slow.addr());
//! assert_eq!(exc.send(1), 1); // fills the mailbox
//! assert_eq!(exc.send(2), 0); // no room: skipped
//! assert_eq!((sub.delivered(), sub.dropped()), (1, 1));
//! open_gate.send(()).unwrap();
//! ```
//!
//! # Named exchanges
//!
//! A [`Registry`] maps names to exchanges of any message type: the same name and type give the
//! same exchange; the same name with another type is an error, not a panic. [`get_exchange`]
//! uses a process-wide registry, as the recipe's module-level function does.
//!
//! ```
//! use actor_pubsub::{ExchangeError, Recorder, Registry, get_exchange};
//! use std::sync::Arc;
//!
//! let registry = Registry::new();
//! let a = registry.exchange::<String>("orders").unwrap();
//! let b = registry.exchange::<String>("orders").unwrap();
//! assert!(Arc::ptr_eq(&a, &b));
//!
//! let err = registry.exchange::<u64>("orders").unwrap_err();
//! assert!(matches!(err, ExchangeError::TypeMismatch { ref name, .. } if name == "orders"));
//!
//! let seen = Recorder::new();
//! let _sub = get_exchange::<&str>("crate-doc").unwrap().attach(seen.clone());
//! get_exchange::<&str>("crate-doc").unwrap().send("hello");
//! assert_eq!(seen.messages(), ["hello"]);
//! ```
//!
//! # Concurrency
//!
//! `send` takes a snapshot of the subscriber list and delivers with no lock held (the list is
//! copy-on-write). A subscriber that blocks holds up only the thread that sends to it, and a
//! subscriber may attach, detach or send on its own exchange from inside its delivery. Messages
//! from one sending thread reach each subscriber in the order they were sent.
//!
//! ```
//! use actor_pubsub::{DeliveryPolicy, Exchange, Recorder};
//! use std::sync::{Arc, Mutex};
//!
//! let exc = Arc::new(Exchange::new(DeliveryPolicy::Block));
//! let late = Recorder::new();
//! let joined = Mutex::new(None);
//! let (exc2, late2) = (Arc::clone(&exc), late.clone());
//! // On its first message, this subscriber attaches another one to the same exchange.
//! let _sub = exc.attach_fn(move |_msg: u32| {
//!     joined.lock().unwrap().get_or_insert_with(|| exc2.attach(late2.clone()).forget());
//! });
//! exc.send(1);
//! exc.send(2);
//! assert_eq!(late.messages(), [2]);
//! ```
#![forbid(unsafe_code)]

#[cfg(feature = "crossbeam")]
mod channel;
mod display;
mod error;
mod exchange;
mod global;
mod list;
#[cfg(feature = "nats")]
pub mod nats;
mod policy;
mod recorder;
mod registry;
mod subscriber;
mod subscription;
mod trace;

pub use display::DisplayMessages;
pub use error::ExchangeError;
pub use exchange::Exchange;
pub use global::{default_registry, get_exchange};
pub use policy::{DeliveryPolicy, Wait};
pub use recorder::Recorder;
pub use registry::Registry;
pub use subscriber::{Delivery, Subscriber};
pub use subscription::{Counters, Subscription};
