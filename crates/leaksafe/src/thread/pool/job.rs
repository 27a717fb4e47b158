//! Task records: one heap allocation per spawned task, holding the closure,
//! the result slot, and the reference bits shared by the task and its handle.
//!
//! # Invariants
//! - A [`Task<F, T>`] is `#[repr(C)]` with its [`Header<T>`] first, so a
//!   pointer to the task is a pointer to its header; the handle, which does
//!   not know `F`, holds the header pointer and frees through `header.free`.
//! - The record is freed exactly once, by whoever clears the last reference
//!   bit of [`TaskState`] (the finishing task or the handle), or by the task
//!   without clearing its bit when it sees the handle's already clear (then
//!   nobody else can reach the record: [`TaskState::handle_gone`]). A forgotten
//!   handle never clears its bit: its record (and result) leaks, which is safe
//!   — nothing can reach it again once the scope has returned.
//! - `f` is moved out exactly once, by [`execute`], before `result` is
//!   written; `result` is written once, before `DONE` is published
//!   (`TaskState::finish`, Release), and read only after `DONE` is seen
//!   (Acquire) by the sole remaining owner.
//! - `scope` points to the [`ScopeBase`] of the scope that spawned the task.
//!   That scope does not return before the task's final
//!   `CountLatch::decrement`, which is the task's last access to the scope.
//! - The closure and result may borrow data of lifetime `'scope`; the record
//!   erases that lifetime when it is queued as a [`JobRef`]. This is sound
//!   only because the scope outlives every access (previous point): see
//!   `PoolScope::spawn_task`.

use core::cell::UnsafeCell;
use core::mem::ManuallyDrop;
use core::ptr::NonNull;
use std::boxed::Box;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::thread::Result;

use super::latch::{Finished, TaskState};
use super::registry::Registry;
use super::scope::ScopeBase;

/// A type-erased pointer to a queued task and the function that runs it.
pub(super) struct JobRef {
    ptr: NonNull<()>,
    run: unsafe fn(NonNull<()>),
}

// SAFETY: a JobRef is the queue's reference to a task whose closure and result
// are `Send` (enforced by `PoolScope::spawn`); it is run by exactly one thread.
unsafe impl Send for JobRef {}

impl JobRef {
    /// Runs the task and gives up the queue's reference.
    ///
    /// # Safety
    /// Called at most once per `JobRef` (the deques hand each one out once).
    pub(super) unsafe fn execute(self) {
        // SAFETY: `ptr` came from `Task::<F, T>::into_job` together with
        // `run = execute::<F, T>`, and this is its only execution.
        unsafe { (self.run)(self.ptr) }
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
    // SAFETY: the scope waits for our decrement below (record invariant).
    let scope = unsafe { header.scope.as_ref() };
    // The registry outlives this call: this thread is a worker (holding an
    // `Arc<Registry>`) or is inside `scope`/`join` of this pool (borrowing it).
    let registry: *const Registry = scope.registry;
    // SAFETY: `f` is taken exactly once (this is the only execution), and
    // nobody else touches it.
    let f = unsafe { ManuallyDrop::take(&mut *task.as_ref().f.get()) };
    let result = catch_unwind(AssertUnwindSafe(f));
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
        // borrow `'scope` data: drop it now, before the decrement. A
        // panicking drop is reported as a task panic; its own payload is
        // leaked rather than dropped (it could panic again).
        if let Err(payload) = catch_unwind(AssertUnwindSafe(move || drop(result))) {
            core::mem::forget(payload);
            scope.note_panic();
        }
    }
    // Last access to the scope: after this the owner may return.
    if scope.pending.decrement() {
        // SAFETY: see `registry` above.
        unsafe { (*registry).sleep.notify_all() };
    }
}
