//! [`UniqueArc<T, C>`]: an `Arc` allocation that is not shared yet.
//!
//! std's unstable `UniqueArc` (and triomphe's, plus `Weak`s), with a count type:
//! the value is owned by exactly one `UniqueArc`, so it is mutable
//! ([`DerefMut`]); [`UniqueArc::into_arc`] shares it **without reallocating**;
//! [`UniqueArc::downgrade`] makes [`Weak`]s *before* sharing, which upgrade
//! only once `into_arc` ran — cyclic structures without `new_cyclic`'s closure.
//!
//! # Invariants (in addition to those of the [module](super))
//! 1. A `UniqueArc` owns a block made by `rc_box` whose value is initialized
//!    and whose **strong count is 0**, so no `Weak` can upgrade (upgrade never
//!    increments a zero count) and no `Arc` to the block exists: the
//!    `UniqueArc` is the only way to reach the value, hence `&mut T` from
//!    `&mut self` is sound.
//! 2. The weak count is the number of `Weak`s + 1; the `+ 1` is the
//!    `UniqueArc`'s and becomes the strong references' shared weak reference
//!    (invariant 3 of the module) in `into_arc`, which only sets strong to 1.
//! 3. Dropping a `UniqueArc` drops the value, then releases the `+ 1` — also
//!    when the value's destructor panics — so the block is freed by whoever
//!    holds the last weak reference, exactly once.
//! 4. No user code runs between the count change and the state it describes:
//!    `into_arc` only writes the strong count; the value is written before the
//!    `UniqueArc` exists.
use core::alloc::Layout;
use core::marker::PhantomData;
use core::mem::ManuallyDrop;
use core::ops::{Deref, DerefMut};
use core::ptr::{self, NonNull};

use super::{Arc, Block, Weak};
use crate::count::Count;
use crate::loom::Ordering::{Acquire, Relaxed, Release};
use crate::rc_box;

/// A uniquely owned [`Arc`] allocation: mutable, not yet shared.
///
/// [`Weak`]s made with [`downgrade`](UniqueArc::downgrade) do not upgrade until
/// [`into_arc`](UniqueArc::into_arc) shares the value; it reuses the block.
///
/// ```
/// use leaksafe::sync::{Arc, UniqueArc, Weak};
///
/// struct Node {
///     parent: Weak<Node>,
///     children: Vec<Arc<Node>>,
/// }
/// let mut root = UniqueArc::new(Node { parent: Weak::new(), children: vec![] });
/// let me = UniqueArc::downgrade(&root);
/// assert!(me.upgrade().is_none()); // not shared yet
/// root.children.push(Arc::new(Node { parent: me.clone(), children: vec![] }));
/// let root: Arc<Node> = UniqueArc::into_arc(root);
/// assert!(Arc::ptr_eq(&root.children[0].parent.upgrade().unwrap(), &root));
/// ```
pub struct UniqueArc<T: ?Sized, C: Count = usize> {
    ptr: NonNull<Block<T, C>>,
    /// Owns a `T` (drop check); `Send`/`Sync` are std's `UniqueArc`'s, below.
    phantom: PhantomData<Block<T, C>>,
}

impl<T> UniqueArc<T> {
    /// A new unique allocation with `usize` counts (std's `UniqueArc::new`);
    /// [`UniqueArc::new_counted`] for another count type.
    ///
    /// ```
    /// use leaksafe::sync::UniqueArc;
    ///
    /// let mut u = UniqueArc::new(vec![1]);
    /// u.push(2);
    /// assert_eq!(*UniqueArc::into_arc(u), [1, 2]);
    /// ```
    #[inline]
    pub fn new(value: T) -> Self {
        Self::new_counted(value)
    }
}

impl<T, C: Count> UniqueArc<T, C> {
    /// A new unique allocation for any count type `C`: strong 0, weak 1.
    ///
    /// ```
    /// use leaksafe::sync::UniqueArc;
    ///
    /// let u = UniqueArc::<_, u8>::new_counted(5u8);
    /// assert_eq!(*u, 5);
    /// ```
    #[inline]
    pub fn new_counted(value: T) -> Self {
        UniqueArc {
            ptr: rc_box::allocate_value(C::atomic_new(C::ZERO), C::atomic_new(C::ONE), value),
            phantom: PhantomData,
        }
    }

    /// The value, moved out; the block is freed unless a [`Weak`] still holds
    /// it (which then never upgrades).
    ///
    /// ```
    /// use leaksafe::sync::UniqueArc;
    ///
    /// let u = UniqueArc::new(String::from("x"));
    /// let w = UniqueArc::downgrade(&u);
    /// assert_eq!(UniqueArc::into_inner(u), "x");
    /// assert!(w.upgrade().is_none());
    /// ```
    pub fn into_inner(this: Self) -> T {
        let this = ManuallyDrop::new(this);
        // Releases the `+ 1` (invariant 2) after the read below.
        let _weak = ReleaseWeak::<T, C>(this.ptr, Layout::new::<T>());
        // SAFETY: invariant 1: the value is initialized and only `this`
        // reaches it; it is moved out once and `this` is not dropped.
        unsafe { ptr::read(ptr::addr_of!((*this.ptr.as_ptr()).value)) }
    }
}

impl<T: ?Sized, C: Count> UniqueArc<T, C> {
    /// Shares the value: the same block becomes an [`Arc`] with strong count
    /// 1, and the [`Weak`]s made before can upgrade from now on. No
    /// allocation, no copy.
    ///
    /// ```
    /// use leaksafe::sync::{Arc, UniqueArc};
    ///
    /// let mut u = UniqueArc::<_, u16>::new_counted(1);
    /// *u += 1;
    /// let w = UniqueArc::downgrade(&u);
    /// let arc: Arc<i32, u16> = UniqueArc::into_arc(u);
    /// assert_eq!(*w.upgrade().unwrap(), 2);
    /// assert_eq!(Arc::strong_count(&arc), 1);
    /// ```
    #[inline]
    pub fn into_arc(this: Self) -> Arc<T, C> {
        let this = ManuallyDrop::new(this);
        // SAFETY: the block is live (invariant 1); only the strong atomic is
        // borrowed (module invariant 4).
        let strong = unsafe { &(*this.ptr.as_ptr()).strong };
        // 0 -> 1: the value is initialized, and the `+ 1` weak reference of
        // the `UniqueArc` becomes the one all strong references share.
        // Release: every write through `DerefMut` happens-before the value
        // is read through an upgraded `Weak` (upgrade increments with Acquire).
        C::atomic_store(strong, C::ONE, Release);
        Arc::from_block(this.ptr)
    }

    /// A [`Weak`] to this allocation; it upgrades only after
    /// [`into_arc`](UniqueArc::into_arc). Aborts (or saturates) if the weak count
    /// is full.
    ///
    /// ```
    /// use leaksafe::sync::UniqueArc;
    ///
    /// let u = UniqueArc::new(3);
    /// let w = UniqueArc::downgrade(&u);
    /// assert!(w.upgrade().is_none());
    /// let arc = UniqueArc::into_arc(u);
    /// assert_eq!(*w.upgrade().unwrap(), 3);
    /// # drop(arc);
    /// ```
    pub fn downgrade(this: &Self) -> Weak<T, C> {
        // SAFETY: the block is live (invariant 1).
        let weak = unsafe { &(*this.ptr.as_ptr()).weak };
        // No `Arc` exists, so `get_mut` cannot hold the weak count locked;
        // the lock-aware increment is used anyway (it is the downgrade path).
        C::atomic_inc_weak_unless_locked(weak);
        Weak::from_block(this.ptr)
    }
}

impl<T: ?Sized, C: Count> Arc<T, C> {
    /// The unique owner of the value, if this is the only `Arc`
    /// (triomphe's `Arc::try_unique`); otherwise `Err(this)`. [`Weak`]s may
    /// exist: they stop upgrading until [`UniqueArc::into_arc`] shares the
    /// value again. A saturated count is never unique.
    ///
    /// ```
    /// use leaksafe::sync::{Arc, UniqueArc};
    ///
    /// let a = Arc::new(vec![1]);
    /// let w = Arc::downgrade(&a);
    /// let mut u: UniqueArc<Vec<i32>> = Arc::try_unique(a).unwrap();
    /// assert!(w.upgrade().is_none());
    /// u.push(2);
    /// let a = UniqueArc::into_arc(u);
    /// assert_eq!(*w.upgrade().unwrap(), [1, 2]);
    /// assert!(Arc::try_unique(a.clone()).is_err());
    /// ```
    pub fn try_unique(this: Self) -> Result<UniqueArc<T, C>, Self> {
        let block = super::borrow::block_of(&this);
        // SAFETY: the block is live while `this` is; only the strong atomic
        // is borrowed (sync invariant 4).
        let strong = unsafe { &(*block.as_ptr()).strong };
        // 1 -> 0, as `try_unwrap`: afterwards no `Weak` can upgrade
        // (invariant 1). Acquire: every other thread's use of the value
        // (released by its decrement) happens-before our `&mut`.
        if C::atomic_compare_exchange(strong, C::ONE, C::ZERO, Acquire, Relaxed).is_err() {
            return Err(this);
        }
        // The strong references' shared weak reference becomes the
        // `UniqueArc`'s.
        core::mem::forget(this);
        Ok(UniqueArc {
            ptr: block,
            phantom: PhantomData,
        })
    }
}

impl<T: ?Sized, C: Count> Deref for UniqueArc<T, C> {
    type Target = T;

    #[inline]
    fn deref(&self) -> &T {
        // SAFETY: invariant 1: initialized, reachable only through `self`.
        unsafe { &(*self.ptr.as_ptr()).value }
    }
}

impl<T: ?Sized, C: Count> DerefMut for UniqueArc<T, C> {
    #[inline]
    fn deref_mut(&mut self) -> &mut T {
        // SAFETY: invariant 1: no `Arc` exists and no `Weak` can upgrade, so
        // `&mut self` is the only access path to the value.
        unsafe { &mut (*self.ptr.as_ptr()).value }
    }
}

impl<T: ?Sized, C: Count> Drop for UniqueArc<T, C> {
    /// Drops the value, then releases the weak reference the `UniqueArc`
    /// held (freeing the block if no [`Weak`] is left) — also if the value's
    /// destructor panics.
    fn drop(&mut self) {
        // The layout is read while the value is live (`rc_box`, "Never a
        // reference": freeing must not look at a dropped value).
        let layout = Layout::for_value::<T>(self);
        let _weak = ReleaseWeak::<T, C>(self.ptr, layout);
        // SAFETY: invariant 1: initialized and owned by `self` alone; dropped
        // once, and nothing reads it afterwards (strong stays 0).
        unsafe { ptr::drop_in_place(ptr::addr_of_mut!((*self.ptr.as_ptr()).value)) };
    }
}

impl<T: ?Sized, C: Count> Unpin for UniqueArc<T, C> {}

// SAFETY: as std's `UniqueArc`: the value may be dropped (or, after
// `into_arc`, shared) on another thread, and the `Weak`s made by `downgrade`
// may upgrade on any thread once it is shared, so both need `T: Send + Sync`.
// The counts are atomics.
unsafe impl<T: ?Sized + Sync + Send, C: Count> Send for UniqueArc<T, C> {}
// SAFETY: `&UniqueArc` gives `&T` and `downgrade` (a `Weak` that is `Send`).
unsafe impl<T: ?Sized + Sync + Send, C: Count> Sync for UniqueArc<T, C> {}

impl<T, C: Count> From<T> for UniqueArc<T, C> {
    /// [`UniqueArc::new_counted`].
    ///
    /// ```
    /// use leaksafe::sync::UniqueArc;
    ///
    /// let u: UniqueArc<i32, u8> = 5.into();
    /// assert_eq!(*u, 5);
    /// ```
    fn from(value: T) -> Self {
        Self::new_counted(value)
    }
}

impl<T: Default, C: Count> Default for UniqueArc<T, C> {
    /// `UniqueArc::new_counted(T::default())`.
    ///
    /// ```
    /// use leaksafe::sync::UniqueArc;
    ///
    /// let u: UniqueArc<Vec<u8>> = Default::default();
    /// assert!(u.is_empty());
    /// ```
    fn default() -> Self {
        Self::new_counted(T::default())
    }
}

/// Releases the weak reference a `UniqueArc` held (invariant 2) when
/// dropped — Release decrement, Acquire load if it was the last (the `Count`
/// module's `atomic_dec`) — and frees the block with the value layout given,
/// read while the value was live.
struct ReleaseWeak<T: ?Sized, C: Count>(NonNull<Block<T, C>>, Layout);

impl<T: ?Sized, C: Count> Drop for ReleaseWeak<T, C> {
    fn drop(&mut self) {
        let b = self.0.as_ptr();
        // SAFETY: the weak reference released here keeps the block live; only
        // the weak atomic is borrowed (sync invariant 4).
        if C::atomic_dec(unsafe { &(*b).weak }) {
            // SAFETY: the weak count reached 0 (with the Acquire load): no
            // `Arc` or `Weak` remains and the value was dropped or moved out;
            // its layout is `self.1`; the block is freed once.
            unsafe { rc_box::deallocate_with(b, self.1) }
        }
    }
}

crate::rc::unique::impl_unique_traits!(UniqueArc);
