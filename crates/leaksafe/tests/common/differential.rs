//! The differential test against std, shared by `tests/rc.rs` and
//! `tests/arc.rs`: the same random operations on a pool of leaksafe strong
//! and weak handles and on a pool of std's, with every handle's value and
//! counts compared after each step.
//!
//! Include with `#[path = "common/differential.rs"] #[macro_use] mod
//! differential;` and invoke
//! `differential_vs_std!(Rc, Weak, std::rc::Rc<u64>, std::rc::Weak<u64>);`
//! (it expands to a `mod differential_vs_std` of proptests, one per count
//! type).

/// Expands to the harness for the pointer type `$Ptr` and its `$Weak`,
/// compared with std's `$Std` / `$StdWeak` (both with `u64` values).
macro_rules! differential_vs_std {
    ($Ptr:ident, $Weak:ident, $Std:ty, $StdWeak:ty) => {
        mod differential_vs_std {
            use super::{$Ptr, $Weak};
            use core::num::Saturating;
            use leaksafe::Count;
            use proptest::prelude::*;

            #[derive(Clone, Debug)]
            enum Step {
                Clone(usize),
                Drop(usize),
                Downgrade(usize),
                Upgrade(usize),
                CloneWeak(usize),
                DropWeak(usize),
                GetMut(usize),
                MakeMut(usize),
                TryUnwrap(usize),
                IntoInner(usize),
                New,
            }

            fn step() -> impl Strategy<Value = Step> {
                prop_oneof![
                    3 => any::<usize>().prop_map(Step::Clone),
                    2 => any::<usize>().prop_map(Step::Drop),
                    2 => any::<usize>().prop_map(Step::Downgrade),
                    2 => any::<usize>().prop_map(Step::Upgrade),
                    1 => any::<usize>().prop_map(Step::CloneWeak),
                    2 => any::<usize>().prop_map(Step::DropWeak),
                    1 => any::<usize>().prop_map(Step::GetMut),
                    1 => any::<usize>().prop_map(Step::MakeMut),
                    1 => any::<usize>().prop_map(Step::TryUnwrap),
                    1 => any::<usize>().prop_map(Step::IntoInner),
                    1 => Just(Step::New),
                ]
            }

            /// Runs `steps` on both implementations, comparing counts and
            /// values of every handle after each step. At most 60 handles of
            /// each kind exist, well below `u8`'s ceilings; every new value is
            /// distinct, so a handle pointing at the wrong block shows.
            fn run<C: Count>(steps: &[Step]) {
                let mut ours: Vec<$Ptr<u64, C>> = vec![$Ptr::new_counted(0)];
                let mut theirs: Vec<$Std> = vec![<$Std>::new(0)];
                let mut ours_w: Vec<$Weak<u64, C>> = vec![$Weak::new_counted()];
                let mut theirs_w: Vec<$StdWeak> = vec![<$StdWeak>::new()];
                let mut next = 1;
                for s in steps {
                    let n = ours.len();
                    let m = ours_w.len();
                    match *s {
                        Step::Clone(i) if n > 0 && n < 60 => {
                            ours.push(ours[i % n].clone());
                            theirs.push(theirs[i % n].clone());
                        }
                        Step::Drop(i) if n > 0 => {
                            ours.swap_remove(i % n);
                            theirs.swap_remove(i % n);
                        }
                        Step::Downgrade(i) if n > 0 && m < 60 => {
                            ours_w.push($Ptr::downgrade(&ours[i % n]));
                            theirs_w.push(<$Std>::downgrade(&theirs[i % n]));
                        }
                        Step::Upgrade(j) if m > 0 && n < 60 => {
                            let (a, b) = (ours_w[j % m].upgrade(), theirs_w[j % m].upgrade());
                            assert_eq!(a.is_some(), b.is_some());
                            if let (Some(a), Some(b)) = (a, b) {
                                ours.push(a);
                                theirs.push(b);
                            }
                        }
                        Step::CloneWeak(j) if m > 0 && m < 60 => {
                            ours_w.push(ours_w[j % m].clone());
                            theirs_w.push(theirs_w[j % m].clone());
                        }
                        Step::DropWeak(j) if m > 0 => {
                            ours_w.swap_remove(j % m);
                            theirs_w.swap_remove(j % m);
                        }
                        Step::GetMut(i) if n > 0 => {
                            let a = $Ptr::get_mut(&mut ours[i % n]);
                            let b = <$Std>::get_mut(&mut theirs[i % n]);
                            assert_eq!(a.is_some(), b.is_some());
                            if let (Some(a), Some(b)) = (a, b) {
                                *a += 100;
                                *b += 100;
                            }
                        }
                        Step::MakeMut(i) if n > 0 => {
                            *$Ptr::make_mut(&mut ours[i % n]) += 1;
                            *<$Std>::make_mut(&mut theirs[i % n]) += 1;
                        }
                        Step::TryUnwrap(i) if n > 0 => {
                            let a = $Ptr::try_unwrap(ours.swap_remove(i % n));
                            let b = <$Std>::try_unwrap(theirs.swap_remove(i % n));
                            match (a, b) {
                                (Ok(x), Ok(y)) => assert_eq!(x, y),
                                (Err(a), Err(b)) => {
                                    ours.push(a);
                                    theirs.push(b);
                                    let l = ours.len() - 1;
                                    ours.swap(i % n, l);
                                    theirs.swap(i % n, l);
                                }
                                (a, b) => panic!("try_unwrap differs: {a:?} vs {b:?}"),
                            }
                        }
                        Step::IntoInner(i) if n > 0 => {
                            let a = $Ptr::into_inner(ours.swap_remove(i % n));
                            let b = <$Std>::into_inner(theirs.swap_remove(i % n));
                            assert_eq!(a, b);
                        }
                        Step::New if n < 60 => {
                            ours.push($Ptr::new_counted(next));
                            theirs.push(<$Std>::new(next));
                            next += 1;
                        }
                        _ => {}
                    }
                    for (a, b) in ours.iter().zip(&theirs) {
                        assert_eq!(**a, **b);
                        assert_eq!($Ptr::strong_count(a), <$Std>::strong_count(b));
                        assert_eq!($Ptr::weak_count(a), <$Std>::weak_count(b));
                    }
                    for (a, b) in ours_w.iter().zip(&theirs_w) {
                        assert_eq!(a.strong_count(), b.strong_count());
                        assert_eq!(a.weak_count(), b.weak_count());
                        assert_eq!(a.upgrade().map(|x| *x), b.upgrade().map(|x| *x));
                    }
                }
            }

            // Under Miri each case costs seconds; the native run covers the space.
            const CASES: u32 = if cfg!(miri) { 1 } else { 256 };
            const STEPS: usize = if cfg!(miri) { 20 } else { 200 };

            proptest! {
                #![proptest_config(ProptestConfig {
                    cases: CASES,
                    failure_persistence: None,
                    ..ProptestConfig::default()
                })]

                #[test]
                fn same_as_std_usize(steps in proptest::collection::vec(step(), 1..STEPS)) {
                    run::<usize>(&steps);
                }

                #[test]
                fn same_as_std_u8(steps in proptest::collection::vec(step(), 1..STEPS)) {
                    run::<u8>(&steps);
                }

                #[test]
                fn same_as_std_saturating_u16(steps in proptest::collection::vec(step(), 1..STEPS)) {
                    run::<Saturating<u16>>(&steps);
                }
            }
        }
    };
}
