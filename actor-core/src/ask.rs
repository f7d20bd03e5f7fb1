//! `ReplyTo`: the port a request carries so its handler can answer the asker.

use std::fmt;

use crate::chan::Sender;

/// The reply port of a request sent with [`Addr::ask`](crate::Addr::ask).
///
/// The handler answers with [`reply`](ReplyTo::reply). Dropping the port unanswered makes the
/// asker's `ask` fail at once with [`AskError::Stopped`](crate::AskError::Stopped).
///
/// ```
/// use actor_core::{Inbox, ReplyTo};
///
/// // A request type is any message that carries a port.
/// struct Length(String, ReplyTo<usize>);
///
/// let handle = actor_core::spawn_fn(|inbox: Inbox<Length>| loop {
///     let Length(text, reply) = inbox.recv()?;
///     let _ = reply.reply(text.len());
/// });
/// let addr = handle.addr();
/// assert_eq!(addr.ask(|port| Length("four".into(), port)).unwrap(), 4);
/// ```
pub struct ReplyTo<R> {
    port: Sender<R>,
}

impl<R> ReplyTo<R> {
    pub(crate) fn new(port: Sender<R>) -> ReplyTo<R> {
        ReplyTo { port }
    }

    /// Sends the reply.
    ///
    /// # Errors
    ///
    /// Hands the value back if the asker no longer waits (its `ask_timeout` ran out).
    pub fn reply(self, value: R) -> Result<(), R> {
        self.port.try_send(value).map_err(|e| e.into_inner())
    }
}

impl<R> fmt::Debug for ReplyTo<R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ReplyTo(..)")
    }
}
