//! The buffer behind [`Vec`](super::Vec): allocation, growth and zero-sized types.
//!
//! # Invariants
//! A `RawVec<T>` owns one allocation and knows nothing about which slots hold
//! values (that is the vector's business):
//! - If `T` is zero-sized, nothing is ever allocated, `ptr` is
//!   [`NonNull::dangling`] and [`capacity`](RawVec::capacity) is `usize::MAX`.
//! - Otherwise, if `cap == 0`, `ptr` is dangling and nothing is allocated.
//! - Otherwise `ptr` was returned by the global allocator for
//!   `Layout::array::<T>(cap)`, which is exactly the layout
//!   `alloc::vec::Vec<T>` uses for the same capacity. This is what lets
//!   [`Vec`](super::Vec) convert to and from `alloc::vec::Vec` without a copy.
//! - `cap * size_of::<T>() <= isize::MAX` (guaranteed by [`Layout::array`]).
//!
//! Growth is amortized like std's: at least double, at least the request, and
//! a small minimum (8 for 1-byte elements, 4 up to 1 KiB, else 1).
//! Requests that cannot be laid out panic with `"capacity overflow"`; an
//! allocator failure calls [`handle_alloc_error`]. The `try_` variants return
//! the error instead, as `alloc::collections::TryReserveError`.
//!
//! Dropping a `RawVec` frees the allocation and never touches the slots; a
//! forgotten `RawVec` leaks its allocation, which is safe.

use alloc::alloc::{Layout, alloc, dealloc, handle_alloc_error, realloc};
use alloc::collections::TryReserveError;
use core::marker::PhantomData;
use core::mem;
use core::ptr::NonNull;

/// Why a growth failed, before it is turned into a panic or a
/// [`TryReserveError`] (whose constructor is not public).
enum GrowError {
    /// The new capacity does not fit in `usize` or its layout exceeds `isize::MAX` bytes.
    CapacityOverflow,
    /// The allocator returned null for this layout.
    Alloc(Layout),
}

/// An owned, possibly empty allocation for `cap` values of `T`.
pub(crate) struct RawVec<T> {
    ptr: NonNull<T>,
    /// Meaningless (always 0) for zero-sized `T`; see [`RawVec::capacity`].
    cap: usize,
    /// We own `T`s (for the drop checker and auto traits).
    _marker: PhantomData<T>,
}

// SAFETY: a `RawVec<T>` is an owning pointer to a buffer of `T`s, like `Box<[T]>`:
// sending it sends the `T`s it owns.
unsafe impl<T: Send> Send for RawVec<T> {}
// SAFETY: `RawVec` is private; through `&Vec<T>` users only get `&[T]` and
// `*const T`, so sharing it shares the `T`s, like `Box<[T]>`.
unsafe impl<T: Sync> Sync for RawVec<T> {}

// Unwind safety as std's `Vec` (whose `Unique<T>` is `UnwindSafe` when `T`
// is): the auto impl from `NonNull<T>` would ask for `T: RefUnwindSafe`, so
// `Vec<Cell<i32>>` would not be `UnwindSafe` while std's is. An owning buffer
// is as unwind safe as the values it owns.
impl<T: core::panic::UnwindSafe> core::panic::UnwindSafe for RawVec<T> {}

const fn is_zst<T>() -> bool {
    mem::size_of::<T>() == 0
}

/// std's minimum non-zero capacity, so small vectors grow the same way.
const fn min_non_zero_cap<T>() -> usize {
    if mem::size_of::<T>() == 1 {
        8
    } else if mem::size_of::<T>() <= 1024 {
        4
    } else {
        1
    }
}

#[cold]
#[track_caller]
pub(crate) fn capacity_overflow() -> ! {
    panic!("capacity overflow");
}

#[track_caller]
fn handle(e: GrowError) -> ! {
    match e {
        GrowError::CapacityOverflow => capacity_overflow(),
        GrowError::Alloc(layout) => handle_alloc_error(layout),
    }
}

impl<T> RawVec<T> {
    /// An empty buffer; allocates nothing.
    pub(crate) const fn new() -> Self {
        RawVec {
            ptr: NonNull::dangling(),
            cap: 0,
            _marker: PhantomData,
        }
    }

    /// A buffer with room for at least `cap` values.
    ///
    /// # Panics
    /// `"capacity overflow"` if `cap` values exceed `isize::MAX` bytes; calls
    /// [`handle_alloc_error`] if the allocator fails.
    #[track_caller]
    pub(crate) fn with_capacity(cap: usize) -> Self {
        let mut this = Self::new();
        if !is_zst::<T>() && cap > 0 {
            if let Err(e) = this.finish_grow(cap) {
                handle(e);
            }
        }
        this
    }

    /// Rebuilds a buffer from its parts.
    ///
    /// # Safety
    /// `ptr` and `cap` must satisfy the module's invariants: `ptr` dangling if
    /// `cap == 0` or `T` is zero-sized, else allocated by the global allocator
    /// with `Layout::array::<T>(cap)`.
    pub(crate) unsafe fn from_raw_parts(ptr: NonNull<T>, cap: usize) -> Self {
        RawVec {
            ptr,
            cap: if is_zst::<T>() { 0 } else { cap },
            _marker: PhantomData,
        }
    }

    /// The start of the buffer (dangling if nothing is allocated). The pointer
    /// is valid for reads and writes of `capacity()` values; deriving it
    /// creates no reference, so it does not invalidate other pointers.
    #[inline(always)]
    pub(crate) const fn ptr(&self) -> *mut T {
        self.ptr.as_ptr()
    }

    /// How many values fit: `usize::MAX` for zero-sized `T`.
    #[inline(always)]
    pub(crate) const fn capacity(&self) -> usize {
        if is_zst::<T>() { usize::MAX } else { self.cap }
    }

    /// Whether `len + additional` values do not fit.
    #[inline(always)]
    fn needs_to_grow(&self, len: usize, additional: usize) -> bool {
        additional > self.capacity().wrapping_sub(len)
    }

    /// Ensures room for `len + additional` values, growing amortized.
    #[inline]
    #[track_caller]
    pub(crate) fn reserve(&mut self, len: usize, additional: usize) {
        #[cold]
        #[track_caller]
        fn do_reserve<T>(this: &mut RawVec<T>, len: usize, additional: usize) {
            if let Err(e) = this.grow_amortized(len, additional) {
                handle(e);
            }
        }
        if self.needs_to_grow(len, additional) {
            do_reserve(self, len, additional);
        }
    }

    /// Grows by at least one slot: the fast path of `push` when full.
    ///
    /// Out of line but deliberately *not* `#[cold]` (nor `#[track_caller]`),
    /// exactly as std's `RawVec::grow_one`: a cold callee makes LLVM lay the
    /// caller's push loop out differently from std's (not rotated, the call
    /// after the loop), which measured 7 % slower than std in one push loop
    /// and 2 % faster in another with the same instruction count. With the
    /// same attributes as std, a push loop compiles to the same instructions
    /// in the same block order as with `alloc::vec::Vec`.
    #[inline(never)]
    pub(crate) fn grow_one(&mut self) {
        if let Err(e) = self.grow_amortized(self.cap, 1) {
            handle(e);
        }
    }

    /// Ensures room for exactly `len + additional` values (no amortization).
    #[track_caller]
    pub(crate) fn reserve_exact(&mut self, len: usize, additional: usize) {
        if self.needs_to_grow(len, additional) {
            let r = len
                .checked_add(additional)
                .ok_or(GrowError::CapacityOverflow)
                .and_then(|cap| self.finish_grow(cap));
            if let Err(e) = r {
                handle(e);
            }
        }
    }

    /// Like [`reserve`](Self::reserve) but returns the error.
    pub(crate) fn try_reserve(
        &mut self,
        len: usize,
        additional: usize,
    ) -> Result<(), TryReserveError> {
        if !self.needs_to_grow(len, additional) {
            return Ok(());
        }
        match self.grow_amortized(len, additional) {
            Ok(()) => Ok(()),
            Err(GrowError::CapacityOverflow) => Err(capacity_overflow_error()),
            Err(GrowError::Alloc(layout)) => self.alloc_error_fallback(layout),
        }
    }

    /// Like [`reserve_exact`](Self::reserve_exact) but returns the error.
    pub(crate) fn try_reserve_exact(
        &mut self,
        len: usize,
        additional: usize,
    ) -> Result<(), TryReserveError> {
        if !self.needs_to_grow(len, additional) {
            return Ok(());
        }
        let Some(cap) = len.checked_add(additional) else {
            return Err(capacity_overflow_error());
        };
        match self.finish_grow(cap) {
            Ok(()) => Ok(()),
            Err(GrowError::CapacityOverflow) => Err(capacity_overflow_error()),
            Err(GrowError::Alloc(layout)) => self.alloc_error_fallback(layout),
        }
    }

    /// Shrinks the allocation to `cap` slots (`cap <= capacity()`); frees it if `cap == 0`.
    #[track_caller]
    pub(crate) fn shrink_to(&mut self, cap: usize) {
        if is_zst::<T>() || cap >= self.cap {
            return;
        }
        // `cap < self.cap`, so both layouts fit (they did for the larger one).
        let old_layout = self.layout_of(self.cap);
        if cap == 0 {
            // SAFETY: `cap > 0` and not a ZST, so `ptr` was allocated with
            // `old_layout` (module invariant).
            unsafe { dealloc(self.ptr.as_ptr().cast(), old_layout) };
            self.ptr = NonNull::dangling();
            self.cap = 0;
            return;
        }
        let new_size = mem::size_of::<T>() * cap;
        // SAFETY: `ptr` was allocated with `old_layout`; `new_size` is non-zero
        // and, being smaller than the old size, does not overflow `isize`.
        let p = unsafe { realloc(self.ptr.as_ptr().cast(), old_layout, new_size) };
        match NonNull::new(p) {
            Some(p) => {
                self.ptr = p.cast();
                self.cap = cap;
            }
            // SAFETY: the layout is valid: same alignment, smaller size.
            None => handle_alloc_error(unsafe {
                Layout::from_size_align_unchecked(new_size, mem::align_of::<T>())
            }),
        }
    }

    fn layout_of(&self, cap: usize) -> Layout {
        match Layout::array::<T>(cap) {
            Ok(l) => l,
            // Unreachable for a capacity we hold: it was laid out when allocated.
            Err(_) => capacity_overflow(),
        }
    }

    /// std's amortized growth: `max(2 * cap, len + additional, MIN_NON_ZERO_CAP)`.
    fn grow_amortized(&mut self, len: usize, additional: usize) -> Result<(), GrowError> {
        if is_zst::<T>() {
            // Capacity is already `usize::MAX`, so we only get here on overflow.
            return Err(GrowError::CapacityOverflow);
        }
        let required = len
            .checked_add(additional)
            .ok_or(GrowError::CapacityOverflow)?;
        let cap = core::cmp::max(self.cap.wrapping_mul(2), required);
        let cap = core::cmp::max(min_non_zero_cap::<T>(), cap);
        // `self.cap * 2` cannot overflow: `self.cap <= isize::MAX / size_of::<T>()`.
        self.finish_grow(cap)
    }

    /// Reallocates to exactly `cap` slots (`cap > self.cap`, `T` not zero-sized).
    fn finish_grow(&mut self, cap: usize) -> Result<(), GrowError> {
        if is_zst::<T>() {
            return Err(GrowError::CapacityOverflow);
        }
        debug_assert!(cap > self.cap);
        let new_layout = Layout::array::<T>(cap).map_err(|_| GrowError::CapacityOverflow)?;
        let p = if self.cap == 0 {
            // SAFETY: `new_layout` has non-zero size (`cap > 0`, `T` not a ZST).
            unsafe { alloc(new_layout) }
        } else {
            let old_layout = self.layout_of(self.cap);
            // SAFETY: `ptr` was allocated with `old_layout` (module invariant,
            // `cap > 0`); `new_layout.size()` is non-zero and at most
            // `isize::MAX` (checked by `Layout::array`).
            unsafe { realloc(self.ptr.as_ptr().cast(), old_layout, new_layout.size()) }
        };
        let p = NonNull::new(p).ok_or(GrowError::Alloc(new_layout))?;
        self.ptr = p.cast();
        self.cap = cap;
        Ok(())
    }

    /// The allocator failed for `layout` in a `try_` method. std gives no public
    /// way to build `TryReserveError::AllocError`, so we ask std to make the same
    /// request, which fails the same way and hands us its error. If memory
    /// freed up meanwhile and std succeeds, we adopt its allocation instead.
    #[cold]
    fn alloc_error_fallback(&mut self, layout: Layout) -> Result<(), TryReserveError> {
        let cap = layout.size() / mem::size_of::<T>();
        let mut probe = alloc::vec::Vec::<T>::new();
        probe.try_reserve_exact(cap)?;
        let mut probe = mem::ManuallyDrop::new(probe);
        // std promises a capacity of at least `cap`, and that its buffer was
        // allocated as `Layout::array::<T>(probe.capacity())`: record that
        // capacity, not ours, so later `realloc`/`dealloc` use its layout.
        let new_cap = probe.capacity();
        debug_assert!(new_cap >= cap);
        let new_ptr = probe.as_mut_ptr();
        if self.cap > 0 {
            // SAFETY: the old buffer holds `self.cap` slots and the new one
            // `new_cap >= cap > self.cap`; two live allocations do not overlap. Copying
            // uninitialized slots as `T` bytes is what `realloc` does too.
            unsafe { core::ptr::copy_nonoverlapping(self.ptr.as_ptr(), new_ptr, self.cap) };
            let old_layout = self.layout_of(self.cap);
            // SAFETY: `ptr` was allocated with `old_layout` (module invariant).
            unsafe { dealloc(self.ptr.as_ptr().cast(), old_layout) };
        }
        // SAFETY: `Vec::as_mut_ptr` of an allocated vector is non-null.
        self.ptr = unsafe { NonNull::new_unchecked(new_ptr) };
        self.cap = new_cap;
        Ok(())
    }
}

/// A `TryReserveError` of kind `CapacityOverflow`, built without allocating:
/// no layout of `usize::MAX` bytes is valid, so std reports overflow before
/// calling the allocator.
#[cold]
fn capacity_overflow_error() -> TryReserveError {
    match alloc::vec::Vec::<u8>::new().try_reserve_exact(usize::MAX) {
        Err(e) => e,
        Ok(()) => unreachable!("a usize::MAX-byte allocation cannot succeed"),
    }
}

impl<T> RawVec<T> {
    /// The body of `Drop`: frees the allocation, never touching a `T`.
    #[inline]
    fn free(&mut self) {
        if !is_zst::<T>() && self.cap > 0 {
            let layout = self.layout_of(self.cap);
            // SAFETY: `cap > 0` and not a ZST, so `ptr` was allocated with this
            // layout (module invariant).
            unsafe { dealloc(self.ptr.as_ptr().cast(), layout) };
        }
    }
}

#[cfg(not(feature = "nightly"))]
impl<T> Drop for RawVec<T> {
    fn drop(&mut self) {
        self.free();
    }
}

#[cfg(feature = "nightly")]
// SAFETY: `#[may_dangle]` as on std's `RawVec`: `drop` frees memory and never
// touches a `T`. Without it, this field would keep `Vec`'s and `IntoIter`'s
// eyepatch from having any effect.
unsafe impl<#[may_dangle] T> Drop for RawVec<T> {
    fn drop(&mut self) {
        self.free();
    }
}
