//! Benchmarks: `leaksafe::thread::ThreadPool` side by side with rayon,
//! `std::thread::scope` and scoped_threadpool, all with 2 worker threads.
//!
//! Run: `cargo bench -p leaksafe --bench pool`
//!
//! The pool cases are also timed **paired**: every iteration runs the
//! leaksafe case and the rayon case back to back, in alternating order, and
//! the median of the per-iteration ratios is printed as a `paired` line after
//! the group. Both sides then ran under the same machine load, which on this
//! shared 2-core machine moves single cases by 2× between runs; the paired
//! ratio is the claim, criterion's per-case estimates are for reference.
use std::hint::black_box;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use criterion::{Bencher, Criterion, Throughput, criterion_group, criterion_main};
use rayon::prelude::*;

/// Times `cases[which]`, running both cases once per iteration in an order
/// that alternates, and records every pair of times in `paired`.
fn interleaved(
    b: &mut Bencher<'_>,
    which: usize,
    cases: &[&dyn Fn(); 2],
    paired: &Mutex<Vec<[f64; 2]>>,
) {
    b.iter_custom(|iters| {
        let mut total = Duration::ZERO;
        let mut pairs = Vec::with_capacity(iters as usize);
        for i in 0..iters as usize {
            let mut pair = [0.0; 2];
            for j in 0..2 {
                let k = (i + j) % 2;
                let t = Instant::now();
                cases[k]();
                let e = t.elapsed();
                pair[k] = e.as_secs_f64();
                if k == which {
                    total += e;
                }
            }
            pairs.push(pair);
        }
        paired.lock().unwrap().extend(pairs);
        total
    })
}

/// The median of the per-iteration ratios leaksafe/rayon, with quartiles.
fn print_paired(name: &str, paired: &Mutex<Vec<[f64; 2]>>) {
    let v = paired.lock().unwrap();
    let sorted = |f: &dyn Fn(&[f64; 2]) -> f64| {
        let mut r: Vec<f64> = v.iter().map(f).collect();
        r.sort_by(|a, b| a.partial_cmp(b).unwrap());
        r
    };
    let ratio = sorted(&|p| p[0] / p[1]);
    let (lk, ry) = (sorted(&|p| p[0]), sorted(&|p| p[1]));
    let n = v.len();
    println!(
        "paired {name}: n={n} median leaksafe/rayon {:.3} (quartiles {:.3}..{:.3}); median us: leaksafe {:.1} rayon {:.1}",
        ratio[n / 2],
        ratio[n / 4],
        ratio[3 * n / 4],
        lk[n / 2] * 1e6,
        ry[n / 2] * 1e6,
    );
}

const THREADS: usize = 2;
const TASKS: usize = 10_000;
/// `std::thread::scope` spawns an OS thread per task: fewer, cost per task.
const STD_TASKS: usize = 100;

fn rayon_pool() -> rayon::ThreadPool {
    rayon::ThreadPoolBuilder::new()
        .num_threads(THREADS)
        .build()
        .unwrap()
}

fn tasks(c: &mut Criterion) {
    let pool = leaksafe::thread::ThreadPool::new(THREADS);
    let rp = rayon_pool();
    let mut g = c.benchmark_group("pool/trivial_tasks");
    g.warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2))
        .sample_size(20);
    g.throughput(Throughput::Elements(TASKS as u64));
    let lk = || {
        pool.scope(|s| {
            for i in 0..TASKS {
                s.spawn(move || {
                    black_box(i);
                });
            }
        })
    };
    let ry = || {
        rp.scope(|s| {
            for i in 0..TASKS {
                s.spawn(move |_| {
                    black_box(i);
                });
            }
        })
    };
    let cases: [&dyn Fn(); 2] = [&lk, &ry];
    let paired = Mutex::new(Vec::new());
    for (which, name) in ["leaksafe_pool_scope_10k", "rayon_scope_10k"]
        .into_iter()
        .enumerate()
    {
        g.bench_function(name, |b| interleaved(b, which, &cases, &paired));
    }
    g.throughput(Throughput::Elements(STD_TASKS as u64));
    g.bench_function("std_thread_scope_100", |b| {
        b.iter(|| {
            std::thread::scope(|s| {
                for i in 0..STD_TASKS {
                    s.spawn(move || {
                        black_box(i);
                    });
                }
            })
        })
    });
    g.finish();
    print_paired("pool/trivial_tasks/10k", &paired);
}

fn empty_scope(c: &mut Criterion) {
    let pool = leaksafe::thread::ThreadPool::new(THREADS);
    let rp = rayon_pool();
    let mut stp = scoped_threadpool::Pool::new(THREADS as u32);
    let mut g = c.benchmark_group("pool/empty_scope");
    g.warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2))
        .sample_size(20);
    g.bench_function("leaksafe_pool_scope", |b| {
        b.iter(|| {
            pool.scope(|s| {
                black_box(s);
            })
        })
    });
    g.bench_function("scoped_threadpool_scoped", |b| {
        b.iter(|| {
            stp.scoped(|s| {
                black_box(s);
            })
        })
    });
    g.bench_function("rayon_scope", |b| {
        b.iter(|| {
            rp.scope(|s| {
                black_box(s);
            })
        })
    });
    g.finish();
}

fn parallel_sum(c: &mut Criterion) {
    let pool = leaksafe::thread::ThreadPool::new(THREADS);
    let rp = rayon_pool();
    let data: Vec<u64> = (0..1_000_000u64).collect();
    let expected: u64 = data.iter().sum();
    let mut g = c.benchmark_group("pool/sum_1m_u64");
    g.warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2))
        .sample_size(20);
    let lk = || {
        let data = black_box(&data);
        let total: u64 = pool.scope(|s| {
            let handles: Vec<_> = data
                .chunks(1000)
                .map(|chunk| s.spawn(move || chunk.iter().sum::<u64>()))
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).sum()
        });
        assert_eq!(total, expected);
    };
    let ry = || {
        let data = black_box(&data);
        let total: u64 = rp.install(|| data.par_iter().sum());
        assert_eq!(total, expected);
    };
    let cases: [&dyn Fn(); 2] = [&lk, &ry];
    let paired = Mutex::new(Vec::new());
    for (which, name) in ["leaksafe_pool_1000_chunks", "rayon_par_iter"]
        .into_iter()
        .enumerate()
    {
        g.bench_function(name, |b| interleaved(b, which, &cases, &paired));
    }
    g.bench_function("serial_iter", |b| {
        b.iter(|| {
            let total: u64 = black_box(&data).iter().sum();
            assert_eq!(total, expected);
        })
    });
    g.finish();
    print_paired("pool/sum_1m_u64", &paired);
}

criterion_group!(group, tasks, empty_scope, parallel_sum);
criterion_main!(group);
