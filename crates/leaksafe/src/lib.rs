//! Containers, reference counts and scoped threads that stay memory-safe when
//! a destructor never runs.
//!
//! Rust promises nothing about destructors: [`core::mem::forget`] is safe, and
//! so is a cycle of reference-counted pointers. The Rustonomicon's chapter
//! "Leaking" shows three *proxy* types that break when their destructor is
//! skipped, and how each is cured. leaksafe builds those types for real:
//!
//! | lesson | what a forgotten guard could do | the cure | here |
//! |---|---|---|---|
//! | `Vec::drain` | leave moved-out slots inside the vector | **leak amplification**: the vector's length is cut to the range start while the proxy lives | [`vec`](mod@vec) |
//! | `Rc` | overflow the count with forgotten clones, free a value in use | **checked counts**: abort, or saturate and leak | [`rc`], [`sync`] |
//! | `thread::scoped` | let a thread outlive the data it borrows | **the scope, not a guard, joins** | `thread` (feature `std`) |
//!
//! # Module map
//! - [`vec`](mod@vec): [`Vec<T>`](vec::Vec) with std's API; `Drain`, `Splice`,
//!   `ExtractIf` and `IntoIter` are sound when forgotten.
//! - [`rc`]: `Rc<T, C>` / `Weak<T, C>` with a count type `C` of any width,
//!   aborting or [`Saturating`](core::num::Saturating) on overflow.
//! - [`sync`]: `Arc<T, C>` / `Weak<T, C>`, the atomic twin.
//! - [`Count`]: the count types, and how many references each allows.
//! - `thread` (feature `std`): `scope`, `JoinGuard`, and a scoped `ThreadPool`.
//!
//! # Example
//! ```
//! use leaksafe::vec;
//!
//! let mut v = vec![Box::new(0); 4];
//! let mut drain = v.drain(..);
//! drain.next();
//! drain.next();
//! core::mem::forget(drain); // safe, and harmless: the vector is just shorter
//! assert!(v.is_empty());
//! v.push(Box::new(1));
//! assert_eq!(*v[0], 1);
//! ```
#![no_std]
#![cfg_attr(
    feature = "nightly",
    feature(
        coerce_unsized,
        dispatch_from_dyn,
        unsize,
        dropck_eyepatch,
        layout_for_ptr,
        pin_coerce_unsized_trait
    )
)]
#![cfg_attr(feature = "nightly", allow(internal_features))]
#![deny(unsafe_op_in_unsafe_fn, clippy::undocumented_unsafe_blocks)]
#![warn(missing_docs)]

extern crate alloc;
#[cfg(feature = "std")]
extern crate std;

mod count;
mod loom;
pub mod rc;
mod rc_box;
mod shared_impls;
pub mod sync;
#[cfg(feature = "std")]
pub mod thread;
pub mod vec;

pub use count::Count;

#[cfg(all(doctest, feature = "std"))]
mod compile_fail;

/// The README's examples, run as doctests so they cannot go stale.
#[cfg(doctest)]
#[doc = include_str!("../../../README.md")]
struct ReadmeDoctests;
