//! [`Drain`]: the chapter's proxy, made sound by leak amplification.
//!
//! # Invariants
//! `Vec::drain(start..end)` on a vector of length `len` sets the vector's
//! length to `start` *before* the `Drain` exists. While the `Drain` lives:
//! - the vector owns slots `0..start` (its `len`, which only the `Drain`
//!   may change, since it holds the `&mut Vec` borrow);
//! - `iter` covers the slots `start..end` not yet yielded; the `Drain` owns
//!   those values. Yielded slots are logically uninitialized;
//! - `tail_start..tail_start + tail_len` (initially `end..len`) is the tail,
//!   owned by the `Drain` until it moves it back behind the vector's `len`.
//!
//! `Drop` drops the unyielded values (with `drop_in_place`, which goes on
//! dropping the others if one panics), then, from a guard that also runs
//! during that unwind, moves the tail to `vec.len()` with one `ptr::copy`
//! (memmove) and sets `len` to include it.
//!
//! **Forgetting** a `Drain` at any point skips all of that: the vector keeps
//! length `start` and holds exactly the untouched prefix; unyielded values and
//! the tail are leaked (never dropped, never read again). Nothing moved out or
//! dropped is reachable, so this is safe: a leak amplified, not a bug.
//!
//! # For `Splice` (vec-ops)
//! The fields are `pub(super)` and mean exactly what std's do, so `Splice`
//! can wrap a `Drain` and add `impl Drain` helpers (std's `fill` and
//! `move_tail`) in its own file: `vec` points at the vector (whose `len` is
//! the start of the gap), `tail_start`/`tail_len` locate the tail, and `iter`
//! the unyielded drained values.

use core::fmt;
use core::iter::FusedIterator;
use core::mem;
use core::ptr::{self, NonNull};
use core::slice;

use super::Vec;

/// A draining iterator for [`Vec`], created by [`Vec::drain`].
///
/// Yields the removed elements by value, from either end. Dropping it drops the
/// rest of the range and closes the gap; forgetting it leaves the vector
/// truncated to the range start (see the module docs).
///
/// ```
/// let mut v = leaksafe::vec![1, 2, 3, 4, 5];
/// let mut d = v.drain(1..4);
/// assert_eq!(d.next(), Some(2));
/// assert_eq!(d.next_back(), Some(4));
/// assert_eq!(d.as_slice(), &[3]);
/// drop(d);
/// assert_eq!(v, [1, 5]);
/// ```
pub struct Drain<'a, T> {
    /// Index of the tail to preserve (the end of the drained range).
    pub(super) tail_start: usize,
    /// Length of the tail to preserve.
    pub(super) tail_len: usize,
    /// The drained values not yet yielded (they belong to the `Drain`).
    pub(super) iter: slice::Iter<'a, T>,
    /// The vector; its `len` is the start of the drained range while the
    /// `Drain` lives. A pointer, not `&'a mut`, so `iter`'s shared borrow of
    /// the buffer and our writes through `vec` do not conflict.
    pub(super) vec: NonNull<Vec<T>>,
}

// SAFETY: a `Drain` owns `T`s (it yields them by value) and a unique borrow of
// the vector, like `&mut Vec<T>`: sending it sends `T`s.
unsafe impl<T: Send> Send for Drain<'_, T> {}
// SAFETY: `&Drain` only exposes `&[T]` (`as_slice`).
unsafe impl<T: Sync> Sync for Drain<'_, T> {}

impl<T: fmt::Debug> fmt::Debug for Drain<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Drain").field(&self.iter.as_slice()).finish()
    }
}

impl<'a, T> Drain<'a, T> {
    /// The elements not yet yielded, as a slice.
    ///
    /// ```
    /// let mut v = leaksafe::vec![1, 2, 3];
    /// let mut d = v.drain(..);
    /// d.next();
    /// assert_eq!(d.as_slice(), &[2, 3]);
    /// ```
    #[must_use]
    pub fn as_slice(&self) -> &[T] {
        self.iter.as_slice()
    }

    /// Keeps the elements not yet yielded in the vector (in place of the
    /// range), instead of dropping them.
    ///
    /// ```
    /// let mut v = leaksafe::vec![1, 2, 3, 4];
    /// let mut d = v.drain(..3);
    /// assert_eq!(d.next(), Some(1));
    /// d.keep_rest();
    /// assert_eq!(v, [2, 3, 4]);
    /// ```
    pub fn keep_rest(self) {
        // `self` is forgotten at the end, whatever happens in between: no user
        // code runs here, so no unwinding can skip the bookkeeping.
        let mut this = mem::ManuallyDrop::new(self);
        // SAFETY: `vec` is valid for the borrow `'a` and we hold it uniquely.
        // The unyielded values sit at `iter` (inside `start..tail_start`); we
        // move them to `start` (the vector's len), then the tail right after
        // them, with `ptr::copy` (regions may overlap), and set `len` to cover
        // exactly the initialized, owned values. Nothing is dropped or read twice.
        unsafe {
            let source_vec = this.vec.as_mut();
            let start = source_vec.len();
            let unyielded_len = this.iter.len();
            let unyielded_ptr = this.iter.as_slice().as_ptr();
            let base = source_vec.as_mut_ptr();
            // Pointer subtraction does not work for zero-sized `T`; moving them
            // is a no-op anyway, so only the counts matter.
            if mem::size_of::<T>() != 0 {
                let start_ptr = base.add(start);
                if !ptr::eq(unyielded_ptr, start_ptr) {
                    ptr::copy(unyielded_ptr, start_ptr, unyielded_len);
                }
                let new_tail = start + unyielded_len;
                if this.tail_start != new_tail && this.tail_len > 0 {
                    ptr::copy(base.add(this.tail_start), base.add(new_tail), this.tail_len);
                }
            }
            source_vec.set_len(start + unyielded_len + this.tail_len);
        }
    }
}

impl<T> AsRef<[T]> for Drain<'_, T> {
    fn as_ref(&self) -> &[T] {
        self.as_slice()
    }
}

impl<T> Iterator for Drain<'_, T> {
    type Item = T;

    #[inline]
    fn next(&mut self) -> Option<T> {
        // SAFETY: the element is an unyielded drained value owned by the
        // `Drain`; advancing `iter` past it gives that ownership up, so it is
        // read out exactly once and never dropped in place.
        self.iter.next().map(|elt| unsafe { ptr::read(elt) })
    }

    #[inline]
    fn size_hint(&self) -> (usize, Option<usize>) {
        self.iter.size_hint()
    }
}

impl<T> DoubleEndedIterator for Drain<'_, T> {
    #[inline]
    fn next_back(&mut self) -> Option<T> {
        // SAFETY: as in `next`, from the back.
        self.iter.next_back().map(|elt| unsafe { ptr::read(elt) })
    }
}

impl<T> ExactSizeIterator for Drain<'_, T> {}

impl<T> FusedIterator for Drain<'_, T> {}

impl<T> Drop for Drain<'_, T> {
    fn drop(&mut self) {
        /// Moves the tail back and restores the vector's length, even while
        /// unwinding from a panicking element `Drop`.
        struct MoveTailOnDrop<'r, 'a, T>(&'r mut Drain<'a, T>);

        impl<T> Drop for MoveTailOnDrop<'_, '_, T> {
            fn drop(&mut self) {
                if self.0.tail_len > 0 {
                    // SAFETY: `vec` is valid and uniquely ours for `'a`. The
                    // tail `tail_start..+tail_len` is initialized and owned by
                    // the `Drain`; the vector's `len` is the gap's start, with
                    // `len + tail_len <= tail_start + tail_len <= capacity`.
                    // One memmove (`copy`, regions may overlap) puts it right
                    // after the prefix; then `len` takes ownership of it.
                    unsafe {
                        let source_vec = self.0.vec.as_mut();
                        let start = source_vec.len();
                        let tail = self.0.tail_start;
                        if tail != start {
                            let base = source_vec.as_mut_ptr();
                            ptr::copy(base.add(tail), base.add(start), self.0.tail_len);
                        }
                        source_vec.set_len(start + self.0.tail_len);
                    }
                }
            }
        }

        let iter = mem::take(&mut self.iter);
        let drop_len = iter.len();
        let mut vec = self.vec;

        if mem::size_of::<T>() == 0 {
            // Zero-sized values have no address to tell them apart: count.
            // Put the unyielded ones and the tail back behind `len`, then let
            // `truncate` drop the unyielded ones (it sets `len` first, so a
            // panicking drop still leaves `len` covering the tail). The tail
            // values are interchangeable with dropped ones: only counts matter.
            // SAFETY: `len + drop_len + tail_len` equals the original length
            // minus the yielded values, all of which are "initialized" ZSTs.
            unsafe {
                let vec = vec.as_mut();
                let old_len = vec.len();
                vec.set_len(old_len + drop_len + self.tail_len);
                vec.truncate(old_len + self.tail_len);
            }
            return;
        }

        // From here on, the tail is moved back even if a drop panics.
        let _guard = MoveTailOnDrop(self);

        if drop_len == 0 {
            return;
        }

        // `iter` is a shared-borrow iterator; derive the write pointer from the
        // vector's raw buffer pointer instead, so dropping in place is allowed.
        let drop_ptr = iter.as_slice().as_ptr();
        // SAFETY: `drop_ptr` points into the vector's buffer at or after `len`
        // (the unyielded values), so the offset is in bounds; those
        // `drop_len` values are initialized and owned by the `Drain` alone,
        // and `iter` is now empty, so each is dropped exactly once.
        unsafe {
            let vec_ptr = vec.as_mut().as_mut_ptr();
            let drop_offset = drop_ptr.offset_from(vec_ptr) as usize;
            let to_drop = ptr::slice_from_raw_parts_mut(vec_ptr.add(drop_offset), drop_len);
            ptr::drop_in_place(to_drop);
        }
    }
}
