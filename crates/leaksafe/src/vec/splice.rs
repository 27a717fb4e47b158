//! [`Splice`]: a [`Drain`] that, when dropped, fills the drained range from a
//! user iterator.
//!
//! # Invariants (the soundness argument)
//! A `Splice` is a `Drain` plus the replacement iterator, so it inherits the
//! drain's invariants (see `drain.rs`):
//!
//! ```text
//! [ prefix + filled | hole            | tail                       ]
//! 0             vec.len         tail_start             tail_start + tail_len
//! ```
//!
//! - **Leak amplification.** The vector's length is the end of the valid
//!   prefix. Creating the drain cut it to the range start; while the
//!   replacement is written, it grows one element at a time, *after* each
//!   write. So at every point where user code runs (the replacement
//!   iterator's `next` and `size_hint`, an element's `Drop`), the vector's
//!   length covers only initialised elements, the hole is logically
//!   uninitialised and the tail sits untouched at `tail_start`.
//! - A forgotten `Splice` leaves the vector holding the prefix: the drained
//!   range, the tail and the replacement leak. Nothing is dropped twice.
//! - If user code panics while the `Splice` is dropped, unwinding still drops
//!   its fields: the `Drain` moves the tail down to the vector's length and
//!   restores it, so the vector holds prefix, the items written so far and
//!   the tail, in order, as std leaves it.
//! - **Never trust the replacement.** Its `size_hint` only sizes a
//!   reservation: every write is preceded by a `next()` that returned
//!   `Some` and a bounds check against `tail_start`, so an iterator that
//!   yields more or fewer items than it claims gives correct contents. A
//!   lower bound too large to reserve (`(usize::MAX, None)`) is ignored
//!   rather than trusted (std panics with "capacity overflow" there).
//! - The tail moves at most twice: once by the lower bound of the size hint,
//!   once by the exact count of whatever was left (collected into a
//!   temporary vector first).

use core::fmt;
use core::ptr;

use super::{Drain, Vec};

/// A splicing iterator for [`Vec`].
///
/// This struct is created by [`Vec::splice`]. See its documentation for more.
///
/// Forgetting a `Splice` (`core::mem::forget`) is safe: the vector keeps the
/// elements before the range, and the rest leaks.
///
/// # Example
///
/// ```
/// let mut v = leaksafe::vec![0, 1, 2];
/// let new = [7, 8];
/// let iter: leaksafe::vec::Splice<'_, _> = v.splice(1.., new);
/// assert_eq!(iter.collect::<Vec<_>>(), [1, 2]);
/// assert_eq!(v, [0, 7, 8]);
/// ```
pub struct Splice<'a, I: Iterator + 'a> {
    pub(super) drain: Drain<'a, I::Item>,
    pub(super) replace_with: I,
}

impl<'a, I: Iterator + fmt::Debug + 'a> fmt::Debug for Splice<'a, I>
where
    I::Item: fmt::Debug,
{
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Splice")
            .field("drain", &self.drain)
            .field("replace_with", &self.replace_with)
            .finish()
    }
}

impl<I: Iterator> Iterator for Splice<'_, I> {
    type Item = I::Item;

    fn next(&mut self) -> Option<Self::Item> {
        self.drain.next()
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.drain.size_hint()
    }
}

impl<I: Iterator> DoubleEndedIterator for Splice<'_, I> {
    fn next_back(&mut self) -> Option<Self::Item> {
        self.drain.next_back()
    }
}

impl<I: Iterator> ExactSizeIterator for Splice<'_, I> {}

impl<I: Iterator> Drop for Splice<'_, I> {
    fn drop(&mut self) {
        // Drop what the caller did not take. If an element's `Drop` panics,
        // unwinding drops `self.drain`, which drops the rest and closes the
        // hole: the replacement is simply not inserted.
        self.drain.by_ref().for_each(drop);
        // The drained slots are now the hole. Point the drain's iterator at
        // an empty slice so that nothing dangles if the buffer moves.
        self.drain.iter = Default::default();

        // SAFETY: (for every call below) the drain is exhausted, so the
        // vector's storage is exactly `[prefix | hole | tail]` as the module
        // invariants describe, and `fill`/`move_tail` keep it so; the
        // vector is borrowed by the drain for its whole life.
        unsafe {
            if self.drain.tail_len == 0 {
                // No tail: the hole is the end of the vector, so append. The
                // lower bound only sizes a reservation that may fail
                // (`(usize::MAX, None)`); `push` checks capacity per item.
                let vec = self.drain.vec.as_mut();
                let (lower_bound, _) = self.replace_with.size_hint();
                let _ = vec.try_reserve(lower_bound);
                for item in self.replace_with.by_ref() {
                    vec.push(item);
                }
                return;
            }

            // First fill the hole left by the drained range.
            if !self.drain.fill(&mut self.replace_with) {
                return;
            }

            // There may be more. Use the lower bound as an estimate, but
            // only if it can be reserved: it is a hint, not a promise.
            let (lower_bound, _) = self.replace_with.size_hint();
            if lower_bound > 0
                && self.drain.try_move_tail(lower_bound)
                && !self.drain.fill(&mut self.replace_with)
            {
                return;
            }

            // Collect whatever remains; now the count is exact. This vector
            // does not allocate if the lower bound was exact. (Not `collect`:
            // `Extend` reserves the lower bound, which may be a lie.)
            let mut collected = Vec::new();
            for item in self.replace_with.by_ref() {
                collected.push(item);
            }
            let mut collected = collected.into_iter();
            if collected.len() > 0 {
                self.drain.move_tail(collected.len());
                let filled = self.drain.fill(&mut collected);
                debug_assert!(filled);
                debug_assert_eq!(collected.len(), 0);
            }
        }
        // `Drain::drop` moves the tail back if needed and restores the length.
    }
}

/// Private helpers for `Splice::drop`.
impl<T> Drain<'_, T> {
    /// Fills the hole `[vec.len, tail_start)` with items from `replace_with`,
    /// growing the vector's length after each write. Returns `true` if the
    /// hole was filled completely (`next()` never returned `None`).
    ///
    /// # Safety
    /// The drain must be exhausted and its iterator empty, so that
    /// `[vec.len, tail_start)` is the hole (logically uninitialised).
    unsafe fn fill<I: Iterator<Item = T>>(&mut self, replace_with: &mut I) -> bool {
        // SAFETY: the drain was created from a `&mut Vec` that it borrows
        // for its whole life; nobody else can reach the vector.
        let vec = unsafe { self.vec.as_mut() };
        let range_start = vec.len;
        let range_end = self.tail_start;
        for idx in range_start..range_end {
            // User code: may panic (the vector is valid up to `vec.len`) and
            // may lie about its length (we only trust `Some`).
            let Some(new_item) = replace_with.next() else {
                return false;
            };
            // SAFETY: `idx < tail_start <= capacity`, a hole slot: writing
            // does not overwrite a live element.
            unsafe { vec.as_mut_ptr().add(idx).write(new_item) };
            // The slot is initialised: it joins the valid prefix.
            vec.len += 1;
        }
        true
    }

    /// Makes room for `additional` more elements before the tail, if the
    /// reservation succeeds; returns whether it did. On failure nothing
    /// changed.
    ///
    /// # Safety
    /// As for [`fill`](Self::fill).
    unsafe fn try_move_tail(&mut self, additional: usize) -> bool {
        // SAFETY: as in `fill`.
        let vec = unsafe { self.vec.as_mut() };
        let used = self.tail_start + self.tail_len;
        if vec.buf.try_reserve(used, additional).is_err() {
            return false;
        }
        // SAFETY: the reservation succeeded, so `used + additional <=
        // capacity` and the whole move is in bounds.
        unsafe { self.shift_tail(additional) };
        true
    }

    /// Makes room for `additional` more elements before the tail, panicking
    /// with "capacity overflow" (or calling `handle_alloc_error`) like
    /// `reserve` when that is impossible. The vector stays valid either way.
    ///
    /// # Safety
    /// As for [`fill`](Self::fill).
    unsafe fn move_tail(&mut self, additional: usize) {
        // SAFETY: as in `fill`.
        let vec = unsafe { self.vec.as_mut() };
        let used = self.tail_start + self.tail_len;
        // No user code runs here; a panic leaves the drain's invariants
        // intact, so `Drain::drop` still closes the hole.
        vec.buf.reserve(used, additional);
        // SAFETY: `used + additional <= capacity` after the reservation.
        unsafe { self.shift_tail(additional) };
    }

    /// Moves the tail up by `additional` slots, widening the hole.
    ///
    /// # Safety
    /// `tail_start + tail_len + additional <= capacity`.
    unsafe fn shift_tail(&mut self, additional: usize) {
        // SAFETY: as in `fill`.
        let vec = unsafe { self.vec.as_mut() };
        let new_tail_start = self.tail_start + additional;
        // SAFETY: source `[tail_start, +tail_len)` is the valid tail, the
        // destination is in bounds by the caller's contract; `ptr::copy`
        // allows overlap. Afterwards the old tail slots below the new start
        // belong to the hole.
        unsafe {
            let base = vec.as_mut_ptr();
            ptr::copy(
                base.add(self.tail_start),
                base.add(new_tail_start),
                self.tail_len,
            );
        }
        self.tail_start = new_tail_start;
    }
}
