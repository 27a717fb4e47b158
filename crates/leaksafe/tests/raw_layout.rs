//! Regression tests for issue 16 §2: `from_raw` and the free paths never make a
//! reference to a value that may be dropped, being dropped or uninitialised.
//!
//! Run under Miri with Stacked and Tree Borrows, and with
//! `-Zmiri-recursive-validation` (which checks the pointee of every reference
//! made, so a `&T` over uninitialised memory is reported).
use std::cell::Cell;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::ptr;

use leaksafe::rc::{self, Rc};
use leaksafe::sync::{self, Arc};

/// Holds a raw weak pointer to itself and rebuilds the `Weak` in its own
/// `Drop` (std documents `Weak::from_raw` as valid after the value is dropped).
struct RcSelf {
    me: Cell<*const RcSelf>,
    _data: [u64; 2],
}

impl Drop for RcSelf {
    fn drop(&mut self) {
        let p = self.me.get();
        // SAFETY: `p` came from `Weak::into_raw` and owns its weak reference.
        let w: rc::Weak<RcSelf> = unsafe { rc::Weak::from_raw(p) };
        assert!(w.upgrade().is_none());
        assert_eq!(w.strong_count(), 0);
    }
}

#[test]
fn rc_weak_from_raw_inside_drop() {
    let a = Rc::new(RcSelf {
        me: Cell::new(ptr::null()),
        _data: [1, 2],
    });
    a.me.set(rc::Weak::into_raw(Rc::downgrade(&a)));
    drop(a);
}

/// The same for an over-aligned value (the value sits after padding).
#[repr(align(64))]
struct RcSelfAligned {
    me: Cell<*const RcSelfAligned>,
}

impl Drop for RcSelfAligned {
    fn drop(&mut self) {
        // SAFETY: as in `RcSelf`.
        let w: rc::Weak<RcSelfAligned, u8> =
            unsafe { rc::Weak::<RcSelfAligned, u8>::from_raw_counted(self.me.get()) };
        assert!(w.upgrade().is_none());
    }
}

#[test]
fn rc_weak_from_raw_inside_drop_over_aligned() {
    let a: Rc<RcSelfAligned, u8> = Rc::new_counted(RcSelfAligned {
        me: Cell::new(ptr::null()),
    });
    a.me.set(rc::Weak::into_raw(Rc::downgrade(&a)));
    drop(a);
}

struct ArcSelf {
    me: std::sync::atomic::AtomicPtr<ArcSelf>,
    _data: [u64; 2],
}

impl Drop for ArcSelf {
    fn drop(&mut self) {
        let p = *self.me.get_mut();
        // SAFETY: `p` came from `Weak::into_raw` and owns its weak reference.
        let w: sync::Weak<ArcSelf> = unsafe { sync::Weak::from_raw(p) };
        assert!(w.upgrade().is_none());
        assert_eq!(w.strong_count(), 0);
    }
}

#[test]
fn arc_weak_from_raw_inside_drop() {
    let a = Arc::new(ArcSelf {
        me: std::sync::atomic::AtomicPtr::new(ptr::null_mut()),
        _data: [1, 2],
    });
    let p = sync::Weak::into_raw(Arc::downgrade(&a));
    a.me.store(p.cast_mut(), std::sync::atomic::Ordering::Relaxed);
    drop(a);
}

#[repr(align(64))]
struct ArcSelfAligned {
    me: std::sync::atomic::AtomicPtr<ArcSelfAligned>,
}

impl Drop for ArcSelfAligned {
    fn drop(&mut self) {
        let p = *self.me.get_mut();
        // SAFETY: as in `ArcSelf`.
        let w: sync::Weak<ArcSelfAligned, u16> =
            unsafe { sync::Weak::<ArcSelfAligned, u16>::from_raw_counted(p) };
        assert!(w.upgrade().is_none());
    }
}

#[test]
fn arc_weak_from_raw_inside_drop_over_aligned() {
    let a: Arc<ArcSelfAligned, u16> = Arc::new_counted(ArcSelfAligned {
        me: std::sync::atomic::AtomicPtr::new(ptr::null_mut()),
    });
    let p = sync::Weak::into_raw(Arc::downgrade(&a));
    a.me.store(p.cast_mut(), std::sync::atomic::Ordering::Relaxed);
    drop(a);
}

/// A value whose uninitialised bytes are invalid (a `bool` and a `Box`).
struct Node {
    _flag: bool,
    _b: Box<u32>,
}

#[test]
fn rc_new_cyclic_panic_frees_uninit_block() {
    let r = catch_unwind(|| {
        Rc::<Node>::new_cyclic(|_me| panic!("closure panics"));
    });
    assert!(r.is_err());
}

/// A clone of the lent `Weak` outlives the panic. On stable the block is
/// leaked (its layout cannot be computed later without a `&T` to an
/// uninitialised value); with feature `nightly` the last clone frees it.
#[test]
fn leaky_rc_new_cyclic_panic_with_kept_weak() {
    let kept = Cell::new(None);
    let r = catch_unwind(AssertUnwindSafe(|| {
        Rc::<Node>::new_cyclic(|me| {
            kept.set(Some(me.clone()));
            panic!("closure panics")
        });
    }));
    assert!(r.is_err());
    let w = kept.take().unwrap();
    assert!(w.upgrade().is_none());
    drop(w);
}

#[test]
fn arc_new_cyclic_panic_frees_uninit_block() {
    let r = catch_unwind(|| {
        Arc::<Node>::new_cyclic(|_me| panic!("closure panics"));
    });
    assert!(r.is_err());
}

/// As `leaky_rc_new_cyclic_panic_with_kept_weak`.
#[test]
fn leaky_arc_new_cyclic_panic_with_kept_weak() {
    let kept = std::sync::Mutex::new(None);
    let r = catch_unwind(AssertUnwindSafe(|| {
        Arc::<Node>::new_cyclic(|me| {
            *kept.lock().unwrap() = Some(me.clone());
            panic!("closure panics")
        });
    }));
    assert!(r.is_err());
    let w = kept.lock().unwrap().take().unwrap();
    assert!(w.upgrade().is_none());
    drop(w);
}

/// Clones fine `n` times, then panics.
struct PanicOnClone {
    left: Cell<usize>,
    _b: Box<u32>,
}

impl Clone for PanicOnClone {
    fn clone(&self) -> Self {
        let n = self.left.get();
        if n == 0 {
            panic!("clone panics");
        }
        self.left.set(n - 1);
        PanicOnClone {
            left: Cell::new(0),
            _b: Box::new(n as u32),
        }
    }
}

#[test]
fn rc_from_slice_clone_panic_frees_uninit_block() {
    let src = [
        PanicOnClone {
            left: Cell::new(1),
            _b: Box::new(1),
        },
        PanicOnClone {
            left: Cell::new(0),
            _b: Box::new(2),
        },
        PanicOnClone {
            left: Cell::new(5),
            _b: Box::new(3),
        },
    ];
    let r = catch_unwind(AssertUnwindSafe(|| Rc::<[PanicOnClone]>::from(&src[..])));
    assert!(r.is_err());
}

#[test]
fn arc_from_slice_clone_panic_frees_uninit_block() {
    let src = [
        PanicOnClone {
            left: Cell::new(1),
            _b: Box::new(1),
        },
        PanicOnClone {
            left: Cell::new(0),
            _b: Box::new(2),
        },
    ];
    let r = catch_unwind(AssertUnwindSafe(|| Arc::<[PanicOnClone]>::from(&src[..])));
    assert!(r.is_err());
}
