//! `ThreadPool::broadcast` (issue 20), from the intent of rayon-core's
//! broadcast tests: one call per worker, on that worker, results in index
//! order; from outside the pool, from a worker, nested, beside blocked
//! workers; panics re-raised with their payload. Every test runs under a
//! watchdog: a hang fails the test instead of hanging CI.

use std::collections::HashSet;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use leaksafe::thread::{self, ThreadPool};

#[path = "common/watchdog.rs"]
mod watchdog;
use watchdog::watchdog;

const THREADS: &[usize] = if cfg!(miri) { &[1, 2] } else { &[1, 2, 3, 4] };
/// Repetitions of the racy tests.
const ROUNDS: usize = if cfg!(miri) { 2 } else { 50 };

#[test]
fn broadcast_runs_once_on_every_worker() {
    for &n in THREADS {
        watchdog("once each", move || {
            let pool = ThreadPool::new(n);
            let calls = AtomicUsize::new(0);
            let seen = pool.broadcast(|ctx| {
                calls.fetch_add(1, Ordering::Relaxed);
                assert_eq!(ctx.num_threads(), n);
                assert_eq!(thread::current_thread_index(), Some(ctx.index()));
                (ctx.index(), std::thread::current().id())
            });
            assert_eq!(calls.into_inner(), n);
            assert_eq!(
                seen.iter().map(|s| s.0).collect::<Vec<_>>(),
                (0..n).collect::<Vec<_>>()
            );
            let threads: HashSet<_> = seen.iter().map(|s| s.1).collect();
            assert_eq!(threads.len(), n, "one call per distinct worker thread");
            assert!(!threads.contains(&std::thread::current().id()));
        });
    }
}

#[test]
fn broadcast_from_a_worker_runs_its_own_call_there() {
    for &n in THREADS {
        watchdog("from a worker", move || {
            let pool = ThreadPool::new(n);
            let (me, seen) = pool.install(|| {
                let me = thread::current_thread_index().unwrap();
                (
                    me,
                    pool.broadcast(|ctx| (ctx.index(), thread::current_thread_index())),
                )
            });
            assert!(me < n);
            for (i, (index, current)) in seen.into_iter().enumerate() {
                assert_eq!((index, current), (i, Some(i)));
            }
        });
    }
}

/// Broadcasts from tasks, nested in a broadcast, and a broadcast whose
/// calls use `join` and scopes: all complete.
#[test]
fn broadcasts_nest_with_scopes_joins_and_each_other() {
    for &n in THREADS {
        watchdog("nested", move || {
            let pool = ThreadPool::new(n);
            let nested = pool.broadcast(|_| pool.broadcast(|ctx| ctx.index()).len());
            assert_eq!(nested, vec![n; n]);
            let sums = pool.broadcast(|ctx| {
                let (a, b) = thread::join(|| ctx.index(), || 1);
                pool.scope(|s| s.spawn(move || a + b).join().unwrap())
            });
            assert_eq!(sums, (1..=n).collect::<Vec<_>>());
            let from_tasks = pool.scope(|s| {
                let hs: Vec<_> = (0..n)
                    .map(|_| s.spawn(|| pool.broadcast(|ctx| ctx.index())))
                    .collect();
                hs.into_iter()
                    .map(|h| h.join().unwrap())
                    .collect::<Vec<_>>()
            });
            for r in from_tasks {
                assert_eq!(r, (0..n).collect::<Vec<_>>());
            }
        });
    }
}

/// A worker blocked on a join of the broadcasting task still runs its call
/// (else the broadcast waits for the join, which waits for the broadcast).
#[test]
fn a_worker_blocked_on_the_broadcaster_runs_its_call() {
    watchdog("blocked worker", || {
        let pool = ThreadPool::new(2);
        for _ in 0..ROUNDS {
            let r = pool.install(|| {
                let started = AtomicBool::new(false);
                pool.scope(|s| {
                    let h = s.spawn(|| {
                        started.store(true, Ordering::Release);
                        pool.broadcast(|ctx| ctx.index())
                    });
                    // The other worker took the task: this one blocks on it
                    // while the broadcast needs a call here.
                    while !started.load(Ordering::Acquire) {
                        std::thread::yield_now();
                    }
                    h.join().unwrap()
                })
            });
            assert_eq!(r, [0, 1]);
        }
    });
}

#[test]
fn broadcast_panics_are_reraised_with_the_lowest_index_payload() {
    for &n in THREADS {
        watchdog("panic", move || {
            let pool = ThreadPool::new(n);
            let calls = AtomicUsize::new(0);
            let r = catch_unwind(AssertUnwindSafe(|| {
                pool.broadcast(|ctx| {
                    calls.fetch_add(1, Ordering::Relaxed);
                    if ctx.index() % 2 == 1 || ctx.num_threads() == 1 {
                        std::panic::panic_any(ctx.index());
                    }
                    ctx.index()
                })
            }));
            let payload = r.expect_err("a call panicked");
            let expected = if n == 1 { 0 } else { 1 };
            assert_eq!(payload.downcast_ref::<usize>(), Some(&expected));
            assert_eq!(calls.into_inner(), n, "every call ran");
            assert_eq!(
                pool.broadcast(|ctx| ctx.index()).len(),
                n,
                "the pool still works"
            );
        });
    }
}

/// Concurrent broadcasts from outside threads and from workers.
#[test]
fn concurrent_broadcasts_complete() {
    watchdog("concurrent", || {
        let pool = ThreadPool::new(2);
        for _ in 0..ROUNDS.min(10) {
            std::thread::scope(|s| {
                let pool = &pool;
                let outside = s.spawn(move || pool.broadcast(|ctx| ctx.index()));
                let inside = pool.install(|| pool.broadcast(|ctx| ctx.index()));
                assert_eq!(inside, [0, 1]);
                assert_eq!(outside.join().unwrap(), [0, 1]);
            });
        }
    });
}

/// `spawn_broadcast` in both scopes: one task per worker, run by that
/// worker, borrowing the scope's data; also from a task, and with the
/// scope's owner a worker (it runs its own part while it waits).
#[test]
fn spawn_broadcast_runs_a_task_on_every_worker() {
    for &n in THREADS {
        watchdog("spawn_broadcast", move || {
            let pool = ThreadPool::new(n);
            let check = |hits: &[AtomicUsize], times: usize| {
                assert!(hits.iter().all(|h| h.load(Ordering::Relaxed) == times));
            };
            let hits: Vec<AtomicUsize> = (0..n).map(|_| AtomicUsize::new(0)).collect();
            let record = |ctx: leaksafe::thread::BroadcastContext<'_>| {
                assert_eq!(ctx.num_threads(), n);
                assert_eq!(thread::current_thread_index(), Some(ctx.index()));
                hits[ctx.index()].fetch_add(1, Ordering::Relaxed);
            };
            pool.scope(|s| s.spawn_broadcast(record));
            check(&hits, 1);
            pool.scope_fifo(|s| s.spawn_broadcast(record));
            check(&hits, 2);
            pool.scope(|s| {
                s.spawn(|| s.spawn_broadcast(record));
            });
            check(&hits, 3);
            pool.install(|| pool.scope(|s| s.spawn_broadcast(record)));
            check(&hits, 4);
        });
    }
}

#[test]
fn spawn_broadcast_panic_reaches_the_scope_with_its_payload() {
    for &n in THREADS {
        watchdog("spawn_broadcast panic", move || {
            let pool = ThreadPool::new(n);
            let calls = AtomicUsize::new(0);
            let r = catch_unwind(AssertUnwindSafe(|| {
                pool.scope(|s| {
                    s.spawn_broadcast(|ctx| {
                        calls.fetch_add(1, Ordering::Relaxed);
                        if ctx.index() == 0 {
                            std::panic::panic_any("worker zero");
                        }
                    })
                })
            }));
            let payload = r.expect_err("the task's panic reaches the scope");
            assert_eq!(payload.downcast_ref::<&str>(), Some(&"worker zero"));
            assert_eq!(calls.into_inner(), n);
        });
    }
}
