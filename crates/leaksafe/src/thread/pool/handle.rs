//! [`PoolHandle`]: the right to join one pool task and take its result.
//!
//! # Invariants
//! - A handle holds the `HANDLE` reference bit of its task record until it is
//!   joined (it then frees the record) or dropped (it clears the bit, and
//!   frees the record if the task had finished). A forgotten handle keeps its
//!   bit forever: the record leaks, which is safe, and the scope does not
//!   wait for handles, only for tasks.
//! - A handle cannot outlive `'scope`, so it never reads a record whose
//!   scope's borrowed data is gone; the record itself is heap-allocated and
//!   outlives the handle by the reference bits.
//! - `join` of a task that has not started claims it and runs it on the
//!   joiner's stack (its result goes straight to the joiner); of a task
//!   running elsewhere, blocks (a spare thread stands in for a blocked pool
//!   thread); of the task the joiner itself is running, panics. It never runs
//!   *other* tasks on its stack, so a join waits only for what a thread's
//!   join would wait for (see `registry.rs`), and completes whenever the same
//!   joins would complete with one thread per task.

use core::fmt;
use core::marker::PhantomData;
use core::ptr::NonNull;
use std::thread::Result;

use super::job::{Header, is_running_here, take_and_free};

/// An owned permission to join a task spawned by [`PoolScope::spawn`].
///
/// Unlike a `std::thread::ScopedJoinHandle`, a forgotten `PoolHandle` does not
/// make the scope hang: the scope waits for the task itself. The forgotten
/// handle's result is leaked (it is never dropped) — a leak the caller chose.
/// (`leaksafe::thread::scope` drops such results when it ends; the pool does
/// not, because finding them would need a per-scope list of finished tasks
/// with live handles, and so a lock on every `join`. A result that must be
/// dropped — a lock guard, say — should be joined or dropped, not forgotten.)
///
/// [`PoolScope::spawn`]: super::PoolScope::spawn
///
/// ```
/// use leaksafe::thread::ThreadPool;
///
/// let pool = ThreadPool::new(2);
/// pool.scope(|s| {
///     let h = s.spawn(|| 6 * 7);
///     assert_eq!(h.join().unwrap(), 42);
/// });
/// ```
///
/// As std's `JoinHandle`, the handle is `Send` and `Sync` only when `T` is
/// `Send` (spawning already requires it; the bounds say so in the type):
///
/// ```compile_fail
/// fn sync<T: Sync>() {}
/// sync::<leaksafe::thread::PoolHandle<'static, std::rc::Rc<u8>>>();
/// ```
///
/// ```
/// fn sync<T: Sync>() {}
/// sync::<leaksafe::thread::PoolHandle<'static, std::sync::Arc<u8>>>();
/// ```
pub struct PoolHandle<'scope, T> {
    header: NonNull<Header<T>>,
    /// Borrows the scope; owns (a share of) a `T`.
    _marker: PhantomData<(&'scope (), T)>,
}

// SAFETY: the handle only moves the task's `T` (which is `Send`) to the thread
// that joins, and touches the record's atomics; so it may move between threads.
unsafe impl<T: Send> Send for PoolHandle<'_, T> {}
// SAFETY: through `&PoolHandle` one can only read the atomic state
// (`is_finished`), never the `T`. The `T: Send` bound is not needed for
// soundness; it aligns the handle's auto traits with std's `JoinHandle`.
unsafe impl<T: Send> Sync for PoolHandle<'_, T> {}

impl<T> fmt::Debug for PoolHandle<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PoolHandle")
            .field("finished", &self.is_finished())
            .finish()
    }
}

impl<'scope, T> PoolHandle<'scope, T> {
    pub(super) fn new(header: NonNull<Header<T>>) -> Self {
        PoolHandle {
            header,
            _marker: PhantomData,
        }
    }

    fn header(&self) -> &Header<T> {
        // SAFETY: the handle's reference bit keeps the record alive.
        unsafe { self.header.as_ref() }
    }

    /// Waits for the task to finish and returns its result, or the payload of
    /// its panic as `Err` (the scope then does not panic for it).
    ///
    /// If the task has not started, the calling thread runs it itself;
    /// otherwise it waits for it (a pool thread gets a spare thread in its
    /// place meanwhile), and never runs unrelated tasks on its stack.
    ///
    /// # Panics
    /// If called by the task itself (a task joining its own handle would wait
    /// forever; std's join of the current thread fails the same way).
    ///
    /// ```
    /// use leaksafe::thread::ThreadPool;
    ///
    /// let pool = ThreadPool::new(1);
    /// pool.scope(|s| {
    ///     let outer = s.spawn(|| {
    ///         // Joining inside a task of a one-thread pool: this worker runs
    ///         // `inner` itself while it waits.
    ///         let inner = s.spawn(|| 1);
    ///         inner.join().unwrap() + 1
    ///     });
    ///     assert_eq!(outer.join().unwrap(), 2);
    ///     let bad = s.spawn(|| panic!("oops"));
    ///     assert!(bad.join().is_err());
    /// });
    /// ```
    pub fn join(self) -> Result<T> {
        let (header, scope) = (self.header, self.header().scope);
        let result = match self.wait_done() {
            Some(inline) => inline,
            // SAFETY: `DONE` was seen with Acquire, so the task released its
            // bit and ours (given up by `wait_done`) is the last reference.
            None => unsafe { take_and_free(header) }.expect("a finished task has a result"),
        };
        // SAFETY: the scope is alive while a `'scope` handle's result is.
        let scope = unsafe { scope.as_ref() };
        if result.is_err() {
            // This panic is now the caller's to handle, not the scope's.
            scope.note_panic_joined();
        }
        result
    }

    /// Waits for the task: runs it here if it has not started (consuming
    /// the handle and returning `Some(result)`), else blocks until it is
    /// done (`None`; the result is in the record).
    ///
    /// # Panics
    /// If this thread is running the task itself (it joins its own handle).
    fn wait_done(self) -> Option<Result<T>> {
        let header = self.header();
        if header.state.is_done() {
            // The caller takes the result through the record.
            core::mem::forget(self);
            return None;
        }
        if header.state.claim() {
            let this = core::mem::ManuallyDrop::new(self);
            // SAFETY: we won the claim; the handle is consumed (`this` is
            // never dropped or used again).
            return Some(unsafe { (this.header().run_inline)(this.header) });
        }
        if is_running_here(self.header) {
            // Dropping `self` while unwinding lets the task own its record.
            panic!("deadlock: a pool task tried to join its own PoolHandle");
        }
        // SAFETY: the scope is alive while a `'scope` handle exists.
        let scope = unsafe { header.scope.as_ref() };
        scope
            .registry()
            .block_until(&|| header.state.is_done(), &|| header.state.arm());
        // (`self` is given back through the record: see `join`/`wait`.)
        core::mem::forget(self);
        None
    }

    /// Waits for the task, then drops the handle (and so the result); a
    /// panic of the task stays unjoined, its payload goes to the scope.
    /// `PoolJoinGuard`'s drop.
    pub(super) fn wait(self) {
        let header = self.header;
        // SAFETY: the scope is alive while a `'scope` handle exists.
        let scope = unsafe { self.header().scope.as_ref() };
        let result = match self.wait_done() {
            Some(inline) => inline,
            // SAFETY: done, so ours is the last reference (as in `join`).
            None => unsafe { take_and_free(header) }.expect("a finished task has a result"),
        };
        if let Err(payload) = result {
            scope.keep_payload(payload);
        }
    }

    /// Whether the task has finished (its result is ready; `join` will not
    /// wait).
    ///
    /// ```
    /// use leaksafe::thread::ThreadPool;
    ///
    /// let pool = ThreadPool::new(1);
    /// pool.scope(|s| {
    ///     let h = s.spawn(|| 1);
    ///     while !h.is_finished() {
    ///         std::thread::yield_now();
    ///     }
    ///     assert_eq!(h.join().unwrap(), 1);
    /// });
    /// ```
    pub fn is_finished(&self) -> bool {
        self.header().state.is_done()
    }
}

impl<T> Drop for PoolHandle<'_, T> {
    fn drop(&mut self) {
        if self.header().state.release_handle() {
            let scope = self.header().scope;
            // SAFETY: the task had finished and released its bit: ours was
            // the last reference.
            let result = unsafe { take_and_free(self.header) };
            if let Some(Err(payload)) = result {
                // SAFETY: the scope is alive while a `'scope` handle exists.
                unsafe { scope.as_ref() }.keep_payload(payload);
            }
        }
    }
}
