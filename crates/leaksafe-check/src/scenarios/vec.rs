//! Vector scenarios, generic over [`VecLike`]: every operation that calls
//! user code (drop, clone, compare, predicates, iterators) and every proxy
//! that can be forgotten (`drain`, `splice`, `extract_if`, `into_iter`).
//!
//! Checks after each run, whatever the plan did:
//! - every element left in the vector is alive and appears once
//!   ([`Run::check_alive`]); order-preserving operations also keep creation
//!   order ([`Run::check_ordered`]);
//! - the vector is still usable (a push, then a check);
//! - in a clean run, the exact expected contents;
//! - a forgotten proxy may leak only what it had not handed out yet
//!   (declared with [`Ledger::expect_leaks`](crate::Ledger::expect_leaks));
//!   anything else live at the end is an unexpected leak;
//! - after a forget, the container is reused: `push`, `extend`, `insert`
//!   (with [`VecInsert`]) and a clear (`truncate(0)`);
//! - around the container, in the scenario's stack frame, guard words
//!   ([`Guarded`]): a write past an inline buffer (a container that trusted
//!   a lying iterator) overwrites them and is reported as unsound. A write
//!   past a heap buffer is out of the harness's sight: re-run the case under
//!   Miri or AddressSanitizer ([`Report::rerun_commands`](crate::Report::rerun_commands)).
//!
//! Every iterator fed to the container (`extend`, `splice`, `insert_many`)
//! is a [`Run::lying`] one, and the explorer runs each [`Lie`](crate::Lie).
//!
//! Classes: a dead or duplicated element is unsound (`Err`); elements out of
//! order and wrong contents are contract findings; values lost are leaks (the
//! ledger's unexpected leaks).
//!
//! Sweeps (`*_sweep`) run every size `0..=SWEEP` and every position in one
//! scenario, so that a bug needing two elements after the insertion point,
//! or a panic at the second of three elements, is reached.

use std::ops::Range;

use crate::{Check, Class, Op, Proxy, Run, Scenario, Tracked};

/// Elements per scenario (tiny under Miri).
pub const N: usize = if cfg!(miri) { 6 } else { 8 };

/// The largest size the sweeps try (every size `0..=SWEEP`, every position).
pub const SWEEP: usize = if cfg!(miri) { 2 } else { 4 };

const GUARD: u64 = 0x6ea2_d0f5_a11e_6ea2;

/// A container between two runs of guard words, laid out in that order
/// (`repr(C)`): a write past an inline buffer at the end of `V` lands in
/// `back` (one past its start, in `front`), which [`intact`](Self::intact) sees.
#[repr(C)]
pub struct Guarded<V> {
    front: [u64; 8],
    /// The container.
    pub v: V,
    back: [u64; 32],
}

impl<V> Guarded<V> {
    /// `v` between fresh guard words.
    pub fn new(v: V) -> Self {
        Guarded {
            front: [GUARD; 8],
            v,
            back: [GUARD; 32],
        }
    }

    /// Whether every guard word still holds its value.
    pub fn intact(&self) -> bool {
        // Volatile: the compiler may not assume the words are unchanged just
        // because safe code never wrote them.
        self.front
            .iter()
            .chain(&self.back)
            // SAFETY: a reference to an initialized `u64` of `self`.
            .all(|w| unsafe { std::ptr::read_volatile(w) } == GUARD)
    }

    /// Records an unsound finding in `r` if a guard word was overwritten.
    pub fn check(&self, r: &Run) -> Check {
        if !self.intact() {
            r.note(
                Class::Unsound,
                "guard value overwritten: the container wrote past its own memory \
                 (re-run this case under Miri or AddressSanitizer)",
            );
        }
        Ok(())
    }
}

/// The vector operations the scenarios use, over [`Tracked`] elements.
///
/// Implement it for your own vector to run [`vec_scenarios`] against it:
///
/// ```
/// use std::ops::Range;
/// use leaksafe_check::{explore_forgets, explore_panics, vec_scenarios, Tracked, VecLike};
///
/// /// A user's container: here a thin wrapper, to keep the example short.
/// struct MyVec(Vec<Tracked>);
///
/// impl VecLike for MyVec {
///     type Drain<'a> = std::vec::Drain<'a, Tracked>;
///     type IntoIter = std::vec::IntoIter<Tracked>;
///     fn new() -> Self { MyVec(Vec::new()) }
///     fn push(&mut self, x: Tracked) { self.0.push(x) }
///     fn as_slice(&self) -> &[Tracked] { &self.0 }
///     fn truncate(&mut self, len: usize) { self.0.truncate(len) }
///     fn retain(&mut self, f: &mut dyn FnMut(&Tracked) -> bool) { self.0.retain(f) }
///     fn dedup_by(&mut self, f: &mut dyn FnMut(&mut Tracked, &mut Tracked) -> bool) {
///         self.0.dedup_by(f)
///     }
///     fn dedup(&mut self) { self.0.dedup() }
///     fn extend_iter(&mut self, it: &mut dyn Iterator<Item = Tracked>) { self.0.extend(it) }
///     fn extend_from_slice(&mut self, s: &[Tracked]) { self.0.extend_from_slice(s) }
///     fn clone_vec(&self) -> Self { MyVec(self.0.clone()) }
///     fn drain(&mut self, r: Range<usize>) -> Self::Drain<'_> { self.0.drain(r) }
///     fn into_iter_vec(self) -> Self::IntoIter { self.0.into_iter() }
/// }
///
/// for s in vec_scenarios::<MyVec>("my::MyVec", "user") {
///     // Every injection point (panics in drop, clone, compare, closures, iterators).
///     for report in explore_panics(&s) {
///         assert!(report.ok(), "{report}");
///     }
///     // Every forget point of the proxies (these runs leak on purpose,
///     // memory included, so a Miri run of this example skips them).
///     if !cfg!(miri) {
///         for report in explore_forgets(&s) {
///             assert!(report.ok(), "{report}");
///         }
///     }
/// }
/// ```
pub trait VecLike: Sized {
    /// The draining proxy.
    type Drain<'a>: DoubleEndedIterator<Item = Tracked>
    where
        Self: 'a;
    /// The owning iterator.
    type IntoIter: DoubleEndedIterator<Item = Tracked>;
    /// An empty vector.
    fn new() -> Self;
    /// `Vec::push`.
    fn push(&mut self, x: Tracked);
    /// The live elements (`&v[..len]`).
    fn as_slice(&self) -> &[Tracked];
    /// `Vec::truncate`.
    fn truncate(&mut self, len: usize);
    /// `Vec::retain`.
    fn retain(&mut self, f: &mut dyn FnMut(&Tracked) -> bool);
    /// `Vec::dedup_by`.
    fn dedup_by(&mut self, f: &mut dyn FnMut(&mut Tracked, &mut Tracked) -> bool);
    /// `Vec::dedup` (uses `PartialEq`, i.e. [`Op::Compare`]).
    fn dedup(&mut self);
    /// `Extend::extend`.
    fn extend_iter(&mut self, it: &mut dyn Iterator<Item = Tracked>);
    /// `Vec::extend_from_slice` (uses `Clone`).
    fn extend_from_slice(&mut self, s: &[Tracked]);
    /// `Clone::clone`.
    fn clone_vec(&self) -> Self;
    /// `Vec::drain`.
    fn drain(&mut self, r: Range<usize>) -> Self::Drain<'_>;
    /// `IntoIterator::into_iter`.
    fn into_iter_vec(self) -> Self::IntoIter;
    /// `Clone::clone_from` (by default `*self = src.clone_vec()`; override it
    /// if your type has its own).
    fn clone_from_vec(&mut self, src: &Self) {
        *self = src.clone_vec();
    }
}

/// `insert` and an `insert_many`-style bulk insert, for vectors that have
/// them (the scenarios sweep every index of every small size).
pub trait VecInsert: VecLike {
    /// `Vec::insert`.
    fn insert(&mut self, index: usize, x: Tracked);
    /// Inserts every item of `it` at `index`, in order (smallvec's
    /// `insert_many`; `Vec::splice(index..index, it)`). `it` is a
    /// [`Lying`](crate::Lying) iterator: its `size_hint` and `len` may lie.
    fn insert_many(&mut self, index: usize, it: &mut dyn ExactSizeIterator<Item = Tracked>);
}

/// `Vec::splice`, for vectors that have it.
pub trait VecSplice: VecLike {
    /// The splicing proxy.
    type Splice<'a>: DoubleEndedIterator<Item = Tracked>
    where
        Self: 'a;
    /// `Vec::splice(range, with)`.
    fn splice<'a>(
        &'a mut self,
        r: Range<usize>,
        with: Box<dyn Iterator<Item = Tracked> + 'a>,
    ) -> Self::Splice<'a>;
}

/// More of `Vec`'s user-code entry points, for vectors that have them.
pub trait VecMore: VecLike {
    /// `Vec::retain_mut`.
    fn retain_mut(&mut self, f: &mut dyn FnMut(&mut Tracked) -> bool);
    /// `Vec::resize_with`.
    fn resize_with(&mut self, len: usize, f: &mut dyn FnMut() -> Tracked);
    /// `Vec::extend_from_within` (clones).
    fn extend_from_within(&mut self, r: Range<usize>);
}

/// `Vec::extract_if`, for vectors that have it.
pub trait VecExtractIf: VecLike {
    /// The extracting proxy.
    type ExtractIf<'a>: Iterator<Item = Tracked>
    where
        Self: 'a;
    /// `Vec::extract_if(range, filter)`.
    fn extract_if<'a>(
        &'a mut self,
        r: Range<usize>,
        f: Box<dyn FnMut(&mut Tracked) -> bool + 'a>,
    ) -> Self::ExtractIf<'a>;
}

impl VecLike for Vec<Tracked> {
    type Drain<'a> = std::vec::Drain<'a, Tracked>;
    type IntoIter = std::vec::IntoIter<Tracked>;
    fn new() -> Self {
        Vec::new()
    }
    fn push(&mut self, x: Tracked) {
        Vec::push(self, x)
    }
    fn as_slice(&self) -> &[Tracked] {
        self
    }
    fn truncate(&mut self, len: usize) {
        Vec::truncate(self, len)
    }
    fn retain(&mut self, f: &mut dyn FnMut(&Tracked) -> bool) {
        Vec::retain(self, f)
    }
    fn dedup_by(&mut self, f: &mut dyn FnMut(&mut Tracked, &mut Tracked) -> bool) {
        Vec::dedup_by(self, f)
    }
    fn dedup(&mut self) {
        Vec::dedup(self)
    }
    fn extend_iter(&mut self, it: &mut dyn Iterator<Item = Tracked>) {
        Extend::extend(self, it)
    }
    fn extend_from_slice(&mut self, s: &[Tracked]) {
        Vec::extend_from_slice(self, s)
    }
    fn clone_vec(&self) -> Self {
        self.clone()
    }
    fn drain(&mut self, r: Range<usize>) -> Self::Drain<'_> {
        Vec::drain(self, r)
    }
    fn into_iter_vec(self) -> Self::IntoIter {
        IntoIterator::into_iter(self)
    }
    fn clone_from_vec(&mut self, src: &Self) {
        Clone::clone_from(self, src)
    }
}

impl VecInsert for Vec<Tracked> {
    fn insert(&mut self, index: usize, x: Tracked) {
        Vec::insert(self, index, x)
    }
    fn insert_many(&mut self, index: usize, it: &mut dyn ExactSizeIterator<Item = Tracked>) {
        self.splice(index..index, it);
    }
}

impl VecMore for Vec<Tracked> {
    fn retain_mut(&mut self, f: &mut dyn FnMut(&mut Tracked) -> bool) {
        Vec::retain_mut(self, f)
    }
    fn resize_with(&mut self, len: usize, f: &mut dyn FnMut() -> Tracked) {
        Vec::resize_with(self, len, f)
    }
    fn extend_from_within(&mut self, r: Range<usize>) {
        Vec::extend_from_within(self, r)
    }
}

impl VecSplice for Vec<Tracked> {
    type Splice<'a> = std::vec::Splice<'a, Box<dyn Iterator<Item = Tracked> + 'a>>;
    fn splice<'a>(
        &'a mut self,
        r: Range<usize>,
        with: Box<dyn Iterator<Item = Tracked> + 'a>,
    ) -> Self::Splice<'a> {
        Vec::splice(self, r, with)
    }
}

fn filled<V: VecLike>(r: &Run, n: usize) -> V {
    let mut v = V::new();
    for x in r.ledger().track_range(n) {
        v.push(x);
    }
    v
}

fn values<V: VecLike>(v: &V) -> Vec<usize> {
    v.as_slice()
        .iter()
        .map(|x| x.try_get().copied().unwrap_or(usize::MAX))
        .collect()
}

/// After the operation (or a forgotten proxy): still usable, still
/// consistent: `push`, `extend`, then a clear.
fn reuse<V: VecLike>(r: &Run, v: &mut V) -> Check {
    let l = r.ledger();
    let before = v.as_slice().len();
    v.push(l.track(1000));
    r.ensure_contract(v.as_slice().len() == before + 1, || {
        "push after the operation did not grow the vector".into()
    })?;
    r.check_alive(v.as_slice())?;
    v.extend_iter(&mut r.lying([l.track(1001), l.track(1002)]));
    r.ensure_contract(v.as_slice().len() == before + 3, || {
        "extend after the operation did not grow the vector by 2".into()
    })?;
    r.check_alive(v.as_slice())?;
    v.truncate(0);
    r.ensure_contract(v.as_slice().is_empty(), || {
        "clear after the operation left elements".into()
    })?;
    v.push(l.track(1003));
    r.check_alive(v.as_slice())
}

/// [`reuse`], then an `insert` at the front (forget-then-reuse of a vector
/// that has `insert`).
fn reuse_insert<V: VecInsert>(r: &Run, v: &mut V) -> Check {
    v.insert(0, r.ledger().track(1004));
    r.check_alive(v.as_slice())?;
    reuse(r, v)
}

fn expect_values<V: VecLike>(r: &Run, v: &V, want: &[usize]) -> Check {
    let got = values(v);
    r.ensure_contract(got == want, || {
        format!("contents {got:?}, expected {want:?}")
    })
}

/// `drain(2..N-2)`, consumed (or forgotten) from either end.
pub fn drain<V: VecLike>(r: &Run) -> Check {
    let mut v: V = filled(r, N);
    let (a, b) = (2, N - 2);
    let done = r.catch(|| r.consume_de(v.drain(a..b)));
    r.check_ordered(v.as_slice())?;
    if r.forgot() {
        // Leak amplification may leak the rest of the range and the tail.
        r.ledger().expect_leaks(N - a - r.steps());
    } else if done.is_some() && r.plan().inject.is_none() {
        let want: Vec<usize> = (0..a).chain(b..N).collect();
        expect_values(r, &v, &want)?;
    }
    reuse(r, &mut v)
}

/// `drain(1..N-1)`, one element taken, then the drain dropped: its `Drop`
/// drops the rest of the range (a destructor that can panic) and closes the gap.
pub fn drain_rest<V: VecLike>(r: &Run) -> Check {
    let mut v: V = filled(r, N);
    let done = r.catch(|| {
        let mut d = v.drain(1..N - 1);
        let first = d.next().map(|x| x.id());
        drop(d);
        first
    });
    r.check_ordered(v.as_slice())?;
    if done.is_some() {
        r.ensure(done == Some(Some(1)), || {
            "drain yielded the wrong element".into()
        })?;
        expect_values(r, &v, &[0, N - 1])?;
    }
    reuse(r, &mut v)
}

/// `into_iter()`, consumed (or forgotten) from either end.
pub fn into_iter<V: VecLike>(r: &Run) -> Check {
    let v: V = filled(r, N);
    r.catch(|| r.consume_de(v.into_iter_vec()));
    if r.forgot() {
        r.ledger().expect_leaks(N - r.steps());
    }
    Ok(())
}

/// `retain` keeping even values; the predicate reads its element.
pub fn retain<V: VecLike>(r: &Run) -> Check {
    let l = r.ledger();
    let mut v: V = filled(r, N);
    let done = r.catch(|| {
        v.retain(&mut |x| {
            l.tick(Op::Predicate);
            x.try_get().is_some_and(|x| x % 2 == 0)
        })
    });
    r.check_ordered(v.as_slice())?;
    if done.is_some() && r.plan().inject.is_none() {
        let want: Vec<usize> = (0..N).filter(|x| x % 2 == 0).collect();
        expect_values(r, &v, &want)?;
    }
    reuse(r, &mut v)
}

/// `dedup_by` over pairs of equal values; the predicate reads both.
pub fn dedup_by<V: VecLike>(r: &Run) -> Check {
    let l = r.ledger();
    let mut v = V::new();
    for i in 0..N {
        v.push(l.track(i / 2));
    }
    let done = r.catch(|| {
        v.dedup_by(&mut |a, b| {
            l.tick(Op::Predicate);
            a.try_get().is_some() && a.try_get() == b.try_get()
        })
    });
    r.check_ordered(v.as_slice())?;
    if done.is_some() && r.plan().inject.is_none() {
        let want: Vec<usize> = (0..N.div_ceil(2)).collect();
        expect_values(r, &v, &want)?;
    }
    reuse(r, &mut v)
}

/// `dedup` (comparisons through `PartialEq`).
pub fn dedup<V: VecLike>(r: &Run) -> Check {
    let l = r.ledger();
    let mut v = V::new();
    for i in 0..N {
        v.push(l.track(i / 2));
    }
    let done = r.catch(|| v.dedup());
    r.check_ordered(v.as_slice())?;
    if done.is_some() && r.plan().inject.is_none() {
        let want: Vec<usize> = (0..N.div_ceil(2)).collect();
        expect_values(r, &v, &want)?;
    }
    reuse(r, &mut v)
}

/// `extend` from a user iterator whose `next` can panic.
pub fn extend<V: VecLike>(r: &Run) -> Check {
    let l = r.ledger();
    let mut g = Guarded::new(filled::<V>(r, 2));
    let done = r.catch(|| {
        let mut it = r.lying((0..N).map(|i| {
            l.tick(Op::Next);
            l.track(10 + i)
        }));
        g.v.extend_iter(&mut it)
    });
    g.check(r)?;
    r.check_ordered(g.v.as_slice())?;
    if done.is_some() && r.plan().inject.is_none() {
        let want: Vec<usize> = (0..2).chain(10..10 + N).collect();
        expect_values(r, &g.v, &want)?;
    }
    reuse(r, &mut g.v)?;
    g.check(r)
}

/// `extend_from_slice` (clones, which can panic).
pub fn extend_from_slice<V: VecLike>(r: &Run) -> Check {
    let l = r.ledger();
    let src: Vec<Tracked> = l.track_range(N / 2).collect();
    let mut v: V = filled(r, 2);
    let done = r.catch(|| v.extend_from_slice(&src));
    r.check_alive(v.as_slice())?;
    r.check_alive(&src)?;
    if done.is_some() && r.plan().inject.is_none() {
        let want: Vec<usize> = (0..2).chain(0..N / 2).collect();
        expect_values(r, &v, &want)?;
    }
    reuse(r, &mut v)
}

/// `clone` of the whole vector (clones, which can panic).
pub fn clone<V: VecLike>(r: &Run) -> Check {
    let mut v: V = filled(r, N);
    let c = r.catch(|| v.clone_vec());
    r.check_ordered(v.as_slice())?;
    if let Some(c) = c {
        r.check_ordered(c.as_slice())?;
        expect_values(r, &c, &values(&v))?;
    }
    reuse(r, &mut v)
}

/// `truncate` (drops, which can panic), then drop of the whole vector.
pub fn truncate<V: VecLike>(r: &Run) -> Check {
    let mut v: V = filled(r, N);
    let done = r.catch(|| v.truncate(2));
    r.check_ordered(v.as_slice())?;
    if done.is_some() {
        expect_values(r, &v, &[0, 1])?;
    }
    reuse(r, &mut v)
}

/// `splice(2..N-2, ..)` with a user iterator, consumed or forgotten.
pub fn splice<V: VecSplice>(r: &Run) -> Check {
    let l = r.ledger();
    let mut v: V = filled(r, N);
    let (a, b) = (2, N - 2);
    let done = r.catch(|| {
        let with = Box::new(r.lying((0..3).map(move |i| {
            l.tick(Op::Next);
            l.track(100 + i)
        })));
        r.consume_de(v.splice(a..b, with))
    });
    r.check_alive(v.as_slice())?;
    if r.forgot() {
        r.ledger().expect_leaks(N - a - r.steps());
    } else if done.is_some() && r.plan().inject.is_none() {
        let want: Vec<usize> = (0..a).chain(100..103).chain(b..N).collect();
        expect_values(r, &v, &want)?;
    }
    reuse(r, &mut v)
}

/// `extract_if(1..N-1, odd)`, consumed or forgotten; the filter reads its element.
pub fn extract_if<V: VecExtractIf>(r: &Run) -> Check {
    let l = r.ledger();
    let mut v: V = filled(r, N);
    let done = r.catch(|| {
        let f = Box::new(|x: &mut Tracked| {
            l.tick(Op::Predicate);
            x.try_get().is_some_and(|x| x % 2 == 1)
        });
        r.consume(v.extract_if(1..N - 1, f))
    });
    r.check_ordered(v.as_slice())?;
    if r.forgot() {
        r.ledger().expect_leaks(N - r.steps());
    } else if done.is_some() && r.plan().inject.is_none() {
        let want: Vec<usize> = (0..N).filter(|&x| x % 2 == 0 || x == N - 1).collect();
        expect_values(r, &v, &want)?;
    }
    reuse(r, &mut v)
}

/// `retain_mut` keeping even values; the predicate reads its element.
pub fn retain_mut<V: VecMore>(r: &Run) -> Check {
    let l = r.ledger();
    let mut v: V = filled(r, N);
    let done = r.catch(|| {
        v.retain_mut(&mut |x| {
            l.tick(Op::Predicate);
            x.try_get().is_some_and(|x| x % 2 == 0)
        })
    });
    r.check_ordered(v.as_slice())?;
    if done.is_some() && r.plan().inject.is_none() {
        let want: Vec<usize> = (0..N).filter(|x| x % 2 == 0).collect();
        expect_values(r, &v, &want)?;
    }
    reuse(r, &mut v)
}

/// `resize_with` growing by 3 from a closure that can panic, then shrinking
/// (drops that can panic).
pub fn resize_with<V: VecMore>(r: &Run) -> Check {
    let l = r.ledger();
    let mut v: V = filled(r, 2);
    let mut i = 0;
    let done = r.catch(|| {
        v.resize_with(5, &mut || {
            l.tick(Op::Next);
            i += 1;
            l.track(10 + i)
        })
    });
    r.check_ordered(v.as_slice())?;
    if done.is_some() && r.plan().inject.is_none() {
        expect_values(r, &v, &[0, 1, 11, 12, 13])?;
    }
    let done = r.catch(|| v.resize_with(1, &mut || unreachable!()));
    r.check_ordered(v.as_slice())?;
    if done.is_some() {
        expect_values(r, &v, &[0])?;
    }
    reuse(r, &mut v)
}

/// `extend_from_within(1..N-1)` (clones, which can panic).
pub fn extend_from_within<V: VecMore>(r: &Run) -> Check {
    let mut v: V = filled(r, N);
    let done = r.catch(|| v.extend_from_within(1..N - 1));
    r.check_ordered(v.as_slice())?;
    if done.is_some() && r.plan().inject.is_none() {
        let want: Vec<usize> = (0..N).chain(1..N - 1).collect();
        expect_values(r, &v, &want)?;
    }
    reuse(r, &mut v)
}

/// `into_iter()`, one element taken from the front and one from the back,
/// then the iterator dropped: its `Drop` drops the rest (a destructor that
/// can panic: every element must still be dropped once, or leaked).
pub fn into_iter_rest<V: VecLike>(r: &Run) -> Check {
    let v: V = filled(r, N);
    r.catch(|| {
        let mut it = v.into_iter_vec();
        let a = it.next();
        let b = it.next_back();
        drop((a, b));
        drop(it);
    });
    Ok(())
}

/// `clone_from` into vectors shorter, as long as and longer than the
/// source (clones and drops, which can panic, at every index).
pub fn clone_from<V: VecLike>(r: &Run) -> Check {
    let l = r.ledger();
    let src: V = filled(r, SWEEP);
    for n in [0, SWEEP, SWEEP + 2] {
        let mut dst = V::new();
        for i in 0..n {
            dst.push(l.track(100 + i));
        }
        let done = r.catch(|| dst.clone_from_vec(&src));
        r.check_alive(dst.as_slice())?;
        r.check_ordered(src.as_slice())?;
        if done.is_some() {
            expect_values(r, &dst, &values(&src))?;
        }
        reuse(r, &mut dst)?;
    }
    Ok(())
}

/// `truncate` of every size `0..=SWEEP` to every length (drops that can
/// panic at every position).
pub fn truncate_sweep<V: VecLike>(r: &Run) -> Check {
    for n in 0..=SWEEP {
        for k in 0..=n {
            let mut v: V = filled(r, n);
            let done = r.catch(|| v.truncate(k));
            r.check_ordered(v.as_slice())?;
            if done.is_some() {
                r.ensure_contract(v.as_slice().len() == k, || {
                    format!("truncate({k}) of {n} left {}", v.as_slice().len())
                })?;
            }
            reuse(r, &mut v)?;
        }
    }
    Ok(())
}

/// `drain(a..b)` of every range of every size `0..=SWEEP`, one element
/// taken (if any), then dropped (the drain's `Drop` drops the rest and
/// moves the tail: start, middle and end ranges, empty and full).
pub fn drain_sweep<V: VecLike>(r: &Run) -> Check {
    for n in 0..=SWEEP {
        for a in 0..=n {
            for b in a..=n {
                let mut v: V = filled(r, n);
                let first = v.as_slice().first().map(Tracked::id);
                let done = r.catch(|| {
                    let mut d = v.drain(a..b);
                    let x = d.next().map(|x| x.id());
                    drop(d);
                    x
                });
                r.check_ordered(v.as_slice())?;
                if let Some(x) = done {
                    r.ensure_contract(x == (a < b).then(|| first.unwrap_or(0) + a), || {
                        format!("drain({a}..{b}) of {n} yielded the wrong element")
                    })?;
                    r.ensure_contract(v.as_slice().len() == n - (b - a), || {
                        format!("drain({a}..{b}) of {n} left {}", v.as_slice().len())
                    })?;
                }
                reuse(r, &mut v)?;
            }
        }
    }
    Ok(())
}

/// `extend` of every size `0..=SWEEP` by every count `0..=SWEEP` from a
/// lying-capable iterator whose `next` can panic; guard words around the
/// vector catch a write past an inline buffer.
pub fn extend_sweep<V: VecLike>(r: &Run) -> Check {
    let l = r.ledger();
    for n in 0..=SWEEP {
        for m in 0..=SWEEP {
            let mut g = Guarded::new(filled::<V>(r, n));
            let done = r.catch(|| {
                let mut it = r.lying((0..m).map(|i| {
                    l.tick(Op::Next);
                    l.track(100 + i)
                }));
                g.v.extend_iter(&mut it)
            });
            g.check(r)?;
            r.check_ordered(g.v.as_slice())?;
            if done.is_some() {
                let want: Vec<usize> = (0..n).chain(100..100 + m).collect();
                expect_values(r, &g.v, &want)?;
            }
            reuse(r, &mut g.v)?;
            g.check(r)?;
        }
    }
    Ok(())
}

/// `insert` at every index of every size `0..=SWEEP`, then the forget-then-
/// reuse checks with an insert.
pub fn insert_sweep<V: VecInsert>(r: &Run) -> Check {
    let l = r.ledger();
    for n in 0..=SWEEP {
        for i in 0..=n {
            let mut v: V = filled(r, n);
            v.insert(i, l.track(100));
            let mut want: Vec<usize> = (0..n).collect();
            want.insert(i, 100);
            r.check_alive(v.as_slice())?;
            expect_values(r, &v, &want)?;
            reuse_insert(r, &mut v)?;
        }
    }
    Ok(())
}

/// `insert_many` at every index of every size `0..=SWEEP`, of `0..=3` items
/// from a lying-capable `ExactSizeIterator` whose `next` can panic, between
/// guard words.
pub fn insert_many_sweep<V: VecInsert>(r: &Run) -> Check {
    let l = r.ledger();
    for n in 0..=SWEEP {
        for i in 0..=n {
            for m in 0..=3 {
                let mut g = Guarded::new(filled::<V>(r, n));
                let done = r.catch(|| {
                    let mut it = r.lying((0..m).map(|k| {
                        l.tick(Op::Next);
                        l.track(100 + k)
                    }));
                    g.v.insert_many(i, &mut it)
                });
                g.check(r)?;
                r.check_alive(g.v.as_slice())?;
                if done.is_some() {
                    let mut want: Vec<usize> = (0..n).collect();
                    want.splice(i..i, 100..100 + m);
                    expect_values(r, &g.v, &want)?;
                }
                reuse_insert(r, &mut g.v)?;
                g.check(r)?;
            }
        }
    }
    Ok(())
}

/// `drain(1..N-1)` forgotten at every point (the explorer's forget), then
/// the vector reused with `insert` too: `push`, `insert`, `extend`, clear.
pub fn drain_reuse<V: VecInsert>(r: &Run) -> Check {
    let mut v: V = filled(r, N);
    r.catch(|| r.consume_de(v.drain(1..N - 1)));
    r.check_ordered(v.as_slice())?;
    if r.forgot() {
        r.ledger().expect_leaks(N - 1 - r.steps());
    }
    reuse_insert(r, &mut v)
}

/// The scenarios of [`VecInsert`] for `target`.
pub fn insert_scenarios<V: VecInsert + 'static>(
    target: &'static str,
    group: &'static str,
) -> Vec<Scenario> {
    let s = |name, proxy, body| Scenario::new(target, name, group, proxy, body);
    vec![
        s("insert_sweep", Proxy::None, insert_sweep::<V>),
        s("insert_many_sweep", Proxy::None, insert_many_sweep::<V>),
        s("drain_reuse", Proxy::DoubleEnded, drain_reuse::<V>),
    ]
}

/// The scenarios of [`VecMore`] for `target`.
pub fn more_scenarios<V: VecMore + 'static>(
    target: &'static str,
    group: &'static str,
) -> Vec<Scenario> {
    let s = |name, body| Scenario::new(target, name, group, Proxy::None, body);
    vec![
        s("retain_mut", retain_mut::<V>),
        s("resize_with", resize_with::<V>),
        s("extend_from_within", extend_from_within::<V>),
    ]
}

/// The scenarios every [`VecLike`] supports, for `target` in `group`.
pub fn vec_scenarios<V: VecLike + 'static>(
    target: &'static str,
    group: &'static str,
) -> Vec<Scenario> {
    let s = |name, proxy, body| Scenario::new(target, name, group, proxy, body);
    vec![
        s("drain", Proxy::DoubleEnded, drain::<V>),
        s("drain_rest", Proxy::None, drain_rest::<V>),
        s("into_iter", Proxy::DoubleEnded, into_iter::<V>),
        s("retain", Proxy::None, retain::<V>),
        s("dedup_by", Proxy::None, dedup_by::<V>),
        s("dedup", Proxy::None, dedup::<V>),
        s("extend", Proxy::None, extend::<V>),
        s("extend_from_slice", Proxy::None, extend_from_slice::<V>),
        s("clone", Proxy::None, clone::<V>),
        s("truncate", Proxy::None, truncate::<V>),
        s("into_iter_rest", Proxy::None, into_iter_rest::<V>),
        s("clone_from", Proxy::None, clone_from::<V>),
        s("truncate_sweep", Proxy::None, truncate_sweep::<V>),
        s("drain_sweep", Proxy::None, drain_sweep::<V>),
        s("extend_sweep", Proxy::None, extend_sweep::<V>),
    ]
}

/// The `splice` scenario for `target`.
pub fn splice_scenarios<V: VecSplice + 'static>(
    target: &'static str,
    group: &'static str,
) -> Vec<Scenario> {
    vec![Scenario::new(
        target,
        "splice",
        group,
        Proxy::DoubleEnded,
        splice::<V>,
    )]
}

/// The `extract_if` scenario for `target`.
pub fn extract_if_scenarios<V: VecExtractIf + 'static>(
    target: &'static str,
    group: &'static str,
) -> Vec<Scenario> {
    vec![Scenario::new(
        target,
        "extract_if",
        group,
        Proxy::Forward,
        extract_if::<V>,
    )]
}
