//! Tests for `leaksafe::vec::Vec`, its `Drain` and its `IntoIter` (issue 3).
//!
//! Every test that owns `Tracked` values ends with the ledger's check that each
//! value was dropped exactly once (or, in `leaky_*` tests, at most once, with
//! the leaks counted exactly) and that nothing was read after its drop.

use std::cell::Cell;
use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};
use std::mem;
use std::panic::{AssertUnwindSafe, catch_unwind};

use leaksafe::vec;
use leaksafe::vec::Vec;
use leaksafe_check::{Ledger, Op, Tracked, catch};

#[path = "common/liar.rs"]
mod liar;
use liar::{Hint, Liar};

#[path = "common/abort.rs"]
mod abort;

const N: usize = if cfg!(miri) { 20 } else { 2000 };
/// Lengths used for forget/panic sweeps (every position is tried).
const SWEEP: usize = if cfg!(miri) { 5 } else { 9 };

fn tracked(ledger: &Ledger, n: usize) -> Vec<Tracked> {
    ledger.track_range(n).collect()
}

fn values(v: &[Tracked]) -> std::vec::Vec<usize> {
    v.iter().map(|t| *t.get()).collect()
}

/// The panic message of `f`, which must panic.
fn panic_message(f: impl FnOnce()) -> String {
    let err = catch_unwind(AssertUnwindSafe(f)).expect_err("expected a panic");
    if let Some(s) = err.downcast_ref::<&str>() {
        (*s).to_string()
    } else if let Some(s) = err.downcast_ref::<String>() {
        s.clone()
    } else {
        panic!("non-string panic payload")
    }
}

/// All ranges `a..b` of `0..=len` (plus the unbounded forms), as bounds.
fn ranges(len: usize) -> std::vec::Vec<(usize, usize)> {
    let mut r = std::vec::Vec::new();
    for a in 0..=len {
        for b in a..=len {
            r.push((a, b));
        }
    }
    r
}

// ---------------------------------------------------------------------------
// The chapter's example, verbatim (it leaks the two undrained boxes).

#[test]
fn leaky_chapter_example() {
    let mut vec = vec![Box::new(0); 4];

    // start draining, vec can no longer be accessed
    let mut drainer = vec.drain(..);

    // pull out two elements and immediately drop them
    drainer.next();
    drainer.next();

    // get rid of drainer, but don't call its destructor
    mem::forget(drainer);

    // (`vec!` here is leaksafe's: `use leaksafe::vec` shadows std's macro.)
    let _: &leaksafe::vec::Vec<Box<i32>> = &vec;
    // The chapter's `println!("{}", vec[0])` would read freed memory with a
    // naive Drain; here the vector is empty (leak amplification) and usable.
    assert!(vec.is_empty());
    assert_eq!(vec.len(), 0);
    vec.push(Box::new(7));
    assert_eq!(*vec[0], 7);
    assert_eq!(vec.len(), 1);
}

#[test]
fn leaky_chapter_example_with_ledger() {
    let ledger = Ledger::new();
    let mut v = vec![ledger.track(0); 4];
    let mut d = v.drain(..);
    d.next();
    d.next();
    mem::forget(d);
    assert!(v.is_empty());
    v.push(ledger.track(9));
    assert_eq!(values(&v), [9]);
    drop(v);
    ledger.expect_leaks(2);
    ledger.assert_no_unexpected_leaks();
    assert_eq!(ledger.summary().live, 2);
}

// ---------------------------------------------------------------------------
// Basic behaviour, compared with std step by step.

#[test]
fn push_pop_insert_remove_match_std() {
    let mut ours = Vec::new();
    let mut std_v = std::vec::Vec::new();
    for i in 0..N {
        ours.push(i);
        std_v.push(i);
        assert_eq!(ours.capacity(), std_v.capacity(), "growth differs at {i}");
    }
    assert_eq!(ours, std_v);
    for i in 0..N / 4 {
        let k = (i * 7) % (ours.len() + 1);
        ours.insert(k, i);
        std_v.insert(k, i);
        let k = (i * 13) % ours.len();
        assert_eq!(ours.remove(k), std_v.remove(k));
        let k = (i * 5) % ours.len();
        assert_eq!(ours.swap_remove(k), std_v.swap_remove(k));
        assert_eq!(ours.pop(), std_v.pop());
        assert_eq!(ours, std_v);
    }
    ours.truncate(10);
    std_v.truncate(10);
    assert_eq!(ours, std_v);
    ours.truncate(100);
    assert_eq!(ours.len(), 10);
    ours.shrink_to_fit();
    assert_eq!(ours.capacity(), 10);
    ours.clear();
    assert!(ours.is_empty());
    assert_eq!(ours.pop(), None);
}

#[test]
fn growth_policy_matches_std_for_sizes() {
    fn check<T: Default + Clone>() {
        let mut ours: Vec<T> = Vec::new();
        let mut theirs: std::vec::Vec<T> = std::vec::Vec::new();
        for _ in 0..100 {
            ours.push(T::default());
            theirs.push(T::default());
            assert_eq!(ours.capacity(), theirs.capacity());
        }
        ours.reserve(1000);
        theirs.reserve(1000);
        assert_eq!(ours.capacity(), theirs.capacity());
        ours.reserve_exact(5000);
        theirs.reserve_exact(5000);
        assert_eq!(ours.capacity(), theirs.capacity());
        ours.shrink_to(200);
        theirs.shrink_to(200);
        assert_eq!(ours.capacity(), theirs.capacity());
    }
    check::<u8>();
    check::<u64>();
    check::<Big>();
}

#[derive(Clone)]
#[allow(dead_code)]
struct Big([u8; 2000]);

impl Default for Big {
    fn default() -> Self {
        Big([0; 2000])
    }
}

#[test]
fn reserve_and_capacity() {
    let mut v: Vec<u32> = Vec::with_capacity(10);
    assert_eq!(v.capacity(), 10);
    let p = v.as_ptr();
    for i in 0..10 {
        v.push(i);
    }
    assert_eq!(v.as_ptr(), p, "no reallocation within capacity");
    v.reserve(0);
    assert_eq!(v.capacity(), 10);
    v.try_reserve(5).unwrap();
    assert!(v.capacity() >= 15);
    v.try_reserve_exact(100).unwrap();
    assert!(v.capacity() >= 110);
    v.shrink_to_fit();
    assert_eq!(v.capacity(), 10);
    assert_eq!(v, (0..10).collect::<std::vec::Vec<_>>());
    let mut e: Vec<u32> = Vec::with_capacity(4);
    e.shrink_to_fit();
    assert_eq!(e.capacity(), 0);
    e.push(1);
    assert_eq!(e, [1]);
}

#[test]
fn slices_and_pointers() {
    let mut v = vec![1, 2, 3];
    assert_eq!(v.as_slice(), &[1, 2, 3]);
    v.as_mut_slice()[1] = 5;
    assert_eq!(&v[..], &[1, 5, 3]);
    assert_eq!(&v[1..], &[5, 3]);
    assert_eq!(&v[..=1], &[1, 5]);
    v[0..2].copy_from_slice(&[8, 9]);
    assert_eq!(v, [8, 9, 3]);
    // The raw pointers write through without creating references.
    let p = v.as_mut_ptr();
    // SAFETY: index 2 < len; no reference to the elements is alive.
    unsafe { *p.add(2) = 4 };
    assert_eq!(v, [8, 9, 4]);
    // SAFETY: writes the slot at `len` (within capacity) before `set_len`.
    unsafe {
        v.reserve(1);
        v.as_mut_ptr().add(3).write(10);
        v.set_len(4);
    }
    assert_eq!(v, [8, 9, 4, 10]);
}

#[test]
fn as_mut_ptr_does_not_invalidate_earlier_pointers() {
    // std guarantees this; Miri checks it here.
    let mut v: Vec<u8> = Vec::with_capacity(4);
    let p0 = v.as_mut_ptr();
    let p1 = v.as_mut_ptr();
    // SAFETY: both point to the same allocation with capacity 4.
    unsafe {
        p0.write(1);
        p1.add(1).write(2);
        p0.add(2).write(3);
        v.set_len(3);
    }
    assert_eq!(v, [1, 2, 3]);
}

#[test]
fn macro_forms() {
    let empty: Vec<String> = vec![];
    assert!(empty.is_empty());
    assert_eq!(empty.capacity(), 0);
    let v = vec![1, 2, 3];
    assert_eq!(v, [1, 2, 3]);
    let r = vec![String::from("a"); 3];
    assert_eq!(r, ["a", "a", "a"]);

    let ledger = Ledger::new();
    let zero: Vec<Tracked> = vec![ledger.track(5); 0];
    assert!(zero.is_empty());
    let three = vec![ledger.track(5); 3];
    assert_eq!(values(&three), [5, 5, 5]);
    // The original is moved in last, not cloned: 1 + 1 + 2 clones created.
    assert_eq!(ledger.summary().created, 2 + 2);
    drop(three);
    ledger.assert_all_dropped();
}

#[test]
fn from_elem_clone_panic_keeps_clones() {
    let ledger = Ledger::new();
    let orig = ledger.track(1);
    ledger.fail_at(Op::Clone, 2);
    let r = catch(|| vec![orig; 5]);
    assert!(r.is_err());
    // The two clones made before the panic and the original were dropped.
    ledger.assert_all_dropped();
}

#[test]
fn extend_variants() {
    let mut v = Vec::new();
    v.extend(0..5);
    v.extend(&[5, 6]);
    v.extend([7].iter());
    v.extend_from_slice(&[8, 9]);
    assert_eq!(v, (0..10).collect::<std::vec::Vec<_>>());
    let w: Vec<i32> = (0..100).filter(|x| x % 3 == 0).collect();
    assert_eq!(
        w,
        (0..100)
            .filter(|x| x % 3 == 0)
            .collect::<std::vec::Vec<_>>()
    );
    let s: Vec<String> = ["a", "b"].iter().map(|s| s.to_string()).collect();
    assert_eq!(s, ["a", "b"]);
}

#[test]
fn extend_does_not_trust_size_hint() {
    // Claims fewer than it yields.
    let v: Vec<usize> = Liar::new((0..100).rev(), Hint::Claim(0, Some(1))).collect();
    assert_eq!(v.len(), 100);
    assert!(v.iter().rev().copied().eq(0..100));
    // Claims more than it yields.
    let mut v: Vec<usize> = Liar::new((0..3).rev(), Hint::Claim(50, Some(50))).collect();
    assert_eq!(v, [2, 1, 0]);
    v.extend(Liar::new((0..2).rev(), Hint::Claim(1, Some(1))));
    assert_eq!(v, [2, 1, 0, 1, 0]);
    // An absurd lower bound on an empty iterator reserves nothing (as std).
    let mut e: Vec<usize> = Vec::new();
    e.extend(Liar::new((0..0).rev(), Hint::Claim(usize::MAX, None)));
    assert_eq!(e.capacity(), 0);
    // A wrong exact size.
    let mut w = vec![1u8];
    w.extend(Liar::new((0..40).rev(), Hint::Claim(0, Some(0))).map(|x| x as u8));
    assert_eq!(w.len(), 41);
}

#[test]
fn extend_keeps_items_when_next_panics() {
    let ledger = Ledger::new();
    let mut v = tracked(&ledger, 3);
    ledger.fail_at(Op::Next, 5);
    let src = ledger.clone();
    let r = catch(|| {
        v.extend((0..10).map(|i| {
            src.tick(Op::Next);
            src.track(100 + i)
        }))
    });
    assert!(r.is_err());
    assert_eq!(values(&v), [0, 1, 2, 100, 101, 102, 103, 104]);
    // The vector is still usable.
    v.push(ledger.track(7));
    drop(v);
    ledger.assert_all_dropped();
}

#[test]
fn extend_from_slice_and_clone_keep_items_when_clone_panics() {
    let ledger = Ledger::new();
    let src = tracked(&ledger, 6);
    let mut v = tracked(&ledger, 2);
    ledger.fail_at(Op::Clone, 3);
    assert!(catch(|| v.extend_from_slice(&src)).is_err());
    assert_eq!(values(&v), [0, 1, 0, 1, 2]);
    ledger.fail_at(Op::Clone, 4);
    assert!(catch(|| src.clone()).is_err());
    let c = src.clone();
    assert_eq!(values(&c), values(&src));
    drop((src, v, c));
    ledger.assert_all_dropped();
}

#[test]
fn clone_debug_default_hash_ord() {
    let v = vec![3, 1, 2];
    let c = v.clone();
    assert_eq!(v, c);
    assert_eq!(format!("{v:?}"), "[3, 1, 2]");
    assert_eq!(format!("{:?}", Vec::<u8>::default()), "[]");
    let h = |x: &dyn Fn(&mut DefaultHasher)| {
        let mut s = DefaultHasher::new();
        x(&mut s);
        s.finish()
    };
    assert_eq!(h(&|s| v.hash(s)), h(&|s| [3, 1, 2][..].hash(s)));
    assert_eq!(h(&|s| v.hash(s)), h(&|s| std::vec![3, 1, 2].hash(s)));
    assert!(vec![1, 2] < vec![1, 3]);
    assert!(vec![1, 2] > vec![1]);
    assert_eq!(vec![1, 2].cmp(&vec![1, 2]), std::cmp::Ordering::Equal);
    assert_eq!(vec![1.0].partial_cmp(&vec![f64::NAN]), None);
    let mut sorted = vec![vec![2], vec![1, 5], vec![1]];
    sorted.sort();
    assert_eq!(sorted, [vec![1], vec![1, 5], vec![2]]);
}

#[test]
#[allow(clippy::op_ref)]
fn equality_with_everything() {
    let v = vec![1, 2];
    let s = std::vec![1, 2];
    let a = [1, 2];
    // Both directions of each impl.
    assert!(v == s);
    assert!(s == v);
    assert!(v == a);
    assert!(a == v);
    assert!(v == &a);
    assert!(&a == v);
    assert!(v == a[..]);
    assert!(a[..] == v);
    assert!(v == &a[..]);
    assert!(&a[..] == v);
    let mut m = [1, 2];
    assert!(v == &mut m[..]);
    assert!(v != [1, 3]);
    assert!(vec![String::from("x")] == ["x"]);
}

#[test]
fn borrow_asref_and_conversions() {
    use std::borrow::{Borrow, BorrowMut};
    let mut v = vec![1, 2];
    let b: &[i32] = v.borrow();
    assert_eq!(b, &[1, 2]);
    let bm: &mut [i32] = v.borrow_mut();
    bm[0] = 3;
    assert_eq!(AsRef::<[i32]>::as_ref(&v), &[3, 2]);
    AsMut::<[i32]>::as_mut(&mut v)[1] = 4;
    assert_eq!(v, [3, 4]);

    assert_eq!(Vec::from([1, 2, 3]), [1, 2, 3]);
    assert_eq!(Vec::from(&[1, 2][..]), [1, 2]);
    assert_eq!(Vec::from(&[1, 2]), [1, 2]);
    assert_eq!(Vec::from(&mut [1, 2][..]), [1, 2]);
    assert_eq!(Vec::from("ab"), [b'a', b'b']);
    let boxed: Box<[u8]> = Box::new([1, 2]);
    assert_eq!(Vec::from(boxed), [1, 2]);

    // std round trip: the same buffer, no copy.
    let s = std::vec::Vec::from_iter(0..50u64);
    let (p, cap) = (s.as_ptr(), s.capacity());
    let ours = Vec::from(s);
    assert_eq!((ours.as_ptr(), ours.capacity()), (p, cap));
    let back: std::vec::Vec<u64> = ours.into();
    assert_eq!((back.as_ptr(), back.capacity()), (p, cap));
    assert!(back.iter().copied().eq(0..50));
    // Capacity 0 and zero-sized types.
    let e: std::vec::Vec<u64> = Vec::<u64>::new().into();
    assert_eq!(e.capacity(), 0);
    let z = Vec::from(std::vec![(); 5]);
    assert_eq!(z.len(), 5);
    let z: std::vec::Vec<()> = z.into();
    assert_eq!(z.len(), 5);
    // A growing vector after conversion from std reallocates fine.
    let mut g = Vec::from(std::vec![1u8; 3]);
    for _ in 0..100 {
        g.push(2);
    }
    assert_eq!(g.len(), 103);
}

#[test]
fn into_iter_by_reference() {
    let mut v = vec![1, 2, 3];
    for x in &mut v {
        *x *= 2;
    }
    let mut sum = 0;
    for x in &v {
        sum += x;
    }
    assert_eq!(sum, 12);
}

#[test]
fn auto_traits() {
    fn send_sync<T: Send + Sync>() {}
    send_sync::<Vec<u8>>();
    send_sync::<vec::Drain<'static, u8>>();
    send_sync::<vec::IntoIter<u8>>();
    // Covariance: a Vec<&'static str> is a Vec<&'a str>.
    fn shorten<'a>(v: Vec<&'static str>) -> Vec<&'a str> {
        v
    }
    assert_eq!(shorten(vec!["x"]), ["x"]);
}

// ---------------------------------------------------------------------------
// Bad input: std's messages, and the vector unchanged.

#[test]
fn bad_index_panics_like_std_and_changes_nothing() {
    let cases: &[(&str, usize)] = &[
        ("insert", 4),
        ("insert", usize::MAX),
        ("remove", 3),
        ("remove", usize::MAX),
        ("swap_remove", 3),
        ("swap_remove", 10),
    ];
    for &(op, i) in cases {
        let ledger = Ledger::new();
        let mut ours = tracked(&ledger, 3);
        let mut std_v: std::vec::Vec<u8> = std::vec![0, 1, 2];
        let (m_ours, m_std) = match op {
            "insert" => {
                let x = ledger.track(9);
                (
                    panic_message(|| ours.insert(i, x)),
                    panic_message(|| std_v.insert(i, 9)),
                )
            }
            "remove" => (
                panic_message(|| drop(ours.remove(i))),
                panic_message(|| {
                    std_v.remove(i);
                }),
            ),
            _ => (
                panic_message(|| drop(ours.swap_remove(i))),
                panic_message(|| {
                    std_v.swap_remove(i);
                }),
            ),
        };
        assert_eq!(m_ours, m_std, "{op}({i})");
        assert_eq!(values(&ours), [0, 1, 2], "{op}({i}) changed the vector");
        assert_eq!(ours.len(), 3);
        drop(ours);
        ledger.assert_all_dropped();
    }
}

#[test]
fn bad_drain_range_panics_like_std_and_changes_nothing() {
    use std::ops::Bound::{self, *};
    let bounds: &[(Bound<usize>, Bound<usize>)] = &[
        (Included(0), Excluded(4)),
        (Included(2), Excluded(1)),
        (Included(4), Unbounded),
        (Included(5), Excluded(5)),
        (Unbounded, Included(usize::MAX)),
        (Unbounded, Included(3)),
        (Excluded(usize::MAX), Unbounded),
        (Excluded(2), Excluded(2)),
        (Included(usize::MAX), Unbounded),
    ];
    for &r in bounds {
        let ledger = Ledger::new();
        let mut ours = tracked(&ledger, 3);
        let mut std_v: std::vec::Vec<u8> = std::vec![0, 1, 2];
        let m_ours = panic_message(|| drop(ours.drain(r)));
        let m_std = panic_message(|| drop(std_v.drain(r)));
        assert_eq!(m_ours, m_std, "{r:?}");
        assert_eq!(values(&ours), [0, 1, 2], "{r:?} changed the vector");
        drop(ours);
        ledger.assert_all_dropped();
    }
    // The explicit `..=usize::MAX` and inverted forms of the issue.
    let mut v = vec![1, 2, 3];
    assert_eq!(
        panic_message(|| drop(v.drain(..=usize::MAX))),
        panic_message(|| drop(std::vec![1, 2, 3].drain(..=usize::MAX)))
    );
    #[allow(clippy::reversed_empty_ranges)]
    let m = panic_message(|| drop(v.drain(2..1)));
    assert_eq!(m, "slice index starts at 2 but ends at 1");
    let m = panic_message(|| drop(v.drain(1..5)));
    assert_eq!(m, "range end index 5 out of range for slice of length 3");
    assert_eq!(v, [1, 2, 3]);
}

#[test]
fn capacity_overflow_panics() {
    assert_eq!(
        panic_message(|| drop(Vec::<u64>::with_capacity(usize::MAX))),
        "capacity overflow"
    );
    assert_eq!(
        panic_message(|| drop(Vec::<u8>::with_capacity(isize::MAX as usize + 1))),
        "capacity overflow"
    );
    let mut v = vec![1u16, 2];
    assert_eq!(panic_message(|| v.reserve(usize::MAX)), "capacity overflow");
    assert_eq!(
        panic_message(|| v.reserve_exact(usize::MAX - 1)),
        "capacity overflow"
    );
    assert_eq!(v, [1, 2]);
    // try_reserve returns std's own error value.
    let ours = v.try_reserve(usize::MAX).unwrap_err();
    let theirs = std::vec![1u16, 2].try_reserve(usize::MAX).unwrap_err();
    assert_eq!(ours, theirs);
    let ours = v.try_reserve_exact(isize::MAX as usize).unwrap_err();
    let theirs = std::vec![1u16, 2]
        .try_reserve_exact(isize::MAX as usize)
        .unwrap_err();
    assert_eq!(ours, theirs);
    assert_eq!(v, [1, 2]);
}

#[test]
#[cfg_attr(miri, ignore)] // Miri reports huge allocations as resource exhaustion.
fn try_reserve_alloc_failure_returns_std_error() {
    // Valid layout (< isize::MAX bytes) that no allocator can satisfy.
    let n = (isize::MAX as usize) / 8 - 16;
    let mut v = vec![1u64];
    let ours = v.try_reserve_exact(n).unwrap_err();
    let theirs = std::vec![1u64].try_reserve_exact(n).unwrap_err();
    assert_eq!(ours, theirs);
    assert_eq!(v, [1]);
    assert_eq!(v.capacity(), 1);
    let mut e: Vec<u64> = Vec::new();
    assert!(e.try_reserve(n).is_err());
    assert_eq!(e.capacity(), 0);
}

#[test]
fn zst_capacity_overflow() {
    let mut v: Vec<()> = Vec::new();
    assert_eq!(v.capacity(), usize::MAX);
    // SAFETY: zero-sized values need no initialization.
    unsafe { v.set_len(usize::MAX) };
    assert_eq!(panic_message(|| v.push(())), "capacity overflow");
    assert!(v.try_reserve(1).is_err());
    // SAFETY: `()` has no drop; forget the fake elements.
    unsafe { v.set_len(0) };
}

// ---------------------------------------------------------------------------
// Abort tests: run natively in a child process.

const CHILD: &str = "LEAKSAFE_VEC_ABORT_CHILD";

/// Re-runs test `name` with `CHILD=what` and asserts it aborts; its output
/// is captured and shown only if it does not.
fn assert_child_aborts(name: &str, what: &str) {
    abort::expect_child(name, &[(CHILD, what)], abort::Expect::Abort);
}

/// A value whose `Drop` always panics.
struct AlwaysPanicsOnDrop;

impl Drop for AlwaysPanicsOnDrop {
    fn drop(&mut self) {
        panic!("drop panics");
    }
}

#[test]
#[cfg_attr(miri, ignore)]
fn allocation_failure_aborts() {
    match std::env::var(CHILD).as_deref() {
        Ok("alloc") => {
            let v = Vec::<u64>::with_capacity((isize::MAX as usize) / 8 - 16);
            println!("unreachable {}", v.capacity());
        }
        Ok(_) => {}
        Err(_) => assert_child_aborts("allocation_failure_aborts", "alloc"),
    }
}

#[test]
#[cfg_attr(miri, ignore)]
fn second_panic_in_drop_aborts() {
    match std::env::var(CHILD).as_deref() {
        Ok("vec") => drop(vec![AlwaysPanicsOnDrop, AlwaysPanicsOnDrop]),
        Ok("drain") => {
            let mut v = vec![AlwaysPanicsOnDrop, AlwaysPanicsOnDrop];
            drop(v.drain(..));
        }
        Ok("into_iter") => drop(vec![AlwaysPanicsOnDrop, AlwaysPanicsOnDrop].into_iter()),
        Ok(_) => {}
        Err(_) => {
            for what in ["vec", "drain", "into_iter"] {
                assert_child_aborts("second_panic_in_drop_aborts", what);
            }
        }
    }
}

// ---------------------------------------------------------------------------
// A panicking Drop in truncate, clear, and the vector's own drop.

#[test]
fn panicking_drop_in_truncate_clear_and_drop() {
    for n in 1..=SWEEP {
        for k in 0..n {
            // truncate(0) / clear / drop: the k-th drop panics.
            for which in 0..3 {
                let ledger = Ledger::new();
                let mut v = tracked(&ledger, n);
                ledger.fail_at(Op::Drop, k);
                match which {
                    0 => {
                        assert!(catch(|| v.truncate(0)).is_err());
                        assert!(v.is_empty());
                        v.push(ledger.track(1));
                        drop(v);
                    }
                    1 => {
                        assert!(catch(|| v.clear()).is_err());
                        assert!(v.is_empty());
                        drop(v);
                    }
                    _ => assert!(catch(move || drop(v)).is_err()),
                }
                ledger.assert_all_dropped();
            }
            // truncate to the middle.
            let ledger = Ledger::new();
            let mut v = tracked(&ledger, n + 2);
            ledger.fail_at(Op::Drop, k);
            assert!(catch(|| v.truncate(2)).is_err());
            assert_eq!(values(&v), [0, 1]);
            drop(v);
            ledger.assert_all_dropped();
        }
    }
}

#[test]
fn remove_insert_pop_with_tracked_values() {
    let ledger = Ledger::new();
    let mut v = tracked(&ledger, 5);
    let x = v.remove(1);
    let y = v.swap_remove(0);
    v.insert(2, x);
    v.insert(0, y);
    let z = v.pop().unwrap();
    assert_eq!(values(&v), [0, 4, 2, 1]);
    assert_eq!(*z.get(), 3);
    drop((v, z));
    ledger.assert_all_dropped();
}

// ---------------------------------------------------------------------------
// Drain: every range, consumed or not, from both ends.

#[test]
fn drain_matches_std_for_every_range_and_consumption() {
    let len = SWEEP;
    for (a, b) in ranges(len) {
        for front in 0..=(b - a) {
            for back in 0..=(b - a - front) {
                let ledger = Ledger::new();
                let mut v = tracked(&ledger, len);
                let mut got = std::vec::Vec::new();
                {
                    let mut d = v.drain(a..b);
                    assert_eq!(d.len(), b - a);
                    for _ in 0..front {
                        got.push(*d.next().unwrap().get());
                    }
                    for _ in 0..back {
                        got.push(*d.next_back().unwrap().get());
                    }
                    let rest: std::vec::Vec<usize> =
                        d.as_slice().iter().map(|t| *t.get()).collect();
                    assert_eq!(rest.len(), b - a - front - back);
                    assert_eq!(d.len(), rest.len());
                }
                let mut s: std::vec::Vec<usize> = (0..len).collect();
                let mut expected = std::vec::Vec::new();
                {
                    let mut d = s.drain(a..b);
                    for _ in 0..front {
                        expected.push(d.next().unwrap());
                    }
                    for _ in 0..back {
                        expected.push(d.next_back().unwrap());
                    }
                }
                assert_eq!(got, expected);
                assert_eq!(values(&v), s, "drain({a}..{b}) front {front} back {back}");
                drop(v);
                ledger.assert_all_dropped();
            }
        }
    }
}

#[test]
fn drain_iterator_traits() {
    let mut v = vec![1, 2, 3, 4];
    let mut d = v.drain(1..);
    assert_eq!(d.size_hint(), (3, Some(3)));
    assert_eq!(format!("{d:?}"), "Drain([2, 3, 4])");
    assert_eq!(d.as_ref(), &[2, 3, 4]);
    assert_eq!(d.next_back(), Some(4));
    assert_eq!(d.next(), Some(2));
    assert_eq!(d.next(), Some(3));
    assert_eq!(d.next(), None);
    assert_eq!(d.next(), None); // fused
    assert_eq!(d.next_back(), None);
    drop(d);
    assert_eq!(v, [1]);
    let all: std::vec::Vec<i32> = v.drain(..).collect();
    assert_eq!(all, [1]);
    assert!(v.is_empty());
    // Reuses the allocation.
    v.push(5);
    assert_eq!(v, [5]);
}

#[test]
fn drain_keep_rest() {
    let len = SWEEP;
    for (a, b) in ranges(len) {
        for front in 0..=(b - a) {
            for back in 0..=(b - a - front) {
                let ledger = Ledger::new();
                let mut v = tracked(&ledger, len);
                let mut d = v.drain(a..b);
                for _ in 0..front {
                    d.next();
                }
                for _ in 0..back {
                    d.next_back();
                }
                d.keep_rest();
                let expected: std::vec::Vec<usize> =
                    (0..a).chain(a + front..b - back).chain(b..len).collect();
                assert_eq!(values(&v), expected);
                drop(v);
                ledger.assert_all_dropped();
            }
        }
    }
}

#[test]
fn leaky_drain_forget_at_every_point() {
    let len = SWEEP;
    for (a, b) in ranges(len) {
        for front in 0..=(b - a) {
            for back in 0..=(b - a - front) {
                let ledger = Ledger::new();
                let mut v = tracked(&ledger, len);
                let mut d = v.drain(a..b);
                for _ in 0..front {
                    d.next();
                }
                for _ in 0..back {
                    d.next_back();
                }
                mem::forget(d);
                // Leak amplification: exactly the prefix is left, readable.
                assert_eq!(values(&v), (0..a).collect::<std::vec::Vec<_>>());
                // The vector is fully usable afterwards.
                v.push(ledger.track(100));
                v.extend(ledger.track_range(3));
                v.truncate(a);
                drop(v);
                // Unyielded drained values and the tail leaked, nothing else.
                let leaked = (b - a - front - back) + (len - b);
                ledger.expect_leaks(leaked);
                ledger.assert_no_unexpected_leaks();
                assert_eq!(ledger.summary().live, leaked);
            }
        }
    }
}

#[test]
fn leaky_drain_forget_after_exhaustion() {
    let ledger = Ledger::new();
    let mut v = tracked(&ledger, 6);
    let mut d = v.drain(2..4);
    assert_eq!(d.by_ref().count(), 2);
    assert!(d.next().is_none());
    mem::forget(d);
    assert_eq!(values(&v), [0, 1]);
    drop(v);
    ledger.expect_leaks(2); // the tail 4, 5
    ledger.assert_no_unexpected_leaks();
}

#[test]
fn drain_panicking_drop_of_first_middle_last() {
    // Ranges at the start, middle and end of the vector.
    let len = 7;
    for (a, b) in [(0, 3), (2, 5), (4, 7), (0, 7)] {
        let n = b - a;
        for k in [0, n / 2, n - 1] {
            for consumed in [0, 1] {
                if consumed > k {
                    continue;
                }
                let ledger = Ledger::new();
                let mut v = tracked(&ledger, len);
                let mut d = v.drain(a..b);
                for _ in 0..consumed {
                    drop(d.next());
                }
                // Among the drops Drain::drop performs, the (k - consumed)-th panics.
                ledger.fail_at(Op::Drop, k - consumed);
                assert!(catch(move || drop(d)).is_err(), "range {a}..{b} k {k}");
                // Every drained value was dropped and the tail moved back.
                let expected: std::vec::Vec<usize> = (0..a).chain(b..len).collect();
                assert_eq!(values(&v), expected);
                v.push(ledger.track(99));
                drop(v);
                ledger.assert_all_dropped();
            }
        }
    }
}

#[test]
fn drain_panic_while_consuming_element() {
    // A yielded element whose Drop panics in user code: the Drain is then
    // dropped during unwinding and still repairs the vector.
    let ledger = Ledger::new();
    let mut v = tracked(&ledger, 6);
    ledger.fail_at(Op::Drop, 1);
    let r = catch(|| {
        for x in v.drain(1..4) {
            drop(x);
        }
    });
    assert!(r.is_err());
    assert_eq!(values(&v), [0, 4, 5]);
    drop(v);
    ledger.assert_all_dropped();
}

#[test]
fn drain_large_tail_move() {
    let mut v: Vec<u64> = (0..N as u64).collect();
    let mut s: std::vec::Vec<u64> = (0..N as u64).collect();
    let (a, b) = (N / 3, N / 2);
    assert!(v.drain(a..b).eq(s.drain(a..b)));
    assert_eq!(v, s);
    v.drain(..10);
    s.drain(..10);
    assert_eq!(v, s);
}

// ---------------------------------------------------------------------------
// Zero-sized types with a drop counter.

thread_local! {
    static ZST_DROPS: Cell<usize> = const { Cell::new(0) };
    static ZST_PANIC_AT: Cell<usize> = const { Cell::new(usize::MAX) };
}

/// A zero-sized value that counts its drops (and panics on a planned one).
#[derive(Clone, Debug, PartialEq)]
struct Zst;

impl Drop for Zst {
    fn drop(&mut self) {
        let n = ZST_DROPS.with(|c| {
            c.set(c.get() + 1);
            c.get()
        });
        if ZST_PANIC_AT.with(|p| p.get()) == n {
            ZST_PANIC_AT.with(|p| p.set(usize::MAX));
            panic!("planned Zst drop panic");
        }
    }
}

fn zst_drops() -> usize {
    ZST_DROPS.with(|c| c.replace(0))
}

#[test]
fn zst_no_allocation_and_drops_once() {
    zst_drops();
    let mut v: Vec<Zst> = Vec::new();
    assert_eq!(v.capacity(), usize::MAX);
    for _ in 0..N {
        v.push(Zst);
    }
    assert_eq!(v.capacity(), usize::MAX);
    assert_eq!(v.len(), N);
    v.insert(3, Zst);
    drop(v.remove(0));
    drop(v.swap_remove(1));
    drop(v.pop());
    assert_eq!(zst_drops(), 3);
    assert_eq!(v.len(), N - 2);
    v.truncate(N - 10);
    assert_eq!(zst_drops(), 8);
    v.shrink_to_fit();
    v.reserve(100);
    assert_eq!(v.capacity(), usize::MAX);
    let c = v.clone();
    drop(c);
    assert_eq!(zst_drops(), N - 10);
    drop(v);
    assert_eq!(zst_drops(), N - 10);
}

#[test]
fn zst_drain_every_range() {
    let len = SWEEP;
    for (a, b) in ranges(len) {
        for front in 0..=(b - a) {
            zst_drops();
            let mut v = vec![Zst; len];
            assert_eq!(zst_drops(), 0);
            let mut d = v.drain(a..b);
            for _ in 0..front {
                d.next();
            }
            drop(d);
            assert_eq!(zst_drops(), b - a);
            assert_eq!(v.len(), len - (b - a));
            drop(v);
            assert_eq!(zst_drops(), len - (b - a));
            // keep_rest
            let mut v = vec![Zst; len];
            let mut d = v.drain(a..b);
            for _ in 0..front {
                d.next();
            }
            d.keep_rest();
            assert_eq!(zst_drops(), front);
            assert_eq!(v.len(), len - front);
            drop(v);
            assert_eq!(zst_drops(), len - front);
        }
    }
}

#[test]
fn zst_drain_panicking_drop() {
    let len = 6;
    for k in 1..=3 {
        zst_drops();
        let mut v = vec![Zst; len];
        ZST_PANIC_AT.with(|p| p.set(k));
        assert!(catch(|| drop(v.drain(1..4))).is_err());
        assert_eq!(zst_drops(), 3);
        assert_eq!(v.len(), 3);
        drop(v);
        assert_eq!(zst_drops(), 3);
    }
}

#[test]
fn leaky_zst_drain_and_into_iter_forget() {
    zst_drops();
    let mut v = vec![Zst; 8];
    let mut d = v.drain(2..5);
    d.next();
    mem::forget(d);
    assert_eq!(zst_drops(), 1);
    assert_eq!(v.len(), 2);
    drop(v);
    assert_eq!(zst_drops(), 2);
    let mut it = vec![Zst; 8].into_iter();
    it.next_back();
    mem::forget(it);
    assert_eq!(zst_drops(), 1);
}

#[test]
fn zst_into_iter() {
    zst_drops();
    let mut it = vec![Zst; 10].into_iter();
    assert_eq!(it.len(), 10);
    it.next();
    it.next_back();
    assert_eq!(it.as_slice().len(), 8);
    assert_eq!(zst_drops(), 2);
    drop(it);
    assert_eq!(zst_drops(), 8);
    let mut it = vec![Zst; 5].into_iter();
    it.next();
    zst_drops();
    ZST_PANIC_AT.with(|p| p.set(2));
    assert!(catch(move || drop(it)).is_err());
    assert_eq!(zst_drops(), 4);
}

// ---------------------------------------------------------------------------
// IntoIter.

#[test]
fn into_iter_behaviour() {
    let v = vec![1, 2, 3, 4, 5];
    let mut it = v.into_iter();
    assert_eq!(it.size_hint(), (5, Some(5)));
    assert_eq!(it.next(), Some(1));
    assert_eq!(it.next_back(), Some(5));
    assert_eq!(it.as_slice(), &[2, 3, 4]);
    it.as_mut_slice()[0] = 20;
    let c = it.clone();
    assert_eq!(format!("{it:?}"), "IntoIter([20, 3, 4])");
    assert_eq!(it.len(), 3);
    assert_eq!(it.by_ref().rev().collect::<std::vec::Vec<_>>(), [4, 3, 20]);
    assert_eq!(it.next(), None);
    assert_eq!(it.next_back(), None);
    assert_eq!(c.collect::<std::vec::Vec<_>>(), [20, 3, 4]);
    let d: vec::IntoIter<u8> = Default::default();
    assert_eq!(d.count(), 0);
    let strings = vec![String::from("a"), String::from("b")];
    assert_eq!(strings.into_iter().collect::<String>(), "ab");
}

#[test]
fn into_iter_drop_at_every_point() {
    let len = SWEEP;
    for front in 0..=len {
        for back in 0..=(len - front) {
            let ledger = Ledger::new();
            let mut it = tracked(&ledger, len).into_iter();
            let mut got = std::vec::Vec::new();
            for _ in 0..front {
                got.push(*it.next().unwrap().get());
            }
            for _ in 0..back {
                got.push(*it.next_back().unwrap().get());
            }
            let expected: std::vec::Vec<usize> =
                (0..front).chain((len - back..len).rev()).collect();
            assert_eq!(got, expected);
            assert_eq!(it.len(), len - front - back);
            drop(it);
            ledger.assert_all_dropped();
        }
    }
}

#[test]
fn leaky_into_iter_forget_at_every_point() {
    let len = SWEEP;
    for front in 0..=len {
        for back in 0..=(len - front) {
            let ledger = Ledger::new();
            let mut it = tracked(&ledger, len).into_iter();
            for _ in 0..front {
                it.next();
            }
            for _ in 0..back {
                it.next_back();
            }
            mem::forget(it);
            let leaked = len - front - back;
            ledger.expect_leaks(leaked);
            ledger.assert_no_unexpected_leaks();
            assert_eq!(ledger.summary().live, leaked);
        }
    }
}

#[test]
fn into_iter_panicking_drop_of_first_middle_last() {
    let len = 7;
    for consumed in [0, 2] {
        let remaining = len - consumed;
        for k in [0, remaining / 2, remaining - 1] {
            let ledger = Ledger::new();
            let mut it = tracked(&ledger, len).into_iter();
            for _ in 0..consumed {
                drop(it.next());
            }
            ledger.fail_at(Op::Drop, k);
            assert!(catch(move || drop(it)).is_err());
            ledger.assert_all_dropped();
        }
    }
}

#[test]
fn vec_into_iter_collect_roundtrip() {
    let ledger = Ledger::new();
    let v = tracked(&ledger, N.min(50));
    let w: Vec<Tracked> = v.into_iter().rev().collect();
    assert_eq!(
        values(&w),
        (0..N.min(50)).rev().collect::<std::vec::Vec<_>>()
    );
    drop(w);
    ledger.assert_all_dropped();
}

#[test]
fn collect_panicking_iterator_drops_what_was_collected() {
    let ledger = Ledger::new();
    ledger.fail_at(Op::Next, 4);
    let src = ledger.clone();
    let r = catch(|| {
        (0..10)
            .map(|i| {
                src.tick(Op::Next);
                src.track(i)
            })
            .collect::<Vec<Tracked>>()
    });
    assert!(r.is_err());
    assert_eq!(ledger.summary().created, 4);
    ledger.assert_all_dropped();
}

#[test]
fn into_iter_clone_panic_and_collect_back() {
    let ledger = Ledger::new();
    let mut it = tracked(&ledger, 5).into_iter();
    it.next();
    ledger.fail_at(Op::Clone, 2);
    assert!(catch(|| it.clone()).is_err());
    let c = it.clone();
    assert_eq!(values(c.as_slice()), [1, 2, 3, 4]);
    let back: Vec<Tracked> = it.collect();
    assert_eq!(values(&back), [1, 2, 3, 4]);
    drop((c, back));
    ledger.assert_all_dropped();
}

#[test]
fn more_std_conversions_keep_the_buffer() {
    use std::collections::VecDeque;
    let ledger = Ledger::new();
    let v = tracked(&ledger, 4);
    let p = v.as_ptr();
    let d = VecDeque::from(v);
    let v = Vec::from(d);
    assert_eq!(v.as_ptr(), p);
    let r: Result<[Tracked; 3], _> = v.try_into();
    let v = r.unwrap_err();
    assert_eq!(values(&v), [0, 1, 2, 3]);
    let a: [Tracked; 4] = v.try_into().unwrap();
    assert_eq!(*a[3].get(), 3);
    let b: Box<[Tracked]> = Vec::from(a).into();
    assert_eq!(b.len(), 4);
    drop(b);
    let s = String::from("abc");
    let sp = s.as_ptr();
    let bytes = Vec::from(s);
    assert_eq!(bytes.as_ptr(), sp);
    ledger.assert_all_dropped();
}
