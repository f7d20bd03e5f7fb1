//! The run queue: one global FIFO of entries, each naming a slot and what to do with it.
//!
//! An entry is a `usize`: the slot index shifted left by one, with the low bit set for "poll this
//! task" and clear for "deliver the next message of this actor". Senders push to the back of
//! [`RunQueue`]; the scheduler takes the whole queue at once (swapping buffers, so no memory is
//! allocated in steady state) and works through that batch. Everything pushed while a batch runs
//! lands behind the batch, so the order is exactly the order of the pushes: one global FIFO.

use std::cell::RefCell;

/// What an entry asks the scheduler to do.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Entry {
    /// Hand the next message of this slot's mailbox to its actor.
    Message(usize),
    /// Poll this slot's future once (a task's turn, or an async actor's start or yield).
    Poll(usize),
}

impl Entry {
    const POLL: usize = 1;

    fn encode(self) -> usize {
        match self {
            Entry::Message(id) => id << 1,
            Entry::Poll(id) => (id << 1) | Self::POLL,
        }
    }

    pub(crate) fn decode(raw: usize) -> Entry {
        if raw & Self::POLL == Self::POLL {
            Entry::Poll(raw >> 1)
        } else {
            Entry::Message(raw >> 1)
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
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_round_trip() {
        for entry in [
            Entry::Message(0),
            Entry::Poll(0),
            Entry::Message(7),
            Entry::Poll(1 << 40),
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
