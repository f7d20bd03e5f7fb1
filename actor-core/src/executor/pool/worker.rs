//! The pool's worker threads: where a queued actor is picked up, how idle workers find work,
//! sleep and wake, and how a worker that must block is stood in for.
//!
//! # Run queues
//!
//! Each worker owns a FIFO deque and a one-job "next" slot; the pool has one injector for work
//! queued from outside its workers. An actor made runnable by a handler running on a worker goes
//! to that worker's next slot, so a message hop from actor to actor usually stays on the core
//! that has both in cache (the slot's previous occupant moves to the deque, where other workers
//! can steal it). A worker takes work in this order: the next slot (at most [`NEXT_STREAK`]
//! times in a row, so two actors passing a message back and forth cannot starve the rest), its
//! deque, the injector (first, on every [`INJECTOR_EVERY`]th job, so outside work is never
//! starved), then the other workers' deques. An actor that used up its batch goes to the back of
//! the deque.
//!
//! # Sleeping
//!
//! A worker with nothing to do spins and yields a little (a wake-up costs microseconds), then
//! registers as sleeping, looks at every queue once more and waits. Whoever queues work that
//! another worker could take wakes one sleeper; filling the empty next slot wakes nobody, since
//! the worker doing it will run that job next. Registration and that check pair up through
//! `SeqCst` fences, so a job queued while a worker falls asleep is seen by one side or the other.
//!
//! # Blocking on a worker
//!
//! [`block_in_place`] wraps every wait the runtime may do on a worker (a send to a full bounded
//! mailbox, `join`, `wait_started`): the worker hands its next slot to its deque and, if the pool
//! would otherwise have fewer than its size of running workers, starts a stand-in thread. Stand-
//! ins run the same loop without a deque of their own and leave once the pool has its size of
//! unblocked workers again.

use std::cell::RefCell;
use std::sync::atomic::{AtomicBool, AtomicIsize, AtomicU64, AtomicUsize, Ordering::SeqCst, fence};
use std::sync::{Arc, Condvar, Mutex, Weak};
use std::thread::JoinHandle;

use super::deque::{Injector, Steal, Stealer, Worker};
use crate::runtime::unwind::catch;
use crate::sync::{self, CacheLine};

/// An actor on a run queue.
pub(crate) type Job = Arc<dyn Runnable>;

/// What a worker can do with a pooled actor.
pub(crate) trait Runnable: Send + Sync {
    /// Handles up to `budget` messages (the first turn also runs the `started` hook).
    fn run(self: Arc<Self>, budget: usize) -> Turn;
    /// Raises the stop `Addr::stop` raises (the flag and the seal), without getting the actor
    /// to act on it: [`rouse`](Runnable::rouse) does.
    fn raise_stop(self: Arc<Self>);
    /// Gets the actor to look at its signals: an idle one is queued to run.
    fn rouse(self: Arc<Self>);
    /// A snapshot of the actor, for introspection.
    fn info(&self) -> Option<crate::lifecycle::ActorInfo>;
}

/// How a turn ended.
pub(crate) enum Turn {
    /// The mailbox is empty and the actor is idle again: a later send queues it.
    Idle,
    /// More to do: queue it again.
    Again(Job),
    /// The actor has ended.
    Done,
}

/// The next slot is used at most this many times in a row.
const NEXT_STREAK: u32 = 16;
/// Every this many jobs, a worker looks at the injector first.
const INJECTOR_EVERY: u32 = 61;
/// Rounds of spinning, then of yielding, before a worker sleeps.
const SPIN_ROUNDS: u32 = 6;
const YIELD_ROUNDS: u32 = 16;

/// The state a pool's workers and its actors share.
pub(crate) struct PoolInner {
    pub(crate) name: Box<str>,
    pub(crate) size: usize,
    pub(crate) throughput: usize,
    pub(crate) stack_size: Option<usize>,
    injector: Injector<Job>,
    /// One per core worker, in worker order.
    stealers: Box<[Stealer<Job>]>,
    sleep: Sleep,
    /// The registry of actors, one shard per core worker and one for every other thread.
    shards: Box<[Shard]>,
    /// Set by shutdown: no more spawns.
    closing: AtomicBool,
    /// Set once shutdown has stopped every registered actor: from then on the live count only
    /// falls, and the workers leave when it reaches zero.
    drained: AtomicBool,
    /// Threads running the worker loop (core workers and stand-ins), and how many of them are
    /// blocked in `block_in_place`, in one word ([`Threads`]): a worker that blocks and a stand-in
    /// that leaves each decide on both counts at once, so a stand-in never leaves on a count a
    /// block has just made stale.
    threads_state: AtomicU64,
    threads: Mutex<Vec<JoinHandle<()>>>,
}

struct Sleep {
    state: Mutex<SleepState>,
    wake: Condvar,
    /// Mirrors `SleepState::sleeping` for the check on every push.
    sleeping: AtomicUsize,
    /// Workers spinning in search of work: while one is, a push wakes nobody (it will find the
    /// job), so a burst of pushes costs at most one wake-up.
    searching: AtomicUsize,
}

/// The actors one thread registered (weakly: the registry keeps no actor alive), and a count.
///
/// A worker registers the actors it spawns into a shard of its own, so spawning touches no line
/// the other workers write. An actor that ends on the worker that registered it frees its slot at
/// once; one that ends on another worker (it was stolen) has its slot freed in a batch: the
/// worker collects up to [`RETIRE_BATCH`] such slots and frees them under one lock per shard, or
/// sooner when it runs out of work. Until then the slot holds a dead weak entry, which shutdown
/// skips.
struct Shard {
    entries: Mutex<Slab>,
    /// Actors registered here minus actors that ended on this shard's thread (each thread counts
    /// on its own line); the pool's live count is the sum over the shards.
    count: CacheLine<AtomicIsize>,
}

/// Slots of actors that ended on another worker than the one that registered them, freed in
/// batches of this many.
const RETIRE_BATCH: usize = 64;

/// Slots for registered actors, and the indices of the free ones.
#[derive(Default)]
struct Slab {
    slots: Vec<Option<Weak<dyn Runnable>>>,
    free: Vec<usize>,
}

/// Where the registry keeps one actor: shard and slot.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Registered {
    shard: usize,
    slot: usize,
}

struct SleepState {
    sleeping: usize,
    /// Wake-ups granted and not yet taken.
    wakes: usize,
}

/// What a worker thread keeps of its own.
struct Local {
    pool: Arc<PoolInner>,
    /// The worker's index; stand-ins share the last registry shard.
    index: usize,
    /// `None` on a stand-in.
    deque: Option<Worker<Job>>,
    next: Option<Job>,
    streak: u32,
    ticks: u32,
    /// Registry slots of actors that ended here but were registered by another worker.
    retired: Vec<Registered>,
}

thread_local! {
    static LOCAL: RefCell<Option<Local>> = const { RefCell::new(None) };
}

impl PoolInner {
    /// A pool's shared state and the deques of its `size` core workers.
    pub(crate) fn new(
        name: Box<str>,
        size: usize,
        throughput: usize,
        stack_size: Option<usize>,
    ) -> (Arc<PoolInner>, Vec<Worker<Job>>) {
        let deques: Vec<Worker<Job>> = (0..size).map(|_| Worker::new_fifo()).collect();
        let inner = Arc::new(PoolInner {
            name,
            size,
            throughput,
            stack_size,
            injector: Injector::new(),
            stealers: deques.iter().map(Worker::stealer).collect(),
            sleep: Sleep {
                state: Mutex::new(SleepState {
                    sleeping: 0,
                    wakes: 0,
                }),
                wake: Condvar::new(),
                sleeping: AtomicUsize::new(0),
                searching: AtomicUsize::new(0),
            },
            // One shard per core worker, one shared by stand-ins and outside threads.
            shards: (0..=size)
                .map(|_| Shard {
                    entries: Mutex::new(Slab::default()),
                    count: CacheLine(AtomicIsize::new(0)),
                })
                .collect(),
            closing: AtomicBool::new(false),
            drained: AtomicBool::new(false),
            threads_state: AtomicU64::new(0),
            threads: Mutex::new(Vec::new()),
        });
        (inner, deques)
    }

    /// Starts one worker thread (`deque: None` for a stand-in).
    pub(crate) fn start_thread(
        self: &Arc<Self>,
        index: usize,
        deque: Option<Worker<Job>>,
    ) -> std::io::Result<()> {
        let kind = if deque.is_some() { "worker" } else { "standin" };
        let mut builder = std::thread::Builder::new().name(format!("{}-{kind}-{index}", self.name));
        if let Some(bytes) = self.stack_size {
            builder = builder.stack_size(bytes);
        }
        let pool = Arc::clone(self);
        self.threads_state.fetch_add(Threads::RUNNING, SeqCst);
        match builder.spawn(move || run_worker(pool, index, deque)) {
            Ok(handle) => {
                let mut threads = sync::lock(&self.threads);
                threads.retain(|t| !t.is_finished());
                threads.push(handle);
                Ok(())
            }
            Err(err) => {
                self.threads_state.fetch_sub(Threads::RUNNING, SeqCst);
                Err(err)
            }
        }
    }

    pub(crate) fn is_closing(&self) -> bool {
        self.closing.load(SeqCst)
    }

    /// Records a new actor, unless the pool is shutting down (`None`). Its first run is queued
    /// by the caller.
    pub(crate) fn register(&self, job: &Job) -> Option<Registered> {
        let at = self.own_shard();
        let shard = &self.shards[at];
        let mut slab = sync::lock(&shard.entries);
        if self.is_closing() {
            return None;
        }
        let entry = Some(Arc::downgrade(job));
        let slot = match slab.free.pop() {
            Some(slot) => {
                slab.slots[slot] = entry;
                slot
            }
            None => {
                slab.slots.push(entry);
                slab.slots.len() - 1
            }
        };
        shard.count.fetch_add(1, SeqCst);
        Some(Registered { shard: at, slot })
    }

    /// The registry shard of the calling thread.
    fn own_shard(&self) -> usize {
        LOCAL
            .with(|local| {
                let local = local.try_borrow().ok()?;
                let local = local.as_ref()?;
                std::ptr::eq(Arc::as_ptr(&local.pool), self).then_some(local.index)
            })
            .unwrap_or(self.shards.len() - 1)
    }

    /// Counts out an actor that has ended, and frees its registry slot (now, or in a batch).
    pub(crate) fn retire(&self, at: Registered) {
        let own = self.own_shard();
        if at.shard == own {
            self.free_slots(at.shard, &[at.slot]);
        } else {
            let deferred = LOCAL.with(|local| {
                let mut local = local.try_borrow_mut().ok()?;
                let local = local.as_mut()?;
                local.retired.push(at);
                if local.retired.len() >= RETIRE_BATCH {
                    // Only registry locks are taken here; the borrow of `LOCAL` may stay.
                    self.free_batch(std::mem::take(&mut local.retired));
                }
                Some(())
            });
            if deferred.is_none() {
                self.free_slots(at.shard, &[at.slot]);
            }
        }
        self.shards[own].count.fetch_sub(1, SeqCst);
        if self.finished() {
            // The last actor of a closing pool: the workers may leave now.
            self.sleep.wake_all();
        }
    }

    fn free_slots(&self, shard: usize, slots: &[usize]) {
        let mut slab = sync::lock(&self.shards[shard].entries);
        for &slot in slots {
            if let Some(entry) = slab.slots.get_mut(slot) {
                *entry = None;
                slab.free.push(slot);
            }
        }
    }

    /// Frees a worker's collected slots, one lock per shard.
    fn free_batch(&self, mut batch: Vec<Registered>) {
        batch.sort_unstable_by_key(|at| at.shard);
        for group in batch.chunk_by(|a, b| a.shard == b.shard) {
            let slots: Vec<usize> = group.iter().map(|at| at.slot).collect();
            self.free_slots(group[0].shard, &slots);
        }
    }

    /// Frees the calling worker's collected slots now.
    fn flush_retired(&self) {
        let batch = LOCAL.with(|local| {
            let mut local = local.try_borrow_mut().ok()?;
            Some(std::mem::take(&mut local.as_mut()?.retired))
        });
        if let Some(batch) = batch.filter(|batch| !batch.is_empty()) {
            self.free_batch(batch);
        }
    }

    /// Snapshots of this pool's live actors.
    pub(crate) fn list(&self) -> Vec<crate::lifecycle::ActorInfo> {
        let mut actors = Vec::new();
        for shard in self.shards.iter() {
            let slab = sync::lock(&shard.entries);
            actors.extend(slab.slots.iter().flatten().filter_map(Weak::upgrade));
        }
        actors.iter().filter_map(|actor| actor.info()).collect()
    }

    /// How many actors of this pool have not ended.
    pub(crate) fn live(&self) -> usize {
        let sum: isize = self.shards.iter().map(|s| s.count.load(SeqCst)).sum();
        usize::try_from(sum).unwrap_or(0)
    }

    /// Whether the workers may leave: shutdown has stopped every actor and none is left.
    fn finished(&self) -> bool {
        self.drained.load(SeqCst) && self.live() == 0
    }

    /// Queues `job`: on this pool's worker, into its next slot; elsewhere, into the injector.
    pub(crate) fn schedule(&self, job: Job) {
        let job = LOCAL.with(|local| {
            let Ok(mut local) = local.try_borrow_mut() else {
                return Some(job);
            };
            match local.as_mut() {
                Some(local) if std::ptr::eq(Arc::as_ptr(&local.pool), self) => match &local.deque {
                    Some(deque) => {
                        if let Some(previous) = local.next.replace(job) {
                            deque.push(previous);
                            self.wake_one();
                        }
                        None
                    }
                    None => Some(job),
                },
                _ => Some(job),
            }
        });
        if let Some(job) = job {
            self.injector.push(job);
            self.wake_one();
        }
    }

    /// Queues a job at the back, as a worker does with an actor that used up its batch.
    fn requeue(&self, local: &Local, job: Job) {
        match &local.deque {
            Some(deque) => deque.push(job),
            None => self.injector.push(job),
        }
        self.wake_one();
    }

    fn wake_one(&self) {
        fence(SeqCst);
        if self.sleep.sleeping.load(SeqCst) > 0 && self.sleep.searching.load(SeqCst) == 0 {
            let mut state = sync::lock(&self.sleep.state);
            if state.wakes < state.sleeping {
                state.wakes += 1;
                self.sleep.wake.notify_one();
            }
        }
    }

    /// Whether any queue other workers can take from holds a job.
    fn has_work(&self) -> bool {
        !self.injector.is_empty() || self.stealers.iter().any(|s| !s.is_empty())
    }

    /// Begins shutdown: no more spawns; every live actor is stopped.
    pub(crate) fn close(&self) {
        if self.closing.swap(true, SeqCst) {
            return;
        }
        let mut actors = Vec::new();
        for shard in self.shards.iter() {
            // Taking each shard's lock after `closing` is set means no spawn slips past.
            let slab = sync::lock(&shard.entries);
            actors.extend(slab.slots.iter().flatten().filter_map(Weak::upgrade));
        }
        // Every stop is raised before any actor is roused to act on it: an idle actor that ends
        // at once must not be seen gone while another one still runs with no stop raised (it
        // would take its next message).
        for actor in &actors {
            Arc::clone(actor).raise_stop();
        }
        for actor in actors {
            actor.rouse();
        }
        self.drained.store(true, SeqCst);
        self.sleep.wake_all();
    }

    /// Waits for every worker thread to leave. Call after [`close`](PoolInner::close).
    ///
    /// Called on one of the pool's own threads (a pooled actor that owned the pool dropped it),
    /// that thread is not waited for: it leaves by itself once the pool has no actor left.
    pub(crate) fn join_threads(&self) {
        let me = std::thread::current().id();
        loop {
            let threads = std::mem::take(&mut *sync::lock(&self.threads));
            if threads.is_empty() {
                return;
            }
            for thread in threads {
                if thread.thread().id() != me {
                    let _ = thread.join();
                }
            }
        }
    }

    /// The pool's threads that are running (core workers and stand-ins, blocked or not).
    pub(crate) fn threads(&self) -> usize {
        self.threads_now().running()
    }

    fn threads_now(&self) -> Threads {
        Threads(self.threads_state.load(SeqCst))
    }
}

impl Sleep {
    fn wake_all(&self) {
        let mut state = sync::lock(&self.state);
        state.wakes = state.sleeping;
        self.wake.notify_all();
    }
}

/// Whether the calling thread is a worker (or stand-in) of some pool, or runs a foreign
/// executor's turns: there, waiting for another actor could stall the actors it waits for.
pub(crate) fn on_worker() -> bool {
    LOCAL.with(|local| local.try_borrow().map_or(true, |l| l.is_some()))
        || crate::executor::foreign::inside()
}

/// Runs `wait`, a call that may block, on any thread. On a pool worker the pool first gets a
/// stand-in, so its other actors keep running while this one waits.
pub(crate) fn block_in_place<R>(wait: impl FnOnce() -> R) -> R {
    let pool = LOCAL.with(|local| {
        let mut local = local.try_borrow_mut().ok()?;
        let local = local.as_mut()?;
        // The job in the next slot would wait for this worker: let others take it.
        if let Some(job) = local.next.take() {
            local.pool.requeue(local, job);
        }
        Some(Arc::clone(&local.pool))
    });
    let Some(pool) = pool else {
        return wait();
    };
    // Both counts as this block leaves them: a stand-in that leaves later sees this block; one
    // that left earlier is no longer counted here.
    let now = Threads(pool.threads_state.fetch_add(Threads::BLOCKED, SeqCst) + Threads::BLOCKED);
    if now.unblocked() < pool.size {
        // Best effort: if the OS refuses a thread, the pool runs on with the workers it has.
        let _ = pool.start_thread(now.running(), None);
    } else {
        pool.wake_one();
    }
    let result = wait();
    pool.threads_state.fetch_sub(Threads::BLOCKED, SeqCst);
    if pool.threads_now().unblocked() > pool.size {
        // A stand-in asleep would linger: wake the sleepers so a surplus one can leave.
        pool.sleep.wake_all();
    }
    result
}

/// The loop every worker thread runs.
fn run_worker(pool: Arc<PoolInner>, index: usize, deque: Option<Worker<Job>>) {
    let standin = deque.is_none();
    LOCAL.with(|local| {
        *local.borrow_mut() = Some(Local {
            index: if standin { pool.size } else { index },
            pool: Arc::clone(&pool),
            deque,
            next: None,
            streak: 0,
            ticks: 0,
            retired: Vec::new(),
        });
    });
    'work: loop {
        if let Some(job) = find_job(&pool) {
            run_turn(&pool, job);
            if standin && pool.leave_if_surplus() {
                break 'work;
            }
            continue;
        }
        if standin && pool.leave_if_surplus() {
            break 'work;
        }
        if pool.finished() {
            pool.threads_state.fetch_sub(Threads::RUNNING, SeqCst);
            break 'work;
        }
        pool.sleep.searching.fetch_add(1, SeqCst);
        for round in 0..SPIN_ROUNDS + YIELD_ROUNDS {
            if round < SPIN_ROUNDS {
                for _ in 0..(1u32 << round) {
                    std::hint::spin_loop();
                }
            } else {
                std::thread::yield_now();
            }
            if let Some(job) = find_job(&pool) {
                pool.sleep.searching.fetch_sub(1, SeqCst);
                // More may be queued behind this job: let a sleeper look.
                pool.wake_one();
                run_turn(&pool, job);
                continue 'work;
            }
        }
        pool.sleep.searching.fetch_sub(1, SeqCst);
        pool.flush_retired();
        pool.sleep_until_work();
    }
    pool.flush_retired();
    // Whatever is left in this thread's slot or deque goes where the others can take it.
    let left = LOCAL.with(|local| local.borrow_mut().take());
    if let Some(mut local) = left {
        if let Some(job) = local.next.take() {
            pool.injector.push(job);
        }
        if let Some(deque) = local.deque.take() {
            while let Some(job) = deque.pop() {
                pool.injector.push(job);
            }
        }
    }
    // No longer counted as running (see the breaks above).
    pool.wake_one();
}

impl PoolInner {
    /// Counts a stand-in out if the pool has more unblocked threads than its size; `true` if it
    /// did, and the stand-in must leave. The check and the count change are one atomic step, so
    /// a worker blocking meanwhile either is seen here (and the stand-in stays) or sees the
    /// stand-in gone (and starts another).
    fn leave_if_surplus(&self) -> bool {
        self.threads_state
            .fetch_update(SeqCst, SeqCst, |state| {
                let now = Threads(state);
                (now.unblocked() > self.size).then(|| state - Threads::RUNNING)
            })
            .is_ok()
    }

    fn sleep_until_work(&self) {
        let mut state = sync::lock(&self.sleep.state);
        state.sleeping += 1;
        self.sleep.sleeping.fetch_add(1, SeqCst);
        fence(SeqCst);
        if !self.has_work() && !self.finished() {
            while state.wakes == 0 {
                state = sync::wait(&self.sleep.wake, state);
            }
            state.wakes -= 1;
        }
        state.sleeping -= 1;
        self.sleep.sleeping.fetch_sub(1, SeqCst);
    }
}

/// The pool's thread counts in one word: running threads in the high half, blocked ones in the
/// low half.
#[derive(Clone, Copy)]
struct Threads(u64);

impl Threads {
    /// One running thread.
    const RUNNING: u64 = 1 << 32;
    /// One blocked thread.
    const BLOCKED: u64 = 1;

    fn running(self) -> usize {
        (self.0 >> 32) as usize
    }

    fn blocked(self) -> usize {
        (self.0 & 0xffff_ffff) as usize
    }

    /// Running threads that are not blocked: those that can take work.
    fn unblocked(self) -> usize {
        self.running().saturating_sub(self.blocked())
    }
}

/// The next job for the calling worker.
fn find_job(pool: &PoolInner) -> Option<Job> {
    LOCAL.with(|local| {
        let mut local = local.borrow_mut();
        let local = local.as_mut()?;
        local.ticks = local.ticks.wrapping_add(1);
        if local.ticks % INJECTOR_EVERY == 0 {
            if let Some(job) = take_injected(pool, local) {
                return Some(job);
            }
        }
        if let Some(job) = local.next.take() {
            if local.streak < NEXT_STREAK {
                local.streak += 1;
                return Some(job);
            }
            pool.requeue(local, job);
        }
        local.streak = 0;
        if let Some(job) = local.deque.as_ref().and_then(Worker::pop) {
            return Some(job);
        }
        if let Some(job) = take_injected(pool, local) {
            return Some(job);
        }
        steal(pool, local)
    })
}

fn take_injected(pool: &PoolInner, local: &Local) -> Option<Job> {
    loop {
        let stolen = match &local.deque {
            Some(deque) => pool.injector.steal_batch_and_pop(deque),
            None => pool.injector.steal(),
        };
        match stolen {
            Steal::Success(job) => return Some(job),
            Steal::Empty => return None,
            Steal::Retry => {}
        }
    }
}

fn steal(pool: &PoolInner, local: &Local) -> Option<Job> {
    let count = pool.stealers.len();
    let start = local.ticks as usize % count.max(1);
    for offset in 0..count {
        let stealer = &pool.stealers[(start + offset) % count];
        loop {
            let stolen = match &local.deque {
                Some(deque) => stealer.steal_batch_and_pop(deque),
                None => stealer.steal(),
            };
            match stolen {
                Steal::Success(job) => return Some(job),
                Steal::Empty => break,
                Steal::Retry => {}
            }
        }
    }
    None
}

/// Runs one turn of `job` and keeps the worker alive whatever happens in it: handlers' panics are
/// caught inside the turn, but the last reference to an ended actor may be dropped here, and with
/// it the actor's state and leftover messages, whose `Drop` is user code too. A panic there ends
/// nothing but that drop.
fn run_turn(pool: &PoolInner, job: Job) {
    let _ = catch(|| run_job(pool, job));
}

/// Runs one turn of `job`; an actor that used up its batch goes to the back of the queue, where
/// an idle worker may steal it. (Running it on at once when nothing else waits here was tried:
/// a single sender's stream then took twice as long, the sender and the other worker's search
/// competing with it for the two cores.)
fn run_job(pool: &PoolInner, job: Job) {
    if let Turn::Again(job) = job.run(pool.throughput) {
        LOCAL.with(|local| match local.borrow().as_ref() {
            Some(local) => pool.requeue(local, job),
            None => pool.injector.push(job),
        });
    }
}
