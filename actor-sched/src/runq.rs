//! The run queue: one global FIFO of entries, each naming a slot and what to do with it.
//!
//! An entry is a `usize`: an index shifted left by two, with the low bits saying what to do: deliver
//! the next message of this closure actor, poll this task, or run one turn of this
//! `actor_core::Actor` (the index then names a parked turn, see `host.rs`). Senders push to the back of
//! [`RunQueue`]; the scheduler takes the whole queue at once (swapping buffers, so no memory is
//! allocated in steady state) and works through that batch. Everything pushed while a batch runs
//! lands behind the batch, so the order is exactly the order of the pushes: one global FIFO.

use std::cell::RefCell;

/// Bits of a slot key (the payload of `Message` and `Poll` entries) that hold the slot's index;
/// the bits above hold the slot's generation, so an entry left behind by an actor that has
/// finished is recognised as stale once its slot serves another actor.
const INDEX_BITS: u32 = usize::BITS / 2 + 4;
const INDEX_MASK: usize = (1 << INDEX_BITS) - 1;
/// Generations wrap within what is left of a `usize` once an entry's two kind bits are taken.
pub(crate) const GEN_MASK: usize = (1 << (usize::BITS - 2 - INDEX_BITS)) - 1;

/// The key of slot `index` in generation `generation`.
pub(crate) fn key(index: usize, generation: usize) -> usize {
    debug_assert!(index <= INDEX_MASK, "more slots than a key can name");
    ((generation & GEN_MASK) << INDEX_BITS) | index
}

/// The index and generation in a key.
pub(crate) fn unkey(key: usize) -> (usize, usize) {
    (key & INDEX_MASK, key >> INDEX_BITS)
}

/// What an entry asks the scheduler to do.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Entry {
    /// Hand the next message of this slot's mailbox to its actor (a slot key).
    Message(usize),
    /// Poll this slot's future once (a task's turn, or an async actor's start or yield; a slot
    /// key).
    Poll(usize),
    /// Run one turn of an `actor_core::Actor`: the turn parked at this index.
    Turn(usize),
}

impl Entry {
    const POLL: usize = 1;
    const TURN: usize = 2;
    const KIND: usize = 3;

    fn encode(self) -> usize {
        match self {
            Entry::Message(id) => id << 2,
            Entry::Poll(id) => (id << 2) | Self::POLL,
            Entry::Turn(id) => (id << 2) | Self::TURN,
        }
    }

    pub(crate) fn decode(raw: usize) -> Entry {
        match raw & Self::KIND {
            Self::POLL => Entry::Poll(raw >> 2),
            Self::TURN => Entry::Turn(raw >> 2),
            _ => Entry::Message(raw >> 2),
        }
    }
}

/// The shared back of the queue. Mailboxes and the scheduler hold it through an `Rc`.
///
/// The `RefCell` is borrowed only inside [`RunQueue::push`] and [`RunQueue::swap_into`], which run
/// no user code, so a borrow can never be held while user code runs.
#[derive(Debug, Default)]
pub(crate) struct RunQueue {
    entries: RefCell<Vec<usize>>,
}

impl RunQueue {
    /// Appends one entry.
    #[inline]
    pub(crate) fn push(&self, entry: Entry) {
        self.entries.borrow_mut().push(entry.encode());
    }

    /// Moves every queued entry to the end of `batch`.
    pub(crate) fn append_to(&self, batch: &mut Vec<usize>) {
        batch.append(&mut self.entries.borrow_mut());
    }

    /// Moves everything queued into `batch` (which must be empty) and leaves `batch`'s old buffer
    /// behind for the next pushes.
    pub(crate) fn swap_into(&self, batch: &mut Vec<usize>) {
        debug_assert!(batch.is_empty());
        std::mem::swap(&mut *self.entries.borrow_mut(), batch);
    }
}

/// The front of the queue: the batch the scheduler is working through, owned by the scheduler.
#[derive(Debug, Default)]
pub(crate) struct Batch {
    entries: Vec<usize>,
    next: usize,
}

impl Batch {
    /// The next entry, refilling the batch from `queue` when it is used up.
    #[inline]
    pub(crate) fn pop(&mut self, queue: &RunQueue) -> Option<Entry> {
        if self.next == self.entries.len() {
            self.entries.clear();
            self.next = 0;
            queue.swap_into(&mut self.entries);
        }
        let raw = *self.entries.get(self.next)?;
        self.next += 1;
        Some(Entry::decode(raw))
    }

    /// An entry drawn by `rng` from everything queued (this batch's rest and the queue's back),
    /// for seeded runs. Each entry is "one step of one slot", and a slot's messages stay in its
    /// mailbox in order, so any draw keeps every actor's messages in the order they were sent.
    pub(crate) fn pop_seeded(&mut self, queue: &RunQueue, rng: &mut Rng) -> Option<Entry> {
        queue.append_to(&mut self.entries);
        let left = self.entries.len() - self.next;
        if left == 0 {
            self.entries.clear();
            self.next = 0;
            return None;
        }
        let pick = self.next + rng.below(left);
        self.entries.swap(self.next, pick);
        let raw = self.entries[self.next];
        self.next += 1;
        if self.next * 2 > self.entries.len() && self.next > 64 {
            // Drop the consumed front so the buffer does not grow without bound.
            self.entries.drain(..self.next);
            self.next = 0;
        }
        Some(Entry::decode(raw))
    }
}

/// The small PRNG behind seeded runs (SplitMix64): fast, and the same sequence for the same seed
/// on every platform.
#[derive(Clone, Debug)]
pub(crate) struct Rng(u64);

impl Rng {
    pub(crate) fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    pub(crate) fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number below `n` (not zero).
    pub(crate) fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_round_trip() {
        for (index, generation) in [(0, 0), (7, 1), (INDEX_MASK, GEN_MASK)] {
            assert_eq!(unkey(key(index, generation)), (index, generation));
        }
        // Generations wrap.
        assert_eq!(unkey(key(3, GEN_MASK + 1)), (3, 0));
    }

    #[test]
    fn entries_round_trip() {
        for entry in [
            Entry::Message(0),
            Entry::Poll(0),
            Entry::Message(7),
            Entry::Poll(key(5, GEN_MASK)),
            Entry::Turn(3),
        ] {
            assert_eq!(Entry::decode(entry.encode()), entry);
        }
    }

    #[test]
    fn pushes_during_a_batch_come_after_it() {
        let queue = RunQueue::default();
        let mut batch = Batch::default();
        queue.push(Entry::Message(1));
        queue.push(Entry::Message(2));
        assert_eq!(batch.pop(&queue), Some(Entry::Message(1)));
        queue.push(Entry::Poll(3));
        assert_eq!(batch.pop(&queue), Some(Entry::Message(2)));
        assert_eq!(batch.pop(&queue), Some(Entry::Poll(3)));
        assert_eq!(batch.pop(&queue), None);
    }
}
