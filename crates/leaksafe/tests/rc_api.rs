//! std's `Rc` API added for issue 17 (§1, §3): unsizing without copying,
//! uninitialized constructors, conversions, `downcast`. Shared cases are in
//! `tests/common/ptr_api.rs`.
#[path = "common/ptr_api.rs"]
mod common;

use leaksafe::rc::{Rc, Weak};

ptr_api_tests!(Rc, Weak);
make_mut_tests!(Rc, Weak);

#[test]
fn downcast_rc_dyn_any() {
    use core::any::Any;
    let c = counter();
    let a: Rc<dyn Any> = Rc::unsize(Rc::new(Tracked(4, c.clone())), leaksafe::coerce!());
    let keep = a.clone();
    let a = a.downcast::<u32>().unwrap_err();
    let t: Rc<Tracked> = a.downcast().unwrap();
    assert_eq!((t.0, Rc::strong_count(&t)), (4, 2));
    drop(keep);
    drop(t);
    assert_eq!(drops(&c), 1);
    let narrow: Rc<dyn Any, u8> = Rc::unsize(Rc::new_counted(1u8), leaksafe::coerce!());
    assert_eq!(*narrow.downcast::<u8>().unwrap(), 1);
}

#[test]
fn unsize_non_send_value() {
    // `Rc` may hold `!Send` values; the coercion checks only the target.
    let cell = Rc::new(std::cell::RefCell::new(vec![1]));
    let d: Rc<dyn Debug> = Rc::unsize(cell.clone(), leaksafe::coerce!());
    cell.borrow_mut().push(2);
    assert_eq!(format!("{d:?}"), "RefCell { value: [1, 2] }");
}

#[test]
fn coercion_that_moves_the_address_panics_without_leaking() {
    use leaksafe::rc::Coercion;
    // SAFETY: deliberately breaks the address promise: `apply` must catch it
    // before anything is rebuilt (never dereferenced).
    let bad = unsafe { Coercion::<u8, u8>::new(|p| p.wrapping_add(1)) };
    let c = counter();
    let a = Rc::new(Tracked(1, c.clone()));
    let w = Rc::downgrade(&a);
    let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        // SAFETY: as above.
        let bad_t = unsafe { Coercion::<Tracked, Tracked>::new(|p| p.wrapping_byte_add(8)) };
        Rc::unsize(a, bad_t)
    }))
    .unwrap_err();
    // `a` was dropped normally during the unwind.
    assert_eq!(drops(&c), 1);
    assert!(w.upgrade().is_none());
    let _ = std::panic::catch_unwind(|| Weak::unsize(Weak::<u8>::new(), bad)).unwrap_err();
}
