//! Fork-join: [`ThreadPool::join`], [`PoolScope::join`] and the free
//! [`join`]: `a` runs on the caller while `b` waits, as a *stack job*, in the
//! caller's deque where other pool threads may steal it.
//!
//! # Invariants
//! - A [`StackJob`] lives in the joiner's stack frame (`join_on`); its
//!   `JobRef` is pushed to the joiner's own deque, so it is handed out once,
//!   either back to the joiner (a pop of its own deque, [`take_back`]) or
//!   to one thief. `join_on` does not return, normally or by unwinding,
//!   before the job is back in its hands or the thief's `finish` has
//!   published `DONE` (Release; seen with Acquire), which is the thief's
//!   last access to the job: hence the job (and what `b` borrows) outlives
//!   every access. Nothing is returned that could be forgotten, so the
//!   construction is sound under `mem::forget` without any heap record.
//! - `a` runs under `catch_unwind`; its panic is re-raised only after `b`
//!   has finished or was reclaimed and run (or dropped, see below).
//! - The job starts with the same `#[repr(C)]` prefix as a task record (a
//!   `TaskState` and a scope address) so that `Registry::pop_own`, which
//!   peeks at the top of a deque at a scope's end, can read it: the scope
//!   address is a private sentinel that equals no scope and the state is
//!   unclaimed while queued, so a scope's end never runs a join's job (it
//!   leaves it in place). The state doubles as the latch: the thief claims
//!   it, writes the result, then `finish` sets `DONE` and reports whether
//!   the joiner armed `WAITING` (then the thief wakes the sleepers through
//!   the registry, which outlives it, never through the job).
//! - Waiting keeps the pool's progress guarantee (`registry.rs`): after `a`
//!   the joiner pops its own deque looking for its job. Stale entries (tasks
//!   a joiner already ran) met on the way are consumed, which runs no user
//!   code; any other entry (a task `a` spawned into an outer scope and left
//!   queued) is set aside and pushed back in its order afterwards — it is
//!   not run on the joiner's stack, as it might wait for something below.
//!   If the job was stolen, the joiner blocks (`Registry::block_until`, with
//!   a spare thread standing in if it is a worker), running nothing but
//!   its own `broadcast` calls (`registry.rs`).
//! - A thread with no deque of its own in this pool (a spare thread, or an
//!   outside thread when every lent deque is taken) runs `a` then `b` itself.

use core::cell::UnsafeCell;
use core::mem::ManuallyDrop;
use core::ptr::NonNull;
use std::panic::{AssertUnwindSafe, catch_unwind, resume_unwind};
use std::thread::Result;
use std::vec::Vec;

use super::job::{JobRef, ScopeBase};
use super::latch::{Finished, TaskState};
use super::registry::{Registry, WorkerThread};

/// The address a stack job gives as its scope: equals no real scope.
static NOT_A_SCOPE: u8 = 0;

/// `b`, its result, and the latch, on the joiner's stack.
#[repr(C)]
pub(super) struct StackJob<F, R> {
    /// Same place and type as a task record's `Header::state`.
    state: TaskState,
    /// Same place as `Header::scope`: the sentinel [`NOT_A_SCOPE`].
    scope: NonNull<ScopeBase>,
    registry: *const Registry,
    f: UnsafeCell<ManuallyDrop<F>>,
    result: UnsafeCell<Option<Result<R>>>,
}

impl<F, R> StackJob<F, R>
where
    F: FnOnce() -> R + Send,
    R: Send,
{
    pub(super) fn new(f: F, registry: &Registry) -> Self {
        StackJob {
            state: TaskState::new(),
            scope: NonNull::from(&NOT_A_SCOPE).cast(),
            registry,
            f: UnsafeCell::new(ManuallyDrop::new(f)),
            result: UnsafeCell::new(None),
        }
    }

    /// The queue's view of this job.
    ///
    /// # Safety
    /// The job must stay in place until the `JobRef` was executed and
    /// published `DONE`, or was taken back by the owner (module invariants).
    pub(super) unsafe fn as_job_ref(&self) -> JobRef {
        // SAFETY: `execute::<F, R>` is the function for this pointer's type;
        // the caller keeps the job alive as the contract requires.
        unsafe { JobRef::new(NonNull::from(self).cast(), execute::<F, R>) }
    }

    /// Blocks until a thief has run the queued job, and returns its result.
    ///
    /// # Safety
    /// The job's `JobRef` was queued, and cannot be taken back.
    pub(super) unsafe fn wait_stolen(&self, registry: &Registry) -> Result<R> {
        registry.block_until(&|| self.state.is_done(), &|| self.state.arm());
        // SAFETY: `DONE` was seen (Acquire): the thief wrote the result and
        // no longer touches the job.
        unsafe { (*self.result.get()).take() }.expect("a finished job has a result")
    }

    /// Runs `b` on the owner's stack, after taking the job back (or
    /// instead of ever queueing it).
    pub(super) fn run_inline(&self) -> Result<R> {
        // SAFETY: the job was taken back: nobody else can reach `f`, which
        // is moved out exactly once (here or in `execute`, never both).
        let f = unsafe { ManuallyDrop::take(&mut *self.f.get()) };
        catch_unwind(AssertUnwindSafe(f))
    }
}

/// A thief runs the job: claims it, runs `b`, writes the result, sets
/// `DONE`, and last wakes the sleepers if the joiner armed `WAITING`.
///
/// # Safety
/// `ptr` is a live `StackJob<F, R>` whose `JobRef` was handed to this
/// thread alone (the deque's guarantee).
unsafe fn execute<F, R>(ptr: NonNull<()>)
where
    F: FnOnce() -> R + Send,
    R: Send,
{
    // SAFETY: the joiner keeps the job alive until `DONE` (module invariants).
    let job = unsafe { ptr.cast::<StackJob<F, R>>().as_ref() };
    let claimed = job.state.claim();
    debug_assert!(claimed, "a stack job has a single taker");
    let registry = job.registry;
    // SAFETY: this is the job's only execution: `f` is ours alone.
    let f = unsafe { ManuallyDrop::take(&mut *job.f.get()) };
    let result = catch_unwind(AssertUnwindSafe(f));
    // SAFETY: written once, before `finish` publishes it (Release).
    unsafe { *job.result.get() = Some(result) };
    // The joiner may return as soon as this RMW is visible: no access to
    // `job` after it.
    if job.state.finish() == Finished::WakeJoiner {
        // SAFETY: the registry outlives every thread of the pool while it
        // runs a job (a worker or spare holds an `Arc`; another thread is
        // inside a scope or join that borrows the pool).
        unsafe { (*registry).sleep.notify_all() };
    }
}

/// Where `b` ended up after `a` returned.
enum Found {
    /// Popped back from the deque: run it inline.
    Mine,
    /// Not in the deque: a thief took it.
    Stolen,
}

/// Pops the joiner's deque looking for `target`; consumes stale entries,
/// and pushes every other entry back in its original order (module
/// invariants). Under the locked stand-in queue, removes `target` directly.
fn take_back(registry: &Registry, me: Option<&WorkerThread>, target: NonNull<()>) -> Found {
    #[cfg(any(miri, leaksafe_locked_queues))]
    if let Some(found) = registry.remove_locked(target) {
        return if found { Found::Mine } else { Found::Stolen };
    }
    let _ = registry;
    let Some(deque) = me.and_then(WorkerThread::deque) else {
        return Found::Stolen;
    };
    let mut set_aside: Vec<JobRef> = Vec::new();
    let found = loop {
        let Some(job) = deque.pop() else {
            break Found::Stolen;
        };
        if job.ptr() == target {
            break Found::Mine;
        }
        if job.scope_and_claimed().1 {
            // SAFETY: the deque handed this entry to us alone; a stale entry
            // only drops the queue's reference (`job.rs`).
            unsafe { job.execute() };
        } else {
            set_aside.push(job);
        }
    };
    for job in set_aside.into_iter().rev() {
        deque.push(job);
    }
    found
}

/// The join itself, on a thread that has a deque in `registry`.
fn join_on<A, B, RA, RB>(registry: &Registry, me: Option<&WorkerThread>, a: A, b: B) -> (RA, RB)
where
    A: FnOnce() -> RA,
    B: FnOnce() -> RB + Send,
    RB: Send,
{
    let job = StackJob::new(b, registry);
    // SAFETY: this frame does not end before the job is taken back or has
    // published `DONE`: every path below goes through `take_back`, and
    // then `block_until(is_done)` unless the job came back (no unwinding in
    // between: `a` is caught, and the rest runs no user code).
    let job_ref = unsafe { job.as_job_ref() };
    let target = job_ref.ptr();
    match me.and_then(WorkerThread::deque) {
        // Straight to the caller's own deque (what `Registry::push` does,
        // without looking the thread up again).
        Some(deque) if !registry.is_locked() => {
            deque.push(job_ref);
            registry.sleep.new_work();
        }
        _ => registry.push(job_ref),
    }
    let ra = catch_unwind(AssertUnwindSafe(a));
    let rb = match take_back(registry, me, target) {
        Found::Mine => job.run_inline(),
        // SAFETY: the deque no longer holds the job: a thief took it.
        Found::Stolen => unsafe { job.wait_stolen(registry) },
    };
    match (ra, rb) {
        (Ok(ra), Ok(rb)) => (ra, rb),
        (Err(p), _) | (Ok(_), Err(p)) => resume_unwind(p),
    }
}

/// `a` then `b` on the caller, for a thread with no deque in the pool.
fn join_serial<A, B, RA, RB>(a: A, b: B) -> (RA, RB)
where
    A: FnOnce() -> RA,
    B: FnOnce() -> RB,
{
    let ra = catch_unwind(AssertUnwindSafe(a));
    let rb = catch_unwind(AssertUnwindSafe(b));
    match (ra, rb) {
        (Ok(ra), Ok(rb)) => (ra, rb),
        (Err(p), _) | (Ok(_), Err(p)) => resume_unwind(p),
    }
}

/// `join` on `registry`, from whatever thread calls it.
pub(super) fn join_in<A, B, RA, RB>(registry: &Registry, a: A, b: B) -> (RA, RB)
where
    A: FnOnce() -> RA,
    B: FnOnce() -> RB + Send,
    RB: Send,
{
    registry.as_pool_thread(|| {
        registry.with_current(|me| {
            if registry.is_locked() || me.and_then(WorkerThread::deque).is_some() {
                join_on(registry, me, a, b)
            } else {
                join_serial(a, b)
            }
        })
    })
}

/// Runs `a` and `b`, potentially in parallel, on the pool of the current
/// thread, and returns both results: `a` runs on the caller, `b` waits in
/// the caller's queue where an idle pool thread may take it.
///
/// On a thread that is not running inside a [`ThreadPool`](super::ThreadPool) (not one of its
/// workers, and not inside one of its [`scope`](super::ThreadPool::scope),
/// [`join`](super::ThreadPool::join) or
/// [`install`](super::ThreadPool::install) calls), runs `a` then `b` on
/// the caller. Use [`ThreadPool::join`](super::ThreadPool::join) to run
/// them on a given pool.
///
/// If `a` or `b` panics, the panic is re-raised with its payload once both
/// have finished (`a`'s if both panic). No heap allocation is made for `b`.
///
/// ```
/// use leaksafe::thread::{self, ThreadPool};
///
/// fn fib(n: u64) -> u64 {
///     if n < 2 {
///         return n;
///     }
///     let (a, b) = thread::join(|| fib(n - 1), || fib(n - 2));
///     a + b
/// }
///
/// assert_eq!(fib(10), 55); // outside a pool: sequential
/// let pool = ThreadPool::new(2);
/// assert_eq!(pool.install(|| fib(20)), 6765);
/// ```
pub fn join<A, B, RA, RB>(a: A, b: B) -> (RA, RB)
where
    A: FnOnce() -> RA,
    B: FnOnce() -> RB + Send,
    RB: Send,
{
    // One look at the thread-local: a pool thread with a deque of its own
    // (a worker, or a scope owner with a lent deque) joins right away.
    Registry::with_any_current(move |me| match me {
        Some(me) => {
            let registry = me.registry();
            if me.deque().is_some() && !registry.is_locked() {
                join_on(registry, Some(me), a, b)
            } else {
                join_in(registry, a, b)
            }
        }
        None => join_serial(a, b),
    })
}

/// [`ThreadPool::install`](super::ThreadPool::install) from a thread that is
/// not one of the pool's: queues `f` as a stack job and blocks until a pool
/// thread has run it.
pub(super) fn install_cold<F, R>(registry: &Registry, f: F) -> R
where
    F: FnOnce() -> R + Send,
    R: Send,
{
    let job = StackJob::new(f, registry);
    // SAFETY: this frame does not end before the job published `DONE`: the
    // job cannot be taken back (it may sit in the injector), and nothing
    // between the push and the wait can unwind.
    let job_ref = unsafe { job.as_job_ref() };
    registry.push(job_ref);
    // SAFETY: queued just above; nothing takes it back.
    match unsafe { job.wait_stolen(registry) } {
        Ok(r) => r,
        Err(p) => resume_unwind(p),
    }
}

/// The number of threads of the pool the calling thread works for (see
/// [`join`] for what counts), or 1 outside any pool, where [`join`] runs
/// its two closures one after the other.
///
/// ```
/// use leaksafe::thread::{self, ThreadPool};
///
/// assert_eq!(thread::current_num_threads(), 1);
/// let pool = ThreadPool::new(3);
/// assert_eq!(pool.install(thread::current_num_threads), 3);
/// ```
pub fn current_num_threads() -> usize {
    // SAFETY: the current thread's registry outlives this call (`Registry::current`).
    Registry::current().map_or(1, |r| unsafe { (*r).workers })
}

/// The index (in `0..threads`) of the pool worker the caller runs on, or
/// `None` on any other thread: outside a pool, on a thread that called
/// `scope` or `join` from outside, and on a spare thread (one that stands
/// in for a blocked worker).
///
/// ```
/// use leaksafe::thread::{self, ThreadPool};
///
/// assert_eq!(thread::current_thread_index(), None);
/// let pool = ThreadPool::new(2);
/// let i = pool.install(thread::current_thread_index);
/// assert!(i.is_some_and(|i| i < 2));
/// ```
pub fn current_thread_index() -> Option<usize> {
    Registry::with_any_current(|me| me.and_then(WorkerThread::worker_index))
}
