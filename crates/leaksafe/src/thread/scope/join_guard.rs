//! `JoinGuard`: the Rustonomicon's `thread::scoped` guard, made sound.
//!
//! # Invariants
//! - A guard wraps a [`ScopedJoinHandle`] (`Some` until `join` or `Drop` takes
//!   it), and inherits its invariants.
//! - Dropping the guard joins the thread (blocks until it finished). Nothing
//!   depends on that for soundness: the *scope* joins every thread, so a
//!   forgotten guard is harmless (the chapter's bug was that the guard's
//!   destructor was the only join).
//! - A guard dropped without `join` drops the result on the dropping thread;
//!   a panic payload makes the scope panic at its end (an unjoined panic), and
//!   a `Drop` of either that panics aborts (see the scope's module docs). If
//!   the finishing scope already dropped the result (the guard was reachable
//!   only from an unclaimed result), the drop only waits for the thread.

use core::fmt;
use core::mem;

use super::{Thread, drop_or_abort};
use crate::thread::ScopedJoinHandle;

/// A scoped thread that is joined when the guard is dropped.
///
/// Created by [`Scope::spawn_guard`](super::Scope::spawn_guard). Unlike the
/// Rustonomicon's `thread::scoped`, `mem::forget` on the guard cannot let the
/// thread outlive its borrows: the scope waits for it anyway.
///
/// # Aborts
/// Dropping the guard without [`join`](Self::join) joins the thread and drops
/// its result (or panic payload) on the dropping thread; if that value's
/// `Drop` panics, the process aborts with "thread result panicked on drop",
/// as std does. A result returned by `join` is yours.
///
/// ```
/// let mut data = vec![1, 2, 3];
/// leaksafe::thread::scope(|s| {
///     let g = s.spawn_guard(|| data.push(4));
///     core::mem::forget(g); // harmless: the scope joins the thread
/// });
/// assert_eq!(data, [1, 2, 3, 4]);
/// ```
#[must_use = "dropping the guard joins the thread immediately"]
pub struct JoinGuard<'scope, T> {
    handle: Option<ScopedJoinHandle<'scope, T>>,
}

impl<'scope, T> JoinGuard<'scope, T> {
    pub(super) fn new(handle: ScopedJoinHandle<'scope, T>) -> Self {
        JoinGuard {
            handle: Some(handle),
        }
    }

    fn handle(&self) -> &ScopedJoinHandle<'scope, T> {
        self.handle
            .as_ref()
            .expect("leaksafe: JoinGuard without a handle")
    }

    /// Waits for the thread and returns its result, or `Err` with its panic
    /// payload (then the scope does not panic for it).
    ///
    /// As [`ScopedJoinHandle::join`]: `Err` with the payload
    /// [`SCOPE_DROPPED_RESULT`](super::SCOPE_DROPPED_RESULT) if the guard was
    /// reachable only from an unclaimed result and the scope dropped this thread's result
    /// first.
    ///
    /// ```
    /// leaksafe::thread::scope(|s| {
    ///     let g = s.spawn_guard(|| 6 * 7);
    ///     assert_eq!(g.join().unwrap(), 42);
    /// });
    /// ```
    pub fn join(mut self) -> std::thread::Result<T> {
        let handle = self
            .handle
            .take()
            .expect("leaksafe: JoinGuard without a handle");
        // `self` now drops as a no-op.
        mem::drop(self);
        handle.join()
    }

    /// The underlying thread.
    ///
    /// ```
    /// leaksafe::thread::scope(|s| {
    ///     let g = s.spawn_guard(|| std::thread::current().id());
    ///     let id = g.thread().id();
    ///     assert_eq!(g.join().unwrap(), id);
    /// });
    /// ```
    #[must_use]
    pub fn thread(&self) -> &Thread {
        self.handle().thread()
    }

    /// Whether the thread has finished running its main function.
    ///
    /// ```
    /// leaksafe::thread::scope(|s| {
    ///     let g = s.spawn_guard(|| ());
    ///     while !g.is_finished() {
    ///         std::thread::yield_now();
    ///     }
    /// });
    /// ```
    #[must_use]
    pub fn is_finished(&self) -> bool {
        self.handle().is_finished()
    }
}

impl<T> Drop for JoinGuard<'_, T> {
    fn drop(&mut self) {
        if let Some(handle) = self.handle.take() {
            let data = handle.scope_data();
            match handle.join_inner() {
                Some(Ok(value)) => drop_or_abort(value),
                Some(Err(payload)) => {
                    data.unjoined_panic();
                    drop_or_abort(payload);
                }
                // The scope dropped the result (and recorded a panic).
                None => {}
            }
        }
    }
}

impl<T> fmt::Debug for JoinGuard<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("JoinGuard").finish_non_exhaustive()
    }
}
