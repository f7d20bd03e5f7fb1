//! Starting actors: `Builder`, `spawn`, `spawn_fn`, and the loops their threads run.

use std::cell::RefCell;
use std::io;
use std::rc::Rc;
use std::sync::atomic::Ordering::SeqCst;

use crate::runtime::error::Exit;
use crate::runtime::handle::{FnActor, Outcome};
use crate::runtime::mailbox::{Next, Reader, Shared, Wait};
use crate::runtime::unwind::catch;
use crate::{Actor, ActorHandle, ActorId, Addr, Context, ExitReason, Inbox, Mailbox};

/// Options for starting an actor: name, mailbox and thread stack size.
///
/// ```
/// use actor_core::{Builder, Inbox, Mailbox};
///
/// let handle = Builder::new()
///     .name("printer")
///     .mailbox(Mailbox::Bounded(64))
///     .stack_size(256 * 1024)
///     .spawn_fn(|inbox: Inbox<String>| loop {
///         let msg = inbox.recv()?;
///         println!("Got: {msg}");
///     })
///     .expect("the OS refused a thread");
/// assert_eq!(handle.name(), "printer");
/// ```
#[derive(Clone, Debug, Default)]
pub struct Builder {
    name: Option<String>,
    mailbox: Mailbox,
    stack_size: Option<usize>,
}

impl Builder {
    /// Default options: unnamed (`actor-<id>`), unbounded mailbox, the platform's stack size.
    pub fn new() -> Builder {
        Builder::default()
    }

    /// Names the actor (and its thread).
    pub fn name(mut self, name: impl Into<String>) -> Builder {
        self.name = Some(name.into());
        self
    }

    /// Chooses the mailbox.
    pub fn mailbox(mut self, mailbox: Mailbox) -> Builder {
        self.mailbox = mailbox;
        self
    }

    /// Sets the stack size of the actor's thread, in bytes.
    pub fn stack_size(mut self, bytes: usize) -> Builder {
        self.stack_size = Some(bytes);
        self
    }

    /// Starts a handler-style actor on a thread of its own.
    ///
    /// # Errors
    ///
    /// The operating system's error if it refuses to start a thread.
    pub fn spawn<A: Actor>(self, actor: A) -> io::Result<ActorHandle<A>> {
        self.start(move |reader| run_handler(actor, reader))
    }

    /// Starts a pull-style actor: `body` runs on a thread of its own and takes messages from its
    /// [`Inbox`]. See [`spawn_fn`](crate::spawn_fn).
    ///
    /// # Errors
    ///
    /// The operating system's error if it refuses to start a thread.
    pub fn spawn_fn<M, F>(self, body: F) -> io::Result<ActorHandle<FnActor<M>>>
    where
        M: Send + 'static,
        F: FnOnce(Inbox<M>) -> Result<(), Exit> + Send + 'static,
    {
        self.start(move |reader| run_pull(body, reader))
    }

    fn start<S, R>(self, run: R) -> io::Result<ActorHandle<S>>
    where
        S: crate::Spawned,
        R: FnOnce(Reader<S::Msg>) -> Outcome<S> + Send + 'static,
    {
        let id = ActorId::next();
        let name = self.name.unwrap_or_else(|| format!("actor-{}", id.get()));
        let mut thread = std::thread::Builder::new().name(name.clone());
        if let Some(bytes) = self.stack_size {
            thread = thread.stack_size(bytes);
        }
        let (shared, reader) = Shared::create(self.mailbox, id, name.into_boxed_str());
        let own_addr = Addr::new(std::sync::Arc::clone(&shared));
        let thread = thread.spawn(move || run(reader))?;
        Ok(ActorHandle::new(shared, own_addr, thread))
    }
}

/// Starts a handler-style actor on a thread of its own, with default [`Builder`] options.
///
/// # Panics
///
/// If the operating system refuses to start a thread, as [`std::thread::spawn`] does. Use
/// [`Builder::spawn`] to get that error as a value.
pub fn spawn<A: Actor>(actor: A) -> ActorHandle<A> {
    Builder::new()
        .spawn(actor)
        .expect("failed to spawn an actor thread")
}

/// Starts a pull-style actor, the recipe's `run()` loop: `body` gets the actor's [`Inbox`] and
/// calls [`Inbox::recv`] for each message. `recv` returns `Err(Exit)` on the exit sentinel, so
/// `?` ends the loop just as the recipe's `raise ActorExit` does.
///
/// The actor ends with the reason carried by that [`Exit`], also when `body` catches it and
/// returns `Ok(())` (as `while let Ok(msg) = inbox.recv() { .. } Ok(())` does); if `body`
/// returns before its inbox ended, the reason is [`ExitReason::Returned`]. Messages it never
/// received are in
/// [`Outcome::undelivered`](crate::Outcome::undelivered).
///
/// # Panics
///
/// If the operating system refuses to start a thread. Use [`Builder::spawn_fn`] to get that
/// error as a value.
///
/// # Examples
///
/// ```
/// use actor_core::{ExitReason, Inbox};
/// use std::sync::mpsc;
///
/// let (seen_tx, seen_rx) = mpsc::channel();
/// let handle = actor_core::spawn_fn(move |inbox: Inbox<&str>| loop {
///     let msg = inbox.recv()?;
///     seen_tx.send(format!("Got: {msg}")).unwrap();
/// });
/// let printer = handle.addr();
/// printer.send("Hello").unwrap();
/// printer.send("World").unwrap();
/// printer.close();
/// assert_eq!(handle.join().reason(), &ExitReason::Closed);
/// assert_eq!(seen_rx.iter().collect::<Vec<_>>(), ["Got: Hello", "Got: World"]);
/// ```
pub fn spawn_fn<M, F>(body: F) -> ActorHandle<FnActor<M>>
where
    M: Send + 'static,
    F: FnOnce(Inbox<M>) -> Result<(), Exit> + Send + 'static,
{
    Builder::new()
        .spawn_fn(body)
        .expect("failed to spawn an actor thread")
}

fn run_handler<A: Actor>(mut actor: A, reader: Reader<A::Msg>) -> Outcome<A> {
    let shared = std::sync::Arc::clone(&reader.shared);
    let mut ctx = Context { reader };
    let started = catch(|| actor.started(&mut ctx));
    shared.start_ok.store(started.is_ok(), SeqCst);
    shared.started.set();
    let mut reason = match started {
        Err(panic) => ExitReason::Panicked(panic),
        Ok(()) => loop {
            match ctx.reader.next(Wait::Block) {
                Next::Msg(msg) => {
                    if let Err(panic) = catch(|| actor.handle(msg, &mut ctx)) {
                        break ExitReason::Panicked(panic);
                    }
                }
                Next::End(ending) => break ending.reason(),
                Next::Empty => {}
            }
        },
    };
    let undelivered = ctx.reader.finish();
    if let Err(panic) = catch(|| actor.stopped(&reason)) {
        reason = ExitReason::Panicked(panic);
    }
    drop(ctx);
    end_run(&shared);
    Outcome::new(reason, actor, undelivered)
}

fn run_pull<M, F>(body: F, reader: Reader<M>) -> Outcome<FnActor<M>>
where
    M: Send + 'static,
    F: FnOnce(Inbox<M>) -> Result<(), Exit>,
{
    let shared = std::sync::Arc::clone(&reader.shared);
    shared.start_ok.store(true, SeqCst);
    shared.started.set();
    let reader = Rc::new(RefCell::new(reader));
    let inbox = Inbox::new(Rc::clone(&reader));
    let reason = match catch(move || body(inbox)) {
        // A body that saw the end (`while let Ok(msg) = inbox.recv()`) and then returned ends
        // for the mailbox's reason; one that returned before that ended by itself.
        Ok(Ok(())) => match reader.borrow().ending() {
            Some(ending) => ending.reason(),
            None => ExitReason::Returned,
        },
        Ok(Err(exit)) => exit.reason,
        Err(panic) => ExitReason::Panicked(panic),
    };
    let undelivered = reader.borrow_mut().finish();
    drop(reader);
    end_run(&shared);
    Outcome::new(reason, (), undelivered)
}

/// The last steps of every run: askers learn the actor is gone, joiners that it has finished.
fn end_run<M>(shared: &Shared<M>) {
    shared.end.mark_ended();
    shared.finished.set();
}
