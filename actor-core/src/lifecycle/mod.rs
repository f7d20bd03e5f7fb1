//! Lifecycle: how actors learn of each other's end and how groups of them are kept running and
//! shut down.
//!
//! - [`monitor`]: [`Down`], what a watcher learns, and [`Monitor`], a watch from a thread;
//! - [`watch`]: `Context::watch`, `Context::link`, `Addr::monitor`, [`WeakAddr`];
//! - [`supervisor`]: [`Supervisor`], restarting failed children by strategy and intensity;
//! - [`registry`]: [`Registry`], actors by name with their message type checked;
//! - [`system`]: [`System`], a group of actors shut down together, with a report;
//! - [`dead_letter`]: [`DeadLetters`], what no one else will receive;
//! - [`recipient`]: [`Recipient`], an address of one message type that wraps into another;
//! - [`router`]: [`Router`], one address over a group of actors;
//! - [`inspect`]: [`actors`], [`ActorInfo`]: the live actors as data;
//! - [`probe`]: [`Probe`], a test's stand-in actor to assert on what others send.
//!
//! Everything here rests on one mechanism: each actor's end watch (`runtime::ask::EndWatch`)
//! runs registered calls exactly once when the actor's run ends, with its [`Down`].

pub(crate) mod dead_letter;
pub(crate) mod inspect;
pub(crate) mod monitor;
pub(crate) mod probe;
pub(crate) mod recipient;
pub(crate) mod registry;
pub(crate) mod router;
pub(crate) mod supervisor;
pub(crate) mod system;
pub(crate) mod watch;

pub use dead_letter::{DeadLetter, DeadLetters, DeadReason};
pub use inspect::{ActorInfo, ActorState, Where, actors};
pub use monitor::{Down, Monitor};
pub use probe::{Probe, ProbeActor};
pub use recipient::Recipient;
pub use registry::{Registry, RegistryError};
pub use router::Router;
pub use supervisor::{
    Backoff, ChildError, ChildSpec, DEFAULT_MAX_RESTARTS, DEFAULT_RESTART_WINDOW, Restart, RouteBy,
    Strategy, Supervisor, SupervisorActor, SupervisorHandle, SupervisorMsg,
};
pub use system::{ActorReport, DEFAULT_SHUTDOWN_DEADLINE, ShutdownReport, System, SystemShutDown};
pub use watch::WeakAddr;
