//! The actor runtime: what every executor shares.
//!
//! An actor is a value behind a mailbox. This folder holds the model users program against and
//! the machinery under it, independent of where the actor runs:
//!
//! - [`actor`]: the handler-style `Actor` trait and its `Context`;
//! - [`addr`]: `Addr`, the cloneable sending end, and `ActorId`;
//! - [`mailbox`]: the queue under an actor (one lock makes closing lossless), and the `Reader`
//!   every run loop pulls from (**start here**);
//! - [`spawn`]: `Builder` and the `spawn` functions, which hand the actor to an executor;
//! - [`handle`]: `ActorHandle` and `Outcome`;
//! - [`inbox`]: the pull-style view of a mailbox;
//! - [`ask`]: request and reply (`ReplyTo`, the one-shot slot, the end watch);
//! - [`error`], [`exit`]: per-operation errors and `ExitReason`;
//! - [`run`]: what every handler-style run shares: restarts under a supervisor, the last steps;
//! - [`unwind`]: the one place panics are caught.
//!
//! The executors that run actors live in `crate::executor`.

pub(crate) mod actor;
pub(crate) mod addr;
pub(crate) mod ask;
pub(crate) mod error;
pub(crate) mod exit;
pub(crate) mod handle;
pub(crate) mod inbox;
pub(crate) mod mailbox;
pub(crate) mod run;
pub(crate) mod spawn;
pub(crate) mod unwind;
