//! Watching and linking actors: the `Context`, `Addr` and `ActorHandle` methods, and `WeakAddr`.

use std::fmt;
use std::sync::Weak;

use crate::lifecycle::{Down, Monitor};
use crate::runtime::handle::Spawned;
use crate::runtime::mailbox::{Host, Link};
use crate::{Actor, ActorHandle, ActorId, Addr, Context};

impl<A: Actor> Context<A> {
    /// Watches `target`: when it ends, for any reason, `notice` turns its [`Down`] into a message
    /// for this actor. The notice comes exactly once, also if `target` had already ended (then
    /// at once). It is delivered even to a full bounded mailbox of a pooled actor, as answers to
    /// [`ask`](Context::ask) are. Watching does not keep either actor alive.
    ///
    /// ```
    /// use actor_core::{Actor, Addr, Context, Down, ExitReason, Pool};
    ///
    /// enum Msg {
    ///     Watch(Addr<()>),
    ///     Gone(Down),
    /// }
    ///
    /// struct Watcher(Option<ExitReason>);
    /// impl Actor for Watcher {
    ///     type Msg = Msg;
    ///     fn handle(&mut self, msg: Msg, ctx: &mut Context<Self>) {
    ///         match msg {
    ///             Msg::Watch(target) => ctx.watch(&target, Msg::Gone),
    ///             Msg::Gone(down) => {
    ///                 self.0 = Some(down.into_reason());
    ///                 ctx.close();
    ///             }
    ///         }
    ///     }
    /// }
    ///
    /// struct Quiet;
    /// impl Actor for Quiet {
    ///     type Msg = ();
    ///     fn handle(&mut self, _: (), ctx: &mut Context<Self>) {
    ///         ctx.stop();
    ///     }
    /// }
    ///
    /// let pool = Pool::builder().workers(2).build().unwrap();
    /// let quiet = pool.spawn(Quiet);
    /// let watcher = pool.spawn(Watcher(None));
    /// // A watch does not keep the watcher alive: this address does, until it closes itself.
    /// let keep = watcher.addr();
    /// keep.send(Msg::Watch(quiet.addr())).unwrap();
    /// quiet.addr().send(()).unwrap();
    /// assert_eq!(watcher.join().into_state().0, Some(ExitReason::Stopped));
    /// ```
    pub fn watch<M, F>(&mut self, target: &Addr<M>, notice: F)
    where
        M: Send + 'static,
        F: FnOnce(Down) -> A::Msg + Send + 'static,
    {
        let me = self.reader.shared.clone();
        target.shared().end.on_end(Box::new(move |down: &Down| {
            let _ = me.send_answer(notice(down.clone()));
        }));
    }

    /// Links this actor with `target`, both ways: when either ends abnormally
    /// ([`ExitReason::is_abnormal`](crate::ExitReason::is_abnormal): a panic or a failure), the
    /// other ends too, with [`ExitReason::Failed`](crate::ExitReason::Failed) naming the first
    /// (after the message it is handling), unless it traps exits
    /// ([`trap_exits`](Context::trap_exits)), in which case it gets a notice instead. A normal
    /// end (closed, stopped) does not travel. If `target` has already ended abnormally, this
    /// actor learns it at once.
    ///
    /// ```
    /// use actor_core::{Actor, Addr, Context, ExitReason};
    ///
    /// struct Fragile;
    /// impl Actor for Fragile {
    ///     type Msg = ();
    ///     fn handle(&mut self, _: (), _ctx: &mut Context<Self>) {
    ///         panic!("boom");
    ///     }
    /// }
    ///
    /// struct Partner;
    /// impl Actor for Partner {
    ///     type Msg = Addr<()>;
    ///     fn handle(&mut self, other: Addr<()>, ctx: &mut Context<Self>) {
    ///         ctx.link(&other);
    ///         other.send(()).unwrap();
    ///     }
    /// }
    ///
    /// let fragile = actor_core::spawn(Fragile);
    /// let partner = actor_core::spawn(Partner);
    /// partner.addr().send(fragile.addr()).unwrap();
    /// assert!(fragile.join().is_panic());
    /// assert!(matches!(partner.join().reason(), ExitReason::Failed(_)));
    /// ```
    pub fn link<M>(&mut self, target: &Addr<M>)
    where
        M: Send + 'static,
    {
        let me = self.reader.shared.downgrade();
        target.shared().end.on_end(Box::new(move |down: &Down| {
            if down.reason.is_abnormal() {
                if let Some(me) = me.upgrade() {
                    Link::new(me).linked_exit(down);
                }
            }
        }));
        let them = target.shared().downgrade();
        self.reader.shared.end.on_end(Box::new(move |down: &Down| {
            if down.reason.is_abnormal() {
                if let Some(them) = them.upgrade() {
                    Link::new(them).linked_exit(down);
                }
            }
        }));
    }

    /// Makes abnormal ends of linked actors arrive as messages made by `notice` instead of
    /// ending this actor (Erlang's `trap_exit`). Applies to every link, made before or after.
    pub fn trap_exits<F>(&mut self, notice: F)
    where
        F: Fn(Down) -> A::Msg + Send + Sync + 'static,
    {
        *crate::sync::lock(&self.reader.shared.extra().trap) = Some(Box::new(notice));
    }

    /// Ends this actor as a failure: after the current handler returns, without handling queued
    /// messages (as [`stop`](Context::stop)), with
    /// [`ExitReason::Failed`](crate::ExitReason::Failed) carrying `why`. A failure is abnormal: it
    /// travels along links and a supervisor restarts a transient child that fails.
    pub fn fail(&mut self, why: impl Into<String>) {
        self.reader.shared.fail(why.into());
    }
}

impl<M: Send + 'static> Addr<M> {
    /// Watches the actor from a thread: the [`Monitor`] yields its [`Down`] once it has ended,
    /// also if it already had. The monitor does not keep the actor alive.
    pub fn monitor(&self) -> Monitor {
        monitor_link(self.shared())
    }

    /// An address that does not keep the actor alive; [`WeakAddr::upgrade`] gives a full one
    /// while the actor still accepts messages.
    ///
    /// ```
    /// use actor_core::Inbox;
    ///
    /// let handle = actor_core::spawn_fn(|inbox: Inbox<u8>| {
    ///     while inbox.recv().is_ok() {}
    ///     Ok(())
    /// });
    /// let weak = handle.addr().downgrade();
    /// assert!(weak.upgrade().is_some());
    /// handle.join(); // the handle's address was the last one: the actor ends
    /// assert!(weak.upgrade().is_none());
    /// ```
    pub fn downgrade(&self) -> WeakAddr<M> {
        WeakAddr {
            id: self.id(),
            link: self.shared().downgrade(),
        }
    }

    /// About how many messages wait in the mailbox now: a hint for load balancing, outdated as
    /// soon as it is read.
    pub fn mailbox_len(&self) -> usize {
        self.shared().queued()
    }
}

impl<A: Spawned> ActorHandle<A> {
    /// Watches the actor from a thread (as [`Addr::monitor`]), without giving up the handle.
    pub fn monitor(&self) -> Monitor {
        monitor_link(self.link())
    }
}

fn monitor_link<M: Send + 'static>(link: &Link<M>) -> Monitor {
    let (monitor, feed) = Monitor::new(link.id);
    link.end.on_end(Box::new(feed));
    monitor
}

/// An address that does not keep its actor alive (made by [`Addr::downgrade`]). Cycles of
/// weak addresses never keep actors running.
pub struct WeakAddr<M> {
    id: ActorId,
    link: Weak<dyn Host<M>>,
}

impl<M> WeakAddr<M> {
    pub(crate) fn from_link(link: &Link<M>) -> WeakAddr<M> {
        WeakAddr {
            id: link.id,
            link: link.downgrade(),
        }
    }

    /// A full address, if the actor still accepts messages.
    pub fn upgrade(&self) -> Option<Addr<M>> {
        let link = Link::new(self.link.upgrade()?);
        if link.is_sealed() || link.end.has_ended() {
            return None;
        }
        Some(Addr::new(link))
    }

    /// Whether the actor still accepts messages (as [`Addr::is_alive`]).
    pub fn is_alive(&self) -> bool {
        self.link
            .upgrade()
            .is_some_and(|host| !host.shared().is_sealed() && !host.shared().end.has_ended())
    }

    /// The actor's id.
    pub fn id(&self) -> ActorId {
        self.id
    }
}

impl<M> Clone for WeakAddr<M> {
    fn clone(&self) -> WeakAddr<M> {
        WeakAddr {
            id: self.id,
            link: Weak::clone(&self.link),
        }
    }
}

impl<M> fmt::Debug for WeakAddr<M> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WeakAddr").field("id", &self.id).finish()
    }
}
