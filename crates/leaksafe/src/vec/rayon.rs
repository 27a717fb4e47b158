//! Feature `rayon`: parallel iterators over [`Vec`], as rayon has them for
//! std's `Vec`: `into_par_iter()` (owned items), `par_iter()`,
//! `par_iter_mut()`, `collect()`, `par_extend()`, and `par_drain()`
//! ([`ParallelDrainRange`], returning this module's [`Drain`]). Slice methods
//! (`par_chunks`, `par_sort`, ...) come through `Deref<Target = [T]>`.
//!
//! # Invariants (the soundness argument)
//! No unsafe code here. Each operation hands the vector's buffer to
//! `alloc::vec::Vec` (a move of three words, no copy: the layouts are the
//! same, see `raw.rs`) and lets rayon's own implementation for std's `Vec`
//! do the parallel work. While it runs, the leaksafe vector is empty; a
//! `PutBack` guard, owned by this module and never handed to user code,
//! returns the buffer when the operation ends, normally or by unwinding.
//!
//! **Forgetting.** The only values user code can forget are:
//! - this module's [`Drain`] before it is driven: it has not touched the
//!   vector yet (it only holds the range), so the vector is unchanged;
//! - a rayon `Producer` handed to a user `ProducerCallback` (through
//!   `with_producer`): rayon's `vec::Drain` has set the std vector's length
//!   to the range start before creating it (leak amplification, as
//!   [`Vec::drain`](super::Vec::drain)), so the forgotten producer's items
//!   are leaked, never read again; rayon's `Drain` then moves the tail back,
//!   and our guard returns the buffer. The vector holds the prefix and the
//!   tail, as after a completed drain, minus the leaked items.
//!
//! **Panics** (a user closure, an element's `Drop`): rayon's `Drain` repairs
//! the std vector during the unwind, then `PutBack` returns it, so the
//! vector is left as rayon leaves std's. A panicking `par_extend` keeps the
//! elements the vector had and those rayon appended before the panic.

use alloc::vec::Vec as StdVec;
use core::mem;
use core::ops::{Range, RangeBounds};

use ::rayon::iter::plumbing::{Consumer, ProducerCallback, UnindexedConsumer, bridge};
use ::rayon::iter::{
    FromParallelIterator, IndexedParallelIterator, IntoParallelIterator, ParallelDrainRange,
    ParallelExtend, ParallelIterator,
};

use super::{Vec, slice_range};

/// Holds a leaksafe vector's buffer as a std `Vec` for the duration of a
/// rayon operation, and puts it back when dropped (also while unwinding).
struct PutBack<'a, T> {
    dst: &'a mut Vec<T>,
    buf: StdVec<T>,
}

impl<'a, T> PutBack<'a, T> {
    fn take(dst: &'a mut Vec<T>) -> Self {
        let buf = StdVec::from(mem::take(dst));
        PutBack { dst, buf }
    }
}

impl<T> Drop for PutBack<'_, T> {
    fn drop(&mut self) {
        *self.dst = Vec::from(mem::take(&mut self.buf));
    }
}

impl<T: Send> IntoParallelIterator for Vec<T> {
    type Item = T;
    type Iter = ::rayon::vec::IntoIter<T>;

    /// A parallel iterator that moves the elements out (rayon's iterator
    /// for std's `Vec`, over this vector's buffer).
    ///
    /// ```
    /// use rayon::prelude::*;
    /// let v = leaksafe::vec![String::from("a"), String::from("b")];
    /// let owned: Vec<String> = v.into_par_iter().map(|s| s + "!").collect();
    /// assert_eq!(owned, ["a!", "b!"]);
    /// ```
    fn into_par_iter(self) -> Self::Iter {
        StdVec::from(self).into_par_iter()
    }
}

impl<'data, T: Sync + 'data> IntoParallelIterator for &'data Vec<T> {
    type Item = &'data T;
    type Iter = ::rayon::slice::Iter<'data, T>;

    /// A parallel iterator over references (what `v.par_iter()` calls).
    ///
    /// ```
    /// use rayon::prelude::*;
    /// let v = leaksafe::vec![1, 2, 3];
    /// assert_eq!(v.par_iter().sum::<i32>(), 6);
    /// ```
    fn into_par_iter(self) -> Self::Iter {
        self.as_slice().into_par_iter()
    }
}

impl<'data, T: Send + 'data> IntoParallelIterator for &'data mut Vec<T> {
    type Item = &'data mut T;
    type Iter = ::rayon::slice::IterMut<'data, T>;

    /// A parallel iterator over mutable references (what `v.par_iter_mut()` calls).
    ///
    /// ```
    /// use rayon::prelude::*;
    /// let mut v = leaksafe::vec![1, 2, 3];
    /// v.par_iter_mut().for_each(|x| *x *= 10);
    /// assert_eq!(v, [10, 20, 30]);
    /// ```
    fn into_par_iter(self) -> Self::Iter {
        self.as_mut_slice().into_par_iter()
    }
}

impl<T: Send> FromParallelIterator<T> for Vec<T> {
    /// Collects in order, as rayon does into std's `Vec` (then takes over
    /// that buffer without a copy).
    ///
    /// ```
    /// use rayon::prelude::*;
    /// let v: leaksafe::vec::Vec<u64> = (0..1000u64).into_par_iter().map(|x| x * x).collect();
    /// assert_eq!(v[999], 998_001);
    /// ```
    fn from_par_iter<I: IntoParallelIterator<Item = T>>(par_iter: I) -> Self {
        Vec::from(StdVec::from_par_iter(par_iter))
    }
}

impl<T: Send> ParallelExtend<T> for Vec<T> {
    /// Appends in order, as rayon does for std's `Vec`.
    ///
    /// ```
    /// use rayon::prelude::*;
    /// let mut v = leaksafe::vec![0];
    /// v.par_extend((1..4).into_par_iter());
    /// assert_eq!(v, [0, 1, 2, 3]);
    /// ```
    fn par_extend<I: IntoParallelIterator<Item = T>>(&mut self, par_iter: I) {
        PutBack::take(self).buf.par_extend(par_iter);
    }
}

impl<'a, T: Copy + Send + Sync + 'a> ParallelExtend<&'a T> for Vec<T> {
    /// Appends copies of the referenced elements, in order.
    ///
    /// ```
    /// use rayon::prelude::*;
    /// let mut v = leaksafe::vec![0];
    /// v.par_extend([1, 2].par_iter());
    /// assert_eq!(v, [0, 1, 2]);
    /// ```
    fn par_extend<I: IntoParallelIterator<Item = &'a T>>(&mut self, par_iter: I) {
        PutBack::take(self).buf.par_extend(par_iter);
    }
}

impl<'data, T: Send> ParallelDrainRange<usize> for &'data mut Vec<T> {
    type Iter = Drain<'data, T>;
    type Item = T;

    /// Removes `range` in parallel, yielding the items by value; the vector
    /// keeps its capacity.
    ///
    /// # Panics
    /// If the range is inverted or past the end, with std's `drain` messages,
    /// before any change.
    ///
    /// ```
    /// use rayon::prelude::*;
    /// let mut v = leaksafe::vec![0, 1, 2, 3, 4];
    /// let mid: Vec<i32> = v.par_drain(1..4).collect();
    /// assert_eq!(mid, [1, 2, 3]);
    /// assert_eq!(v, [0, 4]);
    /// ```
    #[track_caller]
    fn par_drain<R: RangeBounds<usize>>(self, range: R) -> Drain<'data, T> {
        let range = slice_range(range, self.len());
        Drain { vec: self, range }
    }
}

/// The parallel iterator of `par_drain` on a leaksafe [`Vec`].
///
/// Until it is driven it only remembers the range: forgetting it leaves the
/// vector unchanged; dropping it undriven removes the range (as rayon's
/// `vec::Drain`). See the module docs for forgetting while it runs.
///
/// ```
/// use rayon::prelude::*;
/// let mut v = leaksafe::vec![1, 2, 3];
/// std::mem::forget(v.par_drain(..));
/// assert_eq!(v, [1, 2, 3]);
/// drop(v.par_drain(1..));
/// assert_eq!(v, [1]);
/// ```
#[derive(Debug)]
pub struct Drain<'data, T: Send> {
    vec: &'data mut Vec<T>,
    /// The range still to remove; `0..0` once driving has taken it over.
    range: Range<usize>,
}

impl<T: Send> ParallelIterator for Drain<'_, T> {
    type Item = T;

    fn drive_unindexed<C: UnindexedConsumer<T>>(self, consumer: C) -> C::Result {
        bridge(self, consumer)
    }

    fn opt_len(&self) -> Option<usize> {
        Some(self.range.len())
    }
}

impl<T: Send> IndexedParallelIterator for Drain<'_, T> {
    fn drive<C: Consumer<T>>(self, consumer: C) -> C::Result {
        bridge(self, consumer)
    }

    fn len(&self) -> usize {
        self.range.len()
    }

    fn with_producer<CB: ProducerCallback<T>>(mut self, callback: CB) -> CB::Output {
        // From here on rayon's `Drain` is responsible for the range (also if
        // the callback panics), so our `Drop` must not remove it again.
        let range = mem::replace(&mut self.range, 0..0);
        let mut guard = PutBack::take(self.vec);
        guard.buf.par_drain(range).with_producer(callback)
    }
}

impl<T: Send> Drop for Drain<'_, T> {
    fn drop(&mut self) {
        // Never driven: remove the range sequentially, as rayon does.
        let range = mem::replace(&mut self.range, 0..0);
        self.vec.drain(range);
    }
}
