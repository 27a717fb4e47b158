//! Benchmarks: the user-code operations of `leaksafe::vec::Vec` beside
//! `std::vec::Vec`, in one criterion group (`vec_ops`), on 1M elements:
//!
//! - `retain` keeping half of 1M `u32`;
//! - `dedup` of 1M `u64` with 50% duplicates;
//! - `splice` of 10 items into the middle of 1M `u32`;
//! - `extend_from_within(..)` of 1M `u32` (room reserved beforehand);
//! - `extract_if(.., even)` of 1M `u32`, consumed.
//!
//! Each iteration gets a fresh input (`iter_batched_ref`, not timed).
//! Run: `cargo bench -p leaksafe --bench vec_ops`.

// std's `Vec::extract_if` (the baseline) is 1.87; the library keeps to 1.85.
#![allow(clippy::incompatible_msrv)]
use std::hint::black_box;
use std::time::Duration;

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use leaksafe::vec::Vec as LVec;

const N: usize = 1_000_000;

fn configure() -> Criterion {
    Criterion::default()
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2))
        .sample_size(20)
}

/// A fixed pseudo-random stream (xorshift64), so both sides see the same data.
fn xorshift(mut s: u64) -> impl FnMut() -> u64 {
    move || {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        s
    }
}

fn u32s() -> Vec<u32> {
    let mut r = xorshift(0x9e37_79b9_7f4a_7c15);
    (0..N).map(|_| r() as u32).collect()
}

/// Sorted-ish runs: each element repeats its predecessor with probability 1/2.
fn with_dups() -> Vec<u64> {
    let mut r = xorshift(0x2545_f491_4f6c_dd1d);
    let mut x = 0u64;
    (0..N)
        .map(|_| {
            if r() & 1 == 0 {
                x += 1;
            }
            x
        })
        .collect()
}

fn both<S: Clone>(
    g: &mut criterion::BenchmarkGroup<'_, criterion::measurement::WallTime>,
    name: &str,
    src: &[S],
    mut ours: impl FnMut(&mut LVec<S>),
    mut theirs: impl FnMut(&mut Vec<S>),
    spare: usize,
) {
    g.bench_function(format!("{name}/leaksafe"), |b| {
        b.iter_batched_ref(
            || {
                let mut v = LVec::with_capacity(src.len() + spare);
                v.extend_from_slice(src);
                v
            },
            |v| ours(black_box(v)),
            BatchSize::LargeInput,
        )
    });
    g.bench_function(format!("{name}/std"), |b| {
        b.iter_batched_ref(
            || {
                let mut v = Vec::with_capacity(src.len() + spare);
                v.extend_from_slice(src);
                v
            },
            |v| theirs(black_box(v)),
            BatchSize::LargeInput,
        )
    });
}

fn vec_ops(c: &mut Criterion) {
    let mut g = c.benchmark_group("vec_ops");
    let a = u32s();
    let d = with_dups();

    both(
        &mut g,
        "retain_half_1M_u32",
        &a,
        |v| v.retain(|x| x % 2 == 0),
        |v| v.retain(|x| x % 2 == 0),
        0,
    );
    both(
        &mut g,
        "dedup_1M_u64_50pct",
        &d,
        |v| v.dedup(),
        |v| v.dedup(),
        0,
    );
    let ten = [7u32; 10];
    both(
        &mut g,
        "splice_10_mid_1M_u32",
        &a,
        |v| drop(v.splice(N / 2..N / 2, ten)),
        |v| drop(v.splice(N / 2..N / 2, ten)),
        10,
    );
    both(
        &mut g,
        "extend_from_within_1M_u32",
        &a,
        |v| v.extend_from_within(..),
        |v| v.extend_from_within(..),
        N,
    );
    both(
        &mut g,
        "extract_if_half_1M_u32",
        &a,
        |v| {
            black_box(v.extract_if(.., |x| *x % 2 == 0).count());
        },
        |v| {
            black_box(v.extract_if(.., |x| *x % 2 == 0).count());
        },
        0,
    );
    g.finish();
}

criterion_group! {
    name = group;
    config = configure();
    targets = vec_ops
}
criterion_main!(group);
