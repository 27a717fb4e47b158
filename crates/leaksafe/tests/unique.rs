//! `UniqueRc`/`UniqueArc`, `ArcBorrow` and `try_new` (issue 19, API): every
//! case runs for `Rc` and `Arc` and several count types, under Miri (Stacked
//! and Tree Borrows: the leak check proves each block is freed exactly once),
//! with `mem::forget` at every step (`leaky_*`) and panics where user code
//! runs (a value's `Drop`).
use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::num::Saturating;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use leaksafe::rc::{AllocError, UniqueRc};
use leaksafe::sync::{Arc, ArcBorrow, UniqueArc};

// ---- an allocator that fails on request (per thread) -----------------------

struct MayFail;

thread_local! {
    /// While set, this thread's allocations fail.
    static FAIL: Cell<bool> = const { Cell::new(false) };
}

// SAFETY: forwards to `System`, or returns null (a valid "allocation failed"
// answer); the flag is a thread-local `Cell` with a const initializer and no
// destructor, which never allocates.
unsafe impl GlobalAlloc for MayFail {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if FAIL.try_with(Cell::get).unwrap_or(false) {
            return std::ptr::null_mut();
        }
        // SAFETY: forwarded from the caller.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: forwarded from the caller.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static ALLOC: MayFail = MayFail;

/// Runs `f` with this thread's allocations failing.
fn failing<R>(f: impl FnOnce() -> R) -> R {
    FAIL.with(|x| x.set(true));
    let r = f();
    FAIL.with(|x| x.set(false));
    r
}

// ---- values that count their drops and may panic in drop -------------------

#[derive(Debug)]
struct Tracked<'a> {
    v: u32,
    drops: &'a AtomicUsize,
    panic_on_drop: bool,
}

impl<'a> Tracked<'a> {
    fn new(v: u32, drops: &'a AtomicUsize) -> Self {
        Tracked {
            v,
            drops,
            panic_on_drop: false,
        }
    }
}

impl Drop for Tracked<'_> {
    fn drop(&mut self) {
        self.drops.fetch_add(1, Ordering::Relaxed);
        if self.panic_on_drop {
            panic!("Tracked::drop panics on purpose");
        }
    }
}

fn n(c: &AtomicUsize) -> usize {
    c.load(Ordering::Relaxed)
}

/// The same cases for `UniqueRc` and `UniqueArc`.
macro_rules! unique_tests {
    ($name:ident, $m:ident, $Unique:ident, $Ptr:ident, $into:ident) => {
        mod $name {
            use super::*;
            use leaksafe::$m::{Weak, $Ptr};

            fn cases<C: leaksafe::Count>() {
                let drops = AtomicUsize::new(0);
                // Mutate, downgrade before sharing, share, upgrade.
                let mut u: $Unique<Tracked<'_>, C> = $Unique::new_counted(Tracked::new(1, &drops));
                u.v += 1;
                let w: Weak<Tracked<'_>, C> = $Unique::downgrade(&u);
                let w2 = w.clone();
                assert!(w.upgrade().is_none());
                assert_eq!(w.strong_count(), 0);
                let p: $Ptr<Tracked<'_>, C> = $Unique::$into(u);
                assert_eq!($Ptr::strong_count(&p), 1);
                assert_eq!($Ptr::weak_count(&p), 2);
                let q = w2.upgrade().unwrap();
                assert!($Ptr::ptr_eq(&p, &q));
                assert_eq!(q.v, 2);
                drop((p, q));
                assert_eq!(n(&drops), 1);
                assert!(w.upgrade().is_none());
                drop((w, w2));

                // Dropped while unique, with Weaks alive: value dropped once,
                // block freed by the last Weak.
                let u: $Unique<Tracked<'_>, C> = $Unique::new_counted(Tracked::new(3, &drops));
                let w = $Unique::downgrade(&u);
                drop(u);
                assert_eq!(n(&drops), 2);
                assert!(w.upgrade().is_none());
                drop(w);

                // into_inner with and without Weaks.
                let u: $Unique<Tracked<'_>, C> = $Unique::new_counted(Tracked::new(4, &drops));
                let w = $Unique::downgrade(&u);
                let t = $Unique::into_inner(u);
                assert!(w.upgrade().is_none());
                drop(w);
                assert_eq!((t.v, n(&drops)), (4, 2));
                drop(t);
                let u: $Unique<String, C> = $Unique::new_counted("s".into());
                assert_eq!($Unique::into_inner(u), "s");

                // try_unique: refused while shared; then Weaks stop upgrading
                // until the value is shared again; dropped while unique.
                let drops2 = AtomicUsize::new(0);
                let p: $Ptr<Tracked<'_>, C> = $Ptr::new_counted(Tracked::new(5, &drops2));
                let w = $Ptr::downgrade(&p);
                let q = p.clone();
                let p = $Ptr::try_unique(p).unwrap_err();
                drop(q);
                let mut u = $Ptr::try_unique(p).unwrap();
                assert!(w.upgrade().is_none());
                u.v = 6;
                let p = $Unique::$into(u);
                assert_eq!(w.upgrade().unwrap().v, 6);
                let u = $Ptr::try_unique(p).unwrap();
                drop(u);
                assert_eq!(n(&drops2), 1);
                assert!(w.upgrade().is_none());
                drop(w);

                // get_mut of the shared value works (no other reference).
                let mut p = $Unique::$into($Unique::<u8, C>::new_counted(9));
                *$Ptr::get_mut(&mut p).unwrap() += 1;
                assert_eq!(*p, 10);
            }

            #[test]
            fn unique_all_counts() {
                cases::<usize>();
                cases::<u8>();
                cases::<u16>();
                cases::<Saturating<u8>>();
                cases::<Saturating<u32>>();
            }

            #[test]
            fn unique_std_named_and_traits() {
                let mut u = $Unique::new(vec![1]);
                u.push(2);
                let d: $Unique<Vec<i32>> = Default::default();
                let f: $Unique<i32, u8> = 5.into();
                assert_eq!(format!("{u:?} {d:?} {f}"), "[1, 2] [] 5");
                assert!($Unique::<i32, u8>::new_counted(5) == f);
                assert!($Unique::<i32, u8>::new_counted(4) < f);
                let r: &Vec<i32> = u.as_ref();
                assert_eq!(r.len(), 2);
                let s: $Ptr<Vec<i32>> = $Unique::$into(u);
                assert_eq!(*s, [1, 2]);
            }

            /// A cycle without `new_cyclic`: children point to the parent
            /// through a `Weak` made before the parent is shared.
            #[test]
            fn unique_builds_a_cycle() {
                struct Node {
                    parent: Weak<Node, u8>,
                    kids: Vec<$Ptr<Node, u8>>,
                }
                let mut root = $Unique::new_counted(Node {
                    parent: Weak::new_counted(),
                    kids: vec![],
                });
                let me = $Unique::downgrade(&root);
                for _ in 0..3 {
                    root.kids.push($Ptr::new_counted(Node {
                        parent: me.clone(),
                        kids: vec![],
                    }));
                }
                let root = $Unique::$into(root);
                for k in &root.kids {
                    assert!($Ptr::ptr_eq(&k.parent.upgrade().unwrap(), &root));
                    assert!(k.parent.upgrade().unwrap().parent.upgrade().is_none());
                }
                assert_eq!($Ptr::weak_count(&root), 4);
            }

            /// The value's destructor panics while unique: the panic
            /// propagates, the block is still freed (Miri's leak check), and
            /// a Weak still works (never upgrades) and frees it if last.
            #[test]
            fn unique_drop_panics_frees_the_block() {
                let drops = AtomicUsize::new(0);
                let mut u: $Unique<Tracked<'_>> = $Unique::new(Tracked::new(1, &drops));
                u.panic_on_drop = true;
                assert!(catch_unwind(AssertUnwindSafe(|| drop(u))).is_err());
                assert_eq!(n(&drops), 1);

                let mut u: $Unique<Tracked<'_>, u16> =
                    $Unique::new_counted(Tracked::new(1, &drops));
                u.panic_on_drop = true;
                let w = $Unique::downgrade(&u);
                assert!(catch_unwind(AssertUnwindSafe(|| drop(u))).is_err());
                assert!(w.upgrade().is_none());
                drop(w);
                assert_eq!(n(&drops), 2);
            }

            /// A panic in user code *after* `into_*` (the value's drop via the
            /// last strong reference) behaves as for any `Rc`/`Arc`.
            #[test]
            fn unique_shared_then_drop_panics() {
                let drops = AtomicUsize::new(0);
                let mut u: $Unique<Tracked<'_>, u8> = $Unique::new_counted(Tracked::new(1, &drops));
                u.panic_on_drop = true;
                let w = $Unique::downgrade(&u);
                let p = $Unique::$into(u);
                assert!(catch_unwind(AssertUnwindSafe(|| drop(p))).is_err());
                assert!(w.upgrade().is_none());
                drop(w);
                assert_eq!(n(&drops), 1);
            }

            #[test]
            fn leaky_unique_forget_at_every_step() {
                let drops = AtomicUsize::new(0);
                // Forget the unique pointer: never dropped, Weaks never upgrade.
                let u: $Unique<Tracked<'_>, u8> = $Unique::new_counted(Tracked::new(1, &drops));
                let w = $Unique::downgrade(&u);
                std::mem::forget(u);
                assert!(w.upgrade().is_none());
                drop(w);
                // Forget a Weak before sharing: the block outlives the value.
                let u: $Unique<Tracked<'_>, u8> = $Unique::new_counted(Tracked::new(2, &drops));
                std::mem::forget($Unique::downgrade(&u));
                let p = $Unique::$into(u);
                assert_eq!($Ptr::weak_count(&p), 1);
                drop(p);
                // Forget the shared pointer.
                let u: $Unique<Tracked<'_>, u8> = $Unique::new_counted(Tracked::new(3, &drops));
                std::mem::forget($Unique::$into(u));
                assert_eq!(n(&drops), 1);
                // Saturate the weak count while unique (forgotten Weaks): the
                // value is still dropped once, the block is never freed.
                let u: $Unique<Tracked<'_>, Saturating<u8>> =
                    $Unique::new_counted(Tracked::new(4, &drops));
                for _ in 0..300 {
                    std::mem::forget($Unique::downgrade(&u));
                }
                let w = $Unique::downgrade(&u);
                let p = $Unique::$into(u);
                assert_eq!(w.upgrade().unwrap().v, 4);
                drop(p);
                assert!(w.upgrade().is_none());
                assert_eq!(n(&drops), 2);
            }
        }
    };
}

unique_tests!(unique_rc, rc, UniqueRc, Rc, into_rc);
unique_tests!(unique_arc, sync, UniqueArc, Arc, into_arc);

/// A `Weak` upgraded on another thread sees every write made through the
/// `UniqueArc` before `into_arc` (Release store, Acquire upgrade).
#[test]
fn unique_arc_publishes_to_other_threads() {
    let mut u: UniqueArc<Vec<u32>, u8> = UniqueArc::new_counted(Vec::new());
    let w = UniqueArc::downgrade(&u);
    let stop = AtomicBool::new(false);
    std::thread::scope(|s| {
        let reader = s.spawn(|| {
            loop {
                if let Some(a) = w.upgrade() {
                    return a.iter().sum::<u32>();
                }
                if stop.load(Ordering::Relaxed) {
                    return 0;
                }
                std::thread::yield_now();
            }
        });
        u.extend([1, 2, 3]);
        let a = UniqueArc::into_arc(u);
        assert_eq!(reader.join().unwrap(), 6);
        stop.store(true, Ordering::Relaxed);
        drop(a);
    });
}

#[test]
fn arc_borrow() {
    let a: Arc<String, u8> = Arc::new_counted("hello".into());
    let b = Arc::borrow_arc(&a);
    let c = b;
    assert_eq!((b.len(), c.as_str()), (5, "hello"));
    assert_eq!(Arc::strong_count(&a), 1);
    let owned = c.clone_arc();
    assert!(Arc::ptr_eq(&owned, &a));
    assert_eq!(ArcBorrow::strong_count(&b), 2);
    assert!(ArcBorrow::ptr_eq(&b, &c));
    assert_eq!(b.with_arc(Arc::strong_count), 2);
    let s: &str = b.get();
    drop(owned);
    assert_eq!(s, "hello");
    assert_eq!(format!("{b:?} {b}"), "\"hello\" hello");
    assert_eq!(
        std::mem::size_of::<ArcBorrow<'_, String, u8>>(),
        std::mem::size_of::<usize>()
    );
    assert_eq!(
        std::mem::size_of::<Option<ArcBorrow<'_, String>>>(),
        std::mem::size_of::<usize>()
    );
    // Unsized values.
    let sl: Arc<[u16], u16> = Arc::from(&[1u16, 2, 3][..]);
    let b = Arc::borrow_arc(&sl);
    assert_eq!(b.clone_arc().iter().sum::<u16>(), 6);
    // Shared with other threads, cloned there.
    let a = Arc::new(7u64);
    let b = Arc::borrow_arc(&a);
    std::thread::scope(|s| {
        for _ in 0..2 {
            s.spawn(move || {
                let o = b.clone_arc();
                assert_eq!(*o + *b, 14);
            });
        }
    });
    assert_eq!(Arc::strong_count(&a), 1);
}

/// `clone_arc` of a saturated `Arc` keeps it saturated (immortal).
#[test]
fn leaky_arc_borrow_saturated() {
    let a: Arc<u8, Saturating<u8>> = Arc::new_counted(1);
    let b = Arc::borrow_arc(&a);
    for _ in 0..300 {
        std::mem::forget(b.clone_arc());
    }
    drop(b.clone_arc());
    assert_eq!(Arc::strong_count(&a), 255);
}

#[test]
fn try_new_succeeds_and_fails() {
    let drops = AtomicUsize::new(0);
    let r = leaksafe::rc::Rc::try_new(Tracked::new(1, &drops)).unwrap();
    let a = Arc::<_, u8>::try_new_counted(Tracked::new(2, &drops)).unwrap();
    assert_eq!((r.v, a.v), (1, 2));
    drop((r, a));
    assert_eq!(n(&drops), 2);

    let e =
        failing(|| leaksafe::rc::Rc::<_, u16>::try_new_counted(Tracked::new(3, &drops)).map(drop));
    assert_eq!(e, Err(AllocError));
    assert_eq!(n(&drops), 3); // the value was dropped
    let e = failing(|| leaksafe::sync::Arc::try_new(Tracked::new(4, &drops)).map(drop));
    assert_eq!(e, Err(leaksafe::sync::AllocError));
    assert_eq!(n(&drops), 4);
    assert_eq!(AllocError.to_string(), "memory allocation failed");
    let _: &dyn std::error::Error = &AllocError;
}

/// A `try_new` block is an ordinary block: `into_raw`/`from_raw` (which find
/// the header from the value's address) work on it, also for an over-aligned
/// value whose block has padding between the counts and the value.
#[test]
fn try_new_blocks_round_trip_through_raw_pointers() {
    #[repr(align(64))]
    struct Over(u8);
    let r = leaksafe::rc::Rc::<_, u8>::try_new_counted(Over(7)).unwrap();
    let w = leaksafe::rc::Rc::downgrade(&r);
    let p = leaksafe::rc::Rc::into_raw(r);
    // SAFETY: `p` came from `into_raw` of the same type and count.
    let r = unsafe { leaksafe::rc::Rc::<Over, u8>::from_raw_counted(p) };
    let wp = w.into_raw();
    // SAFETY: `wp` came from `Weak::into_raw` of the same type and count.
    let w = unsafe { leaksafe::rc::Weak::<Over, u8>::from_raw_counted(wp) };
    assert_eq!(w.upgrade().unwrap().0, 7);
    drop(r);
    let a = Arc::<_, u16>::try_new_counted(Over(9)).unwrap();
    let p = Arc::into_raw(a);
    // SAFETY: as above.
    let a = unsafe { Arc::<Over, u16>::from_raw_counted(p) };
    assert_eq!(a.0, 9);
}
