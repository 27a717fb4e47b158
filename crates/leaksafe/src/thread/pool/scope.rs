//! [`PoolScope`]: the owner of a pool scope's tasks, and the only thing that
//! guarantees they finish.
//!
//! # Invariants (the chapter's lesson: the scope, not a guard, joins)
//! - A scope's [`ScopeBase`] lives on the stack of the thread that called
//!   [`ThreadPool::scope`], which does not return — normally or by unwinding
//!   — before `pending` is zero. `pending` counts every task spawned in the
//!   scope (including tasks spawned by its tasks) that has not yet made its
//!   final decrement, and that decrement is each task's last access to
//!   anything of lifetime `'scope`. Handles and guards play no part in this:
//!   forgetting them cannot make `scope` return early, and cannot make it
//!   hang (a task's completion does not depend on its handle).
//! - The panic bookkeeping (`unjoined_panics`, `first_panic`) lives in
//!   [`ScopeBase`], which `job.rs` defines with its invariants: it is final
//!   once `pending` is zero; if a panic is unjoined, `scope` re-raises the
//!   first payload that reached it (rayon's rule), or panics with a message
//!   if that payload is out of reach; later ones are dropped.
//! - A scope's end runs only tasks of this scope (`Registry::wait_scope`):
//!   the scope's owner may itself be a task, and running an unrelated task
//!   on its stack could make it wait for that task (see `registry.rs`).
//!
//! [`ThreadPool::scope`]: super::ThreadPool::scope

use core::marker::PhantomData;
use core::ptr::NonNull;
use std::panic::{AssertUnwindSafe, catch_unwind, resume_unwind};

use super::ThreadPool;
use super::handle::PoolHandle;
use super::job::{AbortOnUnwind, Header, ScopeBase, drop_payload, new_task};
use super::join::join_in;
use super::join_guard::PoolJoinGuard;

/// A scope in which tasks borrowing `'env` data run on a [`ThreadPool`].
///
/// Created by [`ThreadPool::scope`]; every task spawned in it has finished
/// when `scope` returns, whatever happened to the handles and guards.
///
/// ```
/// use leaksafe::thread::ThreadPool;
///
/// let pool = ThreadPool::new(2);
/// let mut a = [1, 2, 3];
/// pool.scope(|s| {
///     for x in a.iter_mut() {
///         s.spawn(move || *x *= 10);
///     }
/// });
/// assert_eq!(a, [10, 20, 30]);
/// ```
pub struct PoolScope<'scope, 'env: 'scope> {
    pub(super) base: ScopeBase,
    /// Invariance over `'scope`, as std's `Scope`.
    scope: PhantomData<&'scope mut &'scope ()>,
    env: PhantomData<&'env mut &'env ()>,
}

// SAFETY: all shared state of a `PoolScope` is atomics and the registry (whose
// queues and sleep lock are thread-safe); tasks spawned through it must be
// `Send`. So the scope can be shared with its tasks on other threads.
unsafe impl Sync for PoolScope<'_, '_> {}

impl core::fmt::Debug for PoolScope<'_, '_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("PoolScope").finish_non_exhaustive()
    }
}

impl<'scope> PoolScope<'scope, '_> {
    /// Runs `a` and `b`, potentially in parallel, on the scope's pool:
    /// [`ThreadPool::join`](super::ThreadPool::join). Neither is a task of
    /// the scope: `join` returns once both have finished.
    ///
    /// ```
    /// use leaksafe::thread::ThreadPool;
    ///
    /// let pool = ThreadPool::new(2);
    /// let mut v = [1, 2, 3, 4];
    /// pool.scope(|s| {
    ///     let (l, r) = v.split_at_mut(2);
    ///     s.join(|| l.iter_mut().for_each(|x| *x += 1), || r.iter_mut().for_each(|x| *x *= 2));
    /// });
    /// assert_eq!(v, [2, 3, 6, 8]);
    /// ```
    pub fn join<A, B, RA, RB>(&self, a: A, b: B) -> (RA, RB)
    where
        A: FnOnce() -> RA,
        B: FnOnce() -> RB + Send,
        RB: Send,
    {
        join_in(self.base.registry(), a, b)
    }

    /// Runs `f` on the pool and returns a handle to its result.
    ///
    /// The task may borrow anything that outlives the scope, and may spawn
    /// more tasks in the same scope. Dropping or forgetting the handle does
    /// not detach the task: the scope still waits for it.
    ///
    /// ```
    /// use leaksafe::thread::ThreadPool;
    ///
    /// let pool = ThreadPool::new(2);
    /// let data = vec![1, 2, 3, 4];
    /// let total = pool.scope(|s| {
    ///     let (a, b) = data.split_at(2);
    ///     let ha = s.spawn(|| a.iter().sum::<i32>());
    ///     let hb = s.spawn(|| b.iter().sum::<i32>());
    ///     ha.join().unwrap() + hb.join().unwrap()
    /// });
    /// assert_eq!(total, 10);
    /// ```
    pub fn spawn<F, T>(&'scope self, f: F) -> PoolHandle<'scope, T>
    where
        F: FnOnce() -> T + Send + 'scope,
        T: Send + 'scope,
    {
        PoolHandle::new(self.spawn_task(f))
    }

    /// Runs `f` on the pool and returns the chapter's guard: dropping the
    /// guard waits for the task (running it itself if it has not started), and
    /// [`PoolJoinGuard::join`] returns its result.
    ///
    /// Forgetting the guard is harmless: the scope waits for the task anyway.
    /// If the task panicked and the guard was dropped rather than joined, the
    /// scope panics at its end, as for an unjoined handle.
    ///
    /// ```
    /// use leaksafe::thread::ThreadPool;
    ///
    /// let pool = ThreadPool::new(1);
    /// let mut x = 0;
    /// pool.scope(|s| {
    ///     let g = s.spawn_guard(|| x += 1);
    ///     drop(g); // waits for the task
    /// });
    /// assert_eq!(x, 1);
    /// ```
    pub fn spawn_guard<F, T>(&'scope self, f: F) -> PoolJoinGuard<'scope, T>
    where
        F: FnOnce() -> T + Send + 'scope,
        T: Send + 'scope,
    {
        PoolJoinGuard::new(self.spawn(f))
    }

    fn spawn_task<F, T>(&'scope self, f: F) -> NonNull<Header<T>>
    where
        F: FnOnce() -> T + Send + 'scope,
        T: Send + 'scope,
    {
        self.base.pending.increment();
        // SAFETY: (the lifetime erasure) the task's closure and result may
        // borrow `'scope` data, and the queue stores the task as a
        // lifetime-free `JobRef`, as if it were `'static`. Sound because the
        // owner of this scope does not return — even when its closure or a
        // task panics: `ThreadPool::scope` catches the closure's panic and
        // waits before resuming it — until `pending` is back to zero, and the
        // task's matching decrement (for the increment just above) is its
        // last access to `'scope` data and to `self.base`; its result is dropped before it, or handed
        // to a handle that cannot outlive `'scope` (or is forgotten, and
        // never touched again). The job runs exactly once: the deques hand
        // each job to one thread.
        let (header, job) = unsafe { new_task(f, NonNull::from(&self.base)) };
        self.base.registry().push(job);
        header
    }
}

impl ThreadPool {
    /// Creates a scope, runs `f` in it, and waits for every task spawned in
    /// it — including tasks spawned by tasks, and tasks whose handle or guard
    /// was forgotten — before returning `f`'s result.
    ///
    /// The calling thread runs this scope's tasks while it waits (only those:
    /// other work is left to the pool's threads). If `f` panics, the scope
    /// still waits for every task, then resumes that panic. If a task
    /// panicked and no `join` returned its error, `scope` re-raises that
    /// task's own panic payload (the first to reach the scope, as rayon
    /// does) after every task has finished; if that payload is out of reach
    /// (its handle was forgotten), it panics with "a scoped pool task
    /// panicked". The pool stays usable either way.
    ///
    /// A result whose handle is already gone is dropped by the task's thread
    /// before the task counts as finished. If that `Drop` panics, the panic is
    /// caught and counts as an unjoined task panic, with its payload. A result or payload dropped by a
    /// handle (its `Drop`, or `join`'s caller) panics in that caller, as any
    /// value's `Drop` would.
    ///
    /// ```
    /// use leaksafe::thread::ThreadPool;
    ///
    /// let pool = ThreadPool::new(2);
    /// let v: Vec<u64> = (1..=100).collect();
    /// let sums: Vec<u64> = pool.scope(|s| {
    ///     let hs: Vec<_> = v.chunks(10).map(|c| s.spawn(move || c.iter().sum::<u64>())).collect();
    ///     hs.into_iter().map(|h| h.join().unwrap()).collect()
    /// });
    /// assert_eq!(sums.iter().sum::<u64>(), 5050);
    /// ```
    pub fn scope<'env, F, R>(&self, f: F) -> R
    where
        F: for<'scope> FnOnce(&'scope PoolScope<'scope, 'env>) -> R,
    {
        let scope = PoolScope {
            base: ScopeBase::new(&self.registry),
            scope: PhantomData,
            env: PhantomData,
        };
        run_scope(self, &scope.base, || f(&scope))
    }
}

/// The body of [`ThreadPool::scope`] (and `scope_fifo`) once the scope is
/// built: runs `f` with the caller acting as a pool thread, waits until
/// `base.pending` is zero (aborting rather than unwinding early), then
/// returns `f`'s result or re-raises the scope's panic (module invariants).
pub(super) fn run_scope<R>(pool: &ThreadPool, base: &ScopeBase, f: impl FnOnce() -> R) -> R {
    // The caller works as a pool thread for the scope's duration (its
    // spawns go to a deque the workers steal from; see `registry.rs`).
    let result = pool.registry.as_pool_thread(|| {
        let result = catch_unwind(AssertUnwindSafe(f));
        let pending = &base.pending;
        if !pending.is_zero() {
            // Returning early, even by unwinding, would free what the
            // tasks borrow: if waiting itself ever panicked (it runs no
            // user code: tasks catch their panics), abort instead.
            let abort = AbortOnUnwind;
            pool.registry.wait_scope(base);
            core::mem::forget(abort);
        }
        result
    });
    // No unjoined panic means no stored payload (`ScopeBase` invariants):
    // a scope without panics skips the payload's lock.
    let first = if base.has_unjoined_panics() {
        base.take_first_panic()
    } else {
        None
    };
    match result {
        Err(payload) => {
            if let Some(p) = first {
                drop_payload(p);
            }
            resume_unwind(payload)
        }
        Ok(_) if base.has_unjoined_panics() => match first {
            Some(payload) => resume_unwind(payload),
            None => panic!("a scoped pool task panicked"),
        },
        Ok(r) => {
            if let Some(p) = first {
                drop_payload(p);
            }
            r
        }
    }
}
