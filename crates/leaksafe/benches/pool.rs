//! Benchmarks: `leaksafe::thread::ThreadPool` side by side with rayon,
//! `std::thread::scope` and scoped_threadpool, all with 2 worker threads.
//!
//! Run: `cargo bench -p leaksafe --bench pool`
use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use rayon::prelude::*;

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
    g.bench_function("leaksafe_pool_scope_10k", |b| {
        b.iter(|| {
            pool.scope(|s| {
                for i in 0..TASKS {
                    s.spawn(move || {
                        black_box(i);
                    });
                }
            })
        })
    });
    g.bench_function("rayon_scope_10k", |b| {
        b.iter(|| {
            rp.scope(|s| {
                for i in 0..TASKS {
                    s.spawn(move |_| {
                        black_box(i);
                    });
                }
            })
        })
    });
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
    g.bench_function("leaksafe_pool_1000_chunks", |b| {
        b.iter(|| {
            let data = black_box(&data);
            let total: u64 = pool.scope(|s| {
                let handles: Vec<_> = data
                    .chunks(1000)
                    .map(|chunk| s.spawn(move || chunk.iter().sum::<u64>()))
                    .collect();
                handles.into_iter().map(|h| h.join().unwrap()).sum()
            });
            assert_eq!(total, expected);
        })
    });
    g.bench_function("rayon_par_iter", |b| {
        b.iter(|| {
            let data = black_box(&data);
            let total: u64 = rp.install(|| data.par_iter().sum());
            assert_eq!(total, expected);
        })
    });
    g.bench_function("serial_iter", |b| {
        b.iter(|| {
            let total: u64 = black_box(&data).iter().sum();
            assert_eq!(total, expected);
        })
    });
    g.finish();
}

criterion_group!(group, tasks, empty_scope, parallel_sum);
criterion_main!(group);
