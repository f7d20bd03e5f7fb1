//! Taking several locks without deadlock: `OrderedMutex`, `acquire`, and the per-thread order check.
//!
//! Two threads that take the same two locks in opposite orders can each end up holding one and
//! waiting forever for the other. The recipe "Locking with Deadlock Avoidance" removes the cycle
//! with one global order: every lock has a rank, a set of locks is always taken in ascending rank
//! whatever order the caller names them in, and a thread that already holds locks may only take
//! locks that rank above all of them. Here:
//!
//! - [`OrderedMutex`] is a mutex with a [`LockRank`] given at creation (the recipe's `id()`); ranks
//!   are unique in the process and ascend in creation order.
//! - [`acquire`] takes a tuple of 2 to 4 locks (of any value types), locks them in ascending rank
//!   and returns [`Guards`], which releases them in reverse rank order when dropped. Each guard
//!   sits at the position its lock was named at, so `held.0` belongs to the first lock named.
//! - [`OrderedMutex::lock`] takes one lock under the same rule.
//! - Each thread records the ranks it holds. A request that does not rank strictly above
//!   everything the thread holds, or that names one lock twice, returns a [`LockOrderError`]
//!   before taking anything: an error, never a deadlock and never a panic.
//!
//! The record is per OS thread, so guards are not `Send`: a guard is released on the thread that
//! took it. In an actor, take and release the locks within one handler call.
//!
//! # Poisoning
//!
//! Poisoning is ignored: if a thread panics while holding a lock, later `lock` and `acquire` calls
//! still succeed, as the recipe's locks do. The guards' destructors run during unwinding and
//! keep the per-thread record right. When a panic may have left the value half-updated,
//! [`OrderedMutex::is_poisoned`] tells whether that happened.
//!
//! # Examples
//!
//! ```
//! use actor_core::{OrderedMutex, acquire};
//! use std::sync::Arc;
//!
//! let x = Arc::new(OrderedMutex::new(0));
//! let y = Arc::new(OrderedMutex::new(String::new()));
//!
//! let (x2, y2) = (Arc::clone(&x), Arc::clone(&y));
//! let other = std::thread::spawn(move || {
//!     for _ in 0..1000 {
//!         let mut held = acquire((&*y2, &*x2)).unwrap(); // opposite order: still no deadlock
//!         held.0.push('y');
//!         *held.1 += 1;
//!     }
//! });
//! for _ in 0..1000 {
//!     let mut held = acquire((&*x, &*y)).unwrap();
//!     *held.0 += 1;
//!     held.1.push('x');
//! }
//! other.join().unwrap();
//! assert_eq!(*x.lock().unwrap(), 2000);
//! assert_eq!(y.lock().unwrap().len(), 2000);
//! ```

use crate::sync;
use std::cell::RefCell;
use std::fmt;
use std::ops::{Deref, DerefMut};
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::sync::{Mutex, MutexGuard};

use thiserror::Error;

/// The place of an [`OrderedMutex`] in the global lock order. Unique in the process; a lock
/// created later ranks higher.
///
/// ```
/// let a = actor_core::OrderedMutex::new(());
/// let b = actor_core::OrderedMutex::new(());
/// assert!(a.rank() < b.rank());
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct LockRank(u64);

impl LockRank {
    fn next() -> LockRank {
        static NEXT: AtomicU64 = AtomicU64::new(1);
        LockRank(NEXT.fetch_add(1, Relaxed))
    }

    /// The number itself.
    ///
    /// ```
    /// let lock = actor_core::OrderedMutex::new(());
    /// assert!(lock.rank().get() > 0);
    /// ```
    pub fn get(self) -> u64 {
        self.0
    }

    /// The ranks of the ordered locks the current thread holds, in ascending order.
    ///
    /// ```
    /// use actor_core::{LockRank, OrderedMutex};
    ///
    /// let lock = OrderedMutex::new(1);
    /// let guard = lock.lock().unwrap();
    /// assert_eq!(LockRank::held_by_current_thread(), [lock.rank()]);
    /// drop(guard);
    /// assert!(LockRank::held_by_current_thread().is_empty());
    /// ```
    pub fn held_by_current_thread() -> Vec<LockRank> {
        HELD.try_with(|held| held.borrow().clone())
            .unwrap_or_default()
    }
}

impl fmt::Display for LockRank {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "#{}", self.0)
    }
}

thread_local! {
    /// Ranks this thread holds. Ascending: a rank is only added above every rank present, and
    /// removing one keeps the rest in order.
    static HELD: RefCell<Vec<LockRank>> = const { RefCell::new(Vec::new()) };
}

/// Checks a request, given its ranks in ascending order, against what this thread holds.
fn check(sorted: &[LockRank]) -> Result<(), LockOrderError> {
    if let Some(pair) = sorted.windows(2).find(|pair| pair[0] == pair[1]) {
        return Err(LockOrderError::Duplicate { rank: pair[0] });
    }
    let Some(&lowest) = sorted.first() else {
        return Ok(());
    };
    let highest_held = HELD
        .try_with(|held| held.borrow().last().copied())
        .ok()
        .flatten();
    match highest_held {
        Some(held) if held >= lowest => Err(LockOrderError::Violation {
            held,
            requested: lowest,
        }),
        _ => Ok(()),
    }
}

fn record(rank: LockRank) {
    // Only fails while the thread's locals are being torn down; the record is gone then anyway.
    let _ = HELD.try_with(|held| held.borrow_mut().push(rank));
}

fn forget(rank: LockRank) {
    let _ = HELD.try_with(|held| {
        let mut held = held.borrow_mut();
        if let Some(at) = held.iter().rposition(|r| *r == rank) {
            held.remove(at);
        }
    });
}

/// A mutex with a place in the global lock order; take it with [`lock`](OrderedMutex::lock) or,
/// together with others, with [`acquire`].
///
/// `OrderedMutex<T>` is `Send + Sync` when `T: Send`; share it with `Arc` or by reference.
///
/// ```
/// use actor_core::OrderedMutex;
///
/// let counter = OrderedMutex::new(0);
/// *counter.lock().unwrap() += 1;
/// assert_eq!(counter.into_inner(), 1);
/// ```
pub struct OrderedMutex<T: ?Sized> {
    rank: LockRank,
    mutex: Mutex<T>,
}

impl<T> OrderedMutex<T> {
    /// A new unlocked mutex holding `value`, ranked above every ordered lock created before.
    ///
    /// ```
    /// let older = actor_core::OrderedMutex::new("a");
    /// let newer = actor_core::OrderedMutex::new("b");
    /// assert!(newer.rank() > older.rank());
    /// ```
    pub fn new(value: T) -> OrderedMutex<T> {
        OrderedMutex {
            rank: LockRank::next(),
            mutex: Mutex::new(value),
        }
    }

    /// The value, consuming the mutex (poisoning ignored).
    ///
    /// ```
    /// let lock = actor_core::OrderedMutex::new(vec![1, 2]);
    /// lock.lock().unwrap().push(3);
    /// assert_eq!(lock.into_inner(), [1, 2, 3]);
    /// ```
    pub fn into_inner(self) -> T {
        sync::into_inner(self.mutex)
    }
}

impl<T: ?Sized> OrderedMutex<T> {
    /// This lock's place in the global order.
    ///
    /// ```
    /// let lock = actor_core::OrderedMutex::new(0);
    /// assert_eq!(lock.rank(), lock.rank());
    /// assert_eq!(lock.rank().to_string(), format!("#{}", lock.rank().get()));
    /// ```
    pub fn rank(&self) -> LockRank {
        self.rank
    }

    /// Takes this lock alone, blocking until it is free.
    ///
    /// # Errors
    ///
    /// [`LockOrderError::Violation`] if the current thread already holds this lock or one that
    /// ranks above it; nothing is taken then.
    ///
    /// ```
    /// use actor_core::{LockOrderError, OrderedMutex};
    ///
    /// let first = OrderedMutex::new('a');
    /// let second = OrderedMutex::new('b');
    /// let held = second.lock().unwrap();
    /// let err = first.lock().unwrap_err(); // `first` ranks below the held `second`
    /// assert_eq!(err, LockOrderError::Violation { held: second.rank(), requested: first.rank() });
    /// drop(held);
    /// assert_eq!(*first.lock().unwrap(), 'a');
    /// ```
    pub fn lock(&self) -> Result<OrderedGuard<'_, T>, LockOrderError> {
        check(&[self.rank])?;
        Ok(self.lock_checked())
    }

    /// Locks after the order was checked.
    fn lock_checked(&self) -> OrderedGuard<'_, T> {
        let guard = sync::lock(&self.mutex);
        record(self.rank);
        OrderedGuard {
            guard,
            rank: self.rank,
        }
    }

    /// The value, through an exclusive borrow: no locking needed (poisoning ignored).
    ///
    /// ```
    /// let mut lock = actor_core::OrderedMutex::new(1);
    /// *lock.get_mut() += 1;
    /// assert_eq!(*lock.lock().unwrap(), 2);
    /// ```
    pub fn get_mut(&mut self) -> &mut T {
        sync::get_mut(&mut self.mutex)
    }

    /// Whether a thread panicked while holding this lock. Locking still works; the value may be
    /// half-updated.
    ///
    /// ```
    /// use std::sync::Arc;
    ///
    /// let lock = Arc::new(actor_core::OrderedMutex::new(0));
    /// let shared = Arc::clone(&lock);
    /// let _ = std::thread::spawn(move || {
    ///     let _held = shared.lock().unwrap();
    ///     panic!("while holding the lock");
    /// })
    /// .join();
    /// assert!(lock.is_poisoned());
    /// assert_eq!(*lock.lock().unwrap(), 0);
    /// ```
    pub fn is_poisoned(&self) -> bool {
        self.mutex.is_poisoned()
    }
}

impl<T: Default> Default for OrderedMutex<T> {
    fn default() -> OrderedMutex<T> {
        OrderedMutex::new(T::default())
    }
}

impl<T> From<T> for OrderedMutex<T> {
    fn from(value: T) -> OrderedMutex<T> {
        OrderedMutex::new(value)
    }
}

impl<T: ?Sized> fmt::Debug for OrderedMutex<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OrderedMutex")
            .field("rank", &self.rank)
            .finish_non_exhaustive()
    }
}

/// Access to the value of a held [`OrderedMutex`]; dropping it releases the lock.
///
/// Not `Send`: it must be dropped on the thread that took the lock.
///
/// ```
/// use actor_core::{LockRank, OrderedMutex};
///
/// let lock = OrderedMutex::new(String::from("a"));
/// let mut guard = lock.lock().unwrap();
/// guard.push('b');
/// assert_eq!(*guard, "ab");
/// assert_eq!(LockRank::held_by_current_thread(), [lock.rank()]);
/// drop(guard); // releases the lock
/// assert!(LockRank::held_by_current_thread().is_empty());
/// ```
pub struct OrderedGuard<'a, T: ?Sized> {
    guard: MutexGuard<'a, T>,
    rank: LockRank,
}

impl<T: ?Sized> Deref for OrderedGuard<'_, T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.guard
    }
}

impl<T: ?Sized> DerefMut for OrderedGuard<'_, T> {
    fn deref_mut(&mut self) -> &mut T {
        &mut self.guard
    }
}

impl<T: ?Sized> Drop for OrderedGuard<'_, T> {
    fn drop(&mut self) {
        // The mutex itself is released right after, when the field drops.
        forget(self.rank);
    }
}

impl<T: ?Sized> fmt::Debug for OrderedGuard<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OrderedGuard")
            .field("rank", &self.rank)
            .finish_non_exhaustive()
    }
}

/// Takes every lock of `locks` (a tuple of 2 to 4 `&OrderedMutex<_>`, in any order) in
/// ascending rank, and returns their guards at the positions the locks were named at.
///
/// Blocks until every lock is taken. Dropping the returned [`Guards`] releases the locks in
/// reverse rank order.
///
/// # Errors
///
/// [`LockOrderError::Duplicate`] if one lock is named twice; [`LockOrderError::Violation`] if
/// the current thread already holds a lock ranking at or above the lowest one requested. Nothing
/// is taken then.
///
/// # Examples
///
/// ```
/// use actor_core::{LockOrderError, OrderedMutex, acquire};
///
/// let x = OrderedMutex::new(1);
/// let y = OrderedMutex::new(2);
/// {
///     let held = acquire((&y, &x)).unwrap();
///     assert_eq!((*held.0, *held.1), (2, 1)); // positions follow the call, not the ranks
/// }
/// let held_y = y.lock().unwrap();
/// let err = acquire((&x, &y)).unwrap_err();
/// assert_eq!(err, LockOrderError::Violation { held: y.rank(), requested: x.rank() });
/// drop(held_y);
/// assert!(matches!(acquire((&x, &x)), Err(LockOrderError::Duplicate { .. })));
/// ```
pub fn acquire<'a, L: LockSet<'a>>(locks: L) -> Result<Guards<'a, L>, LockOrderError> {
    locks.lock_all().map(|guards| Guards {
        guards: Some(guards),
    })
}

mod sealed {
    pub trait Sealed {}
}

/// A set of ordered locks that [`acquire`] takes together: tuples of 2 to 4 `&OrderedMutex<_>`,
/// each of its own value type. Sealed: implemented here only.
///
/// ```
/// use actor_core::{LockSet, OrderedMutex};
///
/// fn takes_both<'a>(locks: impl LockSet<'a>) -> bool {
///     actor_core::acquire(locks).is_ok()
/// }
/// let (a, b) = (OrderedMutex::new(1u8), OrderedMutex::new("two"));
/// assert!(takes_both((&a, &b)));
/// assert!(!takes_both((&a, &a)));
/// ```
pub trait LockSet<'a>: sealed::Sealed {
    /// The guards, as a tuple of [`OrderedGuard`]s in the order the locks were named.
    type Guards;

    #[doc(hidden)]
    fn lock_all(self) -> Result<Self::Guards, LockOrderError>;

    #[doc(hidden)]
    fn release(guards: Self::Guards);
}

macro_rules! lock_set {
    ($($T:ident $i:tt),+) => {
        impl<'a, $($T: ?Sized),+> sealed::Sealed for ($(&'a OrderedMutex<$T>,)+) {}

        impl<'a, $($T: ?Sized),+> LockSet<'a> for ($(&'a OrderedMutex<$T>,)+) {
            type Guards = ($(OrderedGuard<'a, $T>,)+);

            fn lock_all(self) -> Result<Self::Guards, LockOrderError> {
                let mut order = [$((self.$i.rank, $i)),+];
                order.sort_unstable();
                check(&order.map(|(rank, _)| rank))?;
                let mut slots = ($(None::<OrderedGuard<'a, $T>>,)+);
                for (_, position) in order {
                    match position {
                        $($i => slots.$i = Some(self.$i.lock_checked()),)+
                        _ => unreachable!("positions come from the tuple"),
                    }
                }
                Ok(($(slots.$i.expect("every lock of the set was taken"),)+))
            }

            fn release(guards: Self::Guards) {
                let mut order = [$((guards.$i.rank, $i)),+];
                order.sort_unstable();
                let mut slots = ($(Some(guards.$i),)+);
                for (_, position) in order.into_iter().rev() {
                    match position {
                        $($i => drop(slots.$i.take()),)+
                        _ => unreachable!("positions come from the tuple"),
                    }
                }
            }
        }
    };
}

lock_set!(A 0, B 1);
lock_set!(A 0, B 1, C 2);
lock_set!(A 0, B 1, C 2, D 3);

/// The locks taken by one [`acquire`]; dropping it releases them in reverse rank order.
///
/// It dereferences to the tuple of [`OrderedGuard`]s, one per lock, at the positions the locks
/// were named at: `*held.0 += 1` changes the first lock's value. Not `Send`: drop it on the
/// thread that took the locks.
///
/// ```
/// use actor_core::{LockRank, OrderedMutex, acquire};
///
/// let balance_a = OrderedMutex::new(100);
/// let balance_b = OrderedMutex::new(0);
/// let mut held = acquire((&balance_a, &balance_b)).unwrap();
/// *held.0 -= 30;
/// *held.1 += 30;
/// assert_eq!(LockRank::held_by_current_thread().len(), 2);
/// drop(held);
/// assert!(LockRank::held_by_current_thread().is_empty());
/// assert_eq!((balance_a.into_inner(), balance_b.into_inner()), (70, 30));
/// ```
#[must_use = "dropping the guards releases the locks at once"]
pub struct Guards<'a, L: LockSet<'a>> {
    /// `Some` until dropped.
    guards: Option<L::Guards>,
}

impl<'a, L: LockSet<'a>> Deref for Guards<'a, L> {
    type Target = L::Guards;

    fn deref(&self) -> &L::Guards {
        self.guards
            .as_ref()
            .expect("guards are only taken out on drop")
    }
}

impl<'a, L: LockSet<'a>> DerefMut for Guards<'a, L> {
    fn deref_mut(&mut self) -> &mut L::Guards {
        self.guards
            .as_mut()
            .expect("guards are only taken out on drop")
    }
}

impl<'a, L: LockSet<'a>> Drop for Guards<'a, L> {
    fn drop(&mut self) {
        if let Some(guards) = self.guards.take() {
            L::release(guards);
        }
    }
}

impl<'a, L: LockSet<'a>> fmt::Debug for Guards<'a, L> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Guards").finish_non_exhaustive()
    }
}

/// A request for locks that would break the global lock order; nothing was taken.
///
/// ```
/// use actor_core::{LockOrderError, OrderedMutex};
///
/// let lock = OrderedMutex::new(());
/// let held = lock.lock().unwrap();
/// let err = lock.lock().unwrap_err(); // taking a held lock again would deadlock
/// assert_eq!(err.held(), Some(lock.rank()));
/// assert_eq!(err.requested(), lock.rank());
/// assert!(err.to_string().starts_with("lock order violation"));
/// # drop(held);
/// ```
#[derive(Error, Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum LockOrderError {
    /// The current thread holds `held` (its highest-ranked lock) and asked for `requested`
    /// (the lowest-ranked lock of the request), which does not rank above it.
    #[error(
        "lock order violation: this thread holds lock {held} and asked for lock {requested}; \
         locks must be taken in ascending rank"
    )]
    Violation {
        /// The highest rank the thread holds.
        held: LockRank,
        /// The lowest rank requested.
        requested: LockRank,
    },
    /// One request named the same lock twice.
    #[error("lock order violation: lock {rank} was named twice in one request")]
    Duplicate {
        /// The lock named twice.
        rank: LockRank,
    },
}

impl LockOrderError {
    /// The highest rank the thread held, for a [`Violation`](LockOrderError::Violation).
    ///
    /// ```
    /// let lock = actor_core::OrderedMutex::new(());
    /// let err = actor_core::acquire((&lock, &lock)).unwrap_err();
    /// assert_eq!(err.held(), None); // a duplicate: nothing needed to be held
    /// ```
    pub fn held(&self) -> Option<LockRank> {
        match self {
            LockOrderError::Violation { held, .. } => Some(*held),
            LockOrderError::Duplicate { .. } => None,
        }
    }

    /// The rank that broke the order: the lowest requested, or the one named twice.
    ///
    /// ```
    /// let lock = actor_core::OrderedMutex::new(());
    /// let err = actor_core::acquire((&lock, &lock)).unwrap_err();
    /// assert_eq!(err.requested(), lock.rank());
    /// ```
    pub fn requested(&self) -> LockRank {
        match self {
            LockOrderError::Violation { requested, .. } => *requested,
            LockOrderError::Duplicate { rank } => *rank,
        }
    }
}
