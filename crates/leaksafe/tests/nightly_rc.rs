//! Issue 17 §3 (feature `nightly`): `Rc`, `Arc` and their `Weak`s coerce to
//! unsized types, dispatch `self: Rc<Self>` methods on `dyn Trait`, and have
//! std's `#[may_dangle]` drop check. Run with
//! `cargo +nightly test -p leaksafe --features nightly --test nightly_rc`.
#![cfg(feature = "nightly")]
// `self: Rc<Self>` on a pointer type outside std needs this in the user's
// crate (std's own `Rc`/`Arc` are special-cased by the compiler).
#![feature(arbitrary_self_types)]
// The late initializations are the point: the pointer is declared first, so
// it is dropped after the value it borrows.
#![allow(clippy::needless_late_init)]

use std::cell::Cell;
use std::fmt::Display;

use leaksafe::rc::{self, Rc};
use leaksafe::sync::{self, Arc};

trait Shape {
    fn area(&self) -> u32;
    fn rc_area(self: Rc<Self>) -> u32;
    fn arc_area(self: Arc<Self>) -> u32;
}

struct Square(u32);

impl Shape for Square {
    fn area(&self) -> u32 {
        self.0 * self.0
    }
    fn rc_area(self: Rc<Self>) -> u32 {
        self.area()
    }
    fn arc_area(self: Arc<Self>) -> u32 {
        self.area()
    }
}

#[test]
fn unsized_coercion() {
    let r: Rc<dyn Shape> = Rc::new(Square(3));
    assert_eq!(r.area(), 9);
    let a: Arc<dyn Shape> = Arc::new(Square(4));
    assert_eq!(a.area(), 16);
    let narrow: Rc<dyn Display, u8> = Rc::<_, u8>::new_counted(5);
    assert_eq!(narrow.to_string(), "5");
    let s: Rc<[u8]> = Rc::new([1, 2, 3]);
    assert_eq!(s.len(), 3);
    let s: Arc<[u8]> = Arc::new([1, 2, 3]);
    assert_eq!(s.len(), 3);

    let w: rc::Weak<dyn Shape> = Rc::downgrade(&r);
    assert_eq!(w.upgrade().unwrap().area(), 9);
    let w: sync::Weak<dyn Shape> = Arc::downgrade(&a);
    assert_eq!(w.upgrade().unwrap().area(), 16);
    // A dangling `Weak::new` coerces too, and stays dangling.
    let empty: rc::Weak<dyn Shape> = rc::Weak::<Square>::new();
    assert!(empty.upgrade().is_none());
    let empty: sync::Weak<dyn Shape> = sync::Weak::<Square>::new();
    assert!(empty.upgrade().is_none());
    // The coerced pointer round-trips through the raw pointer functions.
    let p = Rc::into_raw(r);
    // SAFETY: `p` came from `Rc::into_raw` and owns its strong reference.
    let r = unsafe { Rc::from_raw(p) };
    assert_eq!(r.area(), 9);
}

#[test]
fn self_rc_methods_dispatch_on_dyn() {
    let r: Rc<dyn Shape> = Rc::new(Square(5));
    assert_eq!(r.rc_area(), 25);
    let a: Arc<dyn Shape> = Arc::new(Square(6));
    assert_eq!(a.arc_area(), 36);
}

/// std's dropck cases: the pointer is dropped after the value it borrows
/// (declared later, so dropped earlier), which `#[may_dangle]` accepts.
#[test]
fn may_dangle_drop_check() {
    {
        let r;
        let x = 5;
        r = Rc::new(&x);
        assert_eq!(**r, 5);
    }
    {
        let a;
        let x = String::from("a");
        a = Arc::new(&x);
        assert_eq!(**a, "a");
    }
    {
        let w;
        let x = 7;
        let r = Rc::new(&x);
        w = Rc::downgrade(&r);
        assert!(w.upgrade().is_some());
    }
    {
        let w;
        let x = 7;
        let a = Arc::new(&x);
        w = Arc::downgrade(&a);
        assert!(w.upgrade().is_some());
    }
    // A cycle-free graph of nodes borrowing each other, dropped together.
    struct Node<'a> {
        next: Cell<Option<&'a Rc<Node<'a>>>>,
    }
    let (a, b);
    a = Rc::new(Node {
        next: Cell::new(None),
    });
    b = Rc::new(Node {
        next: Cell::new(Some(&a)),
    });
    a.next.set(Some(&b));
    assert!(b.next.get().is_some());
}
