//! The shared state of one pool: its queues, its sleep protocol, and the
//! loop every pool thread runs while it waits for something.
//!
//! # Invariants
//! - Each worker owns one LIFO [`Worker`] deque; every other thread can only
//!   steal from it through its [`Stealer`] in `stealers`. Threads that are
//!   not pool threads (next point) push to the global [`Injector`]. No lock is
//!   taken on the spawn path: a push is a lock-free deque operation followed
//!   by [`Sleep::new_work`] (a fence and a load, plus a lock and a notify
//!   only when some thread sleeps).
//! - A thread that calls `ThreadPool::scope` without being one of its
//!   workers *joins* the pool for the scope's duration
//!   ([`Registry::as_pool_thread`]):
//!   it borrows one of `EXTERNAL_DEQUES` spare deques (their stealers sit in
//!   `stealers` after the workers', for the pool's whole life), so its
//!   spawns go to a deque of its own, which the workers steal from, exactly
//!   as a worker's do; when every spare is taken, it pushes to the injector.
//!   The spare goes back once the scope's tasks have all finished (or
//!   when the scope unwinds). Lending and giving back take no lock (one
//!   compare-and-swap on the slot's `lent` flag, one Release store:
//!   `LendableDeque`), so an empty scope costs a few thread-local accesses
//!   and one RMW. It may
//!   still hold jobs that tasks of *other* scopes, run by this thread while
//!   it waited, pushed to it: they are not stranded, because a spare's
//!   stealer stays in `stealers`, which every pool thread searches (and
//!   checks before sleeping), lent out or not.
//! - A [`WorkerThread`] — a worker's, on its stack for the whole of
//!   `worker_main`, or a scope owner's, on its stack inside `scope` — is what
//!   the thread-local `WORKER` points to exactly while it is alive; only its
//!   thread reads it. [`Entered`] restores the previous value (another
//!   pool's worker, or null) before that `WorkerThread` is dropped, so
//!   nesting scopes of different pools on one thread works as a stack.
//! - Every `JobRef` popped or stolen is executed exactly once, by the thread
//!   that took it ([`Registry::wait_until`] or the worker loop).
//! - A thread that looks for work (an idle worker or spare thread) runs any
//!   queued task: it is at the bottom of its stack, so nothing it runs can
//!   wait for something below it. It sleeps only through [`Sleep::sleep`]
//!   with a condition that includes "some queue is non-empty", so a queued
//!   task is never stranded while a pool thread sleeps.
//! - A thread that waits for a *latch* (a join, a scope's end) runs only
//!   work that the waiter would wait for anyway, so running it on the
//!   waiter's stack adds no wait that `thread::scope` would not have: a
//!   join runs the joined task itself if it has not started (claim and
//!   inline, `job.rs`); a scope's end runs its own scope's tasks from the
//!   top of its own deque ([`Registry::wait_scope`]). Otherwise it *blocks*
//!   ([`Registry::block_until`]), and if it is a worker or spare thread, a
//!   spare thread takes its place while it blocks (`spare.rs`), so the
//!   queued work still has as many threads as the pool has workers. Hence
//!   any join graph that completes with one OS thread per task completes
//!   on the pool, whatever its size: a task waits only for tasks it would
//!   wait for as a thread, and every task not yet started either is run by
//!   its joiner or sits in a queue that some unblocked thread searches.
//! - One exception to "a blocked thread runs nothing": a worker runs the
//!   jobs of its own inbox (`inboxes`: the calls of a
//!   [`ThreadPool::broadcast`](super::ThreadPool::broadcast), which only it
//!   may run) whenever it looks for work *and* while it blocks, since the
//!   broadcaster may be what it waits for. A broadcast call adds a wait on
//!   the blocked stack only if the call itself waits for something that
//!   needs that stack to unwind first (documented on `broadcast`). Inbox
//!   pushes are followed by `Sleep::notify_all`, which takes the sleep lock
//!   and so cannot slip between a sleeper's check (which includes its
//!   inbox) and its wait.
//! - For checkers only, the pool can instead use one locked `VecDeque` for
//!   all threads (`locked`):
//!   - under Miri, when the environment variable
//!     `LEAKSAFE_POOL_LOCKED_QUEUES` is set: crossbeam-epoch, which the
//!     deques use to steal, violates Stacked Borrows (crossbeam issue #545;
//!     crossbeam itself is Miri-tested under Tree Borrows only), so the
//!     Stacked Borrows run checks the pool's own code with this stand-in,
//!     and the Tree Borrows run checks it with the real deques;
//!   - always, in a build with `--cfg leaksafe_locked_queues` (CI's
//!     ThreadSanitizer run): crossbeam synchronizes with standalone fences,
//!     which TSan does not model, so it would report races inside
//!     crossbeam; with the stand-in, TSan checks the pool's own
//!     synchronization (task records, latches, sleep protocol).
//!
//!   Ordinary builds have no such switch.

use core::cell::Cell;
use core::ptr;
#[cfg(any(miri, leaksafe_locked_queues))]
use core::ptr::NonNull;
use std::boxed::Box;
use std::sync::{Arc, Mutex};
use std::vec::Vec;

use crossbeam_deque::{Injector, Steal, Stealer, Worker};

use super::job::{JobRef, ScopeBase};
use super::sleep::{SPIN_ROUNDS, Sleep};
use super::spare::SpareThreads;
use crate::loom::{AtomicBool, Ordering};

/// Spare deques lent to threads that own a scope without being workers.
const EXTERNAL_DEQUES: usize = 2;

/// A hook called with a worker's index.
pub(super) type IndexHook = Box<dyn Fn(usize) + Send + Sync>;
/// A hook called with a panic payload.
pub(super) type PanicHook = Box<dyn Fn(Box<dyn core::any::Any + Send>) + Send + Sync>;

/// The `ThreadPoolBuilder` hooks.
#[derive(Default)]
pub(super) struct Hooks {
    pub(super) start: Option<IndexHook>,
    pub(super) exit: Option<IndexHook>,
    pub(super) panic: Option<PanicHook>,
}

pub(super) struct Registry {
    injector: Injector<JobRef>,
    /// The workers' stealers, then the spare deques' (indices `n..`).
    stealers: Vec<Stealer<JobRef>>,
    /// The spare deques, lent to scope owners (their stealers are
    /// `stealers[workers..]`).
    spares: Vec<LendableDeque>,
    pub(super) sleep: Sleep,
    /// The number of workers (the pool's size).
    pub(super) workers: usize,
    /// Builder hooks: worker start/exit, and unjoined task panics.
    pub(super) hooks: Hooks,
    terminate: AtomicBool,
    /// Threads that stand in for blocked pool threads (`spare.rs`).
    pub(super) spare_threads: SpareThreads,
    /// One inbox per worker: jobs only that worker may run (`broadcast`).
    inboxes: Vec<Mutex<std::collections::VecDeque<JobRef>>>,
    /// The registry's own `Arc`, for the spare threads it starts.
    this: std::sync::Weak<Registry>,
    /// Miri and TSan builds only: `Some` to bypass the deques (module docs).
    #[cfg(any(miri, leaksafe_locked_queues))]
    locked: Option<Mutex<std::collections::VecDeque<JobRef>>>,
}

/// A pool thread's own view: its deque, the deque's index in `stealers`, and
/// (for identity only) its registry, which outlives it: a worker holds an
/// `Arc` to it, and a scope owner borrows the pool.
pub(super) struct WorkerThread {
    /// Null for a spare thread (its spawns go to the injector). Else this
    /// thread's deque, which outlives this `WorkerThread`: a local of
    /// `worker_main` declared before it, or a lent slot of the registry,
    /// given back only after this is dropped (`Lent`). Only this thread
    /// pushes and pops it.
    worker: *const Worker<JobRef>,
    /// The deque's index in `stealers` (`usize::MAX` for a spare thread).
    index: usize,
    registry: *const Registry,
    /// A worker or spare thread: when it blocks, a spare takes its place.
    compensate: bool,
}

std::thread_local! {
    static WORKER: Cell<*const WorkerThread> = const { Cell::new(ptr::null()) };
}

impl WorkerThread {
    /// This thread's own deque (`None` for a spare thread).
    pub(super) fn deque(&self) -> Option<&Worker<JobRef>> {
        // SAFETY: null or a deque that outlives `self` (field invariant).
        unsafe { self.worker.as_ref() }
    }

    /// The registry of the pool this thread works for; it outlives `self`.
    pub(super) fn registry(&self) -> &Registry {
        // SAFETY: the registry outlives its threads' `WorkerThread`s (a
        // worker or spare holds an `Arc`; a scope owner borrows the pool).
        unsafe { &*self.registry }
    }

    /// The index of a worker (`None` for a lent deque's or a spare thread).
    pub(super) fn worker_index(&self) -> Option<usize> {
        // SAFETY: the registry outlives its threads' `WorkerThread`s.
        let n = unsafe { (*self.registry).workers };
        (self.index < n).then_some(self.index)
    }
}

impl Registry {
    /// The registry of the pool the calling thread works for (as a worker,
    /// spare, or inside a scope, join or install of that pool), if any. It
    /// outlives the caller's current frame (module invariants).
    pub(super) fn current() -> Option<*const Registry> {
        let p = WORKER.with(Cell::get);
        // SAFETY: as in `with_current`.
        unsafe { p.as_ref() }.map(|w| w.registry)
    }

    /// The calling thread's `WorkerThread`, whichever pool it belongs to.
    pub(super) fn with_any_current<R>(f: impl FnOnce(Option<&WorkerThread>) -> R) -> R {
        let p = WORKER.with(Cell::get);
        // SAFETY: as in `with_current`.
        f(unsafe { p.as_ref() })
    }

    /// Whether the locked stand-in queue replaces the deques (Miri, TSan).
    pub(super) fn is_locked(&self) -> bool {
        #[cfg(any(miri, leaksafe_locked_queues))]
        if self.locked.is_some() {
            return true;
        }
        false
    }

    /// Locked stand-in queue only: removes the job at `target` if it is
    /// still queued (`Some(true)`), or says it was taken (`Some(false)`);
    /// `None` if the pool uses its deques.
    #[cfg(any(miri, leaksafe_locked_queues))]
    pub(super) fn remove_locked(&self, target: NonNull<()>) -> Option<bool> {
        let mut q = self.locked.as_ref()?.lock().unwrap();
        let i = q.iter().rposition(|j| j.ptr() == target);
        Some(i.and_then(|i| q.remove(i)).is_some())
    }

    /// The registry and the deques of `n` workers (to be moved into them).
    pub(super) fn new(n: usize, hooks: Hooks) -> (Arc<Registry>, Vec<Worker<JobRef>>) {
        let workers: Vec<Worker<JobRef>> = (0..n).map(|_| Worker::new_lifo()).collect();
        let spares: Vec<Worker<JobRef>> =
            (0..EXTERNAL_DEQUES).map(|_| Worker::new_lifo()).collect();
        let stealers = workers.iter().chain(&spares).map(Worker::stealer).collect();
        let spares = spares
            .into_iter()
            .enumerate()
            .map(|(i, w)| LendableDeque {
                index: n + i,
                lent: AtomicBool::new(false),
                deque: w,
            })
            .collect();
        let registry = Arc::new_cyclic(|this| Registry {
            injector: Injector::new(),
            stealers,
            spares,
            sleep: Sleep::new(),
            workers: n,
            hooks,
            terminate: AtomicBool::new(false),
            spare_threads: SpareThreads::new(),
            inboxes: (0..n).map(|_| Mutex::default()).collect(),
            this: this.clone(),
            #[cfg(any(miri, leaksafe_locked_queues))]
            locked: (cfg!(leaksafe_locked_queues)
                || std::env::var_os("LEAKSAFE_POOL_LOCKED_QUEUES").is_some())
            .then(|| Mutex::new(std::collections::VecDeque::new())),
        });
        (registry, workers)
    }

    /// The number of deques (workers' and lent ones): a thread of this pool
    /// with a deque has an index below it ([`Registry::current_deque`]).
    pub(super) fn deque_count(&self) -> usize {
        self.stealers.len()
    }

    /// The index in `0..deque_count()` of the calling thread's own deque in
    /// this pool, if it has one (a worker, or a thread that owns a scope
    /// with a lent deque; not a spare thread nor an outside thread).
    pub(super) fn current_deque(&self) -> Option<usize> {
        self.with_current(|me| me.and_then(|w| w.deque().map(|_| w.index)))
    }

    /// Calls `f` with this thread's worker if it is a worker of this pool.
    pub(super) fn with_current<R>(&self, f: impl FnOnce(Option<&WorkerThread>) -> R) -> R {
        let p = WORKER.with(Cell::get);
        // SAFETY: a non-null `WORKER` points to this thread's `WorkerThread`,
        // which lives on this thread's stack below us — in `worker_main`, or
        // in `as_pool_thread`, whose `Entered` guard resets `WORKER` before
        // it goes (module invariant); the reference does not escape `f`.
        let me = unsafe { p.as_ref() }.filter(|w| ptr::eq(w.registry, self));
        f(me)
    }

    /// Runs `f` with the calling thread acting as a thread of this pool, if
    /// it is not one already and a spare deque is free: its spawns then go to
    /// a deque of its own that the workers steal from, and its waits pop that
    /// deque first (module invariants).
    pub(super) fn as_pool_thread<R>(&self, f: impl FnOnce() -> R) -> R {
        // (Under Miri's locked queues the spare deque is never pushed to,
        // but the membership bookkeeping below still runs and is checked.)
        if self.with_current(|me| me.is_some()) {
            return f();
        }
        let Some(spare) = self.spares.iter().find(|d| d.try_lend()) else {
            return f();
        };
        // Given back even if `f` unwinds, after `me` and `_entered` are
        // dropped (declared after it).
        let _lent = Lent(spare);
        let me = WorkerThread {
            worker: &spare.deque,
            index: spare.index,
            registry: self,
            compensate: false,
        };
        let _entered = Entered {
            previous: WORKER.with(|c| c.replace(&me)),
            me: &me,
        };
        f()
    }

    /// Queues a task: on this thread's own deque if it is one of our workers
    /// (no contention), else on the injector; then wakes a sleeper if any.
    pub(super) fn push(&self, job: JobRef) {
        #[cfg(any(miri, leaksafe_locked_queues))]
        if let Some(q) = &self.locked {
            q.lock().unwrap().push_back(job);
            self.sleep.new_work();
            return;
        }
        self.with_current(|me| match me.and_then(|w| w.deque()) {
            Some(w) => w.push(job),
            None => self.injector.push(job),
        });
        self.sleep.new_work();
    }

    /// Queues `job` for worker `index` alone (a `broadcast` job). The caller
    /// wakes the workers afterwards ([`Sleep::notify_all`]).
    pub(super) fn push_to_worker(&self, index: usize, job: JobRef) {
        self.inboxes[index]
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push_back(job);
    }

    /// The inbox of `me` if it is a worker of this pool.
    fn inbox(
        &self,
        me: Option<&WorkerThread>,
    ) -> Option<&Mutex<std::collections::VecDeque<JobRef>>> {
        me.and_then(WorkerThread::worker_index)
            .map(|i| &self.inboxes[i])
    }

    /// The next job of `me`'s inbox, if any.
    fn pop_inbox(&self, me: Option<&WorkerThread>) -> Option<JobRef> {
        self.inbox(me)?
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .pop_front()
    }

    /// Whether `me`'s inbox holds a job.
    fn inbox_has_work(&self, me: Option<&WorkerThread>) -> bool {
        self.inbox(me)
            .is_some_and(|q| !q.lock().unwrap_or_else(|e| e.into_inner()).is_empty())
    }

    fn find_work(&self, me: Option<&WorkerThread>) -> Option<JobRef> {
        if let Some(job) = self.pop_inbox(me) {
            return Some(job);
        }
        #[cfg(any(miri, leaksafe_locked_queues))]
        if let Some(q) = &self.locked {
            return q.lock().unwrap().pop_back();
        }
        let me_index = me.map(|w| w.index);
        let me = me.and_then(|w| w.deque());
        if let Some(w) = me {
            if let Some(job) = w.pop() {
                return Some(job);
            }
        }
        let start = me_index.map_or(0, |i| i.wrapping_add(1));
        loop {
            let mut retry = false;
            let from_injector = match me {
                Some(w) => self.injector.steal_batch_and_pop(w),
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
                if me_index == Some(victim) {
                    continue;
                }
                let stolen = match me {
                    Some(w) => self.stealers[victim].steal_batch_and_pop(w),
                    None => self.stealers[victim].steal(),
                };
                match stolen {
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
        if self.inbox_has_work(me) {
            return true;
        }
        #[cfg(any(miri, leaksafe_locked_queues))]
        if let Some(q) = &self.locked {
            return !q.lock().unwrap().is_empty();
        }
        me.and_then(|w| w.deque()).is_some_and(|w| !w.is_empty())
            || !self.injector.is_empty()
            || self.stealers.iter().any(|s| !s.is_empty())
    }

    /// Waits until `done()` without running any task: spins a little, then
    /// (after a spare thread takes this thread's place, if it is a worker or
    /// spare) sleeps after calling `arm()`, which must ask whoever makes
    /// `done()` true to call `sleep.notify_all()`. Used by a join whose task
    /// runs elsewhere, and by a scope's end (module invariants).
    pub(super) fn block_until(&self, done: &dyn Fn() -> bool, arm: &dyn Fn()) {
        for round in 0..SPIN_ROUNDS {
            if done() {
                return;
            }
            if round < 8 {
                crate::loom::spin_loop();
            } else {
                std::thread::yield_now();
            }
        }
        let compensate = self.with_current(|me| me.is_some_and(|w| w.compensate));
        if compensate {
            self.spare_threads.begin_block(|name| {
                let registry = self.arc();
                std::thread::Builder::new()
                    .name(name)
                    .spawn(move || spare_loop(&registry))
            });
        }
        // A blocked worker still runs the jobs only it may run (`broadcast`:
        // its caller may be what this thread waits for).
        let inbox_has_work = || self.with_current(|me| self.inbox_has_work(me));
        while !done() {
            if let Some(job) = self.with_current(|me| self.pop_inbox(me)) {
                // SAFETY: the inbox handed this job out to us alone.
                unsafe { job.execute() };
                continue;
            }
            arm();
            self.sleep.block(|| done() || inbox_has_work());
        }
        if compensate {
            self.spare_threads.end_block();
        }
    }

    /// A scope's end: runs the scope's own tasks from the top of this
    /// thread's deque (they are work the owner waits for anyway), then blocks
    /// until `pending` is zero. Stale entries met on the way (tasks a joiner
    /// already ran) are consumed; the first entry of another scope stops the
    /// search and stays where it was.
    pub(super) fn wait_scope(&self, scope: &ScopeBase) {
        let pending = &scope.pending;
        while !pending.is_zero() {
            match self.pop_own(scope) {
                // SAFETY: the deque handed this job out to us alone.
                Some(job) => unsafe { job.execute() },
                None => break,
            }
        }
        self.block_until(&|| pending.is_zero(), &|| pending.arm());
    }

    /// The top entry of this thread's deque if it is a task of `scope` or
    /// stale (module invariants).
    fn pop_own(&self, scope: &ScopeBase) -> Option<JobRef> {
        let mine = |job: &JobRef| {
            let (s, claimed) = job.scope_and_claimed();
            claimed || ptr::eq(s, scope)
        };
        #[cfg(any(miri, leaksafe_locked_queues))]
        if let Some(q) = &self.locked {
            let mut q = q.lock().unwrap();
            let i = q.iter().rposition(mine)?;
            return q.remove(i);
        }
        self.with_current(|me| {
            let w = me.and_then(|w| w.deque())?;
            let job = w.pop()?;
            if mine(&job) {
                Some(job)
            } else {
                // Back on top, where it was: the deque is unchanged.
                w.push(job);
                None
            }
        })
    }

    pub(super) fn wait_until_as(
        &self,
        me: Option<&WorkerThread>,
        done: &dyn Fn() -> bool,
        arm: &dyn Fn(),
    ) {
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
        self.spare_threads.terminate();
    }

    /// Whether the pool shuts down and no work is left (for a worker or
    /// spare thread: time to exit).
    pub(super) fn finished(&self, me: Option<&WorkerThread>) -> bool {
        self.terminate.load(Ordering::SeqCst) && !self.has_work(me)
    }

    /// A new `Arc` to this registry (for a spare thread).
    pub(super) fn arc(&self) -> Arc<Registry> {
        self.this
            .upgrade()
            .expect("a registry in use has a live Arc (the pool's)")
    }
}

/// One of the spare deques that `as_pool_thread` lends to scope owners
/// (`EXTERNAL_DEQUES` of them, for the pool's life). Lending is one
/// compare-and-swap, giving back one store: an empty scope takes no lock.
struct LendableDeque {
    /// The deque's index in `stealers`.
    index: usize,
    /// Set by the borrower (Acquire) before it uses `deque` as its own,
    /// cleared (Release) once it no longer does.
    lent: AtomicBool,
    /// Never moved (a moved `Worker` costs store-forwarding stalls, more
    /// than the lock this replaced); pushed and popped only by the thread
    /// that won `lent`, between its CAS and its store. Stolen from by anyone
    /// through its stealer, as always.
    deque: Worker<JobRef>,
}

// SAFETY: `deque`'s owner-side operations (push, pop) are used only by the
// one thread that set `lent` (the CAS makes that thread unique) until it
// clears `lent` (Release, paired with the next borrower's Acquire CAS, which
// orders the accesses), so the `Worker` is used by one thread at a time, as
// a `Send` value handed over would be. The other fields are immutable or
// atomic.
unsafe impl Sync for LendableDeque {}

impl LendableDeque {
    /// Lends the deque to the calling thread if it is free (`true`); the
    /// caller gives it back through `Lent`'s drop.
    #[inline]
    fn try_lend(&self) -> bool {
        // A plain load first: a lent deque costs no RMW (and no cache-line
        // ownership) to pass over.
        !self.lent.load(Ordering::Relaxed)
            && self
                .lent
                .compare_exchange(false, true, Ordering::Acquire, Ordering::Relaxed)
                .is_ok()
    }
}

/// A spare deque lent to the calling thread; dropping this (after the
/// `WorkerThread` that uses the deque and its `Entered` are gone, even when
/// unwinding) frees the slot.
struct Lent<'a>(&'a LendableDeque);

impl Drop for Lent<'_> {
    #[inline]
    fn drop(&mut self) {
        self.0.lent.store(false, Ordering::Release);
    }
}

/// Restores `WORKER` when a worker exits or a scope owner stops acting as a
/// pool thread, even by unwinding, before its `WorkerThread` goes away
/// (module invariant).
struct Entered<'a> {
    previous: *const WorkerThread,
    /// Ties the guard to the `WorkerThread` it published.
    me: &'a WorkerThread,
}

impl Drop for Entered<'_> {
    #[inline]
    fn drop(&mut self) {
        debug_assert!(WORKER.with(Cell::get) == ptr::from_ref(self.me));
        WORKER.with(|c| c.set(self.previous));
    }
}

/// The body of a worker thread.
pub(super) fn worker_main(registry: Arc<Registry>, worker: Worker<JobRef>, index: usize) {
    let me = WorkerThread {
        worker: &worker,
        index,
        registry: &*registry,
        compensate: true,
    };
    // Reset even if the loop unwinds (it runs no user code unguarded, but the
    // thread-local must never point at a dead `WorkerThread`).
    let _entered = Entered {
        previous: WORKER.with(|c| c.replace(&me)),
        me: &me,
    };
    let registry = &*registry;
    // A hook that panics is caught and its payload dropped: a worker never
    // unwinds (the pool would lose a thread). A payload whose own `Drop`
    // panics is the one thing leaked (its second payload is forgotten), so
    // that dropping can never unwind out of the worker either.
    let hook = |h: &Option<IndexHook>| {
        if let Some(h) = h {
            if let Err(p) = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| h(index))) {
                if let Err(q) = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| drop(p))) {
                    core::mem::forget(q);
                }
            }
        }
    };
    hook(&registry.hooks.start);
    registry.wait_until_as(Some(&me), &|| registry.finished(Some(&me)), &|| {});
    hook(&registry.hooks.exit);
}

/// The body of a spare thread (`spare.rs`): runs work while needed, parks
/// while not, exits on shutdown.
fn spare_loop(registry: &Registry) {
    let spares = &registry.spare_threads;
    loop {
        spare_main(registry, &|| !spares.surplus());
        if !spares.rest() {
            return;
        }
    }
}

/// A spare thread's work loop: looks for work like a worker (without a
/// deque of its own) while `keep_running()`, then returns.
fn spare_main(registry: &Registry, keep_running: &dyn Fn() -> bool) {
    let me = WorkerThread {
        worker: ptr::null(),
        index: usize::MAX,
        registry,
        compensate: true,
    };
    let _entered = Entered {
        previous: WORKER.with(|c| c.replace(&me)),
        me: &me,
    };
    registry.wait_until_as(
        Some(&me),
        &|| !keep_running() || registry.finished(Some(&me)),
        &|| {},
    );
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::EXTERNAL_DEQUES;
    use crate::thread::ThreadPool;
    use std::panic::{AssertUnwindSafe, catch_unwind};

    /// A `join` whose closure panics unwinds out of `as_pool_thread`; the
    /// deque it borrowed must still go back, or after `EXTERNAL_DEQUES`
    /// such panics no outside thread gets a deque again (its scopes push to
    /// the injector, its joins run serially).
    #[test]
    #[cfg_attr(
        miri,
        ignore = "crossbeam-epoch needs permissive provenance: CI's miri-pool runs it with --include-ignored"
    )]
    fn a_panicking_join_gives_its_lent_deque_back() {
        let pool = ThreadPool::new(1);
        for _ in 0..=EXTERNAL_DEQUES {
            let r = catch_unwind(AssertUnwindSafe(|| pool.join(|| panic!("a panics"), || ())));
            assert!(r.is_err());
        }
        let lent = pool.scope(|_| pool.registry.current_deque().is_some());
        assert!(lent, "a scope of an outside thread got no deque");
    }
}
