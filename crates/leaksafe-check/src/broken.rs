//! Deliberately broken vectors: the harness's proof that it catches real bugs.
//!
//! **Unsound on purpose. Test fixtures only; never use them for anything else.**
//!
//! - [`LeakyDrainVec`]: its `drain` has no *leak amplification*: the
//!   vector's length stays at its old value while the `Drain` lives, so a
//!   forgotten `Drain` (or a panic while the `Drain` drops the rest of its
//!   range) leaves moved-out and dropped slots inside the vector: the
//!   Rustonomicon's use-after-free.
//! - [`UnguardedRetainVec`]: its `retain` compacts in place and sets the
//!   length only at the end, without the guard that std uses to close the
//!   gap when the predicate or a destructor panics: the vector then holds
//!   dropped slots and duplicated values.
//!
//! # Why this does not crash the process (or Miri)
//! The stale slots stay inside the vector's own allocation, and the elements
//! are [`Tracked`] values, whose second drop and whose reads after drop are
//! *recorded* by the ledger instead of touching freed memory (see
//! [the crate docs](crate#detecting-a-double-drop-without-undefined-behaviour)). Each vector also keeps a [`Ledger`]
//! handle, so the books outlive every stale slot it holds. So the bug is a
//! deterministic, observable double drop or stale read, reported by the
//! explorer with its scenario and injection point, and Miri runs the
//! harness's tests that exercise these types without reporting UB.
//! (With a payload that owns memory, or a value kept after its vector is
//! gone, the same bug would be real undefined behaviour: that is the point
//! of leaksafe's types.)
//!
//! Every other operation forwards to `std::vec::Vec`.

use std::ops::Range;
use std::ptr;

use crate::{Ledger, Proxy, Scenario, Tracked, VecLike, scenarios::vec as sv};

macro_rules! forward_vec_like {
    ($ty:ident) => {
        impl $ty {
            fn keep(&mut self, x: &Tracked) {
                if self.keep.is_none() {
                    self.keep = Some(x.ledger().clone());
                }
            }
        }
    };
}

/// A vector whose `drain` lacks leak amplification. See the [module docs](self).
#[derive(Default)]
pub struct LeakyDrainVec {
    inner: Vec<Tracked>,
    /// Declared after `inner`, so dropped after the elements.
    keep: Option<Ledger>,
}

forward_vec_like!(LeakyDrainVec);

/// A vector whose `retain` lacks its panic guard. See the [module docs](self).
#[derive(Default)]
pub struct UnguardedRetainVec {
    inner: Vec<Tracked>,
    /// Declared after `inner`, so dropped after the elements.
    keep: Option<Ledger>,
}

forward_vec_like!(UnguardedRetainVec);

/// The drain of [`LeakyDrainVec`]: reads elements out of the range while the
/// vector's length still covers them.
pub struct LeakyDrain<'a> {
    vec: &'a mut Vec<Tracked>,
    start: usize,
    front: usize,
    back: usize,
    end: usize,
}

impl Iterator for LeakyDrain<'_> {
    type Item = Tracked;
    fn next(&mut self) -> Option<Tracked> {
        if self.front == self.back {
            return None;
        }
        // SAFETY: `front < back <= len`, so the slot is inside the
        // allocation and initialized. (The BUG, on purpose: the vector's
        // length still covers the slot after the value is moved out.)
        let x = unsafe { ptr::read(self.vec.as_ptr().add(self.front)) };
        self.front += 1;
        Some(x)
    }
}

impl DoubleEndedIterator for LeakyDrain<'_> {
    fn next_back(&mut self) -> Option<Tracked> {
        if self.front == self.back {
            return None;
        }
        self.back -= 1;
        // SAFETY: as in `next`: `front <= back < len`.
        Some(unsafe { ptr::read(self.vec.as_ptr().add(self.back)) })
    }
}

impl Drop for LeakyDrain<'_> {
    fn drop(&mut self) {
        let p = self.vec.as_mut_ptr();
        // SAFETY: `front..back` are initialized, not yet read slots inside
        // the allocation. BUG: no guard; if a destructor panics, the gap is
        // never closed.
        unsafe {
            ptr::drop_in_place(ptr::slice_from_raw_parts_mut(
                p.add(self.front),
                self.back - self.front,
            ))
        };
        let len = self.vec.len();
        let tail = len - self.end;
        // SAFETY: `end..len` is the initialized tail; it moves to `start`,
        // within the allocation, and the new length covers exactly the
        // prefix and the moved tail.
        unsafe {
            ptr::copy(p.add(self.end), p.add(self.start), tail);
            self.vec.set_len(self.start + tail);
        }
    }
}

impl VecLike for LeakyDrainVec {
    type Drain<'a> = LeakyDrain<'a>;
    type IntoIter = std::vec::IntoIter<Tracked>;
    fn new() -> Self {
        Self::default()
    }
    fn push(&mut self, x: Tracked) {
        self.keep(&x);
        self.inner.push(x)
    }
    fn as_slice(&self) -> &[Tracked] {
        &self.inner
    }
    fn truncate(&mut self, len: usize) {
        self.inner.truncate(len)
    }
    fn retain(&mut self, f: &mut dyn FnMut(&Tracked) -> bool) {
        self.inner.retain(f)
    }
    fn dedup_by(&mut self, f: &mut dyn FnMut(&mut Tracked, &mut Tracked) -> bool) {
        self.inner.dedup_by(f)
    }
    fn dedup(&mut self) {
        self.inner.dedup()
    }
    fn extend_iter(&mut self, it: &mut dyn Iterator<Item = Tracked>) {
        Extend::extend(&mut self.inner, it)
    }
    fn extend_from_slice(&mut self, s: &[Tracked]) {
        self.inner.extend_from_slice(s)
    }
    fn clone_vec(&self) -> Self {
        LeakyDrainVec {
            inner: self.inner.clone(),
            keep: self.keep.clone(),
        }
    }
    fn drain(&mut self, r: Range<usize>) -> LeakyDrain<'_> {
        assert!(r.start <= r.end && r.end <= self.inner.len());
        // BUG: std sets the length to `r.start` here (leak amplification).
        LeakyDrain {
            vec: &mut self.inner,
            start: r.start,
            front: r.start,
            back: r.end,
            end: r.end,
        }
    }
    fn into_iter_vec(self) -> Self::IntoIter {
        IntoIterator::into_iter(self.inner)
    }
}

impl VecLike for UnguardedRetainVec {
    type Drain<'a> = std::vec::Drain<'a, Tracked>;
    type IntoIter = std::vec::IntoIter<Tracked>;
    fn new() -> Self {
        Self::default()
    }
    fn push(&mut self, x: Tracked) {
        self.keep(&x);
        self.inner.push(x)
    }
    fn as_slice(&self) -> &[Tracked] {
        &self.inner
    }
    fn truncate(&mut self, len: usize) {
        self.inner.truncate(len)
    }
    fn retain(&mut self, f: &mut dyn FnMut(&Tracked) -> bool) {
        let len = self.inner.len();
        let p = self.inner.as_mut_ptr();
        let mut deleted = 0;
        for i in 0..len {
            // SAFETY: `i < len`: initialized (or, after a panic, stale but
            // still allocated: the bug the harness reports).
            let keep = f(unsafe { &*p.add(i) });
            if !keep {
                // SAFETY: slot `i` is initialized and dropped once here. BUG:
                // the length still covers it if anything below panics.
                unsafe { ptr::drop_in_place(p.add(i)) };
                deleted += 1;
            } else if deleted > 0 {
                // SAFETY: both slots are inside the allocation; slot
                // `i - deleted` was dropped or moved out. BUG: slot `i` now
                // has a bitwise twin until the length is fixed.
                unsafe { ptr::copy_nonoverlapping(p.add(i), p.add(i - deleted), 1) };
            }
        }
        // SAFETY: the first `len - deleted` slots hold the kept values.
        unsafe { self.inner.set_len(len - deleted) };
    }
    fn dedup_by(&mut self, f: &mut dyn FnMut(&mut Tracked, &mut Tracked) -> bool) {
        self.inner.dedup_by(f)
    }
    fn dedup(&mut self) {
        self.inner.dedup()
    }
    fn extend_iter(&mut self, it: &mut dyn Iterator<Item = Tracked>) {
        Extend::extend(&mut self.inner, it)
    }
    fn extend_from_slice(&mut self, s: &[Tracked]) {
        self.inner.extend_from_slice(s)
    }
    fn clone_vec(&self) -> Self {
        UnguardedRetainVec {
            inner: self.inner.clone(),
            keep: self.keep.clone(),
        }
    }
    fn drain(&mut self, r: Range<usize>) -> Self::Drain<'_> {
        self.inner.drain(r)
    }
    fn into_iter_vec(self) -> Self::IntoIter {
        IntoIterator::into_iter(self.inner)
    }
}

/// The scenarios that expose the two bugs: `broken::LeakyDrainVec/drain`
/// (forget) and `/drain_rest` (a panicking destructor inside the drain's
/// `Drop`), and `broken::UnguardedRetainVec/retain` (group `broken`). Both fail
/// under the explorer; neither is part of [`library`](crate::library).
pub fn scenarios() -> Vec<Scenario> {
    vec![
        Scenario::new(
            "broken::LeakyDrainVec",
            "drain",
            "broken",
            Proxy::DoubleEnded,
            sv::drain::<LeakyDrainVec>,
        ),
        Scenario::new(
            "broken::LeakyDrainVec",
            "drain_rest",
            "broken",
            Proxy::None,
            sv::drain_rest::<LeakyDrainVec>,
        ),
        Scenario::new(
            "broken::UnguardedRetainVec",
            "retain",
            "broken",
            Proxy::None,
            sv::retain::<UnguardedRetainVec>,
        ),
    ]
}
