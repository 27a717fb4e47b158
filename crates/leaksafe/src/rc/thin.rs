//! [`HeaderSlice<H, T>`] and [`ThinRc<H, T, C>`]: a header and a slice in
//! one allocation, behind a one-word pointer. [`ThinArc`](crate::sync::ThinArc)
//! is the same code (the macro [`impl_thin!`]) over `Arc`.
//!
//! triomphe's `ThinArc` technique: the slice's length lives in the
//! allocation (the `length` field of [`HeaderSlice`]), so the pointer can be
//! thin; every operation rebuilds the fat `Rc<HeaderSlice<H, [T]>, C>` pointer
//! from it and delegates, so the counting code is `Rc`'s/`Arc`'s own.
//!
//! # Invariants
//! 1. Every `HeaderSlice<H, [T]>` that exists has `length == slice.len()`:
//!    its fields are private except `header` and `slice`, no constructor of a
//!    `HeaderSlice` value is public, and the only code that makes one (in
//!    [`impl_thin!`]) writes `length` before anything can read it.
//! 2. A `ThinRc<H, T, C>` holds the address of a block of
//!    `Rc<HeaderSlice<H, [T]>, C>` (an `rc_box` block, counted in its strong
//!    count) as a thin pointer typed `HeaderSlice<H, [T; 0]>`. `[T; 0]` and
//!    `[T]` have the same alignment, so `HeaderSlice<H, [T; 0]>` has the
//!    alignment and the field offsets of `HeaderSlice<H, [T]>` (`repr(C)`):
//!    the header and `length` can be read through the thin pointer, and
//!    `slice_from_raw_parts(thin, length) as *mut Block<HeaderSlice<H, [T]>>`
//!    is the fat block pointer, with the provenance of the whole allocation.
//! 3. Construction from an iterator never trusts `ExactSizeIterator::len`
//!    beyond the allocation's size: at most `len` items are written; fewer
//!    items, or more, **panic** (as triomphe), after dropping the header and
//!    the items already written and freeing the block (a guard, which also
//!    runs when the iterator or a `Clone` panics).
use core::fmt;
use core::hash::{Hash, Hasher};

/// A header `H` and a slice `T` (`[U]`) in one value: what a [`ThinRc`] and
/// a [`ThinArc`](crate::sync::ThinArc) point to, and what they convert to
/// and from as `Rc<HeaderSlice<H, [U]>>` / `Arc<HeaderSlice<H, [U]>>`.
///
/// ```
/// use leaksafe::rc::{HeaderSlice, ThinRc};
///
/// let t = ThinRc::from_header_and_slice("header", &[1, 2, 3]);
/// let hs: &HeaderSlice<&str, [i32]> = &t;
/// assert_eq!((hs.header, &hs.slice, hs.len()), ("header", &[1, 2, 3][..], 3));
/// ```
#[repr(C)]
pub struct HeaderSlice<H, T: ?Sized> {
    /// The header.
    pub header: H,
    /// The slice's length, in the allocation so the pointer can be thin
    /// (invariant 1: always `slice.len()`; crate-visible for `impl_thin!`).
    pub(crate) length: usize,
    /// The slice.
    pub slice: T,
}

impl<H, T> HeaderSlice<H, [T]> {
    /// The number of items in the slice.
    ///
    /// ```
    /// use leaksafe::sync::ThinArc;
    ///
    /// let t = ThinArc::from_header_and_iter((), 0..4);
    /// assert_eq!(t.len(), 4);
    /// ```
    #[inline]
    pub fn len(&self) -> usize {
        self.length
    }

    /// Whether the slice is empty.
    ///
    /// ```
    /// use leaksafe::sync::ThinArc;
    ///
    /// assert!(ThinArc::from_header_and_slice(1u8, &[] as &[u8]).is_empty());
    /// ```
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.length == 0
    }
}

impl<H: fmt::Debug, T: ?Sized + fmt::Debug> fmt::Debug for HeaderSlice<H, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HeaderSlice")
            .field("header", &self.header)
            .field("slice", &&self.slice)
            .finish()
    }
}

impl<H: PartialEq, T: ?Sized + PartialEq> PartialEq for HeaderSlice<H, T> {
    fn eq(&self, other: &Self) -> bool {
        self.header == other.header && self.slice == other.slice
    }
}

impl<H: Eq, T: ?Sized + Eq> Eq for HeaderSlice<H, T> {}

impl<H: Hash, T: ?Sized + Hash> Hash for HeaderSlice<H, T> {
    fn hash<S: Hasher>(&self, state: &mut S) {
        self.header.hash(state);
        self.slice.hash(state);
    }
}

/// Implements a thin pointer `$Thin<H, T, C>` over the counted pointer
/// `$Ptr<HeaderSlice<H, [T]>, C>` (see the module invariants).
///
/// - `$Ptr`/`$Weak`: `Rc`/`Weak` or `Arc`/`Weak` (in scope);
/// - `$path`: the module below `leaksafe`, for doc examples;
/// - `$Block`: the block alias; `$K`: the count cell type, in terms of `C`;
/// - `$from_block`: the pointer's private constructor from a block counted
///   once; `$into_block`: a fn in scope giving a pointer's block up without
///   touching a count; `$one`: a count cell holding 1.
macro_rules! impl_thin {
    (
        $Thin:ident,
        $Ptr:ident,
        $Weak:ident,
        path = $path:literal,
        block = $Block:ident,
        cell = $K:ty,
        from_block = $from_block:ident,
        into_block = $into_block:ident,
        one = $one:expr $(,)?
    ) => {
        #[doc = concat!("A header `H` and a slice `[T]` in one `", stringify!($Ptr), "` allocation, behind a")]
        /// one-word pointer (`Option` of it too).
        ///
        #[doc = concat!("It derefs to [`HeaderSlice<H, [T]>`](crate::rc::HeaderSlice) (`.header`, `.slice`); clone, drop")]
        #[doc = concat!("and the counts are `", stringify!($Ptr), "<HeaderSlice<H, [T]>, C>`'s, which it converts to")]
        /// and from for free.
        ///
        /// ```
        #[doc = concat!("use leaksafe::", $path, "::", stringify!($Thin), ";")]
        ///
        #[doc = concat!("let t = ", stringify!($Thin), "::from_header_and_iter(\"name\", [1u32, 2, 3].into_iter());")]
        /// assert_eq!(t.header, "name");
        /// assert_eq!(t.slice, [1, 2, 3]);
        #[doc = concat!("assert_eq!(size_of::<", stringify!($Thin), "<&str, u32>>(), size_of::<usize>());")]
        #[doc = concat!("assert_eq!(size_of::<Option<", stringify!($Thin), "<&str, u32>>>(), size_of::<usize>());")]
        /// ```
        pub struct $Thin<H, T, C: $crate::count::Count = usize> {
            /// The block's address, typed with an empty slice (invariant 2).
            ptr: ::core::ptr::NonNull<$Block<$crate::rc::HeaderSlice<H, [T; 0]>, C>>,
            /// Owns what `$Ptr<HeaderSlice<H, [T]>, C>` owns (drop check,
            /// variance, auto traits).
            phantom: ::core::marker::PhantomData<$Ptr<$crate::rc::HeaderSlice<H, [T]>, C>>,
        }

        impl<H, T, C: $crate::count::Count> $Thin<H, T, C> {
            /// The fat block pointer (invariant 2).
            #[inline]
            fn fat(&self) -> *mut $Block<$crate::rc::HeaderSlice<H, [T]>, C> {
                let thin = self.ptr.as_ptr();
                // SAFETY: the block is live (we own a strong reference) and
                // its `length` is initialized (invariant 1); read through
                // the thin pointer at the offset it has in the fat type.
                let len = unsafe { ::core::ptr::addr_of!((*thin).value.length).read() };
                ::core::ptr::slice_from_raw_parts_mut(thin.cast::<T>(), len)
                    as *mut $Block<$crate::rc::HeaderSlice<H, [T]>, C>
            }

            /// The counted pointer this one is, not owning a count: it is
            /// never dropped.
            #[inline]
            fn as_counted(&self) -> ::core::mem::ManuallyDrop<$Ptr<$crate::rc::HeaderSlice<H, [T]>, C>> {
                // SAFETY: `fat` is the non-null block pointer.
                let block = unsafe { ::core::ptr::NonNull::new_unchecked(self.fat()) };
                ::core::mem::ManuallyDrop::new($Ptr::$from_block(block))
            }

            #[doc = concat!("Converts to the counted pointer, for free (`From` does the same).")]
            ///
            /// ```
            #[doc = concat!("use leaksafe::", $path, "::{", stringify!($Ptr), ", HeaderSlice, ", stringify!($Thin), "};")]
            ///
            #[doc = concat!("let t = ", stringify!($Thin), "::from_header_and_slice(1u8, &[2u8]);")]
            #[doc = concat!("let p: ", stringify!($Ptr), "<HeaderSlice<u8, [u8]>> = ", stringify!($Thin), "::into_counted(t);")]
            #[doc = concat!("let back: ", stringify!($Thin), "<u8, u8> = ", stringify!($Thin), "::from_counted(p);")]
            /// assert_eq!((back.header, &back.slice), (1, &[2][..]));
            /// ```
            #[inline]
            pub fn into_counted(this: Self) -> $Ptr<$crate::rc::HeaderSlice<H, [T]>, C> {
                let p = this.as_counted();
                ::core::mem::forget(this);
                ::core::mem::ManuallyDrop::into_inner(p)
            }

            #[doc = concat!("Converts from the counted pointer, for free (`From` does the same).")]
            ///
            /// ```
            #[doc = concat!("use leaksafe::", $path, "::{", stringify!($Ptr), ", ", stringify!($Thin), "};")]
            ///
            #[doc = concat!("let t = ", stringify!($Thin), "::from_header_and_iter(0u16, 5..7u16);")]
            #[doc = concat!("let p = ", stringify!($Ptr), "::from(t.clone());")]
            #[doc = concat!("assert_eq!(", stringify!($Ptr), "::strong_count(&p), 2);")]
            #[doc = concat!("assert_eq!(", stringify!($Thin), "::from_counted(p), t);")]
            /// ```
            #[inline]
            pub fn from_counted(p: $Ptr<$crate::rc::HeaderSlice<H, [T]>, C>) -> Self {
                let block = $into_block(p);
                $Thin {
                    ptr: block.cast(),
                    phantom: ::core::marker::PhantomData,
                }
            }

            #[doc = concat!("Calls `f` with the counted pointer, without touching a count.")]
            ///
            /// ```
            #[doc = concat!("use leaksafe::", $path, "::{", stringify!($Ptr), ", ", stringify!($Thin), "};")]
            ///
            #[doc = concat!("let t = ", stringify!($Thin), "::from_header_and_slice((), &[1]);")]
            #[doc = concat!("assert_eq!(t.with_counted(|p| ", stringify!($Ptr), "::strong_count(p)), 1);")]
            /// ```
            #[inline]
            pub fn with_counted<U>(&self, f: impl FnOnce(&$Ptr<$crate::rc::HeaderSlice<H, [T]>, C>) -> U) -> U {
                f(&self.as_counted())
            }

            /// The number of strong references.
            ///
            /// ```
            #[doc = concat!("use leaksafe::", $path, "::", stringify!($Thin), ";")]
            ///
            #[doc = concat!("let t = ", stringify!($Thin), "::from_header_and_slice((), &[1]);")]
            /// let _u = t.clone();
            #[doc = concat!("assert_eq!(", stringify!($Thin), "::strong_count(&t), 2);")]
            /// ```
            #[inline]
            pub fn strong_count(this: &Self) -> usize {
                this.with_counted(|p| $Ptr::strong_count(p))
            }

            /// Whether both point to the same allocation.
            ///
            /// ```
            #[doc = concat!("use leaksafe::", $path, "::", stringify!($Thin), ";")]
            ///
            #[doc = concat!("let t = ", stringify!($Thin), "::from_header_and_slice((), &[1]);")]
            #[doc = concat!("assert!(", stringify!($Thin), "::ptr_eq(&t, &t.clone()));")]
            /// ```
            #[inline]
            pub fn ptr_eq(this: &Self, other: &Self) -> bool {
                this.ptr == other.ptr
            }

            #[doc = concat!("A `Weak` to the allocation (the fat `", stringify!($Ptr), "`'s); upgrade it and")]
            /// convert back with `from_counted`.
            ///
            /// ```
            #[doc = concat!("use leaksafe::", $path, "::", stringify!($Thin), ";")]
            ///
            #[doc = concat!("let t = ", stringify!($Thin), "::from_header_and_slice(\"h\", &[1]);")]
            #[doc = concat!("let w = ", stringify!($Thin), "::downgrade(&t);")]
            #[doc = concat!("let again = ", stringify!($Thin), "::from_counted(w.upgrade().unwrap());")]
            #[doc = concat!("assert!(", stringify!($Thin), "::ptr_eq(&t, &again));")]
            /// drop((t, again));
            /// assert!(w.upgrade().is_none());
            /// ```
            #[inline]
            pub fn downgrade(this: &Self) -> $Weak<$crate::rc::HeaderSlice<H, [T]>, C> {
                this.with_counted(|p| $Ptr::downgrade(p))
            }

            /// Allocates the header and the iterator's items, for any count
            /// type. The iterator's `len()` sizes the allocation; an
            /// iterator that then yields fewer or more items panics (nothing
            /// leaks, nothing is written past the allocation).
            ///
            /// ```
            #[doc = concat!("use leaksafe::", $path, "::", stringify!($Thin), ";")]
            ///
            #[doc = concat!("let t = ", stringify!($Thin), "::<_, _, u8>::from_header_and_iter_counted('h', \"ab\".bytes());")]
            /// assert_eq!((t.header, &t.slice), ('h', &b"ab"[..]));
            /// ```
            pub fn from_header_and_iter_counted<I>(header: H, items: I) -> Self
            where
                I: IntoIterator<Item = T>,
                I::IntoIter: ExactSizeIterator,
            {
                let mut items = items.into_iter();
                let len = items.len();
                let (block, value_layout) =
                    $crate::rc::thin::allocate_header_slice::<$K, H, T>(len, $one, $one);
                let mut guard = $crate::rc::thin::Filling::<$K, H, T> {
                    block,
                    value_layout,
                    header_written: false,
                    written: 0,
                };
                // SAFETY: `block` is a fresh block of `len` items (invariant
                // 2); each field is written once, `length` first so that the
                // guard and every reader see the real length (invariant 1).
                unsafe {
                    let hs = ::core::ptr::addr_of_mut!((*block.as_ptr()).value);
                    ::core::ptr::addr_of_mut!((*hs).length).write(len);
                    ::core::ptr::addr_of_mut!((*hs).header).write(header);
                }
                guard.header_written = true;
                // SAFETY: the slice field of the live block.
                let elems = unsafe { ::core::ptr::addr_of_mut!((*block.as_ptr()).value.slice) }.cast::<T>();
                while guard.written < len {
                    let Some(item) = items.next() else {
                        panic!("ExactSizeIterator yielded fewer items than its len()");
                    };
                    // SAFETY: `written < len`: in bounds, not yet written
                    // (invariant 3: never past the allocation).
                    unsafe { elems.add(guard.written).write(item) };
                    guard.written += 1;
                }
                if items.next().is_some() {
                    panic!("ExactSizeIterator yielded more items than its len()");
                }
                ::core::mem::forget(guard);
                $Thin {
                    ptr: block.cast(),
                    phantom: ::core::marker::PhantomData,
                }
            }

            /// [`from_header_and_iter_counted`](Self::from_header_and_iter_counted)
            /// with the slice's items cloned.
            ///
            /// ```
            #[doc = concat!("use leaksafe::", $path, "::", stringify!($Thin), ";")]
            ///
            #[doc = concat!("let t: ", stringify!($Thin), "<u8, String, u16> =")]
            #[doc = concat!("    ", stringify!($Thin), "::from_header_and_slice_counted(0, &[\"a\".to_owned()]);")]
            /// assert_eq!(t.slice[0], "a");
            /// ```
            pub fn from_header_and_slice_counted(header: H, items: &[T]) -> Self
            where
                T: Clone,
            {
                Self::from_header_and_iter_counted(header, items.iter().cloned())
            }
        }

        impl<H, T> $Thin<H, T> {
            /// Allocates the header and the iterator's items (`usize` counts,
            /// like triomphe's `ThinArc::from_header_and_iter`). The
            /// iterator's `len()` sizes the allocation; an iterator that then
            /// yields fewer or more items panics (nothing leaks, nothing is
            /// written past the allocation).
            ///
            /// ```
            #[doc = concat!("use leaksafe::", $path, "::", stringify!($Thin), ";")]
            ///
            #[doc = concat!("let t = ", stringify!($Thin), "::from_header_and_iter(7, (1..4).map(|i| i * 10));")]
            /// assert_eq!((t.header, &t.slice), (7, &[10, 20, 30][..]));
            /// ```
            #[inline]
            pub fn from_header_and_iter<I>(header: H, items: I) -> Self
            where
                I: IntoIterator<Item = T>,
                I::IntoIter: ExactSizeIterator,
            {
                Self::from_header_and_iter_counted(header, items)
            }

            /// The header and a clone of `items` (`usize` counts).
            ///
            /// ```
            #[doc = concat!("use leaksafe::", $path, "::", stringify!($Thin), ";")]
            ///
            #[doc = concat!("let t = ", stringify!($Thin), "::from_header_and_slice(\"h\", &[1, 2]);")]
            /// assert_eq!(t.slice, [1, 2]);
            /// ```
            #[inline]
            pub fn from_header_and_slice(header: H, items: &[T]) -> Self
            where
                T: Clone,
            {
                Self::from_header_and_iter_counted(header, items.iter().cloned())
            }
        }

        impl<H, T, C: $crate::count::Count> ::core::ops::Deref for $Thin<H, T, C> {
            type Target = $crate::rc::HeaderSlice<H, [T]>;

            #[inline]
            fn deref(&self) -> &Self::Target {
                // SAFETY: we own a strong reference: the value is initialized
                // and only shared (`get_mut` on a counted pointer needs it to
                // be unique, and this one counts).
                unsafe { &(*self.fat()).value }
            }
        }

        impl<H, T, C: $crate::count::Count> Clone for $Thin<H, T, C> {
            /// Another strong reference (the counted pointer's `clone`: its
            /// increment, aborting or saturating at the ceiling); the new
            /// reference is this same thin pointer.
            #[inline]
            fn clone(&self) -> Self {
                ::core::mem::forget((*self.as_counted()).clone());
                $Thin {
                    ptr: self.ptr,
                    phantom: ::core::marker::PhantomData,
                }
            }
        }

        impl<H, T, C: $crate::count::Count> Drop for $Thin<H, T, C> {
            #[inline]
            fn drop(&mut self) {
                // Gives our strong reference to the counted pointer, which
                // releases it.
                drop(::core::mem::ManuallyDrop::into_inner(self.as_counted()));
            }
        }

        impl<H, T, C: $crate::count::Count> From<$Ptr<$crate::rc::HeaderSlice<H, [T]>, C>> for $Thin<H, T, C> {
            #[inline]
            fn from(p: $Ptr<$crate::rc::HeaderSlice<H, [T]>, C>) -> Self {
                Self::from_counted(p)
            }
        }

        impl<H, T, C: $crate::count::Count> From<$Thin<H, T, C>> for $Ptr<$crate::rc::HeaderSlice<H, [T]>, C> {
            #[inline]
            fn from(t: $Thin<H, T, C>) -> Self {
                $Thin::into_counted(t)
            }
        }

        impl<H: PartialEq, T: PartialEq, C: $crate::count::Count> PartialEq for $Thin<H, T, C> {
            fn eq(&self, other: &Self) -> bool {
                **self == **other
            }
        }

        impl<H: Eq, T: Eq, C: $crate::count::Count> Eq for $Thin<H, T, C> {}

        impl<H: ::core::hash::Hash, T: ::core::hash::Hash, C: $crate::count::Count> ::core::hash::Hash
            for $Thin<H, T, C>
        {
            fn hash<S: ::core::hash::Hasher>(&self, state: &mut S) {
                (**self).hash(state)
            }
        }

        impl<H: ::core::fmt::Debug, T: ::core::fmt::Debug, C: $crate::count::Count> ::core::fmt::Debug
            for $Thin<H, T, C>
        {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                ::core::fmt::Debug::fmt(&**self, f)
            }
        }
    };
}
pub(crate) use impl_thin;

/// Allocates a block for a `HeaderSlice<H, [T]>` of `len` items with both
/// counts written and the value uninitialized; returns it and the value's
/// layout.
#[allow(clippy::type_complexity)]
pub(crate) fn allocate_header_slice<K: crate::rc_box::CountCell, H, T>(
    len: usize,
    strong: K,
    weak: K,
) -> (
    core::ptr::NonNull<crate::rc_box::Inner<K, HeaderSlice<H, [T]>>>,
    core::alloc::Layout,
) {
    use core::alloc::Layout;
    let head = core::mem::offset_of!(HeaderSlice<H, [T; 0]>, slice);
    let align = core::mem::align_of::<HeaderSlice<H, [T; 0]>>();
    // The layout `Layout::for_value` computes for the fat value (invariant
    // 2): the slice at `head`, the whole rounded up to the alignment.
    let value = Layout::array::<T>(len)
        .ok()
        .and_then(|items| Layout::from_size_align(head.checked_add(items.size())?, align).ok())
        .expect("ThinRc/ThinArc allocation size overflows isize::MAX")
        .pad_to_align();
    // SAFETY: the fat pointer built from `m` has the same address and
    // length `len`, so it describes a value of layout `value` (invariant 2).
    let block = unsafe {
        crate::rc_box::allocate_for_layout::<K, HeaderSlice<H, [T]>>(value, strong, weak, |m| {
            core::ptr::slice_from_raw_parts_mut(m.cast::<T>(), len)
                as *mut crate::rc_box::Inner<K, HeaderSlice<H, [T]>>
        })
    };
    (block, value)
}

/// The guard of a block being filled: on a panic, drops the header (once
/// written) and the first `written` items, then frees the block with the
/// layout it was allocated with (`value_layout`: no reference to the
/// partly written value is made to compute it).
pub(crate) struct Filling<K, H, T> {
    pub(crate) block: core::ptr::NonNull<crate::rc_box::Inner<K, HeaderSlice<H, [T]>>>,
    pub(crate) value_layout: core::alloc::Layout,
    pub(crate) header_written: bool,
    pub(crate) written: usize,
}

impl<K, H, T> Drop for Filling<K, H, T> {
    fn drop(&mut self) {
        let b = self.block.as_ptr();
        // SAFETY: the header (if `header_written`) and the first `written`
        // items are initialized and dropped once here; the counts too (they
        // own nothing); the block is then freed with the layout
        // `allocate_for_layout` allocated it with (`inner_layout` of the
        // value layout it was given), by the global allocator it came from.
        unsafe {
            let hs = core::ptr::addr_of_mut!((*b).value);
            if self.header_written {
                core::ptr::drop_in_place(core::ptr::addr_of_mut!((*hs).header));
            }
            let elems = core::ptr::addr_of_mut!((*hs).slice).cast::<T>();
            core::ptr::drop_in_place(core::ptr::slice_from_raw_parts_mut(elems, self.written));
            core::ptr::drop_in_place(core::ptr::addr_of_mut!((*b).strong));
            core::ptr::drop_in_place(core::ptr::addr_of_mut!((*b).weak));
            let layout = crate::rc_box::inner_layout::<K>(self.value_layout);
            alloc::alloc::dealloc(b.cast::<u8>(), layout);
        }
    }
}

/// Gives up an `Rc`'s strong reference as its block pointer.
#[inline]
fn rc_into_block<T: ?Sized, C: crate::count::Count>(
    this: super::Rc<T, C>,
) -> core::ptr::NonNull<super::RcInner<T, C>> {
    core::mem::ManuallyDrop::new(this).ptr
}

use super::{Rc, RcInner, Weak};

impl_thin!(
    ThinRc,
    Rc,
    Weak,
    path = "rc",
    block = RcInner,
    cell = core::cell::Cell<<C as crate::count::CountOps>::Int>,
    from_block = from_inner,
    into_block = rc_into_block,
    one = core::cell::Cell::new(<C as crate::count::CountOps>::ONE),
);
