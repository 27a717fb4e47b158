// The tests of std's `library/alloctests/tests/arc.rs` that need API not yet on
// this branch (see STD_SUITE_GAPS.md, "enable after merge"). Same
// licence and provenance as the parent module.
use super::*;
// Named explicitly: through the glob above, leaksafe's `vec!` would be
// ambiguous with the prelude's.
use leaksafe::vec;

// leaksafe: `Weak<dyn Any>` unsized coercion: `CoerceUnsized` (nightly)
#[cfg(feature = "nightly")]
#[test]
fn uninhabited() {
    enum Void {}
    let mut a = Weak::<Void>::new();
    a = a.clone();
    assert!(a.upgrade().is_none());

    let mut a: Weak<dyn Any> = a; // Unsizing
    a = a.clone();
    assert!(a.upgrade().is_none());
}

// leaksafe: `Arc<dyn Trait>`/`Arc<[T]>` unsized coercion: `CoerceUnsized` (nightly)
#[cfg(feature = "nightly")]
#[test]
fn slice() {
    let a: Arc<[u32; 3]> = Arc::new([3, 2, 1]);
    let a: Arc<[u32]> = a; // Unsizing
    let b: Arc<[u32]> = Arc::from(&[3, 2, 1][..]); // Conversion
    assert_eq!(a, b);

    // Exercise is_dangling() with a DST
    let mut a = Arc::downgrade(&a);
    a = a.clone();
    assert!(a.upgrade().is_some());
}

// leaksafe: `Arc<dyn Trait>`/`Arc<[T]>` unsized coercion: `CoerceUnsized` (nightly)
#[cfg(feature = "nightly")]
#[test]
fn trait_object() {
    let a: Arc<u32> = Arc::new(4);
    let a: Arc<dyn Any> = a; // Unsizing

    // Exercise is_dangling() with a DST
    let mut a = Arc::downgrade(&a);
    a = a.clone();
    assert!(a.upgrade().is_some());

    let mut b = Weak::<u32>::new();
    b = b.clone();
    assert!(b.upgrade().is_none());
    let mut b: Weak<dyn Any> = b; // Unsizing
    b = b.clone();
    assert!(b.upgrade().is_none());
}

// leaksafe: `#[may_dangle]` on `Weak`'s `Drop` (E0597 without it)
#[cfg(feature = "nightly")]
#[test]
fn weak_may_dangle() {
    fn hmm<'a>(val: &'a mut Weak<&'a str>) -> Weak<&'a str> {
        val.clone()
    }

    // Without #[may_dangle] we get:
    let mut val = Weak::new();
    hmm(&mut val);
    //  ~~~~~~~~ borrowed value does not live long enough
    //
    // `val` dropped here while still borrowed
    // borrow might be used here, when `val` is dropped and runs the `Drop` code for type `std::sync::Weak`
}

// leaksafe: `Arc<dyn Trait>`/`Arc<[T]>` unsized coercion: `CoerceUnsized` (nightly) and `Arc::make_mut` for `Arc<[T]>`
#[cfg(feature = "nightly")]
/// This is similar to the doc-test for `Arc::make_mut()`, but on an unsized type (slice).
#[test]
fn make_mut_unsized() {
    use leaksafe::sync::Arc;

    let mut data: Arc<[i32]> = Arc::new([10, 20, 30]);

    Arc::make_mut(&mut data)[0] += 1; // Won't clone anything
    let mut other_data = Arc::clone(&data); // Won't clone inner data
    Arc::make_mut(&mut data)[1] += 1; // Clones inner data
    Arc::make_mut(&mut data)[2] += 1; // Won't clone anything
    Arc::make_mut(&mut other_data)[0] *= 10; // Won't clone anything

    // Now `data` and `other_data` point to different allocations.
    assert_eq!(*data, [11, 21, 31]);
    assert_eq!(*other_data, [110, 20, 30]);
}
