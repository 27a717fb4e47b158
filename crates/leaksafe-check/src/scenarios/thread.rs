//! Scoped-thread scenarios: threads that borrow tracked data from the
//! enclosing stack frame, or own tracked values, with panics in the threads
//! and forgotten handles; and results that hold handles, guards and values
//! whose `Drop` spawns on the scope (`nested`).
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

/// Stamps out scenario bodies for a scope API with std's shape
/// (`$scope(|s| s.$spawn(f))`): `$name` spawns threads that borrow tracked
/// data with the spawn method `$spawn` and ends each one with `$settle`
/// (join a handle, drop a guard) unless the plan forgets it; with
/// `moved = $moved`, also `$moved`, whose threads own tracked values.
macro_rules! scope_bodies {
    (
        $modname:ident, $scope:path,
        $name:ident = $spawn:ident, then $settle:expr
        $(, moved = $moved:ident)? $(,)?
    ) => {
        pub(crate) mod $modname {
            use std::sync::atomic::{AtomicUsize, Ordering};

            use $crate::scenarios::thread::THREADS;
            use $crate::{Check, Op, Run, Tracked};

            pub fn $name(r: &Run) -> Check {
                let l = r.ledger();
                let data: Vec<Tracked> = l.track_range(3).collect();
                let finished = AtomicUsize::new(0);
                let forget_n = r.forget_after(crate::Side::Front);
                r.catch_propagated(|| {
                    $scope(|s| {
                        let mut hs = Vec::new();
                        for _ in 0..THREADS {
                            hs.push(s.$spawn(|| {
                                for x in &data {
                                    l.tick(Op::Predicate);
                                    assert!(x.try_get().is_some(), "thread read dropped data");
                                }
                                finished.fetch_add(1, Ordering::SeqCst);
                            }));
                        }
                        for (i, h) in hs.into_iter().enumerate() {
                            if forget_n.is_some_and(|n| i < n) {
                                // The chapter's attack: the join never runs.
                                r.forget(h);
                            } else {
                                ($settle)(h);
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

            $(
            pub fn $moved(r: &Run) -> Check {
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
            )?
        }
    };
}

/// Stamps out the `nested` body: results that contain live handles and
/// guards (to older and newer threads) and a value whose `Drop` spawns a
/// thread on the scope that joins through another handle; the top-level
/// handles and guards are forgotten at every point (issue 16: dropping such
/// results used to free packets that handles inside them still used).
///
/// `$S`, `$H`, `$G` name the scope, handle and guard types in
/// `leaksafe::thread`; `$reclaims` says whether the scope drops the results
/// of forgotten handles (`thread::scope`) or leaks them (the pool).
macro_rules! nested_body {
    ($modname:ident, $scope:path, $S:ident, $H:ident, $G:ident, reclaims = $reclaims:expr) => {
        pub(crate) mod $modname {
            use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering::SeqCst};

            use leaksafe::thread::{$G as G, $H as H, $S as S};

            use $crate::scenarios::thread::THREADS;
            use $crate::{Check, Op, Run, Side, Tracked};

            /// Tokens per top-level thread: its sibling, its payload, and
            /// children a, b, c.
            const PER: usize = 5;

            /// What the threads share: borrowed tracked data and counters.
            struct Env<'a> {
                l: &'a $crate::Ledger,
                data: &'a [Tracked],
                made: Vec<AtomicUsize>,
                dropped: Vec<AtomicUsize>,
                bad_read: AtomicBool,
                respawned: AtomicUsize,
                respawn_finished: AtomicUsize,
            }

            impl Env<'_> {
                /// Reads the borrowed data (an injection point per element).
                fn read(&self) {
                    for x in self.data {
                        self.l.tick(Op::Predicate);
                        if x.try_get().is_none() {
                            self.bad_read.store(true, SeqCst);
                        }
                    }
                }
                fn token(&self, id: usize) -> Token<'_> {
                    self.made[id].fetch_add(1, SeqCst);
                    Token(id, self)
                }
            }

            /// A result value whose drops are counted (not a `Tracked`: the
            /// scope drops results on the user's behalf, where an injected
            /// `Drop` panic would abort, by design).
            struct Token<'a>(usize, &'a Env<'a>);
            impl Drop for Token<'_> {
                fn drop(&mut self) {
                    self.1.dropped[self.0].fetch_add(1, SeqCst);
                }
            }

            /// Counts a respawned thread as finished, also when it unwinds.
            struct Finished<'a>(&'a AtomicUsize);
            impl Drop for Finished<'_> {
                fn drop(&mut self) {
                    self.0.fetch_add(1, SeqCst);
                }
            }

            /// Holds the scope and a child's handle; dropping it spawns a
            /// thread on the scope that reads the data and joins the child
            /// (maybe after the scope took the child's result).
            struct Respawn<'scope, 'env> {
                s: &'scope S<'scope, 'env>,
                env: &'env Env<'env>,
                c: Option<H<'scope, Token<'env>>>,
            }
            impl Drop for Respawn<'_, '_> {
                fn drop(&mut self) {
                    let (env, c) = (self.env, self.c.take());
                    env.respawned.fetch_add(1, SeqCst);
                    drop(self.s.spawn(move || {
                        let _f = Finished(&env.respawn_finished);
                        env.read();
                        drop(c.map(|c| c.join()));
                    }));
                }
            }

            /// A top-level thread's result.
            #[allow(dead_code)] // held only to be dropped
            struct Payload<'scope, 'env> {
                token: Token<'env>,
                /// An older thread's handle (spawned by the scope's closure).
                sib: H<'scope, Token<'env>>,
                /// Newer threads, spawned by this one.
                a: H<'scope, Token<'env>>,
                b: G<'scope, Token<'env>>,
                respawn: Respawn<'scope, 'env>,
            }

            enum Top<'scope, 'env> {
                Handle(H<'scope, Payload<'scope, 'env>>),
                Guard(G<'scope, Payload<'scope, 'env>>),
            }

            pub fn nested(r: &Run) -> Check {
                let l = r.ledger();
                let data: Vec<Tracked> = l.track_range(2).collect();
                let env = Env {
                    l,
                    data: &data,
                    made: (0..THREADS * PER).map(|_| AtomicUsize::new(0)).collect(),
                    dropped: (0..THREADS * PER).map(|_| AtomicUsize::new(0)).collect(),
                    bad_read: AtomicBool::new(false),
                    respawned: AtomicUsize::new(0),
                    respawn_finished: AtomicUsize::new(0),
                };
                let forget_n = r.forget_after(Side::Front);
                r.catch_propagated(|| {
                    $scope(|s| {
                        let env = &env;
                        let mut tops = Vec::new();
                        for i in 0..THREADS {
                            let id = i * PER;
                            let sib = s.spawn(move || {
                                env.read();
                                env.token(id)
                            });
                            let f = move || {
                                env.read();
                                let a = s.spawn(move || env.token(id + 2));
                                let b = s.spawn_guard(move || env.token(id + 3));
                                let c = s.spawn(move || {
                                    env.read();
                                    env.token(id + 4)
                                });
                                Payload {
                                    token: env.token(id + 1),
                                    sib,
                                    a,
                                    b,
                                    respawn: Respawn { s, env, c: Some(c) },
                                }
                            };
                            tops.push(if i % 2 == 0 {
                                Top::Handle(s.spawn(f))
                            } else {
                                Top::Guard(s.spawn_guard(f))
                            });
                        }
                        for (i, t) in tops.into_iter().enumerate() {
                            if forget_n.is_some_and(|n| i < n) {
                                r.forget(t);
                            } else {
                                match t {
                                    Top::Handle(h) => drop(h.join()),
                                    Top::Guard(g) => drop(g),
                                }
                            }
                        }
                    })
                });
                r.set_steps(THREADS);
                r.ensure(!env.bad_read.load(SeqCst), || {
                    "a thread read borrowed data after it was dropped".into()
                })?;
                let (spawned, finished) = (
                    env.respawned.load(SeqCst),
                    env.respawn_finished.load(SeqCst),
                );
                r.ensure(spawned == finished, || {
                    format!(
                        "scope returned with {finished} of {spawned} threads spawned by result drops finished"
                    )
                })?;
                for id in 0..THREADS * PER {
                    let (m, d) = (env.made[id].load(SeqCst), env.dropped[id].load(SeqCst));
                    r.ensure(m <= 1 && d <= m, || {
                        format!("result token {id}: made {m} times, dropped {d} times")
                    })?;
                    r.ensure(!$reclaims || d == m, || {
                        format!("result token {id} was not dropped before scope returned")
                    })?;
                }
                r.check_ordered(&data)
            }
        }
    };
}

nested_body!(
    ls_nested,
    leaksafe::thread::scope,
    Scope,
    ScopedJoinHandle,
    JoinGuard,
    reclaims = true
);

/// A pool per run, as the other pool scenarios.
fn pool_scope<'env, F, T>(f: F) -> T
where
    F: for<'scope> FnOnce(&'scope leaksafe::thread::PoolScope<'scope, 'env>) -> T,
{
    leaksafe::thread::ThreadPool::new(2).scope(f)
}

nested_body!(
    ls_pool_nested,
    super::pool_scope,
    PoolScope,
    PoolHandle,
    PoolJoinGuard,
    reclaims = false
);

/// leaksafe's scopes with handles, guards and spawning values inside
/// results, forgotten at every point (`nested`).
pub fn leaksafe_nested_scenarios() -> Vec<Scenario> {
    vec![
        Scenario::new(
            "leaksafe::thread::scope",
            "nested",
            "thread",
            Proxy::Forward,
            ls_nested::nested,
        ),
        Scenario::new(
            "leaksafe::thread::ThreadPool",
            "nested",
            "thread",
            Proxy::Forward,
            ls_pool_nested::nested,
        ),
    ]
}

pub(crate) use scope_bodies;

scope_bodies!(
    std_scope,
    std::thread::scope,
    borrow = spawn,
    then |h: std::thread::ScopedJoinHandle<'_, ()>| drop(h.join()),
    moved = moved,
);

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
