//! Remote actors: `Served`, an actor answering requests on a subject (in a queue group, so that
//! several processes can serve one name), and `Remote`, the asking side in another process.
//!
//! A request becomes an ordinary actor message: a proxy actor of the bridge's own decodes it,
//! builds the actor's message around a [`ReplyTo`] with the caller's `make`, and asks the actor
//! through its [`Context`], so it never waits; the reply (or why there is none) is encoded on the
//! replying thread and published to the asker's inbox, and the proxy is told it was answered.

use std::fmt;
use std::marker::PhantomData;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;
use std::time::Duration;

use actor_core::{
    Actor, ActorHandle, Addr, AskError, Builder, Context, Mailbox, NoReply, ReplyTo, TrySendError,
};
use async_nats::{Client, Message, Subject};
use futures_util::StreamExt;
use serde::Serialize;
use serde::de::DeserializeOwned;
use tokio::task::JoinHandle;

use super::connection::GRACE;
use super::outbox::{self, Outbox, Outgoing};
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
    proxy: Option<ActorHandle<Box<dyn ProxyActor>>>,
    outbox: Arc<Outbox>,
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
        // proxy then ends once the requests it took are answered.
        if let Some(task) = self.task.take() {
            let inner = &self.nats.inner;
            inner.runtime.end_task(task, &inner.client);
        }
        if let Some(proxy) = self.proxy.take() {
            proxy.close();
        }
        self.outbox.close();
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
    /// When this returns, the server has the subscription.
    ///
    /// # Errors
    ///
    /// [`NatsError::InvalidSubject`], [`NatsError::Subscribe`] or [`NatsError::NotConnected`]
    /// if the subscription could not be made; [`NatsError::Subscribe`] also if the proxy actor
    /// could not be started.
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
        let outbox = Outbox::new(options.max_pending);
        let answers = Arc::new(Answers {
            outbox: Arc::clone(&outbox),
            reply_tag: options.reply_tag.unwrap_or_else(wire::default_tag::<Resp>),
            limit: self.max_payload(),
            stats: Arc::clone(&stats),
        });
        let proxy: Box<dyn ProxyActor> = Box::new(Proxy {
            target: addr.clone(),
            make,
            answers,
            request_tag: options.request_tag.unwrap_or_else(wire::default_tag::<Req>),
            reply_timeout: options.reply_timeout,
            max_pending: options.max_pending,
            pending: 0,
            types: PhantomData,
        });
        let proxy = Builder::new()
            .name(format!("nats-serve:{subject}"))
            .mailbox(Mailbox::Bounded(options.max_pending))
            .spawn(proxy)
            .map_err(|err| NatsError::Subscribe {
                subject: subject.to_string(),
                reason: format!("could not start the serving actor: {err}"),
            })?;
        let subscriber = match self.subscribe(subject, Some(&options.queue_group)) {
            Ok(subscriber) => subscriber,
            Err(err) => {
                proxy.close();
                return Err(err);
            }
        };
        self.inner.runtime.spawn(outbox::publish(
            Arc::clone(&outbox),
            self.inner.client.clone(),
            Arc::clone(&stats.failed),
        ));
        let task = self.inner.runtime.spawn_task(take_requests(
            subscriber,
            proxy.addr(),
            self.inner.client.clone(),
            self.max_payload(),
            Arc::clone(&stats),
        ));
        Ok(Served {
            subject: subject.to_string(),
            stats,
            task: Some(task),
            proxy: Some(proxy),
            outbox,
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
    /// where it would hold a worker for the whole round trip.
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
        let client = self.nats.inner.client.clone();
        let subject = self.subject.clone();
        let request = async_nats::Request::new()
            .payload(payload.into())
            .timeout(Some(timeout));
        let answer = self.nats.inner.runtime.block(
            async move { client.send_request(subject, request).await },
            timeout + GRACE,
        );
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

/// The receiving task of a served subject: hands each request to the proxy without waiting; a
/// full proxy mailbox or an oversized payload is answered at once.
async fn take_requests(
    mut subscriber: async_nats::Subscriber,
    proxy: Addr<Request>,
    client: Client,
    limit: usize,
    stats: Arc<ServeStats>,
) {
    while let Some(message) = subscriber.next().await {
        stats.requests.add();
        let refused = if message.payload.len() > limit {
            stats.malformed.add();
            let err = NatsError::TooLarge {
                subject: message.subject.to_string(),
                size: message.payload.len(),
                limit,
            };
            let failure = RemoteFailure::BadRequest(err.to_string());
            stats.faults.report(err);
            Some((message.reply, failure))
        } else {
            match proxy.try_send(Request::New(message)) {
                Ok(()) => None,
                Err(TrySendError::Full(Request::New(message))) => {
                    stats.busy.add();
                    Some((message.reply, RemoteFailure::Busy))
                }
                Err(_) => break,
            }
        };
        if let Some((Some(reply), failure)) = refused {
            stats.answered.add();
            if client
                .publish(reply, wire::encode_failure(&failure).into())
                .await
                .is_err()
            {
                stats.failed.add();
            }
        }
    }
}

/// What the proxy actor handles: a request from the network, or the news that one was answered.
enum Request {
    New(Message),
    Answered,
}

/// The proxy with its request, reply and message types erased, so that its handle has one type.
trait ProxyActor: Send + 'static {
    fn on_request(&mut self, message: Message, ctx: &mut Context<Box<dyn ProxyActor>>);
    fn on_answered(&mut self);
}

impl Actor for Box<dyn ProxyActor> {
    type Msg = Request;

    fn handle(&mut self, msg: Request, ctx: &mut Context<Self>) {
        match msg {
            Request::New(message) => self.on_request(message, ctx),
            Request::Answered => self.on_answered(),
        }
    }
}

struct Proxy<Req, Resp, M, F> {
    target: Addr<M>,
    make: F,
    answers: Arc<Answers>,
    request_tag: String,
    reply_timeout: Duration,
    max_pending: usize,
    /// Requests asked of the actor and not answered yet.
    pending: usize,
    types: PhantomData<fn(Req) -> Resp>,
}

/// Where answers go: encoded and queued for publishing on whichever thread has them (the
/// proxy's, or the served actor's as it replies, so a reply takes no detour through the proxy).
struct Answers {
    outbox: Arc<Outbox>,
    reply_tag: String,
    limit: usize,
    stats: Arc<ServeStats>,
}

impl Answers {
    fn send(&self, reply: Option<Subject>, payload: Vec<u8>) {
        let Some(subject) = reply else {
            return;
        };
        self.stats.answered.add();
        let queued = self.outbox.push(Outgoing { subject, payload }, Wait::Try);
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

impl<Req, Resp, M, F> ProxyActor for Proxy<Req, Resp, M, F>
where
    Req: DeserializeOwned + Send + 'static,
    Resp: Serialize + Send + 'static,
    M: Send + 'static,
    F: Fn(Req, ReplyTo<Resp>) -> M + Send + 'static,
{
    fn on_request(&mut self, message: Message, ctx: &mut Context<Box<dyn ProxyActor>>) {
        let reply = message.reply.clone();
        let stats = &self.answers.stats;
        let request = match wire::decode::<Req>(
            &message.subject,
            &self.request_tag,
            &message.payload,
            self.answers.limit,
        ) {
            Ok(request) => request,
            Err(err) => {
                stats.malformed.add();
                let failure = RemoteFailure::BadRequest(err.to_string());
                stats.faults.report(err);
                self.answers.fail(reply, &failure);
                return;
            }
        };
        if self.pending >= self.max_pending {
            stats.busy.add();
            self.answers.fail(reply, &RemoteFailure::Busy);
            return;
        }
        let (make, answer_to, answers) = (&self.make, reply.clone(), Arc::clone(&self.answers));
        let asked = catch_unwind(AssertUnwindSafe(|| {
            ctx.ask_timeout(
                &self.target,
                |port| make(request, port),
                self.reply_timeout,
                move |outcome: Result<Resp, NoReply>| {
                    answers.outcome(answer_to, outcome);
                    Request::Answered
                },
            )
        }));
        let failure = match asked {
            Ok(Ok(())) => {
                self.pending += 1;
                return;
            }
            Ok(Err(AskError::Full(_))) => {
                stats.busy.add();
                RemoteFailure::Busy
            }
            Ok(Err(_)) => RemoteFailure::Stopped,
            Err(_) => RemoteFailure::BadRequest("making the actor's message panicked".into()),
        };
        self.answers.fail(reply, &failure);
    }

    fn on_answered(&mut self) {
        self.pending = self.pending.saturating_sub(1);
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
