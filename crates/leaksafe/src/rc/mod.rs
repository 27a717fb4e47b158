//! Single-threaded reference counting with checked counts: [`Rc<T, C>`] and
//! [`Weak<T, C>`].
//!
//! std's [`Rc`](alloc::rc::Rc) with one more parameter: the count type `C`
//! ([`Count`], whose page lists each type's limits). `C = usize` (the
//! default) behaves like std. A narrower `C` makes the allocation smaller;
//! `Saturating<_>` makes overflow leak instead of abort.
//!
//! ```
//! use core::num::Saturating;
//! use leaksafe::rc::Rc;
//!
//! let a: Rc<u8, u8> = Rc::new_counted(1); // 3 bytes on the heap
//! let b = Rc::clone(&a);
//! assert_eq!(Rc::strong_count(&b), 2);
//!
//! // 255 strong references fit in a u8; one more would abort. A saturating
//! // count sticks at its maximum instead, and the value becomes immortal.
//! let s: Rc<u8, Saturating<u8>> = Rc::new_counted(2);
//! for _ in 0..300 {
//!     core::mem::forget(Rc::clone(&s));
//! }
//! assert_eq!(Rc::strong_count(&s), 255);
//! ```
//!
//! # Switching from std
//! Replace `use std::rc::{Rc, Weak};` with `use leaksafe::rc::{Rc, Weak};`.
//! `Rc<T>` means `Rc<T, usize>`: the same allocation, layout and overflow
//! behaviour (abort) as std's.
//!
//! **Identical:** `new`, `pin`, `new_cyclic`, `new_uninit`, `new_zeroed`,
//! `new_uninit_slice`, `new_zeroed_slice`, `assume_init`, `clone`,
//! `downgrade`/`upgrade`, the counts, `ptr_eq`, `get_mut`, `make_mut` (also on
//! `[T]`, `str`, `CStr`, `OsStr`, `Path`), `try_unwrap`, `into_inner`,
//! `unwrap_or_clone`, `into_raw`/`from_raw`/`as_ptr`, `downcast`, every
//! `From`/`TryFrom`/`Default`/`FromIterator` conversion of std (arrays,
//! slices, `str`, `String`, `Cow`, `Box`, `Vec`, `CStr`/`CString`,
//! `OsStr`/`OsString`, `Path`/`PathBuf`, `Rc<str>` to `Rc<[u8]>`, `Rc<[T]>`
//! to `Rc<[T; N]>`), and the comparison, hashing and formatting traits.
//!
//! **Beyond std** (the pointers triomphe and servo_arc users pick): [`UniqueRc`]
//! (mutable until [`into_rc`](UniqueRc::into_rc), `Weak`s upgrade only after;
//! back with [`Rc::try_unique`]), [`ThinRc`] (a [`HeaderSlice`] behind one
//! word), [`Rc::try_new`] ([`AllocError`] instead of abort), and immortal
//! values ([`Rc::new_immortal`], [`Rc::into_immortal`]: clone and drop write nothing).
//!
//! **Different on stable, with the one-line fix:**
//!
//! | std code | on stable you get | write instead |
//! |---|---|---|
//! | `let r: Rc<dyn Trait> = Rc::new(x);` | E0308 mismatched types (unsized coercion is reserved to std's pointers) | `let r: Rc<dyn Trait> = Rc::unsize(Rc::new(x), leaksafe::coerce!());` (zero-copy, [below](#unsizing)), or feature `nightly` |
//! | an `Rc` of borrowed data whose borrow ends before the `Rc` is dropped (`Rc::new(&x)` with `x` declared after the `Rc`) | E0597 "`x` does not live long enough … borrow might be used here, when `r` is dropped and runs the `Drop` code for type `Rc`" (stricter drop check without `#[may_dangle]`) | declare the borrowed data before the `Rc` (or `drop(r)` before it goes), or feature `nightly` |
//! | `fn f(self: Rc<Self>)` | E0658 "`Rc<S>` cannot be used as the type of `self` without the `arbitrary_self_types` feature" | `fn f(this: Rc<Self>)`, called as `T::f(rc)` |
//! | a narrower count (no std equivalent) | — | `Rc::<_, u8>::new_counted(x)`: every std constructor whose count nothing else fixes has a `_counted` twin |
//!
//! **Not provided**, because std has them unstable or only std can write
//! them: the allocator parameter (`Rc<T, A>`, `new_in`, …; `allocator_api`
//! is unstable, and leaksafe's second parameter is the count),
//! `get_mut_unchecked`, `downcast_unchecked`, `try_new_uninit` and kin,
//! `is_unique`, `clone_from_ref`, `into_array`, `From<Rc<str>> for
//! Rc<ByteStr>` (unstable in std); `Default for Pin<Rc<T>>` (the orphan rule:
//! `Default` and `Pin` are both foreign: write `Rc::pin(T::default())`);
//! user impls of [`CloneToUninit`] (std's is unstable; leaksafe's is
//! sealed); `PartialEq`'s `ptr_eq` short-cut for `T: Eq` (needs
//! specialization; only speed differs). [`Weak::unsize`] starts from a sized
//! `T` only: a `Weak<dyn A>` to `Weak<dyn B>` would need the alignment of a
//! value that may be gone (upgrade first).
//!
//! # Unsizing
//! Without the `nightly` feature, `Rc<T>` does not coerce to `Rc<dyn
//! Trait>` or `Rc<[T; N]>` to `Rc<[T]>`. [`Rc::unsize`] and [`Weak::unsize`]
//! do it **in place, without copying**: [`coerce!`](crate::coerce) makes a
//! [`Coercion`] whose only code is the compiler's own coercion of a raw
//! pointer to the value (so a target the compiler would reject does not
//! compile, the auto traits and lifetimes are checked, and a slice's length
//! comes from the array type, never from a cast); the address is checked
//! unchanged, and the same block is reused with the new type ([`Rc::unsize_pin`]
//! does the same for `Pin<Rc<T>>`). Counts and
//! other clones are unaffected.
//!
//! ```
//! use core::fmt::Display;
//! use leaksafe::rc::{Coercion, Rc, Weak};
//!
//! let n = Rc::new(5);
//! let d: Rc<dyn Display> = Rc::unsize(n.clone(), leaksafe::coerce!());
//! let s: Rc<[u8]> = Rc::unsize(Rc::new([1, 2, 3]), Coercion::to_slice());
//! let w: Weak<dyn Display> = Weak::unsize(Rc::downgrade(&n), leaksafe::coerce!());
//! assert_eq!((d.to_string(), s.len()), ("5".to_owned(), 3));
//! assert_eq!(w.upgrade().unwrap().to_string(), "5");
//! assert_eq!(Rc::strong_count(&n), 2); // `d` is the same allocation
//! ```
//!
//! # Constructors and the count type
//! Rust does not use a type parameter's default for inference, so a `new`
//! generic over `C` would make a bare `let a = Rc::new(5);` ambiguous. As
//! std does for `HashMap::new` (only for `RandomState`) and `Vec::new` (only
//! for the global allocator), the std-named constructors [`Rc::new`],
//! [`Rc::pin`], [`Rc::new_cyclic`] and [`Weak::new`] build the default
//! `C = usize`, so code written for `std::rc::Rc` compiles unchanged. Their
//! twins [`Rc::new_counted`], [`Rc::pin_counted`], [`Rc::new_cyclic_counted`]
//! and [`Weak::new_counted`] build any count type:
//!
//! ```
//! use core::num::Saturating;
//! use leaksafe::rc::Rc;
//!
//! let std_like = Rc::new(5); // Rc<i32>, usize counts, as std
//! let small = Rc::<_, u8>::new_counted(5); // a 6-byte block
//! let sticky: Rc<i32, Saturating<u16>> = Rc::new_counted(5);
//! assert_eq!(*std_like + *small + *sticky, 15);
//! ```
//! The same holds for every other associated function whose arguments cannot
//! name `C`: [`Rc::from_raw`], [`Rc::increment_strong_count`],
//! [`Rc::decrement_strong_count`] and [`Weak::from_raw`] take `usize` counts
//! (so `unsafe { Rc::from_raw(p) }` infers as with std), and their
//! `_counted` twins ([`Rc::from_raw_counted`], …) any count type.
//! `From`, `Default` and `FromIterator` are generic over `C` (the target type
//! names it).
//!
//! # Why counts are checked: the Rustonomicon's `Rc` case
//! `mem::forget` is safe, so safe code can create any number of clones without
//! ever decrementing. A count that wraps to zero would then free a value still
//! in use. Every increment here checks first: abort counts (`u8` … `usize`)
//! abort the process, **before** the count changes, and never panic (a panic
//! could be caught and the count reused); saturating counts stick at `MAX`,
//! after which the value is never dropped and the allocation never freed —
//! the leak Linux's `refcount_t` accepts in exchange for not crashing.
//!
//! # Invariants
//! For every `Rc`/`Weak` (except `Weak::new`'s dangling one, whose pointer has
//! address `usize::MAX`, which no allocation of at least 2 bytes can have):
//! 1. `ptr` points to a live block (two `Cell` counts, then the value). The
//!    block is freed exactly when the weak count reaches 0.
//! 2. `strong` = number of live `Rc`s (or saturated). While `strong > 0` the
//!    value is initialized; it is dropped exactly when `strong` reaches 0.
//! 3. `weak` = number of live `Weak`s + 1 while `strong > 0` (the `+ 1` is
//!    owned by all `Rc`s together and released after the value is dropped, so
//!    a `Weak` dropped *by* the value's destructor cannot free the block under
//!    it); = number of `Weak`s afterwards.
//! 4. Counts never wrap (see [`Count`]); a saturated count never changes
//!    again, so a saturated `strong` never reaches 0 (the value is immortal)
//!    and a saturated `weak` never reaches 0 (the block is never freed).
//! 5. No user code runs between a count change and the state it describes:
//!    `make_mut` clones **before** touching a count, so a panicking `Clone`
//!    leaves every count and pointer as it was.
//! 6. `Rc` is neither `Send` nor `Sync` (the counts are `Cell`s), like std's.
//! 7. No reference to the value is ever made from a raw pointer or after the
//!    value was dropped: `from_raw` finds the header through the offset
//!    marker, and the block is freed with a layout the code already knows.
//!    So `Weak::from_raw` may be called inside the value's own `Drop`, as
//!    with std.
//!
//! # Layout
//! The block is `#[repr(C)] { strong: C, weak: C, value: T }`: two counts, then
//! the value at the next multiple of its alignment; the total is rounded up to
//! the block's alignment. Bytes allocated per `Rc` (x86-64; measured with a
//! counting allocator):
//!
//! | `T` | `C = u8` | `u16` | `u32` | `u64` / `usize` | std `Rc` |
//! |---|---|---|---|---|---|
//! | `u8` | 3 | 6 | 12 | 24 | 24 |
//! | `u32` | 8 | 8 | 12 | 24 | 24 |
//! | `u64` | 16 | 16 | 16 | 24 | 24 |
//! | `[u8; 3]` | 5 | 8 | 12 | 24 | 24 |
//! | `()` | 2 | 4 | 8 | 16 | 16 |
//! | `String` | 32 | 32 | 32 | 40 | 40 |
//!
//! `Saturating<uN>` has the size of `uN`. `C = usize` allocates exactly what
//! std's `Rc` does.
//!
//! On x86, `u8`/`u16` counts are read and written as one 32-bit word over
//! the block's first four bytes (both counts, then padding) whenever the
//! block has four bytes before the value — always for `u16`, for `u8` when
//! the value is aligned to 4 or more — so that clone and drop run at std's
//! speed (8- and 16-bit memory operations are ~3× slower there; see the
//! `Count` trait's "Cost" notes in the source). An `Rc<u8, u8>` keeps byte
//! operations and that cost.
//!
//! # Unsized values
//! `Rc<[T]>`, `Rc<str>` and `Rc<dyn Trait>` work. With feature `nightly` (on
//! a nightly toolchain) `Rc<Foo>` coerces to `Rc<dyn Trait>` as std's does,
//! and `self: Rc<Self>` methods dispatch on `dyn Trait` (the calling crate
//! also needs `#![feature(arbitrary_self_types)]` for such methods, which std's
//! own `Rc` is exempt from). `CoerceUnsized` is unstable, so on stable use
//! [`Rc::unsize`] (zero-copy, see [Unsizing](#unsizing)), or make one from a
//! box (the value is moved into a new block and the box freed):
//!
//! ```
//! use core::fmt::Display;
//! use leaksafe::rc::Rc;
//!
//! let d: Rc<dyn Display, u8> = Rc::from(Box::new(42) as Box<dyn Display>);
//! assert_eq!(d.to_string(), "42");
//! let s: Rc<str, u16> = Rc::from("hello");
//! let v: Rc<[u32]> = (1..=3).collect();
//! assert_eq!((&*s, &*v), ("hello", &[1, 2, 3][..]));
//! ```
#[cfg(any(feature = "serde", feature = "stable_deref_trait"))]
pub(crate) mod ecosystem;
pub(crate) mod fallible;
mod immortal;
pub(crate) mod make_mut;
pub(crate) mod std_api;
pub(crate) mod thin;
pub(crate) mod unique;
mod unsize;
mod weak;
#[cfg(test)]
mod wide_tests;

pub use fallible::AllocError;
pub use immortal::SaturatingCount;
pub use make_mut::CloneToUninit;
pub use thin::{HeaderSlice, ThinRc};
pub use unique::UniqueRc;
pub use unsize::Coercion;
pub use weak::Weak;

use alloc::alloc::Layout;
use core::cell::Cell;
use core::marker::PhantomData;
use core::mem::{self, ManuallyDrop};
use core::ops::Deref;
use core::panic::{RefUnwindSafe, UnwindSafe};
use core::pin::Pin;
use core::ptr::{self, NonNull};

use crate::count::{Count, CountOps};
use crate::rc_box::{self, Inner};

/// The block of an `Rc<T, C>`: counts in `Cell`s of `C`'s integer.
type RcInner<T, C> = Inner<Cell<<C as CountOps>::Int>, T>;

/// A block's counts as `CountOps::rc_inc`/`rc_dec` take them: a pointer to
/// the strong count with the block's provenance, and whether they may be
/// updated wide (`CountOps::RC_WIDE` and the value at offset 4 or more:
/// always for `u16` counts, for `u8` counts when the value is aligned to 4
/// or more). The offset comes from the pointer (a constant for sized and
/// slice values, one vtable load for `dyn` ones), never from a reference to
/// the value, so a `Weak` may ask after the value was dropped.
///
/// # Safety
/// `ptr` points to a live block (not `Weak::new`'s dangling pointer).
#[inline(always)]
pub(super) unsafe fn header<T: ?Sized, C: Count>(
    ptr: NonNull<RcInner<T, C>>,
) -> (*const Cell<C::Int>, bool) {
    let p = ptr.as_ptr();
    // SAFETY: a live block (caller): both places are in bounds; no reference
    // is made.
    let (strong, value) = unsafe { (ptr::addr_of!((*p).strong), ptr::addr_of!((*p).value)) };
    let wide = C::RC_WIDE
        && (mem::size_of::<C::Int>() >= 2
            || value.cast::<u8>().addr() - p.cast::<u8>().addr() >= 4);
    (strong, wide)
}

/// A single-threaded reference-counting pointer with a count of type `C`.
///
/// See the [module documentation](self) for the counts and the layout, and
/// [`Count`] for how many references each count type allows.
///
/// ```
/// use leaksafe::rc::Rc;
///
/// let five = Rc::<_>::new(5);
/// let also = Rc::clone(&five);
/// assert_eq!(*also, 5);
/// assert_eq!(Rc::strong_count(&five), 2);
/// ```
///
/// # Drop check: stricter than std's without feature `nightly`
/// std's `Rc` marks its `Drop` `#[may_dangle]` (unstable), so the borrow
/// checker lets the value hold references that are already dead when the
/// `Rc` is dropped. With feature `nightly` (on a nightly toolchain) this `Rc`
/// does the same. On stable, dropping a `Rc` counts as a use of everything
/// its value borrows, so this std code is rejected:
///
#[cfg_attr(not(feature = "nightly"), doc = "```compile_fail,E0597")]
#[cfg_attr(feature = "nightly", doc = "```")]
/// use leaksafe::rc::Rc;
///
/// let r;
/// let x = 5;
/// r = Rc::new(&x);
/// assert_eq!(**r, 5);
/// ```
/// ```text
/// error[E0597]: `x` does not live long enough
///   |     let x = 5;
///   |         - binding `x` declared here
///   |     r = Rc::new(&x);
///   |                 ^^ borrowed value does not live long enough
///   | }
///   | - `x` dropped here while still borrowed
///   |   borrow might be used here, when `r` is dropped and runs the `Drop` code for type `leaksafe::rc::Rc`
/// ```
/// The fix: let the borrowed value outlive the `Rc` — declare it first
/// (`let x = 5; let r = Rc::new(&x);`), or `drop(r)` before `x` goes out of
/// scope. The same holds for a [`Weak`] to such a value.
pub struct Rc<T: ?Sized, C: Count = usize> {
    ptr: NonNull<RcInner<T, C>>,
    /// Owns a `T` for drop check; `NonNull` makes `Rc` `!Send + !Sync`.
    phantom: PhantomData<RcInner<T, C>>,
}

impl<T: ?Sized + RefUnwindSafe, C: Count> UnwindSafe for Rc<T, C> {}
impl<T: ?Sized + RefUnwindSafe, C: Count> RefUnwindSafe for Rc<T, C> {}
impl<T: ?Sized, C: Count> Unpin for Rc<T, C> {}

impl<T: ?Sized, C: Count> Rc<T, C> {
    /// Wraps a block whose strong count already counts this `Rc`.
    #[inline]
    fn from_inner(ptr: NonNull<RcInner<T, C>>) -> Self {
        Rc {
            ptr,
            phantom: PhantomData,
        }
    }

    #[inline]
    fn strong_cell(&self) -> &Cell<C::Int> {
        // SAFETY: invariant 1: the block is live while this `Rc` exists.
        unsafe { &(*self.ptr.as_ptr()).strong }
    }

    #[inline]
    fn weak_cell(&self) -> &Cell<C::Int> {
        // SAFETY: invariant 1.
        unsafe { &(*self.ptr.as_ptr()).weak }
    }

    /// The number of `Rc`s to this allocation, or the count's maximum once it
    /// saturated.
    ///
    /// ```
    /// use leaksafe::rc::Rc;
    ///
    /// let a: Rc<i32, u8> = Rc::new_counted(1);
    /// let _b = a.clone();
    /// assert_eq!(Rc::strong_count(&a), 2);
    /// ```
    #[inline]
    pub fn strong_count(this: &Self) -> usize {
        C::to_usize(this.strong_cell().get())
    }

    /// The number of [`Weak`]s to this allocation: the weak count minus the
    /// one reference all `Rc`s share, as std computes it — also once the count
    /// saturated (then `MAX - 1` of `C`'s integer). [`Weak::weak_count`],
    /// `Arc::weak_count` and `sync::Weak::weak_count` follow the same rule, so
    /// the same history reads the same through all four.
    ///
    /// ```
    /// use leaksafe::rc::Rc;
    ///
    /// let a = Rc::<_>::new(1);
    /// let _w = Rc::downgrade(&a);
    /// assert_eq!(Rc::weak_count(&a), 1);
    /// ```
    #[inline]
    pub fn weak_count(this: &Self) -> usize {
        // Invariant 3: the `+ 1` of the strong references (held while `this`
        // lives, so the count is at least 1).
        C::to_usize(this.weak_cell().get()) - 1
    }

    /// Makes a [`Weak`] pointer to this allocation.
    ///
    /// Aborts (or saturates) if the weak count is full.
    ///
    /// ```
    /// use leaksafe::rc::Rc;
    ///
    /// let a = Rc::<_>::new(5);
    /// let w = Rc::downgrade(&a);
    /// assert_eq!(w.upgrade().as_deref(), Some(&5));
    /// ```
    pub fn downgrade(this: &Self) -> Weak<T, C> {
        // SAFETY: the block is live (invariant 1).
        let (h, wide) = unsafe { header::<T, C>(this.ptr) };
        // SAFETY: `header`'s, of the live block.
        unsafe { C::rc_inc(h, true, wide) };
        Weak::from_inner(this.ptr)
    }

    /// Whether two `Rc`s point to the same allocation (like `ptr::addr_eq`:
    /// metadata is ignored).
    ///
    /// ```
    /// use leaksafe::rc::Rc;
    ///
    /// let a = Rc::<_>::new(1);
    /// assert!(Rc::ptr_eq(&a, &a.clone()));
    /// assert!(!Rc::ptr_eq(&a, &Rc::new(1)));
    /// ```
    #[inline]
    pub fn ptr_eq(this: &Self, other: &Self) -> bool {
        ptr::addr_eq(this.ptr.as_ptr(), other.ptr.as_ptr())
    }

    /// A raw pointer to the value.
    ///
    /// ```
    /// use leaksafe::rc::Rc;
    ///
    /// let a = Rc::<_>::new(7);
    /// assert_eq!(unsafe { *Rc::as_ptr(&a) }, 7);
    /// ```
    #[inline]
    pub fn as_ptr(this: &Self) -> *const T {
        // SAFETY: invariant 1: projecting to a field of the live block stays in
        // bounds; no reference is created.
        unsafe { ptr::addr_of!((*this.ptr.as_ptr()).value) }
    }

    /// Consumes the `Rc`, returning the pointer to the value; the strong
    /// count is not changed. Turn it back with [`Rc::from_raw`].
    ///
    /// ```
    /// use leaksafe::rc::Rc;
    ///
    /// let p = Rc::into_raw(Rc::new(String::from("x")));
    /// let back = unsafe { Rc::from_raw(p) };
    /// assert_eq!(*back, "x");
    /// ```
    #[inline]
    pub fn into_raw(this: Self) -> *const T {
        let p = Self::as_ptr(&this);
        mem::forget(this);
        p
    }

    /// [`Rc::from_raw`] for any count type `C` (std's name builds the
    /// default `usize` count, so that `Rc::from_raw(p)` infers as in std).
    ///
    /// # Safety
    /// `ptr` came from `Rc::<U, C>::into_raw` with the **same count type `C`**
    /// and `U` of the same size and alignment as `T` (or `U = T`), and that raw
    /// pointer still owns its strong reference (each `into_raw` is matched by at
    /// most one `from_raw`).
    ///
    /// ```
    /// use leaksafe::rc::Rc;
    ///
    /// let p = Rc::into_raw(Rc::<_, u8>::new_counted(5));
    /// let a = unsafe { Rc::<i32, u8>::from_raw_counted(p) };
    /// assert_eq!(*a, 5);
    /// ```
    #[inline]
    pub unsafe fn from_raw_counted(ptr: *const T) -> Self {
        // SAFETY: the caller guarantees `ptr` is the value field of a live
        // block of this count type (the strong reference keeps it live).
        let inner = unsafe { rc_box::inner_from_value_ptr::<Cell<C::Int>, T>(ptr) };
        // SAFETY: a block pointer is never null.
        Self::from_inner(unsafe { NonNull::new_unchecked(inner) })
    }

    /// [`Rc::increment_strong_count`] for any count type `C`.
    ///
    /// # Safety
    /// `ptr` came from [`Rc::into_raw`] with the same `T` and `C`, and the
    /// allocation still has a strong reference.
    ///
    /// ```
    /// use leaksafe::rc::Rc;
    ///
    /// let p = Rc::into_raw(Rc::<_, u16>::new_counted(1));
    /// unsafe {
    ///     Rc::<i32, u16>::increment_strong_count_counted(p);
    ///     let a = Rc::<i32, u16>::from_raw_counted(p);
    ///     assert_eq!(Rc::strong_count(&a), 2);
    ///     Rc::<i32, u16>::decrement_strong_count_counted(p);
    /// }
    /// ```
    pub unsafe fn increment_strong_count_counted(ptr: *const T) {
        // SAFETY: forwarded to the caller; the rebuilt `Rc` is not dropped.
        let rc = ManuallyDrop::new(unsafe { Self::from_raw_counted(ptr) });
        // SAFETY: the block is live (invariant 1).
        let (h, wide) = unsafe { header::<T, C>(rc.ptr) };
        // SAFETY: `header`'s, of the live block.
        unsafe { C::rc_inc(h, false, wide) };
    }

    /// [`Rc::decrement_strong_count`] for any count type `C`.
    ///
    /// # Safety
    /// As [`Rc::from_raw_counted`]: `ptr` owns the strong reference being
    /// released.
    pub unsafe fn decrement_strong_count_counted(ptr: *const T) {
        // SAFETY: forwarded to the caller.
        drop(unsafe { Self::from_raw_counted(ptr) });
    }

    /// Whether this is the only reference, strong or weak (a saturated count
    /// is never unique).
    #[inline]
    fn is_unique(this: &Self) -> bool {
        this.strong_cell().get() == C::ONE && this.weak_cell().get() == C::ONE
    }

    /// A mutable reference to the value if no other `Rc` or [`Weak`] points
    /// to it; `None` otherwise (and always once a count saturated).
    ///
    /// ```
    /// use leaksafe::rc::Rc;
    ///
    /// let mut a = Rc::<_>::new(3);
    /// *Rc::get_mut(&mut a).unwrap() += 1;
    /// let b = a.clone();
    /// assert!(Rc::get_mut(&mut a).is_none());
    /// drop(b);
    /// assert_eq!(*a, 4);
    /// ```
    #[inline]
    pub fn get_mut(this: &mut Self) -> Option<&mut T> {
        if Self::is_unique(this) {
            // SAFETY: no other `Rc` or `Weak` exists, so nothing else can reach
            // the value while `this` is mutably borrowed; it is initialized
            // (invariant 2).
            Some(unsafe { &mut (*this.ptr.as_ptr()).value })
        } else {
            None
        }
    }
}

impl<T: ?Sized> Rc<T> {
    /// Rebuilds an `Rc` from a pointer returned by [`Rc::into_raw`], with
    /// `usize` counts, as `std::rc::Rc::from_raw` (so `Rc::from_raw(p)` needs
    /// no annotation). For another count type use [`Rc::from_raw_counted`].
    ///
    /// # Safety
    /// `ptr` came from `Rc::<U>::into_raw` (`usize` counts) with `U` of the
    /// same size and alignment as `T` (or `U = T`), and that raw pointer still
    /// owns its strong reference (each `into_raw` is matched by at most one
    /// `from_raw`).
    ///
    /// ```
    /// use leaksafe::rc::Rc;
    ///
    /// let p = Rc::into_raw(Rc::new(String::from("x")));
    /// let back = unsafe { Rc::from_raw(p) };
    /// assert_eq!(*back, "x");
    /// ```
    #[inline]
    pub unsafe fn from_raw(ptr: *const T) -> Self {
        // SAFETY: forwarded to the caller.
        unsafe { Self::from_raw_counted(ptr) }
    }

    /// Increments the strong count of the `Rc` behind `ptr` (like cloning it
    /// and forgetting the clone), as `std::rc::Rc::increment_strong_count`;
    /// see [`Rc::increment_strong_count_counted`] for other count types.
    ///
    /// # Safety
    /// `ptr` came from [`Rc::into_raw`] with the same `T` (`usize` counts),
    /// and the allocation still has a strong reference.
    ///
    /// ```
    /// use leaksafe::rc::Rc;
    ///
    /// let p = Rc::into_raw(Rc::new(1));
    /// unsafe {
    ///     Rc::increment_strong_count(p);
    ///     let a = Rc::from_raw(p);
    ///     assert_eq!(Rc::strong_count(&a), 2);
    ///     Rc::decrement_strong_count(p);
    /// }
    /// ```
    #[inline]
    pub unsafe fn increment_strong_count(ptr: *const T) {
        // SAFETY: forwarded to the caller.
        unsafe { Self::increment_strong_count_counted(ptr) }
    }

    /// Decrements the strong count of the `Rc` behind `ptr` (like rebuilding
    /// it with `from_raw` and dropping it), as
    /// `std::rc::Rc::decrement_strong_count`; see
    /// [`Rc::decrement_strong_count_counted`] for other count types.
    ///
    /// # Safety
    /// As [`Rc::from_raw`]: `ptr` owns the strong reference being released.
    #[inline]
    pub unsafe fn decrement_strong_count(ptr: *const T) {
        // SAFETY: forwarded to the caller.
        unsafe { Self::decrement_strong_count_counted(ptr) }
    }
}

impl<T> Rc<T> {
    /// Allocates `value` with `usize` counts, as `std::rc::Rc::new` does. For
    /// another count type use [`Rc::new_counted`].
    ///
    /// ```
    /// use leaksafe::rc::Rc;
    ///
    /// let five = Rc::new(5);
    /// assert_eq!(*five, 5);
    /// ```
    #[inline]
    pub fn new(value: T) -> Self {
        Self::new_counted(value)
    }

    /// `Pin<Rc<T>>` with `usize` counts, as `std::rc::Rc::pin`. For another
    /// count type use [`Rc::pin_counted`].
    ///
    /// ```
    /// use leaksafe::rc::Rc;
    ///
    /// let p = Rc::pin(5);
    /// assert_eq!(*p, 5);
    /// ```
    pub fn pin(value: T) -> Pin<Self> {
        Self::pin_counted(value)
    }

    /// A value that holds a [`Weak`] to itself, with `usize` counts, as
    /// `std::rc::Rc::new_cyclic`. See [`Rc::new_cyclic_counted`].
    ///
    /// ```
    /// use leaksafe::rc::{Rc, Weak};
    ///
    /// struct Node {
    ///     me: Weak<Node>,
    /// }
    /// let n = Rc::new_cyclic(|me| {
    ///     assert!(me.upgrade().is_none());
    ///     Node { me: me.clone() }
    /// });
    /// assert!(Rc::ptr_eq(&n.me.upgrade().unwrap(), &n));
    /// ```
    pub fn new_cyclic<F: FnOnce(&Weak<T>) -> T>(data_fn: F) -> Self {
        Self::new_cyclic_counted(data_fn)
    }
}

impl<T, C: Count> Rc<T, C> {
    /// Allocates `value` with both counts at 1, for any count type `C`.
    ///
    /// ```
    /// use leaksafe::rc::Rc;
    ///
    /// let a = Rc::<_, u16>::new_counted([1, 2]);
    /// assert_eq!(a[1], 2);
    /// ```
    #[inline]
    pub fn new_counted(value: T) -> Self {
        Self::from_inner(rc_box::allocate_value(
            Cell::new(C::ONE),
            Cell::new(C::ONE),
            value,
        ))
    }

    /// `Pin<Rc<T, C>>`: the value never moves while an `Rc` exists.
    ///
    /// ```
    /// use leaksafe::rc::Rc;
    ///
    /// let p = Rc::<_, u8>::pin_counted(5);
    /// assert_eq!(*p, 5);
    /// ```
    pub fn pin_counted(value: T) -> Pin<Self> {
        // SAFETY: the value lives in the heap block and is never moved out
        // while any `Rc` exists (`try_unwrap` needs the `Rc` by value, which
        // `Pin` does not give out for `!Unpin` values).
        unsafe { Pin::new_unchecked(Self::new_counted(value)) }
    }

    /// Makes a value that holds a [`Weak`] to itself. The `Weak` handed to
    /// `data_fn` cannot be upgraded until `new_cyclic` returns.
    ///
    /// If `data_fn` panics, the block is freed (by the `Weak`) and no value is
    /// dropped.
    ///
    /// ```
    /// use leaksafe::rc::{Rc, Weak};
    ///
    /// struct Node {
    ///     me: Weak<Node, u8>,
    /// }
    /// let n = Rc::<Node, u8>::new_cyclic_counted(|me| {
    ///     assert!(me.upgrade().is_none());
    ///     Node { me: me.clone() }
    /// });
    /// assert!(Rc::ptr_eq(&n.me.upgrade().unwrap(), &n));
    /// ```
    pub fn new_cyclic_counted<F: FnOnce(&Weak<T, C>) -> T>(data_fn: F) -> Self {
        // strong 0: upgrades fail; weak 1: the `Weak` below, which becomes the
        // strong references' `+ 1` (invariant 3) on success.
        let inner =
            rc_box::allocate_uninit::<Cell<C::Int>, T>(Cell::new(C::ZERO), Cell::new(C::ONE));
        // If `data_fn` panics, the guard releases the weak reference with the
        // known layout: the value is uninitialised, so no code may compute its
        // layout from it (`rc_box`, "Never a reference").
        let guard = UninitGuard::<T, C>(inner);
        let weak = ManuallyDrop::new(Weak::from_inner(inner));
        let data = data_fn(&weak);
        mem::forget(guard);
        // SAFETY: the block is live (held by `weak`); the value field is
        // uninitialized and nothing reads it while strong is 0.
        unsafe { ptr::addr_of_mut!((*inner.as_ptr()).value).write(data) };
        // SAFETY: the block is live.
        let strong = unsafe { &(*inner.as_ptr()).strong };
        // Strong is 0 here: `upgrade` never increments a zero count.
        strong.set(C::ONE);
        Self::from_inner(inner)
    }

    /// The value, if this is the only strong reference; otherwise `Err(this)`
    /// (also once the strong count saturated). Outstanding [`Weak`]s can no
    /// longer upgrade afterwards.
    ///
    /// ```
    /// use leaksafe::rc::Rc;
    ///
    /// let a = Rc::<_>::new(3);
    /// let b = a.clone();
    /// let a = Rc::try_unwrap(a).unwrap_err();
    /// drop(b);
    /// assert_eq!(Rc::try_unwrap(a), Ok(3));
    /// ```
    pub fn try_unwrap(this: Self) -> Result<T, Self> {
        if this.strong_cell().get() != C::ONE {
            return Err(this);
        }
        let this = ManuallyDrop::new(this);
        // SAFETY: strong is 1, so the value is initialized and this `Rc` owns
        // it; it is moved out once, and strong goes to 0 so nobody reads it
        // again (upgrade fails on 0).
        let value = unsafe { ptr::read(&(*this.ptr.as_ptr()).value) };
        this.strong_cell().set(C::ZERO);
        // Release the strong references' `+ 1` on the weak count (frees the
        // block if no `Weak` is left).
        drop(ReleaseImplicitWeak::<T, C>(this.ptr, Layout::new::<T>()));
        Ok(value)
    }

    /// The value, if this is the only strong reference; otherwise `None` and
    /// this reference is dropped. (For `Rc`, unlike `Arc`, this is
    /// `try_unwrap(this).ok()`.)
    ///
    /// ```
    /// use leaksafe::rc::Rc;
    ///
    /// let a = Rc::<_>::new(3);
    /// let b = a.clone();
    /// assert_eq!(Rc::into_inner(a), None);
    /// assert_eq!(Rc::into_inner(b), Some(3));
    /// ```
    #[inline]
    pub fn into_inner(this: Self) -> Option<T> {
        Self::try_unwrap(this).ok()
    }
}

impl<T: Clone, C: Count> Rc<T, C> {
    /// The value: moved out if this is the only strong reference, cloned
    /// otherwise.
    ///
    /// ```
    /// use leaksafe::rc::Rc;
    ///
    /// let a = Rc::<_>::new(String::from("x"));
    /// let b = a.clone();
    /// assert_eq!(Rc::unwrap_or_clone(a), "x");
    /// assert_eq!(Rc::unwrap_or_clone(b), "x");
    /// ```
    #[inline]
    pub fn unwrap_or_clone(this: Self) -> T {
        Self::try_unwrap(this).unwrap_or_else(|rc| (*rc).clone())
    }
}

impl<T: ?Sized, C: Count> Clone for Rc<T, C> {
    /// Another `Rc` to the same value. Aborts if the strong count is full
    /// (abort counts), or saturates it (saturating counts).
    #[inline]
    fn clone(&self) -> Self {
        // SAFETY: the block is live (invariant 1).
        let (h, wide) = unsafe { header::<T, C>(self.ptr) };
        // SAFETY: `header`'s, of the live block.
        unsafe { C::rc_inc(h, false, wide) };
        Self::from_inner(self.ptr)
    }
}

impl<T: ?Sized, C: Count> Rc<T, C> {
    /// Drops the value when the last `Rc` goes (never, once saturated), and
    /// frees the block when no `Weak` is left either.
    #[inline]
    fn release(&mut self) {
        // SAFETY: the block is live (invariant 1).
        let (h, wide) = unsafe { header::<T, C>(self.ptr) };
        // SAFETY: `header`'s; `self` holds one of the strong references.
        if unsafe { C::rc_dec(h, false, wide) } {
            // SAFETY: strong just reached 0.
            unsafe { self.drop_slow() };
        }
    }
}

crate::shared_impls::impl_drop!(Rc);

impl<T: ?Sized, C: Count> Rc<T, C> {
    /// The last strong reference is gone: drop the value, then release the
    /// strong references' `+ 1` on the weak count. Kept out of line so that
    /// `drop` inlines to a decrement and a branch, as std's.
    ///
    /// # Safety
    /// The strong count just reached 0 through `self`.
    #[inline(never)]
    unsafe fn drop_slow(&mut self) {
        // SAFETY: the block is live (invariant 1); no reference is made.
        let value = unsafe { ptr::addr_of_mut!((*self.ptr.as_ptr()).value) };
        // The layout, taken while the value is still alive (so stable Rust may
        // ask a `&T` for it), frees the block if no `Weak` is left.
        // SAFETY: strong reached 0: the value is initialized and no borrow of
        // it exists (a borrow needs an `Rc`).
        let layout = unsafe { rc_box::value_layout_raw(value) };
        // Releases the `+ 1` after the value's destructor ran (invariant 3) —
        // also if that destructor panics, so the block is not leaked on unwind
        // (as std).
        let _weak = ReleaseImplicitWeak::<T, C>(self.ptr, layout);
        // SAFETY: strong reached 0: the value is initialized and nobody else
        // will use it (invariant 2); it is dropped in place once.
        unsafe { ptr::drop_in_place(value) };
    }
}

/// Releases the weak reference that all strong references share (invariant
/// 3) when dropped, freeing the block — whose value has the layout carried
/// here — if it was the last weak reference. Unlike dropping a `Weak`, no
/// dangling check: the block is real.
struct ReleaseImplicitWeak<T: ?Sized, C: Count>(NonNull<RcInner<T, C>>, Layout);

impl<T: ?Sized, C: Count> Drop for ReleaseImplicitWeak<T, C> {
    #[inline]
    fn drop(&mut self) {
        let inner = self.0.as_ptr();
        // SAFETY: the block is live: the implicit weak reference being released
        // here keeps it so (invariant 1).
        let (h, wide) = unsafe { header::<T, C>(self.0) };
        // SAFETY: `header`'s; the weak count holds this reference.
        if unsafe { C::rc_dec(h, true, wide) } {
            // SAFETY: weak reached 0: no `Rc` and no `Weak` remains, and the
            // value (of layout `self.1`) was dropped or moved out; the block
            // is freed once.
            unsafe { rc_box::deallocate_with(inner, self.1) };
        }
    }
}

/// `new_cyclic`'s guard against a panicking closure: releases the weak
/// reference the closure was lent, with the layout of the (uninitialised)
/// sized value. If the closure kept clones of that `Weak`, the last of them
/// would free the block through [`Weak`]'s generic path, which on stable must
/// not see an uninitialised value (`rc_box`, "Never a reference"): then the
/// block is leaked instead (with feature `nightly`, freed normally).
struct UninitGuard<T, C: Count>(NonNull<RcInner<T, C>>);

impl<T, C: Count> Drop for UninitGuard<T, C> {
    fn drop(&mut self) {
        let inner = self.0.as_ptr();
        // SAFETY: the block is live: the lent weak reference keeps it so.
        let weak = unsafe { &(*inner).weak };
        if weak.get() == C::ONE {
            // SAFETY: the lent `Weak` was the only reference and is gone (it
            // was never cloned): free with the layout it was allocated for.
            unsafe { rc_box::deallocate_with(inner, Layout::new::<T>()) };
        } else if cfg!(feature = "nightly") {
            // Clones remain; the last one frees with the raw layout queries.
            C::cell_dec(weak);
        }
        // Otherwise (stable, clones remain): keep our weak reference: the
        // block is leaked, never freed with a layout read from a `&T`.
    }
}

impl<T: ?Sized, C: Count> Deref for Rc<T, C> {
    type Target = T;

    #[inline]
    fn deref(&self) -> &T {
        // SAFETY: invariant 2: strong > 0 while `self` lives, so the value is
        // initialized; only shared references to it exist besides `get_mut`'s,
        // which needs `&mut` of the unique `Rc`.
        unsafe { &(*self.ptr.as_ptr()).value }
    }
}

crate::shared_impls::impl_shared_traits!(
    Rc,
    path = "rc::Rc",
    block = RcInner,
    from_block = from_inner,
    one = Cell::new(C::ONE),
);

// SAFETY: the value's address never changes while an `Rc` lives (the block is
// freed only after the last strong and weak reference), and `Deref` always
// returns that address, so coercing a `Pin<Rc<T>>` cannot move the pinned
// value; std has the same impl for its `Rc` (feature `nightly`).
#[cfg(feature = "nightly")]
unsafe impl<T: ?Sized, C: Count> core::pin::PinCoerceUnsized for Rc<T, C> {}
