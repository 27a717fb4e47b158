//! Benchmarks: spawn + join per scoped thread, leaksafe vs std vs crossbeam,
//! side by side in one group per case.
//!
//! The machine these run on is shared and noisy, so each measurement is
//! *interleaved*: every timed iteration of one library runs next to untimed
//! iterations of the other two, in rotating order, so all three see the same
//! background load
//! (criterion otherwise measures them in separate 2 s blocks, and load changes
//! between blocks swamp a 10% difference).
//!
//! Run: `cargo bench -p leaksafe --bench scope`
use std::hint::black_box;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use criterion::{Bencher, BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};

const LIBS: [&str; 3] = ["leaksafe", "std", "crossbeam"];

/// Times `cases[which]` only, running every case once per iteration, in a
/// rotating order: a case that follows another pays for the other's threads
/// still exiting (detached threads outlive their scope at the OS level), so
/// each case must follow each other case equally often.
///
/// Every case is timed anyway and the triple goes to `paired`, so the ratios
/// printed by [`print_paired`] compare runs made under the same load.
fn interleaved(
    b: &mut Bencher<'_>,
    which: usize,
    cases: &[&dyn Fn(); 3],
    paired: &Mutex<Vec<[f64; 3]>>,
) {
    b.iter_custom(|iters| {
        let mut total = Duration::ZERO;
        let mut triples = Vec::with_capacity(iters as usize);
        for i in 0..iters as usize {
            let mut triple = [0.0; 3];
            for j in 0..cases.len() {
                let k = (i + j) % cases.len();
                let t = Instant::now();
                cases[k]();
                let e = t.elapsed();
                triple[k] = e.as_secs_f64();
                if k == which {
                    total += e;
                }
            }
            triples.push(triple);
        }
        paired.lock().unwrap().extend(triples);
        total
    })
}

/// Medians of the per-iteration ratios leaksafe/std and leaksafe/crossbeam,
/// each ratio taken between runs made back to back.
fn print_paired(name: &str, paired: &Mutex<Vec<[f64; 3]>>) {
    let v = paired.lock().unwrap();
    let median = |f: &dyn Fn(&[f64; 3]) -> f64| {
        let mut r: Vec<f64> = v.iter().map(f).collect();
        r.sort_by(|a, b| a.partial_cmp(b).unwrap());
        r[r.len() / 2]
    };
    println!(
        "paired {name}: n={} median leaksafe/std {:.3} leaksafe/crossbeam {:.3} (median us: leaksafe {:.1} std {:.1} crossbeam {:.1})",
        v.len(),
        median(&|t| t[0] / t[1]),
        median(&|t| t[0] / t[2]),
        median(&|t| t[0]) * 1e6,
        median(&|t| t[1]) * 1e6,
        median(&|t| t[2]) * 1e6,
    );
}

/// Spawn `n` threads, keep the handles, join each.
fn spawn_join(c: &mut Criterion) {
    let mut g = c.benchmark_group("scope/spawn_join");
    g.warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2))
        .sample_size(20);
    for n in [1u64, 8] {
        g.throughput(Throughput::Elements(n));
        let data: Vec<u64> = (0..n).collect();
        let leaksafe = || {
            black_box(leaksafe::thread::scope(|s| {
                let hs: Vec<_> = data
                    .iter()
                    .map(|x| s.spawn(move || black_box(*x)))
                    .collect();
                hs.into_iter().map(|h| h.join().unwrap()).sum::<u64>()
            }));
        };
        let std = || {
            black_box(std::thread::scope(|s| {
                let hs: Vec<_> = data
                    .iter()
                    .map(|x| s.spawn(move || black_box(*x)))
                    .collect();
                hs.into_iter().map(|h| h.join().unwrap()).sum::<u64>()
            }));
        };
        let crossbeam = || {
            black_box(
                crossbeam_utils::thread::scope(|s| {
                    let hs: Vec<_> = data
                        .iter()
                        .map(|x| s.spawn(move |_| black_box(*x)))
                        .collect();
                    hs.into_iter().map(|h| h.join().unwrap()).sum::<u64>()
                })
                .unwrap(),
            );
        };
        let cases: [&dyn Fn(); 3] = [&leaksafe, &std, &crossbeam];
        let paired = Mutex::new(Vec::new());
        for (which, lib) in LIBS.iter().enumerate() {
            g.bench_function(BenchmarkId::new(*lib, n), |b| {
                interleaved(b, which, &cases, &paired)
            });
        }
        print_paired(&format!("scope/spawn_join/{n}"), &paired);
    }
    g.finish();
}

/// Spawn `n` threads and drop the handles at once: the scope itself waits.
fn spawn_scope_waits(c: &mut Criterion) {
    let mut g = c.benchmark_group("scope/spawn_scope_waits");
    g.warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2))
        .sample_size(20);
    let n = 8u64;
    g.throughput(Throughput::Elements(n));
    let data: Vec<u64> = (0..n).collect();
    let leaksafe = || {
        leaksafe::thread::scope(|s| {
            for x in &data {
                s.spawn(move || black_box(*x));
            }
        })
    };
    let std = || {
        std::thread::scope(|s| {
            for x in &data {
                s.spawn(move || black_box(*x));
            }
        })
    };
    let crossbeam = || {
        crossbeam_utils::thread::scope(|s| {
            for x in &data {
                s.spawn(move |_| black_box(*x));
            }
        })
        .unwrap()
    };
    let cases: [&dyn Fn(); 3] = [&leaksafe, &std, &crossbeam];
    let paired = Mutex::new(Vec::new());
    for (which, lib) in LIBS.iter().enumerate() {
        g.bench_function(BenchmarkId::new(*lib, n), |b| {
            interleaved(b, which, &cases, &paired)
        });
    }
    print_paired(&format!("scope/spawn_scope_waits/{n}"), &paired);
    g.finish();
}

criterion_group!(group, spawn_join, spawn_scope_waits);
criterion_main!(group);
