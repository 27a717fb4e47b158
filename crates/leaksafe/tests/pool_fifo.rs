//! Order and stack properties of the pool's scopes (issue 20), written from
//! the intent of rayon-core's scope tests: with one worker (no stealing),
//! `scope` runs the tasks a thread spawned last-in first-out and
//! `scope_fifo` first-in first-out, also when nested; a chain of tasks each
//! spawning the next, and a deep `join` recursion, grow the stack linearly
//! (not with the number of tasks run); fifo tasks are sound under forget
//! and re-raise their panics with the payload. Every test runs under a
//! watchdog: a hang fails the test instead of hanging CI.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use leaksafe::thread::{self, PoolScope, PoolScopeFifo, ThreadPool};

#[path = "common/watchdog.rs"]
mod watchdog;
use watchdog::watchdog;

/// Tasks per level in the order tests (`N * N` in the nested ones).
const N: usize = if cfg!(miri) { 3 } else { 10 };

/// A one-worker pool runs `body` on its worker, so nothing is stolen.
fn on_one_worker<R: Send>(body: impl FnOnce(&ThreadPool) -> R + Send) -> R {
    let pool = ThreadPool::new(1);
    pool.install(|| body(&pool))
}

#[test]
fn scope_runs_a_threads_spawns_lifo() {
    let got = watchdog("lifo", || {
        on_one_worker(|pool| {
            let log = Mutex::new(Vec::new());
            pool.scope(|s| {
                for i in 0..N {
                    let log = &log;
                    s.spawn(move || log.lock().unwrap().push(i));
                }
            });
            log.into_inner().unwrap()
        })
    });
    assert_eq!(got, (0..N).rev().collect::<Vec<_>>());
}

#[test]
fn scope_fifo_runs_a_threads_spawns_fifo() {
    let got = watchdog("fifo", || {
        on_one_worker(|pool| {
            let log = Mutex::new(Vec::new());
            pool.scope_fifo(|s| {
                for i in 0..N {
                    let log = &log;
                    s.spawn_fifo(move || log.lock().unwrap().push(i));
                }
            });
            log.into_inner().unwrap()
        })
    });
    assert_eq!(got, (0..N).collect::<Vec<_>>());
}

/// Tasks that spawn into the same scope: the second generation queues
/// behind (fifo) or on top of (lifo) what the first generation left.
#[test]
fn two_generations_in_one_scope() {
    let (lifo, fifo) = watchdog("generations", || {
        on_one_worker(|pool| {
            let lifo = Mutex::new(Vec::new());
            pool.scope(|s: &PoolScope<'_, '_>| {
                for i in 0..N {
                    let lifo = &lifo;
                    s.spawn(move || {
                        for j in 0..N {
                            s.spawn(move || lifo.lock().unwrap().push(i * N + j));
                        }
                    });
                }
            });
            let fifo = Mutex::new(Vec::new());
            pool.scope_fifo(|s: &PoolScopeFifo<'_, '_>| {
                for i in 0..N {
                    let fifo = &fifo;
                    s.spawn_fifo(move || {
                        for j in 0..N {
                            s.spawn_fifo(move || fifo.lock().unwrap().push(i * N + j));
                        }
                    });
                }
            });
            (lifo.into_inner().unwrap(), fifo.into_inner().unwrap())
        })
    });
    // Fifo: every first-generation task runs before the second generation,
    // which then runs in spawn order.
    assert_eq!(fifo, (0..N * N).collect::<Vec<_>>());
    // Lifo: the last first-generation task runs first, and its children run
    // (newest first) before the next first-generation task.
    let expected: Vec<usize> = (0..N)
        .rev()
        .flat_map(|i| (0..N).rev().map(move |j| i * N + j))
        .collect();
    assert_eq!(lifo, expected);
}

/// An inner scope per outer task: each inner scope runs to completion inside
/// its task, in the inner scope's own order.
fn nested(outer_fifo: bool, inner_fifo: bool) -> Vec<usize> {
    on_one_worker(|pool| {
        let log = Mutex::new(Vec::new());
        let inner = |i: usize| {
            let log = &log;
            if inner_fifo {
                pool.scope_fifo(|s| {
                    for j in 0..N {
                        s.spawn_fifo(move || log.lock().unwrap().push(i * N + j));
                    }
                });
            } else {
                pool.scope(|s| {
                    for j in 0..N {
                        s.spawn(move || log.lock().unwrap().push(i * N + j));
                    }
                });
            }
        };
        let inner = &inner;
        if outer_fifo {
            pool.scope_fifo(|s| {
                for i in 0..N {
                    s.spawn_fifo(move || inner(i));
                }
            });
        } else {
            pool.scope(|s| {
                for i in 0..N {
                    s.spawn(move || inner(i));
                }
            });
        }
        log.into_inner().unwrap()
    })
}

#[test]
fn nested_scopes_keep_their_own_order() {
    let orders = watchdog("nested", || {
        [(false, false), (true, true), (false, true), (true, false)].map(|(o, i)| nested(o, i))
    });
    let order = |outer_fifo: bool, inner_fifo: bool| -> Vec<usize> {
        let outer: Vec<usize> = if outer_fifo {
            (0..N).collect()
        } else {
            (0..N).rev().collect()
        };
        outer
            .into_iter()
            .flat_map(|i| {
                let inner: Vec<usize> = if inner_fifo {
                    (0..N).collect()
                } else {
                    (0..N).rev().collect()
                };
                inner.into_iter().map(move |j| i * N + j)
            })
            .collect()
    };
    assert_eq!(orders[0], order(false, false));
    assert_eq!(orders[1], order(true, true));
    assert_eq!(orders[2], order(false, true));
    assert_eq!(orders[3], order(true, false));
}

/// With several workers every fifo task still runs exactly once, tasks
/// spawn more tasks from other threads, and handles join (running a task
/// inline when it has not started, which leaves its fifo entry stale).
#[test]
fn scope_fifo_on_many_threads_runs_each_task_once() {
    for threads in [1, 2, 3] {
        let (sum, joined) = watchdog("many", move || {
            let pool = ThreadPool::new(threads);
            let runs: Vec<AtomicUsize> = (0..N * N).map(|_| AtomicUsize::new(0)).collect();
            let joined = pool.scope_fifo(|s| {
                let runs = &runs;
                let mut handles = Vec::new();
                for i in 0..N {
                    handles.push(s.spawn_fifo(move || {
                        for j in 1..N {
                            s.spawn_fifo(move || runs[i * N + j].fetch_add(1, Ordering::Relaxed));
                        }
                        runs[i * N].fetch_add(1, Ordering::Relaxed);
                        i
                    }));
                }
                // Joined newest first: most have not started yet.
                handles
                    .into_iter()
                    .rev()
                    .map(|h| h.join().unwrap())
                    .sum::<usize>()
            });
            let sum: usize = runs.iter().map(|r| r.load(Ordering::Relaxed)).sum();
            assert!(runs.iter().all(|r| r.load(Ordering::Relaxed) == 1));
            (sum, joined)
        });
        assert_eq!(sum, N * N);
        assert_eq!(joined, (0..N).sum::<usize>());
    }
}

/// Forgotten handles in a fifo scope: the scope still waits for
/// every task before the borrowed data goes (the records leak: `leaky_`).
#[test]
fn leaky_scope_fifo_waits_for_forgotten_handles() {
    for threads in [1, 2] {
        watchdog("forget", move || {
            let pool = ThreadPool::new(threads);
            let mut data = vec![0usize; N];
            pool.scope_fifo(|s| {
                for (i, x) in data.iter_mut().enumerate() {
                    core::mem::forget(s.spawn_fifo(move || *x = i + 1));
                }
            });
            assert_eq!(data, (1..=N).collect::<Vec<_>>());
        });
    }
}

/// Forgotten guards of a fifo scope: as forgotten handles, the scope still
/// waits for every task (the records leak: `leaky_`).
#[test]
fn leaky_scope_fifo_waits_for_forgotten_guards() {
    for threads in [1, 2] {
        watchdog("forget guards", move || {
            let pool = ThreadPool::new(threads);
            let mut data = vec![0usize; N];
            pool.scope_fifo(|s| {
                for (i, x) in data.iter_mut().enumerate() {
                    core::mem::forget(s.spawn_guard(move || {
                        std::thread::yield_now();
                        *x = i + 1;
                    }));
                }
            });
            assert_eq!(data, (1..=N).collect::<Vec<_>>());
        });
    }
}

/// A fifo scope's guards: dropping one waits for its task, `join` returns
/// the result, a dropped guard's panic reaches the scope with its payload,
/// and a joined one's does not.
#[test]
fn scope_fifo_guards_wait_join_and_report_panics() {
    for threads in [1, 2] {
        watchdog("fifo guards", move || {
            let pool = ThreadPool::new(threads);
            let done = AtomicUsize::new(0);
            pool.scope_fifo(|s| {
                let done = &done;
                drop(s.spawn_guard(move || done.fetch_add(1, Ordering::Relaxed)));
                assert_eq!(done.load(Ordering::Relaxed), 1, "drop waited");
                assert_eq!(s.spawn_guard(|| 5).join().unwrap(), 5);
                let g = s.spawn_guard(|| -> u8 { panic!("joined") });
                assert!(g.join().is_err());
            });
            let r = catch_unwind(AssertUnwindSafe(|| {
                pool.scope_fifo(|s| drop(s.spawn_guard(|| std::panic::panic_any(43usize))))
            }));
            let payload = r.expect_err("a dropped guard's panic reaches the scope");
            assert_eq!(payload.downcast_ref::<usize>(), Some(&43));
        });
    }
}

#[test]
fn panic_in_a_fifo_task_is_reraised_with_its_payload() {
    for threads in [1, 2] {
        let ran = watchdog("panic", move || {
            let pool = ThreadPool::new(threads);
            let ran = AtomicUsize::new(0);
            let r = catch_unwind(AssertUnwindSafe(|| {
                pool.scope_fifo(|s| {
                    for i in 0..N {
                        let ran = &ran;
                        s.spawn_fifo(move || {
                            ran.fetch_add(1, Ordering::Relaxed);
                            if i == 1 {
                                std::panic::panic_any(41usize);
                            }
                        });
                    }
                })
            }));
            let payload = r.expect_err("the task's panic reaches the scope");
            assert_eq!(payload.downcast_ref::<usize>(), Some(&41));
            // The pool is still usable.
            assert_eq!(pool.scope_fifo(|s| s.spawn_fifo(|| 7).join().unwrap()), 7);
            ran.into_inner()
        });
        // Every task ran: a panic does not cancel the others.
        assert_eq!(ran, N);
    }
}

#[test]
fn joined_fifo_panic_is_the_joiners() {
    watchdog("joined panic", || {
        let pool = ThreadPool::new(2);
        let r = pool.scope_fifo(|s| s.spawn_fifo(|| -> u8 { panic!("boom") }).join());
        let payload = r.expect_err("join returns the panic");
        assert_eq!(payload.downcast_ref::<&str>(), Some(&"boom"));
    });
}

/// `join`, `install` and both scopes nested inside fifo tasks.
#[test]
fn fifo_tasks_nest_join_install_and_scopes() {
    watchdog("nest", || {
        let pool = ThreadPool::new(2);
        let total = AtomicUsize::new(0);
        pool.scope_fifo(|s| {
            for i in 0..N {
                let (total, pool) = (&total, &pool);
                s.spawn_fifo(move || {
                    let (a, b) = thread::join(|| i, || pool.install(|| i));
                    let c = pool.scope(|t| t.spawn(move || a + b).join().unwrap());
                    let d = s.join(|| c, || 0).0;
                    total.fetch_add(d, Ordering::Relaxed);
                });
            }
        });
        assert_eq!(total.into_inner(), 2 * (0..N).sum::<usize>());
    });
}

/// The stack address of a local at the current depth.
#[inline(never)]
fn stack_address() -> usize {
    let local = 0u8;
    core::hint::black_box(&local) as *const u8 as usize
}

/// A chain of tasks, each spawning the next into the same scope, runs at a
/// constant stack depth: a scope's end runs its tasks one after another, not
/// one inside another (rayon-core's `linear_stack_growth` intent).
#[test]
#[cfg_attr(miri, ignore = "Miri's stack addresses are not a stack")]
fn a_chain_of_spawns_does_not_grow_the_stack() {
    fn chain<'s>(s: &'s PoolScope<'s, '_>, left: usize, deepest: &'s AtomicUsize, bottom: usize) {
        deepest.fetch_max(bottom.abs_diff(stack_address()), Ordering::Relaxed);
        if left > 0 {
            s.spawn(move || chain(s, left - 1, deepest, bottom));
        }
    }
    let (short, long) = watchdog("chain", || {
        on_one_worker(|pool| {
            let bottom = stack_address();
            let run = |n| {
                let deepest = AtomicUsize::new(0);
                pool.scope(|s| chain(s, n, &deepest, bottom));
                deepest.into_inner()
            };
            (run(5), run(500))
        })
    });
    assert_eq!(short, long, "stack use grew with the chain's length");
}

/// A `join` recursion `depth` levels deep uses the same stack per level at
/// every level: linear growth, however the `b` sides were run.
#[test]
#[cfg_attr(miri, ignore = "Miri's stack addresses are not a stack")]
fn deep_join_recursion_grows_the_stack_linearly() {
    fn descend(depth: usize, addresses: &Mutex<Vec<usize>>) {
        addresses.lock().unwrap().push(stack_address());
        if depth > 0 {
            thread::join(|| descend(depth - 1, addresses), stack_address);
        }
    }
    for threads in [1, 2] {
        let addresses = watchdog("deep join", move || {
            let pool = ThreadPool::new(threads);
            let addresses = Mutex::new(Vec::new());
            pool.install(|| descend(200, &addresses));
            addresses.into_inner().unwrap()
        });
        let steps: Vec<usize> = addresses.windows(2).map(|w| w[0].abs_diff(w[1])).collect();
        assert!(steps[0] > 0);
        assert!(
            steps.iter().all(|&s| s == steps[0]),
            "per-level stack use varies: {steps:?}"
        );
    }
}
