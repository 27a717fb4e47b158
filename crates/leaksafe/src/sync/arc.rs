//! [`Arc<T, C>`]: the strong reference.
//!
//! Invariants (see the module docs of [`sync`](super) for the full argument):
//! an `Arc` owns one unit of `strong` of a live block whose value is
//! initialized; `self.ptr` is never the dangling `Weak::new` pointer. Counts
//! and value are reached through the raw pointer only (invariant 4).

use alloc::alloc::Layout;
use core::any::Any;
use core::marker::PhantomData;
use core::mem::{self, ManuallyDrop};
use core::ops::Deref;
use core::pin::Pin;
use core::ptr::{self, NonNull};

use super::{Block, Weak};
use crate::count::Count;
use crate::loom::Ordering::{Acquire, Relaxed, Release};
use crate::rc_box;

/// A thread-safe reference-counting pointer with counts of type `C`.
///
/// std's [`Arc`](alloc::sync::Arc) API. `C` chooses the width of the two
/// counts and what overflow does: `u8`, `u16`, `u32`, `u64`, `usize` (the
/// default, std's size) abort the process like std;
/// [`Saturating`](core::num::Saturating) of one of them saturates, and the value
/// becomes immortal. See the [module docs](super) for sizes and invariants.
///
/// ```
/// use leaksafe::sync::Arc;
///
/// let five: Arc<i32, u16> = Arc::new_counted(5);
/// let handles: Vec<_> = (0..4)
///     .map(|_| {
///         let five = Arc::clone(&five);
///         std::thread::spawn(move || *five + 1)
///     })
///     .collect();
/// for h in handles {
///     assert_eq!(h.join().unwrap(), 6);
/// }
/// assert_eq!(Arc::strong_count(&five), 1);
/// ```
///
/// # Drop check: stricter than std's without feature `nightly`
/// std's `Arc` marks its `Drop` `#[may_dangle]` (unstable), so the borrow
/// checker lets the value hold references that are already dead when the
/// `Arc` is dropped. With feature `nightly` (on a nightly toolchain) this `Arc`
/// does the same. On stable, dropping a `Arc` counts as a use of everything
/// its value borrows, so this std code is rejected:
///
#[cfg_attr(not(feature = "nightly"), doc = "```compile_fail,E0597")]
#[cfg_attr(feature = "nightly", doc = "```")]
/// use leaksafe::sync::Arc;
///
/// let r;
/// let x = 5;
/// r = Arc::new(&x);
/// assert_eq!(**r, 5);
/// ```
/// ```text
/// error[E0597]: `x` does not live long enough
///   |     let x = 5;
///   |         - binding `x` declared here
///   |     r = Arc::new(&x);
///   |                 ^^ borrowed value does not live long enough
///   | }
///   | - `x` dropped here while still borrowed
///   |   borrow might be used here, when `r` is dropped and runs the `Drop` code for type `leaksafe::sync::Arc`
/// ```
/// The fix: let the borrowed value outlive the `Arc` — declare it first
/// (`let x = 5; let r = Arc::new(&x);`), or `drop(r)` before `x` goes out of
/// scope. The same holds for a [`Weak`] to such a value.
///
/// With feature `nightly`, `Arc<T>` also coerces to `Arc<dyn Trait>` and
/// `self: Arc<Self>` methods dispatch on `dyn Trait`, as std's.
pub struct Arc<T: ?Sized, C: Count = usize> {
    ptr: NonNull<Block<T, C>>,
    /// Owns a `T` for dropck (and a block, for variance).
    phantom: PhantomData<Block<T, C>>,
}

// SAFETY: an `Arc` hands out `&T` to every thread holding a clone (needs
// `T: Sync`) and whichever clone is dropped last drops the `T` on its thread
// (needs `T: Send`); exactly std's bounds. The counts are atomics.
unsafe impl<T: ?Sized + Sync + Send, C: Count> Send for Arc<T, C> {}
// SAFETY: as for `Send`: `&Arc` lets another thread clone it.
unsafe impl<T: ?Sized + Sync + Send, C: Count> Sync for Arc<T, C> {}

/// Moving an `Arc` never moves the value (as std).
impl<T: ?Sized, C: Count> Unpin for Arc<T, C> {}

impl<T: ?Sized, C: Count> Arc<T, C> {
    /// Takes ownership of one strong reference already counted in `ptr`.
    #[inline]
    pub(super) fn from_block(ptr: NonNull<Block<T, C>>) -> Self {
        Arc {
            ptr,
            phantom: PhantomData,
        }
    }

    /// The strong count, as a reference to that one atomic (invariant 4).
    #[inline]
    fn strong(&self) -> &C::Atomic {
        // SAFETY: `self` owns a strong reference, so the block is live; only
        // the atomic field is borrowed, not the whole block.
        unsafe { &(*self.ptr.as_ptr()).strong }
    }

    /// The weak count, as a reference to that one atomic (invariant 4).
    #[inline]
    fn weak(&self) -> &C::Atomic {
        // SAFETY: as in `strong`.
        unsafe { &(*self.ptr.as_ptr()).weak }
    }

    /// Makes a new [`Weak`] pointer to this allocation.
    ///
    /// Aborts (or saturates, for `Saturating` counts) if the weak count is at
    /// its ceiling. Waits while another thread's [`get_mut`](Self::get_mut)
    /// holds the weak count locked (a few instructions).
    ///
    /// ```
    /// use leaksafe::sync::Arc;
    ///
    /// let five: Arc<i32, u8> = Arc::new_counted(5);
    /// let weak_five = Arc::downgrade(&five);
    /// assert_eq!(*weak_five.upgrade().unwrap(), 5);
    /// ```
    #[must_use = "this returns a new `Weak` pointer, without modifying the original `Arc`"]
    pub fn downgrade(this: &Self) -> Weak<T, C> {
        // Acquire when the lock is released, so a `get_mut` that just wrote
        // through its `&mut T` happens-before this Weak can upgrade (as std).
        C::atomic_inc_weak_unless_locked(this.weak());
        Weak::from_block(this.ptr)
    }

    /// The number of [`Weak`] pointers to this allocation.
    ///
    /// Like std, a snapshot: another thread may change it at any time.
    /// The weak count minus the one weak reference all strong references
    /// share, as std — also once the count saturated (`MAX - 1`), the rule of
    /// `rc::Rc::weak_count`, so both read the same for the same history.
    ///
    /// ```
    /// use leaksafe::sync::Arc;
    ///
    /// let five: Arc<i32, u16> = Arc::new_counted(5);
    /// let _weak_five = Arc::downgrade(&five);
    /// assert_eq!(1, Arc::weak_count(&five));
    /// ```
    #[inline]
    #[must_use]
    pub fn weak_count(this: &Self) -> usize {
        let cnt = C::atomic_load(this.weak(), Relaxed);
        // Locked by `get_mut` means the weak count was exactly 1: no Weak.
        if cnt == C::WEAK_LOCKED && !C::is_saturated(cnt) {
            0
        } else {
            C::to_usize(cnt) - 1
        }
    }

    /// The number of strong (`Arc`) pointers to this allocation; the maximum
    /// of `C` if the count is saturated.
    ///
    /// ```
    /// use leaksafe::sync::Arc;
    ///
    /// let five: Arc<i32, u32> = Arc::new_counted(5);
    /// let _also_five = Arc::clone(&five);
    /// assert_eq!(2, Arc::strong_count(&five));
    /// ```
    #[inline]
    #[must_use]
    pub fn strong_count(this: &Self) -> usize {
        let v = C::atomic_load(this.strong(), Relaxed);
        // A wide saturating count saturates into a band (`count`'s
        // invariant 5): report the maximum, as for the narrow ones.
        C::to_usize(if C::is_strong_saturated(v) { C::MAX } else { v })
    }

    /// Whether the two `Arc`s point to the same allocation (compares
    /// addresses only, like std's).
    ///
    /// ```
    /// use leaksafe::sync::Arc;
    ///
    /// let five: Arc<i32> = Arc::new(5);
    /// let same_five = Arc::clone(&five);
    /// let other_five = Arc::new(5);
    /// assert!(Arc::ptr_eq(&five, &same_five));
    /// assert!(!Arc::ptr_eq(&five, &other_five));
    /// ```
    #[inline]
    #[must_use]
    pub fn ptr_eq(this: &Self, other: &Self) -> bool {
        ptr::addr_eq(this.ptr.as_ptr(), other.ptr.as_ptr())
    }

    /// A raw pointer to the value; valid while a strong reference lives.
    ///
    /// ```
    /// use leaksafe::sync::Arc;
    ///
    /// let x: Arc<String, u8> = Arc::new_counted("hello".to_owned());
    /// let x_ptr = Arc::as_ptr(&x);
    /// assert_eq!(unsafe { &*x_ptr }, "hello");
    /// ```
    #[inline]
    #[must_use]
    pub fn as_ptr(this: &Self) -> *const T {
        // SAFETY: the block is live; `addr_of!` projects without a reference.
        unsafe { ptr::addr_of!((*this.ptr.as_ptr()).value) }
    }

    /// Consumes the `Arc`, returning the pointer to the value. The strong
    /// reference is kept: give it back with [`from_raw`](Self::from_raw).
    ///
    /// ```
    /// use leaksafe::sync::Arc;
    ///
    /// let x: Arc<str, u16> = Arc::from("hello");
    /// let p = Arc::into_raw(x);
    /// let x = unsafe { Arc::<str, u16>::from_raw_counted(p) };
    /// assert_eq!(&*x, "hello");
    /// ```
    #[must_use = "losing the pointer will leak memory"]
    pub fn into_raw(this: Self) -> *const T {
        let p = Self::as_ptr(&this);
        mem::forget(this);
        p
    }

    /// [`Arc::from_raw`] for any count type `C` (std's name builds the
    /// default `usize` count, so that `Arc::from_raw(p)` infers as in std).
    ///
    /// # Safety
    /// `ptr` was returned by `Arc::<U, C>::into_raw` where `U` has the same
    /// size and alignment as `T` (in practice `U == T`, or the same unsized
    /// type), with the **same** count type `C`; each pointer is given back at
    /// most once per `into_raw` (or per
    /// [`increment_strong_count_counted`](Self::increment_strong_count_counted)).
    ///
    /// ```
    /// use leaksafe::sync::Arc;
    ///
    /// let x: Arc<u32, u8> = Arc::new_counted(7);
    /// let p = Arc::into_raw(x);
    /// let x = unsafe { Arc::<u32, u8>::from_raw_counted(p) };
    /// assert_eq!(*x, 7);
    /// ```
    pub unsafe fn from_raw_counted(ptr: *const T) -> Self {
        // SAFETY: by the caller's contract `ptr` is the value field of a live
        // block of this layout (the strong reference keeps it live).
        let block = unsafe { rc_box::inner_from_value_ptr::<C::Atomic, T>(ptr) };
        // SAFETY: derived from a non-null `ptr` by subtracting its in-block
        // offset, so it is the (non-null) start of the block.
        Self::from_block(unsafe { NonNull::new_unchecked(block) })
    }

    /// [`Arc::increment_strong_count`] for any count type `C`.
    ///
    /// # Safety
    /// `ptr` was obtained from [`into_raw`](Self::into_raw) (same `T`, same
    /// `C`) and that strong reference is still held.
    ///
    /// ```
    /// use leaksafe::sync::Arc;
    ///
    /// let five: Arc<i32, u8> = Arc::new_counted(5);
    /// let p = Arc::into_raw(five);
    /// unsafe { Arc::<i32, u8>::increment_strong_count_counted(p) };
    /// let five = unsafe { Arc::<i32, u8>::from_raw_counted(p) };
    /// assert_eq!(2, Arc::strong_count(&five));
    /// unsafe { Arc::<i32, u8>::decrement_strong_count_counted(p) };
    /// ```
    pub unsafe fn increment_strong_count_counted(ptr: *const T) {
        // SAFETY: the caller holds a strong reference through `ptr`; it is
        // borrowed here (ManuallyDrop: not released).
        let arc = ManuallyDrop::new(unsafe { Self::from_raw_counted(ptr) });
        let _new: ManuallyDrop<Self> = ManuallyDrop::new(Arc::clone(&arc));
    }

    /// [`Arc::decrement_strong_count`] for any count type `C`.
    ///
    /// # Safety
    /// `ptr` was obtained from [`into_raw`](Self::into_raw) (same `T`, same
    /// `C`) and the reference released here is one the caller holds.
    pub unsafe fn decrement_strong_count_counted(ptr: *const T) {
        // SAFETY: forwarded to the caller: this releases one held reference.
        drop(unsafe { Self::from_raw_counted(ptr) });
    }

    /// A mutable reference to the value if no other `Arc` or `Weak` points to
    /// it; `None` otherwise (and always for a saturated count).
    ///
    /// ```
    /// use leaksafe::sync::Arc;
    ///
    /// let mut x: Arc<i32, u8> = Arc::new_counted(3);
    /// *Arc::get_mut(&mut x).unwrap() = 4;
    /// assert_eq!(*x, 4);
    /// let _y = Arc::clone(&x);
    /// assert!(Arc::get_mut(&mut x).is_none());
    /// ```
    #[inline]
    pub fn get_mut(this: &mut Self) -> Option<&mut T> {
        if Self::is_unique(this) {
            // SAFETY: `is_unique` saw strong == 1 and no Weak, with the weak
            // count locked so no downgrade could interleave; `&mut this` means
            // no other reference to this Arc can clone it. No other thread can
            // obtain a reference while the returned borrow lives.
            Some(unsafe { &mut (*this.ptr.as_ptr()).value })
        } else {
            None
        }
    }

    /// Whether this is the only reference of either kind (std's
    /// `is_unique`): lock the weak count if it is 1, so no `downgrade` can
    /// race the strong check, then check `strong == 1` (invariant 5).
    fn is_unique(this: &mut Self) -> bool {
        if C::atomic_try_lock_weak(this.weak()) {
            // Acquire: synchronise with the Release decrements of other
            // strong references, so their reads happen-before our writes.
            let unique = C::atomic_load(this.strong(), Acquire) == C::ONE;
            // Release: our writes happen-before a later downgrade's Acquire.
            C::atomic_unlock_weak(this.weak());
            unique
        } else {
            false
        }
    }

    /// Drops the value and releases the weak reference the strong ones
    /// shared. Called once `strong` reached zero (with the Acquire load done).
    ///
    /// # Safety
    /// `strong` just reached zero through this `Arc`'s release; the value is
    /// initialized and not dropped yet; `self` is not used afterwards.
    #[inline(never)]
    unsafe fn drop_slow(&mut self) {
        // SAFETY: the block is live; no reference is made.
        let value = unsafe { ptr::addr_of_mut!((*self.ptr.as_ptr()).value) };
        // The layout, taken while the value is still alive (so stable Rust may
        // ask a `&T` for it), frees the block if no `Weak` is left.
        // SAFETY: strong reached zero: the value is initialized and no borrow
        // of it exists (a borrow needs an `Arc`).
        let layout = unsafe { rc_box::value_layout_raw(value) };
        // Releases the implicit weak reference even if the value's drop
        // panics, so the block is freed exactly when the last Weak goes.
        let _weak = ReleaseImplicitWeak::<T, C>(self.ptr, layout);
        // SAFETY: the strong count is zero: no other Arc exists and no Weak
        // can upgrade, so nobody else reads the value; it is dropped once.
        unsafe { ptr::drop_in_place(value) };
    }
}

impl<T: ?Sized> Arc<T> {
    /// Rebuilds an `Arc` from a pointer returned by [`into_raw`](Self::into_raw),
    /// with `usize` counts, as `std::sync::Arc::from_raw` (so `Arc::from_raw(p)`
    /// needs no annotation). For another count type use
    /// [`Arc::from_raw_counted`].
    ///
    /// # Safety
    /// `ptr` was returned by `Arc::<U>::into_raw` (`usize` counts) where `U`
    /// has the same size and alignment as `T` (in practice `U == T`, or the
    /// same unsized type); each pointer is given back at most once per
    /// `into_raw` (or per [`increment_strong_count`](Self::increment_strong_count)).
    ///
    /// ```
    /// use leaksafe::sync::Arc;
    ///
    /// let p = Arc::into_raw(Arc::new(7));
    /// let x = unsafe { Arc::from_raw(p) };
    /// assert_eq!(*x, 7);
    /// ```
    #[inline]
    pub unsafe fn from_raw(ptr: *const T) -> Self {
        // SAFETY: forwarded to the caller.
        unsafe { Self::from_raw_counted(ptr) }
    }

    /// Adds one to the strong count of the `Arc` whose value is at `ptr`, as
    /// `std::sync::Arc::increment_strong_count`; see
    /// [`Arc::increment_strong_count_counted`] for other count types.
    ///
    /// # Safety
    /// `ptr` was obtained from [`into_raw`](Self::into_raw) (same `T`, `usize`
    /// counts) and that strong reference is still held.
    ///
    /// ```
    /// use leaksafe::sync::Arc;
    ///
    /// let p = Arc::into_raw(Arc::new(5));
    /// unsafe { Arc::increment_strong_count(p) };
    /// let five = unsafe { Arc::from_raw(p) };
    /// assert_eq!(2, Arc::strong_count(&five));
    /// unsafe { Arc::decrement_strong_count(p) };
    /// ```
    #[inline]
    pub unsafe fn increment_strong_count(ptr: *const T) {
        // SAFETY: forwarded to the caller.
        unsafe { Self::increment_strong_count_counted(ptr) }
    }

    /// Subtracts one from the strong count, dropping the value if it was the
    /// last strong reference, as `std::sync::Arc::decrement_strong_count`;
    /// see [`Arc::decrement_strong_count_counted`] for other count types.
    ///
    /// # Safety
    /// As [`Arc::from_raw`]: the reference released here is one the caller
    /// holds.
    #[inline]
    pub unsafe fn decrement_strong_count(ptr: *const T) {
        // SAFETY: forwarded to the caller.
        unsafe { Self::decrement_strong_count_counted(ptr) }
    }
}

impl<T> Arc<T> {
    /// Allocates `value` with `usize` counts, as `std::sync::Arc::new` does.
    /// For another count type use [`Arc::new_counted`] (see the
    /// [module docs](crate::rc#constructors-and-the-count-type) for why).
    ///
    /// ```
    /// use leaksafe::sync::Arc;
    ///
    /// let five = Arc::new(5);
    /// assert_eq!(*five, 5);
    /// ```
    #[inline]
    pub fn new(value: T) -> Self {
        Self::new_counted(value)
    }

    /// `Pin<Arc<T>>` with `usize` counts, as `std::sync::Arc::pin`; see
    /// [`Arc::pin_counted`].
    ///
    /// ```
    /// use leaksafe::sync::Arc;
    ///
    /// let p = Arc::pin("pinned".to_owned());
    /// assert_eq!(p.as_str(), "pinned");
    /// ```
    pub fn pin(value: T) -> Pin<Self> {
        Self::pin_counted(value)
    }

    /// A value that holds a [`Weak`] to itself, with `usize` counts, as
    /// `std::sync::Arc::new_cyclic`; see [`Arc::new_cyclic_counted`].
    ///
    /// ```
    /// use leaksafe::sync::{Arc, Weak};
    ///
    /// struct Gadget {
    ///     me: Weak<Gadget>,
    /// }
    /// let g = Arc::new_cyclic(|me| Gadget { me: me.clone() });
    /// assert!(Arc::ptr_eq(&g, &g.me.upgrade().unwrap()));
    /// ```
    pub fn new_cyclic<F>(data_fn: F) -> Self
    where
        F: FnOnce(&Weak<T>) -> T,
    {
        Self::new_cyclic_counted(data_fn)
    }
}

impl<T, C: Count> Arc<T, C> {
    /// Allocates a new `Arc` holding `value`, for any count type `C`.
    ///
    /// ```
    /// use leaksafe::sync::Arc;
    ///
    /// let five: Arc<i32, u8> = Arc::new_counted(5);
    /// assert_eq!(*five, 5);
    /// ```
    #[inline]
    pub fn new_counted(value: T) -> Self {
        let block = rc_box::allocate_value(C::atomic_new(C::ONE), C::atomic_new(C::ONE), value);
        Self::from_block(block)
    }

    /// A new `Pin<Arc<T, C>>`; the value can never move (an `Arc` never moves
    /// its value).
    ///
    /// ```
    /// use leaksafe::sync::Arc;
    ///
    /// let p = Arc::<String, u8>::pin_counted("pinned".to_owned());
    /// assert_eq!(p.as_str(), "pinned");
    /// ```
    pub fn pin_counted(value: T) -> Pin<Self> {
        // SAFETY: the value lives in the heap block until it is dropped in
        // place; no safe API moves it out of a pinned Arc (`try_unwrap` and
        // friends need an unpinned `Arc`).
        unsafe { Pin::new_unchecked(Self::new_counted(value)) }
    }

    /// A new `Arc` to a value that holds a [`Weak`] to itself.
    ///
    /// `data_fn` gets a `Weak` that cannot upgrade yet (the strong count is
    /// zero until it returns). If `data_fn` panics, the block is freed when
    /// the last of the `Weak`s it made is dropped, and no value is dropped.
    ///
    /// ```
    /// use leaksafe::sync::{Arc, Weak};
    ///
    /// struct Gadget {
    ///     me: Weak<Gadget, u8>,
    /// }
    /// let g: Arc<Gadget, u8> = Arc::new_cyclic_counted(|me| Gadget { me: me.clone() });
    /// assert!(Arc::ptr_eq(&g, &g.me.upgrade().unwrap()));
    /// ```
    pub fn new_cyclic_counted<F>(data_fn: F) -> Self
    where
        F: FnOnce(&Weak<T, C>) -> T,
    {
        // Strong 0: no upgrade succeeds while the value is uninitialized.
        let block =
            rc_box::allocate_uninit::<C::Atomic, T>(C::atomic_new(C::ZERO), C::atomic_new(C::ONE));
        // This Weak owns the one weak reference; on a panic in `data_fn` the
        // guard releases it with the known layout (the value was never
        // written: no code may compute its layout from it).
        let guard = UninitGuard::<T, C>(block);
        let weak = ManuallyDrop::new(Weak::from_block(block));
        let data = data_fn(&weak);
        mem::forget(guard);
        // SAFETY: the block is live (we hold a weak reference) and nobody
        // reads the value while strong is 0.
        unsafe {
            ptr::addr_of_mut!((*block.as_ptr()).value).write(data);
            // Release: the value's write happens-before an upgrade that sees
            // 1 (upgrade increments with Acquire).
            C::atomic_store(&(*block.as_ptr()).strong, C::ONE, Release);
        }
        // Its weak reference (in `ManuallyDrop`) becomes the one all strong
        // references share.
        Self::from_block(block)
    }

    /// The inner value if this is the only strong reference; otherwise the
    /// `Arc` back. Outstanding `Weak`s can no longer upgrade afterwards.
    ///
    /// ```
    /// use leaksafe::sync::Arc;
    ///
    /// let x: Arc<i32, u8> = Arc::new_counted(3);
    /// assert_eq!(Arc::try_unwrap(x), Ok(3));
    /// let x: Arc<i32, u8> = Arc::new_counted(4);
    /// let _y = Arc::clone(&x);
    /// assert_eq!(*Arc::try_unwrap(x).unwrap_err(), 4);
    /// ```
    pub fn try_unwrap(this: Self) -> Result<T, Self> {
        // 1 -> 0: no upgrade can succeed afterwards. Acquire: every other
        // thread's use of the value (released by its decrement) happens-before
        // our read. A saturated count is never 1, so it stays immortal.
        if C::atomic_compare_exchange(this.strong(), C::ONE, C::ZERO, Acquire, Relaxed).is_err() {
            return Err(this);
        }
        let this = ManuallyDrop::new(this);
        // SAFETY: strong is zero and we held the last strong reference: we own
        // the value and move it out once; then the shared weak reference is
        // released (this frees the block if no Weak remains).
        unsafe {
            let value = ptr::read(ptr::addr_of!((*this.ptr.as_ptr()).value));
            drop(ReleaseImplicitWeak::<T, C>(this.ptr, Layout::new::<T>()));
            Ok(value)
        }
    }

    /// The inner value if this was the last strong reference; `None`
    /// otherwise (this reference is released either way). Two threads calling
    /// it on the last two references: exactly one gets the value.
    ///
    /// ```
    /// use leaksafe::sync::Arc;
    ///
    /// let x: Arc<i32, u16> = Arc::new_counted(3);
    /// let y = Arc::clone(&x);
    /// assert_eq!(Arc::into_inner(x), None);
    /// assert_eq!(Arc::into_inner(y), Some(3));
    /// ```
    pub fn into_inner(this: Self) -> Option<T> {
        let this = ManuallyDrop::new(this);
        if !C::atomic_dec_strong(this.strong()) {
            return None;
        }
        // SAFETY: our decrement took strong to zero (with the Acquire load):
        // as in `try_unwrap`, we own the value.
        unsafe {
            let value = ptr::read(ptr::addr_of!((*this.ptr.as_ptr()).value));
            drop(ReleaseImplicitWeak::<T, C>(this.ptr, Layout::new::<T>()));
            Some(value)
        }
    }
}

impl<T: Clone, C: Count> Arc<T, C> {
    /// The inner value if this is the only strong reference, else a clone of
    /// it.
    ///
    /// ```
    /// use leaksafe::sync::Arc;
    ///
    /// let a: Arc<String, u8> = Arc::new_counted("x".to_owned());
    /// let b = Arc::clone(&a);
    /// assert_eq!(Arc::unwrap_or_clone(a), "x"); // cloned
    /// assert_eq!(Arc::unwrap_or_clone(b), "x"); // moved
    /// ```
    #[inline]
    pub fn unwrap_or_clone(this: Self) -> T {
        Arc::try_unwrap(this).unwrap_or_else(|arc| (*arc).clone())
    }
}

impl<T: ?Sized, C: Count> Clone for Arc<T, C> {
    /// Another strong reference to the same value: one Relaxed increment,
    /// which aborts or saturates at the count's ceiling.
    #[inline]
    fn clone(&self) -> Self {
        C::atomic_inc_strong(self.strong());
        Self::from_block(self.ptr)
    }
}

impl<T: ?Sized, C: Count> Arc<T, C> {
    /// Releases this strong reference; the last one drops the value, and the
    /// block is freed with the last weak reference.
    #[inline]
    fn release(&mut self) {
        // Release decrement; Acquire load if it reached zero (invariant 3).
        if !C::atomic_dec_strong(self.strong()) {
            return;
        }
        // SAFETY: our decrement took the count to zero; `self` is dropping.
        unsafe { self.drop_slow() }
    }
}

crate::shared_impls::impl_drop!(Arc);

/// Releases the weak reference all strong references share, freeing the
/// block — whose value has the layout carried here — if it was the last one
/// (Release decrement, Acquire load on reaching zero: invariant 3).
struct ReleaseImplicitWeak<T: ?Sized, C: Count>(NonNull<Block<T, C>>, Layout);

impl<T: ?Sized, C: Count> Drop for ReleaseImplicitWeak<T, C> {
    #[inline]
    fn drop(&mut self) {
        let block = self.0.as_ptr();
        // SAFETY: the shared weak reference being released keeps the block
        // live; only the weak atomic is borrowed (invariant 4).
        if C::atomic_dec(unsafe { &(*block).weak }) {
            // SAFETY: weak reached zero (with the Acquire load): no Arc or
            // Weak remains and every other use happened-before; the value, of
            // layout `self.1`, was dropped or moved out.
            unsafe { rc_box::deallocate_with(block, self.1) };
        }
    }
}

/// `new_cyclic`'s guard against a panicking closure: releases the lent weak
/// reference with the layout of the (uninitialised) sized value. If the
/// closure kept clones of that `Weak`, the last of them would free through
/// `Weak`'s generic path, which on stable must not see an uninitialised value
/// (`rc_box`, "Never a reference"): then the block is leaked instead (with
/// feature `nightly`, freed normally).
struct UninitGuard<T, C: Count>(NonNull<Block<T, C>>);

impl<T, C: Count> Drop for UninitGuard<T, C> {
    fn drop(&mut self) {
        let block = self.0.as_ptr();
        // SAFETY: the lent weak reference keeps the block live.
        let weak = unsafe { &(*block).weak };
        // 1 -> 0 only if no clone exists (Acquire: the clones' uses, on other
        // threads, happen-before the free).
        if C::atomic_compare_exchange(weak, C::ONE, C::ZERO, Acquire, Relaxed).is_ok() {
            // SAFETY: the lent `Weak` was the only reference: free with the
            // layout the block was allocated for.
            unsafe { rc_box::deallocate_with(block, Layout::new::<T>()) };
        } else if cfg!(feature = "nightly") && C::atomic_dec(weak) {
            // SAFETY: the last clone went meanwhile: as above.
            unsafe { rc_box::deallocate_with(block, Layout::new::<T>()) };
        }
        // Otherwise (stable, clones remain): keep our weak reference, so the
        // block is leaked rather than freed with a layout read from a `&T`.
    }
}

impl<T: ?Sized, C: Count> Deref for Arc<T, C> {
    type Target = T;

    #[inline]
    fn deref(&self) -> &T {
        // SAFETY: `self` owns a strong reference, so the value is initialized
        // and not dropped while the borrow of `self` lasts; no `&mut T` exists
        // (those need uniqueness).
        unsafe { &(*self.ptr.as_ptr()).value }
    }
}

crate::shared_impls::impl_shared_traits!(
    Arc,
    path = "sync::Arc",
    block = Block,
    from_block = from_block,
    one = C::atomic_new(C::ONE),
);

impl<C: Count> Arc<dyn Any + Send + Sync, C> {
    /// Attempts to downcast to a concrete type (as std's).
    ///
    /// ```
    /// use leaksafe::sync::Arc;
    /// use std::any::Any;
    ///
    /// let b: Box<dyn Any + Send + Sync> = Box::new(7u8);
    /// let a: Arc<dyn Any + Send + Sync, u8> = Arc::from(b);
    /// assert_eq!(*a.downcast::<u8>().unwrap(), 7);
    /// ```
    pub fn downcast<T: Any + Send + Sync>(self) -> Result<Arc<T, C>, Self> {
        if (*self).is::<T>() {
            let this = ManuallyDrop::new(self);
            // The same block, seen with the concrete type: `T` is the
            // dynamic type of the value, so the layout is the same.
            let block = this.ptr.cast::<Block<T, C>>();
            Ok(Arc::from_block(block))
        } else {
            Err(self)
        }
    }
}

// SAFETY: the value's address never changes while an `Arc` lives (the block is
// freed only after the last strong and weak reference), and `Deref` always
// returns that address, so coercing a `Pin<Arc<T>>` cannot move the pinned
// value; std has the same impl for its `Arc` (feature `nightly`).
#[cfg(feature = "nightly")]
unsafe impl<T: ?Sized, C: Count> core::pin::PinCoerceUnsized for Arc<T, C> {}
