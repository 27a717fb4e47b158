//! Issue 19's pointers under the explorer (group `counts`): `ThinRc` and
//! `ThinArc` built from iterators and slices, `UniqueRc` and `UniqueArc`
//! shared with `into_rc`/`into_arc` and downgraded, with a panic at every
//! point of construction and a forget at every step.
//!
//! What must hold:
//! - `from_header_and_iter` with an iterator whose `next` panics at any
//!   point, or whose `ExactSizeIterator::len` lies: either a correct value
//!   (header and every item, in order) or a panic, after which the header
//!   and every item already taken are dropped exactly once (the ledger
//!   reports a leak, a double drop or a read of a dropped value). A lie
//!   about `len` may panic (leaksafe's documented answer, as triomphe's);
//!   an honest one must not.
//! - `from_header_and_slice` with a `Clone` that panics at any point: the
//!   same, and the source slice untouched.
//! - Forgetting clones or `Weak`s of a thin or unique pointer only leaks:
//!   the value stays alive while a forgotten strong reference counts it, and
//!   is dropped with its last strong reference otherwise; a `Weak` made
//!   before sharing upgrades only after it.

use std::panic::{AssertUnwindSafe, catch_unwind};

use crate::ledger::quietly;
use crate::{Check, InjectedPanic, Op, Proxy, Run, Scenario, Side, Tracked};

/// Items per construction (fewer under Miri).
const N: usize = if cfg!(miri) { 2 } else { 4 };

/// Runs a construction: `Some` if it returned. A panic that is not the
/// planned one is accepted only if the run's lie makes `len()` wrong for
/// `n` items (the constructor's documented panic); otherwise it fails the run.
fn build<R>(r: &Run, n: usize, f: impl FnOnce() -> R) -> Result<Option<R>, String> {
    match catch_unwind(AssertUnwindSafe(|| quietly(f))) {
        Ok(x) => Ok(Some(x)),
        Err(e) if e.downcast_ref::<InjectedPanic>().is_some() => Ok(None),
        Err(e) => {
            let lied = r.lie().is_some_and(|lie| lie.len(n) != n);
            if lied {
                Ok(None)
            } else {
                Err(format!(
                    "unexpected panic with an honest len(): {}",
                    crate::run::panic_message(&*e)
                ))
            }
        }
    }
}

/// Checks a built header-and-slice: header `h`, items `want`, all alive.
fn check_thin(r: &Run, header: &Tracked, slice: &[Tracked], h: usize, want: &[usize]) -> Check {
    r.ensure(header.try_get() == Some(&h), || {
        "header unreadable or wrong".into()
    })?;
    r.check_ordered(slice)?;
    let got: Vec<usize> = slice.iter().filter_map(|x| x.try_get().copied()).collect();
    r.ensure(got == want, || format!("slice {got:?}, expected {want:?}"))
}

/// Forgets the first `n` of `items` (the plan's front forget, capped at
/// the number of items), dropping the rest; returns how many it forgot.
fn forget_some<T>(r: &Run, items: Vec<T>) -> usize {
    let steps = items.len();
    let n = r.forget_after(Side::Front).map_or(0, |n| n.min(steps));
    let mut it = items.into_iter();
    for x in it.by_ref().take(n) {
        r.forget(x);
    }
    drop(it);
    r.set_steps(steps);
    n
}

macro_rules! counts_scenarios {
    ($m:ident, $Thin:ident, $Unique:ident, $Ptr:ident, $into:ident, $p:literal) => {
        mod $m {
            use super::*;
            use leaksafe::$m::{$Ptr, $Thin, $Unique};

            /// `from_header_and_iter` from a lying-capable iterator whose
            /// `next` can panic.
            pub fn thin_from_iter(r: &Run) -> Check {
                let l = r.ledger();
                let header = l.track(100);
                let built = build(r, N, || {
                    $Thin::<Tracked, Tracked>::from_header_and_iter(
                        header,
                        r.lying((0..N).map(|i| {
                            l.tick(Op::Next);
                            l.track(i)
                        })),
                    )
                })?;
                if let Some(t) = built {
                    let want: Vec<usize> = (0..N).collect();
                    check_thin(r, &t.header, &t.slice, 100, &want)?;
                    r.ensure($Thin::strong_count(&t) == 1, || "strong count not 1".into())?;
                    r.catch(|| drop(t));
                }
                Ok(())
            }

            /// `from_header_and_slice` with clones that can panic; the source
            /// must be untouched.
            pub fn thin_from_slice(r: &Run) -> Check {
                let l = r.ledger();
                let src: Vec<Tracked> = (0..N).map(|i| l.track(i)).collect();
                let header = l.track(100);
                let built =
                    r.catch(|| $Thin::<Tracked, Tracked>::from_header_and_slice(header, &src));
                r.check_ordered(&src)?;
                if let Some(t) = built {
                    let want: Vec<usize> = (0..N).collect();
                    check_thin(r, &t.header, &t.slice, 100, &want)?;
                    r.catch(|| drop(t));
                }
                r.check_ordered(&src)
            }

            /// Clones and `Weak`s of a `ThinRc`, some forgotten: the value
            /// outlives every forgotten clone (a leak), never a forgotten weak.
            pub fn thin_forget(r: &Run) -> Check {
                let l = r.ledger();
                let t = $Thin::<Tracked, Tracked>::from_header_and_iter(
                    l.track(100),
                    (0..N).map(|i| l.track(i)).collect::<Vec<_>>(),
                );
                let id = t.header.id();
                let weak = $Thin::downgrade(&t);
                let clones = vec![t.clone(), t.clone(), t.clone()];
                let forgotten = forget_some(r, clones);
                r.forget($Thin::downgrade(&t));
                let want: Vec<usize> = (0..N).collect();
                check_thin(r, &t.header, &t.slice, 100, &want)?;
                r.ensure($Thin::strong_count(&t) == 1 + forgotten, || {
                    format!(
                        "strong count {} after forgetting {forgotten}",
                        $Thin::strong_count(&t)
                    )
                })?;
                let dropped = r.catch(|| drop(t)).is_some();
                if forgotten > 0 {
                    r.ensure(l.is_alive(id), || {
                        "value freed while a forgotten clone counts it".into()
                    })?;
                    r.ensure(weak.upgrade().is_some(), || {
                        "weak lost a value still counted".into()
                    })?;
                    l.expect_leaks(N + 1);
                } else if dropped {
                    r.ensure(!l.is_alive(id), || {
                        "value not dropped with its last reference".into()
                    })?;
                    r.ensure(weak.upgrade().is_none(), || {
                        "weak upgraded a dropped value".into()
                    })?;
                }
                Ok(())
            }

            /// A unique pointer downgraded before sharing (the `Weak`s must
            /// not upgrade yet), shared with `into_*`, then clones and weaks
            /// forgotten.
            pub fn unique_share(r: &Run) -> Check {
                let l = r.ledger();
                let mut u = $Unique::new(l.track(1));
                let id = u.id();
                let early = $Unique::downgrade(&u);
                r.forget($Unique::downgrade(&u));
                r.ensure(early.upgrade().is_none(), || {
                    "a Weak upgraded before sharing".into()
                })?;
                let old = std::mem::replace(&mut *u, l.track(2));
                r.catch(|| drop(old));
                let rc: $Ptr<Tracked> = $Unique::$into(u);
                let up = early.upgrade();
                r.ensure(up.as_ref().and_then(|x| x.try_get()) == Some(&2), || {
                    "the early Weak does not upgrade after sharing".into()
                })?;
                drop(up);
                let clones = vec![rc.clone(), rc.clone()];
                let forgotten = forget_some(r, clones);
                r.ensure($Ptr::strong_count(&rc) == 1 + forgotten, || {
                    "strong count wrong".into()
                })?;
                let new_id = rc.id();
                let dropped = r.catch(|| drop(rc)).is_some();
                r.ensure(!l.is_alive(id), || "the replaced value leaked".into())?;
                if forgotten > 0 {
                    r.ensure(l.is_alive(new_id), || "value freed while counted".into())?;
                    l.expect_leaks(1);
                } else if dropped {
                    r.ensure(early.upgrade().is_none(), || {
                        "weak upgraded a dropped value".into()
                    })?;
                }
                Ok(())
            }

            /// A unique pointer with `Weak`s (some forgotten), dropped without
            /// ever being shared: the value is dropped, no weak upgrades.
            pub fn unique_drop_unshared(r: &Run) -> Check {
                let l = r.ledger();
                let u = $Unique::new(l.track(5));
                let id = u.id();
                let weaks = vec![
                    $Unique::downgrade(&u),
                    $Unique::downgrade(&u),
                    $Unique::downgrade(&u),
                ];
                let kept = $Unique::downgrade(&u);
                forget_some(r, weaks);
                let dropped = r.catch(|| drop(u)).is_some();
                if dropped {
                    r.ensure(!l.is_alive(id), || {
                        "value outlived its only strong owner".into()
                    })?;
                }
                r.ensure(kept.upgrade().is_none(), || {
                    "weak upgraded an unshared value".into()
                })
            }

            pub fn scenarios() -> Vec<Scenario> {
                let s =
                    |target, name, proxy, body| Scenario::new(target, name, "counts", proxy, body);
                let thin = concat!("leaksafe::", $p, "::", stringify!($Thin));
                let unique = concat!("leaksafe::", $p, "::", stringify!($Unique));
                vec![
                    s(
                        thin,
                        "from_header_and_iter",
                        Proxy::None,
                        thin_from_iter as fn(&Run) -> Check,
                    ),
                    s(thin, "from_header_and_slice", Proxy::None, thin_from_slice),
                    s(thin, "forget_clones", Proxy::Forward, thin_forget),
                    s(unique, "share_forget", Proxy::Forward, unique_share),
                    s(
                        unique,
                        "drop_unshared",
                        Proxy::Forward,
                        unique_drop_unshared,
                    ),
                ]
            }
        }
    };
}

counts_scenarios!(rc, ThinRc, UniqueRc, Rc, into_rc, "rc");
counts_scenarios!(sync, ThinArc, UniqueArc, Arc, into_arc, "sync");

/// The `counts` group: 5 scenarios for the `rc` pointers, 5 for `sync`.
pub fn scenarios() -> Vec<Scenario> {
    let mut v = rc::scenarios();
    v.extend(sync::scenarios());
    v
}
