//! Drop-in check: the same std-style code, with no type annotations, compiles
//! and behaves the same against std's types and leaksafe's. Each module below
//! is the same macro body under a different `use`.

macro_rules! std_style_code {
    () => {
        #[test]
        fn rc_unannotated() {
            let a = Rc::new(5);
            let b = Rc::clone(&a);
            let w = Rc::downgrade(&a);
            assert_eq!(Rc::strong_count(&a), 2);
            assert_eq!(*w.upgrade().unwrap() + *b, 10);
            let p = Rc::pin(String::from("pinned"));
            assert_eq!(p.len(), 6);
            struct Node {
                me: RcWeak<Node>,
            }
            let n = Rc::new_cyclic(|me| Node { me: me.clone() });
            assert!(Rc::ptr_eq(&n.me.upgrade().unwrap(), &n));
            let empty = RcWeak::<u8>::new();
            assert!(empty.upgrade().is_none());
            let s: Rc<str> = Rc::from("abc");
            let sl: Rc<[i32]> = vec![1, 2, 3].into_iter().collect();
            assert_eq!((&*s, &*sl), ("abc", &[1, 2, 3][..]));
        }

        #[test]
        fn arc_unannotated() {
            let a = Arc::new(vec![1, 2, 3]);
            let b = Arc::clone(&a);
            let t = std::thread::spawn(move || b.iter().sum::<i32>());
            assert_eq!(t.join().unwrap(), 6);
            let w = Arc::downgrade(&a);
            drop(a);
            assert!(w.upgrade().is_none());
            let p = Arc::pin(1u8);
            assert_eq!(*p, 1);
            let empty = ArcWeak::<u8>::new();
            assert!(empty.upgrade().is_none());
        }

        /// `<`, `<=`, `>`, `>=` call the value's own methods, not
        /// `partial_cmp` (std's `Rc`/`Arc` forward each one): a type whose
        /// operators disagree with its `partial_cmp` tells them apart.
        #[test]
        fn comparison_operators_forward() {
            #[derive(PartialEq)]
            struct Odd;
            impl PartialOrd for Odd {
                fn partial_cmp(&self, _: &Self) -> Option<std::cmp::Ordering> {
                    None
                }
                fn lt(&self, _: &Self) -> bool {
                    true
                }
                fn le(&self, _: &Self) -> bool {
                    true
                }
                fn gt(&self, _: &Self) -> bool {
                    true
                }
                fn ge(&self, _: &Self) -> bool {
                    true
                }
            }
            let (r1, r2) = (Rc::new(Odd), Rc::new(Odd));
            assert!(r1 < r2 && r1 <= r2 && r1 > r2 && r1 >= r2);
            assert_eq!(r1.partial_cmp(&r2), None);
            let (a1, a2) = (Arc::new(Odd), Arc::new(Odd));
            assert!(a1 < a2 && a1 <= a2 && a1 > a2 && a1 >= a2);
            assert_eq!(a1.partial_cmp(&a2), None);
        }

        #[test]
        fn vec_unannotated() {
            let mut v = Vec::new();
            v.push(1);
            v.extend([2, 3, 4]);
            let d: i32 = v.drain(1..3).sum();
            assert_eq!(d, 5);
            assert_eq!(v, [1, 4]);
            let mut w = vec![0; 3];
            w.splice(1..2, [7, 8]);
            w.retain(|x| *x != 0);
            assert_eq!(w, [7, 8]);
        }
    };
}

mod with_std {
    use std::rc::{Rc, Weak as RcWeak};
    use std::sync::{Arc, Weak as ArcWeak};
    std_style_code!();
}

mod with_leaksafe {
    use leaksafe::rc::{Rc, Weak as RcWeak};
    use leaksafe::sync::{Arc, Weak as ArcWeak};
    use leaksafe::vec;
    use leaksafe::vec::Vec;
    std_style_code!();
}
