//! Tests of the std API added to `Rc` and `Arc` by issue 17 (unsizing,
//! uninitialized constructors, conversions), written once for both and
//! instantiated by `tests/rc_api.rs` and `tests/arc_api.rs`. Every unsafe
//! path (a reinterpreted or rebuilt block pointer) runs here, so Miri checks
//! it: `cargo +nightly miri test -p leaksafe --test rc_api --test arc_api`.

/// A value that counts its drops in a shared atomic.
#[derive(Debug)]
pub struct Tracked(pub u32, pub std::sync::Arc<std::sync::atomic::AtomicUsize>);

impl Drop for Tracked {
    fn drop(&mut self) {
        self.1.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    }
}

impl Clone for Tracked {
    fn clone(&self) -> Self {
        Tracked(self.0, self.1.clone())
    }
}

pub fn counter() -> std::sync::Arc<std::sync::atomic::AtomicUsize> {
    std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0))
}

pub fn drops(c: &std::sync::atomic::AtomicUsize) -> usize {
    c.load(std::sync::atomic::Ordering::Relaxed)
}

#[macro_export]
macro_rules! ptr_api_tests {
    ($Ptr:ident, $Weak:ident) => {
        use core::fmt::Debug;
        use std::borrow::Cow;
        use std::ffi::{CStr, CString};
        use $crate::common::{Tracked, counter, drops};

        trait Shape: Debug + Send + Sync {
            fn area(&self) -> u32;
        }
        trait Named: Shape {
            fn name(&self) -> String;
        }
        #[derive(Debug)]
        struct Square(u32, Tracked);
        impl Shape for Square {
            fn area(&self) -> u32 {
                self.0 * self.0
            }
        }
        impl Named for Square {
            fn name(&self) -> String {
                format!("square {}", self.1.0)
            }
        }

        #[test]
        fn unsize_to_dyn_keeps_block_and_counts() {
            let c = counter();
            let sq = $Ptr::new(Square(3, Tracked(7, c.clone())));
            let keep = sq.clone();
            let weak = $Ptr::downgrade(&sq);
            let d: $Ptr<dyn Named> = $Ptr::unsize(sq, leaksafe::coerce!());
            assert!(core::ptr::addr_eq($Ptr::as_ptr(&d), $Ptr::as_ptr(&keep)));
            assert_eq!(($Ptr::strong_count(&d), $Ptr::weak_count(&d)), (2, 1));
            assert_eq!((d.area(), d.name()), (9, "square 7".to_owned()));
            // Trait upcasting: `dyn Named` to its supertrait `dyn Shape`.
            let s: $Ptr<dyn Shape> = $Ptr::unsize(d, leaksafe::coerce!());
            assert_eq!(s.area(), 9);
            drop(keep);
            assert_eq!(drops(&c), 0);
            assert_eq!(weak.upgrade().unwrap().area(), 9);
            drop(s);
            assert_eq!(drops(&c), 1);
            assert!(weak.upgrade().is_none());
        }

        #[test]
        fn unsize_array_to_slice_keeps_length() {
            let c = counter();
            let a = $Ptr::new([Tracked(1, c.clone()), Tracked(2, c.clone())]);
            let s: $Ptr<[Tracked]> = $Ptr::unsize(a, leaksafe::rc::Coercion::to_slice());
            assert_eq!(s.len(), 2);
            assert_eq!(s[1].0, 2);
            let s2: $Ptr<[Tracked; 2]> = $Ptr::try_from(s).unwrap();
            let s3: $Ptr<[Tracked]> = $Ptr::unsize(s2, leaksafe::coerce!([Tracked]));
            drop(s3);
            assert_eq!(drops(&c), 2);
        }

        #[test]
        fn unsize_weak_live_dead_and_dangling() {
            let c = counter();
            let a = $Ptr::new(Square(2, Tracked(0, c.clone())));
            let w: $Weak<dyn Shape> = $Weak::unsize($Ptr::downgrade(&a), leaksafe::coerce!());
            assert_eq!(w.upgrade().unwrap().area(), 4);
            assert_eq!(w.strong_count(), 1);
            // A weak whose value is already dropped.
            let dead = $Ptr::downgrade(&a);
            drop(a);
            assert_eq!(drops(&c), 1);
            let dead: $Weak<dyn Shape> = $Weak::unsize(dead, leaksafe::coerce!());
            assert!(dead.upgrade().is_none());
            assert!(dead.ptr_eq(&w));
            drop(w);
            drop(dead);
            let none: $Weak<dyn Debug + Send + Sync> =
                $Weak::unsize($Weak::<u64>::new(), leaksafe::coerce!());
            assert!(none.upgrade().is_none());
            assert_eq!(none.strong_count(), 0);
            let _ = none.clone();
            // Over-aligned and zero-sized values.
            #[derive(Debug)]
            #[allow(dead_code)] // read by Debug only
            #[repr(align(64))]
            struct Big(u8);
            let big = $Ptr::new(Big(9));
            let wb: $Weak<dyn Debug + Send + Sync> =
                $Weak::unsize($Ptr::downgrade(&big), leaksafe::coerce!());
            assert_eq!(format!("{:?}", wb.upgrade().unwrap()), "Big(9)");
            let z = $Ptr::new(());
            let wz: $Weak<dyn Debug + Send + Sync> =
                $Weak::unsize($Ptr::downgrade(&z), leaksafe::coerce!());
            assert!(wz.upgrade().is_some());
        }

        #[test]
        fn unsize_with_narrow_count() {
            let a: $Ptr<u64, u8> = $Ptr::new_counted(5);
            let d: $Ptr<dyn Debug + Send + Sync, u8> = $Ptr::unsize(a, leaksafe::coerce!());
            assert_eq!(format!("{d:?}"), "5");
            let w = $Ptr::downgrade(&d);
            drop(d);
            assert!(w.upgrade().is_none());
            let p: core::pin::Pin<$Ptr<dyn Debug + Send + Sync, u16>> =
                $Ptr::unsize_pin($Ptr::pin_counted(String::from("p")), leaksafe::coerce!());
            assert_eq!(format!("{p:?}"), "\"p\"");
        }

        #[test]
        fn uninit_and_zeroed() {
            let mut x = $Ptr::<String>::new_uninit();
            $Ptr::get_mut(&mut x).unwrap().write("a".repeat(3));
            // SAFETY: written just above.
            let x = unsafe { x.assume_init() };
            assert_eq!(*x, "aaa");
            let z = $Ptr::<(u64, u8)>::new_zeroed();
            // SAFETY: zero bytes are a valid (u64, u8).
            assert_eq!(*unsafe { z.assume_init() }, (0, 0));
            let c = counter();
            let mut v = $Ptr::<Tracked>::new_uninit_slice(3);
            for (i, slot) in $Ptr::get_mut(&mut v).unwrap().iter_mut().enumerate() {
                slot.write(Tracked(i as u32, c.clone()));
            }
            // SAFETY: every slot was written by the loop.
            let v = unsafe { v.assume_init() };
            assert_eq!(v[2].0, 2);
            drop(v);
            assert_eq!(drops(&c), 3);
            let e = $Ptr::<String>::new_uninit_slice(0);
            // SAFETY: an empty slice has nothing to initialize.
            assert_eq!(unsafe { e.assume_init() }.len(), 0);
            let zs = $Ptr::<u16, u8>::new_zeroed_slice_counted(5);
            // SAFETY: zero bytes are valid u16s.
            assert_eq!(*unsafe { zs.assume_init() }, [0; 5]);
            // Never initialized: dropping MaybeUninit drops nothing.
            drop($Ptr::<Tracked>::new_uninit());
            drop($Ptr::<Tracked>::new_uninit_slice(4));
            assert_eq!(drops(&c), 3);
        }

        #[test]
        fn conversions() {
            let c = counter();
            let a: $Ptr<[Tracked]> = $Ptr::from([Tracked(1, c.clone()), Tracked(2, c.clone())]);
            assert_eq!(a.len(), 2);
            drop(a);
            assert_eq!(drops(&c), 2);
            let mut arr = [1, 2, 3];
            let m: $Ptr<[i32]> = $Ptr::from(&mut arr[..]);
            assert_eq!(*m, [1, 2, 3]);
            let mut s = String::from("héllo");
            let ms: $Ptr<str> = $Ptr::from(s.as_mut_str());
            let bytes: $Ptr<[u8]> = $Ptr::from(ms.clone());
            assert_eq!(&*bytes, "héllo".as_bytes());
            // The same block, not a copy.
            assert_eq!($Ptr::strong_count(&ms), 2);
            assert!(core::ptr::addr_eq($Ptr::as_ptr(&ms), $Ptr::as_ptr(&bytes)));
            let cow_b: $Ptr<str> = $Ptr::from(Cow::Borrowed("c"));
            let cow_o: $Ptr<[u8]> = $Ptr::from(Cow::<[u8]>::Owned(vec![1]));
            assert_eq!((&*cow_b, &*cow_o), ("c", &[1u8][..]));
            let c1: $Ptr<CStr> = $Ptr::from(c"abc");
            let c2: $Ptr<CStr> = $Ptr::from(CString::new("abc").unwrap());
            let c3: $Ptr<CStr, u8> = Default::default();
            assert_eq!(c1, c2);
            assert!(c3.is_empty());
            let os: $Ptr<std::ffi::OsStr> = $Ptr::from(std::ffi::OsString::from("o"));
            let p: $Ptr<std::path::Path> = $Ptr::from(std::path::Path::new("a/b"));
            assert_eq!((&*os, p.to_str()), (std::ffi::OsStr::new("o"), Some("a/b")));
        }

        #[test]
        fn try_from_slice_to_array() {
            let c = counter();
            let s: $Ptr<[Tracked], u16> = (0..3).map(|i| Tracked(i, c.clone())).collect();
            let w = $Ptr::downgrade(&s);
            let s = $Ptr::<[Tracked; 2], u16>::try_from(s).unwrap_err();
            let a = $Ptr::<[Tracked; 3], u16>::try_from(s).unwrap();
            assert_eq!(a[2].0, 2);
            assert_eq!(w.strong_count(), 1);
            drop(a);
            assert_eq!(drops(&c), 3);
            assert!(w.upgrade().is_none());
            let e: $Ptr<[u8]> = $Ptr::from(Vec::new());
            let e: $Ptr<[u8; 0]> = $Ptr::try_from(e).unwrap();
            assert_eq!(e.len(), 0);
        }
    };
}

/// `make_mut` on unsized values (issue 17 §1), for `Rc` and `Arc`.
#[macro_export]
macro_rules! make_mut_tests {
    ($Ptr:ident, $Weak:ident) => {
        /// A value whose `clone` panics on the `n`th call.
        #[derive(Debug)]
        struct Bomb(u32, Tracked, std::rc::Rc<std::cell::Cell<u32>>);
        impl Clone for Bomb {
            fn clone(&self) -> Self {
                let left = self.2.get();
                assert!(left != 0, "bomb");
                self.2.set(left - 1);
                Bomb(self.0, self.1.clone(), self.2.clone())
            }
        }

        #[test]
        fn make_mut_slice_clones_when_shared() {
            let c = counter();
            let mut a: $Ptr<[Tracked]> =
                $Ptr::from(vec![Tracked(1, c.clone()), Tracked(2, c.clone())]);
            let b = a.clone();
            $Ptr::make_mut(&mut a)[0].0 = 10;
            assert_eq!((a[0].0, b[0].0, a.len()), (10, 1, 2));
            assert!(!$Ptr::ptr_eq(&a, &b));
            assert_eq!(($Ptr::strong_count(&a), $Ptr::strong_count(&b)), (1, 1));
            // Unique now: no copy.
            let p = $Ptr::as_ptr(&a);
            $Ptr::make_mut(&mut a)[1].0 = 20;
            assert!(core::ptr::eq(p, $Ptr::as_ptr(&a)));
            drop((a, b));
            assert_eq!(drops(&c), 4);
        }

        #[test]
        fn make_mut_str_and_cstr_move_away_from_weak() {
            let mut s: $Ptr<str> = $Ptr::from("abc");
            let w = $Ptr::downgrade(&s);
            $Ptr::make_mut(&mut s).make_ascii_uppercase();
            assert_eq!(&*s, "ABC");
            // Moved out: the Weak is disassociated, as std.
            assert!(w.upgrade().is_none());
            assert_eq!($Ptr::weak_count(&s), 0);
            let mut e: $Ptr<str, u8> = $Ptr::from("");
            let e2 = e.clone();
            let _ = $Ptr::make_mut(&mut e);
            assert_eq!((&*e, &*e2), ("", ""));
            let mut cs: $Ptr<CStr> = $Ptr::from(c"hi");
            let keep = cs.clone();
            let _: &mut CStr = $Ptr::make_mut(&mut cs);
            assert_eq!(cs, keep);
            assert!(!$Ptr::ptr_eq(&cs, &keep));
            let mut v: $Ptr<[Tracked]> = $Ptr::from(vec![Tracked(3, counter())]);
            let wv = $Ptr::downgrade(&v);
            $Ptr::make_mut(&mut v)[0].0 = 4;
            assert!(wv.upgrade().is_none());
            assert_eq!(v[0].0, 4);
        }

        #[test]
        fn make_mut_slice_clone_panics_midway() {
            let c = counter();
            let budget = std::rc::Rc::new(std::cell::Cell::new(1));
            let mut a: $Ptr<[Bomb]> = (0..3)
                .map(|i| Bomb(i, Tracked(i, c.clone()), budget.clone()))
                .collect();
            let b = a.clone();
            let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                $Ptr::make_mut(&mut a)[0].0 = 9;
            }));
            assert!(r.is_err());
            // The one clone made was dropped; nothing else changed.
            assert_eq!(drops(&c), 1);
            assert!($Ptr::ptr_eq(&a, &b));
            assert_eq!($Ptr::strong_count(&a), 2);
            assert_eq!(a[0].0, 0);
            drop((a, b));
            assert_eq!(drops(&c), 4);
        }
    };
}
