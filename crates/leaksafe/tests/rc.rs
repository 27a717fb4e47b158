//! `leaksafe::rc`: checked counts of every width and policy, saturation,
//! `make_mut`, `new_cyclic`, `Weak::new`, unsized values and raw pointers.
//!
//! Run under Miri (SB and TB) with `-- --skip leaky_`, then `leaky_` with
//! `-Zmiri-ignore-leaks`. Abort tests re-execute this binary (not under Miri).
//!
//! Wide counts (`u32`, `u64`, `usize` and their `Saturating`) cannot be driven
//! to their limit in a test (2^32 forgotten clones). They run the very same
//! generic code as `u8`/`u16` (`CountOps::cell_inc`/`cell_dec` are one macro
//! body per policy, instantiated per width: the comparison against `MAX` is the
//! only width-dependent part), so the limit tests below on `u8`, `u16`,
//! `Saturating<u8>` and `Saturating<u16>` cover the logic; the wide types are
//! tested for ordinary counting.
use core::cell::RefCell;
use core::num::Saturating;
use std::collections::hash_map::DefaultHasher;
use std::fmt::{Debug, Display};
use std::hash::{Hash, Hasher};
use std::mem;
use std::panic::{AssertUnwindSafe, catch_unwind};

use leaksafe::Count;
use leaksafe::rc::{Rc, Weak};
use leaksafe_check::{Ledger, Op, Tracked, catch};

#[path = "common/abort.rs"]
mod abort;
#[path = "common/differential.rs"]
#[macro_use]
mod differential;

// ---------------------------------------------------------------------------
// Ordinary counting, every count type.

fn basics<C: Count>() {
    let ledger = Ledger::new();
    let a: Rc<Tracked, C> = Rc::new_counted(ledger.track(7));
    let b = a.clone();
    assert_eq!(Rc::strong_count(&a), 2);
    assert_eq!(Rc::weak_count(&a), 0);
    let w = Rc::downgrade(&a);
    let w2 = w.clone();
    assert_eq!(Rc::weak_count(&a), 2);
    assert_eq!(w.strong_count(), 2);
    assert_eq!(w.weak_count(), 2);
    assert!(Rc::ptr_eq(&a, &b));
    assert!(w.ptr_eq(&w2));
    assert_eq!(*w.upgrade().unwrap().get(), 7);
    drop(a);
    assert_eq!(Rc::strong_count(&b), 1);
    drop(b);
    assert_eq!(ledger.summary().live, 0, "value dropped with the last Rc");
    assert!(w.upgrade().is_none());
    assert_eq!(w.strong_count(), 0);
    assert_eq!(w.weak_count(), 0);
    drop(w);
    drop(w2);
    ledger.assert_all_dropped();
}

macro_rules! per_count {
    ($($name:ident: $c:ty,)*) => {$(
        mod $name {
            #[test]
            fn basics() {
                super::basics::<$c>();
            }
            #[test]
            fn make_mut_with_weak() {
                super::make_mut_with_weak::<$c>();
            }
            #[test]
            fn make_mut_clone_panics() {
                super::make_mut_clone_panics::<$c>();
            }
            #[test]
            fn new_cyclic() {
                super::new_cyclic::<$c>();
            }
            #[test]
            fn unsized_raw() {
                super::unsized_raw::<$c>();
            }
            #[test]
            fn unwrap_family() {
                super::unwrap_family::<$c>();
            }
            #[test]
            fn weak_new() {
                super::weak_new::<$c>();
            }
        }
    )*};
}

per_count! {
    c_u8: u8,
    c_u16: u16,
    c_u32: u32,
    c_u64: u64,
    c_usize: usize,
    c_sat_u8: core::num::Saturating<u8>,
    c_sat_u16: core::num::Saturating<u16>,
    c_sat_u32: core::num::Saturating<u32>,
    c_sat_u64: core::num::Saturating<u64>,
    c_sat_usize: core::num::Saturating<usize>,
}

// ---------------------------------------------------------------------------
// make_mut

fn make_mut_with_weak<C: Count>() {
    let ledger = Ledger::new();
    let mut a: Rc<Tracked, C> = Rc::new_counted(ledger.track(1));
    let w = Rc::downgrade(&a);
    let old = Rc::as_ptr(&a);
    // Only a Weak shares it: the value moves (not cloned), the Weak is cut off.
    let _ = Rc::make_mut(&mut a);
    assert_eq!(ledger.summary().created, 1, "moved, not cloned");
    assert!(!std::ptr::eq(old, Rc::as_ptr(&a)));
    assert!(w.upgrade().is_none(), "Weak disassociated");
    assert_eq!(w.strong_count(), 0);
    assert_eq!(Rc::strong_count(&a), 1);
    assert_eq!(Rc::weak_count(&a), 0);
    assert_eq!(*a.get(), 1);
    assert!(Rc::get_mut(&mut a).is_some());
    drop(w);
    // Shared by another Rc: cloned.
    let b = a.clone();
    let _ = Rc::make_mut(&mut a);
    assert!(!Rc::ptr_eq(&a, &b));
    assert_eq!(Rc::strong_count(&b), 1);
    assert_eq!(ledger.summary().created, 2);
    // Unique: in place.
    let p = Rc::as_ptr(&a);
    let _ = Rc::make_mut(&mut a);
    assert!(std::ptr::eq(p, Rc::as_ptr(&a)));
    drop((a, b));
    ledger.assert_all_dropped();
}

/// rust-lang/rust#155746 class: a panicking `Clone` in `make_mut` must leave
/// counts and pointers as they were.
fn make_mut_clone_panics<C: Count>() {
    let ledger = Ledger::new();
    let mut a: Rc<Tracked, C> = Rc::new_counted(ledger.track(5));
    let b = a.clone();
    let w = Rc::downgrade(&a);
    ledger.fail_at(Op::Clone, 0);
    let r = catch(|| {
        Rc::make_mut(&mut a);
    });
    assert!(r.is_err());
    assert!(Rc::ptr_eq(&a, &b));
    assert_eq!(Rc::strong_count(&a), 2);
    assert_eq!(Rc::weak_count(&a), 1);
    assert_eq!(*w.upgrade().unwrap().get(), 5);
    // And it works afterwards.
    *Rc::make_mut(&mut a) = ledger.track(6);
    assert_eq!((*a.get(), *b.get()), (6, 5));
    drop((a, b, w));
    ledger.assert_all_dropped();
}

// ---------------------------------------------------------------------------
// new_cyclic

struct Node<C: Count> {
    me: Weak<Node<C>, C>,
    _payload: Tracked,
}

fn new_cyclic<C: Count>() {
    let ledger = Ledger::new();
    let n: Rc<Node<C>, C> = Rc::new_cyclic_counted(|me| {
        assert!(me.upgrade().is_none());
        assert_eq!(me.strong_count(), 0);
        Node {
            me: me.clone(),
            _payload: ledger.track(0),
        }
    });
    assert!(Rc::ptr_eq(&n.me.upgrade().unwrap(), &n));
    assert_eq!(Rc::strong_count(&n), 1);
    assert_eq!(Rc::weak_count(&n), 1);
    // The value holds a Weak to its own block: dropping it inside the value's
    // destructor must not free the block under the destructor.
    drop(n);
    ledger.assert_all_dropped();

    // A panicking constructor: the block is freed, nothing is dropped that
    // was never made.
    let r = catch_unwind(AssertUnwindSafe(|| {
        Rc::<Node<C>, C>::new_cyclic_counted(|_me| panic!("constructor fails"))
    }));
    assert!(r.is_err());
}

/// A panicking `new_cyclic` whose closure kept a clone of its `Weak`: the
/// clone is fine and nothing is dropped that was never made. On stable the
/// block is leaked (freeing it would need the layout of an uninitialised
/// value, see `rc_box`); with feature `nightly` the clone frees it.
#[test]
fn leaky_new_cyclic_panic_kept_weak() {
    leaky_new_cyclic_panic_kept_weak_for::<u8>();
    leaky_new_cyclic_panic_kept_weak_for::<usize>();
    leaky_new_cyclic_panic_kept_weak_for::<Saturating<u16>>();
}

fn leaky_new_cyclic_panic_kept_weak_for<C: Count>() {
    let kept = RefCell::new(None);
    let r = catch_unwind(AssertUnwindSafe(|| {
        Rc::<Node<C>, C>::new_cyclic_counted(|me| {
            *kept.borrow_mut() = Some(me.clone());
            panic!("constructor fails");
        })
    }));
    assert!(r.is_err());
    let w = kept.into_inner().unwrap();
    assert!(w.upgrade().is_none());
    drop(w);
}

// ---------------------------------------------------------------------------
// Unsized values and raw pointers

trait Shape {
    fn area(&self) -> u64;
}

#[repr(align(64))]
struct BigAlign(u64, #[allow(dead_code)] Tracked);

impl Shape for BigAlign {
    fn area(&self) -> u64 {
        self.0
    }
}

struct Zst;
impl Shape for Zst {
    fn area(&self) -> u64 {
        0
    }
}

fn unsized_raw<C: Count>() {
    let ledger = Ledger::new();

    // Slices: From<&[T]>, From<Vec<T>>, FromIterator, From<Box<[T]>>.
    let s: Rc<[Tracked], C> = Rc::from(&[ledger.track(1), ledger.track(2)][..]);
    let v: Rc<[Tracked], C> = Rc::from(vec![ledger.track(3), ledger.track(4)]);
    let it: Rc<[Tracked], C> = (5..8).map(|i| ledger.track(i)).collect();
    let bx: Rc<[Tracked], C> = Rc::from(vec![ledger.track(8)].into_boxed_slice());
    assert_eq!(s.iter().map(|t| *t.get()).collect::<Vec<_>>(), [1, 2]);
    assert_eq!(v.iter().map(|t| *t.get()).collect::<Vec<_>>(), [3, 4]);
    assert_eq!(it.len(), 3);
    assert_eq!(*bx[0].get(), 8);
    let empty: Rc<[Tracked], C> = Rc::default();
    assert!(empty.is_empty());

    // into_raw / from_raw round trip on a slice, with a Weak.
    let w = Rc::downgrade(&v);
    let p = Rc::into_raw(v);
    // SAFETY: `p` came from `into_raw` with the same types.
    let v: Rc<[Tracked], C> = unsafe { Rc::from_raw_counted(p) };
    assert!(w.upgrade().is_some());
    let wp = Weak::into_raw(w);
    assert!(std::ptr::eq(wp, Rc::as_ptr(&v)));
    drop(v);
    // The value is gone; the weak pointer still finds its block.
    // SAFETY: `wp` came from `Weak::into_raw` with the same types.
    let w: Weak<[Tracked], C> = unsafe { Weak::from_raw_counted(wp) };
    assert!(w.upgrade().is_none());
    drop(w);

    // str
    let st: Rc<str, C> = Rc::from("héllo");
    let st2: Rc<str, C> = Rc::from(String::from("héllo"));
    assert_eq!(st, st2);
    let p = Rc::into_raw(st);
    // SAFETY: as above.
    let st: Rc<str, C> = unsafe { Rc::from_raw_counted(p) };
    assert_eq!(&*st, "héllo");
    assert_eq!(&*Rc::<str, C>::default(), "");

    // dyn Trait via From<Box<dyn Trait>>, over-aligned and zero-sized.
    let d: Rc<dyn Shape, C> = Rc::from(Box::new(BigAlign(9, ledger.track(9))) as Box<dyn Shape>);
    assert_eq!(Rc::as_ptr(&d) as *const u8 as usize % 64, 0);
    let z: Rc<dyn Shape, C> = Rc::from(Box::new(Zst) as Box<dyn Shape>);
    let wd = Rc::downgrade(&d);
    let pd = Rc::into_raw(d);
    // SAFETY: as above.
    let d: Rc<dyn Shape, C> = unsafe { Rc::from_raw_counted(pd) };
    assert_eq!(d.area() + z.area(), 9);
    let pw = Weak::into_raw(wd);
    drop(d);
    // SAFETY: as above; the value was dropped but the block lives.
    let wd: Weak<dyn Shape, C> = unsafe { Weak::from_raw_counted(pw) };
    assert!(wd.upgrade().is_none());
    drop((wd, z));

    // dyn Display, and formatting traits.
    let disp: Rc<dyn Display, C> = Rc::from(Box::new(42) as Box<dyn Display>);
    assert_eq!(disp.to_string(), "42");
    let dbg: Rc<dyn Debug, C> = Rc::from(Box::new("x") as Box<dyn Debug>);
    assert_eq!(format!("{dbg:?}"), "\"x\"");
    assert_eq!(format!("{disp:p}"), format!("{:p}", Rc::as_ptr(&disp)));
    let thin: Rc<u8, C> = Rc::new_counted(0);
    assert_eq!(format!("{thin:p}"), format!("{:p}", Rc::as_ptr(&thin)));
    assert!(format!("{thin:p}").starts_with("0x"));

    drop((s, it, bx, empty));
    ledger.assert_all_dropped();
}

/// A panicking `Clone` in `From<&[T]>` drops the clones made so far and frees
/// the block (Miri checks the leak).
#[test]
fn from_slice_clone_panics() {
    let ledger = Ledger::new();
    let src: Vec<Tracked> = ledger.track_range(4).collect();
    for k in 0..4 {
        ledger.fail_at(Op::Clone, k);
        let r = catch(|| Rc::<[Tracked], u8>::from(&src[..]));
        assert!(r.is_err());
        assert_eq!(ledger.summary().live, 4, "prefix clones dropped");
    }
    drop(src);
    ledger.assert_all_dropped();
}

/// A panicking value destructor still releases the block (no leak) and drops
/// the value once.
#[test]
fn value_drop_panics() {
    let ledger = Ledger::new();
    let a: Rc<Tracked, u8> = Rc::new_counted(ledger.track(0));
    let w = Rc::downgrade(&a);
    ledger.fail_at(Op::Drop, 0);
    assert!(catch(|| drop(a)).is_err());
    assert!(w.upgrade().is_none());
    drop(w);
    let b: Rc<Tracked, u16> = Rc::new_counted(ledger.track(1));
    ledger.fail_at(Op::Drop, 0);
    assert!(catch(|| drop(b)).is_err());
    ledger.assert_all_dropped();
}

fn unwrap_family<C: Count>() {
    let ledger = Ledger::new();
    let a: Rc<Tracked, C> = Rc::new_counted(ledger.track(1));
    let b = a.clone();
    let a = Rc::try_unwrap(a).unwrap_err();
    assert_eq!(Rc::into_inner(b), None);
    let w = Rc::downgrade(&a);
    let t = Rc::try_unwrap(a).unwrap();
    assert!(w.upgrade().is_none(), "Weak sees the value gone");
    assert_eq!(*t.get(), 1);
    drop(w);
    let a: Rc<Tracked, C> = Rc::new_counted(t);
    let b = a.clone();
    let c1 = Rc::unwrap_or_clone(a);
    let c2 = Rc::unwrap_or_clone(b);
    assert_eq!((*c1.get(), *c2.get()), (1, 1));
    drop((c1, c2));
    let p: std::pin::Pin<Rc<Tracked, C>> = Rc::pin_counted(ledger.track(3));
    assert_eq!(*p.get(), 3);
    drop(p);
    ledger.assert_all_dropped();
}

// ---------------------------------------------------------------------------
// Weak::new: no allocation, any T.

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[repr(align(4096))]
struct Page(u8);

fn weak_new<C: Count>() {
    fn check<T, C: Count>() {
        let w: Weak<T, C> = Weak::new_counted();
        assert!(w.upgrade().is_none());
        assert_eq!((w.strong_count(), w.weak_count()), (0, 0));
        let w2 = w.clone();
        assert!(w.ptr_eq(&w2));
        let p = Weak::into_raw(w2);
        // SAFETY: `p` came from `Weak::into_raw` with the same types.
        let w2: Weak<T, C> = unsafe { Weak::from_raw_counted(p) };
        assert!(w.ptr_eq(&w2));
        let d: Weak<T, C> = Weak::default();
        assert!(d.upgrade().is_none());
        assert_eq!(format!("{d:?}"), "(Weak)");
    }
    check::<(), C>();
    check::<u8, C>();
    check::<Page, C>();
    check::<[u64; 0], C>();
    check::<Tracked, C>();
    // A real Weak to an over-aligned and a zero-sized value, for contrast.
    let a: Rc<Page, C> = Rc::new_counted(Page(1));
    assert_eq!(Rc::as_ptr(&a) as usize % 4096, 0);
    let w = Rc::downgrade(&a);
    assert!(!w.ptr_eq(&Weak::new_counted()));
    assert_eq!(*w.upgrade().unwrap(), Page(1));
    let z: Rc<(), C> = Rc::new_counted(());
    let wz = Rc::downgrade(&z);
    assert!(wz.upgrade().is_some());
}

// ---------------------------------------------------------------------------
// Trait impls (one count type suffices: they do not touch counts).

#[test]
fn traits() {
    let a: Rc<i32, u8> = Rc::new_counted(1);
    let b: Rc<i32, u8> = Rc::from(2);
    assert!(a < b);
    assert!(a <= b);
    assert!(b > a);
    assert!(b >= a);
    assert!(a != b);
    assert_eq!(a.cmp(&b), std::cmp::Ordering::Less);
    assert_eq!(a.partial_cmp(&b), Some(std::cmp::Ordering::Less));
    assert_eq!(a, Rc::new_counted(1));
    let hash = |x: &dyn Fn(&mut DefaultHasher)| {
        let mut h = DefaultHasher::new();
        x(&mut h);
        h.finish()
    };
    assert_eq!(hash(&|h| a.hash(h)), hash(&|h| 1i32.hash(h)));
    assert_eq!(format!("{a} {a:?}"), "1 1");
    let borrowed: &i32 = std::borrow::Borrow::borrow(&a);
    assert_eq!(*borrowed, 1);
    assert_eq!(*a.as_ref(), 1);
    let d: Rc<Vec<u8>, Saturating<u16>> = Rc::default();
    assert!(d.is_empty());
    let set: std::collections::HashSet<Rc<str>> =
        ["a", "b", "a"].into_iter().map(Rc::from).collect();
    assert!(set.contains("a"));
    assert_eq!(set.len(), 2);
}

#[test]
fn increment_decrement_strong_count() {
    let ledger = Ledger::new();
    let p = Rc::into_raw(Rc::<Tracked, u8>::new_counted(ledger.track(0)));
    // SAFETY: `p` came from `into_raw` and owns one strong reference; every
    // increment is matched by a decrement.
    unsafe {
        Rc::<Tracked, u8>::increment_strong_count_counted(p);
        let a = Rc::<Tracked, u8>::from_raw_counted(p);
        assert_eq!(Rc::strong_count(&a), 2);
        Rc::<Tracked, u8>::decrement_strong_count_counted(p);
        assert_eq!(Rc::strong_count(&a), 1);
    }
    ledger.assert_all_dropped();
}

// ---------------------------------------------------------------------------
// Limits: clone and forget up to the maximum, then give every reference back.

/// Pushes the strong count to `max` by cloning and forgetting, checks it,
/// gives the references back through `from_raw`, and checks the value is
/// dropped exactly once. Same for the weak count (`max - 1` Weaks: the weak
/// count holds the strong references' `+ 1`).
fn fill_to_limit<C: Count>(max: usize) {
    let ledger = Ledger::new();
    let a: Rc<Tracked, C> = Rc::new_counted(ledger.track(0));
    for _ in 1..max {
        mem::forget(a.clone());
    }
    assert_eq!(Rc::strong_count(&a), max);
    let p = Rc::as_ptr(&a);
    for _ in 1..max {
        // SAFETY: each forgotten clone owns one strong reference to `p`.
        drop(unsafe { Rc::<Tracked, C>::from_raw_counted(p) });
    }
    assert_eq!(Rc::strong_count(&a), 1);

    let w = Rc::downgrade(&a);
    for _ in 2..max {
        mem::forget(w.clone());
    }
    assert_eq!(Rc::weak_count(&a), max - 1);
    let wp = w.as_ptr();
    for _ in 2..max {
        // SAFETY: each forgotten clone owns one weak reference.
        drop(unsafe { Weak::<Tracked, C>::from_raw_counted(wp) });
    }
    assert_eq!(Rc::weak_count(&a), 1);
    // Upgrade also works up to the limit.
    let ups: Vec<_> = (1..max.min(300)).map(|_| w.upgrade().unwrap()).collect();
    assert_eq!(Rc::strong_count(&a), max.min(300));
    drop(ups);
    drop((a, w));
    ledger.assert_all_dropped();
}

#[test]
fn limit_u8() {
    fill_to_limit::<u8>(255);
}

#[test]
#[cfg_attr(
    miri,
    ignore = "65k references take minutes under Miri; the u8 twin runs the same generic code"
)]
fn limit_u16() {
    fill_to_limit::<u16>(65_535);
}

/// Saturating counts below their maximum count exactly.
#[test]
fn limit_saturating_below_max() {
    fill_to_limit::<Saturating<u8>>(254);
    // 65k references take minutes under Miri; the u8 line runs the same code.
    if !cfg!(miri) {
        fill_to_limit::<Saturating<u16>>(65_534);
    }
}

// ---------------------------------------------------------------------------
// Saturation: the value becomes immortal (leaky: Miri runs these with
// -Zmiri-ignore-leaks).

fn saturate_strong<C: Count>(max: usize) {
    let ledger = Ledger::new();
    let mut a: Rc<Tracked, C> = Rc::new_counted(ledger.track(0));
    for _ in 0..max + 10 {
        mem::forget(a.clone());
    }
    assert_eq!(Rc::strong_count(&a), max, "sticks at the maximum");
    assert!(Rc::get_mut(&mut a).is_none());
    let a = Rc::try_unwrap(a).unwrap_err();
    let b = a.clone();
    let w = Rc::downgrade(&a);
    assert_eq!(Rc::strong_count(&b), max, "clone leaves it alone");
    let mut c = a.clone();
    // make_mut of a saturated Rc clones (it is never unique).
    Rc::make_mut(&mut c);
    assert!(!Rc::ptr_eq(&a, &c));
    drop((a, b, c));
    // Every real reference is gone: the value is still alive, forever.
    assert!(w.upgrade().is_some());
    assert_eq!(w.strong_count(), max);
    assert_eq!(ledger.summary().live, 1, "the original is immortal");
    assert!(ledger.is_alive(0));
    ledger.expect_leaks(1);
    ledger.assert_no_unexpected_leaks();
}

fn saturate_weak<C: Count>(max: usize) {
    let ledger = Ledger::new();
    let mut a: Rc<Tracked, C> = Rc::new_counted(ledger.track(0));
    let w = Rc::downgrade(&a);
    for _ in 0..max + 10 {
        mem::forget(w.clone());
    }
    // The saturated field (`max`) minus the strong references' shared one,
    // as `Arc` reports it (issue 16 §4).
    assert_eq!(Rc::weak_count(&a), max - 1, "sticks at the maximum");
    assert_eq!(w.weak_count(), max - 1);
    assert!(Rc::get_mut(&mut a).is_none());
    // Upgrade and downgrade still work.
    let b = w.upgrade().unwrap();
    let w2 = Rc::downgrade(&b);
    drop((b, w2));
    assert_eq!(Rc::weak_count(&a), max - 1);
    // make_mut with only (saturated) Weaks besides: the value moves out, the
    // old block stays (its weak count never reaches 0).
    let mut m = a.clone();
    drop(a);
    Rc::make_mut(&mut m);
    assert!(w.upgrade().is_none());
    drop(m);
    // The value was dropped normally: only the block is immortal.
    drop(w);
    ledger.assert_all_dropped();
}

#[test]
fn leaky_saturate_strong_u8() {
    saturate_strong::<Saturating<u8>>(255);
}

#[test]
#[cfg_attr(
    miri,
    ignore = "65k references take minutes under Miri; the u8 twin runs the same generic code"
)]
fn leaky_saturate_strong_u16() {
    saturate_strong::<Saturating<u16>>(65_535);
}

#[test]
fn leaky_saturate_weak_u8() {
    saturate_weak::<Saturating<u8>>(255);
}

#[test]
#[cfg_attr(
    miri,
    ignore = "65k references take minutes under Miri; the u8 twin runs the same generic code"
)]
fn leaky_saturate_weak_u16() {
    saturate_weak::<Saturating<u16>>(65_535);
}

/// A saturated strong count of an upgraded Weak stays saturated.
#[test]
fn leaky_saturate_by_upgrade() {
    let a: Rc<u8, Saturating<u8>> = Rc::new_counted(1);
    let w = Rc::downgrade(&a);
    for _ in 0..300 {
        mem::forget(w.upgrade().unwrap());
    }
    assert_eq!(Rc::strong_count(&a), 255);
    drop(a);
    assert_eq!(*w.upgrade().unwrap(), 1);
}

// ---------------------------------------------------------------------------
// Abort on overflow: re-execute this binary; the child must die of SIGABRT
// exactly at the limit (see `common/abort.rs`).

const CHILD_ENV: &str = "LEAKSAFE_RC_ABORT_CASE";

fn overflow_strong<C: Count>(max: usize) {
    let a: Rc<u8, C> = Rc::new_counted(0);
    for _ in 1..max {
        mem::forget(a.clone());
    }
    assert_eq!(Rc::strong_count(&a), max);
    abort::reached_limit();
    mem::forget(a.clone());
    abort::survived();
}

fn overflow_upgrade<C: Count>(max: usize) {
    let a: Rc<u8, C> = Rc::new_counted(0);
    let w = Rc::downgrade(&a);
    for _ in 1..max {
        mem::forget(w.upgrade());
    }
    assert_eq!(Rc::strong_count(&a), max);
    abort::reached_limit();
    mem::forget(w.upgrade());
    abort::survived();
}

fn overflow_weak_clone<C: Count>(max: usize) {
    let a: Rc<u8, C> = Rc::new_counted(0);
    let w = Rc::downgrade(&a);
    for _ in 2..max {
        mem::forget(w.clone());
    }
    assert_eq!(Rc::weak_count(&a), max - 1);
    abort::reached_limit();
    mem::forget(w.clone());
    abort::survived();
}

fn overflow_downgrade<C: Count>(max: usize) {
    let a: Rc<u8, C> = Rc::new_counted(0);
    for _ in 1..max {
        mem::forget(Rc::downgrade(&a));
    }
    assert_eq!(Rc::weak_count(&a), max - 1);
    abort::reached_limit();
    mem::forget(Rc::downgrade(&a));
    abort::survived();
}

/// The child side: does nothing unless the parent set the environment.
#[test]
fn abort_child() {
    let Ok(case) = std::env::var(CHILD_ENV) else {
        return;
    };
    match case.as_str() {
        "strong_u8" => overflow_strong::<u8>(255),
        "strong_u16" => overflow_strong::<u16>(65_535),
        "upgrade_u8" => overflow_upgrade::<u8>(255),
        "upgrade_u16" => overflow_upgrade::<u16>(65_535),
        "weak_clone_u8" => overflow_weak_clone::<u8>(255),
        "weak_clone_u16" => overflow_weak_clone::<u16>(65_535),
        "downgrade_u8" => overflow_downgrade::<u8>(255),
        "downgrade_u16" => overflow_downgrade::<u16>(65_535),
        other => panic!("unknown case {other}"),
    }
}

macro_rules! abort_tests {
    ($($name:ident,)*) => {$(
        #[test]
        #[cfg(unix)]
        #[cfg_attr(miri, ignore)]
        fn $name() {
            abort::expect_abort("abort_child", CHILD_ENV, &stringify!($name)["abort_".len()..]);
        }
    )*};
}

abort_tests! {
    abort_strong_u8,
    abort_strong_u16,
    abort_upgrade_u8,
    abort_upgrade_u16,
    abort_weak_clone_u8,
    abort_weak_clone_u16,
    abort_downgrade_u8,
    abort_downgrade_u16,
}

/// Not `Send`/`Sync`, like std's `Rc` (a compile-time check: the negative
/// impls are asserted by `static_assertions`-style trait resolution).
#[test]
fn not_send_not_sync() {
    trait AmbiguousIfSend<A> {
        fn some_item() {}
    }
    impl<T: ?Sized> AmbiguousIfSend<()> for T {}
    struct Invalid;
    impl<T: ?Sized + Send> AmbiguousIfSend<Invalid> for T {}
    // Compiles only if `Rc<u8, u8>` is not `Send` (otherwise the call is
    // ambiguous). The same trick for Sync below.
    <Rc<u8, u8> as AmbiguousIfSend<_>>::some_item();
    <Weak<u8, u8> as AmbiguousIfSend<_>>::some_item();

    trait AmbiguousIfSync<A> {
        fn some_item() {}
    }
    impl<T: ?Sized> AmbiguousIfSync<()> for T {}
    impl<T: ?Sized + Sync> AmbiguousIfSync<Invalid> for T {}
    <Rc<u8, u8> as AmbiguousIfSync<_>>::some_item();
    <Weak<u8> as AmbiguousIfSync<_>>::some_item();
}

// ---------------------------------------------------------------------------
// Differential test against std::rc::Rc (common/differential.rs): random
// operations on a pool of strong and weak handles, compared after every step.

differential_vs_std!(Rc, Weak, std::rc::Rc<u64>, std::rc::Weak<u64>);

/// Issue 16 §4: the same history reads the same weak count through
/// `rc::Rc::weak_count`, `rc::Weak::weak_count`, `sync::Arc::weak_count` and
/// `sync::Weak::weak_count`: the count minus the strong references' shared
/// one, saturated or not (255 - 1 = 254 for `Saturating<u8>`; it read 255
/// through `rc` and 254 through `sync` before).
#[test]
fn leaky_saturated_weak_count_same_for_rc_and_arc() {
    use leaksafe::sync::Arc;
    let rc: Rc<u8, Saturating<u8>> = Rc::new_counted(1);
    let arc: Arc<u8, Saturating<u8>> = Arc::new_counted(1);
    let (rw, aw) = (Rc::downgrade(&rc), Arc::downgrade(&arc));
    let mut readings = Vec::new();
    for step in 0..300 {
        mem::forget(rw.clone());
        mem::forget(aw.clone());
        if step % 2 == 0 {
            mem::forget(Rc::downgrade(&rc));
            mem::forget(Arc::downgrade(&arc));
        }
        let r = (Rc::weak_count(&rc), rw.weak_count());
        let a = (Arc::weak_count(&arc), aw.weak_count());
        // `Arc` reserves `MAX - 1` for `get_mut`'s lock, so its count
        // saturates one Weak earlier (`count.rs`, "Limits"): with 253 Weaks
        // `Rc` reads 253 and `Arc` already the saturated 254. Otherwise the
        // readings agree, saturated ones included.
        if r.0 != 253 {
            assert_eq!(r, a, "step {step}");
        }
        assert_eq!(r.0, r.1, "step {step}");
        assert_eq!(a.0, a.1, "step {step}");
        readings.push(r.0);
    }
    assert_eq!(readings.last(), Some(&254));
    assert_eq!(readings[0], 3);
}
