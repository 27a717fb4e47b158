//! [`UniqueRc<T, C>`]: an `Rc` allocation that is not shared yet.
//!
//! std's unstable `UniqueRc` (and triomphe's `UniqueArc`), with a count type:
//! the value is owned by exactly one `UniqueRc`, so it is mutable
//! ([`DerefMut`]); [`UniqueRc::into_rc`] shares it **without reallocating**;
//! [`UniqueRc::downgrade`] makes [`Weak`]s *before* sharing, which upgrade
//! only once `into_rc` ran — cyclic structures without `new_cyclic`'s closure.
//!
//! # Invariants (in addition to those of the [module](super))
//! 1. A `UniqueRc` owns a block made by `rc_box` whose value is initialized
//!    and whose **strong count is 0**, so no `Weak` can upgrade (upgrade never
//!    increments a zero count) and no `Rc` to the block exists: the
//!    `UniqueRc` is the only way to reach the value, hence `&mut T` from
//!    `&mut self` is sound.
//! 2. The weak count is the number of `Weak`s + 1; the `+ 1` is the
//!    `UniqueRc`'s and becomes the strong references' shared weak reference
//!    (invariant 3 of the module) in `into_rc`, which only sets strong to 1.
//! 3. Dropping a `UniqueRc` drops the value, then releases the `+ 1` — also
//!    when the value's destructor panics — so the block is freed by whoever
//!    holds the last weak reference, exactly once.
//! 4. No user code runs between the count change and the state it describes:
//!    `into_rc` only writes the strong count; the value is written before the
//!    `UniqueRc` exists.
use core::alloc::Layout;
use core::cell::Cell;
use core::marker::PhantomData;
use core::mem::ManuallyDrop;
use core::ops::{Deref, DerefMut};
use core::ptr::{self, NonNull};

use super::{Rc, RcInner, ReleaseImplicitWeak, Weak};
use crate::count::Count;
use crate::rc_box;

/// A uniquely owned [`Rc`] allocation: mutable, not yet shared.
///
/// [`Weak`]s made with [`downgrade`](UniqueRc::downgrade) do not upgrade until
/// [`into_rc`](UniqueRc::into_rc) shares the value; it reuses the block.
///
/// ```
/// use leaksafe::rc::{Rc, UniqueRc, Weak};
///
/// struct Node {
///     parent: Weak<Node>,
///     children: Vec<Rc<Node>>,
/// }
/// let mut root = UniqueRc::new(Node { parent: Weak::new(), children: vec![] });
/// let me = UniqueRc::downgrade(&root);
/// assert!(me.upgrade().is_none()); // not shared yet
/// root.children.push(Rc::new(Node { parent: me.clone(), children: vec![] }));
/// let root: Rc<Node> = UniqueRc::into_rc(root);
/// assert!(Rc::ptr_eq(&root.children[0].parent.upgrade().unwrap(), &root));
/// ```
pub struct UniqueRc<T: ?Sized, C: Count = usize> {
    ptr: NonNull<RcInner<T, C>>,
    /// Owns a `T` (drop check); `NonNull` makes it `!Send + !Sync`, as the
    /// `Weak`s it hands out are.
    phantom: PhantomData<RcInner<T, C>>,
}

impl<T> UniqueRc<T> {
    /// A new unique allocation with `usize` counts (std's `UniqueRc::new`);
    /// [`UniqueRc::new_counted`] for another count type.
    ///
    /// ```
    /// use leaksafe::rc::UniqueRc;
    ///
    /// let mut u = UniqueRc::new(vec![1]);
    /// u.push(2);
    /// assert_eq!(*UniqueRc::into_rc(u), [1, 2]);
    /// ```
    #[inline]
    pub fn new(value: T) -> Self {
        Self::new_counted(value)
    }
}

impl<T, C: Count> UniqueRc<T, C> {
    /// A new unique allocation for any count type `C`: strong 0, weak 1.
    ///
    /// ```
    /// use leaksafe::rc::UniqueRc;
    ///
    /// let u = UniqueRc::<_, u8>::new_counted(5u8);
    /// assert_eq!(*u, 5);
    /// ```
    #[inline]
    pub fn new_counted(value: T) -> Self {
        UniqueRc {
            ptr: rc_box::allocate_value(Cell::new(C::ZERO), Cell::new(C::ONE), value),
            phantom: PhantomData,
        }
    }

    /// The value, moved out; the block is freed unless a [`Weak`] still holds
    /// it (which then never upgrades).
    ///
    /// ```
    /// use leaksafe::rc::UniqueRc;
    ///
    /// let u = UniqueRc::new(String::from("x"));
    /// let w = UniqueRc::downgrade(&u);
    /// assert_eq!(UniqueRc::into_inner(u), "x");
    /// assert!(w.upgrade().is_none());
    /// ```
    pub fn into_inner(this: Self) -> T {
        let this = ManuallyDrop::new(this);
        // Releases the `+ 1` (invariant 2) after the read below.
        let _weak = ReleaseImplicitWeak::<T, C>(this.ptr, Layout::new::<T>());
        // SAFETY: invariant 1: the value is initialized and only `this`
        // reaches it; it is moved out once and `this` is not dropped.
        unsafe { ptr::read(ptr::addr_of!((*this.ptr.as_ptr()).value)) }
    }
}

impl<T: ?Sized, C: Count> UniqueRc<T, C> {
    /// Shares the value: the same block becomes an [`Rc`] with strong count
    /// 1, and the [`Weak`]s made before can upgrade from now on. No
    /// allocation, no copy.
    ///
    /// ```
    /// use leaksafe::rc::{Rc, UniqueRc};
    ///
    /// let mut u = UniqueRc::<_, u16>::new_counted(1);
    /// *u += 1;
    /// let w = UniqueRc::downgrade(&u);
    /// let rc: Rc<i32, u16> = UniqueRc::into_rc(u);
    /// assert_eq!(*w.upgrade().unwrap(), 2);
    /// assert_eq!(Rc::strong_count(&rc), 1);
    /// ```
    #[inline]
    pub fn into_rc(this: Self) -> Rc<T, C> {
        let this = ManuallyDrop::new(this);
        // SAFETY: the block is live (invariant 1); only the strong cell is
        // borrowed.
        let strong = unsafe { &(*this.ptr.as_ptr()).strong };
        // 0 -> 1: the value is initialized, and the `+ 1` weak reference of
        // the `UniqueRc` becomes the one all strong references share.
        strong.set(C::ONE);
        Rc::from_inner(this.ptr)
    }

    /// A [`Weak`] to this allocation; it upgrades only after
    /// [`into_rc`](UniqueRc::into_rc). Aborts (or saturates) if the weak count
    /// is full.
    ///
    /// ```
    /// use leaksafe::rc::UniqueRc;
    ///
    /// let u = UniqueRc::new(3);
    /// let w = UniqueRc::downgrade(&u);
    /// assert!(w.upgrade().is_none());
    /// let rc = UniqueRc::into_rc(u);
    /// assert_eq!(*w.upgrade().unwrap(), 3);
    /// # drop(rc);
    /// ```
    pub fn downgrade(this: &Self) -> Weak<T, C> {
        // SAFETY: the block is live (invariant 1).
        let (h, wide) = unsafe { super::header::<T, C>(this.ptr) };
        // SAFETY: `header`'s, of the live block.
        unsafe { C::rc_inc(h, true, wide) };
        Weak::from_inner(this.ptr)
    }
}

impl<T: ?Sized, C: Count> Rc<T, C> {
    /// The unique owner of the value, if this is the only `Rc`
    /// (triomphe's `Arc::try_unique`); otherwise `Err(this)`. [`Weak`]s may
    /// exist: they stop upgrading until [`UniqueRc::into_rc`] shares the value
    /// again. A saturated count is never unique.
    ///
    /// ```
    /// use leaksafe::rc::{Rc, UniqueRc};
    ///
    /// let a = Rc::new(vec![1]);
    /// let w = Rc::downgrade(&a);
    /// let mut u: UniqueRc<Vec<i32>> = Rc::try_unique(a).unwrap();
    /// assert!(w.upgrade().is_none());
    /// u.push(2);
    /// let a = UniqueRc::into_rc(u);
    /// assert_eq!(*w.upgrade().unwrap(), [1, 2]);
    /// assert!(Rc::try_unique(a.clone()).is_err());
    /// ```
    pub fn try_unique(this: Self) -> Result<UniqueRc<T, C>, Self> {
        if this.strong_cell().get() != C::ONE {
            return Err(this);
        }
        // 1 -> 0: no `Weak` can upgrade any more (invariant 1); the strong
        // references' shared weak reference becomes the `UniqueRc`'s.
        this.strong_cell().set(C::ZERO);
        let this = ManuallyDrop::new(this);
        Ok(UniqueRc {
            ptr: this.ptr,
            phantom: PhantomData,
        })
    }
}

impl<T: ?Sized, C: Count> Deref for UniqueRc<T, C> {
    type Target = T;

    #[inline]
    fn deref(&self) -> &T {
        // SAFETY: invariant 1: initialized, reachable only through `self`.
        unsafe { &(*self.ptr.as_ptr()).value }
    }
}

impl<T: ?Sized, C: Count> DerefMut for UniqueRc<T, C> {
    #[inline]
    fn deref_mut(&mut self) -> &mut T {
        // SAFETY: invariant 1: no `Rc` exists and no `Weak` can upgrade, so
        // `&mut self` is the only access path to the value.
        unsafe { &mut (*self.ptr.as_ptr()).value }
    }
}

impl<T: ?Sized, C: Count> Drop for UniqueRc<T, C> {
    /// Drops the value, then releases the weak reference the `UniqueRc`
    /// held (freeing the block if no [`Weak`] is left) — also if the value's
    /// destructor panics.
    fn drop(&mut self) {
        // The layout is read while the value is live (`rc_box`, "Never a
        // reference": freeing must not look at a dropped value).
        let layout = Layout::for_value::<T>(self);
        let _weak = ReleaseImplicitWeak::<T, C>(self.ptr, layout);
        // SAFETY: invariant 1: initialized and owned by `self` alone; dropped
        // once, and nothing reads it afterwards (strong stays 0).
        unsafe { ptr::drop_in_place(ptr::addr_of_mut!((*self.ptr.as_ptr()).value)) };
    }
}

impl<T: ?Sized, C: Count> Unpin for UniqueRc<T, C> {}

impl<T, C: Count> From<T> for UniqueRc<T, C> {
    /// [`UniqueRc::new_counted`].
    ///
    /// ```
    /// use leaksafe::rc::UniqueRc;
    ///
    /// let u: UniqueRc<i32, u8> = 5.into();
    /// assert_eq!(*u, 5);
    /// ```
    fn from(value: T) -> Self {
        Self::new_counted(value)
    }
}

impl<T: Default, C: Count> Default for UniqueRc<T, C> {
    /// `UniqueRc::new_counted(T::default())`.
    ///
    /// ```
    /// use leaksafe::rc::UniqueRc;
    ///
    /// let u: UniqueRc<Vec<u8>> = Default::default();
    /// assert!(u.is_empty());
    /// ```
    fn default() -> Self {
        Self::new_counted(T::default())
    }
}

/// The traits a unique pointer forwards to its value (`Deref`/`DerefMut`
/// based, no count involved): `Debug`, `Display`, `Pointer`, comparisons,
/// `Hash`, `AsRef`/`AsMut`, `Borrow`/`BorrowMut`.
macro_rules! impl_unique_traits {
    ($Unique:ident) => {
        impl<T: ?Sized + ::core::fmt::Debug, C: $crate::count::Count> ::core::fmt::Debug
            for $Unique<T, C>
        {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                ::core::fmt::Debug::fmt(&**self, f)
            }
        }
        impl<T: ?Sized + ::core::fmt::Display, C: $crate::count::Count> ::core::fmt::Display
            for $Unique<T, C>
        {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                ::core::fmt::Display::fmt(&**self, f)
            }
        }
        impl<T: ?Sized, C: $crate::count::Count> ::core::fmt::Pointer for $Unique<T, C> {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                ::core::fmt::Pointer::fmt(&::core::ptr::addr_of!(**self), f)
            }
        }
        impl<T: ?Sized + PartialEq, C: $crate::count::Count> PartialEq for $Unique<T, C> {
            fn eq(&self, other: &Self) -> bool {
                **self == **other
            }
        }
        impl<T: ?Sized + Eq, C: $crate::count::Count> Eq for $Unique<T, C> {}
        impl<T: ?Sized + PartialOrd, C: $crate::count::Count> PartialOrd for $Unique<T, C> {
            fn partial_cmp(&self, other: &Self) -> Option<::core::cmp::Ordering> {
                (**self).partial_cmp(&**other)
            }
        }
        impl<T: ?Sized + Ord, C: $crate::count::Count> Ord for $Unique<T, C> {
            fn cmp(&self, other: &Self) -> ::core::cmp::Ordering {
                (**self).cmp(&**other)
            }
        }
        impl<T: ?Sized + ::core::hash::Hash, C: $crate::count::Count> ::core::hash::Hash
            for $Unique<T, C>
        {
            fn hash<H: ::core::hash::Hasher>(&self, state: &mut H) {
                (**self).hash(state)
            }
        }
        impl<T: ?Sized, C: $crate::count::Count> AsRef<T> for $Unique<T, C> {
            fn as_ref(&self) -> &T {
                self
            }
        }
        impl<T: ?Sized, C: $crate::count::Count> AsMut<T> for $Unique<T, C> {
            fn as_mut(&mut self) -> &mut T {
                self
            }
        }
        impl<T: ?Sized, C: $crate::count::Count> ::core::borrow::Borrow<T> for $Unique<T, C> {
            fn borrow(&self) -> &T {
                self
            }
        }
        impl<T: ?Sized, C: $crate::count::Count> ::core::borrow::BorrowMut<T> for $Unique<T, C> {
            fn borrow_mut(&mut self) -> &mut T {
                self
            }
        }
    };
}
pub(crate) use impl_unique_traits;

impl_unique_traits!(UniqueRc);
