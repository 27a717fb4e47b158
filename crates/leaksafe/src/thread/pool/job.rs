//! Task records: one heap allocation per spawned task, holding the closure,
//! the result slot, and the reference bits shared by the task and its handle.
//!
//! # Invariants
//! - A [`Task<F, T>`] is `#[repr(C)]` with its [`Header<T>`] first, so a
//!   pointer to the task is a pointer to its header; the handle, which does
//!   not know `F`, holds the header pointer and frees through `header.free`.
//! - The record is freed exactly once, by whoever clears the last reference
//!   bit of [`TaskState`] (the queue entry's taker or the handle), or by the
//!   task without clearing its bit when it sees the handle's already clear
//!   (then nobody else can reach the record: [`TaskState::handle_gone`]). A
//!   forgotten handle never clears its bit: its record (and result) leaks,
//!   which is safe — nothing can reach it again once the scope has returned.
//! - `f` is moved out exactly once, by whoever wins [`TaskState::claim`]:
//!   [`execute`] (the queue entry's taker) or [`run_inline`] (the handle's
//!   joiner, when the task had not started: this is how a join never needs
//!   to run *other* work on its stack). `result` is written only by
//!   `execute`, once, before `DONE` is published (`TaskState::finish`,
//!   Release), and read only after `DONE` is seen (Acquire) by the sole
//!   remaining owner; `run_inline` hands the result to the joiner directly.
//! - A queue entry whose task was run inline is *stale*: its taker only
//!   drops the queue's reference ([`TaskState::release_queue`]), and touches
//!   neither the scope (which may be gone) nor the closure. If it frees the
//!   record, the record holds no closure and no result (`result` is `None`),
//!   so no `'scope` data is dropped after the scope.
//! - `RUNNING` is the header of the task this thread is running innermost
//!   (set around the closure by `execute` and `run_inline`), so that a task
//!   joining its own handle is detected and panics instead of hanging.
//! - `scope` points to the [`ScopeBase`] of the scope that spawned the task.
//!   That scope does not return before the task's final
//!   `CountLatch::decrement`, which is the task's last access to the scope.
//! - [`ScopeBase`] is what a task knows of its scope (defined here, so that
//!   a task record depends on nothing above it; `scope.rs` builds one on the
//!   owner's stack). `pending` counts the scope's tasks that have not yet
//!   made their final decrement. `unjoined_panics` counts tasks that
//!   panicked (or whose result's drop panicked) minus the panics a `join`
//!   returned as `Err`; it only changes before the task's decrement or
//!   inside the scope, so once `pending` is zero it is final. `first_panic`
//!   holds the first unjoined panic payload that reached the scope (at its
//!   task's end if the handle was already gone, else when the handle is
//!   dropped without joining; a forgotten handle's payload never arrives),
//!   unless the builder's panic handler took it. So `first_panic` is
//!   `Some` only while `unjoined_panics` is non-zero: a stored payload's
//!   panic was counted and can no longer be joined (its handle is gone), and
//!   each join that returns `Err` uncounts a panic of its own, never stored;
//!   a scope that ends with the count at zero need not lock `first_panic`.
//! - The closure and result may borrow data of lifetime `'scope`; the record
//!   erases that lifetime when it is queued as a [`JobRef`]. This is sound
//!   only because the scope outlives every access (previous point): see
//!   `PoolScope::spawn_task`.

use core::cell::{Cell, UnsafeCell};
use core::mem::ManuallyDrop;
use core::ptr::NonNull;
use std::boxed::Box;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Mutex;
use std::thread::Result;

use super::latch::{CountLatch, Finished, TaskState};
use super::registry::Registry;
use crate::loom::{AtomicUsize, Ordering};

/// A panic payload.
pub(super) type Payload = Box<dyn core::any::Any + Send + 'static>;

/// Aborts the process if dropped: armed while unwinding would be unsound.
pub(super) struct AbortOnUnwind;

impl Drop for AbortOnUnwind {
    fn drop(&mut self) {
        std::process::abort();
    }
}

/// The lifetime-free part of a scope that its tasks point to (module
/// invariants).
pub(super) struct ScopeBase {
    pub(super) registry: *const Registry,
    pub(super) pending: CountLatch,
    unjoined_panics: AtomicUsize,
    first_panic: Mutex<Option<Payload>>,
}

impl ScopeBase {
    /// A scope of the pool of `registry`, with no task and no panic yet.
    #[inline]
    pub(super) fn new(registry: &Registry) -> Self {
        ScopeBase {
            registry,
            pending: CountLatch::new(),
            unjoined_panics: AtomicUsize::new(0),
            first_panic: Mutex::new(None),
        }
    }

    /// An unjoined task panic's payload reaches the scope: kept if it is the
    /// first, else dropped (a panicking drop's own payload is leaked: it
    /// could panic again).
    pub(super) fn keep_payload(&self, payload: Payload) {
        if let Some(handler) = &self.registry().hooks.panic {
            // The builder's panic handler takes it: no longer the scope's.
            // A panicking handler aborts (rayon's rule): nowhere to report.
            let abort = AbortOnUnwind;
            handler(payload);
            core::mem::forget(abort);
            self.note_panic_joined();
            return;
        }
        let mut first = self.first_panic.lock().unwrap_or_else(|e| e.into_inner());
        if first.is_none() {
            *first = Some(payload);
        } else {
            drop(first);
            drop_payload(payload);
        }
    }

    pub(super) fn note_panic(&self) {
        self.unjoined_panics.fetch_add(1, Ordering::Relaxed);
    }

    pub(super) fn note_panic_joined(&self) {
        self.unjoined_panics.fetch_sub(1, Ordering::Relaxed);
    }

    /// Whether some task panic was neither joined nor taken by the panic
    /// handler (final once `pending` is zero).
    #[inline]
    pub(super) fn has_unjoined_panics(&self) -> bool {
        self.unjoined_panics.load(Ordering::Relaxed) != 0
    }

    /// The first unjoined panic payload, if one reached the scope.
    pub(super) fn take_first_panic(&self) -> Option<Payload> {
        self.first_panic
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .take()
    }

    pub(super) fn registry(&self) -> &Registry {
        // SAFETY: the registry is kept alive by the `&ThreadPool` that the
        // scope's owner borrows for the scope's whole life.
        unsafe { &*self.registry }
    }
}

/// Drops a panic payload, leaking the payload of its drop's panic if any.
pub(super) fn drop_payload(payload: Payload) {
    if let Err(p) = catch_unwind(AssertUnwindSafe(move || drop(payload))) {
        core::mem::forget(p);
    }
}

std::thread_local! {
    /// The header of the task this thread runs innermost, or null.
    static RUNNING: Cell<*const ()> = const { Cell::new(core::ptr::null()) };
}

/// Whether this thread is running the task of `header` right now, below
/// the caller on its stack (a task joining its own handle).
pub(super) fn is_running_here<T>(header: NonNull<Header<T>>) -> bool {
    RUNNING.with(Cell::get) == header.as_ptr().cast_const().cast()
}

/// Runs `f` with `RUNNING` set to `task` (`f` does not unwind: it catches).
fn running<R>(task: NonNull<()>, f: impl FnOnce() -> R) -> R {
    let previous = RUNNING.with(|c| c.replace(task.as_ptr().cast_const()));
    let r = f();
    RUNNING.with(|c| c.set(previous));
    r
}

/// The first two fields of every `Header<T>` (both `#[repr(C)]`), for
/// reading a queued job's scope without knowing `T`.
#[repr(C)]
struct Prefix {
    state: TaskState,
    scope: NonNull<ScopeBase>,
}

/// A type-erased pointer to a queued task and the function that runs it.
pub(super) struct JobRef {
    ptr: NonNull<()>,
    run: unsafe fn(NonNull<()>),
}

// SAFETY: a JobRef is the queue's reference to a task whose closure and result
// are `Send` (enforced by `PoolScope::spawn`); it is run by exactly one thread.
unsafe impl Send for JobRef {}

impl JobRef {
    /// A job that runs `run(ptr)`.
    ///
    /// # Safety
    /// `run(ptr)` must be sound to call once, by any pool thread, for as
    /// long as the job is queued, and `ptr` must start with the `Prefix`
    /// layout (a `TaskState`, then a scope address) while it is queued.
    pub(super) unsafe fn new(ptr: NonNull<()>, run: unsafe fn(NonNull<()>)) -> JobRef {
        JobRef { ptr, run }
    }

    /// The job's address (its identity).
    pub(super) fn ptr(&self) -> NonNull<()> {
        self.ptr
    }

    /// Runs the task and gives up the queue's reference.
    ///
    /// # Safety
    /// Called at most once per `JobRef` (the deques hand each one out once).
    pub(super) unsafe fn execute(self) {
        // SAFETY: `ptr` came from `Task::<F, T>::into_job` together with
        // `run = execute::<F, T>`, and this is its only execution.
        unsafe { (self.run)(self.ptr) }
    }

    /// The scope that spawned this job's task, as an address only (it may
    /// be dangling if the job is stale), and whether the job is stale (its
    /// task already claimed by a joiner, or by another entry's taker).
    pub(super) fn scope_and_claimed(&self) -> (*const ScopeBase, bool) {
        let prefix = self.ptr.cast::<Prefix>().as_ptr();
        // SAFETY: the queue's reference (which this `JobRef` is) keeps the
        // record alive; every record starts with a `#[repr(C)] Header<T>`
        // whose first two fields are those of `Prefix`; `scope` is never
        // written after `new_task`, and `state` is read atomically.
        unsafe {
            let scope = core::ptr::addr_of!((*prefix).scope).read();
            let claimed = (*core::ptr::addr_of!((*prefix).state)).is_claimed();
            (scope.as_ptr().cast_const(), claimed)
        }
    }
}

/// The part of a task its handle can see.
#[repr(C)]
pub(super) struct Header<T> {
    pub(super) state: TaskState,
    /// The spawning scope; valid until this task's final decrement.
    pub(super) scope: NonNull<ScopeBase>,
    /// Written once by the task, read once by the last owner.
    pub(super) result: UnsafeCell<Option<Result<T>>>,
    /// Frees the whole `Task<F, T>` this header starts.
    pub(super) free: unsafe fn(NonNull<Header<T>>),
    /// Runs the task on the joiner's stack: [`run_inline`].
    pub(super) run_inline: unsafe fn(NonNull<Header<T>>) -> Result<T>,
}

#[repr(C)]
struct Task<F, T> {
    header: Header<T>,
    f: UnsafeCell<ManuallyDrop<F>>,
}

/// Allocates the record for `f`; returns the header (for the handle) and the
/// job (for the queue).
///
/// # Safety
/// `scope` must stay valid until the job has run (its owner waits for the
/// count it incremented for this task), and the job must be run exactly once.
pub(super) unsafe fn new_task<F, T>(f: F, scope: NonNull<ScopeBase>) -> (NonNull<Header<T>>, JobRef)
where
    F: FnOnce() -> T,
{
    let task = Box::new(Task {
        header: Header {
            state: TaskState::new(),
            scope,
            result: UnsafeCell::new(None),
            free: free::<F, T>,
            run_inline: run_inline::<F, T>,
        },
        f: UnsafeCell::new(ManuallyDrop::new(f)),
    });
    let ptr = NonNull::from(Box::leak(task));
    let job = JobRef {
        ptr: ptr.cast(),
        run: execute::<F, T>,
    };
    (ptr.cast(), job)
}

/// Frees a record whose closure has already been moved out.
///
/// # Safety
/// `header` is the start of a live `Task<F, T>` made by `new_task`, its `f`
/// was consumed, and the caller holds its last reference.
unsafe fn free<F, T>(header: NonNull<Header<T>>) {
    // SAFETY: by the contract, this is the `Box<Task<F, T>>` leaked in
    // `new_task`, and nobody else can reach it. `f` is `ManuallyDrop`, so
    // dropping the box does not drop the consumed closure again.
    drop(unsafe { Box::from_raw(header.cast::<Task<F, T>>().as_ptr()) });
}

/// Takes the result out of a finished record and frees it.
///
/// # Safety
/// The caller holds the last reference to a finished record.
pub(super) unsafe fn take_and_free<T>(header: NonNull<Header<T>>) -> Option<Result<T>> {
    // SAFETY: last reference, task finished: nobody else reads or writes.
    let result = unsafe { (*header.as_ref().result.get()).take() };
    // SAFETY: same reference; `f` was consumed by `execute` before `DONE`.
    unsafe { (header.as_ref().free)(header) };
    result
}

/// Runs a queued task: the closure, then publishing or dropping its result,
/// then the scope's decrement — the task's last access to anything borrowed.
///
/// # Safety
/// `ptr` is a `Task<F, T>` from `new_task`, run for the first and only time.
unsafe fn execute<F, T>(ptr: NonNull<()>)
where
    F: FnOnce() -> T,
{
    let task = ptr.cast::<Task<F, T>>();
    // SAFETY: the queue's reference keeps the record alive until `finish`.
    let header = unsafe { &task.as_ref().header };
    if !header.state.claim() {
        // Stale: the joiner ran the task inline. Drop the queue's reference
        // only; the scope may be gone (module invariants).
        if header.state.release_queue() {
            // SAFETY: the handle let go too: we hold the last reference, and
            // the joiner consumed `f`.
            unsafe { (header.free)(task.cast::<Header<T>>()) };
        }
        return;
    }
    // SAFETY: the scope waits for our decrement below (record invariant).
    let scope = unsafe { header.scope.as_ref() };
    // The registry outlives this call: this thread is a worker (holding an
    // `Arc<Registry>`) or is inside `scope`/`join` of this pool (borrowing it).
    let registry: *const Registry = scope.registry;
    // SAFETY: `f` is taken exactly once (this is the only execution), and
    // nobody else touches it.
    let f = unsafe { ManuallyDrop::take(&mut *task.as_ref().f.get()) };
    let result = running(ptr, || catch_unwind(AssertUnwindSafe(f)));
    if result.is_err() {
        // Counted until a join takes the error; must precede the decrement.
        scope.note_panic();
    }
    let orphan = if header.state.handle_gone() {
        // The handle let go before we finished: we are the record's only
        // owner (`TaskState::handle_gone`), so no `finish` RMW is needed.
        // SAFETY: sole owner; `f` was consumed above.
        unsafe { (header.free)(task.cast::<Header<T>>()) };
        Some(result)
    } else {
        // SAFETY: the result is written once, before `finish` publishes it.
        unsafe { *header.result.get() = Some(result) };
        match header.state.finish() {
            Finished::HandleAlive => None,
            Finished::WakeJoiner => {
                // SAFETY: see `registry` above. The record is not touched.
                unsafe { (*registry).sleep.notify_all() };
                None
            }
            Finished::HandleGone => {
                // SAFETY: the handle let go, so we hold the last reference.
                unsafe { take_and_free(task.cast::<Header<T>>()) }
            }
        }
    };
    if let Some(result) = orphan {
        // Nobody can claim this result (or panic payload), and it may
        // borrow `'scope` data: drop it now, before the decrement; a panic
        // payload goes to the scope, to be re-raised at its end. A
        // panicking drop is reported as a task panic, with its own payload.
        match result {
            Err(payload) => scope.keep_payload(payload),
            Ok(value) => {
                if let Err(payload) = catch_unwind(AssertUnwindSafe(move || drop(value))) {
                    scope.note_panic();
                    scope.keep_payload(payload);
                }
            }
        }
    }
    // Last access to the scope: after this the owner may return.
    if scope.pending.decrement() {
        // SAFETY: see `registry` above.
        unsafe { (*registry).sleep.notify_all() };
    }
}

/// Runs a task that the joiner just claimed, on the joiner's stack, and
/// returns its result to the joiner (never into the record). Gives up the
/// handle's reference and makes the scope's decrement.
///
/// # Safety
/// `header` is a live record made by `new_task::<F, T>`, its handle is the
/// caller's (consumed: the caller never touches the record again), and the
/// caller won `TaskState::claim`.
unsafe fn run_inline<F, T>(header: NonNull<Header<T>>) -> Result<T>
where
    F: FnOnce() -> T,
{
    let task = header.cast::<Task<F, T>>();
    // SAFETY: the handle's reference keeps the record alive until
    // `finish_inline`; the scope outlives the handle.
    let (h, scope) = unsafe { (&task.as_ref().header, header.as_ref().scope.as_ref()) };
    let registry: *const Registry = scope.registry;
    // SAFETY: we won the claim: `f` is ours to take, exactly once.
    let f = unsafe { ManuallyDrop::take(&mut *task.as_ref().f.get()) };
    let result = running(task.cast(), || catch_unwind(AssertUnwindSafe(f)));
    if result.is_err() {
        // Counted until `join` returns it (as for a queued task).
        scope.note_panic();
    }
    if h.state.finish_inline() {
        // SAFETY: the queue entry is gone too: ours was the last reference;
        // `f` was consumed and `result` is `None`.
        unsafe { (h.free)(header) };
    }
    if scope.pending.decrement() {
        // SAFETY: the registry outlives the scope, which outlives the handle.
        unsafe { (*registry).sleep.notify_all() };
    }
    result
}
