//! The tour's attacks, run for real against leaksafe's types (and std's,
//! where std differs). Each returns plain data; `tour` prints it.

use std::time::{Duration, Instant};

use crate::child::say;

use leaksafe_check::{Ledger, Summary};

/// After forgetting a Drain mid-iteration.
pub struct DrainDemo {
    /// The vector's contents right after the forget.
    pub contents: Vec<usize>,
    /// Its contents after a `push(9)`: the vector is still usable.
    pub after_push: Vec<usize>,
    /// The ledger after the vector itself was dropped.
    pub ledger: Summary,
}

impl DrainDemo {
    /// No double drop, no read after free, and exactly the forgotten
    /// elements leaked (3 of the drained range and 1 of the tail).
    pub fn sound(&self) -> bool {
        self.ledger.is_sound() && self.ledger.live == 3
    }
}

/// `[0 1 2 3 4 5]`, `drain(1..5)`, two `next()`, forget: the same code for
/// any vector type with std's API.
macro_rules! drain_demo {
    ($vec:ty) => {{
        let ledger = Ledger::new();
        let mut v: $vec = ledger.track_range(6).collect();
        let mut d = v.drain(1..5);
        drop(d.next());
        drop(d.next());
        std::mem::forget(d);
        let contents: Vec<usize> = v.iter().map(|t| *t.get()).collect();
        v.push(ledger.track(9));
        let after_push: Vec<usize> = v.iter().map(|t| *t.get()).collect();
        drop(v);
        DrainDemo {
            contents,
            after_push,
            ledger: ledger.summary(),
        }
    }};
}

/// The drain attack against std's Vec (which adopted the chapter's cure).
pub fn std_drain_demo() -> DrainDemo {
    drain_demo!(std::vec::Vec<leaksafe_check::Tracked<usize>>)
}

/// The drain attack against leaksafe's Vec.
pub fn drain_demo() -> DrainDemo {
    drain_demo!(leaksafe::vec::Vec<leaksafe_check::Tracked<usize>>)
}

/// Forgotten clones of an `Rc<_, Saturating<u8>>`.
pub struct SaturatingDemo {
    /// Clones forgotten.
    pub forgotten: usize,
    /// `strong_count` after them.
    pub count_after: usize,
    /// The value could still be read after every live handle was dropped.
    pub alive_after_drops: bool,
    /// The ledger never saw the value dropped (it is immortal).
    pub never_dropped: bool,
}

/// Saturation: the count sticks at 255 and the value is never freed.
pub fn saturating_demo() -> SaturatingDemo {
    use core::num::Saturating;
    use leaksafe::rc::Rc;
    const FORGET: usize = 300;
    let ledger = Ledger::new();
    let value = ledger.track(7u64);
    let id = value.id();
    let rc: Rc<_, Saturating<u8>> = Rc::new_counted(value);
    let weak = Rc::downgrade(&rc);
    for _ in 0..FORGET {
        std::mem::forget(rc.clone());
    }
    let count_after = Rc::strong_count(&rc);
    // Drop every handle that is still reachable: a saturated value is
    // immortal, so it stays alive and readable through the weak reference.
    drop(rc);
    let alive_after_drops = weak.upgrade().is_some_and(|r| *r.get() == 7);
    drop(weak);
    SaturatingDemo {
        forgotten: FORGET,
        count_after,
        alive_after_drops,
        never_dropped: ledger.is_alive(id) && ledger.summary().is_sound(),
    }
}

/// A forgotten JoinGuard whose thread writes borrowed stack data.
pub struct GuardDemo {
    /// The borrowed slot after `scope` returned.
    pub slot: u64,
    /// When the thread wrote it.
    pub write_at: Duration,
    /// When `scope` returned.
    pub returned_at: Duration,
    /// The ledger of the borrowed data, dropped after `scope` returned.
    pub ledger: Summary,
}

impl GuardDemo {
    /// No double drop, no read after free, nothing leaked.
    pub fn sound(&self) -> bool {
        self.ledger.is_sound() && self.ledger.live == 0
    }
}

/// The chapter's JoinGuard attack against leaksafe's scope.
pub fn guard_demo() -> GuardDemo {
    let ledger = Ledger::new();
    let data = ledger.track(vec![1u64, 2, 3]);
    let mut slot = 0u64;
    let mut write_at = Duration::ZERO;
    let t0 = Instant::now();
    leaksafe::thread::scope(|s| {
        let guard = s.spawn_guard(|| {
            std::thread::sleep(Duration::from_millis(50));
            slot = data.get().iter().sum();
            write_at = t0.elapsed();
        });
        // The chapter's attack: the guard's destructor (the join) never runs.
        std::mem::forget(guard);
    });
    let returned_at = t0.elapsed();
    drop(data);
    GuardDemo {
        slot,
        write_at,
        returned_at,
        ledger: ledger.summary(),
    }
}

/// Child: leaksafe's scope with a forgotten handle and a forgotten guard.
pub fn scope_forget_child() {
    let (mut a, mut b) = (0u64, 0u64);
    leaksafe::thread::scope(|s| {
        let h = s.spawn(|| a = 42);
        let g = s.spawn_guard(|| b = 42);
        std::mem::forget(h);
        std::mem::forget(g);
    });
    say(&format!("returned {a} {b}"));
}

/// How many clones a child forgets before it gives up waiting for an abort.
const OVERFLOW_LIMIT: usize = 1000;

/// Child: forget clones of an `Rc<u64, u8>` until it aborts.
pub fn rc_u8_overflow_child() {
    let rc: leaksafe::rc::Rc<u64, u8> = leaksafe::rc::Rc::new_counted(7);
    for _ in 0..OVERFLOW_LIMIT {
        say(&leaksafe::rc::Rc::strong_count(&rc).to_string());
        std::mem::forget(rc.clone());
    }
    say("no abort");
}

/// Child: forget clones of an `Arc<u64, u8>` until it aborts.
pub fn arc_u8_overflow_child() {
    let arc: leaksafe::sync::Arc<u64, u8> = leaksafe::sync::Arc::new_counted(7);
    for _ in 0..OVERFLOW_LIMIT {
        say(&leaksafe::sync::Arc::strong_count(&arc).to_string());
        std::mem::forget(arc.clone());
    }
    say("no abort");
}

// ---- leaksafe's side of `leaksafe bench` ---------------------------------

use core::num::Saturating;
use std::hint::black_box;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};

use crate::bench::{Imp, Mem, PER_VALUE, Role, imp, per, per_value};

/// `Vec<u64>`: 1000 pushes into a new vector.
pub fn bench_vec_push(len: usize) -> Vec<Imp> {
    vec![imp("leaksafe::vec::Vec", Role::Leaksafe, move |n| {
        for _ in 0..n {
            let mut v = leaksafe::vec::Vec::new();
            for i in 0..len as u64 {
                v.push(black_box(i));
            }
            black_box(&v);
        }
    })]
}

/// `Vec<u64>`: refill from `src`, then `drain(250..750)` summed.
pub fn bench_vec_drain(src: Vec<u64>) -> Vec<Imp> {
    vec![imp("leaksafe::vec::Vec", Role::Leaksafe, move |n| {
        let mut v = leaksafe::vec::Vec::with_capacity(src.len());
        for _ in 0..n {
            v.clear();
            v.extend_from_slice(&src);
            let s: u64 = v.drain(250..750).sum();
            black_box((s, &v));
        }
    })]
}

/// `Vec<u64>`: `extend_from_slice` of 1000 into a cleared vector.
pub fn bench_vec_extend(src: Vec<u64>) -> Vec<Imp> {
    vec![imp("leaksafe::vec::Vec", Role::Leaksafe, move |n| {
        let mut v = leaksafe::vec::Vec::with_capacity(src.len());
        for _ in 0..n {
            v.clear();
            v.extend_from_slice(black_box(&src));
            black_box(&v);
        }
    })]
}

/// `Rc<u64, C>` new + drop (one allocation and its free).
pub fn bench_rc_new() -> Vec<Imp> {
    use leaksafe::rc::Rc;
    vec![
        imp("leaksafe Rc<u64> (usize)", Role::Leaksafe, |n| {
            for i in 0..n {
                black_box(Rc::<u64>::new(black_box(i)));
            }
        }),
        imp("leaksafe Rc<u64, u32>", Role::Leaksafe, |n| {
            for i in 0..n {
                black_box(Rc::<u64, u32>::new_counted(black_box(i)));
            }
        }),
    ]
}

/// `Arc<u64, C>` new + drop (one allocation and its free).
pub fn bench_arc_new() -> Vec<Imp> {
    use leaksafe::sync::Arc;
    vec![
        imp("leaksafe Arc<u64> (usize)", Role::Leaksafe, |n| {
            for i in 0..n {
                black_box(Arc::<u64>::new(black_box(i)));
            }
        }),
        imp("leaksafe Arc<u64, u32>", Role::Leaksafe, |n| {
            for i in 0..n {
                black_box(Arc::<u64, u32>::new_counted(black_box(i)));
            }
        }),
    ]
}

/// `Rc<u64, C>` clone + drop for several `C`.
pub fn bench_rc_clone() -> Vec<Imp> {
    use leaksafe::rc::Rc;
    macro_rules! clone_drop {
        ($name:expr, $c:ty) => {{
            let r: Rc<u64, $c> = Rc::new_counted(7);
            imp($name, Role::Leaksafe, move |n| {
                for _ in 0..n {
                    black_box(black_box(&r).clone());
                }
            })
        }};
    }
    vec![
        clone_drop!("leaksafe Rc<u64> (usize)", usize),
        clone_drop!("leaksafe Rc<u64, u32>", u32),
        clone_drop!("leaksafe Rc<u64, u8>", u8),
        clone_drop!("leaksafe Rc<u64, Saturating<u32>>", Saturating<u32>),
    ]
}

/// `Arc<u64, C>` clone + drop for several `C`.
pub fn bench_arc_clone() -> Vec<Imp> {
    use leaksafe::sync::Arc;
    macro_rules! clone_drop {
        ($name:expr, $c:ty) => {{
            let r: Arc<u64, $c> = Arc::new_counted(7);
            imp($name, Role::Leaksafe, move |n| {
                for _ in 0..n {
                    black_box(black_box(&r).clone());
                }
            })
        }};
    }
    vec![
        clone_drop!("leaksafe Arc<u64> (usize)", usize),
        clone_drop!("leaksafe Arc<u64, u32>", u32),
        clone_drop!("leaksafe Arc<u64, u8>", u8),
        clone_drop!("leaksafe Arc<u64, Saturating<u32>>", Saturating<u32>),
    ]
}

/// `scope` with one spawned thread.
pub fn bench_scope_spawn() -> Vec<Imp> {
    vec![imp("leaksafe::thread::scope", Role::Leaksafe, |n| {
        let mut x = 0u64;
        for _ in 0..n {
            leaksafe::thread::scope(|s| {
                s.spawn(|| x += 1);
            });
        }
        black_box(x);
    })]
}

/// A 2-worker pool: 100 tiny tasks per scope.
pub fn bench_pool() -> Vec<Imp> {
    let pool = leaksafe::thread::ThreadPool::new(2);
    vec![imp(
        "leaksafe::thread::ThreadPool",
        Role::Leaksafe,
        move |n| {
            for _ in 0..n {
                let hits = AtomicU64::new(0);
                pool.scope(|s| {
                    for _ in 0..100 {
                        // The handle is dropped at once: the scope still waits.
                        drop(s.spawn(|| {
                            hits.fetch_add(1, Relaxed);
                        }));
                    }
                });
                black_box(hits);
            }
        },
    )]
}

/// A 2-worker pool summing 1M `u64` in 1,000 chunks: with `map_chunks`
/// (a few tasks per thread) and with one spawned, joined task per chunk.
pub fn bench_pool_sum() -> Vec<Imp> {
    let pool = std::sync::Arc::new(leaksafe::thread::ThreadPool::new(2));
    let data = std::sync::Arc::new((0..1_000_000).collect::<Vec<u64>>());
    let (pool2, data2) = (pool.clone(), data.clone());
    vec![
        imp(
            "leaksafe ThreadPool::map_chunks",
            Role::Leaksafe,
            move |n| {
                for _ in 0..n {
                    let sums = pool.map_chunks(black_box(&data), 1000, |c| c.iter().sum::<u64>());
                    black_box(sums.iter().sum::<u64>());
                }
            },
        ),
        imp(
            "leaksafe 1000 x PoolScope::spawn",
            Role::Leaksafe,
            move |n| {
                for _ in 0..n {
                    let total: u64 = pool2.scope(|s| {
                        let hs: Vec<_> = black_box(&data2)
                            .chunks(1000)
                            .map(|c| s.spawn(move || c.iter().sum::<u64>()))
                            .collect();
                        hs.into_iter().map(|h| h.join().unwrap()).sum()
                    });
                    black_box(total);
                }
            },
        ),
    ]
}

/// A 2-worker pool whose workers have started and run tasks (so that they
/// allocate nothing more while memory cases are counted).
pub fn warm_pool() -> leaksafe::thread::ThreadPool {
    let pool = leaksafe::thread::ThreadPool::new(2);
    pool.scope(|s| {
        for _ in 0..100 {
            drop(s.spawn(|| black_box(1u64)));
        }
    });
    pool
}

/// Bytes and allocations per value, per push and per spawn (`pool` from
/// [`warm_pool`]).
pub fn bench_memory(pool: &leaksafe::thread::ThreadPool) -> Vec<Mem> {
    use leaksafe::rc::Rc;
    use leaksafe::sync::Arc;
    vec![
        per_value("Rc<u8>: one value", "leaksafe Rc<u8, u8>", || {
            Rc::<u8, u8>::new_counted(1)
        }),
        per_value("Rc<u8>: one value", "leaksafe Rc<u8, u16>", || {
            Rc::<u8, u16>::new_counted(1)
        }),
        per_value("Rc<u8>: one value", "leaksafe Rc<u8, u32>", || {
            Rc::<u8, u32>::new_counted(1)
        }),
        per_value("Rc<u8>: one value", "leaksafe Rc<u8> (usize)", || {
            Rc::<u8>::new(1)
        }),
        per_value(
            "Rc<u8>: one value",
            "leaksafe Rc<u8, Saturating<u8>>",
            || Rc::<u8, Saturating<u8>>::new_counted(1),
        ),
        per_value("Arc<u8>: one value", "leaksafe Arc<u8, u8>", || {
            Arc::<u8, u8>::new_counted(1)
        }),
        per_value("Arc<u8>: one value", "leaksafe Arc<u8, u32>", || {
            Arc::<u8, u32>::new_counted(1)
        }),
        per_value("Arc<u8>: one value", "leaksafe Arc<u8> (usize)", || {
            Arc::<u8>::new(1)
        }),
        per(
            "pool: one spawn",
            "leaksafe::thread::ThreadPool",
            PER_VALUE,
            || {
                pool.scope(|s| {
                    for _ in 0..PER_VALUE {
                        drop(s.spawn(|| black_box(1u64)));
                    }
                })
            },
        ),
        per("Vec<u64>: 1000 push", "leaksafe::vec::Vec", 1, || {
            let mut v = leaksafe::vec::Vec::new();
            for i in 0..1000u64 {
                v.push(i);
            }
            v
        }),
    ]
}
