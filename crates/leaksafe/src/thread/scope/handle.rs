//! `ScopedJoinHandle`: an owned permission to join a scoped thread.
//!
//! # Invariants
//! - The handle holds the *handle side's* reference to its packet (see the
//!   scope's invariant 4): the packet is allocated while the handle lives,
//!   and the handle gives the reference up exactly once, in `Drop` (`join`
//!   ends by dropping the handle).
//! - While the handle lives, `native` in the packet is `Some` and belongs to
//!   the handle; `join` takes it, `Drop` takes and drops it (detaching).
//! - Forgetting the handle is harmless: the scope waits for the thread by its
//!   running count, not by this handle, drops the result once every thread has
//!   finished, and frees the packet only when no result is left anywhere (the
//!   scope's invariant 6).
//! - The result slot may be empty when `join` reads it, only because the
//!   finishing scope took the result away (this handle was reachable only
//!   from another unclaimed result): `join` then returns `Err(SCOPE_DROPPED_RESULT)`.

use alloc::boxed::Box;
use core::fmt;
use core::marker::PhantomData;
use core::ptr::NonNull;
use std::panic::resume_unwind;

use super::{Packet, SCOPE_DROPPED_RESULT, ScopeData, Thread, release};
use crate::loom::Ordering;

/// An owned permission to join on a scoped thread (block on its termination).
///
/// Created by [`Scope::spawn`](super::Scope::spawn) and
/// [`Builder::spawn_scoped`](super::Builder::spawn_scoped). Dropping it
/// detaches the thread; the scope still joins it before it returns. If the
/// thread panicked and the handle is dropped or forgotten without `join`, the
/// scope panics at its end.
///
/// # Aborts
/// When the handle is dropped after its thread finished, it drops the
/// thread's result (or panic payload) itself; if that value's `Drop` panics,
/// the process aborts with "thread result panicked on drop", as std does. The
/// same holds when the thread drops its own result because the handle is
/// gone, and when [`scope`](super::scope) drops an unclaimed result. A result
/// returned by [`join`](Self::join) is yours: its drop runs in your code.
///
/// ```
/// let v = vec![1, 2, 3];
/// leaksafe::thread::scope(|s| {
///     let h = s.spawn(|| v.len());
///     assert_eq!(h.join().unwrap(), 3);
/// });
/// ```
pub struct ScopedJoinHandle<'scope, T> {
    packet: NonNull<Packet<T>>,
    data: &'scope ScopeData,
    /// The handle may drop a `T` (an unjoined result).
    _owns: PhantomData<T>,
}

// SAFETY: joining moves the `T` (Send, required by every spawn) to the
// joining thread; dropping the handle may drop it there. The packet's shared
// state is atomics; `native` is owned by this handle.
unsafe impl<T: Send> Send for ScopedJoinHandle<'_, T> {}
// SAFETY: `&ScopedJoinHandle` gives access only to `thread()` (a `Thread`,
// Sync) and `is_finished()` (an atomic load); never to the `T`.
unsafe impl<T: Send> Sync for ScopedJoinHandle<'_, T> {}

impl<'scope, T> ScopedJoinHandle<'scope, T> {
    /// Takes the handle side's reference to a freshly spawned packet.
    pub(super) fn new(packet: NonNull<Packet<T>>, data: &'scope ScopeData) -> Self {
        ScopedJoinHandle {
            packet,
            data,
            _owns: PhantomData,
        }
    }

    pub(super) fn scope_data(&self) -> &'scope ScopeData {
        self.data
    }

    /// Extracts a handle to the underlying thread.
    ///
    /// ```
    /// leaksafe::thread::scope(|s| {
    ///     let h = s.spawn(|| std::thread::current().id());
    ///     let id = h.thread().id();
    ///     assert_eq!(h.join().unwrap(), id);
    /// });
    /// ```
    #[must_use]
    pub fn thread(&self) -> &Thread {
        // SAFETY: the handle holds its reference (packet allocated) and owns
        // `native`, which is `Some` while the handle lives (invariant).
        let native = unsafe { &*(*self.packet.as_ptr()).native.get() };
        native
            .as_ref()
            .expect("leaksafe: scoped handle without a native thread")
            .thread()
    }

    /// Waits for the associated thread to finish.
    ///
    /// Returns immediately if it has already finished. If the thread
    /// panicked, `Err` holds the panic payload, and the scope does not panic
    /// for it (it was joined).
    ///
    /// One case std does not have: if this handle was reachable only from the
    /// result of a thread nobody joined (its handle forgotten), the scope drops that
    /// result before it returns, and may have dropped *this* thread's result
    /// already; then `join` returns `Err` with the payload
    /// [`SCOPE_DROPPED_RESULT`](super::SCOPE_DROPPED_RESULT) (a `&'static
    /// str`). It does not mean the thread panicked.
    ///
    /// ```
    /// leaksafe::thread::scope(|s| {
    ///     let h = s.spawn(|| panic!("oops"));
    ///     assert!(h.join().is_err());
    /// });
    /// ```
    pub fn join(self) -> std::thread::Result<T> {
        self.join_inner()
            .unwrap_or_else(|| Err(Box::new(SCOPE_DROPPED_RESULT)))
    }

    /// `join`, with `None` when the scope already dropped the result.
    pub(super) fn join_inner(self) -> Option<std::thread::Result<T>> {
        // SAFETY: the handle owns `native` (invariant).
        let native = unsafe { (*(*self.packet.as_ptr()).native.get()).take() }
            .expect("leaksafe: scoped handle without a native thread");
        // The thread's main catches every panic of the user's closure, so this
        // is `Ok` unless leaksafe itself failed; then `self` is dropped by the
        // unwind and releases its reference.
        if let Err(e) = native.join() {
            resume_unwind(e);
        }
        // SAFETY: the thread has exited (native join: everything it did
        // happens-before this), so it wrote the result and gave up its
        // reference; we still hold ours, so the packet is allocated and the
        // result slot is ours alone. The finishing scope may have emptied it
        // (its invariant 6), before running the user code that led here.
        let result = unsafe { (*(*self.packet.as_ptr()).result.get()).take() };
        // Gives up our reference; nothing is left in the slots to drop.
        drop(self);
        result
    }

    /// Checks if the associated thread has finished running its main
    /// function (it may still be exiting).
    ///
    /// ```
    /// leaksafe::thread::scope(|s| {
    ///     let h = s.spawn(|| 1);
    ///     while !h.is_finished() {
    ///         std::thread::yield_now();
    ///     }
    ///     assert_eq!(h.join().unwrap(), 1);
    /// });
    /// ```
    #[must_use]
    pub fn is_finished(&self) -> bool {
        // SAFETY: we hold our reference, so the packet is allocated. The
        // thread side gave up its reference (refs 2 -> 1) after storing its
        // result; Acquire so a `true` here makes that visible.
        unsafe { (*self.packet.as_ptr()).header.refs.load(Ordering::Acquire) == 1 }
    }
}

impl<T> Drop for ScopedJoinHandle<'_, T> {
    fn drop(&mut self) {
        // SAFETY: the handle owns `native` (invariant); dropping it detaches
        // the thread, which the scope still waits for by its count.
        let native = unsafe { (*(*self.packet.as_ptr()).native.get()).take() };
        drop(native);
        // SAFETY: the handle side's reference, given up exactly once (here);
        // `self.packet` is not used afterwards.
        unsafe { release(self.packet, self.data) };
    }
}

impl<T> fmt::Debug for ScopedJoinHandle<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ScopedJoinHandle").finish_non_exhaustive()
    }
}
