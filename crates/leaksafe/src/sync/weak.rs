//! [`Weak<T, C>`]: the non-owning reference.
//!
//! Invariants (see the module docs of [`sync`](super)): a `Weak` either is
//! *dangling* (made by [`Weak::new`]: address `usize::MAX`, no provenance, no
//! block, never dereferenced) or owns one unit of `weak` of a live block,
//! whose value may already be dropped (then `strong == 0` forever). The value
//! is only reached through an [`upgrade`](Weak::upgrade)d `Arc`.

use core::fmt;
use core::marker::PhantomData;
use core::mem;
use core::ptr::{self, NonNull};

use super::{Arc, Block};
use crate::count::Count;
use crate::loom::Ordering::{Acquire, Relaxed};
use crate::rc_box;

/// A weak reference to an [`Arc`]'s allocation: keeps the allocation, not the
/// value, alive; [`upgrade`](Weak::upgrade) gives an `Arc` while the value
/// lives.
///
/// ```
/// use leaksafe::sync::{Arc, Weak};
///
/// let strong: Arc<u32, u16> = Arc::new_counted(1);
/// let weak: Weak<u32, u16> = Arc::downgrade(&strong);
/// assert_eq!(weak.upgrade().as_deref(), Some(&1));
/// drop(strong);
/// assert!(weak.upgrade().is_none());
/// ```
pub struct Weak<T: ?Sized, C: Count = usize> {
    /// The block, or the dangling address `usize::MAX` (`Weak::new`).
    ptr: NonNull<Block<T, C>>,
    phantom: PhantomData<Block<T, C>>,
}

// SAFETY: a `Weak` can upgrade to an `Arc` on its thread, so it needs exactly
// what `Arc` needs (std's bounds): `T: Send + Sync`. Counts are atomics.
unsafe impl<T: ?Sized + Sync + Send, C: Count> Send for Weak<T, C> {}
// SAFETY: as for `Send`.
unsafe impl<T: ?Sized + Sync + Send, C: Count> Sync for Weak<T, C> {}

/// Whether `ptr` is the dangling pointer of `Weak::new`.
#[inline]
fn is_dangling<U: ?Sized>(ptr: *const U) -> bool {
    ptr.cast::<()>().addr() == usize::MAX
}

impl<T: ?Sized> Weak<T> {
    /// Rebuilds a `Weak` from a pointer returned by [`into_raw`](Self::into_raw),
    /// with `usize` counts, as `std::sync::Weak::from_raw` (no annotation
    /// needed); see [`Weak::from_raw_counted`] for other count types.
    ///
    /// # Safety
    /// `ptr` was returned by `Weak::<T>::into_raw` (`usize` counts) and the
    /// weak reference it carries is given back once. The value may have been
    /// dropped, and this may be called from inside its `Drop`.
    ///
    /// ```
    /// use leaksafe::sync::{Arc, Weak};
    ///
    /// let a = Arc::new(1);
    /// let p = Weak::into_raw(Arc::downgrade(&a));
    /// let w = unsafe { Weak::from_raw(p) };
    /// assert_eq!(*w.upgrade().unwrap(), 1);
    /// ```
    #[inline]
    pub unsafe fn from_raw(ptr: *const T) -> Self {
        // SAFETY: forwarded to the caller.
        unsafe { Self::from_raw_counted(ptr) }
    }
}

impl<T> Weak<T> {
    /// A `Weak` to nothing with `usize` counts, as `std::sync::Weak::new`;
    /// see [`Weak::new_counted`].
    ///
    /// ```
    /// use leaksafe::sync::Weak;
    ///
    /// let empty = Weak::<i64>::new();
    /// assert!(empty.upgrade().is_none());
    /// ```
    #[inline]
    #[must_use]
    pub const fn new() -> Self {
        Self::new_counted()
    }
}

impl<T, C: Count> Weak<T, C> {
    /// A `Weak` to nothing: no allocation; [`upgrade`](Weak::upgrade) always
    /// gives `None`.
    ///
    /// ```
    /// use leaksafe::sync::Weak;
    ///
    /// let empty: Weak<i64, u8> = Weak::new_counted();
    /// assert!(empty.upgrade().is_none());
    /// ```
    #[inline]
    #[must_use]
    pub const fn new_counted() -> Self {
        Weak {
            // SAFETY: `usize::MAX` is not zero. The pointer has no provenance
            // and is never dereferenced (every method checks `is_dangling`).
            ptr: unsafe { NonNull::new_unchecked(ptr::without_provenance_mut(usize::MAX)) },
            phantom: PhantomData,
        }
    }
}

impl<T: ?Sized, C: Count> Weak<T, C> {
    /// Takes ownership of one weak reference already counted in `ptr`.
    #[inline]
    pub(super) fn from_block(ptr: NonNull<Block<T, C>>) -> Self {
        Weak {
            ptr,
            phantom: PhantomData,
        }
    }

    /// The block, unless this `Weak` is dangling.
    #[inline]
    fn block(&self) -> Option<NonNull<Block<T, C>>> {
        if is_dangling(self.ptr.as_ptr()) {
            None
        } else {
            Some(self.ptr)
        }
    }

    /// An [`Arc`] to the value if it is still alive (`None` once the last
    /// strong reference was dropped, or for [`Weak::new`]).
    ///
    /// Increments the strong count only if it is not zero (a compare-exchange
    /// loop with Acquire, as std), checking the ceiling first: it aborts (or
    /// saturates) like [`Arc::clone`].
    ///
    /// ```
    /// use leaksafe::sync::Arc;
    ///
    /// let five: Arc<i32, u8> = Arc::new_counted(5);
    /// let weak_five = Arc::downgrade(&five);
    /// assert!(weak_five.upgrade().is_some());
    /// drop(five);
    /// assert!(weak_five.upgrade().is_none());
    /// ```
    #[must_use = "this returns a new `Arc`, without modifying the original weak pointer"]
    pub fn upgrade(&self) -> Option<Arc<T, C>> {
        let block = self.block()?;
        // SAFETY: our weak reference keeps the block live; only the strong
        // atomic is borrowed.
        let strong = unsafe { &(*block.as_ptr()).strong };
        // Acquire: the value's drop cannot have happened (strong was nonzero
        // at the increment), and writes by a `get_mut`/`new_cyclic` that
        // released the count happen-before our reads.
        if C::atomic_inc_strong_if_nonzero(strong) {
            Some(Arc::from_block(block))
        } else {
            None
        }
    }

    /// The number of strong references (0 for a dangling `Weak` or a
    /// dropped value).
    ///
    /// ```
    /// use leaksafe::sync::Arc;
    ///
    /// let a: Arc<u8, u8> = Arc::new_counted(1);
    /// let w = Arc::downgrade(&a);
    /// assert_eq!(w.strong_count(), 1);
    /// ```
    #[must_use]
    pub fn strong_count(&self) -> usize {
        match self.block() {
            Some(b) => {
                // SAFETY: our weak reference keeps the block live.
                let v = C::atomic_load(unsafe { &(*b.as_ptr()).strong }, Relaxed);
                // Saturated (a band for wide counts): the maximum, as `Arc`'s.
                C::to_usize(if C::is_strong_saturated(v) { C::MAX } else { v })
            }
            None => 0,
        }
    }

    /// The number of `Weak`s to the allocation, or 0 if no strong reference
    /// remains (as std); otherwise the weak count minus the reference the
    /// strong ones share, saturated or not (the rule of [`Arc::weak_count`]).
    ///
    /// ```
    /// use leaksafe::sync::Arc;
    ///
    /// let a: Arc<u8, u8> = Arc::new_counted(1);
    /// let w = Arc::downgrade(&a);
    /// let _w2 = w.clone();
    /// assert_eq!(w.weak_count(), 2);
    /// ```
    #[must_use]
    pub fn weak_count(&self) -> usize {
        let Some(b) = self.block() else { return 0 };
        // SAFETY: our weak reference keeps the block live; each atomic is
        // borrowed on its own.
        let (weak, strong) = unsafe {
            (
                C::atomic_load(&(*b.as_ptr()).weak, Acquire),
                C::atomic_load(&(*b.as_ptr()).strong, Relaxed),
            )
        };
        if strong == C::ZERO {
            0
        } else {
            // This Weak exists, so weak >= 2 and is not locked (the lock needs
            // weak == 1); subtract the reference the strong ones share.
            C::to_usize(weak) - 1
        }
    }

    /// Whether the two `Weak`s point to the same allocation (or are both
    /// dangling), as std's.
    ///
    /// ```
    /// use leaksafe::sync::{Arc, Weak};
    ///
    /// let a: Arc<u8> = Arc::new(1);
    /// assert!(Arc::downgrade(&a).ptr_eq(&Arc::downgrade(&a)));
    /// assert!(Weak::<u8>::new().ptr_eq(&Weak::new()));
    /// ```
    #[inline]
    #[must_use]
    pub fn ptr_eq(&self, other: &Self) -> bool {
        ptr::addr_eq(self.ptr.as_ptr(), other.ptr.as_ptr())
    }

    /// A raw pointer to the value (which may be dropped: do not dereference
    /// it unless a strong reference is known to exist). For a dangling `Weak`,
    /// a dangling pointer.
    ///
    /// ```
    /// use leaksafe::sync::Arc;
    ///
    /// let a: Arc<u8, u8> = Arc::new_counted(1);
    /// let w = Arc::downgrade(&a);
    /// assert_eq!(w.as_ptr(), Arc::as_ptr(&a));
    /// ```
    #[must_use]
    pub fn as_ptr(&self) -> *const T {
        match self.block() {
            // SAFETY: the block is live; `addr_of!` projects without creating
            // a reference to the (possibly dropped) value.
            Some(b) => unsafe { ptr::addr_of!((*b.as_ptr()).value) },
            // The dangling address, with `T`'s metadata (it is sized here:
            // only `Weak::new` makes dangling Weaks).
            None => self.ptr.as_ptr() as *const T,
        }
    }

    /// Consumes the `Weak`, returning [`as_ptr`](Self::as_ptr); the weak
    /// reference is kept for [`from_raw`](Self::from_raw).
    ///
    /// ```
    /// use leaksafe::sync::{Arc, Weak};
    ///
    /// let a: Arc<u8, u8> = Arc::new_counted(1);
    /// let p = Weak::into_raw(Arc::downgrade(&a));
    /// let w = unsafe { Weak::<u8, u8>::from_raw_counted(p) };
    /// assert_eq!(*w.upgrade().unwrap(), 1);
    /// ```
    #[must_use = "losing the pointer will leak memory"]
    pub fn into_raw(self) -> *const T {
        let p = self.as_ptr();
        mem::forget(self);
        p
    }

    /// [`Weak::from_raw`] for any count type `C` (std's name builds the
    /// default `usize` count, so that `Weak::from_raw(p)` infers as in std).
    ///
    /// # Safety
    /// `ptr` was returned by `Weak::<T, C>::into_raw` (same `T` and `C`) and
    /// the weak reference it carries is given back once. The value may have
    /// been dropped, and this may be called from inside its `Drop`.
    ///
    /// ```
    /// use leaksafe::sync::{Arc, Weak};
    ///
    /// let a: Arc<u8, u8> = Arc::new_counted(1);
    /// let p = Weak::into_raw(Arc::downgrade(&a));
    /// let w = unsafe { Weak::<u8, u8>::from_raw_counted(p) };
    /// assert_eq!(*w.upgrade().unwrap(), 1);
    /// ```
    pub unsafe fn from_raw_counted(ptr: *const T) -> Self {
        let block = if is_dangling(ptr) {
            // `Weak::new`'s pointer: keep it dangling (no block to find).
            ptr as *mut Block<T, C>
        } else {
            // SAFETY: by the caller's contract `ptr` is the value field of a
            // live block (the weak reference keeps it live; the value may be
            // dropped, only its metadata is read).
            unsafe { rc_box::inner_from_value_ptr::<C::Atomic, T>(ptr) }
        };
        // SAFETY: non-null: either the dangling address or a block address.
        Self::from_block(unsafe { NonNull::new_unchecked(block) })
    }
}

impl<T: ?Sized, C: Count> Clone for Weak<T, C> {
    /// Another weak reference to the same allocation (Relaxed increment that
    /// aborts or saturates at the ceiling).
    #[inline]
    fn clone(&self) -> Self {
        if let Some(b) = self.block() {
            // SAFETY: our weak reference keeps the block live. The count
            // includes ours, so it is not locked: the lock is taken only from
            // weak == 1 by an `Arc` (which holds the shared reference), i.e.
            // when no `Weak` exists.
            C::atomic_inc_weak(unsafe { &(*b.as_ptr()).weak });
        }
        Weak::from_block(self.ptr)
    }
}

impl<T: ?Sized, C: Count> Weak<T, C> {
    /// Releases this weak reference; the last one frees the allocation (the
    /// value was dropped already, with the last strong reference).
    #[inline]
    fn release(&mut self) {
        let Some(b) = self.block() else { return };
        // SAFETY: our weak reference keeps the block live until this
        // decrement; only the weak atomic is borrowed (invariant 4).
        let last = C::atomic_dec(unsafe { &(*b.as_ptr()).weak });
        if last {
            // SAFETY: the weak count reached zero (with the Acquire load): no
            // Arc or Weak remains, every other use of the block
            // happened-before; the value was dropped or moved out when strong
            // reached zero (or never written, `new_cyclic` panicking).
            unsafe { rc_box::deallocate(b.as_ptr()) }
        }
    }
}

crate::shared_impls::impl_drop!(Weak);

impl<T, C: Count> Default for Weak<T, C> {
    /// [`Weak::new_counted`].
    fn default() -> Self {
        Weak::new_counted()
    }
}

impl<T: ?Sized, C: Count> fmt::Debug for Weak<T, C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("(Weak)")
    }
}
