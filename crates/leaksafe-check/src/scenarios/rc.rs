//! Reference-count scenarios, generic over [`RcLike`] (std's `Rc` and
//! `Arc`, leaksafe's `Rc<T, C>` and `Arc<T, C>` at every width and policy).
//!
//! What must hold: the value is dropped exactly once, when the last strong
//! reference goes and never before (a value freed while a forgotten clone
//! still counts is the chapter's use-after-free); forgetting clones can only
//! leak the value (declared as an expected leak); forgetting weak references
//! never keeps the value alive; a panic in the value's `Drop` or `Clone`
//! (`make_mut`) leaves every remaining reference usable.

use std::ops::Deref;

use crate::{Check, Proxy, Run, Scenario, Tracked};

/// The reference-count operations the scenarios use, over a [`Tracked`] value.
pub trait RcLike: Clone + Deref<Target = Tracked> + Sized + 'static {
    /// The weak reference.
    type Weak: Clone;
    /// The largest strong count the type represents before its overflow
    /// policy applies (std: `isize::MAX`).
    const MAX_COUNT: usize;
    /// Whether an overflowing count saturates (the value becomes immortal)
    /// instead of aborting.
    const SATURATES: bool;
    /// `Rc::new`.
    fn new(x: Tracked) -> Self;
    /// `Rc::strong_count`.
    fn strong_count(this: &Self) -> usize;
    /// `Rc::downgrade`.
    fn downgrade(this: &Self) -> Self::Weak;
    /// `Weak::upgrade`.
    fn upgrade(w: &Self::Weak) -> Option<Self>;
    /// `Rc::try_unwrap`.
    fn try_unwrap(this: Self) -> Result<Tracked, Self>;
    /// `Rc::get_mut`.
    fn get_mut(this: &mut Self) -> Option<&mut Tracked>;
    /// `Rc::make_mut`.
    fn make_mut(this: &mut Self) -> &mut Tracked;
}

macro_rules! std_rc_like {
    ($rc:ty, $weak:ty) => {
        impl RcLike for $rc {
            type Weak = $weak;
            const MAX_COUNT: usize = isize::MAX as usize;
            const SATURATES: bool = false;
            fn new(x: Tracked) -> Self {
                Self::new(x)
            }
            fn strong_count(this: &Self) -> usize {
                Self::strong_count(this)
            }
            fn downgrade(this: &Self) -> Self::Weak {
                Self::downgrade(this)
            }
            fn upgrade(w: &Self::Weak) -> Option<Self> {
                w.upgrade()
            }
            fn try_unwrap(this: Self) -> Result<Tracked, Self> {
                Self::try_unwrap(this)
            }
            fn get_mut(this: &mut Self) -> Option<&mut Tracked> {
                Self::get_mut(this)
            }
            fn make_mut(this: &mut Self) -> &mut Tracked {
                Self::make_mut(this)
            }
        }
    };
}

std_rc_like!(std::rc::Rc<Tracked>, std::rc::Weak<Tracked>);
std_rc_like!(std::sync::Arc<Tracked>, std::sync::Weak<Tracked>);

/// Clones made (and forgotten) by the `forget_clones` scenario: past the
/// count's maximum for a narrow saturating count, a few otherwise.
fn clone_steps<R: RcLike>() -> usize {
    if R::SATURATES && R::MAX_COUNT <= 256 {
        R::MAX_COUNT + 1
    } else {
        3
    }
}

/// Clones, reads through each, drops them all (the last drop drops the value).
pub fn clone_drop<R: RcLike>(r: &Run) -> Check {
    let l = r.ledger();
    let a = R::new(l.track(1));
    let id = a.id();
    let clones: Vec<R> = (0..3).map(|_| a.clone()).collect();
    r.ensure(R::strong_count(&a) == 4, || {
        format!(
            "strong count {} after 3 clones, expected 4",
            R::strong_count(&a)
        )
    })?;
    for c in &clones {
        r.ensure(c.try_get() == Some(&1), || {
            "clone reads a dead value".into()
        })?;
    }
    drop(clones);
    r.ensure(l.is_alive(id), || {
        "value dropped while a reference remains".into()
    })?;
    r.catch(|| drop(a));
    r.ensure(!l.is_alive(id), || {
        "value not dropped with its last reference".into()
    })
}

/// Forgets `n` clones (the plan's forget point); the value must then outlive
/// every other reference: it leaks, it is never freed while counted.
pub fn forget_clones<R: RcLike>(r: &Run) -> Check {
    let l = r.ledger();
    let a = R::new(l.track(7));
    let id = a.id();
    let w = R::downgrade(&a);
    let m = clone_steps::<R>();
    let n = match r.forget_after(crate::Side::Front) {
        Some(n) => {
            for _ in 0..n.min(m) {
                r.forget(a.clone());
            }
            r.set_steps(n.min(m));
            n.min(m)
        }
        None => {
            // Clean run: a few clones, kept and dropped (not enough to
            // saturate a narrow count: that run is the forget explorer's).
            let kept: Vec<R> = (0..m.min(3)).map(|_| a.clone()).collect();
            drop(kept);
            r.set_steps(m);
            0
        }
    };
    r.ensure(a.try_get() == Some(&7), || {
        "value unreadable after forgetting clones".into()
    })?;
    let want = (1 + n).min(R::MAX_COUNT);
    r.ensure(R::strong_count(&a) >= want, || {
        format!(
            "strong count {} after forgetting {n} clones",
            R::strong_count(&a)
        )
    })?;
    r.catch(|| drop(a));
    if n > 0 {
        l.expect_leaks(1);
        r.ensure(l.is_alive(id), || {
            format!("value freed while {n} forgotten clones still count: use after free")
        })?;
        let b = R::upgrade(&w);
        r.ensure(b.as_deref().and_then(Tracked::try_get) == Some(&7), || {
            "weak upgrade lost a value that forgotten clones keep".into()
        })?;
    } else {
        r.ensure(!l.is_alive(id), || {
            "value not dropped with its last reference".into()
        })?;
        r.ensure(R::upgrade(&w).is_none(), || {
            "upgrade of a dropped value".into()
        })?;
    }
    Ok(())
}

/// Forgets more clones than the count can hold (saturating counts only):
/// the value becomes immortal and stays readable.
pub fn saturate<R: RcLike>(r: &Run) -> Check {
    let l = r.ledger();
    let a = R::new(l.track(9));
    let id = a.id();
    for _ in 0..=R::MAX_COUNT {
        r.forget(a.clone());
    }
    let b = a.clone();
    drop(a);
    r.ensure(b.try_get() == Some(&9), || {
        "saturated value unreadable".into()
    })?;
    drop(b);
    l.expect_leaks(1);
    r.ensure(l.is_alive(id), || {
        "saturated (immortal) value was freed".into()
    })
}

/// Forgets `n` weak references: the value is still dropped with the last
/// strong reference.
pub fn forget_weaks<R: RcLike>(r: &Run) -> Check {
    let l = r.ledger();
    let a = R::new(l.track(3));
    let id = a.id();
    match r.forget_after(crate::Side::Front) {
        Some(n) => {
            for _ in 0..n.min(3) {
                r.forget(R::downgrade(&a));
            }
            r.set_steps(n.min(3));
        }
        None => {
            let ws: Vec<R::Weak> = (0..3).map(|_| R::downgrade(&a)).collect();
            drop(ws);
            r.set_steps(3);
        }
    }
    let w = R::downgrade(&a);
    r.catch(|| drop(a));
    r.ensure(!l.is_alive(id), || {
        "forgotten weak references kept the value alive".into()
    })?;
    r.ensure(R::upgrade(&w).is_none(), || {
        "upgrade of a dropped value".into()
    })
}

/// Downgrade, upgrade, drop the last strong reference while weak ones live.
pub fn weak<R: RcLike>(r: &Run) -> Check {
    let l = r.ledger();
    let a = R::new(l.track(4));
    let id = a.id();
    let w = R::downgrade(&a);
    let w2 = w.clone();
    let up = R::upgrade(&w);
    r.ensure(up.as_deref().and_then(Tracked::try_get) == Some(&4), || {
        "upgrade failed".into()
    })?;
    drop(up);
    r.catch(|| drop(a));
    r.ensure(!l.is_alive(id), || {
        "value outlived its last strong reference".into()
    })?;
    r.ensure(R::upgrade(&w2).is_none(), || {
        "upgrade of a dropped value".into()
    })
}

/// `make_mut` on a shared value clones it (a panicking clone leaves both
/// references intact); on a unique one with weak references it detaches.
pub fn make_mut<R: RcLike>(r: &Run) -> Check {
    let l = r.ledger();
    let mut a = R::new(l.track(5));
    let b = a.clone();
    let done = r.catch(|| R::make_mut(&mut a).id());
    r.ensure(a.try_get() == Some(&5) && b.try_get() == Some(&5), || {
        "make_mut left a reference unreadable".into()
    })?;
    if let Some(new_id) = done {
        r.ensure(new_id != b.id() && R::strong_count(&b) == 1, || {
            "make_mut did not separate a shared value".into()
        })?;
    }
    drop(b);
    let w = R::downgrade(&a);
    let done = r.catch(|| R::make_mut(&mut a).id());
    r.ensure(a.try_get() == Some(&5), || {
        "make_mut with weak lost the value".into()
    })?;
    if done.is_some() {
        r.ensure(R::upgrade(&w).is_none(), || {
            "weak still reaches the value make_mut made unique".into()
        })?;
    }
    r.catch(|| drop(a));
    Ok(())
}

/// `try_unwrap` and `get_mut`, shared and unique.
pub fn unwrap<R: RcLike>(r: &Run) -> Check {
    let l = r.ledger();
    let mut a = R::new(l.track(6));
    let b = a.clone();
    r.ensure(R::get_mut(&mut a).is_none(), || {
        "get_mut on a shared value".into()
    })?;
    let a = match R::try_unwrap(a) {
        Ok(_) => return Err("try_unwrap of a shared value succeeded".into()),
        Err(a) => a,
    };
    drop(b);
    let mut a = a;
    r.ensure(R::get_mut(&mut a).is_some(), || {
        "get_mut on a unique value failed".into()
    })?;
    match R::try_unwrap(a) {
        Ok(t) => {
            r.ensure(t.try_get() == Some(&6), || "unwrapped a dead value".into())?;
            r.catch(|| drop(t));
            Ok(())
        }
        Err(_) => Err("try_unwrap of a unique value failed".into()),
    }
}

/// Clones moved to two threads, read and dropped there; the value is dropped
/// once, by whichever thread is last (a panicking drop propagates).
pub fn threads<R: RcLike + Send + Sync>(r: &Run) -> Check {
    let l = r.ledger();
    let a = R::new(l.track(8));
    let id = a.id();
    let c1 = a.clone();
    let c2 = a.clone();
    r.catch_propagated(|| {
        std::thread::scope(|s| {
            for c in [c1, c2] {
                s.spawn(move || {
                    assert!(c.try_get() == Some(&8), "dead value in thread");
                    drop(c);
                });
            }
            drop(a);
        })
    });
    r.ensure(!l.is_alive(id), || {
        "value not dropped after every clone".into()
    })
}

/// The scenarios every [`RcLike`] supports, for `target` in `group`.
pub fn rc_scenarios<R: RcLike>(target: &'static str, group: &'static str) -> Vec<Scenario> {
    let s = |name, proxy, body| Scenario::new(target, name, group, proxy, body);
    let mut v = vec![
        s("clone_drop", Proxy::None, clone_drop::<R>),
        s("forget_clones", Proxy::Forward, forget_clones::<R>),
        s("forget_weaks", Proxy::Forward, forget_weaks::<R>),
        s("weak", Proxy::None, weak::<R>),
        s("make_mut", Proxy::None, make_mut::<R>),
        s("unwrap", Proxy::None, unwrap::<R>),
    ];
    // Saturating past u16 takes too long to be a scenario; under Miri, past u8.
    let limit = if cfg!(miri) { 256 } else { 1 << 16 };
    if R::SATURATES && R::MAX_COUNT <= limit {
        v.push(s("saturate", Proxy::None, saturate::<R>));
    }
    v
}

/// [`rc_scenarios`] plus the threaded scenario, for atomically counted types.
pub fn arc_scenarios<R: RcLike + Send + Sync>(
    target: &'static str,
    group: &'static str,
) -> Vec<Scenario> {
    let mut v = rc_scenarios::<R>(target, group);
    v.push(Scenario::new(
        target,
        "threads",
        group,
        Proxy::None,
        threads::<R>,
    ));
    v
}
