//! Fork-join on the pool (issue 20): `ThreadPool::join`, `PoolScope::join`,
//! the free `thread::join`, `install` and the current-thread queries. Every
//! test runs under a watchdog: a hang fails the test instead of hanging CI.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::atomic::{AtomicUsize, Ordering};

use leaksafe::thread::{self, ThreadPool};

#[path = "common/watchdog.rs"]
mod watchdog;
use watchdog::watchdog;

const FIB: u64 = if cfg!(miri) { 8 } else { 22 };
const THREADS: [usize; 3] = [1, 2, 3];

fn fib_seq(n: u64) -> u64 {
    if n < 2 {
        n
    } else {
        fib_seq(n - 1) + fib_seq(n - 2)
    }
}

/// `join` at every level: deep recursion through stack jobs.
fn fib(n: u64) -> u64 {
    if n < 2 {
        return n;
    }
    let (a, b) = thread::join(|| fib(n - 1), || fib(n - 2));
    a + b
}

#[test]
fn join_returns_both_results() {
    watchdog("join_returns_both_results", || {
        for n in THREADS {
            let pool = ThreadPool::new(n);
            let v: Vec<u64> = (0..1000).collect();
            let (l, r) = v.split_at(300);
            let (a, b) = pool.join(|| l.iter().sum::<u64>(), || r.iter().sum::<u64>());
            assert_eq!(a + b, 499_500);
            let mut w = [1, 2, 3, 4];
            let (x, y) = w.split_at_mut(2);
            pool.join(|| x[0] = 10, || y[1] = 40);
            assert_eq!(w, [10, 2, 3, 40]);
        }
    });
}

#[test]
fn join_outside_a_pool_runs_a_then_b() {
    let order = std::sync::Mutex::new(Vec::new());
    let caller = std::thread::current().id();
    let (a, b) = thread::join(
        || {
            order.lock().unwrap().push('a');
            std::thread::current().id()
        },
        || {
            order.lock().unwrap().push('b');
            std::thread::current().id()
        },
    );
    assert_eq!((a, b), (caller, caller));
    assert_eq!(*order.lock().unwrap(), ['a', 'b']);
    assert_eq!(thread::current_num_threads(), 1);
    assert_eq!(thread::current_thread_index(), None);
}

#[test]
fn fib_with_join_on_1_2_3_threads() {
    watchdog("fib_with_join", || {
        for n in THREADS {
            let pool = ThreadPool::new(n);
            assert_eq!(pool.install(|| fib(FIB)), fib_seq(FIB));
            // From outside (the caller borrows a deque) too.
            let (a, b) = pool.join(|| fib(FIB - 1), || fib(FIB - 2));
            assert_eq!(a + b, fib_seq(FIB));
        }
    });
}

/// A panic in `a` is re-raised with its payload, after `b` finished.
#[test]
fn panic_in_a_waits_for_b() {
    watchdog("panic_in_a", || {
        for n in THREADS {
            let pool = ThreadPool::new(n);
            let b_done = AtomicUsize::new(0);
            let r = catch_unwind(AssertUnwindSafe(|| {
                pool.join(
                    || panic!("a failed {n}"),
                    || {
                        for _ in 0..100 {
                            std::thread::yield_now();
                        }
                        b_done.fetch_add(1, Ordering::SeqCst);
                    },
                )
            }));
            let p = r.unwrap_err();
            assert_eq!(
                p.downcast_ref::<String>().unwrap(),
                &format!("a failed {n}")
            );
            assert_eq!(b_done.load(Ordering::SeqCst), 1);
        }
    });
}

/// A panic in `b` is re-raised with its payload, after `a` finished.
#[test]
fn panic_in_b_waits_for_a() {
    watchdog("panic_in_b", || {
        for n in THREADS {
            let pool = ThreadPool::new(n);
            let a_done = AtomicUsize::new(0);
            let r = catch_unwind(AssertUnwindSafe(|| {
                pool.install(|| {
                    thread::join(
                        || {
                            for _ in 0..100 {
                                std::thread::yield_now();
                            }
                            a_done.fetch_add(1, Ordering::SeqCst);
                        },
                        || panic!("b failed"),
                    )
                })
            }));
            assert_eq!(*r.unwrap_err().downcast_ref::<&str>().unwrap(), "b failed");
            assert_eq!(a_done.load(Ordering::SeqCst), 1);
        }
    });
}

/// Both panic: `a`'s payload wins, and the pool stays usable.
#[test]
fn panic_in_both_reraises_a() {
    watchdog("panic_in_both", || {
        let pool = ThreadPool::new(2);
        let r = catch_unwind(AssertUnwindSafe(|| {
            pool.join(|| panic!("from a"), || panic!("from b"))
        }));
        assert_eq!(*r.unwrap_err().downcast_ref::<&str>().unwrap(), "from a");
        assert_eq!(pool.install(|| fib(10)), 55);
    });
}

/// Joins inside scope tasks, and scope tasks spawned inside joins, with
/// some left queued above the join's job (outer-scope spawns in `a`).
#[test]
fn nested_join_inside_scope_tasks() {
    watchdog("nested_join_inside_scope_tasks", || {
        for n in THREADS {
            let pool = ThreadPool::new(n);
            let count = AtomicUsize::new(0);
            // Under Miri (about 6,000 joins per thread count natively),
            // smaller: the same shape, a tenth of the joins.
            let (tasks, [x, y, z]) = if cfg!(miri) {
                (3, [9, 7, 6])
            } else {
                (8, [12, 10, 9])
            };
            let total = pool.scope(|s| {
                let hs: Vec<_> = (0..tasks)
                    .map(|_| {
                        let count = &count;
                        s.spawn(move || {
                            let (a, b) = thread::join(
                                || {
                                    // Left queued above `b` on this deque.
                                    s.spawn(move || count.fetch_add(1, Ordering::SeqCst));
                                    fib(x)
                                },
                                || s.join(|| fib(y), || fib(z)),
                            );
                            a + b.0 + b.1
                        })
                    })
                    .collect();
                hs.into_iter().map(|h| h.join().unwrap()).sum::<u64>()
            });
            assert_eq!(total, tasks as u64 * (fib_seq(x) + fib_seq(y) + fib_seq(z)));
            assert_eq!(count.load(Ordering::SeqCst), tasks);
        }
    });
}

/// A join whose `b` joins a scope task that was spawned before it: the
/// joiner must not run unrelated work while it waits (issue 16 §3).
#[test]
fn join_and_handle_joins_mix() {
    watchdog("join_and_handle_joins_mix", || {
        for n in THREADS {
            let pool = ThreadPool::new(n);
            for _ in 0..if cfg!(miri) { 2 } else { 50 } {
                let r = pool.scope(|s| {
                    let h = s.spawn(|| fib(8));
                    let (a, b) = s.join(|| fib(9), move || h.join().unwrap());
                    a + b
                });
                assert_eq!(r, 34 + 21);
            }
        }
    });
}

#[test]
fn install_runs_on_a_worker_and_sees_the_pool() {
    watchdog("install", || {
        for n in THREADS {
            let pool = ThreadPool::new(n);
            let (i, k, inner) = pool.install(|| {
                let i = thread::current_thread_index();
                // Already a worker: runs inline.
                let inner = pool.install(thread::current_thread_index);
                (i, thread::current_num_threads(), inner)
            });
            assert!(i.is_some_and(|i| i < n));
            assert_eq!(inner, i);
            assert_eq!(k, n);
            assert_eq!(pool.current_thread_index(), None);
            assert_eq!(pool.current_num_threads(), n);
            let r = catch_unwind(AssertUnwindSafe(|| pool.install(|| panic!("in install"))));
            assert_eq!(
                *r.unwrap_err().downcast_ref::<&str>().unwrap(),
                "in install"
            );
        }
    });
}

/// Joins from many outside threads at once: more than the lent deques, so
/// some run serially; all complete.
#[test]
fn joins_from_many_outside_threads() {
    watchdog("joins_from_many_outside_threads", || {
        let pool = ThreadPool::new(2);
        std::thread::scope(|s| {
            for _ in 0..4 {
                s.spawn(|| {
                    let (a, b) = pool.join(|| fib(FIB - 2), || fib(FIB - 3));
                    assert_eq!(a + b, fib_seq(FIB - 1));
                });
            }
        });
    });
}

/// A forgotten value produced inside a join changes nothing: join returns
/// only once both closures finished.
#[test]
fn leaky_forget_inside_join() {
    watchdog("leaky_forget_inside_join", || {
        let pool = ThreadPool::new(2);
        let data = vec![1u64; 100];
        let (a, b) = pool.join(
            || {
                std::mem::forget(vec![0u8; 8]);
                data.iter().sum::<u64>()
            },
            || data.len(),
        );
        assert_eq!((a, b), (100, 100));
    });
}
