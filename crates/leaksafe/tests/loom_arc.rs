//! loom models of `leaksafe::sync::Arc`: every interleaving of the races that
//! broke real `Arc`s.
//!
//! Run with
//! `RUSTFLAGS="--cfg loom" LOOM_MAX_PREEMPTIONS=3 cargo test --release -p leaksafe --test loom_arc`.
//!
//! The shared value is a [`Probe`]: its payload sits in a loom `UnsafeCell`,
//! readers access it with `with` and its `Drop` (and `get_mut`/`make_mut`
//! writers) with `with_mut`, so loom reports any access that is not ordered
//! by happens-before with a write: a free while another thread still reads, or
//! a "unique" mutable access while another thread can read. A drop counter
//! checks that the value is dropped exactly once.
#![cfg(loom)]

use core::num::Saturating;
use std::sync::Arc as StdArc;
use std::sync::atomic::{AtomicUsize as StdAtomicUsize, Ordering::SeqCst};

use leaksafe::Count;
use leaksafe::sync::{Arc, Weak};
use loom::cell::UnsafeCell;
use loom::thread;

const ALIVE: u32 = 0xA11E;
const DEAD: u32 = 0xDEAD;

struct Probe {
    cell: UnsafeCell<u32>,
    drops: StdArc<StdAtomicUsize>,
}

impl Probe {
    fn new() -> (Self, StdArc<StdAtomicUsize>) {
        let drops = StdArc::new(StdAtomicUsize::new(0));
        (
            Probe {
                cell: UnsafeCell::new(ALIVE),
                drops: drops.clone(),
            },
            drops,
        )
    }

    /// A read of the payload: loom checks it against concurrent writes.
    fn read(&self) -> u32 {
        // SAFETY: loom's cell checks that no write is concurrent with this read.
        let v = self.cell.with(|p| unsafe { *p });
        assert_ne!(v, DEAD, "read after drop");
        v
    }

    /// A write through a unique reference (`get_mut`, `make_mut`).
    fn write(&mut self, v: u32) {
        // SAFETY: `&mut self`; loom checks the claim of uniqueness.
        self.cell.with_mut(|p| unsafe { *p = v });
    }
}

impl Clone for Probe {
    fn clone(&self) -> Self {
        Probe {
            cell: UnsafeCell::new(self.read()),
            // A clone counts its drop in the same counter, offset by 1000.
            drops: self.drops.clone(),
        }
    }
}

impl Drop for Probe {
    fn drop(&mut self) {
        // SAFETY: `&mut self`; loom checks that every read happened-before.
        self.cell.with_mut(|p| unsafe {
            assert_ne!(*p, DEAD, "double drop");
            *p = DEAD;
        });
        self.drops.fetch_add(1, SeqCst);
    }
}

fn model(f: impl Fn() + Sync + Send + 'static) {
    let mut b = loom::model::Builder::new();
    if b.preemption_bound.is_none() {
        b.preemption_bound = Some(3);
    }
    // The saturation models take a few hundred references before the race.
    b.max_branches = 20_000;
    b.check(f);
}

/// A fresh `Arc` to a [`Probe`], and the probe's drop counter.
fn probe_arc<C: Count>() -> (Arc<Probe, C>, StdArc<StdAtomicUsize>) {
    let (p, drops) = Probe::new();
    (Arc::new_counted(p), drops)
}

/// The racing reader: upgrades `w` and, if that succeeded, reads the value.
fn read_if_upgraded<C: Count>(w: &Weak<Probe, C>) {
    if let Some(up) = w.upgrade() {
        up.read();
    }
}

/// The other thread of the CVE-2018-25008 race: downgrade its clone `b`,
/// drop `b`, then upgrade and read.
fn downgrade_drop_upgrade<C: Count>(b: Arc<Probe, C>) {
    let w = Arc::downgrade(&b);
    drop(b);
    read_if_upgraded(&w);
}

/// Runs `other` on a second thread while this one writes `v` through
/// `get_mut` if `a` is unique, then joins.
fn get_mut_write_vs<C: Count>(a: &mut Arc<Probe, C>, v: u32, other: impl FnOnce() + 'static) {
    let t = thread::spawn(other);
    if let Some(m) = Arc::get_mut(a) {
        m.write(v);
    }
    t.join().unwrap();
}

macro_rules! models {
    ($($m:ident: $c:ty;)*) => {$(
        mod $m {
            use super::*;
            type C = $c;

            /// Two owners drop at once; the other thread reads first.
            #[test]
            fn clone_vs_last_drop() {
                model(|| {
                    let (a, drops) = probe_arc::<C>();
                    let b = a.clone();
                    let t = thread::spawn(move || {
                        b.read();
                        let c = b.clone();
                        drop(b);
                        c.read();
                    });
                    a.read();
                    drop(a);
                    t.join().unwrap();
                    assert_eq!(drops.load(SeqCst), 1);
                });
            }

            /// A Weak upgrades while the last strong reference drops: either the
            /// upgrade wins and reads a live value, or it sees None.
            #[test]
            fn upgrade_vs_last_drop() {
                model(|| {
                    let (a, drops) = probe_arc::<C>();
                    let w: Weak<Probe, C> = Arc::downgrade(&a);
                    let t = thread::spawn(move || {
                        read_if_upgraded(&w);
                        drop(w);
                    });
                    drop(a);
                    t.join().unwrap();
                    assert_eq!(drops.load(SeqCst), 1);
                });
            }

            /// The last Weak and the last Arc drop at once: the allocation is
            /// freed once (Miri/ASan check the free; loom checks the order).
            #[test]
            fn weak_drop_vs_strong_drop() {
                model(|| {
                    let (a, drops) = probe_arc::<C>();
                    let w = Arc::downgrade(&a);
                    let t = thread::spawn(move || drop(w));
                    drop(a);
                    t.join().unwrap();
                    assert_eq!(drops.load(SeqCst), 1);
                });
            }

            /// `get_mut` against a thread that upgrades a Weak it holds.
            #[test]
            fn get_mut_vs_upgrade() {
                model(|| {
                    let (mut a, _drops) = probe_arc::<C>();
                    let w = Arc::downgrade(&a);
                    get_mut_write_vs(&mut a, 1, move || read_if_upgraded(&w));
                    assert!(Arc::get_mut(&mut a).is_some());
                });
            }

            /// CVE-2018-25008 / rust-lang/rust#51780: another thread holds a
            /// clone, downgrades it, drops the clone and upgrades again, while
            /// `get_mut` checks for uniqueness. A check that reads the weak
            /// count and then the strong count without the weak lock sees
            /// "unique" in the gap.
            #[test]
            fn get_mut_vs_downgrade() {
                model(|| {
                    let (mut a, _drops) = probe_arc::<C>();
                    let b = a.clone();
                    get_mut_write_vs(&mut a, 1, move || downgrade_drop_upgrade(b));
                });
            }

            /// `make_mut` while another thread holds a Weak (and upgrades it):
            /// the value is either cloned, or moved out and the Weak
            /// disassociated; never written while the other thread reads.
            #[test]
            fn make_mut_with_weak() {
                model(|| {
                    let (mut a, drops) = probe_arc::<C>();
                    let w = Arc::downgrade(&a);
                    let t = thread::spawn(move || read_if_upgraded(&w));
                    Arc::make_mut(&mut a).write(2);
                    t.join().unwrap();
                    assert_eq!(a.read(), 2);
                    assert_eq!(Arc::weak_count(&a), 0);
                    drop(a);
                    // One value and at most one clone, all dropped.
                    let d = drops.load(SeqCst);
                    assert!(d == 1 || d == 2, "drops: {d}");
                });
            }

            /// `make_mut` while another thread drops its clone: whichever wins,
            /// the result is a unique, live value.
            #[test]
            fn make_mut_vs_clone_drop() {
                model(|| {
                    let (mut a, drops) = probe_arc::<C>();
                    let b = a.clone();
                    let t = thread::spawn(move || {
                        b.read();
                        drop(b);
                    });
                    Arc::make_mut(&mut a).write(3);
                    t.join().unwrap();
                    assert_eq!(Arc::strong_count(&a), 1);
                    drop(a);
                    let d = drops.load(SeqCst);
                    assert!(d == 1 || d == 2, "drops: {d}");
                });
            }

            /// `try_unwrap` against a concurrent upgrade.
            #[test]
            fn try_unwrap_vs_upgrade() {
                model(|| {
                    let (a, drops) = probe_arc::<C>();
                    let w = Arc::downgrade(&a);
                    let t = thread::spawn(move || read_if_upgraded(&w));
                    if let Ok(mut v) = Arc::try_unwrap(a) {
                        v.write(4);
                    }
                    t.join().unwrap();
                    assert_eq!(drops.load(SeqCst), 1);
                });
            }

            /// Two `into_inner` race: exactly one gets the value.
            #[test]
            fn into_inner_race() {
                model(|| {
                    let (a, drops) = probe_arc::<C>();
                    let b = a.clone();
                    let t = thread::spawn(move || Arc::into_inner(b).map(|mut v| v.write(5)).is_some());
                    let mine = Arc::into_inner(a).map(|mut v| v.write(6)).is_some();
                    let theirs = t.join().unwrap();
                    assert!(mine ^ theirs);
                    assert_eq!(drops.load(SeqCst), 1);
                });
            }
        }
    )*};
}

models! {
    count_usize: usize;
    count_u8: u8;
    // The band path of wide saturating strong counts (load, then std's
    // fetch_add/fetch_sub; `count`'s invariant 5) below saturation.
    count_sat_u32: core::num::Saturating<u32>;
}

/// Saturation under concurrent clones and drops: the strong count starts one
/// below the maximum; two threads each clone and drop. Whatever the
/// interleaving, once a clone saturates the count it stays saturated and the
/// value is never dropped; if no clone saturates, the count returns to where
/// it started.
fn saturation_model<C: Count>(max: usize) {
    model(move || {
        let (a, drops) = probe_arc::<C>();
        let held: Vec<Arc<Probe, C>> = (2..max).map(|_| a.clone()).collect();
        assert_eq!(Arc::strong_count(&a), max - 1);
        let b = a.clone(); // max - 0: saturated now
        let c = a.clone();
        let t = thread::spawn(move || {
            let d = b.clone();
            drop(b);
            d.read();
            drop(d);
        });
        let e = c.clone();
        drop(c);
        e.read();
        drop(e);
        t.join().unwrap();
        drop(held);
        assert_eq!(Arc::strong_count(&a), max);
        drop(a);
        assert_eq!(drops.load(SeqCst), 0, "a saturated value was dropped");
    });
}

#[test]
fn saturation_u8() {
    saturation_model::<Saturating<u8>>(255);
}

/// Racing at the edge of saturation: the count is 253 when two threads
/// each clone (forgetting the clone) and drop their own reference while the
/// main thread clones and drops. Interleavings where the clones run ahead of
/// the drops reach 255 and saturate (the count then sticks); the others
/// never reach it and end at 253. No interleaving wraps the count or drops
/// the value.
#[test]
fn saturation_race_from_below_u8() {
    model(|| {
        let (a, drops) = probe_arc::<Saturating<u8>>();
        for _ in 1..251 {
            core::mem::forget(a.clone());
        }
        let mine: Vec<_> = (0..2).map(|_| a.clone()).collect();
        assert_eq!(Arc::strong_count(&a), 253);
        let threads: Vec<_> = mine
            .into_iter()
            .map(|mine| {
                thread::spawn(move || {
                    core::mem::forget(mine.clone());
                    drop(mine);
                })
            })
            .collect();
        let b = a.clone();
        drop(b);
        for t in threads {
            t.join().unwrap();
        }
        let end = Arc::strong_count(&a);
        assert!(end == 253 || end == 255, "count ended at {end}");
        if end == 255 {
            // Saturated: clone and drop leave it alone.
            drop(a.clone());
            assert_eq!(Arc::strong_count(&a), 255);
        }
        drop(a);
        assert_eq!(drops.load(SeqCst), 0);
    });
}

/// The weak-count lock of `get_mut` does not collide with a saturated weak
/// count: with a saturated weak count `get_mut` must fail (a Weak may always
/// upgrade), and a downgrade racing `get_mut` neither deadlocks nor
/// corrupts the count.
#[test]
fn saturated_weak_vs_get_mut_u8() {
    model(|| {
        let (mut a, _drops) = probe_arc::<Saturating<u8>>();
        for _ in 0..260 {
            core::mem::forget(Arc::downgrade(&a));
        }
        let sat = Arc::weak_count(&a);
        let b = a.clone();
        get_mut_write_vs(&mut a, 7, move || downgrade_drop_upgrade(b));
        assert!(Arc::get_mut(&mut a).is_none());
        assert_eq!(Arc::weak_count(&a), sat);
    });
}

/// The same race as `get_mut_vs_downgrade`, for `Weak::clone` and the weak
/// lock with a `u8` count near its ceiling.
#[test]
fn weak_clone_vs_get_mut_u8() {
    model(|| {
        let (mut a, _drops) = probe_arc::<u8>();
        let w = Arc::downgrade(&a);
        get_mut_write_vs(&mut a, 8, move || {
            let w2 = w.clone();
            drop(w);
            read_if_upgraded(&w2);
        });
        assert!(Arc::get_mut(&mut a).is_some());
    });
}

/// The models above are only worth something if loom explores more than one
/// interleaving, i.e. if the library's atomics are loom's (through
/// `crate::loom`). Count the executions of a small race.
#[test]
fn loom_explores_the_arc_atomics() {
    static RUNS: StdAtomicUsize = StdAtomicUsize::new(0);
    model(|| {
        RUNS.fetch_add(1, SeqCst);
        let a: Arc<u32, u8> = Arc::new_counted(1);
        let b = a.clone();
        let t = thread::spawn(move || drop(b));
        drop(a);
        t.join().unwrap();
    });
    let runs = RUNS.load(SeqCst);
    println!("loom executions: {runs}");
    assert!(runs > 2, "loom explored only {runs} executions");
}

#[allow(dead_code)]
fn _weak_type_check(w: Weak<Probe, u8>) -> Option<Arc<Probe, u8>> {
    w.upgrade()
}
