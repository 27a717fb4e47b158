//! [`ThinArc<H, T, C>`]: a header and a slice in one `Arc` allocation,
//! behind a one-word pointer. The code and its invariants are
//! [`ThinRc`](crate::rc::ThinRc)'s (`src/rc/thin.rs`, macro `impl_thin!`),
//! over `Arc`: clone and drop are `Arc<HeaderSlice<H, [T]>, C>`'s, with its
//! orderings.
use core::ptr::NonNull;

use super::{Arc, Block, Weak};
use crate::count::Count;

/// Gives up an `Arc`'s strong reference as its block pointer.
#[inline]
fn arc_into_block<T: ?Sized, C: Count>(this: Arc<T, C>) -> NonNull<Block<T, C>> {
    let block = super::borrow::block_of(&this);
    // The strong reference now belongs to the returned pointer.
    core::mem::forget(this);
    block
}

crate::rc::thin::impl_thin!(
    ThinArc,
    Arc,
    Weak,
    path = "sync",
    block = Block,
    cell = <C as crate::count::CountOps>::Atomic,
    from_block = from_block,
    into_block = arc_into_block,
    one = <C as crate::count::CountOps>::atomic_new(<C as crate::count::CountOps>::ONE),
);

// SAFETY: a `ThinArc` is an `Arc<HeaderSlice<H, [T]>, C>` with a thin
// pointer: the same bounds as that `Arc` (which hands out `&H`/`&[T]` to
// every thread and may drop them on any).
unsafe impl<H: Send + Sync, T: Send + Sync, C: Count> Send for ThinArc<H, T, C> {}
// SAFETY: as for `Send`.
unsafe impl<H: Send + Sync, T: Send + Sync, C: Count> Sync for ThinArc<H, T, C> {}
