//! [`PoolScopeFifo`]: a scope whose tasks start in the order they were
//! spawned (rayon's `scope_fifo`): within the scope, a thread runs the tasks
//! *it* spawned first-in, first-out, where [`PoolScope`] runs them
//! last-in, first-out (the deques are LIFO for their owner).
//!
//! # Invariants
//! - The scope owns one [`FifoSlot`] per deque of the pool, plus one for
//!   threads without a deque; all live on the heap until the scope returns.
//!   `spawn_fifo` puts the task's `JobRef` at the back of the spawning
//!   thread's slot, then queues a *ticket* (a `JobRef` to the slot) as any
//!   task is queued. Whoever takes a ticket runs the job at the *front* of
//!   that slot. A slot gets its job before its ticket is queued, and each
//!   ticket takes exactly one job, so a ticket always finds one.
//! - The scope's `pending` counts the task *and* its ticket (two
//!   increments per spawn). A ticket's decrement comes after it has run its
//!   job, and is its last access to the slot and the scope; so the scope
//!   (and its slots) outlives every ticket, including tickets whose job was
//!   already run inline by a joiner (then the ticket finds that job stale,
//!   and running a stale entry only drops the queue's reference, `job.rs`).
//! - A ticket starts with the `#[repr(C)]` prefix of a task record (an
//!   unclaimed `TaskState`, then this scope's `ScopeBase` address), so a
//!   scope's end (`Registry::wait_scope`) sees tickets of its own scope as
//!   its own work, and runs them: each runs one task of this scope. A join
//!   sets tickets aside as it does other scopes' tasks (`join.rs`).
//! - Tasks are ordinary task records (`job.rs`): handles, panics and the
//!   soundness under `mem::forget` are those of [`PoolScope`].
//!
//! [`PoolScope`]: super::PoolScope

use core::marker::PhantomData;
use core::ptr::NonNull;
use std::boxed::Box;
use std::collections::VecDeque;
use std::sync::Mutex;

use super::ThreadPool;
use super::handle::PoolHandle;
use super::job::{JobRef, ScopeBase, new_task};
use super::join::join_in;
use super::join_guard::PoolJoinGuard;
use super::latch::TaskState;
use super::registry::Registry;
use super::scope::run_scope;

/// One thread's FIFO of a scope's tasks; a ticket is a `JobRef` to it.
#[repr(C)]
struct FifoSlot {
    /// The task-record prefix (`job.rs`'s `Prefix`): never claimed.
    state: TaskState,
    /// The scope's base: tickets are this scope's own work.
    scope: NonNull<ScopeBase>,
    jobs: Mutex<VecDeque<JobRef>>,
}

/// A scope whose tasks start in spawn order: see [`ThreadPool::scope_fifo`].
///
/// ```
/// use leaksafe::thread::ThreadPool;
///
/// let pool = ThreadPool::new(2);
/// let mut a = [1, 2, 3];
/// pool.scope_fifo(|s| {
///     for x in a.iter_mut() {
///         s.spawn_fifo(move || *x *= 10);
///     }
/// });
/// assert_eq!(a, [10, 20, 30]);
/// ```
pub struct PoolScopeFifo<'scope, 'env: 'scope> {
    pub(super) base: ScopeBase,
    slots: Box<[FifoSlot]>,
    /// Invariance over `'scope`, as std's `Scope`.
    scope: PhantomData<&'scope mut &'scope ()>,
    env: PhantomData<&'env mut &'env ()>,
}

// SAFETY: as for `PoolScope`: the shared state is atomics, the registry, and
// the slots' locked queues of `JobRef`s (which are `Send`); tasks spawned
// through it must be `Send`. The slots' scope pointers are only read.
unsafe impl Sync for PoolScopeFifo<'_, '_> {}

impl core::fmt::Debug for PoolScopeFifo<'_, '_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("PoolScopeFifo").finish_non_exhaustive()
    }
}

/// Runs the front job of a ticket's slot, then makes the ticket's decrement.
///
/// # Safety
/// `ptr` is a `FifoSlot` of a live scope whose `pending` counts this ticket,
/// and this ticket's `JobRef` was handed to the caller alone.
unsafe fn run_ticket(ptr: NonNull<()>) {
    // SAFETY: the scope (which owns the slot) waits for our decrement.
    let slot = unsafe { ptr.cast::<FifoSlot>().as_ref() };
    // SAFETY: as above: the scope's base outlives our decrement.
    let base = unsafe { slot.scope.as_ref() };
    let registry: *const Registry = base.registry;
    let job = slot
        .jobs
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .pop_front()
        .expect("a fifo ticket finds a job (module invariants)");
    // SAFETY: the job came out of the slot once, to us alone.
    unsafe { job.execute() };
    // Last access to the scope and the slot.
    if base.pending.decrement() {
        // SAFETY: the registry outlives the scope, and every pool thread
        // running a job (module docs of `registry.rs`).
        unsafe { (*registry).sleep.notify_all() };
    }
}

impl<'scope> PoolScopeFifo<'scope, '_> {
    /// Runs `f` on the pool and returns a handle to its result; the tasks a
    /// thread spawns in this scope start in the order it spawned them (when
    /// no other thread takes some of them first).
    ///
    /// As [`PoolScope::spawn`](super::PoolScope::spawn): the task may borrow
    /// anything that outlives the scope, and forgetting the handle neither
    /// detaches the task nor makes the scope hang.
    ///
    /// ```
    /// use std::sync::Mutex;
    /// use leaksafe::thread::ThreadPool;
    ///
    /// let pool = ThreadPool::new(1);
    /// let order = Mutex::new(Vec::new());
    /// pool.install(|| {
    ///     pool.scope_fifo(|s| {
    ///         for i in 0..5 {
    ///             let order = &order;
    ///             s.spawn_fifo(move || order.lock().unwrap().push(i));
    ///         }
    ///     })
    /// });
    /// // One worker ran them all, in spawn order.
    /// assert_eq!(order.into_inner().unwrap(), [0, 1, 2, 3, 4]);
    /// ```
    pub fn spawn_fifo<F, T>(&'scope self, f: F) -> PoolHandle<'scope, T>
    where
        F: FnOnce() -> T + Send + 'scope,
        T: Send + 'scope,
    {
        let registry = self.base.registry();
        let slot = &self.slots[registry.current_deque().unwrap_or(self.slots.len() - 1)];
        // One count for the task, one for its ticket (module invariants).
        self.base.pending.increment();
        self.base.pending.increment();
        // SAFETY: the lifetime erasure of `PoolScope::spawn_task`: this
        // scope's owner does not return before `pending` is zero, and the
        // task's decrement is its last access to `'scope` data.
        let (header, job) = unsafe { new_task(f, NonNull::from(&self.base)) };
        slot.jobs
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push_back(job);
        // SAFETY: the slot starts with the task prefix and outlives the
        // ticket (it lives until the scope returns, which waits for the
        // ticket's decrement); `run_ticket` is sound to call once for it.
        let ticket = unsafe { JobRef::new(NonNull::from(slot).cast(), run_ticket) };
        registry.push(ticket);
        PoolHandle::new(header)
    }

    /// [`spawn_fifo`](Self::spawn_fifo), returning the chapter's guard (as
    /// [`PoolScope::spawn_guard`](super::PoolScope::spawn_guard)): dropping
    /// the guard waits for the task (running it itself if it has not
    /// started), and [`PoolJoinGuard::join`] returns its result.
    ///
    /// Forgetting the guard is harmless: the scope waits for the task
    /// anyway (the task's record then leaks, as a forgotten handle's does).
    /// If the task panicked and the guard was dropped rather than joined,
    /// the scope panics at its end with that panic's payload.
    ///
    /// ```
    /// use leaksafe::thread::ThreadPool;
    ///
    /// let pool = ThreadPool::new(1);
    /// let (mut x, mut y) = (0, 0);
    /// pool.scope_fifo(|s| {
    ///     let g = s.spawn_guard(|| x += 1);
    ///     drop(g); // waits for the task
    ///     let g = s.spawn_guard(|| {
    ///         y += 2;
    ///         y
    ///     });
    ///     assert_eq!(g.join().unwrap(), 2);
    /// });
    /// assert_eq!((x, y), (1, 2));
    /// ```
    pub fn spawn_guard<F, T>(&'scope self, f: F) -> PoolJoinGuard<'scope, T>
    where
        F: FnOnce() -> T + Send + 'scope,
        T: Send + 'scope,
    {
        PoolJoinGuard::new(self.spawn_fifo(f))
    }

    /// Runs `a` and `b`, potentially in parallel, on the scope's pool:
    /// [`ThreadPool::join`].
    ///
    /// ```
    /// let pool = leaksafe::thread::ThreadPool::new(2);
    /// let (a, b) = pool.scope_fifo(|s| s.join(|| 1, || 2));
    /// assert_eq!((a, b), (1, 2));
    /// ```
    pub fn join<A, B, RA, RB>(&self, a: A, b: B) -> (RA, RB)
    where
        A: FnOnce() -> RA,
        B: FnOnce() -> RB + Send,
        RB: Send,
    {
        join_in(self.base.registry(), a, b)
    }
}

impl ThreadPool {
    /// [`scope`](Self::scope), with tasks that start in spawn order
    /// (rayon's `scope_fifo`): each thread runs the tasks it spawned with
    /// [`PoolScopeFifo::spawn_fifo`] first-in, first-out, where `scope`'s
    /// run last-in, first-out. Tasks other threads steal start earlier. The
    /// rest is `scope`'s: it waits for every task, whatever happened to the
    /// handles, and re-raises a task's unjoined panic with its payload.
    ///
    /// ```
    /// use std::sync::Mutex;
    /// use leaksafe::thread::ThreadPool;
    ///
    /// let pool = ThreadPool::new(2);
    /// let log = Mutex::new(Vec::new());
    /// pool.scope_fifo(|s| {
    ///     for i in 0..4 {
    ///         let log = &log;
    ///         s.spawn_fifo(move || log.lock().unwrap().push(i));
    ///     }
    /// });
    /// let mut log = log.into_inner().unwrap();
    /// log.sort();
    /// assert_eq!(log, [0, 1, 2, 3]);
    /// ```
    pub fn scope_fifo<'env, F, R>(&self, f: F) -> R
    where
        F: for<'scope> FnOnce(&'scope PoolScopeFifo<'scope, 'env>) -> R,
    {
        let mut scope = PoolScopeFifo {
            base: ScopeBase::new(&self.registry),
            slots: Box::new([]),
            scope: PhantomData,
            env: PhantomData,
        };
        let base = NonNull::from(&scope.base);
        scope.slots = (0..=self.registry.deque_count())
            .map(|_| FifoSlot {
                state: TaskState::new(),
                scope: base,
                jobs: Mutex::new(VecDeque::new()),
            })
            .collect();
        run_scope(self, &scope.base, || f(&scope))
    }
}
