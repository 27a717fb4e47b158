//! `leaksafe bench`: a short run of the headline cases, leaksafe side by
//! side with std and the best peer crates in one process, printed as ratios
//! (leaksafe time ÷ std time, and ÷ the best peer's time), plus bytes and
//! allocations per operation from the binary's counting allocator.
//!
//! Method: each implementation is calibrated to a batch of at least
//! `batch` wall time; then `rounds` rounds run every implementation of a case
//! once each, in rotating order (so slow drift of a noisy machine hits all
//! alike); the fastest batch gives the time per operation (noise from other
//! processes only adds time, so the minimum is the steadiest estimate). The criterion
//! benches in crates/leaksafe/benches are the careful measurement; this is
//! the quick look a user can reproduce in under a minute.

use std::hint::black_box;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use serde_json::json;

use crate::alloc_count::measure;
use crate::style::Style;

pub const EXAMPLES: &str = "\
Examples:
  leaksafe bench            about 30 s: every headline case
  leaksafe bench --quick    a few seconds, fewer rounds (noisier)
  leaksafe bench --json     machine-readable

Ratios below 1.00 mean leaksafe is faster. Times are the fastest of many
rounds in which every implementation runs once, in rotating order; noise from
other processes is not removed, so compare ratios, not absolute times.";

/// Arguments of `leaksafe bench`.
#[derive(clap::Args, Debug, Clone)]
pub struct Args {
    /// Fewer and shorter rounds: a few seconds in all, noisier.
    #[arg(long)]
    pub quick: bool,
    /// Print only JSON on stdout.
    #[arg(long)]
    pub json: bool,
}

/// Whose implementation this is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    Leaksafe,
    Std,
    Peer,
}

/// One implementation of a case: runs `n` operations.
pub struct Imp {
    name: &'static str,
    role: Role,
    run: Box<dyn FnMut(u64)>,
}

pub fn imp(name: &'static str, role: Role, run: impl FnMut(u64) + 'static) -> Imp {
    Imp {
        name,
        role,
        run: Box::new(run),
    }
}

/// A headline case: what one operation is, and its implementations.
struct Case {
    name: &'static str,
    imps: Vec<Imp>,
}

struct Settings {
    batch: Duration,
    rounds: usize,
}

/// One leaksafe implementation's time and ratios.
struct Ratios {
    name: &'static str,
    ns: f64,
    /// leaksafe ÷ std.
    std: Option<f64>,
    /// The best (fastest) peer, and leaksafe ÷ its time.
    peer: Option<(&'static str, f64)>,
}

/// Measured nanoseconds per operation, per implementation.
struct Timed {
    name: &'static str,
    results: Vec<(&'static str, Role, f64)>,
}

impl Timed {
    fn of(&self, role: Role) -> Option<(&'static str, f64)> {
        self.results
            .iter()
            .filter(|r| r.1 == role)
            .map(|r| (r.0, r.2))
            .min_by(|a, b| a.1.total_cmp(&b.1))
    }

    /// Every leaksafe variant, with its ratio to std and to the best peer.
    fn rows(&self) -> Vec<Ratios> {
        let std = self.of(Role::Std).map(|s| s.1);
        let peer = self.of(Role::Peer);
        self.results
            .iter()
            .filter(|r| r.1 == Role::Leaksafe)
            .map(|r| Ratios {
                name: r.0,
                ns: r.2,
                std: std.map(|s| r.2 / s),
                peer: peer.map(|p| (p.0, r.2 / p.1)),
            })
            .collect()
    }
}

fn time_case(case: &mut Case, set: &Settings) -> Timed {
    // Calibrate: operations per batch so that a batch takes >= set.batch.
    let mut per_batch = Vec::new();
    for i in &mut case.imps {
        let mut n = 1u64;
        loop {
            let t = Instant::now();
            (i.run)(n);
            let e = t.elapsed();
            if e >= set.batch / 2 || n >= 1 << 30 {
                let scale = set.batch.as_secs_f64() / e.as_secs_f64().max(1e-9);
                per_batch.push(((n as f64 * scale).ceil() as u64).max(1));
                break;
            }
            n *= 4;
        }
    }
    let k = case.imps.len();
    let mut samples: Vec<Vec<f64>> = vec![Vec::new(); k];
    for round in 0..set.rounds {
        for j in 0..k {
            let idx = (round + j) % k;
            let n = per_batch[idx];
            let t = Instant::now();
            (case.imps[idx].run)(n);
            samples[idx].push(t.elapsed().as_nanos() as f64 / n as f64);
        }
    }
    let results = case
        .imps
        .iter()
        .zip(samples)
        .map(|(i, s)| {
            // The fastest batch: on a shared machine noise only ever adds
            // time, so the minimum is the steadiest estimate of the cost.
            (
                i.name,
                i.role,
                s.iter().copied().fold(f64::INFINITY, f64::min),
            )
        })
        .collect();
    Timed {
        name: case.name,
        results,
    }
}

// ---- the headline cases -------------------------------------------------

fn cases() -> Vec<Case> {
    use Role::*;
    const N: usize = 1000;
    let src: Vec<u64> = (0..N as u64).collect();
    let src2 = src.clone();
    let src3 = src.clone();
    let src4 = src.clone();
    vec![
        Case {
            name: "Vec<u64>: 1000 push",
            imps: vec![imp("std::vec::Vec", Std, |n| {
                for _ in 0..n {
                    let mut v = Vec::new();
                    for i in 0..N as u64 {
                        v.push(black_box(i));
                    }
                    black_box(&v);
                }
            })]
            .into_iter()
            .chain(crate::live::bench_vec_push(N))
            .collect(),
        },
        Case {
            name: "Vec<u64>: drain(250..750) of 1000",
            imps: vec![imp("std::vec::Vec", Std, move |n| {
                let mut v = Vec::with_capacity(N);
                for _ in 0..n {
                    v.clear();
                    v.extend_from_slice(&src);
                    let s: u64 = v.drain(250..750).sum();
                    black_box((s, &v));
                }
            })]
            .into_iter()
            .chain(crate::live::bench_vec_drain(src2))
            .collect(),
        },
        Case {
            name: "Vec<u64>: extend_from_slice 1000",
            imps: vec![{
                let src = src3;
                imp("std::vec::Vec", Std, move |n| {
                    let mut v = Vec::with_capacity(N);
                    for _ in 0..n {
                        v.clear();
                        v.extend_from_slice(black_box(&src));
                        black_box(&v);
                    }
                })
            }]
            .into_iter()
            .chain(crate::live::bench_vec_extend(src4))
            .collect(),
        },
        Case {
            name: "Rc<u64>: new + drop",
            imps: vec![imp("std::rc::Rc", Std, |n| {
                for i in 0..n {
                    black_box(std::rc::Rc::new(black_box(i)));
                }
            })]
            .into_iter()
            .chain(crate::live::bench_rc_new())
            .collect(),
        },
        Case {
            name: "Rc<u64>: clone + drop",
            imps: vec![
                {
                    let r = std::rc::Rc::new(7u64);
                    imp("std::rc::Rc", Std, move |n| {
                        for _ in 0..n {
                            black_box(black_box(&r).clone());
                        }
                    })
                },
                {
                    let r = rclite::Rc::new(7u64);
                    imp("rclite::Rc", Peer, move |n| {
                        for _ in 0..n {
                            black_box(black_box(&r).clone());
                        }
                    })
                },
            ]
            .into_iter()
            .chain(crate::live::bench_rc_clone())
            .collect(),
        },
        Case {
            name: "Arc<u64>: clone + drop",
            imps: vec![
                {
                    let r = std::sync::Arc::new(7u64);
                    imp("std::sync::Arc", Std, move |n| {
                        for _ in 0..n {
                            black_box(black_box(&r).clone());
                        }
                    })
                },
                {
                    let r = triomphe::Arc::new(7u64);
                    imp("triomphe::Arc", Peer, move |n| {
                        for _ in 0..n {
                            black_box(black_box(&r).clone());
                        }
                    })
                },
                {
                    let r = rclite::Arc::new(7u64);
                    imp("rclite::Arc", Peer, move |n| {
                        for _ in 0..n {
                            black_box(black_box(&r).clone());
                        }
                    })
                },
            ]
            .into_iter()
            .chain(crate::live::bench_arc_clone())
            .collect(),
        },
        Case {
            name: "Arc<u64>: new + drop",
            imps: vec![
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
            ]
            .into_iter()
            .chain(crate::live::bench_arc_new())
            .collect(),
        },
        Case {
            name: "scope: spawn + join 1 thread",
            imps: vec![
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
            ]
            .into_iter()
            .chain(crate::live::bench_scope_spawn())
            .collect(),
        },
        Case {
            name: "pool (2 workers): scope of 100 tiny tasks",
            imps: vec![
                {
                    let pool = rayon::ThreadPoolBuilder::new()
                        .num_threads(2)
                        .build()
                        .expect("rayon pool");
                    imp("rayon::scope", Peer, move |n| {
                        for _ in 0..n {
                            let hits = std::sync::atomic::AtomicU64::new(0);
                            pool.scope(|s| {
                                for _ in 0..100 {
                                    s.spawn(|_| {
                                        hits.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                                    });
                                }
                            });
                            black_box(hits);
                        }
                    })
                },
                {
                    let mut pool = scoped_threadpool::Pool::new(2);
                    imp("scoped_threadpool", Peer, move |n| {
                        for _ in 0..n {
                            let hits = std::sync::atomic::AtomicU64::new(0);
                            pool.scoped(|s| {
                                for _ in 0..100 {
                                    s.execute(|| {
                                        hits.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                                    });
                                }
                            });
                            black_box(hits);
                        }
                    })
                },
            ]
            .into_iter()
            .chain(crate::live::bench_pool())
            .collect(),
        },
        Case {
            name: "pool (2 workers): sum 1M u64, 1000 chunks",
            imps: vec![{
                let pool = rayon::ThreadPoolBuilder::new()
                    .num_threads(2)
                    .build()
                    .expect("rayon pool");
                let data: Vec<u64> = (0..1_000_000).collect();
                imp("rayon par_iter().sum()", Peer, move |n| {
                    use rayon::prelude::*;
                    for _ in 0..n {
                        black_box(pool.install(|| black_box(&data).par_iter().sum::<u64>()));
                    }
                })
            }]
            .into_iter()
            .chain(crate::live::bench_pool_sum())
            .collect(),
        },
    ]
}

/// Bytes and allocations per operation.
pub struct Mem {
    case: &'static str,
    name: &'static str,
    allocs: f64,
    bytes: f64,
}

pub fn per<T>(case: &'static str, name: &'static str, ops: usize, f: impl FnOnce() -> T) -> Mem {
    let (r, c) = measure(f);
    drop(r);
    Mem {
        case,
        name,
        allocs: c.allocs as f64 / ops as f64,
        bytes: c.bytes as f64 / ops as f64,
    }
}

/// Values measured per case in [`per_value`].
pub const PER_VALUE: usize = 1000;

/// Bytes and allocations of one value made by `new`: `PER_VALUE` values are
/// kept in a vector reserved beforehand, so only the values are counted.
pub fn per_value<T>(case: &'static str, name: &'static str, new: impl Fn() -> T) -> Mem {
    let mut keep = Vec::with_capacity(PER_VALUE);
    let m = per(case, name, PER_VALUE, || {
        for _ in 0..PER_VALUE {
            keep.push(new());
        }
    });
    drop(keep);
    m
}

/// A pool's threads allocate while they start, and the counter is
/// process-wide: let them settle before anything is measured.
pub fn settle() {
    std::thread::sleep(Duration::from_millis(20));
}

fn memory() -> Vec<Mem> {
    // Pools first and warmed up, so that no worker starts (and allocates)
    // while another case is being counted.
    let rayon2 = rayon::ThreadPoolBuilder::new()
        .num_threads(2)
        .build()
        .expect("rayon pool");
    rayon2.scope(|s| {
        for _ in 0..100 {
            s.spawn(|_| {
                black_box(1u64);
            });
        }
    });
    let ls_pool = crate::live::warm_pool();
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
    ];
    m.extend(crate::live::bench_memory(&ls_pool));
    // Group by case, std and peers first, as printed.
    m.sort_by_key(|x| (x.case, x.name.starts_with("leaksafe")));
    m
}

/// Runs the benchmarks; always exit 0 (a slow case is reported, not failed).
pub fn run(args: &Args, s: &Style) -> ExitCode {
    let set = if args.quick {
        Settings {
            batch: Duration::from_millis(2),
            rounds: 9,
        }
    } else {
        Settings {
            batch: Duration::from_millis(10),
            rounds: 41,
        }
    };
    let start = Instant::now();
    let mut cases = cases();
    if !args.json {
        println!(
            "{}",
            s.bold(&format!(
                "leaksafe bench{}: ratio = leaksafe time / other time (below 1.00 = leaksafe faster)",
                if args.quick { " --quick" } else { "" }
            ))
        );
        println!(
            "{}",
            s.dim(&format!(
                "{:<42} {:<36} {:>9} {:>7} {:>7}  {}",
                "case", "leaksafe", "ns/op", "/ std", "/ peer", "best peer"
            ))
        );
    }
    let mut timed = Vec::new();
    for c in &mut cases {
        let t = time_case(c, &set);
        if !args.json {
            print_timed(&t, s);
        }
        timed.push(t);
    }
    let mem = memory();
    if !args.json {
        println!();
        println!(
            "{}",
            s.dim(&format!(
                "{:<42} {:<36} {:>9} {:>9}",
                "memory (requested from the allocator)", "type", "allocs/op", "bytes/op"
            ))
        );
        for m in &mem {
            println!(
                "{:<42} {:<36} {:>9.2} {:>9.1}",
                m.case, m.name, m.allocs, m.bytes
            );
        }
        println!();
        println!(
            "{}",
            s.dim(&format!(
                "bench: {:.1} s on {} cores; the machine's noise is in these numbers: rerun to compare",
                start.elapsed().as_secs_f64(),
                std::thread::available_parallelism().map_or(1, |n| n.get())
            ))
        );
    } else {
        let doc = json!({
            "quick": args.quick,
            "seconds": start.elapsed().as_secs_f64(),
            "cores": std::thread::available_parallelism().map_or(1, |n| n.get()),
            "cases": timed.iter().map(|t| json!({
                "case": t.name,
                "ns_per_op": t.results.iter().map(|r| json!({
                    "name": r.0,
                    "role": format!("{:?}", r.1).to_lowercase(),
                    "ns": r.2,
                })).collect::<Vec<_>>(),
                "leaksafe": t.rows().iter().map(|r| json!({
                    "name": r.name,
                    "ns": r.ns,
                    "ratio_std": r.std,
                    "best_peer": r.peer.map(|p| p.0),
                    "ratio_best_peer": r.peer.map(|p| p.1),
                })).collect::<Vec<_>>(),
            })).collect::<Vec<_>>(),
            "memory": mem.iter().map(|m| json!({
                "case": m.case,
                "name": m.name,
                "allocs_per_op": m.allocs,
                "bytes_per_op": m.bytes,
            })).collect::<Vec<_>>(),
        });
        println!(
            "{}",
            serde_json::to_string_pretty(&doc).expect("JSON of plain data")
        );
    }
    ExitCode::SUCCESS
}

fn ratio(r: Option<f64>, s: &Style) -> String {
    match r {
        None => format!("{:>7}", "-"),
        Some(x) => {
            let t = format!("{x:>6.2}x");
            if x > 1.05 { s.warn(&t) } else { s.good(&t) }
        }
    }
}

fn print_timed(t: &Timed, s: &Style) {
    let rows = t.rows();
    if rows.is_empty() {
        let others: Vec<String> = t
            .results
            .iter()
            .map(|r| format!("{} {:.1} ns", r.0, r.2))
            .collect();
        println!(
            "{:<42} {:<36} {}",
            t.name,
            "(no leaksafe entry)",
            others.join(", ")
        );
    }
    for (i, r) in rows.iter().enumerate() {
        println!(
            "{:<42} {:<36} {:>9.1} {} {}  {}",
            if i == 0 { t.name } else { "" },
            r.name,
            r.ns,
            ratio(r.std, s),
            ratio(r.peer.map(|p| p.1), s),
            r.peer.map_or("-", |p| p.0)
        );
    }
}
