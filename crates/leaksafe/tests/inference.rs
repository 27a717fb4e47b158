//! Issue 17 §2: every associated function std has on `Rc<T>`, `Arc<T>` and
//! their `Weak<T>`s infers its count type as std's does — this file is std
//! code with only the imports swapped, and must compile without annotations.
//! (The `_counted` twins take any count type; see `tests/rc.rs`/`tests/arc.rs`.)
use leaksafe::rc::{self, Rc};
use leaksafe::sync::{self, Arc};

#[test]
fn rc_std_signatures_infer() {
    let a = Rc::new(5);
    let p = Rc::into_raw(a);
    // SAFETY: the pointer came from `into_raw` of this type and owns its reference.
    unsafe {
        Rc::increment_strong_count(p);
        Rc::decrement_strong_count(p);
    }
    // SAFETY: the pointer came from `into_raw` of this type and owns its reference.
    let a = unsafe { Rc::from_raw(p) };
    assert_eq!(*a, 5);

    let w = Rc::downgrade(&a);
    let wp = rc::Weak::into_raw(w);
    // SAFETY: the pointer came from `into_raw` of this type and owns its reference.
    let w = unsafe { rc::Weak::from_raw(wp) };
    assert_eq!(w.upgrade().as_deref(), Some(&5));

    let empty = rc::Weak::new();
    let none: Option<Rc<u8>> = empty.upgrade();
    assert!(none.is_none());

    let pinned = Rc::pin(3);
    assert_eq!(*pinned, 3);
    struct Node {
        me: rc::Weak<Node>,
    }
    let cyclic = Rc::new_cyclic(|me| Node { me: me.clone() });
    assert!(cyclic.me.upgrade().is_some());

    // Unsized values through the raw pointer functions.
    let s: Rc<str> = Rc::from("hi");
    let p = Rc::into_raw(s);
    // SAFETY: the pointer came from `into_raw` of this type and owns its reference.
    let s = unsafe { Rc::from_raw(p) };
    assert_eq!(&*s, "hi");
    let v: Rc<[u32]> = Rc::from(vec![1, 2]);
    let w = Rc::downgrade(&v);
    let wp = w.into_raw();
    // SAFETY: the pointer came from `into_raw` of this type and owns its reference.
    let w = unsafe { rc::Weak::from_raw(wp) };
    assert_eq!(w.upgrade().unwrap().len(), 2);
}

#[test]
fn arc_std_signatures_infer() {
    let a = Arc::new(5);
    let p = Arc::into_raw(a);
    // SAFETY: the pointer came from `into_raw` of this type and owns its reference.
    unsafe {
        Arc::increment_strong_count(p);
        Arc::decrement_strong_count(p);
    }
    // SAFETY: the pointer came from `into_raw` of this type and owns its reference.
    let a = unsafe { Arc::from_raw(p) };
    assert_eq!(*a, 5);

    let w = Arc::downgrade(&a);
    let wp = sync::Weak::into_raw(w);
    // SAFETY: the pointer came from `into_raw` of this type and owns its reference.
    let w = unsafe { sync::Weak::from_raw(wp) };
    assert_eq!(w.upgrade().as_deref(), Some(&5));

    let empty = sync::Weak::new();
    let none: Option<Arc<u8>> = empty.upgrade();
    assert!(none.is_none());

    let pinned = Arc::pin(3);
    assert_eq!(*pinned, 3);
    struct Node {
        me: sync::Weak<Node>,
    }
    let cyclic = Arc::new_cyclic(|me| Node { me: me.clone() });
    assert!(cyclic.me.upgrade().is_some());

    let s: Arc<str> = Arc::from("hi");
    let p = Arc::into_raw(s);
    // SAFETY: the pointer came from `into_raw` of this type and owns its reference.
    let s = unsafe { Arc::from_raw(p) };
    assert_eq!(&*s, "hi");
    let v: Arc<[u32]> = Arc::from(vec![1, 2]);
    let w = Arc::downgrade(&v);
    let wp = w.into_raw();
    // SAFETY: the pointer came from `into_raw` of this type and owns its reference.
    let w = unsafe { sync::Weak::from_raw(wp) };
    assert_eq!(w.upgrade().unwrap().len(), 2);
}
