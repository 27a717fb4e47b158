//! The cases of `leaksafe bench`: one function per headline case, each with
//! every implementation of it (std's, the peers', leaksafe's) side by side,
//! and the memory cases ([`memory`]).

use core::num::Saturating;
use std::hint::black_box;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};

use super::measure::{Case, Imp, Mem, PER_VALUE, Role::*, imp, per, per_value, settle};

/// Elements per vector case.
const N: usize = 1000;

/// The headline cases, in the order they are printed.
pub fn headline() -> Vec<Case> {
    vec![
        vec_push(),
        vec_drain(),
        vec_extend(),
        rc_new(),
        rc_clone(),
        arc_clone(),
        arc_new(),
        scope_spawn(),
        pool_tiny_tasks(),
        pool_sum(),
    ]
}

fn case(name: &'static str, imps: Vec<Imp>) -> Case {
    Case { name, imps }
}

/// `Vec<u64>`: 1000 pushes into a new vector.
fn vec_push() -> Case {
    case(
        "Vec<u64>: 1000 push",
        vec![
            imp("std::vec::Vec", Std, |n| {
                for _ in 0..n {
                    let mut v = Vec::new();
                    for i in 0..N as u64 {
                        v.push(black_box(i));
                    }
                    black_box(&v);
                }
            }),
            imp("leaksafe::vec::Vec", Leaksafe, move |n| {
                for _ in 0..n {
                    let mut v = leaksafe::vec::Vec::new();
                    for i in 0..N as u64 {
                        v.push(black_box(i));
                    }
                    black_box(&v);
                }
            }),
        ],
    )
}

/// `Vec<u64>`: refill from a source, then `drain(250..750)` summed.
fn vec_drain() -> Case {
    let src: Vec<u64> = (0..N as u64).collect();
    let src2 = src.clone();
    case(
        "Vec<u64>: drain(250..750) of 1000",
        vec![
            imp("std::vec::Vec", Std, move |n| {
                let mut v = Vec::with_capacity(N);
                for _ in 0..n {
                    v.clear();
                    v.extend_from_slice(&src);
                    let s: u64 = v.drain(250..750).sum();
                    black_box((s, &v));
                }
            }),
            imp("leaksafe::vec::Vec", Leaksafe, move |n| {
                let mut v = leaksafe::vec::Vec::with_capacity(src2.len());
                for _ in 0..n {
                    v.clear();
                    v.extend_from_slice(&src2);
                    let s: u64 = v.drain(250..750).sum();
                    black_box((s, &v));
                }
            }),
        ],
    )
}

/// `Vec<u64>`: `extend_from_slice` of 1000 into a cleared vector.
fn vec_extend() -> Case {
    let src: Vec<u64> = (0..N as u64).collect();
    let src2 = src.clone();
    case(
        "Vec<u64>: extend_from_slice 1000",
        vec![
            imp("std::vec::Vec", Std, move |n| {
                let mut v = Vec::with_capacity(N);
                for _ in 0..n {
                    v.clear();
                    v.extend_from_slice(black_box(&src));
                    black_box(&v);
                }
            }),
            imp("leaksafe::vec::Vec", Leaksafe, move |n| {
                let mut v = leaksafe::vec::Vec::with_capacity(src2.len());
                for _ in 0..n {
                    v.clear();
                    v.extend_from_slice(black_box(&src2));
                    black_box(&v);
                }
            }),
        ],
    )
}

/// `Rc<u64, C>` new + drop (one allocation and its free).
fn rc_new() -> Case {
    use leaksafe::rc::Rc;
    case(
        "Rc<u64>: new + drop",
        vec![
            imp("std::rc::Rc", Std, |n| {
                for i in 0..n {
                    black_box(std::rc::Rc::new(black_box(i)));
                }
            }),
            imp("leaksafe Rc<u64> (usize)", Leaksafe, |n| {
                for i in 0..n {
                    black_box(Rc::<u64>::new(black_box(i)));
                }
            }),
            imp("leaksafe Rc<u64, u32>", Leaksafe, |n| {
                for i in 0..n {
                    black_box(Rc::<u64, u32>::new_counted(black_box(i)));
                }
            }),
        ],
    )
}

/// An implementation that clones and drops one `$ptr` (made by `$new`).
macro_rules! clone_drop {
    ($name:expr, $role:expr, $new:expr) => {{
        let r = $new;
        imp($name, $role, move |n| {
            for _ in 0..n {
                black_box(black_box(&r).clone());
            }
        })
    }};
}

/// `Rc<u64, C>` clone + drop for several `C`.
fn rc_clone() -> Case {
    use leaksafe::rc::Rc;
    case(
        "Rc<u64>: clone + drop",
        vec![
            clone_drop!("std::rc::Rc", Std, std::rc::Rc::new(7u64)),
            clone_drop!("rclite::Rc", Peer, rclite::Rc::new(7u64)),
            clone_drop!(
                "leaksafe Rc<u64> (usize)",
                Leaksafe,
                Rc::<u64, usize>::new_counted(7)
            ),
            clone_drop!(
                "leaksafe Rc<u64, u32>",
                Leaksafe,
                Rc::<u64, u32>::new_counted(7)
            ),
            clone_drop!(
                "leaksafe Rc<u64, u8>",
                Leaksafe,
                Rc::<u64, u8>::new_counted(7)
            ),
            clone_drop!(
                "leaksafe Rc<u64, Saturating<u32>>",
                Leaksafe,
                Rc::<u64, Saturating<u32>>::new_counted(7)
            ),
        ],
    )
}

/// `Arc<u64, C>` clone + drop for several `C`.
fn arc_clone() -> Case {
    use leaksafe::sync::Arc;
    case(
        "Arc<u64>: clone + drop",
        vec![
            clone_drop!("std::sync::Arc", Std, std::sync::Arc::new(7u64)),
            clone_drop!("triomphe::Arc", Peer, triomphe::Arc::new(7u64)),
            clone_drop!("rclite::Arc", Peer, rclite::Arc::new(7u64)),
            clone_drop!(
                "leaksafe Arc<u64> (usize)",
                Leaksafe,
                Arc::<u64, usize>::new_counted(7)
            ),
            clone_drop!(
                "leaksafe Arc<u64, u32>",
                Leaksafe,
                Arc::<u64, u32>::new_counted(7)
            ),
            clone_drop!(
                "leaksafe Arc<u64, u8>",
                Leaksafe,
                Arc::<u64, u8>::new_counted(7)
            ),
            clone_drop!(
                "leaksafe Arc<u64, Saturating<u32>>",
                Leaksafe,
                Arc::<u64, Saturating<u32>>::new_counted(7)
            ),
        ],
    )
}

/// `Arc<u64, C>` new + drop (one allocation and its free).
fn arc_new() -> Case {
    use leaksafe::sync::Arc;
    case(
        "Arc<u64>: new + drop",
        vec![
            imp("std::sync::Arc", Std, |n| {
                for i in 0..n {
                    black_box(std::sync::Arc::new(black_box(i)));
                }
            }),
            imp("triomphe::Arc", Peer, |n| {
                for i in 0..n {
                    black_box(triomphe::Arc::new(black_box(i)));
                }
            }),
            imp("leaksafe Arc<u64> (usize)", Leaksafe, |n| {
                for i in 0..n {
                    black_box(Arc::<u64>::new(black_box(i)));
                }
            }),
            imp("leaksafe Arc<u64, u32>", Leaksafe, |n| {
                for i in 0..n {
                    black_box(Arc::<u64, u32>::new_counted(black_box(i)));
                }
            }),
        ],
    )
}

/// `scope` with one spawned thread.
fn scope_spawn() -> Case {
    case(
        "scope: spawn + join 1 thread",
        vec![
            imp("std::thread::scope", Std, |n| {
                let mut x = 0u64;
                for _ in 0..n {
                    std::thread::scope(|s| {
                        s.spawn(|| x += 1);
                    });
                }
                black_box(x);
            }),
            imp("crossbeam_utils::thread", Peer, |n| {
                let mut x = 0u64;
                for _ in 0..n {
                    crossbeam_utils::thread::scope(|s| {
                        s.spawn(|_| x += 1);
                    })
                    .expect("no panic");
                }
                black_box(x);
            }),
            imp("leaksafe::thread::scope", Leaksafe, |n| {
                let mut x = 0u64;
                for _ in 0..n {
                    leaksafe::thread::scope(|s| {
                        s.spawn(|| x += 1);
                    });
                }
                black_box(x);
            }),
        ],
    )
}

fn rayon_pool() -> rayon::ThreadPool {
    rayon::ThreadPoolBuilder::new()
        .num_threads(2)
        .build()
        .expect("rayon pool")
}

/// A 2-worker pool: 100 tiny tasks per scope.
fn pool_tiny_tasks() -> Case {
    let rayon = rayon_pool();
    let mut scoped = scoped_threadpool::Pool::new(2);
    let pool = leaksafe::thread::ThreadPool::new(2);
    case(
        "pool (2 workers): scope of 100 tiny tasks",
        vec![
            imp("rayon::scope", Peer, move |n| {
                for _ in 0..n {
                    let hits = AtomicU64::new(0);
                    rayon.scope(|s| {
                        for _ in 0..100 {
                            s.spawn(|_| {
                                hits.fetch_add(1, Relaxed);
                            });
                        }
                    });
                    black_box(hits);
                }
            }),
            imp("scoped_threadpool", Peer, move |n| {
                for _ in 0..n {
                    let hits = AtomicU64::new(0);
                    scoped.scoped(|s| {
                        for _ in 0..100 {
                            s.execute(|| {
                                hits.fetch_add(1, Relaxed);
                            });
                        }
                    });
                    black_box(hits);
                }
            }),
            imp("leaksafe::thread::ThreadPool", Leaksafe, move |n| {
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
            }),
        ],
    )
}

/// A 2-worker pool summing 1M `u64` in 1,000 chunks: rayon's `par_iter`,
/// leaksafe's `map_chunks` (a few tasks per thread) and one spawned, joined
/// task per chunk.
fn pool_sum() -> Case {
    let rayon = rayon_pool();
    let rayon_data: Vec<u64> = (0..1_000_000).collect();
    let pool = std::sync::Arc::new(leaksafe::thread::ThreadPool::new(2));
    let data = std::sync::Arc::new((0..1_000_000).collect::<Vec<u64>>());
    let (pool2, data2) = (pool.clone(), data.clone());
    case(
        "pool (2 workers): sum 1M u64, 1000 chunks",
        vec![
            imp("rayon par_iter().sum()", Peer, move |n| {
                use rayon::prelude::*;
                for _ in 0..n {
                    black_box(rayon.install(|| black_box(&rayon_data).par_iter().sum::<u64>()));
                }
            }),
            imp("leaksafe ThreadPool::map_chunks", Leaksafe, move |n| {
                for _ in 0..n {
                    let sums = pool.map_chunks(black_box(&data), 1000, |c| c.iter().sum::<u64>());
                    black_box(sums.iter().sum::<u64>());
                }
            }),
            imp("leaksafe 1000 x PoolScope::spawn", Leaksafe, move |n| {
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
            }),
        ],
    )
}

/// Bytes and allocations per value, per push and per spawn, grouped by
/// case, std and peers first, as printed.
pub fn memory() -> Vec<Mem> {
    use leaksafe::rc::Rc;
    use leaksafe::sync::Arc;
    // Pools first and warmed up, so that no worker starts (and allocates)
    // while another case is being counted.
    let rayon2 = rayon_pool();
    rayon2.scope(|s| {
        for _ in 0..100 {
            s.spawn(|_| {
                black_box(1u64);
            });
        }
    });
    let pool = leaksafe::thread::ThreadPool::new(2);
    pool.scope(|s| {
        for _ in 0..100 {
            drop(s.spawn(|| black_box(1u64)));
        }
    });
    settle();
    let mut m = vec![
        per_value("Rc<u8>: one value", "std::rc::Rc", || std::rc::Rc::new(1u8)),
        per_value("Arc<u8>: one value", "std::sync::Arc", || {
            std::sync::Arc::new(1u8)
        }),
        per_value("Arc<u8>: one value", "triomphe::Arc", || {
            triomphe::Arc::new(1u8)
        }),
        per("Vec<u64>: 1000 push", "std::vec::Vec", 1, || {
            let mut v = Vec::new();
            for i in 0..1000u64 {
                v.push(i);
            }
            v
        }),
        per("pool: one spawn", "rayon::scope", PER_VALUE, || {
            rayon2.scope(|s| {
                for _ in 0..PER_VALUE {
                    s.spawn(|_| {
                        black_box(1u64);
                    });
                }
            })
        }),
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
    ];
    m.sort_by_key(|x| (x.case, x.name.starts_with("leaksafe")));
    m
}
