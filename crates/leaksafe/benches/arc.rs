//! Benchmarks: `leaksafe::sync::Arc` against `std::sync::Arc` and
//! `triomphe::Arc` (no weak count), side by side in one run.
//!
//! Run: `cargo bench -p leaksafe --bench arc`. Results and ratios:
//! `benches/results/arc.md`.
use core::num::Saturating;
use std::hint::black_box;
use std::sync::Barrier;
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group, criterion_main};

/// Clone and drop one handle to a live `Arc<u64>`: one Relaxed increment and
/// one Release decrement (not the last).
fn clone_drop(c: &mut Criterion) {
    let mut g = c.benchmark_group("arc_clone_drop");
    g.warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2))
        .sample_size(30);

    let a = std::sync::Arc::new(5u64);
    g.bench_function("std", |b| {
        b.iter(|| drop(black_box(std::sync::Arc::clone(black_box(&a)))))
    });
    let a = triomphe::Arc::new(5u64);
    g.bench_function("triomphe", |b| {
        b.iter(|| drop(black_box(triomphe::Arc::clone(black_box(&a)))))
    });
    macro_rules! leaksafe {
        ($($name:literal: $c:ty),*) => {$(
            let a: leaksafe::sync::Arc<u64, $c> = leaksafe::sync::Arc::new_counted(5);
            g.bench_function($name, |b| {
                b.iter(|| drop(black_box(leaksafe::sync::Arc::clone(black_box(&a)))))
            });
        )*};
    }
    leaksafe!(
        "leaksafe<usize>": usize,
        "leaksafe<u64>": u64,
        "leaksafe<u32>": u32,
        "leaksafe<u8>": u8,
        "leaksafe<Saturating<u32>>": Saturating<u32>
    );
    g.finish();
}

/// new + drop: allocation, counts' initialisation, last-drop path.
fn new_drop(c: &mut Criterion) {
    let mut g = c.benchmark_group("arc_new_drop");
    g.warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2))
        .sample_size(30);
    g.bench_function("std", |b| {
        b.iter(|| drop(black_box(std::sync::Arc::new(black_box(5u64)))))
    });
    g.bench_function("triomphe", |b| {
        b.iter(|| drop(black_box(triomphe::Arc::new(black_box(5u64)))))
    });
    macro_rules! leaksafe {
        ($($name:literal: $c:ty),*) => {$(
            g.bench_function($name, |b| {
                b.iter(|| drop(black_box(leaksafe::sync::Arc::<u64, $c>::new_counted(black_box(5)))))
            });
        )*};
    }
    leaksafe!(
        "leaksafe<usize>": usize,
        "leaksafe<u8>": u8,
        "leaksafe<Saturating<u32>>": Saturating<u32>
    );
    g.finish();
}

/// Two threads clone and drop handles to the same `Arc` at once (the count's
/// cache line bounces). Time of thread 0 from a common start; each thread does
/// `iters` clone+drop pairs.
fn contended(c: &mut Criterion) {
    let mut g = c.benchmark_group("arc_two_threads");
    g.warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2))
        .sample_size(20);

    fn run<A: Clone + Sync>(a: &A, iters: u64) -> Duration {
        let barrier = Barrier::new(2);
        std::thread::scope(|s| {
            let other = s.spawn(|| {
                barrier.wait();
                for _ in 0..iters {
                    drop(black_box(black_box(a).clone()));
                }
            });
            barrier.wait();
            let start = Instant::now();
            for _ in 0..iters {
                drop(black_box(black_box(a).clone()));
            }
            let t = start.elapsed();
            other.join().unwrap();
            t
        })
    }

    let a = std::sync::Arc::new(5u64);
    g.bench_function("std", |b| b.iter_custom(|n| run(&a, n)));
    let a = triomphe::Arc::new(5u64);
    g.bench_function("triomphe", |b| b.iter_custom(|n| run(&a, n)));
    let a: leaksafe::sync::Arc<u64> = leaksafe::sync::Arc::new(5);
    g.bench_function("leaksafe<usize>", |b| b.iter_custom(|n| run(&a, n)));
    let a: leaksafe::sync::Arc<u64, u8> = leaksafe::sync::Arc::new_counted(5);
    g.bench_function("leaksafe<u8>", |b| b.iter_custom(|n| run(&a, n)));
    let a: leaksafe::sync::Arc<u64, Saturating<u32>> = leaksafe::sync::Arc::new_counted(5);
    g.bench_function("leaksafe<Saturating<u32>>", |b| {
        b.iter_custom(|n| run(&a, n))
    });
    g.finish();
}

/// upgrade + drop of a Weak (a CAS loop in both std and leaksafe).
fn upgrade(c: &mut Criterion) {
    let mut g = c.benchmark_group("arc_upgrade_drop");
    g.warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2))
        .sample_size(30);
    let a = std::sync::Arc::new(5u64);
    let w = std::sync::Arc::downgrade(&a);
    g.bench_function("std", |b| {
        b.iter(|| drop(black_box(black_box(&w).upgrade())))
    });
    let a: leaksafe::sync::Arc<u64> = leaksafe::sync::Arc::new(5);
    let w = leaksafe::sync::Arc::downgrade(&a);
    g.bench_function("leaksafe<usize>", |b| {
        b.iter(|| drop(black_box(black_box(&w).upgrade())))
    });
    let a: leaksafe::sync::Arc<u64, u8> = leaksafe::sync::Arc::new_counted(5);
    let w = leaksafe::sync::Arc::downgrade(&a);
    g.bench_function("leaksafe<u8>", |b| {
        b.iter(|| drop(black_box(black_box(&w).upgrade())))
    });
    g.finish();
}

criterion_group!(group, clone_drop, new_drop, contended, upgrade);
criterion_main!(group);
