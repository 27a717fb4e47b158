//! A growable vector whose proxies are sound when forgotten.
//!
//! # Switching from std
//! Replace `use std::vec::Vec;` by `use leaksafe::vec::Vec;` and write
//! `use leaksafe::vec;` for the `vec!` macro (same three forms as std's).
//!
//! **Identical:** every stable inherent method of std 1.95's `Vec` (same
//! names, signatures, panics and messages, growth and capacities), `Deref` to
//! `[T]` (so every slice method), `Drain`/`Splice`/`ExtractIf`/`IntoIter`, and
//! std's trait impls: comparisons, `Hash`, `Extend`, `FromIterator`, `From`
//! arrays/slices/`Box<[T]>`/`String`/`CString`/`Cow`/`VecDeque`/`BinaryHeap`,
//! into `Box<[T]>`, `Box<[T; N]>`, `[T; N]`, `Rc<[T]>`, `Arc<[T]>`
//! (leaksafe's), `String` (`TryFrom`), `io::Write` (feature `std`),
//! `Send`/`Sync`/`UnwindSafe` as std's. The one behavioural difference is
//! the point of this crate: a forgotten `Drain`, `Splice` or `ExtractIf`
//! leaves the vector truncated instead of exposing moved-out slots.
//!
//! **Different on stable**, each with its one-line fix:
//! - *A different type.* An API that takes or returns std's `Vec`
//!   (`<[T]>::to_vec`, `concat`, `join`, `String::into_bytes`,
//!   `String::from_utf8`, `Read::read_to_end`, `Cow::into_owned`) needs a
//!   conversion, which never copies (same buffer layout):
//!   `let v: Vec<u8> = s.into_bytes().into();`, `String::from_utf8(v.into())`
//!   (or `String::try_from(v)`), `io::copy(&mut reader, &mut v)` instead of
//!   `read_to_end`.
//! - *Stricter drop check* (std's `Drop` uses the unstable `#[may_dangle]`):
//!   a `Vec<&T>` whose `T` dies first is rejected even if the vector is never
//!   used again (E0597/E0505, example below). Fix: end the vector first,
//!   `drop(names);` before `drop(recs);` (or declare the referent before the
//!   vector), or build with feature `nightly` on a nightly toolchain, which
//!   adds the same `#[may_dangle]` as std.
//! - *`io::Cursor<Vec<u8>>` does not implement `Write`* (the orphan rule
//!   forbids it outside std). Fix: write to the `Vec` itself (it is
//!   `io::Write`), or use `Cursor<std::vec::Vec<u8>>` and `.into()` after.
//!
//! **Ecosystem** (optional features): `serde` (the same sequence format as
//! std's `Vec`, so serialized data is interchangeable), `rayon`
//! (`into_par_iter` with owned items, `par_iter(_mut)`, `collect`,
//! `par_extend`, `par_drain`: see the module `leaksafe::vec::rayon` when the
//! feature is on), `stable_deref_trait` (`StableDeref`). rayon's
//! `collect_into_vec`/`unzip_into_vecs` take std's `Vec` by type; fix:
//! `let v: Vec<_> = iter.collect();`.
//!
//! **Not provided** (each unstable in std 1.95): the allocator parameter
//! (`Vec<T, A>`, `new_in`, `allocator`), `try_with_capacity`,
//! `push_within_capacity`, `try_remove`, `peek_mut`, `split_at_spare_mut`,
//! `into_chunks`, `recycle`, `from_fn`, `from_parts`/`into_parts`/
//! `as_non_null`, `try_shrink_to*`, `const_make_global`, and the internal
//! `TrustedLen`/`DerefPure`/in-place-iteration traits. ([`Drain::keep_rest`],
//! unstable in std, is provided.) Performance differences without API
//! impact: `vec![0; n]` clones instead of calling the zeroing allocator, and
//! `v.into_iter().map(f).collect()` allocates a new buffer instead of
//! reusing `v`'s (std specializes both, which stable code cannot).
//!
//! [`Vec<T>`] is built on its own buffer (one allocation of
//! `Layout::array::<T>(capacity)` from the global allocator), so it converts
//! to and from `alloc::vec::Vec` without a copy.
//!
//! # Invariants
//! For every `Vec<T>` reachable from safe code, at every point where user code
//! (a `Drop`, `Clone`, iterator or closure) may run or unwind:
//! 1. `len <= buf.capacity()`;
//! 2. slots `0..len` hold initialized values that the vector owns, each owned
//!    by nothing else;
//! 3. slots `len..capacity` are logically uninitialized: the vector never reads
//!    or drops them.
//!
//! Methods that move elements (`insert`, `remove`, `truncate`, ...) first make
//! the invariants true for the state they are heading to (e.g. `truncate` sets
//! `len` *before* dropping the tail), so a panicking `Drop` leaves a valid vector.
//!
//! # Leak amplification
//! A proxy that borrows the vector and leaves holes in it ([`Drain`],
//! [`Splice`] and [`ExtractIf`]) sets `len` to the start of the affected
//! range when it is created, so the holes and everything after them are past
//! `len`. Its `Drop` repairs the vector and restores `len`. If the proxy is
//! forgotten, the repair never happens, and the vector is still valid: it holds
//! the untouched prefix, and the rest is leaked (never dropped, never read).
//!
//! # Zero-sized types
//! Nothing is allocated, [`capacity`](Vec::capacity) is `usize::MAX`, and every
//! element is still dropped exactly once (pointer arithmetic on them is a no-op,
//! so code here counts with `len` rather than pointers).
//!
//! # Drop check (stable) and `#[may_dangle]` (feature `nightly`)
//! std's `Vec` and `IntoIter` mark their `Drop` with the unstable
//! `#[may_dangle]`: the compiler may then let the elements' borrows end
//! before the vector is dropped, as long as the vector is not used again.
//! On stable this `Vec` cannot, so the borrow checker treats its `Drop` as a
//! use of every borrow inside. What a user sees:
//!
#![cfg_attr(not(feature = "nightly"), doc = "```compile_fail,E0505")]
#![cfg_attr(feature = "nightly", doc = "```")]
//! use leaksafe::vec::Vec;
//!
//! let recs = leaksafe::vec![String::from("ada lovelace")];
//! let names: Vec<&str> = recs.iter().map(|r| r.as_str()).collect();
//! assert_eq!(names.len(), 1);
//! drop(recs);
//! // error[E0505]: cannot move out of `recs` because it is borrowed
//! //   ... borrow might be used here, when `names` is dropped and runs the
//! //   `Drop` code for type `leaksafe::vec::Vec`
//! ```
//!
//! and, for a referent declared after the vector:
//!
#![cfg_attr(not(feature = "nightly"), doc = "```compile_fail,E0597")]
#![cfg_attr(feature = "nightly", doc = "```")]
//! let mut v = leaksafe::vec::Vec::new();
//! let x = 1;
//! v.push(&x);
//! // error[E0597]: `x` does not live long enough
//! //   ... borrow might be used here, when `v` is dropped and runs the `Drop`
//! //   code for type `leaksafe::vec::Vec`
//! ```
//!
//! std accepts both. The fix is one line: end the vector first
//! (`drop(names);` before `drop(recs);`), or declare the referent first
//! (`let x = 1;` before `let mut v`):
//!
//! ```
//! use leaksafe::vec::Vec;
//!
//! let recs = leaksafe::vec![String::from("ada lovelace")];
//! let names: Vec<&str> = recs.iter().map(|r| r.as_str()).collect();
//! drop(names);
//! drop(recs);
//! ```
//!
//! With feature `nightly` (nightly toolchain), `Vec`, `IntoIter` and the
//! buffer drop with `#[may_dangle]` exactly as std's, and both examples above
//! compile. This is sound for the same reason as in std: their `Drop` only
//! drops the `T`s they own (the buffer's `PhantomData<T>` tells the drop
//! checker so, which keeps a `T` with its own `Drop` from dangling) and never
//! reads them otherwise. `Drain`, `Splice` and `ExtractIf` have no eyepatch
//! in std either. Elements whose own `Drop` reads a borrow are still
//! rejected, with or without the feature, as with std:
//!
//! ```compile_fail,E0597
//! struct Loud<'a>(&'a str);
//! impl Drop for Loud<'_> {
//!     fn drop(&mut self) {
//!         println!("{}", self.0);
//!     }
//! }
//! let mut v = leaksafe::vec::Vec::new();
//! let s = String::from("x");
//! v.push(Loud(&s)); // `s` is dropped first, then `Loud::drop` would read it
//! ```

use alloc::borrow::Cow;
use alloc::boxed::Box;
use core::borrow::{Borrow, BorrowMut};
use core::cmp::Ordering;
use core::fmt;
use core::hash::{Hash, Hasher};
use core::mem::{self, ManuallyDrop};
use core::ops::{self, Bound, Deref, DerefMut, Index, IndexMut, RangeBounds};
use core::ptr::{self, NonNull};
use core::slice::{self, SliceIndex};

use alloc::collections::TryReserveError;

mod convert;
mod drain;
mod extract_if;
mod into_iter;
mod into_rc;
mod raw;
#[cfg(feature = "rayon")]
pub mod rayon;
#[cfg(feature = "serde")]
mod serde;
mod splice;
#[cfg(feature = "stable_deref_trait")]
mod stable_deref;
mod user_code;

pub use drain::Drain;
pub use extract_if::ExtractIf;
pub use into_iter::IntoIter;
use raw::RawVec;
pub use splice::Splice;

/// A contiguous growable array type, like `std::vec::Vec`, whose
/// [`Drain`] (and other proxies) stay sound when forgotten.
///
/// # Switching from std
/// `use leaksafe::vec::Vec;` (and `use leaksafe::vec;` for `vec!`): the API
/// is std 1.95's stable one. On stable, three things differ, each with a
/// one-line fix (details in the [module docs](self#switching-from-std)):
/// std APIs that take or return std's `Vec` need `.into()` (no copy); a
/// `Vec<&T>` must be dropped before its referents (`drop(v)` first), or use
/// feature `nightly`; and `io::Cursor<Vec<u8>>` is not `Write` (write to the
/// `Vec` directly).
///
/// ```
/// use leaksafe::vec::Vec;
///
/// let mut v = Vec::new();
/// v.push(1);
/// v.push(2);
/// assert_eq!(v.len(), 2);
/// assert_eq!(v[0], 1);
/// assert_eq!(v.pop(), Some(2));
/// v.extend([3, 4]);
/// assert_eq!(v, [1, 3, 4]);
/// ```
pub struct Vec<T> {
    buf: RawVec<T>,
    len: usize,
}

/// Creates a [`Vec`] containing the arguments, with std's three forms.
///
/// ```
/// use leaksafe::vec;
///
/// let empty: leaksafe::vec::Vec<i32> = vec![];
/// assert!(empty.is_empty());
/// let v = vec![1, 2, 3];
/// assert_eq!(v, [1, 2, 3]);
/// let w = vec![String::from("x"); 3];
/// assert_eq!(w, ["x", "x", "x"]);
/// ```
#[macro_export]
macro_rules! vec {
    () => {
        $crate::vec::Vec::new()
    };
    ($elem:expr; $n:expr) => {
        $crate::vec::from_elem($elem, $n)
    };
    ($($x:expr),+ $(,)?) => {
        $crate::vec::from_array([$($x),+])
    };
}

/// `vec![a, b, c]`: the array moved into a new vector.
///
/// Used by the [`vec!`](crate::vec!) macro; public only for it. A plain
/// generic function, not `Vec::from`, so that the type the caller expects
/// reaches the array's elements, as with std's `vec!`: in
/// `let v: Vec<Box<dyn Tr>> = vec![Box::new(A), Box::new(B)];` each element
/// is coerced to `Box<dyn Tr>`.
#[doc(hidden)]
#[inline]
pub fn from_array<T, const N: usize>(array: [T; N]) -> Vec<T> {
    Vec::from(array)
}

/// `vec![elem; n]`: `n - 1` clones of `elem`, then `elem` itself (dropped if `n == 0`).
///
/// Used by the [`vec!`](crate::vec!) macro; public only for it.
#[doc(hidden)]
pub fn from_elem<T: Clone>(elem: T, n: usize) -> Vec<T> {
    let mut v = Vec::with_capacity(n);
    v.extend_with(n, elem);
    v
}

/// Sets the vector's `len` when dropped, so a loop that writes elements one by
/// one keeps them all, even if a `clone` or `next` panics midway.
pub(crate) struct SetLenOnDrop<'a> {
    len: &'a mut usize,
    local_len: usize,
}

impl<'a> SetLenOnDrop<'a> {
    #[inline]
    pub(crate) fn new(len: &'a mut usize) -> Self {
        SetLenOnDrop {
            local_len: *len,
            len,
        }
    }

    #[inline]
    pub(crate) fn increment_len(&mut self, n: usize) {
        self.local_len += n;
    }

    #[inline]
    pub(crate) fn current_len(&self) -> usize {
        self.local_len
    }
}

impl Drop for SetLenOnDrop<'_> {
    #[inline]
    fn drop(&mut self) {
        *self.len = self.local_len;
    }
}

/// Resolves a range against `len` exactly as std's `slice::range` does (the
/// same checks in the same order, so the same panic messages as the running
/// std). Panics before anything is changed.
#[track_caller]
pub(crate) fn slice_range<R: RangeBounds<usize>>(range: R, len: usize) -> ops::Range<usize> {
    /// std's `slice_index_fail`: picks the message from what is wrong.
    #[cold]
    #[inline(never)]
    #[track_caller]
    fn index_fail(start: usize, end: usize, len: usize) -> ! {
        if start > len {
            panic!("range start index {start} out of range for slice of length {len}");
        }
        if end > len {
            panic!("range end index {end} out of range for slice of length {len}");
        }
        if start > end {
            panic!("slice index starts at {start} but ends at {end}");
        }
        // Only reachable for an inclusive end equal to `len`.
        panic!("range end index {end} out of range for slice of length {len}");
    }

    let end = match range.end_bound() {
        Bound::Included(&end) if end >= len => index_fail(0, end, len),
        // Cannot overflow: `end < len`.
        Bound::Included(&end) => end + 1,
        Bound::Excluded(&end) if end > len => index_fail(0, end, len),
        Bound::Excluded(&end) => end,
        Bound::Unbounded => len,
    };
    let start = match range.start_bound() {
        Bound::Excluded(&start) if start >= end => index_fail(start, end, len),
        // Cannot overflow: `start < end`.
        Bound::Excluded(&start) => start + 1,
        Bound::Included(&start) if start > end => index_fail(start, end, len),
        Bound::Included(&start) => start,
        Bound::Unbounded => 0,
    };
    start..end
}

impl<T> Vec<T> {
    /// An empty vector; allocates nothing.
    ///
    /// ```
    /// let v: leaksafe::vec::Vec<i32> = leaksafe::vec::Vec::new();
    /// assert_eq!(v.capacity(), 0);
    /// ```
    #[inline]
    #[must_use]
    pub const fn new() -> Self {
        Vec {
            buf: RawVec::new(),
            len: 0,
        }
    }

    /// An empty vector with room for at least `capacity` elements.
    ///
    /// # Panics
    /// `"capacity overflow"` if the capacity exceeds `isize::MAX` bytes.
    ///
    /// ```
    /// let v = leaksafe::vec::Vec::<u64>::with_capacity(10);
    /// assert!(v.capacity() >= 10);
    /// assert!(v.is_empty());
    /// ```
    #[inline]
    #[must_use]
    #[track_caller]
    pub fn with_capacity(capacity: usize) -> Self {
        Vec {
            buf: RawVec::with_capacity(capacity),
            len: 0,
        }
    }

    /// Builds a vector from a pointer, a length and a capacity.
    ///
    /// # Safety
    /// As for `std::vec::Vec::from_raw_parts`: `ptr` was allocated by the global
    /// allocator with `Layout::array::<T>(capacity)` (or is dangling and
    /// well-aligned if `capacity == 0` or `T` is zero-sized), `length <= capacity`,
    /// and the first `length` slots hold initialized values now owned by the vector.
    ///
    /// ```
    /// use core::mem::ManuallyDrop;
    /// let mut v = ManuallyDrop::new(leaksafe::vec![1, 2, 3]);
    /// let (p, len, cap) = (v.as_mut_ptr(), v.len(), v.capacity());
    /// // SAFETY: the parts come from a vector that is never dropped.
    /// let w = unsafe { leaksafe::vec::Vec::from_raw_parts(p, len, cap) };
    /// assert_eq!(w, [1, 2, 3]);
    /// ```
    pub unsafe fn from_raw_parts(ptr: *mut T, length: usize, capacity: usize) -> Self {
        // SAFETY: the caller guarantees `ptr` is non-null (allocated or dangling)
        // and matches the buffer invariants.
        let buf = unsafe { RawVec::from_raw_parts(NonNull::new_unchecked(ptr), capacity) };
        Vec { buf, len: length }
    }

    /// Decomposes the vector into `(pointer, length, capacity)`, the arguments
    /// of [`from_raw_parts`](Self::from_raw_parts), without dropping anything.
    ///
    /// The caller now owns the buffer and the elements: rebuild a vector with
    /// `from_raw_parts` (leaksafe's or std's: the layout is the same,
    /// `Layout::array::<T>(capacity)` from the global allocator), or free it
    /// with that layout; if the capacity is zero or `T` is zero-sized, nothing
    /// was allocated.
    ///
    /// ```
    /// let v = leaksafe::vec![-1i32, 0, 1];
    /// let (ptr, len, cap) = v.into_raw_parts();
    /// // SAFETY: the parts come from a vector; `u32` has `i32`'s layout.
    /// let rebuilt = unsafe { leaksafe::vec::Vec::from_raw_parts(ptr as *mut u32, len, cap) };
    /// assert_eq!(rebuilt, [u32::MAX, 0, 1]);
    /// ```
    #[must_use = "losing the pointer will leak memory"]
    pub fn into_raw_parts(self) -> (*mut T, usize, usize) {
        let mut me = ManuallyDrop::new(self);
        (me.as_mut_ptr(), me.len(), me.capacity())
    }

    /// How many elements fit without reallocating (`usize::MAX` for zero-sized `T`).
    ///
    /// ```
    /// let v = leaksafe::vec::Vec::<()>::new();
    /// assert_eq!(v.capacity(), usize::MAX);
    /// ```
    #[inline]
    pub const fn capacity(&self) -> usize {
        self.buf.capacity()
    }

    /// The number of elements.
    ///
    /// ```
    /// assert_eq!(leaksafe::vec![1, 2].len(), 2);
    /// ```
    #[inline]
    pub const fn len(&self) -> usize {
        self.len
    }

    /// Whether the vector holds no elements.
    ///
    /// ```
    /// assert!(leaksafe::vec::Vec::<u8>::new().is_empty());
    /// ```
    #[inline]
    pub const fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Reserves room for at least `additional` more elements (amortized growth).
    ///
    /// # Panics
    /// `"capacity overflow"` if the new capacity exceeds `isize::MAX` bytes.
    ///
    /// ```
    /// let mut v = leaksafe::vec![1];
    /// v.reserve(10);
    /// assert!(v.capacity() >= 11);
    /// ```
    #[inline]
    #[track_caller]
    pub fn reserve(&mut self, additional: usize) {
        self.buf.reserve(self.len, additional);
    }

    /// Reserves room for exactly `additional` more elements.
    ///
    /// # Panics
    /// `"capacity overflow"` if the new capacity exceeds `isize::MAX` bytes.
    ///
    /// ```
    /// let mut v = leaksafe::vec::Vec::<u32>::new();
    /// v.reserve_exact(10);
    /// assert_eq!(v.capacity(), 10);
    /// ```
    #[track_caller]
    pub fn reserve_exact(&mut self, additional: usize) {
        self.buf.reserve_exact(self.len, additional);
    }

    /// Like [`reserve`](Self::reserve) but returns an error instead of
    /// panicking or aborting.
    ///
    /// ```
    /// let mut v = leaksafe::vec::Vec::<u32>::new();
    /// assert!(v.try_reserve(10).is_ok());
    /// assert!(v.try_reserve(usize::MAX).is_err());
    /// ```
    pub fn try_reserve(&mut self, additional: usize) -> Result<(), TryReserveError> {
        self.buf.try_reserve(self.len, additional)
    }

    /// Like [`reserve_exact`](Self::reserve_exact) but returns an error
    /// instead of panicking or aborting.
    ///
    /// ```
    /// let mut v = leaksafe::vec::Vec::<u32>::new();
    /// assert!(v.try_reserve_exact(3).is_ok());
    /// assert_eq!(v.capacity(), 3);
    /// ```
    pub fn try_reserve_exact(&mut self, additional: usize) -> Result<(), TryReserveError> {
        self.buf.try_reserve_exact(self.len, additional)
    }

    /// Shrinks the capacity as close to the length as possible.
    ///
    /// ```
    /// let mut v = leaksafe::vec::Vec::<u8>::with_capacity(10);
    /// v.push(1);
    /// v.shrink_to_fit();
    /// assert_eq!(v.capacity(), 1);
    /// ```
    #[track_caller]
    pub fn shrink_to_fit(&mut self) {
        if self.capacity() > self.len {
            self.buf.shrink_to(self.len);
        }
    }

    /// Shrinks the capacity to `max(len, min_capacity)`, if that is smaller.
    ///
    /// ```
    /// let mut v = leaksafe::vec::Vec::<u8>::with_capacity(10);
    /// v.shrink_to(4);
    /// assert_eq!(v.capacity(), 4);
    /// ```
    #[track_caller]
    pub fn shrink_to(&mut self, min_capacity: usize) {
        if self.capacity() > min_capacity {
            self.buf.shrink_to(core::cmp::max(self.len, min_capacity));
        }
    }

    /// A raw pointer to the buffer, valid for reads of `len` elements.
    ///
    /// Deriving it creates no reference to the elements, so pointers obtained
    /// earlier stay valid (as in std).
    ///
    /// ```
    /// let v = leaksafe::vec![1, 2];
    /// // SAFETY: index 1 < len.
    /// assert_eq!(unsafe { *v.as_ptr().add(1) }, 2);
    /// ```
    #[inline]
    pub const fn as_ptr(&self) -> *const T {
        self.buf.ptr()
    }

    /// A raw mutable pointer to the buffer, valid for reads and writes of
    /// `capacity` slots. Creates no intermediate reference (as in std).
    ///
    /// ```
    /// let mut v = leaksafe::vec::Vec::<u8>::with_capacity(2);
    /// // SAFETY: capacity >= 2 and both slots are written before `set_len`.
    /// unsafe {
    ///     v.as_mut_ptr().write(7);
    ///     v.as_mut_ptr().add(1).write(8);
    ///     v.set_len(2);
    /// }
    /// assert_eq!(v, [7, 8]);
    /// ```
    #[inline]
    pub const fn as_mut_ptr(&mut self) -> *mut T {
        self.buf.ptr()
    }

    /// Sets the length without touching the elements.
    ///
    /// # Safety
    /// `new_len <= capacity()`, and slots `old_len..new_len` are initialized.
    /// Elements past a shorter `new_len` are no longer owned by the vector
    /// (the caller takes care of them).
    ///
    /// ```
    /// let mut v = leaksafe::vec![1, 2, 3];
    /// // SAFETY: shrinking; `i32` needs no drop.
    /// unsafe { v.set_len(1) };
    /// assert_eq!(v, [1]);
    /// ```
    #[inline]
    pub unsafe fn set_len(&mut self, new_len: usize) {
        debug_assert!(new_len <= self.capacity());
        self.len = new_len;
    }

    /// The elements as a slice.
    ///
    /// ```
    /// assert_eq!(leaksafe::vec![1, 2].as_slice(), &[1, 2]);
    /// ```
    #[inline]
    pub const fn as_slice(&self) -> &[T] {
        // SAFETY: slots `0..len` are initialized (invariant 2); the pointer is
        // non-null and aligned (dangling for an empty/ZST buffer).
        unsafe { slice::from_raw_parts(self.buf.ptr(), self.len) }
    }

    /// The elements as a mutable slice.
    ///
    /// ```
    /// let mut v = leaksafe::vec![1, 2];
    /// v.as_mut_slice()[0] = 5;
    /// assert_eq!(v, [5, 2]);
    /// ```
    #[inline]
    pub const fn as_mut_slice(&mut self) -> &mut [T] {
        // SAFETY: as in `as_slice`, and `&mut self` makes the access unique.
        unsafe { slice::from_raw_parts_mut(self.buf.ptr(), self.len) }
    }

    /// Appends an element.
    ///
    /// # Panics
    /// `"capacity overflow"` if the new capacity exceeds `isize::MAX` bytes.
    ///
    /// ```
    /// let mut v = leaksafe::vec::Vec::new();
    /// v.push(3);
    /// assert_eq!(v, [3]);
    /// ```
    #[inline]
    pub fn push(&mut self, value: T) {
        let len = self.len;
        if len == self.buf.capacity() {
            self.buf.grow_one();
        }
        // SAFETY: `len < capacity` now, so the slot is in the buffer and, being
        // past `len`, uninitialized (invariant 3).
        unsafe { ptr::write(self.buf.ptr().add(len), value) };
        self.len = len + 1;
    }

    /// Appends an element and returns a mutable reference to it.
    ///
    /// # Panics
    /// `"capacity overflow"` if the new capacity exceeds `isize::MAX` bytes.
    ///
    /// ```
    /// let mut v = leaksafe::vec![1, 2];
    /// let last = v.push_mut(3);
    /// *last += 1;
    /// assert_eq!(v, [1, 2, 4]);
    /// ```
    #[inline]
    #[must_use = "if you don't need a reference to the value, use `Vec::push` instead"]
    pub fn push_mut(&mut self, value: T) -> &mut T {
        let len = self.len;
        if len == self.buf.capacity() {
            self.buf.grow_one();
        }
        // SAFETY: as in `push`: `len < capacity`, the slot is uninitialized.
        // Once written and counted by `len`, it is an element of the vector,
        // and the `&mut self` borrow makes the returned reference unique.
        unsafe {
            let end = self.buf.ptr().add(len);
            ptr::write(end, value);
            self.len = len + 1;
            &mut *end
        }
    }

    /// Removes and returns the last element, or `None` if empty.
    ///
    /// ```
    /// let mut v = leaksafe::vec![1, 2];
    /// assert_eq!(v.pop(), Some(2));
    /// assert_eq!(v, [1]);
    /// ```
    #[inline]
    pub fn pop(&mut self) -> Option<T> {
        if self.len == 0 {
            None
        } else {
            self.len -= 1;
            // SAFETY: the slot at the old `len - 1` was initialized; lowering
            // `len` first gives up the vector's ownership of it.
            Some(unsafe { ptr::read(self.buf.ptr().add(self.len)) })
        }
    }

    /// Removes and returns the last element if `predicate` returns `true` for
    /// it; `None` if it returns `false` or the vector is empty (then the
    /// predicate is not called).
    ///
    /// ```
    /// let mut v = leaksafe::vec![1, 2, 3, 4];
    /// let even = |x: &mut i32| *x % 2 == 0;
    /// assert_eq!(v.pop_if(even), Some(4));
    /// assert_eq!(v, [1, 2, 3]);
    /// assert_eq!(v.pop_if(even), None);
    /// ```
    pub fn pop_if(&mut self, predicate: impl FnOnce(&mut T) -> bool) -> Option<T> {
        // The predicate sees a plain `&mut T` of a vector in a valid state: if
        // it panics, nothing has changed.
        let last = self.last_mut()?;
        if predicate(last) { self.pop() } else { None }
    }

    /// Inserts an element at `index`, shifting the rest right.
    ///
    /// # Panics
    /// If `index > len`, with std's message, before any change.
    ///
    /// ```
    /// let mut v = leaksafe::vec![1, 3];
    /// v.insert(1, 2);
    /// assert_eq!(v, [1, 2, 3]);
    /// ```
    #[track_caller]
    pub fn insert(&mut self, index: usize, element: T) {
        #[cold]
        #[track_caller]
        fn assert_failed(index: usize, len: usize) -> ! {
            panic!("insertion index (is {index}) should be <= len (is {len})");
        }
        let len = self.len;
        if index > len {
            assert_failed(index, len);
        }
        if len == self.buf.capacity() {
            self.buf.grow_one();
        }
        // SAFETY: `index <= len < capacity`. The shift moves slots
        // `index..len` to `index + 1..len + 1`, within capacity, then `index`
        // (a bitwise duplicate now) is overwritten without dropping. Nothing
        // here can panic between the copy and `len` update.
        unsafe {
            let p = self.buf.ptr().add(index);
            if index < len {
                ptr::copy(p, p.add(1), len - index);
            }
            ptr::write(p, element);
        }
        self.len = len + 1;
    }

    /// Inserts an element at `index`, shifting the rest right, and returns a
    /// mutable reference to it.
    ///
    /// # Panics
    /// If `index > len`, with std's message, before any change.
    ///
    /// ```
    /// let mut v = leaksafe::vec![1, 3, 5, 9];
    /// let x = v.insert_mut(3, 6);
    /// *x += 1;
    /// assert_eq!(v, [1, 3, 5, 7, 9]);
    /// ```
    #[track_caller]
    #[must_use = "if you don't need a reference to the value, use `Vec::insert` instead"]
    pub fn insert_mut(&mut self, index: usize, element: T) -> &mut T {
        self.insert(index, element);
        // SAFETY: `insert` returned, so `index < len`: the slot holds the
        // element just written, and `&mut self` makes the reference unique.
        unsafe { &mut *self.buf.ptr().add(index) }
    }

    /// Removes and returns the element at `index`, shifting the rest left.
    ///
    /// # Panics
    /// If `index >= len`, with std's message, before any change.
    ///
    /// ```
    /// let mut v = leaksafe::vec![1, 2, 3];
    /// assert_eq!(v.remove(0), 1);
    /// assert_eq!(v, [2, 3]);
    /// ```
    #[track_caller]
    pub fn remove(&mut self, index: usize) -> T {
        #[cold]
        #[track_caller]
        fn assert_failed(index: usize, len: usize) -> ! {
            panic!("removal index (is {index}) should be < len (is {len})");
        }
        let len = self.len;
        if index >= len {
            assert_failed(index, len);
        }
        // SAFETY: `index < len`: read the value out, then close the gap by
        // moving `index + 1..len` down one; the last slot becomes a stale copy
        // that `len - 1` puts outside the vector. No user code runs meanwhile.
        unsafe {
            let p = self.buf.ptr().add(index);
            let ret = ptr::read(p);
            ptr::copy(p.add(1), p, len - index - 1);
            self.len = len - 1;
            ret
        }
    }

    /// Removes and returns the element at `index`, replacing it with the last one.
    ///
    /// # Panics
    /// If `index >= len`, with std's message, before any change.
    ///
    /// ```
    /// let mut v = leaksafe::vec![1, 2, 3];
    /// assert_eq!(v.swap_remove(0), 1);
    /// assert_eq!(v, [3, 2]);
    /// ```
    #[track_caller]
    pub fn swap_remove(&mut self, index: usize) -> T {
        #[cold]
        #[track_caller]
        fn assert_failed(index: usize, len: usize) -> ! {
            panic!("swap_remove index (is {index}) should be < len (is {len})");
        }
        let len = self.len;
        if index >= len {
            assert_failed(index, len);
        }
        // SAFETY: `index < len`: read the value, move the last element into its
        // slot (`copy` as they may be the same slot), and drop the last slot
        // from the vector. No user code runs meanwhile.
        unsafe {
            let base = self.buf.ptr();
            let value = ptr::read(base.add(index));
            ptr::copy(base.add(len - 1), base.add(index), 1);
            self.len = len - 1;
            value
        }
    }

    /// Shortens the vector to `len` elements, dropping the rest; no-op if
    /// `len >= self.len()`.
    ///
    /// The new length is set before any element is dropped, so a panicking
    /// `Drop` leaves a valid vector (the other tail elements are still dropped).
    ///
    /// ```
    /// let mut v = leaksafe::vec![1, 2, 3];
    /// v.truncate(1);
    /// assert_eq!(v, [1]);
    /// ```
    pub fn truncate(&mut self, len: usize) {
        if len > self.len {
            return;
        }
        let remaining = self.len - len;
        // SAFETY: slots `len..self.len` are initialized; after setting `len`
        // the vector no longer owns them, so `drop_in_place` (which keeps
        // dropping the rest if one panics) drops each exactly once.
        unsafe {
            let tail = ptr::slice_from_raw_parts_mut(self.buf.ptr().add(len), remaining);
            self.len = len;
            ptr::drop_in_place(tail);
        }
    }

    /// Drops every element, keeping the capacity.
    ///
    /// ```
    /// let mut v = leaksafe::vec![1, 2, 3];
    /// v.clear();
    /// assert!(v.is_empty());
    /// ```
    #[inline]
    pub fn clear(&mut self) {
        let elems: *mut [T] = ptr::slice_from_raw_parts_mut(self.buf.ptr(), self.len);
        self.len = 0;
        // SAFETY: the slots were the vector's initialized elements; `len = 0`
        // gave up ownership first, so each is dropped exactly once, even if a
        // `Drop` panics (`drop_in_place` continues with the others).
        unsafe { ptr::drop_in_place(elems) };
    }

    /// Removes the elements in `range` and returns them as an iterator.
    ///
    /// **Leak amplification**: while the [`Drain`] lives, the vector's length
    /// is `range.start`. Dropping the `Drain` drops the elements it did not
    /// yield and moves the tail back; forgetting it (`mem::forget`) leaves the
    /// vector holding only the prefix, and leaks the rest. Both are safe.
    ///
    /// # Panics
    /// If the range is inverted or past the end (std's messages), before any change.
    ///
    /// ```
    /// let mut v = leaksafe::vec![1, 2, 3, 4];
    /// let d: Vec<i32> = v.drain(1..3).collect();
    /// assert_eq!(d, [2, 3]);
    /// assert_eq!(v, [1, 4]);
    ///
    /// let mut drain = v.drain(..);
    /// drain.next();
    /// core::mem::forget(drain); // safe: `v` is just shorter
    /// assert!(v.is_empty());
    /// ```
    #[track_caller]
    pub fn drain<R: RangeBounds<usize>>(&mut self, range: R) -> Drain<'_, T> {
        let len = self.len;
        let ops::Range { start, end } = slice_range(range, len);
        // SAFETY: `start <= end <= len`, so `start..end` are initialized
        // elements. Setting `len = start` first is the leak amplification:
        // from here on the vector owns only the prefix, and the `Drain`
        // owns `start..end` and (to move back) `end..len`.
        unsafe {
            self.len = start;
            let range_slice = slice::from_raw_parts(self.buf.ptr().add(start), end - start);
            Drain {
                tail_start: end,
                tail_len: len - end,
                iter: range_slice.iter(),
                vec: NonNull::from(self),
            }
        }
    }

    /// Clones and appends every element of `other`.
    ///
    /// If a `clone` panics, the elements cloned so far stay in the vector.
    ///
    /// ```
    /// let mut v = leaksafe::vec![1];
    /// v.extend_from_slice(&[2, 3]);
    /// assert_eq!(v, [1, 2, 3]);
    /// ```
    #[track_caller]
    pub fn extend_from_slice(&mut self, other: &[T])
    where
        T: Clone,
    {
        self.reserve(other.len());
        let ptr = self.buf.ptr();
        let mut local_len = SetLenOnDrop::new(&mut self.len);
        for item in other {
            // SAFETY: `reserve` made room for `other.len()` elements past `len`,
            // and we write one per item; the guard counts each as it is written.
            unsafe { ptr::write(ptr.add(local_len.current_len()), item.clone()) };
            local_len.increment_len(1);
        }
    }

    /// Appends `n` values: `n - 1` clones of `value`, then `value` itself.
    #[track_caller]
    fn extend_with(&mut self, n: usize, value: T)
    where
        T: Clone,
    {
        self.reserve(n);
        let ptr = self.buf.ptr();
        let mut local_len = SetLenOnDrop::new(&mut self.len);
        if n > 0 {
            for _ in 1..n {
                // SAFETY: room for `n` was reserved; `n - 1` writes here.
                unsafe { ptr::write(ptr.add(local_len.current_len()), value.clone()) };
                local_len.increment_len(1);
            }
            // SAFETY: the `n`-th reserved slot.
            unsafe { ptr::write(ptr.add(local_len.current_len()), value) };
            local_len.increment_len(1);
        }
        // `n == 0`: `value` is dropped here.
    }

    /// Extends from an iterator without trusting its `size_hint`: the lower
    /// bound is only a hint for `reserve`, each item is written within the
    /// capacity checked just before, and `len` counts it at once, so a
    /// panicking `next` keeps everything pushed so far.
    #[track_caller]
    fn extend_desugared<I: Iterator<Item = T>>(&mut self, mut iter: I) {
        while let Some(element) = iter.next() {
            let len = self.len;
            if len == self.buf.capacity() {
                let (lower, _) = iter.size_hint();
                self.buf.reserve(len, lower.saturating_add(1));
            }
            // SAFETY: `len < capacity` (checked or just reserved), slot uninitialized.
            unsafe { ptr::write(self.buf.ptr().add(len), element) };
            self.len = len + 1;
        }
    }
}

impl<T, const N: usize> Vec<[T; N]> {
    /// Turns a `Vec<[T; N]>` into a `Vec<T>` of `N` times the length, in
    /// place (no copy, same allocation).
    ///
    /// # Panics
    /// `"vec len overflow"` if the new length overflows `usize`, as std; only
    /// possible when `T` is zero-sized.
    ///
    /// ```
    /// let mut v = leaksafe::vec![[1, 2, 3], [4, 5, 6], [7, 8, 9]];
    /// assert_eq!(v.pop(), Some([7, 8, 9]));
    /// let mut flat = v.into_flattened();
    /// assert_eq!(flat.pop(), Some(6));
    /// assert_eq!(flat, [1, 2, 3, 4, 5]);
    /// ```
    #[track_caller]
    pub fn into_flattened(self) -> Vec<T> {
        let (new_len, new_cap) = if mem::size_of::<T>() == 0 {
            // Checked before `self` is taken apart, so a panic drops it normally.
            let len = self.len.checked_mul(N).expect("vec len overflow");
            (len, usize::MAX)
        } else {
            // Cannot overflow: `cap * N * size_of::<T>()` is the size of the
            // allocation (at most `isize::MAX`); for `N == 0`, `[T; 0]` is
            // zero-sized, so `capacity()` is `usize::MAX` and `0 * N` is 0.
            (self.len * N, self.capacity().wrapping_mul(N))
        };
        let (ptr, _, _) = self.into_raw_parts();
        // SAFETY: `[T; N]` has `T`'s alignment and `N` times its size, so a
        // buffer of `Layout::array::<[T; N]>(cap)` is one of
        // `Layout::array::<T>(cap * N)` (for `N == 0` or zero-sized `T` nothing
        // is allocated and the pointer is dangling and aligned for `T`). Each of the
        // `len` arrays holds `N` initialized values, and `len * N <= cap * N`.
        unsafe { Vec::from_raw_parts(ptr.cast::<T>(), new_len, new_cap) }
    }
}

impl<T> Vec<T> {
    /// The body of `Drop`: drops the elements, touching `T`s in no other way
    /// (which is what `#[may_dangle]` promises under feature `nightly`).
    #[inline]
    fn drop_elements(&mut self) {
        // SAFETY: slots `0..len` are the vector's initialized elements. If one
        // `Drop` panics, `drop_in_place` still drops the others, and the
        // `buf` field is dropped (freeing the memory) during the unwind.
        unsafe { ptr::drop_in_place(ptr::slice_from_raw_parts_mut(self.buf.ptr(), self.len)) }
    }
}

#[cfg(not(feature = "nightly"))]
impl<T> Drop for Vec<T> {
    fn drop(&mut self) {
        self.drop_elements();
    }
}

#[cfg(feature = "nightly")]
// SAFETY: `#[may_dangle]` as on std's `Vec`: `drop` only drops the `T`s it
// owns and frees the buffer; it never reads a `T` otherwise, so a `T` that
// holds dangling references is fine. `RawVec`'s `PhantomData<T>` tells the
// drop checker that dropping a `Vec<T>` drops `T`s, so `T`'s own `Drop` (if
// it has one) still requires its borrows to be alive.
unsafe impl<#[may_dangle] T> Drop for Vec<T> {
    fn drop(&mut self) {
        self.drop_elements();
    }
}

impl<T> Deref for Vec<T> {
    type Target = [T];

    #[inline]
    fn deref(&self) -> &[T] {
        self.as_slice()
    }
}

impl<T> DerefMut for Vec<T> {
    #[inline]
    fn deref_mut(&mut self) -> &mut [T] {
        self.as_mut_slice()
    }
}

impl<T, I: SliceIndex<[T]>> Index<I> for Vec<T> {
    type Output = I::Output;

    #[inline]
    #[track_caller]
    fn index(&self, index: I) -> &Self::Output {
        Index::index(&**self, index)
    }
}

impl<T, I: SliceIndex<[T]>> IndexMut<I> for Vec<T> {
    #[inline]
    #[track_caller]
    fn index_mut(&mut self, index: I) -> &mut Self::Output {
        IndexMut::index_mut(&mut **self, index)
    }
}

impl<T> Default for Vec<T> {
    /// An empty vector.
    fn default() -> Self {
        Vec::new()
    }
}

impl<T: Clone> Clone for Vec<T> {
    #[track_caller]
    fn clone(&self) -> Self {
        let mut v = Vec::with_capacity(self.len);
        v.extend_from_slice(self);
        v
    }

    /// Reuses `self`'s allocation and elements, as std does.
    #[track_caller]
    fn clone_from(&mut self, source: &Self) {
        self.clone_from_impl(source);
    }
}

impl<T: fmt::Debug> fmt::Debug for Vec<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&**self, f)
    }
}

impl<T: Hash> Hash for Vec<T> {
    /// Hashes exactly like the slice `[T]` (so `Borrow<[T]>` is consistent).
    #[inline]
    fn hash<H: Hasher>(&self, state: &mut H) {
        Hash::hash(&**self, state)
    }
}

impl<T> Extend<T> for Vec<T> {
    #[track_caller]
    fn extend<I: IntoIterator<Item = T>>(&mut self, iter: I) {
        // Like std for iterators it cannot trust: no reservation up front;
        // when full, `extend_desugared` reserves `lower + 1` as a hint and
        // checks the capacity again before every write.
        self.extend_desugared(iter.into_iter());
    }
}

impl<'a, T: Copy + 'a> Extend<&'a T> for Vec<T> {
    #[track_caller]
    fn extend<I: IntoIterator<Item = &'a T>>(&mut self, iter: I) {
        self.extend(iter.into_iter().copied())
    }
}

impl<T> FromIterator<T> for Vec<T> {
    #[track_caller]
    fn from_iter<I: IntoIterator<Item = T>>(iter: I) -> Self {
        let mut v = Vec::new();
        v.extend(iter);
        v
    }
}

impl<T> IntoIterator for Vec<T> {
    type Item = T;
    type IntoIter = IntoIter<T>;

    /// A consuming iterator; see [`IntoIter`].
    ///
    /// ```
    /// let v = leaksafe::vec![1, 2];
    /// let w: Vec<i32> = v.into_iter().rev().collect();
    /// assert_eq!(w, [2, 1]);
    /// ```
    #[inline]
    fn into_iter(self) -> IntoIter<T> {
        let me = ManuallyDrop::new(self);
        // SAFETY: we take the buffer out of a vector that is never dropped, so
        // the `IntoIter` becomes the only owner of the buffer and elements `0..len`.
        unsafe {
            let buf = ptr::read(&me.buf);
            IntoIter::new(buf, me.len)
        }
    }
}

impl<'a, T> IntoIterator for &'a Vec<T> {
    type Item = &'a T;
    type IntoIter = slice::Iter<'a, T>;

    fn into_iter(self) -> slice::Iter<'a, T> {
        self.iter()
    }
}

impl<'a, T> IntoIterator for &'a mut Vec<T> {
    type Item = &'a mut T;
    type IntoIter = slice::IterMut<'a, T>;

    fn into_iter(self) -> slice::IterMut<'a, T> {
        self.iter_mut()
    }
}

// --- comparisons -----------------------------------------------------------

macro_rules! impl_slice_eq {
    ([$($vars:tt)*] $lhs:ty, $rhs:ty) => {
        impl<T, U, $($vars)*> PartialEq<$rhs> for $lhs
        where
            T: PartialEq<U>,
        {
            #[inline]
            fn eq(&self, other: &$rhs) -> bool {
                self[..] == other[..]
            }
        }
    };
}

impl_slice_eq! { [] Vec<T>, Vec<U> }
impl_slice_eq! { [] Vec<T>, &[U] }
impl_slice_eq! { [] Vec<T>, &mut [U] }
impl_slice_eq! { [] &[T], Vec<U> }
impl_slice_eq! { [] &mut [T], Vec<U> }
impl_slice_eq! { [] Vec<T>, [U] }
impl_slice_eq! { [] [T], Vec<U> }
impl_slice_eq! { [] Vec<T>, alloc::vec::Vec<U> }
impl_slice_eq! { [] alloc::vec::Vec<T>, Vec<U> }
impl_slice_eq! { [const N: usize] Vec<T>, [U; N] }
impl_slice_eq! { [const N: usize] Vec<T>, &[U; N] }
impl_slice_eq! { [const N: usize] [T; N], Vec<U> }
impl_slice_eq! { [const N: usize] &[T; N], Vec<U> }

impl<T: Eq> Eq for Vec<T> {}

impl<T: PartialOrd> PartialOrd for Vec<T> {
    /// Lexicographic, like the slices.
    #[inline]
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        PartialOrd::partial_cmp(&**self, &**other)
    }
}

impl<T: Ord> Ord for Vec<T> {
    /// Lexicographic, like the slices.
    #[inline]
    fn cmp(&self, other: &Self) -> Ordering {
        Ord::cmp(&**self, &**other)
    }
}

// --- borrowing ---------------------------------------------------------------

impl<T> AsRef<[T]> for Vec<T> {
    fn as_ref(&self) -> &[T] {
        self
    }
}

impl<T> AsMut<[T]> for Vec<T> {
    fn as_mut(&mut self) -> &mut [T] {
        self
    }
}

impl<T> AsRef<Vec<T>> for Vec<T> {
    fn as_ref(&self) -> &Vec<T> {
        self
    }
}

impl<T> AsMut<Vec<T>> for Vec<T> {
    fn as_mut(&mut self) -> &mut Vec<T> {
        self
    }
}

impl<T> Borrow<[T]> for Vec<T> {
    fn borrow(&self) -> &[T] {
        self
    }
}

impl<T> BorrowMut<[T]> for Vec<T> {
    fn borrow_mut(&mut self) -> &mut [T] {
        self
    }
}

// --- conversions -------------------------------------------------------------

impl<T, const N: usize> From<[T; N]> for Vec<T> {
    /// Moves the array's elements into a new vector.
    ///
    /// ```
    /// let v = leaksafe::vec::Vec::from([1, 2, 3]);
    /// assert_eq!(v, [1, 2, 3]);
    /// ```
    fn from(arr: [T; N]) -> Self {
        let mut v = Vec::with_capacity(N);
        let arr = ManuallyDrop::new(arr);
        // SAFETY: room for `N` elements; the array is never dropped, so its
        // elements move into the vector (bitwise) and are owned only there.
        unsafe {
            ptr::copy_nonoverlapping(arr.as_ptr(), v.as_mut_ptr(), N);
            v.set_len(N);
        }
        v
    }
}

impl<T: Clone> From<&[T]> for Vec<T> {
    /// Clones the slice's elements.
    ///
    /// ```
    /// let v = leaksafe::vec::Vec::from(&[1, 2][..]);
    /// assert_eq!(v, [1, 2]);
    /// ```
    #[track_caller]
    fn from(s: &[T]) -> Self {
        let mut v = Vec::with_capacity(s.len());
        v.extend_from_slice(s);
        v
    }
}

impl<T: Clone> From<&mut [T]> for Vec<T> {
    /// Clones the slice's elements.
    #[track_caller]
    fn from(s: &mut [T]) -> Self {
        Vec::from(&*s)
    }
}

impl<T: Clone, const N: usize> From<&[T; N]> for Vec<T> {
    /// Clones the array's elements.
    #[track_caller]
    fn from(s: &[T; N]) -> Self {
        Vec::from(&s[..])
    }
}

impl<T: Clone, const N: usize> From<&mut [T; N]> for Vec<T> {
    /// Clones the array's elements.
    ///
    /// ```
    /// let v = leaksafe::vec::Vec::from(&mut [1, 2]);
    /// assert_eq!(v, [1, 2]);
    /// ```
    #[track_caller]
    fn from(s: &mut [T; N]) -> Self {
        Vec::from(&s[..])
    }
}

impl From<&str> for Vec<u8> {
    /// The string's bytes.
    ///
    /// ```
    /// assert_eq!(leaksafe::vec::Vec::from("hi"), [b'h', b'i']);
    /// ```
    fn from(s: &str) -> Self {
        Vec::from(s.as_bytes())
    }
}

impl<T> From<Box<[T]>> for Vec<T> {
    /// Takes over the boxed slice's allocation without copying.
    ///
    /// ```
    /// let b: Box<[i32]> = Box::new([1, 2]);
    /// assert_eq!(leaksafe::vec::Vec::from(b), [1, 2]);
    /// ```
    fn from(b: Box<[T]>) -> Self {
        Vec::from(b.into_vec())
    }
}

impl<T> From<alloc::vec::Vec<T>> for Vec<T> {
    /// Takes over std's buffer without copying.
    ///
    /// ```
    /// let s = vec![1, 2, 3];
    /// let p = s.as_ptr();
    /// let v = leaksafe::vec::Vec::from(s);
    /// assert_eq!(v.as_ptr(), p);
    /// ```
    fn from(v: alloc::vec::Vec<T>) -> Self {
        let mut v = ManuallyDrop::new(v);
        let (ptr, len, cap) = (v.as_mut_ptr(), v.len(), v.capacity());
        // SAFETY: std's `Vec<T>` with the global allocator uses exactly our
        // buffer layout, `Layout::array::<T>(cap)`, or a dangling pointer when
        // nothing is allocated; it is never dropped, so ownership moves here.
        unsafe { Vec::from_raw_parts(ptr, len, cap) }
    }
}

impl<T> From<Vec<T>> for alloc::vec::Vec<T> {
    /// Gives our buffer to std's `Vec` without copying.
    ///
    /// ```
    /// let v = leaksafe::vec![1, 2, 3];
    /// let p = v.as_ptr();
    /// let s: Vec<i32> = v.into();
    /// assert_eq!(s.as_ptr(), p);
    /// ```
    fn from(v: Vec<T>) -> Self {
        let mut v = ManuallyDrop::new(v);
        let (ptr, len, cap) = (v.as_mut_ptr(), v.len, v.capacity());
        // SAFETY: our buffer is allocated by the global allocator with
        // `Layout::array::<T>(cap)` (or dangling when `cap == 0` / ZST), which
        // is what `from_raw_parts` requires; `v` is never dropped.
        unsafe { alloc::vec::Vec::from_raw_parts(ptr, len, cap) }
    }
}

impl<T> From<Vec<T>> for Box<[T]> {
    /// Shrinks the buffer to fit and boxes it (see `Vec::into_boxed_slice`).
    ///
    /// ```
    /// let b: Box<[i32]> = leaksafe::vec![1, 2].into();
    /// assert_eq!(&*b, &[1, 2]);
    /// ```
    fn from(v: Vec<T>) -> Self {
        v.into_boxed_slice()
    }
}

impl From<alloc::string::String> for Vec<u8> {
    /// The string's bytes, without copying.
    ///
    /// ```
    /// let v = leaksafe::vec::Vec::from(String::from("ok"));
    /// assert_eq!(v, *b"ok");
    /// ```
    fn from(s: alloc::string::String) -> Self {
        Vec::from(s.into_bytes())
    }
}

impl<T> From<alloc::collections::VecDeque<T>> for Vec<T> {
    /// The deque's elements in order (std moves them to the front of its
    /// buffer if needed; no reallocation).
    ///
    /// ```
    /// let d: std::collections::VecDeque<i32> = [1, 2].into();
    /// assert_eq!(leaksafe::vec::Vec::from(d), [1, 2]);
    /// ```
    fn from(d: alloc::collections::VecDeque<T>) -> Self {
        Vec::from(alloc::vec::Vec::from(d))
    }
}

impl<T> From<Vec<T>> for alloc::collections::VecDeque<T> {
    /// A deque over the same buffer, without copying.
    ///
    /// ```
    /// let d = std::collections::VecDeque::from(leaksafe::vec![1, 2]);
    /// assert_eq!(d, [1, 2]);
    /// ```
    fn from(v: Vec<T>) -> Self {
        alloc::vec::Vec::from(v).into()
    }
}

impl<T, const N: usize> TryFrom<Vec<T>> for [T; N] {
    type Error = Vec<T>;

    /// The elements as an array if there are exactly `N`; otherwise the
    /// vector back, unchanged.
    ///
    /// ```
    /// let a: [i32; 2] = leaksafe::vec![1, 2].try_into().unwrap();
    /// assert_eq!(a, [1, 2]);
    /// let e: Result<[i32; 3], _> = leaksafe::vec![1, 2].try_into();
    /// assert_eq!(e.unwrap_err(), [1, 2]);
    /// ```
    fn try_from(v: Vec<T>) -> Result<[T; N], Vec<T>> {
        <[T; N]>::try_from(alloc::vec::Vec::from(v)).map_err(Vec::from)
    }
}

impl<'a, T: Clone> From<Vec<T>> for Cow<'a, [T]> {
    /// An owned `Cow` (through std's `Vec`, without copying).
    fn from(v: Vec<T>) -> Self {
        Cow::Owned(v.into())
    }
}

impl<T: Clone> From<Cow<'_, [T]>> for Vec<T> {
    /// Takes the owned vector or clones the borrowed slice.
    fn from(c: Cow<'_, [T]>) -> Self {
        match c {
            Cow::Owned(v) => Vec::from(v),
            Cow::Borrowed(s) => Vec::from(s),
        }
    }
}
