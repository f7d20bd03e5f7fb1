//! Remote actors: `Served`, an actor answering requests on a subject (in a queue group, so that
//! several processes can serve one name), and `Remote`, the asking side in another process.
//!
//! A request becomes an ordinary actor message: the subscription's task decodes it, builds the
//! actor's message around a [`ReplyTo`] with the caller's `make`, and asks the actor with
//! [`Addr::ask_then`], which never waits; the reply (or why there is none) is encoded on the
//! replying thread and queued for publishing to the asker's inbox.

use std::fmt;
use std::marker::PhantomData;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering::SeqCst};
use std::time::{Duration, Instant};

use actor_core::{Addr, AskError, NoReply, ReplyTo};
use async_nats::{Message, Subject};
use futures_util::StreamExt;
use serde::Serialize;
use serde::de::DeserializeOwned;
use tokio::task::JoinHandle;

use super::outbox::{self, Outbox};
use super::runtime;
use super::wire;
use super::{Counter, Faults, Nats, NatsError, RemoteFailure, check_subject};
use crate::Wait;

/// How an actor is served; for [`Nats::serve_with`].
///
/// ```
/// use actor_pubsub::nats::ServeOptions;
/// use std::time::Duration;
///
/// let options = ServeOptions::new()
///     .queue_group("counters")
///     .max_pending(64)
///     .reply_timeout(Duration::from_secs(2));
/// # drop(options);
/// ```
#[derive(Clone, Debug)]
#[must_use = "options do nothing until given to Nats::serve_with"]
pub struct ServeOptions {
    queue_group: String,
    max_pending: usize,
    reply_timeout: Duration,
    request_tag: Option<String>,
    reply_tag: Option<String>,
}

impl Default for ServeOptions {
    fn default() -> ServeOptions {
        ServeOptions::new()
    }
}

impl ServeOptions {
    /// Queue group `actor-pubsub`, at most 1024 requests pending, 10 s for the actor to reply,
    /// type tags from the type names.
    pub fn new() -> ServeOptions {
        ServeOptions {
            queue_group: "actor-pubsub".into(),
            max_pending: 1024,
            reply_timeout: Duration::from_secs(10),
            request_tag: None,
            reply_tag: None,
        }
    }

    /// The NATS queue group: of all the processes serving one subject in one group, each request
    /// goes to one.
    pub fn queue_group(mut self, group: impl Into<String>) -> ServeOptions {
        self.queue_group = group.into();
        self
    }

    /// How many requests may wait for the actor at once (received, or asked and not yet
    /// answered). Beyond that a request is answered at once with [`RemoteFailure::Busy`].
    pub fn max_pending(mut self, requests: usize) -> ServeOptions {
        self.max_pending = requests.max(1);
        self
    }

    /// How long the actor has to reply to one request; then the asker gets
    /// [`RemoteFailure::Timeout`] (if it still waits).
    pub fn reply_timeout(mut self, timeout: Duration) -> ServeOptions {
        self.reply_timeout = timeout;
        self
    }

    /// The type tags of requests and replies (see
    /// [`BridgeOptions::type_tag`](crate::nats::BridgeOptions::type_tag)); both sides must agree.
    pub fn type_tags(
        mut self,
        request: impl Into<String>,
        reply: impl Into<String>,
    ) -> ServeOptions {
        self.request_tag = Some(request.into());
        self.reply_tag = Some(reply.into());
        self
    }
}

/// An actor served on a NATS subject, made by [`Nats::serve`]. **Dropping it stops serving**:
/// the subscription ends (the drop waits, a second at most, until the server has processed
/// that), and requests already handed to the actor are still answered while the connection
/// lives.
#[must_use = "dropping a Served stops serving at once"]
pub struct Served {
    subject: String,
    stats: Arc<ServeStats>,
    task: Option<JoinHandle<()>>,
    answers: Arc<Answers>,
    nats: Nats,
}

#[derive(Default)]
struct ServeStats {
    requests: Counter,
    answered: Counter,
    malformed: Counter,
    busy: Counter,
    failed: Arc<Counter>,
    faults: Faults,
}

impl Served {
    /// The subject served.
    pub fn subject(&self) -> &str {
        &self.subject
    }

    /// How many requests arrived.
    pub fn requests(&self) -> u64 {
        self.stats.requests.get()
    }

    /// How many replies (or failures) were queued for the askers.
    pub fn answered(&self) -> u64 {
        self.stats.answered.get()
    }

    /// How many requests did not decode (or were over the payload limit); each was answered
    /// with [`RemoteFailure::BadRequest`].
    pub fn malformed(&self) -> u64 {
        self.stats.malformed.get()
    }

    /// How many requests were answered with [`RemoteFailure::Busy`].
    pub fn busy(&self) -> u64 {
        self.stats.busy.get()
    }

    /// The last fault: a request that did not decode, or a reply that could not be sent.
    pub fn last_error(&self) -> Option<NatsError> {
        self.stats.faults.last()
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        // Ends the subscription (once this returns the server routes no request here); the
        // publisher then ends once the requests the actor was asked are answered.
        if let Some(task) = self.task.take() {
            let inner = &self.nats.inner;
            inner.runtime.end_task(task, &inner.client);
        }
        self.answers.served_dropped();
    }
}

impl fmt::Debug for Served {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Served")
            .field("subject", &self.subject)
            .field("requests", &self.requests())
            .field("answered", &self.answered())
            .field("malformed", &self.malformed())
            .field("busy", &self.busy())
            .finish()
    }
}

impl Nats {
    /// Serves the actor at `addr` on `subject`, in the default queue group: each request (a
    /// `Req`) is made into the actor's message by `make`, with the [`ReplyTo`] the actor answers
    /// through; its reply (a `Resp`) goes back to the asker. Several processes may serve one
    /// subject: each request goes to one of them.
    ///
    /// Requests are decoded, and `make` is called, on the connection's runtime thread; the actor
    /// is then asked without waiting ([`Addr::ask_then`]), and its reply is encoded on the thread
    /// that replies. So `make` must be quick and must not block: it holds up the connection's
    /// traffic while it runs (a constructor such as `Add` below, or a closure that builds an enum
    /// variant, is what it is for). A panic in it, or in `Req`'s `Deserialize`, is caught and
    /// answered as a failure.
    ///
    /// When this returns, the server has the subscription.
    ///
    /// # Errors
    ///
    /// [`NatsError::InvalidSubject`], [`NatsError::Subscribe`] or [`NatsError::NotConnected`]
    /// if the subscription could not be made.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// use actor_core::{Actor, Context, ReplyTo};
    /// use actor_pubsub::nats::Nats;
    /// use std::time::Duration;
    ///
    /// struct Add(u64, ReplyTo<u64>);
    /// struct Counter(u64);
    /// impl Actor for Counter {
    ///     type Msg = Add;
    ///     fn handle(&mut self, Add(n, reply): Add, _ctx: &mut Context<Self>) {
    ///         self.0 += n;
    ///         let _ = reply.reply(self.0);
    ///     }
    /// }
    ///
    /// let nats = Nats::connect("nats://127.0.0.1:4222")?;
    /// let counter = actor_core::spawn(Counter(0));
    /// let _served = nats.serve("counter", &counter.addr(), Add)?;
    ///
    /// // In this process or any other:
    /// let remote = nats.remote::<u64, u64>("counter");
    /// assert_eq!(remote.ask(&5, Duration::from_secs(1))?, 5);
    /// # Ok::<(), actor_pubsub::nats::NatsError>(())
    /// ```
    pub fn serve<Req, Resp, M, F>(
        &self,
        subject: &str,
        addr: &Addr<M>,
        make: F,
    ) -> Result<Served, NatsError>
    where
        Req: DeserializeOwned + Send + 'static,
        Resp: Serialize + Send + 'static,
        M: Send + 'static,
        F: Fn(Req, ReplyTo<Resp>) -> M + Send + 'static,
    {
        self.serve_with(subject, addr, make, ServeOptions::new())
    }

    /// [`serve`](Nats::serve) with options.
    ///
    /// # Errors
    ///
    /// As [`serve`](Nats::serve).
    pub fn serve_with<Req, Resp, M, F>(
        &self,
        subject: &str,
        addr: &Addr<M>,
        make: F,
        options: ServeOptions,
    ) -> Result<Served, NatsError>
    where
        Req: DeserializeOwned + Send + 'static,
        Resp: Serialize + Send + 'static,
        M: Send + 'static,
        F: Fn(Req, ReplyTo<Resp>) -> M + Send + 'static,
    {
        check_subject(subject, true)?;
        let stats = Arc::new(ServeStats::default());
        let direct = (self.inner.client.clone(), Arc::clone(&stats.failed));
        let outbox = Outbox::new(options.max_pending, Some(direct));
        let answers = Arc::new(Answers {
            outbox: Arc::clone(&outbox),
            reply_tag: options.reply_tag.unwrap_or_else(wire::default_tag::<Resp>),
            limit: self.max_payload(),
            stats: Arc::clone(&stats),
            pending: AtomicUsize::new(0),
            dropped: AtomicBool::new(false),
        });
        let subscriber = self.subscribe(subject, Some(&options.queue_group))?;
        self.inner.runtime.spawn(outbox::publish(
            outbox,
            self.inner.client.clone(),
            None,
            Arc::clone(&stats.failed),
        ));
        let serving = Serving {
            target: addr.clone(),
            make,
            answers: Arc::clone(&answers),
            request_tag: options.request_tag.unwrap_or_else(wire::default_tag::<Req>),
            reply_timeout: options.reply_timeout,
            max_pending: options.max_pending,
            types: PhantomData,
        };
        let task = self
            .inner
            .runtime
            .spawn_task(take_requests(subscriber, serving));
        Ok(Served {
            subject: subject.to_string(),
            stats,
            task: Some(task),
            answers,
            nats: self.clone(),
        })
    }

    /// The asking side of the actor served on `subject`, in any process: requests of type
    /// `Req`, replies of type `Resp`, with the default type tags.
    pub fn remote<Req, Resp>(&self, subject: &str) -> Remote<Req, Resp>
    where
        Req: Serialize,
        Resp: DeserializeOwned + Send + 'static,
    {
        Remote {
            nats: self.clone(),
            subject: subject.to_string(),
            request_tag: wire::default_tag::<Req>(),
            reply_tag: wire::default_tag::<Resp>(),
            types: PhantomData,
        }
    }
}

/// The asking side of an actor served on a NATS subject, made by [`Nats::remote`]. Cheap to
/// clone; `Send` and `Sync`.
pub struct Remote<Req, Resp> {
    nats: Nats,
    subject: String,
    request_tag: String,
    reply_tag: String,
    types: PhantomData<fn(&Req) -> Resp>,
}

impl<Req, Resp> Clone for Remote<Req, Resp> {
    fn clone(&self) -> Self {
        Remote {
            nats: self.nats.clone(),
            subject: self.subject.clone(),
            request_tag: self.request_tag.clone(),
            reply_tag: self.reply_tag.clone(),
            types: PhantomData,
        }
    }
}

impl<Req, Resp> Remote<Req, Resp>
where
    Req: Serialize,
    Resp: DeserializeOwned + Send + 'static,
{
    /// Other type tags than the type names (see [`ServeOptions::type_tags`]).
    pub fn with_type_tags(
        mut self,
        request: impl Into<String>,
        reply: impl Into<String>,
    ) -> Remote<Req, Resp> {
        self.request_tag = request.into();
        self.reply_tag = reply.into();
        self
    }

    /// The subject asked.
    pub fn subject(&self) -> &str {
        &self.subject
    }

    /// Sends `request` to one process serving the subject and waits at most `timeout` for the
    /// reply. The call always ends by then (plus a moment), with the reply or an error value.
    ///
    /// It blocks the calling thread while it waits, like [`Addr::ask`]: call it from a thread
    /// or a thread actor, not from the handler of an actor on a [`Pool`](actor_core::Pool),
    /// where it would hold a worker for the whole round trip. For about twice the connection's
    /// typical round trip (when that is short) the thread waits by yielding its processor
    /// rather than sleeping, so that the reply does not have to wake it:
    /// [`NatsBuilder::ask_spin`](crate::nats::NatsBuilder::ask_spin) says when, and turns it off.
    ///
    /// # Errors
    ///
    /// - [`NatsError::NotConnected`] at once while the client is not connected;
    /// - [`NatsError::NoResponders`] at once if nobody serves the subject;
    /// - [`NatsError::Timeout`] if no reply came in time;
    /// - [`NatsError::ConnectionLost`] if the connection broke meanwhile;
    /// - [`NatsError::Remote`] if the serving side answered with a failure (the actor is busy,
    ///   ended, too slow, or the request did not decode there);
    /// - [`NatsError::Decode`] / [`NatsError::WrongType`] if the reply does not decode as `Resp`;
    /// - [`NatsError::TooLarge`], [`NatsError::Encode`] for a request that cannot be sent;
    ///   [`NatsError::InvalidSubject`] for a subject with a wildcard.
    pub fn ask(&self, request: &Req, timeout: Duration) -> Result<Resp, NatsError> {
        check_subject(&self.subject, false)?;
        let payload = wire::encode(&self.subject, &self.request_tag, request)?;
        let limit = self.nats.max_payload();
        if payload.len() > limit {
            return Err(NatsError::TooLarge {
                subject: self.subject.clone(),
                size: payload.len(),
                limit,
            });
        }
        if !self.nats.is_connected() {
            return Err(NatsError::NotConnected);
        }
        // No timeout inside the request (its timer would need the runtime's context): the
        // deadline is this thread's, and dropping the future at the deadline cancels it.
        // A timeout too long to be a deadline is no deadline.
        let start = Instant::now();
        let deadline = start.checked_add(timeout);
        let request = async_nats::Request::new()
            .payload(payload.into())
            .timeout(None);
        let asked = self
            .nats
            .inner
            .client
            .send_request(self.subject.clone(), request);
        let inner = &self.nats.inner;
        let answer = runtime::wait_here(asked, deadline, inner.ask_spin.spin());
        // Replies, failures answered and timeouts make the typical round trip; the failures
        // that come at once (nobody serves, the connection broke) do not.
        if matches!(answer, None | Some(Ok(_))) {
            inner.ask_spin.record(start.elapsed());
        }
        match answer {
            None => Err(NatsError::Timeout {
                subject: self.subject.clone(),
                timeout,
            }),
            Some(Ok(reply)) => {
                wire::decode_reply(&self.subject, &self.reply_tag, &reply.payload, limit)
            }
            Some(Err(err)) => Err(match err.kind() {
                async_nats::client::RequestErrorKind::TimedOut => NatsError::Timeout {
                    subject: self.subject.clone(),
                    timeout,
                },
                async_nats::client::RequestErrorKind::NoResponders => NatsError::NoResponders {
                    subject: self.subject.clone(),
                },
                _ if !self.nats.is_connected() => NatsError::NotConnected,
                _ => NatsError::ConnectionLost {
                    subject: self.subject.clone(),
                    reason: err.to_string(),
                },
            }),
        }
    }
}

impl<Req, Resp> fmt::Debug for Remote<Req, Resp> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Remote")
            .field("subject", &self.subject)
            .field("request_tag", &self.request_tag)
            .field("reply_tag", &self.reply_tag)
            .finish()
    }
}

/// The receiving task of a served subject: hands each request to the actor without waiting.
async fn take_requests<Req, Resp, M, F>(
    mut subscriber: async_nats::Subscriber,
    serving: Serving<Req, Resp, M, F>,
) where
    Req: DeserializeOwned,
    Resp: Serialize + Send + 'static,
    M: Send + 'static,
    F: Fn(Req, ReplyTo<Resp>) -> M,
{
    while let Some(message) = subscriber.next().await {
        serving.on_request(message);
    }
}

/// What the receiving task needs to turn a request into the actor's message.
struct Serving<Req, Resp, M, F> {
    target: Addr<M>,
    make: F,
    answers: Arc<Answers>,
    request_tag: String,
    reply_timeout: Duration,
    max_pending: usize,
    /// `fn` pointers: the task owns no `Req` or `Resp`, so neither needs to be `Send`.
    types: PhantomData<fn(Req) -> Resp>,
}

/// Where answers go: encoded and queued for publishing on whichever thread has them (the
/// receiving task's for a failure, the served actor's as it replies, the timer's for a deadline).
struct Answers {
    outbox: Arc<Outbox>,
    reply_tag: String,
    limit: usize,
    stats: Arc<ServeStats>,
    /// Requests asked of the actor and not settled yet.
    pending: AtomicUsize,
    /// Set when the `Served` is dropped: the last settled request then closes the outbox.
    dropped: AtomicBool,
}

/// One pending request; dropping it (the outcome sent, or the request never asked) frees its
/// place and, once the `Served` is gone, lets the last one close the outbox.
struct PendingPlace(Arc<Answers>);

impl Drop for PendingPlace {
    fn drop(&mut self) {
        // SeqCst with `served_dropped`: of the last settling request and the drop of `Served`,
        // at least one sees the other's write, so the outbox is closed (closing twice is fine).
        if self.0.pending.fetch_sub(1, SeqCst) == 1 && self.0.dropped.load(SeqCst) {
            self.0.outbox.close();
        }
    }
}

impl Answers {
    /// Takes a place for a request; `None` if `max` are pending.
    fn take_place(self: &Arc<Self>, max: usize) -> Option<PendingPlace> {
        let taken = self
            .pending
            .fetch_update(SeqCst, SeqCst, |now| (now < max).then_some(now + 1));
        taken.ok().map(|_| PendingPlace(Arc::clone(self)))
    }

    fn served_dropped(&self) {
        self.dropped.store(true, SeqCst);
        if self.pending.load(SeqCst) == 0 {
            self.outbox.close();
        }
    }

    fn send(&self, reply: Option<Subject>, payload: Vec<u8>) {
        let Some(subject) = reply else {
            return;
        };
        self.stats.answered.add();
        let queued = self.outbox.push(&subject, &payload, Wait::Try);
        if queued.is_err() {
            self.stats.failed.add();
        }
    }

    fn fail(&self, reply: Option<Subject>, failure: &RemoteFailure) {
        self.send(reply, wire::encode_failure(failure));
    }

    fn outcome<Resp: Serialize>(&self, reply: Option<Subject>, outcome: Result<Resp, NoReply>) {
        let payload = match encode_outcome(&self.reply_tag, self.limit, outcome) {
            Ok(payload) => payload,
            Err(err) => {
                let failure = RemoteFailure::BadReply(err.to_string());
                self.stats.faults.report(err);
                wire::encode_failure(&failure)
            }
        };
        self.send(reply, payload);
    }
}

impl<Req, Resp, M, F> Serving<Req, Resp, M, F>
where
    Req: DeserializeOwned,
    Resp: Serialize + Send + 'static,
    M: Send + 'static,
    F: Fn(Req, ReplyTo<Resp>) -> M,
{
    fn on_request(&self, message: Message) {
        let answers = &self.answers;
        let stats = &answers.stats;
        stats.requests.add();
        let reply = message.reply;
        let request = match wire::decode::<Req>(
            &message.subject,
            &self.request_tag,
            &message.payload,
            answers.limit,
        ) {
            Ok(request) => request,
            Err(err) => {
                stats.malformed.add();
                let failure = RemoteFailure::BadRequest(err.to_string());
                stats.faults.report(err);
                answers.fail(reply, &failure);
                return;
            }
        };
        let Some(place) = answers.take_place(self.max_pending) else {
            stats.busy.add();
            answers.fail(reply, &RemoteFailure::Busy);
            return;
        };
        let (make, answer_to) = (&self.make, reply.clone());
        let asked = catch_unwind(AssertUnwindSafe(|| {
            self.target.ask_then(
                |port| make(request, port),
                Some(self.reply_timeout),
                // The place is freed once the answer is queued (or, uncalled, with the request).
                move |outcome: Result<Resp, NoReply>| place.0.outcome(answer_to, outcome),
            )
        }));
        let failure = match asked {
            Ok(Ok(())) => return,
            Ok(Err(AskError::Full(_))) => {
                stats.busy.add();
                RemoteFailure::Busy
            }
            Ok(Err(_)) => RemoteFailure::Stopped,
            // The port was dropped with the panic, which already answered `Stopped`.
            Err(_) => return,
        };
        answers.fail(reply, &failure);
    }
}

/// The payload answering a request: the reply in an envelope, or the failure.
fn encode_outcome<Resp: Serialize>(
    tag: &str,
    limit: usize,
    outcome: Result<Resp, NoReply>,
) -> Result<Vec<u8>, NatsError> {
    match outcome {
        Ok(reply) => {
            let payload = wire::encode("reply", tag, &reply)?;
            if payload.len() > limit {
                return Err(NatsError::TooLarge {
                    subject: "reply".into(),
                    size: payload.len(),
                    limit,
                });
            }
            Ok(payload)
        }
        Err(NoReply::Timeout) => Ok(wire::encode_failure(&RemoteFailure::Timeout)),
        Err(_) => Ok(wire::encode_failure(&RemoteFailure::Stopped)),
    }
}
