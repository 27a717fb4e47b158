//! `leaksafe::sync::{Arc, Weak}`: std's API, at every count width and policy.
//!
//! Every test that owns values uses the drop ledger to check that each value is
//! dropped exactly once (or, in `leaky_*` tests, never). Tests that expect the
//! process to abort re-execute this binary and check for SIGABRT.

use core::cell::Cell;
use core::num::Saturating;
use std::any::Any;
use std::borrow::Borrow;
use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};
use std::mem;
use std::panic::AssertUnwindSafe;
use std::sync::atomic::{AtomicUsize, Ordering};

use leaksafe::Count;
use leaksafe::sync::{Arc, Weak};
use leaksafe_check::{Ledger, Op, Tracked, catch};

#[path = "common/abort.rs"]
mod abort;
#[path = "common/differential.rs"]
#[macro_use]
mod differential;

/// Per-width tests: instantiated once for every count type.
macro_rules! per_count {
    ($($m:ident: $c:ty;)*) => {$(
        mod $m {
            use super::*;
            type C = $c;

            #[test]
            fn clone_and_drop() {
                let ledger = Ledger::new();
                let a: Arc<Tracked, C> = Arc::new_counted(ledger.track(7));
                assert_eq!(Arc::strong_count(&a), 1);
                assert_eq!(Arc::weak_count(&a), 0);
                let b = Arc::clone(&a);
                assert_eq!(Arc::strong_count(&a), 2);
                assert!(Arc::ptr_eq(&a, &b));
                assert_eq!(*b.get(), 7);
                drop(a);
                assert_eq!(Arc::strong_count(&b), 1);
                assert_eq!(ledger.summary().live, 1);
                drop(b);
                ledger.assert_all_dropped();
            }

            #[test]
            fn downgrade_upgrade() {
                let ledger = Ledger::new();
                let a: Arc<Tracked, C> = Arc::new_counted(ledger.track(1));
                let w = Arc::downgrade(&a);
                assert_eq!(Arc::weak_count(&a), 1);
                assert_eq!(Weak::strong_count(&w), 1);
                assert_eq!(Weak::weak_count(&w), 1);
                let w2 = w.clone();
                assert_eq!(Arc::weak_count(&a), 2);
                let up = w.upgrade().expect("alive");
                assert_eq!(Arc::strong_count(&a), 2);
                assert!(Arc::ptr_eq(&a, &up));
                drop(up);
                drop(a);
                ledger.assert_all_dropped();
                assert!(w.upgrade().is_none());
                assert_eq!(Weak::strong_count(&w), 0);
                assert_eq!(Weak::weak_count(&w), 0);
                assert!(w.ptr_eq(&w2));
                drop(w);
                drop(w2);
            }

            #[test]
            fn get_mut_and_make_mut() {
                let ledger = Ledger::new();
                let mut a: Arc<Tracked, C> = Arc::new_counted(ledger.track(1));
                assert!(Arc::get_mut(&mut a).is_some());
                let b = a.clone();
                assert!(Arc::get_mut(&mut a).is_none());
                drop(b);
                let w = Arc::downgrade(&a);
                assert!(Arc::get_mut(&mut a).is_none(), "a Weak could upgrade");
                drop(w);
                assert!(Arc::get_mut(&mut a).is_some());

                // Shared: make_mut clones.
                let b = a.clone();
                let before = ledger.summary().created;
                Arc::make_mut(&mut a);
                assert_eq!(ledger.summary().created, before + 1);
                assert!(!Arc::ptr_eq(&a, &b));
                assert_eq!(Arc::strong_count(&b), 1);
                // Unique: make_mut does not clone.
                let p = Arc::as_ptr(&a);
                Arc::make_mut(&mut a);
                assert_eq!(p, Arc::as_ptr(&a));
                assert_eq!(ledger.summary().created, before + 1);
                drop((a, b));
                ledger.assert_all_dropped();
            }

            #[test]
            fn make_mut_disassociates_weak() {
                let ledger = Ledger::new();
                let mut a: Arc<Tracked, C> = Arc::new_counted(ledger.track(5));
                let w = Arc::downgrade(&a);
                let created = ledger.summary().created;
                let old = Arc::as_ptr(&a);
                Arc::make_mut(&mut a);
                // The value moved (no clone) and the weak no longer sees it.
                assert_eq!(ledger.summary().created, created);
                assert_ne!(old, Arc::as_ptr(&a));
                assert!(w.upgrade().is_none());
                assert_eq!(Arc::weak_count(&a), 0);
                assert_eq!(*a.get(), 5);
                drop(a);
                drop(w);
                ledger.assert_all_dropped();
            }

            #[test]
            fn make_mut_clone_panics_leaves_counts() {
                let ledger = Ledger::new();
                let mut a: Arc<Tracked, C> = Arc::new_counted(ledger.track(5));
                let b = a.clone();
                let w = Arc::downgrade(&a);
                ledger.fail_at(Op::Clone, 0);
                let r = catch(|| {
                    Arc::make_mut(&mut a);
                });
                assert!(matches!(r, Err(Some(_))));
                assert_eq!(Arc::strong_count(&a), 2);
                assert_eq!(Arc::weak_count(&a), 1);
                assert!(Arc::ptr_eq(&a, &b));
                drop(b);
                // Now unique with a weak: moves, then the weak is dead.
                Arc::make_mut(&mut a);
                assert!(w.upgrade().is_none());
                drop(a);
                ledger.assert_all_dropped();
            }

            #[test]
            fn try_unwrap_into_inner_unwrap_or_clone() {
                let ledger = Ledger::new();
                let a: Arc<Tracked, C> = Arc::new_counted(ledger.track(1));
                let b = a.clone();
                let a = Arc::try_unwrap(a).expect_err("shared");
                drop(b);
                let w = Arc::downgrade(&a);
                let t = Arc::try_unwrap(a).expect("unique");
                assert!(w.upgrade().is_none());
                drop(w);
                assert_eq!(*t.get(), 1);
                drop(t);

                let a: Arc<Tracked, C> = Arc::new_counted(ledger.track(2));
                let b = a.clone();
                assert!(Arc::into_inner(a).is_none());
                let t = Arc::into_inner(b).expect("last");
                assert_eq!(*t.get(), 2);
                drop(t);

                let a: Arc<Tracked, C> = Arc::new_counted(ledger.track(3));
                let b = a.clone();
                let t = Arc::unwrap_or_clone(a); // clones
                let u = Arc::unwrap_or_clone(b); // moves
                assert_eq!((*t.get(), *u.get()), (3, 3));
                assert_ne!(t.id(), u.id());
                drop((t, u));
                ledger.assert_all_dropped();
            }

            #[test]
            fn new_cyclic() {
                struct Node {
                    me: Weak<Node, C>,
                    val: Tracked,
                }
                let ledger = Ledger::new();
                let a: Arc<Node, C> = Arc::new_cyclic_counted(|me| {
                    assert!(me.upgrade().is_none());
                    assert_eq!(Weak::strong_count(me), 0);
                    Node { me: me.clone(), val: ledger.track(9) }
                });
                let again = a.me.upgrade().expect("initialized");
                assert!(Arc::ptr_eq(&a, &again));
                assert_eq!(Arc::strong_count(&a), 2);
                assert_eq!(Arc::weak_count(&a), 1);
                assert_eq!(*a.val.get(), 9);
                drop(again);
                drop(a);
                ledger.assert_all_dropped();
            }

            /// The closure keeps a clone of its `Weak`: on stable the block
            /// is leaked (freeing it would need the layout of an
            /// uninitialised value, see `rc_box`); with `nightly` it is freed.
            #[test]
            fn leaky_new_cyclic_panics() {
                let ledger = Ledger::new();
                let kept = Cell::new(None);
                let r = catch(|| {
                    Arc::<Tracked, C>::new_cyclic_counted(|me| {
                        kept.set(Some(me.clone()));
                        let _t = ledger.track(0);
                        panic!("in the closure");
                    })
                });
                assert!(matches!(r, Err(None)));
                let w = kept.take().expect("closure ran");
                assert!(w.upgrade().is_none());
                drop(w);
                ledger.assert_all_dropped();
            }

            #[test]
            fn into_raw_from_raw() {
                let ledger = Ledger::new();
                let a: Arc<Tracked, C> = Arc::new_counted(ledger.track(4));
                let p = Arc::into_raw(a.clone());
                assert_eq!(p, Arc::as_ptr(&a));
                // SAFETY: `p` came from `into_raw` of an `Arc<Tracked, C>`.
                let b = unsafe { Arc::<Tracked, C>::from_raw_counted(p) };
                assert!(Arc::ptr_eq(&a, &b));
                drop((a, b));
                ledger.assert_all_dropped();

                let s: Arc<str, C> = Arc::from("hello");
                let p = Arc::into_raw(s);
                // SAFETY: `p` came from `into_raw` of an `Arc<str, C>`.
                let s = unsafe { Arc::<str, C>::from_raw_counted(p) };
                assert_eq!(&*s, "hello");
            }

            #[test]
            fn weak_into_raw_from_raw() {
                let a: Arc<u32, C> = Arc::new_counted(6);
                let w = Arc::downgrade(&a);
                let p = Weak::into_raw(w);
                assert_eq!(p, Arc::as_ptr(&a));
                // SAFETY: `p` came from `Weak::into_raw` of a `Weak<u32, C>`.
                let w = unsafe { Weak::<u32, C>::from_raw_counted(p) };
                assert_eq!(*w.upgrade().unwrap(), 6);
                assert_eq!(w.as_ptr(), Arc::as_ptr(&a));
            }

            #[test]
            fn weak_new() {
                let w: Weak<u64, C> = Weak::new_counted();
                assert!(w.upgrade().is_none());
                assert_eq!(w.strong_count(), 0);
                assert_eq!(w.weak_count(), 0);
                let w2 = w.clone();
                assert!(w.ptr_eq(&w2));

                let z: Weak<(), C> = Weak::default();
                assert!(z.upgrade().is_none());
                let z2 = z.clone();
                drop((z, z2));

                #[repr(align(256))]
                struct Big(#[allow(dead_code)] u8);
                let b: Weak<Big, C> = Weak::new_counted();
                assert!(b.upgrade().is_none());
                assert_eq!(b.weak_count(), 0);
                drop(b.clone());

                let dangling: Weak<u8, C> = Weak::new_counted();
                let p = Weak::into_raw(dangling);
                // SAFETY: `p` came from `Weak::into_raw`.
                let back = unsafe { Weak::<u8, C>::from_raw_counted(p) };
                assert!(back.upgrade().is_none());
            }

            #[test]
            fn zero_sized_and_over_aligned() {
                let a: Arc<(), C> = Arc::new_counted(());
                let b = a.clone();
                assert!(Arc::ptr_eq(&a, &b));
                drop((a, b));

                #[repr(align(128))]
                #[derive(Clone)]
                struct Aligned(u8);
                let a: Arc<Aligned, C> = Arc::new_counted(Aligned(3));
                assert_eq!(Arc::as_ptr(&a) as usize % 128, 0);
                let w = Arc::downgrade(&a);
                assert_eq!(w.upgrade().unwrap().0, 3);
            }

            #[test]
            fn unsized_values() {
                let ledger = Ledger::new();
                // slices from &[T], Vec<T> and an iterator
                let s: Arc<[Tracked], C> = Arc::from(&[ledger.track(1), ledger.track(2)][..]);
                assert_eq!(s.len(), 2);
                let v: Arc<[Tracked], C> = Arc::from(ledger.track_range(3).collect::<Vec<_>>());
                assert_eq!(v.len(), 3);
                let it: Arc<[Tracked], C> = ledger.track_range(4).filter(|t| *t.get() % 2 == 0).collect();
                assert_eq!(it.len(), 2);
                let w = Arc::downgrade(&it);
                assert_eq!(w.upgrade().unwrap().len(), 2);
                let p = Arc::into_raw(it);
                // SAFETY: `p` came from `into_raw` of an `Arc<[Tracked], C>`.
                let it = unsafe { Arc::<[Tracked], C>::from_raw_counted(p) };
                drop((s, v, it));
                assert!(w.upgrade().is_none());
                ledger.assert_all_dropped();

                let e: Arc<[u8], C> = Arc::from(Vec::new());
                assert!(e.is_empty());
                let z: Arc<[()], C> = Arc::from(vec![(); 5]);
                assert_eq!(z.len(), 5);

                let st: Arc<str, C> = Arc::from("héllo");
                assert_eq!(&*st, "héllo");
                let st2: Arc<str, C> = Arc::from(String::from("owned"));
                assert_eq!(&*st2, "owned");

                let bx: Box<dyn Any + Send + Sync> = Box::new(ledger.track(8usize));
                let d: Arc<dyn Any + Send + Sync, C> = Arc::from(bx);
                assert_eq!(*d.downcast_ref::<Tracked>().unwrap().get(), 8);
                let wd = Arc::downgrade(&d);
                let p = Arc::into_raw(d);
                // SAFETY: `p` came from `into_raw` of this same type.
                let d = unsafe { Arc::<dyn Any + Send + Sync, C>::from_raw_counted(p) };
                drop(d);
                assert!(wd.upgrade().is_none());
                ledger.assert_all_dropped();

                let bs: Box<[u16]> = vec![1, 2, 3].into_boxed_slice();
                let a: Arc<[u16], C> = Arc::from(bs);
                assert_eq!(&*a, &[1, 2, 3]);
            }

            #[test]
            fn from_box() {
                let ledger = Ledger::new();
                let a: Arc<Tracked, C> = Arc::from(Box::new(ledger.track(3)));
                assert_eq!(*a.get(), 3);
                drop(a);
                ledger.assert_all_dropped();
            }

            #[test]
            fn traits() {
                let a: Arc<i32, C> = Arc::new_counted(5);
                let b: Arc<i32, C> = Arc::from(5);
                let c: Arc<i32, C> = Arc::new_counted(6);
                assert_eq!(a, b);
                assert!(a < c);
                assert_eq!(a.cmp(&c), std::cmp::Ordering::Less);
                assert_eq!(a.partial_cmp(&b), Some(std::cmp::Ordering::Equal));
                let h = |x: &dyn Fn(&mut DefaultHasher)| {
                    let mut s = DefaultHasher::new();
                    x(&mut s);
                    s.finish()
                };
                assert_eq!(h(&|s| a.hash(s)), h(&|s| 5i32.hash(s)));
                assert_eq!(format!("{a:?} {a}"), "5 5");
                assert_eq!(format!("{a:p}"), format!("{:p}", Arc::as_ptr(&a)));
                let r: &i32 = a.borrow();
                assert_eq!(*r, 5);
                assert_eq!(*AsRef::<i32>::as_ref(&a), 5);
                let d: Arc<Vec<u8>, C> = Arc::default();
                assert!(d.is_empty());
                let w: Weak<i32, C> = Weak::new_counted();
                assert_eq!(format!("{w:?}"), "(Weak)");
                let p = Arc::<i32, C>::pin_counted(7);
                assert_eq!(*p, 7);
            }

            #[test]
            fn send_between_threads() {
                let ledger = Ledger::new();
                let a: Arc<Tracked, C> = Arc::new_counted(ledger.track(11));
                let handles: Vec<_> = (0..3)
                    .map(|_| {
                        let a = a.clone();
                        let w = Arc::downgrade(&a);
                        std::thread::spawn(move || {
                            for _ in 0..10 {
                                let b = a.clone();
                                assert_eq!(*b.get(), 11);
                                let u = w.upgrade().unwrap();
                                drop((b, u));
                            }
                        })
                    })
                    .collect();
                for h in handles {
                    h.join().unwrap();
                }
                assert_eq!(Arc::strong_count(&a), 1);
                assert_eq!(Arc::weak_count(&a), 0);
                drop(a);
                ledger.assert_all_dropped();
            }

            #[test]
            fn drop_panics_once() {
                // The value's Drop panics: it is still dropped exactly once and
                // the allocation is freed (Miri checks the latter).
                let ledger = Ledger::new();
                let a: Arc<Tracked, C> = Arc::new_counted(ledger.track(1));
                let w = Arc::downgrade(&a);
                ledger.fail_at(Op::Drop, 0);
                let r = catch(AssertUnwindSafe(|| drop(a)));
                assert!(r.is_err());
                assert!(w.upgrade().is_none());
                drop(w);
                ledger.assert_all_dropped();
            }
        }
    )*};
}

per_count! {
    c_u8: u8;
    c_u16: u16;
    c_u32: u32;
    c_u64: u64;
    c_usize: usize;
    c_sat_u8: Saturating<u8>;
    c_sat_u16: Saturating<u16>;
    c_sat_u32: Saturating<u32>;
    c_sat_u64: Saturating<u64>;
    c_sat_usize: Saturating<usize>;
}

#[test]
fn default_count_is_usize() {
    let a: Arc<u8> = Arc::new(1);
    let b: Arc<u8, usize> = a;
    let w: Weak<u8> = Arc::downgrade(&b);
    let _: Weak<u8, usize> = w;
}

// ---- Send and Sync exactly when std's -----------------------------------

fn is_send<T: ?Sized + Send>() {}
fn is_sync<T: ?Sized + Sync>() {}

/// Compiles only if `T` is not `Send` (two impls become ambiguous otherwise).
trait AmbiguousIfSend<A> {
    fn check() {}
}
impl<T: ?Sized> AmbiguousIfSend<()> for T {}
impl<T: ?Sized + Send> AmbiguousIfSend<u8> for T {}
/// Compiles only if `T` is not `Sync`.
trait AmbiguousIfSync<A> {
    fn check() {}
}
impl<T: ?Sized> AmbiguousIfSync<()> for T {}
impl<T: ?Sized + Sync> AmbiguousIfSync<u8> for T {}

#[test]
fn send_sync_like_std() {
    is_send::<Arc<u8, u8>>();
    is_sync::<Arc<u8, u8>>();
    is_send::<Weak<str, Saturating<u16>>>();
    is_sync::<Weak<str, Saturating<u16>>>();
    is_send::<Arc<dyn Any + Send + Sync>>();
    // std::sync::Arc<Cell<_>> is neither Send nor Sync (T: Send but not Sync).
    <Arc<Cell<u8>> as AmbiguousIfSend<_>>::check();
    <Arc<Cell<u8>> as AmbiguousIfSync<_>>::check();
    <Weak<Cell<u8>, u8> as AmbiguousIfSend<_>>::check();
    <Weak<Cell<u8>, u8> as AmbiguousIfSync<_>>::check();
    // MutexGuard is Sync but not Send: Arc<MutexGuard> is neither.
    <Arc<std::sync::MutexGuard<'static, u8>> as AmbiguousIfSend<_>>::check();
    <Arc<std::sync::MutexGuard<'static, u8>> as AmbiguousIfSync<_>>::check();
    // std agrees on all of the above.
    <std::sync::Arc<Cell<u8>> as AmbiguousIfSend<_>>::check();
    <std::sync::Arc<std::sync::MutexGuard<'static, u8>> as AmbiguousIfSync<_>>::check();
}

#[test]
fn pin_and_unpin() {
    let p: std::pin::Pin<Arc<String, u16>> = Arc::pin_counted(String::from("x"));
    assert_eq!(p.as_str(), "x");
    fn is_unpin<T: Unpin>() {}
    is_unpin::<Arc<std::marker::PhantomPinned>>();
}

// ---- threads, many schedules under Miri ---------------------------------

const THREADS: usize = if cfg!(miri) { 3 } else { 6 };
const ROUNDS: usize = if cfg!(miri) { 8 } else { 2000 };

/// Several threads race to drop the last strong reference while others
/// upgrade: the value is dropped exactly once, and no upgrade succeeds after.
fn race_last_drop<C: Count>() {
    let ledger = Ledger::new();
    for _ in 0..if cfg!(miri) { 2 } else { 50 } {
        let a: Arc<Tracked, C> = Arc::new_counted(ledger.track(1));
        let w = Arc::downgrade(&a);
        let dropped_seen = std::sync::Arc::new(AtomicUsize::new(0));
        let hs: Vec<_> = (0..THREADS)
            .map(|i| {
                let a = a.clone();
                let w = w.clone();
                std::thread::spawn(move || {
                    if i % 2 == 0 {
                        drop(a);
                        for _ in 0..ROUNDS / 100 + 1 {
                            if let Some(up) = w.upgrade() {
                                assert_eq!(*up.get(), 1);
                            }
                        }
                    } else {
                        for _ in 0..ROUNDS / 100 + 1 {
                            let b = a.clone();
                            assert_eq!(*b.get(), 1);
                        }
                        drop(a);
                    }
                })
            })
            .collect();
        drop(a);
        for h in hs {
            h.join().unwrap();
        }
        assert!(w.upgrade().is_none());
        dropped_seen.fetch_add(1, Ordering::Relaxed);
        ledger.assert_all_dropped();
    }
}

#[test]
fn threads_race_last_drop_usize() {
    race_last_drop::<usize>();
}
#[test]
fn threads_race_last_drop_u8() {
    race_last_drop::<u8>();
}
#[test]
fn threads_race_last_drop_saturating_u16() {
    race_last_drop::<Saturating<u16>>();
}

/// `get_mut` races a thread that downgrades and upgrades through a Weak it
/// already holds: whenever `get_mut` succeeds, nobody else can read.
#[test]
fn threads_get_mut_vs_upgrade() {
    for _ in 0..if cfg!(miri) { 2 } else { 200 } {
        let mut a: Arc<u64, u8> = Arc::new_counted(0);
        let w = Arc::downgrade(&a);
        let h = std::thread::spawn(move || {
            let mut seen = 0;
            for _ in 0..5 {
                if let Some(up) = w.upgrade() {
                    let w2 = Arc::downgrade(&up);
                    seen = seen.max(*up);
                    drop(w2);
                }
            }
            seen
        });
        for i in 0..5 {
            if let Some(m) = Arc::get_mut(&mut a) {
                *m = i;
            }
            if let Some(m) = Arc::get_mut(&mut a) {
                *m += 1;
            }
        }
        let _ = h.join().unwrap();
        assert!(Arc::get_mut(&mut a).is_some());
    }
}

// ---- limits: abort by re-execution, saturation --------------------------

const CHILD_ENV: &str = "LEAKSAFE_ARC_ABORT_CHILD";

fn in_child() -> bool {
    std::env::var_os(CHILD_ENV).is_some()
}

/// Holds `Arc` references up to `limit` (forgetting clones), checks the count,
/// then performs `step` which must abort.
fn abort_child<T: 'static, C: Count>(
    limit: usize,
    step: impl FnOnce(&Arc<T, C>, &Weak<T, C>),
    v: T,
) {
    let a: Arc<T, C> = Arc::new_counted(v);
    let w = Arc::downgrade(&a);
    drop(w);
    let w = Arc::downgrade(&a);
    for _ in 1..limit {
        mem::forget(a.clone());
    }
    assert_eq!(Arc::strong_count(&a), limit);
    abort::reached_limit();
    step(&a, &w);
    abort::survived();
}

/// The same for the weak count: hold `limit` weak references.
fn weak_abort_child<C: Count>(limit: usize, step: impl FnOnce(&Arc<u8, C>, &Weak<u8, C>)) {
    let a: Arc<u8, C> = Arc::new_counted(1);
    let w = Arc::downgrade(&a);
    for _ in 1..limit {
        mem::forget(Arc::downgrade(&a));
    }
    assert_eq!(Arc::weak_count(&a), limit);
    abort::reached_limit();
    step(&a, &w);
    abort::survived();
}

macro_rules! abort_tests {
    ($($name:ident: $c:ty, $limit:expr, $kind:ident, |$a:ident, $w:ident| $step:expr;)*) => {$(
        #[test]
        #[cfg_attr(miri, ignore = "Miri cannot re-execute the test binary")]
        fn $name() {
            if in_child() {
                abort_tests!(@child $kind, $c, $limit, |$a, $w| $step);
            } else {
                abort::expect_abort(stringify!($name), CHILD_ENV, "1");
            }
        }
    )*};
    (@child strong, $c:ty, $limit:expr, |$a:ident, $w:ident| $step:expr) => {
        abort_child::<u8, $c>($limit, |$a, $w| { let _ = $step; }, 1)
    };
    (@child weak, $c:ty, $limit:expr, |$a:ident, $w:ident| $step:expr) => {
        weak_abort_child::<$c>($limit, |$a, $w| { let _ = $step; })
    };
}

abort_tests! {
    abort_u8_clone: u8, 255, strong, |a, _w| mem::forget(a.clone());
    abort_u8_upgrade: u8, 255, strong, |_a, w| mem::forget(w.upgrade());
    abort_u16_clone: u16, 65535, strong, |a, _w| mem::forget(a.clone());
    abort_u16_upgrade: u16, 65535, strong, |_a, w| mem::forget(w.upgrade());
    abort_u8_downgrade: u8, 253, weak, |a, _w| mem::forget(Arc::downgrade(a));
    abort_u8_weak_clone: u8, 253, weak, |_a, w| mem::forget(w.clone());
    abort_u16_downgrade: u16, 65533, weak, |a, _w| mem::forget(Arc::downgrade(a));
    abort_u16_weak_clone: u16, 65533, weak, |_a, w| mem::forget(w.clone());
}

/// Runs `f` in `n` threads at once.
fn in_threads(n: usize, f: impl Fn(usize) + Sync) {
    std::thread::scope(|s| {
        for i in 0..n {
            let f = &f;
            s.spawn(move || f(i));
        }
    });
}

/// `u16` holds 65,535 strong references even when the last ones are taken by
/// racing threads (a check-before-publish count, not fetch_add + half range).
#[test]
#[cfg_attr(miri, ignore = "65,535 clones are too slow under Miri")]
fn u16_holds_full_range_under_threads() {
    let ledger = Ledger::new();
    let a: Arc<Tracked, u16> = Arc::new_counted(ledger.track(0));
    let per = (65535 - 1) / 2;
    in_threads(2, |_| {
        for _ in 0..per {
            mem::forget(a.clone());
        }
    });
    assert_eq!(Arc::strong_count(&a), 65535);
    // Give them back (into_raw/from_raw-free: decrement via drop of clones made
    // from raw pointers is not possible, so use increment/decrement API).
    for _ in 0..65534 {
        // SAFETY: each call releases one of the references forgotten above.
        unsafe { Arc::<Tracked, u16>::decrement_strong_count_counted(Arc::as_ptr(&a)) };
    }
    assert_eq!(Arc::strong_count(&a), 1);
    drop(a);
    ledger.assert_all_dropped();
}

#[test]
fn increment_decrement_strong_count() {
    let ledger = Ledger::new();
    let a: Arc<Tracked, u8> = Arc::new_counted(ledger.track(0));
    let p = Arc::into_raw(a);
    // SAFETY: `p` came from `into_raw` and its reference is still held.
    unsafe { Arc::<Tracked, u8>::increment_strong_count_counted(p) };
    // SAFETY: as above; two references are now held through `p`.
    let a = unsafe { Arc::<Tracked, u8>::from_raw_counted(p) };
    assert_eq!(Arc::strong_count(&a), 2);
    // SAFETY: releases the reference added by `increment_strong_count`.
    unsafe { Arc::<Tracked, u8>::decrement_strong_count_counted(p) };
    assert_eq!(Arc::strong_count(&a), 1);
    drop(a);
    ledger.assert_all_dropped();
}

/// Saturation: past the maximum the value is immortal, whatever is dropped.
fn saturate<C: Count>(max: usize) {
    let ledger = Ledger::new();
    let mut a: Arc<Tracked, C> = Arc::new_counted(ledger.track(1));
    let n = if cfg!(miri) { max.min(300) } else { max };
    let extra: Vec<_> = (0..n + 3).map(|_| a.clone()).collect();
    if n == max {
        assert_eq!(Arc::strong_count(&a), max);
        // Saturated: never unique, never unwrapped, and every drop is a no-op.
        assert!(Arc::get_mut(&mut a).is_none());
        drop(extra);
        assert_eq!(Arc::strong_count(&a), max);
        assert!(Arc::get_mut(&mut a).is_none());
        let w = Arc::downgrade(&a);
        let a = Arc::try_unwrap(a).expect_err("immortal");
        assert!(Arc::into_inner(a).is_none());
        assert!(w.upgrade().is_some(), "the value is immortal");
        assert_eq!(ledger.summary().live, 1);
        ledger.expect_leaks(1);
        ledger.assert_sound();
    } else {
        drop(extra);
        drop(a);
        ledger.assert_all_dropped();
    }
}

#[test]
fn leaky_saturating_u8_strong() {
    saturate::<Saturating<u8>>(255);
}
#[test]
#[cfg_attr(miri, ignore = "65,535 clones are too slow under Miri")]
fn leaky_saturating_u16_strong() {
    saturate::<Saturating<u16>>(65535);
}

/// Concurrent clones and drops at the edge of saturation: once saturated the
/// count never comes back down and the value is never freed.
#[test]
fn leaky_saturating_u8_threads() {
    let ledger = Ledger::new();
    let a: Arc<Tracked, Saturating<u8>> = Arc::new_counted(ledger.track(1));
    for _ in 0..253 {
        mem::forget(a.clone());
    }
    // strong = 254: the first clone in any thread saturates it.
    in_threads(THREADS, |_| {
        for _ in 0..if cfg!(miri) { 5 } else { 1000 } {
            let b = a.clone();
            let c = b.clone();
            drop(b);
            assert_eq!(*c.get(), 1);
        }
    });
    assert_eq!(Arc::strong_count(&a), 255);
    drop(a);
    assert_eq!(ledger.summary().live, 1);
    ledger.expect_leaks(1);
    ledger.assert_sound();
}

/// Saturated weak count: the allocation is never freed, but the value still
/// drops with its last strong reference; and `get_mut`'s lock does not mistake
/// a saturated weak count for a lock (or the other way around).
#[test]
fn leaky_saturating_u8_weak() {
    let ledger = Ledger::new();
    let mut a: Arc<Tracked, Saturating<u8>> = Arc::new_counted(ledger.track(1));
    let weaks: Vec<_> = (0..300).map(|_| Arc::downgrade(&a)).collect();
    assert!(Arc::get_mut(&mut a).is_none());
    let saturated = Arc::weak_count(&a);
    assert!(saturated >= 253, "weak count {saturated}");
    drop(weaks);
    assert_eq!(
        Arc::weak_count(&a),
        saturated,
        "saturated weak count is sticky"
    );
    // Weaks are immortal, so a Weak could always upgrade: never unique.
    assert!(Arc::get_mut(&mut a).is_none());
    let w = Arc::downgrade(&a);
    assert!(w.upgrade().is_some());
    // The strong count is not saturated: the value drops normally.
    drop(a);
    assert!(w.upgrade().is_none());
    ledger.assert_all_dropped();
}

#[test]
fn leaky_saturating_upgrade_and_weak_clone() {
    let a: Arc<u8, Saturating<u8>> = Arc::new_counted(1);
    let w = Arc::downgrade(&a);
    for _ in 0..300 {
        mem::forget(w.upgrade().unwrap());
        mem::forget(w.clone());
    }
    assert_eq!(Arc::strong_count(&a), 255);
    drop(a);
    assert_eq!(*w.upgrade().unwrap(), 1);
}

#[test]
fn u8_full_range_without_abort() {
    let ledger = Ledger::new();
    let a: Arc<Tracked, u8> = Arc::new_counted(ledger.track(0));
    let v: Vec<_> = (1..255).map(|_| a.clone()).collect();
    assert_eq!(Arc::strong_count(&a), 255);
    let w: Vec<_> = (1..254).map(|_| Arc::downgrade(&a)).collect();
    assert_eq!(Arc::weak_count(&a), 253);
    drop(v);
    drop(a);
    assert!(w[0].upgrade().is_none());
    ledger.assert_all_dropped();
}

// ---- differential: the same random operations on leaksafe's Arc and std's --
// (common/differential.rs)

differential_vs_std!(Arc, Weak, std::sync::Arc<u64>, std::sync::Weak<u64>);
