//! Benchmarks: spawn + join per scoped thread, leaksafe vs std vs crossbeam,
//! side by side in one group per case.
//!
//! Run: `cargo bench -p leaksafe --bench scope`
use std::hint::black_box;
use std::time::Duration;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};

/// Threads spawned per scope in the multi-thread cases.
const THREADS: [usize; 2] = [1, 8];

fn spawn_join(c: &mut Criterion) {
    let mut g = c.benchmark_group("scope/spawn_join");
    g.warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2))
        .sample_size(20);
    for n in THREADS {
        g.throughput(Throughput::Elements(n as u64));
        let data: Vec<u64> = (0..n as u64).collect();
        g.bench_with_input(BenchmarkId::new("leaksafe", n), &data, |b, data| {
            b.iter(|| {
                leaksafe::thread::scope(|s| {
                    let hs: Vec<_> = data
                        .iter()
                        .map(|x| s.spawn(move || black_box(*x)))
                        .collect();
                    hs.into_iter().map(|h| h.join().unwrap()).sum::<u64>()
                })
            })
        });
        g.bench_with_input(BenchmarkId::new("std", n), &data, |b, data| {
            b.iter(|| {
                std::thread::scope(|s| {
                    let hs: Vec<_> = data
                        .iter()
                        .map(|x| s.spawn(move || black_box(*x)))
                        .collect();
                    hs.into_iter().map(|h| h.join().unwrap()).sum::<u64>()
                })
            })
        });
        g.bench_with_input(BenchmarkId::new("crossbeam", n), &data, |b, data| {
            b.iter(|| {
                crossbeam_utils::thread::scope(|s| {
                    let hs: Vec<_> = data
                        .iter()
                        .map(|x| s.spawn(move |_| black_box(*x)))
                        .collect();
                    hs.into_iter().map(|h| h.join().unwrap()).sum::<u64>()
                })
                .unwrap()
            })
        });
    }
    g.finish();
}

/// Handles dropped at once: the scope itself waits (no per-handle join).
fn spawn_detached(c: &mut Criterion) {
    let mut g = c.benchmark_group("scope/spawn_scope_waits");
    g.warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2))
        .sample_size(20);
    let n = 8;
    g.throughput(Throughput::Elements(n as u64));
    let data: Vec<u64> = (0..n as u64).collect();
    g.bench_with_input(BenchmarkId::new("leaksafe", n), &data, |b, data| {
        b.iter(|| {
            leaksafe::thread::scope(|s| {
                for x in data {
                    s.spawn(move || black_box(*x));
                }
            })
        })
    });
    g.bench_with_input(BenchmarkId::new("std", n), &data, |b, data| {
        b.iter(|| {
            std::thread::scope(|s| {
                for x in data {
                    s.spawn(move || black_box(*x));
                }
            })
        })
    });
    g.bench_with_input(BenchmarkId::new("crossbeam", n), &data, |b, data| {
        b.iter(|| {
            crossbeam_utils::thread::scope(|s| {
                for x in data {
                    s.spawn(move |_| black_box(*x));
                }
            })
            .unwrap()
        })
    });
    g.finish();
}

criterion_group!(group, spawn_join, spawn_detached);
criterion_main!(group);
