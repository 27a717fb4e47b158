//! The std trait impls that [`Rc`](crate::rc::Rc) and
//! [`Arc`](crate::sync::Arc) share, written once as a macro.
//!
//! Everything here goes through `Deref` (comparison, hashing, formatting,
//! `Borrow`/`AsRef`) or through the public constructors and the allocation
//! helpers of [`rc_box`](crate::rc_box) (`Default`, `From`, `FromIterator`).
//! No impl here reads or writes a count directly: the counting code (clone,
//! drop, `get_mut`, `make_mut`, upgrade) stays in each type's module, where
//! `Cell` and atomic counts really differ.
//!
//! # Invariants relied on
//! - `$from_block(ptr)` takes ownership of one strong reference already
//!   counted in `ptr` (both types' private constructor).
//! - `$one` makes a fresh count cell holding 1 (`Cell::new(C::ONE)` or
//!   `C::atomic_new(C::ONE)`); a new block starts with strong 1 and weak 1
//!   (the weak reference all strong ones share).
//! - `$Block<T, C>` is the type's block, `rc_box::Inner<K, T>` with `K` the
//!   type of `$one`; the only unsafe code (`From<&str>`) relies on `str` and
//!   `[u8]` having the same layout and metadata in that block.

/// Implements `Borrow`, `AsRef`, `Default`, `Debug`, `Display`, `Pointer`,
/// `PartialEq`, `Eq`, `PartialOrd`, `Ord`, `Hash`, `From` and `FromIterator`
/// for a reference-counted pointer type `$Ptr<T, C>`.
///
/// - `$Ptr`: the type (`Rc` or `Arc`), also the name the doc examples use;
/// - `$path`: its path below `leaksafe`, for the doc examples' `use`;
/// - `$Block`: its block type alias (`Block<T, C>`);
/// - `$from_block`: its private constructor from a block pointer owning one
///   strong reference;
/// - `$one`: an expression making a count cell holding 1, in terms of `C`.
macro_rules! impl_shared_traits {
    (
        $Ptr:ident,
        path = $path:literal,
        block = $Block:ident,
        from_block = $from_block:ident,
        one = $one:expr $(,)?
    ) => {
        impl<T: ?Sized, C: $crate::count::Count> ::core::borrow::Borrow<T> for $Ptr<T, C> {
            fn borrow(&self) -> &T {
                self
            }
        }

        impl<T: ?Sized, C: $crate::count::Count> ::core::convert::AsRef<T> for $Ptr<T, C> {
            fn as_ref(&self) -> &T {
                self
            }
        }

        impl<T: ::core::default::Default, C: $crate::count::Count> ::core::default::Default
            for $Ptr<T, C>
        {
            #[doc = concat!("`", stringify!($Ptr), "::new_counted(T::default())`.")]
            ///
            /// ```
            #[doc = concat!("use leaksafe::", $path, ";")]
            ///
            #[doc = concat!("let a: ", stringify!($Ptr), "<i32, u8> = Default::default();")]
            /// assert_eq!(*a, 0);
            /// ```
            fn default() -> Self {
                Self::new_counted(T::default())
            }
        }

        impl<T, C: $crate::count::Count> ::core::default::Default for $Ptr<[T], C> {
            /// An empty slice.
            fn default() -> Self {
                Self::from(::alloc::vec::Vec::new())
            }
        }

        impl<C: $crate::count::Count> ::core::default::Default for $Ptr<str, C> {
            /// An empty `str`.
            fn default() -> Self {
                Self::from("")
            }
        }

        impl<T: ?Sized + ::core::fmt::Debug, C: $crate::count::Count> ::core::fmt::Debug
            for $Ptr<T, C>
        {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                ::core::fmt::Debug::fmt(&**self, f)
            }
        }

        impl<T: ?Sized + ::core::fmt::Display, C: $crate::count::Count> ::core::fmt::Display
            for $Ptr<T, C>
        {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                ::core::fmt::Display::fmt(&**self, f)
            }
        }

        impl<T: ?Sized, C: $crate::count::Count> ::core::fmt::Pointer for $Ptr<T, C> {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                ::core::fmt::Pointer::fmt(&Self::as_ptr(self), f)
            }
        }

        impl<T: ?Sized + ::core::cmp::PartialEq, C: $crate::count::Count> ::core::cmp::PartialEq
            for $Ptr<T, C>
        {
            /// Compares the values (std additionally short-cuts on `ptr_eq` for
            /// `T: Eq` through specialization, which stable Rust cannot express).
            #[inline]
            fn eq(&self, other: &Self) -> bool {
                **self == **other
            }
        }

        impl<T: ?Sized + ::core::cmp::Eq, C: $crate::count::Count> ::core::cmp::Eq
            for $Ptr<T, C>
        {
        }

        /// Every method forwards to `T`'s (as std's), so a `T` whose `lt` is not
        /// derived from `partial_cmp` behaves the same behind the pointer.
        impl<T: ?Sized + ::core::cmp::PartialOrd, C: $crate::count::Count>
            ::core::cmp::PartialOrd for $Ptr<T, C>
        {
            #[inline]
            fn partial_cmp(&self, other: &Self) -> Option<::core::cmp::Ordering> {
                (**self).partial_cmp(&**other)
            }
            #[inline]
            fn lt(&self, other: &Self) -> bool {
                **self < **other
            }
            #[inline]
            fn le(&self, other: &Self) -> bool {
                **self <= **other
            }
            #[inline]
            fn gt(&self, other: &Self) -> bool {
                **self > **other
            }
            #[inline]
            fn ge(&self, other: &Self) -> bool {
                **self >= **other
            }
        }

        impl<T: ?Sized + ::core::cmp::Ord, C: $crate::count::Count> ::core::cmp::Ord
            for $Ptr<T, C>
        {
            #[inline]
            fn cmp(&self, other: &Self) -> ::core::cmp::Ordering {
                (**self).cmp(&**other)
            }
        }

        impl<T: ?Sized + ::core::hash::Hash, C: $crate::count::Count> ::core::hash::Hash
            for $Ptr<T, C>
        {
            fn hash<H: ::core::hash::Hasher>(&self, state: &mut H) {
                (**self).hash(state)
            }
        }

        impl<T, C: $crate::count::Count> ::core::convert::From<T> for $Ptr<T, C> {
            #[doc = concat!("`", stringify!($Ptr), "::new_counted(value)`.")]
            fn from(value: T) -> Self {
                Self::new_counted(value)
            }
        }

        impl<T: ?Sized, C: $crate::count::Count> ::core::convert::From<::alloc::boxed::Box<T>>
            for $Ptr<T, C>
        {
            /// Moves the boxed value (sized, slice, `str` or `dyn Trait`) into a
            /// new block and frees the box.
            ///
            /// ```
            #[doc = concat!("use leaksafe::", $path, ";")]
            /// use std::fmt::Debug;
            ///
            /// let b: Box<dyn Debug + Send + Sync> = Box::new(5);
            #[doc = concat!("let a: ", stringify!($Ptr), "<dyn Debug + Send + Sync, u8> = ", stringify!($Ptr), "::from(b);")]
            /// assert_eq!(format!("{a:?}"), "5");
            /// ```
            fn from(b: ::alloc::boxed::Box<T>) -> Self {
                Self::$from_block($crate::rc_box::from_box(b, $one, $one))
            }
        }

        impl<T: ::core::clone::Clone, C: $crate::count::Count> ::core::convert::From<&[T]>
            for $Ptr<[T], C>
        {
            /// Clones the elements into a new block. If a `clone` panics, the
            /// clones made so far are dropped and the block freed.
            ///
            /// ```
            #[doc = concat!("use leaksafe::", $path, ";")]
            ///
            #[doc = concat!("let r: ", stringify!($Ptr), "<[String], u8> = ", stringify!($Ptr), "::from(&[String::from(\"a\")][..]);")]
            /// assert_eq!(r[0], "a");
            /// ```
            fn from(s: &[T]) -> Self {
                Self::$from_block($crate::rc_box::from_iter_exact(
                    s.iter().cloned(),
                    s.len(),
                    $one,
                    $one,
                ))
            }
        }

        impl<T, C: $crate::count::Count> ::core::convert::From<::alloc::vec::Vec<T>>
            for $Ptr<[T], C>
        {
            /// Moves the elements into a new block and frees the vector's
            /// buffer.
            ///
            /// ```
            #[doc = concat!("use leaksafe::", $path, ";")]
            ///
            #[doc = concat!("let a: ", stringify!($Ptr), "<[String], u16> = ", stringify!($Ptr), "::from(vec![\"a\".to_owned()]);")]
            /// assert_eq!(a[0], "a");
            /// ```
            fn from(v: ::alloc::vec::Vec<T>) -> Self {
                Self::$from_block($crate::rc_box::from_vec(v, $one, $one))
            }
        }

        impl<T, C: $crate::count::Count> ::core::iter::FromIterator<T> for $Ptr<[T], C> {
            /// Collects into a `Vec` first, then moves the elements into a new
            /// block (one extra copy, as std does for iterators of unknown
            /// length).
            ///
            /// ```
            #[doc = concat!("use leaksafe::", $path, ";")]
            ///
            #[doc = concat!("let evens: ", stringify!($Ptr), "<[u32], u8> = (0..10).filter(|x| x % 2 == 0).collect();")]
            /// assert_eq!(&*evens, &[0, 2, 4, 6, 8]);
            /// ```
            fn from_iter<I: ::core::iter::IntoIterator<Item = T>>(iter: I) -> Self {
                Self::from(iter.into_iter().collect::<::alloc::vec::Vec<T>>())
            }
        }

        impl<C: $crate::count::Count> ::core::convert::From<&str> for $Ptr<str, C> {
            /// Copies the string into a new block.
            ///
            /// ```
            #[doc = concat!("use leaksafe::", $path, ";")]
            ///
            #[doc = concat!("let s: ", stringify!($Ptr), "<str, u8> = ", stringify!($Ptr), "::from(\"hi\");")]
            /// assert_eq!(&*s, "hi");
            /// ```
            fn from(s: &str) -> Self {
                let bytes = $crate::rc_box::from_slice_copy(s.as_bytes(), $one, $one);
                // The cast keeps the address and the length metadata.
                let block = bytes.as_ptr() as *mut $Block<str, C>;
                // SAFETY: non-null (it came from a `NonNull`); `[u8]` and `str`
                // have the same layout and metadata (the length), and the bytes
                // were copied from a `str`, so they are UTF-8.
                Self::$from_block(unsafe { ::core::ptr::NonNull::new_unchecked(block) })
            }
        }

        impl<C: $crate::count::Count> ::core::convert::From<::alloc::string::String>
            for $Ptr<str, C>
        {
            /// Copies the string into a new block.
            fn from(s: ::alloc::string::String) -> Self {
                Self::from(&s[..])
            }
        }
    };
}

pub(crate) use impl_shared_traits;

/// `Drop` for `$Ty<T, C>` (an `Rc`, `Arc` or one of their `Weak`s), calling
/// its inherent `release`, and — with feature `nightly` — std's unsized
/// coercions for it.
///
/// With `nightly` the `Drop` is `unsafe impl<#[may_dangle] T>`, as std's: the
/// drop check then lets `T` hold references that dangle by the time the
/// pointer is dropped, because `release` never reads the value — it drops it
/// (the `PhantomData` of the block tells the drop check that a `T` is owned
/// and dropped) and otherwise touches only the counts and, through the raw
/// layout queries (`rc_box::value_layout_raw`), the value's metadata. Without
/// `nightly` the attribute does not exist and the drop check is stricter than
/// std's (the type docs say what error that gives and how to fix it).
macro_rules! impl_drop {
    ($Ty:ident) => {
        #[cfg(not(feature = "nightly"))]
        impl<T: ?Sized, C: $crate::count::Count> Drop for $Ty<T, C> {
            #[inline]
            fn drop(&mut self) {
                self.release()
            }
        }

        // SAFETY: `release` never accesses a `T` other than by dropping it
        // in place (see the macro's docs): that is what `#[may_dangle]`
        // requires, together with the `PhantomData` owning a `T`.
        #[cfg(feature = "nightly")]
        unsafe impl<#[may_dangle] T: ?Sized, C: $crate::count::Count> Drop for $Ty<T, C> {
            #[inline]
            fn drop(&mut self) {
                self.release()
            }
        }

        /// `$Ty<T, C>` coerces to `$Ty<U, C>` when `T: Unsize<U>` (for example
        /// to `$Ty<dyn Trait, C>`), as std's (feature `nightly`).
        #[cfg(feature = "nightly")]
        impl<T: ?Sized + ::core::marker::Unsize<U>, U: ?Sized, C: $crate::count::Count>
            ::core::ops::CoerceUnsized<$Ty<U, C>> for $Ty<T, C>
        {
        }

        /// Methods taking `self: $Ty<Self>` can be called on `dyn Trait`
        /// (feature `nightly`).
        #[cfg(feature = "nightly")]
        impl<T: ?Sized + ::core::marker::Unsize<U>, U: ?Sized, C: $crate::count::Count>
            ::core::ops::DispatchFromDyn<$Ty<U, C>> for $Ty<T, C>
        {
        }
    };
}

pub(crate) use impl_drop;
