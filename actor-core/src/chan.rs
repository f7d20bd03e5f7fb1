//! The one place `crossbeam-channel` is imported; every other module takes its channel types here.

pub(crate) use crossbeam_channel::{
    Receiver, RecvTimeoutError, Sender, TryRecvError, bounded, unbounded,
};

/// Crossbeam's send errors, iterators and dynamic select, named through `cb::` so they never
/// clash with this crate's own types of the same names.
pub(crate) mod cb {
    pub(crate) use crossbeam_channel::{
        Iter, Select, SelectedOperation, SendTimeoutError, TryIter, TrySendError,
    };
}
