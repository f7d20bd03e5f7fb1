//! Starting actors: `Builder`, `spawn`, `spawn_fn`; the executors do the rest.

use std::io;
use std::sync::Arc;

use crate::executor::Place;
use crate::executor::pool::{self, PoolCell, PoolShutDown};
use crate::executor::thread::{run_handler, run_pull, spawn_thread};
use crate::lifecycle::system::SystemRef;
use crate::runtime::error::Exit;
use crate::runtime::handle::FnActor;
use crate::runtime::mailbox::Link;
use crate::runtime::run::Restarter;
use crate::{Actor, ActorHandle, Inbox, Mailbox, Pool};

/// Options for starting an actor: name, mailbox, and where it runs (a thread of its own, with a
/// stack size, or a [`Pool`]).
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
    place: Option<Place>,
    system: Option<SystemRef>,
    /// With a system: a member (shut down by it), or only attached (its dead letters and its
    /// children's system; a supervisor's child, which its supervisor shuts down).
    member: bool,
}

impl Builder {
    /// Default options: unnamed (`actor-<id>`), unbounded mailbox, a thread of its own with the
    /// platform's stack size.
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

    /// Sets the stack size of the actor's thread, in bytes. Ignored for a pooled actor, which
    /// runs on the pool's workers (see [`PoolBuilder::stack_size`](crate::PoolBuilder::stack_size)).
    pub fn stack_size(mut self, bytes: usize) -> Builder {
        self.stack_size = Some(bytes);
        self
    }

    /// Runs the actor on `pool` instead of a thread of its own. [`spawn_fn`](Builder::spawn_fn)
    /// ignores this: a pull-style actor waits in `recv` and always needs its own thread.
    ///
    /// ```
    /// use actor_core::{Actor, Builder, Context, Mailbox, Pool};
    ///
    /// struct Count(u32);
    /// impl Actor for Count {
    ///     type Msg = ();
    ///     fn handle(&mut self, _: (), _ctx: &mut Context<Self>) {
    ///         self.0 += 1;
    ///     }
    /// }
    ///
    /// let pool = Pool::builder().workers(2).build().unwrap();
    /// let handle = Builder::new()
    ///     .name("counter")
    ///     .mailbox(Mailbox::Bounded(8))
    ///     .pool(&pool)
    ///     .spawn(Count(0))
    ///     .unwrap();
    /// handle.addr().send(()).unwrap();
    /// assert_eq!(handle.join().into_state().0, 1);
    /// ```
    pub fn pool(mut self, pool: &Pool) -> Builder {
        self.place = Some(Place::Pool(Arc::clone(pool.inner())));
        self
    }

    /// Runs the actor on a thread of its own (the default; undoes [`pool`](Builder::pool)).
    pub fn thread(mut self) -> Builder {
        self.place = None;
        self
    }

    /// Runs the actor on a foreign [`Executor`](crate::exec::Executor) (such as the
    /// deterministic scheduler of `actor-sched`), which drives its turns.
    pub fn executor(mut self, executor: Arc<dyn crate::exec::Executor>) -> Builder {
        self.place = Some(Place::Foreign(executor));
        self
    }

    pub(crate) fn on(mut self, place: Option<Place>) -> Builder {
        self.place = place;
        self
    }

    /// Makes the actor a member of a [`System`](crate::System).
    pub(crate) fn system(mut self, system: Option<SystemRef>) -> Builder {
        self.system = system;
        self.member = true;
        self
    }

    /// Attaches the actor to a system without making it a member.
    pub(crate) fn attached_to(mut self, system: Option<SystemRef>) -> Builder {
        self.system = system;
        self.member = false;
        self
    }

    /// Starts a handler-style actor: on a thread of its own, or on the pool chosen with
    /// [`pool`](Builder::pool).
    ///
    /// # Errors
    ///
    /// The operating system's error if it refuses to start a thread; for a pool that has been
    /// shut down, an error of kind [`io::ErrorKind::Other`] whose inner error is
    /// [`PoolShutDown`] (the actor is dropped).
    pub fn spawn<A: Actor>(self, actor: A) -> io::Result<ActorHandle<A>> {
        self.spawn_with(actor, None)
    }

    /// Starts a handler-style actor whose failures `restarter` handles (a supervised child).
    pub(crate) fn spawn_with<A: Actor>(
        self,
        actor: A,
        restarter: Option<Box<dyn Restarter<A>>>,
    ) -> io::Result<ActorHandle<A>> {
        self.spawn_prepared(actor, restarter, |_| {})
    }

    /// Starts a handler-style actor; `prepare` sees its mailbox before its run starts.
    pub(crate) fn spawn_prepared<A: Actor>(
        self,
        actor: A,
        restarter: Option<Box<dyn Restarter<A>>>,
        prepare: impl FnOnce(&Link<A::Msg>),
    ) -> io::Result<ActorHandle<A>> {
        if let Some(system) = &self.system {
            system.check_open()?;
        }
        let (system, member) = (self.system, self.member);
        let prepare = move |link: &Link<A::Msg>| {
            join_system(system.as_ref(), member, link);
            prepare(link);
        };
        let name = self.name.map(String::into_boxed_str);
        match self.place {
            Some(Place::Pool(pool)) => {
                pool::spawn_on(&pool, actor, self.mailbox, name, restarter, prepare)
                    .map_err(|_| io::Error::other(PoolShutDown))
            }
            Some(place @ Place::Foreign(_)) => {
                PoolCell::start(&place, actor, self.mailbox, name, restarter, prepare)
                    .map_err(|_| io::Error::other(PoolShutDown))
            }
            None => spawn_thread(
                name,
                self.mailbox,
                self.stack_size,
                prepare,
                move |reader| run_handler(actor, reader, restarter),
            ),
        }
    }

    /// Starts a pull-style actor: `body` runs on a thread of its own (also when a pool was
    /// chosen) and takes messages from its [`Inbox`]. See [`spawn_fn`](crate::spawn_fn).
    ///
    /// # Errors
    ///
    /// The operating system's error if it refuses to start a thread.
    pub fn spawn_fn<M, F>(self, body: F) -> io::Result<ActorHandle<FnActor<M>>>
    where
        M: Send + 'static,
        F: FnOnce(Inbox<M>) -> Result<(), Exit> + Send + 'static,
    {
        if let Some(system) = &self.system {
            system.check_open()?;
        }
        let (system, member) = (self.system, self.member);
        let prepare = move |link: &Link<M>| join_system(system.as_ref(), member, link);
        let name = self.name.map(String::into_boxed_str);
        spawn_thread(
            name,
            self.mailbox,
            self.stack_size,
            prepare,
            move |reader| run_pull(body, reader),
        )
    }
}

/// Puts a new actor in its system before its run starts, so that everything it does from its
/// first hook on (dead letters, children) already belongs there.
fn join_system<M: Send + 'static>(system: Option<&SystemRef>, member: bool, link: &Link<M>) {
    match system {
        Some(system) if member => system.adopt(link),
        Some(system) => system.attach(link),
        None => {}
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
/// returns before its inbox ended, the reason is [`ExitReason::Returned`](crate::ExitReason::Returned). Messages it never
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
