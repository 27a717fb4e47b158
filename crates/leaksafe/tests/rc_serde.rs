//! The `serde` and `stable_deref_trait` features of `Rc`/`Arc`/`Weak`: a
//! round trip through serde_json with the semantics of serde's own `rc`
//! feature (shared values are duplicated, `Weak` reads back dangling), and
//! the `StableDeref` bounds.
//!
//! Run: `cargo test -p leaksafe --features serde,stable_deref_trait --test rc_serde`.
#![cfg(any(feature = "serde", feature = "stable_deref_trait"))]

#[cfg(feature = "serde")]
mod serde_tests {
    use leaksafe::{rc, sync};
    use serde::{Deserialize, Serialize};

    #[derive(Serialize, Deserialize)]
    struct Doc {
        a: rc::Rc<String>,
        b: rc::Rc<String>,
        s: rc::Rc<str, u8>,
        v: sync::Arc<[u32]>,
        w: rc::Weak<String>,
    }

    #[test]
    fn rc_round_trip_duplicates_shared_values() {
        let shared = rc::Rc::new(String::from("x"));
        let keep = rc::Rc::new(String::from("w"));
        let doc = Doc {
            a: shared.clone(),
            b: shared,
            s: rc::Rc::from("str"),
            v: sync::Arc::from(vec![1, 2, 3]),
            w: rc::Rc::downgrade(&keep),
        };
        assert!(rc::Rc::ptr_eq(&doc.a, &doc.b));
        let json = serde_json::to_string(&doc).unwrap();
        assert_eq!(json, r#"{"a":"x","b":"x","s":"str","v":[1,2,3],"w":"w"}"#);
        let back: Doc = serde_json::from_str(&json).unwrap();
        assert_eq!(
            (back.a.as_str(), back.b.as_str(), &*back.s),
            ("x", "x", "str")
        );
        assert_eq!(&*back.v, &[1, 2, 3]);
        // Sharing is not preserved (as serde's `rc` feature).
        assert!(!rc::Rc::ptr_eq(&back.a, &back.b));
        assert_eq!(rc::Rc::strong_count(&back.a), 1);
        // A Weak reads back dangling.
        assert!(back.w.upgrade().is_none());
    }

    #[test]
    fn dead_weak_serializes_as_null() {
        let w = {
            let a = sync::Arc::new(5u8);
            sync::Arc::downgrade(&a)
        };
        assert_eq!(serde_json::to_string(&w).unwrap(), "null");
        let w2: sync::Weak<u8> = serde_json::from_str("7").unwrap();
        assert!(w2.upgrade().is_none());
        let a: sync::Arc<dyn_free::Pair, u16> = serde_json::from_str("[1,2]").unwrap();
        assert_eq!(*a, dyn_free::Pair(1, 2));
    }

    mod dyn_free {
        #[derive(serde::Deserialize, Debug, PartialEq)]
        pub struct Pair(pub u8, pub u8);
    }

    #[test]
    fn same_json_as_std_rc() {
        let ours = rc::Rc::new(vec![1, 2]);
        let std = std::rc::Rc::new(vec![1, 2]);
        assert_eq!(
            serde_json::to_string(&ours).unwrap(),
            serde_json::to_string(&std).unwrap()
        );
    }
}

#[cfg(feature = "stable_deref_trait")]
mod stable_deref_tests {
    use leaksafe::{rc, sync};
    use stable_deref_trait::{CloneStableDeref, StableDeref};

    fn addr<P: StableDeref>(p: &P) -> *const () {
        (&**p as *const P::Target).cast()
    }

    fn clone_addr<P: CloneStableDeref>(p: &P) -> *const () {
        addr(&p.clone())
    }

    #[test]
    fn deref_address_is_stable() {
        let r: rc::Rc<[u8], u8> = rc::Rc::from(&[1u8, 2][..]);
        let a = addr(&r);
        let moved = r;
        assert_eq!(addr(&moved), a);
        assert_eq!(clone_addr(&moved), a);
        let s = sync::Arc::new(String::from("x"));
        assert_eq!(clone_addr(&s), addr(&s));
    }
}
