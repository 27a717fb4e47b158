//! Zero-copy unsizing on stable Rust: [`Coercion`], the [`coerce!`](crate::coerce)
//! macro, [`Rc::unsize`] and [`Weak::unsize`].
//!
//! Stable Rust reserves unsized coercion (`Rc<T>` to `Rc<dyn Trait>`) for
//! std's pointers: `CoerceUnsized` is unstable. It does allow the coercion of
//! *raw* pointers, `*const T` to `*const U` whenever `T: Unsize<U>` (an array
//! to a slice, a type to a `dyn Trait` it implements, a `dyn Trait` to a
//! supertrait object). The technique of triomphe's `unsize` feature and of the
//! `unsize` crate: let the compiler coerce the raw pointer to the value, and
//! rebuild the block pointer from the result.
//!
//! # Invariants
//! 1. A [`Coercion<T, U>`] holds a function that returns its argument coerced
//!    by the compiler: same address, and metadata (length, vtable) describing
//!    the same value as `U`. Only `unsafe` [`Coercion::new`] accepts an
//!    arbitrary function; every safe way to get one (the macro, the named
//!    constructors) writes the body `|p| p` itself, so the compiler's coercion
//!    is the only thing that can happen. A raw metadata cast (which could
//!    change a slice's length) is never made.
//! 2. [`Coercion::apply`] checks at run time that the address is unchanged
//!    (a cheap assertion that an `unsafe` constructor kept its promise about
//!    the address; the metadata cannot be checked).
//! 3. The coerced value has the same size and alignment as before (unsizing
//!    never changes the value, only how its type is described), so the value
//!    sits at the same offset in the same block: the block pointer is the
//!    value pointer stepped back by that offset, now carrying `U`'s metadata.
//!    Counts are untouched: one strong (or weak) reference goes in, one comes
//!    out.
use core::any::Any;
use core::cell::Cell;
use core::fmt;
use core::mem;
use core::pin::Pin;
use core::ptr::{self, NonNull};

use super::{Rc, RcInner, Weak};
use crate::count::Count;
use crate::rc_box;

/// A compiler-checked unsizing coercion from `*const T` to `*const U`, used
/// by [`Rc::unsize`], [`Weak::unsize`](super::Weak::unsize),
/// [`Arc::unsize`](crate::sync::Arc::unsize) and
/// [`sync::Weak::unsize`](crate::sync::Weak::unsize) to unsize without
/// copying the value.
///
/// Get one from [`coerce!`](crate::coerce) (any target the compiler can
/// coerce to) or a named constructor ([`to_any`](Coercion::to_any),
/// [`to_debug`](Coercion::to_debug), [`to_display`](Coercion::to_display),
/// [`to_slice`](Coercion::to_slice)).
///
/// ```
/// use core::fmt::Display;
/// use leaksafe::rc::{Coercion, Rc};
///
/// let d: Rc<dyn Display> = Rc::unsize(Rc::new(5), leaksafe::coerce!(dyn Display));
/// let s: Rc<[u8]> = Rc::unsize(Rc::new([1, 2, 3]), Coercion::to_slice());
/// assert_eq!((d.to_string(), s.len()), ("5".to_owned(), 3));
/// ```
pub struct Coercion<T: ?Sized, U: ?Sized> {
    coerce: fn(*const T) -> *const U,
}

impl<T: ?Sized, U: ?Sized> Clone for Coercion<T, U> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T: ?Sized, U: ?Sized> Copy for Coercion<T, U> {}

impl<T: ?Sized, U: ?Sized> fmt::Debug for Coercion<T, U> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Coercion")
    }
}

impl<T: ?Sized, U: ?Sized> Coercion<T, U> {
    /// Wraps a function that coerces a pointer. Prefer the safe
    /// [`coerce!`](crate::coerce) macro, which calls this with `|p| p`.
    ///
    /// # Safety
    /// `coerce(p)` returns `p` unsized by the compiler: the same address and
    /// provenance, and metadata valid for the value `p` points to, seen as a
    /// `U` (`|p| p` with the closure typed `fn(*const T) -> *const U` is the
    /// only body that guarantees this; in particular never build a slice
    /// pointer with a length of your choosing).
    ///
    /// ```
    /// use leaksafe::rc::{Coercion, Rc};
    ///
    /// // SAFETY: the body is the compiler's coercion of `p`.
    /// let c = unsafe { Coercion::<[u8; 2], [u8]>::new(|p| p) };
    /// assert_eq!(Rc::unsize(Rc::new([1, 2]), c).len(), 2);
    /// ```
    #[inline]
    pub const unsafe fn new(coerce: fn(*const T) -> *const U) -> Self {
        Coercion { coerce }
    }

    /// Coerces `ptr`.
    ///
    /// # Panics
    /// If the coercion changed the address (impossible for the safe
    /// constructors: invariant 2).
    ///
    /// ```
    /// use leaksafe::rc::Coercion;
    ///
    /// let x = [1u8, 2, 3];
    /// let s: *const [u8] = Coercion::to_slice().apply(&x);
    /// assert_eq!(unsafe { &*s }.len(), 3);
    /// ```
    #[inline]
    pub fn apply(self, ptr: *const T) -> *const U {
        let coerced = (self.coerce)(ptr);
        assert!(
            ptr::addr_eq(ptr, coerced),
            "Coercion changed the pointer's address"
        );
        coerced
    }
}

impl<T: Any> Coercion<T, dyn Any> {
    /// `T` to `dyn Any`.
    ///
    /// ```
    /// use leaksafe::rc::{Coercion, Rc};
    ///
    /// let a = Rc::unsize(Rc::new(1u8), Coercion::to_any());
    /// assert_eq!(*a.downcast::<u8>().unwrap(), 1);
    /// ```
    pub const fn to_any() -> Self {
        Coercion { coerce: |p| p }
    }
}

impl<T: Any + Send + Sync> Coercion<T, dyn Any + Send + Sync> {
    /// `T` to `dyn Any + Send + Sync` (what [`Arc`](crate::sync::Arc)'s
    /// `downcast` takes).
    ///
    /// ```
    /// use leaksafe::rc::Coercion;
    /// use leaksafe::sync::Arc;
    ///
    /// let a = Arc::unsize(Arc::new(1u8), Coercion::to_any_send_sync());
    /// assert_eq!(*a.downcast::<u8>().unwrap(), 1);
    /// ```
    pub const fn to_any_send_sync() -> Self {
        Coercion { coerce: |p| p }
    }
}

impl<'a, T: fmt::Debug + 'a> Coercion<T, dyn fmt::Debug + 'a> {
    /// `T` to `dyn Debug`.
    ///
    /// ```
    /// use leaksafe::rc::{Coercion, Rc};
    ///
    /// let d = Rc::unsize(Rc::new(Some(1)), Coercion::to_debug());
    /// assert_eq!(format!("{d:?}"), "Some(1)");
    /// ```
    pub const fn to_debug() -> Self {
        Coercion { coerce: |p| p }
    }
}

impl<'a, T: fmt::Display + 'a> Coercion<T, dyn fmt::Display + 'a> {
    /// `T` to `dyn Display`.
    ///
    /// ```
    /// use leaksafe::rc::{Coercion, Rc};
    ///
    /// let d = Rc::unsize(Rc::new(7), Coercion::to_display());
    /// assert_eq!(d.to_string(), "7");
    /// ```
    pub const fn to_display() -> Self {
        Coercion { coerce: |p| p }
    }
}

impl<T, const N: usize> Coercion<[T; N], [T]> {
    /// `[T; N]` to `[T]` (length `N`).
    ///
    /// ```
    /// use leaksafe::rc::{Coercion, Rc};
    ///
    /// let s: Rc<[i32]> = Rc::unsize(Rc::new([1, 2]), Coercion::to_slice());
    /// assert_eq!(&*s, &[1, 2]);
    /// ```
    pub const fn to_slice() -> Self {
        Coercion { coerce: |p| p }
    }
}

/// A [`Coercion`] to the target type, written by the compiler: expands to
/// `Coercion::new(|p| p)`, so the only conversion is Rust's own unsizing
/// coercion of a raw pointer (array to slice, type to `dyn Trait`, trait
/// object to supertrait object). If the target cannot be coerced to, it does
/// not compile.
///
/// `coerce!(Target)` names the target; `coerce!()` lets inference find it
/// (from a type annotation on the result).
///
/// The `unsafe` inside is the macro's own, so it works in crates with
/// `#![forbid(unsafe_code)]`.
///
/// ```
/// use core::fmt::Debug;
/// use leaksafe::rc::{Rc, Weak};
/// use leaksafe::sync::Arc;
///
/// let r: Rc<dyn Debug> = Rc::unsize(Rc::new(1), leaksafe::coerce!());
/// let a = Arc::unsize(Arc::new([1, 2]), leaksafe::coerce!([i32]));
/// let w: Weak<dyn Debug> = Weak::unsize(Rc::downgrade(&Rc::new(2)), leaksafe::coerce!());
/// assert_eq!(format!("{r:?} {a:?}"), "1 [1, 2]");
/// assert!(w.upgrade().is_none());
/// ```
///
/// A coercion the compiler does not accept is a compile error:
/// ```compile_fail
/// use leaksafe::rc::Rc;
///
/// let s = Rc::unsize(Rc::new([1u8; 4]), leaksafe::coerce!([u16]));
/// ```
#[macro_export]
macro_rules! coerce {
    () => {
        // SAFETY: the body `|p| p` is the compiler's unsizing coercion of `p`
        // to the closure's return type (same address, compiler-made metadata).
        unsafe { $crate::rc::Coercion::new(|p| p) }
    };
    ($target:ty $(,)?) => {
        // SAFETY: as above; `$target` is only a type, the body stays `|p| p`.
        unsafe { $crate::rc::Coercion::<_, $target>::new(|p| p) }
    };
}

impl<T: ?Sized, C: Count> Rc<T, C> {
    /// Unsizes an `Rc` in place, without copying the value: `Rc<[T; N]>` to
    /// `Rc<[T]>`, `Rc<T>` to `Rc<dyn Trait>`, `Rc<dyn Sub>` to `Rc<dyn
    /// Super>`. What std does by coercion (`let r: Rc<dyn Trait> = rc;`),
    /// which stable Rust allows only for std's pointers (with the `nightly`
    /// feature leaksafe's `Rc` coerces too).
    ///
    /// The counts are unchanged: clones and [`Weak`]s of the old `Rc` still
    /// point to the same value.
    ///
    /// ```
    /// use core::fmt::Display;
    /// use leaksafe::rc::Rc;
    ///
    /// let five = Rc::new(5);
    /// let also = five.clone();
    /// let d: Rc<dyn Display> = Rc::unsize(five, leaksafe::coerce!());
    /// assert_eq!(d.to_string(), "5");
    /// assert_eq!(Rc::strong_count(&also), 2);
    /// assert!(core::ptr::addr_eq(Rc::as_ptr(&d), Rc::as_ptr(&also)));
    /// ```
    pub fn unsize<U: ?Sized>(this: Self, coercion: Coercion<T, U>) -> Rc<U, C> {
        // Coerce first: if `apply` panics, `this` is still dropped normally.
        let coerced = coercion.apply(Rc::as_ptr(&this));
        let _ = Rc::into_raw(this);
        // SAFETY: `coerced` points to the value of a live block (the strong
        // reference taken from `this` keeps it alive and initialized), with
        // the metadata of that same value as a `U` (module invariant 1), so
        // the block is found from it exactly as from `value`.
        let block = unsafe { rc_box::inner_from_value_ptr::<Cell<C::Int>, U>(coerced) };
        // SAFETY: the block pointer is not null; it owns the strong reference
        // `this` owned (module invariant 3).
        Rc::from_inner(unsafe { NonNull::new_unchecked(block) })
    }

    /// [`Rc::unsize`] for a pinned `Rc`: `Pin<Rc<T>>` to `Pin<Rc<U>>`, as
    /// std's coercion does (e.g. a boxed-future-like `Pin<Rc<dyn Future>>`).
    ///
    /// ```
    /// use core::fmt::Debug;
    /// use core::pin::Pin;
    /// use leaksafe::rc::Rc;
    ///
    /// let p: Pin<Rc<dyn Debug>> = Rc::unsize_pin(Rc::pin(4), leaksafe::coerce!());
    /// assert_eq!(format!("{p:?}"), "4");
    /// ```
    pub fn unsize_pin<U: ?Sized>(this: Pin<Self>, coercion: Coercion<T, U>) -> Pin<Rc<U, C>> {
        // SAFETY: unsizing reuses the same allocation: the pinned value is
        // neither moved nor exposed by value, and the result is pinned again.
        unsafe { Pin::new_unchecked(Rc::unsize(Pin::into_inner_unchecked(this), coercion)) }
    }
}

impl<T, C: Count> Weak<T, C> {
    /// Unsizes a `Weak` in place, as [`Rc::unsize`] (also a dangling
    /// [`Weak::new`], which stays dangling). The value may already be dropped:
    /// only addresses are computed, nothing is read.
    ///
    /// ```
    /// use core::fmt::Debug;
    /// use leaksafe::rc::{Rc, Weak};
    ///
    /// let a = Rc::new(3);
    /// let w: Weak<dyn Debug> = Weak::unsize(Rc::downgrade(&a), leaksafe::coerce!());
    /// assert_eq!(format!("{:?}", w.upgrade().unwrap()), "3");
    /// let none: Weak<dyn Debug> = Weak::unsize(Weak::<i32>::new(), leaksafe::coerce!());
    /// assert!(none.upgrade().is_none());
    /// ```
    pub fn unsize<U: ?Sized>(this: Self, coercion: Coercion<T, U>) -> Weak<U, C> {
        let dangling = Weak::<T, C>::new_counted().as_ptr();
        let value = this.as_ptr();
        // Coerce first: if `apply` panics, `this` is still dropped normally.
        let coerced = coercion.apply(value) as *mut RcInner<U, C>;
        let _ = Weak::into_raw(this);
        let block = if ptr::eq(value, dangling) {
            // `Weak::new`'s sentinel: no block; the same address with `U`'s
            // metadata is `Weak::<U>::new`'s sentinel.
            coerced
        } else {
            // The value sits at the offset of a sized `T` (module invariant
            // 3); computed from `T`'s alignment, so nothing is read.
            let offset = rc_box::data_offset_align::<Cell<C::Int>>(mem::align_of::<T>());
            // SAFETY: `value` is the value field of a block kept live by the
            // weak reference `this` owned; stepping back `offset` bytes gives
            // the block's start, inside the same allocation.
            unsafe { coerced.byte_sub(offset) }
        };
        // SAFETY: neither the sentinel nor a block pointer is null; the weak
        // reference `this` owned moves to the result.
        Weak::from_inner(unsafe { NonNull::new_unchecked(block) })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unsize_keeps_counts() {
        let a = Rc::new([1u8, 2, 3]);
        let w = Rc::downgrade(&a);
        let s: Rc<[u8]> = Rc::unsize(a.clone(), Coercion::to_slice());
        assert_eq!(Rc::strong_count(&s), 2);
        assert_eq!(Rc::weak_count(&s), 1);
        drop(a);
        assert_eq!(&*w.upgrade().unwrap(), &[1, 2, 3]);
        drop(s);
        assert!(w.upgrade().is_none());
    }
}
