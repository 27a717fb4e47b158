//! [`IntoIter`]: the by-value iterator of a [`Vec`].
//!
//! # Invariants
//! An `IntoIter` owns the vector's buffer (`buf`) and the values in slots
//! `start..end`; slots before `start` and from `end` on were yielded (or were
//! never initialized) and are never read or dropped again. `start <= end <=
//! buf.capacity()`. Indices, not pointers, track the range, so zero-sized `T`
//! needs no special case.
//!
//! `Drop` drops the remaining values with `drop_in_place` (which goes on with
//! the others if one panics), then the `buf` field frees the allocation, also
//! during that unwind. Forgetting an `IntoIter` leaks the remaining values and
//! the buffer: nothing else refers to them, so that is safe.

use core::fmt;
use core::iter::FusedIterator;
use core::ptr;
use core::slice;

use super::Vec;
use super::raw::RawVec;

/// An iterator that moves out of a vector, created by `Vec::into_iter`.
///
/// ```
/// let v = leaksafe::vec![1, 2, 3];
/// let mut it = v.into_iter();
/// assert_eq!(it.next(), Some(1));
/// assert_eq!(it.next_back(), Some(3));
/// assert_eq!(it.as_slice(), &[2]);
/// assert_eq!(it.len(), 1);
/// ```
pub struct IntoIter<T> {
    buf: RawVec<T>,
    start: usize,
    end: usize,
}

impl<T> IntoIter<T> {
    /// Takes over a buffer whose slots `0..len` are initialized.
    ///
    /// # Safety
    /// `len <= buf.capacity()` and slots `0..len` hold values now owned by the
    /// iterator (no one else will read or drop them).
    pub(super) unsafe fn new(buf: RawVec<T>, len: usize) -> Self {
        IntoIter {
            buf,
            start: 0,
            end: len,
        }
    }

    /// The values not yet yielded, as a slice.
    ///
    /// ```
    /// let mut it = leaksafe::vec![1, 2, 3].into_iter();
    /// it.next();
    /// assert_eq!(it.as_slice(), &[2, 3]);
    /// ```
    #[must_use]
    pub fn as_slice(&self) -> &[T] {
        // SAFETY: slots `start..end` are initialized and owned by us (invariant).
        unsafe { slice::from_raw_parts(self.buf.ptr().add(self.start), self.end - self.start) }
    }

    /// The values not yet yielded, as a mutable slice.
    ///
    /// ```
    /// let mut it = leaksafe::vec![1, 2].into_iter();
    /// it.as_mut_slice()[0] = 9;
    /// assert_eq!(it.next(), Some(9));
    /// ```
    #[must_use]
    pub fn as_mut_slice(&mut self) -> &mut [T] {
        // SAFETY: as in `as_slice`; `&mut self` makes the access unique.
        unsafe { slice::from_raw_parts_mut(self.buf.ptr().add(self.start), self.end - self.start) }
    }
}

// `Send`/`Sync` come from `RawVec<T>` (as for `Box<[T]>`).

impl<T: fmt::Debug> fmt::Debug for IntoIter<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("IntoIter").field(&self.as_slice()).finish()
    }
}

impl<T> Default for IntoIter<T> {
    /// An empty iterator.
    fn default() -> Self {
        Vec::new().into_iter()
    }
}

impl<T: Clone> Clone for IntoIter<T> {
    /// An iterator over clones of the remaining values.
    fn clone(&self) -> Self {
        Vec::from(self.as_slice()).into_iter()
    }
}

impl<T> AsRef<[T]> for IntoIter<T> {
    fn as_ref(&self) -> &[T] {
        self.as_slice()
    }
}

impl<T> Iterator for IntoIter<T> {
    type Item = T;

    #[inline]
    fn next(&mut self) -> Option<T> {
        if self.start == self.end {
            return None;
        }
        let i = self.start;
        self.start = i + 1;
        // SAFETY: `i` was in `start..end`, so initialized and ours; moving
        // `start` past it first gives that ownership to the caller.
        Some(unsafe { ptr::read(self.buf.ptr().add(i)) })
    }

    #[inline]
    fn size_hint(&self) -> (usize, Option<usize>) {
        let n = self.end - self.start;
        (n, Some(n))
    }

    #[inline]
    fn count(self) -> usize {
        self.len()
    }
}

impl<T> DoubleEndedIterator for IntoIter<T> {
    #[inline]
    fn next_back(&mut self) -> Option<T> {
        if self.start == self.end {
            return None;
        }
        self.end -= 1;
        // SAFETY: the old `end - 1` was in `start..end`; lowering `end` first
        // gives that value to the caller.
        Some(unsafe { ptr::read(self.buf.ptr().add(self.end)) })
    }
}

impl<T> ExactSizeIterator for IntoIter<T> {}

impl<T> FusedIterator for IntoIter<T> {}

#[cfg(not(feature = "nightly"))]
impl<T> Drop for IntoIter<T> {
    fn drop(&mut self) {
        self.drop_remaining();
    }
}

#[cfg(feature = "nightly")]
// SAFETY: `#[may_dangle]` as on std's `IntoIter`: `drop` only drops the
// remaining `T`s and frees the buffer (`RawVec`, whose `PhantomData<T>`
// declares that `T`s are dropped); it never reads a `T` otherwise.
unsafe impl<#[may_dangle] T> Drop for IntoIter<T> {
    fn drop(&mut self) {
        self.drop_remaining();
    }
}

impl<T> IntoIter<T> {
    /// The body of `Drop`: drops the values not yet yielded, touching `T`s in
    /// no other way.
    #[inline]
    fn drop_remaining(&mut self) {
        let remaining = ptr::slice_from_raw_parts_mut(
            // SAFETY: `start <= capacity`, so the offset stays in (or one past) the buffer.
            unsafe { self.buf.ptr().add(self.start) },
            self.end - self.start,
        );
        // Mark them gone first, so nothing could reach them again.
        self.start = self.end;
        // SAFETY: the remaining values are initialized and owned only by us;
        // `drop_in_place` drops each once even if one panics. The `buf` field
        // is dropped after this (also while unwinding) and frees the memory.
        unsafe { ptr::drop_in_place(remaining) };
    }
}
