//! [`ThreadPool`]: a fixed set of worker threads that run scoped tasks.
//!
//! ```
//! use leaksafe::thread::ThreadPool;
//!
//! let pool = ThreadPool::new(2);
//! let data: Vec<u64> = (0..1000).collect();
//! let total: u64 = pool.scope(|s| {
//!     let handles: Vec<_> = data.chunks(100).map(|c| s.spawn(move || c.iter().sum::<u64>())).collect();
//!     handles.into_iter().map(|h| h.join().unwrap()).sum()
//! });
//! assert_eq!(total, 499_500);
//! ```
//!
//! # Soundness: the scope, not a guard, joins
//! Tasks borrow data of the scope's lifetime `'scope`, yet sit in queues of
//! threads that live as long as the pool; the queue stores them with that
//! lifetime erased. That is sound because [`ThreadPool::scope`] returns —
//! normally or by unwinding — only after the scope's pending-task counter is
//! back to zero, and each task's decrement is its last access to borrowed
//! data (`scope.rs`, `job.rs`). Handles ([`PoolHandle`]) and guards
//! ([`PoolJoinGuard`]) are conveniences for getting results: forgetting them
//! neither shortens the scope nor makes it hang.
//!
//! # Invariants of the pool
//! - `registry` is shared (an `Arc`) by the pool and its workers; it holds
//!   the injector, the workers' stealers and the sleep protocol
//!   (`registry.rs`, `sleep.rs`).
//! - Every task belongs to a scope, and a scope borrows the pool; so when the
//!   pool is dropped, no scope is running and no task is queued. `Drop` sets
//!   the terminate flag, wakes everyone, and joins every worker; a worker
//!   exits only once the queues are empty.
//! - Memory is bounded by live tasks: a task record is freed as soon as both
//!   the task has finished and its handle is gone; the scope keeps no list of
//!   tasks, only a counter. (A forgotten handle leaks its own record.)
//!
//! # Progress guarantee
//! - Every queued task runs, as long as some pool thread looking for work is
//!   not blocked outside the pool: idle threads sleep only when every queue
//!   is empty, and a push wakes a sleeper.
//! - Any join graph that completes with one OS thread per task (as on
//!   `thread::scope`) completes on the pool, with any number of threads:
//!   a join ([`PoolHandle::join`], dropping a [`PoolJoinGuard`]) runs the
//!   joined task itself if it has not started, and otherwise blocks without
//!   running other work on its stack (which could wait for something below
//!   it), but for its part of a `broadcast`; a scope's end runs only its own tasks. A worker that blocks gets a
//!   spare thread in its place, so queued work keeps as many threads as the
//!   pool has workers (`registry.rs`, `spare.rs`). A task that joins its own
//!   handle panics ("deadlock"), as std's join of the current thread fails.
//! - A task that blocks outside the pool (on a channel, a lock, a barrier)
//!   holds its thread, and gets no spare: if every pool thread blocks
//!   outside the pool waiting for a task that has not started yet, nothing
//!   runs it — a deadlock, as in any fixed-size pool. Prefer joining
//!   handles to blocking on channels between tasks.

mod broadcast;
mod builder;
mod fifo;
mod handle;
mod job;
mod join;
mod join_guard;
mod latch;
#[cfg(all(test, loom))]
mod loom_tests;
mod map;
mod registry;
mod scope;
mod sleep;
mod spare;

use core::fmt;
use std::sync::Arc;
use std::thread::JoinHandle;
use std::vec::Vec;

pub use broadcast::BroadcastContext;
pub use builder::ThreadPoolBuilder;
pub use fifo::PoolScopeFifo;
pub use handle::PoolHandle;
pub use join::{current_num_threads, current_thread_index, join};
pub use join_guard::PoolJoinGuard;
pub use scope::PoolScope;

use registry::Registry;

/// A pool of worker threads that run scoped tasks: see [`ThreadPool::scope`].
///
/// ```
/// use leaksafe::thread::ThreadPool;
///
/// let pool = ThreadPool::new(2);
/// assert_eq!(pool.threads(), 2);
/// let mut v = vec![1, 2, 3];
/// pool.scope(|s| {
///     for x in &mut v {
///         s.spawn(move || *x += 1);
///     }
/// });
/// assert_eq!(v, [2, 3, 4]);
/// ```
///
/// # Progress guarantee
/// - Every queued task runs, as long as some pool thread looking for work is
///   not blocked outside the pool: idle threads sleep only when every queue
///   is empty, and a push wakes a sleeper.
/// - Any join graph that completes with one OS thread per task (as on
///   [`scope`](crate::thread::scope)) completes on the pool, with any number
///   of threads: a join ([`PoolHandle::join`], dropping a [`PoolJoinGuard`],
///   [`ThreadPool::join`]) runs the joined task itself if it has not started,
///   and otherwise blocks without running other work on its stack (but a
///   [`broadcast`](ThreadPool::broadcast)'s call for that worker); a scope's
///   end runs only its own tasks. A worker that blocks gets a spare thread in
///   its place, so queued work keeps as many threads as the pool has workers.
///   A task that joins its own handle panics ("deadlock"), as std's join of
///   the current thread fails.
/// - A task that blocks outside the pool (on a channel, a lock, a barrier)
///   holds its thread and gets no spare: if every pool thread blocks outside
///   the pool waiting for a task that has not started yet, nothing runs it —
///   a deadlock, as in any fixed-size pool. Prefer joining handles to
///   blocking on channels between tasks.
pub struct ThreadPool {
    registry: Arc<Registry>,
    workers: Vec<JoinHandle<()>>,
}

impl fmt::Debug for ThreadPool {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ThreadPool")
            .field("threads", &self.threads())
            .finish()
    }
}

impl ThreadPool {
    /// Creates a pool of `threads` worker threads.
    ///
    /// # Panics
    /// If `threads` is zero (a pool needs at least one thread), or if the
    /// operating system refuses to create a thread (see
    /// [`try_new`](Self::try_new), which returns that error instead).
    ///
    /// ```
    /// use leaksafe::thread::ThreadPool;
    ///
    /// let pool = ThreadPool::new(3);
    /// assert_eq!(pool.threads(), 3);
    /// ```
    ///
    /// ```should_panic
    /// let _ = leaksafe::thread::ThreadPool::new(0); // at least one thread is needed
    /// ```
    pub fn new(threads: usize) -> ThreadPool {
        match ThreadPool::try_new(threads) {
            Ok(pool) => pool,
            Err(e) => panic!("failed to spawn thread: {e}"),
        }
    }

    /// Creates a pool of `threads` worker threads, or returns the error of
    /// the first thread the operating system refused to create. The workers
    /// already started are then stopped and joined before `try_new` returns:
    /// nothing is left running.
    ///
    /// # Panics
    /// If `threads` is zero (a pool needs at least one thread).
    ///
    /// ```
    /// use leaksafe::thread::ThreadPool;
    ///
    /// let pool = ThreadPool::try_new(2)?;
    /// assert_eq!(pool.threads(), 2);
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn try_new(threads: usize) -> std::io::Result<ThreadPool> {
        Self::try_new_with(threads, |_| None)
    }

    /// `try_new`, with worker `k` asking for a stack of `stack_size(k)`
    /// bytes when `Some`: only for the tests of the failure path (an absurd
    /// size makes the OS refuse that thread).
    #[doc(hidden)]
    pub fn __try_new_with_stack_sizes(
        threads: usize,
        stack_size: impl Fn(usize) -> Option<usize>,
    ) -> std::io::Result<ThreadPool> {
        Self::try_new_with(threads, stack_size)
    }

    /// A builder for a pool with more settings than its size: see
    /// [`ThreadPoolBuilder`].
    ///
    /// ```
    /// let pool = leaksafe::thread::ThreadPool::builder().num_threads(2).build()?;
    /// assert_eq!(pool.threads(), 2);
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn builder() -> ThreadPoolBuilder {
        ThreadPoolBuilder::new()
    }

    fn try_new_with(
        threads: usize,
        stack_size: impl Fn(usize) -> Option<usize>,
    ) -> std::io::Result<ThreadPool> {
        assert!(
            threads > 0,
            "ThreadPool::new(0): a thread pool needs at least one thread"
        );
        Self::try_build(
            threads,
            |i| std::format!("leaksafe-pool-{i}"),
            stack_size,
            registry::Hooks::default(),
        )
    }

    /// Starts `threads` workers named `name(k)` with stacks of
    /// `stack_size(k)`; on failure stops those started (`try_new`).
    fn try_build(
        threads: usize,
        mut name: impl FnMut(usize) -> std::string::String,
        stack_size: impl Fn(usize) -> Option<usize>,
        hooks: registry::Hooks,
    ) -> std::io::Result<ThreadPool> {
        let (registry, deques) = Registry::new(threads, hooks);
        // Built before any worker starts, so that an early return drops it
        // and so stops (and joins) the workers started so far.
        let mut pool = ThreadPool {
            registry,
            workers: Vec::with_capacity(threads),
        };
        for (index, deque) in deques.into_iter().enumerate() {
            let registry = Arc::clone(&pool.registry);
            let mut builder = std::thread::Builder::new().name(name(index));
            if let Some(size) = stack_size(index) {
                builder = builder.stack_size(size);
            }
            let worker = builder.spawn(move || registry::worker_main(registry, deque, index))?;
            pool.workers.push(worker);
        }
        Ok(pool)
    }

    /// The number of worker threads.
    ///
    /// ```
    /// let pool = leaksafe::thread::ThreadPool::new(1);
    /// assert_eq!(pool.threads(), 1);
    /// ```
    pub fn threads(&self) -> usize {
        self.workers.len()
    }

    /// The number of worker threads: [`threads`](Self::threads), under
    /// rayon's name.
    ///
    /// ```
    /// let pool = leaksafe::thread::ThreadPool::new(2);
    /// assert_eq!(pool.current_num_threads(), 2);
    /// ```
    pub fn current_num_threads(&self) -> usize {
        self.registry.workers
    }

    /// The index of the worker of *this* pool that calls it, or `None` on
    /// any other thread (see [`current_thread_index`]).
    ///
    /// ```
    /// let pool = leaksafe::thread::ThreadPool::new(2);
    /// assert_eq!(pool.current_thread_index(), None);
    /// assert!(pool.install(|| pool.current_thread_index()).is_some());
    /// ```
    pub fn current_thread_index(&self) -> Option<usize> {
        self.registry
            .with_current(|me| me.and_then(registry::WorkerThread::worker_index))
    }

    /// Runs `a` and `b`, potentially in parallel, and returns both results:
    /// `a` runs on the caller, `b` waits in the caller's queue where a
    /// worker may take it. The caller acts as a thread of this pool for the
    /// call (as in [`scope`](Self::scope)), so [`join`] inside `a` and `b`
    /// uses this pool.
    ///
    /// If `a` or `b` panics, the panic is re-raised with its payload once
    /// both have finished (`a`'s if both panic). `b` is a stack job: no heap
    /// allocation. Waiting for `b` never runs unrelated work on the
    /// caller's stack, so joins nest freely without deadlock (see the
    /// [progress guarantee](ThreadPool#progress-guarantee)). When more than two outside
    /// threads use the pool at once, a thread that finds no queue to lend
    /// runs `a` then `b` itself.
    ///
    /// ```
    /// use leaksafe::thread::ThreadPool;
    ///
    /// let pool = ThreadPool::new(2);
    /// let v: Vec<u64> = (0..1000).collect();
    /// let (l, r) = v.split_at(500);
    /// let (a, b) = pool.join(|| l.iter().sum::<u64>(), || r.iter().sum::<u64>());
    /// assert_eq!(a + b, 499_500);
    /// ```
    pub fn join<A, B, RA, RB>(&self, a: A, b: B) -> (RA, RB)
    where
        A: FnOnce() -> RA,
        B: FnOnce() -> RB + Send,
        RB: Send,
    {
        join::join_in(&self.registry, a, b)
    }

    /// Runs `f` on a worker of this pool and returns its result (rayon's
    /// `install`): inside `f`, [`join`], [`current_thread_index`] and
    /// [`current_num_threads`] see this pool. The caller blocks meanwhile;
    /// if it is already a worker of this pool, `f` runs right here. A panic
    /// of `f` is re-raised in the caller with its payload.
    ///
    /// ```
    /// use leaksafe::thread::{self, ThreadPool};
    ///
    /// let pool = ThreadPool::new(2);
    /// let (i, n) = pool.install(|| (thread::current_thread_index(), thread::current_num_threads()));
    /// assert!(i.is_some_and(|i| i < 2));
    /// assert_eq!(n, 2);
    /// ```
    pub fn install<F, R>(&self, f: F) -> R
    where
        F: FnOnce() -> R + Send,
        R: Send,
    {
        if self.current_thread_index().is_some() {
            return f();
        }
        join::install_cold(&self.registry, f)
    }
}

impl Default for ThreadPool {
    /// A pool with one thread per available core
    /// ([`std::thread::available_parallelism`], or one if unknown).
    ///
    /// ```
    /// let pool = leaksafe::thread::ThreadPool::default();
    /// assert!(pool.threads() >= 1);
    /// ```
    fn default() -> Self {
        ThreadPool::new(std::thread::available_parallelism().map_or(1, |n| n.get()))
    }
}

impl Drop for ThreadPool {
    /// Lets the workers finish any queued work, then joins them.
    fn drop(&mut self) {
        self.registry.terminate();
        for worker in self.workers.drain(..) {
            // Workers catch every task's panic, so they do not panic
            // themselves; nothing to report if one somehow did.
            let _ = worker.join();
        }
        // No scope runs, so no thread blocks: no spare starts after this.
        for spare in self.registry.spare_threads.take_threads() {
            let _ = spare.join();
        }
    }
}
