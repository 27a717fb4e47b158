//! [`PoolJoinGuard`]: the chapter's `JoinGuard` API, made sound.
//!
//! # Invariants
//! - A guard is a [`PoolHandle`] whose `Drop` joins. Nothing relies on that
//!   `Drop` running: the scope waits for the task whether the guard is
//!   dropped, joined, or forgotten (then the task's record and result leak,
//!   as for a forgotten handle).
//! - Dropping the guard waits for the task and drops its result. A panic of
//!   the task is *not* taken by the drop: the scope panics at its end, as for
//!   an unjoined handle. Only [`PoolJoinGuard::join`] takes the panic.

use core::fmt;
use core::mem::ManuallyDrop;
use std::thread::Result;

use super::handle::PoolHandle;

/// A guard for a task spawned by [`PoolScope::spawn_guard`]: dropping it
/// waits for the task; [`join`](PoolJoinGuard::join) returns its result.
///
/// [`PoolScope::spawn_guard`]: super::PoolScope::spawn_guard
///
/// ```
/// use leaksafe::thread::ThreadPool;
///
/// let pool = ThreadPool::new(2);
/// let mut v = vec![1, 2, 3];
/// pool.scope(|s| {
///     let g = s.spawn_guard(|| v.push(4));
///     std::mem::forget(g); // harmless: the scope still waits for the task
/// });
/// assert_eq!(v, [1, 2, 3, 4]);
/// ```
#[must_use = "dropping a PoolJoinGuard waits for its task at once"]
pub struct PoolJoinGuard<'scope, T> {
    handle: ManuallyDrop<PoolHandle<'scope, T>>,
}

impl<T> fmt::Debug for PoolJoinGuard<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PoolJoinGuard")
            .field("finished", &self.is_finished())
            .finish()
    }
}

impl<'scope, T> PoolJoinGuard<'scope, T> {
    pub(super) fn new(handle: PoolHandle<'scope, T>) -> Self {
        PoolJoinGuard {
            handle: ManuallyDrop::new(handle),
        }
    }

    /// Waits for the task and returns its result, or its panic as `Err`
    /// (which the scope then does not report again).
    ///
    /// ```
    /// use leaksafe::thread::ThreadPool;
    ///
    /// let pool = ThreadPool::new(2);
    /// let x = pool.scope(|s| s.spawn_guard(|| 5).join().unwrap());
    /// assert_eq!(x, 5);
    /// ```
    pub fn join(self) -> Result<T> {
        let mut this = ManuallyDrop::new(self);
        // SAFETY: `this` is never dropped, so the handle is taken only here.
        let handle = unsafe { ManuallyDrop::take(&mut this.handle) };
        handle.join()
    }

    /// Whether the task has finished.
    ///
    /// ```
    /// use leaksafe::thread::ThreadPool;
    ///
    /// let pool = ThreadPool::new(1);
    /// pool.scope(|s| {
    ///     let g = s.spawn_guard(|| ());
    ///     while !g.is_finished() {
    ///         std::thread::yield_now();
    ///     }
    /// });
    /// ```
    pub fn is_finished(&self) -> bool {
        self.handle.is_finished()
    }
}

impl<T> Drop for PoolJoinGuard<'_, T> {
    fn drop(&mut self) {
        // SAFETY: `drop` runs once, and `join` never lets `drop` run after
        // taking the handle.
        let handle = unsafe { ManuallyDrop::take(&mut self.handle) };
        handle.wait();
    }
}
