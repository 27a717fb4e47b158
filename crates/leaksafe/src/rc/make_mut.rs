//! `make_mut` for every value std's `make_mut` accepts: `T: Clone`, and the
//! unsized `[T]` (`T: Clone`), `str`, `CStr` and (feature `std`) `OsStr` and
//! `Path`. std bounds it by its unstable `CloneToUninit`; the sealed
//! [`CloneToUninit`] here plays that role.
//!
//! # Invariants
//! 1. `clone_to_uninit(src, dst)` writes a clone of `*src` to `dst`, a
//!    pointer with `src`'s metadata into fresh memory of
//!    `Layout::for_value(src)`. If it panics, nothing is left initialized in
//!    `dst` (the slice impl drops the elements it cloned) and the caller
//!    frees the memory.
//! 2. `with_addr(src, addr)` is a pointer to `addr` with `src`'s metadata
//!    (the length for slice-like types, nothing for sized ones), built from
//!    `addr` so it has `addr`'s provenance. Only slice lengths are copied,
//!    never invented.
//! 3. A block made here ([`clone_to_new_block`], [`move_to_new_block`]) has
//!    the layout `rc_box::inner_layout(Layout::for_value(src))` with `src`'s
//!    metadata, exactly as `rc_box` would allocate it, so it is freed with
//!    the same layout later.
use alloc::alloc::{Layout, dealloc};
use core::cell::Cell;
use core::ffi::CStr;
use core::mem;
use core::ptr::{self, NonNull};

use super::{Rc, ReleaseImplicitWeak};
use crate::count::Count;
use crate::rc_box::{self, Inner};

mod sealed {
    pub trait Sealed {}
}

/// The values that [`Rc::make_mut`] and
/// [`Arc::make_mut`](crate::sync::Arc::make_mut) can clone into a new
/// allocation: every `T: Clone`, `[T]` for `T: Clone`, `str`, `CStr`, and
/// with feature `std` `OsStr` and `Path` — std's `CloneToUninit` list.
/// Sealed: it cannot be implemented outside leaksafe.
///
/// ```
/// use leaksafe::rc::Rc;
///
/// let mut s: Rc<str> = Rc::from("abc");
/// let other = s.clone();
/// Rc::make_mut(&mut s).make_ascii_uppercase(); // `str: CloneToUninit`
/// assert_eq!((&*s, &*other), ("ABC", "abc"));
/// ```
///
/// # Safety
/// Implemented only here, upholding the module invariants.
pub unsafe trait CloneToUninit: sealed::Sealed {
    /// Writes a clone of `*self` to `dst` (module invariant 1).
    ///
    /// # Safety
    /// `dst` is valid for writes of `size_of_val(self)` bytes, aligned for
    /// `Self`, does not overlap `self`, and has `self`'s metadata.
    #[doc(hidden)]
    unsafe fn clone_to_uninit(&self, dst: *mut Self);

    /// A pointer to `addr` with `this`'s metadata (module invariant 2).
    #[doc(hidden)]
    fn with_addr(this: *const Self, addr: *mut u8) -> *mut Self;
}

impl<T: Clone> sealed::Sealed for T {}
// SAFETY: a sized value needs no metadata; `write` of a clone initializes all
// of `dst`, and a panicking `clone` writes nothing.
unsafe impl<T: Clone> CloneToUninit for T {
    unsafe fn clone_to_uninit(&self, dst: *mut Self) {
        // SAFETY: `dst` is valid and aligned for a `T` (caller).
        unsafe { dst.write(self.clone()) }
    }

    fn with_addr(_this: *const Self, addr: *mut u8) -> *mut Self {
        addr.cast()
    }
}

impl<T: Clone> sealed::Sealed for [T] {}
// SAFETY: the length is copied from `this`; the clones are written one by
// one and, if a `clone` panics, the ones written are dropped by the guard.
unsafe impl<T: Clone> CloneToUninit for [T] {
    unsafe fn clone_to_uninit(&self, dst: *mut Self) {
        /// Drops the first `written` elements of `dst` on unwind.
        struct Guard<T> {
            dst: *mut T,
            written: usize,
        }
        impl<T> Drop for Guard<T> {
            fn drop(&mut self) {
                // SAFETY: exactly the first `written` elements were written.
                unsafe { ptr::drop_in_place(ptr::slice_from_raw_parts_mut(self.dst, self.written)) }
            }
        }
        let mut guard = Guard {
            dst: dst.cast::<T>(),
            written: 0,
        };
        for item in self {
            // SAFETY: `written < self.len()`, the length of `dst` (caller):
            // the slot is in bounds and not yet written.
            unsafe { guard.dst.add(guard.written).write(item.clone()) };
            guard.written += 1;
        }
        mem::forget(guard);
    }

    fn with_addr(this: *const Self, addr: *mut u8) -> *mut Self {
        ptr::slice_from_raw_parts_mut(addr.cast::<T>(), this.len())
    }
}

/// Byte strings: the clone is a copy of `size_of_val` bytes (they own no
/// heap memory and have no drop glue), and the metadata is the length in
/// bytes, carried over by a pointer cast from `[u8]`.
macro_rules! byte_string_clone {
    ($($(#[$attr:meta])* $ty:ty),*) => {$(
        $(#[$attr])*
        impl sealed::Sealed for $ty {}
        $(#[$attr])*
        // SAFETY: see the macro's doc: a bitwise copy is a clone, and the
        // length is copied from `this` (module invariant 2).
        unsafe impl CloneToUninit for $ty {
            unsafe fn clone_to_uninit(&self, dst: *mut Self) {
                // SAFETY: `dst` has room for `size_of_val(self)` bytes and
                // does not overlap `self` (caller).
                unsafe {
                    ptr::copy_nonoverlapping(
                        (self as *const Self).cast::<u8>(),
                        dst.cast::<u8>(),
                        mem::size_of_val(self),
                    )
                }
            }

            fn with_addr(this: *const Self, addr: *mut u8) -> *mut Self {
                let len = (this as *const [u8]).len();
                ptr::slice_from_raw_parts_mut(addr, len) as *mut Self
            }
        }
    )*};
}

byte_string_clone!(
    str,
    CStr,
    #[cfg(feature = "std")]
    std::ffi::OsStr,
    #[cfg(feature = "std")]
    std::path::Path
);

/// Frees a block whose value was never written, if the clone panics.
struct FreeOnUnwind {
    mem: *mut u8,
    layout: Layout,
}

impl Drop for FreeOnUnwind {
    fn drop(&mut self) {
        // SAFETY: `mem` was allocated with `layout` by `allocate_like` and
        // holds no initialized value (module invariant 1).
        unsafe { dealloc(self.mem, self.layout) }
    }
}

/// A fresh block shaped like `src` (layout and metadata), counts written,
/// value uninitialized.
fn allocate_like<K: rc_box::CountCell, T: ?Sized + CloneToUninit>(
    src: *const T,
    layout: Layout,
    strong: K,
    weak: K,
) -> NonNull<Inner<K, T>> {
    // SAFETY: `with_addr` gives the address `m` with `src`'s metadata, which
    // describes a value of `layout` (module invariant 2); the cast to the
    // block type keeps both.
    unsafe {
        rc_box::allocate_for_layout::<K, T>(layout, strong, weak, |m| {
            T::with_addr(src, m) as *mut Inner<K, T>
        })
    }
}

/// A new block with counts `strong`/`weak` holding a clone of `src`. If the
/// clone panics, the block is freed and nothing else changes.
pub(crate) fn clone_to_new_block<K: rc_box::CountCell, T: ?Sized + CloneToUninit>(
    src: &T,
    strong: K,
    weak: K,
) -> NonNull<Inner<K, T>> {
    let layout = Layout::for_value(src);
    let block = allocate_like::<K, T>(src, layout, strong, weak);
    let guard = FreeOnUnwind {
        mem: block.as_ptr().cast(),
        layout: rc_box::inner_layout::<K>(layout),
    };
    // SAFETY: the value field of the fresh block has `src`'s metadata and
    // layout, and a fresh block does not overlap `src`.
    unsafe { src.clone_to_uninit(ptr::addr_of_mut!((*block.as_ptr()).value)) };
    mem::forget(guard);
    block
}

/// A new block with counts `strong`/`weak` holding the value at `src`, moved
/// bitwise.
///
/// # Safety
/// `src` points to a live value the caller owns and will neither use nor
/// drop again.
pub(crate) unsafe fn move_to_new_block<K: rc_box::CountCell, T: ?Sized + CloneToUninit>(
    src: *const T,
    strong: K,
    weak: K,
) -> NonNull<Inner<K, T>> {
    // SAFETY: `src` is live (caller).
    let layout = Layout::for_value(unsafe { &*src });
    let block = allocate_like::<K, T>(src, layout, strong, weak);
    // SAFETY: `layout.size()` bytes of a live value go to the fresh block's
    // value field (same layout, no overlap); the caller gives up the source.
    unsafe {
        ptr::copy_nonoverlapping(
            src.cast::<u8>(),
            ptr::addr_of_mut!((*block.as_ptr()).value).cast::<u8>(),
            layout.size(),
        )
    };
    block
}

impl<T: ?Sized + CloneToUninit, C: Count> Rc<T, C> {
    /// A mutable reference to the value, cloning it into a new allocation
    /// first if other `Rc`s share it. If only [`Weak`](super::Weak)s share
    /// it, the value is moved to a new allocation and they are disassociated
    /// (they can no longer upgrade), as std does. Works for `[T]`, `str` and
    /// the other [`CloneToUninit`] types too, as std's.
    ///
    /// If `Clone` panics, nothing has changed: no count, no pointer.
    ///
    /// ```
    /// use leaksafe::rc::Rc;
    ///
    /// let mut a = Rc::new(1);
    /// let b = a.clone();
    /// *Rc::make_mut(&mut a) += 1;
    /// assert_eq!((*a, *b), (2, 1));
    ///
    /// let mut s: Rc<[String]> = Rc::from(vec!["x".to_owned()]);
    /// let t = s.clone();
    /// Rc::make_mut(&mut s)[0].push('y');
    /// assert_eq!((&*s[0], &*t[0]), ("xy", "x"));
    /// ```
    pub fn make_mut(this: &mut Self) -> &mut T {
        if this.strong_cell().get() != C::ONE {
            // Other `Rc`s (or a saturated count): clone first (invariant 5 of
            // the module `rc`); replacing `*this` then drops our reference.
            let fresh = clone_to_new_block(&**this, Cell::new(C::ONE), Cell::new(C::ONE));
            *this = Rc::from_inner(fresh);
        } else if this.weak_cell().get() != C::ONE {
            // Only `Weak`s besides us: move the value out to a fresh block.
            // Its layout is read now, while the value is live: the old block
            // is freed with it, never by looking at the moved-out value.
            let layout = Layout::for_value::<T>(this);
            // SAFETY: strong is 1, so the value is initialized and ours; the
            // old strong count goes to 0 right after, so the old copy is
            // never read or dropped again.
            let fresh = unsafe {
                move_to_new_block(Rc::as_ptr(this), Cell::new(C::ONE), Cell::new(C::ONE))
            };
            this.strong_cell().set(C::ZERO);
            // Release the strong references' `+ 1`: the old block now belongs
            // to the `Weak`s (weak >= 2 or saturated, so it is not freed here).
            let old = mem::replace(&mut this.ptr, fresh);
            drop(ReleaseImplicitWeak::<T, C>(old, layout));
        }
        // SAFETY: `this` is now the only reference (strong 1, weak 1), so
        // handing out `&mut` for the borrow of `this` is exclusive.
        unsafe { &mut (*this.ptr.as_ptr()).value }
    }
}
