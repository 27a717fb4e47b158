//! The std `Vec` API added for the drop-in work (issue 17 §1): each new
//! method and conversion checked against std's behaviour, element drops
//! counted with the ledger.
//!
//! It compares with std's newest `Vec` API (stable in 1.86 to 1.95), so it
//! needs a toolchain that has it; the library itself keeps the crate's MSRV.
#![allow(clippy::incompatible_msrv)]

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

/// Every stable inherent method of std 1.95's `Vec<T>`, named with std's
/// exact signature (as a fn pointer where it is not generic, by a call where
/// it is), and std's `const fn`s used in a `const fn`. The same body is
/// compiled for std's `Vec` and for leaksafe's, so a missing method or a
/// different signature is a compile error here.
macro_rules! std_vec_signatures {
    ($V:ident) => {
        use std::collections::TryReserveError;
        use std::mem::MaybeUninit;

        type T = String;

        pub const fn const_fns(v: &$V<T>, m: &mut $V<T>) -> (usize, usize, bool, *const T) {
            let _: &[T] = v.as_slice();
            let _: &mut [T] = m.as_mut_slice();
            let _: *mut T = m.as_mut_ptr();
            (v.len(), v.capacity(), v.is_empty(), v.as_ptr())
        }

        pub const NEW: fn() -> $V<T> = $V::new;

        pub fn signatures() {
            let _: fn() -> $V<T> = $V::new;
            let _: fn(usize) -> $V<T> = $V::with_capacity;
            let _: unsafe fn(*mut T, usize, usize) -> $V<T> = $V::from_raw_parts;
            let _: fn($V<T>) -> (*mut T, usize, usize) = $V::into_raw_parts;
            let _: fn(&$V<T>) -> usize = $V::capacity;
            let _: fn(&mut $V<T>, usize) = $V::reserve;
            let _: fn(&mut $V<T>, usize) = $V::reserve_exact;
            let _: fn(&mut $V<T>, usize) -> Result<(), TryReserveError> = $V::try_reserve;
            let _: fn(&mut $V<T>, usize) -> Result<(), TryReserveError> = $V::try_reserve_exact;
            let _: fn(&mut $V<T>) = $V::shrink_to_fit;
            let _: fn(&mut $V<T>, usize) = $V::shrink_to;
            let _: fn($V<T>) -> Box<[T]> = $V::into_boxed_slice;
            let _: fn(&mut $V<T>, usize) = $V::truncate;
            let _: fn(&$V<T>) -> &[T] = $V::as_slice;
            let _: fn(&mut $V<T>) -> &mut [T] = $V::as_mut_slice;
            let _: fn(&$V<T>) -> *const T = $V::as_ptr;
            let _: fn(&mut $V<T>) -> *mut T = $V::as_mut_ptr;
            let _: unsafe fn(&mut $V<T>, usize) = $V::set_len;
            let _: fn(&mut $V<T>, usize) -> T = $V::swap_remove;
            let _: fn(&mut $V<T>, usize, T) = $V::insert;
            let _: fn(&mut $V<T>, usize, T) -> &mut T = $V::insert_mut;
            let _: fn(&mut $V<T>, usize) -> T = $V::remove;
            let _: fn(&mut $V<T>, T) = $V::push;
            let _: fn(&mut $V<T>, T) -> &mut T = $V::push_mut;
            let _: fn(&mut $V<T>) -> Option<T> = $V::pop;
            let _: fn(&mut $V<T>, &mut $V<T>) = $V::append;
            let _: fn(&mut $V<T>) = $V::clear;
            let _: fn(&$V<T>) -> usize = $V::len;
            let _: fn(&$V<T>) -> bool = $V::is_empty;
            let _: fn(&mut $V<T>, usize) -> $V<T> = $V::split_off;
            let _: fn($V<T>) -> &'static mut [T] = $V::leak;
            let _: fn(&mut $V<T>) -> &mut [MaybeUninit<T>] = $V::spare_capacity_mut;
            let _: fn(&mut $V<T>, usize, T) = $V::resize;
            let _: fn(&mut $V<T>, &[T]) = $V::extend_from_slice;
            let _: fn($V<[T; 3]>) -> $V<T> = $V::into_flattened;
            let _: fn(&mut $V<T>) = $V::dedup;

            // The generic ones, called.
            let mut v: $V<T> = $V::new();
            v.retain(|_: &T| true);
            v.retain_mut(|_: &mut T| true);
            v.dedup_by_key(|x: &mut T| x.len());
            v.dedup_by(|_: &mut T, _: &mut T| false);
            let _: Option<T> = v.pop_if(|_: &mut T| true);
            let _: std::vec::Vec<T> = v.drain(..).collect();
            v.resize_with(2, T::new);
            v.extend_from_within(..1);
            let _: std::vec::Vec<T> = v.splice(0..1, [T::new()]).collect();
            let _: std::vec::Vec<T> = v.extract_if(.., |_: &mut T| true).collect();
        }
    };
}

mod std_signatures {
    use std::vec::Vec;
    std_vec_signatures!(Vec);
}

mod leaksafe_signatures {
    use leaksafe::vec::Vec;
    std_vec_signatures!(Vec);
}

#[test]
fn every_stable_std_method_with_std_signature() {
    std_signatures::signatures();
    leaksafe_signatures::signatures();
    let (mut a, mut b) = (leaksafe_signatures::NEW(), Vec::new());
    assert_eq!(leaksafe_signatures::const_fns(&a, &mut b).0, 0);
    a.push(String::new());
    let (mut c, mut d) = (std_signatures::NEW(), std::vec::Vec::new());
    c.push(String::new());
    assert_eq!(std_signatures::const_fns(&c, &mut d).0, 1);
}

/// Every stable trait impl std 1.95 has for or into its `Vec` (in `alloc`
/// and `std`), checked as a bound, for std's `Vec` (with std's `Rc`/`Arc`)
/// and for leaksafe's (with leaksafe's). Leaves out only `Write for
/// Cursor<Vec<u8>>`, which the orphan rule reserves to std (see the `vec`
/// module docs).
macro_rules! std_vec_traits {
    ($V:ident, $Drain:ty, $Rc:ty, $Arc:ty) => {
        use std::borrow::{Borrow, BorrowMut, Cow};
        use std::collections::{BinaryHeap, VecDeque};
        use std::ffi::CString;
        use std::fmt::Debug;
        use std::hash::Hash;
        use std::num::NonZero;
        use std::ops::{Deref, DerefMut, Index, IndexMut, Range};
        use std::panic::{RefUnwindSafe, UnwindSafe};

        fn is<X>()
        where
            X: Deref<Target = [u8]> + DerefMut + Clone + Hash + Debug + Default,
            X: Index<usize, Output = u8> + IndexMut<Range<usize>, Output = [u8]>,
            X: FromIterator<u8> + IntoIterator<Item = u8> + Extend<u8> + for<'a> Extend<&'a u8>,
            for<'a> &'a X: IntoIterator<Item = &'a u8>,
            for<'a> &'a mut X: IntoIterator<Item = &'a mut u8>,
            X: PartialEq + Eq + PartialOrd + Ord,
            X: PartialEq<$V<u8>> + PartialEq<[u8]> + PartialEq<[u8; 2]>,
            X: for<'a> PartialEq<&'a [u8]> + for<'a> PartialEq<&'a mut [u8]>,
            X: for<'a> PartialEq<&'a [u8; 2]>,
            [u8]: PartialEq<X>,
            for<'a> &'a [u8]: PartialEq<X>,
            for<'a> &'a mut [u8]: PartialEq<X>,
            for<'a> Cow<'a, [u8]>: PartialEq<X>,
            VecDeque<u8>: PartialEq<X>,
            X: AsRef<X> + AsMut<X> + AsRef<[u8]> + AsMut<[u8]> + Borrow<[u8]> + BorrowMut<[u8]>,
            X: for<'a> From<&'a [u8]> + for<'a> From<&'a mut [u8]>,
            X: for<'a> From<&'a [u8; 2]> + for<'a> From<&'a mut [u8; 2]> + From<[u8; 2]>,
            X: for<'a> From<Cow<'a, [u8]>> + From<Box<[u8]>> + for<'a> From<&'a str>,
            X: From<String> + From<CString> + From<BinaryHeap<u8>> + From<VecDeque<u8>>,
            Box<[u8]>: From<X>,
            Box<[u8; 2]>: TryFrom<X>,
            [u8; 2]: TryFrom<X>,
            for<'a> Cow<'a, [u8]>: From<X>,
            $Rc: From<X>,
            $Arc: From<X>,
            BinaryHeap<u8>: From<X>,
            VecDeque<u8>: From<X>,
            String: TryFrom<X>,
            X: std::io::Write,
            X: Send + Sync + Unpin + UnwindSafe + RefUnwindSafe,
        {
        }

        fn borrowed<'a, X: 'a>()
        where
            Cow<'a, [u8]>: From<&'a X>,
        {
        }

        fn iters<I, D>()
        where
            I: DoubleEndedIterator<Item = u8> + ExactSizeIterator + std::iter::FusedIterator,
            I: Debug + Default + Clone + AsRef<[u8]> + Send + Sync + UnwindSafe + RefUnwindSafe,
            D: DoubleEndedIterator<Item = u8> + ExactSizeIterator + std::iter::FusedIterator,
            D: Debug + AsRef<[u8]> + Send + Sync,
        {
        }

        pub fn traits() {
            iters::<<$V<u8> as IntoIterator>::IntoIter, $Drain>();
            let mut v: $V<u8> = $V::new();
            let mut it = v.clone().into_iter();
            let _: (&[u8], &mut [u8]) = (it.clone().as_slice(), it.as_mut_slice());
            let mut d = v.drain(..);
            let _: &[u8] = d.as_slice();
            let _ = (d.next_back(), d.len(), format!("{d:?}"));
            drop(d);
            let s = v.splice(.., [1u8]);
            let _ = format!("{s:?}");
            let _: (Option<u8>, usize) = {
                let mut s = s;
                (s.next_back(), s.len())
            };
            let e = v.extract_if(.., |_| true);
            let _ = format!("{e:?}");
            is::<$V<u8>>();
            borrowed::<$V<u8>>();
            let _ = |v: $V<NonZero<u8>>| CString::from(v);
        }
    };
}

mod std_traits {
    use std::vec::Vec;
    std_vec_traits!(
        Vec,
        std::vec::Drain<'static, u8>,
        std::rc::Rc<[u8]>,
        std::sync::Arc<[u8]>
    );
}

mod leaksafe_traits {
    use leaksafe::vec::Vec;
    std_vec_traits!(
        Vec,
        leaksafe::vec::Drain<'static, u8>,
        leaksafe::rc::Rc<[u8]>,
        leaksafe::sync::Arc<[u8]>
    );
}

#[test]
fn every_stable_std_trait_impl() {
    std_traits::traits();
    leaksafe_traits::traits();
}
