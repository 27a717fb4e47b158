//! Tests of `Rc`'s wide count updates (`CountOps::rc_inc`/`rc_dec`): on x86
//! `u16` counts, and `u8` counts of a value aligned to 4 or more, move with
//! one 32-bit operation over the block's first four bytes (the two counts,
//! then for `u8` padding or the offset marker). An overflow carries out of
//! the strong or weak count into the bytes above it; these check
//! that the carry is undone at every limit — the weak count, the offset
//! marker (`from_raw`) and the value are as before — and that the abort
//! counts still abort. The same checks run on the narrow path (`T = u8`, or
//! any target other than x86) as a control.
use alloc::boxed::Box;
use core::fmt::Debug;
use core::mem;
use core::num::Saturating;

use super::{Rc, Weak};
use crate::count::Count;

/// Saturates the weak and then the strong count of a fresh `Rc<T, C>`
/// (`max` = the count's `MAX`), clones and drops past saturation, and checks
/// the counts, the value and both `from_raw`s.
fn saturate_both<T: Clone + PartialEq + Debug + 'static, C: Count>(v: T, max: usize) {
    let a: Rc<T, C> = Rc::new_counted(v.clone());
    let w = Rc::downgrade(&a);
    for _ in 0..max + 3 {
        mem::forget(w.clone());
    }
    assert_eq!(Rc::weak_count(&a), max - 1);
    // Each clone past `max` wraps the strong count and carries into the
    // saturated weak count (and, for `u8`, on into the next byte).
    for _ in 0..max + 3 {
        mem::forget(a.clone());
    }
    for _ in 0..3 {
        drop(a.clone());
    }
    assert_eq!(Rc::strong_count(&a), max);
    assert_eq!(Rc::weak_count(&a), max - 1, "the carry was undone");
    assert_eq!(*a, v);
    // The offset marker still finds the value (bytes 2 and 3 for an
    // align-4 value under a `u8` count).
    // SAFETY: `into_raw`'s pointer, given back once.
    let b = unsafe { Rc::<T, C>::from_raw_counted(Rc::into_raw(a.clone())) };
    assert!(Rc::ptr_eq(&a, &b));
    // SAFETY: as above.
    let w2 = unsafe { Weak::<T, C>::from_raw_counted(w.clone().into_raw()) };
    assert_eq!(*w2.upgrade().unwrap(), v);
    drop((a, b, w, w2));
}

#[test]
fn leaky_saturate_both_u8_counts() {
    saturate_both::<u8, Saturating<u8>>(7, 255); // narrow: 2-byte header
    saturate_both::<u32, Saturating<u8>>(7, 255); // marker in bytes 2, 3
    saturate_both::<u64, Saturating<u8>>(7, 255); // zeroed padding in 2..6
    saturate_both::<[u64; 3], Saturating<u8>>([1, 2, 3], 255);
}

#[test]
#[cfg_attr(miri, ignore = "65k references take minutes under Miri")]
fn leaky_saturate_both_u16_counts() {
    saturate_both::<u8, Saturating<u16>>(7, 65_535);
    saturate_both::<u64, Saturating<u16>>(7, 65_535);
}

/// An immortal value's counts start saturated: its first clone takes the
/// whole carry path at once (cheap enough for Miri with `u16` counts too).
#[test]
fn leaky_immortal_clone_carry() {
    fn check<T: Clone + PartialEq + Debug + 'static, C: crate::rc::SaturatingCount>(
        v: T,
        max: usize,
    ) {
        let a: Rc<T, C> = Rc::new_immortal(v.clone());
        let w = Rc::downgrade(&a);
        let w2 = w.clone();
        for _ in 0..3 {
            mem::forget(a.clone());
            drop(a.clone());
        }
        assert_eq!((Rc::strong_count(&a), Rc::weak_count(&a)), (max, max - 1));
        // SAFETY: `into_raw`'s pointer, given back once.
        let b = unsafe { Rc::<T, C>::from_raw_counted(Rc::into_raw(a.clone())) };
        assert_eq!(*b, v);
        drop((a, b, w, w2));
    }
    check::<u32, Saturating<u8>>(3, 255);
    check::<u64, Saturating<u8>>(3, 255);
    check::<u8, Saturating<u16>>(3, 65_535);
    check::<u64, Saturating<u16>>(3, 65_535);
}

/// A `dyn` value's alignment comes from its vtable: both paths, one type.
#[test]
fn leaky_saturate_dyn_u8_counts() {
    for (b, want) in [
        (Box::new(7u8) as Box<dyn Debug>, "7"),
        (Box::new(9u64) as Box<dyn Debug>, "9"),
    ] {
        let a: Rc<dyn Debug, Saturating<u8>> = Rc::from(b);
        let w = Rc::downgrade(&a);
        for _ in 0..260 {
            mem::forget(w.clone());
            mem::forget(a.clone());
        }
        drop(a.clone());
        assert_eq!((Rc::strong_count(&a), Rc::weak_count(&a)), (255, 254));
        assert_eq!(alloc::format!("{a:?}"), want);
    }
}

/// Below saturation the wide path counts exactly, up and down.
#[test]
fn wide_counts_exactly() {
    fn check<C: Count>() {
        let a: Rc<u64, C> = Rc::new_counted(5);
        let w = Rc::downgrade(&a);
        let clones: alloc::vec::Vec<_> = (0..200).map(|_| a.clone()).collect();
        assert_eq!((Rc::strong_count(&a), Rc::weak_count(&a)), (201, 1));
        drop(clones);
        assert_eq!((Rc::strong_count(&a), Rc::weak_count(&a)), (1, 1));
        drop(a);
        assert!(w.upgrade().is_none());
    }
    check::<u8>();
    check::<u16>();
    check::<Saturating<u8>>();
    check::<Saturating<u16>>();
}

#[cfg(all(unix, feature = "std"))]
mod aborts {
    use super::*;
    use std::io::Write;
    use std::os::unix::process::ExitStatusExt;
    use std::println;
    use std::string::String;

    /// The child prints this just before the call that must abort, and
    /// `SURVIVED` if it returns (as `tests/common/abort.rs`, which a `no_std`
    /// crate's unit tests cannot include).
    const REACHED: &str = "CHILD-REACHED-LIMIT";
    const SURVIVED: &str = "CHILD-SURVIVED";

    /// Re-runs `abort_child` alone with `CHILD_ENV=case`; asserts it died of
    /// SIGABRT after printing `REACHED` and before `SURVIVED`.
    fn expect_abort(case: &str) {
        let out = std::process::Command::new(std::env::current_exe().unwrap())
            .args([
                "--exact",
                "rc::wide_tests::aborts::abort_child",
                "--nocapture",
                "--test-threads=1",
            ])
            .env(CHILD_ENV, case)
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert_eq!(out.status.signal(), Some(6), "{case}: {out:?}");
        assert!(stdout.contains(REACHED), "{case}: {stdout}");
        assert!(!stdout.contains(SURVIVED), "{case}: {stdout}");
    }

    const CHILD_ENV: &str = "LEAKSAFE_RC_WIDE_ABORT_CASE";

    /// Takes the strong count and the weak count (so a carry would run on)
    /// to `max`, then clones the `Rc` (or, if `weak`, the `Weak`) once
    /// more: must abort.
    fn overflow<T: 'static, C: Count>(v: T, max: usize, weak: bool) {
        let a: Rc<T, C> = Rc::new_counted(v);
        let w = Rc::downgrade(&a);
        for _ in 2..max {
            mem::forget(w.clone());
        }
        for _ in 1..max {
            mem::forget(a.clone());
        }
        assert_eq!(Rc::strong_count(&a), max);
        if weak {
            // Both counts are at their limit (the weak field at `max`).
            assert_eq!(Rc::weak_count(&a), max - 1);
            println!("{REACHED}");
            std::io::stdout().flush().unwrap();
            mem::forget(w.clone());
            println!("{SURVIVED}");
            return;
        }
        println!("{REACHED}");
        std::io::stdout().flush().unwrap();
        mem::forget(a.clone());
        println!("{SURVIVED}");
    }

    /// The child side: does nothing unless the parent set the environment.
    #[test]
    fn abort_child() {
        let Ok(case) = std::env::var(CHILD_ENV) else {
            return;
        };
        match case.as_str() {
            "u8_align4" => overflow::<u32, u8>(1, 255, false),
            "u8_align8" => overflow::<u64, u8>(1, 255, false),
            "u16_align8" => overflow::<u64, u16>(1, 65_535, false),
            "weak_u8_align4" => overflow::<u32, u8>(1, 255, true),
            "weak_u16_align8" => overflow::<u64, u16>(1, 65_535, true),
            other => panic!("unknown case {other}"),
        }
    }

    macro_rules! abort_tests {
        ($($name:ident,)*) => {$(
            #[test]
            #[cfg_attr(miri, ignore)]
            fn $name() {
                expect_abort(&stringify!($name)["abort_".len()..]);
            }
        )*};
    }

    abort_tests! {
        abort_u8_align4,
        abort_u8_align8,
        abort_u16_align8,
        abort_weak_u8_align4,
        abort_weak_u16_align8,
    }
}
