//! [`Weak<T, C>`]: a non-owning handle to an [`Rc`]'s allocation.
//!
//! # Invariants (in addition to those of the [module](super))
//! - A `Weak` either counts in its block's weak count, or is **dangling**: made
//!   by [`Weak::new`], with the address `usize::MAX` and no allocation. No
//!   block can start there: every block is at least 2 bytes (two counts), and
//!   an allocation cannot wrap around the address space. The dangling pointer
//!   is never dereferenced, so its (mis)alignment for a zero-sized or
//!   over-aligned `T` does not matter.
//! - A `Weak` keeps the block, not the value, alive: it reads the value only
//!   after a successful [`upgrade`](Weak::upgrade), which needs strong > 0.
use core::cell::Cell;
use core::fmt;
use core::marker::PhantomData;
use core::mem;
use core::ptr::{self, NonNull};

use super::{Rc, RcInner};
use crate::count::{Count, CountOps};
use crate::rc_box;

/// A weak reference to an [`Rc`]'s allocation: it does not keep the value
/// alive, and [`upgrade`](Weak::upgrade) gives `None` once the value was dropped.
///
/// ```
/// use leaksafe::rc::Rc;
///
/// let a = Rc::<_>::new(1);
/// let w = Rc::downgrade(&a);
/// assert_eq!(*w.upgrade().unwrap(), 1);
/// drop(a);
/// assert!(w.upgrade().is_none());
/// ```
pub struct Weak<T: ?Sized, C: Count = usize> {
    ptr: NonNull<RcInner<T, C>>,
    phantom: PhantomData<RcInner<T, C>>,
}

/// The strong and weak count cells of a block.
type Counts<'a, C> = (
    &'a Cell<<C as CountOps>::Int>,
    &'a Cell<<C as CountOps>::Int>,
);

/// Whether `ptr` is `Weak::new`'s sentinel.
#[inline]
fn is_dangling<U: ?Sized>(ptr: *const U) -> bool {
    ptr.cast::<()>().addr() == usize::MAX
}

impl<T: ?Sized, C: Count> Weak<T, C> {
    /// Wraps a block whose weak count already counts this `Weak`.
    #[inline]
    pub(super) fn from_inner(ptr: NonNull<RcInner<T, C>>) -> Self {
        Weak {
            ptr,
            phantom: PhantomData,
        }
    }

    /// The block's counts, or `None` for a dangling `Weak`.
    #[inline]
    fn counts(&self) -> Option<Counts<'_, C>> {
        if is_dangling(self.ptr.as_ptr()) {
            None
        } else {
            let p = self.ptr.as_ptr();
            // SAFETY: not dangling, so this `Weak` counts in the weak count of
            // a live block (module invariant 1); the counts are initialized.
            Some(unsafe { (&(*p).strong, &(*p).weak) })
        }
    }

    /// An [`Rc`] to the value if it is still alive (strong count > 0);
    /// `None` otherwise. Aborts (or saturates) if the strong count is full.
    ///
    /// ```
    /// use leaksafe::rc::{Rc, Weak};
    ///
    /// let a: Rc<i32, u8> = Rc::new_counted(5);
    /// let w: Weak<i32, u8> = Rc::downgrade(&a);
    /// assert_eq!(*w.upgrade().unwrap(), 5);
    /// ```
    pub fn upgrade(&self) -> Option<Rc<T, C>> {
        let (strong, _) = self.counts()?;
        if strong.get() == C::ZERO {
            return None;
        }
        // SAFETY: not dangling (`counts`): the block is live.
        let (h, wide) = unsafe { super::header::<T, C>(self.ptr) };
        // SAFETY: `header`'s; the count is not 0.
        unsafe { C::rc_inc(h, false, wide) };
        Some(Rc::from_inner(self.ptr))
    }

    /// The number of [`Rc`]s to the allocation (0 if dangling or dropped).
    ///
    /// ```
    /// use leaksafe::rc::{Rc, Weak};
    ///
    /// let a = Rc::<_>::new(0);
    /// assert_eq!(Rc::downgrade(&a).strong_count(), 1);
    /// assert_eq!(Weak::<i32>::new().strong_count(), 0);
    /// ```
    pub fn strong_count(&self) -> usize {
        self.counts().map_or(0, |(s, _)| C::to_usize(s.get()))
    }

    /// The number of `Weak`s to the allocation; 0 if dangling or if no
    /// [`Rc`] is left (as std). Otherwise the weak count minus the reference
    /// the `Rc`s share, saturated or not (the rule of [`Rc::weak_count`]).
    ///
    /// ```
    /// use leaksafe::rc::Rc;
    ///
    /// let a = Rc::<_>::new(0);
    /// let w = Rc::downgrade(&a);
    /// let _w2 = w.clone();
    /// assert_eq!(w.weak_count(), 2);
    /// ```
    pub fn weak_count(&self) -> usize {
        match self.counts() {
            None => 0,
            Some((s, _)) if s.get() == C::ZERO => 0,
            Some((_, w)) => C::to_usize(w.get()) - 1,
        }
    }

    /// Whether two `Weak`s point to the same allocation, or are both dangling.
    ///
    /// ```
    /// use leaksafe::rc::{Rc, Weak};
    ///
    /// let a = Rc::<_>::new(1);
    /// assert!(Rc::downgrade(&a).ptr_eq(&Rc::downgrade(&a)));
    /// assert!(Weak::<i32>::new().ptr_eq(&Weak::new()));
    /// ```
    #[inline]
    pub fn ptr_eq(&self, other: &Self) -> bool {
        ptr::addr_eq(self.ptr.as_ptr(), other.ptr.as_ptr())
    }

    /// A raw pointer to the value (dangling if this `Weak` is, or if the value
    /// was dropped; valid to read only while a strong reference exists).
    ///
    /// ```
    /// use leaksafe::rc::Rc;
    ///
    /// let a = Rc::<_>::new(3);
    /// let w = Rc::downgrade(&a);
    /// assert!(core::ptr::eq(w.as_ptr(), Rc::as_ptr(&a)));
    /// ```
    pub fn as_ptr(&self) -> *const T {
        let p = self.ptr.as_ptr();
        if is_dangling(p) {
            // The sentinel itself, as std returns it.
            p as *const T
        } else {
            // SAFETY: the block is live (this `Weak` counts in it): projecting
            // to its field stays in bounds; no reference is made.
            unsafe { ptr::addr_of!((*p).value) }
        }
    }

    /// Consumes the `Weak`, returning [`as_ptr`](Weak::as_ptr); the weak count
    /// is kept. Turn it back with [`Weak::from_raw`].
    ///
    /// ```
    /// use leaksafe::rc::{Rc, Weak};
    ///
    /// let a = Rc::<_>::new(3);
    /// let p = Weak::into_raw(Rc::downgrade(&a));
    /// let w = unsafe { Weak::from_raw(p) };
    /// assert_eq!(*w.upgrade().unwrap(), 3);
    /// ```
    pub fn into_raw(self) -> *const T {
        let p = self.as_ptr();
        mem::forget(self);
        p
    }

    /// [`Weak::from_raw`] for any count type `C` (std's name builds the
    /// default `usize` count, so that `Weak::from_raw(p)` infers as in std).
    ///
    /// # Safety
    /// `ptr` came from `Weak::<T, C>::into_raw` with the **same count type**,
    /// and that raw pointer still owns its weak reference. The value may have
    /// been dropped, and this may be called from inside its `Drop`.
    ///
    /// ```
    /// use leaksafe::rc::{Rc, Weak};
    ///
    /// let a = Rc::<_, u8>::new_counted(3);
    /// let p = Weak::into_raw(Rc::downgrade(&a));
    /// let w = unsafe { Weak::<i32, u8>::from_raw_counted(p) };
    /// assert_eq!(*w.upgrade().unwrap(), 3);
    /// ```
    pub unsafe fn from_raw_counted(ptr: *const T) -> Self {
        if is_dangling(ptr) {
            // Only `Weak::new` makes this address; the cast keeps the metadata.
            // SAFETY: `usize::MAX` is not null.
            return Self::from_inner(unsafe { NonNull::new_unchecked(ptr as *mut RcInner<T, C>) });
        }
        // SAFETY: the caller guarantees `ptr` is the value field of a block of
        // this count type kept live by the weak reference it owns (the value
        // may be dropped or being dropped: `data_offset` reads no part of it).
        let inner = unsafe { rc_box::inner_from_value_ptr::<Cell<C::Int>, T>(ptr) };
        // SAFETY: a block pointer is never null.
        Self::from_inner(unsafe { NonNull::new_unchecked(inner) })
    }
}

impl<T: ?Sized> Weak<T> {
    /// Rebuilds a `Weak` from a pointer returned by [`Weak::into_raw`], with
    /// `usize` counts, as `std::rc::Weak::from_raw` (no annotation needed);
    /// see [`Weak::from_raw_counted`] for other count types.
    ///
    /// # Safety
    /// `ptr` came from `Weak::<T>::into_raw` (`usize` counts) and that raw
    /// pointer still owns its weak reference. The value may have been
    /// dropped, and this may be called from inside its `Drop`.
    ///
    /// ```
    /// use leaksafe::rc::{Rc, Weak};
    ///
    /// let a = Rc::new(3);
    /// let p = Weak::into_raw(Rc::downgrade(&a));
    /// let w = unsafe { Weak::from_raw(p) };
    /// assert_eq!(*w.upgrade().unwrap(), 3);
    /// ```
    #[inline]
    pub unsafe fn from_raw(ptr: *const T) -> Self {
        // SAFETY: forwarded to the caller.
        unsafe { Self::from_raw_counted(ptr) }
    }
}

impl<T> Weak<T> {
    /// A `Weak` that points to nothing, with `usize` counts, as
    /// `std::rc::Weak::new`; see [`Weak::new_counted`].
    ///
    /// ```
    /// use leaksafe::rc::Weak;
    ///
    /// let w = Weak::<i64>::new();
    /// assert!(w.upgrade().is_none());
    /// ```
    #[must_use]
    pub const fn new() -> Self {
        Self::new_counted()
    }
}

impl<T, C: Count> Weak<T, C> {
    /// A `Weak` that points to nothing, without allocating: `upgrade` gives
    /// `None`. Works for any `T`, including zero-sized and over-aligned ones.
    ///
    /// ```
    /// use leaksafe::rc::Weak;
    ///
    /// let w: Weak<i64, u8> = Weak::new_counted();
    /// assert!(w.upgrade().is_none());
    /// ```
    #[must_use]
    pub const fn new_counted() -> Self {
        Weak {
            // SAFETY: `usize::MAX` is not zero.
            ptr: unsafe { NonNull::new_unchecked(ptr::without_provenance_mut(usize::MAX)) },
            phantom: PhantomData,
        }
    }
}

impl<T: ?Sized, C: Count> Clone for Weak<T, C> {
    /// Another `Weak` to the same allocation. Aborts (or saturates) if the
    /// weak count is full.
    fn clone(&self) -> Self {
        if self.counts().is_some() {
            // SAFETY: not dangling: the block is live (invariant 1).
            let (h, wide) = unsafe { super::header::<T, C>(self.ptr) };
            // SAFETY: `header`'s.
            unsafe { C::rc_inc(h, true, wide) };
        }
        Self::from_inner(self.ptr)
    }
}

impl<T: ?Sized, C: Count> Weak<T, C> {
    /// Frees the block if this was the last weak reference (counting the one
    /// the strong references share); never once the weak count saturated.
    #[inline]
    fn release(&mut self) {
        if self.counts().is_none() {
            return;
        }
        // SAFETY: not dangling: the block is live (invariant 1).
        let (h, wide) = unsafe { super::header::<T, C>(self.ptr) };
        // SAFETY: `header`'s; the weak count holds this reference.
        if unsafe { C::rc_dec(h, true, wide) } {
            // SAFETY: weak reached 0: no `Rc` (their `+ 1` is released only
            // after the value was dropped or moved out) and no other `Weak`
            // remains, so the block is freed once and never used again.
            unsafe { rc_box::deallocate(self.ptr.as_ptr()) };
        }
    }
}

crate::shared_impls::impl_drop!(Weak);

impl<T, C: Count> Default for Weak<T, C> {
    /// [`Weak::new`].
    fn default() -> Self {
        Self::new_counted()
    }
}

impl<T: ?Sized, C: Count> fmt::Debug for Weak<T, C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("(Weak)")
    }
}
