//! loom models of immortal `Arc`s (issue 19 §3): every interleaving of the
//! write-free clone/drop path with saturation by other threads, with
//! `into_immortal`, with `Weak::upgrade`, and with `get_mut`.
//!
//! Run with
//! `RUSTFLAGS="--cfg loom" LOOM_MAX_PREEMPTIONS=3 cargo test --release -p leaksafe --target-dir target/loom --test loom_immortal`.
//!
//! The value is a probe whose payload sits in a loom `UnsafeCell`: reads use
//! `with`, `get_mut` writes and `Drop` use `with_mut`, so loom reports a
//! "unique" access while another thread can read. An immortal value must
//! never be dropped (its drop counter stays 0) and its strong count must end
//! saturated.
#![cfg(loom)]

use core::num::Saturating;
use std::sync::Arc as StdArc;
use std::sync::atomic::{AtomicUsize as StdAtomicUsize, Ordering::SeqCst};

use leaksafe::sync::Arc;
use loom::cell::UnsafeCell;
use loom::thread;

struct Probe {
    cell: UnsafeCell<u32>,
    drops: StdArc<StdAtomicUsize>,
}

impl Probe {
    fn new() -> (Self, StdArc<StdAtomicUsize>) {
        let drops = StdArc::new(StdAtomicUsize::new(0));
        let p = Probe {
            cell: UnsafeCell::new(1),
            drops: drops.clone(),
        };
        (p, drops)
    }

    fn read(&self) -> u32 {
        // SAFETY: loom checks that no write is concurrent with this read.
        self.cell.with(|p| unsafe { *p })
    }

    fn write(&mut self, v: u32) {
        // SAFETY: `&mut self`; loom checks the claim of uniqueness.
        self.cell.with_mut(|p| unsafe { *p = v });
    }
}

impl Drop for Probe {
    fn drop(&mut self) {
        // SAFETY: `&mut self`; loom checks every read happened-before.
        self.cell.with_mut(|p| unsafe { *p = 0 });
        self.drops.fetch_add(1, SeqCst);
    }
}

fn model(f: impl Fn() + Sync + Send + 'static) {
    let mut b = loom::model::Builder::new();
    if b.preemption_bound.is_none() {
        b.preemption_bound = Some(3);
    }
    b.max_branches = 20_000;
    b.check(f);
}

type U8 = Saturating<u8>;
/// A wide count: its strong count saturates into a band (`count`'s
/// invariant 5) and `into_immortal`/`new_immortal` store the band's middle.
type U32 = Saturating<u32>;

/// `into_immortal` on one thread while others clone, drop and drop their
/// last clones: the value is never dropped and the count ends saturated.
#[test]
fn into_immortal_races_clone_and_drop() {
    into_immortal_races_clone_and_drop_with::<U8>(255);
}

/// The same with a wide count (the band).
#[test]
fn into_immortal_races_clone_and_drop_u32() {
    into_immortal_races_clone_and_drop_with::<U32>(u32::MAX as usize);
}

fn into_immortal_races_clone_and_drop_with<C: leaksafe::rc::SaturatingCount>(max: usize) {
    model(move || {
        let (p, drops) = Probe::new();
        let a: Arc<Probe, C> = Arc::new_counted(p);
        let b = a.clone();
        let c = a.clone();
        let t1 = thread::spawn(move || {
            let d = b.clone();
            assert_eq!(d.read(), 1);
            drop(d);
            drop(b);
        });
        let t2 = thread::spawn(move || drop(c));
        let a = Arc::into_immortal(a);
        t1.join().unwrap();
        t2.join().unwrap();
        assert!(Arc::is_immortal(&a));
        assert_eq!(Arc::strong_count(&a), max);
        drop(a);
        assert_eq!(drops.load(SeqCst), 0);
    });
}

/// Two threads each add a forgotten clone and drop their own clone, on a
/// count two below its maximum: if both increments come before either
/// decrement the count saturates, otherwise it ends exactly right. The
/// fast path never lowers a saturated count, no update is lost, and the
/// value (held by forgotten clones) is never dropped.
#[test]
fn fast_path_races_saturation() {
    model(|| {
        let (p, drops) = Probe::new();
        let a: Arc<Probe, U8> = Arc::new_counted(p);
        for _ in 0..250 {
            core::mem::forget(a.clone());
        }
        let b = a.clone();
        let c = a.clone(); // strong 253 = MAX - 2
        let t1 = thread::spawn(move || {
            core::mem::forget(b.clone());
            drop(b);
        });
        let t2 = thread::spawn(move || {
            core::mem::forget(c.clone());
            assert_eq!(c.read(), 1);
            drop(c);
        });
        t1.join().unwrap();
        t2.join().unwrap();
        if Arc::is_immortal(&a) {
            assert_eq!(Arc::strong_count(&a), 255);
        } else {
            // `a`, 250 + 2 forgotten clones.
            assert_eq!(Arc::strong_count(&a), 253);
        }
        drop(a);
        assert_eq!(drops.load(SeqCst), 0);
    });
}

/// `get_mut` on one `Arc` while another thread makes its clone immortal
/// and reads: `get_mut` never succeeds (the other clone exists until it is
/// immortal, and an immortal count is never 1), so loom sees no write racing
/// the read.
#[test]
fn get_mut_races_into_immortal() {
    model(|| {
        let (p, drops) = Probe::new();
        let mut a: Arc<Probe, U8> = Arc::new_counted(p);
        let b = a.clone();
        let t = thread::spawn(move || {
            let b = Arc::into_immortal(b);
            assert_eq!(b.read(), 1);
            drop(b);
        });
        if let Some(m) = Arc::get_mut(&mut a) {
            m.write(2);
            panic!("get_mut succeeded on a value another thread holds");
        }
        t.join().unwrap();
        assert!(Arc::get_mut(&mut a).is_none());
        drop(a);
        assert_eq!(drops.load(SeqCst), 0);
    });
}

/// An immortal value cloned, dropped, downgraded and upgraded on two threads.
#[test]
fn new_immortal_clone_drop_upgrade() {
    new_immortal_clone_drop_upgrade_with::<U8>();
}

/// The same with a wide count (the band).
#[test]
fn new_immortal_clone_drop_upgrade_u32() {
    new_immortal_clone_drop_upgrade_with::<U32>();
}

fn new_immortal_clone_drop_upgrade_with<C: leaksafe::rc::SaturatingCount>() {
    model(|| {
        let (p, drops) = Probe::new();
        let a: Arc<Probe, C> = Arc::new_immortal(p);
        let b = a.clone();
        let w = Arc::downgrade(&a);
        let t = thread::spawn(move || {
            let up = w.upgrade().unwrap();
            assert_eq!(up.read(), 1);
            drop(up);
            drop(w);
            drop(b);
        });
        let c = a.clone();
        assert_eq!(c.read(), 1);
        drop(c);
        t.join().unwrap();
        assert!(Arc::is_immortal(&a));
        drop(a);
        assert_eq!(drops.load(SeqCst), 0);
    });
}
