//! `Registry`: actors by name, with their message type checked.

use std::any::{Any, TypeId};
use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, OnceLock, RwLock, Weak};

use crate::lifecycle::{Down, WeakAddr};
use crate::{ActorId, Addr};

/// Names for actors: [`register`](Registry::register) an address under a name, and
/// [`lookup`](Registry::lookup) it elsewhere with its message type checked. A name is freed when
/// its actor ends, and a look-up never returns the address of an actor whose end could already be
/// observed (by a monitor, `join`, or a failed send). The registry does not keep actors alive.
///
/// [`Registry::global`] is the process-wide registry; a `Registry` value is a separate one (tests
/// use their own). Clones share the one table.
///
/// ```
/// use actor_core::{Actor, Context, Registry, RegistryError};
///
/// struct Echo;
/// impl Actor for Echo {
///     type Msg = String;
///     fn handle(&mut self, _: String, _ctx: &mut Context<Self>) {}
/// }
///
/// let registry = Registry::new();
/// let echo = actor_core::spawn(Echo);
/// registry.register("echo", &echo.addr()).unwrap();
/// let found = registry.lookup::<String>("echo").unwrap();
/// found.send("hello".into()).unwrap();
/// assert!(matches!(registry.lookup::<u64>("echo"), Err(RegistryError::WrongType { .. })));
/// drop(found);
/// echo.join();
/// assert!(matches!(registry.lookup::<String>("echo"), Err(RegistryError::NotFound { .. })));
/// ```
#[derive(Clone, Default)]
pub struct Registry {
    inner: Arc<Table>,
}

type Table = RwLock<HashMap<Box<str>, Entry>>;

struct Entry {
    id: ActorId,
    type_id: TypeId,
    type_name: &'static str,
    /// A `WeakAddr<M>` of the registered actor.
    addr: Box<dyn Any + Send + Sync>,
    /// Whether that actor still accepts messages (the check needs no `M`).
    alive: Box<dyn Fn() -> bool + Send + Sync>,
}

/// Why a registry call failed.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RegistryError {
    /// The name belongs to another live actor.
    #[error("the name {name:?} is taken by actor {holder}")]
    NameTaken {
        /// The name asked for.
        name: String,
        /// The actor holding it.
        holder: ActorId,
    },
    /// No live actor has this name.
    #[error("no actor is registered as {name:?}")]
    NotFound {
        /// The name looked up.
        name: String,
    },
    /// The actor registered under this name takes another message type.
    #[error("the actor registered as {name:?} takes {found}, not {expected}")]
    WrongType {
        /// The name looked up.
        name: String,
        /// The message type asked for.
        expected: &'static str,
        /// The message type of the registered actor.
        found: &'static str,
    },
}

impl Registry {
    /// A new, empty registry.
    pub fn new() -> Registry {
        Registry::default()
    }

    /// The process-wide registry.
    pub fn global() -> &'static Registry {
        static GLOBAL: OnceLock<Registry> = OnceLock::new();
        GLOBAL.get_or_init(Registry::new)
    }

    /// Registers `addr` under `name` until its actor ends (or [`unregister`](Registry::unregister)).
    /// Registering the same actor under the same name again is a no-op.
    ///
    /// # Errors
    ///
    /// [`RegistryError::NameTaken`] if another live actor has the name; [`NotFound`] if `addr`'s
    /// actor no longer accepts messages.
    ///
    /// [`NotFound`]: RegistryError::NotFound
    pub fn register<M: Send + 'static>(
        &self,
        name: impl Into<String>,
        addr: &Addr<M>,
    ) -> Result<(), RegistryError> {
        let name = name.into();
        let weak = addr.downgrade();
        {
            let mut table = crate::sync::write(&self.inner);
            if let Some(entry) = table.get(name.as_str()) {
                if entry.id == addr.id() {
                    return Ok(());
                }
                if entry_alive(entry) {
                    return Err(RegistryError::NameTaken {
                        name,
                        holder: entry.id,
                    });
                }
            }
            if !addr.is_alive() {
                return Err(RegistryError::NotFound { name });
            }
            table.insert(
                name.clone().into_boxed_str(),
                Entry {
                    id: addr.id(),
                    type_id: TypeId::of::<M>(),
                    type_name: std::any::type_name::<M>(),
                    addr: Box::new(weak.clone()),
                    alive: Box::new(move || weak.is_alive()),
                },
            );
        }
        // Freed at the end; registered after the insert, so an actor that ended meanwhile is
        // removed at once.
        let table: Weak<Table> = Arc::downgrade(&self.inner);
        let id = addr.id();
        addr.shared().end.on_end(Box::new(move |_: &Down| {
            if let Some(table) = table.upgrade() {
                remove_if(&table, &name, id);
            }
        }));
        Ok(())
    }

    /// The address registered under `name`, if its actor takes `M` and has not ended.
    ///
    /// # Errors
    ///
    /// [`RegistryError::NotFound`] or [`RegistryError::WrongType`].
    pub fn lookup<M: Send + 'static>(&self, name: &str) -> Result<Addr<M>, RegistryError> {
        let table = crate::sync::read(&self.inner);
        let Some(entry) = table.get(name) else {
            return Err(RegistryError::NotFound {
                name: name.to_owned(),
            });
        };
        if entry.type_id != TypeId::of::<M>() {
            return Err(RegistryError::WrongType {
                name: name.to_owned(),
                expected: std::any::type_name::<M>(),
                found: entry.type_name,
            });
        }
        entry
            .addr
            .downcast_ref::<WeakAddr<M>>()
            .and_then(WeakAddr::upgrade)
            .ok_or_else(|| RegistryError::NotFound {
                name: name.to_owned(),
            })
    }

    /// Frees `name`. Returns whether it was registered.
    pub fn unregister(&self, name: &str) -> bool {
        crate::sync::write(&self.inner).remove(name).is_some()
    }

    /// The names of live registered actors, sorted.
    pub fn names(&self) -> Vec<String> {
        let mut names: Vec<String> = crate::sync::read(&self.inner)
            .iter()
            .filter(|(_, entry)| entry_alive(entry))
            .map(|(name, _)| name.to_string())
            .collect();
        names.sort();
        names
    }
}

fn entry_alive(entry: &Entry) -> bool {
    (entry.alive)()
}

fn remove_if(table: &Table, name: &str, id: ActorId) {
    let mut table = crate::sync::write(table);
    if table.get(name).is_some_and(|entry| entry.id == id) {
        let removed = table.remove(name);
        drop(table);
        drop(removed);
    }
}

impl fmt::Debug for Registry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Registry")
            .field("names", &self.names())
            .finish()
    }
}
