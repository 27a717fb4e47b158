//! Scoped-thread scenarios: threads that borrow tracked data from the
//! enclosing stack frame, or own tracked values, with panics in the threads
//! and forgotten handles.
//!
//! What must hold: when `scope` returns (normally or by propagating a
//! thread's panic), every thread has finished: the borrowed data was only
//! read while alive, and every value moved into a thread was dropped there
//! exactly once. Forgetting a handle never lets a thread outlive the scope.
//!
//! The bodies are stamped out per scope implementation by a macro, because
//! a scope's closure types do not fit a trait without higher-ranked
//! gymnastics; std's `thread::scope` is the reference.

use crate::{Proxy, Scenario};

/// Threads per scenario.
pub const THREADS: usize = if cfg!(miri) { 2 } else { 3 };

/// Stamps out `borrow` and `moved` scenario bodies for a scope API with
/// std's shape (`$scope(|s| s.spawn(f))` returning a handle with `join`).
macro_rules! scope_bodies {
    ($modname:ident, $scope:path) => {
        pub(crate) mod $modname {
            use std::sync::atomic::{AtomicUsize, Ordering};

            use $crate::scenarios::thread::THREADS;
            use $crate::{Check, Op, Run, Tracked};

            pub fn borrow(r: &Run) -> Check {
                let l = r.ledger();
                let data: Vec<Tracked> = l.track_range(3).collect();
                let finished = AtomicUsize::new(0);
                let forget_n = r.forget_after(crate::Side::Front);
                r.catch_propagated(|| {
                    $scope(|s| {
                        let mut hs = Vec::new();
                        for _ in 0..THREADS {
                            hs.push(s.spawn(|| {
                                for x in &data {
                                    l.tick(Op::Predicate);
                                    assert!(x.try_get().is_some(), "thread read dropped data");
                                }
                                finished.fetch_add(1, Ordering::SeqCst);
                            }));
                        }
                        for (i, h) in hs.into_iter().enumerate() {
                            if forget_n.is_some_and(|n| i < n) {
                                r.forget(h);
                            } else {
                                let _ = h.join();
                            }
                        }
                    })
                });
                r.set_steps(THREADS);
                let panicked = l.injected().len();
                let done = finished.load(Ordering::SeqCst);
                r.ensure(done + panicked == THREADS, || {
                    format!("scope returned with {done} of {THREADS} threads finished")
                })?;
                r.check_ordered(&data)
            }

            pub fn moved(r: &Run) -> Check {
                let l = r.ledger();
                let values: Vec<Tracked> = l.track_range(THREADS).collect();
                let ids: Vec<usize> = values.iter().map(|x| x.id()).collect();
                r.catch_propagated(|| {
                    $scope(|s| {
                        for x in values {
                            s.spawn(move || {
                                l.tick(Op::Predicate);
                                drop(x);
                            });
                        }
                    })
                });
                match ids.iter().find(|&&id| l.is_alive(id)) {
                    Some(id) => Err(format!(
                        "scope returned before the thread owning value {id} dropped it"
                    )),
                    None => Ok(()),
                }
            }
        }
    };
}

/// Stamps out the `guard` body for a scope API with `spawn_guard`.
macro_rules! guard_body {
    ($modname:ident, $scope:path) => {
        pub(crate) mod $modname {
            use std::sync::atomic::{AtomicUsize, Ordering};

            use $crate::scenarios::thread::THREADS;
            use $crate::{Check, Op, Run, Tracked};

            pub fn guard(r: &Run) -> Check {
                let l = r.ledger();
                let data: Vec<Tracked> = l.track_range(3).collect();
                let finished = AtomicUsize::new(0);
                let forget_n = r.forget_after(crate::Side::Front);
                r.catch_propagated(|| {
                    $scope(|s| {
                        let mut gs = Vec::new();
                        for _ in 0..THREADS {
                            gs.push(s.spawn_guard(|| {
                                for x in &data {
                                    l.tick(Op::Predicate);
                                    assert!(x.try_get().is_some(), "thread read dropped data");
                                }
                                finished.fetch_add(1, Ordering::SeqCst);
                            }));
                        }
                        for (i, g) in gs.into_iter().enumerate() {
                            if forget_n.is_some_and(|n| i < n) {
                                // The chapter's attack: the guard's join never runs.
                                r.forget(g);
                            } else {
                                drop(g);
                            }
                        }
                    })
                });
                r.set_steps(THREADS);
                let panicked = l.injected().len();
                let done = finished.load(Ordering::SeqCst);
                r.ensure(done + panicked == THREADS, || {
                    format!("scope returned with {done} of {THREADS} threads finished")
                })?;
                r.check_ordered(&data)
            }
        }
    };
}

pub(crate) use {guard_body, scope_bodies};

scope_bodies!(std_scope, std::thread::scope);

/// std's `thread::scope`: the reference the leaksafe scopes are compared with.
///
/// Its handles are not forget-explored: std's scope counts a thread as
/// running until its `ScopedJoinHandle`'s shared packet is dropped, so a
/// forgotten handle makes `scope` wait forever (it hangs: safe, but not
/// something a harness can run).
pub fn std_scope_scenarios() -> Vec<Scenario> {
    vec![
        Scenario::new(
            "std::thread::scope",
            "borrow",
            "thread",
            Proxy::None,
            std_scope::borrow,
        ),
        Scenario::new(
            "std::thread::scope",
            "moved",
            "thread",
            Proxy::None,
            std_scope::moved,
        ),
    ]
}
