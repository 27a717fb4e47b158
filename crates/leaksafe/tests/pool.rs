//! Tests of `leaksafe::thread::ThreadPool`: scoped soundness whatever happens
//! to handles and guards, joins inside tasks, panics, shutdown, and memory
//! bounded by live tasks.
//!
//! Tests that leak on purpose (forgotten handles and guards) are named
//! `leaky_*`; Miri runs them apart with `-Zmiri-ignore-leaks`.
//!
//! Miri (crossbeam-epoch, under the deques, casts integers to pointers and
//! violates Stacked Borrows — crossbeam issue #545 — so it needs
//! `-Zmiri-permissive-provenance`, and its epoch garbage is reported as
//! leaked at exit; `LEAKSAFE_POOL_LOCKED_QUEUES` swaps in a locked queue
//! under Miri so our own code is checked by both models and the leak check):
//! ```text
//! B="-Zmiri-symbolic-alignment-check -Zmiri-permissive-provenance -Zmiri-many-seeds=0..4"
//! L="-Zmiri-env-set=LEAKSAFE_POOL_LOCKED_QUEUES=1"
//! MIRIFLAGS="$B $L" cargo +nightly miri test -p leaksafe --test pool -- --skip leaky_
//! MIRIFLAGS="$B $L -Zmiri-tree-borrows" cargo +nightly miri test -p leaksafe --test pool -- --skip leaky_
//! MIRIFLAGS="$B -Zmiri-tree-borrows -Zmiri-ignore-leaks" cargo +nightly miri test -p leaksafe --test pool -- --skip leaky_
//! MIRIFLAGS="$B $L -Zmiri-ignore-leaks" cargo +nightly miri test -p leaksafe --test pool -- leaky_
//! MIRIFLAGS="$B -Zmiri-tree-borrows -Zmiri-ignore-leaks" cargo +nightly miri test -p leaksafe --test pool -- leaky_
//! ```

use std::alloc::{GlobalAlloc, Layout, System};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, RwLock, RwLockReadGuard, mpsc};

use leaksafe::thread::ThreadPool;
use leaksafe_check::{Ledger, Op, catch};

/// Counts live heap bytes, for the memory-bound test.
struct Counting;

static LIVE_BYTES: AtomicUsize = AtomicUsize::new(0);

// SAFETY: forwards to `System`, only adding a counter.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        LIVE_BYTES.fetch_add(layout.size(), Ordering::Relaxed);
        // SAFETY: the caller's contract is `System`'s.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE_BYTES.fetch_sub(layout.size(), Ordering::Relaxed);
        // SAFETY: the caller's contract is `System`'s.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static ALLOC: Counting = Counting;

/// The memory test measures the whole process: it runs alone (write lock);
/// every other test takes a read lock.
static SERIAL: RwLock<()> = RwLock::new(());

fn shared() -> RwLockReadGuard<'static, ()> {
    SERIAL.read().unwrap_or_else(|e| e.into_inner())
}

const SMALL: usize = if cfg!(miri) { 8 } else { 200 };

fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_owned()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        String::from("<non-string payload>")
    }
}

#[test]
fn sum_of_chunks_borrowing_stack_data() {
    let _g = shared();
    let pool = ThreadPool::new(2);
    let data: Vec<u64> = (0..(SMALL as u64 * 10)).collect();
    let expected: u64 = data.iter().sum();
    let mut partial = [0u64; 10];
    let total: u64 = pool.scope(|s| {
        let handles: Vec<_> = data
            .chunks(SMALL)
            .zip(partial.iter_mut())
            .map(|(chunk, out)| {
                s.spawn(move || {
                    *out = chunk.iter().sum();
                    *out
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).sum()
    });
    assert_eq!(total, expected);
    assert_eq!(partial.iter().sum::<u64>(), expected);
}

#[test]
fn the_chapters_example_every_element_doubled() {
    let _g = shared();
    let pool = ThreadPool::new(2);
    let mut data: Vec<Box<usize>> = (0..SMALL).map(Box::new).collect();
    pool.scope(|s| {
        for x in data.iter_mut() {
            // The guard is dropped at once: each task is joined immediately.
            let _guard = s.spawn_guard(move || **x *= 2);
        }
    });
    pool.scope(|s| {
        for x in data.iter_mut() {
            // Handles dropped at once: the scope joins the tasks.
            s.spawn(move || **x += 1);
        }
    });
    for (i, x) in data.iter().enumerate() {
        assert_eq!(**x, i * 2 + 1);
    }
}

/// A forgotten handle whose task writes a borrowed `Box` dropped right after
/// `scope` returns: the scope must have waited (Miri sees any use-after-free).
#[test]
fn leaky_forgotten_handle_still_waited_for() {
    let _g = shared();
    let pool = ThreadPool::new(2);
    let ledger = Ledger::new();
    let mut boxed = Box::new(0usize);
    pool.scope(|s| {
        let b = &mut boxed;
        let t = ledger.track(7usize);
        let h = s.spawn(move || {
            std::thread::yield_now();
            **b = 42;
            t
        });
        std::mem::forget(h);
    });
    assert_eq!(*boxed, 42);
    drop(boxed);
    // The forgotten handle's result is leaked with its record: the caller's
    // own leak, documented on `PoolHandle`.
    ledger.expect_leaks(1);
    ledger.assert_no_unexpected_leaks();
}

#[test]
fn leaky_forgotten_guard_still_waited_for() {
    let _g = shared();
    let pool = ThreadPool::new(1);
    let mut boxed = Box::new(0usize);
    let done = AtomicBool::new(false);
    pool.scope(|s| {
        let b = &mut boxed;
        let done = &done;
        let g = s.spawn_guard(move || {
            for _ in 0..10 {
                std::thread::yield_now();
            }
            **b = 9;
            done.store(true, Ordering::Relaxed);
        });
        std::mem::forget(g);
    });
    assert!(done.load(Ordering::Relaxed));
    assert_eq!(*boxed, 9);
}

#[test]
fn leaky_forgotten_handle_of_a_panicking_task_makes_scope_panic() {
    let _g = shared();
    let pool = ThreadPool::new(2);
    let r = catch_unwind(AssertUnwindSafe(|| {
        pool.scope(|s| {
            std::mem::forget(s.spawn(|| panic!("boom")));
        })
    }));
    let payload = r.expect_err("an unjoined panic must surface");
    assert_eq!(panic_message(&*payload), "a scoped pool task panicked");
    // Still usable.
    assert_eq!(pool.scope(|s| s.spawn(|| 3).join().unwrap()), 3);
}

#[test]
fn dropped_handles_and_guards_drop_every_result_once() {
    let _g = shared();
    let pool = ThreadPool::new(2);
    let ledger = Ledger::new();
    pool.scope(|s| {
        let mut joined = Vec::new();
        for i in 0..SMALL {
            let t = ledger.track(i);
            match i % 4 {
                0 => drop(s.spawn(move || t)),
                1 => joined.push(s.spawn(move || t)),
                2 => drop(s.spawn_guard(move || t)),
                _ => {
                    let g = s.spawn_guard(move || t);
                    let back = g.join().unwrap();
                    assert_eq!(*back.get(), i);
                }
            }
        }
        for h in joined {
            h.join().unwrap().check();
        }
    });
    ledger.assert_all_dropped();
}

#[test]
fn join_inside_a_task_on_a_one_thread_pool() {
    let _g = shared();
    let pool = ThreadPool::new(1);
    let n = pool.scope(|s| {
        let outer = s.spawn(|| {
            let inner: Vec<_> = (0..4).map(|i| s.spawn(move || i * 10)).collect();
            inner.into_iter().map(|h| h.join().unwrap()).sum::<i32>()
        });
        outer.join().unwrap()
    });
    assert_eq!(n, 60);
    // The same, with the owner not joining: the single worker must run the
    // inner tasks while it waits (the owner may help too).
    let flag = AtomicUsize::new(0);
    pool.scope(|s| {
        let flag = &flag;
        s.spawn(move || {
            let h = s.spawn(move || flag.fetch_add(1, Ordering::Relaxed));
            h.join().unwrap();
            flag.fetch_add(1, Ordering::Relaxed);
        });
    });
    assert_eq!(flag.load(Ordering::Relaxed), 2);
}

#[test]
fn a_task_joins_another_tasks_handle() {
    let _g = shared();
    let pool = ThreadPool::new(2);
    let v = pool.scope(|s| {
        let first = s.spawn(|| vec![1, 2, 3]);
        let second = s.spawn(move || {
            let mut v = first.join().unwrap();
            v.push(4);
            v
        });
        second.join().unwrap()
    });
    assert_eq!(v, [1, 2, 3, 4]);
}

#[test]
fn nested_spawns_three_deep_finish_before_scope_returns() {
    let _g = shared();
    let pool = ThreadPool::new(2);
    let count = AtomicUsize::new(0);
    let width = if cfg!(miri) { 2 } else { 6 };
    pool.scope(|s| {
        let count = &count;
        for _ in 0..width {
            s.spawn(move || {
                for _ in 0..width {
                    s.spawn(move || {
                        for _ in 0..width {
                            s.spawn(move || {
                                std::thread::yield_now();
                                count.fetch_add(1, Ordering::Relaxed);
                            });
                        }
                    });
                }
            });
        }
        // The closure returns before most level-3 tasks even exist.
    });
    assert_eq!(count.load(Ordering::Relaxed), width * width * width);
}

#[test]
fn panic_then_reuse() {
    let _g = shared();
    let pool = ThreadPool::new(2);
    for round in 0..3 {
        // A joined panic is the caller's: no scope panic.
        let r = pool.scope(|s| {
            let bad = s.spawn(|| -> i32 { panic!("joined") });
            let good = s.spawn(|| 5);
            (bad.join(), good.join().unwrap())
        });
        assert_eq!(panic_message(&*r.0.unwrap_err()), "joined");
        assert_eq!(r.1, 5);

        // An unjoined panic (handle dropped, guard dropped) makes scope
        // re-raise the task's own payload after every task finished.
        let finished = AtomicUsize::new(0);
        let r = catch_unwind(AssertUnwindSafe(|| {
            pool.scope(|s| {
                let finished = &finished;
                if round % 2 == 0 {
                    drop(s.spawn(|| panic!("dropped handle")));
                } else {
                    drop(s.spawn_guard(|| panic!("dropped guard")));
                }
                for _ in 0..4 {
                    s.spawn(move || {
                        std::thread::yield_now();
                        finished.fetch_add(1, Ordering::Relaxed)
                    });
                }
            })
        }));
        let want = if round % 2 == 0 {
            "dropped handle"
        } else {
            "dropped guard"
        };
        assert_eq!(panic_message(&*r.unwrap_err()), want);
        assert_eq!(finished.load(Ordering::Relaxed), 4);
    }
    let v: Vec<usize> = pool.scope(|s| {
        let hs: Vec<_> = (0..8).map(|i| s.spawn(move || i)).collect();
        hs.into_iter().map(|h| h.join().unwrap()).collect()
    });
    assert_eq!(v, (0..8).collect::<Vec<_>>());
}

#[test]
fn a_panic_in_the_scope_closure_waits_for_tasks_then_resumes() {
    let _g = shared();
    let pool = ThreadPool::new(2);
    let ledger = Ledger::new();
    let finished = AtomicUsize::new(0);
    let r = catch(|| {
        pool.scope(|s| {
            for i in 0..4 {
                let t = ledger.track(i);
                let finished = &finished;
                s.spawn(move || {
                    std::thread::yield_now();
                    t.check();
                    finished.fetch_add(1, Ordering::Relaxed);
                });
            }
            ledger.fail_at(Op::Predicate, 0);
            ledger.tick(Op::Predicate); // panics with the ledger's payload
        })
    });
    let injected = r
        .expect_err("the closure's panic is resumed")
        .expect("our payload");
    assert_eq!(injected.op, Op::Predicate);
    assert_eq!(finished.load(Ordering::Relaxed), 4);
    ledger.assert_all_dropped();
}

/// A result whose `Drop` panics, with its handle dropped before the task
/// finished: the worker drops it, catches that panic (leaking its payload),
/// and the scope reports a task panic. Nothing is dropped twice.
#[test]
fn leaky_a_result_whose_drop_panics_is_reported_not_unsound() {
    let _g = shared();
    let pool = ThreadPool::new(1);
    let ledger = Ledger::new();
    let gate = AtomicBool::new(false);
    let r = catch_unwind(AssertUnwindSafe(|| {
        pool.scope(|s| {
            let t = ledger.track(1);
            let gate = &gate;
            let h = s.spawn(move || {
                while !gate.load(Ordering::Acquire) {
                    std::thread::yield_now();
                }
                t
            });
            ledger.fail_at(Op::Drop, 0);
            drop(h); // before the task finished: the worker drops the result
            gate.store(true, Ordering::Release);
        })
    }));
    assert!(r.is_err());
    ledger.disarm();
    ledger.assert_sound();
    assert_eq!(
        ledger.summary().live,
        0,
        "the value was dropped (its drop recorded)"
    );
    assert_eq!(pool.scope(|s| s.spawn(|| 1).join().unwrap()), 1);
}

#[test]
fn many_tiny_tasks() {
    let _g = shared();
    let n = if cfg!(miri) { 300 } else { 100_000 };
    let pool = ThreadPool::new(2);
    let sum = AtomicUsize::new(0);
    pool.scope(|s| {
        let sum = &sum;
        for i in 0..n {
            s.spawn(move || sum.fetch_add(i, Ordering::Relaxed));
        }
    });
    assert_eq!(sum.load(Ordering::Relaxed), n * (n - 1) / 2);
}

/// 200,000 (native) spawns one after another keep no finished records:
/// live heap stays flat while the scope is still open.
#[test]
fn memory_is_bounded_by_live_tasks() {
    let _g = SERIAL.write().unwrap_or_else(|e| e.into_inner());
    let n = if cfg!(miri) { 50 } else { 200_000 };
    let pool = ThreadPool::new(2);
    // Warm up the deques' and threads' own allocations.
    pool.scope(|s| {
        for _ in 0..100 {
            s.spawn(|| ()).join().unwrap();
        }
    });
    pool.scope(|s| {
        let before = LIVE_BYTES.load(Ordering::Relaxed);
        for i in 0..n {
            let h = s.spawn(move || [i; 4]);
            if i % 2 == 0 {
                assert_eq!(h.join().unwrap(), [i; 4]);
            } else {
                while !h.is_finished() {
                    std::thread::yield_now();
                }
                drop(h);
            }
        }
        let after = LIVE_BYTES.load(Ordering::Relaxed);
        // A record is ~80 bytes: 200,000 kept would be ~16 MB.
        assert!(
            after.saturating_sub(before) < 64 * 1024,
            "live heap grew by {} bytes over {n} finished tasks",
            after.saturating_sub(before)
        );
    });
}

#[test]
fn dropping_the_pool_idle() {
    let _g = shared();
    for threads in [1, 2, 3] {
        let pool = ThreadPool::new(threads);
        assert_eq!(pool.threads(), threads);
        drop(pool);
    }
    let pool = ThreadPool::new(2);
    pool.scope(|s| {
        s.spawn(|| ());
    });
    if !cfg!(miri) {
        // Let the workers fall asleep, then wake them for shutdown.
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    drop(pool);
}

#[test]
fn dropping_the_pool_busy() {
    let _g = shared();
    // Right after a big scope: workers are awake, spinning or stealing.
    let pool = ThreadPool::new(2);
    let c = AtomicUsize::new(0);
    pool.scope(|s| {
        for _ in 0..SMALL {
            s.spawn(|| c.fetch_add(1, Ordering::Relaxed));
        }
    });
    drop(pool);
    assert_eq!(c.load(Ordering::Relaxed), SMALL);

    // The last reference dropped by another thread while it is running
    // scopes, and from inside a task of another pool.
    let pool = Arc::new(ThreadPool::new(2));
    let other = ThreadPool::new(1);
    let p2 = Arc::clone(&pool);
    let (tx, rx) = mpsc::channel();
    let t = std::thread::spawn(move || {
        for i in 0..4 {
            let r = p2.scope(|s| s.spawn(move || i * 2).join().unwrap());
            assert_eq!(r, i * 2);
            if i == 0 {
                tx.send(()).unwrap();
            }
        }
        p2
    });
    rx.recv().unwrap();
    drop(pool);
    let last = t.join().unwrap();
    other.scope(|s| {
        s.spawn(move || drop(last));
    });
    drop(other);
}

#[test]
fn a_task_blocking_on_a_channel_fed_by_a_queued_task_completes() {
    let _g = shared();
    // Two workers: while one blocks outside the pool, the other (or the
    // scope's owner) must be woken to run the task that feeds it.
    let pool = ThreadPool::new(2);
    let got = pool.scope(|s| {
        let h = s.spawn(move || {
            let (tx, rx) = mpsc::channel();
            s.spawn(move || tx.send(17).unwrap());
            rx.recv().unwrap()
        });
        h.join().unwrap()
    });
    assert_eq!(got, 17);
}

#[test]
fn scopes_from_many_threads_share_one_pool() {
    let _g = shared();
    let pool = ThreadPool::new(2);
    let total = Mutex::new(0usize);
    std::thread::scope(|ts| {
        // More threads than the pool has spare deques for scope owners (2):
        // the others push to the injector.
        for t in 0..4 {
            let pool = &pool;
            let total = &total;
            ts.spawn(move || {
                let n = pool.scope(|s| {
                    let hs: Vec<_> = (0..SMALL).map(|i| s.spawn(move || i + t)).collect();
                    hs.into_iter().map(|h| h.join().unwrap()).sum::<usize>()
                });
                *total.lock().unwrap() += n;
            });
        }
    });
    let per = SMALL * (SMALL - 1) / 2;
    assert_eq!(*total.lock().unwrap(), 4 * per + SMALL * (1 + 2 + 3));
}

#[test]
fn nested_pool_scope_inside_a_task() {
    let _g = shared();
    let pool = ThreadPool::new(1);
    let mut v = [0u8; 4];
    pool.scope(|s| {
        let v = &mut v;
        let pool = &pool;
        s.spawn(move || {
            pool.scope(|inner| {
                for x in v.iter_mut() {
                    inner.spawn(move || *x = 1);
                }
            })
        });
    });
    assert_eq!(v, [1; 4]);
}

/// Scopes of two pools nested on one thread, both ways: a scope owner of
/// pool `a` opens a scope of pool `b` in its closure, and a task of `b`
/// opens a scope of `a`. The thread's pool membership must be restored when
/// an inner scope ends: here `b` is dropped before `a`'s scope spawns again,
/// so a stale membership would push `a`'s task into freed memory (Miri) or
/// into a pool with no threads (a hang).
#[test]
fn scopes_of_two_pools_nest_on_one_thread() {
    let _g = shared();
    let a = ThreadPool::new(1);
    let mut hits = [0u32; 3];
    let [h0, h1, h2] = &mut hits;
    a.scope(|sa| {
        let b = ThreadPool::new(1);
        b.scope(|sb| {
            sb.spawn(|| {
                *h0 += 1;
                // Inside a task of `b`: a scope of `a`.
                a.scope(|sa2| {
                    sa2.spawn(|| *h1 += 1);
                });
            });
        });
        drop(b);
        sa.spawn(|| *h2 += 1).join().unwrap();
    });
    assert_eq!(hits, [1, 1, 1]);
}

#[test]
fn new_zero_panics_with_std_like_message() {
    let _g = shared();
    let r = catch_unwind(|| ThreadPool::new(0));
    let msg = panic_message(&*r.unwrap_err());
    assert!(msg.contains("at least one thread"), "{msg}");
}

#[test]
fn default_has_one_thread_per_core() {
    let _g = shared();
    let pool = ThreadPool::default();
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    assert_eq!(pool.threads(), cores);
}

#[test]
fn guard_drop_waits_and_is_finished_reports() {
    let _g = shared();
    let pool = ThreadPool::new(2);
    let done = AtomicBool::new(false);
    pool.scope(|s| {
        let done = &done;
        let g = s.spawn_guard(move || {
            for _ in 0..5 {
                std::thread::yield_now();
            }
            done.store(true, Ordering::Relaxed);
        });
        drop(g);
        assert!(done.load(Ordering::Relaxed), "dropping the guard joined");
        let h = s.spawn(|| ());
        while !h.is_finished() {
            std::thread::yield_now();
        }
        h.join().unwrap();
    });
}

#[test]
fn auto_traits() {
    fn send_sync<T: Send + Sync>() {}
    send_sync::<ThreadPool>();
    send_sync::<leaksafe::thread::PoolHandle<'static, u8>>();
    fn sync<T: Sync>() {}
    sync::<leaksafe::thread::PoolScope<'static, 'static>>();
    fn send<T: Send>() {}
    send::<leaksafe::thread::PoolJoinGuard<'static, u8>>();
}

/// `map_chunks` returns `f` of every chunk in order, the last chunk shorter,
/// for empty input, one chunk, and chunk sizes that do and do not divide
/// the length; on pools of one and of two threads.
#[test]
fn map_chunks_returns_each_chunks_result_in_order() {
    let _g = shared();
    let n = if cfg!(miri) { 37 } else { 10_007 };
    let data: Vec<u64> = (0..n as u64).collect();
    for threads in [1, 2] {
        let pool = ThreadPool::new(threads);
        for chunk in [1, 3, 10, n, n + 5] {
            let got = pool.map_chunks(&data, chunk, |c| (c[0], c.len()));
            let want: Vec<(u64, usize)> = data.chunks(chunk).map(|c| (c[0], c.len())).collect();
            assert_eq!(got, want, "threads {threads}, chunk {chunk}");
        }
        let empty: Vec<u64> = pool.map_chunks(&[] as &[u64], 4, |c| c[0]);
        assert!(empty.is_empty());
    }
}

/// Results may borrow the input, and each result is dropped exactly once
/// (by the caller, after it got them all).
#[test]
fn map_chunks_results_borrow_the_input_and_drop_once() {
    let _g = shared();
    let pool = ThreadPool::new(2);
    let ledger = Ledger::new();
    let words: Vec<String> = (0..SMALL).map(|i| format!("w{i}")).collect();
    let got = pool.map_chunks(&words, 3, |c| {
        (c.first().map(String::as_str), ledger.track(c.len()))
    });
    assert_eq!(got.len(), SMALL.div_ceil(3));
    assert_eq!(got[0].0, Some("w0"));
    drop(got);
    ledger.assert_all_dropped();
}

#[test]
fn map_chunks_zero_chunk_size_panics_like_slice_chunks() {
    let _g = shared();
    let pool = ThreadPool::new(1);
    let r = catch_unwind(AssertUnwindSafe(|| {
        pool.map_chunks(&[1, 2, 3], 0, |c| c.len())
    }));
    let msg = panic_message(&*r.unwrap_err());
    assert!(msg.contains("chunk size must be non-zero"), "{msg}");
}

/// A panic in `f` for one chunk: `map_chunks` resumes the user's own payload
/// (after its tasks finished), the results computed so far are dropped once,
/// and the pool stays usable.
#[test]
fn map_chunks_resumes_the_first_panic_after_all_chunks_ran() {
    let _g = shared();
    let pool = ThreadPool::new(2);
    let ledger = Ledger::new();
    let data: Vec<usize> = (0..SMALL).collect();
    let r = catch_unwind(AssertUnwindSafe(|| {
        pool.map_chunks(&data, 1, |c| {
            if c[0] == SMALL / 2 {
                panic!("chunk {} failed", c[0]);
            }
            ledger.track(c[0])
        })
    }));
    let msg = panic_message(&*r.unwrap_err());
    assert_eq!(msg, format!("chunk {} failed", SMALL / 2));
    ledger.assert_all_dropped();
    assert_eq!(
        pool.map_chunks(&data, 4, <[usize]>::len).len(),
        SMALL.div_ceil(4)
    );
}

/// `map_chunks` inside a task of the same pool, and inside `map_chunks`.
#[test]
fn map_chunks_nests() {
    let _g = shared();
    let pool = ThreadPool::new(2);
    let data: Vec<u64> = (0..SMALL as u64).collect();
    let inner = |c: &[u64]| {
        pool.map_chunks(c, 2, |d| d.iter().sum::<u64>())
            .iter()
            .sum::<u64>()
    };
    let sums = pool.map_chunks(&data, 5, inner);
    assert_eq!(sums.iter().sum::<u64>(), data.iter().sum::<u64>());
    let in_task = pool.scope(|s| {
        s.spawn(|| pool.map_chunks(&data, 7, <[u64]>::len).len())
            .join()
            .unwrap()
    });
    assert_eq!(in_task, SMALL.div_ceil(7));
}

/// A payload of a type of the user's own.
#[derive(Debug, PartialEq)]
struct MyPanic(u32);

/// Unjoined task panics: `scope` re-raises the original payload (of the
/// first to reach the scope), after every task finished, and drops the
/// others; for a handle dropped before the task ended, dropped after, a
/// guard dropped, and a task run inline by the guard's drop.
#[test]
fn scope_reraises_an_unjoined_tasks_own_payload() {
    let _g = shared();
    for threads in [1, 2] {
        let pool = ThreadPool::new(threads);
        for case in 0..4 {
            let finished = AtomicUsize::new(0);
            let r = catch_unwind(AssertUnwindSafe(|| {
                pool.scope(|s| {
                    let finished = &finished;
                    let boom = move || -> () { std::panic::panic_any(MyPanic(case)) };
                    match case {
                        0 => drop(s.spawn(boom)),
                        1 => {
                            let h = s.spawn(boom);
                            while !h.is_finished() {
                                std::thread::yield_now();
                            }
                            drop(h);
                        }
                        2 => drop(s.spawn_guard(boom)),
                        _ => {
                            // A second unjoined panic: its payload is dropped.
                            drop(s.spawn_guard(boom));
                            drop(s.spawn_guard(|| -> () { std::panic::panic_any(MyPanic(99)) }));
                        }
                    }
                    for _ in 0..4 {
                        s.spawn(move || {
                            std::thread::yield_now();
                            finished.fetch_add(1, Ordering::Relaxed)
                        });
                    }
                })
            }));
            let payload = r.expect_err("an unjoined panic surfaces");
            assert_eq!(payload.downcast_ref::<MyPanic>(), Some(&MyPanic(case)));
            assert_eq!(finished.load(Ordering::Relaxed), 4);
        }
    }
}
