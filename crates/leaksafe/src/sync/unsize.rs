//! Zero-copy unsizing of [`Arc`] and [`Weak`] on stable Rust, with the
//! compiler-checked [`Coercion`] of [`rc`](crate::rc) (see
//! `src/rc/unsize.rs` for the technique and its invariants: the compiler
//! coerces the raw pointer to the value, the address is checked unchanged,
//! the block pointer is rebuilt from it; no count changes).
use core::mem;
use core::pin::Pin;
use core::ptr::{self, NonNull};

use super::{Arc, Block, Weak};
use crate::count::Count;
use crate::rc::Coercion;
use crate::rc_box;

impl<T: ?Sized, C: Count> Arc<T, C> {
    /// Unsizes an `Arc` in place, without copying the value: `Arc<[T; N]>`
    /// to `Arc<[T]>`, `Arc<T>` to `Arc<dyn Trait + Send + Sync>`, `Arc<dyn
    /// Sub>` to `Arc<dyn Super>`. What std does by coercion, which stable
    /// Rust allows only for std's pointers. The compiler checks the auto
    /// traits too: `dyn Trait + Send` needs `T: Send`.
    ///
    /// ```
    /// use core::fmt::Display;
    /// use leaksafe::sync::Arc;
    ///
    /// let five = Arc::new(5);
    /// let d: Arc<dyn Display + Send + Sync> = Arc::unsize(five.clone(), leaksafe::coerce!());
    /// std::thread::spawn(move || assert_eq!(d.to_string(), "5")).join().unwrap();
    /// assert_eq!(Arc::strong_count(&five), 1);
    /// ```
    pub fn unsize<U: ?Sized>(this: Self, coercion: Coercion<T, U>) -> Arc<U, C> {
        // Coerce first: if `apply` panics, `this` is still dropped normally.
        let coerced = coercion.apply(Arc::as_ptr(&this));
        let _ = Arc::into_raw(this);
        // SAFETY: `coerced` points to the value of a live block (the strong
        // reference taken from `this` keeps it alive), with metadata
        // describing that same value as a `U` (the `Coercion` invariant).
        let block = unsafe { rc_box::inner_from_value_ptr::<C::Atomic, U>(coerced) };
        // SAFETY: not null; it owns the strong reference `this` owned.
        Arc::from_block(unsafe { NonNull::new_unchecked(block) })
    }

    /// [`Arc::unsize`] for a pinned `Arc`: `Pin<Arc<T>>` to `Pin<Arc<U>>`, as
    /// std's coercion does (e.g. a boxed-future-like `Pin<Arc<dyn Future>>`).
    ///
    /// ```
    /// use core::fmt::Debug;
    /// use core::pin::Pin;
    /// use leaksafe::sync::Arc;
    ///
    /// let p: Pin<Arc<dyn Debug + Send + Sync>> = Arc::unsize_pin(Arc::pin(4), leaksafe::coerce!());
    /// assert_eq!(format!("{p:?}"), "4");
    /// ```
    pub fn unsize_pin<U: ?Sized>(this: Pin<Self>, coercion: Coercion<T, U>) -> Pin<Arc<U, C>> {
        // SAFETY: unsizing reuses the same allocation: the pinned value is
        // neither moved nor exposed by value, and the result is pinned again.
        unsafe { Pin::new_unchecked(Arc::unsize(Pin::into_inner_unchecked(this), coercion)) }
    }
}

impl<T, C: Count> Weak<T, C> {
    /// Unsizes a `Weak` in place, as [`Arc::unsize`] (a dangling
    /// [`Weak::new`] stays dangling). Nothing is read: the value may be gone.
    ///
    /// ```
    /// use core::fmt::Debug;
    /// use leaksafe::sync::{Arc, Weak};
    ///
    /// let a = Arc::new(3);
    /// let w: Weak<dyn Debug + Send + Sync> = Weak::unsize(Arc::downgrade(&a), leaksafe::coerce!());
    /// assert_eq!(format!("{:?}", w.upgrade().unwrap()), "3");
    /// ```
    pub fn unsize<U: ?Sized>(this: Self, coercion: Coercion<T, U>) -> Weak<U, C> {
        let dangling = Weak::<T, C>::new_counted().as_ptr();
        let value = this.as_ptr();
        // Coerce first: if `apply` panics, `this` is still dropped normally.
        let coerced = coercion.apply(value) as *mut Block<U, C>;
        let _ = Weak::into_raw(this);
        let block = if ptr::eq(value, dangling) {
            // The sentinel, now with `U`'s metadata: `Weak::<U>::new`'s.
            coerced
        } else {
            let offset = rc_box::data_offset_align::<C::Atomic>(mem::align_of::<T>());
            // SAFETY: `value` is the value field of a block kept live by the
            // weak reference `this` owned; `offset` bytes back is its start.
            unsafe { coerced.byte_sub(offset) }
        };
        // SAFETY: not null; the weak reference `this` owned moves here.
        Weak::from_block(unsafe { NonNull::new_unchecked(block) })
    }
}
