//! The operations of `leaksafe::vec::Vec` that run user code, checked against
//! std's `Vec` running the same scenario (same values, same planned panic),
//! with a drop ledger on both sides: contents, yielded items and "did it
//! panic" must be equal, and every element is dropped exactly once.
//!
//! Tests that forget a proxy on purpose are named `leaky_*` (run them under
//! Miri with `-Zmiri-ignore-leaks`).

// The comparison needs std's `Vec::extract_if` (1.87); the library itself
// keeps to the 1.85 MSRV.
#![allow(clippy::incompatible_msrv)]

use leaksafe::vec::Vec;
use leaksafe_check::{Ledger, Op, Tracked, catch};
use std::mem;

#[path = "common/liar.rs"]
mod liar;
use liar::{Hint, Liar};

type StdVec<T> = std::vec::Vec<T>;
type T32 = Tracked<u32>;

/// Sizes: small under Miri.
const LEN: usize = if cfg!(miri) { 4 } else { 7 };

/// Natively every item; under Miri every fifth (the loops multiply, and
/// each item costs a second there).
fn thin<I: IntoIterator>(it: I) -> std::iter::StepBy<I::IntoIter> {
    it.into_iter().step_by(if cfg!(miri) { 5 } else { 1 })
}

fn vals(v: &[T32]) -> StdVec<u32> {
    v.iter().map(|t| *t.get()).collect()
}

fn take_vals(items: impl IntoIterator<Item = T32>) -> StdVec<u32> {
    items.into_iter().map(|t| *t.get()).collect()
}

const HINTS: [Hint; 4] = [Hint::Exact, Hint::Zero, Hint::Over(3), Hint::Under];

/// Runs the same scenario on leaksafe's `Vec` and on std's, each starting
/// from `$init` tracked in its own ledger. The body may plan panics on `$l`;
/// it is run under `catch`. Asserts that both sides agree on the body's
/// result, whether it panicked, and the contents afterwards, and that every
/// element was dropped exactly once after the vector is dropped. Returns
/// `(panicked, result, contents)`.
macro_rules! same_as_std {
    ($init:expr, |$v:ident, $l:ident| $body:expr) => {{
        let init: &[u32] = &$init;
        let ours = {
            let ledger = Ledger::new();
            let $l = &ledger;
            #[allow(unused_mut)]
            let mut $v: Vec<T32> = init.iter().map(|&x| $l.track(x)).collect();
            let r = catch(|| $body);
            $l.disarm();
            $l.assert_sound();
            let out = (r.is_err(), r.ok(), vals(&$v));
            drop($v);
            ledger.assert_all_dropped();
            out
        };
        let theirs = {
            let ledger = Ledger::new();
            let $l = &ledger;
            #[allow(unused_mut)]
            let mut $v: StdVec<T32> = init.iter().map(|&x| $l.track(x)).collect();
            let r = catch(|| $body);
            $l.disarm();
            let out = (r.is_err(), r.ok(), vals(&$v));
            drop($v);
            ledger.assert_all_dropped();
            out
        };
        assert_eq!(ours, theirs, "leaksafe (left) differs from std (right)");
        ours
    }};
}

fn range_vals(n: usize) -> StdVec<u32> {
    (0..n as u32).collect()
}

/// Every `start..end` within `0..=len`.
fn ranges(len: usize) -> impl Iterator<Item = (usize, usize)> {
    (0..=len).flat_map(move |s| (s..=len).map(move |e| (s, e)))
}

// ---------------------------------------------------------------- splice

#[test]
fn splice_matches_std_for_every_shape_and_lying_hint() {
    let init = range_vals(LEN);
    for (s, e) in ranges(LEN) {
        for r in thin([0, 1, 2, LEN + 2]) {
            let repl: StdVec<u32> = (100..100 + r as u32).collect();
            for hint in thin(HINTS) {
                // Consume: nothing, one from the front, one from each end.
                for consume in thin(0..3) {
                    same_as_std!(init, |v, l| {
                        let mut sp = v.splice(s..e, Liar::tracked(l, &repl, hint));
                        let mut got = StdVec::new();
                        if consume >= 1 {
                            got.extend(sp.next().map(|t| *t.get()));
                        }
                        if consume >= 2 {
                            got.extend(sp.next_back().map(|t| *t.get()));
                        }
                        got.extend(take_vals(&mut sp));
                        got
                    });
                }
            }
        }
    }
}

#[test]
fn splice_panic_in_replacement_next_leaves_what_std_leaves() {
    let init = range_vals(LEN);
    for (s, e) in [(0, 0), (1, 3), (2, 2), (0, LEN), (LEN - 1, LEN), (LEN, LEN)] {
        for r in [0, 1, 3, LEN + 1] {
            let repl: StdVec<u32> = (100..100 + r as u32).collect();
            for hint in HINTS {
                for k in thin(0..=r + 1) {
                    let (panicked, _, _) = same_as_std!(init, |v, l| {
                        l.fail_at(Op::Next, k);
                        drop(v.splice(s..e, Liar::tracked(l, &repl, hint)));
                    });
                    // `next` is called until it returns `None`: `r + 1` times.
                    assert_eq!(panicked, k <= r);
                }
            }
        }
    }
}

#[test]
fn splice_panic_in_drained_drop_leaves_what_std_leaves() {
    let init = range_vals(LEN);
    for (s, e) in [(0, 2), (1, LEN - 1), (2, LEN)] {
        for k in 0..e - s {
            for r in [0, 2, LEN] {
                let repl: StdVec<u32> = (100..100 + r as u32).collect();
                let (panicked, _, _) = same_as_std!(init, |v, l| {
                    l.fail_at(Op::Drop, k);
                    drop(v.splice(s..e, Liar::tracked(l, &repl, Hint::Exact)));
                });
                assert!(panicked);
            }
        }
    }
}

/// A size hint of `usize::MAX` is never trusted: leaksafe gives the right
/// contents (std's `Splice` panics with "capacity overflow" there).
#[test]
fn splice_ignores_a_max_size_hint() {
    let init = range_vals(LEN);
    for (s, e) in [(0, 0), (1, 3), (0, LEN), (LEN, LEN), (LEN - 1, LEN)] {
        for r in [0, 1, 5] {
            let repl: StdVec<u32> = (100..100 + r as u32).collect();
            for hint in [Hint::Max, Hint::MaxMax] {
                let ledger = Ledger::new();
                let mut v: Vec<T32> = init.iter().map(|&x| ledger.track(x)).collect();
                let out = take_vals(v.splice(s..e, Liar::tracked(&ledger, &repl, hint)));
                let mut expected = init.clone();
                let expected_out: StdVec<u32> = expected.splice(s..e, repl.clone()).collect();
                assert_eq!(out, expected_out);
                assert_eq!(vals(&v), expected, "range {s}..{e}, {r} items, {hint:?}");
                drop(v);
                ledger.assert_all_dropped();
            }
        }
    }
}

#[test]
fn splice_zero_sized() {
    let mut v: Vec<()> = leaksafe::vec![(); 5];
    let out: StdVec<()> = v.splice(1..3, [(); 4]).collect();
    assert_eq!((out.len(), v.len()), (2, 7));
    drop(v.splice(.., core::iter::repeat_n((), 3)));
    assert_eq!(v.len(), 3);
}

#[test]
fn splice_into_iter_panic_leaves_drained_vector() {
    // `splice` calls `into_iter` (user code) after creating the drain, as
    // std does: a panic there behaves like `drain(range)`.
    struct Bomb;
    impl IntoIterator for Bomb {
        type Item = u32;
        type IntoIter = std::vec::IntoIter<u32>;
        fn into_iter(self) -> Self::IntoIter {
            std::panic::resume_unwind(Box::new("into_iter"))
        }
    }
    let mut v = leaksafe::vec![0u32, 1, 2, 3];
    assert!(catch(|| drop(v.splice(1..3, Bomb))).is_err());
    let mut s = vec![0u32, 1, 2, 3];
    assert!(catch(|| drop(s.splice(1..3, Bomb))).is_err());
    assert_eq!(v, s);
}

/// `size_hint` is user code too: a panic there (at its first, second, ...
/// call) leaves a valid vector holding the prefix, a prefix of the
/// replacement and the whole tail, in order, and drops everything once.
#[test]
fn splice_panic_in_size_hint_leaves_a_valid_vector() {
    struct HintBomb {
        items: std::vec::IntoIter<T32>,
        ledger: Ledger,
    }
    impl Iterator for HintBomb {
        type Item = T32;
        fn next(&mut self) -> Option<T32> {
            self.items.next()
        }
        fn size_hint(&self) -> (usize, Option<usize>) {
            self.ledger.tick(Op::Predicate);
            self.items.size_hint()
        }
    }
    let init = range_vals(LEN);
    let mut panics = 0;
    for (s, e) in [(0, 0), (1, 2), (2, LEN), (LEN, LEN), (0, LEN - 1)] {
        for r in [1, 3, LEN + 2] {
            for k in 0..3 {
                let ledger = Ledger::new();
                let mut v: Vec<T32> = init.iter().map(|&x| ledger.track(x)).collect();
                let repl: StdVec<T32> = (100..100 + r as u32).map(|x| ledger.track(x)).collect();
                ledger.fail_at(Op::Predicate, k);
                let res = catch(|| {
                    drop(v.splice(
                        s..e,
                        HintBomb {
                            items: repl.into_iter(),
                            ledger: ledger.clone(),
                        },
                    ))
                });
                ledger.disarm();
                ledger.assert_sound();
                let got = vals(&v);
                let mid = got.len() - (LEN - e);
                assert_eq!(&got[..s], &init[..s]);
                assert_eq!(&got[mid..], &init[e..]);
                let inserted: StdVec<u32> = (100..100 + (mid - s) as u32).collect();
                assert_eq!(&got[s..mid], &inserted[..]);
                match res {
                    Ok(()) => assert_eq!(mid - s, r),
                    Err(p) => {
                        assert!(p.is_some(), "only the planned panic");
                        panics += 1;
                    }
                }
                drop(v);
                ledger.assert_all_dropped();
            }
        }
    }
    assert!(panics >= 5, "every shape panicked at least once ({panics})");
}

#[test]
fn leaky_splice_forget_at_every_point() {
    let init = range_vals(LEN);
    for (s, e) in ranges(LEN) {
        for r in [0, 2, LEN + 1] {
            let repl: StdVec<u32> = (100..100 + r as u32).collect();
            for front in 0..=(e - s) {
                for back in [0, 1] {
                    let ledger = Ledger::new();
                    let mut v: Vec<T32> = init.iter().map(|&x| ledger.track(x)).collect();
                    let mut sp = v.splice(s..e, Liar::tracked(&ledger, &repl, Hint::Exact));
                    let mut taken = 0;
                    for _ in 0..front {
                        taken += sp.next().is_some() as usize;
                    }
                    for _ in 0..back {
                        taken += sp.next_back().is_some() as usize;
                    }
                    mem::forget(sp);
                    // The prefix survives; the rest leaks, nothing is dropped twice.
                    assert_eq!(vals(&v), &init[..s]);
                    ledger.assert_sound();
                    let leaked = LEN - s - taken + r;
                    assert_eq!(ledger.summary().live, s + leaked);
                    v.push(ledger.track(7));
                    assert_eq!(*v[s].get(), 7);
                    drop(v);
                    ledger.expect_leaks(leaked);
                    ledger.assert_no_unexpected_leaks();
                }
            }
        }
    }
}

// ---------------------------------------------------------------- extend

/// `extend` (and so `collect`) never trusts a size hint in either direction.
#[test]
fn extend_with_lying_hints_matches_std() {
    let init = range_vals(3);
    for r in [0, 1, 5, 17] {
        let repl: StdVec<u32> = (100..100 + r as u32).collect();
        for hint in HINTS {
            same_as_std!(init, |v, l| v.extend(Liar::tracked(l, &repl, hint)));
            for k in thin(0..=r) {
                same_as_std!(init, |v, l| {
                    l.fail_at(Op::Next, k);
                    v.extend(Liar::tracked(l, &repl, hint));
                });
            }
        }
    }
}

/// With `(usize::MAX, _)` std panics with "capacity overflow". leaksafe may
/// panic too, but only that way and with the vector valid and holding a
/// prefix of the right contents.
#[test]
fn extend_with_max_hint_is_correct_or_capacity_overflow() {
    for r in [0, 3] {
        let repl: StdVec<u32> = (100..100 + r as u32).collect();
        for hint in [Hint::Max, Hint::MaxMax] {
            let ledger = Ledger::new();
            let mut v: Vec<T32> = (0..3).map(|x| ledger.track(x)).collect();
            let res = catch(|| v.extend(Liar::tracked(&ledger, &repl, hint)));
            let mut expected = range_vals(3);
            expected.extend(&repl);
            let got = vals(&v);
            match res {
                Ok(()) => assert_eq!(got, expected),
                // A non-injected panic: "capacity overflow".
                Err(None) => assert_eq!(got, &expected[..got.len()]),
                Err(Some(p)) => panic!("unexpected {p:?}"),
            }
            drop(v);
            ledger.assert_all_dropped();
        }
    }
}

// ---------------------------------------------------------------- extract_if

#[test]
fn extract_if_matches_std() {
    let init = range_vals(LEN);
    for (s, e) in ranges(LEN) {
        for m in [1u32, 2, 3] {
            for take in thin([0, 1, 2, usize::MAX]) {
                same_as_std!(init, |v, l| {
                    let it = v.extract_if(s..e, |x| {
                        l.tick(Op::Predicate);
                        *x.get() % m == 0
                    });
                    take_vals(it.take(take))
                });
            }
        }
    }
}

#[test]
fn extract_if_panic_in_predicate_keeps_unvisited_in_order() {
    let init = range_vals(LEN);
    for (s, e) in [(0, LEN), (1, LEN - 1), (2, 3)] {
        for k in 0..(e - s) {
            let (panicked, _, contents) = same_as_std!(init, |v, l| {
                l.fail_at(Op::Predicate, k);
                let it = v.extract_if(s..e, |x| {
                    l.tick(Op::Predicate);
                    *x.get() % 2 == 0
                });
                take_vals(it)
            });
            assert!(panicked);
            // Nothing after the panicking element was removed.
            assert!(contents.ends_with(&init[s + k..]));
        }
    }
}

#[test]
fn extract_if_out_of_range_panics_like_std_before_any_change() {
    let mut v = leaksafe::vec![1u32, 2, 3];
    let msg = |r: Result<(), Box<dyn std::any::Any + Send>>| {
        let e = r.unwrap_err();
        e.downcast_ref::<String>()
            .cloned()
            .or_else(|| e.downcast_ref::<&str>().map(|s| s.to_string()))
            .unwrap()
    };
    let ours = |r: std::ops::RangeInclusive<usize>| {
        let mut w = v.clone();
        msg(std::panic::catch_unwind(move || {
            drop(w.extract_if(r, |_| true));
        }))
    };
    let std_msg = |r: std::ops::RangeInclusive<usize>| {
        let mut w = vec![1u32, 2, 3];
        msg(std::panic::catch_unwind(move || {
            drop(w.extract_if(r, |_| true));
        }))
    };
    for r in [0..=3, std::ops::RangeInclusive::new(3, 1), 0..=usize::MAX] {
        assert_eq!(ours(r.clone()), std_msg(r));
    }
    let r = catch(|| drop(v.extract_if(4.., |_| true)));
    assert!(r.is_err());
    assert_eq!(v, [1, 2, 3]);
}

#[test]
fn extract_if_debug_shows_the_three_runs() {
    let mut v = leaksafe::vec![1, 2, 3, 4, 5];
    let mut it = v.extract_if(1..4, |x| *x == 2);
    assert_eq!(it.next(), Some(2));
    let s = format!("{it:?}");
    assert!(s.contains("retained: [1]"), "{s}");
    assert!(s.contains("remainder: [3, 4]"), "{s}");
    assert!(s.contains("skipped_tail: [5]"), "{s}");
}

#[test]
fn leaky_extract_if_forget_keeps_the_prefix() {
    let init = range_vals(LEN);
    for (s, e) in ranges(LEN) {
        for take in 0..=(e - s) {
            let ledger = Ledger::new();
            let mut v: Vec<T32> = init.iter().map(|&x| ledger.track(x)).collect();
            let mut it = v.extract_if(s..e, |x| *x.get() % 2 == 1);
            let taken = take_vals(it.by_ref().take(take)).len();
            mem::forget(it);
            assert_eq!(vals(&v), &init[..s]);
            ledger.assert_sound();
            let leaked = LEN - s - taken;
            assert_eq!(ledger.summary().live, s + leaked);
            v.push(ledger.track(9));
            drop(v);
            ledger.expect_leaks(leaked);
            ledger.assert_no_unexpected_leaks();
        }
    }
}

// ---------------------------------------------------------------- retain

#[test]
fn retain_and_retain_mut_match_std_with_panics_anywhere() {
    let init = range_vals(LEN);
    for m in [1u32, 2, 3, 100] {
        // Predicate (call k) and element Drop (call k) panics, and none.
        for fault in [None, Some(Op::Predicate), Some(Op::Drop)] {
            for k in thin(0..LEN) {
                same_as_std!(init, |v, l| {
                    if let Some(op) = fault {
                        l.fail_at(op, k);
                    }
                    v.retain(|x| {
                        l.tick(Op::Predicate);
                        *x.get() % m != 0
                    });
                });
                same_as_std!(init, |v, l| {
                    if let Some(op) = fault {
                        l.fail_at(op, k);
                    }
                    v.retain_mut(|x| {
                        l.tick(Op::Predicate);
                        *x.get() % m == 0
                    });
                });
            }
        }
    }
}

// ---------------------------------------------------------------- dedup

#[test]
fn dedup_family_matches_std_with_panics_anywhere() {
    let inits: [StdVec<u32>; 4] = [
        vec![],
        vec![1, 1, 1, 1],
        vec![1, 2, 2, 3, 3, 3, 1, 1, 4],
        vec![1, 2, 3, 4, 5],
    ];
    for init in &inits {
        for fault in [None, Some(Op::Compare), Some(Op::Drop), Some(Op::Predicate)] {
            for k in thin(0..init.len().max(1)) {
                let plan = |l: &Ledger| {
                    if let Some(op) = fault {
                        l.fail_at(op, k);
                    }
                };
                same_as_std!(init, |v, l| {
                    plan(l);
                    v.dedup();
                });
                same_as_std!(init, |v, l| {
                    plan(l);
                    v.dedup_by(|a, b| {
                        l.tick(Op::Predicate);
                        a.get() / 2 == b.get() / 2
                    });
                });
                same_as_std!(init, |v, l| {
                    plan(l);
                    v.dedup_by_key(|a| {
                        l.tick(Op::Predicate);
                        *a.get() % 3
                    });
                });
            }
        }
    }
}

#[test]
fn dedup_by_passes_arguments_reversed_like_std() {
    let mut v = leaksafe::vec![1, 2, 3];
    let mut seen = StdVec::new();
    v.dedup_by(|a, b| {
        seen.push((*a, *b));
        false
    });
    assert_eq!(seen, [(2, 1), (3, 2)]);
}

// ---------------------------------------------------------------- resize

#[test]
fn resize_and_resize_with_match_std_with_panics_anywhere() {
    let init = range_vals(3);
    for new_len in [0, 2, 3, 4, 8] {
        for fault in [None, Some(Op::Clone), Some(Op::Drop), Some(Op::Predicate)] {
            for k in thin(0..6) {
                same_as_std!(init, |v, l| {
                    if let Some(op) = fault {
                        l.fail_at(op, k);
                    }
                    v.resize(new_len, l.track(42));
                });
                same_as_std!(init, |v, l| {
                    if let Some(op) = fault {
                        l.fail_at(op, k);
                    }
                    let mut n = 50;
                    v.resize_with(new_len, || {
                        l.tick(Op::Predicate);
                        n += 1;
                        l.track(n)
                    });
                });
            }
        }
    }
}

// ---------------------------------------------------------------- extend_from_within

#[test]
fn extend_from_within_matches_std_with_panics_anywhere() {
    let init = range_vals(LEN);
    for (s, e) in ranges(LEN) {
        for k in [None, Some(0), Some(1), Some(LEN / 2)] {
            same_as_std!(init, |v, l| {
                if let Some(k) = k {
                    l.fail_at(Op::Clone, k);
                }
                v.extend_from_within(s..e);
            });
        }
    }
}

#[test]
fn extend_from_within_bad_ranges_panic_before_any_change() {
    let mut v = leaksafe::vec![1, 2, 3];
    for r in [(2usize, 1usize), (0, 4), (4, 4)] {
        assert!(catch(|| v.extend_from_within(r.0..r.1)).is_err());
    }
    assert!(catch(|| v.extend_from_within(..=usize::MAX)).is_err());
    assert_eq!(v, [1, 2, 3]);
    v.extend_from_within(1..=2);
    assert_eq!(v, [1, 2, 3, 2, 3]);
}

// ---------------------------------------------------------------- the rest

#[test]
fn clone_from_matches_std_with_panics_anywhere() {
    for src_len in [0, 2, 4, 6] {
        for fault in [None, Some(Op::Clone), Some(Op::Drop)] {
            for k in thin(0..6) {
                same_as_std!(range_vals(4), |v, l| {
                    let src: StdVec<T32> = (10..10 + src_len).map(|x| l.track(x)).collect();
                    let src = src.into_iter().collect();
                    if let Some(op) = fault {
                        l.fail_at(op, k);
                    }
                    v.clone_from(&src);
                    l.disarm();
                    drop(src);
                });
            }
        }
    }
}

#[test]
fn split_off_and_append() {
    for at in 0..=LEN {
        let (_, out, _) = same_as_std!(range_vals(LEN), |v, _l| {
            let mut other = v.split_off(at);
            let got = vals(&other);
            v.append(&mut other);
            assert!(other.is_empty());
            got
        });
        assert_eq!(out.unwrap(), &range_vals(LEN)[at..]);
    }
    let mut v = leaksafe::vec![1, 2, 3];
    let cap = v.capacity();
    let w = v.split_off(1);
    assert_eq!((v.capacity(), &*w), (cap, &[2, 3][..]));
    let r = catch(|| v.split_off(2));
    assert!(r.is_err());
    let mut z: Vec<()> = leaksafe::vec![(); 4];
    let mut z2 = z.split_off(1);
    assert_eq!((z.len(), z2.len()), (1, 3));
    z.append(&mut z2);
    assert_eq!((z.len(), z2.len()), (4, 0));
}

#[test]
fn split_off_panics_with_std_message() {
    let mut v = leaksafe::vec![1, 2, 3];
    let e = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| v.split_off(4))).unwrap_err();
    let m = e.downcast_ref::<String>().unwrap();
    assert_eq!(m, "`at` split index (is 4) should be <= len (is 3)");
    assert_eq!(v, [1, 2, 3]);
}

#[test]
fn leak_into_boxed_slice_and_spare_capacity() {
    let ledger = Ledger::new();
    let mut v: Vec<T32> = Vec::with_capacity(10);
    v.extend((0..3).map(|x| ledger.track(x)));
    let b = v.into_boxed_slice();
    assert_eq!(vals(&b), [0, 1, 2]);
    drop(b);
    ledger.assert_all_dropped();

    let e: Vec<T32> = Vec::with_capacity(4);
    assert!(e.into_boxed_slice().is_empty());
    let z: Vec<()> = leaksafe::vec![(); 3];
    assert_eq!(z.into_boxed_slice().len(), 3);

    let mut v: Vec<u64> = Vec::with_capacity(5);
    v.push(1);
    let spare = v.spare_capacity_mut();
    assert_eq!(spare.len(), 4);
    spare[0].write(2);
    // SAFETY: slot 1 was just initialised.
    unsafe { v.set_len(2) };
    assert_eq!(v, [1, 2]);

    let v = leaksafe::vec![1u8, 2, 3];
    let s: &'static mut [u8] = v.leak();
    s[0] = 9;
    assert_eq!(s, [9, 2, 3]);
    // Give the allocation back so Miri's leak check stays quiet: `leak` does
    // not shrink, and `vec![..]` has capacity == len.
    // SAFETY: the slice is the whole allocation of a `Layout::array::<u8>(3)`.
    drop(unsafe { Box::from_raw(s as *mut [u8]) });
}

// ---------------------------------------------------------------- std's historical bugs

/// rust-lang/rust#60977: `drain_filter` dropped elements twice when the
/// predicate panicked. Every element must be dropped exactly once, and the
/// unvisited ones kept in order.
#[test]
fn regression_60977_extract_if_panicking_predicate_no_double_drop() {
    for k in 0..LEN {
        let ledger = Ledger::new();
        let mut v: Vec<T32> = (0..LEN as u32).map(|x| ledger.track(x)).collect();
        ledger.fail_at(Op::Predicate, k);
        let r = catch(|| {
            v.extract_if(.., |x| {
                ledger.tick(Op::Predicate);
                *x.get() % 2 == 0
            })
            .for_each(drop)
        });
        assert!(r.is_err());
        ledger.assert_sound();
        let expected: StdVec<u32> = (0..LEN as u32)
            .filter(|&x| x >= k as u32 || x % 2 == 1)
            .collect();
        assert_eq!(vals(&v), expected);
        drop(v);
        ledger.assert_all_dropped();
    }
}

/// rust-lang/rust#52267: `retain` leaked (and could double drop) when the
/// predicate panicked.
#[test]
fn regression_52267_retain_panic_no_leak() {
    for k in 0..LEN {
        let ledger = Ledger::new();
        let mut v: Vec<T32> = (0..LEN as u32).map(|x| ledger.track(x)).collect();
        ledger.fail_at(Op::Predicate, k);
        let r = catch(|| {
            v.retain(|x| {
                ledger.tick(Op::Predicate);
                *x.get() % 2 == 0
            })
        });
        assert!(r.is_err());
        ledger.assert_sound();
        let expected: StdVec<u32> = (0..LEN as u32)
            .filter(|&x| x >= k as u32 || x % 2 == 0)
            .collect();
        assert_eq!(vals(&v), expected);
        drop(v);
        ledger.assert_all_dropped();
    }
}

/// rust-lang/rust#85613: `dedup_by` freed an element twice when its `Drop`
/// panicked (the cursor was advanced after the drop).
#[test]
fn regression_85613_dedup_by_panicking_drop_no_double_free() {
    let init = [1, 1, 2, 2, 2, 3, 3, 4];
    for k in 0..4 {
        // `same_as_std!` checks soundness, exactly-once drops and std's contents.
        let (panicked, _, contents) = same_as_std!(init, |v, l| {
            l.fail_at(Op::Drop, k);
            v.dedup_by(|a, b| a.get() == b.get());
        });
        assert!(panicked);
        // The duplicate whose `Drop` panicked is gone; the unvisited rest stays.
        assert_eq!(contents.len(), init.len() - k - 1);
    }
}

/// rust-lang/rust#82533: `extend_from_within` leaked the clones made before
/// a panicking `Clone` (the length was set only at the end).
#[test]
fn regression_82533_extend_from_within_panicking_clone_no_leak() {
    for k in 0..LEN {
        let ledger = Ledger::new();
        let mut v: Vec<T32> = (0..LEN as u32).map(|x| ledger.track(x)).collect();
        ledger.fail_at(Op::Clone, k);
        assert!(catch(|| v.extend_from_within(..)).is_err());
        assert_eq!(v.len(), LEN + k, "the {k} clones made are kept");
        drop(v);
        ledger.assert_all_dropped();
    }
}

/// rust-lang/rust#69770: `IntoIter` leaked its buffer when an element's
/// `Drop` panicked while the iterator was dropped. Counted with an allocator
/// that tracks this thread's live bytes.
#[test]
fn regression_69770_into_iter_panicking_drop_frees_buffer() {
    struct PanicOnDrop(bool);
    impl Drop for PanicOnDrop {
        fn drop(&mut self) {
            if self.0 {
                // `resume_unwind` skips the panic hook: no allocation there.
                std::panic::resume_unwind(Box::new(()));
            }
        }
    }
    // Warm up the panic machinery once, outside the measurement.
    let _ = std::panic::catch_unwind(|| std::panic::resume_unwind(Box::new(())));
    for panicking in 0..3 {
        let before = counting::live_bytes();
        let r = std::panic::catch_unwind(|| {
            let v: Vec<PanicOnDrop> = (0..3).map(|i| PanicOnDrop(i == panicking)).collect();
            let mut it = v.into_iter();
            drop(it.next_back());
            drop(it);
        });
        assert!(r.is_err());
        drop(r);
        assert_eq!(counting::live_bytes(), before, "the buffer was freed");
    }
}

/// rust-lang/rust#122760: `usize::MAX` arguments reached unchecked
/// arithmetic. Every one must panic before any change (or be a no-op).
#[test]
fn regression_122760_usize_max_arguments() {
    fn check<T: Clone + PartialEq + std::fmt::Debug>(x: T) {
        let mut v: Vec<T> = leaksafe::vec![x.clone(), x.clone()];
        let before = v.clone();
        assert!(catch(|| v.insert(usize::MAX, x.clone())).is_err());
        assert!(catch(|| v.remove(usize::MAX)).is_err());
        assert!(catch(|| v.swap_remove(usize::MAX)).is_err());
        assert!(catch(|| v.split_off(usize::MAX)).is_err());
        assert!(catch(|| drop(v.drain(usize::MAX..))).is_err());
        assert!(catch(|| drop(v.splice(usize::MAX.., [x.clone()]))).is_err());
        assert!(catch(|| drop(v.splice(..=usize::MAX, [x.clone()]))).is_err());
        assert!(catch(|| drop(v.extract_if(..=usize::MAX, |_| true))).is_err());
        assert!(catch(|| v.extend_from_within(usize::MAX..)).is_err());
        v.truncate(usize::MAX);
        assert_eq!(v, before);
    }
    check(1u8);
    check(String::from("x"));
    check(());
    let mut v = leaksafe::vec![(); 0];
    assert!(catch(|| v.insert(usize::MAX, ())).is_err());
    assert!(v.is_empty());
}

#[path = "common/counting_alloc.rs"]
mod counting;

// ---------------------------------------------------------------- zero-sized types

thread_local! {
    static ZST_DROPS: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// A zero-sized value that counts its drops (per thread: tests run in parallel).
#[derive(Clone, PartialEq)]
struct Z;

impl Drop for Z {
    fn drop(&mut self) {
        ZST_DROPS.with(|c| c.set(c.get() + 1));
    }
}

fn zst_drops() -> usize {
    ZST_DROPS.with(|c| c.get())
}

#[test]
fn zero_sized_elements_are_dropped_exactly_once_by_every_op() {
    let mk = |n: usize| -> Vec<Z> { (0..n).map(|_| Z).collect() };
    let check = |name: &str, f: &dyn Fn(&mut Vec<Z>) -> usize, n: usize, expect_len: usize| {
        let before = zst_drops();
        let mut v = mk(n);
        // `f` returns how many new values the operation created.
        let created = f(&mut v);
        assert_eq!(v.len(), expect_len, "{name}: length");
        drop(v);
        assert_eq!(zst_drops() - before, n + created, "{name}: drops");
    };
    // Keep every other one.
    check(
        "retain",
        &|v| {
            let mut i = 0;
            v.retain(|_| {
                i += 1;
                i % 2 == 0
            });
            0
        },
        6,
        3,
    );
    check(
        "dedup",
        &|v| {
            v.dedup();
            0
        },
        6,
        1,
    );
    check(
        "extract_if",
        &|v| {
            assert_eq!(v.extract_if(1..5, |_| true).count(), 4);
            0
        },
        6,
        2,
    );
    check(
        "splice",
        &|v| {
            assert_eq!(v.splice(1..3, [Z, Z, Z]).count(), 2);
            3
        },
        6,
        7,
    );
    check(
        "resize",
        &|v| {
            v.resize(9, Z);
            3
        },
        6,
        9,
    );
    check(
        "extend_from_within",
        &|v| {
            v.extend_from_within(2..);
            4
        },
        6,
        10,
    );
    check(
        "split_off",
        &|v| {
            drop(v.split_off(2));
            0
        },
        6,
        2,
    );
    let before = zst_drops();
    let b = mk(4).into_boxed_slice();
    assert_eq!(b.len(), 4);
    drop(b);
    assert_eq!(zst_drops() - before, 4);
}

#[test]
fn leaky_zero_sized_forgotten_proxies_keep_the_prefix() {
    let before = zst_drops();
    let mut v: Vec<Z> = (0..5).map(|_| Z).collect();
    mem::forget(v.extract_if(2.., |_| false));
    assert_eq!(v.len(), 2);
    mem::forget(v.splice(1.., [Z]));
    assert_eq!(v.len(), 1);
    drop(v);
    assert_eq!(zst_drops() - before, 1, "only the kept prefix is dropped");
}
