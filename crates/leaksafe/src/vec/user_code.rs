//! The operations of [`Vec`] that run user code while the vector is in an
//! intermediate state: `splice`, `extract_if`, `retain`, `dedup_by`,
//! `resize`, `extend_from_within`, `clone_from`, ... (and the plain moves
//! `split_off`, `append`, `leak`, `into_boxed_slice`, `spare_capacity_mut`).
//!
//! # Invariants (the soundness argument)
//! User code here is: an element's `Drop` or `Clone`, a closure
//! (`retain`'s predicate, `dedup_by`'s `same_bucket`, `resize_with`'s
//! generator), and a user iterator's `next` and `size_hint`. Any of them may
//! panic, and the proxies (`Splice`, `ExtractIf`) may be forgotten.
//!
//! - **Leak amplification first.** Before the first user call (so before
//!   the first hole is made), the vector's length is cut to a point below which every slot holds a valid
//!   element that the operation will not touch (`0` for `retain` and
//!   `dedup_by`, the range start for the proxies). A forgotten proxy or a
//!   guard skipped by an abort can then only leak, never expose a hole.
//! - **Restored by a guard named after what it restores.** Each operation
//!   that opens holes keeps its cursors in a guard: [`BackshiftOnDrop`]
//!   (`retain`), [`FillGapOnDrop`] (`dedup_by`), `SetLenOnDrop` (the
//!   appending loops). The guard's `Drop` runs on the normal path and on
//!   unwind alike and leaves the state std leaves: `retain` keeps the
//!   unvisited suffix, `dedup_by` keeps the unvisited rest, the appending
//!   loops keep what they already wrote; every element is dropped exactly
//!   once in the end.
//! - **Cursors move before user code can observe them.** A cursor that marks
//!   "this slot is gone" is advanced *before* the element's `Drop` runs, so a
//!   panicking `Drop` cannot make the guard drop or move that slot again
//!   (rust-lang/rust#85613 was this bug in `dedup_by`; #52267 was `retain`
//!   without a guard). An appended element counts only after it is written,
//!   and counts immediately (#82533 leaked clones when `Clone` panicked).
//! - **Never trust a user iterator.** `size_hint` is only used to size a
//!   reservation; writes are bounded by the capacity actually reserved
//!   (see `splice.rs`, and `Extend` in `mod.rs`).

use alloc::boxed::Box;
use core::mem::{self, ManuallyDrop, MaybeUninit};
use core::ops::RangeBounds;
use core::ptr;
use core::slice;

use super::{ExtractIf, SetLenOnDrop, Splice, Vec, slice_range};

/// `retain`'s guard: on drop (normal or unwind) shifts the unvisited
/// elements `[read, original_len)` down over the holes to `write` and sets
/// the length to what is then valid.
///
/// Invariant: `write <= read <= original_len`; `[0, write)` are kept
/// elements, `[write, read)` holes, `[read, original_len)` unvisited.
struct BackshiftOnDrop<'a, T> {
    v: &'a mut Vec<T>,
    read: usize,
    write: usize,
    original_len: usize,
}

impl<T> Drop for BackshiftOnDrop<'_, T> {
    fn drop(&mut self) {
        let remaining = self.original_len - self.read;
        if self.read != self.write {
            // SAFETY: `[read, original_len)` holds valid, untouched elements
            // (the guard invariant); the destination starts at `write`, in
            // bounds; `ptr::copy` allows the overlap.
            unsafe {
                let base = self.v.as_mut_ptr();
                ptr::copy(base.add(self.read), base.add(self.write), remaining);
            }
        }
        // SAFETY: after the shift `[0, write + remaining)` are valid and each
        // element appears once.
        unsafe { self.v.set_len(self.write + remaining) };
    }
}

/// `dedup_by`'s guard: on drop (normal or unwind) moves the unvisited
/// elements `[read, len)` down to `write`, closing the gap of removed
/// duplicates, and sets the length.
///
/// Invariant: `1 <= write <= read <= len`; `[0, write)` are kept elements,
/// `[write, read)` the gap (dropped or moved out), `[read, len)` unvisited.
struct FillGapOnDrop<'a, T> {
    vec: &'a mut Vec<T>,
    read: usize,
    write: usize,
    len: usize,
}

impl<T> Drop for FillGapOnDrop<'_, T> {
    fn drop(&mut self) {
        let items_left = self.len - self.read;
        if self.read != self.write {
            // SAFETY: `[read, len)` are valid, untouched elements (guard
            // invariant); the destination `[write, write + items_left)` is in
            // bounds; `ptr::copy` allows the overlap.
            unsafe {
                let base = self.vec.as_mut_ptr();
                ptr::copy(base.add(self.read), base.add(self.write), items_left);
            }
        }
        // SAFETY: after the move `[0, write + items_left)` are valid and each
        // element appears once.
        unsafe { self.vec.set_len(self.write + items_left) };
    }
}

impl<T> Vec<T> {
    /// Creates a splicing iterator that replaces the specified range in the
    /// vector with the given `replace_with` iterator and yields the removed
    /// items. `replace_with` does not need to be the same length as `range`.
    ///
    /// `range` is removed even if the `Splice` iterator is not consumed
    /// before it is dropped. The input iterator `replace_with` is only
    /// consumed when the `Splice` value is dropped.
    ///
    /// If the `Splice` is leaked (`core::mem::forget`), the vector keeps the
    /// elements before `range`; the rest leaks. This is safe.
    ///
    /// This is optimal if the tail (elements after `range`) is empty, or
    /// `replace_with` yields no more elements than `range`'s length, or the
    /// lower bound of its `size_hint()` is exact. Otherwise a temporary
    /// vector is allocated and the tail is moved twice. The size hint is
    /// never trusted for anything but that reservation.
    ///
    /// # Panics
    ///
    /// Panics if the starting point is greater than the end point or if the
    /// end point is greater than the length of the vector.
    ///
    /// # Examples
    ///
    /// ```
    /// let mut v = leaksafe::vec![1, 2, 3, 4];
    /// let new = [7, 8, 9];
    /// let u: Vec<_> = v.splice(1..3, new).collect();
    /// assert_eq!(v, [1, 7, 8, 9, 4]);
    /// assert_eq!(u, [2, 3]);
    /// ```
    ///
    /// Using `splice` to insert new items at a position, with an empty range:
    ///
    /// ```
    /// let mut v = leaksafe::vec![1, 5];
    /// v.splice(1..1, [2, 3, 4]);
    /// assert_eq!(v, [1, 2, 3, 4, 5]);
    /// ```
    #[inline]
    #[track_caller]
    pub fn splice<R, I>(&mut self, range: R, replace_with: I) -> Splice<'_, I::IntoIter>
    where
        R: RangeBounds<usize>,
        I: IntoIterator<Item = T>,
    {
        // The drain first: if `into_iter` (user code) panics, the drain is
        // dropped and the vector is as if `drain(range)` had run, as in std.
        Splice {
            drain: self.drain(range),
            replace_with: replace_with.into_iter(),
        }
    }

    /// Creates an iterator which uses a closure to determine if an element
    /// in the range should be removed.
    ///
    /// If the closure returns `true`, the element is removed from the vector
    /// and yielded. If it returns `false`, the element remains in the vector
    /// and will not be yielded. Only elements in `range` are considered;
    /// elements after it are moved if anything was extracted.
    ///
    /// If the returned `ExtractIf` is not exhausted (dropped early, or the
    /// closure panicked), the remaining elements are retained, in order. If
    /// it is leaked (`core::mem::forget`), the vector keeps the elements
    /// before `range` and the rest leaks. This is safe.
    ///
    /// The closure may mutate every element it is shown, whether it keeps or
    /// removes it.
    ///
    /// # Panics
    ///
    /// If `range` is out of bounds.
    ///
    /// # Examples
    ///
    /// ```
    /// let mut numbers = leaksafe::vec![1, 2, 3, 4, 5, 6, 8, 9, 11, 13, 14, 15];
    /// let evens = numbers.extract_if(.., |x| *x % 2 == 0).collect::<Vec<_>>();
    /// assert_eq!(evens, [2, 4, 6, 8, 14]);
    /// assert_eq!(numbers, [1, 3, 5, 9, 11, 13, 15]);
    ///
    /// let mut items = leaksafe::vec![0, 0, 0, 0, 0, 0, 0, 1, 2, 1, 2, 1, 2];
    /// let ones = items.extract_if(7.., |x| *x == 1).collect::<Vec<_>>();
    /// assert_eq!(items, [0, 0, 0, 0, 0, 0, 0, 2, 2, 2]);
    /// assert_eq!(ones.len(), 3);
    /// ```
    #[track_caller]
    pub fn extract_if<F, R>(&mut self, range: R, filter: F) -> ExtractIf<'_, T, F>
    where
        F: FnMut(&mut T) -> bool,
        R: RangeBounds<usize>,
    {
        let range = slice_range(range, self.len());
        ExtractIf::new(self, filter, range)
    }

    /// Retains only the elements specified by the predicate.
    ///
    /// In other words, removes all elements `e` for which `f(&e)` returns
    /// `false`. This method operates in place, visiting each element exactly
    /// once in the original order, and preserves the order of the retained
    /// elements.
    ///
    /// If `f` (or an element's `Drop`) panics, the elements not yet visited
    /// stay in the vector after the retained ones, in order.
    ///
    /// # Examples
    ///
    /// ```
    /// let mut vec = leaksafe::vec![1, 2, 3, 4];
    /// vec.retain(|&x| x % 2 == 0);
    /// assert_eq!(vec, [2, 4]);
    ///
    /// // Elements are visited exactly once, in order:
    /// let mut vec = leaksafe::vec![1, 2, 3, 4, 5];
    /// let keep = [false, true, true, false, true];
    /// let mut iter = keep.iter();
    /// vec.retain(|_| *iter.next().unwrap());
    /// assert_eq!(vec, [2, 3, 5]);
    /// ```
    pub fn retain<F>(&mut self, mut f: F)
    where
        F: FnMut(&T) -> bool,
    {
        self.retain_mut(|elem| f(elem));
    }

    /// Retains only the elements specified by the predicate, passing a
    /// mutable reference to it.
    ///
    /// In other words, removes all elements `e` such that `f(&mut e)` returns
    /// `false`. This method operates in place, visiting each element exactly
    /// once in the original order, and preserves the order of the retained
    /// elements. Panics behave as in [`retain`](Self::retain).
    ///
    /// # Examples
    ///
    /// ```
    /// let mut vec = leaksafe::vec![1, 2, 3, 4];
    /// vec.retain_mut(|x| if *x <= 3 {
    ///     *x += 1;
    ///     true
    /// } else {
    ///     false
    /// });
    /// assert_eq!(vec, [2, 3, 4]);
    /// ```
    pub fn retain_mut<F>(&mut self, mut f: F)
    where
        F: FnMut(&mut T) -> bool,
    {
        let original_len = self.len();
        if original_len == 0 {
            return;
        }
        // Leak amplification: while holes exist the length says 0, so even a
        // skipped guard could only leak. The guard restores it.
        //
        // SAFETY: 0 <= len; the elements stay initialised in the buffer.
        unsafe { self.set_len(0) };

        // [kept | holes | unvisited]
        //        ^write  ^read
        let mut g = BackshiftOnDrop {
            v: self,
            read: 0,
            write: 0,
            original_len,
        };

        // Stage 1: nothing removed yet, so nothing to move.
        while g.read < original_len {
            // SAFETY: `read < original_len`: an unvisited, valid element, and
            // the only reference to it.
            let cur = unsafe { &mut *g.v.as_mut_ptr().add(g.read) };
            if !f(cur) {
                // Advance first: if this `Drop` panics, the guard must treat
                // the slot as a hole, not drop or move it again.
                g.read += 1;
                // SAFETY: the slot is now a hole, never touched again.
                unsafe { ptr::drop_in_place(cur) };
                break;
            }
            g.read += 1;
            g.write += 1;
        }

        // Stage 2: at least one hole; every kept element moves down.
        while g.read < original_len {
            // SAFETY: as above.
            let cur = unsafe { &mut *g.v.as_mut_ptr().add(g.read) };
            if !f(cur) {
                g.read += 1;
                // SAFETY: as above.
                unsafe { ptr::drop_in_place(cur) };
            } else {
                // SAFETY: `write < read`, so the slots are distinct; the
                // destination is a hole and the source becomes one.
                unsafe {
                    let hole = g.v.as_mut_ptr().add(g.write);
                    ptr::copy_nonoverlapping(cur, hole, 1);
                }
                g.write += 1;
                g.read += 1;
            }
        }
        // `g` drops here: nothing left to shift; the length becomes `write`.
    }

    /// Removes all but the first of consecutive elements in the vector that
    /// resolve to the same key.
    ///
    /// If the vector is sorted, this removes all duplicates.
    ///
    /// # Examples
    ///
    /// ```
    /// let mut vec = leaksafe::vec![10, 20, 21, 30, 20];
    /// vec.dedup_by_key(|i| *i / 10);
    /// assert_eq!(vec, [10, 20, 30, 20]);
    /// ```
    #[inline]
    pub fn dedup_by_key<F, K>(&mut self, mut key: F)
    where
        F: FnMut(&mut T) -> K,
        K: PartialEq,
    {
        self.dedup_by(|a, b| key(a) == key(b))
    }

    /// Removes all but the first of consecutive elements in the vector
    /// satisfying a given equality relation.
    ///
    /// The `same_bucket` function is passed references to two elements from
    /// the vector and must determine if the elements compare equal. The
    /// elements are passed in opposite order from their order in the slice,
    /// so if `same_bucket(a, b)` returns `true`, `a` is removed.
    ///
    /// If `same_bucket` or an element's `Drop` panics, the elements not yet
    /// visited stay in the vector after the kept ones, in order.
    ///
    /// # Examples
    ///
    /// ```
    /// let mut vec = leaksafe::vec!["foo", "bar", "Bar", "baz", "bar"];
    /// vec.dedup_by(|a, b| a.eq_ignore_ascii_case(b));
    /// assert_eq!(vec, ["foo", "bar", "baz", "bar"]);
    /// ```
    pub fn dedup_by<F>(&mut self, mut same_bucket: F)
    where
        F: FnMut(&mut T, &mut T) -> bool,
    {
        let len = self.len();
        if len <= 1 {
            return;
        }
        // Leak amplification, as in `retain_mut`.
        //
        // SAFETY: the elements stay initialised in the buffer.
        unsafe { self.set_len(0) };

        // [kept | gap | unvisited], the last kept element at `write - 1`.
        let mut gap = FillGapOnDrop {
            vec: self,
            read: 1,
            write: 1,
            len,
        };
        let start = gap.vec.as_mut_ptr();

        // Stage 1: no duplicate found yet, nothing to move.
        while gap.read < len {
            // SAFETY: `write - 1 < read < len`: two distinct valid elements
            // (the gap is empty, so `write - 1 == read - 1`).
            let found =
                unsafe { same_bucket(&mut *start.add(gap.read), &mut *start.add(gap.write - 1)) };
            if found {
                // Advance first: a panicking `Drop` must not be dropped or
                // moved again by the guard (rust-lang/rust#85613).
                gap.read += 1;
                // SAFETY: the slot is now in the gap, never touched again.
                unsafe { ptr::drop_in_place(start.add(gap.read - 1)) };
                break;
            }
            gap.read += 1;
            gap.write += 1;
        }

        // Stage 2: a gap exists; every kept element moves down.
        while gap.read < len {
            // SAFETY: `write - 1 < write <= read - 1 < read < len`: both
            // valid elements, distinct.
            let read_ptr = unsafe { start.add(gap.read) };
            // SAFETY: as above.
            let found = unsafe { same_bucket(&mut *read_ptr, &mut *start.add(gap.write - 1)) };
            if found {
                gap.read += 1;
                // SAFETY: as in stage 1.
                unsafe { ptr::drop_in_place(read_ptr) };
            } else {
                // SAFETY: `write < read`: the destination is in the gap and
                // the source joins it.
                unsafe { ptr::copy_nonoverlapping(read_ptr, start.add(gap.write), 1) };
                gap.write += 1;
                gap.read += 1;
            }
        }
        // `gap` drops here: nothing left to move; the length becomes `write`.
    }

    /// Resizes the `Vec` in place so that `len` is equal to `new_len`.
    ///
    /// If `new_len` is greater than `len`, the `Vec` is extended by the
    /// difference, with each additional slot filled with the result of
    /// calling the closure `f`, in order. If `new_len` is less than `len`,
    /// the `Vec` is simply truncated. If `f` panics, the values it already
    /// returned stay in the vector.
    ///
    /// # Panics
    ///
    /// Panics if the new capacity exceeds `isize::MAX` _bytes_.
    ///
    /// # Examples
    ///
    /// ```
    /// let mut vec = leaksafe::vec![1, 2, 3];
    /// vec.resize_with(5, Default::default);
    /// assert_eq!(vec, [1, 2, 3, 0, 0]);
    ///
    /// let mut vec = leaksafe::vec::Vec::new();
    /// let mut p = 1;
    /// vec.resize_with(4, || { p *= 2; p });
    /// assert_eq!(vec, [2, 4, 8, 16]);
    /// ```
    #[track_caller]
    pub fn resize_with<F>(&mut self, new_len: usize, mut f: F)
    where
        F: FnMut() -> T,
    {
        let len = self.len();
        if new_len <= len {
            self.truncate(new_len);
            return;
        }
        let n = new_len - len;
        self.reserve(n);
        let ptr = self.as_mut_ptr();
        let mut local_len = SetLenOnDrop::new(&mut self.len);
        for _ in 0..n {
            // User code: on panic `local_len` writes back what was written.
            let value = f();
            // SAFETY: `local_len < len + n <= capacity` (reserved above), a
            // spare slot.
            unsafe { ptr.add(local_len.current_len()).write(value) };
            local_len.increment_len(1);
        }
    }

    /// Resizes the `Vec` in place so that `len` is equal to `new_len`.
    ///
    /// If `new_len` is greater than `len`, the `Vec` is extended by the
    /// difference, with each additional slot filled with a clone of `value`
    /// (the last slot gets `value` itself). If `new_len` is less than `len`,
    /// the `Vec` is simply truncated. If a `clone` panics, the clones already
    /// made stay in the vector.
    ///
    /// # Panics
    ///
    /// Panics if the new capacity exceeds `isize::MAX` _bytes_.
    ///
    /// # Examples
    ///
    /// ```
    /// let mut vec = leaksafe::vec!["hello"];
    /// vec.resize(3, "world");
    /// assert_eq!(vec, ["hello", "world", "world"]);
    ///
    /// let mut vec = leaksafe::vec!['a', 'b', 'c', 'd'];
    /// vec.resize(2, '_');
    /// assert_eq!(vec, ['a', 'b']);
    /// ```
    #[track_caller]
    pub fn resize(&mut self, new_len: usize, value: T)
    where
        T: Clone,
    {
        let len = self.len();
        if new_len <= len {
            self.truncate(new_len);
            return;
        }
        // `n - 1` clones then `value` itself, each counted as it is written
        // (`SetLenOnDrop`), so a panicking `clone` keeps the clones made.
        self.extend_with(new_len - len, value);
    }

    /// Clones the elements in range `src` and appends them to the end.
    ///
    /// If a `clone` panics, the clones already made stay in the vector
    /// (rust-lang/rust#82533).
    ///
    /// # Panics
    ///
    /// Panics if the starting index is greater than the end index, if the end
    /// index is greater than the length of the vector, or if the new capacity
    /// exceeds `isize::MAX` _bytes_.
    ///
    /// # Examples
    ///
    /// ```
    /// let mut characters = leaksafe::vec!['a', 'b', 'c', 'd', 'e'];
    /// characters.extend_from_within(2..);
    /// assert_eq!(characters, ['a', 'b', 'c', 'd', 'e', 'c', 'd', 'e']);
    ///
    /// let mut numbers = leaksafe::vec![0, 1, 2, 3, 4];
    /// numbers.extend_from_within(..2);
    /// assert_eq!(numbers, [0, 1, 2, 3, 4, 0, 1]);
    /// ```
    #[track_caller]
    pub fn extend_from_within<R>(&mut self, src: R)
    where
        R: RangeBounds<usize>,
        T: Clone,
    {
        let range = slice_range(src, self.len());
        self.reserve(range.len());
        let (init, spare, len) = self.split_at_spare_mut_with_len();
        let to_clone = &init[range];
        for (src, dst) in to_clone.iter().zip(spare) {
            // User code: if `clone` panics, `len` already counts every clone
            // written before it (rust-lang/rust#82533).
            dst.write(src.clone());
            *len += 1;
        }
    }

    /// The initialised elements, the spare capacity and the length field,
    /// as three disjoint borrows. The length may only be increased after the
    /// matching spare slot was written.
    fn split_at_spare_mut_with_len(&mut self) -> (&mut [T], &mut [MaybeUninit<T>], &mut usize) {
        let ptr = self.buf.ptr();
        let spare_len = self.buf.capacity() - self.len;
        // SAFETY: `[0, len)` are initialised elements and `[len, capacity)`
        // spare slots of the same allocation (or zero-sized values): two
        // disjoint ranges, both derived from the raw buffer pointer without an
        // intermediate reference. The length field is a third, disjoint place.
        unsafe {
            let init = slice::from_raw_parts_mut(ptr, self.len);
            let spare =
                slice::from_raw_parts_mut(ptr.add(self.len).cast::<MaybeUninit<T>>(), spare_len);
            (init, spare, &mut self.len)
        }
    }

    /// Splits the collection into two at the given index.
    ///
    /// Returns a newly allocated vector containing the elements in the range
    /// `[at, len)`. After the call, the original vector will be left
    /// containing the elements `[0, at)` with its previous capacity unchanged.
    ///
    /// # Panics
    ///
    /// Panics if `at > len`.
    ///
    /// # Examples
    ///
    /// ```
    /// let mut vec = leaksafe::vec!['a', 'b', 'c'];
    /// let vec2 = vec.split_off(1);
    /// assert_eq!(vec, ['a']);
    /// assert_eq!(vec2, ['b', 'c']);
    /// ```
    #[must_use = "use `.truncate()` if you don't need the other half"]
    #[track_caller]
    pub fn split_off(&mut self, at: usize) -> Self {
        #[cold]
        #[inline(never)]
        #[track_caller]
        fn assert_failed(at: usize, len: usize) -> ! {
            panic!("`at` split index (is {at}) should be <= len (is {len})");
        }
        if at > self.len() {
            assert_failed(at, self.len());
        }
        let other_len = self.len() - at;
        // May panic or abort on allocation; nothing changed yet.
        let mut other = Vec::with_capacity(other_len);
        // SAFETY: `[at, len)` are valid elements moved bitwise into `other`'s
        // fresh buffer (distinct allocations); `self` stops owning them by
        // the `set_len(at)`, `other` starts owning them by its `set_len`.
        unsafe {
            self.set_len(at);
            ptr::copy_nonoverlapping(self.as_ptr().add(at), other.as_mut_ptr(), other_len);
            other.set_len(other_len);
        }
        other
    }

    /// Moves all the elements of `other` into `self`, leaving `other` empty.
    ///
    /// # Panics
    ///
    /// Panics if the new capacity exceeds `isize::MAX` _bytes_.
    ///
    /// # Examples
    ///
    /// ```
    /// let mut vec = leaksafe::vec![1, 2, 3];
    /// let mut vec2 = leaksafe::vec![4, 5, 6];
    /// vec.append(&mut vec2);
    /// assert_eq!(vec, [1, 2, 3, 4, 5, 6]);
    /// assert!(vec2.is_empty());
    /// ```
    #[track_caller]
    pub fn append(&mut self, other: &mut Self) {
        let count = other.len();
        // May panic; nothing moved yet.
        self.reserve(count);
        let len = self.len();
        // SAFETY: `other`'s `count` valid elements move bitwise into `self`'s
        // spare capacity (reserved; two distinct vectors cannot share a
        // buffer). Ownership passes by the two `set_len`s.
        unsafe {
            ptr::copy_nonoverlapping(other.as_ptr(), self.as_mut_ptr().add(len), count);
            other.set_len(0);
            self.set_len(len + count);
        }
    }

    /// Consumes and leaks the `Vec`, returning a mutable reference to the
    /// contents, `&'a mut [T]`.
    ///
    /// `T` must outlive the chosen lifetime `'a`. The allocation is not
    /// shrunk, and is never freed: dropping the returned reference leaks it.
    ///
    /// # Examples
    ///
    /// ```
    /// let x = leaksafe::vec![1, 2, 3];
    /// let static_ref: &'static mut [usize] = x.leak();
    /// static_ref[0] += 1;
    /// assert_eq!(static_ref, &[2, 2, 3]);
    /// ```
    pub fn leak<'a>(self) -> &'a mut [T] {
        let mut me = ManuallyDrop::new(self);
        // SAFETY: the buffer holds `len` valid elements and is never freed or
        // touched again (the vector is not dropped), so the slice may live
        // for any `'a` that `T` outlives.
        unsafe { slice::from_raw_parts_mut(me.as_mut_ptr(), me.len()) }
    }

    /// Converts the vector into [`Box<[T]>`](Box), discarding excess
    /// capacity like [`shrink_to_fit`](Self::shrink_to_fit).
    ///
    /// # Examples
    ///
    /// ```
    /// let mut vec = leaksafe::vec::Vec::with_capacity(10);
    /// vec.extend([1, 2, 3]);
    /// let slice: Box<[i32]> = vec.into_boxed_slice();
    /// assert_eq!(&*slice, [1, 2, 3]);
    /// ```
    pub fn into_boxed_slice(mut self) -> Box<[T]> {
        self.shrink_to_fit();
        if mem::size_of::<T>() != 0 && self.capacity() != self.len() {
            // `shrink_to_fit` is exact for this buffer; keep the conversion
            // sound even if that ever changes, at the price of a copy.
            return self.into_iter().collect();
        }
        let mut me = ManuallyDrop::new(self);
        let len = me.len();
        let data = me.as_mut_ptr();
        // SAFETY: for a sized `T`, the buffer was allocated by the global
        // allocator with `Layout::array::<T>(len)` (capacity == len, raw.rs),
        // which is the layout of `[T; len]` that `Box<[T]>` frees; or it is
        // dangling and `len == 0` (no allocation, as `Box` expects for zero
        // bytes). For a zero-sized `T` nothing is allocated and the pointer is
        // dangling and aligned. The `len` elements are valid and now owned by
        // the box; the vector is never dropped.
        unsafe { Box::from_raw(ptr::slice_from_raw_parts_mut(data, len)) }
    }

    /// Returns the remaining spare capacity of the vector as a slice of
    /// `MaybeUninit<T>`.
    ///
    /// The returned slice can be used to fill the vector with data before
    /// marking it as initialized with [`set_len`](Self::set_len).
    ///
    /// # Examples
    ///
    /// ```
    /// let mut v = leaksafe::vec::Vec::with_capacity(10);
    /// let uninit = v.spare_capacity_mut();
    /// uninit[0].write(0);
    /// uninit[1].write(1);
    /// uninit[2].write(2);
    /// // SAFETY: the first 3 slots were just initialised.
    /// unsafe { v.set_len(3) };
    /// assert_eq!(&v, &[0, 1, 2]);
    /// ```
    #[inline]
    pub fn spare_capacity_mut(&mut self) -> &mut [MaybeUninit<T>] {
        let len = self.len();
        let spare = self.capacity() - len;
        // SAFETY: `[len, capacity)` is inside the allocation (or zero-sized
        // values), and `MaybeUninit` accepts any content. The borrow of
        // `self` keeps anyone from touching those slots meanwhile.
        unsafe {
            slice::from_raw_parts_mut(self.as_mut_ptr().add(len).cast::<MaybeUninit<T>>(), spare)
        }
    }

    /// `Clone::clone_from` for `Vec`: reuses the allocation and the existing
    /// elements (through `T::clone_from`), as std does. Called by the
    /// `Clone` impl in `mod.rs`.
    ///
    /// Panics leave a valid vector: `truncate` drops the excess first, each
    /// `T::clone_from` leaves its element valid, and `extend_from_slice`
    /// counts each clone as it is written.
    pub(super) fn clone_from_impl(&mut self, source: &Self)
    where
        T: Clone,
    {
        self.truncate(source.len());
        let (init, tail) = source.split_at(self.len());
        self.clone_from_slice(init);
        self.extend_from_slice(tail);
    }
}

impl<T: PartialEq> Vec<T> {
    /// Removes consecutive repeated elements in the vector according to the
    /// [`PartialEq`] trait implementation.
    ///
    /// If the vector is sorted, this removes all duplicates. A panicking `eq`
    /// or `Drop` behaves as in [`dedup_by`](Self::dedup_by).
    ///
    /// # Examples
    ///
    /// ```
    /// let mut vec = leaksafe::vec![1, 2, 2, 3, 2];
    /// vec.dedup();
    /// assert_eq!(vec, [1, 2, 3, 2]);
    /// ```
    #[inline]
    pub fn dedup(&mut self) {
        self.dedup_by(|a, b| a == b)
    }
}
