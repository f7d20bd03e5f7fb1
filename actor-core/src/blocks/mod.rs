//! The recipes' thread building blocks: standalone primitives that need no actor.
//!
//! - [`event`]: `Event`, a flag threads wait on (the recipe's `threading.Event`);
//! - [`cancel`]: `CancelToken`, prompt cooperative cancellation;
//! - [`ticker`]: `Ticker`, a periodic tick many threads wait for;
//! - [`timer`]: `Timers`, `send_after` and `send_interval`: messages to actors at deadlines;
//! - [`thread_pool`]: `ThreadPool`, tasks on a bounded set of threads, with handles;
//! - [`lock_order`]: ordered multi-lock acquisition that cannot deadlock;
//! - [`channel`]: a plain MPMC queue with the actor mailbox's error types;
//! - [`select`]: waiting on several queues at once.
//!
//! The actor runtime uses `Event` and `Timers`; nothing here depends on the runtime except the
//! timers (they send through an `Addr`).

pub(crate) mod cancel;
pub mod channel;
pub(crate) mod event;
pub(crate) mod lock_order;
pub(crate) mod select;
pub(crate) mod thread_pool;
pub(crate) mod ticker;
pub(crate) mod timer;
