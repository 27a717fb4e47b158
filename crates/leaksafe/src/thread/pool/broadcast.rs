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

use core::marker::PhantomData;
use std::panic::resume_unwind;
use std::thread::Result;
use std::vec::Vec;

use super::ThreadPool;
use super::job::drop_payload;
use super::join::StackJob;

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
