//! The one place `crossbeam-channel` is imported; every other module takes its channel types here.

pub(crate) use crossbeam_channel::{
    Receiver, RecvTimeoutError, Sender, TryRecvError, bounded, select, unbounded,
};

/// Errors of crossbeam's send operations, renamed so they never clash with this crate's own.
pub(crate) mod cb {
    pub(crate) use crossbeam_channel::{SendTimeoutError, TrySendError};
}
