//! std's `Rc` API that [`rc`](super) did not have yet: `downcast` for `Rc<dyn
//! Any>`, uninitialized constructors and `assume_init`, and the remaining
//! `From`/`TryFrom`/`Default` conversions. The constructors and conversions
//! shared with [`Arc`](crate::sync::Arc) are written once, as the macro
//! [`impl_std_api!`], invoked here and in `src/sync/std_api.rs`.
//!
//! # Invariants relied on
//! - `$from_block(ptr)` takes ownership of one strong reference counted in
//!   `ptr`; `into_block(this)` gives it back up without touching a count (the
//!   inverse), so a conversion that reinterprets the block keeps every count.
//! - A block made by `rc_box::allocate_uninit`/`allocate_for_slice` has its
//!   counts written and its value uninitialized; as `MaybeUninit<T>` (or
//!   `[MaybeUninit<T>]`) that is a valid value.
//! - `MaybeUninit<T>` has `T`'s layout, `[MaybeUninit<T>]` has `[T]`'s with
//!   the same length metadata, `str` has `[u8]`'s, and `[T; N]` has the layout
//!   of a `[T]` of length `N`: reinterpreting the block pointer (a pointer
//!   cast keeps the address and the length) gives a block of the same layout,
//!   so it is later freed with the layout it was allocated with.
use core::any::Any;
use core::cell::Cell;
use core::mem::ManuallyDrop;
use core::ptr::NonNull;

use super::{Rc, RcInner};
use crate::count::Count;

/// Gives up `this`'s strong reference as its block pointer (the inverse of
/// `Rc::from_inner`).
#[inline]
fn into_block<T: ?Sized, C: Count>(this: Rc<T, C>) -> NonNull<RcInner<T, C>> {
    ManuallyDrop::new(this).ptr
}

/// Implements, for `$Ptr` (`Rc` or `Arc`) with block alias `$Block`, private
/// constructor `$from_block`, a fn `into_block` in scope, and `$one` (a fresh
/// count holding 1): `new_uninit`, `new_zeroed`, `new_uninit_slice`,
/// `new_zeroed_slice` (and their `_counted` twins), `assume_init`, `From<[T;
/// N]>`, `From<&mut [T]>`, `From<&mut str>`, `From<$Ptr<str>> for
/// $Ptr<[u8]>`, `From<Cow<B>>`, the `CStr` conversions and `Default`, the
/// `OsStr`/`Path` conversions (feature `std`), and `TryFrom<$Ptr<[T]>> for
/// $Ptr<[T; N]>`.
macro_rules! impl_std_api {
    (
        $Ptr:ident,
        path = $path:literal,
        block = $Block:ident,
        from_block = $from_block:ident,
        one = $one:expr $(,)?
    ) => {
        impl<T> $Ptr<T> {
            /// A new allocation with the value uninitialized and `usize`
            /// counts, as std's; see the `_counted` twin for other counts.
            ///
            /// ```
            #[doc = concat!("use leaksafe::", $path, ";")]
            ///
            #[doc = concat!("let mut five = ", stringify!($Ptr), "::<u32>::new_uninit();")]
            #[doc = concat!(stringify!($Ptr), "::get_mut(&mut five).unwrap().write(5);")]
            /// let five = unsafe { five.assume_init() };
            /// assert_eq!(*five, 5);
            /// ```
            pub fn new_uninit() -> $Ptr<::core::mem::MaybeUninit<T>> {
                $Ptr::<T>::new_uninit_counted()
            }

            /// A new allocation with the value's bytes all zero, `usize`
            /// counts, as std's.
            ///
            /// ```
            #[doc = concat!("use leaksafe::", $path, ";")]
            ///
            #[doc = concat!("let zero = ", stringify!($Ptr), "::<u32>::new_zeroed();")]
            /// assert_eq!(unsafe { *zero.assume_init() }, 0);
            /// ```
            pub fn new_zeroed() -> $Ptr<::core::mem::MaybeUninit<T>> {
                $Ptr::<T>::new_zeroed_counted()
            }
        }

        impl<T, C: $crate::count::Count> $Ptr<T, C> {
            #[doc = concat!("[`", stringify!($Ptr), "::new_uninit`] for any count type.")]
            ///
            /// ```
            /// use core::mem::MaybeUninit;
            #[doc = concat!("use leaksafe::", $path, ";")]
            ///
            #[doc = concat!("let mut x: ", stringify!($Ptr), "<MaybeUninit<u64>, u8> = ", stringify!($Ptr), "::<u64, u8>::new_uninit_counted();")]
            #[doc = concat!(stringify!($Ptr), "::get_mut(&mut x).unwrap().write(9);")]
            /// assert_eq!(*unsafe { x.assume_init() }, 9);
            /// ```
            pub fn new_uninit_counted() -> $Ptr<::core::mem::MaybeUninit<T>, C> {
                $Ptr::$from_block($crate::rc_box::allocate_uninit($one, $one))
            }

            #[doc = concat!("[`", stringify!($Ptr), "::new_zeroed`] for any count type.")]
            ///
            /// ```
            #[doc = concat!("use leaksafe::", $path, ";")]
            ///
            #[doc = concat!("let z = ", stringify!($Ptr), "::<u64, u16>::new_zeroed_counted();")]
            /// assert_eq!(*unsafe { z.assume_init() }, 0);
            /// ```
            pub fn new_zeroed_counted() -> $Ptr<::core::mem::MaybeUninit<T>, C> {
                let block = $crate::rc_box::allocate_uninit::<_, ::core::mem::MaybeUninit<T>>(
                    $one, $one,
                );
                // SAFETY: the block is fresh and ours; the value field is in
                // bounds and holds `size_of::<T>()` bytes, which are zeroed.
                unsafe {
                    ::core::ptr::addr_of_mut!((*block.as_ptr()).value).write_bytes(0, 1);
                }
                $Ptr::$from_block(block)
            }
        }

        impl<T> $Ptr<[T]> {

            /// A new slice of `len` uninitialized elements, `usize` counts,
            /// as std's.
            ///
            /// ```
            #[doc = concat!("use leaksafe::", $path, ";")]
            ///
            #[doc = concat!("let mut v = ", stringify!($Ptr), "::<[u32]>::new_uninit_slice(3);")]
            #[doc = concat!("for (i, x) in ", stringify!($Ptr), "::get_mut(&mut v).unwrap().iter_mut().enumerate() {")]
            ///     x.write(i as u32);
            /// }
            /// let v = unsafe { v.assume_init() };
            /// assert_eq!(*v, [0, 1, 2]);
            /// ```
            pub fn new_uninit_slice(len: usize) -> $Ptr<[::core::mem::MaybeUninit<T>]> {
                $Ptr::<[T]>::new_uninit_slice_counted(len)
            }


            /// A new slice of `len` elements whose bytes are all zero,
            /// `usize` counts, as std's.
            ///
            /// ```
            #[doc = concat!("use leaksafe::", $path, ";")]
            ///
            #[doc = concat!("let v = ", stringify!($Ptr), "::<[u32]>::new_zeroed_slice(3);")]
            /// assert_eq!(*unsafe { v.assume_init() }, [0, 0, 0]);
            /// ```
            pub fn new_zeroed_slice(len: usize) -> $Ptr<[::core::mem::MaybeUninit<T>]> {
                $Ptr::<[T]>::new_zeroed_slice_counted(len)
            }
        }

        impl<T, C: $crate::count::Count> $Ptr<[T], C> {

            #[doc = concat!("[`", stringify!($Ptr), "::new_uninit_slice`] for any count type.")]
            ///
            /// ```
            #[doc = concat!("use leaksafe::", $path, ";")]
            ///
            #[doc = concat!("let v = ", stringify!($Ptr), "::<[u8], u8>::new_uninit_slice_counted(4);")]
            /// assert_eq!(v.len(), 4);
            /// ```
            pub fn new_uninit_slice_counted(
                len: usize,
            ) -> $Ptr<[::core::mem::MaybeUninit<T>], C> {
                $Ptr::$from_block($crate::rc_box::allocate_for_slice(len, $one, $one))
            }


            #[doc = concat!("[`", stringify!($Ptr), "::new_zeroed_slice`] for any count type.")]
            ///
            /// ```
            #[doc = concat!("use leaksafe::", $path, ";")]
            ///
            #[doc = concat!("let v = ", stringify!($Ptr), "::<[u16], u8>::new_zeroed_slice_counted(2);")]
            /// assert_eq!(*unsafe { v.assume_init() }, [0, 0]);
            /// ```
            pub fn new_zeroed_slice_counted(
                len: usize,
            ) -> $Ptr<[::core::mem::MaybeUninit<T>], C> {
                let block = $crate::rc_box::allocate_for_slice::<_, ::core::mem::MaybeUninit<T>>(
                    len, $one, $one,
                );
                // SAFETY: the block is fresh and ours, made for `len`
                // elements; they are zeroed.
                unsafe {
                    ::core::ptr::addr_of_mut!((*block.as_ptr()).value)
                        .cast::<::core::mem::MaybeUninit<T>>()
                        .write_bytes(0, len);
                }
                $Ptr::$from_block(block)
            }
        }

        impl<T, C: $crate::count::Count> $Ptr<::core::mem::MaybeUninit<T>, C> {
            #[doc = concat!("Converts to `", stringify!($Ptr), "<T, C>`, as std's `assume_init`.")]
            ///
            /// # Safety
            /// The value is initialized (as for [`MaybeUninit::assume_init`](core::mem::MaybeUninit::assume_init)).
            ///
            /// ```
            #[doc = concat!("use leaksafe::", $path, ";")]
            ///
            #[doc = concat!("let mut x = ", stringify!($Ptr), "::<String>::new_uninit();")]
            #[doc = concat!(stringify!($Ptr), "::get_mut(&mut x).unwrap().write(\"hi\".into());")]
            /// let x = unsafe { x.assume_init() };
            /// assert_eq!(*x, "hi");
            /// ```
            pub unsafe fn assume_init(self) -> $Ptr<T, C> {
                // The same block, the value seen as initialized (module
                // invariant: `MaybeUninit<T>` has `T`'s layout); the caller
                // guarantees it is.
                $Ptr::$from_block(into_block(self).cast::<$Block<T, C>>())
            }
        }

        impl<T, C: $crate::count::Count> $Ptr<[::core::mem::MaybeUninit<T>], C> {
            #[doc = concat!("Converts to `", stringify!($Ptr), "<[T], C>`, as std's `assume_init`.")]
            ///
            /// # Safety
            /// Every element is initialized.
            ///
            /// ```
            #[doc = concat!("use leaksafe::", $path, ";")]
            ///
            #[doc = concat!("let v = ", stringify!($Ptr), "::<[u8]>::new_zeroed_slice(2);")]
            /// assert_eq!(*unsafe { v.assume_init() }, [0, 0]);
            /// ```
            pub unsafe fn assume_init(self) -> $Ptr<[T], C> {
                let block = into_block(self).as_ptr() as *mut $Block<[T], C>;
                // SAFETY: the cast keeps the address (not null) and the length;
                // `[MaybeUninit<T>]` has `[T]`'s layout; the caller guarantees
                // every element is initialized.
                $Ptr::$from_block(unsafe { ::core::ptr::NonNull::new_unchecked(block) })
            }
        }

        impl<T, C: $crate::count::Count, const N: usize> ::core::convert::From<[T; N]>
            for $Ptr<[T], C>
        {
            /// Moves the elements into a new block.
            ///
            /// ```
            #[doc = concat!("use leaksafe::", $path, ";")]
            ///
            #[doc = concat!("let a: ", stringify!($Ptr), "<[String]> = ", stringify!($Ptr), "::from([\"a\".to_owned(), \"b\".to_owned()]);")]
            /// assert_eq!(a[1], "b");
            /// ```
            fn from(array: [T; N]) -> Self {
                Self::$from_block($crate::rc_box::from_iter_exact(
                    ::core::iter::IntoIterator::into_iter(array),
                    N,
                    $one,
                    $one,
                ))
            }
        }

        impl<T: ::core::clone::Clone, C: $crate::count::Count> ::core::convert::From<&mut [T]>
            for $Ptr<[T], C>
        {
            /// Clones the elements into a new block (as `From<&[T]>`).
            ///
            /// ```
            #[doc = concat!("use leaksafe::", $path, ";")]
            ///
            /// let mut v = [1, 2];
            #[doc = concat!("let a: ", stringify!($Ptr), "<[i32]> = ", stringify!($Ptr), "::from(&mut v[..]);")]
            /// assert_eq!(*a, [1, 2]);
            /// ```
            fn from(s: &mut [T]) -> Self {
                Self::from(&*s)
            }
        }

        impl<C: $crate::count::Count> ::core::convert::From<&mut str> for $Ptr<str, C> {
            /// Copies the string into a new block (as `From<&str>`).
            ///
            /// ```
            #[doc = concat!("use leaksafe::", $path, ";")]
            ///
            /// let mut s = String::from("hi");
            #[doc = concat!("let a: ", stringify!($Ptr), "<str> = ", stringify!($Ptr), "::from(s.as_mut_str());")]
            /// assert_eq!(&*a, "hi");
            /// ```
            fn from(s: &mut str) -> Self {
                Self::from(&*s)
            }
        }

        impl<C: $crate::count::Count> ::core::convert::From<$Ptr<str, C>> for $Ptr<[u8], C> {
            /// The string's bytes, without copying (the same block).
            ///
            /// ```
            #[doc = concat!("use leaksafe::", $path, ";")]
            ///
            #[doc = concat!("let s: ", stringify!($Ptr), "<str> = ", stringify!($Ptr), "::from(\"ab\");")]
            #[doc = concat!("let b: ", stringify!($Ptr), "<[u8]> = ", stringify!($Ptr), "::from(s);")]
            /// assert_eq!(*b, *b"ab");
            /// ```
            fn from(s: $Ptr<str, C>) -> Self {
                let block = into_block(s).as_ptr() as *mut $Block<[u8], C>;
                // SAFETY: the cast keeps the address (not null) and the
                // length; `str` is `[u8]` with the same layout and metadata.
                Self::$from_block(unsafe { ::core::ptr::NonNull::new_unchecked(block) })
            }
        }

        impl<'a, B, C: $crate::count::Count> ::core::convert::From<::alloc::borrow::Cow<'a, B>>
            for $Ptr<B, C>
        where
            B: ::alloc::borrow::ToOwned + ?Sized,
            $Ptr<B, C>: ::core::convert::From<&'a B>
                + ::core::convert::From<<B as ::alloc::borrow::ToOwned>::Owned>,
        {
            /// Copies a borrowed value, converts an owned one (as std).
            ///
            /// ```
            /// use std::borrow::Cow;
            #[doc = concat!("use leaksafe::", $path, ";")]
            ///
            #[doc = concat!("let a: ", stringify!($Ptr), "<str> = ", stringify!($Ptr), "::from(Cow::Borrowed(\"x\"));")]
            #[doc = concat!("let b: ", stringify!($Ptr), "<str> = ", stringify!($Ptr), "::from(Cow::<str>::Owned(\"x\".into()));")]
            /// assert_eq!(a, b);
            /// ```
            fn from(cow: ::alloc::borrow::Cow<'a, B>) -> Self {
                match cow {
                    ::alloc::borrow::Cow::Borrowed(b) => Self::from(b),
                    ::alloc::borrow::Cow::Owned(o) => Self::from(o),
                }
            }
        }

        impl<C: $crate::count::Count> ::core::convert::From<&::core::ffi::CStr>
            for $Ptr<::core::ffi::CStr, C>
        {
            /// Copies the C string (through a `Box<CStr>`: one extra copy).
            ///
            /// ```
            #[doc = concat!("use leaksafe::", $path, ";")]
            ///
            #[doc = concat!("let c: ", stringify!($Ptr), "<core::ffi::CStr> = ", stringify!($Ptr), "::from(c\"hi\");")]
            /// assert_eq!(c.to_bytes(), b"hi");
            /// ```
            fn from(c: &::core::ffi::CStr) -> Self {
                Self::from(::alloc::boxed::Box::<::core::ffi::CStr>::from(c))
            }
        }

        impl<C: $crate::count::Count> ::core::convert::From<&mut ::core::ffi::CStr>
            for $Ptr<::core::ffi::CStr, C>
        {
            /// As `From<&CStr>`.
            fn from(c: &mut ::core::ffi::CStr) -> Self {
                Self::from(&*c)
            }
        }

        impl<C: $crate::count::Count> ::core::convert::From<::alloc::ffi::CString>
            for $Ptr<::core::ffi::CStr, C>
        {
            /// Moves the C string's bytes into a new block.
            ///
            /// ```
            /// use std::ffi::CString;
            #[doc = concat!("use leaksafe::", $path, ";")]
            ///
            #[doc = concat!("let c: ", stringify!($Ptr), "<core::ffi::CStr> = ", stringify!($Ptr), "::from(CString::new(\"hi\").unwrap());")]
            /// assert_eq!(c.to_bytes(), b"hi");
            /// ```
            fn from(c: ::alloc::ffi::CString) -> Self {
                Self::from(c.into_boxed_c_str())
            }
        }

        impl<C: $crate::count::Count> ::core::default::Default for $Ptr<::core::ffi::CStr, C> {
            /// An empty C string (`c""`).
            ///
            /// ```
            #[doc = concat!("use leaksafe::", $path, ";")]
            ///
            #[doc = concat!("let c: ", stringify!($Ptr), "<core::ffi::CStr> = Default::default();")]
            /// assert!(c.is_empty());
            /// ```
            fn default() -> Self {
                Self::from(c"")
            }
        }

        #[cfg(feature = "std")]
        impl<C: $crate::count::Count> ::core::convert::From<&::std::ffi::OsStr>
            for $Ptr<::std::ffi::OsStr, C>
        {
            /// Copies the string (through a `Box<OsStr>`: one extra copy).
            ///
            /// ```
            /// use std::ffi::OsStr;
            #[doc = concat!("use leaksafe::", $path, ";")]
            ///
            #[doc = concat!("let s: ", stringify!($Ptr), "<OsStr> = ", stringify!($Ptr), "::from(OsStr::new(\"x\"));")]
            /// assert_eq!(&*s, "x");
            /// ```
            fn from(s: &::std::ffi::OsStr) -> Self {
                Self::from(::std::boxed::Box::<::std::ffi::OsStr>::from(s))
            }
        }

        #[cfg(feature = "std")]
        impl<C: $crate::count::Count> ::core::convert::From<&mut ::std::ffi::OsStr>
            for $Ptr<::std::ffi::OsStr, C>
        {
            /// As `From<&OsStr>`.
            fn from(s: &mut ::std::ffi::OsStr) -> Self {
                Self::from(&*s)
            }
        }

        #[cfg(feature = "std")]
        impl<C: $crate::count::Count> ::core::convert::From<::std::ffi::OsString>
            for $Ptr<::std::ffi::OsStr, C>
        {
            /// Moves the string into a new block.
            ///
            /// ```
            /// use std::ffi::{OsStr, OsString};
            #[doc = concat!("use leaksafe::", $path, ";")]
            ///
            #[doc = concat!("let s: ", stringify!($Ptr), "<OsStr> = ", stringify!($Ptr), "::from(OsString::from(\"x\"));")]
            /// assert_eq!(&*s, "x");
            /// ```
            fn from(s: ::std::ffi::OsString) -> Self {
                Self::from(s.into_boxed_os_str())
            }
        }

        #[cfg(feature = "std")]
        impl<C: $crate::count::Count> ::core::convert::From<&::std::path::Path>
            for $Ptr<::std::path::Path, C>
        {
            /// Copies the path (through a `Box<Path>`: one extra copy).
            ///
            /// ```
            /// use std::path::Path;
            #[doc = concat!("use leaksafe::", $path, ";")]
            ///
            #[doc = concat!("let p: ", stringify!($Ptr), "<Path> = ", stringify!($Ptr), "::from(Path::new(\"/tmp\"));")]
            /// assert!(p.is_absolute());
            /// ```
            fn from(p: &::std::path::Path) -> Self {
                Self::from(::std::boxed::Box::<::std::path::Path>::from(p))
            }
        }

        #[cfg(feature = "std")]
        impl<C: $crate::count::Count> ::core::convert::From<&mut ::std::path::Path>
            for $Ptr<::std::path::Path, C>
        {
            /// As `From<&Path>`.
            fn from(p: &mut ::std::path::Path) -> Self {
                Self::from(&*p)
            }
        }

        #[cfg(feature = "std")]
        impl<C: $crate::count::Count> ::core::convert::From<::std::path::PathBuf>
            for $Ptr<::std::path::Path, C>
        {
            /// Moves the path into a new block.
            ///
            /// ```
            /// use std::path::{Path, PathBuf};
            #[doc = concat!("use leaksafe::", $path, ";")]
            ///
            #[doc = concat!("let p: ", stringify!($Ptr), "<Path> = ", stringify!($Ptr), "::from(PathBuf::from(\"/tmp\"));")]
            /// assert_eq!(&*p, Path::new("/tmp"));
            /// ```
            fn from(p: ::std::path::PathBuf) -> Self {
                Self::from(p.into_boxed_path())
            }
        }

        impl<T, C: $crate::count::Count, const N: usize>
            ::core::convert::TryFrom<$Ptr<[T], C>> for $Ptr<[T; N], C>
        {
            type Error = $Ptr<[T], C>;

            /// The same block as an array, if the length is `N`; otherwise
            /// the slice back.
            ///
            /// ```
            #[doc = concat!("use leaksafe::", $path, ";")]
            ///
            #[doc = concat!("let s: ", stringify!($Ptr), "<[i32]> = ", stringify!($Ptr), "::from(vec![1, 2]);")]
            #[doc = concat!("let s = ", stringify!($Ptr), "::<[i32; 3]>::try_from(s).unwrap_err();")]
            #[doc = concat!("let a = ", stringify!($Ptr), "::<[i32; 2]>::try_from(s).unwrap();")]
            /// assert_eq!(*a, [1, 2]);
            /// ```
            fn try_from(s: $Ptr<[T], C>) -> Result<Self, Self::Error> {
                if s.len() == N {
                    // The same block: a `[T]` of length `N` has `[T; N]`'s layout.
                    Ok(Self::$from_block(into_block(s).cast::<$Block<[T; N], C>>()))
                } else {
                    Err(s)
                }
            }
        }
    };
}

pub(crate) use impl_std_api;

impl<C: Count> Rc<dyn Any, C> {
    /// Attempts to downcast to a concrete type (as std's); gives `self` back
    /// if the value is not a `T`.
    ///
    /// ```
    /// use core::any::Any;
    /// use leaksafe::rc::Rc;
    ///
    /// let a: Rc<dyn Any> = Rc::from(Box::new(7u8) as Box<dyn Any>);
    /// let a = a.downcast::<i32>().unwrap_err();
    /// assert_eq!(*a.downcast::<u8>().unwrap(), 7);
    /// ```
    pub fn downcast<T: Any>(self) -> Result<Rc<T, C>, Self> {
        if (*self).is::<T>() {
            // The same block seen with the value's concrete type: same layout.
            Ok(Rc::from_inner(into_block(self).cast::<RcInner<T, C>>()))
        } else {
            Err(self)
        }
    }
}

impl_std_api!(
    Rc,
    path = "rc::Rc",
    block = RcInner,
    from_block = from_inner,
    one = Cell::new(C::ONE),
);
