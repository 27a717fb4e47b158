//! `ThinRc`/`ThinArc` and `HeaderSlice` (issue 19): one-word pointers to a
//! header and a slice; construction from lying `ExactSizeIterator`s (too few
//! items, too many, a `len()` that overflows the allocation size), panicking
//! iterators and `Clone`s, odd layouts (zero-sized, over-aligned, padded
//! headers), conversions to and from the fat `Rc`/`Arc`, and `Weak`s. Run
//! under Miri (Stacked and Tree Borrows): no access outside the allocation,
//! and the leak check proves each block is freed once.
use std::num::Saturating;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::atomic::{AtomicUsize, Ordering};

/// An iterator that reports `claimed` items and yields `real` of them
/// (items count their drops), optionally panicking at item `panic_at`.
struct Liar<'a> {
    claimed: usize,
    real: usize,
    given: usize,
    panic_at: Option<usize>,
    drops: &'a AtomicUsize,
}

impl<'a> Liar<'a> {
    fn new(claimed: usize, real: usize, drops: &'a AtomicUsize) -> Self {
        Liar {
            claimed,
            real,
            given: 0,
            panic_at: None,
            drops,
        }
    }
}

#[derive(Debug)]
struct Item<'a>(usize, &'a AtomicUsize);

impl Drop for Item<'_> {
    fn drop(&mut self) {
        self.1.fetch_add(1, Ordering::Relaxed);
    }
}

impl<'a> Iterator for Liar<'a> {
    type Item = Item<'a>;
    fn next(&mut self) -> Option<Item<'a>> {
        if Some(self.given) == self.panic_at {
            panic!("Liar::next panics on purpose");
        }
        if self.given == self.real {
            return None;
        }
        self.given += 1;
        Some(Item(self.given, self.drops))
    }
    fn size_hint(&self) -> (usize, Option<usize>) {
        let left = self.claimed.saturating_sub(self.given);
        (left, Some(left))
    }
}

impl ExactSizeIterator for Liar<'_> {}

fn n(c: &AtomicUsize) -> usize {
    c.load(Ordering::Relaxed)
}

#[repr(align(32))]
#[derive(Debug, Clone, Copy, PartialEq)]
struct Over(u8);

macro_rules! thin_tests {
    ($name:ident, $m:ident, $Thin:ident, $Ptr:ident) => {
        mod $name {
            use super::*;
            use leaksafe::$m::{HeaderSlice, $Ptr, $Thin};

            #[test]
            fn thin_basics() {
                assert_eq!(size_of::<$Thin<u8, u64>>(), size_of::<usize>());
                assert_eq!(
                    size_of::<Option<$Thin<String, Over, u8>>>(),
                    size_of::<usize>()
                );
                let t = $Thin::from_header_and_iter(String::from("h"), [1u64, 2, 3]);
                assert_eq!(
                    (t.header.as_str(), &t.slice, t.len()),
                    ("h", &[1, 2, 3][..], 3)
                );
                let u = t.clone();
                assert_eq!($Thin::strong_count(&t), 2);
                assert!($Thin::ptr_eq(&t, &u));
                assert_eq!(t, u);
                assert_eq!(
                    format!("{u:?}"),
                    "HeaderSlice { header: \"h\", slice: [1, 2, 3] }"
                );
                // To the fat pointer and back, counts kept.
                let p: $Ptr<HeaderSlice<String, [u64]>> = u.into();
                assert_eq!(($Ptr::strong_count(&p), p.len()), (2, 3));
                let w = $Ptr::downgrade(&p);
                let back = $Thin::from_counted(p);
                assert!($Thin::ptr_eq(&t, &back));
                drop((t, back));
                assert!(w.upgrade().is_none());
                // Weak through the thin pointer.
                let t = $Thin::<_, _, u8>::from_header_and_slice_counted(1u8, &[2u8, 3]);
                let w = $Thin::downgrade(&t);
                let again = $Thin::from_counted(w.upgrade().unwrap());
                assert_eq!($Thin::strong_count(&t), 2);
                drop((t, again));
                assert!(w.upgrade().is_none());
            }

            #[test]
            fn thin_layouts_and_counts() {
                fn check<
                    H: Clone + PartialEq + std::fmt::Debug,
                    T: Clone + PartialEq + std::fmt::Debug,
                    C: leaksafe::Count,
                >(
                    h: H,
                    items: &[T],
                ) {
                    let t = $Thin::<H, T, C>::from_header_and_slice_counted(h.clone(), items);
                    let u = t.clone();
                    assert_eq!((&u.header, &u.slice), (&h, items));
                    assert_eq!(u.len(), items.len());
                    assert_eq!(u.is_empty(), items.is_empty());
                }
                check::<(), (), usize>((), &[(), ()]);
                check::<(), u8, u8>((), &[]);
                check::<u8, u64, u16>(7, &[1, 2, 3]);
                check::<u64, u8, Saturating<u8>>(7, &[1, 2, 3]);
                check::<[u8; 3], Over, u32>([1, 2, 3], &[Over(1), Over(2)]);
                check::<Over, u16, Saturating<u64>>(Over(9), &[5; 17]);
                check::<String, String, u8>("h".into(), &["a".into(), "b".into()]);
                let t = $Thin::<Over, u8>::from_header_and_slice(Over(1), &[1]);
                assert_eq!((&t.header as *const Over as usize) % 32, 0);
            }

            #[test]
            fn thin_iterator_with_too_few_items_panics_without_leaking() {
                let drops = AtomicUsize::new(0);
                for (claimed, real) in [(3, 0), (3, 2), (1, 0)] {
                    let r = catch_unwind(AssertUnwindSafe(|| {
                        $Thin::from_header_and_iter(
                            Item(0, &drops),
                            Liar::new(claimed, real, &drops),
                        )
                    }));
                    assert!(r.is_err());
                }
                // Each header and each item written was dropped once.
                assert_eq!(n(&drops), 3 + 2);
            }

            #[test]
            fn thin_iterator_with_too_many_items_panics_without_leaking() {
                let drops = AtomicUsize::new(0);
                for (claimed, real) in [(0, 1), (2, 5)] {
                    let r = catch_unwind(AssertUnwindSafe(|| {
                        $Thin::from_header_and_iter(
                            Item(0, &drops),
                            Liar::new(claimed, real, &drops),
                        )
                    }));
                    assert!(r.is_err());
                }
                // Headers, the items written, and the one extra item taken.
                assert_eq!(n(&drops), 2 + (0 + 1) + (2 + 1));
            }

            #[test]
            fn thin_iterator_with_huge_len_panics_before_allocating() {
                let drops = AtomicUsize::new(0);
                let r = catch_unwind(AssertUnwindSafe(|| {
                    $Thin::from_header_and_iter(Item(0, &drops), Liar::new(usize::MAX, 1, &drops))
                }));
                assert!(r.is_err());
                assert_eq!(n(&drops), 1); // the header
            }

            #[test]
            fn thin_panicking_iterator_and_clone_drop_what_was_written() {
                let drops = AtomicUsize::new(0);
                let mut it = Liar::new(4, 4, &drops);
                it.panic_at = Some(2);
                let r = catch_unwind(AssertUnwindSafe(|| {
                    $Thin::from_header_and_iter(Item(0, &drops), it)
                }));
                assert!(r.is_err());
                assert_eq!(n(&drops), 1 + 2);

                #[derive(Debug)]
                struct Bomb(u8);
                impl Clone for Bomb {
                    fn clone(&self) -> Self {
                        assert!(self.0 != 2, "Bomb::clone panics on purpose");
                        Bomb(self.0)
                    }
                }
                let src = [Bomb(1), Bomb(2), Bomb(3)];
                let r = catch_unwind(AssertUnwindSafe(|| {
                    $Thin::from_header_and_slice(String::from("h"), &src)
                }));
                assert!(r.is_err());
            }

            #[test]
            fn leaky_thin_forget() {
                let drops = AtomicUsize::new(0);
                let t = $Thin::from_header_and_iter(Item(0, &drops), Liar::new(2, 2, &drops));
                assert_eq!((t.header.0, t.slice[0].0, t.slice[1].0), (0, 1, 2));
                std::mem::forget(t.clone());
                drop(t);
                std::mem::forget($Thin::from_header_and_slice((), &[1]));
                let t = $Thin::from_header_and_slice((), &[1]);
                std::mem::forget($Thin::downgrade(&t));
                drop(t);
                assert_eq!(n(&drops), 0);
                // A saturated count: immortal.
                let t = $Thin::<u8, u8, Saturating<u8>>::from_header_and_slice_counted(1, &[2]);
                for _ in 0..300 {
                    std::mem::forget(t.clone());
                }
                assert_eq!($Thin::strong_count(&t), 255);
            }
        }
    };
}

thin_tests!(thin_rc, rc, ThinRc, Rc);
thin_tests!(thin_arc, sync, ThinArc, Arc);

#[test]
fn thin_arc_across_threads() {
    use leaksafe::sync::ThinArc;
    let t = ThinArc::<_, _, u8>::from_header_and_iter_counted(String::from("h"), 0..100u32);
    std::thread::scope(|s| {
        for _ in 0..2 {
            let t = t.clone();
            s.spawn(move || {
                for _ in 0..10 {
                    let u = t.clone();
                    assert_eq!(u.slice.iter().sum::<u32>(), 4950);
                }
            });
        }
    });
    assert_eq!(ThinArc::strong_count(&t), 1);
}
