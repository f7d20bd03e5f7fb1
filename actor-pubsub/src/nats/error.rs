//! `NatsError` and `RemoteFailure`: every way an operation across processes fails, as a value.

use std::time::Duration;

use thiserror::Error;

/// Why an operation across processes failed. Nothing in the NATS bridge panics on a fault of the
/// network or of a peer: it returns (or records) one of these.
///
/// Messages never contain a secret: a URL is shown without its user and password.
///
/// ```
/// use actor_pubsub::nats::NatsError;
/// use std::time::Duration;
///
/// let err = NatsError::Timeout { subject: "counter".into(), timeout: Duration::from_millis(50) };
/// assert_eq!(err.to_string(), "no reply on \"counter\" within 50ms");
/// assert!(err.is_timeout());
/// ```
#[derive(Error, Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum NatsError {
    /// The first connection to the server failed (refused, timed out, rejected credentials).
    #[error("could not connect to {url}: {reason}")]
    Connect {
        /// The server's URL, without user and password.
        url: String,
        /// What the client reported.
        reason: String,
    },
    /// The client is not connected now: the server went away and the client is reconnecting,
    /// or the handle was closed. Asks fail with this at once instead of waiting.
    #[error("not connected to the NATS server")]
    NotConnected,
    /// The connection broke while a request on `subject` was under way.
    #[error("the connection was lost during a request on {subject:?}: {reason}")]
    ConnectionLost {
        /// The subject asked.
        subject: String,
        /// What the client reported.
        reason: String,
    },
    /// No reply came within the timeout of the ask.
    #[error("no reply on {subject:?} within {timeout:?}")]
    Timeout {
        /// The subject asked.
        subject: String,
        /// The timeout the ask was given.
        timeout: Duration,
    },
    /// Nobody serves `subject`: the server answered the request at once with "no responders".
    #[error("nobody serves {subject:?}")]
    NoResponders {
        /// The subject asked.
        subject: String,
    },
    /// A payload is not a well-formed envelope, or its body does not decode as the expected type.
    #[error("a payload on {subject:?} does not decode as {expected}: {reason}")]
    Decode {
        /// The subject the payload came on.
        subject: String,
        /// The Rust type it should have decoded as.
        expected: &'static str,
        /// What was wrong with it.
        reason: String,
    },
    /// A well-formed envelope carries another type tag than the one expected: it was not decoded.
    #[error("a payload on {subject:?} carries type {found:?}, not {expected:?}")]
    WrongType {
        /// The subject the payload came on.
        subject: String,
        /// The tag the receiver expects.
        expected: String,
        /// The tag the payload carries.
        found: String,
    },
    /// A payload is larger than the limit ([`NatsBuilder::max_payload`](crate::nats::NatsBuilder::max_payload),
    /// or the server's own limit). Outgoing ones are not sent; incoming ones are not decoded.
    #[error("a payload of {size} bytes on {subject:?} exceeds the limit of {limit} bytes")]
    TooLarge {
        /// The subject it was for or came on.
        subject: String,
        /// Its size in bytes.
        size: usize,
        /// The limit in bytes.
        limit: usize,
    },
    /// A message could not be encoded (its `Serialize` impl failed).
    #[error("a message for {subject:?} could not be encoded: {reason}")]
    Encode {
        /// The subject it was for.
        subject: String,
        /// What serde reported.
        reason: String,
    },
    /// The process serving `subject` received the request but could not answer it.
    #[error("the actor served on {subject:?} could not answer: {failure}")]
    Remote {
        /// The subject asked.
        subject: String,
        /// What the serving side reported.
        failure: RemoteFailure,
    },
    /// The subject cannot be used this way (empty, with spaces, or with a wildcard where a
    /// message must be sent).
    #[error("{subject:?} is not a valid subject here: {reason}")]
    InvalidSubject {
        /// The subject given.
        subject: String,
        /// Why it cannot be used.
        reason: &'static str,
    },
    /// The server refused a subscription, or the client could not send it.
    #[error("could not subscribe to {subject:?}: {reason}")]
    Subscribe {
        /// The subject.
        subject: String,
        /// What the client reported.
        reason: String,
    },
}

impl NatsError {
    /// Whether the operation ran out of time ([`Timeout`](NatsError::Timeout), or the serving
    /// actor's own deadline, [`RemoteFailure::Timeout`]).
    pub fn is_timeout(&self) -> bool {
        matches!(
            self,
            NatsError::Timeout { .. }
                | NatsError::Remote {
                    failure: RemoteFailure::Timeout,
                    ..
                }
        )
    }

    /// Whether the failure comes from the connection rather than from a peer or a payload
    /// ([`NotConnected`](NatsError::NotConnected), [`ConnectionLost`](NatsError::ConnectionLost),
    /// [`Connect`](NatsError::Connect)): trying again once the server is back may succeed.
    pub fn is_connection(&self) -> bool {
        matches!(
            self,
            NatsError::NotConnected | NatsError::ConnectionLost { .. } | NatsError::Connect { .. }
        )
    }
}

/// What the process serving an actor answers instead of a reply, carried in
/// [`NatsError::Remote`].
#[derive(Error, Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum RemoteFailure {
    /// The served actor's mailbox, or the server's queue of requests, was full: the request was
    /// not handed to the actor.
    #[error("the actor is busy")]
    Busy,
    /// The actor has ended, or it dropped the request's [`ReplyTo`](actor_core::ReplyTo)
    /// unanswered.
    #[error("the actor ended or dropped the request without replying")]
    Stopped,
    /// The actor did not reply within the serving side's deadline
    /// ([`ServeOptions::reply_timeout`](crate::nats::ServeOptions::reply_timeout)).
    #[error("the actor did not reply in time")]
    Timeout,
    /// The serving side could not decode the request (the text says why).
    #[error("the request was refused: {0}")]
    BadRequest(String),
    /// The serving side could not encode or send the reply (the text says why).
    #[error("the reply could not be sent: {0}")]
    BadReply(String),
}

/// A URL as it may be shown: `nats://user:secret@host:4222` becomes `nats://***@host:4222`.
pub(crate) fn redact(url: &str) -> String {
    let (scheme, rest) = match url.find("://") {
        Some(at) => url.split_at(at + 3),
        None => ("", url),
    };
    let host_end = rest.find(['/', '?']).unwrap_or(rest.len());
    match rest[..host_end].rfind('@') {
        Some(at) => format!("{scheme}***{}", &rest[at..]),
        None => url.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::redact;

    #[test]
    fn urls_lose_their_user_and_password() {
        assert_eq!(redact("nats://a:b@host:4222"), "nats://***@host:4222");
        assert_eq!(redact("tls://token@host"), "tls://***@host");
        assert_eq!(redact("nats://127.0.0.1:4222"), "nats://127.0.0.1:4222");
        assert_eq!(redact("user:pw@host"), "***@host");
        assert_eq!(redact("host/path@x"), "host/path@x");
    }
}
