//! Dead letters: what no one else will receive, reported instead of dropped in silence.

use std::any::Any;
use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering::SeqCst};
use std::sync::{Arc, OnceLock, RwLock};

use crate::ActorId;
use crate::runtime::mailbox::Shared;
use crate::runtime::unwind::{catch, drop_caught};

/// Why a message became a dead letter.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum DeadReason {
    /// The actor ended with the message still queued and nobody joined it (its handle was
    /// dropped): the message is in [`DeadLetter::value`].
    Undelivered,
    /// A timer's message found the mailbox full or closed; the message is in the letter.
    TimerMissed,
    /// A supervised actor's handler panicked while handling this message. It is not redelivered;
    /// the handler took the value, so the letter carries only its type.
    HandlerPanicked,
    /// A send was refused because the actor had ended or closed its mailbox. The sender got the
    /// message back inside the error; the letter records that it happened.
    Refused,
}

impl fmt::Display for DeadReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            DeadReason::Undelivered => "left undelivered by a detached actor",
            DeadReason::TimerMissed => "timer message found the mailbox full or closed",
            DeadReason::HandlerPanicked => "its handler panicked",
            DeadReason::Refused => "send refused after the end",
        })
    }
}

/// One message no one else will receive: which actor, its type, why, and the value when the
/// runtime still has it.
pub struct DeadLetter {
    actor: ActorId,
    name: Arc<str>,
    type_name: &'static str,
    reason: DeadReason,
    value: Option<Box<dyn Any + Send>>,
}

impl DeadLetter {
    /// The actor the message was for.
    pub fn actor(&self) -> ActorId {
        self.actor
    }

    /// That actor's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The message's type, as [`std::any::type_name`] gives it.
    pub fn type_name(&self) -> &'static str {
        self.type_name
    }

    /// Why it is a dead letter.
    pub fn reason(&self) -> DeadReason {
        self.reason
    }

    /// The message itself, if the runtime has it (not for
    /// [`HandlerPanicked`](DeadReason::HandlerPanicked) or [`Refused`](DeadReason::Refused)).
    pub fn value(&self) -> Option<&(dyn Any + Send)> {
        self.value.as_deref()
    }

    /// Takes the message out, as a `T` if it is one.
    ///
    /// # Errors
    ///
    /// The letter back, if it has no value or the value is not a `T`.
    pub fn downcast<T: 'static>(mut self) -> Result<T, DeadLetter> {
        match self.value.take().map(|value| value.downcast::<T>()) {
            Some(Ok(value)) => Ok(*value),
            Some(Err(value)) => {
                self.value = Some(value);
                Err(self)
            }
            None => Err(self),
        }
    }
}

impl fmt::Debug for DeadLetter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DeadLetter")
            .field("actor", &self.actor)
            .field("name", &self.name)
            .field("type_name", &self.type_name)
            .field("reason", &self.reason)
            .field("has_value", &self.value.is_some())
            .finish()
    }
}

impl fmt::Display for DeadLetter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "dead letter {} for {} ({}): {}",
            self.type_name, self.name, self.actor, self.reason
        )
    }
}

type Hook = Arc<dyn Fn(DeadLetter) + Send + Sync>;

/// Where dead letters go: a count, and a hook if one is installed. Each
/// [`System`](crate::System) has its own; actors outside any system use
/// [`DeadLetters::global`]. Clones share the one count and hook.
///
/// ```
/// use actor_core::{Actor, Context, DeadLetters, DeadReason};
/// use std::sync::mpsc;
///
/// struct Slow(mpsc::Receiver<()>);
/// impl Actor for Slow {
///     type Msg = u32;
///     fn handle(&mut self, _: u32, ctx: &mut Context<Self>) {
///         let _ = self.0.recv(); // wait until every message is sent
///         ctx.stop(); // the messages behind this one are never handled
///     }
/// }
///
/// let system = actor_core::System::new("demo");
/// let (seen, letters) = mpsc::channel();
/// system.dead_letters().set_hook(move |letter| {
///     let _ = seen.send((letter.reason(), letter.downcast::<u32>().ok()));
/// });
/// let (go, gate) = mpsc::channel();
/// let handle = system.spawn(Slow(gate)).unwrap();
/// let addr = handle.addr();
/// drop(handle); // detached: nobody will join it
/// for n in 0..3 {
///     addr.send(n).unwrap();
/// }
/// go.send(()).unwrap();
/// drop(addr);
/// system.shutdown();
/// let mut got: Vec<_> = letters.try_iter().collect();
/// got.sort();
/// assert!(got.contains(&(DeadReason::Undelivered, Some(1))));
/// ```
#[derive(Clone)]
pub struct DeadLetters {
    inner: Arc<Inner>,
}

struct Inner {
    count: AtomicU64,
    hook: RwLock<Option<Hook>>,
}

impl DeadLetters {
    /// A new place with no hook: letters are counted only.
    pub fn new() -> DeadLetters {
        DeadLetters {
            inner: Arc::new(Inner {
                count: AtomicU64::new(0),
                hook: RwLock::new(None),
            }),
        }
    }

    /// The process-wide default, for actors outside any [`System`](crate::System). Counts; no
    /// hook until one is set.
    pub fn global() -> &'static DeadLetters {
        static GLOBAL: OnceLock<DeadLetters> = OnceLock::new();
        GLOBAL.get_or_init(DeadLetters::new)
    }

    /// Installs `hook` (replacing any other). It runs on whichever thread produced the letter
    /// (an actor's run, a timer, a sender), so it should be quick and must not block; a panic in
    /// it is caught.
    pub fn set_hook(&self, hook: impl Fn(DeadLetter) + Send + Sync + 'static) {
        *crate::sync::write(&self.inner.hook) = Some(Arc::new(hook));
    }

    /// Removes the hook; letters are counted only.
    pub fn clear_hook(&self) {
        *crate::sync::write(&self.inner.hook) = None;
    }

    /// How many letters arrived here so far.
    pub fn count(&self) -> u64 {
        self.inner.count.load(SeqCst)
    }

    pub(crate) fn deliver(&self, letter: DeadLetter) {
        crate::trace::dead_letter(&letter);
        self.inner.count.fetch_add(1, SeqCst);
        let hook = crate::sync::read(&self.inner.hook).clone();
        // The hook is user code, and so is the `Drop` of the value when no hook takes it.
        match hook {
            Some(hook) => {
                let _ = catch(move || hook(letter));
            }
            None => {
                let _ = drop_caught(letter);
            }
        }
    }
}

impl Default for DeadLetters {
    fn default() -> DeadLetters {
        DeadLetters::new()
    }
}

impl fmt::Debug for DeadLetters {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DeadLetters")
            .field("count", &self.count())
            .field("hook", &crate::sync::read(&self.inner.hook).is_some())
            .finish()
    }
}

/// Where an actor's dead letters go: its system's, or the process default.
pub(crate) fn place_of<M>(shared: &Shared<M>) -> DeadLetters {
    shared
        .extra_if_any()
        .and_then(|extra| extra.system.get())
        .and_then(std::sync::Weak::upgrade)
        .map(|system| system.dead_letters.clone())
        .unwrap_or_else(|| DeadLetters::global().clone())
}

/// Records a send refused after the end (the sender has the message back).
#[cold]
pub(crate) fn report_refused<M>(shared: &Shared<M>) {
    place_of(shared).deliver(DeadLetter {
        actor: shared.id,
        name: Arc::from(shared.name()),
        type_name: std::any::type_name::<M>(),
        reason: DeadReason::Refused,
        value: None,
    });
}

/// Reports one dead letter of the actor behind `shared`.
#[cold]
pub(crate) fn report<M: 'static>(
    shared: &Shared<M>,
    reason: DeadReason,
    value: Option<Box<dyn Any + Send>>,
) {
    place_of(shared).deliver(DeadLetter {
        actor: shared.id,
        name: Arc::from(shared.name()),
        type_name: std::any::type_name::<M>(),
        reason,
        value,
    });
}
