//! At-least-once bridges through a JetStream stream (see `BridgeOptions::durable`): the stream
//! and the durable pull consumer, made if missing, and the task that takes the consumer's
//! messages for the delivery thread, which acknowledges each once delivered.

use std::sync::Arc;
use std::time::Duration;

use async_nats::jetstream::{self, consumer::AckPolicy, consumer::pull, stream};
use futures_util::StreamExt;
use tokio::sync::mpsc;

use super::bridge::{Received, Stats};
use super::connection::GRACE;
use super::{Nats, NatsError};

/// How long setting up the stream and the consumer may take.
const SETUP: Duration = Duration::from_secs(10);
/// How long the receiving task waits after the consumer reported an error (the server away, for
/// instance) before it asks for messages again.
const RETRY: Duration = Duration::from_millis(100);

/// Checks a stream or consumer name: JetStream refuses empty names and ones with `.`, `*`, `>`,
/// path separators or whitespace.
fn check_name(name: &str) -> Result<(), NatsError> {
    let bad = |c: char| matches!(c, '.' | '*' | '>' | '/' | '\\') || c.is_whitespace();
    if name.is_empty() || name.chars().any(bad) {
        return Err(NatsError::InvalidSubject {
            subject: name.to_string(),
            reason: "a JetStream stream or consumer name must be non-empty, without '.', '*', \
                     '>', '/', '\\' or whitespace",
        });
    }
    Ok(())
}

/// Whether the subject pattern `pattern` (`*` one token, `>` the rest) covers `subject`.
fn covers(pattern: &str, subject: &str) -> bool {
    let mut subject = subject.split('.');
    for token in pattern.split('.') {
        match (token, subject.next()) {
            (">", Some(_)) => return true,
            ("*", Some(_)) => {}
            (token, Some(other)) if token == other => {}
            _ => return false,
        }
    }
    subject.next().is_none()
}

/// The stream's subjects for a bridge's own: one covered by another is left out (a stream's
/// subjects must not overlap).
pub(crate) fn stream_subjects(subjects: &[&str]) -> Vec<String> {
    let mut kept: Vec<String> = Vec::new();
    for (i, subject) in subjects.iter().enumerate() {
        let covered = subjects
            .iter()
            .enumerate()
            .any(|(j, other)| j != i && covers(other, subject) && (other != subject || j < i));
        if !covered {
            kept.push((*subject).to_string());
        }
    }
    kept
}

/// Opens the stream `name` (made with `subjects` and file storage if the server has none of
/// that name) and, for a receiving bridge, its durable consumer `(name, filter, ack_wait)` with
/// the message stream it delivers.
pub(crate) fn open(
    nats: &Nats,
    name: &str,
    subjects: Vec<String>,
    consumer: Option<(&str, &str, Duration)>,
) -> Result<(jetstream::Context, Option<pull::Stream>), NatsError> {
    check_name(name)?;
    if let Some((consumer, _, _)) = consumer {
        check_name(consumer)?;
    }
    let (stream_name, client) = (name.to_string(), nats.inner.client.clone());
    let consumer =
        consumer.map(|(name, filter, wait)| (name.to_string(), filter.to_string(), wait));
    let opened = nats.inner.runtime.block(
        async move {
            // Made on the runtime thread: the context starts a task of its own there.
            let context = jetstream::new(client);
            let stream = context
                .get_or_create_stream(stream::Config {
                    name: stream_name,
                    subjects,
                    storage: stream::StorageType::File,
                    ..Default::default()
                })
                .await
                .map_err(|err| format!("could not open the stream: {err}"))?;
            let Some((name, filter, ack_wait)) = consumer else {
                return Ok((context, None));
            };
            let consumer = stream
                .get_or_create_consumer(
                    &name,
                    pull::Config {
                        durable_name: Some(name.clone()),
                        ack_policy: AckPolicy::Explicit,
                        ack_wait,
                        filter_subject: filter,
                        ..Default::default()
                    },
                )
                .await
                .map_err(|err| format!("could not open the consumer {name}: {err}"))?;
            let messages = consumer
                .messages()
                .await
                .map_err(|err| format!("could not take messages from {name}: {err}"))?;
            Ok::<_, String>((context, Some(messages)))
        },
        SETUP + GRACE,
    );
    match opened {
        Some(Ok(opened)) => Ok(opened),
        Some(Err(reason)) => Err(NatsError::Subscribe {
            subject: name.to_string(),
            reason,
        }),
        None => Err(NatsError::Subscribe {
            subject: name.to_string(),
            reason: "the server did not answer in time (is JetStream enabled, `nats-server -js`?)"
                .into(),
        }),
    }
}

/// The receiving task of a durable bridge: hands each message of the consumer to the delivery
/// thread. An oversized one is counted, reported and acknowledged (it would never decode).
pub(crate) async fn receive(
    mut messages: pull::Stream,
    subject: String,
    limit: usize,
    deliveries: mpsc::Sender<Received>,
    stats: Arc<Stats>,
) {
    while let Some(next) = messages.next().await {
        let message = match next {
            Ok(message) => message,
            Err(err) => {
                // Missed heartbeats while the server is away, for instance: the stream itself
                // carries on once the connection is back.
                stats.faults.report(NatsError::ConnectionLost {
                    subject: subject.clone(),
                    reason: err.to_string(),
                });
                tokio::time::sleep(RETRY).await;
                continue;
            }
        };
        if stats.oversized(&message, limit) {
            let _ = message.ack().await;
            continue;
        }
        if deliveries
            .send(Received::Stream(Box::new(message)))
            .await
            .is_err()
        {
            break;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subjects_covered_by_a_wildcard_are_left_out() {
        assert!(covers("jobs.*", "jobs.new"));
        assert!(covers("jobs.>", "jobs.new.eu"));
        assert!(!covers("jobs.*", "jobs.new.eu"));
        assert!(!covers("jobs.new", "jobs.old"));
        assert!(!covers("jobs.new.eu", "jobs.new"));
        assert_eq!(stream_subjects(&["jobs.new", "jobs.*"]), ["jobs.*"]);
        assert_eq!(stream_subjects(&["jobs.new", "jobs.new"]), ["jobs.new"]);
        assert_eq!(
            stream_subjects(&["jobs.new", "mail.>"]),
            ["jobs.new", "mail.>"]
        );
    }
}
