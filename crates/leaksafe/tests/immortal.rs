//! Immortal `Rc`/`Arc` (issue 19): `new_immortal`, `into_immortal`,
//! `is_immortal`. Every test leaks on purpose (an immortal value is never
//! freed), hence `leaky_*`: Miri runs them with `-Zmiri-ignore-leaks`, still
//! checking every access under Stacked and Tree Borrows.
use std::num::Saturating;
use std::sync::atomic::{AtomicUsize, Ordering};

/// A value that counts its drops in its own counter (tests run in parallel).
#[derive(Debug, Clone)]
struct Tracked<'a>(u32, &'a AtomicUsize);

impl Drop for Tracked<'_> {
    fn drop(&mut self) {
        self.1.fetch_add(1, Ordering::Relaxed);
    }
}

macro_rules! immortal_tests {
    ($name:ident, $m:ident, $Ptr:ident) => {
        mod $name {
            use super::*;
            use leaksafe::$m::{Weak, $Ptr};

            fn cases<C: leaksafe::$m::SaturatingCount>() {
                let drops = AtomicUsize::new(0);
                let mut a: $Ptr<Tracked<'_>, C> = $Ptr::new_immortal(Tracked(1, &drops));
                assert!($Ptr::is_immortal(&a));
                for _ in 0..1000 {
                    drop(a.clone());
                }
                let b = a.clone();
                let w: Weak<Tracked<'_>, C> = $Ptr::downgrade(&a);
                assert!($Ptr::get_mut(&mut a).is_none());
                assert_eq!($Ptr::make_mut(&mut a).0, 1); // cloned away: `a` is a new value
                assert!(!$Ptr::is_immortal(&a));
                drop(a);
                let b = $Ptr::try_unwrap(b).unwrap_err();
                assert!($Ptr::into_inner(b).is_none());
                assert_eq!(w.upgrade().unwrap().0, 1);
                drop(w);
                // Only the clone made by make_mut was dropped.
                assert_eq!(drops.load(Ordering::Relaxed), 1);

                // into_immortal on a shared value, with Weaks.
                let a: $Ptr<Tracked<'_>, C> = $Ptr::new_counted(Tracked(2, &drops));
                let b = a.clone();
                let w = $Ptr::downgrade(&a);
                assert!(!$Ptr::is_immortal(&a));
                let a = $Ptr::into_immortal(a);
                assert!($Ptr::is_immortal(&b));
                drop((a, b));
                assert_eq!(w.upgrade().unwrap().0, 2);
                drop(w);
                assert_eq!(drops.load(Ordering::Relaxed), 1);
            }

            #[test]
            fn leaky_immortal_all_widths() {
                cases::<Saturating<u8>>();
                cases::<Saturating<u16>>();
                cases::<Saturating<u32>>();
                cases::<Saturating<u64>>();
                cases::<Saturating<usize>>();
                // Abort counts are never immortal.
                assert!(!$Ptr::is_immortal(&$Ptr::new(1)));
                assert!(!$Ptr::is_immortal(&$Ptr::<_, u8>::new_counted(1)));
            }

            /// An overflowed saturating count is immortal too.
            #[test]
            fn leaky_saturated_is_immortal() {
                let a: $Ptr<u8, Saturating<u8>> = $Ptr::new_counted(1);
                for _ in 0..254 {
                    std::mem::forget(a.clone());
                }
                assert!($Ptr::is_immortal(&a));
                assert_eq!($Ptr::strong_count(&a), 255);
            }
        }
    };
}

immortal_tests!(immortal_rc, rc, Rc);
immortal_tests!(immortal_arc, sync, Arc);

/// Two threads clone and drop one immortal `Arc`; a third makes another
/// value immortal while a clone of it is dropped on another thread.
#[test]
fn leaky_immortal_arc_threads() {
    use leaksafe::sync::Arc;
    let drops = AtomicUsize::new(0);
    let a = Arc::<_, Saturating<u32>>::new_immortal(Tracked(3, &drops));
    let m: Arc<Tracked<'_>, Saturating<u8>> = Arc::new_counted(Tracked(4, &drops));
    let m2 = m.clone();
    std::thread::scope(|s| {
        for _ in 0..2 {
            let a = &a;
            s.spawn(move || {
                for _ in 0..100 {
                    assert_eq!(a.clone().0, 3);
                }
            });
        }
        s.spawn(move || drop(m2));
        let m = Arc::into_immortal(m);
        assert!(Arc::is_immortal(&m));
    });
    assert!(Arc::is_immortal(&a));
    assert_eq!(drops.load(Ordering::Relaxed), 0);
}
