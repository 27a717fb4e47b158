//! Immortal values: [`Rc::new_immortal`], [`Rc::into_immortal`],
//! [`Rc::is_immortal`] (and the same on [`Arc`](crate::sync::Arc), in
//! `src/sync/immortal.rs`), for the saturating counts ([`SaturatingCount`]).
//!
//! A saturating count that reached its maximum never changes again (the
//! [`Count`] module's invariant 3): the value is never dropped and the block
//! never freed. An *immortal* value is one whose strong count is put there on
//! purpose — at construction, or later by `into_immortal` — like CPython
//! 3.12's immortal objects or servo_arc's static arcs. From then on a clone
//! or a drop is a load and a compare, **no write**; for `Arc` that means any
//! number of threads clone and drop it without contending for its cache line.
//!
//! # Invariants
//! 1. Only saturating counts can be immortal ([`SaturatingCount`], sealed: the
//!    `Saturating` integers). An abort count has no "saturated" value.
//! 2. `new_immortal` writes both counts saturated before the pointer exists;
//!    `into_immortal` saturates only the strong count (the weak count may be
//!    locked by another `Arc`'s `get_mut` at that moment, and its unlock would
//!    overwrite a saturated value; it does not matter: the strong references'
//!    shared weak reference is released only when strong reaches 0, which a
//!    saturated strong count never does, so the block is never freed).
//! 3. Everything that asks for uniqueness (`get_mut`, `make_mut`,
//!    `try_unwrap`, `into_inner`) compares the strong count with 1, which a
//!    saturated count never equals: an immortal value is never mutably
//!    borrowed and never moved out.
use core::cell::Cell;
use core::num::Saturating;

use super::Rc;
use crate::count::Count;
use crate::rc_box;

mod sealed {
    pub trait Sealed {}
}

/// A count type that saturates instead of aborting: `Saturating<u8>` …
/// `Saturating<usize>`. Only these can make an immortal value
/// ([`Rc::new_immortal`], [`Arc::new_immortal`](crate::sync::Arc::new_immortal)).
///
/// ```
/// use core::num::Saturating;
/// use leaksafe::rc::{Rc, SaturatingCount};
///
/// fn forever<T, C: SaturatingCount>(v: T) -> Rc<T, C> {
///     Rc::new_immortal(v)
/// }
/// let r: Rc<&str, Saturating<u8>> = forever("static-like");
/// assert!(Rc::is_immortal(&r));
/// ```
pub trait SaturatingCount: Count + sealed::Sealed {}

macro_rules! saturating {
    ($($t:ty),*) => {$(
        impl sealed::Sealed for Saturating<$t> {}
        impl SaturatingCount for Saturating<$t> {}
    )*};
}
saturating!(u8, u16, u32, u64, usize);

impl<T, C: SaturatingCount> Rc<T, C> {
    /// An immortal value: both counts start saturated, so the value is never
    /// dropped and the block never freed (it is leaked on purpose, as a
    /// `static` would be), and clones and drops do not change any count.
    ///
    /// ```
    /// use core::num::Saturating;
    /// use leaksafe::rc::Rc;
    ///
    /// let config = Rc::<_, Saturating<u32>>::new_immortal(String::from("cfg"));
    /// let c2 = config.clone();
    /// assert!(Rc::is_immortal(&c2));
    /// assert!(Rc::try_unwrap(c2).is_err()); // never unique
    /// assert_eq!(Rc::strong_count(&config), u32::MAX as usize);
    /// ```
    pub fn new_immortal(value: T) -> Self {
        Self::from_inner(rc_box::allocate_value(
            Cell::new(C::SATURATED),
            Cell::new(C::SATURATED),
            value,
        ))
    }
}

impl<T: ?Sized, C: SaturatingCount> Rc<T, C> {
    /// Makes the value immortal: saturates the strong count, so the value is
    /// never dropped (nor the block freed), whatever other `Rc`s do.
    /// [`Weak`](super::Weak)s keep upgrading.
    ///
    /// ```
    /// use core::num::Saturating;
    /// use leaksafe::rc::Rc;
    ///
    /// let a: Rc<Vec<u8>, Saturating<u8>> = Rc::new_counted(vec![1]);
    /// let w = Rc::downgrade(&a);
    /// let a = Rc::into_immortal(a);
    /// drop(a);
    /// assert_eq!(*w.upgrade().unwrap(), [1]); // still alive
    /// ```
    pub fn into_immortal(this: Self) -> Self {
        this.strong_cell().set(C::SATURATED);
        this
    }
}

impl<T: ?Sized, C: Count> Rc<T, C> {
    /// Whether the value is immortal: its strong count is saturated (made
    /// so by [`new_immortal`](Rc::new_immortal)/[`into_immortal`](Rc::into_immortal),
    /// or by overflow). Always false for abort counts.
    ///
    /// ```
    /// use core::num::Saturating;
    /// use leaksafe::rc::Rc;
    ///
    /// let a: Rc<i32, Saturating<u8>> = Rc::new_counted(1);
    /// assert!(!Rc::is_immortal(&a));
    /// for _ in 0..300 {
    ///     core::mem::forget(a.clone());
    /// }
    /// assert!(Rc::is_immortal(&a));
    /// ```
    #[inline]
    pub fn is_immortal(this: &Self) -> bool {
        C::is_saturated(this.strong_cell().get())
    }
}
