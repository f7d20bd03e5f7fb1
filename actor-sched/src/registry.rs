//! `Core`: the state every handle to one scheduler shares, the run queue and the name registry.
//!
//! Named actors are found by name and checked by type here: the registry keeps each named
//! actor's mailbox as `Rc<dyn Any>` with its message type's name, and a send downcasts it. A
//! failed downcast is [`SchedError::WrongType`], an absent name [`SchedError::UnknownActor`].
//! The registry is borrowed only for one look-up or insert, never while user code runs.
//!
//! Names are hashed with FNV-1a plus a final mix rather than std's SipHash: names are short and
//! chosen by the program, and registering a million named actors spent most of its time hashing.
//! Name a scheduler's actors after untrusted input only if hash flooding does not worry you.

use std::any::{Any, type_name};
use std::borrow::Cow;
use std::cell::RefCell;
use std::collections::{HashMap, hash_map};
use std::fmt;
use std::hash::{BuildHasherDefault, Hasher};
use std::rc::Rc;

use crate::addr::Addr;
use crate::error::{NameTaken, SchedError};
use crate::mailbox::Mailbox;
use crate::runq::RunQueue;

/// FNV-1a over the bytes, finished with the SplitMix64 mixer so every bit of the hash depends on
/// every byte (the table indexes by the low bits and tags by the high ones).
struct NameHasher(u64);

impl Default for NameHasher {
    fn default() -> Self {
        NameHasher(0xcbf2_9ce4_8422_2325)
    }
}

impl Hasher for NameHasher {
    fn write(&mut self, bytes: &[u8]) {
        for &byte in bytes {
            self.0 = (self.0 ^ u64::from(byte)).wrapping_mul(0x0000_0100_0000_01b3);
        }
    }

    fn finish(&self) -> u64 {
        let mut h = self.0;
        h = (h ^ (h >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        h = (h ^ (h >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        h ^ (h >> 31)
    }
}

type Names = HashMap<Cow<'static, str>, Named, BuildHasherDefault<NameHasher>>;

struct Named {
    mailbox: Rc<dyn Any>,
    msg_type: &'static str,
}

/// Shared by the scheduler, its [`Handle`](crate::Handle)s and every [`Ctx`](crate::Ctx).
pub(crate) struct Core {
    pub(crate) runq: Rc<RunQueue>,
    names: RefCell<Names>,
}

impl Core {
    pub(crate) fn new() -> Core {
        Core {
            runq: Rc::default(),
            names: RefCell::default(),
        }
    }

    pub(crate) fn is_taken(&self, name: &str) -> bool {
        self.names.borrow().contains_key(name)
    }

    /// Registers the mailbox `create(value)` makes under `name` if the name is free, with one hash
    /// look-up; otherwise hands `value` back. `create` must run no user code: the registry is
    /// borrowed meanwhile.
    pub(crate) fn insert_if_vacant<M: 'static, T>(
        &self,
        name: Cow<'static, str>,
        value: T,
        create: impl FnOnce(T) -> Rc<Mailbox<M>>,
    ) -> Result<Rc<Mailbox<M>>, NameTaken<T>> {
        let mut names = self.names.borrow_mut();
        match names.entry(name) {
            hash_map::Entry::Occupied(taken) => Err(NameTaken::new(taken.key(), value)),
            hash_map::Entry::Vacant(vacant) => {
                let mailbox = create(value);
                let any: Rc<dyn Any> = mailbox.clone();
                vacant.insert(Named {
                    mailbox: any,
                    msg_type: type_name::<M>(),
                });
                Ok(mailbox)
            }
        }
    }

    /// Registers a new actor's mailbox under `name` (checked free by [`Core::is_taken`]).
    pub(crate) fn register<M: 'static>(&self, name: Cow<'static, str>, mailbox: &Rc<Mailbox<M>>) {
        let mailbox: Rc<dyn Any> = mailbox.clone();
        let named = Named {
            mailbox,
            msg_type: type_name::<M>(),
        };
        self.names.borrow_mut().insert(name, named);
    }

    /// Sends `msg` to the actor named `name`.
    pub(crate) fn send<M: 'static>(&self, name: &str, msg: M) -> Result<(), SchedError<M>> {
        let names = self.names.borrow();
        let Some(named) = names.get(name) else {
            return Err(SchedError::UnknownActor {
                name: name.into(),
                msg,
            });
        };
        match (*named.mailbox).downcast_ref::<Mailbox<M>>() {
            Some(mailbox) => mailbox
                .push(msg)
                .map_err(|msg| SchedError::Finished { msg }),
            None => Err(SchedError::WrongType {
                name: name.into(),
                expected: named.msg_type,
                found: type_name::<M>(),
                msg,
            }),
        }
    }

    /// The typed address of the actor named `name`.
    pub(crate) fn addr<M: 'static>(&self, name: &str) -> Result<Addr<M>, SchedError<()>> {
        let names = self.names.borrow();
        let Some(named) = names.get(name) else {
            return Err(SchedError::UnknownActor {
                name: name.into(),
                msg: (),
            });
        };
        match Rc::downcast::<Mailbox<M>>(named.mailbox.clone()) {
            Ok(mailbox) => Ok(Addr::from_mailbox(mailbox)),
            Err(_) => Err(SchedError::WrongType {
                name: name.into(),
                expected: named.msg_type,
                found: type_name::<M>(),
                msg: (),
            }),
        }
    }

    /// Empties the registry (when the scheduler is dropped). The entries are dropped after the
    /// borrow ends.
    pub(crate) fn clear(&self) {
        let names = std::mem::take(&mut *self.names.borrow_mut());
        drop(names);
    }
}

impl fmt::Debug for Core {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Core")
            .field("named_actors", &self.names.borrow().len())
            .finish()
    }
}
