//! Thread-safe reference counting with checked counts: [`Arc<T, C>`] and
//! [`Weak<T, C>`].
//!
//! The atomic twin of [`rc`](crate::rc): std's `Arc` API, and a count type `C`
//! (`u8`, `u16`, `u32`, `u64`, `usize` — the default — or
//! [`Saturating`](core::num::Saturating) of one of them) that says how wide the
//! two counts are and what happens when a count would overflow: **abort** the
//! process, as std does, or **saturate** (the value becomes immortal, like
//! Linux's `refcount_t`). Forgetting clones (`mem::forget` is safe) can push a
//! count to its ceiling; it can never wrap it around to zero and free a value
//! still in use. [`Count`](crate::Count) lists each count type's limits; the
//! allocation (two counts, then the value) has the same layout as `Rc`'s.
//!
//! ```
//! use core::num::Saturating;
//! use leaksafe::sync::Arc;
//!
//! let a: Arc<u32, u8> = Arc::new_counted(5); // an 8-byte block: 1 + 1 + 2 (padding) + 4
//! let b = Arc::clone(&a);
//! std::thread::spawn(move || assert_eq!(*b, 5)).join().unwrap();
//!
//! let sticky: Arc<u32, Saturating<u8>> = Arc::new_counted(7);
//! for _ in 0..300 {
//!     core::mem::forget(sticky.clone()); // saturates at 255 instead of aborting
//! }
//! assert_eq!(Arc::strong_count(&sticky), 255);
//! ```
//!
//! # Switching from std
//! Replace `use std::sync::{Arc, Weak};` with `use leaksafe::sync::{Arc,
//! Weak};` (and `std::task::Wake` with [`leaksafe::sync::Wake`](Wake)).
//! `Arc<T>` means `Arc<T, usize>`: the same allocation, layout, atomic
//! orderings and overflow behaviour (abort) as std's.
//!
//! **Identical:** everything listed for [`rc`](crate::rc#switching-from-std)
//! (constructors including the uninitialized ones, counts, `get_mut`,
//! `make_mut` on sized and unsized values, raw pointers, every std
//! conversion), plus `downcast` for `Arc<dyn Any + Send + Sync>`, `Error for
//! Arc<E>`, `Read`/`Write`/`Seek` for `Arc<File>`, `Send`/`Sync`/`UnwindSafe`
//! with std's bounds, and `Waker::from`.
//!
//! **Beyond std**, as for [`rc`](crate::rc#switching-from-std): [`UniqueArc`]
//! ([`into_arc`](UniqueArc::into_arc), [`Arc::try_unique`]), [`ThinArc`],
//! [`ArcBorrow`] (from [`Arc::borrow_arc`]: a `Copy` borrow that derefs
//! without touching the count), [`Arc::try_new`], and immortal values
//! ([`Arc::new_immortal`], [`Arc::into_immortal`]: threads clone one without
//! writing to its cache line).
//!
//! **Different on stable, with the one-line fix:**
//!
//! | std code | on stable you get | write instead |
//! |---|---|---|
//! | `let a: Arc<dyn Trait + Send + Sync> = Arc::new(x);` | E0308 mismatched types | `Arc::unsize(Arc::new(x), leaksafe::coerce!())` (zero-copy, [below](#unsizing)), or feature `nightly` |
//! | an `Arc` of borrowed data whose borrow ends before the `Arc` is dropped | E0597 "… borrow might be used here, when `a` is dropped and runs the `Drop` code for type `Arc`" (stricter drop check without `#[may_dangle]`) | declare the borrowed data first (or drop the `Arc` first), or feature `nightly` |
//! | `impl Wake for W { fn wake(self: Arc<Self>) … }` | E0658 "`Arc<W>` cannot be used as the type of `self` without the `arbitrary_self_types` feature" | `fn wake(this: Arc<Self>)` (rename `self` to `this`) |
//! | `fn f(self: Arc<Self>)` | E0658 | `fn f(this: Arc<Self>)`, called as `T::f(arc)` |
//! | a narrower count | — | `Arc::<_, u8>::new_counted(x)` and the other `_counted` twins |
//!
//! **Not provided:** as for [`rc`](crate::rc#switching-from-std) (the
//! allocator parameter, `get_mut_unchecked`, `downcast_unchecked`,
//! `try_new_uninit` and kin, `is_unique`, `clone_from_ref`, `into_array`,
//! `Default for Pin<Arc<T>>`, user `CloneToUninit` impls), plus
//! `Error::provide` (unstable), `LocalWake` (unstable), and [`Wake`] for
//! counts other than `usize` (std's `Waker` holds one pointer; the trait is
//! for `Arc<W>`).
//!
//! # Unsizing
//! [`Arc::unsize`] and [`Weak::unsize`] unsize in place without copying,
//! with the compiler-checked [`Coercion`] of [`rc`](crate::rc#unsizing): the
//! compiler checks the target, including `Send`/`Sync` (`dyn Trait + Send`
//! needs `T: Send`).
//!
//! ```
//! use core::fmt::Debug;
//! use leaksafe::sync::Arc;
//!
//! let a: Arc<dyn Debug + Send + Sync> = Arc::unsize(Arc::new(vec![1]), leaksafe::coerce!());
//! let s = Arc::unsize(Arc::new([1u8, 2]), leaksafe::coerce!([u8]));
//! std::thread::spawn(move || assert_eq!(format!("{a:?} {s:?}"), "[1] [1, 2]"))
//!     .join()
//!     .unwrap();
//! ```
//!
//! # Sizes
//! The block is `#[repr(C)] { strong: C, weak: C, value: T }`:
//!
//! | `T` | `C = u8` | `u16` | `u32` | `u64` / `usize` | `std::sync::Arc` |
//! |---|---|---|---|---|---|
//! | `u8` | 3 | 6 | 12 | 24 | 24 |
//! | `u32` | 8 | 8 | 12 | 24 | 24 |
//! | `u64` | 16 | 16 | 16 | 24 | 24 |
//! | `[u8; 3]` | 5 | 8 | 12 | 24 | 24 |
//!
//! (bytes per allocation on a 64-bit target, measured with a counting
//! allocator. `Saturating<uN>` is the size of
//! `uN`.)
//!
//! # Invariants (the soundness argument)
//! Let `strong` and `weak` be the two counts of one allocation.
//! 1. **Ownership.** `strong` counts the [`Arc`]s; `weak` counts the [`Weak`]s
//!    plus one held by all `Arc`s together (released after the value is
//!    dropped), as in std. The value is alive while `strong > 0`; the block is
//!    allocated while `weak > 0`. A saturated count (`Saturating` only) is
//!    never decremented again, so a saturated `strong` keeps the value alive and
//!    a saturated `weak` keeps the block allocated forever.
//! 2. **No wrap.** Every increment — `clone`, `upgrade`, `downgrade`,
//!    `Weak::clone`, `increment_strong_count` — goes through the count's
//!    checked operation, which aborts or saturates before a count could wrap
//!    (see [`Count`](crate::Count)). A count therefore reaches zero only when
//!    every reference it counts is gone.
//! 3. **Orderings, as std.** Increments are Relaxed (a new reference is made
//!    from an existing one, which already synchronises), except `upgrade` and
//!    `downgrade`, which Acquire. Decrements are Release; the decrement that
//!    reaches zero is followed by an Acquire *load* of the count (not only a
//!    fence: ThreadSanitizer sees loads), so every use of the value by other
//!    threads happens-before its drop and every use of the block happens-before
//!    the free.
//! 4. **No reference to the header across the final decrement.** The code
//!    reaches the counts and the value through the raw block pointer, making
//!    a `&` only to the one atomic it operates on (interior-mutable, so it
//!    asserts nothing once the block is freed by another thread) and never a
//!    `&` covering the value.
//! 5. **Uniqueness** (`get_mut`, `make_mut`, `try_unwrap`, `into_inner`) is
//!    decided so that no other thread can create a reference afterwards:
//!    `get_mut` locks the weak count (`1 → WEAK_LOCKED`, Acquire) so no
//!    `downgrade` can slip between the check of `weak` and the check of
//!    `strong`, then loads `strong` with Acquire. `make_mut` and `try_unwrap`
//!    swap `strong` from 1 to 0, after which no `upgrade` can succeed;
//!    `make_mut` then moves the value out if `Weak`s remain (disassociating
//!    them) or restores `strong = 1`. The lock value never equals a real or
//!    saturated weak count.
//! 6. **No reference to the value from a raw pointer** (`from_raw` in a
//!    value's own `Drop`, frees after a panic in `new_cyclic` or a `Clone`):
//!    the header is found and the block freed without one.
//! 7. **Send and Sync exactly as std**: both require `T: Send + Sync`, because
//!    any clone may be the last one and drop `T` on its thread, and all clones
//!    hand out `&T` across threads.
//!
//! `Weak::new()` does not allocate: its pointer has the address `usize::MAX`
//! (never a real block: blocks are at least 2 bytes) and no provenance; every
//! `Weak` method checks for it before touching a count.

// Where the invariants above come from (for maintainers; kept out of the
// rendered docs): 2 is `count.rs`'s invariant 1 (the wrap std fixed in
// rust-lang/rust#108706); 4 avoids rust-lang/rust#55005 (a `&` to a header
// another thread frees); 5 is the `get_mut`/`downgrade` race of
// CVE-2018-25008 (rust-lang/rust#51780), and the lock value is `count.rs`'s
// invariant 4; 6 is `rc_box.rs`'s "Never a reference".

mod arc;
mod borrow;
#[cfg(any(feature = "serde", feature = "stable_deref_trait"))]
mod ecosystem;
mod fallible;
mod immortal;
mod make_mut;
mod std_api;
mod thin;
mod unique;
mod unsize;
mod wake;
mod weak;

pub use crate::rc::{AllocError, CloneToUninit, Coercion, HeaderSlice, SaturatingCount};
pub use arc::Arc;
pub use borrow::ArcBorrow;
pub use thin::ThinArc;
pub use unique::UniqueArc;
pub use wake::Wake;
pub use weak::Weak;

use crate::count::CountOps;
use crate::rc_box::Inner;

/// The heap block of an `Arc<T, C>`: two atomic counts of `C`'s width, then
/// the value.
type Block<T, C> = Inner<<C as CountOps>::Atomic, T>;
