//! Actors on OS threads, with no async runtime.
#![forbid(unsafe_code)]

mod actor;
mod addr;
mod ask;
mod chan;
mod error;
mod event;
mod exit;
mod handle;
mod inbox;
mod mailbox;
mod spawn;
mod unwind;

pub use actor::{Actor, Context};
pub use addr::{ActorId, Addr};
pub use ask::ReplyTo;
pub use error::{AskError, Exit, SendError, SendTimeoutError, TrySendError};
pub use event::Event;
pub use exit::ExitReason;
pub use handle::{ActorHandle, FnActor, Outcome, Spawned};
pub use inbox::Inbox;
pub use mailbox::Mailbox;
pub use spawn::{Builder, spawn, spawn_fn};
