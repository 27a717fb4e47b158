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

/// Times `cases[which]`, running every case once per iteration in an order
/// that rotates, and records every iteration's times in `paired`.
fn interleaved(
    b: &mut Bencher<'_>,
    which: usize,
    cases: &[&dyn Fn()],
    paired: &Mutex<Vec<Vec<f64>>>,
) {
    b.iter_custom(|iters| {
        let mut total = Duration::ZERO;
        let mut rows = Vec::with_capacity(iters as usize);
        for i in 0..iters as usize {
            let mut row = vec![0.0; cases.len()];
            for j in 0..cases.len() {
                let k = (i + j) % cases.len();
                let t = Instant::now();
                cases[k]();
                let e = t.elapsed();
                row[k] = e.as_secs_f64();
                if k == which {
                    total += e;
                }
            }
            rows.push(row);
        }
        paired.lock().unwrap().extend(rows);
        total
    })
}

/// For each leaksafe case (all but the last), the median of the
/// per-iteration ratios to the last case (rayon), with quartiles.
fn print_paired(name: &str, names: &[&str], paired: &Mutex<Vec<Vec<f64>>>) {
    let v = paired.lock().unwrap();
    let n = v.len();
    if n == 0 {
        // The group was filtered out (or run in test mode without rounds).
        return;
    }
    let sorted = |f: &dyn Fn(&[f64]) -> f64| {
        let mut r: Vec<f64> = v.iter().map(|row| f(row)).collect();
        r.sort_by(|a, b| a.partial_cmp(b).unwrap());
        r
    };
    let last = names.len() - 1;
    for k in 0..last {
        let ratio = sorted(&|row| row[k] / row[last]);
        let (lk, ry) = (sorted(&|row| row[k]), sorted(&|row| row[last]));
        println!(
            "paired {name}/{}: n={n} median {}/{} {:.3} (quartiles {:.3}..{:.3}); median us: {:.1} vs {:.1}",
            names[k],
            names[k],
            names[last],
            ratio[n / 2],
            ratio[n / 4],
            ratio[3 * n / 4],
            lk[n / 2] * 1e6,
            ry[n / 2] * 1e6,
        );
    }
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
    let names = ["leaksafe_pool_scope_10k", "rayon_scope_10k"];
    let paired = Mutex::new(Vec::new());
    for (which, name) in names.into_iter().enumerate() {
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
    print_paired("pool/trivial_tasks", &names, &paired);
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
    // The same 1,000 chunks through `map_chunks`, which splits them into a
    // few tasks per thread instead of spawning one task per chunk.
    let lk_map = || {
        let data = black_box(&data);
        let total: u64 = pool
            .map_chunks(data, 1000, |chunk| chunk.iter().sum::<u64>())
            .into_iter()
            .sum();
        assert_eq!(total, expected);
    };
    let ry = || {
        let data = black_box(&data);
        let total: u64 = rp.install(|| data.par_iter().sum());
        assert_eq!(total, expected);
    };
    let cases: [&dyn Fn(); 3] = [&lk, &lk_map, &ry];
    let names = [
        "leaksafe_pool_1000_spawns",
        "leaksafe_map_chunks_1000",
        "rayon_par_iter",
    ];
    let paired = Mutex::new(Vec::new());
    for (which, name) in names.into_iter().enumerate() {
        g.bench_function(name, |b| interleaved(b, which, &cases, &paired));
    }
    g.bench_function("serial_iter", |b| {
        b.iter(|| {
            let total: u64 = black_box(&data).iter().sum();
            assert_eq!(total, expected);
        })
    });
    g.finish();
    print_paired("pool/sum_1m_u64", &names, &paired);
}

/// Below this, fib recurses sequentially.
const FIB_CUTOFF: u64 = 12;
const FIB_N: u64 = 32;

fn fib_seq(n: u64) -> u64 {
    if n < 2 {
        n
    } else {
        fib_seq(n - 1) + fib_seq(n - 2)
    }
}

fn fib_leaksafe(n: u64) -> u64 {
    if n <= FIB_CUTOFF {
        return fib_seq(n);
    }
    let (a, b) = leaksafe::thread::join(|| fib_leaksafe(n - 1), || fib_leaksafe(n - 2));
    a + b
}

fn fib_rayon(n: u64) -> u64 {
    if n <= FIB_CUTOFF {
        return fib_seq(n);
    }
    let (a, b) = rayon::join(|| fib_rayon(n - 1), || fib_rayon(n - 2));
    a + b
}

/// Sequential below this many elements.
const SORT_CUTOFF: usize = 4096;
const SORT_LEN: usize = 1_000_000;

/// Lomuto partition around the median of three; returns the pivot's index.
fn partition(v: &mut [u64]) -> usize {
    let (l, m, h) = (0, v.len() / 2, v.len() - 1);
    if v[m] < v[l] {
        v.swap(m, l);
    }
    if v[h] < v[l] {
        v.swap(h, l);
    }
    if v[h] < v[m] {
        v.swap(h, m);
    }
    v.swap(m, h);
    let pivot = v[h];
    let mut i = 0;
    for j in 0..h {
        if v[j] < pivot {
            v.swap(i, j);
            i += 1;
        }
    }
    v.swap(i, h);
    i
}

fn quicksort_leaksafe(v: &mut [u64]) {
    if v.len() <= SORT_CUTOFF {
        v.sort_unstable();
        return;
    }
    let p = partition(v);
    let (l, r) = v.split_at_mut(p);
    leaksafe::thread::join(|| quicksort_leaksafe(l), || quicksort_leaksafe(&mut r[1..]));
}

fn quicksort_rayon(v: &mut [u64]) {
    if v.len() <= SORT_CUTOFF {
        v.sort_unstable();
        return;
    }
    let p = partition(v);
    let (l, r) = v.split_at_mut(p);
    rayon::join(|| quicksort_rayon(l), || quicksort_rayon(&mut r[1..]));
}

/// Deterministic pseudo-random input (xorshift).
fn random_u64s(n: usize) -> Vec<u64> {
    let mut x = 0x9E37_79B9_7F4A_7C15u64;
    (0..n)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        })
        .collect()
}

fn fork_join(c: &mut Criterion) {
    let pool = leaksafe::thread::ThreadPool::new(THREADS);
    let rp = rayon_pool();
    let mut g = c.benchmark_group("pool/join");
    g.warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(3))
        .sample_size(10);
    let lk = || {
        black_box(pool.install(|| fib_leaksafe(black_box(FIB_N))));
    };
    let ry = || {
        black_box(rp.install(|| fib_rayon(black_box(FIB_N))));
    };
    let cases: [&dyn Fn(); 2] = [&lk, &ry];
    let names = ["leaksafe_join_fib32", "rayon_join_fib32"];
    let paired = Mutex::new(Vec::new());
    for (which, name) in names.into_iter().enumerate() {
        g.bench_function(name, |b| interleaved(b, which, &cases, &paired));
    }
    print_paired("pool/join", &names, &paired);

    let input = random_u64s(SORT_LEN);
    let lk = || {
        let mut v = input.clone();
        pool.install(|| quicksort_leaksafe(&mut v));
        black_box(v);
    };
    let ry = || {
        let mut v = input.clone();
        rp.install(|| quicksort_rayon(&mut v));
        black_box(v);
    };
    let rs = || {
        let mut v = input.clone();
        rp.install(|| v.par_sort_unstable());
        black_box(v);
    };
    let cases: [&dyn Fn(); 3] = [&lk, &rs, &ry];
    let names = [
        "leaksafe_join_quicksort_1m",
        "rayon_par_sort_unstable_1m",
        "rayon_join_quicksort_1m",
    ];
    let paired = Mutex::new(Vec::new());
    for (which, name) in names.into_iter().enumerate() {
        g.bench_function(name, |b| interleaved(b, which, &cases, &paired));
    }
    g.finish();
    print_paired("pool/join", &names, &paired);
}

criterion_group!(group, tasks, empty_scope, parallel_sum, fork_join);
criterion_main!(group);
