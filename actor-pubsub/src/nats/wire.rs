//! The wire format: a small versioned JSON envelope around a serde value; the one place
//! serde_json is imported.
//!
//! A message is `{"v":1,"type":"<tag>","from":"<origin>","body":<the value as JSON>}` (`from`
//! is optional: bridges write their connection's id there, and skip their own messages on
//! receipt); an error answered by a serving process is
//! `{"v":1,"error":{"kind":"<kind>","detail":"<text>"}}`. Unknown fields are ignored, so later
//! versions may add some.

use std::borrow::Cow;
use std::cell::Cell;
use std::panic::{AssertUnwindSafe, catch_unwind};

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

use super::{NatsError, RemoteFailure};

/// The envelope version this code writes and reads.
pub(crate) const VERSION: u64 = 1;

#[derive(Serialize)]
struct Outgoing<'a, T> {
    v: u64,
    #[serde(rename = "type")]
    tag: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    from: Option<&'a str>,
    body: &'a T,
}

#[derive(Serialize)]
struct OutgoingFailure<'a> {
    v: u64,
    error: FailureOnWire<'a>,
}

#[derive(Serialize, Deserialize)]
struct FailureOnWire<'a> {
    #[serde(borrow)]
    kind: Cow<'a, str>,
    #[serde(borrow, default)]
    detail: Cow<'a, str>,
}

#[derive(Deserialize)]
struct Incoming<'a> {
    v: u64,
    #[serde(rename = "type", borrow, default)]
    tag: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    from: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    body: Option<&'a RawValue>,
    #[serde(borrow, default)]
    error: Option<FailureOnWire<'a>>,
}

/// The tag of `T` unless one was chosen: its type name without module paths (`Order`,
/// `Vec<String>`, `u64`).
pub(crate) fn default_tag<T: ?Sized>() -> String {
    let full = std::any::type_name::<T>();
    let mut tag = String::with_capacity(full.len());
    let mut segment = String::new();
    for c in full.chars() {
        if c.is_alphanumeric() || c == '_' || c == ':' {
            segment.push(c);
        } else {
            tag.push_str(last_segment(&segment));
            segment.clear();
            tag.push(c);
        }
    }
    tag.push_str(last_segment(&segment));
    tag
}

fn last_segment(path: &str) -> &str {
    path.rsplit("::").next().unwrap_or(path)
}

/// Encodes `value` in an envelope tagged `tag`.
pub(crate) fn encode<T: Serialize + ?Sized>(
    subject: &str,
    tag: &str,
    value: &T,
) -> Result<Vec<u8>, NatsError> {
    encode_from(subject, tag, None, value)
}

/// Encodes `value` in an envelope tagged `tag`, naming the connection it comes `from`.
pub(crate) fn encode_from<T: Serialize + ?Sized>(
    subject: &str,
    tag: &str,
    from: Option<&str>,
    value: &T,
) -> Result<Vec<u8>, NatsError> {
    let mut buf = Vec::new();
    encode_into(&mut buf, subject, tag, from, value)?;
    Ok(buf)
}

/// A buffer of this thread's for encoding, kept between calls unless it grew large.
const SCRATCH_KEPT: usize = 64 * 1024;

thread_local! {
    static SCRATCH: Cell<Vec<u8>> = const { Cell::new(Vec::new()) };
}

/// Runs `f` with an empty buffer that this thread keeps between calls, so that encoding a
/// message to copy it elsewhere allocates nothing. A call made inside `f` (a `Serialize` that
/// sends) gets a buffer of its own.
pub(crate) fn with_scratch<R>(f: impl FnOnce(&mut Vec<u8>) -> R) -> R {
    // The thread's locals are gone while the thread ends: then a new buffer does.
    let mut buf = SCRATCH.try_with(Cell::take).unwrap_or_default();
    buf.clear();
    let out = f(&mut buf);
    if buf.capacity() <= SCRATCH_KEPT {
        let _ = SCRATCH.try_with(|scratch| scratch.set(buf));
    }
    out
}

/// Appends to `buf` the envelope of [`encode_from`].
fn encode_into<T: Serialize + ?Sized>(
    buf: &mut Vec<u8>,
    subject: &str,
    tag: &str,
    from: Option<&str>,
    value: &T,
) -> Result<(), NatsError> {
    let out = Outgoing {
        v: VERSION,
        tag,
        from,
        body: &value,
    };
    write_json(buf, subject, &out)
}

/// Appends `value` as JSON to `buf`; a panic in its `Serialize` is an error too.
fn write_json<T: Serialize + ?Sized>(
    buf: &mut Vec<u8>,
    subject: &str,
    value: &T,
) -> Result<(), NatsError> {
    catch_unwind(AssertUnwindSafe(|| serde_json::to_writer(&mut *buf, value)))
        .unwrap_or_else(|_| {
            Err(<serde_json::Error as serde::ser::Error>::custom(
                "its Serialize impl panicked",
            ))
        })
        .map_err(|err| NatsError::Encode {
            subject: subject.to_string(),
            reason: err.to_string(),
        })
}

/// The envelope of one tag and origin, written once: encoding a message then writes only its
/// body between the head and the closing brace (escaping the tag, the origin and the field
/// names for each message was a third of a bridged send's own time).
#[derive(Debug)]
pub(crate) struct Envelope {
    head: Vec<u8>,
}

impl Envelope {
    /// The envelope [`encode_from`] writes for `tag` and `from`.
    pub(crate) fn new(tag: &str, from: Option<&str>) -> Envelope {
        let mut whole = Vec::new();
        // Serializing the envelope of a unit body cannot fail (strings and a number); what
        // precedes its body, `null`, is the head.
        let _ = encode_into(&mut whole, "", tag, from, &());
        let head = whole.strip_suffix(b"null}").unwrap_or_default().to_vec();
        debug_assert!(head.ends_with(b"\"body\":"));
        Envelope { head }
    }

    /// Appends `value` in this envelope to `buf`: the bytes [`encode_from`] would write.
    pub(crate) fn encode_into<T: Serialize + ?Sized>(
        &self,
        buf: &mut Vec<u8>,
        subject: &str,
        value: &T,
    ) -> Result<(), NatsError> {
        buf.extend_from_slice(&self.head);
        write_json(buf, subject, value)?;
        buf.push(b'}');
        Ok(())
    }
}

/// Encodes a failure answered instead of a reply.
pub(crate) fn encode_failure(failure: &RemoteFailure) -> Vec<u8> {
    let (kind, detail) = match failure {
        RemoteFailure::Busy => ("busy", ""),
        RemoteFailure::Stopped => ("stopped", ""),
        RemoteFailure::Timeout => ("timeout", ""),
        RemoteFailure::BadRequest(detail) => ("bad_request", detail.as_str()),
        RemoteFailure::BadReply(detail) => ("bad_reply", detail.as_str()),
    };
    let out = OutgoingFailure {
        v: VERSION,
        error: FailureOnWire {
            kind: kind.into(),
            detail: detail.into(),
        },
    };
    // Two strings: serializing them cannot fail.
    serde_json::to_vec(&out).unwrap_or_default()
}

/// Decodes a message tagged `tag` of type `T`, received on `subject`.
///
/// # Errors
///
/// [`NatsError::TooLarge`] over `limit` (nothing is parsed), [`NatsError::Decode`] for a payload
/// that is not an envelope of this version or whose body is not a `T`, [`NatsError::WrongType`]
/// for another tag. A `Deserialize` impl that panics is a `Decode` error too.
pub(crate) fn decode<T: DeserializeOwned>(
    subject: &str,
    tag: &str,
    payload: &[u8],
    limit: usize,
) -> Result<T, NatsError> {
    decode_unless_from(subject, tag, payload, limit, None)?
        .ok_or_else(|| decode_error::<T>(subject, "a message from this connection itself".into()))
}

/// [`decode`], except that a well-formed envelope naming `origin` as where it comes `from` is
/// not decoded: `Ok(None)`.
pub(crate) fn decode_unless_from<T: DeserializeOwned>(
    subject: &str,
    tag: &str,
    payload: &[u8],
    limit: usize,
    origin: Option<&str>,
) -> Result<Option<T>, NatsError> {
    match open(subject, tag, payload, limit, origin)? {
        Opened::Body(body) => body_as(subject, body).map(Some),
        Opened::Echo => Ok(None),
        Opened::Failure(_) => Err(decode_error::<T>(
            subject,
            "an error envelope where a message was expected".into(),
        )),
    }
}

/// Decodes the reply to a request on `subject`: a `T` tagged `tag`, or the serving side's
/// failure as [`NatsError::Remote`].
pub(crate) fn decode_reply<T: DeserializeOwned>(
    subject: &str,
    tag: &str,
    payload: &[u8],
    limit: usize,
) -> Result<T, NatsError> {
    match open(subject, tag, payload, limit, None)? {
        Opened::Body(body) => body_as(subject, body),
        Opened::Echo => Err(decode_error::<T>(subject, "an echo".into())),
        Opened::Failure(failure) => Err(NatsError::Remote {
            subject: subject.to_string(),
            failure,
        }),
    }
}

enum Opened<'a> {
    Body(&'a RawValue),
    /// A message from the connection itself.
    Echo,
    Failure(RemoteFailure),
}

/// Checks the size, the version and the tag, and returns the body or the failure unparsed.
fn open<'a>(
    subject: &str,
    tag: &str,
    payload: &'a [u8],
    limit: usize,
    origin: Option<&str>,
) -> Result<Opened<'a>, NatsError> {
    if payload.len() > limit {
        return Err(NatsError::TooLarge {
            subject: subject.to_string(),
            size: payload.len(),
            limit,
        });
    }
    let bad = |reason: String| NatsError::Decode {
        subject: subject.to_string(),
        expected: "an envelope",
        reason,
    };
    let incoming: Incoming<'a> =
        serde_json::from_slice(payload).map_err(|err| bad(format!("not an envelope: {err}")))?;
    if incoming.v != VERSION {
        return Err(bad(format!(
            "envelope version {}, this side reads version {VERSION}",
            incoming.v
        )));
    }
    if origin.is_some() && incoming.from.as_deref() == origin {
        return Ok(Opened::Echo);
    }
    if let Some(failure) = incoming.error {
        let detail = failure.detail.into_owned();
        return Ok(Opened::Failure(match &*failure.kind {
            "busy" => RemoteFailure::Busy,
            "stopped" => RemoteFailure::Stopped,
            "timeout" => RemoteFailure::Timeout,
            "bad_request" => RemoteFailure::BadRequest(detail),
            other => RemoteFailure::BadReply(format!("{other}: {detail}")),
        }));
    }
    match (incoming.tag, incoming.body) {
        (Some(found), _) if found != tag => Err(NatsError::WrongType {
            subject: subject.to_string(),
            expected: tag.to_string(),
            found: found.into_owned(),
        }),
        (Some(_), Some(body)) => Ok(Opened::Body(body)),
        (None, _) => Err(bad("the envelope has no \"type\"".into())),
        (Some(_), None) => Err(bad("the envelope has no \"body\"".into())),
    }
}

fn body_as<T: DeserializeOwned>(subject: &str, body: &RawValue) -> Result<T, NatsError> {
    match catch_unwind(AssertUnwindSafe(|| serde_json::from_str::<T>(body.get()))) {
        Ok(Ok(value)) => Ok(value),
        Ok(Err(err)) => Err(decode_error::<T>(subject, err.to_string())),
        Err(_) => Err(decode_error::<T>(
            subject,
            "its Deserialize impl panicked".into(),
        )),
    }
}

fn decode_error<T>(subject: &str, reason: String) -> NatsError {
    NatsError::Decode {
        subject: subject.to_string(),
        expected: std::any::type_name::<T>(),
        reason,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIMIT: usize = 1 << 20;

    #[test]
    fn tags_are_type_names_without_paths() {
        assert_eq!(default_tag::<u64>(), "u64");
        assert_eq!(default_tag::<String>(), "String");
        assert_eq!(default_tag::<Vec<String>>(), "Vec<String>");
        assert_eq!(
            default_tag::<(u8, Option<String>)>(),
            "(u8, Option<String>)"
        );
    }

    #[test]
    fn a_value_goes_round() {
        let bytes = encode("s", "Vec<u32>", &vec![1u32, 2]).unwrap();
        assert_eq!(bytes, br#"{"v":1,"type":"Vec<u32>","body":[1,2]}"#);
        let back: Vec<u32> = decode("s", "Vec<u32>", &bytes, LIMIT).unwrap();
        assert_eq!(back, [1, 2]);
    }

    #[test]
    fn an_envelope_written_once_encodes_as_the_whole() {
        let envelope = Envelope::new("Vec<\"q\">", Some("me\\you"));
        for value in [
            vec![],
            vec!["a".to_string()],
            vec!["\"}".into(), "\u{e9}".into()],
        ] {
            let mut buf = b"kept".to_vec();
            envelope.encode_into(&mut buf, "s", &value).unwrap();
            let whole = encode_from("s", "Vec<\"q\">", Some("me\\you"), &value).unwrap();
            assert_eq!(&buf[..4], b"kept");
            assert_eq!(buf[4..], whole[..]);
        }
        let no_origin = Envelope::new("u8", None);
        let mut buf = Vec::new();
        no_origin.encode_into(&mut buf, "s", &7u8).unwrap();
        assert_eq!(buf, br#"{"v":1,"type":"u8","body":7}"#);
    }

    #[test]
    fn an_origin_is_written_and_its_echo_skipped() {
        let bytes = encode_from("s", "u8", Some("me"), &7u8).unwrap();
        assert_eq!(bytes, br#"{"v":1,"type":"u8","from":"me","body":7}"#);
        assert_eq!(
            decode_unless_from::<u8>("s", "u8", &bytes, LIMIT, Some("me")),
            Ok(None)
        );
        assert_eq!(
            decode_unless_from::<u8>("s", "u8", &bytes, LIMIT, Some("you")),
            Ok(Some(7))
        );
        assert_eq!(decode::<u8>("s", "u8", &bytes, LIMIT), Ok(7));
    }

    #[test]
    fn another_tag_is_reported_not_decoded() {
        let bytes = encode("s", "A", &1u8).unwrap();
        let err = decode::<u8>("s", "B", &bytes, LIMIT).unwrap_err();
        assert_eq!(
            err,
            NatsError::WrongType {
                subject: "s".into(),
                expected: "B".into(),
                found: "A".into()
            }
        );
    }

    #[test]
    fn faults_are_values() {
        for bad in [
            &b"not json"[..],
            br#"{"v":2,"type":"u8","body":1}"#,
            br#"{"v":1,"body":1}"#,
            br#"{"v":1,"type":"u8"}"#,
            br#"{"v":1,"type":"u8","body":"one"}"#,
            br#"{"v":1,"type":"u8","body":300}"#,
            br#"[1,2,3]"#,
            b"",
        ] {
            let err = decode::<u8>("s", "u8", bad, LIMIT).unwrap_err();
            assert!(matches!(err, NatsError::Decode { .. }), "{err:?}");
        }
        let err = decode::<u8>("s", "u8", &[b' '; 11], 10).unwrap_err();
        assert!(matches!(
            err,
            NatsError::TooLarge {
                size: 11,
                limit: 10,
                ..
            }
        ));
    }

    #[test]
    fn failures_go_round() {
        for failure in [
            RemoteFailure::Busy,
            RemoteFailure::Stopped,
            RemoteFailure::Timeout,
            RemoteFailure::BadRequest("why".into()),
        ] {
            let bytes = encode_failure(&failure);
            let err = decode_reply::<u8>("s", "u8", &bytes, LIMIT).unwrap_err();
            assert_eq!(
                err,
                NatsError::Remote {
                    subject: "s".into(),
                    failure
                }
            );
        }
    }
}
