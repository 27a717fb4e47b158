//! Fallible allocation: [`AllocError`] and `try_new` for [`Rc`] (and, through
//! [`try_allocate_value`], for [`Arc`](crate::sync::Arc)).
//!
//! std's `Rc::try_new` is unstable (`allocator_api`); so is its `AllocError`.
//! leaksafe's has the same name and shape (a unit struct, "memory allocation
//! failed"), so code moves to std's by changing the import.
//!
//! # Invariants
//! - [`try_allocate_value`] returns either a block exactly as
//!   `rc_box::allocate_value` makes it (layout [`rc_box::inner_layout`], both
//!   counts and the value written), or `Err` with nothing allocated and the
//!   value dropped. It never calls `handle_alloc_error` and never panics on a
//!   size overflow (that is an `Err` too).
use alloc::alloc::{Layout, alloc};
use core::cell::Cell;
use core::fmt;
use core::ptr::{self, NonNull};

use super::Rc;
use crate::count::Count;
use crate::rc_box::{self, CountCell, Inner};

/// The allocator could not provide the memory (std's unstable
/// `core::alloc::AllocError`, the error of `try_new`).
///
/// ```
/// use leaksafe::rc::{AllocError, Rc};
///
/// let r: Result<Rc<i32>, AllocError> = Rc::try_new(5);
/// assert_eq!(*r.unwrap(), 5);
/// assert_eq!(AllocError.to_string(), "memory allocation failed");
/// ```
#[derive(Copy, Clone, PartialEq, Eq, Debug)]
pub struct AllocError;

impl fmt::Display for AllocError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("memory allocation failed")
    }
}

impl core::error::Error for AllocError {}

/// Allocates a block for a sized value and moves it in, or returns
/// `Err(AllocError)` (dropping `value`) if the allocator fails or the size
/// overflows.
///
/// The block is `rc_box::allocate_for_layout`'s, written the same way,
/// including the offset marker in the padding of an over-aligned value
/// (`rc_box::write_offset_marker`), which `from_raw` reads; a debug assertion
/// checks that `rc_box::data_offset` finds the value where it was written.
pub(crate) fn try_allocate_value<K: CountCell, T>(
    strong: K,
    weak: K,
    value: T,
) -> Result<NonNull<Inner<K, T>>, AllocError> {
    let value_layout = Layout::new::<T>();
    let layout = Layout::new::<[K; 2]>()
        .extend(value_layout)
        .map_err(|_| AllocError)?
        .0
        .pad_to_align();
    // Same computation as `rc_box::inner_layout`, without its panic.
    debug_assert_eq!(layout, rc_box::inner_layout::<K>(value_layout));
    // SAFETY: the layout is not zero-sized: it holds two counts (at least one
    // byte each).
    let mem = unsafe { alloc(layout) };
    if mem.is_null() {
        return Err(AllocError);
    }
    // SAFETY: `mem` is a fresh block of `inner_layout::<K>(value_layout)`
    // (asserted equal above).
    let offset = unsafe { rc_box::write_offset_marker::<K>(mem, value_layout) };
    let p = mem.cast::<Inner<K, T>>();
    // SAFETY: fresh memory with the layout of `Inner<K, T>` (repr(C), computed
    // above as the compiler does); each field is written once; then the
    // header is complete for `store_wide_header`.
    unsafe {
        ptr::addr_of_mut!((*p).strong).write(strong);
        ptr::addr_of_mut!((*p).weak).write(weak);
        rc_box::store_wide_header::<K>(mem, offset);
        ptr::addr_of_mut!((*p).value).write(value);
    }
    #[cfg(debug_assertions)]
    {
        // SAFETY: the block is live with weak >= 1, and the value pointer has
        // the provenance of `mem`, as `into_raw` would return it.
        let found = unsafe { rc_box::data_offset::<K, T>(ptr::addr_of!((*p).value)) };
        debug_assert_eq!(found, offset);
    }
    // SAFETY: `mem` is not null.
    Ok(unsafe { NonNull::new_unchecked(p) })
}

impl<T> Rc<T> {
    /// [`Rc::new`], but an allocation failure is `Err(AllocError)` instead of
    /// a call to `handle_alloc_error` (std's unstable `Rc::try_new`). The
    /// value is dropped on failure.
    ///
    /// ```
    /// use leaksafe::rc::Rc;
    ///
    /// let a = Rc::try_new([0u8; 16]).expect("16 bytes are available");
    /// assert_eq!(a.len(), 16);
    /// ```
    #[inline]
    pub fn try_new(value: T) -> Result<Self, AllocError> {
        Self::try_new_counted(value)
    }
}

impl<T, C: Count> Rc<T, C> {
    /// [`Rc::try_new`] for any count type `C`.
    ///
    /// ```
    /// use leaksafe::rc::Rc;
    ///
    /// let a = Rc::<_, u8>::try_new_counted(1u8).unwrap();
    /// assert_eq!(*a, 1);
    /// ```
    #[inline]
    pub fn try_new_counted(value: T) -> Result<Self, AllocError> {
        try_allocate_value(Cell::new(C::ONE), Cell::new(C::ONE), value).map(Self::from_inner)
    }
}
