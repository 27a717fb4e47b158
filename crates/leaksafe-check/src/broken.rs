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
//!
//! # One fixture per class, and its fixed twin
//! | class | broken | caught by | fixed twin | twin's result |
//! |---|---|---|---|---|
//! | unsound | [`LeakyDrainVec`] | `drain` forget, `drain_rest` | [`AmplifiedDrainVec`] | leak only |
//! | unsound | [`UnguardedRetainVec`] | `retain` panic | [`LeakOnPanicRetainVec`] | leak only |
//! | unsound (lying iterator, zeroed slot) | [`TrustingExtendVec`] | `extend` lies, `Next` panic | [`HintedExtendVec`] | clean |
//! | unsound (overrun, guard words) | [`SpillVec`] | `extend_sweep` lies | [`CheckedSpillVec`] | clean |
//! | leak | [`AmplifiedDrainVec`] | `drain_rest` panic | `std::vec::Vec` | clean |
//! | contract | [`UnorderedRetainVec`] | `retain` | `std::vec::Vec` | clean |
//! | crash (child process) | [`AbortingRetainVec`] | `retain` panic, isolated | `std::vec::Vec` | clean |
//!
//! [`TrustingExtendVec`] leaves *zeroed* slots inside its length (a real
//! container would leave uninitialized ones; zeroes keep the fixture
//! deterministic): the harness must report them as corrupt values, not
//! crash on them. [`SpillVec`] writes past its inline buffer into the
//! scenario's guard words: real undefined behaviour, so its tests do not run
//! under Miri; [`AbortingRetainVec`] aborts the process, so it runs only in
//! a child process ([`check_isolated`](crate::check_isolated)).

use std::mem::MaybeUninit;
use std::ops::Range;
use std::ptr;

use crate::{Ledger, Proxy, Scenario, Tracked, VecLike, scenarios::vec as sv};

/// Forwards the named [`VecLike`] methods to `self.inner: Vec<Tracked>`.
macro_rules! fwd {
    ($($m:ident)*) => { $( fwd!(@ $m); )* };
    (@new) => { fn new() -> Self { Self::default() } };
    (@push) => { fn push(&mut self, x: Tracked) { self.keep(&x); self.inner.push(x) } };
    (@as_slice) => { fn as_slice(&self) -> &[Tracked] { &self.inner } };
    (@truncate) => { fn truncate(&mut self, len: usize) { self.inner.truncate(len) } };
    (@retain) => {
        fn retain(&mut self, f: &mut dyn FnMut(&Tracked) -> bool) { self.inner.retain(f) }
    };
    (@dedup_by) => {
        fn dedup_by(&mut self, f: &mut dyn FnMut(&mut Tracked, &mut Tracked) -> bool) {
            self.inner.dedup_by(f)
        }
    };
    (@dedup) => { fn dedup(&mut self) { self.inner.dedup() } };
    (@extend_iter) => {
        fn extend_iter(&mut self, it: &mut dyn Iterator<Item = Tracked>) {
            Extend::extend(&mut self.inner, it)
        }
    };
    (@extend_from_slice) => {
        fn extend_from_slice(&mut self, s: &[Tracked]) { self.inner.extend_from_slice(s) }
    };
    (@clone_vec) => {
        fn clone_vec(&self) -> Self {
            Self { inner: self.inner.clone(), keep: self.keep.clone() }
        }
    };
    (@drain) => {
        fn drain(&mut self, r: Range<usize>) -> Self::Drain<'_> { self.inner.drain(r) }
    };
    (@into_iter_vec) => {
        fn into_iter_vec(self) -> Self::IntoIter { IntoIterator::into_iter(self.inner) }
    };
}

/// A `Vec<Tracked>`-backed fixture type with a `keep` ledger handle.
macro_rules! fixture {
    ($(#[$m:meta])* $ty:ident) => {
        $(#[$m])*
        #[derive(Default)]
        pub struct $ty {
            inner: Vec<Tracked>,
            /// Declared after `inner`, so dropped after the elements.
            keep: Option<Ledger>,
        }
        forward_vec_like!($ty);
    };
}

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

fixture!(
    /// Leak amplification done right, panic guard missing: `drain` sets the
    /// length to the range's start, and the `Drop` of its drain drops the rest
    /// and moves the tail back with no guard, so a panicking destructor leaks
    /// the tail. Sound: the fixed twin of [`LeakyDrainVec`], leak only.
    AmplifiedDrainVec
);

/// The drain of [`AmplifiedDrainVec`].
pub struct AmplifiedDrain<'a> {
    vec: &'a mut Vec<Tracked>,
    start: usize,
    front: usize,
    back: usize,
    end: usize,
    len: usize,
}

impl Iterator for AmplifiedDrain<'_> {
    type Item = Tracked;
    fn next(&mut self) -> Option<Tracked> {
        if self.front == self.back {
            return None;
        }
        // SAFETY: `front < back <= len` (the old length): initialized, not
        // yet read, and outside the vector's current length `start`.
        let x = unsafe { ptr::read(self.vec.as_ptr().add(self.front)) };
        self.front += 1;
        Some(x)
    }
}

impl DoubleEndedIterator for AmplifiedDrain<'_> {
    fn next_back(&mut self) -> Option<Tracked> {
        if self.front == self.back {
            return None;
        }
        self.back -= 1;
        // SAFETY: as in `next`.
        Some(unsafe { ptr::read(self.vec.as_ptr().add(self.back)) })
    }
}

impl Drop for AmplifiedDrain<'_> {
    fn drop(&mut self) {
        let p = self.vec.as_mut_ptr();
        // SAFETY: `front..back` are initialized, unread slots past the
        // vector's length. No guard: a panic here leaks the tail (sound).
        unsafe {
            ptr::drop_in_place(ptr::slice_from_raw_parts_mut(
                p.add(self.front),
                self.back - self.front,
            ))
        };
        let tail = self.len - self.end;
        // SAFETY: `end..len` is the initialized tail, moved to `start`; the
        // new length covers the prefix and the moved tail.
        unsafe {
            ptr::copy(p.add(self.end), p.add(self.start), tail);
            self.vec.set_len(self.start + tail);
        }
    }
}

impl VecLike for AmplifiedDrainVec {
    type Drain<'a> = AmplifiedDrain<'a>;
    type IntoIter = std::vec::IntoIter<Tracked>;
    fwd!(new push as_slice truncate retain dedup_by dedup extend_iter extend_from_slice clone_vec into_iter_vec);
    fn drain(&mut self, r: Range<usize>) -> AmplifiedDrain<'_> {
        let len = self.inner.len();
        assert!(r.start <= r.end && r.end <= len);
        // SAFETY: shrinking the length; the slots past it stay initialized
        // and are owned by the drain (leaked if it is forgotten).
        unsafe { self.inner.set_len(r.start) };
        AmplifiedDrain {
            vec: &mut self.inner,
            start: r.start,
            front: r.start,
            back: r.end,
            end: r.end,
            len,
        }
    }
}

fixture!(
    /// `retain` that sets the length to 0 while it works and restores it
    /// only when it finishes: a panic leaks every element (sound). The
    /// fixed twin of [`UnguardedRetainVec`], leak only.
    LeakOnPanicRetainVec
);

impl VecLike for LeakOnPanicRetainVec {
    type Drain<'a> = std::vec::Drain<'a, Tracked>;
    type IntoIter = std::vec::IntoIter<Tracked>;
    fwd!(new push as_slice truncate dedup_by dedup extend_iter extend_from_slice clone_vec drain into_iter_vec);
    fn retain(&mut self, f: &mut dyn FnMut(&Tracked) -> bool) {
        let len = self.inner.len();
        // SAFETY: shrinking the length to 0: the elements stay initialized
        // in the buffer, owned by this function (leaked if it unwinds).
        unsafe { self.inner.set_len(0) };
        let p = self.inner.as_mut_ptr();
        let mut kept = 0;
        for i in 0..len {
            // SAFETY: `i < len`: slot `i` is initialized (slots before it
            // were dropped or moved down to `..kept`).
            if f(unsafe { &*p.add(i) }) {
                // SAFETY: `kept <= i`, both in the buffer; slot `kept` is free.
                unsafe { ptr::copy(p.add(i), p.add(kept), 1) };
                kept += 1;
            } else {
                // SAFETY: slot `i` is initialized, dropped once here.
                unsafe { ptr::drop_in_place(p.add(i)) };
            }
        }
        // SAFETY: `..kept` holds the kept values, in order.
        unsafe { self.inner.set_len(kept) };
    }
}

fixture!(
    /// `retain` by `swap_remove`: sound and leak-free, but the kept
    /// elements come out of order, a broken std contract.
    UnorderedRetainVec
);

impl VecLike for UnorderedRetainVec {
    type Drain<'a> = std::vec::Drain<'a, Tracked>;
    type IntoIter = std::vec::IntoIter<Tracked>;
    fwd!(new push as_slice truncate dedup_by dedup extend_iter extend_from_slice clone_vec drain into_iter_vec);
    fn retain(&mut self, f: &mut dyn FnMut(&Tracked) -> bool) {
        let mut i = 0;
        while i < self.inner.len() {
            if f(&self.inner[i]) {
                i += 1;
            } else {
                drop(self.inner.swap_remove(i));
            }
        }
    }
}

fixture!(
    /// `extend` that trusts the iterator's `size_hint` lower bound: it
    /// claims that many slots (zeroed) inside its length before the items
    /// arrive. An iterator that yields fewer (or panics) leaves zeroed slots
    /// inside the length: reads and drops of garbage.
    TrustingExtendVec
);

impl VecLike for TrustingExtendVec {
    type Drain<'a> = std::vec::Drain<'a, Tracked>;
    type IntoIter = std::vec::IntoIter<Tracked>;
    fwd!(new push as_slice truncate retain dedup_by dedup extend_from_slice clone_vec drain into_iter_vec);
    fn extend_iter(&mut self, it: &mut dyn Iterator<Item = Tracked>) {
        let (lo, _) = it.size_hint();
        let len = self.inner.len();
        self.inner.reserve(lo);
        let p = self.inner.as_mut_ptr();
        // SAFETY: `reserve(lo)` made room for `len + lo` elements. BUG, on
        // purpose: the length claims `lo` slots that hold zeroes, not values.
        unsafe {
            ptr::write_bytes(p.add(len), 0, lo);
            self.inner.set_len(len + lo);
        }
        for (i, x) in it.enumerate() {
            if i < lo {
                // SAFETY: slot `len + i` is inside the reserved room, and
                // holds zeroes (no value to drop).
                unsafe { ptr::write(p.add(len + i), x) };
            } else {
                self.push(x);
            }
        }
    }
}

fixture!(
    /// The fixed twin of [`TrustingExtendVec`]: `reserve(lower bound)`, then
    /// one `push` per item that actually arrives. Clean.
    HintedExtendVec
);

impl VecLike for HintedExtendVec {
    type Drain<'a> = std::vec::Drain<'a, Tracked>;
    type IntoIter = std::vec::IntoIter<Tracked>;
    fwd!(new push as_slice truncate retain dedup_by dedup extend_from_slice clone_vec drain into_iter_vec);
    fn extend_iter(&mut self, it: &mut dyn Iterator<Item = Tracked>) {
        self.inner.reserve(it.size_hint().0);
        for x in it {
            self.push(x);
        }
    }
}

fixture!(
    /// `retain` whose predicate panic is answered with `process::abort`
    /// (as a panic during unwinding would): the harness must report the
    /// signal and the plan, from a child process.
    AbortingRetainVec
);

impl VecLike for AbortingRetainVec {
    type Drain<'a> = std::vec::Drain<'a, Tracked>;
    type IntoIter = std::vec::IntoIter<Tracked>;
    fwd!(new push as_slice truncate dedup_by dedup extend_iter extend_from_slice clone_vec drain into_iter_vec);
    fn retain(&mut self, f: &mut dyn FnMut(&Tracked) -> bool) {
        let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| self.inner.retain(f)));
        if r.is_err() {
            std::process::abort();
        }
    }
}

const INLINE: usize = 4;

/// A small vector: up to 4 elements inline, then spilled to the heap. Its
/// `extend` trusts the iterator's `size_hint` upper bound: when the claim
/// fits the inline room it writes every item inline without a check, so an
/// iterator yielding more than it claimed writes past the inline buffer
/// (into the scenario's guard words). **Real undefined behaviour.**
#[repr(C)]
pub struct SpillVec {
    keep: Option<Ledger>,
    heap: Vec<Tracked>,
    spilled: bool,
    checked: bool,
    len: usize,
    /// Last, so an overrun leaves the struct at its end.
    buf: [MaybeUninit<Tracked>; INLINE],
}

/// [`SpillVec`] with a capacity check per item: the fixed twin. Clean.
#[derive(Default)]
pub struct CheckedSpillVec(SpillVec);

impl Default for SpillVec {
    fn default() -> Self {
        SpillVec {
            keep: None,
            heap: Vec::new(),
            spilled: false,
            checked: false,
            len: 0,
            buf: [const { MaybeUninit::uninit() }; INLINE],
        }
    }
}

impl SpillVec {
    fn keep(&mut self, x: &Tracked) {
        if self.keep.is_none() {
            self.keep = Some(x.ledger().clone());
        }
    }

    fn spill(&mut self) {
        if !self.spilled {
            let p = self.buf.as_ptr().cast::<Tracked>();
            for i in 0..self.len {
                // SAFETY: `..len` inline slots are initialized; each is moved
                // out once (the length is reset right after).
                self.heap.push(unsafe { ptr::read(p.add(i)) });
            }
            self.len = 0;
            self.spilled = true;
        }
    }

    fn push_checked(&mut self, x: Tracked) {
        self.keep(&x);
        if !self.spilled && self.len < INLINE {
            self.buf[self.len].write(x);
            self.len += 1;
        } else {
            self.spill();
            self.heap.push(x);
        }
    }

    fn extend_trusting(&mut self, it: &mut dyn Iterator<Item = Tracked>) {
        let (_, hi) = it.size_hint();
        if !self.checked && !self.spilled && hi.is_some_and(|h| self.len + h <= INLINE) {
            // Derived from the whole struct, so the overrun (the bug) stays
            // inside the scenario's frame, where the guard words are.
            let base = ptr::from_mut(self).cast::<u8>();
            let off = std::mem::offset_of!(SpillVec, buf);
            for x in it {
                self.keep(&x);
                // SAFETY: BUG, on purpose: only `len < INLINE` was promised
                // by the iterator's claim, not checked.
                unsafe { ptr::write(base.add(off).cast::<Tracked>().add(self.len), x) };
                self.len += 1;
            }
        } else {
            for x in it {
                self.push_checked(x);
            }
        }
    }

    fn slice(&self) -> &[Tracked] {
        if self.spilled {
            &self.heap
        } else {
            let base = ptr::from_ref(self).cast::<u8>();
            let off = std::mem::offset_of!(SpillVec, buf);
            // SAFETY: `..len` inline slots are initialized (past `INLINE`
            // only after the bug, inside the caller's guarded frame).
            unsafe { std::slice::from_raw_parts(base.add(off).cast::<Tracked>(), self.len) }
        }
    }

    fn truncate_to(&mut self, n: usize) {
        if self.spilled {
            self.heap.truncate(n);
        } else {
            while self.len > n {
                self.len -= 1;
                let base = ptr::from_mut(self).cast::<u8>();
                let off = std::mem::offset_of!(SpillVec, buf);
                // SAFETY: slot `len` was initialized and is now past the length.
                unsafe { ptr::drop_in_place(base.add(off).cast::<Tracked>().add(self.len)) };
            }
        }
    }

    fn all(&mut self) -> Vec<Tracked> {
        self.spill();
        std::mem::take(&mut self.heap)
    }
}

impl Drop for SpillVec {
    fn drop(&mut self) {
        self.truncate_to(0);
    }
}

/// Access to the [`SpillVec`] inside a spill-vector fixture.
trait AsSpill: Default {
    const CHECKED: bool;
    fn sp(&self) -> &SpillVec;
    fn sp_mut(&mut self) -> &mut SpillVec;
}

impl AsSpill for SpillVec {
    const CHECKED: bool = false;
    fn sp(&self) -> &SpillVec {
        self
    }
    fn sp_mut(&mut self) -> &mut SpillVec {
        self
    }
}

impl AsSpill for CheckedSpillVec {
    const CHECKED: bool = true;
    fn sp(&self) -> &SpillVec {
        &self.0
    }
    fn sp_mut(&mut self) -> &mut SpillVec {
        &mut self.0
    }
}

macro_rules! spill_like {
    ($ty:ty) => {
        impl VecLike for $ty {
            type Drain<'a> = std::vec::Drain<'a, Tracked>;
            type IntoIter = std::vec::IntoIter<Tracked>;
            fn new() -> Self {
                let mut v = Self::default();
                v.sp_mut().checked = <$ty as AsSpill>::CHECKED;
                v
            }
            fn push(&mut self, x: Tracked) {
                self.sp_mut().push_checked(x)
            }
            fn as_slice(&self) -> &[Tracked] {
                self.sp().slice()
            }
            fn truncate(&mut self, len: usize) {
                self.sp_mut().truncate_to(len)
            }
            fn retain(&mut self, f: &mut dyn FnMut(&Tracked) -> bool) {
                let s = self.sp_mut();
                s.spill();
                s.heap.retain(f)
            }
            fn dedup_by(&mut self, f: &mut dyn FnMut(&mut Tracked, &mut Tracked) -> bool) {
                let s = self.sp_mut();
                s.spill();
                s.heap.dedup_by(f)
            }
            fn dedup(&mut self) {
                let s = self.sp_mut();
                s.spill();
                s.heap.dedup()
            }
            fn extend_iter(&mut self, it: &mut dyn Iterator<Item = Tracked>) {
                self.sp_mut().extend_trusting(it)
            }
            fn extend_from_slice(&mut self, s: &[Tracked]) {
                for x in s {
                    self.sp_mut().push_checked(x.clone());
                }
            }
            fn clone_vec(&self) -> Self {
                let mut c = <Self as VecLike>::new();
                for x in self.as_slice() {
                    c.push(x.clone());
                }
                c
            }
            fn drain(&mut self, r: Range<usize>) -> Self::Drain<'_> {
                let s = self.sp_mut();
                s.spill();
                s.heap.drain(r)
            }
            fn into_iter_vec(mut self) -> Self::IntoIter {
                self.sp_mut().all().into_iter()
            }
        }
    };
}

spill_like!(SpillVec);
spill_like!(CheckedSpillVec);

/// The scenarios that expose the unsound bugs that are not undefined
/// behaviour for the harness: `broken::LeakyDrainVec/drain` (forget) and
/// `/drain_rest` (a panicking destructor inside the drain's `Drop`),
/// `broken::UnguardedRetainVec/retain` and `broken::TrustingExtendVec/extend`
/// (a lying iterator, zeroed slots) (group `broken`). All fail under the
/// explorer; none is part of [`library`](crate::library). The other
/// fixtures are explored by the crate's tests (tests/fixtures.rs).
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
        Scenario::new(
            "broken::TrustingExtendVec",
            "extend",
            "broken",
            Proxy::None,
            sv::extend::<TrustingExtendVec>,
        ),
    ]
}
