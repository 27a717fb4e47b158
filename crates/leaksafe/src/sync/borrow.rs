//! [`ArcBorrow<'a, T, C>`]: a borrowed [`Arc`] that is one `Copy` pointer.
//!
//! triomphe's `ArcBorrow`: `&'a Arc<T, C>` costs a double indirection and
//! `&'a T` cannot become an `Arc` again; an `ArcBorrow` is the block pointer
//! itself, borrowed for `'a`. It derefs to `&'a T` without touching a count
//! and turns back into an owned `Arc` with [`ArcBorrow::clone_arc`] (one
//! increment, as `Arc::clone`).
//!
//! # Invariants
//! 1. An `ArcBorrow<'a, T, C>` is made only from an `&'a Arc<T, C>`
//!    ([`Arc::borrow_arc`] or `From`): for `'a` that `Arc` holds a strong
//!    reference, so the block is live and the value initialized and not
//!    mutably borrowed (`get_mut` needs `&mut` of an `Arc`, and the
//!    borrowed one is shared for `'a`; any other `Arc` sees strong ≥ 2).
//! 2. The pointer is the block pointer of that `Arc` (with its provenance
//!    over the whole block, counts included), recovered from `Arc::as_ptr`
//!    and the value's offset in the block (`block_of`), never from a `&T`:
//!    the count writes of `clone_arc` stay inside what the pointer may access
//!    under Stacked and Tree Borrows.
use core::fmt;
use core::marker::PhantomData;
use core::ops::Deref;
use core::ptr::{self, NonNull};

use super::{Arc, Block};
use crate::count::Count;
use crate::rc_box;

/// A borrowed [`Arc`]: `Copy`, one pointer wide, derefs without touching the
/// count, and [`clone_arc`](ArcBorrow::clone_arc)s back to an owned `Arc`.
///
/// ```
/// use leaksafe::sync::{Arc, ArcBorrow};
///
/// fn keep_if_long(s: ArcBorrow<'_, String>, kept: &mut Vec<Arc<String>>) {
///     if s.len() > 3 {
///         kept.push(s.clone_arc()); // only now is the count touched
///     }
/// }
/// let a = Arc::new(String::from("hello"));
/// let mut kept = Vec::new();
/// keep_if_long(Arc::borrow_arc(&a), &mut kept);
/// assert_eq!(Arc::strong_count(&a), 2);
/// assert_eq!(core::mem::size_of::<ArcBorrow<'_, String>>(), core::mem::size_of::<usize>());
/// ```
pub struct ArcBorrow<'a, T: ?Sized, C: Count = usize> {
    ptr: NonNull<Block<T, C>>,
    /// Borrows the `Arc` it came from (invariant 1).
    phantom: PhantomData<&'a Arc<T, C>>,
}

// SAFETY: an `ArcBorrow` is an `&'a Arc<T, C>` in all but representation: it
// gives `&T` and `clone_arc` (a new `Arc`) on whichever thread holds it, which
// is what `&Arc<T, C>: Send` allows (`Arc<T, C>: Sync`, i.e. `T: Send + Sync`).
unsafe impl<T: ?Sized + Sync + Send, C: Count> Send for ArcBorrow<'_, T, C> {}
// SAFETY: as for `Send`: sharing an `ArcBorrow` shares the `&Arc`.
unsafe impl<T: ?Sized + Sync + Send, C: Count> Sync for ArcBorrow<'_, T, C> {}

impl<T: ?Sized, C: Count> Clone for ArcBorrow<'_, T, C> {
    #[inline]
    fn clone(&self) -> Self {
        *self
    }
}
impl<T: ?Sized, C: Count> Copy for ArcBorrow<'_, T, C> {}

impl<T: ?Sized, C: Count> Arc<T, C> {
    /// Borrows this `Arc` as an [`ArcBorrow`]: a `Copy` pointer that derefs
    /// without touching the count (triomphe's `borrow_arc`).
    ///
    /// ```
    /// use leaksafe::sync::Arc;
    ///
    /// let a: Arc<i32, u8> = Arc::new_counted(5);
    /// let b = Arc::borrow_arc(&a);
    /// let c = b; // Copy
    /// assert_eq!(*b + *c, 10);
    /// assert_eq!(Arc::strong_count(&a), 1);
    /// ```
    #[inline]
    pub fn borrow_arc(this: &Self) -> ArcBorrow<'_, T, C> {
        ArcBorrow {
            ptr: block_of(this),
            phantom: PhantomData,
        }
    }
}

/// The block pointer of a live `Arc` (its field is private to `arc.rs`),
/// from `Arc::as_ptr` and the value's offset in the block. The offset comes
/// from `align_of_val` of the **live** value (a constant for sized values, the
/// metadata otherwise), never from reading the block: this is the cheap
/// path `from_raw` cannot take (its value may be dropped).
#[inline]
pub(super) fn block_of<T: ?Sized, C: Count>(this: &Arc<T, C>) -> NonNull<Block<T, C>> {
    let align = core::mem::align_of_val::<T>(this);
    let offset = rc_box::data_offset_align::<C::Atomic>(align);
    // SAFETY: `as_ptr` is the value field of the live block of `this`, with
    // the block's provenance (invariant 2); the block starts `offset` bytes
    // before it (repr(C): `data_offset_align` is the field's offset for this
    // alignment), so stepping back stays in the allocation; the cast keeps
    // the metadata. Not null: it is the block's address.
    unsafe { NonNull::new_unchecked(Arc::as_ptr(this).byte_sub(offset) as *mut Block<T, C>) }
}

impl<'a, T: ?Sized, C: Count> From<&'a Arc<T, C>> for ArcBorrow<'a, T, C> {
    /// [`Arc::borrow_arc`].
    ///
    /// ```
    /// use leaksafe::sync::{Arc, ArcBorrow};
    ///
    /// let a = Arc::new(1);
    /// let b: ArcBorrow<'_, i32> = (&a).into();
    /// assert_eq!(*b, 1);
    /// ```
    #[inline]
    fn from(arc: &'a Arc<T, C>) -> Self {
        Arc::borrow_arc(arc)
    }
}

impl<'a, T: ?Sized, C: Count> ArcBorrow<'a, T, C> {
    /// A new owned [`Arc`] to the value: increments the strong count (aborts
    /// or saturates at the ceiling, as `Arc::clone`).
    ///
    /// ```
    /// use leaksafe::sync::Arc;
    ///
    /// let a = Arc::new(7);
    /// let b = Arc::borrow_arc(&a).clone_arc();
    /// assert!(Arc::ptr_eq(&a, &b));
    /// assert_eq!(Arc::strong_count(&a), 2);
    /// ```
    #[inline]
    pub fn clone_arc(&self) -> Arc<T, C> {
        // SAFETY: invariant 1: the block is live; only the strong atomic is
        // borrowed (sync invariant 4).
        let strong = unsafe { &(*self.ptr.as_ptr()).strong };
        // A new reference made from an existing one (the borrowed `Arc`'s),
        // Relaxed like `Arc::clone`.
        C::atomic_inc_strong(strong);
        Arc::from_block(self.ptr)
    }

    /// The value, for all of `'a` (not only for the borrow of `self`).
    ///
    /// ```
    /// use leaksafe::sync::Arc;
    ///
    /// let a = Arc::new(String::from("x"));
    /// let s: &str = {
    ///     let b = Arc::borrow_arc(&a);
    ///     b.get()
    /// };
    /// assert_eq!(s, "x");
    /// ```
    #[inline]
    pub fn get(&self) -> &'a T {
        // SAFETY: invariant 1: the value is initialized, and shared for `'a`.
        unsafe { &(*self.ptr.as_ptr()).value }
    }

    /// Calls `f` with an `&Arc` to the value without touching the count
    /// (triomphe's `with_arc`): for APIs that take `&Arc<T, C>`.
    ///
    /// ```
    /// use leaksafe::sync::Arc;
    ///
    /// let a = Arc::new(3);
    /// let n = Arc::borrow_arc(&a).with_arc(|arc| Arc::strong_count(arc));
    /// assert_eq!(n, 1);
    /// ```
    #[inline]
    pub fn with_arc<U>(&self, f: impl FnOnce(&Arc<T, C>) -> U) -> U {
        // A temporary `Arc` that owns no count: it is never dropped (also if
        // `f` panics, `ManuallyDrop` does not run its destructor), and `f`
        // only gets `&` to it, so it cannot move it out.
        let arc = core::mem::ManuallyDrop::new(Arc::from_block(self.ptr));
        f(&arc)
    }

    /// Whether both point to the same allocation (addresses only).
    ///
    /// ```
    /// use leaksafe::sync::{Arc, ArcBorrow};
    ///
    /// let a = Arc::new(1);
    /// assert!(ArcBorrow::ptr_eq(&Arc::borrow_arc(&a), &Arc::borrow_arc(&a)));
    /// ```
    #[inline]
    pub fn ptr_eq(this: &Self, other: &Self) -> bool {
        ptr::addr_eq(this.ptr.as_ptr(), other.ptr.as_ptr())
    }

    /// The strong count (a snapshot, as [`Arc::strong_count`]).
    ///
    /// ```
    /// use leaksafe::sync::{Arc, ArcBorrow};
    ///
    /// let a = Arc::new(1);
    /// let _b = a.clone();
    /// assert_eq!(ArcBorrow::strong_count(&Arc::borrow_arc(&a)), 2);
    /// ```
    #[inline]
    pub fn strong_count(this: &Self) -> usize {
        this.with_arc(|a| Arc::strong_count(a))
    }
}

impl<T: ?Sized, C: Count> Deref for ArcBorrow<'_, T, C> {
    type Target = T;

    #[inline]
    fn deref(&self) -> &T {
        self.get()
    }
}

impl<T: ?Sized + fmt::Debug, C: Count> fmt::Debug for ArcBorrow<'_, T, C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.get(), f)
    }
}

impl<T: ?Sized + fmt::Display, C: Count> fmt::Display for ArcBorrow<'_, T, C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self.get(), f)
    }
}

impl<T: ?Sized + PartialEq, C: Count> PartialEq for ArcBorrow<'_, T, C> {
    fn eq(&self, other: &Self) -> bool {
        self.get() == other.get()
    }
}
impl<T: ?Sized + Eq, C: Count> Eq for ArcBorrow<'_, T, C> {}

impl<T: ?Sized + core::hash::Hash, C: Count> core::hash::Hash for ArcBorrow<'_, T, C> {
    fn hash<H: core::hash::Hasher>(&self, state: &mut H) {
        self.get().hash(state)
    }
}

impl<T: ?Sized, C: Count> AsRef<T> for ArcBorrow<'_, T, C> {
    fn as_ref(&self) -> &T {
        self.get()
    }
}
