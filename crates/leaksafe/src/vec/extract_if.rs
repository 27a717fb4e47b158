//! [`ExtractIf`]: removes the elements of a range that a predicate selects,
//! yielding them one at a time.
//!
//! # Invariants (the soundness argument)
//! While an `ExtractIf` lives, the vector's storage is split into four runs:
//!
//! ```text
//! [ prefix | kept         | hole          | unvisited            ]
//! 0      start        idx - del          idx                 old_len
//!          `- visited, retained, already shifted left by `del`
//! ```
//!
//! - **Leak amplification.** Creating an `ExtractIf` sets the vector's length
//!   to `start`: the prefix is never touched, so it is always a valid vector
//!   on its own. If the `ExtractIf` is forgotten (`mem::forget` is safe) the
//!   vector keeps the prefix and the rest leaks: nothing moved out or
//!   uninitialised is ever reachable. (std cuts to 0; keeping the prefix is
//!   the same argument, one step sharper.)
//! - `start <= idx - del <= idx <= end <= old_len`; `[start, idx - del)` holds
//!   retained elements, `[idx - del, idx)` is logically uninitialised (moved
//!   out or moved left), `[idx, old_len)` holds untouched elements.
//! - The predicate is user code. `idx` is advanced only *after* it returns,
//!   so if it panics, the element it was looking at is still counted as
//!   unvisited. Unwinding drops the `ExtractIf`, whose `Drop` shifts the
//!   unvisited run left over the hole and restores the length: the vector
//!   keeps every element that was not yielded, in order (rust-lang/rust#60977
//!   was a double drop in the first design of this `Drop`).
//! - A yielded element is read out exactly once (`ptr::read`) and its slot
//!   joins the hole; it is never read again.

use core::ops::Range;
use core::{fmt, ptr, slice};

use super::Vec;

/// An iterator which uses a closure to determine if an element should be
/// removed.
///
/// This struct is created by [`Vec::extract_if`]. See its documentation for
/// more.
///
/// Forgetting an `ExtractIf` (`core::mem::forget`) is safe: the vector keeps
/// the elements before the range, and the rest leaks.
///
/// # Example
///
/// ```
/// let mut v = leaksafe::vec![0, 1, 2];
/// let iter: leaksafe::vec::ExtractIf<'_, _, _> = v.extract_if(.., |x| *x % 2 == 0);
/// assert_eq!(iter.collect::<Vec<_>>(), [0, 2]);
/// assert_eq!(v, [1]);
/// ```
#[must_use = "iterators are lazy and do nothing unless consumed; \
    use `retain_mut` or `extract_if().for_each(drop)` to remove and discard elements"]
pub struct ExtractIf<'a, T, F> {
    vec: &'a mut Vec<T>,
    /// The index of the item that will be inspected by the next call to `next`.
    idx: usize,
    /// Elements at and beyond this point are retained without a look.
    /// Invariant: `idx <= end <= old_len`.
    end: usize,
    /// The number of items extracted so far: the length of the hole.
    del: usize,
    /// The length of `vec` before the `ExtractIf` was created.
    old_len: usize,
    /// The filter predicate (user code).
    pred: F,
}

impl<'a, T, F> ExtractIf<'a, T, F> {
    /// `range` was checked against `vec.len()` by the caller.
    pub(super) fn new(vec: &'a mut Vec<T>, pred: F, range: Range<usize>) -> Self {
        let old_len = vec.len();
        debug_assert!(range.start <= range.end && range.end <= old_len);
        // SAFETY: leak amplification. `start <= old_len` and the first
        // `start` elements are initialised and never touched while we live.
        unsafe { vec.set_len(range.start) };
        ExtractIf {
            vec,
            idx: range.start,
            end: range.end,
            del: 0,
            old_len,
            pred,
        }
    }
}

impl<T, F> Iterator for ExtractIf<'_, T, F>
where
    F: FnMut(&mut T) -> bool,
{
    type Item = T;

    fn next(&mut self) -> Option<T> {
        while self.idx < self.end {
            let i = self.idx;
            // SAFETY: `i < end <= old_len`, inside the allocation, and the
            // slot is in the unvisited run, so it holds a valid element seen
            // for the first time. No other reference to it exists: the vector
            // is borrowed by us and its length stops before it.
            let cur = unsafe { &mut *self.vec.as_mut_ptr().add(i) };
            let extract = (self.pred)(cur);
            // Advance only after the predicate returned: if it panicked, the
            // element is still unvisited and `Drop` keeps it.
            self.idx += 1;
            if extract {
                self.del += 1;
                // SAFETY: the slot joins the hole (`idx` moved past it) and is
                // never read again, so this is a move out.
                return Some(unsafe { ptr::read(cur) });
            } else if self.del > 0 {
                // SAFETY: `del > 0`, so the destination `i - del` is in the
                // hole and distinct from `i`; the move leaves slot `i` in the
                // hole, never read again.
                unsafe {
                    let hole = self.vec.as_mut_ptr().add(i - self.del);
                    ptr::copy_nonoverlapping(cur, hole, 1);
                }
            }
        }
        None
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (0, Some(self.end - self.idx))
    }
}

impl<T, F> Drop for ExtractIf<'_, T, F> {
    fn drop(&mut self) {
        let start = self.vec.len();
        if self.del > 0 {
            // SAFETY: `[idx, old_len)` is the unvisited run, valid and
            // untouched; its destination `[idx - del, old_len - del)` starts in
            // the hole. `ptr::copy` allows the overlap.
            unsafe {
                let base = self.vec.as_mut_ptr();
                ptr::copy(
                    base.add(self.idx),
                    base.add(self.idx - self.del),
                    self.old_len - self.idx,
                );
            }
        }
        debug_assert!(start <= self.old_len - self.del);
        // SAFETY: after the shift, `[0, old_len - del)` is prefix, retained
        // and unvisited elements, all initialised and each present once.
        unsafe { self.vec.set_len(self.old_len - self.del) };
    }
}

impl<T: fmt::Debug, F> fmt::Debug for ExtractIf<'_, T, F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The vector's length is cut while we live, so read the runs through
        // the pointer.
        let base = self.vec.as_ptr();
        // SAFETY: `[0, idx - del)` is prefix plus retained elements, valid.
        let retained = unsafe { slice::from_raw_parts(base, self.idx - self.del) };
        // SAFETY: `[idx, end)` is unvisited, valid and untouched.
        let remainder = unsafe { slice::from_raw_parts(base.add(self.idx), self.end - self.idx) };
        // SAFETY: `[end, old_len)` is never visited, valid.
        let skipped_tail =
            unsafe { slice::from_raw_parts(base.add(self.end), self.old_len - self.end) };
        // std's field: the next element the predicate will see, if any.
        let peek = remainder.first();
        f.debug_struct("ExtractIf")
            .field("peek", &peek)
            .field("retained", &retained)
            .field("remainder", &remainder)
            .field("skipped_tail", &skipped_tail)
            .finish_non_exhaustive()
    }
}
