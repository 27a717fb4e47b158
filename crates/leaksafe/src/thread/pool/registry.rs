//! The shared state of one pool: its queues, its sleep protocol, and the
//! loop every pool thread runs while it waits for something.
//!
//! # Invariants
//! - Each worker owns one LIFO [`Worker`] deque; every other thread can only
//!   steal from it through its [`Stealer`] in `stealers`. Threads that are
//!   not workers of this pool push to the global [`Injector`]. No lock is
//!   taken on the spawn path: a push is a lock-free deque operation followed
//!   by [`Sleep::new_work`] (a fence and a load, plus a lock and a notify
//!   only when some thread sleeps).
//! - A worker's [`WorkerThread`] lives on that worker's stack for the whole
//!   of `worker_main`; the thread-local `WORKER` points to it exactly while
//!   it is alive, and only that thread reads it.
//! - Every `JobRef` popped or stolen is executed exactly once, by the thread
//!   that took it ([`Registry::wait_until`] or the worker loop).
//! - A thread waits (for its latch, or for work if it is an idle worker)
//!   only via [`Registry::wait_until`], which runs queued tasks meanwhile
//!   and sleeps only through [`Sleep::sleep`] with a condition that includes
//!   "some queue is non-empty". So a queued task is never stranded while a
//!   pool thread sleeps.
//! - Under Miri only, the pool can instead use one locked `VecDeque` for all
//!   threads (`locked`, chosen when the environment variable
//!   `LEAKSAFE_POOL_LOCKED_QUEUES` is set): crossbeam-epoch, which the
//!   deques use to steal, violates Stacked Borrows (crossbeam issue #545;
//!   crossbeam itself is Miri-tested under Tree Borrows only), so the
//!   Stacked Borrows run checks the pool's own code with this stand-in, and
//!   the Tree Borrows run checks it with the real deques. Native builds have
//!   no such switch.

use core::cell::Cell;
use core::ptr;
use std::sync::Arc;
use std::vec::Vec;

use crossbeam_deque::{Injector, Steal, Stealer, Worker};

use super::job::JobRef;
use super::sleep::Sleep;
use crate::sync::shim::{AtomicBool, Ordering};

pub(super) struct Registry {
    injector: Injector<JobRef>,
    stealers: Vec<Stealer<JobRef>>,
    pub(super) sleep: Sleep,
    terminate: AtomicBool,
    /// Miri only: `Some` to bypass the deques (module docs).
    #[cfg(miri)]
    locked: Option<std::sync::Mutex<std::collections::VecDeque<JobRef>>>,
}

/// A worker's own view: its deque and its index.
pub(super) struct WorkerThread {
    worker: Worker<JobRef>,
    index: usize,
    registry: Arc<Registry>,
}

std::thread_local! {
    static WORKER: Cell<*const WorkerThread> = const { Cell::new(ptr::null()) };
}

impl Registry {
    /// The registry and the deques of `n` workers (to be moved into them).
    pub(super) fn new(n: usize) -> (Arc<Registry>, Vec<Worker<JobRef>>) {
        let workers: Vec<Worker<JobRef>> = (0..n).map(|_| Worker::new_lifo()).collect();
        let registry = Arc::new(Registry {
            injector: Injector::new(),
            stealers: workers.iter().map(Worker::stealer).collect(),
            sleep: Sleep::new(),
            terminate: AtomicBool::new(false),
            #[cfg(miri)]
            locked: std::env::var_os("LEAKSAFE_POOL_LOCKED_QUEUES")
                .map(|_| std::sync::Mutex::new(std::collections::VecDeque::new())),
        });
        (registry, workers)
    }

    /// Calls `f` with this thread's worker if it is a worker of this pool.
    pub(super) fn with_current<R>(&self, f: impl FnOnce(Option<&WorkerThread>) -> R) -> R {
        let p = WORKER.with(Cell::get);
        // SAFETY: a non-null `WORKER` points to this thread's `WorkerThread`,
        // alive for the whole of `worker_main`, which is on this thread's
        // stack below us (module invariant); the reference does not escape `f`.
        let me = unsafe { p.as_ref() }.filter(|w| ptr::eq(&*w.registry, self));
        f(me)
    }

    /// Queues a task: on this thread's own deque if it is one of our workers
    /// (no contention), else on the injector; then wakes a sleeper if any.
    pub(super) fn push(&self, job: JobRef) {
        #[cfg(miri)]
        if let Some(q) = &self.locked {
            q.lock().unwrap().push_back(job);
            self.sleep.new_work();
            return;
        }
        self.with_current(|me| match me {
            Some(w) => w.worker.push(job),
            None => self.injector.push(job),
        });
        self.sleep.new_work();
    }

    fn find_work(&self, me: Option<&WorkerThread>) -> Option<JobRef> {
        #[cfg(miri)]
        if let Some(q) = &self.locked {
            return q.lock().unwrap().pop_back();
        }
        if let Some(w) = me {
            if let Some(job) = w.worker.pop() {
                return Some(job);
            }
        }
        let start = me.map_or(0, |w| w.index + 1);
        loop {
            let mut retry = false;
            let from_injector = match me {
                Some(w) => self.injector.steal_batch_and_pop(&w.worker),
                None => self.injector.steal(),
            };
            match from_injector {
                Steal::Success(job) => return Some(job),
                Steal::Retry => retry = true,
                Steal::Empty => {}
            }
            let n = self.stealers.len();
            for i in 0..n {
                let victim = (start + i) % n;
                if me.is_some_and(|w| w.index == victim) {
                    continue;
                }
                match self.stealers[victim].steal() {
                    Steal::Success(job) => return Some(job),
                    Steal::Retry => retry = true,
                    Steal::Empty => {}
                }
            }
            if !retry {
                return None;
            }
        }
    }

    fn has_work(&self, me: Option<&WorkerThread>) -> bool {
        #[cfg(miri)]
        if let Some(q) = &self.locked {
            return !q.lock().unwrap().is_empty();
        }
        me.is_some_and(|w| !w.worker.is_empty())
            || !self.injector.is_empty()
            || self.stealers.iter().any(|s| !s.is_empty())
    }

    /// Runs queued tasks until `done()`; when there are none, sleeps after
    /// calling `arm()` (which must ask whoever makes `done()` true to call
    /// `sleep.notify_all()`). Used by workers, joiners and scope owners.
    pub(super) fn wait_until(&self, done: &dyn Fn() -> bool, arm: &dyn Fn()) {
        self.with_current(|me| self.wait_until_as(me, done, arm));
    }

    fn wait_until_as(&self, me: Option<&WorkerThread>, done: &dyn Fn() -> bool, arm: &dyn Fn()) {
        let mut run_one = || match self.find_work(me) {
            Some(job) => {
                // SAFETY: the deque handed this job out to us alone.
                unsafe { job.execute() };
                true
            }
            None => false,
        };
        self.sleep
            .wait_until(done, &mut run_one, &|| self.has_work(me), arm);
    }

    /// Asks the workers to exit once no work is queued, and wakes them.
    pub(super) fn terminate(&self) {
        self.terminate.store(true, Ordering::SeqCst);
        self.sleep.notify_all();
    }
}

/// The body of a worker thread.
pub(super) fn worker_main(registry: Arc<Registry>, worker: Worker<JobRef>, index: usize) {
    let me = WorkerThread {
        worker,
        index,
        registry,
    };
    WORKER.with(|c| c.set(&me));
    let registry = &*me.registry;
    registry.wait_until_as(
        Some(&me),
        &|| registry.terminate.load(Ordering::SeqCst) && !registry.has_work(Some(&me)),
        &|| {},
    );
    WORKER.with(|c| c.set(ptr::null()));
}
