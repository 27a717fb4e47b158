//! [`ThreadPool::broadcast`]: a closure run once on every worker.
//!
//! # Invariants
//! - Each worker `i` but the caller gets a stack job (`join.rs`'s
//!   [`StackJob`]) in its own inbox (`Registry::push_to_worker`), which only
//!   that worker takes: when it looks for work, and also while it is
//!   blocked on a latch (`Registry::block_until`), so a worker waiting for
//!   the broadcaster itself still runs its part. A caller that is worker `i`
//!   of this pool runs part `i` itself.
//! - The jobs live in the caller's frame, in a `Vec` that is never resized
//!   after the first `JobRef` is made; `broadcast` does not return (nor
//!   unwind: the parts catch their panics, and nothing else between the
//!   first push and the last wait runs user code) before every queued job
//!   has published `DONE`, its runner's last access to it. Nothing is
//!   returned that could be forgotten, so this is sound under `mem::forget`.
//! - Panics are re-raised once every part has finished: the payload of the
//!   lowest-indexed panicking part; the other results and payloads are
//!   dropped first.
//! - `spawn_broadcast` on a scope makes one ordinary task record per worker
//!   (`job.rs`), counted in the scope's `pending` like any task, and queues
//!   it in that worker's inbox; its handle is dropped at once, so the task
//!   drops its own result and its panic goes to the scope. The closure is
//!   shared through an `Arc` whose last clone is dropped by a task before
//!   its final decrement, so it never outlives the scope.

use core::marker::PhantomData;
use core::ptr::NonNull;
use std::panic::resume_unwind;
use std::sync::Arc;
use std::thread::Result;
use std::vec::Vec;

use super::ThreadPool;
use super::fifo::PoolScopeFifo;
use super::handle::PoolHandle;
use super::job::{ScopeBase, drop_payload, new_task};
use super::join::StackJob;
use super::scope::PoolScope;

/// What a [`ThreadPool::broadcast`] closure learns about where it runs
/// (rayon's `BroadcastContext`).
///
/// ```
/// let pool = leaksafe::thread::ThreadPool::new(3);
/// let seen = pool.broadcast(|ctx| (ctx.index(), ctx.num_threads()));
/// assert_eq!(seen, [(0, 3), (1, 3), (2, 3)]);
/// ```
#[derive(Debug)]
pub struct BroadcastContext<'a> {
    index: usize,
    num_threads: usize,
    /// Not `Send`: it describes the thread it was given on.
    _thread: PhantomData<&'a *const ()>,
}

impl BroadcastContext<'_> {
    /// The index of the worker running this call, in `0..num_threads()`
    /// (as [`current_thread_index`](super::current_thread_index) there).
    ///
    /// ```
    /// let pool = leaksafe::thread::ThreadPool::new(2);
    /// let same = pool.broadcast(|ctx| Some(ctx.index()) == leaksafe::thread::current_thread_index());
    /// assert_eq!(same, [true, true]);
    /// ```
    pub fn index(&self) -> usize {
        self.index
    }

    /// The number of workers of the pool: how many calls the broadcast makes.
    ///
    /// ```
    /// let pool = leaksafe::thread::ThreadPool::new(2);
    /// assert_eq!(pool.broadcast(|ctx| ctx.num_threads()), [2, 2]);
    /// ```
    pub fn num_threads(&self) -> usize {
        self.num_threads
    }
}

impl ThreadPool {
    /// Runs `f` once on every worker of the pool and returns the results in
    /// worker-index order (rayon's `broadcast`). The caller blocks until
    /// every worker has run its call; a worker runs it once it looks for
    /// work (after the task it is running, if any) or while it waits for a
    /// join or a scope's end. Called from a worker of this pool, that
    /// worker's call runs right away on the caller.
    ///
    /// If some calls panic, the panic of the lowest-indexed one is re-raised
    /// with its payload once every call has finished; the other results are
    /// dropped. A worker busy with a task that never ends (or that waits for
    /// something outside the pool which waits for this broadcast) delays the
    /// broadcast as long.
    ///
    /// ```
    /// use std::sync::atomic::{AtomicUsize, Ordering};
    /// use leaksafe::thread::ThreadPool;
    ///
    /// let pool = ThreadPool::new(3);
    /// let calls = AtomicUsize::new(0);
    /// let indices = pool.broadcast(|ctx| {
    ///     calls.fetch_add(1, Ordering::Relaxed);
    ///     ctx.index()
    /// });
    /// assert_eq!(indices, [0, 1, 2]);
    /// assert_eq!(calls.into_inner(), 3);
    /// ```
    pub fn broadcast<F, R>(&self, f: F) -> Vec<R>
    where
        F: Fn(BroadcastContext<'_>) -> R + Sync,
        R: Send,
    {
        let registry = &*self.registry;
        let n = registry.workers;
        let me = self.current_thread_index();
        let f = &f;
        let jobs: Vec<_> = (0..n)
            .map(|index| {
                let call = move || {
                    f(BroadcastContext {
                        index,
                        num_threads: n,
                        _thread: PhantomData,
                    })
                };
                StackJob::new(call, registry)
            })
            .collect();
        for (i, job) in jobs.iter().enumerate() {
            if Some(i) != me {
                // SAFETY: `jobs` is not resized or dropped before every
                // queued job has published `DONE`: the loop below waits for
                // each, and nothing in between unwinds (module invariants).
                registry.push_to_worker(i, unsafe { job.as_job_ref() });
            }
        }
        // Sleeping workers, and blocked ones, look at their inboxes.
        registry.sleep.notify_all();
        let mine: Option<Result<R>> = me.map(|i| jobs[i].run_inline());
        let mut mine = mine;
        let results: Vec<Result<R>> = jobs
            .iter()
            .enumerate()
            .map(|(i, job)| match mine.take_if(|_| Some(i) == me) {
                Some(r) => r,
                // SAFETY: queued above for worker `i` alone; never taken back.
                None => unsafe { job.wait_stolen(registry) },
            })
            .collect();
        drop(jobs);
        let mut first_panic = None;
        let mut values = Vec::with_capacity(n);
        for r in results {
            match r {
                Ok(v) => values.push(v),
                Err(p) if first_panic.is_none() => first_panic = Some(p),
                Err(p) => drop_payload(p),
            }
        }
        if let Some(p) = first_panic {
            drop(values);
            resume_unwind(p);
        }
        values
    }
}

/// Spawns `f` once per worker as tasks of the scope `base` (module
/// invariants).
fn spawn_broadcast_in<'scope, F>(base: &'scope ScopeBase, f: F)
where
    F: Fn(BroadcastContext<'_>) + Send + Sync + 'scope,
{
    let registry = base.registry();
    let n = registry.workers;
    let f = Arc::new(f);
    for index in 0..n {
        let f = Arc::clone(&f);
        let call = move || {
            f(BroadcastContext {
                index,
                num_threads: n,
                _thread: PhantomData,
            })
        };
        base.pending.increment();
        // SAFETY: the lifetime erasure of `PoolScope::spawn_task`: the
        // scope's owner does not return before `pending` is zero, and the
        // task's decrement (for the increment just above) is its last access
        // to `'scope` data (`f` included: the closure is dropped before it).
        // The job runs once: only worker `index` takes it from its inbox.
        let (header, job) = unsafe { new_task(call, NonNull::from(base)) };
        // Nobody joins it: its panic, if any, goes to the scope.
        drop(PoolHandle::<'scope, ()>::new(header));
        registry.push_to_worker(index, job);
    }
    // Sleeping workers, and blocked ones, look at their inboxes.
    registry.sleep.notify_all();
}

impl<'scope> PoolScope<'scope, '_> {
    /// Spawns `f` as one task per worker of the pool, each run by that
    /// worker (rayon's `Scope::spawn_broadcast`); the scope waits for them
    /// as for any task, and re-raises a panic of theirs at its end, with
    /// its payload.
    ///
    /// ```
    /// use std::sync::atomic::{AtomicUsize, Ordering};
    /// use leaksafe::thread::ThreadPool;
    ///
    /// let pool = ThreadPool::new(3);
    /// let hits: Vec<AtomicUsize> = (0..3).map(|_| AtomicUsize::new(0)).collect();
    /// pool.scope(|s| {
    ///     s.spawn_broadcast(|ctx| {
    ///         hits[ctx.index()].fetch_add(1, Ordering::Relaxed);
    ///     });
    /// });
    /// assert!(hits.iter().all(|h| h.load(Ordering::Relaxed) == 1));
    /// ```
    pub fn spawn_broadcast<F>(&'scope self, f: F)
    where
        F: Fn(BroadcastContext<'_>) + Send + Sync + 'scope,
    {
        spawn_broadcast_in(&self.base, f);
    }
}

impl<'scope> PoolScopeFifo<'scope, '_> {
    /// [`PoolScope::spawn_broadcast`], in a fifo scope: one task per
    /// worker, each run by that worker.
    ///
    /// ```
    /// use std::sync::Mutex;
    /// use leaksafe::thread::ThreadPool;
    ///
    /// let pool = ThreadPool::new(2);
    /// let seen = Mutex::new(Vec::new());
    /// pool.scope_fifo(|s| s.spawn_broadcast(|ctx| seen.lock().unwrap().push(ctx.index())));
    /// let mut seen = seen.into_inner().unwrap();
    /// seen.sort();
    /// assert_eq!(seen, [0, 1]);
    /// ```
    pub fn spawn_broadcast<F>(&'scope self, f: F)
    where
        F: Fn(BroadcastContext<'_>) + Send + Sync + 'scope,
    {
        spawn_broadcast_in(&self.base, f);
    }
}
