//! Feature `rayon`: `Vec` through the real rayon, compared with std's `Vec`,
//! element drops counted with the ledger; `par_drain` forgotten and
//! panicking at every stage. Run with
//! `cargo test -p leaksafe --features rayon --test vec_rayon`.
#![cfg(feature = "rayon")]

use std::mem;
use std::panic::{AssertUnwindSafe, catch_unwind};

use leaksafe::vec;
use leaksafe::vec::Vec;
use leaksafe_check::{Ledger, Tracked, quietly};
use rayon::iter::plumbing::{Producer, ProducerCallback};
use rayon::prelude::*;

const N: usize = if cfg!(miri) { 12 } else { 1000 };

fn ids(v: &[Tracked]) -> std::vec::Vec<usize> {
    v.iter().map(|t| *t.get()).collect()
}

#[test]
fn into_par_iter_yields_owned_items() {
    let ledger = Ledger::new();
    let v: Vec<Tracked> = ledger.track_range(N).collect();
    let got: std::vec::Vec<usize> = v.into_par_iter().map(|t| *t.get()).collect();
    assert_eq!(got, (0..N).collect::<std::vec::Vec<_>>());
    // Partially consumed: the rest is dropped.
    let v: Vec<Tracked> = ledger.track_range(N).collect();
    assert!(v.into_par_iter().find_any(|t| *t.get() % 7 == 3).is_some());
    ledger.assert_all_dropped();
    ledger.assert_sound();
}

#[test]
fn ref_and_mut_iterators_and_slice_methods() {
    let mut v: Vec<u64> = (0..N as u64).collect();
    let s: std::vec::Vec<u64> = (0..N as u64).collect();
    assert_eq!(v.par_iter().sum::<u64>(), s.par_iter().sum::<u64>());
    v.par_iter_mut().for_each(|x| *x = (*x * 7919) % 1000);
    (&mut v).into_par_iter().for_each(|x| *x += 1);
    v.par_sort_unstable();
    let mut expected: std::vec::Vec<u64> = s.iter().map(|x| (x * 7919) % 1000 + 1).collect();
    expected.sort_unstable();
    assert_eq!(v, expected);
    assert_eq!(v.par_chunks(10).count(), N.div_ceil(10));
}

#[test]
fn collect_extend_unzip_round_trip() {
    let v: Vec<String> = (0..N).into_par_iter().map(|i| i.to_string()).collect();
    let s: std::vec::Vec<String> = (0..N).into_par_iter().map(|i| i.to_string()).collect();
    assert_eq!(v, s);
    let mut w: Vec<String> = vec![String::from("head")];
    w.par_extend(v.into_par_iter());
    assert_eq!(w.len(), N + 1);
    assert_eq!(w[0], "head");
    assert_eq!(w[N], (N - 1).to_string());
    let mut c: Vec<u8> = vec![1];
    c.par_extend([2u8, 3].par_iter());
    assert_eq!(c, [1, 2, 3]);
    let (evens, odds): (Vec<usize>, Vec<usize>) = (0..N).into_par_iter().partition(|x| x % 2 == 0);
    assert_eq!(evens.len() + odds.len(), N);
    let (a, b): (Vec<usize>, Vec<usize>) = (0..N).into_par_iter().map(|x| (x, x * 2)).unzip();
    assert_eq!(b[N - 1], a[N - 1] * 2);
}

#[test]
fn par_drain_matches_std_for_every_range() {
    let len = if cfg!(miri) { 4 } else { 9 };
    for start in 0..=len {
        for end in start..=len {
            let ledger = Ledger::new();
            let mut ours: Vec<Tracked> = ledger.track_range(len).collect();
            let mut theirs: std::vec::Vec<usize> = (0..len).collect();
            let cap = ours.capacity();
            let got: std::vec::Vec<usize> = ours.par_drain(start..end).map(|t| *t.get()).collect();
            let want: std::vec::Vec<usize> = theirs.par_drain(start..end).collect();
            assert_eq!(got, want);
            assert_eq!(ids(&ours), theirs);
            assert_eq!(ours.capacity(), cap, "par_drain keeps the capacity");
            // Dropped without being driven: the range is removed anyway.
            drop(ours.par_drain(..start.min(ours.len())));
            drop(theirs.par_drain(..start.min(theirs.len())));
            assert_eq!(ids(&ours), theirs);
            drop(ours);
            ledger.assert_all_dropped();
            ledger.assert_sound();
        }
    }
}

#[test]
// The inverted range is the point.
#[allow(clippy::reversed_empty_ranges)]
fn par_drain_panics_on_bad_ranges_before_any_change() {
    let mut v = vec![1, 2, 3];
    let msg =
        |r: Box<dyn std::any::Any + Send>| r.downcast_ref::<String>().cloned().unwrap_or_default();
    let e = quietly(|| catch_unwind(AssertUnwindSafe(|| drop(v.par_drain(2..1))))).unwrap_err();
    assert_eq!(msg(e), "slice index starts at 2 but ends at 1");
    let e = quietly(|| catch_unwind(AssertUnwindSafe(|| drop(v.par_drain(..4))))).unwrap_err();
    assert_eq!(
        msg(e),
        "range end index 4 out of range for slice of length 3"
    );
    assert_eq!(v, [1, 2, 3]);
}

#[test]
fn par_drain_survives_a_panicking_consumer() {
    let ledger = Ledger::new();
    let mut v: Vec<Tracked> = ledger.track_range(N).collect();
    let r = quietly(|| {
        catch_unwind(AssertUnwindSafe(|| {
            v.par_drain(N / 4..N / 2).for_each(|t| {
                if *t.get() == N / 3 {
                    panic!("consumer");
                }
            })
        }))
    });
    assert!(r.is_err());
    // As rayon leaves std's `Vec`: prefix and tail, the range removed.
    let want: std::vec::Vec<usize> = (0..N / 4).chain(N / 2..N).collect();
    assert_eq!(ids(&v), want);
    v.push(ledger.track(N));
    drop(v);
    ledger.assert_all_dropped();
    ledger.assert_sound();
}

/// A user `ProducerCallback` that forgets the producer after taking `k` items.
struct ForgetAfter(usize);

impl<T> ProducerCallback<T> for ForgetAfter {
    type Output = ();

    fn callback<P: Producer<Item = T>>(self, producer: P) {
        let mut it = producer.into_iter();
        for _ in 0..self.0 {
            drop(it.next());
        }
        mem::forget(it);
    }
}

/// A user `ProducerCallback` that splits the producer and forgets one half.
struct ForgetHalf;

impl<T> ProducerCallback<T> for ForgetHalf {
    type Output = ();

    fn callback<P: Producer<Item = T>>(self, producer: P) {
        let (left, right) = producer.split_at(2);
        drop(left.into_iter().collect::<std::vec::Vec<_>>());
        mem::forget(right);
    }
}

#[test]
fn leaky_forgotten_par_drain_producer_leaks_only_its_items() {
    let len = if cfg!(miri) { 6 } else { 10 };
    for taken in 0..=3 {
        let ledger = Ledger::new();
        let mut v: Vec<Tracked> = ledger.track_range(len).collect();
        v.par_drain(2..5).with_producer(ForgetAfter(taken));
        // Leak amplification: prefix and tail are intact and owned, the
        // un-yielded drained items are leaked, never read again.
        let want: std::vec::Vec<usize> = (0..2).chain(5..len).collect();
        assert_eq!(ids(&v), want);
        v.push(ledger.track(len));
        drop(v);
        ledger.expect_leaks(3 - taken);
        ledger.assert_no_unexpected_leaks();
        ledger.assert_sound();
    }
    let ledger = Ledger::new();
    let mut v: Vec<Tracked> = ledger.track_range(len).collect();
    v.par_drain(1..).with_producer(ForgetHalf);
    assert_eq!(ids(&v), [0]);
    drop(v);
    ledger.expect_leaks(len - 3);
    ledger.assert_no_unexpected_leaks();
    ledger.assert_sound();
}

#[test]
fn forgotten_undriven_par_drain_changes_nothing() {
    let ledger = Ledger::new();
    let mut v: Vec<Tracked> = ledger.track_range(5).collect();
    mem::forget(v.par_drain(1..3));
    assert_eq!(ids(&v), [0, 1, 2, 3, 4]);
    drop(v);
    ledger.assert_all_dropped();
    ledger.assert_sound();
}

#[test]
fn par_extend_keeps_elements_when_the_source_panics() {
    let ledger = Ledger::new();
    let mut v: Vec<Tracked> = ledger.track_range(3).collect();
    let l2 = ledger.clone();
    let r = quietly(|| {
        catch_unwind(AssertUnwindSafe(|| {
            v.par_extend((0..N).into_par_iter().map(|i| {
                if i == N / 2 {
                    panic!("source");
                }
                l2.track(100 + i)
            }))
        }))
    });
    assert!(r.is_err());
    assert_eq!(ids(&v[..3]), [0, 1, 2], "the old elements stay");
    drop(v);
    ledger.assert_all_dropped();
    ledger.assert_sound();
}
