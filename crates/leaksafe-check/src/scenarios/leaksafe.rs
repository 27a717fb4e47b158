//! The scenario library instantiated for leaksafe's types: `Vec` (and its
//! `Drain`, `Splice`, `ExtractIf`, `IntoIter`), `Rc<T, C>` and `Arc<T, C>` at
//! every count width and policy, `thread::scope` (handles and `JoinGuard`s)
//! and `ThreadPool` scopes, `join` and `install`.

use std::num::Saturating;
use std::ops::Range;

use leaksafe::thread::{PoolScope, ThreadPool};

use super::rc::{RcLike, arc_scenarios, rc_scenarios};
use super::thread::scope_bodies;
use super::vec::{
    VecExtractIf, VecInsert, VecLike, VecMore, VecSplice, extract_if_scenarios, insert_scenarios,
    more_scenarios, splice_scenarios, vec_scenarios,
};
use crate::{Check, Op, Proxy, Run, Scenario, Tracked};

type LVec = leaksafe::vec::Vec<Tracked>;

impl VecLike for LVec {
    type Drain<'a> = leaksafe::vec::Drain<'a, Tracked>;
    type IntoIter = leaksafe::vec::IntoIter<Tracked>;
    fn new() -> Self {
        LVec::new()
    }
    fn push(&mut self, x: Tracked) {
        LVec::push(self, x)
    }
    fn as_slice(&self) -> &[Tracked] {
        self
    }
    fn truncate(&mut self, len: usize) {
        LVec::truncate(self, len)
    }
    fn retain(&mut self, f: &mut dyn FnMut(&Tracked) -> bool) {
        LVec::retain(self, f)
    }
    fn dedup_by(&mut self, f: &mut dyn FnMut(&mut Tracked, &mut Tracked) -> bool) {
        LVec::dedup_by(self, f)
    }
    fn dedup(&mut self) {
        LVec::dedup(self)
    }
    fn extend_iter(&mut self, it: &mut dyn Iterator<Item = Tracked>) {
        Extend::extend(self, it)
    }
    fn extend_from_slice(&mut self, s: &[Tracked]) {
        LVec::extend_from_slice(self, s)
    }
    fn clone_vec(&self) -> Self {
        self.clone()
    }
    fn drain(&mut self, r: Range<usize>) -> Self::Drain<'_> {
        LVec::drain(self, r)
    }
    fn into_iter_vec(self) -> Self::IntoIter {
        IntoIterator::into_iter(self)
    }
    fn clone_from_vec(&mut self, src: &Self) {
        Clone::clone_from(self, src)
    }
}

impl VecInsert for LVec {
    fn insert(&mut self, index: usize, x: Tracked) {
        LVec::insert(self, index, x)
    }
    fn insert_many(&mut self, index: usize, it: &mut dyn ExactSizeIterator<Item = Tracked>) {
        self.splice(index..index, it);
    }
}

impl VecMore for LVec {
    fn retain_mut(&mut self, f: &mut dyn FnMut(&mut Tracked) -> bool) {
        LVec::retain_mut(self, f)
    }
    fn resize_with(&mut self, len: usize, f: &mut dyn FnMut() -> Tracked) {
        LVec::resize_with(self, len, f)
    }
    fn extend_from_within(&mut self, r: Range<usize>) {
        LVec::extend_from_within(self, r)
    }
}

impl VecSplice for LVec {
    type Splice<'a> = leaksafe::vec::Splice<'a, Box<dyn Iterator<Item = Tracked> + 'a>>;
    fn splice<'a>(
        &'a mut self,
        r: Range<usize>,
        with: Box<dyn Iterator<Item = Tracked> + 'a>,
    ) -> Self::Splice<'a> {
        LVec::splice(self, r, with)
    }
}

impl VecExtractIf for LVec {
    type ExtractIf<'a> =
        leaksafe::vec::ExtractIf<'a, Tracked, Box<dyn FnMut(&mut Tracked) -> bool + 'a>>;
    fn extract_if<'a>(
        &'a mut self,
        r: Range<usize>,
        f: Box<dyn FnMut(&mut Tracked) -> bool + 'a>,
    ) -> Self::ExtractIf<'a> {
        LVec::extract_if(self, r, f)
    }
}

use leaksafe::rc::{Rc as LRc, Weak as LRcWeak};
use leaksafe::sync::{Arc as LArc, Weak as LArcWeak};

/// `RcLike` for one leaksafe reference-count type with count `C`, whose
/// strong-reference limit is `$max` (the table in leaksafe's `count` docs).
macro_rules! leaksafe_rc_like {
    ($rc:ident, $weak:ident, $c:ty, $max:expr, $sat:expr) => {
        impl RcLike for $rc<Tracked, $c> {
            type Weak = $weak<Tracked, $c>;
            const MAX_COUNT: usize = $max;
            const SATURATES: bool = $sat;
            fn new(x: Tracked) -> Self {
                Self::new_counted(x)
            }
            fn strong_count(this: &Self) -> usize {
                Self::strong_count(this)
            }
            fn downgrade(this: &Self) -> Self::Weak {
                Self::downgrade(this)
            }
            fn upgrade(w: &Self::Weak) -> Option<Self> {
                w.upgrade()
            }
            fn try_unwrap(this: Self) -> Result<Tracked, Self> {
                Self::try_unwrap(this)
            }
            fn get_mut(this: &mut Self) -> Option<&mut Tracked> {
                Self::get_mut(this)
            }
            fn make_mut(this: &mut Self) -> &mut Tracked {
                Self::make_mut(this)
            }
        }
    };
}

/// Every width and policy of one type; `$wide` maps a wide integer's `MAX`
/// to the type's strong limit (`Arc` aborts at `MAX / 2 + 1` for 32 bits and up).
macro_rules! all_widths {
    ($rc:ident, $weak:ident, $wide:expr) => {
        leaksafe_rc_like!($rc, $weak, u8, u8::MAX as usize, false);
        leaksafe_rc_like!($rc, $weak, u16, u16::MAX as usize, false);
        leaksafe_rc_like!($rc, $weak, u32, $wide(u32::MAX as usize), false);
        leaksafe_rc_like!($rc, $weak, u64, $wide(usize::MAX), false);
        leaksafe_rc_like!($rc, $weak, usize, $wide(usize::MAX), false);
        leaksafe_rc_like!($rc, $weak, Saturating<u8>, u8::MAX as usize - 1, true);
        leaksafe_rc_like!($rc, $weak, Saturating<u16>, u16::MAX as usize - 1, true);
        leaksafe_rc_like!($rc, $weak, Saturating<u32>, u32::MAX as usize - 1, true);
        leaksafe_rc_like!($rc, $weak, Saturating<u64>, usize::MAX - 1, true);
        leaksafe_rc_like!($rc, $weak, Saturating<usize>, usize::MAX - 1, true);
    };
}

const fn rc_wide(max: usize) -> usize {
    max
}

const fn arc_wide(max: usize) -> usize {
    max / 2 + 1
}

all_widths!(LRc, LRcWeak, rc_wide);
all_widths!(LArc, LArcWeak, arc_wide);

macro_rules! rc_library {
    ($v:ident, $f:ident, $rc:ident, $name:literal, $group:literal) => {
        $v.extend($f::<$rc<Tracked, u8>>(concat!($name, "<_, u8>"), $group));
        $v.extend($f::<$rc<Tracked, u16>>(concat!($name, "<_, u16>"), $group));
        $v.extend($f::<$rc<Tracked, u32>>(concat!($name, "<_, u32>"), $group));
        $v.extend($f::<$rc<Tracked, u64>>(concat!($name, "<_, u64>"), $group));
        $v.extend($f::<$rc<Tracked, usize>>(
            concat!($name, "<_, usize>"),
            $group,
        ));
        $v.extend($f::<$rc<Tracked, Saturating<u8>>>(
            concat!($name, "<_, Saturating<u8>>"),
            $group,
        ));
        $v.extend($f::<$rc<Tracked, Saturating<u16>>>(
            concat!($name, "<_, Saturating<u16>>"),
            $group,
        ));
        $v.extend($f::<$rc<Tracked, Saturating<u32>>>(
            concat!($name, "<_, Saturating<u32>>"),
            $group,
        ));
        $v.extend($f::<$rc<Tracked, Saturating<u64>>>(
            concat!($name, "<_, Saturating<u64>>"),
            $group,
        ));
        $v.extend($f::<$rc<Tracked, Saturating<usize>>>(
            concat!($name, "<_, Saturating<usize>>"),
            $group,
        ));
    };
}

/// A pool per run (dropped, and its workers joined, before the run ends).
fn pool_scope<'env, F, T>(f: F) -> T
where
    F: for<'scope> FnOnce(&'scope PoolScope<'scope, 'env>) -> T,
{
    ThreadPool::new(2).scope(f)
}

/// `ThreadPool::map_chunks` over borrowed tracked data, each chunk's result
/// a tracked value. A panic in any chunk must come back out of
/// `map_chunks` only after every task finished (the borrowed data is alive
/// throughout), and every result computed is dropped exactly once, whether
/// `map_chunks` returned them or unwound.
fn pool_map_chunks(r: &Run) -> Check {
    const ITEMS: usize = 6;
    const CHUNK: usize = 2;
    let l = r.ledger();
    let data: Vec<Tracked> = l.track_range(ITEMS).collect();
    let pool = ThreadPool::new(2);
    let out = r.catch_propagated(|| {
        pool.map_chunks(&data, CHUNK, |c| {
            for x in c {
                l.tick(Op::Predicate);
                assert!(x.try_get().is_some(), "a chunk read dropped data");
            }
            l.track(c.len())
        })
    });
    drop(pool);
    r.set_steps(ITEMS);
    if let Some(out) = out {
        r.ensure(
            out.len() == ITEMS / CHUNK && out.iter().all(|t| *t.get() == CHUNK),
            || format!("map_chunks returned {} results", out.len()),
        )?;
    }
    r.check_ordered(&data)
}

/// A depth-two `join` tree on a pool (`ThreadPool::join` from outside,
/// then the free `thread::join` on the workers), each leaf reading borrowed
/// tracked data and returning a tracked value. A panic in any leaf comes out
/// of the outer `join` only after every leaf finished (the borrowed data is
/// alive throughout), and every leaf result is dropped exactly once, whether
/// `join` returned it or unwound.
fn pool_join(r: &Run) -> Check {
    let l = r.ledger();
    let data: Vec<Tracked> = l.track_range(2).collect();
    let pool = ThreadPool::new(2);
    let leaf = |i: usize| {
        for x in &data {
            l.tick(Op::Predicate);
            assert!(x.try_get().is_some(), "a join leaf read dropped data");
        }
        l.track(i)
    };
    let out = r.catch_propagated(|| {
        pool.join(
            || leaksafe::thread::join(|| leaf(0), || leaf(1)),
            || leaksafe::thread::join(|| leaf(2), || leaf(3)),
        )
    });
    drop(pool);
    r.set_steps(4);
    if let Some(((a, b), (c, d))) = out {
        let got = [*a.get(), *b.get(), *c.get(), *d.get()];
        r.ensure(got == [0, 1, 2, 3], || format!("join returned {got:?}"))?;
    }
    r.check_ordered(&data)
}

/// `ThreadPool::install` running a `join` on the pool: the closure runs on
/// a worker (the pool is current there), a panic in either half comes back
/// out of `install` after both finished, and both results are dropped
/// exactly once.
fn pool_install(r: &Run) -> Check {
    let l = r.ledger();
    let data: Vec<Tracked> = l.track_range(2).collect();
    let pool = ThreadPool::new(2);
    let half = |i: usize| {
        for x in &data {
            l.tick(Op::Predicate);
            assert!(x.try_get().is_some(), "an installed task read dropped data");
        }
        l.track(i)
    };
    let out = r.catch_propagated(|| {
        pool.install(|| {
            let index = leaksafe::thread::current_thread_index();
            let (a, b) = leaksafe::thread::join(|| half(0), || half(1));
            (index, a, b)
        })
    });
    drop(pool);
    r.set_steps(2);
    if let Some((index, a, b)) = out {
        r.ensure(index.is_some_and(|i| i < 2), || {
            format!("install ran off the pool (worker index {index:?})")
        })?;
        let got = [*a.get(), *b.get()];
        r.ensure(got == [0, 1], || format!("install returned {got:?}"))?;
    }
    r.check_ordered(&data)
}

/// `PoolScope::join` whose left half spawns tasks on the scope that borrow
/// tracked data and forgets their handles at every point (the chapter's
/// attack, inside fork-join), while the right half reads the same data: the
/// scope still waits for every task before the data can go.
fn pool_scope_join(r: &Run) -> Check {
    use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};
    const TASKS: usize = super::thread::THREADS;
    let l = r.ledger();
    let data: Vec<Tracked> = l.track_range(2).collect();
    let finished = AtomicUsize::new(0);
    let forget_n = r.forget_after(crate::Side::Front);
    let read = || {
        for x in &data {
            l.tick(Op::Predicate);
            assert!(x.try_get().is_some(), "a task read dropped data");
        }
    };
    r.catch_propagated(|| {
        pool_scope(|s| {
            s.join(
                || {
                    let hs: Vec<_> = (0..TASKS)
                        .map(|_| {
                            s.spawn(|| {
                                read();
                                finished.fetch_add(1, SeqCst);
                            })
                        })
                        .collect();
                    for (i, h) in hs.into_iter().enumerate() {
                        if forget_n.is_some_and(|n| i < n) {
                            r.forget(h);
                        } else {
                            drop(h.join());
                        }
                    }
                },
                read,
            )
        })
    });
    r.set_steps(TASKS);
    // One panic at most is injected; it stops one task (or the right half).
    let done = finished.load(SeqCst);
    let panicked = l.injected().len();
    r.ensure(done + panicked >= TASKS, || {
        format!("the scope returned with {done} of {TASKS} tasks finished")
    })?;
    r.check_ordered(&data)
}

scope_bodies!(
    ls_scope,
    leaksafe::thread::scope,
    borrow = spawn,
    then |h: leaksafe::thread::ScopedJoinHandle<'_, ()>| drop(h.join()),
    moved = moved,
);
scope_bodies!(
    ls_guard,
    leaksafe::thread::scope,
    guard = spawn_guard,
    then drop::<leaksafe::thread::JoinGuard<'_, ()>>,
);
scope_bodies!(
    ls_pool,
    super::pool_scope,
    borrow = spawn,
    then |h: leaksafe::thread::PoolHandle<'_, ()>| drop(h.join()),
    moved = moved,
);
scope_bodies!(
    ls_pool_guard,
    super::pool_scope,
    guard = spawn_guard,
    then drop::<leaksafe::thread::PoolJoinGuard<'_, ()>>,
);

/// Every scenario for leaksafe's types.
pub fn library() -> Vec<Scenario> {
    let mut v = vec_scenarios::<LVec>("leaksafe::vec::Vec", "vec");
    v.extend(splice_scenarios::<LVec>("leaksafe::vec::Vec", "vec"));
    v.extend(extract_if_scenarios::<LVec>("leaksafe::vec::Vec", "vec"));
    v.extend(more_scenarios::<LVec>("leaksafe::vec::Vec", "vec"));
    v.extend(insert_scenarios::<LVec>("leaksafe::vec::Vec", "vec"));
    rc_library!(v, rc_scenarios, LRc, "leaksafe::rc::Rc", "rc");
    rc_library!(v, arc_scenarios, LArc, "leaksafe::sync::Arc", "arc");
    for (target, borrow, moved, guard) in [
        (
            "leaksafe::thread::scope",
            ls_scope::borrow as fn(&Run) -> Check,
            ls_scope::moved as fn(&Run) -> Check,
            ls_guard::guard as fn(&Run) -> Check,
        ),
        (
            "leaksafe::thread::ThreadPool",
            ls_pool::borrow,
            ls_pool::moved,
            ls_pool_guard::guard,
        ),
    ] {
        v.push(Scenario::new(
            target,
            "borrow",
            "thread",
            Proxy::Forward,
            borrow,
        ));
        v.push(Scenario::new(target, "moved", "thread", Proxy::None, moved));
        v.push(Scenario::new(
            target,
            "guard",
            "thread",
            Proxy::Forward,
            guard,
        ));
    }
    v.push(Scenario::new(
        "leaksafe::thread::ThreadPool",
        "map_chunks",
        "thread",
        Proxy::None,
        pool_map_chunks,
    ));
    for (name, proxy, body) in [
        ("join", Proxy::None, pool_join as fn(&Run) -> Check),
        ("install", Proxy::None, pool_install),
        ("scope_join", Proxy::Forward, pool_scope_join),
    ] {
        v.push(Scenario::new(
            "leaksafe::thread::ThreadPool",
            name,
            "thread",
            proxy,
            body,
        ));
    }
    v.extend(super::thread::leaksafe_nested_scenarios());
    v.extend(super::counts::scenarios());
    v
}
