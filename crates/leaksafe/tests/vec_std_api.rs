//! The std `Vec` API added for the drop-in work (issue 17 §1): each new
//! method and conversion checked against std's behaviour, element drops
//! counted with the ledger.

use std::borrow::Cow;
use std::cell::Cell;
use std::collections::{BinaryHeap, VecDeque};
use std::ffi::CString;
use std::io::Write;
use std::num::NonZero;
use std::panic::{AssertUnwindSafe, RefUnwindSafe, UnwindSafe, catch_unwind};

use leaksafe::rc::Rc;
use leaksafe::sync::Arc;
use leaksafe::vec;
use leaksafe::vec::Vec;
use leaksafe_check::Ledger;

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

#[test]
fn push_mut_returns_the_new_element() {
    let mut ours = Vec::new();
    let mut theirs = std::vec::Vec::new();
    for i in 0..40 {
        *ours.push_mut(i) += 1;
        *theirs.push_mut(i) += 1;
        assert_eq!(ours.capacity(), theirs.capacity());
    }
    assert_eq!(ours, theirs);
    let mut z: Vec<()> = Vec::new();
    let _: &mut () = z.push_mut(());
    assert_eq!(z.len(), 1);
}

#[test]
fn insert_mut_returns_the_new_element_and_panics_as_std() {
    let mut ours = vec![1, 3, 5, 9];
    let mut theirs = std::vec![1, 3, 5, 9];
    *ours.insert_mut(3, 6) += 1;
    *theirs.insert_mut(3, 6) += 1;
    assert_eq!(ours, theirs);
    *ours.insert_mut(5, 0) = 10;
    *theirs.insert_mut(5, 0) = 10;
    assert_eq!(ours, theirs);
    let ours_msg = panic_message(|| {
        let _ = ours.insert_mut(7, 0);
    });
    let theirs_msg = panic_message(|| {
        let _ = theirs.insert_mut(7, 0);
    });
    assert_eq!(ours_msg, theirs_msg);
    assert_eq!(ours, theirs);
}

#[test]
fn pop_if_matches_std_and_survives_a_panicking_predicate() {
    let ledger = Ledger::new();
    let mut v: Vec<_> = ledger.track_range(4).collect();
    let mut calls = 0;
    let mut empty: Vec<i32> = Vec::new();
    assert_eq!(
        empty.pop_if(|_| {
            calls += 1;
            true
        }),
        None
    );
    assert_eq!(calls, 0, "the predicate must not run on an empty vector");
    assert_eq!(v.pop_if(|t| *t.get() == 3).map(|t| *t.get()), Some(3));
    assert!(v.pop_if(|t| *t.get() == 0).is_none());
    assert_eq!(v.len(), 3);
    let r = catch_unwind(AssertUnwindSafe(|| v.pop_if(|_| panic!("predicate"))));
    assert!(r.is_err());
    assert_eq!(
        v.iter().map(|t| *t.get()).collect::<std::vec::Vec<_>>(),
        [0, 1, 2]
    );
    drop(v);
    ledger.assert_all_dropped();
    ledger.assert_sound();
}

#[test]
fn into_flattened_matches_std() {
    let ledger = Ledger::new();
    let mut v: Vec<[_; 3]> = Vec::new();
    let mut ids = ledger.track_range(12);
    for _ in 0..4 {
        v.push([
            ids.next().unwrap(),
            ids.next().unwrap(),
            ids.next().unwrap(),
        ]);
    }
    v.pop();
    let cap = v.capacity();
    let p = v.as_ptr() as usize;
    let flat = v.into_flattened();
    assert_eq!(flat.len(), 9);
    assert_eq!(flat.capacity(), cap * 3);
    assert_eq!(flat.as_ptr() as usize, p, "flattened in place");
    assert_eq!(
        flat.iter().map(|t| *t.get()).collect::<std::vec::Vec<_>>(),
        (0..9).collect::<std::vec::Vec<_>>()
    );
    drop(flat);
    ledger.assert_all_dropped();
    ledger.assert_sound();

    // `[T; 0]` is zero-sized though `T` is not.
    let mut e: Vec<[u64; 0]> = vec![[], [], []];
    e.push([]);
    let f = e.into_flattened();
    assert_eq!((f.len(), f.capacity()), (0, 0));
    let mut f = f;
    f.push(7);
    assert_eq!(f, [7]);

    // Zero-sized `T`: length multiplies, capacity stays unbounded.
    let z: Vec<[(); 5]> = vec![[(); 5]; 3];
    let fz = z.into_flattened();
    assert_eq!((fz.len(), fz.capacity()), (15, usize::MAX));
}

#[test]
fn into_flattened_overflow_panics_as_std() {
    // Two arrays of `usize::MAX` units: `2 * usize::MAX` elements overflow.
    let ours: Vec<[(); usize::MAX]> = vec![[(); usize::MAX], [(); usize::MAX]];
    let theirs = std::vec![[(); usize::MAX], [(); usize::MAX]];
    let ours = panic_message(|| drop(ours.into_flattened()));
    let theirs = panic_message(|| drop(theirs.into_flattened()));
    assert_eq!(ours, theirs);
    assert_eq!(ours, "vec len overflow");
}

#[test]
fn into_raw_parts_round_trips_through_std() {
    let v = vec![String::from("a"), String::from("b")];
    let p = v.as_ptr();
    let (ptr, len, cap) = v.into_raw_parts();
    assert_eq!((ptr as *const String, len), (p, 2));
    // SAFETY: the same layout as std's, from a vector that gave them up.
    let s = unsafe { std::vec::Vec::from_raw_parts(ptr, len, cap) };
    assert_eq!(s, ["a", "b"]);
    let (ptr, len, cap) = s.into_raw_parts();
    // SAFETY: as above, the other way.
    let back = unsafe { Vec::from_raw_parts(ptr, len, cap) };
    assert_eq!(back, ["a", "b"]);
}

#[test]
fn from_mut_array_and_slice_clone() {
    let mut a = [String::from("x"), String::from("y")];
    let v = Vec::from(&mut a);
    let w = Vec::from(&mut a[..1]);
    assert_eq!(v, a);
    assert_eq!(w, ["x"]);
}

#[test]
fn io_write_appends_like_std() {
    let mut ours = Vec::new();
    let mut theirs = std::vec::Vec::new();
    for w in [&mut ours as &mut dyn Write, &mut theirs] {
        write!(w, "{}+{}", 1, 2).unwrap();
        assert_eq!(w.write(b"=3").unwrap(), 2);
        let bufs = [std::io::IoSlice::new(b" ok"), std::io::IoSlice::new(b"!")];
        assert_eq!(w.write_vectored(&bufs).unwrap(), 4);
        w.flush().unwrap();
    }
    assert_eq!(ours, theirs);
    assert_eq!(ours, *b"1+2=3 ok!");
}

#[test]
fn into_rc_and_arc_slices() {
    let ledger = Ledger::new();
    let v: Vec<_> = ledger.track_range(5).collect();
    let r: Rc<[_]> = Rc::from(v);
    assert_eq!(r.iter().map(|t| *t.get()).sum::<usize>(), 10);
    let r2 = Rc::clone(&r);
    drop(r);
    assert_eq!(r2.len(), 5);
    drop(r2);
    let a: Arc<[_], u8> = ledger.track_range(3).collect::<Vec<_>>().into();
    assert_eq!(a.len(), 3);
    drop(a);
    let zst: Rc<[()]> = vec![(); 3].into();
    assert_eq!(zst.len(), 3);
    let empty: Arc<[String]> = Vec::new().into();
    assert!(empty.is_empty());
    ledger.assert_all_dropped();
    ledger.assert_sound();
}

#[test]
fn boxed_slice_and_boxed_array() {
    let b: Box<[i32]> = vec![1, 2, 3].into();
    assert_eq!(&*b, [1, 2, 3]);
    let mut v = Vec::with_capacity(10);
    v.extend([1, 2]);
    let a: Box<[i32; 2]> = v.try_into().unwrap();
    assert_eq!(*a, [1, 2]);
    let e: Result<Box<[i32; 3]>, Vec<i32>> = vec![1, 2].try_into();
    assert_eq!(e.unwrap_err(), [1, 2]);
}

#[test]
fn std_collections_and_strings() {
    let h = BinaryHeap::from(vec![3, 1, 4, 1, 5]);
    assert_eq!(h.peek(), Some(&5));
    let mut back = Vec::from(h);
    back.sort();
    assert_eq!(back, [1, 1, 3, 4, 5]);

    let d = VecDeque::from(vec![1, 2]);
    assert!(d == vec![1, 2]);
    assert_eq!(Vec::from(d), [1, 2]);

    assert_eq!(String::try_from(vec![b'o', b'k']).unwrap(), "ok");
    let err = String::try_from(vec![b'a', 0xff]).unwrap_err();
    assert_eq!(err.into_bytes(), [b'a', 0xff]);

    let c = CString::from(vec![
        NonZero::new(b'h').unwrap(),
        NonZero::new(b'i').unwrap(),
    ]);
    assert_eq!(c.as_bytes_with_nul(), b"hi\0");
    assert_eq!(Vec::from(c), *b"hi");
    // `CString::new` takes `impl Into<std::vec::Vec<u8>>`, which this `Vec` is.
    assert_eq!(CString::new(vec![b'a']).unwrap().as_bytes(), b"a");

    let v = vec![1, 2];
    let c: Cow<'_, [i32]> = Cow::from(&v);
    assert!(matches!(c, Cow::Borrowed(_)));
    assert!(c == v);
    let owned: Cow<'_, [i32]> = Cow::from(v.clone());
    assert!(owned == v);
    assert_eq!(Vec::from(owned), v);
}

#[test]
fn auto_traits_match_std() {
    fn unwind_safe<T: UnwindSafe>() {}
    fn ref_unwind_safe<T: RefUnwindSafe>() {}
    fn send_sync<T: Send + Sync>() {}
    fn unpin<T: Unpin>() {}
    // `Cell` is `UnwindSafe` but not `RefUnwindSafe`: std's `Vec` of it is
    // still `UnwindSafe`, and so is ours.
    unwind_safe::<std::vec::Vec<Cell<i32>>>();
    unwind_safe::<Vec<Cell<i32>>>();
    unwind_safe::<vec::IntoIter<Cell<i32>>>();
    ref_unwind_safe::<Vec<i32>>();
    ref_unwind_safe::<vec::IntoIter<i32>>();
    send_sync::<Vec<i32>>();
    send_sync::<vec::IntoIter<i32>>();
    send_sync::<vec::Drain<'static, i32>>();
    // Like std's, `Unpin` exactly when `T` is (std's `RawVec` holds a
    // `PhantomData<T>` too).
    unpin::<Vec<i32>>();
    unpin::<vec::IntoIter<i32>>();
}
