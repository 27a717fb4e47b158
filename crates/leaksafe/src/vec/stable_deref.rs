//! Feature `stable_deref_trait`: [`Vec`] is [`StableDeref`], as
//! `stable_deref_trait` declares std's `Vec`.
//!
//! # Invariants
//! `StableDeref` promises that the slice `deref` returns stays at the same
//! address when the `Vec` itself is moved, as long as it is not mutated.
//! That holds: the elements live in the heap buffer (`RawVec`), which a move
//! of the `Vec` value does not touch; only growth or shrinking (which need
//! `&mut`) reallocate. A zero-capacity or zero-sized-element vector derefs
//! to a dangling, aligned pointer that is the same on every call.
//!
//! Not `CloneStableDeref`: a clone is a new buffer (std's `Vec` is not one either).

use stable_deref_trait::StableDeref;

use super::Vec;

// SAFETY: see the module docs: `deref` points into the heap buffer, which
// moving the `Vec` does not move; the address changes only through `&mut`
// methods that reallocate.
unsafe impl<T> StableDeref for Vec<T> {}
